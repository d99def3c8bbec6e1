/**
 * Quality-gate accumulators and evaluation (controls.md §6) on hand-built batches whose table
 * schemas mirror domain.md §10, so nothing depends on the generators.
 */
import { describe, expect, it } from 'vitest';
import { createBatch, type Batch } from '../../src/engine/batch.js';
import { defineTable, type ColumnSpec, type TableSchema } from '../../src/engine/schema.js';
import { dayFromYmd } from '../../src/domain/dates.js';
import { Rng } from '../../src/random/rng.js';
import { BenfordAccumulator, BENFORD_P, firstDigit } from '../../src/quality/benford.js';
import { BalanceAccumulator } from '../../src/quality/balance.js';
import { ChainAccumulator } from '../../src/quality/chains.js';
import { TemporalAccumulator, referenceDayWeights, pearson } from '../../src/quality/temporal.js';
import { CompletionAccumulator } from '../../src/quality/completion.js';
import { DuplicateAccumulator, SAMPLE_KEYS } from '../../src/quality/duplicates.js';
import { ReferentialAccumulator } from '../../src/quality/referential.js';
import { IcMatchAccumulator } from '../../src/quality/intercompany.js';
import { parseCents } from '../../src/quality/read.js';
import { QualityGates, GateFailedError, compare, formatGateTable, type GateContext } from '../../src/quality/gates.js';
import { resolveGateSettings, PROFILE_TABLE } from '../../src/quality/config.js';
import { ConfigError } from '../../src/errors.js';

const s = (description = 'x', extra: Partial<ColumnSpec> = {}): ColumnSpec => ({ type: 'string', description, ...extra });
const COMPANY = { table: 'companies', column: 'company_code' };
const JE = { table: 'journal_entry_lines', column: 'document_id' };

// Small schemas with the §10 names the metrics read.
const LINES = defineTable('journal_entry_lines', 'lines', [
  ['document_id', s()], ['line_number', { type: 'int', description: 'n' }], ['company_code', s('c', { references: COMPANY })],
  ['fiscal_year', { type: 'int', description: 'y' }], ['fiscal_period', { type: 'int', description: 'p' }],
  ['posting_date', { type: 'date', description: 'd' }], ['source', s()], ['business_process', s()],
  ['source_document_type', s('t', { nullableByDesign: true })], ['gl_account', s()],
  ['debit_amount', { type: 'money', description: 'dr' }], ['credit_amount', { type: 'money', description: 'cr' }],
  ['group_amount', { type: 'money', description: 'g' }], ['trading_partner', s('tp', { nullableByDesign: true })],
], ['document_id', 'line_number']);
const LABELS = defineTable('anomaly_labels', 'labels', [['anomaly_id', s()], ['document_id', s('d', { references: JE })], ['affects_balance', { type: 'bool', description: 'b' }]], ['anomaly_id']);
const COA = defineTable('chart_of_accounts', 'coa', [['account_number', s()], ['account_type', s('t', { nullable: true })]], ['account_number']);
const COMPANIES = defineTable('companies', 'companies', [['company_code', s()], ['company_name', s()]], ['company_code']);
const APPROVALS = defineTable('je_approvals', 'approvals', [['document_id', s('d', { references: JE })], ['action_seq', { type: 'int', description: 'n' }], ['action', s()]], ['document_id', 'action_seq']);
const doc = (table: string, id: string, date: string, pred?: string): TableSchema => defineTable(table, table, [
  [id, s()], ['company_code', s()], [date, { type: 'date', description: 'd' }], ...(pred ? [[pred, s()] as const] : []),
], [id]);
const PO = doc('purchase_orders', 'po_id', 'po_date');
const GR = doc('goods_receipts', 'gr_id', 'gr_date', 'po_id');
const VI = doc('vendor_invoices', 'vi_id', 'invoice_date', 'po_id');
const PAY = doc('ap_payments', 'payment_id', 'payment_date', 'vi_id');
const SO = doc('sales_orders', 'so_id', 'so_date');
const DLV = doc('deliveries', 'delivery_id', 'delivery_date', 'so_id');
const IC = defineTable('ic_matched_pairs', 'ic', [['ic_reference', s()], ['seller_journal_entry_id', s('s', { nullable: true, references: JE })], ['buyer_journal_entry_id', s('b', { nullable: true, references: JE })]], ['ic_reference']);

type Cell = string | number | boolean | null;
/** A batch from rows of plain values in schema order (dates as 'YYYY-MM-DD', money as cents). */
function batch(schema: TableSchema, rows: Cell[][], partition = 0): Batch {
  const b = createBatch(schema, partition, 0, rows.length);
  rows.forEach((row, r) => row.forEach((v, c) => {
    const col = b.values[c];
    const def = schema.columns[c];
    if (v === null) {
      if (Array.isArray(col)) col[r] = null;
      else b.nulls[c]![r] = 1;
      return;
    }
    if (Array.isArray(col)) col[r] = String(v);
    else if (def.type === 'date' && typeof v === 'string') col[r] = dayFromYmd(Number(v.slice(0, 4)), Number(v.slice(5, 7)), Number(v.slice(8, 10)));
    else col[r] = typeof v === 'boolean' ? (v ? 1 : 0) : (v as number);
  }));
  return b;
}

/** One journal line: [doc, line, company, year, period, date, source, process, srcType, account, dr, cr, group, partner]. */
const line = (d: string, n: number, dr: number, cr: number, o: { cc?: string; date?: string; source?: string; process?: string; account?: string; partner?: string | null; period?: number } = {}): Cell[] =>
  [d, n, o.cc ?? '1000', 2025, o.period ?? 1, o.date ?? '2025-01-02', o.source ?? 'manual', o.process ?? 'R2R', null, o.account ?? '1000', dr, cr, dr - cr, o.partner ?? null];


describe('benford_mad', () => {
  it('counts first digits of non-zero debit and credit amounts, minus exempt sources and processes', () => {
    const acc = new BenfordAccumulator();
    acc.observe(batch(LINES, [
      line('a', 1, 12345, 0), line('a', 2, 0, 12345), // digit 1 twice
      line('b', 1, 987, 0), line('b', 2, 0, 987), // digit 9 twice
      line('c', 1, 555, 0, { source: 'recurring' }), // exempt source
      line('d', 1, 444, 0, { process: 'H2R' }), // exempt process
    ]));
    expect(acc.counts).toEqual([2, 0, 0, 0, 0, 0, 0, 0, 2]);
    const r = acc.finalize();
    const expected = BENFORD_P.reduce((a, p, d) => a + Math.abs([0.5, 0, 0, 0, 0, 0, 0, 0, 0.5][d] - p), 0) / 9;
    expect(r.value).toBeCloseTo(expected, 12);
    expect(r.n).toBe(4);
    expect(r.details.band).toBe('nonconforming');
    expect(firstDigit(100)).toBe(1);
    expect(firstDigit(-7)).toBe(7);
  });

  it('log-uniform amounts (Benford by construction) are "close"; merge equals the whole; JSON round-trips', () => {
    const rng = Rng.for(42n, 'test', 0, 'benford');
    const rows: Cell[][] = [];
    for (let i = 0; i < 20000; i++) rows.push(line(`d${i}`, 1, Math.max(1, Math.round(10 ** (rng.float() * 7))), 0));
    const whole = new BenfordAccumulator();
    whole.observe(batch(LINES, rows));
    const a = new BenfordAccumulator();
    const b = new BenfordAccumulator();
    a.observe(batch(LINES, rows.slice(0, 7000)));
    b.observe(batch(LINES, rows.slice(7000)));
    a.merge(b);
    expect(a.finalize()).toEqual(whole.finalize());
    const r = whole.finalize();
    // E[MAD] ≈ 0.002 at n = 20 000 (per-digit SE ≈ 0.003); the close band ends at 0.006.
    expect(r.value!).toBeLessThan(0.006);
    expect(r.details.band).toBe('close');
    expect(BenfordAccumulator.fromJSON(JSON.parse(JSON.stringify(whole.toJSON()))).finalize()).toEqual(r);
  });

  it('parses amounts a data-quality stage re-typed to decimal strings', () => {
    expect(parseCents('1,234.50')).toBe(123450);
    expect(parseCents('-0.015')).toBe(-2);
    expect(parseCents('abc')).toBeNull();
    const strLines = defineTable('journal_entry_lines', 'l', [['document_id', s()], ['debit_amount', s()], ['credit_amount', s()]], ['document_id']);
    const acc = new BenfordAccumulator();
    acc.observe(batch(strLines, [['a', '3,100.00', '0.00'], ['b', 'n/a', '250.5']]));
    expect(acc.counts).toEqual([0, 1, 1, 0, 0, 0, 0, 0, 0]);
  });
});

describe('benford_mad, balance_coherence: typed columns and re-typed strings count alike', () => {
  // The accumulators read generator-typed columns directly and anything else cell by cell (read.ts).
  const retyped = defineTable('journal_entry_lines', 'strings', LINES.columns.map((c) => [c.name, ['int', 'money'].includes(c.type) ? s(c.description, { nullableByDesign: c.nullableByDesign }) : c] as const), LINES.key);
  const toStrings = (row: Cell[]): Cell[] => row.map((v, c) => (typeof v === 'number' && LINES.columns[c].type === 'money' ? (v / 100).toFixed(2) : v));

  it('the same lines give the same counts, groups and nets either way', () => {
    const rng = Rng.for(42n, 'test', 0, 'typed-vs-strings');
    const rows: Cell[][] = [];
    for (let e = 0; e < 400; e++) {
      const amount = Math.max(1, Math.round(10 ** (rng.float() * 6)));
      const o = { period: 1 + (e % 3), source: e % 7 === 0 ? 'recurring' : 'manual', process: e % 11 === 0 ? 'H2R' : 'R2R', account: String(1000 + (e % 5)) };
      // Every 13th entry is off by a cent per line pair: unbalanced groups must match too.
      const skew = e % 13 === 0 ? 1 : 0;
      rows.push(line(`d${e}`, 1, amount, 0, o), line(`d${e}`, 2, 0, amount - skew, o));
    }
    const typed = { benford: new BenfordAccumulator(), balance: new BalanceAccumulator(0) };
    const strings = { benford: new BenfordAccumulator(), balance: new BalanceAccumulator(0) };
    for (const [acc, b] of [[typed, batch(LINES, rows)], [strings, batch(retyped, rows.map(toStrings))]] as const) {
      acc.benford.observe(b);
      acc.balance.observe(b);
    }
    expect(strings.benford.finalize()).toEqual(typed.benford.finalize());
    expect(typed.benford.counts.reduce((a, c) => a + c, 0)).toBeGreaterThan(500);
    const balance = typed.balance.finalize();
    expect(strings.balance.finalize()).toEqual(balance);
    expect(balance.value).toBe(0);
    expect(strings.balance.toJSON()).toEqual(typed.balance.toJSON());
  });
});

describe('balance_coherence', () => {
  const balanced = [line('a', 1, 100, 0), line('a', 2, 0, 100)];
  it('groups by company, year and period; a group fails when Σdebit − Σcredit exceeds the tolerance', () => {
    const acc = new BalanceAccumulator(1);
    acc.observe(batch(LINES, [...balanced, line('b', 1, 105, 0, { period: 2 }), line('b', 2, 0, 100, { period: 2 })]));
    const r = acc.finalize();
    expect(r.value).toBe(0.5);
    expect(r.n).toBe(2);
    expect(r.details.failed_groups).toEqual(['1000|2025|2']);
    const loose = new BalanceAccumulator(5);
    loose.observe(batch(LINES, [...balanced, line('b', 1, 105, 0, { period: 2 }), line('b', 2, 0, 100, { period: 2 })]));
    expect(loose.finalize().value).toBe(1);
  });

  it('excludes entries with an affects_balance label; untyped accounts fail when the chart is produced', () => {
    const acc = new BalanceAccumulator(0);
    acc.observe(batch(LINES, [...balanced, line('x', 1, 999, 0)]));
    acc.observe(batch(LABELS, [['L1', 'x', true]]));
    expect(acc.finalize().value).toBe(1);
    expect(acc.finalize().details.excluded_labelled_documents).toBe(1);
    acc.observe(batch(COA, [['1000', null]]));
    expect(acc.finalize().value).toBe(0);
    expect(acc.finalize().details.groups_with_untyped_accounts).toBe(1);
  });

  it('an entry split across batches of one partition closes once; merge and JSON round-trip equal the whole', () => {
    const rows = [line('a', 1, 100, 0), line('a', 2, 0, 60), line('a', 3, 0, 40), line('b', 1, 7, 0, { cc: '2000' })];
    const whole = new BalanceAccumulator(0);
    whole.observe(batch(LINES, rows));
    const split = new BalanceAccumulator(0);
    split.observe(batch(LINES, rows.slice(0, 2)), 'gl');
    split.observe(batch(LINES, rows.slice(2, 3)), 'gl');
    const other = new BalanceAccumulator(0);
    other.observe(batch(LINES, rows.slice(3), 1), 'gl');
    split.merge(BalanceAccumulator.fromJSON(JSON.parse(JSON.stringify(other.toJSON()))));
    expect(split.finalize().value).toBe(whole.finalize().value);
    expect(whole.finalize().value).toBe(0.5);
  });

  it('no groups → not evaluated', () => {
    expect(new BalanceAccumulator().finalize().notEvaluated).toMatch(/no \(company/);
  });
});

describe('document_chain_integrity', () => {
  it('a chain per root and per orphan; wrong company or a date before the predecessor breaks it', () => {
    const acc = new ChainAccumulator();
    acc.observe(batch(PO, [['PO1', '1000', '2025-01-02'], ['PO2', '1000', '2025-01-10'], ['PO3', '1000', '2025-01-10']]), 'p2p');
    acc.observe(batch(GR, [['GR1', '1000', '2025-01-05', 'PO1'], ['GR2', '1000', '2025-01-09', 'PO2'], ['GR9', '1000', '2025-01-09', 'PO404']]), 'p2p');
    acc.observe(batch(VI, [['VI1', '1000', '2025-01-06', 'PO1'], ['VI3', '2000', '2025-01-11', 'PO3']]), 'p2p');
    acc.observe(batch(PAY, [['PAY1', '1000', '2025-02-01', 'VI1']]), 'p2p');
    const r = acc.finalize();
    // Chains: PO1 intact (GR, VI, PAY in order), PO2 broken (GR dated before PO), PO3 broken (VI of another company), GR9 orphan.
    expect(r.n).toBe(4);
    expect(r.value).toBe(0.25);
    expect((r.details.p2p as { orphans: number }).orphans).toBe(1);
    expect((r.details.p2p as { broken_links: number }).broken_links).toBe(2);
  });

  it('unfinished chains are intact; documents never join a chain of another partition', () => {
    const acc = new ChainAccumulator();
    acc.observe(batch(SO, [['SO1', '1000', '2025-01-02'], ['SO2', '1000', '2025-01-02']], 0), 'o2c');
    acc.observe(batch(DLV, [['D1', '1000', '2025-01-03', 'SO1']], 0), 'o2c');
    acc.observe(batch(DLV, [['D2', '1000', '2025-01-03', 'SO2']], 1), 'o2c'); // next partition: SO2 is gone
    const r = acc.finalize();
    expect(r.n).toBe(3); // SO1, SO2 (unfinished: intact), D2 orphan
    expect(r.value).toBeCloseTo(2 / 3, 12);
    const copy = ChainAccumulator.fromJSON(JSON.parse(JSON.stringify(acc.toJSON())));
    copy.merge(ChainAccumulator.fromJSON(acc.toJSON()));
    expect(copy.finalize().n).toBe(6);
    expect(copy.finalize().value).toBeCloseTo(2 / 3, 12);
    expect(new ChainAccumulator().finalize().notEvaluated).toMatch(/no document chains/);
  });
});

describe('temporal_consistency', () => {
  const start = dayFromYmd(2025, 1, 1);
  it('reference weights: weekday 1.0, weekend 0.1, last business day of month ×2.5, quarter ×4.0, year ×6.0', () => {
    const w = referenceDayWeights(start, 12);
    expect(w.length).toBe(365);
    expect(w[dayFromYmd(2025, 1, 2) - start]).toBe(1); // Thursday
    expect(w[dayFromYmd(2025, 1, 4) - start]).toBeCloseTo(0.1, 12); // Saturday
    expect(w[dayFromYmd(2025, 1, 31) - start]).toBe(2.5); // Friday, last business day of January
    expect(w[dayFromYmd(2025, 5, 30) - start]).toBe(2.5); // Friday; May 31 is a Saturday
    expect(w[dayFromYmd(2025, 3, 31) - start]).toBe(4); // Monday, quarter end
    expect(w[dayFromYmd(2025, 12, 31) - start]).toBe(6); // Wednesday, year end
  });

  it('counts each entry once by posting date; r = 1 when counts follow the weights', () => {
    const weights = referenceDayWeights(start, 2);
    const acc = new TemporalAccumulator(start, 2);
    const rows: Cell[][] = [];
    weights.forEach((wt, i) => {
      const n = Math.round(wt * 10);
      const y = new Date((start + i) * 86_400_000).toISOString().slice(0, 10);
      for (let k = 0; k < n; k++) rows.push(line(`e${i}-${k}`, 1, 1, 0, { date: y }), line(`e${i}-${k}`, 2, 0, 1, { date: y }));
    });
    acc.observe(batch(LINES, rows));
    const r = acc.finalize();
    expect(r.details.documents).toBe(rows.length / 2);
    expect(r.value).toBeCloseTo(1, 9);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 12);
  });

  it('< 28 days or zero variance → not evaluated', () => {
    const short = new TemporalAccumulator(start, 1, new Float64Array(20).fill(1));
    short.observe(batch(LINES, [line('a', 1, 1, 0)]));
    expect(short.finalize().notEvaluated).toMatch(/< 28/);
    const flat = new TemporalAccumulator(start, 1);
    const rows: Cell[][] = [];
    for (let d = 1; d <= 31; d++) rows.push(line(`e${d}`, 1, 1, 0, { date: `2025-01-${String(d).padStart(2, '0')}` }));
    flat.observe(batch(LINES, rows));
    expect(flat.finalize().notEvaluated).toMatch(/zero variance/);
  });
});

describe('completion_rate', () => {
  it('cells = rows × columns minus nullable_by_design; null and blank strings are incomplete', () => {
    const t = defineTable('vendors', 'v', [['vendor_id', s()], ['name', s('n', { nullable: true })], ['tax_id', s('t', { nullableByDesign: true })], ['limit', { type: 'int', description: 'l', nullable: true }]], ['vendor_id']);
    const acc = new CompletionAccumulator();
    acc.observe(batch(t, [['V1', 'A', null, 1], ['V2', '  ', null, null], ['V3', null, 'X', 3]]));
    const r = acc.finalize();
    expect(r.n).toBe(9);
    expect(r.value).toBeCloseTo(6 / 9, 12);
    const back = CompletionAccumulator.fromJSON(JSON.parse(JSON.stringify(acc.toJSON())));
    back.merge(acc);
    expect(back.finalize().n).toBe(18);
    expect(new CompletionAccumulator().finalize().notEvaluated).toBe('no cells');
  });
});

describe('duplicate_rate', () => {
  const T = defineTable('vendors', 'v', [['vendor_id', s()], ['name', s()], ['city', s('c', { nullable: true })]], ['vendor_id']);
  it('hashes rows without their identity columns: a copy under a new id is a duplicate', () => {
    const acc = new DuplicateAccumulator();
    acc.observe(batch(T, [['V1', 'Acme', 'X'], ['V2', 'Acme', 'X'], ['V3', 'Acme', null], ['V4', 'Beta', 'X']]));
    const r = acc.finalize();
    expect(r.n).toBe(4);
    expect(r.value).toBe(0.25);
  });

  it('keeps line_number of a composite key: equal lines inside one entry are not duplicates, a copied entry is', () => {
    const acc = new DuplicateAccumulator();
    acc.observe(batch(LINES, [line('a', 1, 5, 0), line('a', 2, 5, 0), line('b', 1, 5, 0), line('b', 2, 5, 0)]));
    expect(acc.finalize().value).toBe(0.5);
  });

  it('past the tracking limit k doubles; duplicate groups stay whole, so the estimate stays exact for pairs', () => {
    const rows: Cell[][] = [];
    for (let i = 0; i < 400; i++) rows.push([`A${i}`, `name${i}`, 'X'], [`B${i}`, `name${i}`, 'X']);
    const acc = new DuplicateAccumulator(64);
    acc.observe(batch(T, rows));
    const r = acc.finalize();
    const t = (r.details.tables as Record<string, { k: number; exact: boolean }>).vendors;
    expect(t.k).toBeGreaterThan(0);
    expect(t.exact).toBe(false);
    expect(r.value).toBe(0.5);
    // merge: max k, filter, add; JSON round-trip keeps state.
    const small = new DuplicateAccumulator(64);
    small.observe(batch(T, rows.slice(0, 20)));
    const merged = DuplicateAccumulator.fromJSON(JSON.parse(JSON.stringify(acc.toJSON())), 64);
    merged.merge(small);
    const whole = new DuplicateAccumulator(64);
    whole.observe(batch(T, rows));
    whole.observe(batch(T, rows.slice(0, 20)));
    expect((merged.finalize().details.tables as Record<string, { k: number }>).vendors.k).toBe(t.k);
    expect(merged.finalize()).toEqual(whole.finalize());
    expect(merged.finalize().value).toBeGreaterThan(0.5); // the extra rows are further copies of tracked groups
    expect(new DuplicateAccumulator().finalize().notEvaluated).toBe('no rows');
  });
});

describe('referential_integrity', () => {
  it('FK values resolve against master key sets whatever the order; nulls in required FKs are invalid', () => {
    const acc = new ReferentialAccumulator([LINES, COMPANIES, LABELS]);
    const rows = [line('a', 1, 1, 0), line('a', 2, 0, 1, { cc: '9999' }), line('b', 1, 1, 0)];
    rows[2][2] = null;
    acc.observe(batch(LINES, rows), 'gl');
    acc.observe(batch(COMPANIES, [['1000', 'Acme']]), 'companies');
    const r = acc.finalize();
    expect(r.details.foreign_keys).toMatchObject({ 'journal_entry_lines.company_code->companies.company_code': { evaluated: true, valid: 1, invalid: 2, nulls_in_required: 1 } });
    expect(r.value).toBeCloseTo(1 / 3, 12);
  });

  it('document targets close per partition; a target the run does not produce is not evaluated', () => {
    const acc = new ReferentialAccumulator([LINES, APPROVALS, COMPANIES]);
    acc.observe(batch(LINES, [line('a', 1, 1, 0)], 0), 'gl');
    acc.observe(batch(APPROVALS, [['a', 1, 'approve'], ['zzz', 1, 'approve']], 0), 'gl');
    acc.observe(batch(LINES, [line('b', 1, 1, 0)], 1), 'gl');
    acc.observe(batch(APPROVALS, [['a', 1, 'approve']], 1), 'gl'); // 'a' lives in partition 0
    const r = acc.finalize();
    expect(r.details.foreign_keys).toMatchObject({ 'je_approvals.document_id->journal_entry_lines.document_id': { valid: 1, invalid: 2 } });
    expect(r.details.targets_not_produced).toEqual(['companies']);
    expect((r.details.foreign_keys as Record<string, { evaluated: boolean }>)['journal_entry_lines.company_code->companies.company_code'].evaluated).toBe(false);
    expect(r.value).toBeCloseTo(1 / 3, 12);
    const back = ReferentialAccumulator.fromJSON(JSON.parse(JSON.stringify(acc.toJSON())), [LINES, APPROVALS, COMPANIES]);
    expect(back.finalize()).toEqual(r);
  });
});

describe('referential_integrity: bounded state', () => {
  it('once the partition of a master table closes, FK values against it resolve at once (no pending values kept)', () => {
    const acc = new ReferentialAccumulator([LINES, COMPANIES, APPROVALS], new Set(['journal_entry_lines', 'companies', 'je_approvals']));
    acc.observe(batch(LINES, [line('a', 1, 1, 0, { cc: '7777' })], 0), 'gl'); // before the master: pending
    acc.observe(batch(COMPANIES, [['1000', 'Acme']]), 'companies');
    acc.observe(batch(LINES, [line('b', 1, 1, 0), line('c', 1, 1, 0, { cc: '9999' })], 1), 'gl');
    expect(acc.complete.has('companies.company_code')).toBe(true);
    expect(acc.pending.size).toBe(0);
    expect(acc.finalize().details.foreign_keys).toMatchObject({ 'journal_entry_lines.company_code->companies.company_code': { valid: 1, invalid: 2 } });
  });

  it('key sets only for targets a produced table references; FKs of unproduced referrers are not kept', () => {
    const acc = new ReferentialAccumulator([LINES, COMPANIES, APPROVALS], new Set(['journal_entry_lines', 'companies']));
    acc.observe(batch(LINES, [line('a', 1, 1, 0)], 0), 'gl');
    acc.observe(batch(APPROVALS, [['zzz', 1, 'approve']], 0), 'gl');
    // je_approvals is not produced: no journal_entry_lines.document_id key set, its FK is not counted.
    expect(Object.keys(acc.finalize().details.foreign_keys as object)).toEqual(['journal_entry_lines.company_code->companies.company_code']);
  });
});

describe('ic_match_rate', () => {
  it('matched iff both entries exist and their group amounts agree within the tolerance', () => {
    const acc = new IcMatchAccumulator(1);
    acc.observe(batch(IC, [['IC1', 's1', 'b1'], ['IC2', 's2', 'b2'], ['IC3', 's3', 'b404'], ['IC4', null, 'b4']]), 'ic');
    acc.observe(batch(LINES, [
      line('s1', 1, 1000, 0, { partner: '2000' }), line('s1', 2, 0, 1000, { partner: '2000' }),
      line('b1', 1, 1001, 0, { partner: '1000' }), line('b1', 2, 0, 1001, { partner: '1000' }),
      line('s2', 1, 1000, 0, { partner: '2000' }), line('b2', 1, 1500, 0, { partner: '1000' }),
      line('s3', 1, 5, 0, { partner: '2000' }),
    ]), 'ic');
    const r = acc.finalize();
    expect(r.n).toBe(4);
    expect(r.value).toBe(0.25);
    expect(r.details).toMatchObject({ matched: 1, amount_mismatches: 1, missing_entries: 2, entries_checked: true });
    expect(IcMatchAccumulator.fromJSON(JSON.parse(JSON.stringify(acc.toJSON()))).finalize()).toEqual(r);
    expect(new IcMatchAccumulator().finalize().notEvaluated).toMatch(/no pairs/);
  });
});

describe('gate evaluation (controls.md §6.1, §6.2, §6.5)', () => {
  const ctx = (produced: string[], extra: Partial<GateContext> = {}): GateContext => ({
    // 20 days of weights: temporal_consistency is not evaluated (< 28 days) in these runs.
    schemas: [LINES, COMPANIES, LABELS, IC, PO, GR], producedTables: new Set(produced), period: { startDay: dayFromYmd(2025, 1, 1), months: 1 }, dayWeights: new Float64Array(20).fill(1), ...extra,
  });
  const balancedLines = (n: number): Cell[][] => {
    const rows: Cell[][] = [];
    const rng = Rng.for(7n, 'gates', 0, 'amounts');
    for (let i = 0; i < n; i++) {
      const amt = Math.round(10 ** (3 + rng.float() * 5)); // ≥ 10.00: no accidental equal lines
      const day = 2 + (i % 20);
      const date = `2025-01-${String(day).padStart(2, '0')}`;
      rows.push(line(`d${i}`, 1, amt, 0, { date }), line(`d${i}`, 2, 0, amt, { date, account: '2000' }));
    }
    return rows;
  };

  it('profiles set thresholds; overrides replace them; comparisons gte, lte, eq, between', () => {
    expect(PROFILE_TABLE.find((p) => p.metric === 'benford_mad')).toMatchObject({ strict: 0.01, default: 0.015, lenient: 0.03 });
    const strict = new QualityGates(resolveGateSettings({ profile: 'strict' }), ctx(['journal_entry_lines']));
    const lenient = new QualityGates(resolveGateSettings({ profile: 'lenient', overrides: { completion_rate: { threshold: 0.5 } } }), ctx(['journal_entry_lines']));
    expect(strict.gates.find((g) => g.gate === 'duplicate_rate')!.threshold).toBe(0.001);
    expect(lenient.gates.find((g) => g.gate === 'completion_rate')!.threshold).toBe(0.5);
    expect(compare(0.5, 'eq', 0.5 + 1e-12, null)).toBe(true);
    expect(compare(0.5, 'eq', 0.51, null)).toBe(false);
    expect(compare(0.5, 'between', 0.4, 0.5)).toBe(true);
    expect(compare(0.51, 'between', 0.4, 0.5)).toBe(false);
  });

  it('statuses: pass, fail, not_applicable (fail when required), not_evaluated (fail unless allowed)', () => {
    const settings = resolveGateSettings({
      profile: 'default',
      allow_not_evaluated: ['temporal_consistency'],
      custom: [
        { name: 'ic_required', metric: 'ic_match_rate', comparison: 'gte', threshold: 0.9, required: true },
        { name: 'tiny_benford', metric: 'benford_mad', comparison: 'between', threshold: 0, upper_threshold: 0.5 },
      ],
    });
    const gates = new QualityGates(settings, ctx(['journal_entry_lines', 'companies']));
    gates.observe(batch(COMPANIES, [['1000', 'Acme']]), 'companies');
    gates.observe(batch(LINES, balancedLines(300)), 'gl');
    const report = gates.evaluate('run-1');
    const by = Object.fromEntries(report.results.map((r) => [r.gate, r]));
    expect(by.benford_mad.status).toBe('fail'); // n 600 < min_n 1000: not evaluated, counts as a failure
    expect(by.benford_mad.message).toMatch(/not evaluated \(n 600 < min_n 1000\)/);
    expect(by.tiny_benford.status).toBe('fail');
    expect(by.balance_coherence.status).toBe('pass');
    expect(by.document_chain_integrity.status).toBe('not_applicable');
    expect(by.temporal_consistency.status).toBe('not_evaluated'); // allowed: neutral
    expect(by.ic_match_rate.status).toBe('not_applicable');
    expect(by.ic_required.status).toBe('fail');
    expect(by.ic_required.message).toMatch(/not applicable .* but required/);
    expect(report.passed).toBe(false);
    expect(report.counts.fail).toBe(3);
    expect(report.summary).toMatch(/^\d+\/\d+ gates passed, 3 failed, 1 not evaluated, 2 not applicable \(profile: default\)$/);
    // The stderr table says why a FAIL that carries a value was not judged on it.
    const table = formatGateTable(report).split('\n');
    expect(table.find((l) => / benford_mad /.test(l))).toMatch(/^ {2}FAIL +benford_mad .* n=600 {2}\(not evaluated: n 600 < min_n 1000\)$/);
    expect(table.find((l) => / balance_coherence /.test(l))).not.toMatch(/not evaluated/);
  });

  it('min_n override and allow_not_evaluated make a small run pass', () => {
    const gates = new QualityGates(resolveGateSettings({ overrides: { benford_mad: { min_n: 100, threshold: 0.05 } }, allow_not_evaluated: ['temporal_consistency'] }), ctx(['journal_entry_lines', 'companies']));
    gates.observe(batch(LINES, balancedLines(300)), 'gl');
    gates.observe(batch(COMPANIES, [['1000', 'Acme']]), 'companies');
    const r = gates.evaluate('r');
    expect(r.results.find((x) => x.gate === 'benford_mad')!.status).toBe('pass');
    expect(r.passed).toBe(true);
    expect(Object.keys(r)).toEqual(['gates_version', 'run_id', 'profile', 'strategy', 'enforce', 'passed', 'counts', 'summary', 'results']);
    expect(Object.keys(r.results[0])).toEqual(['gate', 'metric', 'comparison', 'threshold', 'upper_threshold', 'value', 'n', 'status', 'required', 'message', 'details']);
  });

  it('fail_fast: the first failure in table order skips the rest', () => {
    const gates = new QualityGates(resolveGateSettings({ strategy: 'fail_fast', overrides: { benford_mad: { min_n: 1 } } }), ctx(['journal_entry_lines']));
    gates.observe(batch(LINES, [line('a', 1, 900, 0), line('a', 2, 0, 900)]), 'gl');
    const r = gates.evaluate('r');
    expect(r.results[0]).toMatchObject({ gate: 'benford_mad', status: 'fail' });
    expect(r.results.slice(1).every((x) => x.status === 'skipped')).toBe(true);
    expect(r.counts.skipped).toBe(7);
  });

  it('fail_fast ends the run early once a count-based gate exceeds what the whole run may have', () => {
    const dupes: Cell[][] = [];
    for (let i = 0; i < 50; i++) dupes.push(line(`x${i}`, 1, 5, 0));
    const gates = new QualityGates(resolveGateSettings({ strategy: 'fail_fast', profile: 'none', custom: [{ name: 'dups', metric: 'duplicate_rate', comparison: 'lte', threshold: 0.01 }] }),
      ctx(['journal_entry_lines'], { plannedRows: new Map([['journal_entry_lines', 1000]]) }));
    gates.observe(batch(LINES, dupes, 0), 'gl'); // 49 duplicates > 0.01 × 1000 planned
    expect(() => gates.observe(batch(LINES, dupes.slice(0, 1), 1), 'gl')).toThrow(GateFailedError);
    const r = gates.evaluate('r');
    expect(r.results[0]).toMatchObject({ gate: 'dups', status: 'fail' });
    expect(r.results[0].message).toMatch(/stopping early \(fail_fast\)/);
  });

  it('settings: CLI switches win; semantic errors are ConfigErrors with the key path', () => {
    expect(resolveGateSettings(undefined)).toMatchObject({ enabled: true, profile: 'default', enforce: true, strategy: 'collect_all' });
    expect(resolveGateSettings({ enforce: true }, { mode: 'warn' }).enforce).toBe(false);
    expect(resolveGateSettings({}, { mode: 'off' }).enabled).toBe(false);
    expect(resolveGateSettings({ enabled: false, enforce: false }, { mode: 'enforce', profile: 'lenient' })).toMatchObject({ enabled: true, enforce: true, profile: 'lenient' });
    try {
      resolveGateSettings({ custom: [{ name: 'b', metric: 'benford_mad', comparison: 'between', threshold: 0.1 }, { name: 'benford_mad', metric: 'benford_mad', comparison: 'lte', threshold: 0.1 }] });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).issues.map((i) => i.path)).toEqual(['gates.custom[0].upper_threshold', 'gates.custom[1].name']);
    }
  });

  it('stateJSON holds every accumulator state; profile none has only custom gates', () => {
    const gates = new QualityGates(resolveGateSettings({ profile: 'none', custom: [{ name: 'c', metric: 'completion_rate', comparison: 'gte', threshold: 0.9 }] }), ctx(['journal_entry_lines']));
    gates.observe(batch(LINES, [line('a', 1, 1, 0)]), 'gl');
    expect(gates.gates.map((g) => g.gate)).toEqual(['c']);
    const state = gates.stateJSON('run-9');
    expect(state).toMatchObject({ gates_state_version: '1.0', run_id: 'run-9' });
    expect(Object.keys(state.states as object)).toEqual(['completion_rate']);
    expect(CompletionAccumulator.fromJSON((state.states as Record<string, unknown>).completion_rate).finalize().value).toBe(1);
  });
});

describe('standalone journal entries only: benford_mad, temporal_consistency (domain.md I10, §5.5)', () => {
  /** A document-derived line (source_document_type set, domain.md §5.1 col 21). */
  const docLine = (d: string, n: number, dr: number, cr: number, o: Parameters<typeof line>[4] = {}): Cell[] => {
    const row = line(d, n, dr, cr, o);
    row[8] = 'vendor_invoice';
    return row;
  };
  const ctx2 = (): GateContext => ({ schemas: [LINES], producedTables: new Set(['journal_entry_lines']), period: { startDay: dayFromYmd(2025, 1, 1), months: 2 } });

  it('lines of document-derived entries are left out of both metrics', () => {
    const benford = new BenfordAccumulator();
    const temporal = new TemporalAccumulator(dayFromYmd(2025, 1, 1), 2);
    const b = batch(LINES, [line('a', 1, 300, 0), line('a', 2, 0, 300), docLine('p', 1, 900, 0), docLine('p', 2, 0, 900), docLine('q', 1, 700, 0)]);
    benford.observe(b);
    temporal.observe(b, 'gl');
    expect(benford.counts).toEqual([0, 0, 2, 0, 0, 0, 0, 0, 0]);
    expect(benford.finalize().details).toMatchObject({ non_standalone_lines: 3, standalone_lines: 2 });
    expect([...temporal.daily.values()]).toEqual([1]);
    expect(temporal.nonStandalone).toBe(2);
  });

  it('a run with only document-derived entries makes both gates not_applicable ("no standalone journal entries"); required → fail', () => {
    const rows: Cell[][] = [];
    for (let i = 0; i < 600; i++) rows.push(docLine(`p${i}`, 1, 100 + i * 37, 0, { date: `2025-01-${String(2 + (i % 27)).padStart(2, '0')}` }), docLine(`p${i}`, 2, 0, 100 + i * 37));
    const settings = resolveGateSettings({ overrides: { benford_mad: { min_n: 1 } }, custom: [{ name: 'benford_required', metric: 'benford_mad', comparison: 'lte', threshold: 0.5, required: true }] });
    const gates = new QualityGates(settings, ctx2());
    gates.observe(batch(LINES, rows), 'p2p');
    const by = Object.fromEntries(gates.evaluate('r').results.map((r) => [r.gate, r]));
    for (const g of ['benford_mad', 'temporal_consistency']) {
      expect(by[g].status).toBe('not_applicable');
      expect(by[g].message).toMatch(/not applicable \(no standalone journal entries/);
      expect(by[g].details.reason).toMatch(/^no standalone journal entries/);
    }
    expect(by.benford_required.status).toBe('fail');
    expect(by.benford_required.message).toMatch(/not applicable .* but required/);
    // The same through a stored state (commit / worker path).
    const merged = new QualityGates(settings, ctx2());
    merged.mergeState(JSON.parse(JSON.stringify(gates.stateJSON('r'))) as Record<string, unknown>);
    expect(merged.evaluate('r').results.find((r) => r.gate === 'temporal_consistency')!.status).toBe('not_applicable');
  });

  it('standalone lines that are all exempt stay not evaluated (not "not applicable")', () => {
    const acc = new BenfordAccumulator();
    acc.observe(batch(LINES, [line('r', 1, 500, 0, { source: 'recurring' }), docLine('p', 1, 900, 0)]));
    const r = acc.finalize();
    expect(r.notApplicable).toBeUndefined();
    expect(r.notEvaluated).toBe('no non-zero amounts');
  });
});

describe('duplicate_rate: row hash, bounded memory, injected duplicates', () => {
  const T = defineTable('vendors', 'v', [['vendor_id', s()], ['name', s()], ['city', s('c', { nullable: true })], ['amount', { type: 'money', description: 'a', nullable: true }], ['day', { type: 'date', description: 'd' }]], ['vendor_id']);
  const DQ = defineTable('dq_labels', 'dq', [['label_id', s()], ['issue_type', s()], ['record_id', s()]], ['label_id']);
  const rate = (rows: Cell[][], max?: number): number | null => {
    const acc = new DuplicateAccumulator(max);
    acc.observe(batch(T, rows));
    return acc.finalize().value;
  };

  it('equal fields hash equal across batches; column boundaries, nulls vs blanks, 0 vs −0 and numbers are told apart exactly', () => {
    const acc = new DuplicateAccumulator();
    acc.observe(batch(T, [['V1', 'ab', 'c', 100, '2025-01-02']], 0));
    acc.observe(batch(T, [['V2', 'ab', 'c', 100, '2025-01-02'], ['V3', 'a', 'bc', 100, '2025-01-02']], 3));
    expect(acc.finalize()).toMatchObject({ value: 1 / 3, n: 3 });
    expect(rate([['V1', 'x', null, 5, '2025-01-02'], ['V2', 'x', '', 5, '2025-01-02']])).toBe(0);
    expect(rate([['V1', 'x', 'y', null, '2025-01-02'], ['V2', 'x', 'y', 0, '2025-01-02']])).toBe(0);
    expect(rate([['V1', 'x', 'y', 0, '2025-01-02'], ['V2', 'x', 'y', -0, '2025-01-02']])).toBe(0.5);
    expect(rate([['V1', 'x', 'y', 1, '2025-01-02'], ['V2', 'x', 'y', 1, '2025-01-03']])).toBe(0);
  });

  it('no collisions over 200,000 distinct near-identical rows (52-bit hash, ≈ n²/2^53 expected)', () => {
    const rows: Cell[][] = [];
    for (let i = 0; i < 200_000; i++) rows.push([`V${i}`, `name${i % 1000}`, `c${Math.floor(i / 1000)}`, i % 7, '2025-01-02']);
    expect(rate(rows, 1 << 20)).toBe(0);
  });

  it('at most maxTracked hashes are kept (k doubles); the sampled estimate is within 4 standard errors', () => {
    const rows: Cell[][] = [];
    const rng = Rng.for(11n, 'dups', 0, 'copies');
    let copies = 0;
    for (let i = 0; i < 40_000; i++) {
      rows.push([`A${i}`, `n${i}`, 'X', i, '2025-01-02']);
      if (rng.float() < 0.02) { rows.push([`B${i}`, `n${i}`, 'X', i, '2025-01-02']); copies++; }
    }
    const acc = new DuplicateAccumulator(2048);
    acc.observe(batch(T, rows));
    const t = acc.tables.get('vendors')!;
    expect(t.hashes.size).toBeLessThanOrEqual(2048);
    expect(t.k).toBeGreaterThan(0);
    const exact = copies / rows.length;
    const se = Math.sqrt((exact * (1 - exact)) / t.hashes.size);
    expect(Math.abs(acc.finalize().value! - exact)).toBeLessThan(4 * se);
  });

  it('journal_entry_lines samples on its sample key (SAMPLE_KEYS): copies stay whole, the estimate is within 4 SE, partition states merge to the whole', () => {
    expect(SAMPLE_KEYS.journal_entry_lines).toEqual(['created_at', 'debit_amount', 'credit_amount']);
    const rng = Rng.for(5n, 'dups', 0, 'lines');
    const rows: Cell[][] = [];
    let copies = 0;
    for (let i = 0; i < 30_000; i++) {
      // Equal amounts on many rows (i % 500): rows sharing a tag but differing elsewhere are still told apart by the full hash.
      const l = line(`D${i}`, 1, (i % 500) + 1, 0, { account: `A${i}` });
      rows.push(l);
      if (rng.float() < 0.03) { rows.push([`C${i}`, ...l.slice(1)]); copies++; }
    }
    const max = 1024;
    const whole = new DuplicateAccumulator(max);
    for (let at = 0; at < rows.length; at += 4096) whole.observe(batch(LINES, rows.slice(at, at + 4096)));
    const t = whole.tables.get('journal_entry_lines')!;
    expect(t.k).toBeGreaterThan(0);
    expect(t.hashes.size).toBeLessThanOrEqual(max);
    const exact = copies / rows.length;
    const se = Math.sqrt((exact * (1 - exact)) / t.hashes.size);
    expect(Math.abs(whole.finalize().value! - exact)).toBeLessThan(4 * se);
    // Two "partitions" observed apart, their states round-tripped through JSON (tags stored) and merged.
    const half = rows.length / 2 | 0;
    const a = new DuplicateAccumulator(max), b = new DuplicateAccumulator(max);
    for (let at = 0; at < half; at += 4096) a.observe(batch(LINES, rows.slice(at, Math.min(at + 4096, half))));
    for (let at = half; at < rows.length; at += 4096) b.observe(batch(LINES, rows.slice(at, Math.min(at + 4096, rows.length))));
    const state = JSON.parse(JSON.stringify(a.toJSON())) as { tables: Record<string, { tags_u32le?: string }> };
    expect(typeof state.tables.journal_entry_lines.tags_u32le).toBe('string');
    const merged = DuplicateAccumulator.fromJSON(state, max);
    merged.merge(DuplicateAccumulator.fromJSON(JSON.parse(JSON.stringify(b.toJSON())), max));
    expect(merged.finalize()).toEqual(whole.finalize());
    // A table without a sample key stores no tags (they are the hashes' low bits).
    const v = new DuplicateAccumulator();
    v.observe(batch(T, [['V1', 'a', 'x', 1, '2025-01-02']]));
    expect((v.toJSON() as { tables: Record<string, object> }).tables.vendors).not.toHaveProperty('tags_u32le');
  });

  it('at k = 0 the sampled table is exact: the same value as hashing every row', () => {
    const rows: Cell[][] = [line('a', 1, 5, 0), line('a', 2, 5, 0), line('b', 1, 5, 0), line('b', 2, 5, 0), line('c', 1, 7, 0)];
    const acc = new DuplicateAccumulator();
    acc.observe(batch(LINES, rows));
    expect(acc.finalize()).toMatchObject({ value: 2 / 5, n: 5 });
    expect((acc.finalize().details.tables as Record<string, { exact: boolean }>).journal_entry_lines.exact).toBe(true);
  });

  it('counts dq_labels issue_type duplicate as injected_duplicates, says so in the gate message, merges and round-trips', () => {
    const gates = new QualityGates(resolveGateSettings({ profile: 'none', custom: [{ name: 'dups', metric: 'duplicate_rate', comparison: 'lte', threshold: 0.01 }] }), { schemas: [T, DQ], producedTables: new Set(['vendors', 'dq_labels']), period: { startDay: dayFromYmd(2025, 1, 1), months: 1 } });
    gates.observe(batch(T, [['V1', 'a', 'x', 1, '2025-01-02'], ['V2', 'a', 'x', 1, '2025-01-02']]), 'v');
    gates.observe(batch(DQ, [['L1', 'duplicate', 'V2'], ['L2', 'typo', 'V1']]), 'v');
    const r = gates.evaluate('r').results[0];
    expect(r.status).toBe('fail');
    expect(r.details.injected_duplicates).toBe(1);
    expect(r.message).toMatch(/includes 1 duplicate entries injected by data_quality/);
    const acc = DuplicateAccumulator.fromJSON(JSON.parse(JSON.stringify(gates.accumulators.get('duplicate_rate')!.toJSON())));
    acc.merge(DuplicateAccumulator.fromJSON(acc.toJSON()));
    expect(acc.finalize().details.injected_duplicates).toBe(2);
  });
});

describe('mergeState: two halves merged equal one instance that observed everything (controls.md §6.4)', () => {
  const start = dayFromYmd(2025, 1, 1);
  const DQ = defineTable('dq_labels', 'dq', [['label_id', s()], ['issue_type', s()], ['record_id', s('r', { references: JE })]], ['label_id']);
  const schemas = [LINES, COMPANIES, COA, LABELS, APPROVALS, IC, PO, GR, VI, PAY, SO, DLV, DQ];
  const gateCtx = (): GateContext => ({ schemas, producedTables: new Set(schemas.map((x) => x.name)), period: { startDay: start, months: 2 } });
  const settings = resolveGateSettings({ profile: 'default', custom: [{ name: 'benford_wide', metric: 'benford_mad', comparison: 'between', threshold: 0, upper_threshold: 1 }] });

  /** [table schema, rows, partition, producer]: masters, then two transactional partitions. */
  const masters: Array<[TableSchema, Cell[][], number, string]> = [
    [COMPANIES, [['1000', 'Acme'], ['2000', 'Beta']], 0, 'companies'],
    [COA, [['1000', 'asset'], ['2000', 'liability'], ['4000', null]], 0, 'coa'],
  ];
  const part = (p: number): Array<[TableSchema, Cell[][], number, string]> => {
    const rng = Rng.for(5n, 'merge', p, 'amounts');
    const lines: Cell[][] = [];
    for (let i = 0; i < 400; i++) {
      const amt = Math.round(10 ** (2 + rng.float() * 5));
      const date = `2025-0${1 + (i % 2)}-${String(1 + (i % 28)).padStart(2, '0')}`;
      const d = `p${p}e${i}`;
      lines.push(line(d, 1, amt, 0, { date, cc: i % 9 === 0 ? '9999' : '1000' }), line(d, 2, 0, amt + (i % 50 === 0 ? 3 : 0), { date, account: i % 3 ? '2000' : '4000' }));
    }
    lines.push(line(`p${p}e0`, 9, 0, 0)); // not contiguous: counts as its own entry
    lines.push([...lines[2]]); // an exact copy of a line: a duplicate
    const docs = lines.slice(0, 8);
    docs.forEach((row) => { row[8] = 'purchase_order'; });
    return [
      [LINES, lines.slice(0, 500), p, 'gl'], [LINES, lines.slice(500), p, 'gl'],
      [LABELS, [[`L${p}a`, `p${p}e1`, true], [`L${p}b`, 'nope', false]], p, 'gl'],
      [APPROVALS, [[`p${p}e3`, 1, 'approve'], [`p${1 - p}e3`, 1, 'approve']], p, 'gl'],
      [DQ, [[`Q${p}`, 'duplicate', `p${p}e4`]], p, 'gl'],
      [PO, [[`PO${p}1`, '1000', '2025-01-02'], [`PO${p}2`, '1000', '2025-01-09']], p, 'p2p'],
      [GR, [[`GR${p}1`, '1000', '2025-01-05', `PO${p}1`], [`GR${p}2`, '1000', '2025-01-03', `PO${p}2`]], p, 'p2p'],
      [VI, [[`VI${p}1`, '1000', '2025-01-06', `PO${p}1`], [`VI${p}9`, '1000', '2025-01-06', 'PO404']], p, 'p2p'],
      [PAY, [[`PAY${p}1`, '1000', '2025-02-01', `VI${p}1`]], p, 'p2p'],
      [SO, [[`SO${p}1`, '2000', '2025-01-02']], p, 'o2c'],
      [DLV, [[`D${p}1`, '1000', '2025-01-03', `SO${p}1`]], p, 'o2c'],
      [IC, [[`IC${p}1`, `p${p}e5`, `p${p}e6`], [`IC${p}2`, `p${p}e7`, null]], p, 'ic'],
    ];
  };
  const feed = (g: QualityGates, items: Array<[TableSchema, Cell[][], number, string]>): void => {
    for (const [schema, rows, p, producer] of items) g.observe(batch(schema, rows, p), producer);
  };
  const stateOf = (items: Array<[TableSchema, Cell[][], number, string]>): Record<string, unknown> => {
    const g = new QualityGates(settings, gateCtx());
    feed(g, items);
    return JSON.parse(JSON.stringify(g.stateJSON('r'))) as Record<string, unknown>;
  };

  it('every metric: merge(state(masters + partition 0), state(partition 1)) = one instance, in either order', () => {
    const whole = new QualityGates(settings, gateCtx());
    feed(whole, [...masters, ...part(0), ...part(1)]);
    const expected = whole.evaluate('r');
    // Every metric is evaluated (a value), so the comparison covers each accumulator's state.
    expect(expected.results.filter((r) => r.value === null).map((r) => r.gate)).toEqual([]);
    expect(new Set(expected.results.map((r) => r.metric)).size).toBe(8);

    const first = stateOf([...masters, ...part(0)]);
    const second = stateOf(part(1));
    for (const order of [[first, second], [second, first]]) {
      const merged = new QualityGates(settings, gateCtx());
      for (const st of order) merged.mergeState(st);
      expect(merged.evaluate('r')).toEqual(expected);
    }
    // The worker-thread path: the main instance observes the masters itself and merges partition states.
    const main = new QualityGates(settings, gateCtx());
    feed(main, masters);
    main.mergeState(stateOf(part(1)));
    main.mergeState(stateOf(part(0)));
    expect(main.evaluate('r')).toEqual(expected);
  });
});
