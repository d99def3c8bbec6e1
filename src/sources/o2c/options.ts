/**
 * Options of the `o2c` source: the `document_flows.o2c.*` keys of domain.md §6.3 (placement §1.2),
 * as a closed JSON Schema and a resolved form with every documented default applied here (the
 * loader inserts none).
 */
import type { JsonObject } from '../../config/types.js';
import type { OptionsSchema } from '../../engine/plugins.js';

export interface O2cOptions {
  /** Chains per run (domain.md §1.3), used when chainsPerMonth is unset. */
  readonly chainCount: number;
  /** Chains per company-month; overrides chainCount. */
  readonly chainsPerMonth: number | undefined;
  readonly averageSoToDeliveryDays: number;
  readonly creditCheckFailureRate: number;
  readonly partialShipmentRate: number;
  readonly averageDeliveryToInvoiceDays: number;
  readonly returnRate: number;
  readonly badDebtRate: number;
  readonly latePaymentRate: number;
  readonly partialPaymentRate: number;
  readonly avgDaysUntilRemainder: number;
  readonly shortPaymentRate: number;
  readonly maxShortPercent: number;
  readonly onAccountRate: number;
  readonly paymentCorrectionRate: number;
}

export const O2C_DEFAULTS: O2cOptions = Object.freeze({
  chainCount: 100,
  chainsPerMonth: undefined,
  averageSoToDeliveryDays: 7,
  creditCheckFailureRate: 0.02,
  partialShipmentRate: 0.10,
  averageDeliveryToInvoiceDays: 1,
  returnRate: 0.03,
  badDebtRate: 0.01,
  latePaymentRate: 0.15,
  partialPaymentRate: 0.08,
  avgDaysUntilRemainder: 30,
  shortPaymentRate: 0.03,
  maxShortPercent: 0.10,
  onAccountRate: 0.02,
  paymentCorrectionRate: 0.02,
});

const KEYS: ReadonlyArray<readonly [string, keyof O2cOptions]> = [
  ['chain_count', 'chainCount'], ['chains_per_month', 'chainsPerMonth'],
  ['average_so_to_delivery_days', 'averageSoToDeliveryDays'], ['credit_check_failure_rate', 'creditCheckFailureRate'],
  ['partial_shipment_rate', 'partialShipmentRate'], ['average_delivery_to_invoice_days', 'averageDeliveryToInvoiceDays'],
  ['return_rate', 'returnRate'], ['bad_debt_rate', 'badDebtRate'], ['late_payment_rate', 'latePaymentRate'],
  ['partial_payment_rate', 'partialPaymentRate'], ['avg_days_until_remainder', 'avgDaysUntilRemainder'],
  ['short_payment_rate', 'shortPaymentRate'], ['max_short_percent', 'maxShortPercent'],
  ['on_account_rate', 'onAccountRate'], ['payment_correction_rate', 'paymentCorrectionRate'],
];

const cache = new WeakMap<object, O2cOptions>();

/**
 * The options with defaults applied (memoized per options object).
 *
 * @example
 * resolveO2cOptions({ return_rate: 0.05 }).returnRate;   // 0.05
 * resolveO2cOptions({}).partialShipmentRate;            // 0.10
 */
export function resolveO2cOptions(options: JsonObject): O2cOptions {
  const hit = cache.get(options);
  if (hit) return hit;
  const out: Record<string, number | undefined> = { ...O2C_DEFAULTS };
  for (const [key, field] of KEYS) {
    const v = options[key];
    if (typeof v === 'number' && Number.isFinite(v)) out[field] = v;
  }
  const r = Object.freeze(out) as unknown as O2cOptions;
  cache.set(options, r);
  return r;
}

const rate = (description: string): JsonObject => ({ type: 'number', minimum: 0, maximum: 1, description });
const days = (description: string): JsonObject => ({ type: 'integer', minimum: 0, maximum: 365, description });

/** Closed JSON Schema of the options (domain.md §6.3 `document_flows.o2c.*`). */
export const o2cOptionsSchema: OptionsSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'Options of the o2c source (order-to-cash document chains, domain.md §6.3).',
  properties: {
    chain_count: { type: 'integer', minimum: 0, description: 'Chains per run, capped at Σ customers × 2 × months, allocated to companies ∝ volume_weight and to months ∝ business days; default 100' },
    chains_per_month: { type: 'integer', minimum: 0, description: 'Chains per company-month; overrides chain_count; default unset' },
    average_so_to_delivery_days: days('Days from sales order to requested delivery; the delivery follows after this + U{0..2} days; default 7'),
    credit_check_failure_rate: rate('Share of credit checks that fail although exposure + gross is within the limit (plus .20 for CCC/D and .05 for BB/B ratings); default 0.02'),
    partial_shipment_rate: rate('Share of orders shipped in two deliveries (60–80 % of each line first, the rest 3–6 days later); default 0.10'),
    average_delivery_to_invoice_days: days('Days from the last delivery to the invoice (+ U{0..1}); default 1'),
    return_rate: rate('Share of invoices with a credit memo 5–30 days later for 10–100 % of gross; default 0.03'),
    bad_debt_rate: rate('Share of invoices never paid; default 0.01'),
    late_payment_rate: rate('Share of receipts delayed by a further U{10..29} days; default 0.15'),
    partial_payment_rate: rate('Share of invoices paid in two receipts (25 / 50 / 75 % or U[30 %, 80 %] first, the remainder later); default 0.08'),
    avg_days_until_remainder: days('Days from a partial receipt to its remainder; default 30'),
    short_payment_rate: rate('Share of invoices short-paid by U[1 %, max_short_percent] of gross; default 0.03'),
    max_short_percent: rate('Largest short payment as a fraction of gross; default 0.10'),
    on_account_rate: rate('Share of receipts posted on account (80–120 % of gross, unapplied); default 0.02'),
    payment_correction_rate: rate('Share of full receipts reversed 3–13 days later (nsf, chargeback, wrong_amount, wrong_customer, duplicate_payment); default 0.02'),
  },
};
