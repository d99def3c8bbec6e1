/**
 * One output in flight: encoder → (gzip) → hashing tap → sink writable, wired
 * with stream/promises.pipeline so any error aborts it (controls.md §8.1).
 */
import { pipeline } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import type { Batch } from './batch.js';
import type { CommittedOutput, FormatEncoder, FormatPlugin, OutputTarget, OutputWriter } from './plugins.js';
import { HashingTap, writeChunk } from './streams.js';
import { createCompressor } from '../formats/compression.js';

export interface OutputRecord {
  readonly id: string;
  readonly sink: string;
  readonly table: string;
  readonly role: 'data';
  readonly format: string;
  readonly mediaType: string;
  readonly compression: 'none' | 'gzip';
  readonly partitions: readonly number[];
  readonly rows: number;
  readonly bytes: number;
  readonly sha256: string;
  readonly committed: CommittedOutput;
}

/** Coalesce encoder output into writes of at least this many bytes (fewer, coarser writes). */
const MIN_WRITE = 128 * 1024;

export class OutputChannel {
  readonly id: string;
  rows = 0;
  private readonly encoder: FormatEncoder;
  private readonly head: Writable;
  private readonly tap = new HashingTap();
  private readonly done: Promise<void>;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
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
    const gzip = createCompressor(target.compression);
    this.head = gzip ?? this.tap;
    this.done = (gzip ? pipeline(gzip, this.tap, writer.writable) : pipeline(this.tap, writer.writable)).catch((err: unknown) => {
      this.failure ??= err;
      throw err;
    });
    // Observed through write()/finish(); avoid an unhandled rejection in between.
    this.done.catch(() => undefined);
  }

  async begin(): Promise<void> {
    await this.push(this.encoder.begin());
  }

  async write(batch: Batch): Promise<void> {
    this.rows += batch.length;
    await this.push(this.encoder.encode(batch));
  }

  private async push(chunks: Buffer[]): Promise<void> {
    for (const c of chunks) {
      if (c.length === 0) continue;
      this.pending.push(c);
      this.pendingBytes += c.length;
    }
    if (this.pendingBytes >= MIN_WRITE) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const chunk = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    if (this.failure) throw this.failure;
    await writeChunk(this.head, chunk);
  }

  /** Ends the byte stream, waits for the destination to finish, then commits atomically. */
  async finish(): Promise<OutputRecord> {
    await this.push(this.encoder.end());
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
      bytes: this.tap.bytes,
      sha256: this.tap.digest(),
      committed,
    };
  }

  async abort(reason: unknown): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'aborted';
    this.head.destroy();
    this.tap.destroy();
    await this.writer.abort(reason);
  }

  bufferedBytes(): number {
    return this.pendingBytes + this.writer.bufferedBytes();
  }
}
