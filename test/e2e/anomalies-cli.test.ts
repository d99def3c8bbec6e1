/**
 * The anomalies transform through the built CLI: `sources: gl` + `transforms: fraud` → CSVs whose
 * labels join to the lines (domain.md §8.4–§8.5, I15), deterministic across runs, and a config
 * error with its key path for impossible sub-rates.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { runCli, sha256File, tempDirs } from '../support/cli.js';

const { tmp, cleanup } = tempDirs('dsp-anomalies-');
afterAll(cleanup);

const yaml = (rates: string): string => `version: 1
seed: 11
period: { start: 2025-10-01, months: 3 }
companies:
  - { code: "1000", name: Acme US, currency: USD, country: US, volume: 8000 }
  - { code: "2000", name: Acme DE, currency: EUR, country: DE, volume: 4000 }
sources:
  gl: { type: journal_entries }
transforms:
  fraud: { type: anomalies, inputs: [gl], ${rates} }
sinks:
  out: { type: file, inputs: [fraud], path: ./data, format: csv }
`;

type Row = Record<string, string>;
const csv = (dir: string, table: string): Row[] => parse(readFileSync(join(dir, 'data', `${table}.csv`)), { columns: true }) as Row[];

describe('anomalies through the CLI', () => {
  let dir: string;
  let result: Awaited<ReturnType<typeof runCli>>;
  beforeAll(async () => {
    dir = tmp();
    writeFileSync(join(dir, 'pipeline.yaml'), yaml('rate: 0.05'));
    result = await runCli(['run', 'pipeline.yaml'], { cwd: dir });
  }, 120_000);

  it('exits 0 and writes lines, approvals and labels', () => {
    expect(result.stderr).not.toMatch(/error|warn/i);
    expect(result.code).toBe(0);
    expect(csv(dir, 'anomaly_labels').length).toBeGreaterThan(50);
  });

  it('labels join to lines on document_id (and line_number); flags agree', () => {
    const lines = csv(dir, 'journal_entry_lines');
    const labels = csv(dir, 'anomaly_labels');
    const byDoc = new Map<string, Row[]>();
    for (const l of lines) byDoc.set(l.document_id, [...(byDoc.get(l.document_id) ?? []), l]);
    const labelled = new Map<string, Row>();
    for (const l of labels) {
      expect(labelled.has(l.document_id), 'one label per entry').toBe(false);
      labelled.set(l.document_id, l);
      const entry = byDoc.get(l.document_id);
      expect(entry, l.anomaly_id).toBeDefined();
      if (l.line_number !== '') expect(entry!.some((x) => x.line_number === l.line_number)).toBe(true);
      if (l.related_document_id !== '') expect(byDoc.has(l.related_document_id)).toBe(true);
      expect(l.anomaly_id).toMatch(/^ANO-(gl|fraud)-\d{5}-\d{6}$/);
    }
    expect(labels.filter((l) => l.injection_stage === 'injector').every((l) => l.anomaly_id.startsWith('ANO-fraud-'))).toBe(true);
    for (const [doc, entry] of byDoc) {
      const lab = labelled.get(doc);
      for (const x of entry) {
        expect(x.is_anomaly).toBe(lab ? 'true' : 'false');
        expect(x.is_fraud).toBe(lab && lab.anomaly_category === 'fraud' ? 'true' : 'false');
        expect(x.fraud_type).toBe(lab && lab.anomaly_category === 'fraud' ? lab.anomaly_type : '');
      }
      // I1: balanced unless the label says otherwise (amounts are exact 2-decimal text).
      const cents = (s: string): number => Math.round(Number(s) * 100);
      const d = entry.reduce((a, x) => a + cents(x.debit_amount), 0);
      const c = entry.reduce((a, x) => a + cents(x.credit_amount), 0);
      if (!lab || lab.affects_balance === 'false') expect(d, doc).toBe(c);
    }
  });

  it('a second run writes byte-identical files', async () => {
    const again = tmp();
    writeFileSync(join(again, 'pipeline.yaml'), yaml('rate: 0.05'));
    const r = await runCli(['run', 'pipeline.yaml'], { cwd: again });
    expect(r.code).toBe(0);
    for (const t of ['journal_entry_lines', 'je_approvals', 'anomaly_labels']) {
      expect(sha256File(join(again, 'data', `${t}.csv`)), t).toBe(sha256File(join(dir, 'data', `${t}.csv`)));
    }
  }, 120_000);

  it('Σ sub-rates above total_rate → exit 1 naming transforms.fraud.rates', async () => {
    const bad = tmp();
    writeFileSync(join(bad, 'pipeline.yaml'), yaml('rates: { total_rate: 0.01, fraud_rate: 0.02 }'));
    const r = await runCli(['validate', 'pipeline.yaml'], { cwd: bad });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('transforms.fraud.rates');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
