/** Fixed vocabularies of pipeline.yaml v1 (domain.md §1.2, §3.1, §3.2; controls.md §1.2). */

/** domain.md §1.2: volume presets, standalone JEs per year. */
export const VOLUME_PRESETS = {
  ten_k: 10_000,
  hundred_k: 100_000,
  one_m: 1_000_000,
  ten_m: 10_000_000,
  hundred_m: 100_000_000,
} as const;

/** domain.md §3.1: `global.industry` presets. */
export const INDUSTRIES = ['manufacturing', 'retail', 'financial_services', 'healthcare', 'technology'] as const;

/** domain.md §3.1: only the calendar-year variant is generated. */
export const FISCAL_YEAR_VARIANTS = ['K4'] as const;

/** domain.md §3.2: built-in reference rates, units per 1 USD. */
export const BUILTIN_REFERENCE_RATES: Readonly<Record<string, number>> = {
  USD: 1,
  EUR: 0.92,
  GBP: 0.79,
  CHF: 0.88,
  JPY: 149,
  CNY: 7.24,
  CAD: 1.36,
  AUD: 1.53,
  INR: 83,
};

/** domain.md §3.1: `global.group_currency = USD`. */
export const DEFAULT_GROUP_CURRENCY = 'USD';

/** controls.md §1.2: top-level keys that cannot change a data byte. */
export const RUNTIME_TOP_LEVEL_KEYS = ['seed', 'control', 'runtime', 'shutdown', 'guard', 'gates', 'progress', 'metrics', 'dagster'] as const;

/** controls.md §1.2: sink location / transport keys, runtime-only for every sink type. */
export const SINK_TRANSPORT_KEYS = [
  'path', 'url', 'bucket', 'prefix', 'endpoint', 'region', 'credentials', 'part_size',
  'queue_size', 'chunk_size', 'checksum_mode', 'if_exists', 'mode', 'retries',
] as const;

/** Component ids name things in logs, metrics, manifest and PROV. */
export const COMPONENT_ID_PATTERN = /^[a-z][a-z0-9_]*$/;

/** Seeds are 0…2^64−1 (controls.md §1.3). */
export const MAX_SEED = (1n << 64n) - 1n;

/** Custom JSON Schema keywords plugins may put on option properties. */
export const KEYWORD_RUNTIME = 'x-dsp-runtime';
export const KEYWORD_SECRET = 'x-dsp-secret';
export const KEYWORD_FILE = 'x-dsp-file';
/** Our own annotation: the message to show when this subschema fails. */
export const KEYWORD_MESSAGE = 'x-dsp-message';
