import { describe, expect, it } from 'vitest';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gunzipSync, gzipSync } from 'node:zlib';
import { createCompressor, gzipExtension, withCompressionExtension } from '../../src/formats/compression.js';

async function compress(chunks: Buffer[]): Promise<Buffer> {
  const gz = createCompressor('gzip');
  if (!gz) throw new Error('expected a gzip stage');
  const out: Buffer[] = [];
  await pipeline(Readable.from(chunks), gz, new Writable({ write(chunk: Buffer, _e, cb) { out.push(chunk); cb(); } }));
  return Buffer.concat(out);
}

/** Deterministic, compressible-but-not-trivial bytes. */
function payload(size: number): Buffer {
  const b = Buffer.alloc(size);
  let x = 7;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    b[i] = 32 + ((x >> 16) % 40);
  }
  return b;
}

function cut(data: Buffer, sizes: number[]): Buffer[] {
  const parts: Buffer[] = [];
  let at = 0;
  let i = 0;
  while (at < data.length) {
    const n = sizes[i++ % sizes.length];
    parts.push(data.subarray(at, at + n));
    at += n;
  }
  return parts;
}

describe('gzip compression stage', () => {
  const data = payload(1_500_000);

  it('is byte-identical however the input is chunked, and gunzips back', async () => {
    const whole = await compress([data]);
    const small = await compress(cut(data, [1, 7, 4096, 13, 65536, 100_003]));
    const big = await compress(cut(data, [262_144]));
    expect(small.equals(whole)).toBe(true);
    expect(big.equals(whole)).toBe(true);
    expect(gunzipSync(whole).equals(data)).toBe(true);
    expect(whole.length).toBeLessThan(data.length);
  });

  it('writes a fixed header: mtime 0, OS 0x03, and the level-6 stream zlib produces', async () => {
    const out = await compress([data]);
    expect([...out.subarray(0, 10)]).toEqual([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03]);
    const reference = gzipSync(data, { level: 6 });
    reference[9] = 0x03;
    expect(out.equals(reference)).toBe(true);
  });

  it('compresses empty input to a valid empty gzip member', async () => {
    const out = await compress([]);
    expect(gunzipSync(out).length).toBe(0);
    expect(out[9]).toBe(0x03);
  });

  it('has no stage for none and names gzip files .gz', () => {
    expect(createCompressor('none')).toBeNull();
    expect(gzipExtension).toBe('.gz');
    expect(withCompressionExtension('a.csv', 'gzip')).toBe('a.csv.gz');
    expect(withCompressionExtension('a.csv', 'none')).toBe('a.csv');
    expect(() => createCompressor('zstd' as never)).toThrow(RangeError);
  });
});
