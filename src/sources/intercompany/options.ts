/**
 * Options of the `intercompany` source (domain.md §1.2 placement `intercompany.*`, §7): the JSON
 * Schema and the resolved form with every documented default applied here (the loader inserts none).
 * The presence of the source switches intercompany generation on (no `enabled` key).
 */
import type { JsonObject } from '../../config/types.js';
import type { OptionsSchema } from '../../engine/plugins.js';
import { ConfigError } from '../../errors.js';
import type { IcTransactionType } from '../../tables/intercompany.js';

/** One row of the domain.md §7 table. Amount bands in group-currency cents. */
export interface IcTypeSpec {
  readonly type: IcTransactionType;
  readonly defaultWeight: number;
  readonly minCents: number;
  readonly maxCents: number;
  readonly markup: boolean;
  /** Withholding-tax rate in millionths (150_000 = 15 %). */
  readonly whtMicros: number;
  readonly sellerCredit: string;
  readonly buyerDebit: string;
}

const T = (type: IcTransactionType, w: number, min: number, max: number, markup: boolean, wht: number, credit: string, debit: string): IcTypeSpec =>
  Object.freeze({ type, defaultWeight: w, minCents: min * 100, maxCents: max * 100, markup, whtMicros: wht * 10_000, sellerCredit: credit, buyerDebit: debit });

/** domain.md §7: weights, base-amount bands (group currency), markup, WHT and accounts per type. */
export const IC_TYPE_SPECS: readonly IcTypeSpec[] = Object.freeze([
  T('goods_sale', 0.35, 1_000, 500_000, true, 0, '4000', '5000'),
  T('service_provided', 0.20, 5_000, 200_000, true, 0, '4100', '6700'),
  T('management_fee', 0.15, 10_000, 100_000, true, 15, '4500', '6700'),
  T('royalty', 0.10, 5_000, 150_000, false, 10, '4900', '6700'),
  T('loan_interest', 0.10, 1_000, 50_000, false, 10, '4900', '7100'),
  T('dividend', 0.05, 50_000, 1_000_000, false, 15, '4900', '3200'),
  T('cost_sharing', 0.05, 2_000, 50_000, false, 0, '4900', '6700'),
  T('expense_recharge', 0, 500, 20_000, false, 0, '4900', '6700'),
]);

/** `transfer_pricing_method` values: only cost_plus is generated, the others are reserved (domain.md §7). */
export const TRANSFER_PRICING_METHODS = Object.freeze([
  'cost_plus', 'comparable_uncontrolled_price', 'resale_price', 'transactional_net_margin', 'profit_split',
] as const);

export const DEFAULT_IC_TRANSACTION_RATE = 0.15;
export const DEFAULT_MARKUP_PERCENT = 0.05;
/** Attempts per business day of the parent calendar (domain.md §1.3). */
export const IC_ATTEMPTS_PER_DAY = 3;

export interface IcOptions {
  readonly transactionRate: number;
  /** Weights in IC_TYPE_SPECS order. */
  readonly typeWeights: readonly number[];
  /** Markup as integer millionths of the base (50_000 = 5 %). */
  readonly markupMicros: number;
  readonly markupPercent: number;
  readonly transferPricingMethod: 'cost_plus';
  readonly generateEliminations: boolean;
}

const cache = new WeakMap<JsonObject, IcOptions>();

/**
 * Applies the documented defaults (domain.md §7) and the checks a JSON Schema cannot make.
 * Throws ConfigError (with the key path under `sources.<componentId>`) for a reserved
 * transfer-pricing method or all-zero type weights.
 *
 * @example
 * resolveIcOptions('ic', {}).transactionRate;                         // 0.15
 * resolveIcOptions('ic', { markup_percent: 0.1 }).markupMicros;       // 100_000
 * resolveIcOptions('ic', { transfer_pricing_method: 'profit_split' }); // throws ConfigError
 */
export function resolveIcOptions(componentId: string, options: JsonObject): IcOptions {
  const hit = cache.get(options);
  if (hit) return hit;
  const issues: Array<{ path: string; message: string; hint?: string }> = [];
  const path = (k: string): string => `sources.${componentId}.${k}`;
  const num = (v: unknown, dflt: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : dflt);

  const transactionRate = num(options.ic_transaction_rate, DEFAULT_IC_TRANSACTION_RATE);
  if (!(transactionRate >= 0 && transactionRate <= 1)) issues.push({ path: path('ic_transaction_rate'), message: `must be a fraction in [0, 1], got ${transactionRate}` });
  const markupPercent = num(options.markup_percent, DEFAULT_MARKUP_PERCENT);
  if (!(markupPercent >= 0)) issues.push({ path: path('markup_percent'), message: `must be ≥ 0 (a fraction: 0.05 = 5 %), got ${markupPercent}` });
  const dist = options.transaction_type_distribution;
  const d = dist !== null && typeof dist === 'object' && !Array.isArray(dist) ? dist : {};
  const typeWeights = IC_TYPE_SPECS.map((s) => num(d[s.type], s.defaultWeight));
  if (typeWeights.some((w) => !(w >= 0))) issues.push({ path: path('transaction_type_distribution'), message: 'weights must be ≥ 0' });
  else if (!(typeWeights.reduce((a, b) => a + b, 0) > 0)) issues.push({ path: path('transaction_type_distribution'), message: 'at least one transaction type needs a weight > 0' });
  const method = options.transfer_pricing_method ?? 'cost_plus';
  if (method !== 'cost_plus') {
    issues.push({ path: path('transfer_pricing_method'), message: `transfer pricing method ${JSON.stringify(method)} is reserved and not generated yet`, hint: 'Use cost_plus (the default).' });
  }
  const elim = options.generate_eliminations;
  if (issues.length > 0) throw new ConfigError(issues);
  const resolved: IcOptions = Object.freeze({
    transactionRate,
    typeWeights: Object.freeze(typeWeights),
    markupMicros: Math.round(markupPercent * 1_000_000),
    markupPercent,
    transferPricingMethod: 'cost_plus' as const,
    generateEliminations: elim === true,
  });
  cache.set(options, resolved);
  return resolved;
}

// ---- JSON Schema ----

const weight = (description: string): JsonObject => ({ type: 'number', minimum: 0, description });

/** JSON Schema of the options (additionalProperties: false at every level). */
export const intercompanyOptionsSchema: OptionsSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'Options of the intercompany source (IC pairs between the parent and its subsidiaries, domain.md §7).',
  properties: {
    ic_transaction_rate: {
      type: 'number', minimum: 0, maximum: 1,
      description: 'Probability of each of the 3 attempts per business day of the parent calendar (≈ 0.45 pairs a day); default 0.15',
    },
    transaction_type_distribution: {
      type: 'object', additionalProperties: false,
      description: 'Relative weight of each transaction type (domain.md §7).',
      properties: Object.fromEntries(IC_TYPE_SPECS.map((s) => [s.type, weight(`default ${s.defaultWeight}`)])),
    },
    markup_percent: {
      type: 'number', minimum: 0,
      description: 'Cost-plus markup on goods_sale, service_provided and management_fee, as a fraction (0.05 = 5 %); default 0.05',
    },
    transfer_pricing_method: {
      type: 'string', enum: [...TRANSFER_PRICING_METHODS],
      description: 'cost_plus (default); the other methods are reserved and rejected',
    },
    generate_eliminations: {
      type: 'boolean',
      description: 'Also post one elimination entry per pair in company GROUP on the last business day of the month (adds a GROUP row to companies); default false',
    },
  },
};
