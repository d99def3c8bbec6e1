/**
 * The `gates:` config section (controls.md §6.1, §6.2): profiles, overrides, custom gates and the
 * CLI switches `--gates off|warn|enforce`, `--gates-profile`. Runtime-only (not part of
 * config_hash: gates never change a data byte).
 */
import type { JsonObject } from '../config/types.js';
import { ConfigError, type ConfigIssue } from '../errors.js';
import { METRICS, type MetricName } from './types.js';

export type Comparison = 'gte' | 'lte' | 'eq' | 'between';
export type ProfileName = 'strict' | 'default' | 'lenient' | 'none';
export type Strategy = 'collect_all' | 'fail_fast';

export interface MetricOverride { threshold?: number; min_n?: number; tolerance_cents?: number }

export interface CustomGate { name: string; metric: MetricName; comparison: Comparison; threshold: number; upper_threshold?: number; required?: boolean }

export interface GateSettings {
  enabled: boolean;
  profile: ProfileName;
  enforce: boolean;
  strategy: Strategy;
  allowNotEvaluated: readonly string[];
  overrides: Partial<Record<MetricName, MetricOverride>>;
  custom: readonly CustomGate[];
}

/** controls.md §6.2, in table order (fail_fast stops in this order). */
export const PROFILE_TABLE: ReadonlyArray<{ metric: MetricName; comparison: 'gte' | 'lte'; strict: number; default: number; lenient: number }> = [
  { metric: 'benford_mad', comparison: 'lte', strict: 0.010, default: 0.015, lenient: 0.030 },
  { metric: 'balance_coherence', comparison: 'gte', strict: 0.999, default: 0.99, lenient: 0.95 },
  { metric: 'document_chain_integrity', comparison: 'gte', strict: 0.95, default: 0.90, lenient: 0.80 },
  { metric: 'temporal_consistency', comparison: 'gte', strict: 0.90, default: 0.80, lenient: 0.60 },
  { metric: 'completion_rate', comparison: 'gte', strict: 0.99, default: 0.95, lenient: 0.90 },
  { metric: 'duplicate_rate', comparison: 'lte', strict: 0.001, default: 0.01, lenient: 0.05 },
  { metric: 'referential_integrity', comparison: 'gte', strict: 0.999, default: 0.99, lenient: 0.95 },
  { metric: 'ic_match_rate', comparison: 'gte', strict: 0.99, default: 0.95, lenient: 0.85 },
];

/** `min_n` per metric (benford 1000; otherwise one observation). */
export function defaultMinN(metric: MetricName): number {
  return metric === 'benford_mad' ? 1000 : 1;
}

/** `tolerance_cents`: balance 0 under strict, else 1; IC 1 (controls.md §6.2). */
export function toleranceCents(settings: GateSettings, metric: 'balance_coherence' | 'ic_match_rate'): number {
  const o = settings.overrides[metric]?.tolerance_cents;
  if (o !== undefined) return o;
  return metric === 'balance_coherence' && settings.profile === 'strict' ? 0 : 1;
}

const number = { type: 'number' } as const;
const OVERRIDE: JsonObject = {
  type: 'object',
  additionalProperties: false,
  properties: {
    threshold: { ...number, description: 'Replaces the profile threshold.' },
    min_n: { type: 'integer', minimum: 0, description: 'Fewer observations → not_evaluated (benford_mad default 1000).' },
    tolerance_cents: { type: 'integer', minimum: 0, description: 'balance_coherence / ic_match_rate: allowed difference in cents.' },
  },
};

/** JSON Schema of `gates:` (inserted into the top-level config schema). */
export const GATES_SCHEMA: JsonObject = {
  type: 'object',
  description: 'Quality gates (controls.md §6): metrics over the generated data, checked at the end of the run; an enforced failure exits 2 without _SUCCESS. Not part of config_hash.',
  additionalProperties: false,
  properties: {
    enabled: { type: 'boolean', default: true, description: 'Evaluate gates (default true; --gates off disables).' },
    profile: { enum: ['strict', 'default', 'lenient', 'none'], default: 'default', description: 'Threshold profile (controls.md §6.2); none = only custom gates. --gates-profile overrides.' },
    enforce: { type: 'boolean', default: true, description: 'A failed gate fails the run (exit 2, no _SUCCESS); false (or --gates warn) only warns (DSP_WARN_GATES_FAILED).' },
    strategy: { enum: ['collect_all', 'fail_fast'], default: 'collect_all', description: 'collect_all evaluates every gate; fail_fast stops at the first failure and ends the run early once a count-based gate can no longer pass.' },
    allow_not_evaluated: { type: 'array', items: { type: 'string' }, default: [], description: 'Gates (names or metrics) whose not_evaluated status is accepted with a warning instead of failing.' },
    overrides: {
      type: 'object',
      description: 'Per-metric threshold, min_n and tolerance_cents.',
      propertyNames: { enum: [...METRICS] },
      additionalProperties: OVERRIDE,
    },
    custom: {
      type: 'array',
      description: 'Extra gates over the same metrics.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'metric', 'comparison', 'threshold'],
        properties: {
          name: { type: 'string', pattern: '^[A-Za-z0-9_.-]+$', description: 'Gate name (unique).' },
          metric: { enum: [...METRICS], description: 'Metric the gate checks.' },
          comparison: { enum: ['gte', 'lte', 'eq', 'between'], description: 'gte, lte, eq (|a − t| < 1e-9) or between (inclusive, needs upper_threshold).' },
          threshold: { ...number, description: 'Threshold (lower bound for between).' },
          upper_threshold: { ...number, description: 'Upper bound for between.' },
          required: { type: 'boolean', default: false, description: 'not_applicable (input table not produced) fails this gate.' },
        },
      },
    },
  },
};

/** CLI switches (controls.md §6.1). */
export interface GateCliOptions { mode?: 'off' | 'warn' | 'enforce'; profile?: ProfileName }

/**
 * Resolves `gates:` plus CLI switches into settings (defaults: enabled, profile default, enforce,
 * collect_all). Semantic problems (between without upper_threshold, duplicate names) are ConfigErrors.
 *
 * @example
 * resolveGateSettings({ profile: 'strict' }, { mode: 'warn' }).enforce; // false
 */
export function resolveGateSettings(section: unknown, cli: GateCliOptions = {}): GateSettings {
  const g = (section ?? {}) as Partial<{ enabled: boolean; profile: ProfileName; enforce: boolean; strategy: Strategy; allow_not_evaluated: string[]; overrides: Partial<Record<MetricName, MetricOverride>>; custom: CustomGate[] }>;
  const issues: ConfigIssue[] = [];
  const custom = g.custom ?? [];
  const names = new Set<string>(PROFILE_TABLE.map((p) => p.metric));
  custom.forEach((c, i) => {
    if (c.comparison === 'between' && c.upper_threshold === undefined) issues.push({ path: `gates.custom[${i}].upper_threshold`, message: "is required with comparison 'between'" });
    if (c.comparison === 'between' && c.upper_threshold !== undefined && c.upper_threshold < c.threshold) issues.push({ path: `gates.custom[${i}].upper_threshold`, message: `must be ≥ threshold ${c.threshold}` });
    if (names.has(c.name)) issues.push({ path: `gates.custom[${i}].name`, message: `'${c.name}' is already a gate name; choose another` });
    names.add(c.name);
  });
  if (issues.length > 0) throw new ConfigError(issues);
  let enabled = g.enabled ?? true;
  let enforce = g.enforce ?? true;
  if (cli.mode === 'off') enabled = false;
  else if (cli.mode === 'warn') { enabled = true; enforce = false; }
  else if (cli.mode === 'enforce') { enabled = true; enforce = true; }
  return {
    enabled,
    profile: cli.profile ?? g.profile ?? 'default',
    enforce,
    strategy: g.strategy ?? 'collect_all',
    allowNotEvaluated: g.allow_not_evaluated ?? [],
    overrides: g.overrides ?? {},
    custom,
  };
}
