/**
 * anomalies transform: one test per injector type (domain.md §8.2) proving the mutation does what
 * its label says. Each run enables a single type (all other weights 0) on one USD (group-currency)
 * company-month, so amounts read directly in group units.
 */
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/config/types.js';
import { ymdOf } from '../../src/domain/dates.js';
import { ANOMALY_TYPES, type AnomalyType } from '../../src/transforms/anomalies/index.js';
import { entries, injectorLabels, runAnomalies, type AnomalyRun, type Table } from './anomalies-fixture.js';

const CAT_KEY: Record<string, string> = { fraud: 'fraud', error: 'error', process_issue: 'process', statistical: 'statistical', relational: 'relational' };

function onlyType(t: AnomalyType, rate = 0.25): JsonObject {
  const types: Record<string, number> = {};
  for (const o of ANOMALY_TYPES) if (o.category === t.category) types[o.name] = o.name === t.name ? 1 : 0;
  return { rate, categories: { [CAT_KEY[t.category]]: 1 }, types, clustering: { enabled: false } };
}

interface Entry { s: number; n: number }
interface Case {
  run: AnomalyRun;
  /** Source entry in the input (before) and the labelled entry in the output (after). */
  before: Entry | null;
  after: Entry;
  source: Entry | null;
  label: number;
}

const cache = new Map<string, AnomalyRun>();
function casesOf(name: string, opts: { only?: number[]; rate?: number; sourceOptions?: JsonObject } = {}): Case[] {
  const t = ANOMALY_TYPES.find((x) => x.name === name)!;
  const key = `${name}:${JSON.stringify(opts)}`;
  let run = cache.get(key);
  if (!run) {
    run = runAnomalies(onlyType(t, opts.rate), { only: opts.only ?? [0], sourceOptions: opts.sourceOptions });
    cache.set(key, run);
  }
  const b = entries(run.before.jel);
  const a = entries(run.after.jel);
  const l = run.after.labels;
  const out: Case[] = [];
  for (const i of injectorLabels(l)) {
    expect(l.col<string>('anomaly_type')[i]).toBe(name);
    const doc = l.col<string>('document_id')[i];
    const rel = l.col<string | null>('related_document_id')[i];
    const be = b.get(doc);
    const src = rel !== null ? b.get(rel) : undefined;
    const ae = a.get(doc)!;
    out.push({ run, before: be ? { s: be[0], n: be[1] } : null, after: { s: ae[0], n: ae[1] }, source: src ? { s: src[0], n: src[1] } : null, label: i });
  }
  expect(out.length, `${name} injected`).toBeGreaterThan(0);
  return out;
}

const num = (t: Table, c: string, r: number): number => t.col<number>(c)[r];
const str = (t: Table, c: string, r: number): string | null => t.col<string | null>(c)[r];
const total = (t: Table, e: Entry): number => { let x = 0; for (let r = e.s; r < e.s + e.n; r++) x += num(t, 'debit_amount', r); return x; };
const credits = (t: Table, e: Entry): number => { let x = 0; for (let r = e.s; r < e.s + e.n; r++) x += num(t, 'credit_amount', r); return x; };
const amount = (t: Table, r: number): number => num(t, 'debit_amount', r) || num(t, 'credit_amount', r);
const labelLine = (c: Case): number => c.run.after.labels.col<number>('line_number')[c.label];
const approvalsOf = (c: Case, doc: string): Array<{ action: string; actor: string; role: string; level: number; ts: number }> => {
  const a = c.run.after.approvals;
  const out = [];
  for (let r = 0; r < a.n; r++) {
    if (a.col<string>('document_id')[r] !== doc) continue;
    out.push({ action: a.col<string>('action')[r], actor: a.col<string>('actor_id')[r], role: a.col<string>('actor_role')[r], level: a.col<number>('approval_level')[r], ts: a.col<number>('action_timestamp')[r] });
  }
  return out;
};
const docOf = (c: Case): string => str(c.run.after.jel, 'document_id', c.after.s)!;
const ref = (c: Case) => c.run.ctx.reference;
const isRound = (cents: number): boolean => cents % 100_000 === 0 || (cents + 1) % 100_000 === 0;
const balanced = (c: Case): boolean => total(c.run.after.jel, c.after) === credits(c.run.after.jel, c.after);

describe('anomalies types: fraud', () => {
  it('fictitious_entry: DR one OPEX account / CR 1000, round amount, manual human creator, no reference', () => {
    for (const c of casesOf('fictitious_entry')) {
      const j = c.run.after.jel;
      expect(c.after.n).toBe(2);
      expect(['6300', '6400', '6500', '6700', '6800']).toContain(str(j, 'gl_account', c.after.s));
      expect(str(j, 'gl_account', c.after.s + 1)).toBe('1000');
      expect(isRound(total(j, c.after))).toBe(true);
      expect(str(j, 'source', c.after.s)).toBe('manual');
      expect(str(j, 'reference', c.after.s)).toBeNull();
      expect(['junior_accountant', 'senior_accountant', 'controller', 'manager', 'executive']).toContain(str(j, 'user_persona', c.after.s));
      expect(str(j, 'cost_center', c.after.s)).not.toBeNull();
      expect(balanced(c)).toBe(true);
    }
  });
  it('round_dollar_manipulation: obvious round total', () => {
    for (const c of casesOf('round_dollar_manipulation')) expect(isRound(total(c.run.after.jel, c.after))).toBe(true);
  });
  it('just_below_threshold: totals 9 851–9 899, auto-approved by SYSTEM with one action', () => {
    for (const c of casesOf('just_below_threshold')) {
      const j = c.run.after.jel;
      const t = total(j, c.after);
      expect(t).toBeGreaterThanOrEqual(985_100);
      expect(t).toBeLessThanOrEqual(989_900);
      expect(str(j, 'approval_status', c.after.s)).toBe('auto_approved');
      expect(str(j, 'approved_by', c.after.s)).toBe('SYSTEM');
      expect(approvalsOf(c, docOf(c)).map((a) => a.action)).toEqual(['auto_approve']);
    }
  });
  it('self_approval: submit + approve by the creator, SoD preparer_approver, control exception', () => {
    for (const c of casesOf('self_approval', { rate: 0.9, only: [0, 22] })) {
      const j = c.run.after.jel;
      const creator = str(j, 'created_by', c.after.s);
      expect(num(j, 'group_amount', c.after.s) > 0 ? total(j, c.after) : total(j, c.after)).toBeGreaterThan(1_000_000);
      expect(str(j, 'approved_by', c.after.s)).toBe(creator);
      expect(num(j, 'sod_violation', c.after.s)).toBe(1);
      expect(str(j, 'sod_conflict_type', c.after.s)).toBe('preparer_approver');
      expect(str(j, 'control_status', c.after.s)).toBe('exception');
      const acts = approvalsOf(c, docOf(c));
      expect(acts.map((a) => a.action)).toEqual(['submit', 'approve']);
      expect(acts.every((a) => a.actor === creator)).toBe(true);
    }
  });
  it('exceeded_approval_limit: total 15 000, one approval by a senior_accountant', () => {
    for (const c of casesOf('exceeded_approval_limit')) {
      const j = c.run.after.jel;
      expect(total(j, c.after)).toBe(1_500_000);
      const acts = approvalsOf(c, docOf(c));
      expect(acts.map((a) => a.action)).toEqual(['submit', 'approve']);
      expect(acts[1].role).toBe('senior_accountant');
      expect(str(j, 'approved_by', c.after.s)).toBe(acts[1].actor);
    }
  });
  it('segregation_of_duties_violation: credit line 1 → 1000, creator = approver = a manager, payment_releaser', () => {
    for (const c of casesOf('segregation_of_duties_violation')) {
      const j = c.run.after.jel;
      const r1 = c.after.s + labelLine(c) - 1;
      expect(num(j, 'credit_amount', r1)).toBeGreaterThan(0);
      expect(str(j, 'gl_account', r1)).toBe('1000');
      expect(str(j, 'created_by', c.after.s)).toBe(str(j, 'approved_by', c.after.s));
      expect(str(j, 'user_persona', c.after.s)).toBe('manager');
      expect(str(j, 'sod_conflict_type', c.after.s)).toBe('payment_releaser');
    }
  });
  it('duplicate_payment: a copy with the same amounts, partner and reference 1–10 business days later, right after the source', () => {
    for (const c of casesOf('duplicate_payment', { rate: 0.5 })) {
      const j = c.run.after.jel;
      const b = c.run.before.jel;
      expect(c.before).toBeNull();
      expect(c.after.n).toBe(c.source!.n);
      for (let k = 0; k < c.after.n; k++) {
        expect(amount(j, c.after.s + k)).toBe(amount(b, c.source!.s + k));
        expect(str(j, 'vendor_id', c.after.s + k)).toBe(str(b, 'vendor_id', c.source!.s + k));
      }
      expect(str(j, 'reference', c.after.s)).toBe(str(b, 'reference', c.source!.s));
      const d0 = num(b, 'posting_date', c.source!.s);
      const d1 = num(j, 'posting_date', c.after.s);
      expect(Math.abs(d1 - d0)).toBeGreaterThanOrEqual(1);
      expect(Math.abs(d1 - d0)).toBeLessThanOrEqual(20);
      expect(ref(c).calendar('US').isBusinessDay(d1)).toBe(true);
    }
  });
  it('fictitious_vendor: AP lines carry a shell vendor, round amount', () => {
    for (const c of casesOf('fictitious_vendor', { rate: 0.6 })) {
      const j = c.run.after.jel;
      const shells = new Set(ref(c).vendorsOf('1000').filter((v) => v.isShell).map((v) => v.id));
      for (let r = c.after.s; r < c.after.s + c.after.n; r++) if (str(j, 'gl_account', r) === '2000') expect(shells.has(str(j, 'vendor_id', r)!)).toBe(true);
      expect(isRound(total(j, c.after))).toBe(true);
    }
  });
  it('revenue_manipulation: total × [2, 5), posted on one of the last 3 business days of the month', () => {
    for (const c of casesOf('revenue_manipulation', { rate: 0.6 })) {
      const ratio = total(c.run.after.jel, c.after) / total(c.run.before.jel, c.before!);
      expect(ratio).toBeGreaterThanOrEqual(1.99);
      expect(ratio).toBeLessThan(5.01);
      const d = num(c.run.after.jel, 'posting_date', c.after.s);
      const cal = ref(c).calendar('US');
      let later = 0;
      for (let x = d + 1; ymdOf(x).month === ymdOf(d).month; x++) if (cal.isBusinessDay(x)) later++;
      expect(later).toBeLessThan(3);
      expect(num(c.run.after.jel, 'fiscal_period', c.after.s)).toBe(ymdOf(d).month);
    }
  });
  it('improper_capitalization: 6xxx debit lines → 1500 without cost center', () => {
    for (const c of casesOf('improper_capitalization', { rate: 0.6 })) {
      const j = c.run.after.jel;
      let moved = 0;
      for (let k = 0; k < c.after.n; k++) {
        const r = c.after.s + k;
        if (num(j, 'debit_amount', r) > 0) expect(str(j, 'gl_account', r)!.startsWith('6')).toBe(false);
        if (str(c.run.before.jel, 'gl_account', c.before!.s + k)!.startsWith('6') && num(j, 'debit_amount', r) > 0) {
          expect(str(j, 'gl_account', r)).toBe('1500');
          expect(str(j, 'cost_center', r)).toBeNull();
          moved++;
        }
      }
      expect(moved).toBeGreaterThan(0);
      expect(balanced(c)).toBe(true);
    }
  });
});

describe('anomalies types: error', () => {
  it('duplicate_entry: an exact copy with a new id right after the source, created_at + 1–120 min', () => {
    for (const c of casesOf('duplicate_entry')) {
      const j = c.run.after.jel;
      const b = c.run.before.jel;
      expect(c.after.s).toBeGreaterThanOrEqual(c.source!.s);
      for (let k = 0; k < c.after.n; k++) {
        expect(str(j, 'gl_account', c.after.s + k)).toBe(str(b, 'gl_account', c.source!.s + k));
        expect(amount(j, c.after.s + k)).toBe(amount(b, c.source!.s + k));
        expect(num(j, 'line_number', c.after.s + k)).toBe(k + 1);
      }
      const dt = num(j, 'created_at', c.after.s) - num(b, 'created_at', c.source!.s);
      expect(dt).toBeGreaterThanOrEqual(0);
      expect(dt).toBeLessThanOrEqual(7200);
      // The copy repeats the source's approval actions, moved by the same time.
      const src = approvalsOf(c, str(b, 'document_id', c.source!.s)!);
      const copy = approvalsOf(c, docOf(c));
      expect(copy.length).toBe(src.length);
      copy.forEach((a, k) => expect({ ...a, ts: a.ts - dt }).toEqual(src[k]));
      expect(src.length).toBeGreaterThan(0);
    }
  });
  it('reversed_amount: one line switches side; unbalanced by 2 × line, affects_balance', () => {
    for (const c of casesOf('reversed_amount')) {
      const j = c.run.after.jel;
      const r = c.after.s + labelLine(c) - 1;
      const rb = c.before!.s + labelLine(c) - 1;
      expect(num(j, 'debit_amount', r) > 0).toBe(num(c.run.before.jel, 'credit_amount', rb) > 0);
      expect(Math.abs(total(j, c.after) - credits(j, c.after))).toBe(2 * amount(j, r));
      expect(c.run.after.labels.col<number>('monetary_impact')[c.label]).toBe(2 * amount(j, r));
      expect(c.run.after.labels.col<number>('affects_balance')[c.label]).toBe(1);
    }
  });
  it('transposed_digits: two adjacent different digits of one line swapped; unbalanced', () => {
    for (const c of casesOf('transposed_digits')) {
      const a = String(amount(c.run.before.jel, c.before!.s + labelLine(c) - 1));
      const b = String(amount(c.run.after.jel, c.after.s + labelLine(c) - 1)).padStart(a.length, '0');
      const diff = [...a].map((ch, i) => (ch !== b[i] ? i : -1)).filter((i) => i >= 0);
      expect(diff.length).toBe(2);
      expect(diff[1]).toBe(diff[0] + 1);
      expect(a[diff[0]]).toBe(b[diff[1]]);
      expect(balanced(c)).toBe(false);
    }
  });
  it('decimal_error: one line × 10 or ÷ 10, rebalanced', () => {
    for (const c of casesOf('decimal_error')) {
      const a = amount(c.run.before.jel, c.before!.s + labelLine(c) - 1);
      const b = amount(c.run.after.jel, c.after.s + labelLine(c) - 1);
      expect([a * 10, Math.round(a / 10)]).toContain(b);
      expect(balanced(c)).toBe(true);
    }
  });
  it('missing_field: the first present of expense cost center, reference, header_text is nulled', () => {
    for (const c of casesOf('missing_field')) {
      const j = c.run.after.jel;
      const b = c.run.before.jel;
      const field = JSON.parse(c.run.after.labels.col<string>('metadata_json')[c.label]).field as string;
      const row = field === 'cost_center' ? labelLine(c) - 1 : 0;
      expect(str(b, field, c.before!.s + row)).not.toBeNull();
      expect(str(j, field, c.after.s + row)).toBeNull();
    }
  });
  it('invalid_account: one line → blocked 198000 / 298000', () => {
    for (const c of casesOf('invalid_account')) {
      const acc = str(c.run.after.jel, 'gl_account', c.after.s + labelLine(c) - 1)!;
      expect(['198000', '298000']).toContain(acc);
      expect(ref(c).coa.byNumber.get(acc)!.isPostable).toBe(false);
    }
  });
  const dateCase = (name: string, lo: number, hi: number, createdKept: boolean): void => {
    it(`${name}: posting date moves ${lo}..${hi} days, fiscal fields recomputed, document_date kept`, () => {
      for (const c of casesOf(name, { only: [2, 3, 4] })) {
        const j = c.run.after.jel;
        const b = c.run.before.jel;
        const d0 = num(b, 'posting_date', c.before!.s);
        const d1 = num(j, 'posting_date', c.after.s);
        const shift = Math.abs(d1 - d0);
        expect(shift).toBeGreaterThanOrEqual(lo);
        expect(shift).toBeLessThanOrEqual(hi + 4);
        const { year, month, day } = ymdOf(d1);
        for (let r = c.after.s; r < c.after.s + c.after.n; r++) {
          expect(num(j, 'fiscal_year', r)).toBe(year);
          expect(num(j, 'fiscal_period', r)).toBe(month);
          expect(num(j, 'is_post_close', r)).toBe(year === 2025 && month === 12 && day > 25 ? 1 : 0);
          expect(num(j, 'exchange_rate', r)).toBe(ref(c).fx.rateMicros(str(j, 'currency', r)!, d1));
        }
        expect(num(j, 'document_date', c.after.s)).toBe(num(b, 'document_date', c.before!.s));
        expect(ref(c).calendar(str(j, 'company_code', c.after.s) === '1000' ? 'US' : 'DE').isBusinessDay(d1)).toBe(true);
        expect(d1).toBeGreaterThanOrEqual(ref(c).period.startDay);
        expect(d1).toBeLessThan(ref(c).period.endDay);
        const dc = num(j, 'created_at', c.after.s) - num(b, 'created_at', c.before!.s);
        expect(dc).toBe(createdKept ? 0 : (d1 - d0) * 86_400);
        expect(c.run.after.labels.col<number>('anomaly_date')[c.label]).toBe(d1);
      }
    });
  };
  dateCase('wrong_period', 32, 32, false);
  dateCase('backdated_entry', 1, 30, true);
  dateCase('future_dated_entry', 1, 7, true);
  it('misclassified_account: another account of the same type, different sub-type', () => {
    for (const c of casesOf('misclassified_account')) {
      const coa = ref(c).coa.byNumber;
      const a = coa.get(str(c.run.before.jel, 'gl_account', c.before!.s + labelLine(c) - 1)!)!;
      const b = coa.get(str(c.run.after.jel, 'gl_account', c.after.s + labelLine(c) - 1)!)!;
      expect(b.accountType).toBe(a.accountType);
      expect(b.subType).not.toBe(a.subType);
      expect(balanced(c)).toBe(true);
    }
  });
  it('wrong_cost_center: a leaf of another department', () => {
    for (const c of casesOf('wrong_cost_center')) {
      const ccs = new Map(ref(c).costCentersOf('1000').map((x) => [x.id, x]));
      const a = ccs.get(str(c.run.before.jel, 'cost_center', c.before!.s + labelLine(c) - 1)!)!;
      const b = ccs.get(str(c.run.after.jel, 'cost_center', c.after.s + labelLine(c) - 1)!)!;
      expect(b.level).toBe(2);
      expect(b.department).not.toBe(a.department);
    }
  });
  it('unbalanced_entry / rounding_error: one line off by ≤ 1 % / 0.01–0.05, affects_balance', () => {
    for (const c of casesOf('unbalanced_entry')) {
      const d = Math.abs(total(c.run.after.jel, c.after) - credits(c.run.after.jel, c.after));
      const a = amount(c.run.before.jel, c.before!.s + labelLine(c) - 1);
      expect(d).toBeGreaterThanOrEqual(1);
      expect(d).toBeLessThanOrEqual(Math.max(1, Math.round(a * 0.01)));
    }
    for (const c of casesOf('rounding_error')) {
      const d = Math.abs(total(c.run.after.jel, c.after) - credits(c.run.after.jel, c.after));
      expect(d).toBeGreaterThanOrEqual(1);
      expect(d).toBeLessThanOrEqual(5);
      expect(c.run.after.labels.col<number>('affects_balance')[c.label]).toBe(1);
    }
  });
  it('currency_error: foreign company rate inverted; group-currency company another currency', () => {
    for (const c of casesOf('currency_error', { only: [0, 1] })) {
      const j = c.run.after.jel;
      const cc = str(j, 'company_code', c.after.s);
      if (cc === '1000') expect(str(j, 'currency', c.after.s)).toBe('EUR');
      else {
        const r0 = num(c.run.before.jel, 'exchange_rate', c.before!.s);
        expect(num(j, 'exchange_rate', c.after.s)).toBe(Math.round(1e12 / r0));
        let g = 0;
        for (let r = c.after.s; r < c.after.s + c.after.n; r++) g += num(j, 'group_amount', r);
        expect(g).toBe(0);
      }
    }
  });
});

