/**
 * A Writable over a FileHandle that we keep owning (fs WriteStreams pin the
 * handle until they close it, so we could not datasync then close ourselves).
 * Durability happens in `_final`, before 'finish' (controls.md §8.1 rule 1:
 * flush in `_final`, never in a 'finish' handler), so a finished writable
 * means the bytes are on disk and commit only has to close and rename. Every
 * WRITE_BACK_BYTES a datasync runs in the background, so that final one is short.
 */
import type { FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';

/**
 * Bytes written between background write-back requests: the kernel starts putting them on disk while
 * generation goes on, so the datasync in `_final` only waits for the tail instead of the whole file.
 */
export const WRITE_BACK_BYTES = 32 * 1024 * 1024;

export class FileHandleWritable extends Writable {
  private sinceSync = 0;
  /** The write-back request in flight (at most one); `_final` waits for it before its own datasync. */
  private syncing: Promise<void> | null = null;

  constructor(private readonly handle: FileHandle, highWaterMark: number, private readonly writeBackBytes = WRITE_BACK_BYTES) {
    super({ highWaterMark, decodeStrings: true });
  }

  /** Counts written bytes; past the threshold, asks for write-back without waiting (errors surface in `_final`). */
  private wrote(n: number): void {
    this.sinceSync += n;
    if (this.sinceSync < this.writeBackBytes || this.syncing) return;
    this.sinceSync = 0;
    const p = this.handle.datasync().finally(() => {
      if (this.syncing === p) this.syncing = null;
    });
    this.syncing = p;
    p.catch(() => undefined);
  }

  /** Writes all of `chunk` at the current position (a write may be short). */
  private async writeAll(chunk: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < chunk.length) {
      const { bytesWritten } = await this.handle.write(chunk, offset, chunk.length - offset);
      offset += bytesWritten;
    }
  }

  private async writeMany(chunks: Uint8Array[]): Promise<void> {
    const total = chunks.reduce((sum, c) => sum + c.length, 0);
    const { bytesWritten } = await this.handle.writev(chunks);
    if (bytesWritten === total) return;
    let skip = bytesWritten;
    for (const chunk of chunks) {
      if (skip >= chunk.length) {
        skip -= chunk.length;
        continue;
      }
      await this.writeAll(chunk.subarray(skip));
      skip = 0;
    }
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.writeAll(chunk).then(() => {
      this.wrote(chunk.length);
      callback();
    }, callback);
  }

  override _writev(chunks: Array<{ chunk: Buffer; encoding: BufferEncoding }>, callback: (error?: Error | null) => void): void {
    const list = chunks.map((c) => c.chunk);
    this.writeMany(list).then(() => {
      this.wrote(list.reduce((sum, c) => sum + c.length, 0));
      callback();
    }, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    const pending = this.syncing ?? Promise.resolve();
    pending.then(() => this.handle.datasync()).then(() => callback(), callback);
  }
}
