/**
 * The degradation controller (controls.md §7.3): turns resource samples into one
 * level. Pure and clock-free (the caller passes the time), so tests drive it
 * sample by sample.
 */
import { DegradationLevel, LEVEL_NAMES, levelAction, type GuardResource, type GuardSettings, type LevelName } from './levels.js';

/**
 * One observation. A resource left undefined keeps its last value (disk is sampled
 * less often than memory); `null` means "not measured" (e.g. cpu off).
 */
export interface ResourceSample {
  /** max(rss / limit, used heap / heap limit), 0…1+. */
  memory?: number | null;
  /** Resident set size in bytes (reported, not a level input). */
  rssBytes?: number;
  /** Least free bytes over the watched directories, and which one. */
  disk?: { freeBytes: number; path: string } | null;
  /** 0…1 (event-loop or host utilization). */
  cpu?: number | null;
}

/** One level change, as in `guard.events[]` (controls.md §7.6). */
export interface GuardTransition {
  at: string;
  from: LevelName;
  to: LevelName;
  resource: GuardResource;
  value: number;
  threshold: number;
  action: string;
}

/** The manifest's `guard` section (controls.md §2.3). */
export interface GuardSummary {
  preset: string;
  limits: Record<string, unknown>;
  max_level: LevelName;
  time_in_level_ms: Record<LevelName, number>;
  peak: { memory_ratio: number | null; rss_bytes: number | null; disk_free_min_bytes: number | null; cpu: number | null };
  events: GuardTransition[];
}

const MAX_EVENTS = 1000;
const MB = 1024 * 1024;

interface ResourceState { level: DegradationLevel; value: number | null; emergencyRun: number }

/**
 * @example
 * const c = new GuardController(guardSettings({}));
 * c.observe({ memory: 0.72 }, Date.now()); // → [{ from: 'normal', to: 'reduced', resource: 'memory', … }]
 * c.level; // DegradationLevel.Reduced
 */
export class GuardController {
  private readonly res: Record<GuardResource, ResourceState> = {
    memory: { level: 0, value: null, emergencyRun: 0 },
    disk: { level: 0, value: null, emergencyRun: 0 },
    cpu: { level: 0, value: null, emergencyRun: 0 },
  };
  private current: DegradationLevel = DegradationLevel.Normal;
  private maxLevel: DegradationLevel = DegradationLevel.Normal;
  private readonly events: GuardTransition[] = [];
  private readonly timeIn: Record<LevelName, number> = { normal: 0, reduced: 0, minimal: 0, emergency: 0 };
  private since: number | null = null;
  private last: number | null = null;
  private readonly peak: GuardSummary['peak'] = { memory_ratio: null, rss_bytes: null, disk_free_min_bytes: null, cpu: null };
  /** Recorded in the summary's `limits` (set by whoever resolves the memory limit). */
  limits: Record<string, unknown> = {};

  constructor(readonly settings: GuardSettings) {}

  get level(): DegradationLevel {
    return this.current;
  }

  /** Feeds one sample taken at `atMs`; returns the level changes it caused (at most one). */
  observe(sample: ResourceSample, atMs: number): GuardTransition[] {
    this.account(atMs);
    if (this.current === DegradationLevel.Emergency) return []; // terminal (controls.md §7.3 rule 3)
    this.trackPeak(sample);
    const before = this.current;
    let fell: GuardResource | null = null;
    for (const r of ['memory', 'disk', 'cpu'] as const) {
      const v = r === 'disk' ? (sample.disk === undefined ? undefined : sample.disk?.freeBytes ?? null) : sample[r];
      if (v !== undefined) this.res[r].value = v;
      if (v === undefined) continue; // not re-sampled: its level stands
      const prev = this.res[r].level;
      this.res[r].level = this.step(r);
      if (this.res[r].level < prev) fell = r;
    }
    const next = Math.max(this.res.memory.level, this.res.disk.level, this.res.cpu.level) as DegradationLevel;
    if (next === before) return [];
    this.current = next;
    if (next > this.maxLevel) this.maxLevel = next;
    const resource = next > before ? this.leader(next) : (fell ?? this.leader(before));
    const st = this.res[resource];
    const thresholdLevel = (next > before ? next : before) as 1 | 2 | 3;
    const t: GuardTransition = {
      at: new Date(atMs).toISOString(),
      from: LEVEL_NAMES[before],
      to: LEVEL_NAMES[next],
      resource,
      value: st.value ?? 0,
      threshold: this.threshold(resource, thresholdLevel) ?? 0,
      action: levelAction(next),
    };
    if (this.events.length < MAX_EVENTS) this.events.push(t);
    return [t];
  }

  /** The manifest section; `atMs` closes the time spent in the current level. */
  summary(atMs: number): GuardSummary {
    this.account(atMs);
    return {
      preset: this.settings.preset,
      limits: this.limits,
      max_level: LEVEL_NAMES[this.maxLevel],
      time_in_level_ms: { ...this.timeIn },
      peak: { ...this.peak },
      events: [...this.events],
    };
  }

  /** Threshold of `level` for `resource` in its own unit (ratio, or free bytes for disk). */
  threshold(resource: GuardResource, level: 1 | 2 | 3): number | null {
    const t = this.settings.thresholds;
    if (resource === 'memory') return t.memory[level];
    if (resource === 'cpu') return t.cpu[level];
    return t.diskFreeMb[level] * MB;
  }

  /** Raw level q: the highest threshold the value crosses. */
  private raw(r: GuardResource, v: number): DegradationLevel {
    for (const level of [3, 2, 1] as const) {
      const th = this.threshold(r, level);
      if (th === null) continue;
      if (r === 'disk' ? v <= th : v >= th) return level;
    }
    return DegradationLevel.Normal;
  }

  /** One sample's step for one resource (controls.md §7.3 rules 1–2). */
  private step(r: GuardResource): DegradationLevel {
    const st = this.res[r];
    const L = st.level;
    if (st.value === null) return DegradationLevel.Normal;
    let q = this.raw(r, st.value);
    st.emergencyRun = q === DegradationLevel.Emergency ? st.emergencyRun + 1 : 0;
    // Emergency needs that many consecutive raw samples; until then it counts as Minimal.
    if (q === DegradationLevel.Emergency && st.emergencyRun < this.settings.emergencyConfirmSamples) q = DegradationLevel.Minimal;
    if (q > L) return q;
    if (q < L) {
      const th = this.threshold(r, L as 1 | 2 | 3)!;
      const h = this.settings.hysteresis;
      const cleared = r === 'disk' ? st.value > th * (1 + h) : st.value < th - h;
      return cleared ? ((L - 1) as DegradationLevel) : L;
    }
    return L;
  }

  private leader(level: DegradationLevel): GuardResource {
    for (const r of ['memory', 'disk', 'cpu'] as const) if (this.res[r].level === level) return r;
    return 'memory';
  }

  private account(atMs: number): void {
    if (this.since === null) this.since = atMs;
    if (this.last !== null && atMs > this.last) this.timeIn[LEVEL_NAMES[this.current]] += atMs - this.last;
    if (this.last === null || atMs > this.last) this.last = atMs;
  }

  private trackPeak(s: ResourceSample): void {
    const p = this.peak;
    if (typeof s.memory === 'number') p.memory_ratio = Math.max(p.memory_ratio ?? 0, round4(s.memory));
    if (typeof s.rssBytes === 'number') p.rss_bytes = Math.max(p.rss_bytes ?? 0, s.rssBytes);
    if (s.disk) p.disk_free_min_bytes = Math.min(p.disk_free_min_bytes ?? Infinity, s.disk.freeBytes);
    if (typeof s.cpu === 'number') p.cpu = Math.max(p.cpu ?? 0, round4(s.cpu));
  }
}

function round4(v: number): number {
  return Math.round(v * 10000) / 10000;
}
