/**
 * The `p2p` source: procure-to-pay document chains — purchase order → goods receipt(s) → vendor
 * invoice → payment(s) — per company × chain start month (domain.md §1.1, §6.1, §6.2), with their
 * document references (§6.4) and document journal entries (§6.5).
 *
 * @example
 * // pipeline.yaml
 * // sources:
 * //   p2p: { type: p2p, chains_per_month: 40, payment_behavior: { late_payment_rate: 0.2 } }
 * const parts = p2pSource.partitions('p2p', { chains_per_month: 40 }, ctx);
 * for (const batch of p2pSource.generate('p2p', { chains_per_month: 40 }, parts[0], ctx)) console.log(batch.schema.name, batch.length);
 */
import type { JsonObject } from '../../config/types.js';
import type { Batch } from '../../engine/batch.js';
import type { GenerationContext, PartitionPlan, SourcePlugin } from '../../engine/plugins.js';
import type { ReferenceData } from '../../domain/types.js';
import { ConfigError } from '../../errors.js';
import { masterData } from '../../domain/master-data.js';
import { partnerCountsOf } from '../../domain/reference.js';
import { chainPartition, chainPlan, type ChainPlan } from '../documents/plan.js';
import { documentReferences } from '../../tables/documents.js';
import { journalEntryLines } from '../../tables/journal.js';
import {
  apPayments, goodsReceiptItems, goodsReceipts, purchaseOrderItems, purchaseOrders, vendorInvoiceItems, vendorInvoices,
} from '../../tables/p2p.js';
import { p2pOptionsSchema, resolveP2pOptions, type P2pOptions } from './options.js';
import { P2pPartitionGenerator } from './generator.js';

export { p2pOptionsSchema, resolveP2pOptions } from './options.js';
export type { P2pOptions } from './options.js';

/** Mean PO line count: triangular(1, 3, 20) has mean 8 (plannedRows estimate). */
const MEAN_LINES = 8;

function resolved(options: JsonObject, ctx: GenerationContext): { opts: P2pOptions; plan: ChainPlan } {
  const opts = resolveP2pOptions(options);
  const plan = chainPlan('p2p', ctx.reference, {
    ...(opts.chainCount !== undefined ? { chainCount: opts.chainCount } : {}),
    ...(opts.chainsPerMonth !== undefined ? { chainsPerMonth: opts.chainsPerMonth } : {}),
    partnersPerCompany: partnerCountsOf(ctx.config).vendors,
  });
  return { opts, plan };
}

/**
 * P2P chains planned per company code and month index (domain.md §1.3).
 *
 * @example
 * plannedChainCounts({ chains_per_month: 5 }, ctx).get('1000'); // [5, 5, 5, …]
 */
export function plannedChainCounts(options: JsonObject, ctx: GenerationContext): ReadonlyMap<string, readonly number[]> {
  const { plan } = resolved(options, ctx);
  return new Map(ctx.reference.companies.map((c, i) => [c.code, plan.counts[i]]));
}

/** Every company with chains needs vendors and materials to draw from (a config problem otherwise). */
function checkPools(componentId: string, plan: ChainPlan, ctx: GenerationContext): void {
  const ref: ReferenceData = ctx.reference;
  const md = masterData(ctx);
  const issues = [];
  for (let c = 0; c < plan.nCompanies; c++) {
    if (!plan.counts[c].some((n) => n > 0)) continue;
    const code = ref.companies[c].code;
    const cm = md.of(code);
    if (cm.p2pVendors.length === 0) {
      issues.push({ path: `sources.${componentId}`, message: `company ${code} has no vendor eligible for P2P chains (active, non-reserve, non-intercompany)`, hint: 'Raise master_data.vendors.count or set chains_per_month: 0.' });
    }
    if (cm.p2pMaterials.length === 0) {
      issues.push({ path: `sources.${componentId}`, message: `company ${code} has no material eligible for P2P lines (raw, semi-finished, trading good, operating supplies, packaging)`, hint: 'Raise master_data.materials.count or set chains_per_month: 0.' });
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
}

export const p2pSource: SourcePlugin = {
  type: 'p2p',
  description: 'Procure-to-pay document chains (purchase order → goods receipts → vendor invoice → payments) per company and start month, with document references and document journal entries (domain.md §6.2).',
  method: 'rule_based',
  optionsSchema: p2pOptionsSchema,
  tables() {
    return [
      purchaseOrders, purchaseOrderItems, goodsReceipts, goodsReceiptItems, vendorInvoices, vendorInvoiceItems, apPayments,
      documentReferences, journalEntryLines,
    ];
  },
  partitions(componentId: string, options: JsonObject, ctx: GenerationContext): readonly PartitionPlan[] {
    const ref = ctx.reference;
    const { opts, plan } = resolved(options, ctx);
    checkPools(componentId, plan, ctx);
    const partial = opts.partialDeliveryRate;
    const splitPay = opts.partialPaymentRate;
    const out: PartitionPlan[] = [];
    for (let m = 0; m < plan.months; m++) {
      const { year, month } = ref.period.yearMonth(m);
      const ym = `${year}-${month < 10 ? '0' : ''}${month}`;
      for (let c = 0; c < plan.nCompanies; c++) {
        const n = plan.counts[c][m];
        // Estimates before the range cut-off: receipts 1 + partial, payments 1 + partial payment.
        const grs = n * (1 + partial);
        const pays = n * (1 + splitPay);
        out.push({
          index: chainPartition(m, c, plan.nCompanies),
          key: `${ref.companies[c].code}:${ym}`,
          plannedRows: {
            purchase_orders: n,
            purchase_order_items: Math.round(n * MEAN_LINES),
            goods_receipts: Math.round(grs),
            goods_receipt_items: Math.round(n * MEAN_LINES * (1 + partial)),
            vendor_invoices: n,
            vendor_invoice_items: Math.round(n * MEAN_LINES * (1 + partial)),
            ap_payments: Math.round(pays),
            document_references: Math.round(grs + n * (1 + 1 + partial) + pays + n * splitPay),
            // WE 2 lines, KR 3–4, KZ 2–3.
            journal_entry_lines: Math.round(grs * 2 + n * 3.2 + pays * 2.3),
          },
        });
      }
    }
    return out;
  },
  generate(componentId: string, options: JsonObject, partition: PartitionPlan, ctx: GenerationContext): Iterable<Batch> {
    const { opts, plan } = resolved(options, ctx);
    if (partition.index < 0 || partition.index >= plan.nCompanies * plan.months) {
      throw new RangeError(`p2p ${componentId}: partition ${partition.index} outside 0..${plan.nCompanies * plan.months - 1}`);
    }
    // A fresh run per iteration: the same partition can be re-read (determinism checks, retries).
    return { [Symbol.iterator]: () => new P2pPartitionGenerator(componentId, opts, plan, partition.index, ctx).run() };
  },
};
