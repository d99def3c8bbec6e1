/**
 * data_quality labels are complete and precise (domain.md §9.4, §11 I15): compared with the same
 * input without the stage, every changed field has exactly one label with the real original and
 * modified values, every label points to an existing changed row/field, duplicates follow their
 * original (§1.1); protected fields are never touched; ids follow §0.3; counts add up.
 */
import { describe, expect, it } from 'vitest';
import { BASE_PROTECTED_FIELDS, HEADER_FIELDS, TYPO_KINDS } from '../../src/transforms/data-quality/options.js';
import { rowIndex, runDq, SMALL, source, textCol, type DqRun } from './data-quality-fixture.js';

const ELIGIBLE = new Set(['header_text', 'line_text', 'reference', 'user_persona', 'cost_center', 'profit_center', 'document_date', 'local_amount', 'group_amount']);
/** Columns a near/fuzzy duplicate may change besides document_id. */
const NEAR_COLUMNS = new Set(['posting_date', 'document_date', 'created_at', 'created_by', 'exchange_rate', 'is_post_close', 'approval_date', 'value_date',
  'debit_amount', 'credit_amount', 'local_amount', 'group_amount', 'header_text', 'line_text']);

const FULL = {
  preset: 'legacy',
  format_variations: { dates: { enabled: true, rate: 0.1 }, amounts: { enabled: true, rate: 0.05 }, identifiers: { rate: 0.05 } },
  duplicates: { rate: 0.03 },
} as const;

interface Checked { changedCells: number; labelsByKind: Map<string, number> }

/** The completeness / precision oracle. */
function check(run: DqRun): Checked {
  const { input, output, labels } = run;
  const inIdx = rowIndex(input);
  const inIds = new Set(input.col<string>('document_id'));
  const outIds = output.col<string>('document_id');
  const outLn = output.col<number>('line_number');
  const cols = output.schema.columns.map((c) => c.name);

  // Labels by (record, line|'H', field).
  const lblKey = new Map<string, number>();
  const dupLabels = new Map<string, number>();
  const rec = labels.col<string>('record_id');
  const lln = labels.col<number>('line_number');
  const fld = labels.col<string | null>('field_name');
  const typ = labels.col<string>('issue_type');
  const twice: string[] = [];
  for (let i = 0; i < labels.n; i++) {
    if (typ[i] === 'duplicate') {
      if (dupLabels.has(rec[i])) twice.push(rec[i]);
      dupLabels.set(rec[i], i);
      continue;
    }
    const k = `${rec[i]}#${labels.isNull('line_number', i) ? 'H' : lln[i]}#${fld[i]}`;
    if (lblKey.has(k)) twice.push(k);
    lblKey.set(k, i);
  }
  expect(twice).toEqual([]);
  const used = new Set<number>();
  let changedCells = 0;
  const problems: string[] = [];
  const orig = labels.col<string | null>('original_value');
  const modi = labels.col<string | null>('modified_value');
  const inRow = new Int32Array(output.n).fill(-1);
  for (let r = 0; r < output.n; r++) {
    const id = outIds[r];
    if (!inIds.has(id)) {
      // A copy: covered by exactly one duplicate label naming an existing original.
      const li = dupLabels.get(id);
      if (li === undefined) problems.push(`copy ${id} has no duplicate label`);
      else used.add(li);
      continue;
    }
    const ir = inIdx.get(`${id}#${outLn[r]}`);
    if (ir === undefined) problems.push(`row ${id}#${outLn[r]} not in the input`);
    else inRow[r] = ir;
  }
  for (const c of cols) {
    const ta = textCol(input, c);
    const tb = textCol(output, c);
    for (let r = 0; r < output.n; r++) {
      const ir = inRow[r];
      if (ir < 0 || ta[ir] === tb[r]) continue;
      changedCells++;
      if (!ELIGIBLE.has(c)) problems.push(`non-eligible column ${c} changed at ${outIds[r]}`);
      const k = `${outIds[r]}#${HEADER_FIELDS.has(c) ? 'H' : outLn[r]}#${c}`;
      const li = lblKey.get(k);
      if (li === undefined) problems.push(`no label for changed ${k}`);
      else {
        if (orig[li] !== ta[ir] || modi[li] !== tb[r]) problems.push(`label ${k}: ${orig[li]} -> ${modi[li]} but data ${ta[ir]} -> ${tb[r]}`);
        used.add(li);
      }
    }
  }
  expect(problems.slice(0, 5)).toEqual([]);
  // Precision: every label was matched by a changed cell (or a copy).
  expect(used.size).toBe(labels.n);
  const labelsByKind = new Map<string, number>();
  for (let i = 0; i < labels.n; i++) labelsByKind.set(typ[i], (labelsByKind.get(typ[i]) ?? 0) + 1);
  return { changedCells, labelsByKind };
}

describe('data_quality labels: completeness and precision', () => {
  const src = source(SMALL, 42n, 4096, { fraud: { enabled: true, fraud_rate: 0.05 } });
  const run = runDq(src, FULL as unknown as Record<string, never>);

  it('every changed field has exactly one label with the real values, every label matches a change', () => {
    const c = check(run);
    expect(c.changedCells).toBeGreaterThan(1000);
    for (const t of ['missing_value', 'typo', 'format_variation', 'encoding_issue', 'duplicate']) expect(c.labelsByKind.get(t) ?? 0, t).toBeGreaterThan(10);
  });

  it('header-level fields change identically on every line and are labelled with line_number null', () => {
    const { labels, output } = run;
    const ids = output.col<string>('document_id');
    const first = new Map<string, number>();
    for (let r = 0; r < output.n; r++) if (!first.has(ids[r])) first.set(ids[r], r);
    let n = 0;
    for (let i = 0; i < labels.n; i++) {
      const f = labels.col<string | null>('field_name')[i];
      if (f === null || !HEADER_FIELDS.has(f)) continue;
      if (!labels.isNull('line_number', i)) n = -Infinity;
      n++;
    }
    expect(n).toBeGreaterThan(100);
    // I4: header columns identical across the lines of an entry.
    let differing = 0;
    for (const f of HEADER_FIELDS) {
      const v = output.col<unknown>(f);
      for (let r = 1; r < output.n; r++) if (ids[r] === ids[r - 1] && v[r] !== v[r - 1]) differing++;
    }
    expect(differing).toBe(0);
  });

  it('protected fields are never touched (outside duplicates)', () => {
    const { input, output } = run;
    const inIdx = rowIndex(input);
    const ids = output.col<string>('document_id');
    const ln = output.col<number>('line_number');
    const bad: string[] = [];
    let compared = 0;
    for (const f of BASE_PROTECTED_FIELDS) {
      const a = textCol(input, f);
      const b = textCol(output, f);
      for (let r = 0; r < output.n; r++) {
        const ir = inIdx.get(`${ids[r]}#${ln[r]}`);
        if (ir === undefined) continue;
        compared++;
        if (a[ir] !== b[r]) bad.push(`${f} at ${ids[r]}#${ln[r]}`);
      }
    }
    expect(bad).toEqual([]);
    expect(compared).toBeGreaterThan(12 * 20_000);
  });

  it('user protected fields are never touched', () => {
    const r2 = runDq(src, { preset: 'legacy', missing_values: { protected_fields: ['header_text', 'cost_center'] }, typos: { protected_fields: ['header_text'] } });
    const f = r2.labels.col<string | null>('field_name');
    const t = r2.labels.col<string>('issue_type');
    let others = 0;
    let violations = 0;
    for (let i = 0; i < r2.labels.n; i++) {
      if (t[i] === 'missing_value' && (f[i] === 'header_text' || f[i] === 'cost_center')) violations++;
      if (t[i] === 'typo' && f[i] === 'header_text') violations++;
      if (f[i] === 'header_text') others++;
    }
    expect(violations).toBe(0);
    // header_text still takes format variations and encoding issues.
    expect(others).toBeGreaterThan(0);
    check(r2);
  });

  it('duplicates: copies follow their original directly, only of unlabelled entries, ids keyed by the original', () => {
    const { output, labels, input } = run;
    const ids = output.col<string>('document_id');
    const anomaly = new Map<string, boolean>();
    const ia = input.col<number>('is_anomaly');
    const iids = input.col<string>('document_id');
    for (let r = 0; r < input.n; r++) anomaly.set(iids[r], ia[r] === 1);
    const pos = new Map<string, [number, number]>();
    for (let r = 0; r < output.n; r++) {
      const p = pos.get(ids[r]);
      if (p) p[1] = r;
      else pos.set(ids[r], [r, r]);
    }
    let n = 0;
    const bad: string[] = [];
    const mutated = new Set<string>();
    for (let i = 0; i < labels.n; i++) if (labels.col<string>('issue_type')[i] !== 'duplicate') mutated.add(labels.col<string>('record_id')[i]);
    for (let i = 0; i < labels.n; i++) {
      if (labels.col<string>('issue_type')[i] !== 'duplicate') continue;
      n++;
      const orig = labels.col<string>('original_value')[i]!;
      const copy = labels.col<string>('record_id')[i];
      expect(labels.col<string>('modified_value')[i]).toBe(copy);
      expect(labels.isNull('field_name', i)).toBe(true);
      expect(anomaly.get(orig)).toBe(false);
      expect(mutated.has(orig)).toBe(false);
      expect(pos.get(copy)![0]).toBe(pos.get(orig)![1] + 1);
      expect(pos.get(copy)![1] - pos.get(copy)![0]).toBe(pos.get(orig)![1] - pos.get(orig)![0]);
      // Changes of the copy stay within what its kind allows.
      const kind = labels.col<string>('issue_subtype')[i];
      const [o0] = pos.get(orig)!;
      const [c0, c1] = pos.get(copy)!;
      for (let j = 0; j <= c1 - c0; j++) {
        for (const col of output.schema.columns) {
          if (col.name === 'document_id') continue;
          const t = textCol(output, col.name);
          const a = t[o0 + j];
          const b = t[c0 + j];
          if (a === b) continue;
          if (kind === 'exact' || !NEAR_COLUMNS.has(col.name)) bad.push(`${kind} copy ${copy} differs in ${col.name}`);
        }
      }
    }
    expect(bad).toEqual([]);
    expect(n).toBeGreaterThan(50);
    expect(run.counts.duplicatesEmitted).toBe(n);
  });

  it('issue ids are QI-{component}-{p:05}-{seq:07}, unique, in stream order per partition; counts add up', () => {
    const { labels, counts } = run;
    const ids = labels.col<string>('issue_id');
    const seen = new Set<string>();
    let lastP = -1;
    let lastSeq = 0;
    let badIds = 0;
    for (const id of ids) {
      const m = /^QI-noise-(\d{5})-(\d{7})$/.exec(id);
      if (!m) {
        badIds++;
        continue;
      }
      const p = Number(m![1]);
      const seq = Number(m![2]);
      if (p !== lastP ? !(p > lastP && seq === 1) : seq !== lastSeq + 1) badIds++;
      lastP = p;
      lastSeq = seq;
      if (seen.has(id)) badIds++;
      seen.add(id);
    }
    expect(badIds).toBe(0);
    expect(counts.issues).toBe(labels.n);
    const records = new Set(labels.col<string>('record_id'));
    expect(counts.recordsWithIssues).toBe(records.size);
    const d = counts.toDetails();
    expect(d.issues).toBe(labels.n);
    expect((d.missing_value ?? 0) + (d.typo ?? 0) + (d.format_variation ?? 0) + (d.encoding_issue ?? 0) + (d.duplicate ?? 0)).toBe(labels.n);
    const sev: Record<string, number> = { missing_value: 3, typo: 2, format_variation: 1, duplicate: 4, encoding_issue: 3 };
    const sevs = labels.col<number>('severity');
    const types = labels.col<string>('issue_type');
    expect(sevs.filter((v, i) => v !== sev[types[i]]).length).toBe(0);
    expect(labels.col<string>('table_name').every((t) => t === 'journal_entry_lines')).toBe(true);
    // Subtypes stay a small closed set per type (filters, manifest counts).
    const typoSubs = new Set(labels.col<string>('issue_subtype').filter((_, i) => types[i] === 'typo'));
    for (const st of typoSubs) expect([...TYPO_KINDS, 'multiple']).toContain(st);
    expect(typoSubs.has('multiple')).toBe(true);
    expect(new Set(labels.col<string>('issue_subtype')).size).toBeLessThan(50);
  });

  it('output row numbering stays contiguous per partition (firstRow shifts by the copies)', () => {
    const next = new Map<string, number>();
    for (const b of run.out) {
      const k = `${b.schema.name}:${b.partition}`;
      expect(b.firstRow).toBe(next.get(k) ?? 0);
      next.set(k, b.firstRow + b.length);
    }
  });
});
