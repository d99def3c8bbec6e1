/**
 * The CLI as a user runs it: `npx datasynth-pipe run …` in the clone, outputs
 * read back with independent readers (csv-parse, node:crypto, zlib).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync, readdirSync, existsSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { runCli, tempDirs, sha256File, REPO } from '../support/cli.js';

const SMALL = join(REPO, 'test/fixtures/small.yaml');
const { tmp, cleanup } = tempDirs();
afterAll(cleanup);

interface ManifestLike {
  status: string;
  run_id: string;
  started_at: string;
  config: { hash: string };
  outputs: Array<{ id: string; table: string; role: 'data' | 'marking'; rel: string; rows: number; bytes: number; sha256: string }>;
  tables: Record<string, { rows: number }>;
}
function manifestOf(dir: string): ManifestLike {
  return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as ManifestLike;
}
function dataHashes(dir: string): Record<string, string> {
  return Object.fromEntries(manifestOf(dir).outputs.map((o) => [o.rel, o.sha256]));
}

describe('README command 1: npx datasynth-pipe run pipelines/demo.yaml', () => {
  let out: string;
  let result: Awaited<ReturnType<typeof runCli>>;
  beforeAll(async () => {
    out = tmp();
    result = await runCli(['datasynth-pipe', 'run', 'pipelines/demo.yaml', '--out', out], { command: ['npx'] });
  });

  it('exits 0 and writes data, manifest.json and _SUCCESS', () => {
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    expect(existsSync(join(out, 'manifest.json'))).toBe(true);
    expect(existsSync(join(out, '_SUCCESS'))).toBe(true);
    expect(existsSync(join(out, 'journal_entry_lines.csv'))).toBe(true);
    const m = manifestOf(out);
    expect(m.status).toBe('complete');
    expect(m.tables.journal_entry_lines.rows).toBeGreaterThan(150_000);
    expect(m.tables.journal_entry_lines.rows).toBeLessThan(300_000);
  });

  it('records each output with the SHA-256, size and row count of the bytes on disk', () => {
    const m = manifestOf(out);
    expect(m.outputs.length).toBeGreaterThanOrEqual(7);
    // Content-marking sidecars (role marking) are checked in test/e2e/marking-run.test.ts.
    for (const o of m.outputs.filter((x) => x.role === 'data')) {
      const path = join(out, o.rel);
      expect(sha256File(path)).toBe(o.sha256);
      expect(statSync(path).size).toBe(o.bytes);
      const records = parse(readFileSync(path), { columns: true }) as unknown[];
      expect(records.length).toBe(o.rows);
    }
  });

  it('leaves no temp files behind', () => {
    const all = readdirSync(out, { recursive: true }) as string[];
    expect(all.filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('_SUCCESS names the manifest it vouches for', () => {
    const marker = JSON.parse(readFileSync(join(out, '_SUCCESS'), 'utf8')) as { manifest_sha256: string; run_id: string };
    expect(marker.manifest_sha256).toBe(sha256File(join(out, 'manifest.json')));
    expect(marker.run_id).toBe(manifestOf(out).run_id);
  });

  it('verify passes on the fresh run', async () => {
    const v = await runCli(['verify', out]);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/verify: \d+ passed, 0 failed/);
  });
});

describe('determinism', () => {
  it('same config + seed → identical bytes in every data file; run facts differ only in the manifest', async () => {
    const a = tmp();
    const b = tmp();
    const [ra, rb] = await Promise.all([runCli(['run', SMALL, '--out', a, '-q']), runCli(['run', SMALL, '--out', b, '-q'])]);
    expect(ra.code).toBe(0);
    expect(rb.code).toBe(0);
    expect(dataHashes(a)).toEqual(dataHashes(b));
    expect(manifestOf(a).run_id).not.toBe(manifestOf(b).run_id);
    expect(manifestOf(a).config.hash).toBe(manifestOf(b).config.hash);
  });

  it('a different seed gives different journal entries and the same config hash', async () => {
    const a = tmp();
    const b = tmp();
    await runCli(['run', SMALL, '--out', a, '-q']);
    await runCli(['run', SMALL, '--out', b, '-q', '--seed', '7']);
    const ha = dataHashes(a);
    const hb = dataHashes(b);
    expect(hb['journal_entry_lines.csv']).not.toBe(ha['journal_entry_lines.csv']);
    expect(manifestOf(a).config.hash).toBe(manifestOf(b).config.hash);
  });

  it('partitioned gzip layout holds exactly the rows of the single file, in partition order', async () => {
    const single = tmp();
    const parts = tmp();
    await runCli(['run', SMALL, '--out', single, '-q']);
    const r = await runCli(['run', SMALL, '--out', parts, '-q', '--set', 'sinks.out.layout=partitioned', '--set', 'sinks.out.compression=gzip']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const files = readdirSync(join(parts, 'journal_entry_lines')).filter((f) => !f.endsWith('.marking.json')).sort();
    expect(files[0]).toMatch(/^part-00000-of-00006\.csv\.gz$/);
    expect(files).toHaveLength(6);
    const header = readFileSync(join(single, 'journal_entry_lines.csv'), 'utf8').split('\n')[0];
    const body = files.map((f) => {
      const text = gunzipSync(readFileSync(join(parts, 'journal_entry_lines', f))).toString('utf8');
      expect(text.startsWith(header + '\n')).toBe(true);
      return text.slice(header.length + 1);
    }).join('');
    expect(header + '\n' + body).toBe(readFileSync(join(single, 'journal_entry_lines.csv'), 'utf8'));
    // gzip bytes are deterministic too (mtime 0, fixed OS byte)
    const again = tmp();
    await runCli(['run', SMALL, '--out', again, '-q', '--set', 'sinks.out.layout=partitioned', '--set', 'sinks.out.compression=gzip']);
    expect(dataHashes(again)).toEqual(dataHashes(parts));
  });
});

describe('verify detects tampering', () => {
  it('one changed byte → exit 3 with a failed sha256 check', async () => {
    const out = tmp();
    expect((await runCli(['run', SMALL, '--out', out, '-q'])).code).toBe(0);
    const path = join(out, 'journal_entry_lines.csv');
    const bytes = readFileSync(path);
    const i = bytes.length - 10;
    bytes[i] = bytes[i] === 0x31 ? 0x32 : 0x31;
    writeFileSync(path, bytes);
    const v = await runCli(['verify', out]);
    expect(v.code).toBe(3);
    expect(v.stdout).toMatch(/\[FAIL\] V07 journal_entry_lines\.csv/);
    expect(v.stdout).toMatch(/verify: \d+ passed, 1 failed/);
  });

  it('a missing output and a changed manifest are reported; an unreadable manifest exits 1', async () => {
    const out = tmp();
    expect((await runCli(['run', SMALL, '--out', out, '-q'])).code).toBe(0);
    const m = readFileSync(join(out, 'manifest.json'), 'utf8');
    writeFileSync(join(out, 'manifest.json'), m.replace('"status": "complete"', '"status": "complete" '));
    const v1 = await runCli(['verify', out, '--format', 'json']);
    expect(v1.code).toBe(3);
    const report = JSON.parse(v1.stdout) as { results: Array<{ check: string; status: string }> };
    expect(report.results.find((r) => r.check === 'V02')?.status).toBe('fail');
    writeFileSync(join(out, 'manifest.json'), '{ not json');
    const v2 = await runCli(['verify', out]);
    expect(v2.code).toBe(1);
  });
});

describe('failures end cleanly', () => {
  it('an existing earlier run is not overwritten without --if-exists overwrite', async () => {
    const out = tmp();
    expect((await runCli(['run', SMALL, '--out', out, '-q'])).code).toBe(0);
    const before = dataHashes(out);
    const again = await runCli(['run', SMALL, '--out', out, '-q', '--seed', '9']);
    expect(again.code).toBe(3);
    expect(again.stderr).toMatch(/DSP_OUTPUT_EXISTS/);
    expect(again.stderr).toMatch(/--if-exists overwrite/);
    expect(dataHashes(out)).toEqual(before);
    const over = await runCli(['run', SMALL, '--out', out, '-q', '--seed', '9', '--if-exists', 'overwrite']);
    expect(over.code).toBe(0);
    expect(dataHashes(out)['journal_entry_lines.csv']).not.toBe(before['journal_entry_lines.csv']);
  });

  it('an unwritable output path → exit 3, a clear message, nothing written', async () => {
    const base = tmp();
    writeFileSync(join(base, 'afile'), 'x');
    const r = await runCli(['run', SMALL, '--out', join(base, 'afile', 'sub'), '-q']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/afile/);
    expect(readdirSync(base)).toEqual(['afile']);
  });

  it('SIGTERM mid-run → exit 75, manifest aborted, no partial or temp files', async () => {
    const { startCli } = await import('../support/cli.js');
    const out = tmp();
    const { child, done } = startCli(['run', join(REPO, 'pipelines/demo.yaml'), '--out', out, '--progress', 'ndjson', '--progress-interval', '0']);
    let sent = false;
    let sentAt = 0;
    child.stderr!.on('data', (d: Buffer) => {
      if (!sent && d.toString().includes('"type":"progress"')) {
        sent = true;
        sentAt = Date.now();
        child.kill('SIGTERM');
      }
    });
    const r = await done;
    expect(sent).toBe(true);
    expect(r.code).toBe(75);
    // controls.md §7.5: within the grace period (shutdown.grace_ms, default 20 s).
    expect(Date.now() - sentAt).toBeLessThan(20_000);
    expect(r.stderr).toContain('"type":"end"');
    const m = manifestOf(out);
    expect(m.status).toBe('aborted');
    expect(existsSync(join(out, '_SUCCESS'))).toBe(false);
    expect(existsSync(join(out, 'journal_entry_lines.csv'))).toBe(false);
    const all = readdirSync(out, { recursive: true }) as string[];
    expect(all.filter((f) => f.includes('.tmp-'))).toEqual([]);
    // whatever was committed before the stop is complete and listed with its hash
    for (const o of m.outputs) expect(sha256File(join(out, o.rel))).toBe(o.sha256);
  });
});

describe('progress', () => {
  it('--progress ndjson: every line parses; start/end frame the run; end counts equal the manifest', async () => {
    const out = tmp();
    const r = await runCli(['run', SMALL, '--out', out, '--progress', 'ndjson', '--progress-interval', '0', '-q']);
    expect(r.code).toBe(0);
    const events = r.stderr.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events[0].type).toBe('start');
    expect(events.at(-1)!.type).toBe('end');
    expect(events.some((e) => e.type === 'progress')).toBe(true);
    const m = manifestOf(out);
    const outputs = events.filter((e) => e.type === 'output');
    expect(outputs).toHaveLength(m.outputs.length);
    const end = events.at(-1)!;
    expect(end.status).toBe('complete');
    expect(end.exit_code).toBe(0);
    expect(end.rows).toBe(Object.values(m.tables).reduce((a, t) => a + t.rows, 0));
    expect(events[0].config_hash).toBe(m.config.hash);
  });
});
