/**
 * A Writable over a FileHandle that we keep owning (fs WriteStreams pin the
 * handle until they close it, so we could not datasync then close ourselves).
 * Durability happens in `_final`, before 'finish' (controls.md §8.1 rule 1:
 * flush in `_final`, never in a 'finish' handler), so a finished writable
 * means the bytes are on disk and commit only has to close and rename.
 */
import type { FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';

export class FileHandleWritable extends Writable {
  constructor(private readonly handle: FileHandle, highWaterMark: number) {
    super({ highWaterMark, decodeStrings: true });
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
    this.writeAll(chunk).then(() => callback(), callback);
  }

  override _writev(chunks: Array<{ chunk: Buffer; encoding: BufferEncoding }>, callback: (error?: Error | null) => void): void {
    this.writeMany(chunks.map((c) => c.chunk)).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.handle.datasync().then(() => callback(), callback);
  }
}
