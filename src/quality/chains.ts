/**
 * `document_chain_integrity` (controls.md §6.3, domain.md §6, §10): P2P (PO → GR → VI → PAY) and
 * O2C (SO → DLV → CI → RCP). A chain per root and per orphan downstream document; intact iff each
 * present document references an existing predecessor of the right type and company and its date
 * is not before the predecessor's (unfinished chains are intact).
 *
 * Chains never span partitions (generator contract), so a partition's documents are kept until
 * the next partition (or flush) and then closed into two counters.
 */
import type { Batch } from '../engine/batch.js';
import type { Accumulator, MetricResult } from './types.js';
import { partitionKey } from './types.js';
import { col, readDay, readString } from './read.js';

/** One document table of a chain: its id and date columns and the predecessor it references. */
export interface ChainStep { table: string; id: string; date: string; pred?: { table: string; column: string } }

/** domain.md §10 names. The invoice references the order (its predecessor column is po_id / so_id). */
export const CHAIN_FAMILIES: Record<'p2p' | 'o2c', readonly ChainStep[]> = {
  p2p: [
    { table: 'purchase_orders', id: 'po_id', date: 'po_date' },
    { table: 'goods_receipts', id: 'gr_id', date: 'gr_date', pred: { table: 'purchase_orders', column: 'po_id' } },
    { table: 'vendor_invoices', id: 'vi_id', date: 'invoice_date', pred: { table: 'purchase_orders', column: 'po_id' } },
    { table: 'ap_payments', id: 'payment_id', date: 'payment_date', pred: { table: 'vendor_invoices', column: 'vi_id' } },
  ],
  o2c: [
    { table: 'sales_orders', id: 'so_id', date: 'so_date' },
    { table: 'deliveries', id: 'delivery_id', date: 'delivery_date', pred: { table: 'sales_orders', column: 'so_id' } },
    { table: 'customer_invoices', id: 'ci_id', date: 'invoice_date', pred: { table: 'sales_orders', column: 'so_id' } },
    { table: 'ar_receipts', id: 'receipt_id', date: 'receipt_date', pred: { table: 'customer_invoices', column: 'ci_id' } },
  ],
};

export const CHAIN_TABLES: readonly string[] = [...CHAIN_FAMILIES.p2p, ...CHAIN_FAMILIES.o2c].map((s) => s.table);
const STEP_BY_TABLE = new Map<string, { family: 'p2p' | 'o2c'; step: ChainStep }>();
for (const family of ['p2p', 'o2c'] as const) for (const step of CHAIN_FAMILIES[family]) STEP_BY_TABLE.set(step.table, { family, step });

interface Doc { company: string | null; date: number | null; pred: string | null }

/** Counters per family. */
interface FamilyCount { chains: number; intact: number; orphans: number; brokenLinks: number }

/**
 * @example
 * const acc = new ChainAccumulator();
 * acc.observe(purchaseOrders); acc.observe(goodsReceipts);
 * acc.finalize(); // {value: intact / chains, n: chains, details: {p2p: {...}, o2c: {...}}}
 */
export class ChainAccumulator implements Accumulator {
  readonly metric = 'document_chain_integrity' as const;
  readonly counts: Record<'p2p' | 'o2c', FamilyCount> = { p2p: zero(), o2c: zero() };
  private docs = new Map<string, Map<string, Doc>>();
  private openKey = '';

  observe(batch: Batch, producer?: string): void {
    const entry = STEP_BY_TABLE.get(batch.schema.name);
    if (!entry) return;
    const key = partitionKey(batch, producer);
    if (key !== this.openKey) {
      this.flush();
      this.openKey = key;
    }
    const { step } = entry;
    let map = this.docs.get(step.table);
    if (!map) {
      map = new Map();
      this.docs.set(step.table, map);
    }
    const id = col(batch, step.id);
    const company = col(batch, 'company_code');
    const date = col(batch, step.date);
    const pred = step.pred ? col(batch, step.pred.column) : -1;
    for (let r = 0; r < batch.length; r++) {
      const docId = readString(batch, id, r);
      if (docId === null) continue;
      map.set(docId, { company: readString(batch, company, r), date: readDay(batch, date, r), pred: pred >= 0 ? readString(batch, pred, r) : null });
    }
  }

  /** Closes the open partition: every root starts a chain; a downstream document joins its predecessor's chain or starts a broken one. */
  flush(): void {
    for (const family of ['p2p', 'o2c'] as const) {
      const steps = CHAIN_FAMILIES[family];
      // chain id per document, and broken chains.
      const chainOf = new Map<string, string>();
      const chains = new Set<string>();
      const broken = new Set<string>();
      const count = this.counts[family];
      for (const step of steps) {
        const docs = this.docs.get(step.table);
        if (!docs) continue;
        for (const [id, doc] of docs) {
          const self = `${step.table}:${id}`;
          if (!step.pred) {
            chainOf.set(self, self);
            chains.add(self);
            continue;
          }
          const predDoc = doc.pred === null ? undefined : this.docs.get(step.pred.table)?.get(doc.pred);
          const predChain = predDoc ? chainOf.get(`${step.pred.table}:${doc.pred}`) : undefined;
          if (!predDoc || predChain === undefined) {
            // An orphan: its own chain, broken (no existing predecessor of the right type).
            chainOf.set(self, self);
            chains.add(self);
            broken.add(self);
            count.orphans++;
            continue;
          }
          chainOf.set(self, predChain);
          const sameCompany = doc.company !== null && doc.company === predDoc.company;
          const ordered = doc.date !== null && predDoc.date !== null && doc.date >= predDoc.date;
          if (!sameCompany || !ordered) {
            broken.add(predChain);
            count.brokenLinks++;
          }
        }
      }
      count.chains += chains.size;
      count.intact += chains.size - broken.size;
    }
    this.docs = new Map();
    this.openKey = '';
  }

  merge(other: Accumulator): void {
    const o = other as ChainAccumulator;
    o.flush();
    this.flush();
    for (const f of ['p2p', 'o2c'] as const) {
      this.counts[f].chains += o.counts[f].chains;
      this.counts[f].intact += o.counts[f].intact;
      this.counts[f].orphans += o.counts[f].orphans;
      this.counts[f].brokenLinks += o.counts[f].brokenLinks;
    }
  }

  toJSON(): unknown {
    this.flush();
    return { p2p: { ...this.counts.p2p }, o2c: { ...this.counts.o2c } };
  }

  static fromJSON(json: unknown): ChainAccumulator {
    const j = json as Record<'p2p' | 'o2c', FamilyCount>;
    const acc = new ChainAccumulator();
    for (const f of ['p2p', 'o2c'] as const) Object.assign(acc.counts[f], j[f]);
    return acc;
  }

  finalize(): MetricResult {
    this.flush();
    const chains = this.counts.p2p.chains + this.counts.o2c.chains;
    const intact = this.counts.p2p.intact + this.counts.o2c.intact;
    const details = {
      chains, intact,
      p2p: { chains: this.counts.p2p.chains, intact: this.counts.p2p.intact, orphans: this.counts.p2p.orphans, broken_links: this.counts.p2p.brokenLinks },
      o2c: { chains: this.counts.o2c.chains, intact: this.counts.o2c.intact, orphans: this.counts.o2c.orphans, broken_links: this.counts.o2c.brokenLinks },
    };
    if (chains === 0) return { value: null, n: 0, details, notEvaluated: 'no document chains' };
    return { value: intact / chains, n: chains, details };
  }
}

function zero(): FamilyCount {
  return { chains: 0, intact: 0, orphans: 0, brokenLinks: 0 };
}
