/**
 * The `intercompany` source (domain.md §7, §1.3, §0.3, §11 I18): pair structure, group amounts
 * equal on both sides, match rate 1.0, volume, type mix, markup and WHT, eliminations in GROUP,
 * config errors and determinism.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import type { JsonObject, PipelineConfig } from '../../src/config/types.js';
import type { Batch } from '../../src/engine/batch.js';
import type { GenerationContext } from '../../src/engine/plugins.js';
import type { TableSchema } from '../../src/engine/schema.js';
import { ConfigError } from '../../src/errors.js';
import { buildReferenceData } from '../../src/domain/reference.js';
import { formatDate, parseDate, ymdOf } from '../../src/domain/dates.js';
import { localToGroupCents } from '../../src/domain/money.js';
import { monthIndexOf } from '../../src/domain/period.js';
import { deriveUuid } from '../../src/random/derive.js';
import { journalEntryLines } from '../../src/tables/journal.js';
import { icMatchedPairs } from '../../src/tables/intercompany.js';
import { companiesSource } from '../../src/sources/reference/companies.js';
import { IC_TYPE_SPECS, commonBusinessDay, icMatchRate, intercompanySource, transferPriceCents, type IcLineRow, type IcPairRow } from '../../src/sources/intercompany/index.js';

type Row = Record<string, string | number | boolean | null>;

const COMPANIES: PipelineConfig['companies'] = [
  { code: '1000', name: 'Acme US', currency: 'USD', country: 'US', volume: 1000 },
  { code: '2000', name: 'Acme DE', currency: 'EUR', country: 'DE', volume: 1000 },
  { code: '3000', name: 'Acme UK', currency: 'GBP', country: 'GB', volume: 1000 },
];

function configOf(ic: JsonObject, months = 12, companies = COMPANIES, start = '2025-01-01'): PipelineConfig {
  return { version: 1, period: { start, months }, companies, sources: { companies: { type: 'companies' }, ic: { type: 'intercompany', ...ic } } } as PipelineConfig;
}

function ctxOf(config: PipelineConfig, seed = 7n, batchRows = 4096): GenerationContext {
  return { seed, config, reference: buildReferenceData(config, seed), batchRows };
}

function icOptions(config: PipelineConfig): JsonObject {
  const { type: _t, ...rest } = config.sources.ic as JsonObject;
  return rest;
}

/** Batch rows → plain objects (money in cents, dates as day numbers, bools as booleans). */
function rowsOf(batches: readonly Batch[], schema: TableSchema): Row[] {
  const out: Row[] = [];
  for (const b of batches) {
    if (b.schema.name !== schema.name) continue;
    for (let i = 0; i < b.length; i++) {
      const r: Row = {};
      schema.columns.forEach((c, ci) => {
        const v = b.values[ci];
        if (Array.isArray(v)) r[c.name] = v[i];
        else if (b.nulls[ci]?.[i] === 1) r[c.name] = null;
        else r[c.name] = c.type === 'bool' ? v[i] === 1 : v[i];
      });
      out.push(r);
    }
  }
  return out;
}

interface Run { ctx: GenerationContext; batches: Batch[]; jel: Row[]; pairs: Row[]; byDoc: Map<string, Row[]> }

function run(config: PipelineConfig, seed = 7n, order?: (n: number) => number[], batchRows = 4096): Run {
  const ctx = ctxOf(config, seed, batchRows);
  const opts = icOptions(config);
  const parts = intercompanySource.partitions('ic', opts, ctx);
  const idx = order ? order(parts.length) : parts.map((p) => p.index);
  const byPartition = new Map<number, Batch[]>();
  for (const i of idx) byPartition.set(i, [...intercompanySource.generate('ic', opts, parts[i], ctx)]);
  const batches = parts.flatMap((p) => byPartition.get(p.index) ?? []);
  const jel = rowsOf(batches, journalEntryLines);
  const pairs = rowsOf(batches, icMatchedPairs);
  const byDoc = new Map<string, Row[]>();
  for (const l of jel) {
    const k = l.document_id as string;
    let list = byDoc.get(k);
    if (!list) byDoc.set(k, (list = []));
    list.push(l);
  }
  return { ctx, batches, jel, pairs, byDoc };
}

const sum = (rows: readonly Row[], col: string, where: (r: Row) => boolean = () => true): number =>
  rows.reduce((s, r) => s + (where(r) ? (r[col] as number) : 0), 0);
const tol4 = (p: number, n: number): number => 4 * Math.sqrt((p * (1 - p)) / n);
const specOf = (type: string) => IC_TYPE_SPECS.find((s) => s.type === type)!;

describe('intercompany: pair structure (domain.md §7, §0.3)', () => {
  let r: Run;
  beforeAll(() => {
    r = run(configOf({}));
  });

  it('emits pairs in every month, numbered IC{YYYYMM}{n:06} from 1 within the month', () => {
    expect(r.pairs.length).toBeGreaterThan(60);
    const perMonth = new Map<string, number[]>();
    for (const p of r.pairs) {
      const ref = p.ic_reference as string;
      expect(ref).toMatch(/^IC\d{6}\d{6}$/);
      expect(p.seller_document).toBe(`ICS${ref.slice(2)}`);
      expect(p.buyer_document).toBe(`ICB${ref.slice(2)}`);
      const { year, month } = ymdOf(p.transaction_date as number);
      expect(ref.slice(2, 8)).toBe(`${year}${String(month).padStart(2, '0')}`);
      const list = perMonth.get(ref.slice(2, 8)) ?? [];
      list.push(Number(ref.slice(8)));
      perMonth.set(ref.slice(2, 8), list);
    }
    expect(perMonth.size).toBe(12);
    for (const list of perMonth.values()) expect(list).toEqual(list.map((_, i) => i + 1));
    expect(new Set(r.pairs.map((p) => p.ic_reference)).size).toBe(r.pairs.length);
  });

  it('has exactly one seller and one buyer entry per pair, keyed by {ic_reference}:seller|buyer', () => {
    expect(r.byDoc.size).toBe(2 * r.pairs.length);
    for (const p of r.pairs) {
      const p0 = monthIndexOf(r.ctx.reference.period, p.transaction_date as number);
      expect(p.seller_journal_entry_id).toBe(deriveUuid(7n, 'ic', p0, `${p.ic_reference}:seller`));
      expect(p.buyer_journal_entry_id).toBe(deriveUuid(7n, 'ic', p0, `${p.ic_reference}:buyer`));
      const s = r.byDoc.get(p.seller_journal_entry_id as string)!;
      const b = r.byDoc.get(p.buyer_journal_entry_id as string)!;
      expect(s.every((l) => l.company_code === p.seller_company)).toBe(true);
      expect(b.every((l) => l.company_code === p.buyer_company)).toBe(true);
      expect(p.seller_company).not.toBe(p.buyer_company);
      // One side is always the parent (domain.md §7: the parent sells to or buys from a subsidiary).
      expect([p.seller_company, p.buyer_company]).toContain('1000');
      expect(p.description).toBe(`IC ${p.transaction_type} from ${p.seller_company} to ${p.buyer_company}`);
      expect(p.settlement_status).toBe('open');
      expect(p.transfer_pricing_method).toBe('cost_plus');
      expect(p.currency).toBe(r.ctx.reference.companyByCode.get(p.seller_company as string)!.currency);
    }
  });

  it('balances every entry in local and group currency, lines within a cent of local × rate (I1, I2, I3)', () => {
    for (const lines of r.byDoc.values()) {
      expect(lines.length).toBeGreaterThanOrEqual(2);
      expect(sum(lines, 'debit_amount')).toBe(sum(lines, 'credit_amount'));
      expect(sum(lines, 'group_amount')).toBe(0);
      expect(lines.map((l) => l.line_number)).toEqual(lines.map((_, i) => i + 1));
      let seenCredit = false;
      for (const l of lines) {
        const d = l.debit_amount as number;
        const c = l.credit_amount as number;
        expect((d > 0) !== (c > 0)).toBe(true);
        if (c > 0) seenCredit = true;
        else expect(seenCredit).toBe(false);
        expect(l.local_amount).toBe(d - c);
        expect(Math.abs((l.group_amount as number) - localToGroupCents(l.local_amount as number, l.exchange_rate as number))).toBeLessThanOrEqual(1);
        expect(l.exchange_rate).toBe(r.ctx.reference.fx.rateMicros(l.currency as string, l.posting_date as number));
      }
    }
  });

  it('fills the IC header fields and puts trading_partner on every line (domain.md §7)', () => {
    for (const p of r.pairs) {
      for (const [id, counterparty] of [[p.seller_journal_entry_id, p.buyer_company], [p.buyer_journal_entry_id, p.seller_company]] as const) {
        for (const l of r.byDoc.get(id as string)!) {
          expect(l).toMatchObject({
            document_type: 'IC', business_process: 'INTERCOMPANY', transaction_template: `ic_${p.transaction_type}`,
            source: 'automated', is_manual: false, created_by: 'IC_GENERATOR', reference: p.ic_reference,
            source_document_type: 'ic_pair', source_document_id: p.ic_reference, trading_partner: counterparty,
            is_elimination: false, batch_id: null, ledger: '0L', posting_date: p.transaction_date, document_date: p.transaction_date,
          });
          expect(Math.floor((l.created_at as number) / 86_400)).toBe(p.transaction_date);
        }
      }
    }
  });

  it('posts the accounts of the type table: seller DR 1150 (+1400) / CR revenue, buyer DR expense / CR 2050 (+2120)', () => {
    for (const p of r.pairs) {
      const spec = specOf(p.transaction_type as string);
      const s = r.byDoc.get(p.seller_journal_entry_id as string)!;
      const b = r.byDoc.get(p.buyer_journal_entry_id as string)!;
      const wht = spec.whtMicros > 0;
      expect(s.map((l) => l.gl_account)).toEqual(wht ? ['1150', '1400', spec.sellerCredit] : ['1150', spec.sellerCredit]);
      expect(b.map((l) => l.gl_account)).toEqual(wht ? [spec.buyerDebit, '2050', '2120'] : [spec.buyerDebit, '2050']);
      expect(s[s.length - 1].credit_amount).toBe(p.amount);
      expect(-(s[s.length - 1].group_amount as number)).toBe(p.group_amount);
      expect(b[0].group_amount).toBe(p.group_amount);
    }
  });

  it('gives goods_sale buyer lines (5000) cost center PROD-ASSY of the buyer and 6700 lines a leaf of the buyer (I16)', () => {
    const ccs = new Set(r.ctx.reference.costCenters.filter((c) => c.level === 2).map((c) => `${c.companyCode}|${c.id}`));
    let goods = 0;
    for (const l of r.jel) {
      const acc = r.ctx.reference.coa.byNumber.get(l.gl_account as string)!;
      if (!acc.requiresCostCenter) {
        expect(l.cost_center).toBeNull();
        continue;
      }
      expect(ccs.has(`${l.company_code}|${l.cost_center}`)).toBe(true);
      if (l.gl_account === '5000') {
        goods++;
        expect(l.cost_center).toBe(`CC-${l.company_code}-PROD-ASSY`);
      }
    }
    expect(goods).toBeGreaterThan(10);
  });

  it('dates both entries on the transaction date, a business day of seller and buyer inside the month (I6, I7)', () => {
    const ref = r.ctx.reference;
    for (const p of r.pairs) {
      const d = p.transaction_date as number;
      expect(d).toBeGreaterThanOrEqual(ref.period.startDay);
      expect(d).toBeLessThan(ref.period.endDay);
      for (const code of [p.seller_company, p.buyer_company]) expect(ref.calendar(ref.companyByCode.get(code as string)!.country).isBusinessDay(d)).toBe(true);
    }
    for (const l of r.jel) {
      const { year, month } = ymdOf(l.posting_date as number);
      expect([l.fiscal_year, l.fiscal_period]).toEqual([year, month]);
    }
  });

  it('moves a pair off a subsidiary holiday to the next common business day of the month, else the previous one', () => {
    const ref = r.ctx.reference;
    const us = ref.calendar('US');
    const de = ref.calendar('DE');
    const D = parseDate;
    // Good Friday and Easter Monday are DE holidays, US business days.
    expect(commonBusinessDay(D('2025-04-18'), us, de, D('2025-04-01'), D('2025-05-01'))).toBe(D('2025-04-22'));
    expect(commonBusinessDay(D('2025-04-17'), us, de, D('2025-04-01'), D('2025-05-01'))).toBe(D('2025-04-17'));
    // Dec 31 is a holiday in both (US New Year's Eve, DE Silvester): nothing later in the month, so back to the 30th.
    expect(commonBusinessDay(D('2025-12-31'), us, de, D('2025-12-01'), D('2026-01-01'))).toBe(D('2025-12-30'));
    const never = { ...de, isBusinessDay: () => false };
    expect(commonBusinessDay(D('2025-12-15'), us, never, D('2025-12-01'), D('2026-01-01'))).toBeNull();
  });

  it('links each entry to its pair and back (I16 typed FK, both directions)', () => {
    const pairs = new Map(r.pairs.map((p) => [p.ic_reference as string, p]));
    for (const [id, lines] of r.byDoc) {
      const p = pairs.get(lines[0].source_document_id as string)!;
      expect([p.seller_journal_entry_id, p.buyer_journal_entry_id]).toContain(id);
    }
  });
});

describe('intercompany: matching (§11 I18)', () => {
  let r: Run;
  beforeAll(() => {
    r = run(configOf({}, 24));
  });

  it("equals the seller's 1150 group amounts (trading_partner = buyer) and the buyer's 2050 ones, per pair and per company pair", () => {
    const totals = new Map<string, number>();
    for (const p of r.pairs) {
      const s1150 = sum(r.byDoc.get(p.seller_journal_entry_id as string)!, 'group_amount', (l) => l.gl_account === '1150' && l.trading_partner === p.buyer_company);
      const b2050 = sum(r.byDoc.get(p.buyer_journal_entry_id as string)!, 'group_amount', (l) => l.gl_account === '2050' && l.trading_partner === p.seller_company);
      expect(s1150).toBeGreaterThan(0);
      expect(s1150).toBe(-b2050);
    }
    for (const l of r.jel) {
      if (l.gl_account !== '1150' && l.gl_account !== '2050') continue;
      const [seller, buyer] = l.gl_account === '1150' ? [l.company_code, l.trading_partner] : [l.trading_partner, l.company_code];
      const k = `${seller}>${buyer}`;
      totals.set(k, (totals.get(k) ?? 0) + (l.group_amount as number));
    }
    expect(totals.size).toBe(4);
    for (const v of totals.values()) expect(v).toBe(0);
  });

  it('matches every pair (rate 1.0), and the check can fail', () => {
    const lines = r.jel as unknown as IcLineRow[];
    const pairs = r.pairs as unknown as IcPairRow[];
    const ok = icMatchRate(pairs, lines);
    expect(ok).toMatchObject({ pairs: r.pairs.length, matched: r.pairs.length, rate: 1, unmatched: [] });
    // Off by 2 cents on one buyer's 2050 line, a missing buyer entry, and text values as in CSV.
    const victim = r.pairs[3];
    const shifted = r.jel.map((l) => (l.document_id === victim.buyer_journal_entry_id && l.gl_account === '2050' ? { ...l, group_amount: (l.group_amount as number) - 2 } : l));
    const bad = icMatchRate(pairs, shifted as unknown as IcLineRow[]);
    expect(bad.matched).toBe(r.pairs.length - 1);
    expect(bad.unmatched).toEqual([victim.ic_reference]);
    const missing = icMatchRate(pairs, r.jel.filter((l) => l.document_id !== r.pairs[0].buyer_journal_entry_id) as unknown as IcLineRow[]);
    expect(missing.rate).toBeCloseTo((r.pairs.length - 1) / r.pairs.length, 12);
    const asText = r.jel.map((l) => ({ ...l, group_amount: ((l.group_amount as number) / 100).toFixed(2), posting_date: formatDate(l.posting_date as number), is_elimination: 'false' }));
    expect(icMatchRate(pairs, asText as unknown as IcLineRow[]).rate).toBe(1);
    expect(icMatchRate([], []).rate).toBeNull();
  });
});

describe('intercompany: volume and mix (domain.md §1.3, §7)', () => {
  it('makes ≈ 0.45 pairs per business day of the parent calendar (3 attempts × 0.15)', () => {
    const config = configOf({}, 120);
    const r = run(config, 11n);
    const ref = r.ctx.reference;
    const cal = ref.calendar('US');
    let days = 0;
    for (let d = ref.period.startDay; d < ref.period.endDay; d++) if (cal.isBusinessDay(d)) days++;
    const attempts = 3 * days;
    const p = r.pairs.length / attempts;
    expect(Math.abs(p - 0.15)).toBeLessThanOrEqual(tol4(0.15, attempts));
    const planned = intercompanySource.partitions('ic', {}, r.ctx).reduce((s, x) => s + x.plannedRows.ic_matched_pairs, 0);
    expect(Math.abs(planned - 0.45 * days)).toBeLessThan(60);
  });

  it('draws types ∝ weights, subsidiaries uniformly and the direction 50/50', () => {
    const r = run(configOf({ ic_transaction_rate: 1 }, 60), 5n);
    const n = r.pairs.length;
    expect(n).toBeGreaterThan(3000);
    const total = IC_TYPE_SPECS.reduce((s, x) => s + x.defaultWeight, 0);
    for (const spec of IC_TYPE_SPECS) {
      const share = r.pairs.filter((p) => p.transaction_type === spec.type).length / n;
      const expected = spec.defaultWeight / total;
      if (expected === 0) expect(share).toBe(0);
      else expect(Math.abs(share - expected)).toBeLessThanOrEqual(tol4(expected, n));
    }
    const parentSells = r.pairs.filter((p) => p.seller_company === '1000').length / n;
    expect(Math.abs(parentSells - 0.5)).toBeLessThanOrEqual(tol4(0.5, n));
    const withDe = r.pairs.filter((p) => p.seller_company === '2000' || p.buyer_company === '2000').length / n;
    expect(Math.abs(withDe - 0.5)).toBeLessThanOrEqual(tol4(0.5, n));
  });

  it('honours transaction_type_distribution weights', () => {
    const r = run(configOf({ ic_transaction_rate: 1, transaction_type_distribution: { goods_sale: 0, royalty: 1, expense_recharge: 1, service_provided: 0, management_fee: 0, loan_interest: 0, dividend: 0, cost_sharing: 0 } }, 6));
    const types = new Set(r.pairs.map((p) => p.transaction_type));
    expect(types).toEqual(new Set(['royalty', 'expense_recharge']));
  });
});

describe('intercompany: amounts, markup and WHT (domain.md §7)', () => {
  let base: Run;
  let marked: Run;
  let ten: Run;
  beforeAll(() => {
    base = run(configOf({ ic_transaction_rate: 1, markup_percent: 0 }, 12), 3n);
    marked = run(configOf({ ic_transaction_rate: 1 }, 12), 3n);
    ten = run(configOf({ ic_transaction_rate: 1, markup_percent: 0.1 }, 12), 3n);
  });

  it('adds a 5 % markup (a fraction, not 0.05 %) to the base of goods_sale, service_provided and management_fee only', () => {
    expect(marked.pairs.length).toBe(base.pairs.length);
    let markedTypes = 0;
    base.pairs.forEach((b, i) => {
      const m = marked.pairs[i];
      const t = ten.pairs[i];
      expect(m.transaction_type).toBe(b.transaction_type);
      const spec = specOf(b.transaction_type as string);
      const g = b.group_amount as number;
      // The base is drawn from the same stream, so markup 0 shows it exactly.
      expect(g).toBeGreaterThanOrEqual(spec.minCents);
      expect(g).toBeLessThanOrEqual(spec.maxCents);
      if (spec.markup) {
        markedTypes++;
        expect(m.group_amount).toBe(Math.round((g * 105) / 100));
        expect(t.group_amount).toBe(Math.round((g * 110) / 100));
      } else {
        expect(m.group_amount).toBe(g);
        expect(t.group_amount).toBe(g);
      }
    });
    expect(markedTypes).toBeGreaterThan(100);
    expect(transferPriceCents(specOf('goods_sale'), 100_000_00, 50_000)).toBe(105_000_00);
    expect(transferPriceCents(specOf('royalty'), 100_000_00, 50_000)).toBe(100_000_00);
    // Base amounts are uniform in the type's band: some goods_sale transfer prices exceed 500 000.
    expect(marked.pairs.some((p) => p.transaction_type === 'goods_sale' && (p.group_amount as number) > 500_000_00)).toBe(true);
  });

  it('withholds 15 % (management_fee, dividend) or 10 % (royalty, loan_interest) of the transfer price, nothing elsewhere', () => {
    const rates: Record<string, number> = { management_fee: 15, dividend: 15, royalty: 10, loan_interest: 10 };
    for (const p of marked.pairs) {
      const rate = rates[p.transaction_type as string] ?? 0;
      const s = marked.byDoc.get(p.seller_journal_entry_id as string)!;
      const b = marked.byDoc.get(p.buyer_journal_entry_id as string)!;
      const w1400 = s.filter((l) => l.gl_account === '1400');
      const w2120 = b.filter((l) => l.gl_account === '2120');
      if (rate === 0) {
        expect(w1400.length + w2120.length).toBe(0);
        expect(p.withholding_tax).toBe(0);
        continue;
      }
      const wht = Math.round(((p.group_amount as number) * rate) / 100);
      expect(w1400[0].group_amount).toBe(wht);
      expect(w2120[0].group_amount).toBe(-wht);
      expect(w1400[0].local_amount).toBe(p.withholding_tax);
      // DR 1150 net of WHT.
      expect(sum(s, 'group_amount', (l) => l.gl_account === '1150')).toBe((p.group_amount as number) - wht);
    }
  });

  it('fixes the amount in group currency and converts it to each side at the transaction-date rate', () => {
    const fx = marked.ctx.reference.fx;
    const rates = marked.ctx.reference.companyByCode;
    for (const p of marked.pairs) {
      const spec = specOf(p.transaction_type as string);
      const gross = p.group_amount as number;
      const wht = Math.round((gross * spec.whtMicros) / 1_000_000);
      const day = p.transaction_date as number;
      for (const [id, code] of [[p.seller_journal_entry_id, p.seller_company], [p.buyer_journal_entry_id, p.buyer_company]] as const) {
        const ccy = rates.get(code as string)!.currency;
        const lines = marked.byDoc.get(id as string)!;
        expect(lines.every((l) => l.currency === ccy)).toBe(true);
        expect(sum(lines, 'debit_amount')).toBe(fx.groupToLocal(gross - wht, ccy, day) + fx.groupToLocal(wht, ccy, day));
      }
      if (p.currency === 'USD') expect(p.amount).toBe(p.group_amount);
    }
  });
});

describe('intercompany: eliminations (domain.md §7)', () => {
  let on: Run;
  let off: Run;
  beforeAll(() => {
    on = run(configOf({ generate_eliminations: true }));
    off = run(configOf({}));
  });

  it('posts one balanced GROUP entry per pair on the last business day of the parent month', () => {
    const elims = [...on.byDoc.values()].filter((l) => l[0].is_elimination === true);
    expect(elims.length).toBe(on.pairs.length);
    const pairs = new Map(on.pairs.map((p) => [p.ic_reference as string, p]));
    const cal = on.ctx.reference.calendar('US');
    for (const lines of elims) {
      const p = pairs.get(lines[0].reference as string)!;
      const m = monthIndexOf(on.ctx.reference.period, p.transaction_date as number);
      expect(lines[0].document_id).toBe(deriveUuid(7n, 'ic', m, `${p.ic_reference}:elimination`));
      let last = on.ctx.reference.period.monthStart[m + 1] - 1;
      while (!cal.isBusinessDay(last)) last--;
      for (const l of lines) {
        expect(l).toMatchObject({
          company_code: 'GROUP', currency: 'USD', exchange_rate: 1_000_000, document_type: 'ELIMINATION', is_elimination: true,
          created_by: 'CONSOLIDATION', business_process: 'INTERCOMPANY', posting_date: last, source_document_type: null,
        });
        expect(l.local_amount).toBe(l.group_amount);
      }
      expect(sum(lines, 'debit_amount')).toBe(sum(lines, 'credit_amount'));
      const spec = specOf(p.transaction_type as string);
      expect(lines.map((l) => [l.gl_account, l.local_amount])).toEqual([
        [spec.sellerCredit, p.group_amount], ['2050', expect.any(Number)], [spec.buyerDebit, -(p.group_amount as number)], ['1150', expect.any(Number)],
      ]);
    }
  });

  it('nets the IC accounts and the IC revenue/expense of every pair in group currency', () => {
    const byRef = new Map<string, Row[]>();
    for (const l of on.jel) {
      const k = l.reference as string;
      let list = byRef.get(k);
      if (!list) byRef.set(k, (list = []));
      list.push(l);
    }
    for (const p of on.pairs) {
      const lines = byRef.get(p.ic_reference as string)!;
      const spec = specOf(p.transaction_type as string);
      expect(lines.filter((l) => l.is_elimination).length).toBeGreaterThanOrEqual(4);
      for (const acc of ['1150', '2050', spec.sellerCredit, spec.buyerDebit]) {
        const own = (l: Row): boolean => l.gl_account === acc && (l.is_elimination === true
          || (acc === spec.sellerCredit || acc === '1150' ? l.company_code === p.seller_company : l.company_code === p.buyer_company));
        expect(sum(lines, 'group_amount', own)).toBe(0);
      }
    }
  });

  it('leaves the pairs and their entries byte-identical (eliminations come last, own streams)', () => {
    expect(on.pairs).toEqual(off.pairs);
    expect(on.jel.filter((l) => !l.is_elimination)).toEqual(off.jel);
    // Within each month partition the eliminations follow every pair entry.
    const perPartition = new Map<number, boolean[]>();
    for (const b of on.batches) {
      if (b.schema.name !== 'journal_entry_lines') continue;
      const col = b.values[journalEntryLines.index.get('is_elimination')!] as Uint8Array;
      const list = perPartition.get(b.partition) ?? [];
      for (let i = 0; i < b.length; i++) list.push(col[i] === 1);
      perPartition.set(b.partition, list);
    }
    for (const flags of perPartition.values()) expect(flags.indexOf(true) === -1 || flags.slice(flags.indexOf(true)).every(Boolean)).toBe(true);
  });

  it('adds a GROUP consolidation row (group currency) to companies only when eliminations are on', () => {
    const companies = (r: Run): Row[] => {
      const ctx = r.ctx;
      const parts = companiesSource.partitions('companies', {}, ctx);
      return rowsOf([...companiesSource.generate('companies', {}, parts[0], ctx)], companiesSource.tables({}, ctx.config)[0]);
    };
    const withGroup = companies(on);
    expect(withGroup.map((c) => c.company_code)).toEqual(['1000', '2000', '3000', 'GROUP']);
    expect(withGroup[3]).toMatchObject({ currency: 'USD', functional_currency: 'USD', country: 'US', is_consolidation_entity: true, is_parent: false, annual_volume: 0 });
    expect(companies(off).map((c) => c.company_code)).toEqual(['1000', '2000', '3000']);
    expect(on.ctx.reference.companies.length).toBe(3);
  });
});

describe('intercompany: configuration errors', () => {
  it('rejects a group with one company (ConfigError with key path)', () => {
    const config = configOf({}, 12, [COMPANIES![0]]);
    const ctx = ctxOf(config);
    let err: unknown;
    try {
      intercompanySource.partitions('ic', {}, ctx);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues[0]).toMatchObject({ path: 'companies' });
    expect((err as ConfigError).message).toMatch(/at least 2 companies/);
  });

  it('rejects reserved transfer-pricing methods with the option path', () => {
    const ctx = ctxOf(configOf({}));
    expect(() => intercompanySource.partitions('ic', { transfer_pricing_method: 'profit_split' }, ctx)).toThrow(ConfigError);
    try {
      intercompanySource.partitions('ic', { transfer_pricing_method: 'resale_price' }, ctx);
    } catch (e) {
      expect((e as ConfigError).issues[0].path).toBe('sources.ic.transfer_pricing_method');
    }
    expect(() => intercompanySource.partitions('ic', { transaction_type_distribution: { goods_sale: 0, service_provided: 0, management_fee: 0, royalty: 0, loan_interest: 0, dividend: 0, cost_sharing: 0 } }, ctx)).toThrow(/weight > 0/);
  });

  it('plans one partition per month, p = month_index, key YYYY-MM', () => {
    const ctx = ctxOf(configOf({}, 14, COMPANIES, '2024-11-01'));
    const parts = intercompanySource.partitions('ic', {}, ctx);
    expect(parts.map((p) => p.index)).toEqual([...Array(14).keys()]);
    expect(parts.slice(0, 3).map((p) => p.key)).toEqual(['2024-11', '2024-12', '2025-01']);
    expect(parts.every((p) => p.plannedRows.journal_entry_lines > 4 * p.plannedRows.ic_matched_pairs)).toBe(true);
  });
});

describe('intercompany: determinism (D1, D2, I19)', () => {
  it('gives identical rows whatever the partition order, batch size or repetition', () => {
    const config = configOf({ generate_eliminations: true }, 6);
    const a = run(config, 9n);
    const b = run(config, 9n, (n) => [...Array(n).keys()].reverse(), 7);
    expect(b.pairs).toEqual(a.pairs);
    expect(b.jel).toEqual(a.jel);
    // A batch never splits an entry (lines of one document_id stay in one batch).
    for (const batch of b.batches) {
      if (batch.schema.name !== 'journal_entry_lines') continue;
      const ids = batch.values[0] as string[];
      const ln = batch.values[1] as Int32Array;
      expect(ln[0]).toBe(1);
      expect(ids.length).toBeGreaterThan(0);
    }
    const ctx = a.ctx;
    const parts = intercompanySource.partitions('ic', icOptions(config), ctx);
    const once = rowsOf([...intercompanySource.generate('ic', icOptions(config), parts[2], ctx)], icMatchedPairs);
    const twice = rowsOf([...intercompanySource.generate('ic', icOptions(config), parts[2], ctx)], icMatchedPairs);
    expect(twice).toEqual(once);
    const other = run(config, 10n);
    expect(other.pairs.map((p) => p.group_amount)).not.toEqual(a.pairs.map((p) => p.group_amount));
  });
});
