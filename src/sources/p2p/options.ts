/**
 * Options of the `p2p` source (`document_flows.p2p.*`, domain.md §1.2: the keys live directly in the
 * source's options): JSON Schema and the resolved form with every documented default applied here
 * (the loader inserts none).
 */
import type { JsonObject, JsonValue } from '../../config/types.js';
import type { OptionsSchema } from '../../engine/plugins.js';

export interface P2pOptions {
  /** Chains per run (default 100, capped by the plan); undefined = default. */
  readonly chainCount: number | undefined;
  /** Chains per company-month; overrides chainCount. */
  readonly chainsPerMonth: number | undefined;
  readonly averagePoToGrDays: number;
  readonly partialDeliveryRate: number;
  readonly overDeliveryRate: number;
  readonly averageGrToInvoiceDays: number;
  readonly priceVarianceRate: number;
  readonly maxPriceVariancePercent: number;
  readonly threeWayMatchRate: number;
  readonly quantityVarianceRate: number;
  readonly earlyPaymentDiscountRate: number;
  readonly latePaymentRate: number;
  readonly partialPaymentRate: number;
  readonly avgDaysUntilRemainder: number;
}

type Obj = { [k: string]: JsonValue };
function obj(v: JsonValue | undefined): Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : {};
}
function num(o: Obj, key: string, dflt: number): number {
  const v = o[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : dflt;
}
function optInt(o: Obj, key: string): number | undefined {
  const v = o[key];
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined;
}

const cache = new WeakMap<object, P2pOptions>();

/**
 * Applies the defaults of domain.md §6.2.
 *
 * @example
 * resolveP2pOptions({}).partialDeliveryRate;                          // 0.15
 * resolveP2pOptions({ payment_behavior: { late_payment_rate: 0.3 } }).latePaymentRate; // 0.3
 */
export function resolveP2pOptions(options: JsonObject): P2pOptions {
  const hit = cache.get(options);
  if (hit) return hit;
  const pb = obj(options.payment_behavior);
  const r: P2pOptions = Object.freeze({
    chainCount: optInt(options, 'chain_count'),
    chainsPerMonth: optInt(options, 'chains_per_month'),
    averagePoToGrDays: Math.round(num(options, 'average_po_to_gr_days', 14)),
    partialDeliveryRate: num(options, 'partial_delivery_rate', 0.15),
    overDeliveryRate: num(options, 'over_delivery_rate', 0.02),
    averageGrToInvoiceDays: Math.round(num(options, 'average_gr_to_invoice_days', 5)),
    priceVarianceRate: num(options, 'price_variance_rate', 0.08),
    maxPriceVariancePercent: num(options, 'max_price_variance_percent', 0.05),
    threeWayMatchRate: num(options, 'three_way_match_rate', 0.95),
    quantityVarianceRate: num(options, 'quantity_variance_rate', 0.05),
    earlyPaymentDiscountRate: num(options, 'early_payment_discount_rate', 0.30),
    latePaymentRate: num(pb, 'late_payment_rate', 0.15),
    partialPaymentRate: num(pb, 'partial_payment_rate', 0.05),
    avgDaysUntilRemainder: Math.round(num(pb, 'avg_days_until_remainder', 30)),
  });
  cache.set(options, r);
  return r;
}

const rate = (description: string): JsonObject => ({ type: 'number', minimum: 0, maximum: 1, description });
const days = (description: string): JsonObject => ({ type: 'integer', minimum: 0, maximum: 3650, description });

/** JSON Schema of the options (closed at every level). */
export const p2pOptionsSchema: OptionsSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'Options of the p2p source: purchase order → goods receipt(s) → vendor invoice → payment(s) chains (document_flows.p2p.*, domain.md §6.2).',
  properties: {
    chain_count: { type: 'integer', minimum: 0, description: 'Chains per run, allocated to companies ∝ volume_weight and to months ∝ business days; capped at Σ vendors × 2 × months; default 100' },
    chains_per_month: { type: 'integer', minimum: 0, description: 'Chains per company and month; overrides chain_count when set' },
    average_po_to_gr_days: days('Days from purchase order to goods receipt (plus U{0..4}); default 14'),
    partial_delivery_rate: rate('Share of orders delivered in two receipts (60–80 % first, the rest 3–9 days later); default 0.15'),
    over_delivery_rate: rate('Share of single-receipt orders whose lines are over-delivered by 1–10 % (at least 1); default 0.02'),
    average_gr_to_invoice_days: days('Days from the last goods receipt to the vendor invoice (plus U{0..2}); default 5'),
    price_variance_rate: rate('Share of invoice lines with a tolerated price variance; also the weight of price match exceptions; default 0.08'),
    max_price_variance_percent: rate('Largest tolerated price variance as a fraction (0.05 = 5 %); default 0.05'),
    three_way_match_rate: rate('Share of invoices without a match exception; default 0.95'),
    quantity_variance_rate: rate('Weight of quantity match exceptions (against price_variance_rate for price ones); default 0.05'),
    early_payment_discount_rate: rate('Share of non-partial payments on discount terms paid in the discount window, discount taken; default 0.30'),
    payment_behavior: {
      type: 'object',
      additionalProperties: false,
      description: 'Payment timing (domain.md §6.2).',
      properties: {
        late_payment_rate: rate('Share of payments after the due date by 1–120 days (1–7 .50, 8–14 .25, 15–30 .15, 31–60 .07, 61–120 .03); default 0.15'),
        partial_payment_rate: rate('Share of invoices paid in two payments (50–75 % first, the remainder later); default 0.05'),
        avg_days_until_remainder: days('Days from a partial payment to its remainder (plus U{0..9}); default 30'),
      },
    },
  },
};
