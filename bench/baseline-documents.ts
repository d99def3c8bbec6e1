/**
 * The naive baseline of bench/documents.ts: P2P and O2C document chains plus their master data and
 * postings as one would write them without the engine — an object per row filled by
 * @faker-js/faker (seeded), one csv-stringify stream per table piped into a file, with ordinary
 * backpressure (`write()` false → wait for 'drain').
 *
 * Same tables and columns as the engine's pipeline (column names taken from src/tables/*.ts and
 * checked at start by `checkDocumentBaselineColumns`), chains of the same rough shape:
 * PO (1–15 lines) → GR (15 % in two partial receipts) → vendor invoice (one line per GR line) →
 * payment (5 % partial + remainder); SO (1–15 lines) → credit check (blocked at the share the engine
 * shows at its defaults) → delivery (10 % partial) → customer invoice → receipt (8 % partial), 3 %
 * credit memos; document_references per relation and 2–4 journal-entry lines per posting document.
 * No realism beyond that (calendars, terms, matching tolerances): a floor for plain JavaScript.
 *
 *   registered as baseline `documents`; size = chains per flow
 */
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { faker } from '@faker-js/faker';
import { stringify, type Stringifier } from 'csv-stringify';
import type { ColumnSpec, ColumnType, TableSchema } from '../src/engine/schema.js';
import { documentReferences } from '../src/tables/documents.js';
import { journalEntryLines } from '../src/tables/journal.js';
import { customersTable, employeesTable, materialsTable, vendorBankAccountsTable, vendorsTable } from '../src/tables/master.js';
import { o2cTables } from '../src/tables/o2c.js';
import { P2P_TABLES } from '../src/tables/p2p.js';
import { registerBaseline, type BaselineResult } from './baselines.js';

type Value = string | number | boolean | null;
type Row = Record<string, Value>;

/** Vendors and customers per company for `chains` per flow: the engine caps chains at partners × 2 × 12 (domain.md §1.3). */
export function partnerCountFor(chains: number): number {
  return Math.max(100, Math.ceil(chains / 20));
}
export const MATERIAL_COUNT = 400;
const EMPLOYEE_COUNT = 68;
/** Share of sales orders the engine blocks at the credit check at its defaults (measured: ≈ 0.86 at 20 k chains). */
export const CREDIT_BLOCK_RATE = 0.85;

const TABLES: readonly TableSchema[] = [
  employeesTable, vendorsTable, vendorBankAccountsTable, customersTable, materialsTable,
  ...P2P_TABLES, ...o2cTables, documentReferences, journalEntryLines,
];

const CC = '1000';
const YEAR_START = Date.UTC(2025, 0, 1);
const DAY = 86_400_000;
const isoDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const isoTs = (ms: number): string => new Date(ms).toISOString().slice(0, 19);
const money = (cents: number): string => (cents / 100).toFixed(2);
const pad = (n: number, w: number): string => String(n).padStart(w, '0');

/** A fallback value in the shape the engine writes each column type (src/engine/schema.ts). */
function fake(c: ColumnSpec & { name: string }): Value {
  switch (c.type) {
    case 'string': return c.freeText ? faker.lorem.words(3) : faker.string.alphanumeric(8);
    case 'int': return faker.number.int({ min: 0, max: 999 });
    case 'money': return money(faker.number.int({ min: 100, max: 10_000_000 }));
    case 'decimal6': return faker.number.float({ min: 0, max: 1 }).toFixed(6);
    case 'date': return isoDate(YEAR_START + faker.number.int({ min: 0, max: 364 }) * DAY);
    case 'timestamp': return isoTs(YEAR_START + faker.number.int({ min: 0, max: 364 * DAY }));
    case 'bool': return faker.datatype.boolean();
  }
}

/** Fills every column of `schema`: the given values, faker for the rest (keys are checked once, by the column check). */
function row(schema: TableSchema, given: Row): Row {
  const out: Row = {};
  for (const c of schema.columns) out[c.name] = c.name in given ? given[c.name] : fake(c);
  return out;
}

/** One CSV file per table: csv-stringify piped into a write stream. */
class TableFile {
  rows = 0;
  private readonly csv: Stringifier;
  private readonly file: WriteStream;
  constructor(dir: string, readonly schema: TableSchema) {
    this.csv = stringify({ header: true, columns: schema.columns.map((c) => c.name), cast: { boolean: (v: boolean) => (v ? 'true' : 'false') } });
    this.file = createWriteStream(join(dir, `${schema.name}.csv`));
    this.csv.pipe(this.file);
  }
  /** `complete`: the row already has every column (journal-entry lines), so it is written as built. */
  async write(given: Row, complete = false): Promise<void> {
    this.rows++;
    if (!this.csv.write(complete ? given : row(this.schema, given))) await once(this.csv, 'drain');
  }
  async end(): Promise<number> {
    this.csv.end();
    await finished(this.file);
    return this.file.bytesWritten;
  }
}

interface Partner { id: string; name: string }
interface Material { id: string; description: string; cost: number; price: number }

/** Master data, written and kept for the chains (what the chains draw from). */
async function masterData(out: Record<string, TableFile>, partners: number): Promise<{ vendors: Partner[]; customers: Partner[]; materials: Material[]; users: string[] }> {
  const users: string[] = [];
  for (let i = 0; i < EMPLOYEE_COUNT; i++) {
    const first = faker.person.firstName();
    const last = faker.person.lastName();
    const user = `u${pad(i + 1, 6)}`;
    users.push(user);
    await out.employees.write({
      employee_id: `EMP-${CC}-${pad(i + 1, 6)}`, user_id: user, company_code: CC, first_name: first, last_name: last,
      display_name: `${first} ${last}`, email: faker.internet.email({ firstName: first, lastName: last }),
      department: faker.helpers.arrayElement(['executive', 'finance', 'procurement', 'sales', 'warehouse', 'it']),
      job_title: faker.person.jobTitle(), manager_id: i === 0 ? null : `EMP-${CC}-000001`, termination_date: null, location: 'US',
    });
  }
  const vendors: Partner[] = [];
  for (let i = 0; i < partners; i++) {
    const v = { id: `V-${pad(i + 1, 6)}`, name: faker.company.name() };
    vendors.push(v);
    await out.vendors.write({
      vendor_id: v.id, company_code: CC, name: v.name, country: 'US', currency: 'USD', payment_terms: 'net30', payment_terms_days: 30,
      is_active: true, is_intercompany: false, intercompany_code: null, tax_id: `${faker.string.numeric(2)}-${faker.string.numeric(7)}`,
      reconciliation_account: '2000', purchasing_org: CC,
    });
    const accounts = faker.datatype.boolean({ probability: 0.2 }) ? 2 : 1;
    for (let s = 1; s <= accounts; s++) {
      await out.vendor_bank_accounts.write({
        vendor_id: v.id, seq: s, bank_name: `${faker.company.name()} Bank`, bank_country: 'US', account_number: faker.string.numeric(10),
        routing_code: faker.string.numeric(9), holder_name: `Vendor ${v.id}`, is_primary: s === 1,
      });
    }
  }
  const customers: Partner[] = [];
  for (let i = 0; i < partners; i++) {
    const c = { id: `C-${pad(i + 1, 6)}`, name: faker.company.name() };
    customers.push(c);
    await out.customers.write({
      customer_id: c.id, company_code: CC, name: c.name, customer_type: 'corporate', country: 'US', currency: 'USD',
      credit_rating: faker.helpers.arrayElement(['AAA', 'AA', 'A', 'BBB', 'BB', 'B', 'CCC', 'D']), credit_block_reason: null,
      payment_terms: 'net30', payment_terms_days: 30, is_active: true, is_intercompany: false, intercompany_code: null,
      reconciliation_account: '1100', sales_org: CC, distribution_channel: '10',
    });
  }
  const materials: Material[] = [];
  for (let i = 0; i < MATERIAL_COUNT; i++) {
    const cost = faker.number.int({ min: 1_000, max: 1_000_000 });
    const m = { id: `MAT-${pad(i + 1, 6)}`, description: faker.commerce.productName(), cost, price: Math.round(cost / (1 - faker.number.float({ min: 0.2, max: 0.5 }))) };
    materials.push(m);
    await out.materials.write({
      material_id: m.id, company_code: CC, description: m.description, base_uom: 'EA', standard_cost: money(cost), list_price: money(m.price),
      purchase_price: money(cost), inventory_account: '1200', cogs_account: '5000', revenue_account: '4000', purchase_expense_account: '5100',
      price_difference_account: '5400', gr_ir_account: '2900', preferred_vendor_id: faker.helpers.arrayElement(vendors).id, plant: `P${CC}`, is_active: true,
    });
  }
  return { vendors, customers, materials, users };
}

/** Writes the postings of one document: balanced lines (debits first), 50 columns each, the header copied per line. */
async function journalEntry(je: TableFile, docType: string, process: string, sourceType: string, sourceId: string, dateMs: number, user: string, lines: ReadonlyArray<readonly [string, number]>, partner: { vendor_id?: string; customer_id?: string }): Promise<string> {
  const id = faker.string.uuid();
  const posting = isoDate(dateMs);
  const header: Row = {
    document_id: id, company_code: CC, fiscal_year: 2025, fiscal_period: new Date(dateMs).getUTCMonth() + 1, posting_date: posting, document_date: posting,
    created_at: isoTs(dateMs + faker.number.int({ min: 8 * 3_600_000, max: 18 * 3_600_000 })), document_type: docType, business_process: process,
    transaction_template: `${process.toLowerCase()}_${sourceType}`, source: 'automated', source_system: process === 'P2P' ? 'SAP-MM' : 'SAP-SD', is_manual: false,
    created_by: user, user_persona: 'automated_system', currency: 'USD', exchange_rate: '1.000000', reference: sourceId, header_text: faker.lorem.sentence(),
    source_document_type: sourceType, source_document_id: sourceId, batch_id: null, ledger: '0L', is_post_close: false, is_elimination: false,
    approval_status: 'not_required', approved_by: null, approval_date: null, approval_levels_required: 0, sox_relevant: false, control_status: 'effective', sod_violation: false,
    sod_conflict_type: null, trading_partner: null, is_fraud: false, fraud_type: null, is_anomaly: false,
  };
  let n = 1;
  for (const [account, cents] of lines) {
    await je.write(Object.assign({}, header, {
      line_number: n++, gl_account: account, account_description: faker.finance.accountName(),
      debit_amount: money(cents > 0 ? cents : 0), credit_amount: money(cents < 0 ? -cents : 0), local_amount: money(cents), group_amount: money(cents),
      cost_center: null, profit_center: `PC-${CC}-${process}`, vendor_id: partner.vendor_id ?? null, customer_id: partner.customer_id ?? null,
      line_text: faker.commerce.productDescription(), value_date: account < '2000' ? posting : null,
    }), true);
  }
  return id;
}

async function reference(refs: TableFile, sourceType: string, sourceId: string, targetType: string, targetId: string, kind: string, dateMs: number, cents: number): Promise<void> {
  await refs.write({
    reference_id: faker.string.uuid(), source_doc_type: sourceType, source_doc_id: sourceId, target_doc_type: targetType, target_doc_id: targetId,
    reference_type: kind, company_code: CC, reference_date: isoDate(dateMs), reference_amount: money(cents),
  });
}

interface Line { no: number; material: Material; qty: number; price: number }

async function p2pChain(out: Record<string, TableFile>, md: Awaited<ReturnType<typeof masterData>>, chain: number, chains: number): Promise<void> {
  const month = Math.floor((chain * 12) / chains);
  const seq = (p: string, s: number): string => `${p}-${CC}-${pad(chain + 1, 8)}${pad(s, 2)}`;
  const vendor = faker.helpers.arrayElement(md.vendors);
  const poDate = Date.UTC(2025, month, faker.number.int({ min: 1, max: 28 }));
  const poId = seq('PO', 1);
  const lines: Line[] = faker.helpers.arrayElements(md.materials, faker.number.int({ min: 1, max: 15 }))
    .map((m, i) => ({ no: (i + 1) * 10, material: m, qty: faker.number.int({ min: 1, max: 99 }), price: m.cost }));
  const net = lines.reduce((a, l) => a + l.qty * l.price, 0);
  await out.purchase_orders.write({
    po_id: poId, company_code: CC, fiscal_year: 2025, fiscal_period: month + 1, vendor_id: vendor.id, vendor_name: vendor.name, po_date: isoDate(poDate),
    po_type: 'standard', purchasing_org: CC, purchasing_group: '001', payment_terms: 'net30', net_amount: money(net), tax_amount: money(0), gross_amount: money(net),
    currency: 'USD', status: 'completed', created_by: faker.helpers.arrayElement(md.users), created_at: isoTs(poDate + 9 * 3_600_000),
  });
  for (const l of lines) {
    await out.purchase_order_items.write({
      po_id: poId, line_number: l.no, material_id: l.material.id, description: l.material.description, quantity: l.qty, uom: 'EA', unit_price: money(l.price),
      net_amount: money(l.qty * l.price), tax_amount: money(0), gross_amount: money(l.qty * l.price), item_category: 'GOODS', gr_based_iv: true,
      delivery_date: isoDate(poDate + 14 * DAY), plant: `P${CC}`, storage_location: '0001',
    });
  }
  // Goods receipts: one, or two partial receipts (60–80 % first).
  const partial = faker.datatype.boolean({ probability: 0.15 });
  const shares = partial ? [faker.number.float({ min: 0.6, max: 0.8 })] : [1];
  if (partial) shares.push(1 - shares[0]);
  const grs: Array<{ id: string; date: number; lines: Array<Line & { grQty: number }> }> = [];
  for (let g = 0; g < shares.length; g++) {
    const id = seq('GR', g + 1);
    const date = poDate + (14 + g * 5 + faker.number.int({ min: 0, max: 4 })) * DAY;
    const grLines = lines.map((l) => ({ ...l, grQty: g === 0 && partial ? Math.max(1, Math.floor(l.qty * shares[0])) : g === 1 ? l.qty - Math.max(1, Math.floor(l.qty * shares[0])) : l.qty }));
    const value = grLines.reduce((a, l) => a + l.grQty * l.price, 0);
    const jeId = await journalEntry(out.journal_entry_lines, 'WE', 'P2P', 'goods_receipt', id, date, faker.helpers.arrayElement(md.users), [['1200', value], ['2900', -value]], {});
    await out.goods_receipts.write({
      gr_id: id, company_code: CC, fiscal_year: 2025, fiscal_period: new Date(date).getUTCMonth() + 1, po_id: poId, vendor_id: vendor.id, gr_date: isoDate(date),
      gr_type: 'purchase_order', plant: `P${CC}`, storage_location: '0001', is_partial: partial, total_value: money(value), currency: 'USD', status: 'posted',
      created_by: faker.helpers.arrayElement(md.users), created_at: isoTs(date + 10 * 3_600_000), journal_entry_id: jeId,
    });
    let n = 10;
    for (const l of grLines) {
      await out.goods_receipt_items.write({
        gr_id: id, line_number: n, po_id: poId, po_line_number: l.no, material_id: l.material.id, quantity: l.grQty, uom: 'EA', unit_price: money(l.price),
        net_amount: money(l.grQty * l.price), movement_type: 'gr_for_po', stock_type: 'unrestricted',
      });
      n += 10;
    }
    await reference(out.document_references, 'purchase_order', poId, 'goods_receipt', id, 'follow_on', date, value);
    grs.push({ id, date, lines: grLines });
  }
  // Vendor invoice: one line per GR line, 8 % of lines with a price variance.
  const viId = seq('VI', 1);
  const viDate = grs[grs.length - 1].date + faker.number.int({ min: 5, max: 7 }) * DAY;
  let viNet = 0;
  let variance = 0;
  const viItems: Row[] = [];
  let n = 10;
  for (const gr of grs) {
    for (const l of gr.lines) {
      const price = faker.datatype.boolean({ probability: 0.08 }) ? Math.round(l.price * faker.number.float({ min: 0.95, max: 1.05 })) : l.price;
      viNet += l.grQty * price;
      variance += (price - l.price) * l.grQty;
      viItems.push({
        vi_id: viId, line_number: n, po_id: poId, po_line_number: l.no, gr_id: gr.id, material_id: l.material.id, quantity: l.grQty, unit_price: money(price),
        po_unit_price: money(l.price), net_amount: money(l.grQty * price), price_variance: money((price - l.price) * l.grQty), match_status: price === l.price ? 'matched' : 'price_variance',
      });
      n += 10;
    }
  }
  const viLines: Array<[string, number]> = [['2900', viNet - variance], ['2000', -viNet]];
  if (variance !== 0) viLines.splice(1, 0, ['5400', variance]);
  const viJe = await journalEntry(out.journal_entry_lines, 'KR', 'P2P', 'vendor_invoice', viId, viDate, faker.helpers.arrayElement(md.users), viLines, { vendor_id: vendor.id });
  await out.vendor_invoices.write({
    vi_id: viId, company_code: CC, fiscal_year: 2025, fiscal_period: new Date(viDate).getUTCMonth() + 1, vendor_id: vendor.id, vendor_invoice_number: `INV-${faker.string.numeric(8)}`,
    invoice_date: isoDate(viDate), po_id: poId, payment_terms: 'net30', due_date: isoDate(viDate + 30 * DAY), discount_due_date: null, discount_percent: '0.000000',
    cash_discount_amount: money(0), net_amount: money(viNet), tax_amount: money(0), gross_amount: money(viNet), withholding_tax_amount: money(0), payable_amount: money(viNet),
    price_variance_amount: money(variance), three_way_match_passed: variance === 0, match_variance_types: variance === 0 ? null : 'price_po_invoice',
    currency: 'USD', status: 'cleared', created_by: faker.helpers.arrayElement(md.users), created_at: isoTs(viDate + 11 * 3_600_000), journal_entry_id: viJe,
  });
  for (const it of viItems) await out.vendor_invoice_items.write(it);
  for (const gr of grs) await reference(out.document_references, 'goods_receipt', gr.id, 'vendor_invoice', viId, 'follow_on', viDate, viNet);
  // Payments: one, or a partial payment (50–75 %) and its remainder.
  const partialPay = faker.datatype.boolean({ probability: 0.05 });
  const first = partialPay ? Math.round(viNet * faker.number.float({ min: 0.5, max: 0.75 })) : viNet;
  const amounts = partialPay ? [first, viNet - first] : [viNet];
  let firstId: string | null = null;
  for (let p = 0; p < amounts.length; p++) {
    const id = seq('PAY', p + 1);
    const date = viDate + (30 + p * 30 + faker.number.int({ min: -5, max: 10 })) * DAY;
    const jeId = await journalEntry(out.journal_entry_lines, 'KZ', 'P2P', 'ap_payment', id, date, faker.helpers.arrayElement(md.users), [['2000', amounts[p]], ['1010', -amounts[p]]], { vendor_id: vendor.id });
    await out.ap_payments.write({
      payment_id: id, company_code: CC, fiscal_year: 2025, fiscal_period: new Date(date).getUTCMonth() + 1, vendor_id: vendor.id, vi_id: viId, payment_date: isoDate(date),
      value_date: isoDate(date + DAY), payment_method: faker.helpers.arrayElement(['bank_transfer', 'check', 'wire', 'credit_card']), amount: money(amounts[p]),
      discount_taken: money(0), is_partial: partialPay, parent_payment_id: firstId, currency: 'USD', status: 'posted', created_by: faker.helpers.arrayElement(md.users),
      created_at: isoTs(date + 12 * 3_600_000), journal_entry_id: jeId,
    });
    await reference(out.document_references, 'vendor_invoice', viId, 'ap_payment', id, 'payment', date, amounts[p]);
    if (firstId) await reference(out.document_references, 'ap_payment', firstId, 'ap_payment', id, 'partial', date, amounts[p]);
    firstId ??= id;
  }
}

async function o2cChain(out: Record<string, TableFile>, md: Awaited<ReturnType<typeof masterData>>, chain: number, chains: number): Promise<void> {
  const month = Math.floor((chain * 12) / chains);
  const seq = (p: string, s: number): string => `${p}-${CC}-${pad(chain + 1, 8)}${pad(s, 2)}`;
  const customer = faker.helpers.arrayElement(md.customers);
  const soDate = Date.UTC(2025, month, faker.number.int({ min: 1, max: 28 }));
  const soId = seq('SO', 1);
  const lines: Line[] = faker.helpers.arrayElements(md.materials, faker.number.int({ min: 1, max: 15 }))
    .map((m, i) => ({ no: (i + 1) * 10, material: m, qty: faker.number.int({ min: 1, max: 49 }), price: m.price }));
  const net = lines.reduce((a, l) => a + l.qty * l.price, 0);
  const blocked = faker.datatype.boolean({ probability: CREDIT_BLOCK_RATE });
  await out.sales_orders.write({
    so_id: soId, company_code: CC, fiscal_year: 2025, fiscal_period: month + 1, customer_id: customer.id, customer_name: customer.name, so_date: isoDate(soDate),
    requested_delivery_date: isoDate(soDate + 7 * DAY), sales_org: CC, distribution_channel: '10', payment_terms: 'net30', net_amount: money(net), tax_amount: money(0),
    gross_amount: money(net), credit_check_status: blocked ? 'failed' : 'passed', credit_block_reason: blocked ? 'credit_limit_exceeded' : null, currency: 'USD',
    status: blocked ? 'blocked' : 'completed', created_by: faker.helpers.arrayElement(md.users), created_at: isoTs(soDate + 9 * 3_600_000),
  });
  for (const l of lines) {
    await out.sales_order_items.write({
      so_id: soId, line_number: l.no, material_id: l.material.id, description: l.material.description, quantity: l.qty, uom: 'EA', unit_price: money(l.price),
      net_amount: money(l.qty * l.price), tax_amount: money(0), gross_amount: money(l.qty * l.price), schedule_date: isoDate(soDate + 7 * DAY),
    });
  }
  if (blocked) return;
  // Deliveries: one, or two for a partial shipment (60–80 % first).
  const partial = faker.datatype.boolean({ probability: 0.10 });
  const firstShare = faker.number.float({ min: 0.6, max: 0.8 });
  const dels: Array<{ id: string; date: number; lines: Array<Line & { dQty: number }> }> = [];
  for (let d = 0; d < (partial ? 2 : 1); d++) {
    const id = seq('DLV', d + 1);
    const date = soDate + (7 + d * 4 + faker.number.int({ min: 0, max: 2 })) * DAY;
    const dLines = lines.map((l) => {
      const firstQty = Math.max(1, Math.floor(l.qty * firstShare));
      return { ...l, dQty: !partial ? l.qty : d === 0 ? firstQty : l.qty - firstQty };
    });
    const cogs = dLines.reduce((a, l) => a + l.dQty * l.material.cost, 0);
    const jeId = await journalEntry(out.journal_entry_lines, 'WL', 'O2C', 'delivery', id, date, faker.helpers.arrayElement(md.users), [['5000', cogs], ['1200', -cogs]], {});
    await out.deliveries.write({
      delivery_id: id, company_code: CC, fiscal_year: 2025, fiscal_period: new Date(date).getUTCMonth() + 1, so_id: soId, customer_id: customer.id, delivery_date: isoDate(date),
      shipping_point: `SP${CC}`, is_partial: partial, package_count: faker.number.int({ min: 1, max: 9 }), total_cogs: money(cogs), currency: 'USD', status: 'posted',
      created_by: faker.helpers.arrayElement(md.users), created_at: isoTs(date + 10 * 3_600_000), journal_entry_id: jeId,
    });
    let n = 10;
    for (const l of dLines) {
      await out.delivery_items.write({
        delivery_id: id, line_number: n, so_id: soId, so_line_number: l.no, material_id: l.material.id, quantity: l.dQty, unit_price: money(l.price),
        net_amount: money(l.dQty * l.price), unit_cost: money(l.material.cost), cogs_amount: money(l.dQty * l.material.cost),
      });
      n += 10;
    }
    await reference(out.document_references, 'sales_order', soId, 'delivery', id, 'follow_on', date, cogs);
    dels.push({ id, date, lines: dLines });
  }
  // Customer invoice: one line per delivery line.
  const ciId = seq('CI', 1);
  const ciDate = dels[dels.length - 1].date + faker.number.int({ min: 1, max: 2 }) * DAY;
  const ciJe = await journalEntry(out.journal_entry_lines, 'DR', 'O2C', 'customer_invoice', ciId, ciDate, faker.helpers.arrayElement(md.users), [['1100', net], ['4000', -net]], { customer_id: customer.id });
  await out.customer_invoices.write({
    ci_id: ciId, company_code: CC, fiscal_year: 2025, fiscal_period: new Date(ciDate).getUTCMonth() + 1, customer_id: customer.id, so_id: soId, invoice_date: isoDate(ciDate),
    payment_terms: 'net30', due_date: isoDate(ciDate + 30 * DAY), discount_due_date: null, discount_percent: '0.000000', net_amount: money(net), tax_amount: money(0),
    gross_amount: money(net), currency: 'USD', status: 'cleared', created_by: faker.helpers.arrayElement(md.users), created_at: isoTs(ciDate + 11 * 3_600_000), journal_entry_id: ciJe,
  });
  let n = 10;
  for (const d of dels) {
    for (const l of d.lines) {
      await out.customer_invoice_items.write({
        ci_id: ciId, line_number: n, so_id: soId, so_line_number: l.no, delivery_id: d.id, material_id: l.material.id, quantity: l.dQty, unit_price: money(l.price),
        net_amount: money(l.dQty * l.price), cogs_amount: money(l.dQty * l.material.cost),
      });
      n += 10;
    }
    await reference(out.document_references, 'delivery', d.id, 'customer_invoice', ciId, 'follow_on', ciDate, net);
  }
  // Receipts: full, or partial + remainder (8 %).
  const partialPay = faker.datatype.boolean({ probability: 0.08 });
  const first = partialPay ? Math.round(net * faker.helpers.arrayElement([0.25, 0.5, 0.75])) : net;
  const amounts = partialPay ? [first, net - first] : [net];
  let firstId: string | null = null;
  for (let r = 0; r < amounts.length; r++) {
    const id = seq('REC', r + 1);
    const date = ciDate + (30 + r * 30 + faker.number.int({ min: -5, max: 15 })) * DAY;
    const jeId = await journalEntry(out.journal_entry_lines, 'DZ', 'O2C', 'ar_receipt', id, date, faker.helpers.arrayElement(md.users), [['1010', amounts[r]], ['1100', -amounts[r]]], { customer_id: customer.id });
    await out.ar_receipts.write({
      receipt_id: id, company_code: CC, fiscal_year: 2025, fiscal_period: new Date(date).getUTCMonth() + 1, customer_id: customer.id, ci_id: ciId, receipt_date: isoDate(date),
      value_date: isoDate(date), payment_method: faker.helpers.arrayElement(['bank_transfer', 'check', 'wire', 'credit_card']),
      receipt_kind: partialPay ? (r === 0 ? 'partial' : 'partial_remainder') : 'full', amount: money(amounts[r]), discount_taken: money(0), short_amount: null,
      short_reason: null, correction_reason: null, related_receipt_id: firstId, currency: 'USD', status: 'posted', created_by: faker.helpers.arrayElement(md.users),
      created_at: isoTs(date + 12 * 3_600_000), journal_entry_id: jeId,
    });
    await reference(out.document_references, 'customer_invoice', ciId, 'ar_receipt', id, 'payment', date, amounts[r]);
    if (firstId) await reference(out.document_references, 'ar_receipt', firstId, 'ar_receipt', id, 'partial', date, amounts[r]);
    firstId ??= id;
  }
  // Returns: a credit memo 5–30 days after the invoice for 10–100 % of gross (3 %).
  if (faker.datatype.boolean({ probability: 0.03 })) {
    const id = seq('CM', 1);
    const date = ciDate + faker.number.int({ min: 5, max: 30 }) * DAY;
    const amount = Math.round(net * faker.number.float({ min: 0.1, max: 1 }));
    const jeId = await journalEntry(out.journal_entry_lines, 'DG', 'O2C', 'credit_memo', id, date, faker.helpers.arrayElement(md.users), [['4020', amount], ['1100', -amount]], { customer_id: customer.id });
    await out.credit_memos.write({
      memo_id: id, company_code: CC, fiscal_year: 2025, fiscal_period: new Date(date).getUTCMonth() + 1, customer_id: customer.id, ci_id: ciId, memo_date: isoDate(date),
      reason: faker.helpers.arrayElement(['return', 'damaged', 'quality_issue', 'price_error']), net_amount: money(amount), gross_amount: money(amount),
      approval_status: amount < 1_000_000 ? 'auto_approved' : 'approved', currency: 'USD', status: 'posted', created_by: faker.helpers.arrayElement(md.users),
      created_at: isoTs(date + 13 * 3_600_000), journal_entry_id: jeId,
    });
    await reference(out.document_references, 'customer_invoice', ciId, 'credit_memo', id, 'credit_memo', date, amount);
  }
}

/**
 * Writes master data plus `chains` P2P and `chains` O2C chains into one CSV per table under `dir`.
 *
 * @example
 * const r = await runDocumentBaseline(1000, '/tmp/out'); // r.tables.purchase_orders === 1000
 */
export async function runDocumentBaseline(chains: number, dir: string, seed = 42): Promise<BaselineResult> {
  faker.seed(seed);
  const out: Record<string, TableFile> = Object.fromEntries(TABLES.map((t) => [t.name, new TableFile(dir, t)]));
  const md = await masterData(out, partnerCountFor(chains));
  for (let c = 0; c < chains; c++) {
    await p2pChain(out, md, c, chains);
    await o2cChain(out, md, c, chains);
  }
  const tables: Record<string, number> = {};
  let bytes = 0;
  let rows = 0;
  for (const f of Object.values(out)) {
    bytes += await f.end();
    tables[f.schema.name] = f.rows;
    rows += f.rows;
  }
  return { rows, bytes, tables };
}

/** How the engine writes each column type; the baseline must write the same shapes. */
const TYPE_SHAPES: Record<ColumnType, (v: Value) => boolean> = {
  string: (v) => typeof v === 'string',
  int: (v) => Number.isInteger(v),
  money: (v) => typeof v === 'string' && /^-?\d+\.\d{2}$/.test(v),
  decimal6: (v) => typeof v === 'string' && /^-?\d+\.\d{6}$/.test(v),
  date: (v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v),
  timestamp: (v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(v),
  bool: (v) => typeof v === 'boolean',
};

/**
 * Generates a few chains in memory (through the same code, writing into capture objects) and throws
 * unless every table the engine pipeline writes gets rows with exactly the schema's columns, each in
 * the shape of its type. Keeps the comparison honest when a schema changes.
 */
export async function checkDocumentBaselineColumns(expected: readonly string[]): Promise<void> {
  faker.seed(1);
  const seen = new Map<string, Row>();
  const capture = (schema: TableSchema): TableFile => Object.assign(Object.create(TableFile.prototype) as TableFile, {
    schema, rows: 0,
    write: async (given: Row, complete = false) => {
      const known = new Set(schema.columns.map((c) => c.name));
      const extra = Object.keys(given).filter((key) => !known.has(key));
      if (extra.length) throw new Error(`baseline-documents ${schema.name}: no column ${extra.join(', ')} in the schema`);
      if (!seen.has(schema.name)) seen.set(schema.name, complete ? given : row(schema, given));
    },
  });
  const out: Record<string, TableFile> = Object.fromEntries(TABLES.map((t) => [t.name, capture(t)]));
  const md = await masterData(out, 100);
  for (let c = 0; c < 400 && seen.size < TABLES.length; c++) {
    await p2pChain(out, md, c, 400);
    await o2cChain(out, md, c, 400);
  }
  const names = TABLES.map((t) => t.name);
  const missing = expected.filter((t) => !names.includes(t));
  const extra = names.filter((t) => !expected.includes(t));
  if (missing.length || extra.length) throw new Error(`baseline-documents tables differ from the engine's: missing [${missing.join(', ')}], extra [${extra.join(', ')}]`);
  for (const t of TABLES) {
    const r = seen.get(t.name);
    if (!r) throw new Error(`baseline-documents wrote no ${t.name} row in 400 chains`);
    // csv-stringify writes the schema's columns in order by name, so the set of keys is what must match.
    const keys = Object.keys(r).sort();
    if (keys.join() !== t.columns.map((c) => c.name).sort().join()) throw new Error(`baseline-documents ${t.name}: columns differ from the schema`);
    for (const c of t.columns) {
      const v = r[c.name];
      if (v === null && !c.nullable && !c.nullableByDesign) throw new Error(`baseline-documents ${t.name}.${c.name}: null in a non-nullable column`);
      if (v !== null && !TYPE_SHAPES[c.type](v)) throw new Error(`baseline-documents ${t.name}.${c.name}: ${JSON.stringify(v)} is not written like a ${c.type}`);
    }
  }
}

registerBaseline('documents', (size, outDir) => runDocumentBaseline(size, outDir));
