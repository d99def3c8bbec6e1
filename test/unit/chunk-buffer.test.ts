/**
 * ChunkBuffer memory hand-off between threads (src/formats/chunk-buffer.ts): an emitted chunk's scratch
 * memory can be detached whole for a zero-copy transfer, exactly once, and memory handed back with
 * adoptScratch() is what the next emit() writes into — through a real worker thread round trip.
 */
import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { adoptScratch, CHUNK_BYTES, ChunkBuffer, detachScratch } from '../../src/formats/chunk-buffer.js';

function fill(cb: ChunkBuffer, byte: number, n: number): Buffer {
  let buf = cb.buf;
  if (buf.length < n) buf = cb.grow(0, n);
  buf.fill(byte, 0, n);
  cb.emit(n);
  const [chunk] = cb.take();
  return chunk;
}

/** Sends `ab` to a worker that sends it straight back (a real transfer both ways). */
async function roundTrip(ab: ArrayBuffer): Promise<ArrayBuffer> {
  const w = new Worker(`const { parentPort } = require('node:worker_threads'); parentPort.once('message', (ab) => parentPort.postMessage(ab, [ab]));`, { eval: true });
  try {
    const back = new Promise<ArrayBuffer>((resolve) => w.once('message', resolve));
    w.postMessage(ab, [ab]);
    return await back;
  } finally {
    await w.terminate();
  }
}

describe('ChunkBuffer scratch hand-off', () => {
  it('detaches an emitted chunk’s whole scratch memory once; other buffers are not detachable', () => {
    const cb = new ChunkBuffer();
    const chunk = fill(cb, 7, 1000);
    const ab = detachScratch(chunk);
    expect(ab).toBeInstanceOf(ArrayBuffer);
    expect(ab!.byteLength).toBeGreaterThanOrEqual(CHUNK_BYTES);
    expect(new Uint8Array(ab!, 0, 1000).every((b) => b === 7)).toBe(true);
    expect(detachScratch(chunk)).toBeNull(); // forgotten after the first detach
    expect(detachScratch(Buffer.from('small, pooled'))).toBeNull();
    expect(detachScratch(Buffer.alloc(CHUNK_BYTES))).toBeNull(); // not emitted by a ChunkBuffer
  });

  it('memory that went to another thread and came back is reused by the next emit()', async () => {
    const cb = new ChunkBuffer();
    const first = fill(cb, 1, 2000);
    const ab = detachScratch(first)!;
    const size = ab.byteLength;
    const back = await roundTrip(ab);
    expect(ab.byteLength).toBe(0); // transferred away
    expect(back.byteLength).toBe(size);
    adoptScratch(back);
    // The scratch current at adoption time is used first; the emit after it takes the adopted memory.
    const other = new ChunkBuffer();
    fill(other, 2, 10);
    const reused = fill(other, 3, 10);
    expect(reused.buffer).toBe(back);
    expect(reused.subarray(0, 10).every((b) => b === 3)).toBe(true);
    // A buffer of another size is not adopted.
    adoptScratch(new ArrayBuffer(1234));
    const fresh = fill(other, 4, 10);
    expect(fresh.buffer.byteLength).toBe(size);
    expect(fresh.buffer).not.toBe(back);
  });
});
