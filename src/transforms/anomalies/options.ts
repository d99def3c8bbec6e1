/**
 * Options of the `anomalies` transform (domain.md §1.2: `anomaly_injection.*` → these options,
 * `rate` = `rates.total_rate`): the closed JSON schema and the resolution with every documented
 * default applied here (the loader inserts none).
 */
import type { JsonObject, JsonValue, PipelineConfig } from '../../config/types.js';
import type { OptionsSchema } from '../../engine/plugins.js';
import { ConfigError, type ConfigIssue } from '../../errors.js';
import {
  ANOMALY_TYPES, CATEGORIES, CATEGORY_KEYS, CATEGORY_RATE_KEYS, DEFAULT_CATEGORY_SHARES, RESERVED_TYPES,
} from './types.js';

const rate = (description: string): JsonObject => ({ type: 'number', minimum: 0, maximum: 1, description });
const weight = (description: string): JsonObject => ({ type: 'number', minimum: 0, description });
const strict = (description: string, properties: Record<string, JsonObject>): JsonObject => ({
  type: 'object', additionalProperties: false, description, properties,
});

/** JSON Schema of the options (additionalProperties: false at every level). */
export const anomaliesOptionsSchema: OptionsSchema = strict('Options of the anomalies transform (labelled anomaly injection into journal entries, domain.md §8).', {
  enabled: { type: 'boolean', description: 'Inject anomalies; default true (false passes every batch through unchanged)' },
  rate: rate('Base per-entry probability (= rates.total_rate); default 0.03'),
  categories: strict('Category proportions of the total rate (normalised by their sum); once any is given, unset ones weigh 0. Alternative to rates.*_rate.', {
    fraud: weight('default 0.25'), error: weight('default 0.35'), process: weight('default 0.20'),
    statistical: weight('default 0.15'), relational: weight('default 0.05'),
  }),
  rates: strict('Absolute rates (domain.md §8.1): configured sub-rates are taken as given, unconfigured categories share total − Σ configured in their default proportions.', {
    total_rate: rate('Base per-entry probability; default 0.03 (without it: Σ sub-rates)'),
    fraud_rate: rate('default total × 0.25'), error_rate: rate('default total × 0.35'), process_rate: rate('default total × 0.20'),
    statistical_rate: rate('default total × 0.15'), relational_rate: rate('default total × 0.05'),
  }),
  types: strict('Weight overrides per anomaly type within its category (0 disables it; domain.md §8.2).',
    Object.fromEntries([
      ...ANOMALY_TYPES.map((a) => [a.name, weight(`${a.category}; default ${a.weight}`)]),
      ...RESERVED_TYPES.map((n) => [n, weight('reserved: no v1 mutation, weight ignored')]),
    ])),
  clustering: strict('Anomaly clusters (domain.md §8.1).', {
    enabled: { type: 'boolean', description: 'default true' },
  }),
  temporal_uplift: { type: 'boolean', description: 'Period-end uplift of the rate (×5 Dec 28–31, ×3 quarter-end day ≥ 28, ×2 other day ≥ 28); default true' },
  max_anomalies_per_document: { type: 'integer', minimum: 1, maximum: 1, description: 'At most one label per entry (domain.md §12); only 1 is supported' },
  thresholds: strict('Thresholds of the approval-related types (group currency).', {
    approval: { type: 'number', exclusiveMinimum: 100, description: "Auto-approval threshold; default the input journal source's approval.auto_approve_threshold, else 10 000" },
  }),
});

export interface ResolvedAnomalyOptions {
  readonly enabled: boolean;
  readonly totalRate: number;
  /** Absolute sub-rates in CATEGORIES order (Σ = totalRate). */
  readonly categoryRates: readonly number[];
  /** Type weights in ANOMALY_TYPES order. */
  readonly typeWeights: readonly number[];
  readonly clustering: boolean;
  readonly temporalUplift: boolean;
  /** Group-currency units. */
  readonly approvalThreshold: number;
}

const obj = (v: JsonValue | undefined): JsonObject => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v : {});
const numOr = (v: JsonValue | undefined, d: number): number => (typeof v === 'number' ? v : d);

/** The id of the anomalies transform with these options in `config`, for key paths in errors. */
function componentPath(config: PipelineConfig | undefined, componentId: string | undefined): string {
  if (componentId) return `transforms.${componentId}`;
  const ids = Object.entries(config?.transforms ?? {}).filter(([, c]) => c.type === 'anomalies').map(([id]) => id);
  return ids.length === 1 ? `transforms.${ids[0]}` : 'transforms.<anomalies>';
}

/** `approval.auto_approve_threshold` of the first input source that sets it (journal sources). */
function inputThreshold(config: PipelineConfig | undefined, componentId: string | undefined): number | undefined {
  if (!config || !componentId) return undefined;
  const seen = new Set<string>();
  const walk = (id: string): number | undefined => {
    if (seen.has(id)) return undefined;
    seen.add(id);
    const src = config.sources[id] as JsonObject | undefined;
    if (src) {
      const v = obj(src.approval).auto_approve_threshold;
      return typeof v === 'number' ? v : undefined;
    }
    const tr = config.transforms?.[id];
    for (const i of tr?.inputs ?? []) {
      const r = walk(i);
      if (r !== undefined) return r;
    }
    return undefined;
  };
  for (const i of config.transforms?.[componentId]?.inputs ?? []) {
    const r = walk(i);
    if (r !== undefined) return r;
  }
  return undefined;
}

/**
 * Resolves the options (domain.md §8.1 rate normalisation). Throws ConfigError with the key path
 * when the configured sub-rates exceed the total, or both option shapes conflict.
 *
 * @example
 * resolveAnomalyOptions({ rate: 0.02, categories: { fraud: 1 } }).categoryRates; // [0.02, 0, 0, 0, 0]
 * resolveAnomalyOptions({ rates: { total_rate: 0.03, fraud_rate: 0.01 } }).categoryRates[0]; // 0.01
 */
export function resolveAnomalyOptions(options: JsonObject, config?: PipelineConfig, componentId?: string): ResolvedAnomalyOptions {
  const path = componentPath(config, componentId);
  const issues: ConfigIssue[] = [];
  const rates = obj(options.rates);
  const cats = obj(options.categories);
  const hasCategories = CATEGORY_KEYS.some((k) => cats[k] !== undefined);
  const configuredSub = CATEGORY_RATE_KEYS.map((k) => (typeof rates[k] === 'number' ? (rates[k] as number) : null));
  const anySub = configuredSub.some((v) => v !== null);
  if (typeof options.rate === 'number' && typeof rates.total_rate === 'number' && options.rate !== rates.total_rate) {
    issues.push({ path: `${path}.rate`, message: `conflicts with rates.total_rate (${rates.total_rate})`, hint: 'Set one of them' });
  }
  if (hasCategories && anySub) {
    issues.push({ path: `${path}.categories`, message: 'cannot be combined with absolute rates.*_rate sub-rates', hint: 'Use either categories (proportions) or rates (absolute)' });
  }
  const explicitTotal = typeof options.rate === 'number' ? options.rate : typeof rates.total_rate === 'number' ? rates.total_rate : null;
  let total: number;
  let categoryRates: number[];
  if (hasCategories) {
    total = explicitTotal ?? 0.03;
    const w = CATEGORY_KEYS.map((k) => numOr(cats[k], 0));
    const sum = w.reduce((a, b) => a + b, 0);
    if (!(sum > 0)) issues.push({ path: `${path}.categories`, message: 'all category proportions are 0', hint: 'Give at least one category a positive share' });
    categoryRates = w.map((x) => (sum > 0 ? (total * x) / sum : 0));
  } else {
    const sumConfigured = configuredSub.reduce<number>((a, v) => a + (v ?? 0), 0);
    total = explicitTotal ?? (anySub ? sumConfigured : 0.03);
    if (sumConfigured > total + 1e-12) {
      issues.push({
        path: `${path}.rates`,
        message: `configured sub-rates sum to ${sumConfigured}, more than total_rate ${total}`,
        hint: 'Lower the sub-rates or raise rates.total_rate (domain.md §8.1)',
      });
    }
    const rest = Math.max(0, total - sumConfigured);
    let freeShare = 0;
    configuredSub.forEach((v, i) => { if (v === null) freeShare += DEFAULT_CATEGORY_SHARES[i]; });
    categoryRates = configuredSub.map((v, i) => (v !== null ? v : freeShare > 0 ? (rest * DEFAULT_CATEGORY_SHARES[i]) / freeShare : 0));
  }
  const typeCfg = obj(options.types);
  const typeWeights = ANOMALY_TYPES.map((a) => numOr(typeCfg[a.name], a.weight));
  // Every category with a positive rate needs a type that can fire (domain.md §8.1).
  CATEGORIES.forEach((c, i) => {
    if (categoryRates[i] > 0 && !ANOMALY_TYPES.some((a, k) => a.category === c && typeWeights[k] > 0)) {
      issues.push({ path: `${path}.types`, message: `every type of category ${c} has weight 0 while its rate is ${categoryRates[i]}`, hint: `Give a ${c} type a positive weight or set its rate to 0` });
    }
  });
  if (issues.length > 0) throw new ConfigError(issues);
  const th = obj(options.thresholds).approval;
  return {
    enabled: options.enabled !== false,
    totalRate: categoryRates.reduce((a, b) => a + b, 0),
    categoryRates,
    typeWeights,
    clustering: obj(options.clustering).enabled !== false,
    temporalUplift: options.temporal_uplift !== false,
    approvalThreshold: typeof th === 'number' ? th : inputThreshold(config, componentId) ?? 10_000,
  };
}
