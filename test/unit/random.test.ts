/** Seed derivation and the PRNG (controls.md §1.3, domain.md D4/D5). */
import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import { derive, deriveUuid, uuidV8FromBytes } from '../../src/random/derive.js';
import { Rng, WeightedChoice } from '../../src/random/rng.js';

/** The derivation written out from the spec, byte by byte, as an independent oracle. */
function specDerive(seed: bigint, component: string, p: number, ...labels: string[]): Buffer {
  const parts: Buffer[] = [Buffer.from('dsp-seed-v1', 'utf8'), Buffer.from([0])];
  const s = Buffer.alloc(8);
  s.writeBigUInt64BE(seed);
  parts.push(s);
  const str = (x: string): void => {
    const b = Buffer.from(x, 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    parts.push(len, b);
  };
  str(component);
  const pb = Buffer.alloc(4);
  pb.writeUInt32BE(p);
  parts.push(pb);
  labels.forEach(str);
  return createHash('sha256').update(Buffer.concat(parts)).digest();
}

describe('derive', () => {
  it('matches the spec layout, including multi-byte UTF-8 and the u64 seed range', () => {
    for (const [seed, comp, p, labels] of [
      [42n, 'gl', 7, ['amounts']],
      [0n, 'ab', 0, []],
      [(1n << 64n) - 1n, 'Grüße', 4294967295, ['x', '']],
    ] as const) {
      expect(derive(seed, comp, p, ...labels).equals(specDerive(seed, comp, p, ...labels))).toBe(true);
    }
  });

  it('separates components, partitions and labels (no seed + N collisions)', () => {
    const a = derive(1n, 'gl', 1, 'x').toString('hex');
    expect(derive(2n, 'gl', 0, 'x').toString('hex')).not.toBe(a);
    expect(derive(1n, 'gl', 1, 'y').toString('hex')).not.toBe(a);
    // length prefixes keep ('g','lx') apart from ('gl','x')
    expect(derive(1n, 'g', 1, 'lx').toString('hex')).not.toBe(derive(1n, 'gl', 1, 'x').toString('hex'));
  });

  it('rejects seeds outside 0…2^64−1', () => {
    expect(() => derive(-1n, 'gl', 0)).toThrow(RangeError);
    expect(() => derive(1n << 64n, 'gl', 0)).toThrow(RangeError);
  });

  it('UUIDs are RFC 9562 version 8 with the variant bits, deterministic and distinct', () => {
    const u = deriveUuid(42n, 'gl', 3, 'je:17');
    expect(u).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deriveUuid(42n, 'gl', 3, 'je:17')).toBe(u);
    expect(deriveUuid(42n, 'gl', 3, 'je:18')).not.toBe(u);
    expect(uuidV8FromBytes(new Uint8Array(16).fill(0xff))).toBe('ffffffff-ffff-8fff-bfff-ffffffffffff');
  });

  it('UUID text equals the straightforward hex spelling (oracle) for many byte strings', () => {
    // The fast writer fills a scratch buffer; the oracle joins hex pairs and sets the version/variant nibbles.
    const oracle = (b: Uint8Array): string => {
      const h = Buffer.from(b.subarray(0, 16)).toString('hex').split('');
      h[12] = '8';
      h[16] = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
      const x = h.join('');
      return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
    };
    for (let i = 0; i < 2000; i++) {
      const bytes = derive(7n, 'uuid-oracle', i);
      const u = uuidV8FromBytes(bytes);
      expect(u).toBe(oracle(bytes));
      // Each call returns its own string: the scratch buffer is not shared with the result.
      expect(uuidV8FromBytes(derive(7n, 'uuid-oracle', i + 1))).not.toBe(u);
      expect(u).toBe(oracle(bytes));
    }
  });
});

describe('Rng', () => {
  it('keys xoroshiro128+ with bytes 0–15 as four big-endian u32', () => {
    const key = derive(42n, 'gl', 0, 'dates');
    const state = [key.readUInt32BE(0) | 0, key.readUInt32BE(4) | 0, key.readUInt32BE(8) | 0, key.readUInt32BE(12) | 0];
    const ref = xoroshiro128plusFromState(state) as unknown as { next(): number };
    const rng = new Rng(key);
    for (let i = 0; i < 100; i++) expect(rng.nextU32()).toBe(ref.next() >>> 0);
  });

  it('an all-zero first half takes bytes 16–31', () => {
    const key = Buffer.alloc(32);
    key.writeUInt32BE(0xdeadbeef, 16);
    key.writeUInt32BE(1, 28);
    const a = new Rng(key);
    const b = new Rng(Buffer.concat([key.subarray(16), key.subarray(16)]));
    expect(a.nextU32()).toBe(b.nextU32());
    expect(a.nextU32()).toBe(b.nextU32());
  });

  it('float() is in [0,1) with 53 bits from two outputs', () => {
    const key = derive(1n, 'c', 0, 'f');
    const raw = new Rng(key);
    const rng = new Rng(key);
    const a = raw.nextU32() >>> 5;
    const b = raw.nextU32() >>> 6;
    expect(rng.float()).toBe((a * 67108864 + b) / 9007199254740992);
    let min = 1;
    let max = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = rng.float();
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(min).toBeLessThan(0.001);
    expect(max).toBeGreaterThan(0.999);
  });

  it('int(a, b) covers the inclusive range uniformly', () => {
    const rng = Rng.for(3n, 'c', 0, 'int');
    const counts = new Array(7).fill(0);
    const n = 70_000;
    for (let i = 0; i < n; i++) counts[rng.int(2, 8) - 2]++;
    const se = Math.sqrt(n * (1 / 7) * (6 / 7));
    for (const c of counts) expect(Math.abs(c - n / 7)).toBeLessThan(4 * se);
    expect(() => rng.int(5, 4)).toThrow(RangeError);
    expect(rng.int(9, 9)).toBe(9);
  });

  it('normal() has mean 0 and variance 1', () => {
    const rng = Rng.for(4n, 'c', 0, 'normal');
    const n = 100_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      s += z;
      s2 += z * z;
    }
    expect(Math.abs(s / n)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.02);
  });

  it('weighted choice follows the weights in listed order; the last bucket is the fallback', () => {
    const rng = Rng.for(5n, 'c', 0, 'w');
    const wc = new WeightedChoice([['a', 0.6], ['b', 0.3], ['c', 0.1]] as const);
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    const n = 50_000;
    for (let i = 0; i < n; i++) counts[wc.sample(rng)]++;
    for (const [k, p] of [['a', 0.6], ['b', 0.3], ['c', 0.1]] as const) {
      expect(Math.abs(counts[k] / n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
    }
    expect(Rng.for(5n, 'c', 0, 'w').weightedIndex([0, 0, 0])).toBe(2);
  });

  it('same key → same sequence; different purpose → different sequence', () => {
    const a = Rng.for(42n, 'gl', 3, 'amounts');
    const b = Rng.for(42n, 'gl', 3, 'amounts');
    const c = Rng.for(42n, 'gl', 3, 'dates');
    const sa = Array.from({ length: 10 }, () => a.nextU32());
    expect(Array.from({ length: 10 }, () => b.nextU32())).toEqual(sa);
    expect(Array.from({ length: 10 }, () => c.nextU32())).not.toEqual(sa);
  });
});
