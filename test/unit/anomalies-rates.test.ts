/**
 * anomalies transform: realised rates over a full year (24 000 entries, domain.md §11 I14):
 * total and per-category rates within 4 binomial SE of Σ p_i, the period-end uplift (§8.1),
 * type shares ∝ weights, and clusters (≤ 10 members, shared type).
 */
import { describe, expect, it } from 'vitest';
import { ymdOf } from '../../src/domain/dates.js';
import { upliftMultiplier } from '../../src/transforms/anomalies/index.js';
import { entries, injectorLabels, runAnomalies, tol4, type Tables } from './anomalies-fixture.js';

const RATE = 0.03;
const SHARES: Record<string, number> = { fraud: 0.25, error: 0.35, process_issue: 0.20, statistical: 0.15, relational: 0.05 };

/** Injections per source entry: a label on an input entry, or the first label of an emitted group. */
function injectionsBySource(t: Tables, inputDocs: ReadonlySet<string>): Map<string, { category: string; type: string; cluster: string | null }> {
  const l = t.labels;
  const m = new Map<string, { category: string; type: string; cluster: string | null }>();
  for (const i of injectorLabels(l)) {
    const doc = l.col<string>('document_id')[i];
    const src = inputDocs.has(doc) ? doc : l.col<string>('related_document_id')[i];
    if (!m.has(src)) m.set(src, { category: l.col<string>('anomaly_category')[i], type: l.col<string>('anomaly_type')[i], cluster: l.col<string | null>('cluster_id')[i] });
  }
  return m;
}

describe('anomalies: rates (I14)', () => {
  const run = runAnomalies({ rate: RATE, clustering: { enabled: false } });
  const before = entries(run.before.jel);
  const inputDocs = new Set(before.keys());
  const inj = injectionsBySource(run.after, inputDocs);
  const j = run.before.jel;
  // Eligible: every input entry without a generation label; expected probability per entry = rate × m.
  let expected = 0;
  let eligible = 0;
  const byM = new Map<number, { n: number; hits: number }>();
  for (const [doc, [s]] of before) {
    if (j.col<number>('is_anomaly')[s] === 1) continue;
    eligible++;
    const m = upliftMultiplier(j.col<number>('posting_date')[s]);
    expected += RATE * m;
    const b = byM.get(m) ?? { n: 0, hits: 0 };
    b.n++;
    if (inj.has(doc)) b.hits++;
    byM.set(m, b);
  }

  it('total rate within 4 SE of Σ p_i / N over ≥ 20 000 eligible entries', () => {
    expect(eligible).toBeGreaterThanOrEqual(20_000);
    const p = expected / eligible;
    expect(Math.abs(inj.size / eligible - p)).toBeLessThanOrEqual(tol4(p, eligible));
    for (const doc of inj.keys()) expect(j.col<number>('is_anomaly')[before.get(doc)![0]]).toBe(0);
  });

  it('per-category rates ≈ sub-rate × m (default shares .25/.35/.20/.15/.05)', () => {
    const counts = new Map<string, number>();
    for (const v of inj.values()) counts.set(v.category, (counts.get(v.category) ?? 0) + 1);
    for (const [cat, share] of Object.entries(SHARES)) {
      const p = (expected / eligible) * share;
      expect(Math.abs((counts.get(cat) ?? 0) / eligible - p), cat).toBeLessThanOrEqual(tol4(p, eligible));
    }
  });

  it('temporal uplift: period-end days show the multiplied rate', () => {
    for (const [m, { n, hits }] of byM) {
      expect(n, `m=${m}`).toBeGreaterThan(300);
      expect(Math.abs(hits / n - RATE * m), `m=${m}`).toBeLessThanOrEqual(tol4(RATE * m, n));
    }
    const base = byM.get(1)!;
    const two = byM.get(2)!;
    expect(two.hits / two.n / (base.hits / base.n)).toBeGreaterThan(1.4);
  });

  it('temporal_uplift: false → one flat rate; causal reason temporal_pattern only with uplift', () => {
    const flat = runAnomalies({ rate: RATE, clustering: { enabled: false }, temporal_uplift: false });
    const f = injectionsBySource(flat.after, inputDocs);
    let hitsEnd = 0;
    let nEnd = 0;
    for (const [doc, [s]] of before) {
      if (j.col<number>('is_anomaly')[s] === 1 || ymdOf(j.col<number>('posting_date')[s]).day < 28) continue;
      nEnd++;
      if (f.has(doc)) hitsEnd++;
    }
    expect(Math.abs(hitsEnd / nEnd - RATE)).toBeLessThanOrEqual(tol4(RATE, nEnd));
    const causes = new Set(flat.after.labels.col<string>('causal_reason_type').filter((_, i) => flat.after.labels.col<string>('injection_stage')[i] === 'injector'));
    expect([...causes]).toEqual(['random_rate']);
    const l = run.after.labels;
    let temporal = 0;
    for (const i of injectorLabels(l)) {
      if (l.col<string>('causal_reason_type')[i] !== 'temporal_pattern') continue;
      temporal++;
      expect(JSON.parse(l.col<string>('causal_reason_json')[i])).toMatchObject({ pattern: 'period_end_spike' });
      expect(JSON.parse(l.col<string>('causal_reason_json')[i]).multiplier).toBeGreaterThan(1);
    }
    expect(temporal).toBeGreaterThan(50);
  });

  it('type shares within a category ∝ weights among applicable types (any-entry types)', () => {
    // missing_field (3.0) and decimal_error (1.5) apply to every entry: 2 : 1.
    let mf = 0;
    let de = 0;
    for (const v of inj.values()) {
      if (v.type === 'missing_field') mf++;
      if (v.type === 'decimal_error') de++;
    }
    const n = mf + de;
    expect(Math.abs(mf / n - 2 / 3)).toBeLessThanOrEqual(tol4(2 / 3, n));
  });

  it('rates form: configured sub-rates as given, the rest shares total − Σ configured', () => {
    const r = runAnomalies({ rates: { total_rate: 0.05, fraud_rate: 0.03 }, clustering: { enabled: false }, temporal_uplift: false });
    const i2 = injectionsBySource(r.after, inputDocs);
    let fraud = 0;
    for (const v of i2.values()) if (v.category === 'fraud') fraud++;
    expect(Math.abs(fraud / eligible - 0.03)).toBeLessThanOrEqual(tol4(0.03, eligible));
    expect(Math.abs(i2.size / eligible - 0.05)).toBeLessThanOrEqual(tol4(0.05, eligible));
  });

  it('clusters: ≤ 10 members, members share the first type when applicable', () => {
    const c = runAnomalies({ rate: RATE });
    const l = c.after.labels;
    const members = new Map<string, number[]>();
    for (const i of injectorLabels(l)) {
      const id = l.col<string | null>('cluster_id')[i];
      if (id !== null) members.set(id, [...(members.get(id) ?? []), i]);
    }
    expect(members.size).toBeGreaterThan(30);
    let same = 0;
    let total = 0;
    for (const list of members.values()) {
      expect(list.length).toBeLessThanOrEqual(10);
      const t0 = l.col<string>('anomaly_type')[list[0]];
      for (const i of list.slice(1)) {
        total++;
        if (l.col<string>('anomaly_type')[i] === t0) same++;
      }
    }
    // Joiners reuse the cluster type unless it does not apply: most do.
    expect(same / total).toBeGreaterThan(0.5);
    const multi = [...members.values()].filter((x) => x.length > 1).length;
    expect(multi).toBeGreaterThan(10);
  });
});
