/**
 * Options of the `journal_entries` source (domain.md §1.2 placement): JSON Schema and the
 * resolved form with every documented default applied here (the loader inserts none).
 */
import type { JsonObject, JsonValue } from '../../config/types.js';
import type { OptionsSchema } from '../../engine/plugins.js';
import type { LogNormalComponent } from '../../random/distributions.js';

export const PROCESSES = ['O2C', 'P2P', 'R2R', 'H2R', 'A2R'] as const;
export type Process = (typeof PROCESSES)[number];
export const SOURCES = ['manual', 'automated', 'recurring', 'adjustment'] as const;
export type EntrySource = (typeof SOURCES)[number];
export const HUMAN_PERSONAS = ['junior_accountant', 'senior_accountant', 'controller', 'manager'] as const;
export type HumanPersona = (typeof HUMAN_PERSONAS)[number];

/** Generation-time fraud types with a v1 effect (domain.md §5.10), in weight order. */
export const FRAUD_TYPES = [
  'suspense_account_abuse', 'fictitious_transaction', 'revenue_manipulation', 'expense_capitalization',
  'split_transaction', 'timing_anomaly', 'unauthorized_access', 'duplicate_payment',
] as const;
export type FraudType = (typeof FRAUD_TYPES)[number];
const DEFAULT_FRAUD_WEIGHTS: Record<FraudType, number> = {
  suspense_account_abuse: 0.25, fictitious_transaction: 0.15, revenue_manipulation: 0.10, expense_capitalization: 0.10,
  split_transaction: 0.15, timing_anomaly: 0.10, unauthorized_access: 0.10, duplicate_payment: 0.05,
};
/** DataSynth's wider taxonomy: valid names without a v1 mutation (weight 0, domain.md §8.2). */
export const RESERVED_FRAUD_TYPES = [
  'collusive_approval', 'kickback_scheme', 'ghost_employee', 'shell_company_payment', 'channel_stuffing',
  'payroll_inflation', 'bid_rigging', 'lease_standards_violation', 'fair_value_standards_violation',
  'impairment_standards_violation',
] as const;

/** Line-count buckets of domain.md §5.3 (config key, lo, hi, default p). */
export const LINE_BUCKETS: ReadonlyArray<readonly [string, number, number, number]> = [
  ['two_items', 2, 2, 0.6068], ['three_items', 3, 3, 0.0577], ['four_items', 4, 4, 0.1663],
  ['five_items', 5, 5, 0.0306], ['six_items', 6, 6, 0.0332], ['seven_items', 7, 7, 0.0113],
  ['eight_items', 8, 8, 0.0188], ['nine_items', 9, 9, 0.0042], ['ten_to_ninety_nine', 10, 99, 0.0633],
  ['hundred_to_nine_ninety_nine', 100, 999, 0.0076], ['thousand_plus', 1000, 9999, 0.0002],
];

const AMOUNT_PRESETS = {
  // domain.md §5.4: unset min/max fall back to the sampler defaults.
  small: { lognormalMu: 4, lognormalSigma: 1.5, maxAmount: 10_000, roundNumberProbability: 0.30, niceNumberProbability: 0.20 },
  medium: { lognormalMu: 8.5, lognormalSigma: 2.0, minAmount: 100, maxAmount: 1_000_000, roundNumberProbability: 0.20, niceNumberProbability: 0.15 },
  large: { lognormalMu: 10, lognormalSigma: 2.5, minAmount: 1_000, roundNumberProbability: 0.15, niceNumberProbability: 0.10 },
} as const;

/** Industry presets for the process mix (domain.md §5.2 step 3). */
const INDUSTRY_PROCESS_WEIGHTS: Record<string, Record<Process, number>> = {
  manufacturing: { P2P: 0.40, O2C: 0.25, R2R: 0.15, H2R: 0.10, A2R: 0.10 },
  retail: { O2C: 0.50, P2P: 0.30, R2R: 0.10, H2R: 0.07, A2R: 0.03 },
  financial_services: { R2R: 0.40, O2C: 0.30, P2P: 0.15, H2R: 0.10, A2R: 0.05 },
  healthcare: { O2C: 0.35, P2P: 0.30, R2R: 0.15, H2R: 0.15, A2R: 0.05 },
  technology: { O2C: 0.40, P2P: 0.20, R2R: 0.20, H2R: 0.15, A2R: 0.05 },
};
const DEFAULT_PROCESS_WEIGHTS: Record<Process, number> = { O2C: 0.35, P2P: 0.30, R2R: 0.20, H2R: 0.10, A2R: 0.05 };

/** Industry amount mixtures and month seasonality (domain.md §5.4, `distributions.industry_profile`). */
export interface IndustryProfile {
  readonly sales: readonly LogNormalComponent[];
  readonly salesMax?: number;
  readonly purchase: readonly LogNormalComponent[];
  readonly payroll: readonly LogNormalComponent[];
  readonly capexAlpha: number;
  readonly capexMin: number;
  /** Jan → Dec. */
  readonly seasonality: readonly number[];
}
const mix = (...c: Array<[number, number, number]>): LogNormalComponent[] => c.map(([weight, mu, sigma]) => ({ weight, mu, sigma }));
export const INDUSTRY_PROFILES: Readonly<Record<string, IndustryProfile>> = {
  retail: {
    sales: mix([0.60, 3.5, 1.0], [0.25, 4.5, 0.8], [0.10, 6.0, 1.2], [0.05, 7.5, 0.9]), salesMax: 50_000,
    purchase: mix([0.70, 7.0, 1.5], [0.25, 9.0, 1.0], [0.05, 10, 0.8]),
    payroll: mix([0.60, 6.5, 0.6], [0.35, 7.5, 0.5], [0.05, 8.5, 0.4]), capexAlpha: 2.0, capexMin: 5_000,
    seasonality: [0.75, 0.70, 0.85, 0.90, 0.95, 0.90, 0.85, 0.90, 0.95, 1.10, 1.40, 1.75],
  },
  manufacturing: {
    sales: mix([0.50, 8.0, 1.5], [0.35, 10, 1.0], [0.15, 12, 0.8]),
    purchase: mix([0.55, 8.5, 1.5], [0.30, 7.5, 1.2], [0.15, 10, 1.0]),
    payroll: mix([0.50, 7.5, 0.5], [0.30, 8.0, 0.4], [0.15, 9.0, 0.5], [0.05, 10, 0.4]), capexAlpha: 1.5, capexMin: 25_000,
    seasonality: [0.90, 0.95, 1.00, 1.05, 1.00, 0.95, 0.85, 0.90, 1.05, 1.10, 1.05, 0.85],
  },
  financial_services: {
    sales: mix([0.40, 6.0, 1.5], [0.30, 9.0, 1.5], [0.20, 12, 2.0], [0.10, 15, 1.5]),
    purchase: mix([0.40, 7.0, 1.0], [0.35, 9.0, 1.2], [0.25, 11, 1.0]),
    payroll: mix([0.30, 8.0, 0.5], [0.35, 9.0, 0.4], [0.25, 10, 0.4], [0.10, 11.5, 0.5]), capexAlpha: 1.8, capexMin: 50_000,
    seasonality: [1.05, 0.95, 1.15, 1.00, 0.95, 1.15, 0.90, 0.90, 1.15, 1.00, 0.95, 1.25],
  },
  healthcare: {
    sales: mix([0.40, 4.0, 1.0], [0.35, 7.0, 1.5], [0.20, 9.0, 1.2], [0.05, 11, 1.0]),
    purchase: mix([0.45, 6.0, 1.2], [0.35, 8.0, 1.5], [0.20, 10, 1.0]),
    payroll: mix([0.35, 7.5, 0.5], [0.35, 8.5, 0.4], [0.25, 10, 0.5], [0.05, 11, 0.4]), capexAlpha: 1.6, capexMin: 10_000,
    seasonality: [1.15, 1.10, 1.00, 0.95, 0.90, 0.90, 0.85, 0.90, 0.95, 1.00, 1.05, 1.10],
  },
  technology: {
    sales: mix([0.50, 5.5, 1.0], [0.30, 8.0, 1.0], [0.15, 10.5, 1.2], [0.05, 13, 0.8]),
    purchase: mix([0.40, 6.0, 1.0], [0.35, 8.5, 1.5], [0.15, 7.5, 1.0], [0.10, 9.0, 1.0]),
    payroll: mix([0.25, 8.5, 0.4], [0.40, 9.2, 0.3], [0.25, 10, 0.3], [0.10, 11, 0.4]), capexAlpha: 2.2, capexMin: 10_000,
    seasonality: [0.95, 0.95, 1.00, 1.00, 1.00, 1.00, 0.95, 0.95, 1.05, 1.05, 1.00, 1.05],
  },
};

export interface ResolvedOptions {
  /** Line-count bucket weights in LINE_BUCKETS order. */
  readonly lineBucketWeights: readonly number[];
  readonly evenProbability: number;
  /** equal, more_debit, more_credit */
  readonly splitWeights: readonly [number, number, number];
  /** manual, automated, recurring, adjustment */
  readonly sourceWeights: readonly number[];
  readonly amounts: {
    readonly minAmount: number;
    readonly maxAmount: number;
    readonly mu: number;
    readonly sigma: number;
    readonly roundNumberProbability: number;
    readonly niceNumberProbability: number;
    readonly sampler: 'lognormal' | 'benford';
  };
  readonly benford: { readonly enabled: boolean; readonly exemptSources: readonly string[]; readonly exemptProcesses: readonly string[] };
  readonly holidayActivity: number;
  readonly weekendActivity: number;
  readonly periodEndModel: 'flat' | 'exponential';
  readonly monthEndLeadDays: number;
  /** In PROCESSES order. */
  readonly processWeights: readonly number[];
  /** In HUMAN_PERSONAS order. */
  readonly personaWeights: readonly number[];
  readonly autoApproveThreshold: number;
  readonly revisionRate: number;
  readonly controlsEnabled: boolean;
  readonly exceptionRate: number;
  readonly soxMaterialityThreshold: number;
  readonly sodViolationRate: number;
  readonly fraudEnabled: boolean;
  readonly fraudRate: number;
  /** In FRAUD_TYPES order. */
  readonly fraudTypeWeights: readonly number[];
  /** Group-currency units. */
  readonly approvalThresholds: readonly number[];
  /** Industry profile when `distributions.industry_profile` is on and the industry has one. */
  readonly industryProfile: IndustryProfile | null;
}

type Obj = { [k: string]: JsonValue };
function obj(v: JsonValue | undefined): Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : {};
}
function num(o: Obj, key: string, dflt: number): number {
  const v = o[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : dflt;
}
function bool(o: Obj, key: string, dflt: boolean): boolean {
  const v = o[key];
  return typeof v === 'boolean' ? v : dflt;
}
function strList(o: Obj, key: string, dflt: readonly string[]): readonly string[] {
  const v = o[key];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : dflt;
}

const cache = new WeakMap<object, Map<string, ResolvedOptions>>();

/**
 * Applies every documented default (domain.md §5.2–§5.10). `configuredIndustry` is `global.industry`
 * as written (undefined when absent): only an explicit industry selects the process-mix preset, so
 * the documented generic mix stays the default. `profileIndustry` (the resolved industry) selects the
 * amount mixtures when `distributions.industry_profile` is on.
 *
 * @example
 * resolveOptions({}, undefined, 'manufacturing').processWeights; // [0.35, 0.30, 0.20, 0.10, 0.05]
 * resolveOptions({}, 'retail', 'retail').processWeights;        // [0.50, 0.30, 0.10, 0.07, 0.03]
 */
export function resolveOptions(options: JsonObject, configuredIndustry: string | undefined, profileIndustry: string): ResolvedOptions {
  let byIndustry = cache.get(options);
  if (byIndustry === undefined) {
    byIndustry = new Map();
    cache.set(options, byIndustry);
  }
  const key = `${configuredIndustry ?? ''}\u0000${profileIndustry}`;
  const hit = byIndustry.get(key);
  if (hit) return hit;
  const r = resolveUncached(options, configuredIndustry, profileIndustry);
  byIndustry.set(key, r);
  return r;
}

function resolveUncached(options: JsonObject, configuredIndustry: string | undefined, profileIndustry: string): ResolvedOptions {
  const tx = obj(options.transactions);
  const lid = obj(tx.line_item_distribution);
  const eo = obj(tx.even_odd_distribution);
  const dc = obj(tx.debit_credit_distribution);
  const sd = obj(tx.source_distribution);
  const am = obj(tx.amounts);
  const bf = obj(tx.benford);
  const season = obj(tx.seasonality);
  const tp = obj(tx.temporal_patterns);
  const bp = obj(options.business_processes);
  const up = obj(options.user_personas);
  const hp = obj(up.human_persona_distribution);
  const ap = obj(options.approval);
  const ic = obj(options.internal_controls);
  const fr = obj(options.fraud);
  const ftd = obj(fr.fraud_type_distribution);
  const dist = obj(options.distributions);

  const presetName = typeof am.preset === 'string' ? am.preset : undefined;
  const preset: Partial<Record<string, number>> = presetName && presetName in AMOUNT_PRESETS ? AMOUNT_PRESETS[presetName as keyof typeof AMOUNT_PRESETS] : {};
  const even = eo.even !== undefined ? num(eo, 'even', 0.88) : eo.odd !== undefined ? 1 - num(eo, 'odd', 0.12) : 0.88;

  const industryWeights = (configuredIndustry !== undefined ? INDUSTRY_PROCESS_WEIGHTS[configuredIndustry] : undefined) ?? DEFAULT_PROCESS_WEIGHTS;
  const processKeys = ['o2c_weight', 'p2p_weight', 'r2r_weight', 'h2r_weight', 'a2r_weight'];
  const anyProcessSet = processKeys.some((k) => bp[k] !== undefined);
  // Explicit weights override the industry preset; unset ones keep the generic default.
  const processWeights = PROCESSES.map((p, i) => (anyProcessSet ? num(bp, processKeys[i], DEFAULT_PROCESS_WEIGHTS[p]) : industryWeights[p]));

  const industryProfileOn = typeof dist.industry_profile === 'boolean' ? dist.industry_profile : false;

  return Object.freeze({
    lineBucketWeights: LINE_BUCKETS.map(([key, , , p]) => num(lid, key, p)),
    evenProbability: even,
    splitWeights: [num(dc, 'equal', 0.82), num(dc, 'more_debit', 0.07), num(dc, 'more_credit', 0.11)] as const,
    sourceWeights: [num(sd, 'manual', 0.20), num(sd, 'automated', 0.70), num(sd, 'recurring', 0.07), num(sd, 'adjustment', 0.03)],
    amounts: Object.freeze({
      minAmount: num(am, 'min_amount', preset.minAmount ?? 0.01),
      maxAmount: num(am, 'max_amount', preset.maxAmount ?? 100_000_000),
      mu: num(am, 'lognormal_mu', preset.lognormalMu ?? 7.0),
      sigma: num(am, 'lognormal_sigma', preset.lognormalSigma ?? 2.5),
      roundNumberProbability: num(am, 'round_number_probability', preset.roundNumberProbability ?? 0.25),
      niceNumberProbability: num(am, 'nice_number_probability', preset.niceNumberProbability ?? 0.15),
      sampler: am.sampler === 'benford' ? 'benford' : 'lognormal',
    }),
    benford: Object.freeze({
      enabled: bool(bf, 'enabled', true),
      exemptSources: strList(bf, 'exempt_sources', ['recurring']),
      exemptProcesses: strList(bf, 'exempt_processes', ['H2R']),
    }),
    holidayActivity: num(season, 'holiday_activity', 0.05),
    weekendActivity: num(season, 'weekend_activity', 0.1),
    periodEndModel: obj(tp.period_end).model === 'exponential' ? 'exponential' : 'flat',
    monthEndLeadDays: num(tp, 'month_end_lead_days', 5),
    processWeights,
    personaWeights: [num(hp, 'junior_accountant', 0.40), num(hp, 'senior_accountant', 0.30), num(hp, 'controller', 0.15), num(hp, 'manager', 0.15)],
    autoApproveThreshold: num(ap, 'auto_approve_threshold', 10_000),
    revisionRate: num(ap, 'revision_rate', 0.05),
    controlsEnabled: bool(ic, 'enabled', false),
    exceptionRate: num(ic, 'exception_rate', 0.02),
    soxMaterialityThreshold: num(ic, 'sox_materiality_threshold', 10_000),
    sodViolationRate: num(ic, 'sod_violation_rate', 0.01),
    fraudEnabled: bool(fr, 'enabled', false),
    fraudRate: num(fr, 'fraud_rate', 0.005),
    fraudTypeWeights: FRAUD_TYPES.map((t) => num(ftd, t, ftd[t] === undefined && Object.keys(ftd).length > 0 ? 0 : DEFAULT_FRAUD_WEIGHTS[t])),
    approvalThresholds: (() => {
      const v = fr.approval_thresholds;
      const list = Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number' && x > 0) : [];
      return list.length > 0 ? list : [1_000, 5_000, 10_000, 25_000, 50_000, 100_000];
    })(),
    industryProfile: industryProfileOn ? (INDUSTRY_PROFILES[profileIndustry] ?? null) : null,
  });
}

// ---- JSON Schema ----

const rate = (description: string): JsonObject => ({ type: 'number', minimum: 0, maximum: 1, description });
const weight = (description: string): JsonObject => ({ type: 'number', minimum: 0, description });
const strict = (description: string, properties: Record<string, JsonObject>): JsonObject => ({
  type: 'object', additionalProperties: false, description, properties,
});

/** JSON Schema of the options (additionalProperties: false at every level). */
export const journalEntriesOptionsSchema: OptionsSchema = strict('Options of the journal_entries source (standalone journal entries, domain.md §5).', {
  transactions: strict('Transaction generation (domain.md §5.3–§5.5).', {
    line_item_distribution: strict('Probability of each line-count bucket (domain.md §5.3); range buckets are uniform within.',
      Object.fromEntries(LINE_BUCKETS.map(([key, lo, hi, p]) => [key, weight(`${lo === hi ? `${lo} lines` : `${lo}–${hi} lines`}; default ${p}`)]))),
    even_odd_distribution: strict('Parity of the line count (domain.md §5.3).', {
      even: rate('Probability of an even line count; default 0.88'),
      odd: rate('Probability of an odd line count (used when even is unset); default 0.12'),
    }),
    debit_credit_distribution: strict('Debit/credit split of the lines (domain.md §5.3).', {
      equal: weight('debit ⌊n/2⌋, credit the rest; default 0.82'),
      more_debit: weight('debit round(0.6n); default 0.07'),
      more_credit: weight('credit round(0.6n); default 0.11'),
    }),
    source_distribution: strict('Entry source mix (domain.md §5.2 step 2).', {
      manual: weight('default 0.20'), automated: weight('default 0.70'), recurring: weight('default 0.07'), adjustment: weight('default 0.03'),
    }),
    amounts: strict('Amount sampler in group-currency units (domain.md §5.4).', {
      preset: { type: 'string', enum: ['small', 'medium', 'large'], description: 'Parameter preset; explicit keys override it' },
      min_amount: { type: 'number', exclusiveMinimum: 0, description: 'Lower clamp; default 0.01' },
      max_amount: { type: 'number', exclusiveMinimum: 0, description: 'Upper clamp; default 100 000 000' },
      lognormal_mu: { type: 'number', description: 'μ of the log-normal; default 7.0 (median ≈ 1 097)' },
      lognormal_sigma: { type: 'number', exclusiveMinimum: 0, description: 'σ of the log-normal; default 2.5' },
      round_number_probability: rate('Round to 2 significant digits; default 0.25'),
      nice_number_probability: rate('Round to 3 significant digits ending in 0 or 5; default 0.15'),
      sampler: { type: 'string', enum: ['lognormal', 'benford'], description: 'lognormal (default) or an explicit Benford first-digit sampler' },
    }),
    benford: strict('Which amounts enter the Benford conformity check (domain.md §5.4, §11 I10).', {
      enabled: { type: 'boolean', description: 'default true' },
      exempt_sources: { type: 'array', items: { type: 'string', enum: ['manual', 'automated', 'recurring', 'adjustment', 'reversal'] }, description: 'default [recurring]' },
      exempt_processes: { type: 'array', items: { type: 'string', enum: ['O2C', 'P2P', 'R2R', 'H2R', 'A2R', 'INTERCOMPANY'] }, description: 'default [H2R]' },
    }),
    seasonality: strict('Day-weight factors (domain.md §3.3, §5.5).', {
      holiday_activity: { type: 'number', minimum: 0, description: 'Multiplier of holidays without a listed one; default 0.05' },
      weekend_activity: { type: 'number', minimum: 0, description: 'Weekday factor of Saturday and Sunday; default 0.1' },
    }),
    temporal_patterns: strict('Period-end activity (domain.md §5.5).', {
      period_end: strict('Period-end uplift model.', {
        model: { type: 'string', enum: ['flat', 'exponential'], description: 'flat (default: ×2.5 / ×4.0 / ×6.0 in the last days) or exponential' },
      }),
      month_end_lead_days: { type: 'integer', minimum: 0, maximum: 28, description: 'Calendar days at month end with the flat uplift; default 5' },
    }),
  }),
  business_processes: strict('Process mix (domain.md §5.2 step 3); without any key the industry preset applies.', {
    o2c_weight: weight('default 0.35'), p2p_weight: weight('default 0.30'), r2r_weight: weight('default 0.20'),
    h2r_weight: weight('default 0.10'), a2r_weight: weight('default 0.05'),
  }),
  user_personas: strict('Posting users (domain.md §5.7).', {
    human_persona_distribution: strict('Persona of human (manual, adjustment) entries.', {
      junior_accountant: weight('default 0.40'), senior_accountant: weight('default 0.30'),
      controller: weight('default 0.15'), manager: weight('default 0.15'),
    }),
  }),
  approval: strict('Approval workflow (domain.md §5.8).', {
    auto_approve_threshold: { type: 'number', minimum: 0, description: 'Group-currency total at or below which entries are auto-approved; default 10 000' },
    revision_rate: rate('Share of approvals with request_revision + resubmit; default 0.05'),
  }),
  internal_controls: strict('SOX and segregation of duties (domain.md §5.8).', {
    enabled: { type: 'boolean', description: 'Control exceptions on SOX-relevant entries; default false' },
    exception_rate: rate('Share of SOX-relevant entries with a control exception (when enabled); default 0.02'),
    sox_materiality_threshold: { type: 'number', minimum: 0, description: 'Group-currency total above which an entry is SOX-relevant; default 10 000' },
    sod_violation_rate: rate('Share of human standalone entries approved by their creator (labelled); default 0.01'),
  }),
  fraud: strict('Generation-time fraud (domain.md §5.10).', {
    enabled: { type: 'boolean', description: 'default false' },
    fraud_rate: rate('Share of standalone non-batch entries that are fraudulent; default 0.005'),
    fraud_type_distribution: strict('Weights of the fraud types; once any is given, unset ones weigh 0.',
      Object.fromEntries([
        ...FRAUD_TYPES.map((t) => [t, weight(`default ${DEFAULT_FRAUD_WEIGHTS[t]}`)]),
        ...RESERVED_FRAUD_TYPES.map((t) => [t, weight('reserved: no v1 mutation, weight ignored')]),
      ])),
    approval_thresholds: { type: 'array', items: { type: 'number', exclusiveMinimum: 0 }, minItems: 1, description: 'Thresholds for threshold-adjacent amounts (group currency); default [1000, 5000, 10000, 25000, 50000, 100000]' },
  }),
  distributions: strict('Industry amount mixtures and month seasonality (domain.md §5.4).', {
    industry_profile: { type: 'boolean', description: 'Use the industry mixtures and seasonality; default false' },
  }),
});
