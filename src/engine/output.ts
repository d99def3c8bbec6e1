/**
 * One output in flight: encoder → (gzip) → hashing tap → sink writable, wired
 * with stream/promises.pipeline so any error aborts it (controls.md §8.1).
 */
import { pipeline, finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { createHash, type Hash } from 'node:crypto';
import type { Batch } from './batch.js';
import type { CommittedOutput, FormatEncoder, FormatPlugin, OutputTarget, OutputWriter } from './plugins.js';
import { HashingTap, writeChunk } from './streams.js';
import { createCompressor } from '../formats/compression.js';
import type { MarkingPlacement } from '../provenance/marking.js';

export interface OutputRecord {
  readonly id: string;
  readonly sink: string;
  readonly table: string;
  readonly role: 'data' | 'marking';
  readonly format: string;
  readonly mediaType: string;
  readonly compression: string;
  readonly partitions: readonly number[];
  readonly rows: number;
  readonly bytes: number;
  readonly sha256: string;
  readonly committed: CommittedOutput;
  /** Where this output carries the content marking (controls.md §2.4), when it does. */
  readonly marking?: OutputMarking;
}

/** `outputs[].marking` (controls.md §2.4): the placements, the sidecar's rel (else URI), the CSV preamble's line count. */
export interface OutputMarking {
  placement: MarkingPlacement[];
  sidecar?: string;
  preamble_lines?: number;
}

/** Coalesce encoder output into writes of at least this many bytes (fewer, coarser writes). */
const MIN_WRITE = 64 * 1024;

export class OutputChannel {
  readonly id: string;
  rows = 0;
  private readonly encoder: FormatEncoder;
  /** Where encoded bytes go first: the compressor, else the sink's writable itself. */
  private readonly head: Writable;
  /** Compressed outputs hash after the compressor (a stage); plain ones hash inline before writing. */
  private readonly tap: HashingTap | null;
  private readonly inlineHash: Hash | null;
  private inlineBytes = 0;
  private readonly done: Promise<void>;
  /** Hand chunks back to the encoder once written (only when the sink keeps no reference). */
  private readonly onWritten: ((chunk: Buffer) => () => void) | null;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** writeEncoded() callers waiting for pending (coalesced) chunks to be copied or written. */
  private pendingReleases: Array<() => void> = [];
  /**
   * True when this channel learns when the destination is done with a chunk (zlib's or the sink's write
   * callback), so writeEncoded() can report it; otherwise the sink may keep a reference.
   */
  readonly releasesChunks: boolean;
  private state: 'open' | 'committed' | 'aborted' = 'open';
  private failure: unknown = null;

  constructor(
    readonly sinkId: string,
    readonly target: OutputTarget,
    readonly format: FormatPlugin,
    readonly writer: OutputWriter,
    encoderOptions: Record<string, unknown>,
  ) {
    this.id = `${sinkId}/${target.table}/${target.layout === 'single' ? 'all' : 'p' + String(target.partitions[0]).padStart(5, '0')}`;
    this.encoder = format.createEncoder(target.schema, { ...encoderOptions, compression: target.compression });
    // gzip is a byte stage for text formats; binary formats (Parquet) compress inside the encoder.
    const gzip = createCompressor(target.compression === 'gzip' ? 'gzip' : 'none');
    if (gzip) {
      this.tap = new HashingTap();
      this.inlineHash = null;
      this.head = gzip;
    } else {
      this.tap = null;
      this.inlineHash = createHash('sha256');
      this.head = writer.writable;
    }
    // zlib is done with an input chunk when its write callback runs; a sink says so itself.
    this.releasesChunks = gzip !== null || writer.releasesChunks === true;
    const recycle = this.encoder.recycle?.bind(this.encoder);
    this.onWritten = recycle && this.releasesChunks ? (chunk) => () => recycle(chunk) : null;
    this.done = (gzip && this.tap ? pipeline(gzip, this.tap, writer.writable) : finished(writer.writable)).catch((err: unknown) => {
      this.failure ??= err;
      throw err;
    });
    // Observed through write()/finish(); avoid an unhandled rejection in between.
    this.done.catch(() => undefined);
  }

  async begin(): Promise<void> {
    await this.push(await this.encoder.begin());
  }

  async write(batch: Batch): Promise<void> {
    this.rows += batch.length;
    const encoded = this.encoder.encode(batch);
    await this.push(encoded instanceof Promise ? await encoded : encoded);
  }

  /**
   * Bytes a worker thread encoded with this output's format and options (fragment formats only:
   * CSV/NDJSON rows after the header), counted as `rows` rows. Same bytes as `write(batch)`.
   * `onReleased` (only when {@link releasesChunks}) runs once the chunk's memory is no longer needed —
   * written, or copied into a coalesced write — so the caller may reuse it; never after a failure.
   */
  async writeEncoded(chunk: Buffer, rows: number, onReleased?: () => void): Promise<void> {
    this.rows += rows;
    if (chunk.length > 0) await this.push([chunk], onReleased);
    else onReleased?.();
  }

  /**
   * Large chunks (the encoders cut ~256 KiB ones) go straight to the destination; only small
   * ones are coalesced, so writes stay coarse without copying every byte a second time.
   */
  private async push(chunks: Buffer[], released?: () => void): Promise<void> {
    for (const c of chunks) {
      if (c.length === 0) continue;
      if (c.length >= MIN_WRITE && this.pendingBytes === 0) {
        await this.writeOut(c, released);
        continue;
      }
      this.pending.push(c);
      this.pendingBytes += c.length;
      if (released) this.pendingReleases.push(released);
      if (this.pendingBytes >= MIN_WRITE) await this.flush();
    }
  }

  private async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const single = this.pending.length === 1;
    const chunk = single ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
    const releases = this.pendingReleases;
    this.pending = [];
    this.pendingBytes = 0;
    this.pendingReleases = [];
    // Coalesced chunks were copied: their memory is free now; a lone chunk is written as it is.
    if (!single) for (const r of releases) r();
    await this.writeOut(chunk, single ? releases[0] : undefined);
  }

  private async writeOut(chunk: Buffer, released?: () => void): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.inlineHash) {
      this.inlineHash.update(chunk);
      this.inlineBytes += chunk.length;
    }
    const recycle = this.onWritten?.(chunk);
    const done = released && recycle ? (): void => { recycle(); released(); } : (released ?? recycle);
    await writeChunk(this.head, chunk, done && ((err?: Error | null) => { if (!err) done(); }));
  }

  /** Ends the byte stream, waits for the destination to finish, then commits atomically. */
  async finish(): Promise<OutputRecord> {
    await this.push(await this.encoder.end());
    await this.flush();
    this.head.end();
    await this.done;
    const committed = await this.writer.commit();
    this.state = 'committed';
    return {
      id: this.id,
      sink: this.sinkId,
      table: this.target.table,
      role: 'data',
      format: this.target.format,
      mediaType: this.format.mediaType,
      compression: this.target.compression,
      partitions: this.target.partitions,
      rows: this.rows,
      bytes: this.tap ? this.tap.bytes : this.inlineBytes,
      sha256: this.tap ? this.tap.digest() : this.inlineHash!.digest('hex'),
      committed,
    };
  }

  async abort(reason: unknown): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'aborted';
    this.head.destroy();
    this.tap?.destroy();
    await this.writer.abort(reason);
  }

  bufferedBytes(): number {
    return this.pendingBytes + this.writer.bufferedBytes();
  }
}

/**
 * Writes a small, fully known output (a marking sidecar) through a sink's writer: hash, end,
 * wait for 'finish', commit; any failure aborts the writer (controls.md §8.1).
 */
export async function writeWholeOutput(
  writer: OutputWriter,
  bytes: Buffer,
  fields: Pick<OutputRecord, 'id' | 'sink' | 'table' | 'role' | 'format' | 'mediaType' | 'compression' | 'partitions'>,
): Promise<OutputRecord> {
  try {
    const w = writer.writable;
    const done = finished(w);
    w.end(bytes);
    await done;
    const committed = await writer.commit();
    return { ...fields, rows: 0, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), committed };
  } catch (err) {
    await writer.abort(err);
    throw err;
  }
}
