/**
 * Scale-out (issue 8): one process vs --workers 2 vs 3 shards + commit give identical bytes for
 * every table; commit fails clearly on a missing shard, a shard of another config, a corrupted
 * object and an extra file, and is idempotent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync, appendFileSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDirs, REPO } from '../support/cli.js';

const dirs = tempDirs('dsp-scale-');
afterAll(() => dirs.cleanup());
const PIPELINE = join(REPO, 'test/fixtures/scale.yaml');
const RUN_ID = '5d2c7f0e-1b7a-4c1e-9a55-0d6b7c9e2f11';

type Out = { id: string; rel: string | null; sha256: string; rows: number; role: string; partitions: number[] };
function outputs(root: string): Map<string, Out> {
  const m = JSON.parse(readFileSync(join(root, 'data', 'manifest.json'), 'utf8')) as { outputs: Out[] };
  return new Map(m.outputs.map((o) => [o.rel ?? o.id, o]));
}

async function run(root: string, extra: string[] = [], env: Record<string, string> = {}): Promise<void> {
  const r = await runCli(['run', PIPELINE, '--out', root, '--if-exists', 'overwrite', '--progress', 'none', ...extra], { env });
  expect(r.stderr, r.stderr).not.toMatch(/internal error/);
  expect(r.code, r.stderr).toBe(0);
}

async function shards(root: string, n: number, only?: number[]): Promise<void> {
  for (const i of only ?? Array.from({ length: n }, (_, k) => k)) await run(root, ['--shard', `${i}/${n}`, '--run-id', RUN_ID]);
}

let single: string;
beforeAll(async () => {
  single = dirs.tmp();
  await run(single);
}, 120_000);

describe('one process, workers and shards agree byte for byte', () => {
  it('--workers 2 writes the same files as one process', async () => {
    const root = dirs.tmp();
    await run(root, ['--workers', '2']);
    const a = outputs(single);
    const b = outputs(root);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [rel, o] of a) expect(b.get(rel)!.sha256, rel).toBe(o.sha256);
  }, 120_000);

  it('3 shards + commit equal one process; shards write no run-level control files; verify passes', async () => {
    const root = dirs.tmp();
    await shards(root, 3, [0, 1]);
    // The control root is the first file sink's folder (<out>/data); commit also takes <out> itself.
    expect(existsSync(join(root, 'data/manifest.json'))).toBe(false);
    expect(existsSync(join(root, 'data/_SUCCESS'))).toBe(false);
    expect(existsSync(join(root, 'data/_manifests/shard-00000-of-00003.json'))).toBe(true);
    // Retrying a shard rewrites identical bytes.
    await shards(root, 3, [2, 2]);
    const c = await runCli(['commit', root, '--expect-shards', '3']);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toMatch(/committed 3 shards/);
    expect(existsSync(join(root, 'data/_SUCCESS'))).toBe(true);
    const a = outputs(single);
    const b = outputs(root);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [rel, o] of a) expect(b.get(rel)!.sha256, rel).toBe(o.sha256);
    const m = JSON.parse(readFileSync(join(root, 'data/manifest.json'), 'utf8'));
    const s = JSON.parse(readFileSync(join(single, 'data/manifest.json'), 'utf8'));
    expect(m.kind).toBe('run');
    expect(m.status).toBe('complete');
    expect(m.run_id).toBe(RUN_ID);
    expect(m.shards.count).toBe(3);
    for (const t of Object.keys(s.tables)) expect(m.tables[t].rows, t).toBe(s.tables[t].rows);
    const v = await runCli(['verify', join(root, 'data')]);
    expect(v.code, v.stdout + v.stderr).toBe(0);
    // Idempotent: the same shards commit again as a no-op.
    const again = await runCli(['commit', root, '--expect-shards', '3']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/already committed/);
  }, 240_000);

  it('shards need a partitioned layout', async () => {
    const root = dirs.tmp();
    const r = await runCli(['run', join(REPO, 'test/fixtures/small.yaml'), '--out', root, '--shard', '0/2', '--progress', 'none']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/layout: partitioned/);
  });
});

describe('commit refuses to publish what does not add up', () => {
  let complete: string;
  beforeAll(async () => {
    complete = dirs.tmp();
    await shards(complete, 3);
  }, 240_000);

  function copy(): string {
    const root = dirs.tmp();
    cpSync(complete, root, { recursive: true });
    return root;
  }

  it('a missing shard', async () => {
    const root = copy();
    const { rmSync } = await import('node:fs');
    rmSync(join(root, 'data/_manifests/shard-00001-of-00003.json'));
    const r = await runCli(['commit', root, '--expect-shards', '3']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/DSP_SHARDS_MISSING/);
    expect(r.stderr).toMatch(/shard 1 of 3/);
    expect(existsSync(join(root, 'data/_SUCCESS'))).toBe(false);
    expect(existsSync(join(root, 'data/manifest.json'))).toBe(false);
  });

  it('a shard from another config', async () => {
    const root = copy();
    await run(root, ['--shard', '2/3', '--run-id', RUN_ID, '--set', 'companies[1].volume=3500']);
    const r = await runCli(['commit', root, '--expect-shards', '3']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/another config hash/);
    expect(existsSync(join(root, 'data/_SUCCESS'))).toBe(false);
  }, 60_000);

  it('a corrupted object', async () => {
    const root = copy();
    const file = join(root, 'data/journal_entry_lines/part-00003-of-00006.csv');
    const bytes = readFileSync(file);
    bytes[bytes.length - 5] = bytes[bytes.length - 5] === 0x31 ? 0x32 : 0x31;
    writeFileSync(file, bytes);
    const r = await runCli(['commit', root, '--expect-shards', '3']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/part-00003-of-00006\.csv\) has SHA-256/);
  });

  it('an extra file among the outputs (and --allow-extra publishes with a warning)', async () => {
    const root = copy();
    writeFileSync(join(root, 'data/journal_entry_lines/part-00009-of-00010.csv'), 'stale\n');
    const r = await runCli(['commit', root, '--expect-shards', '3']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/no shard manifest lists.*part-00009-of-00010\.csv/);
    const ok = await runCli(['commit', root, '--expect-shards', '3', '--allow-extra']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(/DSP_WARN_EXTRA_FILES/);
  });

  it('a count that does not match the shards', async () => {
    const root = copy();
    appendFileSync(join(root, 'x'), '');
    const r = await runCli(['commit', root, '--expect-shards', '2']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/with 3 shards, not 2/);
  });
});
