/**
 * The intercompany source through the built CLI (run `npx tsc -p tsconfig.json` first): a three-company
 * group with eliminations written as CSV, read back with csv-parse; match rate 1.0 on the files,
 * foreign keys (I16) and the GROUP row; one company is a config error (exit 1).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { runCli, tempDirs, sha256File, type CliResult } from '../support/cli.js';
import { icMatchRate, toCents, type IcLineRow, type IcPairRow } from '../../src/sources/intercompany/index.js';

const { tmp, cleanup } = tempDirs('dsp-ic-');
afterAll(cleanup);

const PIPELINE = (companies: string, out: string): string => `version: 1
seed: 2026
period: { start: 2025-01-01, months: 6 }
group_currency: USD
companies:
${companies}
sources:
  companies: { type: companies }
  coa: { type: chart_of_accounts }
  calendar: { type: calendar }
  fx: { type: fx }
  cost_centers: { type: cost_centers }
  users: { type: je_users }
  ic: { type: intercompany, generate_eliminations: true }
# IC rows alone are too few and too uniform for the Benford and temporal gates: check only the IC match rate.
gates:
  profile: none
  custom: [{ name: ic_match, metric: ic_match_rate, comparison: gte, threshold: 0.99, required: true }]
sinks:
  out:
    type: file
    inputs: [companies, coa, calendar, fx, cost_centers, users, ic]
    path: ${out}
    format: csv
`;
const THREE = `  - { code: "1000", name: Acme US, currency: USD, country: US, volume: 1000 }
  - { code: "2000", name: Acme DE, currency: EUR, country: DE, volume: 1000 }
  - { code: "3000", name: Acme UK, currency: GBP, country: GB, volume: 1000 }`;

type Rec = Record<string, string>;
const read = (dir: string, table: string): Rec[] => parse(readFileSync(join(dir, `${table}.csv`)), { columns: true }) as Rec[];

describe('intercompany through the CLI', () => {
  let dir: string;
  let result: CliResult;
  let jel: Rec[];
  let pairs: Rec[];
  beforeAll(async () => {
    const work = tmp();
    dir = join(work, 'out');
    const cfg = join(work, 'ic.yaml');
    writeFileSync(cfg, PIPELINE(THREE, dir));
    result = await runCli(['run', cfg]);
    jel = read(dir, 'journal_entry_lines');
    pairs = read(dir, 'ic_matched_pairs');
  });

  it('exits 0 and writes ic_matched_pairs and the IC journal entries with the manifest counts', () => {
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { tables: Record<string, { rows: number }>; outputs: Array<{ rel: string; sha256: string }> };
    expect(manifest.tables.ic_matched_pairs.rows).toBe(pairs.length);
    expect(manifest.tables.journal_entry_lines.rows).toBe(jel.length);
    for (const o of manifest.outputs) expect(sha256File(join(dir, o.rel))).toBe(o.sha256);
    // The run's own ic_match_rate gate saw every pair and matched them all (controls.md §6.3).
    expect(result.stdout + result.stderr).toMatch(/PASS\s+ic_match\s+1\.0000\s+gte 0\.9900\s+n=\d+/);
    // ≈ 0.45 pairs per US business day over 6 months (≈ 125 days).
    expect(pairs.length).toBeGreaterThan(30);
    expect(pairs.length).toBeLessThan(90);
    expect(Object.keys(pairs[0])).toEqual([
      'ic_reference', 'transaction_type', 'seller_company', 'buyer_company', 'amount', 'currency', 'group_amount', 'transaction_date',
      'seller_document', 'buyer_document', 'seller_journal_entry_id', 'buyer_journal_entry_id', 'description', 'transfer_pricing_method',
      'withholding_tax', 'settlement_status',
    ]);
  });

  it('matches every pair in the written files (rate 1.0)', () => {
    const r = icMatchRate(pairs as unknown as IcPairRow[], jel as unknown as IcLineRow[]);
    expect(r.pairs).toBe(pairs.length);
    expect(r.rate).toBe(1);
  });

  it('resolves every foreign key, GROUP included (I16)', () => {
    const companies = read(dir, 'companies');
    const codes = new Set(companies.map((c) => c.company_code));
    expect([...codes]).toEqual(['1000', '2000', '3000', 'GROUP']);
    expect(companies[3]).toMatchObject({ currency: 'USD', is_consolidation_entity: 'true', is_parent: 'false' });
    const accounts = new Set(read(dir, 'chart_of_accounts').map((a) => a.account_number));
    const users = new Set(read(dir, 'je_users').map((u) => u.user_id));
    const ccs = new Set(read(dir, 'cost_centers').map((c) => `${c.company_code}|${c.cost_center_id}`));
    const docs = new Set(jel.map((l) => l.document_id));
    const refs = new Set(pairs.map((p) => p.ic_reference));
    for (const l of jel) {
      expect(codes.has(l.company_code)).toBe(true);
      expect(codes.has(l.trading_partner)).toBe(true);
      expect(accounts.has(l.gl_account)).toBe(true);
      expect(users.has(l.created_by)).toBe(true);
      if (l.cost_center !== '') expect(ccs.has(`${l.company_code}|${l.cost_center}`)).toBe(true);
      if (l.source_document_type === 'ic_pair') expect(refs.has(l.source_document_id)).toBe(true);
    }
    for (const p of pairs) {
      expect(codes.has(p.seller_company) && codes.has(p.buyer_company)).toBe(true);
      expect(docs.has(p.seller_journal_entry_id) && docs.has(p.buyer_journal_entry_id)).toBe(true);
    }
  });

  it('eliminates every pair in GROUP: the IC accounts net to zero over the group', () => {
    const elim = jel.filter((l) => l.is_elimination === 'true');
    expect(elim.every((l) => l.company_code === 'GROUP' && l.document_type === 'ELIMINATION' && l.created_by === 'CONSOLIDATION')).toBe(true);
    expect(new Set(elim.map((l) => l.document_id)).size).toBe(pairs.length);
    for (const acc of ['1150', '2050']) {
      const total = jel.filter((l) => l.gl_account === acc).reduce((s, l) => s + toCents(l.group_amount), 0);
      expect(total).toBe(0);
    }
  });

  it('rejects a one-company group with exit 1 and the key path', async () => {
    const work = tmp();
    const cfg = join(work, 'one.yaml');
    writeFileSync(cfg, PIPELINE(THREE.split('\n')[0], join(work, 'out')));
    const r = await runCli(['validate', cfg]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/companies: the intercompany source 'ic' needs at least 2 companies/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
