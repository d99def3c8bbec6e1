/**
 * The injector's anomaly taxonomy (domain.md §8.2): every type with its default weight, severity,
 * detection difficulty, applicability rule and label strategy. Data only; the mutations live in
 * mutations.ts, keyed by the same names.
 */
import type { LabelCategory } from '../../sources/journal-entries/labels.js';

export type Difficulty = 'trivial' | 'easy' | 'moderate' | 'hard' | 'expert';

/**
 * When a type applies to an entry (domain.md §8.2 "Applies to"), checked on the entry before
 * mutation; the engine evaluates these keys (engine.ts `applies`).
 */
export type Applicability =
  | 'any' | 'standalone' | 'human' | 'human_above_threshold' | 'above_threshold' | 'credits_cash' | 'has_ap'
  | 'credits_revenue' | 'debits_opex' | 'two_lines' | 'transposable' | 'has_cost_center' | 'in_range'
  | 'approved_with_actions' | 'weekend_follows' | 'automated_like' | 'two_levels' | 'lines_at_least_10c'
  | 'earlier_entry' | 'has_partner' | 'ic_seller';

/** `structured_strategy_type` values (domain.md §8.4). */
export type Strategy =
  | 'amount_manipulation' | 'threshold_avoidance' | 'date_shift' | 'self_approval' | 'sod_violation' | 'exact_duplicate'
  | 'near_duplicate' | 'circular_flow' | 'split_transaction' | 'round_numbering' | 'timing_manipulation'
  | 'account_misclassification' | 'missing_field' | 'custom';

export interface AnomalyType {
  readonly name: string;
  readonly category: LabelCategory;
  /** Default weight within the category (0 = never drawn). */
  readonly weight: number;
  readonly severity: number;
  readonly difficulty: Difficulty;
  readonly applies: Applicability;
  readonly strategy: Strategy;
  /** Leaves the entry unbalanced on purpose (domain.md §8.3). */
  readonly affectsBalance: boolean;
  /** Emits new entries after the source instead of mutating it (domain.md §8.1). */
  readonly emits: boolean;
}

export const CATEGORIES: readonly LabelCategory[] = ['fraud', 'error', 'process_issue', 'statistical', 'relational'];
/** Default proportions of the total rate (domain.md §8.1). */
export const DEFAULT_CATEGORY_SHARES: readonly number[] = [0.25, 0.35, 0.20, 0.15, 0.05];
/** Rate keys of `rates.*` in CATEGORIES order. */
export const CATEGORY_RATE_KEYS = ['fraud_rate', 'error_rate', 'process_rate', 'statistical_rate', 'relational_rate'] as const;
/** Keys of the `categories` proportions shape in CATEGORIES order. */
export const CATEGORY_KEYS = ['fraud', 'error', 'process', 'statistical', 'relational'] as const;

type Row = [string, number, number, Difficulty, Applicability, Strategy, boolean?, boolean?];
const t = (category: LabelCategory, rows: Row[]): AnomalyType[] =>
  rows.map(([name, weight, severity, difficulty, applies, strategy, affectsBalance, emits]) => ({
    name, category, weight, severity, difficulty, applies, strategy, affectsBalance: affectsBalance ?? false, emits: emits ?? false,
  }));

/** domain.md §8.2, in table order (type draws walk this order, D4). */
export const ANOMALY_TYPES: readonly AnomalyType[] = Object.freeze([
  ...t('fraud', [
    ['fictitious_entry', 1.0, 4, 'hard', 'standalone', 'round_numbering'],
    ['round_dollar_manipulation', 2.0, 2, 'easy', 'any', 'round_numbering'],
    ['just_below_threshold', 2.5, 3, 'moderate', 'any', 'threshold_avoidance'],
    ['self_approval', 1.5, 3, 'easy', 'human_above_threshold', 'self_approval'],
    ['exceeded_approval_limit', 1.5, 3, 'easy', 'human', 'threshold_avoidance'],
    ['segregation_of_duties_violation', 1.0, 4, 'moderate', 'any', 'sod_violation'],
    ['duplicate_payment', 2.0, 3, 'moderate', 'credits_cash', 'exact_duplicate', false, true],
    ['fictitious_vendor', 0.5, 5, 'expert', 'has_ap', 'round_numbering'],
    ['revenue_manipulation', 0.5, 5, 'hard', 'credits_revenue', 'amount_manipulation'],
    ['improper_capitalization', 1.0, 4, 'hard', 'debits_opex', 'account_misclassification'],
  ]),
  ...t('error', [
    ['duplicate_entry', 2.0, 3, 'easy', 'any', 'exact_duplicate', false, true],
    ['reversed_amount', 1.5, 3, 'trivial', 'two_lines', 'amount_manipulation', true],
    ['transposed_digits', 2.5, 2, 'moderate', 'transposable', 'amount_manipulation', true],
    ['decimal_error', 1.5, 3, 'easy', 'any', 'amount_manipulation'],
    ['missing_field', 3.0, 2, 'trivial', 'any', 'missing_field'],
    ['invalid_account', 1.0, 3, 'trivial', 'any', 'account_misclassification'],
    ['wrong_period', 2.0, 4, 'moderate', 'in_range', 'date_shift'],
    ['backdated_entry', 1.5, 3, 'moderate', 'in_range', 'date_shift'],
    ['future_dated_entry', 0.5, 3, 'easy', 'in_range', 'date_shift'],
    ['misclassified_account', 2.0, 3, 'hard', 'any', 'account_misclassification'],
    ['wrong_cost_center', 2.5, 3, 'hard', 'has_cost_center', 'account_misclassification'],
    ['unbalanced_entry', 0.5, 5, 'trivial', 'any', 'amount_manipulation', true],
    ['rounding_error', 3.0, 1, 'easy', 'any', 'amount_manipulation', true],
    ['currency_error', 1.0, 4, 'moderate', 'any', 'amount_manipulation'],
  ]),
  ...t('process_issue', [
    ['skipped_approval', 1.5, 4, 'easy', 'above_threshold', 'custom'],
    ['late_approval', 2.5, 3, 'easy', 'approved_with_actions', 'timing_manipulation'],
    ['missing_documentation', 3.0, 3, 'easy', 'any', 'missing_field'],
    ['late_posting', 3.5, 2, 'moderate', 'in_range', 'date_shift'],
    ['after_hours_posting', 2.0, 2, 'easy', 'any', 'timing_manipulation'],
    ['weekend_posting', 1.5, 2, 'trivial', 'weekend_follows', 'timing_manipulation'],
    ['rushed_period_end', 2.0, 3, 'moderate', 'any', 'timing_manipulation'],
    ['manual_override', 1.0, 4, 'moderate', 'automated_like', 'custom'],
    ['vague_description', 4.0, 1, 'easy', 'any', 'custom'],
    ['incomplete_approval_chain', 1.5, 3, 'easy', 'two_levels', 'custom'],
  ]),
  ...t('statistical', [
    ['unusually_high_amount', 2.0, 3, 'easy', 'any', 'amount_manipulation'],
    ['unusually_low_amount', 1.5, 3, 'moderate', 'lines_at_least_10c', 'amount_manipulation'],
    ['benford_violation', 2.5, 2, 'hard', 'any', 'amount_manipulation'],
    ['exact_duplicate_amount', 2.0, 3, 'moderate', 'earlier_entry', 'exact_duplicate'],
    ['repeating_amount', 1.5, 3, 'moderate', 'any', 'amount_manipulation'],
    ['unusual_frequency', 2.0, 2, 'moderate', 'any', 'near_duplicate', false, true],
    ['transaction_burst', 1.5, 4, 'easy', 'any', 'near_duplicate', false, true],
    ['unusual_timing', 3.0, 1, 'easy', 'any', 'timing_manipulation'],
    ['trend_break', 1.0, 3, 'hard', 'any', 'amount_manipulation'],
    ['statistical_outlier', 2.0, 3, 'moderate', 'any', 'amount_manipulation'],
  ]),
  ...t('relational', [
    ['circular_transaction', 1.0, 4, 'hard', 'any', 'circular_flow', false, true],
    ['unusual_account_pair', 2.5, 2, 'moderate', 'any', 'account_misclassification'],
    ['new_counterparty', 3.0, 1, 'hard', 'has_partner', 'custom'],
    ['dormant_account_activity', 2.0, 2, 'moderate', 'any', 'account_misclassification'],
    ['unmatched_intercompany', 1.5, 3, 'easy', 'ic_seller', 'amount_manipulation'],
    ['circular_intercompany', 0.5, 4, 'hard', 'ic_seller', 'circular_flow', false, true],
    ['transfer_pricing_anomaly', 1.0, 4, 'hard', 'ic_seller', 'amount_manipulation'],
    ['missing_relationship', 2.0, 3, 'moderate', 'has_partner', 'missing_field'],
    ['centrality_anomaly', 1.0, 3, 'expert', 'any', 'account_misclassification'],
  ]),
]);

/** Reserved names (DataSynth's wider taxonomy): valid in `types`, no v1 mutation, weight 0 (domain.md §8.2). */
export const RESERVED_TYPES: readonly string[] = [
  'collusive_approval', 'kickback_scheme', 'ghost_employee', 'shell_company_payment', 'channel_stuffing',
  'payroll_inflation', 'bid_rigging', 'lease_standards_violation', 'fair_value_standards_violation',
  'impairment_standards_violation',
];

export const TYPE_BY_NAME: ReadonlyMap<string, AnomalyType> = new Map(ANOMALY_TYPES.map((a) => [a.name, a]));

/** Expected detection rate and difficulty score per difficulty (domain.md §8.2), for metadata. */
export const DIFFICULTY_SCORE: Readonly<Record<Difficulty, number>> = { trivial: 0.05, easy: 0.25, moderate: 0.5, hard: 0.75, expert: 0.95 };
