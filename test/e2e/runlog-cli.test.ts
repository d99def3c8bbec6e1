/**
 * The run log as a user meets it (controls.md §9): `run` writes
 * `_runlog/<start>-<attempt>.jsonl`, `verify` checks its chain (V14) and names
 * a changed line, `--audit-log` / DSP_AUDIT_LOG chain a host log across runs,
 * and a SIGTERM stop is logged.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, startCli, tempDirs, REPO } from '../support/cli.js';
import { verifyRunLog, recordHash, type RunLogRecord } from '../../src/provenance/runlog.js';

const SMALL = join(REPO, 'test/fixtures/small.yaml');
const { tmp, cleanup } = tempDirs('dsp-runlog-e2e-');
afterAll(cleanup);

interface ManifestLike { run_id: string; status: string; shards: { attempts: Array<{ attempt_id: string }> }; run_log: Array<{ uri: string; records: number; last_hash: string }> }
const manifestOf = (dir: string): ManifestLike => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as ManifestLike;
function runLogPath(dir: string): string {
  const names = readdirSync(join(dir, '_runlog'));
  expect(names).toHaveLength(1);
  return join(dir, '_runlog', names[0]);
}
const records = (path: string): RunLogRecord[] => readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as RunLogRecord);

describe('run writes a hash-chained run log', () => {
  let out: string;
  let path: string;
  beforeAll(async () => {
    out = tmp();
    const r = await runCli(['run', SMALL, '--out', out, '-q']);
    expect(r.code).toBe(0);
    path = runLogPath(out);
  });

  it('names the file by UTC start time and attempt id; every record carries the run identity', () => {
    const m = manifestOf(out);
    const attempt = m.shards.attempts[0].attempt_id;
    expect(path.split('/').pop()).toMatch(new RegExp(`^\\d{8}T\\d{9}Z-${attempt}\\.jsonl$`));
    for (const [i, r] of records(path).entries()) {
      expect(r).toMatchObject({ v: 1, seq: i, run_id: m.run_id, attempt_id: attempt, shard: '0/1' });
      expect(r.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(recordHash(r)).toBe(r.hash);
    }
  });

  it('logs the expected action sequence, no per-row records', () => {
    const rs = records(path);
    const actions = rs.map((r) => r.action);
    expect(actions.slice(0, 5)).toEqual(['run.start', 'config.load', 'seed.resolve', 'shard.resolve', 'manifest.write']);
    // controls.md §2.1: shard manifest, prov.json, then manifest.json.
    expect(actions.slice(-4)).toEqual(['manifest.write', 'prov.write', 'manifest.write', 'run.end']);
    expect(rs.at(-2)!.resource).toBe('manifest.json');
    expect(rs.at(-1)).toMatchObject({ outcome: 'success', details: { status: 'complete', exit_code: 0 } });
    expect(rs[0].actor).toMatch(/^(user|orchestrator):/);
    expect(rs[1].resource).toMatch(/^config:[0-9a-f]{64}$/);
    expect(rs[1].details).toEqual({ sources: [SMALL], overrides: [] });
    expect(rs[2].details).toEqual({ seed: '42', defaulted: false });
    expect(rs[3]).toMatchObject({ resource: 'shard:0/1', details: { resolved_from: 'default' } });
    // One open and one commit per output; commits carry the manifest's hashes.
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { outputs: Array<{ id: string; uri: string; sha256: string; rows: number; bytes: number }> };
    const commits = rs.filter((r) => r.action === 'output.commit');
    expect(commits).toHaveLength(m.outputs.length);
    expect(rs.filter((r) => r.action === 'output.open')).toHaveLength(m.outputs.length);
    for (const o of m.outputs) {
      const c = commits.find((x) => x.resource === o.uri)!;
      expect(c.details).toEqual({ id: o.id, sha256: o.sha256, rows: o.rows, bytes: o.bytes });
    }
    expect(rs.length).toBeLessThan(100);
  });

  it('the manifest anchors the chain just before its own manifest.write record', async () => {
    const rs = records(path);
    const m = manifestOf(out);
    expect(m.run_log).toHaveLength(1);
    expect(m.run_log[0].uri).toBe(`file://${path}`);
    const writeIdx = rs.findIndex((r) => r.action === 'manifest.write' && r.resource === 'manifest.json');
    expect(m.run_log[0].records).toBe(writeIdx);
    expect(m.run_log[0].last_hash).toBe(rs[writeIdx - 1].hash);
    expect((await verifyRunLog(path)).ok).toBe(true);
  });

  it('verify passes with a V14 run log check', async () => {
    const v = await runCli(['verify', out]);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/\[PASS\] V14 _runlog\/\S+\.jsonl run log chain/);
  });

  it('one changed byte in one line → verify exit 3 naming that line', async () => {
    const copy = tmp();
    const r = await runCli(['run', SMALL, '--out', copy, '-q']);
    expect(r.code).toBe(0);
    const p = runLogPath(copy);
    const lines = readFileSync(p, 'utf8').split('\n');
    // Line 7 (1-based): change one digit of its timestamp's milliseconds.
    lines[6] = lines[6].replace(/(\.\d\d)(\d)Z"/, (_m, a: string, d: string) => `${a}${d === '0' ? '1' : '0'}Z"`);
    writeFileSync(p, lines.join('\n'));
    const v = await runCli(['verify', copy]);
    expect(v.code).toBe(3);
    expect(v.stdout).toMatch(/\[FAIL\] V14 _runlog\/\S+\.jsonl:7 run log chain broken at line 7: hash does not match/);
    expect(v.stdout).toMatch(/verify: \d+ passed, 1 failed/);
  });

  it('a deleted line → verify exit 3 naming the line after the gap', async () => {
    const copy = tmp();
    expect((await runCli(['run', SMALL, '--out', copy, '-q'])).code).toBe(0);
    const p = runLogPath(copy);
    const lines = readFileSync(p, 'utf8').split('\n');
    lines.splice(4, 1);
    writeFileSync(p, lines.join('\n'));
    const v = await runCli(['verify', copy, '--format', 'json']);
    expect(v.code).toBe(3);
    const report = JSON.parse(v.stdout) as { results: Array<{ check: string; status: string; message: string }> };
    const v14 = report.results.filter((x) => x.check === 'V14');
    expect(v14).toHaveLength(1);
    expect(v14[0].status).toBe('fail');
    expect(v14[0].message).toMatch(/line 5: seq is 5, expected 4/);
  });
});

describe('--no-marking is logged', () => {
  it('marking.disable names who turned it off', async () => {
    const out = tmp();
    expect((await runCli(['run', SMALL, '--out', out, '-q', '--no-marking'])).code).toBe(0);
    const rs = records(runLogPath(out));
    const off = rs.filter((r) => r.action === 'marking.disable');
    expect(off).toHaveLength(1);
    expect(off[0].details).toEqual({ disabled_by: 'cli' });
  });
});

describe('--audit-log', () => {
  it('chains the second run to the first across runs (option, then DSP_AUDIT_LOG); verify --audit-log checks it', async () => {
    const base = tmp();
    const audit = join(base, 'host', 'audit.jsonl');
    const a = join(base, 'a');
    const b = join(base, 'b');
    expect((await runCli(['run', SMALL, '--out', a, '-q', '--audit-log', audit])).code).toBe(0);
    const first = records(audit);
    expect(existsSync(`${audit}.lock`)).toBe(false);
    expect((await runCli(['run', SMALL, '--out', b, '-q'], { env: { DSP_AUDIT_LOG: audit } })).code).toBe(0);
    const all = records(audit);
    const second = all.slice(first.length);
    expect(second.length).toBe(records(runLogPath(b)).length);
    expect(second[0].action).toBe('run.start');
    expect(second[0].prev_hash).toBe(first.at(-1)!.hash);
    expect(second[0].run_id).toBe(manifestOf(b).run_id);
    expect(all.map((r) => r.seq)).toEqual(all.map((_, i) => i));
    // Same events as the attempt log, with the audit log's own seq and chain.
    expect(second.map((r) => r.action)).toEqual(records(runLogPath(b)).map((r) => r.action));

    const ok = await runCli(['verify', '--audit-log', audit]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/\[PASS\] V14/);
    const lines = readFileSync(audit, 'utf8').split('\n');
    lines[first.length + 2] = lines[first.length + 2].replace('"info"', '"success"');
    writeFileSync(audit, lines.join('\n'));
    const bad = await runCli(['verify', '--audit-log', audit]);
    expect(bad.code).toBe(3);
    expect(bad.stdout).toContain(`line ${first.length + 3}:`);
  });

  it('a left-over lock file is a clear error naming it', async () => {
    const base = tmp();
    const audit = join(base, 'audit.jsonl');
    writeFileSync(`${audit}.lock`, 'pid 1\n');
    const r = await runCli(['run', SMALL, '--out', join(base, 'o'), '-q', '--audit-log', audit]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('DSP_AUDIT_LOG_LOCKED');
    expect(r.stderr).toContain(`${audit}.lock`);
  });
});

describe('a SIGTERM stop is logged', () => {
  it('signal by signal:SIGTERM, aborted outputs, run.end aborted; the chain verifies', async () => {
    const out = tmp();
    const { child, done } = startCli(['run', join(REPO, 'pipelines/demo.yaml'), '--out', out, '--progress', 'ndjson', '--progress-interval', '0']);
    let sent = false;
    child.stderr!.on('data', (d: Buffer) => {
      if (!sent && d.toString().includes('"type":"progress"')) {
        sent = true;
        child.kill('SIGTERM');
      }
    });
    const r = await done;
    expect(sent).toBe(true);
    expect(r.code).toBe(75);
    const path = runLogPath(out);
    const rs = records(path);
    const sig = rs.filter((x) => x.action === 'signal');
    expect(sig).toHaveLength(1);
    expect(sig[0]).toMatchObject({ actor: 'signal:SIGTERM', outcome: 'aborted', details: { code: 'DSP_SIGNAL_SIGTERM' } });
    // Every opened output ends in exactly one commit or abort (which ones depends on when the signal lands).
    const aborts = rs.filter((x) => x.action === 'output.abort');
    for (const a of aborts) expect(a.details.code).toBe('DSP_SIGNAL_SIGTERM');
    for (const o of rs.filter((x) => x.action === 'output.open')) {
      const ends = rs.filter((x) => (x.action === 'output.commit' || x.action === 'output.abort') && x.details.id === o.details.id);
      expect(ends, String(o.details.id)).toHaveLength(1);
      expect(ends[0].seq).toBeGreaterThan(o.seq);
    }
    expect(aborts.length).toBeGreaterThan(0);
    expect(rs.at(-1)).toMatchObject({ action: 'run.end', outcome: 'aborted', details: { status: 'aborted', exit_code: 75, code: 'DSP_SIGNAL_SIGTERM' } });
    expect((await verifyRunLog(path)).ok).toBe(true);
    const v = await runCli(['verify', out, '--allow-incomplete']);
    expect(v.stdout).toMatch(/\[PASS\] V14 /);
  });
});
