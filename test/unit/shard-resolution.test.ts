import { describe, expect, it } from 'vitest';
import { ownsPartition, resolveRunId, resolveShard } from '../../src/scale/shard.js';
import { DspError } from '../../src/errors.js';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as DspError).code;
  }
  return 'no error';
}

describe('shard resolution (controls.md §11.1)', () => {
  it('defaults to 0/1', () => {
    expect(resolveShard({ env: {} })).toEqual({ index: 0, count: 1, resolvedFrom: 'default' });
  });
  it('reads --shard i/n, --shard-index/--shard-count and the environment in order', () => {
    expect(resolveShard({ shard: '2/8', env: {} })).toEqual({ index: 2, count: 8, resolvedFrom: 'flag' });
    expect(resolveShard({ shardIndex: '1', shardCount: '3', env: {} })).toEqual({ index: 1, count: 3, resolvedFrom: 'flag' });
    expect(resolveShard({ env: { DSP_SHARD_INDEX: '4', DSP_SHARD_COUNT: '5' } })).toEqual({ index: 4, count: 5, resolvedFrom: 'DSP_SHARD_INDEX' });
    expect(resolveShard({ env: { JOB_COMPLETION_INDEX: '3', DSP_SHARD_COUNT: '4' } })).toEqual({ index: 3, count: 4, resolvedFrom: 'JOB_COMPLETION_INDEX' });
    expect(resolveShard({ shardCount: 6, env: { JOB_COMPLETION_INDEX: '5' } })).toEqual({ index: 5, count: 6, resolvedFrom: 'JOB_COMPLETION_INDEX' });
    expect(resolveShard({ env: { AWS_BATCH_JOB_ARRAY_INDEX: '7', AWS_BATCH_JOB_ARRAY_SIZE: '10' } })).toEqual({ index: 7, count: 10, resolvedFrom: 'AWS_BATCH_JOB_ARRAY_INDEX' });
    expect(resolveShard({ env: {}, pipes: { shardIndex: 1, shardCount: 2 } })).toEqual({ index: 1, count: 2, resolvedFrom: 'dagster_pipes' });
    expect(resolveShard({ env: {}, pipes: { partitionKey: '2', shardCount: 3 } })).toEqual({ index: 2, count: 3, resolvedFrom: 'dagster_pipes' });
  });
  it('agreeing sources are fine; disagreeing ones fail with DSP_SHARD_CONFLICT (exit 1)', () => {
    expect(resolveShard({ shard: '1/4', env: { JOB_COMPLETION_INDEX: '1', DSP_SHARD_COUNT: '4' } }).index).toBe(1);
    expect(code(() => resolveShard({ shard: '1/4', env: { JOB_COMPLETION_INDEX: '2', DSP_SHARD_COUNT: '4' } }))).toBe('DSP_SHARD_CONFLICT');
    try {
      resolveShard({ shard: '1/4', env: { DSP_SHARD_INDEX: '0', DSP_SHARD_COUNT: '4' } });
    } catch (e) {
      expect((e as DspError).exitCode).toBe(1);
      expect((e as Error).message).toMatch(/DSP_SHARD_INDEX says shard 0\/4, but --shard says 1\/4/);
    }
  });
  it('rejects bad values with a message naming the setting', () => {
    expect(code(() => resolveShard({ shard: '4/4', env: {} }))).toBe('DSP_SHARD_INVALID');
    expect(code(() => resolveShard({ shard: 'two/four', env: {} }))).toBe('DSP_SHARD_INVALID');
    expect(code(() => resolveShard({ env: { JOB_COMPLETION_INDEX: '1' } }))).toBe('DSP_SHARD_INVALID');
    expect(code(() => resolveShard({ env: { DSP_SHARD_INDEX: '-1', DSP_SHARD_COUNT: '2' } }))).toBe('DSP_SHARD_INVALID');
  });
  it('assigns partitions p ≡ i (mod n), each to exactly one shard', () => {
    const n = 3;
    for (let p = 0; p < 20; p++) {
      const owners = [0, 1, 2].filter((i) => ownsPartition({ index: i, count: n, resolvedFrom: 'flag' }, p));
      expect(owners).toEqual([p % n]);
    }
  });
});

describe('run id (controls.md §11.2)', () => {
  const base = { configHash: 'ab'.repeat(32), seed: 42n, toolVersion: '0.1.0' };
  it('takes --run-id, then DSP_RUN_ID, then Pipes, then the AWS Batch parent id', () => {
    const id = '0f2a64f4-7a3c-4b8e-9d1f-1234567890ab';
    expect(resolveRunId({ ...base, shardCount: 2, runId: id, env: { DSP_RUN_ID: 'x' } })).toMatchObject({ runId: id, source: 'flag' });
    expect(resolveRunId({ ...base, shardCount: 2, env: { DSP_RUN_ID: id } })).toMatchObject({ runId: id, source: 'DSP_RUN_ID' });
    expect(resolveRunId({ ...base, shardCount: 2, env: {}, pipesRunId: id })).toMatchObject({ runId: id, source: 'dagster_pipes' });
    expect(resolveRunId({ ...base, shardCount: 2, env: { AWS_BATCH_JOB_ID: `${id}:3` } })).toMatchObject({ runId: id, source: 'AWS_BATCH_JOB_ID' });
  });
  it('maps a non-UUID id (Airflow) to a stable UUID v8 and keeps the original', () => {
    const a = resolveRunId({ ...base, shardCount: 3, runId: 'scheduled__2026-12-01T00:00:00+00:00' });
    const b = resolveRunId({ ...base, shardCount: 3, runId: 'scheduled__2026-12-01T00:00:00+00:00' });
    expect(a.runId).toBe(b.runId);
    expect(a.runId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.original).toBe('scheduled__2026-12-01T00:00:00+00:00');
  });
  it('derives the same id on every shard when none is given, with a warning; one process gets a random v4', () => {
    const a = resolveRunId({ ...base, shardCount: 3, env: {} });
    const b = resolveRunId({ ...base, shardCount: 3, env: {} });
    expect(a.runId).toBe(b.runId);
    expect(a.source).toBe('derived');
    expect(a.warning).toMatch(/--run-id/);
    expect(resolveRunId({ ...base, shardCount: 4, env: {} }).runId).not.toBe(a.runId);
    const r1 = resolveRunId({ ...base, shardCount: 1, env: {} });
    expect(r1.runId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4/);
    expect(resolveRunId({ ...base, shardCount: 1, env: {} }).runId).not.toBe(r1.runId);
  });
});
