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

/** Scratch buffers kept for reuse per encoder (bounds memory: about this many × ~320 KiB). */
const MAX_FREE = 8;
const INITIAL_BYTES = CHUNK_BYTES + 64 * 1024;
/** Scratch memory handed back from another thread ({@link adoptScratch}), shared by every ChunkBuffer of this thread. */
const MAX_ADOPTED = 256;
const adopted: Buffer[] = [];

/**
 * Emitted chunk → the scratch buffer it is a view of (for {@link ChunkBuffer.recycle} and
 * {@link detachScratch}); module-wide so ownership survives the encoder that emitted the chunk.
 */
const lent = new WeakMap<Buffer, Buffer>();

/**
 * The whole backing memory of a chunk a ChunkBuffer emitted, when that memory belongs to this chunk alone
 * (scratch buffers are never pooled slices), so it can be transferred to another thread without a copy;
 * null for any other buffer. The chunk is forgotten: it must not be recycled afterwards.
 *
 * @example
 * const ab = detachScratch(chunk);
 * if (ab) port.postMessage({ chunk: new Uint8Array(ab, 0, chunk.length) }, [ab]);
 */
export function detachScratch(chunk: Buffer): ArrayBuffer | null {
  const base = lent.get(chunk);
  if (!base) return null;
  const ab = base.buffer;
  if (base.byteOffset !== 0 || ab.byteLength !== base.length || ab instanceof SharedArrayBuffer) return null;
  lent.delete(chunk);
  return ab;
}

/**
 * Takes back scratch memory that {@link detachScratch} sent away and another thread has finished with:
 * the next emit() of any ChunkBuffer of this thread reuses it instead of allocating fresh memory (which
 * costs page faults here and garbage collections on both threads). Other sizes are dropped.
 */
export function adoptScratch(ab: ArrayBuffer): void {
  if (ab.byteLength === INITIAL_BYTES && adopted.length < MAX_ADOPTED) adopted.push(Buffer.from(ab));
}

export class ChunkBuffer {
  /** Scratch bytes; callers keep a local copy and refresh it after {@link grow} or {@link emit}. */
  buf: Buffer;
  private out: Buffer[] = [];
  private readonly free: Buffer[] = [];

  constructor(initialBytes = INITIAL_BYTES) {
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

  /**
   * Hands bytes [0, pos) out as one chunk without copying: the chunk is a view of the scratch
   * buffer, and a fresh (or recycled) scratch buffer takes its place.
   */
  emit(pos: number): void {
    if (pos === 0) return;
    const base = this.buf;
    const chunk = base.subarray(0, pos);
    lent.set(chunk, base);
    this.out.push(chunk);
    this.buf = this.free.pop() ?? adopted.pop() ?? Buffer.allocUnsafe(INITIAL_BYTES);
  }

  /** The chunks emitted since the last call. */
  take(): Buffer[] {
    const chunks = this.out;
    this.out = [];
    return chunks;
  }

  /** Takes back a chunk the destination no longer needs; its scratch buffer is reused by emit(). */
  recycle(chunk: Buffer): void {
    const base = lent.get(chunk);
    if (!base) return;
    lent.delete(chunk);
    if (base.length === INITIAL_BYTES && this.free.length < MAX_FREE) this.free.push(base);
  }
}
