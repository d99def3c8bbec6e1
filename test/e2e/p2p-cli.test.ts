/**
 * A pipeline with a `p2p` source through the built CLI to CSV files (run `npx tsc -p tsconfig.json`
 * first): every P2P table, document_references and the document JEs land with their §10 headers,
 * listed in the manifest; read back with csv-parse.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { runCli, tempDirs, sha256File } from '../support/cli.js';
import { P2P_TABLES } from '../../src/tables/p2p.js';
import { documentReferences } from '../../src/tables/documents.js';
import { journalEntryLines } from '../../src/tables/journal.js';

const { tmp, cleanup } = tempDirs();
afterAll(cleanup);

const PIPELINE = `version: 1
seed: 7
period: { start: 2025-01-01, months: 3 }
companies:
  - { code: "1000", name: Acme US, currency: USD, country: US, volume: 1000 }
  - { code: "2000", name: Acme DE, currency: EUR, country: DE, volume: 1000 }
sources:
  p2p: { type: p2p, chains_per_month: 6, payment_behavior: { partial_payment_rate: 0.2 } }
sinks:
  out: { type: file, inputs: [p2p], path: ./out, format: csv }
`;

/** §10 column lists, spelled out (F and T expanded) so a schema change cannot pass unnoticed. */
const F = ['company_code', 'fiscal_year', 'fiscal_period'];
const T = ['currency', 'status', 'created_by', 'created_at', 'journal_entry_id'];
const HEADERS: Record<string, string[]> = {
  purchase_orders: ['po_id', ...F, 'vendor_id', 'vendor_name', 'po_date', 'po_type', 'purchasing_org', 'purchasing_group', 'payment_terms', 'net_amount', 'tax_amount', 'gross_amount', ...T.slice(0, 4)],
  purchase_order_items: ['po_id', 'line_number', 'material_id', 'description', 'quantity', 'uom', 'unit_price', 'net_amount', 'tax_amount', 'gross_amount', 'item_category', 'gr_based_iv', 'delivery_date', 'plant', 'storage_location'],
  goods_receipts: ['gr_id', ...F, 'po_id', 'vendor_id', 'gr_date', 'gr_type', 'plant', 'storage_location', 'is_partial', 'total_value', ...T],
  goods_receipt_items: ['gr_id', 'line_number', 'po_id', 'po_line_number', 'material_id', 'quantity', 'uom', 'unit_price', 'net_amount', 'movement_type', 'stock_type'],
  vendor_invoices: ['vi_id', ...F, 'vendor_id', 'vendor_invoice_number', 'invoice_date', 'po_id', 'payment_terms', 'due_date', 'discount_due_date', 'discount_percent', 'cash_discount_amount', 'net_amount', 'tax_amount', 'gross_amount', 'withholding_tax_amount', 'payable_amount', 'price_variance_amount', 'three_way_match_passed', 'match_variance_types', ...T],
  vendor_invoice_items: ['vi_id', 'line_number', 'po_id', 'po_line_number', 'gr_id', 'material_id', 'quantity', 'unit_price', 'po_unit_price', 'net_amount', 'price_variance', 'match_status'],
  ap_payments: ['payment_id', ...F, 'vendor_id', 'vi_id', 'payment_date', 'value_date', 'payment_method', 'amount', 'discount_taken', 'is_partial', 'parent_payment_id', ...T],
  document_references: ['reference_id', 'source_doc_type', 'source_doc_id', 'target_doc_type', 'target_doc_id', 'reference_type', 'company_code', 'reference_date', 'reference_amount'],
};

interface ManifestLike {
  status: string;
  outputs: Array<{ table: string; role: string; rel: string; rows: number; sha256: string }>;
  tables: Record<string, { rows: number }>;
}

describe('datasynth-pipe run with a p2p source → CSV', () => {
  let out: string;
  let code: number | null;
  let stderr: string;
  let manifest: ManifestLike;
  const read = (table: string): Array<Record<string, string>> => parse(readFileSync(join(out, 'out', `${table}.csv`)), { columns: true }) as Array<Record<string, string>>;

  beforeAll(async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'pipeline.yaml'), PIPELINE);
    out = dir;
    // Gates are tested elsewhere; document JEs alone do not follow the standalone day weights (temporal_consistency).
    const r = await runCli(['run', 'pipeline.yaml', '-q', '--gates', 'off'], { cwd: dir });
    code = r.code;
    stderr = r.stderr;
    manifest = JSON.parse(readFileSync(join(dir, 'out', 'manifest.json'), 'utf8')) as ManifestLike;
  }, 120_000);

  it('exits 0 and writes every P2P table, document_references and journal_entry_lines with the §10 headers', () => {
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(existsSync(join(out, 'out', '_SUCCESS'))).toBe(true);
    for (const schema of [...P2P_TABLES, documentReferences, journalEntryLines]) {
      const path = join(out, 'out', `${schema.name}.csv`);
      expect(existsSync(path), schema.name).toBe(true);
      const header = readFileSync(path, 'utf8').split('\n')[0].split(',');
      if (HEADERS[schema.name]) expect(header, schema.name).toEqual(HEADERS[schema.name]);
      else expect(header).toEqual(schema.columns.map((c) => c.name));
    }
  });

  it('the manifest lists each table with the row count and SHA-256 of its file', () => {
    expect(manifest.status).toBe('complete');
    for (const table of [...Object.keys(HEADERS), 'journal_entry_lines']) {
      const o = manifest.outputs.find((x) => x.table === table && x.role === 'data')!;
      expect(o, table).toBeDefined();
      const path = join(out, 'out', o.rel);
      expect(sha256File(path)).toBe(o.sha256);
      expect(read(table).length).toBe(o.rows);
      expect(manifest.tables[table].rows).toBe(o.rows);
    }
    expect(manifest.tables.purchase_orders.rows).toBe(2 * 3 * 6);
  });

  it('values are written in the §0.1 formats and link across files', () => {
    const pos = read('purchase_orders');
    const vis = read('vendor_invoices');
    const pays = read('ap_payments');
    const jel = read('journal_entry_lines');
    expect(pos[0].po_id).toMatch(/^PO-1000-0000000101$/);
    for (const r of pos) {
      expect(r.po_date).toMatch(/^2025-0[1-3]-\d{2}$/);
      expect(r.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
      expect(r.gross_amount).toMatch(/^\d+\.\d{2}$/);
    }
    for (const r of vis) {
      expect(['true', 'false']).toContain(r.three_way_match_passed);
      expect(r.discount_percent).toMatch(/^0\.0[0-9]0000$/);
    }
    const jeIds = new Set(jel.map((r) => r.document_id));
    for (const r of [...vis, ...pays]) expect(jeIds.has(r.journal_entry_id)).toBe(true);
    const viIds = new Set(vis.map((r) => r.vi_id));
    for (const p of pays) expect(viIds.has(p.vi_id)).toBe(true);
    expect(jel.every((r) => r.business_process === 'P2P' && r.source_system === 'SAP-MM')).toBe(true);
  });

  it('a second run with the same seed writes byte-identical data files (I19)', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'pipeline.yaml'), PIPELINE);
    const r = await runCli(['run', 'pipeline.yaml', '-q', '--gates', 'off'], { cwd: dir });
    expect(r.code).toBe(0);
    const again = JSON.parse(readFileSync(join(dir, 'out', 'manifest.json'), 'utf8')) as ManifestLike;
    const hashes = (m: ManifestLike): Record<string, string> => Object.fromEntries(m.outputs.filter((o) => o.role === 'data').map((o) => [o.rel, o.sha256]));
    expect(Object.keys(hashes(again)).length).toBe(9);
    expect(hashes(again)).toEqual(hashes(manifest));
  }, 120_000);
});
