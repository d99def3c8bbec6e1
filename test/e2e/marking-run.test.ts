/**
 * Content marking end to end (controls.md §5): a real pipeline through the
 * engine into files, read back with independent readers (csv-parse,
 * parquet-wasm, apache-arrow), checked by `verify` (V09), and the opt-outs.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, openAsBlob, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { ParquetFile } from 'parquet-wasm';
import { tableFromIPC } from 'apache-arrow';
import '../../src/plugins.js';
import { loadConfigText } from '../../src/config/load.js';
import { runPipeline, type RunResult } from '../../src/engine/runner.js';
import { verifyRun, type VerifyReport } from '../../src/provenance/verify.js';
import { canonicalJson } from '../../src/config/hash.js';
import type { Manifest } from '../../src/provenance/manifest.js';
import { runCli, tempDirs, sha256File } from '../support/cli.js';

const { tmp, cleanup } = tempDirs('dsp-marking-');
afterAll(cleanup);

function yaml(sink: string, extra = ''): string {
  return `version: 1
seed: 42
period: { start: 2025-01-01, months: 2 }
companies:
  - { code: "1000", name: "Acme US, Inc.", currency: USD, country: US, volume: 1500 }
  - { code: "2000", name: Acme DE, currency: EUR, country: DE, volume: 800 }
sources:
  companies: { type: companies }
  gl: { type: journal_entries }
sinks:
  out: { type: file, inputs: [companies, gl], path: ./out, ${sink} }
${extra}`;
}

async function run(text: string, opts: { noMarking?: boolean } = {}): Promise<{ result: RunResult; dir: string }> {
  const dir = tmp();
  const loaded = loadConfigText(text, { file: 'pipeline.yaml', env: {}, ...opts });
  const result = await runPipeline({ loaded, cwd: dir, outRoot: dir });
  expect(result.error).toBeNull();
  return { result, dir };
}

const data = (m: Manifest) => m.outputs.filter((o) => o.role === 'data');
const sidecars = (m: Manifest) => m.outputs.filter((o) => o.role === 'marking');
const v09 = (r: VerifyReport) => r.results.filter((x) => x.check === 'V09');
const credentialOf = (m: Manifest): string => canonicalJson(m.marking!.credential);

describe('CSV (default: sidecar)', () => {
  let a: { result: RunResult; dir: string };
  let b: { result: RunResult; dir: string };
  beforeAll(async () => {
    a = await run(yaml('format: csv'));
    b = await run(yaml('format: csv'));
  });

  it('writes <file>.marking.json next to each data file and lists it as a marking output of the same sink', () => {
    const m = a.result.manifest;
    expect(data(m).length).toBeGreaterThanOrEqual(4);
    expect(sidecars(m)).toHaveLength(data(m).length);
    for (const o of data(m)) {
      expect(o.marking).toEqual({ placement: ['sidecar'], sidecar: `${o.rel}.marking.json` });
      const side = m.outputs.find((x) => x.rel === o.marking!.sidecar)!;
      expect(side).toMatchObject({ id: `${o.id}/marking`, sink: o.sink, table: o.table, role: 'marking', format: 'json', media_type: 'application/json', rows: 0 });
      const path = join(a.dir, side.rel!);
      expect(sha256File(path)).toBe(side.sha256);
      expect(readFileSync(path).length).toBe(side.bytes);
      const parsed = JSON.parse(readFileSync(path, 'utf8')) as { credential: unknown; target: string };
      expect(Object.keys(parsed)).toEqual(['credential', 'target']);
      expect(parsed.target).toBe(o.rel);
      expect(parsed.credential).toEqual(m.marking!.credential);
    }
  });

  it('records the run credential in the manifest: enabled, its sha256, the placements', () => {
    const m = a.result.manifest;
    expect(m.marking).toMatchObject({ enabled: true, disabled_by: null, placements: ['sidecar'] });
    expect(m.marking!.credential).toMatchObject({ config_hash: m.config.hash, seed: '42', synthetic: true, generator: 'datasynth-pipe' });
    expect(m.warnings.map((w) => w.code)).not.toContain('DSP_WARN_MARKING_DISABLED');
    // Table rows are data rows only.
    const gl = data(m).find((o) => o.table === 'journal_entry_lines')!;
    expect(m.tables.journal_entry_lines.rows).toBe(gl.rows);
  });

  it('a second run writes byte-identical data and sidecars (no time, no run id in the credential)', () => {
    expect(a.result.manifest.run_id).not.toBe(b.result.manifest.run_id);
    const hashes = (m: Manifest) => Object.fromEntries(m.outputs.map((o) => [o.rel, o.sha256]));
    expect(hashes(b.result.manifest)).toEqual(hashes(a.result.manifest));
    expect(b.result.manifest.marking!.credential_sha256).toBe(a.result.manifest.marking!.credential_sha256);
  });

  it('verify passes V09 for each sidecar, and fails it once a sidecar is deleted', async () => {
    const ok = await verifyRun(a.dir);
    expect(ok.summary.fail).toBe(0);
    expect(v09(ok).filter((r) => r.status === 'pass').length).toBe(data(a.result.manifest).length + 1);
    const side = sidecars(b.result.manifest)[0];
    unlinkSync(join(b.dir, side.rel!));
    const bad = await verifyRun(b.dir);
    const failed = v09(bad).filter((r) => r.status === 'fail');
    expect(failed).toHaveLength(1);
    expect(failed[0].message).toMatch(/sidecar is missing/);
  });
});

describe('CSV sidecar tampering', () => {
  it('a sidecar naming another file or holding another credential fails V09', async () => {
    const { result, dir } = await run(yaml('format: csv'));
    const [s1, s2] = sidecars(result.manifest);
    const { writeFileSync } = await import('node:fs');
    const p1 = join(dir, s1.rel!);
    const j1 = JSON.parse(readFileSync(p1, 'utf8')) as { credential: Record<string, unknown>; target: string };
    writeFileSync(p1, JSON.stringify({ ...j1, target: 'other.csv' }, null, 2) + '\n');
    const p2 = join(dir, s2.rel!);
    const j2 = JSON.parse(readFileSync(p2, 'utf8')) as { credential: Record<string, unknown>; target: string };
    writeFileSync(p2, JSON.stringify({ ...j2, credential: { ...j2.credential, seed: '43' } }, null, 2) + '\n');
    const r = await verifyRun(dir);
    const failed = v09(r).filter((x) => x.status === 'fail').map((x) => x.message).sort();
    expect(failed).toEqual(['marking sidecar holds another credential', 'marking sidecar names another target']);
  });
});

describe('CSV preamble', () => {
  let pre: { result: RunResult; dir: string };
  let plain: { result: RunResult; dir: string };
  beforeAll(async () => {
    pre = await run(yaml('format: csv', 'marking: { csv: preamble }\n'));
    plain = await run(yaml('format: csv'));
  });

  it('puts the two # lines before the header and no sidecar', () => {
    const m = pre.result.manifest;
    expect(sidecars(m)).toHaveLength(0);
    for (const o of data(m)) expect(o.marking).toEqual({ placement: ['csv_preamble'], preamble_lines: 2 });
    const lines = readFileSync(join(pre.dir, 'companies.csv'), 'utf8').split('\n');
    expect(lines[0]).toMatch(/^# SYNTHETIC DATA generated by datasynth-pipe \S+ - EU AI Act Article 50\(2\) marking; see manifest\.json$/);
    expect(lines[1]).toBe(`# datasynth.marking=${credentialOf(m)}`);
    expect(lines[2].startsWith('company_code,')).toBe(true);
    expect(readdirSync(pre.dir).some((n) => n.endsWith('.marking.json'))).toBe(false);
  });

  it("csv-parse with comment '#' reads the same records as the unmarked file", () => {
    for (const o of data(pre.result.manifest)) {
      const marked = parse(readFileSync(join(pre.dir, o.rel!)), { comment: '#', columns: true }) as unknown[];
      const unmarked = parse(readFileSync(join(plain.dir, o.rel!)), { columns: true }) as unknown[];
      expect(marked.length).toBe(o.rows);
      expect(marked).toEqual(unmarked);
    }
  });

  it('verify counts rows past the preamble and finds the credential in it', async () => {
    const r = await verifyRun(pre.dir);
    expect(r.summary.fail).toBe(0);
    expect(r.results.filter((x) => x.check === 'V08' && x.status === 'pass').length).toBe(data(pre.result.manifest).length);
    expect(v09(r).filter((x) => x.status === 'pass' && x.message.includes('csv_preamble')).length).toBe(data(pre.result.manifest).length);
  });

  it('both: preamble and sidecar', async () => {
    const both = await run(yaml('format: csv, compression: gzip', 'marking: { csv: both }\n'));
    const m = both.result.manifest;
    for (const o of data(m)) expect(o.marking).toEqual({ placement: ['csv_preamble', 'sidecar'], sidecar: `${o.rel}.marking.json`, preamble_lines: 2 });
    expect(m.marking!.placements).toEqual(['csv_preamble', 'sidecar']);
    const r = await verifyRun(both.dir);
    expect(r.summary.fail).toBe(0);
    expect(v09(r).filter((x) => x.status === 'pass').length).toBe(2 * data(m).length + 1);
  });
});

describe('NDJSON, Parquet, Arrow', () => {
  it('NDJSON: sidecar only, nothing inline', async () => {
    const { result, dir } = await run(yaml('format: ndjson', 'marking: { csv: preamble }\n'));
    const m = result.manifest;
    for (const o of data(m)) {
      expect(o.marking).toEqual({ placement: ['sidecar'], sidecar: `${o.rel}.marking.json` });
      expect(readFileSync(join(dir, o.rel!), 'utf8').startsWith('{')).toBe(true);
    }
    expect((await verifyRun(dir)).summary.fail).toBe(0);
  });

  it('Parquet: the footer key datasynth.marking holds the credential, readable with parquet-wasm', async () => {
    const { result, dir } = await run(yaml('format: parquet'));
    const m = result.manifest;
    expect(sidecars(m)).toHaveLength(0);
    for (const o of data(m)) {
      expect(o.marking).toEqual({ placement: ['parquet_footer'] });
      const file = await ParquetFile.fromFile(await openAsBlob(join(dir, o.rel!)));
      try {
        const kv = file.metadata().fileMetadata().keyValueMetadata();
        expect(kv.get('datasynth.marking')).toBe(credentialOf(m));
      } finally {
        file.free();
      }
    }
    const r = await verifyRun(dir);
    expect(r.summary.fail).toBe(0);
    expect(v09(r).filter((x) => x.status === 'pass').length).toBe(data(m).length + 1);
  });

  it('Arrow IPC: schema custom metadata datasynth.marking, readable with apache-arrow', async () => {
    const { result, dir } = await run(yaml('format: arrow'));
    const m = result.manifest;
    for (const o of data(m)) {
      expect(o.marking).toEqual({ placement: ['arrow_metadata'] });
      const table = tableFromIPC(readFileSync(join(dir, o.rel!)));
      expect(table.schema.metadata.get('datasynth.marking')).toBe(credentialOf(m));
      expect(table.numRows).toBe(o.rows);
    }
    const r = await verifyRun(dir);
    expect(r.summary.fail).toBe(0);
    expect(v09(r).filter((x) => x.status === 'pass').length).toBe(data(m).length + 1);
  });

  it('a Parquet file without the key fails V09', async () => {
    const marked = await run(yaml('format: parquet'));
    const off = await run(yaml('format: parquet'), { noMarking: true });
    const m = marked.result.manifest;
    // Replace one marked file by the same table written unmarked (other bytes, no footer key).
    const o = data(m).find((x) => x.table === 'companies')!;
    const { copyFileSync } = await import('node:fs');
    copyFileSync(join(off.dir, o.rel!), join(marked.dir, o.rel!));
    const r = await verifyRun(marked.dir);
    const failed = v09(r).filter((x) => x.status === 'fail');
    expect(failed.map((x) => x.target)).toEqual([o.rel]);
    expect(failed[0].message).toMatch(/no marking in the parquet footer/);
  });
});

describe('opt-out', () => {
  it('marking.enabled: false → nothing marked, manifest says config, warning recorded, hash changes', async () => {
    const on = await run(yaml('format: parquet'));
    const { result, dir } = await run(yaml('format: parquet', 'marking: { enabled: false }\n'));
    const m = result.manifest;
    expect(m.config.hash).not.toBe(on.result.manifest.config.hash);
    expect(m.marking).toEqual({ enabled: false, disabled_by: 'config', credential: null, credential_sha256: null, placements: [] });
    expect(m.warnings.filter((w) => w.code === 'DSP_WARN_MARKING_DISABLED')).toHaveLength(1);
    expect(sidecars(m)).toHaveLength(0);
    for (const o of m.outputs) {
      expect(o.marking).toBeUndefined();
      const file = await ParquetFile.fromFile(await openAsBlob(join(dir, o.rel!)));
      try {
        expect(file.metadata().fileMetadata().keyValueMetadata().has('datasynth.marking')).toBe(false);
      } finally {
        file.free();
      }
    }
    const r = await verifyRun(dir);
    expect(r.summary.fail).toBe(0);
    expect(v09(r)).toEqual([expect.objectContaining({ status: 'skip', message: 'content marking disabled by config' })]);
  });

  it('--no-marking on the CLI: no sidecars, disabled_by cli, one warning on stderr, another config hash', async () => {
    const dir = tmp();
    const file = join(dir, 'pipeline.yaml');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, yaml('format: csv'));
    const on = await runCli(['run', file, '--out', join(dir, 'on')]);
    const off = await runCli(['run', file, '--out', join(dir, 'off'), '--no-marking']);
    expect(on.code).toBe(0);
    expect(off.code).toBe(0);
    expect(on.stderr).not.toContain('DSP_WARN_MARKING_DISABLED');
    expect(off.stderr.match(/DSP_WARN_MARKING_DISABLED/g)).toHaveLength(1);
    const mOn = JSON.parse(readFileSync(join(dir, 'on', 'manifest.json'), 'utf8')) as Manifest;
    const mOff = JSON.parse(readFileSync(join(dir, 'off', 'manifest.json'), 'utf8')) as Manifest;
    expect(mOff.marking).toMatchObject({ enabled: false, disabled_by: 'cli', credential: null });
    expect(mOff.config.hash).not.toBe(mOn.config.hash);
    expect(mOff.config.overrides).toEqual(['marking.enabled=false']);
    expect(mOff.warnings.map((w) => w.code)).toContain('DSP_WARN_MARKING_DISABLED');
    expect(readdirSync(join(dir, 'off')).some((n) => n.endsWith('.marking.json'))).toBe(false);
    expect(existsSync(join(dir, 'on', 'companies.csv.marking.json'))).toBe(true);
    // Data bytes do not depend on marking for CSV sidecar mode.
    expect(sha256File(join(dir, 'off', 'companies.csv'))).toBe(sha256File(join(dir, 'on', 'companies.csv')));
    const v = await runCli(['verify', join(dir, 'off')]);
    expect(v.code).toBe(0);
  });
});
