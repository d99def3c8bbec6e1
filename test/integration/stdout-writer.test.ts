/**
 * The stdout sink's writer against stand-in streams whose write callbacks the
 * test controls: backpressure (one chunk in flight), commit = end + drain,
 * EPIPE → DSP_STDOUT_CLOSED (exit 75), other errors → exit 3, one writer at a time.
 */
import { describe, it, expect } from 'vitest';
import { Writable } from 'node:stream';
import { setImmediate as tick } from 'node:timers/promises';
import { createStdoutSink, isStdoutClosed, stdoutSink, STDOUT_URI } from '../../sinks/stdout/index.js';
import { writeChunk } from '../../src/engine/streams.js';
import { DspError, ExitCode, OutputError, StoppedError } from '../../src/errors.js';
import type { OutputTarget, RunContext } from '../../src/engine/plugins.js';
import type { TableSchema } from '../../src/engine/schema.js';

const target = (over: Partial<OutputTarget> = {}): OutputTarget => ({
  table: 'journal_entry_lines',
  partitions: [0, 1],
  partitionCount: 2,
  layout: 'single',
  format: 'csv',
  compression: 'none',
  schema: { name: 'journal_entry_lines', columns: [] } as unknown as TableSchema,
  ...over,
});
const ctx = (): RunContext => ({ runId: 'r', attemptId: 'a', controlRoot: '/tmp', signal: new AbortController().signal, ifExists: 'fail' });

/** A stdout stand-in: records bytes, answers each write when the test says (or at once with `auto`). */
class FakeOut extends Writable {
  readonly received: Buffer[] = [];
  readonly waiting: Array<(err?: Error | null) => void> = [];
  maxQueued = 0;
  auto = false;
  failWith: NodeJS.ErrnoException | null = null;
  constructor() {
    super({ highWaterMark: 16 * 1024 });
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.maxQueued = Math.max(this.maxQueued, this.writableLength);
    if (this.failWith) {
      cb(this.failWith);
      return;
    }
    this.received.push(Buffer.from(chunk));
    if (this.auto) setImmediate(cb);
    else this.waiting.push(cb);
  }
  /** Answers the writes waiting now (not those a callback starts meanwhile). */
  release(): void {
    for (const cb of this.waiting.splice(0)) cb();
  }
}

const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`write ${code}`), { code, errno: -32, syscall: 'write' });

async function settle(p: Promise<unknown>): Promise<'pending' | 'resolved' | 'rejected'> {
  let state: 'pending' | 'resolved' | 'rejected' = 'pending';
  p.then(() => (state = 'resolved'), () => (state = 'rejected'));
  for (let i = 0; i < 5; i++) await tick();
  return state;
}

describe('stdout writer', () => {
  it('keeps at most one of its chunks in stdout, delivers every byte in order, commits without ending stdout', async () => {
    const out = new FakeOut();
    out.auto = true;
    const sink = createStdoutSink('pipe', () => out);
    const w = await sink.open(target(), ctx());
    expect(w.releasesChunks).toBe(true);
    const chunks = Array.from({ length: 40 }, (_, i) => Buffer.alloc(64 * 1024, 65 + (i % 26)));
    for (const c of chunks) await writeChunk(w.writable, c);
    w.writable.end();
    const committed = await w.commit();
    expect(committed.uri).toBe(STDOUT_URI);
    expect(committed.rel).toBeNull();
    expect(Buffer.concat(out.received).equals(Buffer.concat(chunks))).toBe(true);
    // writableLength counts the chunk being written: never a second one queued behind it.
    expect(out.maxQueued).toBeLessThanOrEqual(64 * 1024);
    expect(out.writableEnded).toBe(false);
    expect(out.destroyed).toBe(false);
    expect(await w.commit()).toBe(committed);
    await w.abort(new Error('late'));
  });

  it('does not call back before stdout did (the engine waits; nothing piles up in memory)', async () => {
    const out = new FakeOut();
    const w = await createStdoutSink('pipe', () => out).open(target(), ctx());
    let calledBack = false;
    w.writable.write(Buffer.alloc(1000, 1), () => (calledBack = true));
    await tick();
    await tick();
    expect(calledBack).toBe(false);
    expect(w.bufferedBytes()).toBeGreaterThanOrEqual(1000);
    out.release();
    await tick();
    await tick();
    expect(calledBack).toBe(true);
    w.writable.end();
    await w.commit();
  });

  it('commit = end + drain: waits while stdout still holds queued bytes', async () => {
    const out = new FakeOut();
    const w = await createStdoutSink('pipe', () => out).open(target(), ctx());
    // Someone else's large write is queued in stdout ahead of ours.
    out.write(Buffer.alloc(64 * 1024, 2));
    const ours = writeChunk(w.writable, Buffer.alloc(10, 3));
    w.writable.end();
    const commit = w.commit();
    expect(await settle(commit)).toBe('pending');
    out.release();
    expect(await settle(commit)).toBe('pending');
    out.release();
    expect(await settle(commit)).toBe('resolved');
    await ours;
    expect(out.writableLength).toBe(0);
  });

  it('EPIPE → StoppedError DSP_STDOUT_CLOSED (exit 75); stdout is marked closed; no uncaught error event', async () => {
    const out = new FakeOut();
    const sink = createStdoutSink('pipe', () => out);
    const w = await sink.open(target(), ctx());
    out.failWith = errno('EPIPE');
    const errored = new Promise<Error>((res) => w.writable.once('error', res));
    w.writable.write(Buffer.from('a,b\n'));
    const err = await errored;
    expect(err).toBeInstanceOf(StoppedError);
    expect((err as DspError).code).toBe('DSP_STDOUT_CLOSED');
    expect((err as DspError).exitCode).toBe(ExitCode.Stopped);
    expect(err.message).toBe('standard output was closed by the reader (e.g. | head); stopping');
    // FakeOut emitted 'error' (errorOrDestroy): only our listener is there, and it did not throw.
    await tick();
    expect(out.listenerCount('error')).toBeGreaterThan(0);
    expect(isStdoutClosed(out)).toBe(true);
    await expect(w.commit()).rejects.toMatchObject({ code: 'DSP_STDOUT_CLOSED' });
    await w.abort(err);
    await expect(sink.open(target(), ctx())).rejects.toMatchObject({ code: 'DSP_STDOUT_CLOSED', exitCode: 75 });
    await expect(sink.check(new AbortController().signal)).rejects.toBeInstanceOf(StoppedError);
  });

  it('stdout closing while a write waits also stops the run', async () => {
    const out = new FakeOut();
    const w = await createStdoutSink('pipe', () => out).open(target(), ctx());
    const pending = writeChunk(w.writable, Buffer.alloc(300 * 1024, 1));
    const errored = new Promise<Error>((res) => w.writable.once('error', res));
    w.writable.write(Buffer.alloc(10));
    out.destroy();
    expect(await errored).toMatchObject({ code: 'DSP_STDOUT_CLOSED' });
    await expect(pending).rejects.toMatchObject({ code: 'DSP_STDOUT_CLOSED' });
  });

  it('other write errors (ENOSPC on `> file`) → OutputError exit 3 naming the sink and table', async () => {
    const out = new FakeOut();
    const w = await createStdoutSink('pipe', () => out).open(target(), ctx());
    out.failWith = errno('ENOSPC');
    const errored = new Promise<Error>((res) => w.writable.once('error', res));
    w.writable.write(Buffer.from('x'));
    const err = await errored;
    expect(err).toBeInstanceOf(OutputError);
    expect((err as DspError).code).toBe('DSP_SINK_STDOUT_WRITE');
    expect((err as DspError).exitCode).toBe(ExitCode.OutputFailure);
    expect(err.message).toContain('sink pipe, table journal_entry_lines');
    expect(err.message).toContain('ENOSPC');
    expect(isStdoutClosed(out)).toBe(false);
  });

  it('one writer at a time; abort frees stdout, never throws and is idempotent', async () => {
    const out = new FakeOut();
    out.auto = true;
    const sink = createStdoutSink('pipe', () => out);
    const first = await sink.open(target(), ctx());
    await expect(createStdoutSink('other', () => out).open(target({ table: 'je_approvals' }), ctx())).rejects.toMatchObject({ code: 'DSP_SINK_STDOUT_BUSY', exitCode: 3 });
    await first.abort(new Error('x'));
    await first.abort(new Error('again'));
    await expect(first.commit()).rejects.toBeInstanceOf(DspError);
    const second = await sink.open(target(), ctx());
    second.writable.end(Buffer.from('h\n'));
    await second.commit();
    // After commit stdout is free again (a later run in the same process).
    const third = await sink.open(target(), ctx());
    third.writable.end();
    await third.commit();
    expect(Buffer.concat(out.received).toString()).toBe('h\n');
  });

  it('rejects targets it cannot honour and describes itself as a single-table sink', async () => {
    const sink = createStdoutSink('pipe', () => new FakeOut());
    await expect(sink.open(target({ layout: 'partitioned', partitions: [0] }), ctx())).rejects.toMatchObject({ code: 'DSP_SINK_STDOUT_LAYOUT' });
    await expect(sink.open(target({ compression: 'gzip' }), ctx())).rejects.toMatchObject({ code: 'DSP_SINK_STDOUT_COMPRESSION' });
    expect(stdoutSink.singleTable).toBe(true);
    expect(stdoutSink.formats).toEqual(['csv', 'ndjson']);
    expect(stdoutSink.localRoot).toBeUndefined();
    const props = (stdoutSink.optionsSchema as { properties: Record<string, unknown>; additionalProperties: boolean }).properties;
    expect(Object.keys(props).sort()).toEqual(['delimiter', 'format', 'tables']);
    expect((stdoutSink.optionsSchema as { additionalProperties: boolean }).additionalProperties).toBe(false);
  });
});
