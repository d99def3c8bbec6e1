/**
 * anomalies transform: label completeness and precision against the untransformed partitions
 * (domain.md §8.4–§8.5, I1, I15), determinism and stage isolation (D7, I19), rate-0 identity,
 * the entry-boundary assertion and approvals pass-through.
 */
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/config/types.js';
import { journalEntriesSource } from '../../src/sources/journal-entries/index.js';
import { anomaliesTransform, ANOMALY_TYPES } from '../../src/transforms/anomalies/index.js';
import { sliceBatch, type Batch } from '../../src/engine/batch.js';
import { contextFor, CONFIG, entries, injectorLabels, runAnomalies, type Table, type Tables } from './anomalies-fixture.js';

const FLAG_COLUMNS = new Set(['is_fraud', 'fraud_type', 'is_anomaly']);

/** Entry content without the label flags, for "actually changed" checks. */
function entryText(t: Table, start: number, n: number, withFlags = false): string {
  const cols = t.schema.columns.map((c) => c.name).filter((c) => withFlags || !FLAG_COLUMNS.has(c));
  const out: string[] = [];
  for (let r = start; r < start + n; r++) out.push(cols.map((c) => (t.isNull(c, r) ? '\\N' : String(t.col(c)[r]))).join('\t'));
  return out.join('\n');
}

function labelsByDoc(t: Tables): Map<string, number[]> {
  const m = new Map<string, number[]>();
  const d = t.labels.col<string>('document_id');
  for (let i = 0; i < t.labels.n; i++) {
    const l = m.get(d[i]);
    if (l) l.push(i);
    else m.set(d[i], [i]);
  }
  return m;
}

// Two partitions per company, both generation stages on, high rate: every type shows up.
const SOURCE_OPTIONS = { fraud: { enabled: true, fraud_rate: 0.01 }, internal_controls: { enabled: true } };
const run = runAnomalies({ rate: 0.3 }, { only: [0, 1, 22, 23], sourceOptions: SOURCE_OPTIONS });

describe('anomalies: label completeness and precision', () => {
  const before = entries(run.before.jel);
  const after = entries(run.after.jel);
  const byDoc = labelsByDoc(run.after);
  const injected = new Set(injectorLabels(run.after.labels).map((i) => run.after.labels.col<string>('document_id')[i]));

  it('injects a sizeable, varied set of labels', () => {
    expect(injected.size).toBeGreaterThan(500);
    const types = new Set(injectorLabels(run.after.labels).map((i) => run.after.labels.col<string>('anomaly_type')[i]));
    // IC types need intercompany entries (none here); every other type occurs.
    const expected = ANOMALY_TYPES.filter((t) => !t.name.includes('intercompany') && t.name !== 'transfer_pricing_anomaly').map((t) => t.name);
    expect([...expected].filter((t) => !types.has(t))).toEqual([]);
  });

  it('every changed or emitted entry has exactly one label; unlabelled entries are byte-identical', () => {
    let unchanged = 0;
    for (const [doc, [s, n]] of after) {
      const labels = byDoc.get(doc) ?? [];
      expect(labels.length, doc).toBeLessThanOrEqual(1);
      const b = before.get(doc);
      if (!b) {
        expect(injected.has(doc), `emitted ${doc} is labelled`).toBe(true);
        continue;
      }
      const same = entryText(run.after.jel, s, n, true) === entryText(run.before.jel, b[0], b[1], true);
      if (!injected.has(doc)) {
        expect(same, `unlabelled ${doc} unchanged`).toBe(true);
        unchanged++;
      }
    }
    expect(unchanged).toBeGreaterThan(before.size * 0.5);
    // No entry of the input disappears.
    for (const doc of before.keys()) expect(after.has(doc)).toBe(true);
  });

  it('every injector label points to an existing entry that actually changed (or was emitted)', () => {
    const l = run.after.labels;
    const related = l.col<string | null>('related_document_id');
    const lines = l.col<number>('line_number');
    const types = l.col<string>('anomaly_type');
    const appBefore = approvalsByDoc(run.before);
    const appAfter = approvalsByDoc(run.after);
    for (const i of injectorLabels(l)) {
      const doc = l.col<string>('document_id')[i];
      const a = after.get(doc);
      expect(a, doc).toBeDefined();
      if (!l.isNull('line_number', i)) {
        expect(lines[i]).toBeGreaterThanOrEqual(1);
        expect(lines[i]).toBeLessThanOrEqual(a![1]);
      }
      const b = before.get(doc);
      if (!b) {
        expect(related[i], 'emitted entries name their source').not.toBeNull();
        expect(before.has(related[i]!)).toBe(true);
        continue;
      }
      const changedLines = entryText(run.after.jel, a![0], a![1]) !== entryText(run.before.jel, b[0], b[1]);
      const changedApprovals = appBefore.get(doc) !== appAfter.get(doc);
      expect(changedLines || changedApprovals, `${types[i]} on ${doc} changed something`).toBe(true);
    }
  });

  it('flags: is_anomaly ⇔ a label, is_fraud ⇔ fraud label with fraud_type equal (§8.5, I15)', () => {
    const l = run.after.labels;
    const cat = new Map<string, [string, string]>();
    for (let i = 0; i < l.n; i++) cat.set(l.col<string>('document_id')[i], [l.col<string>('anomaly_category')[i], l.col<string>('anomaly_type')[i]]);
    const j = run.after.jel;
    const ids = j.col<string>('document_id');
    const isA = j.col<number>('is_anomaly');
    const isF = j.col<number>('is_fraud');
    const ft = j.col<string | null>('fraud_type');
    const bad: number[] = [];
    for (let r = 0; r < j.n; r++) {
      const c = cat.get(ids[r]);
      if (isA[r] !== (c ? 1 : 0) || isF[r] !== (c && c[0] === 'fraud' ? 1 : 0) || ft[r] !== (c && c[0] === 'fraud' ? c[1] : null)) bad.push(r);
    }
    expect(bad).toEqual([]);
    expect(isF.some((v) => v === 1)).toBe(true);
  });

  it('balanced except labels with affects_balance (I1)', () => {
    const aff = new Map<string, number>();
    const l = run.after.labels;
    for (let i = 0; i < l.n; i++) aff.set(l.col<string>('document_id')[i], l.col<number>('affects_balance')[i]);
    const j = run.after.jel;
    const deb = j.col<number>('debit_amount');
    const cre = j.col<number>('credit_amount');
    const loc = j.col<number>('local_amount');
    const grp = j.col<number>('group_amount');
    let unbalanced = 0;
    const bad: string[] = [];
    for (const [doc, [s, n]] of after) {
      let d = 0;
      let c = 0;
      let g = 0;
      for (let r = s; r < s + n; r++) {
        d += deb[r];
        c += cre[r];
        g += grp[r];
        if (loc[r] !== deb[r] - cre[r] || (deb[r] > 0 ? 1 : 0) + (cre[r] > 0 ? 1 : 0) !== 1 || deb[r] < 0 || cre[r] < 0) bad.push(`${doc}: line shape`);
      }
      if (aff.get(doc) === 1) {
        if (d === c) bad.push(`${doc}: labelled unbalancing but balanced`);
        unbalanced++;
      } else if (d !== c || g !== 0) bad.push(`${doc}: unbalanced ${d} ${c} ${g}`);
    }
    expect(bad).toEqual([]);
    expect(unbalanced).toBeGreaterThan(20);
  });

  it('I15: ids unique, parents/children/clusters resolve, clusters ≤ 10 members, emitted entries follow their source', () => {
    const l = run.after.labels;
    const ids = l.col<string>('anomaly_id');
    expect(new Set(ids).size).toBe(l.n);
    const idSet = new Set(ids);
    const clusters = new Map<string, number>();
    for (const i of injectorLabels(l)) {
      expect(ids[i]).toMatch(/^ANO-fraud-\d{5}-\d{6}$/);
      const p = l.col<string | null>('parent_anomaly_id')[i];
      if (p !== null) expect(idSet.has(p)).toBe(true);
      const ch = l.col<string | null>('child_anomaly_ids')[i];
      if (ch !== null) for (const c of JSON.parse(ch) as string[]) expect(idSet.has(c)).toBe(true);
      const cl = l.col<string | null>('cluster_id')[i];
      if (cl !== null) {
        expect(cl).toMatch(/^CLU-fraud-\d{5}-\d{4}$/);
        clusters.set(cl, (clusters.get(cl) ?? 0) + 1);
        expect(l.col<string>('causal_reason_type')[i]).toBe('cluster_membership');
      }
      expect(l.col<string>('injection_stage')[i]).toBe('injector');
      expect(l.col<string>('original_document_hash')[i]).toMatch(/^[0-9a-f]{64}$/);
      expect(l.col<string>('generation_seed')[i]).toBe('42');
    }
    expect(clusters.size).toBeGreaterThan(5);
    for (const n of clusters.values()) expect(n).toBeLessThanOrEqual(10);
    // Emitted entries sit right after their source entry or its other emitted entries (§1.1).
    const jidx = run.after.jel.col<string>('document_id');
    const order: string[] = [];
    for (let r = 0; r < run.after.jel.n; r++) if (r === 0 || jidx[r] !== jidx[r - 1]) order.push(jidx[r]);
    const pos = new Map(order.map((d, i) => [d, i]));
    const rel = l.col<string | null>('related_document_id');
    for (const i of injectorLabels(l)) {
      const doc = l.col<string>('document_id')[i];
      if (before.has(doc)) continue;
      const src = pos.get(rel[i]!)!;
      const me = pos.get(doc)!;
      for (let k = src + 1; k < me; k++) expect(before.has(order[k]), 'only emitted entries between source and copy').toBe(false);
    }
  });

  it('injector labels come after the generation labels of their partition, row numbers continue', () => {
    const l = run.after.labels;
    const st = l.col<string>('injection_stage');
    const p = l.col<string>('anomaly_id').map((id) => id.split('-')[2]);
    const jb = run.after.jelBatches;
    for (let k = 1; k < jb.length; k++) if (jb[k][0] === jb[k - 1][0]) expect(jb[k][1]).toBe(jb[k - 1][1] + jb[k - 1][2]);
    for (let i = 1; i < l.n; i++) if (st[i] !== 'injector' && st[i - 1] === 'injector') expect(p[i]).not.toBe(p[i - 1]);
  });

  it('approval actions of unlabelled entries pass through in order', () => {
    const b = run.before.approvals;
    const a = run.after.approvals;
    const keep = (t: Table): string[] => {
      const out: string[] = [];
      for (let r = 0; r < t.n; r++) if (!injected.has(t.col<string>('document_id')[r])) out.push(t.rowText(r));
      return out;
    };
    expect(keep(a)).toEqual(keep(b));
    const docs = new Set(run.after.jel.col<string>('document_id'));
    for (let r = 0; r < a.n; r++) expect(docs.has(a.col<string>('document_id')[r])).toBe(true);
  });
});

function approvalsByDoc(t: Tables): Map<string, string> {
  const m = new Map<string, string>();
  const a = t.approvals;
  for (let r = 0; r < a.n; r++) {
    const d = a.col<string>('document_id')[r];
    m.set(d, (m.get(d) ?? '') + a.rowText(r) + '\n');
  }
  return m;
}

function allRows(t: Tables): string[] {
  const out: string[] = [];
  for (const tab of [t.jel, t.approvals, t.labels]) for (let r = 0; r < tab.n; r++) out.push(tab.rowText(r));
  return out;
}

describe('anomalies: determinism and stage isolation', () => {
  it('same seed → identical tables; another seed → different', () => {
    const a = runAnomalies({ rate: 0.05 }, { only: [0, 1] });
    const b = runAnomalies({ rate: 0.05 }, { only: [0, 1] });
    expect(allRows(a.after)).toEqual(allRows(b.after));
    const c = runAnomalies({ rate: 0.05 }, { only: [0, 1], seed: 43n });
    expect(allRows(c.after)).not.toEqual(allRows(a.after));
  });

  it('D7: raising the fraud rate leaves every other entry untouched', () => {
    const rates = (fraud: number): Record<string, number> => ({ fraud_rate: fraud, error_rate: 0.0105, process_rate: 0.006, statistical_rate: 0.0045, relational_rate: 0.0015 });
    const lo = runAnomalies({ rates: rates(0.0075), clustering: { enabled: false } }, { only: [0, 1] });
    const hi = runAnomalies({ rates: rates(0.03), clustering: { enabled: false } }, { only: [0, 1] });
    const lab = (t: Tables): Map<string, string> => {
      const m = new Map<string, string>();
      for (let i = 0; i < t.labels.n; i++) m.set(t.labels.col<string>('document_id')[i], t.labels.col<string>('anomaly_category')[i]);
      return m;
    };
    const lLo = lab(lo.after);
    const lHi = lab(hi.after);
    const eLo = entries(lo.after.jel);
    const eHi = entries(hi.after.jel);
    let moreFraud = 0;
    for (const [doc, [s, n]] of eLo) {
      const cat = lLo.get(doc);
      const h = eHi.get(doc);
      if (cat === undefined) {
        // Unlabelled before: unchanged, or newly a fraud entry.
        if (lHi.get(doc) === undefined) expect(entryText(hi.after.jel, h![0], h![1], true)).toBe(entryText(lo.after.jel, s, n, true));
        else {
          expect(lHi.get(doc)).toBe('fraud');
          moreFraud++;
        }
      } else if (cat !== 'fraud') {
        expect(lHi.get(doc), doc).toBe(cat);
        expect(entryText(hi.after.jel, h![0], h![1], true)).toBe(entryText(lo.after.jel, s, n, true));
      }
    }
    expect(moreFraud).toBeGreaterThan(20);
  });

  it('rate 0 (and enabled: false) → the very same batches, byte-identical tables', () => {
    for (const opts of [{ rate: 0 }, { enabled: false }] as JsonObject[]) {
      const r = runAnomalies(opts, { only: [0, 5] });
      expect(allRows(r.after)).toEqual(allRows(r.before));
    }
    const ctx = contextFor(CONFIG, 42n, 4096);
    const part = journalEntriesSource.partitions('gl', {}, ctx)[0];
    const inst = anomaliesTransform.create('fraud', { rate: 0 }, ctx);
    for (const b of journalEntriesSource.generate('gl', {}, part, ctx)) expect([...inst.transform(b)][0]).toBe(b);
    expect([...(inst.endPartition?.(0) ?? [])]).toEqual([]);
  });

  it('does not mutate its input batches (copy-on-write)', () => {
    const ctx = contextFor(CONFIG, 42n, 4096);
    const part = journalEntriesSource.partitions('gl', {}, ctx)[0];
    const inst = anomaliesTransform.create('fraud', { rate: 0.5 }, ctx);
    let changed = 0;
    for (const b of journalEntriesSource.generate('gl', {}, part, ctx)) {
      const copy = sliceBatch(b, 0, b.length);
      const outs = [...inst.transform(b)];
      if (outs.some((o) => o !== b)) changed++;
      b.values.forEach((v, i) => expect(v).toEqual(copy.values[i]));
    }
    expect(changed).toBeGreaterThan(0);
  });

  it('asserts that an entry never straddles two lines batches', () => {
    const ctx = contextFor(CONFIG, 42n, 4096);
    const part = journalEntriesSource.partitions('gl', {}, ctx)[0];
    const inst = anomaliesTransform.create('fraud', { rate: 0.05 }, ctx);
    const jel = [...journalEntriesSource.generate('gl', {}, part, ctx)].find((b) => b.schema.name === 'journal_entry_lines') as Batch;
    const ids = jel.values[0] as string[];
    let cut = 1;
    while (ids[cut] !== ids[cut - 1]) cut++;
    expect([...inst.transform(sliceBatch(jel, 0, cut))]).toHaveLength(1);
    expect(() => [...inst.transform(sliceBatch(jel, cut, jel.length))]).toThrow(/straddles/);
  });
});
