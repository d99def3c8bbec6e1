/**
 * The `o2c` source: order-to-cash document chains per company × chain start month (domain.md §1.1,
 * §6.3) — sales orders, deliveries, customer invoices, receipts and credit memos with their items,
 * `document_references` and the document journal entries (`journal_entry_lines`, §6.5).
 *
 * @example
 * // pipeline.yaml
 * // sources:
 * //   o2c: { type: o2c, chains_per_month: 40, return_rate: 0.05 }
 * const parts = o2cSource.partitions('o2c', {}, ctx);
 * for (const batch of o2cSource.generate('o2c', {}, parts[0], ctx)) console.log(batch.schema.name, batch.length);
 */
import type { JsonObject, PipelineConfig } from '../../config/types.js';
import type { Batch } from '../../engine/batch.js';
import type { GenerationContext, PartitionPlan, SourcePlugin } from '../../engine/plugins.js';
import type { ReferenceData } from '../../domain/types.js';
import { ConfigError } from '../../errors.js';
import { partnerCountsOf } from '../../domain/reference.js';
import { documentReferences } from '../../tables/documents.js';
import { journalEntryLines } from '../../tables/journal.js';
import {
  arReceipts, creditMemos, customerInvoiceItems, customerInvoices, deliveries, deliveryItems, o2cTables, salesOrderItems, salesOrders,
} from '../../tables/o2c.js';
import { chainPartition, chainPlan, type ChainPlan } from '../documents/plan.js';
import { o2cOptionsSchema, resolveO2cOptions, type O2cOptions } from './options.js';
import { O2cPartitionGenerator } from './generator.js';

export { o2cOptionsSchema, resolveO2cOptions, O2C_DEFAULTS } from './options.js';
export type { O2cOptions } from './options.js';
export { O2cPartitionGenerator, triangular } from './generator.js';

/**
 * Resolved options and the chain plan (domain.md §1.3); rejects receipt-kind rates summing above 1.
 *
 * @example
 * const { plan } = o2cPlan('o2c', { chains_per_month: 40 }, config, reference);
 * plan.counts[0][0]; // 40 chains for the first company's first month
 */
export function o2cPlan(componentId: string, options: JsonObject, config: PipelineConfig, reference: ReferenceData): { opts: O2cOptions; plan: ChainPlan } {
  const opts = resolveO2cOptions(options);
  const kinds = opts.partialPaymentRate + opts.shortPaymentRate + opts.onAccountRate;
  if (kinds > 1) {
    throw new ConfigError([{
      path: `sources.${componentId}.partial_payment_rate`,
      message: `partial_payment_rate + short_payment_rate + on_account_rate must not exceed 1, got ${kinds}`,
    }]);
  }
  const plan = chainPlan('o2c', reference, {
    chainCount: opts.chainCount,
    ...(opts.chainsPerMonth !== undefined ? { chainsPerMonth: opts.chainsPerMonth } : {}),
    partnersPerCompany: partnerCountsOf(config).customers,
  });
  return { opts, plan };
}

/** Expected documents per chain (plannedRows estimates): about half the orders pass the credit check at default prices and limits. */
const PASS_ESTIMATE = 0.5;
const MEAN_LINES = 8; // triangular(1, 3, 20)

export const o2cSource: SourcePlugin = {
  type: 'o2c',
  description: 'Order-to-cash document chains per company and start month: sales orders, deliveries, customer invoices, receipts, credit memos, their references and journal entries (domain.md §6.3–§6.5).',
  method: 'rule_based',
  optionsSchema: o2cOptionsSchema,
  tables() {
    return [...o2cTables, documentReferences, journalEntryLines];
  },
  partitions(componentId: string, options: JsonObject, ctx: GenerationContext): readonly PartitionPlan[] {
    const ref = ctx.reference;
    const { opts, plan } = o2cPlan(componentId, options, ctx.config, ref);
    const out: PartitionPlan[] = [];
    for (let m = 0; m < plan.months; m++) {
      const { year, month } = ref.period.yearMonth(m);
      const ym = `${year}-${month < 10 ? '0' : ''}${month}`;
      for (let c = 0; c < plan.nCompanies; c++) {
        const n = plan.counts[c][m];
        const pass = n * PASS_ESTIMATE;
        const dlv = pass * (1 + opts.partialShipmentRate);
        const rec = pass * (1 - opts.badDebtRate) * (1 + opts.partialPaymentRate + opts.paymentCorrectionRate * 0.9);
        const cm = pass * opts.returnRate;
        out.push({
          index: chainPartition(m, c, plan.nCompanies),
          key: `${ref.companies[c].code}:${ym}`,
          plannedRows: {
            [salesOrders.name]: n,
            [salesOrderItems.name]: Math.round(n * MEAN_LINES),
            [deliveries.name]: Math.round(dlv),
            [deliveryItems.name]: Math.round(pass * MEAN_LINES * (1 + opts.partialShipmentRate)),
            [customerInvoices.name]: Math.round(pass),
            [customerInvoiceItems.name]: Math.round(pass * MEAN_LINES * (1 + opts.partialShipmentRate)),
            [arReceipts.name]: Math.round(rec),
            [creditMemos.name]: Math.round(cm),
            [documentReferences.name]: Math.round(dlv * 2 + pass + rec * 1.1 + cm),
            [journalEntryLines.name]: Math.round(dlv * 2 + pass * 3 + rec * 2.4 + cm * 2),
          },
        });
      }
    }
    return out;
  },
  generate(componentId: string, options: JsonObject, partition: PartitionPlan, ctx: GenerationContext): Iterable<Batch> {
    const { opts, plan } = o2cPlan(componentId, options, ctx.config, ctx.reference);
    if (partition.index < 0 || partition.index >= plan.nCompanies * plan.months) {
      throw new RangeError(`o2c ${componentId}: partition ${partition.index} outside 0..${plan.nCompanies * plan.months - 1}`);
    }
    // A fresh generator per iteration: the same partition can be re-read (determinism checks, retries).
    return { [Symbol.iterator]: () => new O2cPartitionGenerator(componentId, opts, plan, partition.index, ctx).run() };
  },
};
