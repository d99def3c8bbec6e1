/**
 * Output compression as a stream stage between the encoder and the hashing
 * stage, so the recorded hash is of the bytes that reach the destination
 * (controls.md §2.4). gzip is made byte-deterministic (controls.md §1.5): fixed
 * level 6, mtime 0 and the OS header byte forced to 0x03 (Unix), since zlib
 * writes 0x0a or 0x00 there on Windows builds.
 *
 * @example
 * const gz = createCompressor('gzip');
 * await pipeline(encoded, ...(gz ? [gz] : []), hasher, writer.writable);
 */
import { Transform, type TransformCallback } from 'node:stream';
import { constants, createGzip, type Gzip } from 'node:zlib';

export type CompressionKind = 'none' | 'gzip';

/** Suffix added to a file name for gzip output (`journal_entry_lines.csv.gz`). */
export const gzipExtension = '.gz';

/** Locked so every run, worker and shard compresses alike (an upgrade is a tool-version change). */
export const GZIP_LEVEL = 6;

/** Gzip header offsets (RFC 1952 §2.3). */
const MTIME_START = 4;
const MTIME_END = 8;
const OS_BYTE = 9;
const OS_UNIX = 0x03;

/** `name` with the compression suffix, e.g. `withCompressionExtension('a.csv', 'gzip') === 'a.csv.gz'`. */
export function withCompressionExtension(name: string, kind: CompressionKind): string {
  return kind === 'gzip' ? name + gzipExtension : name;
}

/**
 * Wraps a zlib gzip stream and rewrites the header bytes it emits. Input
 * chunks are handed to zlib one at a time and the callback waits until zlib
 * took the chunk, so backpressure from downstream reaches upstream.
 */
class DeterministicGzip extends Transform {
  private readonly gzip: Gzip;
  /** Output bytes seen so far (the header may in principle span chunks). */
  private emitted = 0;
  private flushCallback: TransformCallback | null = null;

  constructor() {
    super();
    this.gzip = createGzip({ level: GZIP_LEVEL, windowBits: 15, memLevel: 8, strategy: constants.Z_DEFAULT_STRATEGY });
    this.gzip.on('data', (chunk: Buffer) => this.forward(chunk));
    this.gzip.on('error', (err) => this.destroy(err));
    this.gzip.on('end', () => {
      const cb = this.flushCallback;
      this.flushCallback = null;
      if (cb) cb();
    });
  }

  private forward(chunk: Buffer): void {
    if (this.emitted <= OS_BYTE) {
      for (let i = 0; i < chunk.length && this.emitted + i <= OS_BYTE; i++) {
        const at = this.emitted + i;
        if (at >= MTIME_START && at < MTIME_END) chunk[i] = 0;
        else if (at === OS_BYTE) chunk[i] = OS_UNIX;
      }
    }
    this.emitted += chunk.length;
    this.push(chunk);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.gzip.write(chunk, (err) => callback(err ?? null));
  }

  override _flush(callback: TransformCallback): void {
    this.flushCallback = callback;
    this.gzip.end();
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.gzip.destroy();
    callback(err);
  }
}

/** A compression stage for `kind`, or `null` when no stage is needed. */
export function createCompressor(kind: CompressionKind): Transform | null {
  switch (kind) {
    case 'none':
      return null;
    case 'gzip':
      return new DeterministicGzip();
    default:
      throw new RangeError(`unknown compression ${JSON.stringify(kind)} (expected none or gzip)`);
  }
}
