/**
 * anomalies transform (part 2: process issues, statistical, relational): one test per injector type (domain.md §8.2) proving the mutation does what
 * its label says. Each run enables a single type (all other weights 0) on one USD (group-currency)
 * company-month, so amounts read directly in group units.
 */
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/config/types.js';
import { formatDate, weekday, ymdOf } from '../../src/domain/dates.js';
import { ANOMALY_TYPES, type AnomalyType } from '../../src/transforms/anomalies/index.js';
import { contextFor, CONFIG, entries, injectorLabels, runAnomalies, runOver, type AnomalyRun, type Table } from './anomalies-fixture.js';
import { intercompanySource } from '../../src/sources/intercompany/index.js';

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
const hour = (ts: number): number => Math.floor((ts % 86_400) / 3_600);
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
const balanced = (c: Case): boolean => total(c.run.after.jel, c.after) === credits(c.run.after.jel, c.after);

describe('anomalies types: process issues', () => {
  it('skipped_approval: above-threshold entry auto-approved by SYSTEM, one action, control exception', () => {
    for (const c of casesOf('skipped_approval', { rate: 0.9, only: [0, 22] })) {
      const j = c.run.after.jel;
      expect(total(j, c.after)).toBeGreaterThan(1_000_000);
      expect(str(j, 'approval_status', c.after.s)).toBe('auto_approved');
      expect(str(j, 'control_status', c.after.s)).toBe('exception');
      expect(approvalsOf(c, docOf(c)).map((a) => a.action)).toEqual(['auto_approve']);
    }
  });
  it('late_approval: approvals 5–30 business days after posting', () => {
    for (const c of casesOf('late_approval', { rate: 0.9, only: [0, 22] })) {
      const j = c.run.after.jel;
      const d = num(j, 'approval_date', c.after.s) - num(j, 'posting_date', c.after.s);
      expect(d).toBeGreaterThanOrEqual(7);
      expect(d).toBeLessThanOrEqual(50);
      const acts = approvalsOf(c, docOf(c));
      const last = acts.filter((a) => a.action === 'approve').at(-1)!;
      expect(Math.floor(last.ts / 86_400)).toBe(num(j, 'approval_date', c.after.s));
    }
  });
  it('missing_documentation: reference and source document fields null', () => {
    for (const c of casesOf('missing_documentation')) {
      expect(str(c.run.after.jel, 'reference', c.after.s)).toBeNull();
      expect(str(c.run.after.jel, 'source_document_id', c.after.s)).toBeNull();
    }
  });
  it('late_posting: + 5–15 days, document_date kept, created_at moves along, approvals too', () => {
    for (const c of casesOf('late_posting', { only: [2] })) {
      const j = c.run.after.jel;
      const b = c.run.before.jel;
      const shift = num(j, 'posting_date', c.after.s) - num(b, 'posting_date', c.before!.s);
      expect(Math.abs(shift)).toBeGreaterThanOrEqual(5);
      expect(Math.abs(shift)).toBeLessThanOrEqual(19);
      expect(num(j, 'created_at', c.after.s) - num(b, 'created_at', c.before!.s)).toBe(shift * 86_400);
      const acts = approvalsOf(c, docOf(c));
      expect(acts[0].ts).toBe(num(j, 'created_at', c.after.s));
    }
  });
  it('after_hours_posting: created_at 22:00–05:59 on the posting date', () => {
    for (const c of casesOf('after_hours_posting')) {
      const t = num(c.run.after.jel, 'created_at', c.after.s);
      expect([22, 23, 0, 1, 2, 3, 4, 5]).toContain(hour(t));
      expect(Math.floor(t / 86_400)).toBe(num(c.run.after.jel, 'posting_date', c.after.s));
    }
  });
  it('weekend_posting: posted on a Saturday or Sunday, fiscal fields follow', () => {
    let sat = 0;
    const cs = casesOf('weekend_posting', { only: [2, 4] });
    for (const c of cs) {
      const d = num(c.run.after.jel, 'posting_date', c.after.s);
      expect([0, 6]).toContain(weekday(d));
      if (weekday(d) === 6) sat++;
      expect(num(c.run.after.jel, 'fiscal_period', c.after.s)).toBe(ymdOf(d).month);
    }
    expect(sat).toBeGreaterThan(cs.length * 0.4);
  });
  it('rushed_period_end: last business day of the month, 18:00–23:59, approvals within 10 minutes', () => {
    for (const c of casesOf('rushed_period_end')) {
      const j = c.run.after.jel;
      const d = num(j, 'posting_date', c.after.s);
      const cal = ref(c).calendar('US');
      for (let x = d + 1; ymdOf(x).month === ymdOf(d).month; x++) expect(cal.isBusinessDay(x)).toBe(false);
      const t = num(j, 'created_at', c.after.s);
      expect(hour(t)).toBeGreaterThanOrEqual(18);
      for (const a of approvalsOf(c, docOf(c))) expect(a.ts - t).toBeLessThanOrEqual(600);
    }
  });
  it('manual_override: automated entry becomes manual by a senior_accountant or controller', () => {
    for (const c of casesOf('manual_override')) {
      const j = c.run.after.jel;
      expect(['automated', 'recurring']).toContain(str(c.run.before.jel, 'source', c.before!.s));
      expect(str(j, 'source', c.after.s)).toBe('manual');
      expect(str(j, 'source_system', c.after.s)).toBe('manual');
      expect(num(j, 'is_manual', c.after.s)).toBe(1);
      expect(['senior_accountant', 'controller']).toContain(str(j, 'user_persona', c.after.s));
    }
  });
  it('vague_description: header text from the vague list', () => {
    for (const c of casesOf('vague_description')) {
      expect(['Misc', 'Adjustment', 'Correction', 'Various', 'Other', 'TBD', 'See attachment', 'As discussed', 'Per management', '.', 'xxx', 'test'])
        .toContain(str(c.run.after.jel, 'header_text', c.after.s));
    }
  });
  it('incomplete_approval_chain: the last level approval removed, approved_by the last remaining approver', () => {
    for (const c of casesOf('incomplete_approval_chain', { rate: 0.9, only: [0, 22] })) {
      const j = c.run.after.jel;
      const L = num(j, 'approval_levels_required', c.after.s);
      expect(L).toBeGreaterThanOrEqual(2);
      const approves = approvalsOf(c, docOf(c)).filter((a) => a.action === 'approve');
      expect(approves.map((a) => a.level)).not.toContain(L);
      expect(approves.at(-1)!.actor).toBe(str(j, 'approved_by', c.after.s));
    }
  });
});

describe('anomalies types: statistical', () => {
  it('unusually_high_amount ×5 / unusually_low_amount ×0.1 (scaled, balanced)', () => {
    for (const c of casesOf('unusually_high_amount')) {
      expect(total(c.run.after.jel, c.after)).toBe(5 * total(c.run.before.jel, c.before!));
      expect(balanced(c)).toBe(true);
    }
    for (const c of casesOf('unusually_low_amount')) {
      expect(total(c.run.after.jel, c.after)).toBe(Math.max(Math.round(total(c.run.before.jel, c.before!) * 0.1), c.after.n));
      expect(balanced(c)).toBe(true);
    }
  });
  it('benford_violation: same number of integer digits, leading digit 5–9', () => {
    for (const c of casesOf('benford_violation')) {
      const a = String(Math.floor(total(c.run.before.jel, c.before!) / 100));
      const b = String(Math.floor(total(c.run.after.jel, c.after) / 100));
      expect(b.length).toBe(a.length);
      expect(Number(b[0])).toBeGreaterThanOrEqual(5);
    }
  });
  it('exact_duplicate_amount: the total of an earlier entry of the partition', () => {
    const cs = casesOf('exact_duplicate_amount');
    const b = cs[0].run.before.jel;
    const totals: number[] = [];
    for (const [, [s, n]] of entries(b)) totals.push(total(b, { s, n }));
    for (const c of cs) {
      const t = total(c.run.after.jel, c.after);
      const own = totals.indexOf(total(b, c.before!));
      expect(totals.slice(0, Math.max(own, 0) + 1).includes(t) || totals.includes(t)).toBe(true);
      expect(t).not.toBe(total(b, c.before!));
    }
  });
  it('repeating_amount: every entry scaled to the one partition amount', () => {
    const ts = new Set(casesOf('repeating_amount').map((c) => total(c.run.after.jel, c.after)));
    expect(ts.size).toBe(1);
  });
  it('unusual_frequency: 2–4 near copies, same user and day, totals within 5 %', () => {
    const groups = new Map<string, Case[]>();
    for (const c of casesOf('unusual_frequency')) {
      const rel = c.run.after.labels.col<string>('related_document_id')[c.label];
      groups.set(rel, [...(groups.get(rel) ?? []), c]);
    }
    for (const g of groups.values()) {
      expect(g.length).toBeGreaterThanOrEqual(2);
      expect(g.length).toBeLessThanOrEqual(4);
      for (const c of g) {
        const j = c.run.after.jel;
        const b = c.run.before.jel;
        expect(str(j, 'created_by', c.after.s)).toBe(str(b, 'created_by', c.source!.s));
        expect(num(j, 'posting_date', c.after.s)).toBe(num(b, 'posting_date', c.source!.s));
        const r = total(j, c.after) / total(b, c.source!);
        expect(Math.abs(r - 1)).toBeLessThanOrEqual(0.05 + 2 / total(b, c.source!) + 1e-9 + (c.after.n > 2 ? 0.05 : 0));
      }
      const l = g[0].run.after.labels;
      expect(JSON.parse(l.col<string>('child_anomaly_ids')[g[0].label])).toHaveLength(g.length - 1);
    }
  });
  it('transaction_burst: 5–10 entries within 60 minutes, same user and accounts', () => {
    const groups = new Map<string, Case[]>();
    for (const c of casesOf('transaction_burst')) {
      const rel = c.run.after.labels.col<string>('related_document_id')[c.label];
      groups.set(rel, [...(groups.get(rel) ?? []), c]);
    }
    for (const g of groups.values()) {
      expect(g.length).toBeGreaterThanOrEqual(5);
      expect(g.length).toBeLessThanOrEqual(10);
      for (const c of g) {
        const j = c.run.after.jel;
        const b = c.run.before.jel;
        expect(str(j, 'created_by', c.after.s)).toBe(str(b, 'created_by', c.source!.s));
        expect(str(j, 'gl_account', c.after.s)).toBe(str(b, 'gl_account', c.source!.s));
        const dt = num(j, 'created_at', c.after.s) - num(b, 'created_at', c.source!.s);
        expect(dt).toBeGreaterThanOrEqual(0);
        expect(dt).toBeLessThanOrEqual(3600);
        expect(balanced(c)).toBe(true);
      }
    }
  });
  it('unusual_timing: posted on a public holiday of the month, else created_at 00:00–04:59', () => {
    let holidays = 0;
    for (const c of casesOf('unusual_timing', { only: [0, 4] })) {
      const j = c.run.after.jel;
      const d = num(j, 'posting_date', c.after.s);
      if (ref(c).calendar('US').holiday(d)) holidays++;
      else expect(hour(num(j, 'created_at', c.after.s))).toBeLessThan(5);
    }
    expect(holidays).toBeGreaterThan(0);
  });
  it('trend_break: the partition pair on every line, total × [2, 4)', () => {
    const pairs = new Set<string>();
    for (const c of casesOf('trend_break', { rate: 0.5 })) {
      const j = c.run.after.jel;
      for (let r = c.after.s; r < c.after.s + c.after.n; r++) pairs.add(`${num(j, 'debit_amount', r) > 0 ? 'D' : 'C'}${str(j, 'gl_account', r)}`);
      const ratio = total(j, c.after) / total(c.run.before.jel, c.before!);
      expect(ratio).toBeGreaterThanOrEqual(1.99);
      expect(ratio).toBeLessThan(4.01);
    }
    expect(pairs.size).toBe(2);
  });
  it('statistical_outlier: one line × 3, rebalanced', () => {
    for (const c of casesOf('statistical_outlier')) {
      expect(amount(c.run.after.jel, c.after.s + labelLine(c) - 1)).toBe(3 * amount(c.run.before.jel, c.before!.s + labelLine(c) - 1));
      expect(balanced(c)).toBe(true);
    }
  });
});

describe('anomalies types: relational', () => {
  it('circular_transaction: DR b / CR c then DR c / CR a, same total, 1–3 business days later', () => {
    const groups = new Map<string, Case[]>();
    for (const c of casesOf('circular_transaction', { rate: 0.5 })) {
      const rel = c.run.after.labels.col<string>('related_document_id')[c.label];
      groups.set(rel, [...(groups.get(rel) ?? []), c]);
    }
    for (const [, g] of groups) {
      expect(g).toHaveLength(2);
      const j = g[0].run.after.jel;
      const b = g[0].run.before.jel;
      const src = g[0].source!;
      let a = '';
      let bAcc = '';
      for (let r = src.s; r < src.s + src.n; r++) {
        if (!a && num(b, 'debit_amount', r) > 0) a = str(b, 'gl_account', r)!;
        if (!bAcc && num(b, 'credit_amount', r) > 0) bAcc = str(b, 'gl_account', r)!;
      }
      const [e1, e2] = g.map((c) => c.after);
      expect(str(j, 'gl_account', e1.s)).toBe(bAcc);
      const cAcc = str(j, 'gl_account', e1.s + 1);
      expect(str(j, 'gl_account', e2.s)).toBe(cAcc);
      expect(str(j, 'gl_account', e2.s + 1)).toBe(a);
      for (const e of [e1, e2]) {
        expect(total(j, e)).toBe(total(b, src));
        expect(credits(j, e)).toBe(total(b, src));
      }
    }
  });
  it('unusual_account_pair: credit line 1 of a type never opposite the debit type', () => {
    for (const c of casesOf('unusual_account_pair')) {
      const j = c.run.after.jel;
      const dr = str(j, 'gl_account', c.after.s)!;
      const cr = str(j, 'gl_account', c.after.s + labelLine(c) - 1)!;
      const cls = Number(dr[0]);
      expect(cr).toBe(dr === '8000' ? '1200' : dr === '1200' ? '8000' : cls >= 5 && cls <= 8 ? '4900' : '6900');
    }
  });
  it('new_counterparty: partner from the reserve pool', () => {
    for (const c of casesOf('new_counterparty')) {
      const j = c.run.after.jel;
      const reserve = new Set([...ref(c).vendorsOf('1000'), ...ref(c).customersOf('1000')].filter((p) => p.isReserve).map((p) => p.id));
      let seen = 0;
      for (let r = c.after.s; r < c.after.s + c.after.n; r++) {
        const p = str(j, 'vendor_id', r) ?? str(j, 'customer_id', r);
        if (p !== null) { expect(reserve.has(p)).toBe(true); seen++; }
      }
      expect(seen).toBeGreaterThan(0);
    }
  });
  it('dormant_account_activity: one line → the legacy account of its type', () => {
    for (const c of casesOf('dormant_account_activity')) {
      const before = str(c.run.before.jel, 'gl_account', c.before!.s + labelLine(c) - 1)!;
      const after = str(c.run.after.jel, 'gl_account', c.after.s + labelLine(c) - 1)!;
      expect(after).toBe({ 1: '199999', 2: '299999', 3: '399999' }[Number(before[0])] ?? '999999');
    }
  });
  it('missing_relationship: vendor/customer removed', () => {
    for (const c of casesOf('missing_relationship')) {
      for (let r = c.after.s; r < c.after.s + c.after.n; r++) {
        expect(str(c.run.after.jel, 'vendor_id', r)).toBeNull();
        expect(str(c.run.after.jel, 'customer_id', r)).toBeNull();
      }
    }
  });
  it('centrality_anomaly: credit line 1 → one hub account per partition', () => {
    const hubs = new Set(casesOf('centrality_anomaly').map((c) => str(c.run.after.jel, 'gl_account', c.after.s + labelLine(c) - 1)));
    expect(hubs.size).toBe(1);
    expect(String([...hubs][0])[0]).toMatch(/[12]/);
  });
});

describe('anomalies types: labels', () => {
  it('label fields follow the taxonomy and the mutated entry', () => {
    for (const c of casesOf('wrong_period', { only: [2] })) {
      const l = c.run.after.labels;
      const t = ANOMALY_TYPES.find((x) => x.name === 'wrong_period')!;
      expect(l.col<string>('anomaly_category')[c.label]).toBe('error');
      expect(l.col<number>('severity')[c.label]).toBe(t.severity);
      expect(l.col<string>('detection_difficulty')[c.label]).toBe('moderate');
      expect(l.col<string>('structured_strategy_type')[c.label]).toBe('date_shift');
      expect(l.col<number>('detection_timestamp')[c.label]).toBe(num(c.run.after.jel, 'created_at', c.after.s));
      expect(l.col<string>('description')[c.label]).toContain(formatDate(num(c.run.after.jel, 'posting_date', c.after.s)));
      expect(['random_rate', 'temporal_pattern']).toContain(l.col<string>('causal_reason_type')[c.label]);
    }
  });
});

describe('anomalies types: intercompany', () => {
  const ctx = contextFor(CONFIG, 42n, 4096);
  const parts = intercompanySource.partitions('ic', {}, ctx).map((p) => [p.index, [...intercompanySource.generate('ic', {}, p, ctx)]] as const);
  const icRun = (name: string): { run: AnomalyRun; labels: number[] } => {
    const t = ANOMALY_TYPES.find((x) => x.name === name)!;
    const run = runOver(ctx, parts, onlyType(t, 0.5));
    return { run, labels: injectorLabels(run.after.labels) };
  };
  const groupSum = (t: Table, s: number, n: number, acct: string): number => {
    let g = 0;
    for (let r = s; r < s + n; r++) if (str(t, 'gl_account', r) === acct) g += num(t, 'group_amount', r);
    return g;
  };

  it('unmatched_intercompany: the buyer entry scaled × (1 ± [0.01, 0.10]), the pair no longer matches', () => {
    const { run, labels } = icRun('unmatched_intercompany');
    expect(labels.length).toBeGreaterThan(5);
    const a = entries(run.after.jel);
    const b = entries(run.before.jel);
    const l = run.after.labels;
    for (const i of labels) {
      const buyer = l.col<string>('document_id')[i];
      const seller = l.col<string>('related_document_id')[i];
      const [bs, bn] = a.get(buyer)!;
      const [ss, sn] = a.get(seller)!;
      expect(str(run.after.jel, 'is_anomaly', ss) as unknown).toBe(0);
      const r = total(run.after.jel, { s: bs, n: bn }) / total(run.before.jel, { s: b.get(buyer)![0], n: b.get(buyer)![1] });
      expect(Math.abs(r - 1)).toBeGreaterThanOrEqual(0.0099);
      expect(Math.abs(r - 1)).toBeLessThanOrEqual(0.1001);
      expect(Math.abs(groupSum(run.after.jel, ss, sn, '1150') + groupSum(run.after.jel, bs, bn, '2050'))).toBeGreaterThan(1);
      expect(balanced({ run, before: null, after: { s: bs, n: bn }, source: null, label: i })).toBe(true);
    }
  });

  it('transfer_pricing_anomaly: both entries of the pair scaled by one factor in [1.5, 3), both labelled (parent + child)', () => {
    const { run, labels } = icRun('transfer_pricing_anomaly');
    expect(labels.length).toBeGreaterThan(10);
    const a = entries(run.after.jel);
    const b = entries(run.before.jel);
    const l = run.after.labels;
    for (const i of labels) {
      const doc = l.col<string>('document_id')[i];
      const [s, n] = a.get(doc)!;
      const r = total(run.after.jel, { s, n }) / total(run.before.jel, { s: b.get(doc)![0], n: b.get(doc)![1] });
      expect(r).toBeGreaterThanOrEqual(1.49);
      expect(r).toBeLessThan(3.01);
      const parent = l.col<string | null>('parent_anomaly_id')[i];
      const children = l.col<string | null>('child_anomaly_ids')[i];
      expect(parent === null ? JSON.parse(children!).length : 1).toBe(1);
    }
  });
});
