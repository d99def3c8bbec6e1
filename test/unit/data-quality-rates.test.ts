/**
 * Realised data-quality rates on ≈ 24 000 entries within 4 binomial standard errors (domain.md
 * §11): missing values per eligible field value (field_rates overrides), typos per character,
 * duplicates per unlabelled entry with the exact/near/fuzzy split, encoding issues per field value,
 * text format variations per field value. One injector per run, so each rate is measured alone.
 */
import { describe, expect, it } from 'vitest';
import { runDq, LARGE, source, tol4, type DqRun } from './data-quality-fixture.js';

const src = source(LARGE, 7n, 4096, { fraud: { enabled: true, fraud_rate: 0.02 } });

/** Eligible values of `field`: header fields once per entry, line fields per line; non-null only. */
function eligible(run: DqRun, field: string, header: boolean): Array<string> {
  const ids = run.input.col<string>('document_id');
  const v = run.input.col<string | null>(field);
  const out: string[] = [];
  for (let r = 0; r < run.input.n; r++) {
    if (header && r > 0 && ids[r] === ids[r - 1]) continue;
    if (v[r] !== null) out.push(v[r]!);
  }
  return out;
}

function labelCount(run: DqRun, type: string, field?: string): number {
  const t = run.labels.col<string>('issue_type');
  const f = run.labels.col<string | null>('field_name');
  let n = 0;
  for (let i = 0; i < run.labels.n; i++) if (t[i] === type && (field === undefined || f[i] === field)) n++;
  return n;
}

function within(count: number, n: number, p: number): void {
  expect(n).toBeGreaterThan(20_000);
  expect(Math.abs(count / n - p), `${count}/${n} vs ${p}`).toBeLessThanOrEqual(tol4(p, n));
}

describe('data_quality realised rates', () => {
  it('entries ≥ 20 000', () => {
    const ids = src.batches.flat().filter((b) => b.schema.name === 'journal_entry_lines').flatMap((b) => b.values[0] as string[]);
    expect(new Set(ids).size).toBeGreaterThanOrEqual(20_000);
  });

  it('missing values per field, with a field_rates override', () => {
    const run = runDq(src, { missing_values: { rate: 0.03, field_rates: { header_text: 0.1 } } });
    within(labelCount(run, 'missing_value', 'header_text'), eligible(run, 'header_text', true).length, 0.1);
    within(labelCount(run, 'missing_value', 'reference'), eligible(run, 'reference', true).length, 0.03);
    within(labelCount(run, 'missing_value', 'user_persona'), eligible(run, 'user_persona', true).length, 0.03);
    within(labelCount(run, 'missing_value', 'line_text'), eligible(run, 'line_text', false).length, 0.03);
    within(labelCount(run, 'missing_value', 'profit_center'), eligible(run, 'profit_center', false).length, 0.03);
    expect(run.labels.n).toBe(labelCount(run, 'missing_value'));
  });

  it('typos per character of letters and digits', () => {
    const rate = 0.004;
    const run = runDq(src, { typos: { char_error_rate: rate } });
    const alnum = (s: string): number => s.replace(/[^\p{L}\p{N}]/gu, '').length;
    let chars = 0;
    for (const [f, h] of [['header_text', true], ['reference', true], ['line_text', false]] as const) for (const v of eligible(run, f, h)) chars += alnum(v);
    const d = run.labels.col<string>('description');
    let typos = 0;
    for (let i = 0; i < run.labels.n; i++) typos += Number(/^(\d+) typo/.exec(d[i])![1]);
    // "roughly" (domain.md §9.3): neighbouring positions and a third typo in a word are skipped.
    within(typos, chars, rate);
    expect(labelCount(run, 'typo')).toBe(run.labels.n);
  });

  it('duplicates per unlabelled entry, split exact/near/fuzzy', () => {
    const rate = 0.03;
    const run = runDq(src, { duplicates: { rate } });
    const ids = run.input.col<string>('document_id');
    const anomaly = run.input.col<number>('is_anomaly');
    let entries = 0;
    let labelled = 0;
    for (let r = 0; r < run.input.n; r++) {
      if (r > 0 && ids[r] === ids[r - 1]) continue;
      if (anomaly[r] === 1) labelled++;
      else entries++;
    }
    expect(labelled).toBeGreaterThan(100);
    const dups = labelCount(run, 'duplicate');
    within(dups, entries, rate);
    const sub = run.labels.col<string>('issue_subtype');
    const share = (k: string): number => sub.filter((s) => s === k).length;
    // Split shares over the duplicates (individual defaults .40/.35/.25).
    for (const [k, p] of [['exact', 0.40], ['near', 0.35], ['fuzzy', 0.25]] as const) {
      expect(Math.abs(share(k) / dups - p)).toBeLessThanOrEqual(tol4(p, dups));
    }
    expect(run.counts.duplicatesEmitted).toBe(dups);
  });

  it('encoding issues per field value', () => {
    const rate = 0.02;
    const run = runDq(src, { encoding_issues: { rate } });
    for (const [f, h] of [['header_text', true], ['reference', true], ['line_text', false]] as const) {
      within(labelCount(run, 'encoding_issue', f), eligible(run, f, h).length, rate);
    }
    const sub = run.labels.col<string>('issue_subtype');
    // Generated texts are mostly ASCII (mojibake needs a non-ASCII character): the other two kinds share them.
    expect(sub.filter((s) => s === 'missing_chars').length).toBeGreaterThan(100);
    expect(sub.filter((s) => s === 'html_entities').length).toBeGreaterThan(100);
  });

  it('text format variations per field value', () => {
    const rate = 0.05;
    const run = runDq(src, { format_variations: { text: { rate }, identifiers: { enabled: false } } });
    within(labelCount(run, 'format_variation', 'header_text'), eligible(run, 'header_text', true).length, rate);
    within(labelCount(run, 'format_variation', 'line_text'), eligible(run, 'line_text', false).length, rate);
    expect(labelCount(run, 'format_variation', 'reference')).toBe(0);
  });
});
