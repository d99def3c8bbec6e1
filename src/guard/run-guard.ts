/**
 * Wires the guard into one run: the source credit gate, the sampler timer, the
 * manual (SIGUSR1) pause, and what each change becomes — a progress event, a
 * run-log record (controls.md §9 `guard.level`, `pause`, `resume`) and the
 * manifest's `guard` / `pauses` sections (controls.md §2.3).
 */
import { tmpdir } from 'node:os';
import type { JsonObject } from '../config/types.js';
import type { RunEvent } from '../engine/progress.js';
import type { RunLog } from '../provenance/runlog.js';
import type { GuardSummary } from './controller.js';
import { ResourceGuard, type ManualPause } from './guard.js';
import { DegradationLevel, guardSettings, type GuardSettings } from './levels.js';
import { detectMemoryLimit, systemSampler, type GuardSampler } from './monitors.js';
import { CreditGate, type InFlightProbe, type PauseRecord, type PauseReason } from './pause.js';

/** Runner options for the guard; `sampler` is how tests script resource pressure. */
export interface RunGuardOptions {
  sampler?: GuardSampler;
  /** Overrides of the config's `guard:` settings (tests: short intervals). */
  settings?: Partial<GuardSettings>;
}

export interface RunGuard {
  readonly gate: CreditGate;
  readonly level: () => DegradationLevel;
  readonly latest: ResourceGuard['latest'];
  start(): void;
  stop(): void;
  summary(): GuardSummary;
  pauses(): PauseRecord[];
}

const DEFAULT_IN_FLIGHT_BYTES = 64 * 1024 * 1024;
const DEFAULT_IN_FLIGHT_ROWS = 65_536;

/**
 * @example
 * const g = createRunGuard({ config, controlRoot, localDirs, inFlight, emit, runLog, onEmergency });
 * g.start(); // before the sources; g.stop() in `finally`
 */
export function createRunGuard(args: {
  config: { guard?: unknown; runtime?: unknown };
  controlRoot: string;
  localDirs: readonly string[];
  inFlight: InFlightProbe;
  emit: (e: RunEvent) => void;
  runLog: RunLog | null;
  onEmergency: (message: string) => void;
  manualPause?: ManualPause;
  options?: RunGuardOptions;
}): RunGuard {
  const settings: GuardSettings = { ...guardSettings(args.config.guard as JsonObject | undefined), ...args.options?.settings };
  const runtime = (args.config.runtime ?? {}) as Record<string, unknown>;
  const gate = new CreditGate(args.inFlight, {
    bytes: typeof runtime.max_in_flight_bytes === 'number' ? runtime.max_in_flight_bytes : DEFAULT_IN_FLIGHT_BYTES,
    rows: typeof runtime.max_in_flight_rows === 'number' ? runtime.max_in_flight_rows : DEFAULT_IN_FLIGHT_ROWS,
  });
  const limit = detectMemoryLimit(settings.memoryLimitBytes);
  // One statfs per directory is cheap; duplicates on one filesystem are harmless.
  const dirs = [...new Set([args.controlRoot, ...args.localDirs, tmpdir()])];
  const sampler = args.options?.sampler ?? systemSampler({
    memoryLimitBytes: limit.bytes, diskDirs: dirs, cpuSource: settings.cpuSource,
    workers: typeof runtime.workers === 'number' ? runtime.workers : 0,
  });
  const append = (actor: string, action: string, outcome: 'info' | 'aborted', details: Record<string, unknown>): void => {
    args.runLog?.append({ actor, action, resource: `shard:${args.runLog.identity.shard}`, outcome, details });
  };
  const pauseChange = (paused: boolean, reason: PauseReason): void => {
    const at = new Date().toISOString();
    args.emit({ type: paused ? 'pause' : 'resume', at, reason });
    append(reason === 'guard' ? 'system:guard' : 'signal:SIGUSR1', paused ? 'pause' : 'resume', 'info', { reason });
  };
  const guard = new ResourceGuard(settings, sampler, gate, {
    onTransition: (t, level) => {
      args.emit({ type: 'guard', level, ...t });
      append('system:guard', 'guard.level', level === DegradationLevel.Emergency ? 'aborted' : 'info', { ...t, level });
    },
    onPauseChange: pauseChange,
    onEmergency: (t) => args.onEmergency(`resource guard emergency: ${t.resource} ${formatValue(t.resource, t.value)} crossed ${formatValue(t.resource, t.threshold)}`),
  });
  guard.controller.limits = {
    memory_bytes: limit.bytes,
    memory_from: limit.from,
    memory: settings.thresholds.memory.slice(1),
    disk_free_mb: settings.thresholds.diskFreeMb.slice(1),
    cpu: settings.thresholds.cpu.slice(1, 3),
    cpu_source: settings.cpuSource,
    hysteresis: settings.hysteresis,
  };
  let unsubscribe: (() => void) | null = null;
  return {
    gate,
    level: () => guard.level,
    latest: guard.latest,
    start: () => {
      guard.start();
      const manual = args.manualPause;
      if (manual) {
        const apply = (paused: boolean): void => {
          const changed = paused ? gate.pause('signal') : gate.resume('signal');
          if (changed) pauseChange(paused, 'signal');
        };
        if (manual.paused) apply(true);
        unsubscribe = manual.subscribe(apply);
      }
    },
    stop: () => {
      guard.stop();
      unsubscribe?.();
      unsubscribe = null;
    },
    summary: () => guard.summary(),
    pauses: () => gate.pauses(),
  };
}

function formatValue(resource: string, v: number): string {
  return resource === 'disk' ? `${Math.round(v / (1024 * 1024))} MB free` : v.toFixed(2);
}
