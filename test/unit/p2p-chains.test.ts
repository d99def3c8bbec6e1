/**
 * The `p2p` source (domain.md §6.1, §6.2, §6.4, §6.5; invariants I5, I6, I16, I17, I19, I20):
 * generated in-process over every partition and read back row by row.
 */
import { describe, it, expect, beforeAll, afterEach } from 'vitest';
import type { JsonObject, PipelineConfig } from '../../src/config/types.js';
import type { Batch } from '../../src/engine/batch.js';
import type { GenerationContext, PartitionPlan } from '../../src/engine/plugins.js';
import { ConfigError } from '../../src/errors.js';
import { masterData } from '../../src/domain/master-data.js';
import { ymdOf } from '../../src/domain/dates.js';
import { deriveUuid } from '../../src/random/derive.js';
import { p2pSource, plannedChainCounts, p2pOptionsSchema } from '../../src/sources/p2p/index.js';
import { triangular } from '../../src/sources/p2p/generator.js';
import { DOCUMENT_TABLES, type DocumentType } from '../../src/tables/documents.js';
import { contextFor, makeConfig, tol4 } from './journal-fixture.js';

/**
 * A fast, collecting stand-in for `expect` in the per-row loops (vitest's expect costs microseconds
 * per call; these tests make millions of checks). Failures are gathered and asserted after each test.
 */
const failures: string[] = [];
afterEach(() => {
  const f = failures.splice(0);
  expect(f).toEqual([]);
});
function fail(what: string): void {
  if (failures.length < 10) failures.push(`${what}\n${new Error().stack?.split('\n')[3]?.trim() ?? ''}`);
}
const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : v === undefined ? 'undefined' : JSON.stringify(v));
const deepSame = (a: unknown, b: unknown): boolean => a === b || (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && JSON.stringify(a) === JSON.stringify(b));
function want(actual: unknown, label = '') {
  const at = (op: string, expected: unknown): string => `${label ? label + ': ' : ''}${show(actual)} ${op} ${show(expected)}`;
  const num = actual as number;
  return {
    toBe: (e: unknown) => { if (actual !== e) fail(at('toBe', e)); },
    toEqual: (e: unknown) => { if (!deepSame(actual, e)) fail(at('toEqual', e)); },
    toBeGreaterThan: (e: number) => { if (!(num > e)) fail(at('>', e)); },
    toBeGreaterThanOrEqual: (e: number) => { if (!(num >= e)) fail(at('>=', e)); },
    toBeLessThan: (e: number) => { if (!(num < e)) fail(at('<', e)); },
    toBeLessThanOrEqual: (e: number) => { if (!(num <= e)) fail(at('<=', e)); },
    toBeDefined: () => { if (actual === undefined) fail(at('toBeDefined', '')); },
    toBeUndefined: () => { if (actual !== undefined) fail(at('toBeUndefined', '')); },
    toContain: (e: unknown) => { if (!(actual as unknown[]).includes(e)) fail(at('toContain', e)); },
    toMatch: (e: RegExp) => { if (!e.test(String(actual))) fail(at('toMatch', String(e))); },
    not: { toBeNull: () => { if (actual === null) fail(at('not toBeNull', '')); } },
  };
}

type Value = string | number | boolean | null;
type Row = Record<string, Value>;
interface Run {
  readonly ctx: GenerationContext;
  readonly partitions: readonly PartitionPlan[];
  readonly t: Record<string, Row[]>;
  /** [table, partition, length] in emission order. */
  readonly batches: ReadonlyArray<readonly [string, number, number, number]>;
}

const TABLES = [
  'purchase_orders', 'purchase_order_items', 'goods_receipts', 'goods_receipt_items', 'vendor_invoices',
  'vendor_invoice_items', 'ap_payments', 'document_references', 'journal_entry_lines',
];

function rowsOf(b: Batch): Row[] {
  const out: Row[] = [];
  for (let i = 0; i < b.length; i++) {
    const r: Row = {};
    b.schema.columns.forEach((c, ci) => {
      const v = b.values[ci];
      if (Array.isArray(v)) r[c.name] = v[i];
      else if (b.nulls[ci] && b.nulls[ci]![i] === 1) r[c.name] = null;
      else r[c.name] = c.type === 'bool' ? v[i] === 1 : v[i];
    });
    out.push(r);
  }
  return out;
}

function run(config: PipelineConfig, options: JsonObject, seed = 42n, batchRows = 4096, order?: readonly number[], keep?: ReadonlySet<string>): Run {
  const ctx = contextFor(config, seed, batchRows);
  const partitions = p2pSource.partitions('p2p', options, ctx);
  const t: Record<string, Row[]> = Object.fromEntries(TABLES.map((n) => [n, []]));
  const batches: Array<readonly [string, number, number, number]> = [];
  const list = order ? order.map((i) => partitions[i]) : partitions;
  for (const p of list) {
    for (const b of p2pSource.generate('p2p', options, p, ctx)) {
      batches.push([b.schema.name, b.partition, b.length, b.firstRow]);
      if (!keep || keep.has(b.schema.name)) for (const r of rowsOf(b)) t[b.schema.name].push(r);
    }
  }
  return { ctx, partitions, t, batches };
}

const COMPANIES: PipelineConfig['companies'] = [
  { code: '1000', name: 'Acme US', currency: 'USD', country: 'US', volume: 1000 },
  { code: '2000', name: 'Acme DE', currency: 'EUR', country: 'DE', volume: 1000 },
];
/** 24 months from 2024-01: chains starting in the first 12 months are complete long before the end. */
const MONTHS = 24;
const START = '2024-01-01';
const OPTIONS: JsonObject = { chains_per_month: 120 };
const config = (options: JsonObject, months = MONTHS): PipelineConfig =>
  makeConfig(COMPANIES, months, START, { sources: { p2p: { type: 'p2p', ...options } } } as Partial<PipelineConfig>);

const DOC_ID = /^(PO|GR|VI|PAY)-(1000|2000)-(\d{8})(\d{2})$/;
const UUID8 = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const chainOf = (id: string): string => id.replace(DOC_ID, '$2-$3');
const n = (v: Value): number => v as number;
const s = (v: Value): string => v as string;

function groupBy(rows: Row[], key: string): Map<string, Row[]> {
  const m = new Map<string, Row[]>();
  for (const r of rows) {
    const k = s(r[key]);
    let l = m.get(k);
    if (!l) m.set(k, (l = []));
    l.push(r);
  }
  return m;
}

/** One chain's documents, keyed by the chain (`{cc}-{chain:08}`). */
interface Chain {
  po: Row;
  poi: Row[];
  gr: Row[];
  gri: Row[];
  vi: Row | null;
  vii: Row[];
  pay: Row[];
  partition: number;
}

describe('p2p source: default run (2 companies × 24 months × 120 chains)', () => {
  let R: Run;
  let chains: Map<string, Chain>;
  let firstHalf: Chain[];
  let startDay: number;
  let endDay: number;
  let midDay: number;

  beforeAll(() => {
    R = run(config(OPTIONS), OPTIONS);
    startDay = R.ctx.reference.period.startDay;
    endDay = R.ctx.reference.period.endDay;
    midDay = R.ctx.reference.period.monthStart[12];
    chains = new Map();
    const poPart = new Map<string, number>();
    for (const r of R.t.purchase_orders) {
      chains.set(chainOf(s(r.po_id)), { po: r, poi: [], gr: [], gri: [], vi: null, vii: [], pay: [], partition: -1 });
    }
    // Partition of each PO: replay batches in order.
    let k = 0;
    for (const [table, p, len] of R.batches) {
      if (table !== 'purchase_orders') continue;
      for (let i = 0; i < len; i++) poPart.set(s(R.t.purchase_orders[k++].po_id), p);
    }
    for (const c of chains.values()) c.partition = poPart.get(s(c.po.po_id))!;
    const at = (id: Value): Chain => chains.get(chainOf(s(id)))!;
    for (const r of R.t.purchase_order_items) at(r.po_id).poi.push(r);
    for (const r of R.t.goods_receipts) at(r.gr_id).gr.push(r);
    for (const r of R.t.goods_receipt_items) at(r.gr_id).gri.push(r);
    for (const r of R.t.vendor_invoices) at(r.vi_id).vi = r;
    for (const r of R.t.vendor_invoice_items) at(r.vi_id).vii.push(r);
    for (const r of R.t.ap_payments) at(r.payment_id).pay.push(r);
    firstHalf = [...chains.values()].filter((c) => n(c.po.po_date) < midDay);
  });

  it('partitions are company × month, p = month × nCompanies + company, keyed {cc}:{YYYY-MM}', () => {
    want(R.partitions.length).toBe(2 * MONTHS);
    want(R.partitions[0].key).toBe('1000:2024-01');
    want(R.partitions[1].key).toBe('2000:2024-01');
    want(R.partitions[3].key).toBe('2000:2024-02');
    R.partitions.forEach((p, i) => want(p.index).toBe(i));
    want(R.partitions[5].plannedRows.purchase_orders).toBe(120);
    want(R.t.purchase_orders.length).toBe(2 * MONTHS * 120);
  });

  it('every document id matches §0.3, is unique, and chain ordinals run 1..N per company in partition order', () => {
    const seen = new Set<string>();
    for (const [table, col] of [['purchase_orders', 'po_id'], ['goods_receipts', 'gr_id'], ['vendor_invoices', 'vi_id'], ['ap_payments', 'payment_id']]) {
      for (const r of R.t[table]) {
        const id = s(r[col]);
        want(id).toMatch(DOC_ID);
        want(seen.has(id)).toBe(false);
        seen.add(id);
      }
    }
    for (const cc of ['1000', '2000']) {
      const ords = R.t.purchase_orders.filter((r) => r.company_code === cc).map((r) => Number(s(r.po_id).slice(8, 16)));
      want(ords).toEqual(ords.map((_, i) => i + 1));
      for (const r of R.t.purchase_orders.filter((x) => x.company_code === cc)) want(s(r.po_id).slice(16)).toBe('01');
    }
    for (const c of chains.values()) {
      want(c.gr.map((g) => s(g.gr_id).slice(-2))).toEqual(c.gr.map((_, i) => `0${i + 1}`));
      want(c.pay.map((g) => s(g.payment_id).slice(-2))).toEqual(c.pay.map((_, i) => `0${i + 1}`));
    }
    const refIds = new Set(R.t.document_references.map((r) => s(r.reference_id)));
    want(refIds.size).toBe(R.t.document_references.length);
  });

  it('journal_entry_id = deriveUuid(seed, component, p, document id) and links both ways with the JE (I16)', () => {
    const jeBySource = new Map<string, Row[]>();
    for (const r of R.t.journal_entry_lines) {
      const k = `${s(r.source_document_type)}|${s(r.source_document_id)}`;
      let l = jeBySource.get(k);
      if (!l) jeBySource.set(k, (l = []));
      l.push(r);
    }
    let docs = 0;
    for (const c of chains.values()) {
      want(c.po.journal_entry_id).toBeUndefined();
      const posting: Array<[DocumentType, Row, string]> = [
        ...c.gr.map((r): [DocumentType, Row, string] => ['goods_receipt', r, s(r.gr_id)]),
        ...(c.vi ? [['vendor_invoice', c.vi, s(c.vi.vi_id)] as [DocumentType, Row, string]] : []),
        ...c.pay.map((r): [DocumentType, Row, string] => ['ap_payment', r, s(r.payment_id)]),
      ];
      for (const [type, row, id] of posting) {
        docs++;
        const je = s(row.journal_entry_id);
        want(je).toMatch(UUID8);
        want(je).toBe(deriveUuid(42n, 'p2p', c.partition, id));
        const lines = jeBySource.get(`${type}|${id}`)!;
        want(lines.length).toBeGreaterThanOrEqual(2);
        for (const l of lines) want(l.document_id).toBe(je);
      }
    }
    // The other direction: every JE's source document exists and points back.
    const docJe = new Map<string, string>();
    for (const t of ['goods_receipt', 'vendor_invoice', 'ap_payment'] as const) {
      const { table, column } = DOCUMENT_TABLES[t];
      for (const r of R.t[table]) docJe.set(`${t}|${s(r[column])}`, s(r.journal_entry_id));
    }
    want(jeBySource.size).toBe(docs);
    for (const [k, lines] of jeBySource) want(docJe.get(k)).toBe(lines[0].document_id);
  });

  it('PO lines: triangular(1, 3, 20) distinct materials, 10-step numbers, U{1..99} at standard cost, tax at the company rate', () => {
    const md = masterData(R.ctx);
    const counts = new Array<number>(21).fill(0);
    for (const c of chains.values()) {
      const cc = s(c.po.company_code);
      const cm = md.of(cc);
      const mats = new Map(cm.p2pMaterials.map((m) => [m.materialId, m]));
      const rate = R.ctx.reference.companyByCode.get(cc)!.taxRate;
      counts[c.poi.length]++;
      want(new Set(c.poi.map((r) => r.material_id)).size).toBe(c.poi.length);
      let net = 0;
      let tax = 0;
      c.poi.forEach((r, i) => {
        want(r.line_number).toBe((i + 1) * 10);
        const m = mats.get(s(r.material_id))!;
        want(m).toBeDefined();
        want(r.unit_price).toBe(m.standardCost);
        want(r.description).toBe(m.description);
        want(r.uom).toBe(m.baseUom);
        want(n(r.quantity)).toBeGreaterThanOrEqual(1);
        want(n(r.quantity)).toBeLessThanOrEqual(99);
        want(r.net_amount).toBe(n(r.quantity) * n(r.unit_price));
        want(Math.abs(n(r.tax_amount) - n(r.net_amount) * rate)).toBeLessThanOrEqual(0.5 + 1e-6);
        want(r.gross_amount).toBe(n(r.net_amount) + n(r.tax_amount));
        want(r.delivery_date).toBeGreaterThanOrEqual(n(c.po.po_date) + 14);
        want([r.item_category, r.gr_based_iv, r.plant, r.storage_location]).toEqual(['GOODS', true, `P${cc}`, '0001']);
        net += n(r.net_amount);
        tax += n(r.tax_amount);
      });
      want([c.po.net_amount, c.po.tax_amount, c.po.gross_amount]).toEqual([net, tax, net + tax]);
      want([c.po.po_type, c.po.purchasing_group, c.po.purchasing_org]).toEqual(['standard', '001', cc]);
    }
    // Triangular(1, 3, 20) rounded: P(k) = F(k + .5) − F(k − .5).
    const N = chains.size;
    const F = (x: number): number => (x <= 1 ? 0 : x >= 20 ? 1 : x <= 3 ? ((x - 1) ** 2) / (19 * 2) : 1 - ((20 - x) ** 2) / (19 * 17));
    for (const k of [1, 2, 3, 5, 8, 12]) {
      const p = F(k + 0.5) - F(k - 0.5);
      want(Math.abs(counts[k] / N - p)).toBeLessThanOrEqual(tol4(p, N));
    }
    want(counts[0]).toBe(0);
    want(triangular(0, 1, 3, 20)).toBe(1);
    expect(triangular(0.999999999, 1, 3, 20)).toBeCloseTo(20, 2);
  });

  it('every FK resolves: company, vendor (P2P pool), materials, created_by from the right department (I16)', () => {
    const md = masterData(R.ctx);
    const dept = new Map<string, string>();
    for (const co of R.ctx.reference.companies) for (const e of md.of(co.code).employees) dept.set(e.userId, `${co.code}:${e.department}`);
    for (const c of chains.values()) {
      const cc = s(c.po.company_code);
      const cm = md.of(cc);
      const v = cm.p2pVendors.find((x) => x.id === c.po.vendor_id)!;
      want(v).toBeDefined();
      want(v.isIntercompany || v.isReserve || v.isShell).toBe(false);
      want(c.po.vendor_name).toBe(v.name);
      want(c.po.payment_terms).toBe(v.paymentTerms.code);
      want(dept.get(s(c.po.created_by))).toBe(`${cc}:procurement`);
      for (const g of c.gr) want(dept.get(s(g.created_by))).toBe(`${cc}:warehouse`);
      if (c.vi) want(dept.get(s(c.vi.created_by))).toBe(`${cc}:finance`);
      for (const p of c.pay) want(dept.get(s(p.created_by))).toBe(`${cc}:finance`);
      for (const r of [c.po, ...c.gr, ...(c.vi ? [c.vi] : []), ...c.pay]) {
        want(r.company_code).toBe(cc);
        want(r.currency).toBe(R.ctx.reference.companyByCode.get(cc)!.currency);
        if (r !== c.po) want(r.vendor_id).toBe(c.po.vendor_id);
      }
    }
    // document_references endpoints resolve to documents of the named type.
    const ids = new Map<string, Set<string>>();
    for (const t of ['purchase_order', 'goods_receipt', 'vendor_invoice', 'ap_payment'] as const) {
      const { table, column } = DOCUMENT_TABLES[t];
      ids.set(t, new Set(R.t[table].map((r) => s(r[column]))));
    }
    for (const r of R.t.document_references) {
      want(ids.get(s(r.source_doc_type))!.has(s(r.source_doc_id))).toBe(true);
      want(ids.get(s(r.target_doc_type))!.has(s(r.target_doc_id))).toBe(true);
      want(r.reference_id).toBe(deriveUuid(42n, 'p2p', chains.get(chainOf(s(r.target_doc_id)))!.partition, `${s(r.source_doc_id)}|${s(r.target_doc_id)}|${s(r.reference_type)}`));
    }
  });

  it('dates: non-decreasing PO ≤ GR ≤ VI ≤ payments, business days, in range, fiscal fields and created_at of the document date (I5, I6, I17)', () => {
    const dayOf: Record<string, string> = {
      purchase_orders: 'po_date', goods_receipts: 'gr_date', vendor_invoices: 'invoice_date', ap_payments: 'payment_date',
    };
    for (const [table, col] of Object.entries(dayOf)) {
      for (const r of R.t[table]) {
        const d = n(r[col]);
        want(d).toBeGreaterThanOrEqual(startDay);
        want(d).toBeLessThan(endDay);
        const cal = R.ctx.reference.calendar(R.ctx.reference.companyByCode.get(s(r.company_code))!.country);
        want(cal.isBusinessDay(d)).toBe(true);
        const { year, month } = ymdOf(d);
        want([r.fiscal_year, r.fiscal_period]).toEqual([year, month]);
        want(Math.floor(n(r.created_at) / 86_400)).toBe(d);
        const hour = Math.floor((n(r.created_at) % 86_400) / 3600);
        want(hour).toBeGreaterThanOrEqual(6);
        want(hour).toBeLessThanOrEqual(21);
      }
    }
    for (const c of chains.values()) {
      const seq = [n(c.po.po_date), ...c.gr.map((g) => n(g.gr_date)), ...(c.vi ? [n(c.vi.invoice_date)] : []), ...c.pay.map((p) => n(p.payment_date))];
      for (let i = 1; i < seq.length; i++) want(seq[i]).toBeGreaterThanOrEqual(seq[i - 1]);
      const gr1 = c.gr[0];
      if (gr1) want(n(gr1.gr_date) - n(c.po.po_date)).toBeGreaterThanOrEqual(14);
      if (c.gr.length === 2) want(n(c.gr[1].gr_date) - n(gr1.gr_date)).toBeGreaterThanOrEqual(3);
      if (c.vi) want(n(c.vi.invoice_date) - n(c.gr[c.gr.length - 1].gr_date)).toBeGreaterThanOrEqual(5);
      for (const p of c.pay) {
        const cal = R.ctx.reference.calendar(R.ctx.reference.companyByCode.get(s(p.company_code))!.country);
        want(p.value_date).toBe(cal.nextBusinessDay(n(p.payment_date) + 1));
      }
    }
  });

  it('goods receipts: every item references a PO line; Σ received = ordered, or over-delivered by 1..max(1, 10 %) (I17)', () => {
    let over = 0;
    for (const c of chains.values()) {
      const poLines = new Map(c.poi.map((r) => [n(r.line_number), r]));
      const received = new Map<number, number>();
      for (const g of c.gr) {
        want(g.po_id).toBe(c.po.po_id);
        const items = c.gri.filter((r) => r.gr_id === g.gr_id);
        want(items.length).toBeGreaterThan(0);
        let value = 0;
        items.forEach((r, i) => {
          want(r.line_number).toBe((i + 1) * 10);
          const pl = poLines.get(n(r.po_line_number))!;
          want(pl).toBeDefined();
          want([r.po_id, r.material_id, r.unit_price, r.uom]).toEqual([c.po.po_id, pl.material_id, pl.unit_price, pl.uom]);
          want(r.net_amount).toBe(n(r.quantity) * n(r.unit_price));
          want([r.movement_type, r.stock_type]).toEqual(['gr_for_po', 'unrestricted']);
          received.set(n(r.po_line_number), (received.get(n(r.po_line_number)) ?? 0) + n(r.quantity));
          value += n(r.net_amount);
        });
        want(g.total_value).toBe(value);
        want(g.is_partial).toBe(c.gr.length === 2 || c.gri.length < c.poi.length || c.poi.some((pl, i) => c.gri[i].quantity !== pl.quantity && n(c.gri[i].quantity) < n(pl.quantity)));
      }
      const complete = c.gr.length > 0 && (c.gr.length === 2 || !c.gr[0].is_partial);
      if (!complete) {
        want(c.po.status).toBe('released');
        // A split whose second receipt would be dated ≥ end_date.
        if (c.gr.length === 1) want(n(c.gr[0].gr_date) + 3).toBeGreaterThan(endDay - 14);
        continue;
      }
      want(c.po.status).toBe('completed');
      let isOver = false;
      for (const pl of c.poi) {
        const q = n(pl.quantity);
        const got = received.get(n(pl.line_number))!;
        if (got !== q) {
          isOver = true;
          want(got).toBeGreaterThan(q);
          want(got - q).toBeLessThanOrEqual(Math.max(1, Math.round(q * 0.1)));
        }
      }
      if (isOver) {
        over++;
        want(c.gr.length).toBe(1);
        for (const pl of c.poi) want(received.get(n(pl.line_number))!).toBeGreaterThan(n(pl.quantity));
      }
    }
    want(over).toBeGreaterThan(0);
  });

  it('partial deliveries: GR1 takes 60–80 % of each line (min 1), GR2 the remainder of the incomplete lines', () => {
    let split = 0;
    for (const c of chains.values()) {
      if (c.gr.length !== 2) continue;
      split++;
      want(c.gr.every((g) => g.is_partial === true)).toBe(true);
      const g1 = new Map(c.gri.filter((r) => r.gr_id === c.gr[0].gr_id).map((r) => [n(r.po_line_number), n(r.quantity)]));
      const g2 = new Map(c.gri.filter((r) => r.gr_id === c.gr[1].gr_id).map((r) => [n(r.po_line_number), n(r.quantity)]));
      for (const pl of c.poi) {
        const q = n(pl.quantity);
        const a = g1.get(n(pl.line_number))!;
        want(a).toBeGreaterThanOrEqual(Math.max(1, Math.round(q * 0.6)));
        want(a).toBeLessThanOrEqual(Math.max(1, Math.round(q * 0.8)));
        want(a + (g2.get(n(pl.line_number)) ?? 0)).toBe(q);
        if (a === q) want(g2.has(n(pl.line_number))).toBe(false);
      }
    }
    want(split).toBeGreaterThan(100);
  });

  it('vendor invoices: one per fully received chain, items per GR line, amounts and terms consistent (I17)', () => {
    const md = masterData(R.ctx);
    for (const c of chains.values()) {
      const received = c.gr.length > 0 && (c.gr.length === 2 || !c.gr[0].is_partial);
      if (!c.vi) {
        // Not generated only when a receipt is missing or the invoice date would be ≥ end_date.
        if (received) want(n(c.gr[c.gr.length - 1].gr_date)).toBeGreaterThanOrEqual(endDay - 12);
        continue;
      }
      want(received).toBe(true);
      const vi = c.vi;
      const cc = s(vi.company_code);
      const rate = R.ctx.reference.companyByCode.get(cc)!.taxRate;
      const vendor = md.of(cc).p2pVendors.find((v) => v.id === vi.vendor_id)!;
      want(vi.po_id).toBe(c.po.po_id);
      want(s(vi.vendor_invoice_number)).toMatch(/^INV-\d{8}$/);
      want(c.vii.length).toBe(c.gri.length);
      let net = 0;
      let pv = 0;
      c.vii.forEach((r, i) => {
        const gi = c.gri[i];
        want(r.line_number).toBe((i + 1) * 10);
        want([r.po_id, r.po_line_number, r.gr_id, r.material_id, r.po_unit_price]).toEqual([c.po.po_id, gi.po_line_number, gi.gr_id, gi.material_id, gi.unit_price]);
        want(r.net_amount).toBe(n(r.quantity) * n(r.unit_price));
        want(r.price_variance).toBe(n(r.quantity) * (n(r.unit_price) - n(r.po_unit_price)));
        net += n(r.net_amount);
        pv += n(r.price_variance);
      });
      want(vi.net_amount).toBe(net);
      want(vi.price_variance_amount).toBe(pv);
      want(Math.abs(n(vi.tax_amount) - net * rate)).toBeLessThanOrEqual(0.5 + 1e-6);
      want(vi.gross_amount).toBe(net + n(vi.tax_amount));
      want(vi.withholding_tax_amount).toBe(0);
      want(vi.payable_amount).toBe(n(vi.gross_amount) - n(vi.withholding_tax_amount));
      const terms = vendor.paymentTerms;
      const cal = R.ctx.reference.calendar(R.ctx.reference.companyByCode.get(cc)!.country);
      want(vi.payment_terms).toBe(terms.code);
      want(vi.due_date).toBe(md.dueDay(terms, n(vi.invoice_date), cal));
      if (terms.discountPercent > 0) {
        want(vi.discount_due_date).toBe(md.discountDay(terms, n(vi.invoice_date), cal));
        want(vi.discount_percent).toBe(Math.round(terms.discountPercent * 1e6));
        want(Math.abs(n(vi.cash_discount_amount) - net * terms.discountPercent)).toBeLessThanOrEqual(0.5 + 1e-6);
      } else {
        want([vi.discount_due_date, vi.discount_percent, vi.cash_discount_amount]).toEqual([null, 0, 0]);
      }
    }
  });

  it('three-way match: recomputed from PO, GR and invoice lines with the §6.2 tolerances; per-line status agrees', () => {
    let failed = 0;
    for (const c of chains.values()) {
      if (!c.vi) continue;
      const ordered = new Map(c.poi.map((r) => [n(r.line_number), n(r.quantity)]));
      const received = new Map<number, number>();
      for (const r of c.gri) received.set(n(r.po_line_number), (received.get(n(r.po_line_number)) ?? 0) + n(r.quantity));
      const types = new Set<string>();
      let expected = 0;
      for (const [l, q] of ordered) {
        if (received.get(l)! * 100 > q * 110) types.add('quantity_po_gr');
      }
      c.vii.forEach((r, i) => {
        const grq = n(c.gri[i].quantity);
        expected += grq * n(r.po_unit_price);
        const qIssue = Math.abs(n(r.quantity) - grq) * 100 > grq * 2;
        const pIssue = Math.abs(n(r.unit_price) - n(r.po_unit_price)) * 100 > n(r.po_unit_price) * 5 + 100;
        const overIssue = received.get(n(r.po_line_number))! * 100 > ordered.get(n(r.po_line_number))! * 110;
        if (qIssue) types.add('quantity_gr_invoice');
        if (pIssue) types.add('price_po_invoice');
        want(r.match_status).toBe(qIssue || overIssue ? 'quantity_variance' : pIssue ? 'price_variance' : 'matched');
      });
      if (Math.abs(n(c.vi.net_amount) - expected) * 100 > expected * 5 + 100) types.add('total_amount');
      const list = ['quantity_po_gr', 'quantity_gr_invoice', 'price_po_invoice', 'total_amount'].filter((t) => types.has(t));
      want(c.vi.three_way_match_passed).toBe(list.length === 0);
      want(c.vi.match_variance_types).toBe(list.length === 0 ? null : list.join(';'));
      if (list.length > 0) failed++;
      // At most one quantity exception per invoice: at most one item differs from its receipt.
      want(c.vii.filter((r, i) => r.quantity !== c.gri[i].quantity).length).toBeLessThanOrEqual(1);
    }
    want(failed).toBeGreaterThan(50);
  });

  it('payments: clear the invoice — Σ amount + discount = payable for cleared invoices; partial remainder links to the first', () => {
    for (const c of chains.values()) {
      if (!c.vi) {
        want(c.pay.length).toBe(0);
        continue;
      }
      const vi = c.vi;
      for (const p of c.pay) want([p.vi_id, p.status, p.vendor_id]).toEqual([vi.vi_id, 'posted', vi.vendor_id]);
      const settled = c.pay.reduce((a, p) => a + n(p.amount) + n(p.discount_taken), 0);
      if (vi.status === 'cleared') {
        want(settled).toBe(vi.payable_amount);
        want(c.pay.reduce((a, p) => a + n(p.amount), 0)).toBe(n(vi.payable_amount) - n(c.pay[0].discount_taken));
      } else {
        want(vi.status).toBe('posted');
        want(settled).toBeLessThan(n(vi.payable_amount));
      }
      if (c.pay.length === 2 || (c.pay.length === 1 && c.pay[0].is_partial)) {
        const [a, b] = c.pay;
        want(a.is_partial).toBe(true);
        want(a.parent_payment_id).toBe(null);
        want(a.discount_taken).toBe(0);
        want(n(a.amount) / n(vi.payable_amount)).toBeGreaterThanOrEqual(0.5 - 1e-3);
        want(n(a.amount) / n(vi.payable_amount)).toBeLessThanOrEqual(0.75 + 1e-3);
        if (b) {
          want([b.is_partial, b.parent_payment_id]).toEqual([true, a.payment_id]);
          want(n(b.payment_date) - n(a.payment_date)).toBeGreaterThanOrEqual(30);
        }
      } else if (c.pay.length === 1) {
        want([c.pay[0].is_partial, c.pay[0].parent_payment_id]).toEqual([false, null]);
        const d = n(c.pay[0].discount_taken);
        if (d > 0) {
          want(d).toBe(vi.cash_discount_amount);
          want(c.pay[0].payment_date).toBeLessThanOrEqual(n(vi.discount_due_date));
        }
      }
      for (const p of c.pay) want(['bank_transfer', 'check', 'wire', 'credit_card']).toContain(p.payment_method);
    }
  });

  it('document_references: PO→GR, GR→VI, PO→VI follow_on; VI→PAY payment; PAY→PAY partial; with target date and amount (§6.4)', () => {
    const byTarget = groupBy(R.t.document_references, 'target_doc_id');
    for (const c of chains.values()) {
      const edges = (id: Value): string[] => (byTarget.get(s(id)) ?? []).map((e) => `${s(e.source_doc_id)}>${s(e.reference_type)}`).sort();
      want(byTarget.has(s(c.po.po_id))).toBe(false);
      for (const g of c.gr) {
        want(edges(g.gr_id)).toEqual([`${s(c.po.po_id)}>follow_on`]);
        const e = byTarget.get(s(g.gr_id))![0];
        want([e.reference_date, e.reference_amount, e.source_doc_type, e.target_doc_type, e.company_code]).toEqual([g.gr_date, g.total_value, 'purchase_order', 'goods_receipt', c.po.company_code]);
      }
      if (c.vi) {
        want(edges(c.vi.vi_id)).toEqual([...c.gr.map((g) => `${s(g.gr_id)}>follow_on`), `${s(c.po.po_id)}>follow_on`].sort());
        for (const e of byTarget.get(s(c.vi.vi_id))!) want([e.reference_date, e.reference_amount]).toEqual([c.vi.invoice_date, c.vi.gross_amount]);
      }
      c.pay.forEach((p, k) => {
        const wanted = [`${s(c.vi!.vi_id)}>payment`, ...(k > 0 ? [`${s(c.pay[0].payment_id)}>partial`] : [])].sort();
        want(edges(p.payment_id)).toEqual(wanted);
        for (const e of byTarget.get(s(p.payment_id))!) want([e.reference_date, e.reference_amount]).toEqual([p.payment_date, p.amount]);
      });
    }
  });

  it('document JEs balance, use their account pairs, equal the document amounts, and carry the §6.5 header (I1, I17)', () => {
    const byDoc = groupBy(R.t.journal_entry_lines, 'document_id');
    const allowed: Record<string, string[]> = { WE: ['1200', '2900'], KR: ['2900', '5400', '1160', '2000', '2120'], KZ: ['2000', '1000', '7400'] };
    const docs = new Map<string, Row>();
    for (const t of ['goods_receipts', 'vendor_invoices', 'ap_payments']) for (const r of R.t[t]) docs.set(s(r.journal_entry_id), r);
    for (const [id, lines] of byDoc) {
      const h = lines[0];
      const doc = docs.get(id)!;
      want(doc).toBeDefined();
      let local = 0;
      let group = 0;
      lines.forEach((l, i) => {
        want(l.line_number).toBe(i + 1);
        want(allowed[s(h.document_type)]).toContain(l.gl_account);
        want((n(l.debit_amount) > 0) !== (n(l.credit_amount) > 0)).toBe(true);
        local += n(l.local_amount);
        group += n(l.group_amount);
        for (const k of ['posting_date', 'document_date', 'created_at', 'document_type', 'source_document_id', 'company_code']) want(l[k]).toBe(h[k]);
        want(l.vendor_id).toBe(l.gl_account === '2000' ? doc.vendor_id : null);
        want(l.cost_center === null).toBe(l.gl_account !== '5400');
      });
      want(local).toBe(0);
      want(group).toBe(0);
      want([h.source, h.created_by, h.user_persona, h.source_system, h.business_process, h.approval_status, h.created_at])
        .toEqual(['automated', 'SYSTEM', 'automated_system', 'SAP-MM', 'P2P', 'not_required', doc.created_at]);
      const amt = (acc: string): number => lines.filter((l) => l.gl_account === acc).reduce((a, l) => a + n(l.local_amount), 0);
      if (h.document_type === 'WE') {
        want(h.transaction_template).toBe('p2p_doc_goods_receipt');
        want(h.posting_date).toBe(doc.gr_date);
        want([amt('1200'), amt('2900')]).toEqual([doc.total_value, -n(doc.total_value)]);
      } else if (h.document_type === 'KR') {
        want(h.transaction_template).toBe('p2p_doc_vendor_invoice');
        want([h.posting_date, h.reference]).toEqual([doc.invoice_date, doc.vendor_invoice_number]);
        want(amt('2900')).toBe(n(doc.net_amount) - n(doc.price_variance_amount));
        want(amt('5400')).toBe(doc.price_variance_amount);
        want(amt('1160')).toBe(doc.tax_amount);
        want(amt('2000')).toBe(-n(doc.payable_amount));
        want(amt('2120')).toBe(-n(doc.withholding_tax_amount));
      } else {
        want(h.transaction_template).toBe('p2p_doc_payment');
        want(h.posting_date).toBe(doc.payment_date);
        want(amt('2000')).toBe(n(doc.amount) + n(doc.discount_taken));
        want(amt('1000')).toBe(-n(doc.amount));
        want(amt('7400')).toBe(-n(doc.discount_taken));
        for (const l of lines) want(l.value_date).toBe(l.gl_account === '7400' ? null : doc.value_date);
      }
    }
  });

  it('GR/IR nets to zero per chain whose invoice passed the match; AP nets to zero per fully paid chain (§6.5)', () => {
    const byDoc = groupBy(R.t.journal_entry_lines, 'document_id');
    const sum = (rows: Row[], acc: string): number => rows.reduce((a, r) => {
      for (const l of byDoc.get(s(r.journal_entry_id))!) if (l.gl_account === acc) a += n(l.local_amount);
      return a;
    }, 0);
    let grir = 0;
    let ap = 0;
    let open = 0;
    for (const c of chains.values()) {
      if (!c.vi) continue;
      if (c.vi.three_way_match_passed) {
        want(sum([...c.gr, c.vi], '2900')).toBe(0);
        grir++;
      }
      if (c.vi.status === 'cleared') {
        want(sum([c.vi, ...c.pay], '2000')).toBe(0);
        ap++;
      } else {
        want(sum([c.vi, ...c.pay], '2000')).toBeLessThan(0);
        open++;
      }
    }
    want(grir).toBeGreaterThan(4000);
    want(ap).toBeGreaterThan(4000);
    want(open).toBeGreaterThan(0);
  });

  it('range cut-off: nothing dated ≥ end_date; late chains stay open (PO released, invoice posted)', () => {
    const last = [...chains.values()].filter((c) => n(c.po.po_date) >= R.ctx.reference.period.monthStart[MONTHS - 1]);
    want(last.length).toBe(240);
    want(last.filter((c) => c.vi === null).length).toBeGreaterThan(120);
    want(last.filter((c) => c.gr.length === 0).length).toBeGreaterThan(50);
    want(last.filter((c) => c.po.status === 'released').length).toBeGreaterThan(50);
    want(R.t.vendor_invoices.filter((r) => r.status === 'posted').length).toBeGreaterThan(100);
    // Complete chains of the first year are all fully generated.
    for (const c of firstHalf) {
      want(c.vi).not.toBeNull();
      want(c.vi!.status).toBe('cleared');
      want(c.po.status).toBe('completed');
    }
  });

  describe('rates over the complete chains of the first 12 months (4 binomial SE)', () => {
    const within = (hits: number, N: number, p: number): void => {
      want(N).toBeGreaterThanOrEqual(2000);
      want(Math.abs(hits / N - p)).toBeLessThanOrEqual(tol4(p, N));
    };

    it('partial delivery .15 (chains with a line of quantity ≥ 3, which always leaves a remainder)', () => {
      const pool = firstHalf.filter((c) => c.poi.some((r) => n(r.quantity) >= 3));
      within(pool.filter((c) => c.gr.length === 2).length, pool.length, 0.15);
    });

    it('over-delivery .02 of single-receipt chains', () => {
      const pool = firstHalf.filter((c) => c.gr.length === 1 && c.poi.some((r) => n(r.quantity) >= 3));
      const over = pool.filter((c) => c.gri.some((r, i) => r.quantity !== c.poi[i].quantity)).length;
      want(Math.abs(over / pool.length - 0.02)).toBeLessThanOrEqual(tol4(0.02, pool.length));
      want(pool.length).toBeGreaterThan(2000);
    });

    it('match exceptions .05 (an invoiced quantity ≠ received, or a price beyond 5 % + 0.01)', () => {
      let exceptions = 0;
      let quantity = 0;
      for (const c of firstHalf) {
        const q = c.vii.some((r, i) => r.quantity !== c.gri[i].quantity);
        const p = c.vii.some((r) => Math.abs(n(r.unit_price) - n(r.po_unit_price)) * 100 > n(r.po_unit_price) * 5 + 100);
        want(q && p).toBe(false);
        if (q || p) exceptions++;
        if (q) quantity++;
        if (q || p) want(c.vi!.three_way_match_passed).toBe(false);
      }
      within(exceptions, firstHalf.length, 0.05);
      // Kind: quantity with weight .05 against price .08.
      want(Math.abs(quantity / exceptions - 0.05 / 0.13)).toBeLessThanOrEqual(tol4(0.05 / 0.13, exceptions));
    });

    it('tolerated price variance .08 of invoice lines without a match exception, within ±5 %', () => {
      let lines = 0;
      let varied = 0;
      for (const c of firstHalf) {
        if (c.vii.some((r, i) => r.quantity !== c.gri[i].quantity || r.match_status === 'price_variance')) continue;
        const seen = new Set<number>();
        for (const r of c.vii) {
          if (seen.has(n(r.po_line_number))) continue;
          seen.add(n(r.po_line_number));
          lines++;
          const d = n(r.unit_price) - n(r.po_unit_price);
          if (d !== 0) varied++;
          want(Math.abs(d)).toBeLessThanOrEqual(n(r.po_unit_price) * 0.05 + 0.5);
        }
      }
      within(varied, lines, 0.08);
    });

    it('partial payments .05', () => {
      within(firstHalf.filter((c) => c.pay.length === 2).length, firstHalf.length, 0.05);
    });

    it('late payments .15: payments ≥ 10 days after due, against the exact expectation under the calendar', () => {
      // Non-early, unblocked first payments: due + d rolled forward, d late (p .15) from the §6.2 buckets, else U{−5..5}.
      // Expected hits = Σ over chains of P(roll(due + d) − due ≥ 10); tolerance 4 SD of the sum of Bernoullis.
      const pool = firstHalf.filter((c) => c.vi!.three_way_match_passed && n(c.pay[0].discount_taken) === 0);
      const buckets: Array<[number, number, number]> = [[1, 7, 0.50], [8, 14, 0.25], [15, 30, 0.15], [31, 60, 0.07], [61, 120, 0.03]];
      let hits = 0;
      let mean = 0;
      let variance = 0;
      for (const c of pool) {
        const due = n(c.vi!.due_date);
        const cal = R.ctx.reference.calendar(R.ctx.reference.companyByCode.get(s(c.vi!.company_code))!.country);
        let p = 0;
        for (const [lo, hi, w] of buckets) for (let d = lo; d <= hi; d++) if (cal.nextBusinessDay(due + d) - due >= 10) p += (0.15 * w) / (hi - lo + 1);
        for (let d = -5; d <= 5; d++) if (cal.nextBusinessDay(due + d) - due >= 10) p += 0.85 / 11;
        mean += p;
        variance += p * (1 - p);
        if (n(c.pay[0].payment_date) - due >= 10) hits++;
        // Never more than 5 days before due (or the invoice date), never after due + 120 + rolling.
        want(n(c.pay[0].payment_date) - due).toBeGreaterThanOrEqual(Math.min(-5, n(c.vi!.invoice_date) - due));
        want(n(c.pay[0].payment_date) - due).toBeLessThanOrEqual(125);
      }
      want(pool.length).toBeGreaterThanOrEqual(2000);
      want(mean / pool.length).toBeGreaterThan(0.06);
      want(Math.abs(hits - mean)).toBeLessThanOrEqual(4 * Math.sqrt(variance));
    });

    it('a failed match blocks payment: blocked invoices pay ≥ 5 days later than due − 5', () => {
      const blocked = firstHalf.filter((c) => !c.vi!.three_way_match_passed);
      want(blocked.length).toBeGreaterThan(100);
      for (const c of blocked) {
        want(c.pay[0].discount_taken).toBe(0);
        if (c.vi!.discount_due_date === null) want(n(c.pay[0].payment_date) - n(c.vi!.due_date)).toBeGreaterThanOrEqual(0);
      }
    });
  });
});

describe('p2p source: early payment discount over a larger run (2 × 24 months × 450 chains, invoices and payments only)', () => {
  it('early payment with discount .30 of non-partial, unblocked payments on discount terms (first 12 months, 4 SE)', () => {
    const opts: JsonObject = { chains_per_month: 450 };
    // Only the partitions of the first 12 months (a chain lives in its partition, D2): all complete.
    const first12 = Array.from({ length: 24 }, (_, i) => i);
    const r = run(config(opts), opts, 42n, 4096, first12, new Set(['vendor_invoices', 'ap_payments']));
    expect(r.t.vendor_invoices.length).toBe(12 * 2 * 450);
    const pays = groupBy(r.t.ap_payments, 'vi_id');
    const pool = r.t.vendor_invoices.filter((v) => v.three_way_match_passed === true && v.discount_due_date !== null && pays.get(s(v.vi_id))?.length === 1);
    const hits = pool.filter((v) => n(pays.get(s(v.vi_id))![0].discount_taken) > 0).length;
    expect(pool.length).toBeGreaterThanOrEqual(2000);
    expect(Math.abs(hits / pool.length - 0.30)).toBeLessThanOrEqual(tol4(0.30, pool.length));
    for (const v of pool) {
      const p = pays.get(s(v.vi_id))![0];
      if (n(p.discount_taken) > 0) {
        want(p.discount_taken).toBe(v.cash_discount_amount);
        want(n(p.payment_date)).toBeLessThanOrEqual(n(v.discount_due_date));
        want(n(p.payment_date)).toBeGreaterThanOrEqual(n(v.discount_due_date) - 4);
      }
    }
  });
});

describe('p2p source: volumes, options and batching', () => {
  it('chain_count defaults to 100 per run, allocated to companies ∝ volume_weight and months ∝ business days', () => {
    const cfg = makeConfig([
      { code: '1000', name: 'Acme US', currency: 'USD', country: 'US', volume: 1000, volume_weight: 3 },
      { code: '2000', name: 'Acme DE', currency: 'EUR', country: 'DE', volume: 1000, volume_weight: 1 },
    ] as PipelineConfig['companies'], 12, '2025-01-01', { sources: { p2p: { type: 'p2p' } } } as Partial<PipelineConfig>);
    const r = run(cfg, {});
    want(r.t.purchase_orders.length).toBe(100);
    want(r.t.purchase_orders.filter((x) => x.company_code === '1000').length).toBe(75);
    const counts = plannedChainCounts({}, r.ctx);
    want(counts.get('1000')!.reduce((a, b) => a + b, 0)).toBe(75);
    want(counts.get('2000')!.reduce((a, b) => a + b, 0)).toBe(25);
    const r2 = run(cfg, { chain_count: 40 });
    want(r2.t.purchase_orders.length).toBe(40);
  });

  it('options take effect: no partial delivery, no over-delivery, perfect match, no partial payments', () => {
    const opts: JsonObject = {
      chains_per_month: 60, partial_delivery_rate: 0, over_delivery_rate: 0, three_way_match_rate: 1, price_variance_rate: 0,
      payment_behavior: { partial_payment_rate: 0, late_payment_rate: 0 }, early_payment_discount_rate: 1,
      average_po_to_gr_days: 20, average_gr_to_invoice_days: 1,
    };
    const r = run(config(opts, 6), opts);
    want(r.t.goods_receipts.every((g) => g.is_partial === false)).toBe(true);
    want(r.t.vendor_invoices.every((v) => v.three_way_match_passed === true && v.price_variance_amount === 0)).toBe(true);
    want(r.t.ap_payments.every((p) => p.is_partial === false)).toBe(true);
    const po = new Map(r.t.purchase_orders.map((x) => [x.po_id, n(x.po_date)]));
    for (const g of r.t.goods_receipts) want(n(g.gr_date) - po.get(g.po_id)!).toBeGreaterThanOrEqual(20);
    const vis = new Map(r.t.vendor_invoices.map((v) => [v.vi_id, v]));
    let discounted = 0;
    for (const p of r.t.ap_payments) {
      const vi = vis.get(p.vi_id)!;
      if (vi.discount_due_date !== null) {
        want(p.discount_taken).toBe(vi.cash_discount_amount);
        discounted++;
      } else {
        // Not late: due + U{−5..5}, rolled forward.
        want(n(p.payment_date) - n(vi.due_date)).toBeLessThanOrEqual(9);
      }
    }
    want(discounted).toBeGreaterThan(50);
  });

  it('the options schema is closed, documents every default, and rejects nothing the resolver reads', () => {
    want(p2pOptionsSchema.additionalProperties).toBe(false);
    const props = p2pOptionsSchema.properties as Record<string, JsonObject>;
    for (const key of ['chain_count', 'chains_per_month', 'average_po_to_gr_days', 'partial_delivery_rate', 'over_delivery_rate',
      'average_gr_to_invoice_days', 'price_variance_rate', 'max_price_variance_percent', 'three_way_match_rate',
      'quantity_variance_rate', 'early_payment_discount_rate', 'payment_behavior']) {
      want(props[key], key).toBeDefined();
      want(typeof props[key].description).toBe('string');
    }
    const pb = props.payment_behavior;
    want(pb.additionalProperties).toBe(false);
    for (const [k, v] of Object.entries(pb.properties as Record<string, JsonObject>)) want(String(v.description), k).toMatch(/default/);
    for (const [k, v] of Object.entries(props)) if (k !== 'chains_per_month' && k !== 'payment_behavior') want(String(v.description), k).toMatch(/default/);
  });

  it('batches hold at most batchRows rows and concatenate to the same rows as one big batch', () => {
    const opts: JsonObject = { chains_per_month: 20 };
    const big = run(config(opts, 4), opts, 7n, 5000);
    const small = run(config(opts, 4), opts, 7n, 37);
    for (const [table, , len] of small.batches) want(len, table).toBeLessThanOrEqual(37);
    for (const t of TABLES) want(small.t[t], t).toEqual(big.t[t]);
    // Within a table, firstRow counts rows of the partition in order.
    const next = new Map<string, number>();
    for (const [table, p, len, first] of small.batches) {
      const k = `${table}|${p}`;
      want(first).toBe(next.get(k) ?? 0);
      next.set(k, first + len);
    }
  });

  it('determinism: same seed → identical rows; partitions in another order or alone → identical; another seed differs (I19)', () => {
    const opts: JsonObject = { chains_per_month: 15 };
    const cfg = config(opts, 5);
    const a = run(cfg, opts, 99n);
    const b = run(cfg, opts, 99n);
    for (const t of TABLES) want(b.t[t]).toEqual(a.t[t]);
    const order = a.partitions.map((p) => p.index).reverse();
    const rev = run(cfg, opts, 99n, 4096, order);
    // Reversed partition order: compare per partition.
    const perPartition = (x: Run): Map<string, Row[]> => {
      const m = new Map<string, Row[]>();
      const offs: Record<string, number> = Object.fromEntries(TABLES.map((t) => [t, 0]));
      for (const [table, p, len] of x.batches) {
        const k = `${table}|${p}`;
        const rows = x.t[table].slice(offs[table], offs[table] + len);
        offs[table] += len;
        m.set(k, [...(m.get(k) ?? []), ...rows]);
      }
      return m;
    };
    want(perPartition(rev)).toEqual(perPartition(a));
    const alone = run(cfg, opts, 99n, 4096, [7]);
    const pa = perPartition(a);
    for (const [k, rows] of perPartition(alone)) want(rows).toEqual(pa.get(k));
    const c = run(cfg, opts, 100n);
    expect(c.t.purchase_orders.map((r) => r.vendor_id)).not.toEqual(a.t.purchase_orders.map((r) => r.vendor_id));
    // Lengthening the range keeps earlier chains identical with chains_per_month (draws do not depend on the cut-off).
    const longer = run(config(opts, 8), opts, 99n);
    const firstPos = (x: Run): Row[] => x.t.purchase_orders.filter((r) => n(r.po_date) < a.ctx.reference.period.monthStart[2]);
    want(firstPos(longer)).toEqual(firstPos(a));
  });

  it('a company without eligible vendors is a ConfigError naming the source', () => {
    const opts: JsonObject = { chains_per_month: 5 };
    const cfg = makeConfig(COMPANIES, 3, START, { sources: { p2p: { type: 'p2p', ...opts }, vendors: { type: 'vendors', count: 0, shell_count: 0 } } } as Partial<PipelineConfig>);
    const ctx = contextFor(cfg, 1n);
    let err: unknown;
    try {
      p2pSource.partitions('p2p', opts, ctx);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues[0].path).toBe('sources.p2p');
    expect((err as ConfigError).message).toMatch(/no vendor eligible/);
  });
});
