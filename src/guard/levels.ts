/**
 * Degradation levels and their thresholds (controls.md §7.2). A level only ever
 * changes how fast data is produced, never which data (controls.md §7.4).
 */
import type { JsonObject } from '../config/types.js';
import type { ConfigIssue } from '../errors.js';

/** Normal < Reduced < Minimal < Emergency; the numbers are `pipeline_guard_level`. */
export const DegradationLevel = { Normal: 0, Reduced: 1, Minimal: 2, Emergency: 3 } as const;
export type DegradationLevel = (typeof DegradationLevel)[keyof typeof DegradationLevel];

export const LEVEL_NAMES = ['normal', 'reduced', 'minimal', 'emergency'] as const;
export type LevelName = (typeof LEVEL_NAMES)[number];

export type GuardResource = 'memory' | 'disk' | 'cpu';
export type GuardPreset = 'default' | 'conservative' | 'aggressive';
export type CpuSource = 'auto' | 'elu' | 'host' | 'off';

/**
 * Thresholds per resource, indexed by level 1…3 (index 0 unused). Memory and CPU are
 * ratios crossed from below (value ≥ threshold); disk is free MB crossed from above
 * (free ≤ threshold). `null` = the level is never reached by that resource.
 */
export interface GuardThresholds {
  memory: [null, number, number, number];
  diskFreeMb: [null, number, number, number];
  cpu: [null, number, number, null];
}

/** The effective guard settings of a run (config `guard:` merged over its preset). */
export interface GuardSettings {
  enabled: boolean;
  preset: GuardPreset;
  thresholds: GuardThresholds;
  /** `guard.memory_limit_mb` in bytes, else null (detected at run time). */
  memoryLimitBytes: number | null;
  intervalMs: number;
  diskIntervalMs: number;
  hysteresis: number;
  emergencyConfirmSamples: number;
  cpuSource: CpuSource;
}

const PRESETS: Record<GuardPreset, GuardThresholds> = {
  default: { memory: [null, 0.7, 0.85, 0.95], diskFreeMb: [null, 1000, 500, 100], cpu: [null, 0.8, 0.9, null] },
  conservative: { memory: [null, 0.6, 0.75, 0.9], diskFreeMb: [null, 2000, 1000, 500], cpu: [null, 0.7, 0.85, null] },
  aggressive: { memory: [null, 0.8, 0.9, 0.98], diskFreeMb: [null, 500, 200, 50], cpu: [null, 0.9, 0.95, null] },
};

/**
 * Resolves `guard:` from the config (already schema-validated) into settings.
 *
 * @example
 * guardSettings({ preset: 'conservative', memory: { reduced: 0.5 } }).thresholds.memory // [null, 0.5, 0.75, 0.9]
 */
export function guardSettings(config: JsonObject | undefined): GuardSettings {
  const g = config ?? {};
  const preset = (g.preset as GuardPreset | undefined) ?? 'default';
  const base = structuredClone(PRESETS[preset]);
  const mem = (g.memory ?? {}) as Record<string, number>;
  const disk = (g.disk_free_mb ?? {}) as Record<string, number>;
  const cpu = (g.cpu ?? {}) as Record<string, number | string>;
  const t: GuardThresholds = {
    memory: [null, mem.reduced ?? base.memory[1], mem.minimal ?? base.memory[2], mem.emergency ?? base.memory[3]],
    diskFreeMb: [null, disk.reduced ?? base.diskFreeMb[1], disk.minimal ?? base.diskFreeMb[2], disk.emergency ?? base.diskFreeMb[3]],
    cpu: [null, (cpu.reduced as number | undefined) ?? base.cpu[1], (cpu.minimal as number | undefined) ?? base.cpu[2], null],
  };
  const limitMb = g.memory_limit_mb as number | undefined;
  return {
    enabled: g.enabled !== false,
    preset,
    thresholds: t,
    memoryLimitBytes: limitMb !== undefined ? limitMb * 1024 * 1024 : null,
    intervalMs: (g.interval_ms as number | undefined) ?? 250,
    diskIntervalMs: (g.disk_interval_ms as number | undefined) ?? 1000,
    hysteresis: (g.hysteresis as number | undefined) ?? 0.05,
    emergencyConfirmSamples: (g.emergency_confirm_samples as number | undefined) ?? 2,
    cpuSource: (cpu.source as CpuSource | undefined) ?? 'auto',
  };
}

/**
 * Thresholds must rise with the level (memory, cpu) or fall with it (free disk), else a level
 * could never be reached the way the table of controls.md §7.2 reads. Checked before a run starts.
 *
 * @example
 * guardThresholdIssues(guardSettings({ memory: { reduced: 0.9 } })) // [{ path: 'guard.memory.reduced', … }]
 */
export function guardThresholdIssues(s: GuardSettings): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const names = ['', 'reduced', 'minimal', 'emergency'];
  const check = (key: string, t: ReadonlyArray<number | null>, rising: boolean, unit: string): void => {
    for (let l = 2; l < t.length; l++) {
      const lo = t[l - 1];
      const hi = t[l];
      if (lo === null || hi === null) continue;
      if (rising ? hi <= lo : hi >= lo) {
        issues.push({
          path: `guard.${key}.${names[l - 1]}`,
          message: `${names[l - 1]} (${lo}${unit}) must be ${rising ? 'below' : 'above'} ${names[l]} (${hi}${unit})`,
          hint: `set both, e.g. --set guard.${key}.${names[l]}=${rising ? Math.min(1, lo + 0.1).toFixed(2) : Math.max(0, Math.floor(lo / 2))}`,
        });
      }
    }
  };
  check('memory', s.thresholds.memory, true, '');
  check('disk_free_mb', s.thresholds.diskFreeMb, false, ' MB');
  check('cpu', s.thresholds.cpu, true, '');
  return issues;
}

/** The action a level stands for (controls.md §7.4), as recorded in `guard.events[].action`. */
export function levelAction(level: DegradationLevel): string {
  switch (level) {
    case DegradationLevel.Normal: return 'full in-flight budget';
    case DegradationLevel.Reduced: return 'halve in-flight budget';
    case DegradationLevel.Minimal: return 'pause sources';
    default: return 'graceful stop';
  }
}
