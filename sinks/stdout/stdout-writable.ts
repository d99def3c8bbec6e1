/**
 * A Writable over process.stdout for Unix pipes (controls.md §8.6).
 *
 * - Backpressure: `_write` calls back only once stdout's own write callback
 *   ran, i.e. the chunk reached the kernel (pipe) or the file (sync writes);
 *   so stdout never buffers more than one of our chunks, and `_final` waits for
 *   its 'drain' when anything else left bytes queued there. This works for both
 *   behaviours of process.stdout on POSIX: async for pipes/sockets, sync for
 *   files and TTYs (a slow `> file` then blocks the loop, which is Node's choice).
 * - Never ends or destroys stdout: other code (and the next run in the same
 *   process) may still use it.
 * - EPIPE (`| head` exited): the reader is gone, so the run stops on purpose
 *   with `DSP_STDOUT_CLOSED` (exit 75) instead of failing. Node's stdio streams
 *   "undestroy" themselves after an error (dummyDestroy) and emit 'error' again
 *   on the next write, so the closed state is remembered here, per stream, and a
 *   permanent 'error' listener keeps Node from printing an unhandled
 *   "Error: write EPIPE" with a stack trace.
 */
import { Writable } from 'node:stream';
import { OutputError, StoppedError, type DspError } from '../../src/errors.js';

/** controls.md §8.1 rule 2: 64–256 KiB writes; the engine cuts chunks of this size. */
const HIGH_WATER_MARK = 256 * 1024;

export const STDOUT_CLOSED_CODE = 'DSP_STDOUT_CLOSED';
export const STDOUT_CLOSED_MESSAGE = 'standard output was closed by the reader (e.g. | head); stopping';

/** Errors that mean "the reader went away", not "the destination is broken". */
const READER_GONE = new Set(['EPIPE', 'ECONNRESET', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END', 'ERR_STREAM_PREMATURE_CLOSE']);

export function stdoutClosedError(): StoppedError {
  return new StoppedError(STDOUT_CLOSED_CODE, STDOUT_CLOSED_MESSAGE);
}

/** What we know about one stdout-like stream, shared by every writer on it in this process. */
interface StreamState {
  /** Set once the reader is gone: later writers stop at open instead of writing into EPIPE. */
  closed: boolean;
  /** The one writer allowed at a time (two would interleave their bytes). */
  active: StdoutWritable | null;
}

const states = new WeakMap<Writable, StreamState>();

function errnoCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}

/**
 * The shared state of `stream`, installing (once per stream, permanently) the
 * listeners that record a closed reader and keep stdout's 'error' events from
 * becoming uncaught exceptions. Errors are reported to our writer through its
 * write callback; the event itself carries nothing more.
 */
export function stdoutState(stream: Writable): StreamState {
  let state = states.get(stream);
  if (state) return state;
  const s: StreamState = { closed: false, active: null };
  state = s;
  states.set(stream, s);
  let otherError = false;
  stream.on('error', (err: Error) => {
    if (READER_GONE.has(errnoCode(err) ?? '')) s.closed = true;
    else otherError = true;
    s.active?.streamFailed(err);
  });
  // Stdio streams emit 'close' after any write error (then undestroy themselves): after EPIPE it
  // means the reader is gone; after e.g. ENOSPC the next write may still work. A 'close' with no
  // error before it (someone destroyed stdout) means no one will read the rest.
  stream.on('close', () => {
    if (!otherError) s.closed = true;
    otherError = false;
    s.active?.streamFailed(null);
  });
  return s;
}

/** Whether the reader of `stream` is known to be gone (an earlier write hit EPIPE). */
export function isStdoutClosed(stream: Writable): boolean {
  return states.get(stream)?.closed ?? false;
}

export class StdoutWritable extends Writable {
  private pending: ((err?: Error | null) => void) | null = null;
  private failure: DspError | null = null;
  private readonly state: StreamState;

  /**
   * @param out  process.stdout, or any Writable standing in for it (tests).
   * @param describe  `sink <id>, table <t>` for error messages.
   */
  constructor(private readonly out: Writable, private readonly describe: string) {
    super({ highWaterMark: HIGH_WATER_MARK, decodeStrings: true });
    this.state = stdoutState(out);
  }

  /** The error this writable failed with, if any (the engine also sees it as the stream error). */
  get failed(): DspError | null {
    return this.failure;
  }

  /** Bytes stdout still holds (ours at most one chunk, plus whatever others queued). */
  downstreamBytes(): number {
    return this.out.writableLength ?? 0;
  }

  private mapError(err: unknown): DspError {
    const code = errnoCode(err);
    if (err === null || err === undefined || this.state.closed || READER_GONE.has(code ?? '')) {
      this.state.closed = true;
      return stdoutClosedError();
    }
    const why = (err as Error)?.message ?? String(err);
    return new OutputError(
      'DSP_SINK_STDOUT_WRITE',
      `${this.describe}: cannot write to standard output: ${why}. Check where stdout is redirected (disk space, permissions), or write to a file sink instead.`,
      { errno: code },
      { cause: err },
    );
  }

  /** Called by the stream listeners: stdout errored or closed while this writer owns it. */
  streamFailed(err: Error | null): void {
    this.failure ??= this.mapError(err);
    const cb = this.pending;
    this.pending = null;
    if (cb) cb(this.failure);
    else if (!this.destroyed && !this.writableFinished) this.destroy(this.failure);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.failure) {
      callback(this.failure);
      return;
    }
    if (this.state.closed || this.out.writableEnded) {
      this.failure = stdoutClosedError();
      this.state.closed = true;
      callback(this.failure);
      return;
    }
    this.pending = callback;
    const done = (err?: Error | null): void => {
      const cb = this.pending;
      this.pending = null;
      // Already answered by streamFailed (a destroyed socket may call back without an error).
      if (!cb) return;
      if (err) {
        this.failure ??= this.mapError(err);
        cb(this.failure);
      } else if (this.failure) cb(this.failure);
      else cb();
    };
    try {
      this.out.write(chunk, done);
    } catch (err) {
      done(err as Error);
    }
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.failure) {
      callback(this.failure);
      return;
    }
    const out = this.out;
    if (!out.writableNeedDrain) {
      callback();
      return;
    }
    // Someone else's bytes are still queued in stdout: ours count as delivered once it drained.
    // An error or close meanwhile reaches streamFailed, which answers `pending` instead.
    const onDrain = (): void => {
      const cb = this.pending;
      this.pending = null;
      cb?.(this.failure);
    };
    this.pending = (err) => {
      out.off('drain', onDrain);
      callback(err);
    };
    out.once('drain', onDrain);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // Never destroys `out`: stdout outlives this output. A pending write is answered by stdout itself.
    callback(error);
  }
}
