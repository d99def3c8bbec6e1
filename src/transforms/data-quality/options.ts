/**
 * Options of the `data_quality` transform (domain.md §9.1–§9.3, placement §1.2): the closed JSON
 * Schema and the resolved form with presets and individual defaults applied here (the config
 * loader inserts no defaults).
 *
 * Resolution rules (domain.md §9.1): a preset sets the rates AND switches on every injector whose
 * preset rate is > 0; explicit per-injector settings override it. An injector is on when its
 * `enabled` says so, else when the preset switches it on, else when its key is configured at all.
 * Date and amount variations re-type their columns to string, so they need an explicit
 * `enabled: true` (domain.md §9.2). Protected fields can be added, never removed.
 */
import type { JsonObject, JsonValue, PipelineConfig } from '../../config/types.js';
import type { OptionsSchema } from '../../engine/plugins.js';
import { ConfigError, type ConfigIssue } from '../../errors.js';
import { journalEntryLines } from '../../tables/journal.js';

export const PRESETS = ['none', 'clean', 'minimal', 'normal', 'noisy', 'high', 'legacy'] as const;
export type Preset = (typeof PRESETS)[number];

/** Typo kinds in listed order (domain.md §9.3) with their default weights. */
export const TYPO_KINDS = ['substitution', 'transposition', 'deletion', 'insertion', 'double_char', 'case_error', 'ocr_error'] as const;
export type TypoKind = (typeof TYPO_KINDS)[number];
const DEFAULT_TYPO_WEIGHTS: readonly number[] = [0.25, 0.20, 0.20, 0.10, 0.10, 0.10, 0.05];

export const DUPLICATE_KINDS = ['exact', 'near', 'fuzzy'] as const;
export type DuplicateKind = (typeof DUPLICATE_KINDS)[number];

/** domain.md §9.2: which field takes which issue type. */
export const MISSING_FIELDS = ['header_text', 'line_text', 'reference', 'user_persona', 'cost_center', 'profit_center'] as const;
export const TYPO_FIELDS = ['header_text', 'line_text', 'reference'] as const;
export const ENCODING_FIELDS = ['header_text', 'line_text', 'reference'] as const;
export const TEXT_FORMAT_FIELDS = ['header_text', 'line_text'] as const;
export const IDENTIFIER_FORMAT_FIELDS = ['reference', 'cost_center', 'profit_center'] as const;
export const DATE_FORMAT_FIELDS = ['document_date'] as const;
export const AMOUNT_FORMAT_FIELDS = ['local_amount', 'group_amount'] as const;
/** Header-level fields: mutated identically on every line, labelled once with line_number null (§9.1). */
export const HEADER_FIELDS: ReadonlySet<string> = new Set(['header_text', 'reference', 'user_persona', 'document_date']);

/** domain.md §9.2: never touched, whatever the options say. */
export const BASE_PROTECTED_FIELDS: readonly string[] = [
  'document_id', 'line_number', 'company_code', 'fiscal_year', 'fiscal_period', 'posting_date', 'gl_account',
  'debit_amount', 'credit_amount', 'currency', 'vendor_id', 'customer_id',
];

interface PresetRow { missing: number; typo: number; duplicates: number; textFormats: boolean; encoding: number; ocrShare: number }
/** domain.md §9.1 preset table. */
const PRESET_TABLE: Readonly<Record<Exclude<Preset, 'none'>, PresetRow>> = {
  clean: { missing: 0.001, typo: 0.0005, duplicates: 0, textFormats: false, encoding: 0, ocrShare: 0 },
  minimal: { missing: 0.005, typo: 0.0005, duplicates: 0.001, textFormats: true, encoding: 0, ocrShare: 0 },
  normal: { missing: 0.02, typo: 0.002, duplicates: 0.005, textFormats: true, encoding: 0.002, ocrShare: 0 },
  noisy: { missing: 0.05, typo: 0.02, duplicates: 0.01, textFormats: true, encoding: 0.005, ocrShare: 0 },
  high: { missing: 0.08, typo: 0.01, duplicates: 0.02, textFormats: true, encoding: 0.01, ocrShare: 0.05 },
  legacy: { missing: 0.10, typo: 0.05, duplicates: 0.03, textFormats: true, encoding: 0.02, ocrShare: 0.30 },
};
/** Individual defaults (domain.md §9.1). */
const DEFAULTS = {
  missing: 0.01, typo: 0.001, text: 0.05, dates: 0.05, amounts: 0.02, identifiers: 0.02, duplicates: 0.005, encoding: 0.001,
  split: [0.40, 0.35, 0.25] as readonly number[],
  presetSplit: [0.40, 0.40, 0.20] as readonly number[],
};

export interface ResolvedDqOptions {
  readonly enabled: boolean;
  readonly preset: Preset;
  /** Missing-value rate per eligible field; 0 = off (protected fields are 0). */
  readonly missingRates: ReadonlyMap<string, number>;
  /** Per-character typo rate per eligible field (0 = off). */
  readonly typoRates: ReadonlyMap<string, number>;
  /** Typo kind weights in TYPO_KINDS order, summing to 1. */
  readonly typoWeights: readonly number[];
  /** Format-variation rate per eligible field (0 = off). */
  readonly formatRates: ReadonlyMap<string, number>;
  /** Encoding-issue rate per eligible field (0 = off). */
  readonly encodingRates: ReadonlyMap<string, number>;
  /** Duplicate rate per unlabelled entry (0 = off). */
  readonly duplicateRate: number;
  /** exact, near, fuzzy shares summing to 1. */
  readonly duplicateSplit: readonly number[];
  /** Columns re-typed to string for the whole run (date / amount variations enabled). */
  readonly retyped: readonly string[];
  /** Every field any injector may change (for the quick "nothing to do" check). */
  readonly active: boolean;
}

type Obj = { [k: string]: JsonValue };
function obj(v: JsonValue | undefined): Obj | undefined {
  return v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
}
function num(o: Obj | undefined, key: string): number | undefined {
  const v = o?.[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
function flag(o: Obj | undefined, key: string): boolean | undefined {
  const v = o?.[key];
  return typeof v === 'boolean' ? v : undefined;
}
function strList(o: Obj | undefined, key: string): string[] {
  const v = o?.[key];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** The transform id whose options these are (nested option objects are shared with the config), for error paths. */
export function componentPath(config: PipelineConfig | undefined, options: JsonObject): string {
  const transforms = (config?.transforms ?? {}) as Record<string, JsonObject>;
  for (const [id, c] of Object.entries(transforms)) {
    if (c.type !== 'data_quality') continue;
    const keys = Object.keys(options);
    if (keys.every((k) => c[k] === options[k])) return `transforms.${id}`;
  }
  return 'transforms.<data_quality>';
}

const cache = new WeakMap<object, ResolvedDqOptions>();

/**
 * Applies presets, individual defaults and protections (domain.md §9.1–§9.2). Throws ConfigError
 * (with the option's key path) for weight sets that sum to zero.
 *
 * @example
 * resolveDqOptions({ preset: 'normal' }).missingRates.get('header_text'); // 0.02
 * resolveDqOptions({}).active;                                            // false: preset none, nothing configured
 * resolveDqOptions({ format_variations: { dates: { enabled: true } } }).retyped; // ['document_date']
 */
export function resolveDqOptions(options: JsonObject, config?: PipelineConfig): ResolvedDqOptions {
  const hit = cache.get(options);
  if (hit) return hit;
  const r = resolveUncached(options, config);
  cache.set(options, r);
  return r;
}

function resolveUncached(options: JsonObject, config: PipelineConfig | undefined): ResolvedDqOptions {
  const issues: ConfigIssue[] = [];
  const base = (): string => componentPath(config, options);
  const preset = (typeof options.preset === 'string' ? options.preset : 'none') as Preset;
  const row = preset === 'none' ? undefined : PRESET_TABLE[preset];
  const enabled = flag(options, 'enabled') ?? true;

  /** on = explicit enabled ?? preset switches it on ?? key configured. */
  const isOn = (key: string, presetRate: number | undefined): boolean => {
    const o = obj(options[key]);
    return flag(o, 'enabled') ?? (presetRate !== undefined && presetRate > 0 ? true : o !== undefined);
  };
  const rateOf = (o: Obj | undefined, key: string, presetRate: number | undefined, dflt: number): number =>
    num(o, key) ?? (presetRate !== undefined && presetRate > 0 ? presetRate : dflt);

  // missing_values
  const mv = obj(options.missing_values);
  const mvProtected = new Set([...BASE_PROTECTED_FIELDS, ...strList(mv, 'protected_fields')]);
  const missingOn = enabled && isOn('missing_values', row?.missing);
  const missingRate = rateOf(mv, 'rate', row?.missing, DEFAULTS.missing);
  const fieldRates = obj(mv?.field_rates);
  const missingRates = new Map<string, number>();
  for (const f of MISSING_FIELDS) {
    const r = missingOn && !mvProtected.has(f) ? (num(fieldRates, f) ?? missingRate) : 0;
    missingRates.set(f, r);
  }

  // typos
  const ty = obj(options.typos);
  const tyProtected = new Set([...BASE_PROTECTED_FIELDS, ...strList(ty, 'protected_fields')]);
  const typoOn = enabled && isOn('typos', row?.typo);
  const charRate = rateOf(ty, 'char_error_rate', row?.typo, DEFAULTS.typo);
  const typoRates = new Map<string, number>();
  for (const f of TYPO_FIELDS) typoRates.set(f, typoOn && !tyProtected.has(f) ? charRate : 0);
  let weights = [...DEFAULT_TYPO_WEIGHTS];
  if (row) {
    // "presets set the OCR share, others rescaled" (domain.md §9.3).
    const ocr = TYPO_KINDS.indexOf('ocr_error');
    const others = weights.reduce((s, w, i) => (i === ocr ? s : s + w), 0);
    weights = weights.map((w, i) => (i === ocr ? row.ocrShare : (w / others) * (1 - row.ocrShare)));
  }
  const tw = obj(ty?.type_weights);
  if (tw) weights = weights.map((w, i) => num(tw, TYPO_KINDS[i]) ?? w);
  const wSum = weights.reduce((s, w) => s + w, 0);
  if (typoOn && !(wSum > 0)) issues.push({ path: `${base()}.typos.type_weights`, message: 'typo type weights sum to 0', hint: 'Give at least one typo kind a weight > 0' });
  const typoWeights = wSum > 0 ? weights.map((w) => w / wSum) : weights;

  // format_variations
  const fv = obj(options.format_variations);
  const fvEnabled = flag(fv, 'enabled');
  const formatRates = new Map<string, number>();
  const sub = (key: 'text' | 'identifiers' | 'dates' | 'amounts', dflt: number, explicitOnly: boolean): number => {
    const o = obj(fv?.[key]);
    const on = flag(o, 'enabled') ?? (explicitOnly ? false : fvEnabled ?? (o !== undefined || row?.textFormats === true));
    return enabled && on ? (num(o, 'rate') ?? dflt) : 0;
  };
  const textRate = sub('text', DEFAULTS.text, false);
  const idRate = sub('identifiers', DEFAULTS.identifiers, false);
  const dateRate = sub('dates', DEFAULTS.dates, true);
  const amountRate = sub('amounts', DEFAULTS.amounts, true);
  for (const f of TEXT_FORMAT_FIELDS) formatRates.set(f, textRate);
  for (const f of IDENTIFIER_FORMAT_FIELDS) formatRates.set(f, idRate);
  for (const f of DATE_FORMAT_FIELDS) formatRates.set(f, dateRate);
  for (const f of AMOUNT_FORMAT_FIELDS) formatRates.set(f, amountRate);
  const retyped: string[] = [];
  // The column type depends on the switch, not on the rate: stable for a config (domain.md §9.2).
  if (enabled && flag(obj(fv?.dates), 'enabled') === true) retyped.push(...DATE_FORMAT_FIELDS);
  if (enabled && flag(obj(fv?.amounts), 'enabled') === true) retyped.push(...AMOUNT_FORMAT_FIELDS);

  // encoding_issues
  const en = obj(options.encoding_issues);
  const encodingOn = enabled && isOn('encoding_issues', row?.encoding);
  const encRate = rateOf(en, 'rate', row?.encoding, DEFAULTS.encoding);
  const encodingRates = new Map<string, number>();
  for (const f of ENCODING_FIELDS) encodingRates.set(f, encodingOn ? encRate : 0);

  // duplicates
  const du = obj(options.duplicates);
  const dupOn = enabled && isOn('duplicates', row?.duplicates);
  const duplicateRate = dupOn ? rateOf(du, 'rate', row?.duplicates, DEFAULTS.duplicates) : 0;
  const splitBase = row ? DEFAULTS.presetSplit : DEFAULTS.split;
  const split = DUPLICATE_KINDS.map((k, i) => num(du, k) ?? splitBase[i]);
  const sSum = split.reduce((s, w) => s + w, 0);
  if (dupOn && !(sSum > 0)) issues.push({ path: `${base()}.duplicates`, message: 'exact + near + fuzzy sum to 0', hint: 'Give at least one duplicate kind a share > 0' });
  const duplicateSplit = sSum > 0 ? split.map((w) => w / sSum) : split;

  if (issues.length > 0) throw new ConfigError(issues);
  const anyRate = (m: ReadonlyMap<string, number>): boolean => [...m.values()].some((v) => v > 0);
  return Object.freeze({
    enabled, preset, missingRates, typoRates, typoWeights, formatRates, encodingRates, duplicateRate, duplicateSplit, retyped,
    active: anyRate(missingRates) || anyRate(typoRates) || anyRate(formatRates) || anyRate(encodingRates) || duplicateRate > 0,
  });
}

// ---- JSON Schema ----

const rate = (description: string): JsonObject => ({ type: 'number', minimum: 0, maximum: 1, description });
const weight = (description: string): JsonObject => ({ type: 'number', minimum: 0, description });
const strict = (description: string, properties: Record<string, JsonObject>): JsonObject => ({
  type: 'object', additionalProperties: false, description, properties,
});
const enabledKey = (what: string): JsonObject => ({ type: 'boolean', description: `Switch ${what} on or off (default: on when the preset has a rate > 0 or the key is configured)` });
const protectedFields = (what: string): JsonObject => ({
  type: 'array',
  items: { type: 'string', enum: journalEntryLines.columns.map((c) => c.name) },
  uniqueItems: true,
  description: `Extra journal_entry_lines columns ${what} never touches (adds to the built-in ${BASE_PROTECTED_FIELDS.join(', ')}; those cannot be removed)`,
});
const subVariation = (what: string, dflt: number, explicit: boolean): JsonObject => strict(`${what} variations.`, {
  enabled: { type: 'boolean', description: explicit ? 'default false; when true the column is string-typed for the whole run in every sink' : 'default: on with the preset, when this key is configured or when format_variations.enabled is true' },
  rate: rate(`Per field value; default ${dflt}`),
});

/** JSON Schema of the options (additionalProperties: false at every level). */
export const dataQualityOptionsSchema: OptionsSchema = strict('Options of the data_quality transform (domain.md §9).', {
  enabled: { type: 'boolean', description: 'Run the stage (default true when the transform is configured); false passes everything through with empty dq_labels' },
  preset: { type: 'string', enum: [...PRESETS], description: 'Rates preset (domain.md §9.1); switches on every injector with a preset rate > 0; explicit settings override. Default none (individual settings only)' },
  missing_values: strict('Missing values (MCAR, domain.md §9.3) on header_text, line_text, reference, user_persona, cost_center, profit_center.', {
    enabled: enabledKey('missing values'),
    rate: rate('Per eligible field value; default 0.01 (or the preset rate)'),
    field_rates: strict('Per-field rate overrides.', Object.fromEntries(MISSING_FIELDS.map((f) => [f, rate(`Rate for ${f}`)]))),
    protected_fields: protectedFields('missing values'),
  }),
  typos: strict('Typos per character on header_text, line_text, reference (word boundaries kept, ≤ 2 per word).', {
    enabled: enabledKey('typos'),
    char_error_rate: rate('Per character; default 0.001 (or the preset rate)'),
    type_weights: strict('Typo kind weights (normalised); unset kinds keep their defaults.', Object.fromEntries(TYPO_KINDS.map((k, i) => [k, weight(`default ${DEFAULT_TYPO_WEIGHTS[i]} (presets set ocr_error's share)`)]))),
    protected_fields: protectedFields('typos'),
  }),
  format_variations: strict('Format variations (domain.md §9.3).', {
    enabled: { type: 'boolean', description: 'Switch text and identifier variations on or off (default: on with the preset or when configured); dates/amounts need their own enabled' },
    text: subVariation('Text (header_text, line_text: upper, lower, title, leading/trailing space, doubled spaces)', DEFAULTS.text, false),
    identifiers: subVariation('Identifier (reference, cost_center, profit_center: case, padding, separator, prefix/suffix)', DEFAULTS.identifiers, false),
    dates: subVariation('Date (document_date: US, EU, long, short year, compact, unix seconds, Excel serial)', DEFAULTS.dates, true),
    amounts: subVariation('Amount (local_amount, group_amount: grouping, currency, accounting, scientific, …)', DEFAULTS.amounts, true),
  }),
  duplicates: strict('Duplicate entries emitted right after their unlabelled original (domain.md §9.3).', {
    enabled: enabledKey('duplicates'),
    rate: rate('Per unlabelled entry; default 0.005 (or the preset rate)'),
    exact: weight('Share of exact copies; default 0.40'),
    near: weight('Share of near copies (time, user, posting date ± 1–3 business days, totals ± 1 %); default 0.35 (presets 0.40)'),
    fuzzy: weight('Share of fuzzy copies (near + typos in header_text and line_text); default 0.25 (presets 0.20)'),
  }),
  encoding_issues: strict('Encoding issues on header_text, line_text, reference: mojibake, missing characters, HTML entities.', {
    enabled: enabledKey('encoding issues'),
    rate: rate('Per eligible field value; default 0.001 (or the preset rate)'),
  }),
});
