/**
 * journal_entries → data_quality through the built CLI (needs `npx tsc -p tsconfig.json`): CSV
 * outputs read back with csv-parse, dq_labels join to journal_entry_lines (record_id + line_number,
 * field values equal modified_value), duplicates follow their original; with date variations
 * enabled, `document_date` is a string column in Parquet too (read with parquet-wasm + apache-arrow).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { tableFromIPC } from 'apache-arrow';
import * as pw from 'parquet-wasm';
import { runCli, tempDirs } from '../support/cli.js';

const { tmp, cleanup } = tempDirs('dsp-dq-');
afterAll(cleanup);

const BASE = `version: 1
seed: 42
period: { start: 2025-01-01, months: 2 }
companies:
  - { code: "1000", name: "Acme US", currency: USD, country: US, volume: 6000 }
  - { code: "2000", name: Acme DE, currency: EUR, country: DE, volume: 3000 }
# Injected noise is meant to trip quality gates (e.g. duplicate_rate); they warn here instead of failing.
gates: { enforce: false }
sources:
  gl: { type: journal_entries }
`;

interface Manifest { status: string; outputs: Array<{ table: string; rel: string; rows: number }>; tables: Record<string, { rows: number }> }

async function run(transform: string, sink: string, upstream = ''): Promise<{ out: string; code: number | null; stderr: string; manifest: Manifest }> {
  const dir = tmp();
  const cfg = join(dir, 'pipeline.yaml');
  writeFileSync(cfg, `${BASE}transforms:\n${upstream}  noise: ${transform}\nsinks:\n  out: ${sink}\n`);
  const out = join(dir, 'run');
  const r = await runCli(['run', cfg, '--out', out]);
  let manifest = {} as Manifest;
  try {
    manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
  } catch {
    // reported by the exit-code assertion
  }
  return { out, code: r.code, stderr: r.stderr, manifest };
}

type Row = Record<string, string>;
function csv(dir: string, table: string): Row[] {
  return parse(readFileSync(join(dir, `${table}.csv`)), { columns: true }) as Row[];
}

describe('CLI: journal_entries → data_quality (CSV)', () => {
  let r: Awaited<ReturnType<typeof run>>;
  let lines: Row[];
  let labels: Row[];
  beforeAll(async () => {
    r = await run('{ type: data_quality, inputs: [gl], preset: noisy, duplicates: { rate: 0.03 } }', '{ type: file, inputs: [noise], path: ./out, format: csv }');
    lines = csv(r.out, 'journal_entry_lines');
    labels = csv(r.out, 'dq_labels');
  });

  it('exits 0 and writes journal_entry_lines and dq_labels', () => {
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    expect(r.manifest.status).toBe('complete');
    expect(r.manifest.tables.dq_labels.rows).toBe(labels.length);
    expect(r.manifest.tables.journal_entry_lines.rows).toBe(lines.length);
    expect(labels.length).toBeGreaterThan(500);
    expect(Object.keys(labels[0])).toEqual(['issue_id', 'issue_type', 'issue_subtype', 'severity', 'table_name', 'record_id', 'line_number', 'field_name', 'original_value', 'modified_value', 'description']);
  });

  it('every label joins to a row; the labelled field holds modified_value (missing: empty)', () => {
    const byKey = new Map<string, Row>();
    const firstOf = new Map<string, Row>();
    for (const l of lines) {
      byKey.set(`${l.document_id}#${l.line_number}`, l);
      if (!firstOf.has(l.document_id)) firstOf.set(l.document_id, l);
    }
    let joined = 0;
    for (const lb of labels) {
      const row = lb.line_number === '' ? firstOf.get(lb.record_id) : byKey.get(`${lb.record_id}#${lb.line_number}`);
      expect(row, lb.issue_id).toBeDefined();
      if (lb.issue_type === 'duplicate') {
        expect(firstOf.has(lb.original_value)).toBe(true);
        continue;
      }
      expect(row![lb.field_name], lb.issue_id).toBe(lb.modified_value);
      joined++;
    }
    expect(joined).toBeGreaterThan(400);
  });

  it('copies follow their original directly', () => {
    const index = new Map<string, number[]>();
    lines.forEach((l, i) => {
      const list = index.get(l.document_id) ?? [];
      list.push(i);
      index.set(l.document_id, list);
    });
    const dups = labels.filter((l) => l.issue_type === 'duplicate');
    expect(dups.length).toBeGreaterThan(20);
    for (const d of dups) {
      const o = index.get(d.original_value)!;
      const c = index.get(d.record_id)!;
      expect(c[0]).toBe(o[o.length - 1] + 1);
    }
  });
});

describe('CLI: journal_entries → anomalies → data_quality (the issue\'s pipeline)', () => {
  it('runs, labels join, and only entries without an anomaly label are duplicated', async () => {
    const r = await run('{ type: data_quality, inputs: [fraud], preset: normal, duplicates: { rate: 0.05 } }', '{ type: file, inputs: [noise], path: ./out, format: csv }',
      '  fraud: { type: anomalies, inputs: [gl], rate: 0.05 }\n');
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    const lines = csv(r.out, 'journal_entry_lines');
    const labels = csv(r.out, 'dq_labels');
    expect(csv(r.out, 'anomaly_labels').length).toBeGreaterThan(0);
    const anomaly = new Map<string, string>();
    for (const l of lines) anomaly.set(l.document_id, l.is_anomaly);
    const dups = labels.filter((l) => l.issue_type === 'duplicate');
    expect(dups.length).toBeGreaterThan(10);
    for (const d of dups) expect(anomaly.get(d.original_value)).toBe('false');
    for (const l of labels) expect(anomaly.has(l.record_id)).toBe(true);
  });
});

describe('CLI: data_quality with format_variations.dates.enabled (Parquet)', () => {
  it('writes document_date as a string column, some values spelt differently', async () => {
    const r = await run('{ type: data_quality, inputs: [gl], format_variations: { dates: { enabled: true, rate: 0.2 } } }', '{ type: file, inputs: [noise], path: ./out, format: parquet }');
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    const o = r.manifest.outputs.find((x) => x.table === 'journal_entry_lines')!;
    const table = tableFromIPC(pw.readParquet(readFileSync(join(r.out, o.rel))).intoIPCStream());
    expect(table.numRows).toBe(o.rows);
    expect(String(table.schema.fields.find((f) => f.name === 'document_date')!.type)).toBe('Utf8');
    expect(String(table.schema.fields.find((f) => f.name === 'posting_date')!.type)).toBe('Date32<DAY>');
    const col = table.getChild('document_date')!;
    let iso = 0;
    let other = 0;
    for (let i = 0; i < table.numRows; i++) {
      if (/^\d{4}-\d\d-\d\d$/.test(String(col.get(i)))) iso++;
      else other++;
    }
    expect(iso).toBeGreaterThan(0);
    expect(other).toBeGreaterThan(0);
    const lo = r.manifest.outputs.find((x) => x.table === 'dq_labels')!;
    const labels = tableFromIPC(pw.readParquet(readFileSync(join(r.out, lo.rel))).intoIPCStream());
    expect(labels.numRows).toBeGreaterThan(0);
  });
});

describe('CLI: data_quality option errors', () => {
  it('an unknown option and a zero weight set exit 1 with the key path, nothing written', async () => {
    const r = await run('{ type: data_quality, inputs: [gl], typos: { char_rate: 0.1 } }', '{ type: file, inputs: [noise], path: ./out, format: csv }');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('transforms.noise.typos');
    expect(r.stderr).toContain('char_rate');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const z = await run('{ type: data_quality, inputs: [gl], duplicates: { exact: 0, near: 0, fuzzy: 0 } }', '{ type: file, inputs: [noise], path: ./out, format: csv }');
    expect(z.code).toBe(1);
    expect(z.stderr).toContain('transforms.noise.duplicates');
    expect(z.stderr).not.toMatch(/\n\s+at /);
  });
});
