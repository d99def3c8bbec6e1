/** Small stream helpers with real backpressure (conventions.md: coarse writes, await 'drain'). */
import { Transform, type Writable, type TransformCallback } from 'node:stream';
import { createHash, type Hash } from 'node:crypto';
import { finished } from 'node:stream/promises';

/**
 * Writes one chunk and waits for 'drain' when the stream asks for it. Rejects
 * when the stream errors or closes before draining, so a failed destination
 * never leaves the producer waiting forever.
 */
export function writeChunk(stream: Writable, chunk: Buffer, onWritten?: (err?: Error | null) => void): Promise<void> | undefined {
  if (stream.destroyed) return Promise.reject(stream.errored ?? new Error('write after the stream was destroyed'));
  if (stream.write(chunk, onWritten)) return undefined;
  return new Promise<void>((resolve, reject) => {
    const cleanup = (): void => {
      stream.off('drain', onDrain);
      stream.off('error', onError);
      stream.off('close', onClose);
    };
    const onDrain = (): void => { cleanup(); resolve(); };
    const onError = (err: Error): void => { cleanup(); reject(err); };
    const onClose = (): void => { cleanup(); reject(stream.errored ?? new Error('stream closed before drain')); };
    stream.on('drain', onDrain);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}

/** Hash-on-write (controls.md §2.4): SHA-256 and byte count of exactly the bytes that pass to the destination. */
export class HashingTap extends Transform {
  private readonly hash: Hash = createHash('sha256');
  bytes = 0;
  constructor() {
    super({ highWaterMark: 256 * 1024 });
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    cb(null, chunk);
  }
  digest(): string {
    return this.hash.digest('hex');
  }
}

/**
 * For an OutputWriter's commit(): ends `w` if the engine has not, and waits until it
 * finished (rejects with its error). A no-op when it already finished.
 */
export async function endAndFinish(w: Writable): Promise<void> {
  if (w.writableFinished) return;
  if (!w.writableEnded && !w.destroyed) w.end();
  await finished(w);
}
