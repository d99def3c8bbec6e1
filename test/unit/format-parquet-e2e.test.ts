/**
 * The CLI end to end with `format: parquet` / `format: arrow`: the files read
 * back with independent readers match the manifest, and `datasynth-pipe verify`
 * checks hashes and row counts (V08 pass, not skip). Needs the built CLI
 * (`npm run build`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import * as pw from 'parquet-wasm';
import { runCli, tempDir, sha256File, REPO } from '../support/cli.js';

interface ManifestLike {
  status: string;
  outputs: Array<{ table: string; rel: string; rows: number; bytes: number; sha256: string; format: string; media_type?: string; compression: string; partitions: number[] }>;
  tables: Record<string, { rows: number }>;
}

const dirs: Array<() => void> = [];
afterAll(() => dirs.forEach((c) => c()));

/** test/fixtures/small.yaml with its sink replaced (and sources the sink does not read removed). */
function config(sink: string): string {
  const small = readFileSync(join(REPO, 'test/fixtures/small.yaml'), 'utf8');
  const inputs = /inputs: \[([^\]]*)\]/.exec(sink)![1].split(',').map((s) => s.trim());
  const kept = small.split('\n').filter((line) => {
    const m = /^ {2}(\w+): \{ type: (companies|chart_of_accounts|journal_entries)/.exec(line);
    return !m || inputs.includes(m[1]);
  });
  return kept.join('\n').replace(/^sinks:[\s\S]*$/m, `sinks:\n  out: ${sink}\n`);
}

async function runWith(sink: string): Promise<{ out: string; code: number | null; stderr: string; manifest: ManifestLike }> {
  const t = tempDir();
  dirs.push(t.cleanup);
  const cfg = join(t.path, 'pipeline.yaml');
  writeFileSync(cfg, config(sink));
  const out = join(t.path, 'run');
  const r = await runCli(['run', cfg, '--out', out]);
  const manifest = existsSync(join(out, 'manifest.json')) ? (JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as ManifestLike) : ({} as ManifestLike);
  return { out, code: r.code, stderr: r.stderr, manifest };
}

describe('CLI run with format: parquet, layout: partitioned', () => {
  let run: Awaited<ReturnType<typeof runWith>>;
  beforeAll(async () => {
    run = await runWith('{ type: file, inputs: [companies, coa, gl], path: ./out, format: parquet, layout: partitioned }');
  });

  it('exits 0 and writes part files per (table, partition)', () => {
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    expect(run.manifest.status).toBe('complete');
    const lines = run.manifest.outputs.filter((o) => o.table === 'journal_entry_lines');
    expect(lines.length).toBeGreaterThan(1);
    for (const o of lines) expect(o.rel).toMatch(/^journal_entry_lines\/part-\d{5}-of-\d{5}\.parquet$/);
    for (const o of run.manifest.outputs) {
      expect(o.format).toBe('parquet');
      expect(o.compression).toBe('zstd');
    }
  });

  it('each file reads back with parquet-wasm + apache-arrow and matches the manifest', () => {
    let total = 0;
    for (const o of run.manifest.outputs) {
      const path = join(run.out, o.rel);
      const bytes = readFileSync(path);
      expect(sha256File(path)).toBe(o.sha256);
      expect(bytes.length).toBe(o.bytes);
      const table = tableFromIPC(pw.readParquet(bytes).intoIPCStream());
      expect(table.numRows).toBe(o.rows);
      if (o.table === 'journal_entry_lines') {
        total += o.rows;
        expect(table.schema.fields[0].name).toBe('document_id');
        expect(String(table.schema.fields.find((f) => f.name === 'posting_date')!.type)).toBe('Date32<DAY>');
      }
    }
    expect(total).toBe(run.manifest.tables.journal_entry_lines.rows);
    expect(total).toBeGreaterThan(1000);
  });

  it('verify exits 0 with every row count checked', async () => {
    const v = await runCli(['verify', run.out]);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/verify: \d+ passed, 0 failed/);
    expect(v.stdout).toMatch(/\[PASS\] V08 journal_entry_lines\/part-00000-of-\d{5}\.parquet rows/);
    expect(v.stdout).not.toMatch(/\[SKIP\] V08/);
  });

  it('verify fails V08 on a corrupt parquet file', async () => {
    const o = run.manifest.outputs.find((x) => x.table === 'journal_entry_lines')!;
    const path = join(run.out, o.rel);
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, bytes.length - 16));
    const v = await runCli(['verify', run.out]);
    expect(v.code).not.toBe(0);
    expect(v.stdout).toMatch(new RegExp(`\\[FAIL\\] V08 ${o.rel.replace(/[.]/g, '\\.')}`));
  });
});

describe('CLI run with format: arrow', () => {
  it('writes Arrow IPC streams that read back and verify with row counts', async () => {
    const run = await runWith('{ type: file, inputs: [companies, gl], path: ./out, format: arrow }');
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    const o = run.manifest.outputs.find((x) => x.table === 'journal_entry_lines')!;
    expect(o.rel).toBe('journal_entry_lines.arrow');
    const table = tableFromIPC(readFileSync(join(run.out, o.rel)));
    expect(table.numRows).toBe(o.rows);
    const v = await runCli(['verify', run.out]);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/\[PASS\] V08 journal_entry_lines\.arrow rows/);
  });

  it('refuses gzip for parquet and zstd for csv with the option path', async () => {
    const a = await runWith('{ type: file, inputs: [gl], path: ./out, format: parquet, compression: gzip }');
    expect(a.code).toBe(1);
    expect(a.stderr).toContain('sinks.out.compression');
    const b = await runWith('{ type: file, inputs: [gl], path: ./out, format: csv, compression: zstd }');
    expect(b.code).toBe(1);
    expect(b.stderr).toContain('sinks.out.compression');
  });
});

describe('CLI run with row_group_rows', () => {
  it('the sink option reaches the writer: row groups of exactly that many rows', async () => {
    const run = await runWith('{ type: file, inputs: [companies, coa, gl], path: ./out, format: parquet, row_group_rows: 5000 }');
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    const o = run.manifest.outputs.find((x) => x.table === 'journal_entry_lines')!;
    const meta = (await pw.ParquetFile.fromFile(new Blob([readFileSync(join(run.out, o.rel))]))).metadata();
    const groups = meta.numRowGroups();
    expect(groups).toBe(Math.ceil(o.rows / 5000));
    for (let g = 0; g < groups - 1; g++) expect(meta.rowGroup(g).numRows()).toBe(5000);
  });
});
