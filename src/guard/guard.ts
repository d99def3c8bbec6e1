/**
 * The resource guard of one run (controls.md §7): samples on a timer, feeds the
 * controller, and applies the level at the source credit gate — Reduced halves
 * the in-flight budget, Minimal pauses the sources, Emergency asks for a
 * graceful stop. It never touches a batch, so the data is the same either way.
 */
import { GuardController, type GuardSummary, type GuardTransition, type ResourceSample } from './controller.js';
import { DegradationLevel, type GuardSettings } from './levels.js';
import { toSample, type GuardSampler } from './monitors.js';
import type { CreditGate, PauseReason } from './pause.js';

export interface GuardHooks {
  /** A level change (also recorded in the summary's events). */
  onTransition?(t: GuardTransition, level: DegradationLevel): void;
  /** The gate closed (`to = paused`) or opened for `reason`. */
  onPauseChange?(paused: boolean, reason: PauseReason): void;
  /** Emergency: the run must stop gracefully (`DSP_GUARD_EMERGENCY`). */
  onEmergency?(t: GuardTransition): void;
  /** Every sample, for gauges (disk free, resident memory). */
  onSample?(s: ResourceSample): void;
}

/**
 * @example
 * const guard = new ResourceGuard(settings, sampler, gate, { onEmergency: () => abort.abort(...) });
 * guard.start(); … guard.stop();
 */
export class ResourceGuard {
  readonly controller: GuardController;
  private timer: NodeJS.Timeout | null = null;
  private lastDiskAt = -Infinity;
  private busy = false;
  private stopped = false;
  /** The latest reading of each resource (gauges). */
  readonly latest: { memory: number | null; rssBytes: number | null; disk: { freeBytes: number; path: string } | null; cpu: number | null } = {
    memory: null, rssBytes: null, disk: null, cpu: null,
  };

  constructor(
    readonly settings: GuardSettings,
    private readonly sampler: GuardSampler,
    private readonly gate: CreditGate,
    private readonly hooks: GuardHooks = {},
    private readonly now: () => number = Date.now,
  ) {
    this.controller = new GuardController(settings);
  }

  get level(): DegradationLevel {
    return this.controller.level;
  }

  /** Starts sampling every `interval_ms`; the timer is unref'd (it never keeps a finished run alive). */
  start(): void {
    if (!this.settings.enabled || this.timer) return;
    this.timer = setInterval(() => void this.sampleOnce(), this.settings.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Takes one sample (disk only when its own interval has passed) and applies the result. */
  async sampleOnce(): Promise<void> {
    if (this.busy || this.stopped) return;
    this.busy = true;
    try {
      const mem = this.sampler.memory();
      const cpu = this.sampler.cpu();
      const at = this.now();
      let disk: { freeBytes: number; path: string } | null | undefined;
      if (at - this.lastDiskAt >= this.settings.diskIntervalMs) {
        this.lastDiskAt = at;
        disk = await this.sampler.disk();
      }
      if (this.stopped) return;
      const sample = toSample(mem, disk, cpu);
      this.latest.memory = mem?.ratio ?? null;
      this.latest.rssBytes = mem?.rssBytes ?? null;
      if (disk !== undefined) this.latest.disk = disk;
      this.latest.cpu = cpu;
      this.hooks.onSample?.(sample);
      for (const t of this.controller.observe(sample, this.now())) this.apply(t);
    } finally {
      this.busy = false;
    }
  }

  summary(): GuardSummary {
    return this.controller.summary(this.now());
  }

  private apply(t: GuardTransition): void {
    const level = this.controller.level;
    this.hooks.onTransition?.(t, level);
    this.gate.setBudgetFactor(level >= DegradationLevel.Reduced ? 0.5 : 1);
    if (level >= DegradationLevel.Minimal) {
      if (this.gate.pause('guard')) this.hooks.onPauseChange?.(true, 'guard');
    } else if (this.gate.resume('guard')) {
      this.hooks.onPauseChange?.(false, 'guard');
    }
    if (level === DegradationLevel.Emergency) {
      this.stop();
      this.hooks.onEmergency?.(t);
    }
  }
}

/**
 * A manual pause toggle (SIGUSR1, controls.md §7.6) the CLI owns and the runner
 * listens to; it can be toggled before the run starts.
 *
 * @example
 * const manual = new ManualPause();
 * process.on('SIGUSR1', () => manual.toggle());
 * await runPipeline({ loaded, manualPause: manual });
 */
export class ManualPause {
  private state = false;
  private readonly listeners = new Set<(paused: boolean) => void>();

  get paused(): boolean {
    return this.state;
  }

  /** Flips the state; returns the new one. */
  toggle(): boolean {
    this.state = !this.state;
    for (const l of [...this.listeners]) l(this.state);
    return this.state;
  }

  /** Calls `listener` on every change; returns the unsubscribe function. */
  subscribe(listener: (paused: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
