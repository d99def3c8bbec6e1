/**
 * data_quality options (domain.md §9.1): presets set the rates and switch their injectors on,
 * explicit settings override, protected fields only grow, bad weight sets are config errors;
 * preset none / rate 0 / enabled false leave the output byte-identical with empty labels; the
 * stage is deterministic and keyed per entry and field (D7, I19), not by batch position.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { csvFormat } from '../../src/formats/csv.js';
import { dataQualityTransform, outputLinesSchema } from '../../src/transforms/data-quality/index.js';
import { resolveDqOptions } from '../../src/transforms/data-quality/options.js';
import { dqLabels } from '../../src/tables/dq.js';
import { journalEntryLines, jeApprovals, anomalyLabels } from '../../src/tables/journal.js';
import type { Batch } from '../../src/engine/batch.js';
import type { SyncFormatEncoder } from '../../src/engine/plugins.js';
import type { JsonObject } from '../../src/config/types.js';
import { makeConfig, runDq, SMALL, source, type DqRun } from './data-quality-fixture.js';

/** One US and one DE company, 2 months: ≈ 2 500 entries (enough for identity and determinism checks). */
const TINY = makeConfig([
  { code: '1000', name: 'Acme US', currency: 'USD', country: 'US', volume: 10_000 },
  { code: '2000', name: 'Acme DE', currency: 'EUR', country: 'DE', volume: 5_000 },
], 2);
const src = source(TINY);

function csvBytes(batches: readonly Batch[], table: string): Buffer {
  const lines = batches.filter((b) => b.schema.name === table);
  const enc = csvFormat.createEncoder(lines[0]?.schema ?? journalEntryLines, {}) as SyncFormatEncoder;
  return Buffer.concat([...enc.begin(), ...lines.flatMap((b) => enc.encode(b)), ...enc.end()]);
}

function labelRows(run: DqRun): string[] {
  const L = run.labels;
  const out: string[] = [];
  for (let i = 0; i < L.n; i++) out.push(L.schema.columns.map((c) => String(L.col(c.name)[i])).join('|'));
  return out;
}

describe('presets and individual settings', () => {
  it('each preset sets the rates of domain.md §9.1 and switches its injectors on', () => {
    const table: Record<string, [number, number, number, boolean, number, number]> = {
      clean: [0.001, 0.0005, 0, false, 0, 0], minimal: [0.005, 0.0005, 0.001, true, 0, 0], normal: [0.02, 0.002, 0.005, true, 0.002, 0],
      noisy: [0.05, 0.02, 0.01, true, 0.005, 0], high: [0.08, 0.01, 0.02, true, 0.01, 0.05], legacy: [0.10, 0.05, 0.03, true, 0.02, 0.30],
    };
    for (const [preset, [miss, typo, dup, text, enc, ocr]] of Object.entries(table)) {
      const o = resolveDqOptions({ preset });
      expect(o.missingRates.get('header_text'), preset).toBe(miss);
      expect(o.missingRates.get('user_persona'), preset).toBe(miss);
      expect(o.typoRates.get('line_text'), preset).toBe(typo);
      expect(o.duplicateRate, preset).toBe(dup);
      expect(o.formatRates.get('header_text'), preset).toBe(text ? 0.05 : 0);
      expect(o.formatRates.get('reference'), preset).toBe(text ? 0.02 : 0);
      expect(o.formatRates.get('document_date'), preset).toBe(0); // dates need enabled: true
      expect(o.encodingRates.get('header_text'), preset).toBe(enc);
      expect(o.typoWeights[6], preset).toBeCloseTo(ocr, 12);
      expect(o.typoWeights.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 12);
      if (dup > 0) expect(o.duplicateSplit).toEqual([0.40, 0.40, 0.20]);
      expect(o.retyped).toEqual([]);
    }
  });

  it('preset none: only configured injectors, at the individual defaults', () => {
    expect(resolveDqOptions({}).active).toBe(false);
    const o = resolveDqOptions({ missing_values: {}, duplicates: {} });
    expect(o.missingRates.get('line_text')).toBe(0.01);
    expect(o.duplicateRate).toBe(0.005);
    expect(o.duplicateSplit).toEqual([0.40, 0.35, 0.25]);
    expect(o.typoRates.get('header_text')).toBe(0);
    expect(o.encodingRates.get('header_text')).toBe(0);
    expect(o.typoWeights).toEqual([0.25, 0.20, 0.20, 0.10, 0.10, 0.10, 0.05].map((w) => w / 1.0));
    const f = resolveDqOptions({ format_variations: { dates: { enabled: true }, amounts: { enabled: true } } });
    expect(f.formatRates.get('document_date')).toBe(0.05);
    expect(f.formatRates.get('local_amount')).toBe(0.02);
    expect(f.formatRates.get('header_text')).toBe(0);
    expect(resolveDqOptions({ format_variations: { enabled: true } }).formatRates.get('header_text')).toBe(0.05);
    expect(resolveDqOptions({ format_variations: { identifiers: {} } }).formatRates.get('cost_center')).toBe(0.02);
    expect(f.retyped).toEqual(['document_date', 'local_amount', 'group_amount']);
  });

  it('explicit settings override the preset; protected fields add to the built-in ones', () => {
    const o = resolveDqOptions({
      preset: 'normal', duplicates: { enabled: false }, typos: { char_error_rate: 0.1, type_weights: { ocr_error: 1 }, protected_fields: ['reference'] },
      missing_values: { field_rates: { cost_center: 0.5 }, protected_fields: ['user_persona', 'posting_date'] }, encoding_issues: { rate: 0.3 },
    });
    expect(o.duplicateRate).toBe(0);
    expect(o.typoRates.get('header_text')).toBe(0.1);
    expect(o.typoRates.get('reference')).toBe(0);
    expect(o.typoWeights[6]).toBeCloseTo(0.5, 12); // 1 against the other six rescaled to sum 1 (OCR share 0)
    expect(o.missingRates.get('cost_center')).toBe(0.5);
    expect(o.missingRates.get('user_persona')).toBe(0);
    expect(o.missingRates.get('header_text')).toBe(0.02);
    expect(o.encodingRates.get('line_text')).toBe(0.3);
    expect(resolveDqOptions({ preset: 'legacy', enabled: false }).active).toBe(false);
  });

  it('a running preset emits every issue type it switches on', () => {
    const run = runDq(src, { preset: 'noisy' });
    const types = new Set(run.labels.col<string>('issue_type'));
    expect([...types].sort()).toEqual(['duplicate', 'encoding_issue', 'format_variation', 'missing_value', 'typo']);
    const clean = runDq(src, { preset: 'clean' });
    expect([...new Set(clean.labels.col<string>('issue_type'))].sort()).toEqual(['missing_value', 'typo']);
  });

  it('weights that sum to 0 are config errors with the option path', () => {
    const config = { ...SMALL, transforms: { noise: { type: 'data_quality', inputs: ['gl'], duplicates: { exact: 0, near: 0, fuzzy: 0 } } } };
    const options = { duplicates: config.transforms.noise.duplicates } as unknown as JsonObject;
    let err: unknown;
    try {
      dataQualityTransform.tables(options, [journalEntryLines], config as never);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues[0].path).toBe('transforms.noise.duplicates');
    expect(() => resolveDqOptions({ typos: { type_weights: { substitution: 0, transposition: 0, deletion: 0, insertion: 0, double_char: 0, case_error: 0, ocr_error: 0 } } })).toThrow(ConfigError);
  });

  it('the options schema is closed', () => {
    const s = dataQualityTransform.optionsSchema as { additionalProperties: boolean; properties: Record<string, { additionalProperties?: boolean }> };
    expect(s.additionalProperties).toBe(false);
    for (const k of ['missing_values', 'typos', 'format_variations', 'duplicates', 'encoding_issues']) expect(s.properties[k].additionalProperties).toBe(false);
  });
});

describe('tables', () => {
  it('pass inputs through, add dq_labels, re-type date/amount columns only when enabled', () => {
    const plain = dataQualityTransform.tables({ preset: 'normal' }, [journalEntryLines, jeApprovals, anomalyLabels], SMALL);
    expect(plain.map((t) => t.name)).toEqual(['journal_entry_lines', 'je_approvals', 'anomaly_labels', 'dq_labels']);
    expect(plain[0]).toBe(journalEntryLines);
    expect(plain[3]).toBe(dqLabels);
    const re = dataQualityTransform.tables({ format_variations: { dates: { enabled: true }, amounts: { enabled: true } } }, [journalEntryLines], SMALL);
    const jel = re[0];
    expect(jel).toBe(outputLinesSchema(journalEntryLines, ['document_date', 'local_amount', 'group_amount']));
    expect(jel.columns.map((c) => c.name)).toEqual(journalEntryLines.columns.map((c) => c.name));
    for (const c of jel.columns) expect(c.type).toBe(['document_date', 'local_amount', 'group_amount'].includes(c.name) ? 'string' : journalEntryLines.columns[journalEntryLines.index.get(c.name)!].type);
    expect(dqLabels.columns.map((c) => c.name)).toEqual(['issue_id', 'issue_type', 'issue_subtype', 'severity', 'table_name', 'record_id', 'line_number', 'field_name', 'original_value', 'modified_value', 'description']);
  });
});

describe('identity', () => {
  for (const [name, options] of [
    ['preset none', {}],
    ['every rate 0', { missing_values: { rate: 0 }, typos: { char_error_rate: 0 }, duplicates: { rate: 0 }, encoding_issues: { rate: 0 }, format_variations: { text: { rate: 0 }, identifiers: { rate: 0 } } }],
    ['enabled: false', { preset: 'legacy', enabled: false }],
  ] as const) {
    it(`${name}: output byte-identical, dq_labels empty`, () => {
      const run = runDq(src, options as unknown as JsonObject);
      const input = src.batches.flat();
      expect(run.out.length).toBe(input.length);
      run.out.forEach((b, i) => expect(b).toBe(input[i]));
      expect(csvBytes(run.out, 'journal_entry_lines').equals(csvBytes(input, 'journal_entry_lines'))).toBe(true);
      expect(run.labels.n).toBe(0);
    });
  }

  it('does not mutate its input batches', () => {
    const before = csvBytes(src.batches.flat(), 'journal_entry_lines');
    runDq(src, { preset: 'legacy', duplicates: { rate: 0.1 }, format_variations: { dates: { enabled: true } } });
    expect(csvBytes(src.batches.flat(), 'journal_entry_lines').equals(before)).toBe(true);
  });

  it('re-typed columns are converted in every batch, changed or not', () => {
    const run = runDq(src, { format_variations: { dates: { enabled: true, rate: 0 } } });
    for (const b of run.out.filter((x) => x.schema.name === 'journal_entry_lines')) {
      expect(b.schema.columns[b.schema.index.get('document_date')!].type).toBe('string');
      expect(typeof (b.values[b.schema.index.get('document_date')!] as string[])[0]).toBe('string');
    }
    expect(csvBytes(run.out, 'journal_entry_lines').equals(csvBytes(src.batches.flat(), 'journal_entry_lines'))).toBe(true);
  });
});

describe('determinism and stage isolation (D7, I19)', () => {
  const options = { preset: 'legacy', format_variations: { dates: { enabled: true } }, duplicates: { rate: 0.02 } } as unknown as JsonObject;
  const a = runDq(src, options);

  it('same config and seed → identical output and labels', () => {
    const b = runDq(src, options);
    expect(csvBytes(b.out, 'journal_entry_lines').equals(csvBytes(a.out, 'journal_entry_lines'))).toBe(true);
    expect(csvBytes(b.out, 'dq_labels').equals(csvBytes(a.out, 'dq_labels'))).toBe(true);
  });

  it('batch cuts do not matter: draws are keyed by entry and field, not position', () => {
    const small = source(TINY, 42n, 500);
    const b = runDq(small, options);
    expect(csvBytes(b.out, 'journal_entry_lines').equals(csvBytes(a.out, 'journal_entry_lines'))).toBe(true);
    expect(labelRows(b)).toEqual(labelRows(a));
  });

  it('retuning typos leaves missing values and duplicates where they were', () => {
    const b = runDq(src, { ...options, typos: { char_error_rate: 0.001 } });
    const pick = (r: DqRun, type: string): string[] => {
      const out: string[] = [];
      const L = r.labels;
      for (let i = 0; i < L.n; i++) {
        if (L.col<string>('issue_type')[i] === type) out.push(`${L.col('record_id')[i]}|${L.col('line_number')[i]}|${L.col('field_name')[i]}|${L.col('issue_subtype')[i]}`);
      }
      return out;
    };
    expect(pick(b, 'missing_value')).toEqual(pick(a, 'missing_value'));
    expect(pick(b, 'duplicate')).toEqual(pick(a, 'duplicate'));
    expect(pick(b, 'typo').length).toBeLessThan(pick(a, 'typo').length);
  });

  it('another seed or component id gives other issues', () => {
    const other = runDq(src, options, 'noise2');
    expect(labelRows(other).slice(0, 50)).not.toEqual(labelRows(a).slice(0, 50));
    const s2 = runDq(source(TINY, 43n), options);
    expect(labelRows(s2).slice(0, 50)).not.toEqual(labelRows(a).slice(0, 50));
  });

  it('an entry straddling two batches is rejected', () => {
    const jel = src.batches[0].find((b) => b.schema.name === 'journal_entry_lines')!;
    const ids = jel.values[0] as string[];
    let cut = 1;
    while (ids[cut] !== ids[cut - 1]) cut++;
    const t = dataQualityTransform.create('noise', { preset: 'normal' }, src.ctx);
    const slice = (s: number, e: number): Batch => ({ ...jel, firstRow: s, length: e - s, values: jel.values.map((v) => v.slice(s, e)), nulls: jel.nulls.map((m) => (m ? m.slice(s, e) : null)) });
    expect([...t.transform(slice(0, cut))].length).toBeGreaterThan(0);
    expect(() => [...t.transform(slice(cut, jel.length))]).toThrow(/straddles two journal_entry_lines batches/);
  });
});
