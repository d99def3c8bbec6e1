/**
 * The run log (controls.md §9): chain building, JCS hashing, the audit log's
 * cross-run chain and lock, and verification naming the tampered line.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import canonicalize from 'canonicalize';
import {
  AttemptRecorder, GENESIS_HASH, RunLog, chainRecord, recordForcedExit, recordHash, runLogFileName, userActor,
  verifyRunLog, verifyRunLogText, type RunLogRecord,
} from '../../src/provenance/runlog.js';
import { tempDirs } from '../support/cli.js';

const { tmp, cleanup } = tempDirs('dsp-runlog-');
afterAll(cleanup);

const ID = { run_id: '11111111-1111-4111-8111-111111111111', attempt_id: '22222222-2222-4222-8222-222222222222', shard: '0/1' };
const START = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 67));

function buildChain(n: number): RunLogRecord[] {
  const out: RunLogRecord[] = [];
  let prev = GENESIS_HASH;
  for (let i = 0; i < n; i++) {
    const r = chainRecord(ID, i, prev, { actor: 'system:engine', action: 'output.commit', resource: `file:///o/${i}.csv`, outcome: 'success', details: { sha256: 'ab'.repeat(32), rows: i, bytes: i * 10 } }, `2026-01-02T03:04:05.${String(100 + i)}Z`);
    out.push(r);
    prev = r.hash;
  }
  return out;
}
const text = (records: RunLogRecord[]): string => records.map((r) => JSON.stringify(r)).join('\n') + '\n';

describe('records and chain', () => {
  it('keys come in the order of controls.md §9 and the first prev_hash is 64 zeros', () => {
    const [r] = buildChain(1);
    expect(Object.keys(r)).toEqual(['v', 'seq', 'timestamp', 'run_id', 'attempt_id', 'shard', 'actor', 'action', 'resource', 'outcome', 'details', 'prev_hash', 'hash']);
    expect(r.prev_hash).toBe('0'.repeat(64));
    expect(r.v).toBe(1);
  });

  it('hash = SHA-256 of the RFC 8785 JSON of the record without hash (independent canonicalizer)', () => {
    const [r] = buildChain(1);
    const { hash, ...rest } = r;
    const expected = createHash('sha256').update(canonicalize(rest)!).digest('hex');
    expect(hash).toBe(expected);
    expect(recordHash(r)).toBe(expected);
    // JCS: key order of the input does not change the hash.
    const shuffled = Object.fromEntries(Object.entries(rest).reverse()) as Omit<RunLogRecord, 'hash'>;
    expect(recordHash(shuffled)).toBe(expected);
  });

  it('each prev_hash is the previous record hash', () => {
    const c = buildChain(5);
    for (let i = 1; i < c.length; i++) expect(c[i].prev_hash).toBe(c[i - 1].hash);
    expect(new Set(c.map((r) => r.hash)).size).toBe(5);
  });

  it('file name is the UTC start time (ms) and the attempt id', () => {
    expect(runLogFileName(START, ID.attempt_id)).toBe(`20260102T030405067Z-${ID.attempt_id}.jsonl`);
  });

  it('the user actor names an OS user', () => {
    expect(userActor()).toMatch(/^user:.+/);
  });
});

describe('verifyRunLog', () => {
  it('a good log passes with every hash listed', () => {
    const c = buildChain(6);
    const v = verifyRunLogText(text(c));
    expect(v.ok).toBe(true);
    expect(v.records).toBe(6);
    expect(v.hashes).toEqual(c.map((r) => r.hash));
    expect(v.line).toBeNull();
  });

  it('an edited field fails at that line (hash does not recompute)', () => {
    const c = buildChain(6);
    const lines = text(c).split('\n');
    lines[3] = lines[3].replace('"rows":3', '"rows":4');
    const v = verifyRunLogText(lines.join('\n'));
    expect(v.ok).toBe(false);
    expect(v.line).toBe(4);
    expect(v.message).toMatch(/^line 4: hash does not match/);
    expect(v.records).toBe(3);
  });

  it('an edited record with a recomputed hash fails at the next line (prev_hash link)', () => {
    const c = buildChain(6);
    const forged = chainRecord(ID, 2, c[1].hash, { actor: 'system:engine', action: 'output.commit', resource: 'x', outcome: 'success' }, c[2].timestamp);
    const v = verifyRunLogText(text([...c.slice(0, 2), forged, ...c.slice(3)]));
    expect(v.ok).toBe(false);
    expect(v.line).toBe(4);
    expect(v.message).toMatch(/prev_hash/);
  });

  it('a deleted line fails at the line after the gap', () => {
    const c = buildChain(6);
    const v = verifyRunLogText(text([...c.slice(0, 2), ...c.slice(3)]));
    expect(v.ok).toBe(false);
    expect(v.line).toBe(3);
    expect(v.message).toMatch(/seq is 3, expected 2/);
  });

  it('reordered lines fail at the first moved line', () => {
    const c = buildChain(6);
    const v = verifyRunLogText(text([c[0], c[1], c[2], c[4], c[3], c[5]]));
    expect(v.ok).toBe(false);
    expect(v.line).toBe(4);
  });

  it('a line that no longer parses is named', () => {
    const c = buildChain(3);
    const lines = text(c).split('\n');
    lines[1] = lines[1].slice(0, 40);
    const v = verifyRunLogText(lines.join('\n'));
    expect(v.ok).toBe(false);
    expect(v.line).toBe(2);
    expect(v.message).toMatch(/does not parse/);
  });

  it('a missing file fails without a line', async () => {
    const v = await verifyRunLog(join(tmp(), 'nope.jsonl'));
    expect(v.ok).toBe(false);
    expect(v.line).toBeNull();
    expect(v.message).toMatch(/missing/);
  });
});

describe('RunLog writer', () => {
  it('writes _runlog/<start>-<attempt>.jsonl with a verifiable chain and anchors', async () => {
    const root = tmp();
    const log = await RunLog.open({ controlRoot: root, runId: ID.run_id, attemptId: ID.attempt_id, startedAt: START });
    const rec = new AttemptRecorder(log);
    rec.start({ tool: 'x' });
    rec.outputOpen('out/t/all', {});
    rec.outputCommit('file:///o.csv', 'out/t/all', 'cd'.repeat(32), 5, 50);
    const anchor = log.anchors()[0];
    rec.manifestWrite('manifest.json', 'ef'.repeat(32), 'complete');
    rec.end('complete', 0, null);
    log.close();
    const path = join(root, '_runlog', runLogFileName(START, ID.attempt_id));
    expect(readdirSync(join(root, '_runlog'))).toEqual([runLogFileName(START, ID.attempt_id)]);
    const v = await verifyRunLog(path);
    expect(v.ok).toBe(true);
    expect(v.records).toBe(5);
    expect(anchor.records).toBe(3);
    expect(anchor.last_hash).toBe(v.hashes[2]);
    expect(anchor.uri).toBe(`file://${path}`);
    const actions = readFileSync(path, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as RunLogRecord).action);
    expect(actions).toEqual(['run.start', 'output.open', 'output.commit', 'manifest.write', 'run.end']);
  });

  it('a signal stop is recorded with the signal as actor; other stops are not', async () => {
    const root = tmp();
    const log = await RunLog.open({ controlRoot: root, runId: ID.run_id, attemptId: ID.attempt_id, startedAt: START });
    const rec = new AttemptRecorder(log);
    rec.stopRequested({ code: 'DSP_STDOUT_CLOSED' });
    rec.stopRequested({ code: 'DSP_SIGNAL_SIGTERM', message: 'stopped by SIGTERM' });
    log.close();
    const lines = readFileSync(join(root, '_runlog', runLogFileName(START, ID.attempt_id)), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as RunLogRecord);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ actor: 'signal:SIGTERM', action: 'signal', outcome: 'aborted', details: { code: 'DSP_SIGNAL_SIGTERM' } });
  });

  it('the forced-exit record is appended synchronously and closes the log', async () => {
    const root = tmp();
    const audit = join(root, 'audit.jsonl');
    const log = await RunLog.open({ controlRoot: root, runId: ID.run_id, attemptId: ID.attempt_id, startedAt: START, auditLog: audit });
    new AttemptRecorder(log).start({});
    recordForcedExit('SIGINT', 130);
    expect(existsSync(`${audit}.lock`)).toBe(false);
    const path = join(root, '_runlog', runLogFileName(START, ID.attempt_id));
    const v = await verifyRunLog(path);
    expect(v.ok).toBe(true);
    const last = JSON.parse(readFileSync(path, 'utf8').trim().split('\n').at(-1)!) as RunLogRecord;
    expect(last).toMatchObject({ action: 'signal', actor: 'signal:SIGINT', details: { forced: true, exit_code: 130 } });
    expect(() => log.append({ actor: 'a', action: 'b', resource: 'c', outcome: 'info' })).toThrow(/closed/);
  });
});

describe('audit log', () => {
  it('continues its chain across runs and verifies as one log', async () => {
    const root = tmp();
    const audit = join(root, 'host', 'audit.jsonl');
    const a = await RunLog.open({ controlRoot: join(root, 'a'), runId: ID.run_id, attemptId: ID.attempt_id, startedAt: START, auditLog: audit });
    new AttemptRecorder(a).start({});
    new AttemptRecorder(a).end('complete', 0, null);
    a.close();
    const b = await RunLog.open({ controlRoot: join(root, 'b'), runId: 'r2', attemptId: 'a2', startedAt: START, auditLog: audit });
    new AttemptRecorder(b).start({});
    b.close();
    const lines = readFileSync(audit, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as RunLogRecord);
    expect(lines.map((l) => l.seq)).toEqual([0, 1, 2]);
    expect(lines[2].prev_hash).toBe(lines[1].hash);
    expect(lines[2].run_id).toBe('r2');
    expect((await verifyRunLog(audit)).ok).toBe(true);
    // The attempt file of run b starts its own chain.
    const bFile = readFileSync(join(root, 'b', '_runlog', runLogFileName(START, 'a2')), 'utf8');
    expect((JSON.parse(bFile.split('\n')[0]) as RunLogRecord).prev_hash).toBe(GENESIS_HASH);
  });

  it('continues a long host log (last line read from the end, beyond the first 64 KiB chunk)', async () => {
    const root = tmp();
    const audit = join(root, 'audit.jsonl');
    const prior = buildChain(1500);
    writeFileSync(audit, text(prior));
    expect(readFileSync(audit).length).toBeGreaterThan(256 * 1024);
    const log = await RunLog.open({ controlRoot: root, runId: 'r', attemptId: 'x', startedAt: START, auditLog: audit });
    new AttemptRecorder(log).start({});
    log.close();
    const v = await verifyRunLog(audit);
    expect(v.ok).toBe(true);
    expect(v.records).toBe(1501);
    const last = JSON.parse(readFileSync(audit, 'utf8').trim().split('\n').at(-1)!) as RunLogRecord;
    expect(last).toMatchObject({ seq: 1500, prev_hash: prior.at(-1)!.hash, action: 'run.start' });
  });

  it('one writer at a time: an existing lock is a clear error naming the lock file', async () => {
    const root = tmp();
    const audit = join(root, 'audit.jsonl');
    const a = await RunLog.open({ controlRoot: join(root, 'a'), runId: ID.run_id, attemptId: ID.attempt_id, startedAt: START, auditLog: audit });
    expect(existsSync(`${audit}.lock`)).toBe(true);
    await expect(RunLog.open({ controlRoot: join(root, 'b'), runId: 'r', attemptId: 'x', startedAt: START, auditLog: audit }))
      .rejects.toMatchObject({ code: 'DSP_AUDIT_LOG_LOCKED', message: expect.stringContaining(`${audit}.lock`) as unknown });
    // The refused run opened no attempt log.
    expect(existsSync(join(root, 'b'))).toBe(false);
    a.close();
    expect(existsSync(`${audit}.lock`)).toBe(false);
  });

  it('a corrupt last line is refused (the chain cannot be continued)', async () => {
    const root = tmp();
    const audit = join(root, 'audit.jsonl');
    writeFileSync(audit, text(buildChain(2)) + '{"torn":\n');
    await expect(RunLog.open({ controlRoot: root, runId: 'r', attemptId: 'x', startedAt: START, auditLog: audit }))
      .rejects.toMatchObject({ code: 'DSP_AUDIT_LOG_CORRUPT', message: expect.stringContaining('line (3)') as unknown });
    expect(existsSync(`${audit}.lock`)).toBe(false);
  });
});
