/**
 * The encoders' output buffer (conventions.md: format bytes straight into a
 * Buffer per batch). One scratch Buffer is reused across batches; every
 * ~256 KiB at a row boundary, and at the end of a batch, the bytes so far are
 * copied out as one chunk — the 64–256 KiB writes controls.md §8.1 asks for,
 * without a batch-sized allocation per batch or a chunk pinning a larger
 * backing store.
 */

/** Target chunk size: a chunk is cut at the first row end at or past it. */
export const CHUNK_BYTES = 256 * 1024;

export class ChunkBuffer {
  /** Scratch bytes; callers keep a local copy and refresh it after {@link grow}. */
  buf: Buffer;
  private out: Buffer[] = [];

  constructor(initialBytes = CHUNK_BYTES + 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  /** Returns a scratch Buffer with room for `need` more bytes after `pos`, keeping bytes [0, pos). */
  grow(pos: number, need: number): Buffer {
    const old = this.buf;
    const size = Math.max(old.length * 2, pos + need);
    const next = Buffer.allocUnsafe(size);
    old.copy(next, 0, 0, pos);
    this.buf = next;
    return next;
  }

  /** Copies bytes [0, pos) out as one chunk (nothing for an empty range). */
  emit(pos: number): void {
    if (pos === 0) return;
    const chunk = Buffer.allocUnsafe(pos);
    this.buf.copy(chunk, 0, 0, pos);
    this.out.push(chunk);
  }

  /** The chunks emitted since the last call. */
  take(): Buffer[] {
    const chunks = this.out;
    this.out = [];
    return chunks;
  }
}
