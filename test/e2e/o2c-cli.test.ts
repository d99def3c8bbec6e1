/**
 * An order-to-cash pipeline through the built CLI to CSV, as a user runs it: the O2C tables,
 * document_references and journal_entry_lines are read back with csv-parse and checked for headers,
 * row counts, foreign keys to the master tables, JE ↔ document links and balanced entries.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { runCli, tempDirs, sha256File } from '../support/cli.js';
import { o2cTables } from '../../src/tables/o2c.js';
import { documentReferences } from '../../src/tables/documents.js';
import { journalEntryLines } from '../../src/tables/journal.js';

const { tmp, cleanup } = tempDirs('dsp-o2c-');
afterAll(cleanup);

const PIPELINE = `version: 1
seed: 7
period: { start: 2025-01-01, months: 3 }
companies:
  - { code: "1000", name: "Acme US, Inc.", currency: USD, country: US, volume: 1000 }
  - { code: "2000", name: Acme DE, currency: EUR, country: DE, volume: 1000, tax_rate: 0.19 }
sources:
  companies: { type: companies }
  coa: { type: chart_of_accounts }
  cost_centers: { type: cost_centers }
  users: { type: je_users }
  employees: { type: employees }
  customers: { type: customers }
  materials: { type: materials }
  o2c: { type: o2c, chains_per_month: 150, return_rate: 0.1, partial_payment_rate: 0.2 }
sinks:
  out: { type: file, inputs: [companies, coa, cost_centers, users, employees, customers, materials, o2c], path: ./data, format: csv }
# The default gate profile targets standalone ledgers (Benford, period-end spikes); this run has only
# document-flow entries, so the gates are off here (they have their own tests).
gates: { enabled: false }
`;

type Rec = Record<string, string>;
const read = (dir: string, table: string): Rec[] => parse(readFileSync(join(dir, 'data', `${table}.csv`)), { columns: true }) as Rec[];
const cents = (v: string): number => {
  expect(v).toMatch(/^-?\d+\.\d{2}$/);
  return Math.round(Number(v) * 100);
};

interface Manifest { status: string; outputs: Array<{ table: string; role: string; rel: string; rows: number; sha256: string }> }

describe('o2c through the CLI: datasynth-pipe run pipeline.yaml → CSV', () => {
  let dir: string;
  let result: Awaited<ReturnType<typeof runCli>>;
  const tables = new Map<string, Rec[]>();

  beforeAll(async () => {
    dir = tmp();
    writeFileSync(join(dir, 'pipeline.yaml'), PIPELINE);
    result = await runCli(['run', join(dir, 'pipeline.yaml'), '--out', dir, '-q']);
    if (result.code === 0) {
      for (const t of [...o2cTables, documentReferences, journalEntryLines]) tables.set(t.name, read(dir, t.name));
      for (const t of ['customers', 'materials', 'employees']) tables.set(t, read(dir, t));
    }
  }, 120_000);

  it('exits 0 and commits every O2C table with a manifest whose row counts match the files', () => {
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    // The control root is the file sink's folder (controls.md): manifest and _SUCCESS sit next to the data.
    expect(existsSync(join(dir, 'data', '_SUCCESS'))).toBe(true);
    const m = JSON.parse(readFileSync(join(dir, 'data', 'manifest.json'), 'utf8')) as Manifest;
    expect(m.status).toBe('complete');
    for (const t of [...o2cTables, documentReferences, journalEntryLines]) {
      const out = m.outputs.find((o) => o.table === t.name && o.role === 'data');
      expect(out, t.name).toBeDefined();
      expect(tables.get(t.name)!.length, t.name).toBe(out!.rows);
      expect(sha256File(join(dir, 'data', out!.rel))).toBe(out!.sha256);
      const header = readFileSync(join(dir, 'data', out!.rel), 'utf8').split('\n', 1)[0];
      expect(header).toBe(t.columns.map((c) => c.name).join(','));
    }
    expect(tables.get('sales_orders')!.length).toBe(150 * 2 * 3);
    expect(tables.get('customer_invoices')!.length).toBeGreaterThan(0);
    expect(tables.get('ar_receipts')!.length).toBeGreaterThan(0);
  });

  it('documents resolve to the written master data and to each other', () => {
    const ids = (t: string, col: string): Set<string> => new Set(tables.get(t)!.map((r) => r[col]));
    const customers = ids('customers', 'customer_id');
    const materials = ids('materials', 'material_id');
    const users = ids('employees', 'user_id');
    const so = ids('sales_orders', 'so_id');
    const dlv = ids('deliveries', 'delivery_id');
    const ci = ids('customer_invoices', 'ci_id');
    const rec = ids('ar_receipts', 'receipt_id');
    const bad: string[] = [];
    const need = (ok: boolean, what: string): void => {
      if (!ok && bad.length < 20) bad.push(what);
    };
    for (const t of ['sales_orders', 'deliveries', 'customer_invoices', 'ar_receipts', 'credit_memos']) {
      for (const r of tables.get(t)!) {
        need(customers.has(r.customer_id), `${t}.customer_id ${r.customer_id}`);
        need(users.has(r.created_by), `${t}.created_by ${r.created_by}`);
      }
    }
    for (const t of ['sales_order_items', 'delivery_items', 'customer_invoice_items']) for (const r of tables.get(t)!) need(materials.has(r.material_id) && so.has(r.so_id), `${t} row`);
    for (const r of tables.get('delivery_items')!) need(dlv.has(r.delivery_id), 'delivery_items.delivery_id');
    for (const r of tables.get('customer_invoice_items')!) need(ci.has(r.ci_id) && dlv.has(r.delivery_id), 'customer_invoice_items ids');
    for (const r of tables.get('ar_receipts')!) need(ci.has(r.ci_id) && (r.related_receipt_id === '' || rec.has(r.related_receipt_id)), `ar_receipts ${r.receipt_id}`);
    for (const r of tables.get('credit_memos')!) need(ci.has(r.ci_id), 'credit_memos.ci_id');
    const all = new Set([...so, ...dlv, ...ci, ...rec, ...ids('credit_memos', 'memo_id')]);
    for (const r of tables.get('document_references')!) need(all.has(r.source_doc_id) && all.has(r.target_doc_id), `reference ${r.reference_id}`);
    expect(bad).toEqual([]);
  });

  it('every journal entry balances and links both ways with its document', () => {
    const entries = new Map<string, { debit: number; credit: number; source: string; type: string }>();
    for (const l of tables.get('journal_entry_lines')!) {
      const e = entries.get(l.document_id) ?? { debit: 0, credit: 0, source: l.source_document_id, type: l.source_document_type };
      e.debit += cents(l.debit_amount);
      e.credit += cents(l.credit_amount);
      entries.set(l.document_id, e);
    }
    const posting: Array<[string, string, string]> = [['deliveries', 'delivery_id', 'delivery'], ['customer_invoices', 'ci_id', 'customer_invoice'],
      ['ar_receipts', 'receipt_id', 'ar_receipt'], ['credit_memos', 'memo_id', 'credit_memo']];
    let docs = 0;
    for (const [t, col, type] of posting) {
      for (const r of tables.get(t)!) {
        docs++;
        const e = entries.get(r.journal_entry_id);
        expect(e, `${t} ${r[col]}`).toBeDefined();
        expect([e!.source, e!.type]).toEqual([r[col], type]);
      }
    }
    expect(entries.size).toBe(docs);
    for (const [id, e] of entries) expect(e.debit, id).toBe(e.credit);
  });

  it('a second run of the same pipeline writes byte-identical O2C files (I19)', async () => {
    const again = tmp();
    writeFileSync(join(again, 'pipeline.yaml'), PIPELINE);
    const r = await runCli(['run', join(again, 'pipeline.yaml'), '--out', again, '-q']);
    expect(r.code).toBe(0);
    for (const t of [...o2cTables, documentReferences, journalEntryLines]) {
      expect(sha256File(join(again, 'data', `${t.name}.csv`)), t.name).toBe(sha256File(join(dir, 'data', `${t.name}.csv`)));
    }
  }, 120_000);

  it('a misspelt option fails validation with exit 1 and the key path, writing nothing', async () => {
    const bad = tmp();
    writeFileSync(join(bad, 'pipeline.yaml'), PIPELINE.replace('return_rate: 0.1', 'retrun_rate: 0.1'));
    const r = await runCli(['run', join(bad, 'pipeline.yaml'), '--out', join(bad, 'out'), '-q']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/sources\.o2c/);
    expect(r.stderr).toMatch(/retrun_rate/);
    expect(existsSync(join(bad, 'out', '_SUCCESS'))).toBe(false);
  });
});
