import { beforeAll, describe, expect, it } from 'vitest';
import { BASE_CONFIG, labelledDocs, makeConfig, runSource, tol4, type RunResult } from './journal-fixture.js';
import { TEMPLATE_SPECS } from '../../src/sources/journal-entries/index.js';
import { BENFORD_P } from '../../src/random/distributions.js';
import { daysInMonth, weekday, ymdOf } from '../../src/domain/dates.js';

const SEED = 7n;
let r: RunResult;
let labelled: Set<string>;

beforeAll(() => {
  r = runSource(BASE_CONFIG, SEED);
  labelled = labelledDocs(r);
});

/** Entries that drew their own shape: unlabelled and not part of a batch. */
function standaloneRows(run: RunResult, lab: Set<string>): number[] {
  const ids = run.jel.col<string>('document_id');
  const out: number[] = [];
  for (let e = 0; e < run.entryStart.length; e++) {
    const s = run.entryStart[e];
    if (!lab.has(ids[s]) && run.jel.isNull('batch_id', s)) out.push(e);
  }
  return out;
}

/** Non-member entries (batch members are forced manual, domain.md §5.7). */
function ownDrawRows(run: RunResult): number[] {
  const ids = run.jel.col<string>('document_id');
  const batch = run.jel.col<string | null>('batch_id');
  const out: number[] = [];
  for (let e = 0; e < run.entryStart.length; e++) {
    const s = run.entryStart[e];
    if (batch[s] === null || batch[s] === ids[s]) out.push(e);
  }
  return out;
}

describe('I9 line counts and split (domain.md §5.3)', () => {
  it('2 lines ≈ .559, 3 ≈ .090, 4 ≈ .185, even ≈ .88', () => {
    const rows = standaloneRows(r, labelled);
    const n = rows.length;
    expect(n).toBeGreaterThan(20_000);
    let two = 0, three = 0, four = 0, even = 0;
    for (const e of rows) {
      const k = r.entryCount[e];
      if (k === 2) two++;
      if (k === 3) three++;
      if (k === 4) four++;
      if (k % 2 === 0) even++;
    }
    const exp2 = 0.6068 * 0.88 + 0.0577 * 0.44;
    const exp3 = (0.6068 + 0.0577) * 0.12 + 0.1663 * 0.06;
    const exp4 = 0.1663 * 0.88 + (0.0577 + 0.0306) * 0.44;
    expect(Math.abs(two / n - exp2)).toBeLessThan(tol4(exp2, n));
    expect(Math.abs(three / n - exp3)).toBeLessThan(tol4(exp3, n));
    expect(Math.abs(four / n - exp4)).toBeLessThan(tol4(exp4, n));
    expect(Math.abs(even / n - 0.88)).toBeLessThan(tol4(0.88, n));
  });

  it('split equal / more_debit / more_credit ≈ .82 / .07 / .11 over distinguishable entries with ≥ 5 lines', () => {
    const d = r.jel.col<number>('debit_amount');
    let eq = 0, md = 0, mc = 0, n = 0;
    for (const e of standaloneRows(r, labelled)) {
      const k = r.entryCount[e];
      // For odd k < 10 more_credit coincides with equal; skip those counts.
      if (k < 5 || (k % 2 === 1 && k < 10)) continue;
      let nd = 0;
      for (let i = r.entryStart[e]; i < r.entryStart[e] + k; i++) if (d[i] > 0) nd++;
      const big = Math.min(k - 1, Math.max(1, Math.round(0.6 * k)));
      n++;
      if (nd === Math.floor(k / 2)) eq++;
      else if (nd === big) md++;
      else if (nd === k - big) mc++;
    }
    expect(eq + md + mc).toBe(n);
    expect(n).toBeGreaterThan(2_000);
    expect(Math.abs(eq / n - 0.82)).toBeLessThan(0.02);
    expect(Math.abs(md / n - 0.07)).toBeLessThan(0.02);
    expect(Math.abs(mc / n - 0.11)).toBeLessThan(0.02);
  });
});

describe('I10 Benford (domain.md §5.4)', () => {
  it('first-digit MAD ≤ .006 over ≥ 100 000 line amounts of unlabelled entries, exempt sources/processes out', () => {
    const d = r.jel.col<number>('debit_amount');
    const c = r.jel.col<number>('credit_amount');
    const ids = r.jel.col<string>('document_id');
    const src = r.jel.col<string>('source');
    const proc = r.jel.col<string>('business_process');
    const counts = new Array<number>(10).fill(0);
    let n = 0;
    for (let i = 0; i < r.jel.n; i++) {
      if (labelled.has(ids[i]) || src[i] === 'recurring' || proc[i] === 'H2R') continue;
      const x = d[i] + c[i];
      counts[Number(String(x)[0])]++;
      n++;
    }
    expect(n).toBeGreaterThanOrEqual(100_000);
    let mad = 0;
    for (let k = 1; k <= 9; k++) mad += Math.abs(counts[k] / n - BENFORD_P[k]);
    mad /= 9;
    expect(mad).toBeLessThanOrEqual(0.006);
  });
});

describe('I11 mix (domain.md §5.2, §5.6, §5.7)', () => {
  it('source shares .20/.70/.07/.03', () => {
    const rows = ownDrawRows(r);
    const src = r.jel.col<string>('source');
    const n = rows.length;
    const expected: Record<string, number> = { manual: 0.2, automated: 0.7, recurring: 0.07, adjustment: 0.03 };
    const counts: Record<string, number> = {};
    for (const e of rows) counts[src[r.entryStart[e]]] = (counts[src[r.entryStart[e]]] ?? 0) + 1;
    expect(Object.keys(counts).sort()).toEqual(Object.keys(expected).sort());
    for (const [k, p] of Object.entries(expected)) expect(Math.abs(counts[k] / n - p)).toBeLessThan(tol4(p, n));
  });

  it('process shares per config (generic default without an explicit industry)', () => {
    const rows = ownDrawRows(r);
    const proc = r.jel.col<string>('business_process');
    const n = rows.length;
    const expected: Record<string, number> = { O2C: 0.35, P2P: 0.30, R2R: 0.20, H2R: 0.10, A2R: 0.05 };
    const counts: Record<string, number> = {};
    for (const e of rows) counts[proc[r.entryStart[e]]] = (counts[proc[r.entryStart[e]]] ?? 0) + 1;
    for (const [k, p] of Object.entries(expected)) expect(Math.abs(counts[k] / n - p)).toBeLessThan(tol4(p, n));
  });

  it('template shares within each process per §5.6', () => {
    const rows = ownDrawRows(r);
    const proc = r.jel.col<string>('business_process');
    const tpl = r.jel.col<string>('transaction_template');
    const perProc = new Map<string, number>();
    const perTpl = new Map<string, number>();
    for (const e of rows) {
      const s = r.entryStart[e];
      perProc.set(proc[s], (perProc.get(proc[s]) ?? 0) + 1);
      perTpl.set(tpl[s], (perTpl.get(tpl[s]) ?? 0) + 1);
    }
    for (const t of TEMPLATE_SPECS) {
      const n = perProc.get(t.process)!;
      expect(Math.abs((perTpl.get(t.id) ?? 0) / n - t.weight)).toBeLessThan(tol4(t.weight, n));
    }
  });

  it('persona shares of human entries .40/.30/.15/.15', () => {
    const rows = ownDrawRows(r);
    const src = r.jel.col<string>('source');
    const persona = r.jel.col<string>('user_persona');
    const counts: Record<string, number> = {};
    let n = 0;
    for (const e of rows) {
      const s = r.entryStart[e];
      if (src[s] !== 'manual' && src[s] !== 'adjustment') continue;
      n++;
      counts[persona[s]] = (counts[persona[s]] ?? 0) + 1;
    }
    const expected: Record<string, number> = { junior_accountant: 0.4, senior_accountant: 0.3, controller: 0.15, manager: 0.15 };
    expect(Object.keys(counts).sort()).toEqual(Object.keys(expected).sort());
    for (const [k, p] of Object.entries(expected)) expect(Math.abs(counts[k] / n - p)).toBeLessThan(tol4(p, n));
  });

  it('batches: members follow a human starter, share date, user, template, 2 lines and batch_id', () => {
    const ids = r.jel.col<string>('document_id');
    const batch = r.jel.col<string | null>('batch_id');
    const pd = r.jel.col<number>('posting_date');
    const by = r.jel.col<string>('created_by');
    const tpl = r.jel.col<string>('transaction_template');
    const src = r.jel.col<string>('source');
    const ca = r.jel.col<number>('created_at');
    const sizes = new Map<string, number>();
    let bad = 0;
    let starters = 0, humanOwn = 0;
    for (let e = 0; e < r.entryStart.length; e++) {
      const s = r.entryStart[e];
      if (batch[s] === null) {
        if (src[s] === 'manual' || src[s] === 'adjustment') humanOwn++;
        continue;
      }
      if (batch[s] === ids[s]) {
        starters++;
        humanOwn++;
        if (src[s] !== 'manual' && src[s] !== 'adjustment') bad++;
        sizes.set(ids[s], 0);
        continue;
      }
      const p = r.entryStart[e - 1];
      const starter = batch[s]!;
      if (batch[p] !== starter || src[s] !== 'manual' || r.entryCount[e] !== 2) bad++;
      if (pd[s] !== pd[p] || by[s] !== by[p] || tpl[s] !== tpl[p]) bad++;
      const dt = ca[s] - ca[p];
      if (dt < 60 || dt > 600) bad++;
      sizes.set(starter, (sizes.get(starter) ?? 0) + 1);
    }
    expect(bad).toBe(0);
    for (const [, k] of sizes) expect(k >= 1 && k <= 6).toBe(true);
    // Starters ≈ .15 of human own-draw entries (a few at the partition end have no members and stay unbatched).
    expect(Math.abs(starters / humanOwn - 0.15)).toBeLessThan(tol4(0.15, humanOwn) + 0.005);
  });
});

/** Mean daily count in the last `lead` calendar days ÷ mean of the other business days, per month group. */
function periodEndRatios(run: RunResult, country: string, lead = 5): { normal: number; quarter: number; december: number; mondayShare: number; fridayShare: number } {
  const ref = run.ctx.reference;
  const cal = ref.calendar(country);
  const pd = run.jel.col<number>('posting_date');
  const perDay = new Map<number, number>();
  for (let e = 0; e < run.entryStart.length; e++) {
    const d = pd[run.entryStart[e]];
    perDay.set(d, (perDay.get(d) ?? 0) + 1);
  }
  const acc = { normal: [0, 0, 0, 0], quarter: [0, 0, 0, 0], december: [0, 0, 0, 0] };
  const wdCount = new Array<number>(7).fill(0);
  let total = 0;
  for (let d = ref.period.startDay; d < ref.period.endDay; d++) {
    if (!cal.isBusinessDay(d)) continue;
    const { year, month, day } = ymdOf(d);
    const g = month === 12 ? acc.december : month % 3 === 0 ? acc.quarter : acc.normal;
    const c = perDay.get(d) ?? 0;
    wdCount[weekday(d)] += c;
    total += c;
    if (day > daysInMonth(year, month) - lead) { g[0] += c; g[1]++; } else { g[2] += c; g[3]++; }
  }
  const ratio = (g: number[]): number => (g[0] / g[1]) / (g[2] / g[3]);
  return { normal: ratio(acc.normal), quarter: ratio(acc.quarter), december: ratio(acc.december), mondayShare: wdCount[1] / total, fridayShare: wdCount[5] / total };
}

describe('I12 temporal patterns (domain.md §5.5)', () => {
  it('month-end ≈ 2.5, quarter-end ≈ 4.0 (±15 %), Monday share > Friday share', () => {
    const us = periodEndRatios(r, 'US');
    expect(us.normal).toBeGreaterThan(2.5 * 0.85);
    expect(us.normal).toBeLessThan(2.5 * 1.15);
    expect(us.quarter).toBeGreaterThan(4.0 * 0.85);
    expect(us.quarter).toBeLessThan(4.0 * 1.15);
    expect(us.mondayShare).toBeGreaterThan(us.fridayShare);
  });

  it('December ≈ 6.0 over a multi-year run; entries come out in date order within a partition', () => {
    const cfg = makeConfig([{ code: '3000', name: 'Acme FR', currency: 'EUR', country: 'FR', volume: 12_000 }], 36, '2024-01-01');
    const run = runSource(cfg, 11n);
    const fr = periodEndRatios(run, 'FR');
    expect(fr.december).toBeGreaterThan(6.0 * 0.85);
    expect(fr.december).toBeLessThan(6.0 * 1.15);
    const pd = run.jel.col<number>('posting_date');
    let outOfOrder = 0;
    for (let e = 1; e < run.entryStart.length; e++) {
      if (run.entryPartition[e] === run.entryPartition[e - 1] && pd[run.entryStart[e]] < pd[run.entryStart[e - 1]]) outOfOrder++;
    }
    expect(outOfOrder).toBe(0);
  });
});
