/**
 * The PRNG of domain.md D4: xoroshiro128+ from pure-rand keyed from a 32-byte
 * derivation (state = bytes 0–15 as four big-endian u32; an all-zero state
 * takes bytes 16–31). One stream per purpose, consumed sequentially.
 */
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import { derive } from './derive.js';

interface Generator { next(): number }

const TWO_POW_26 = 67108864;
const TWO_POW_53 = 9007199254740992;

export class Rng {
  private readonly gen: Generator;

  constructor(key: Uint8Array) {
    if (key.length < 32) throw new RangeError('Rng key must have 32 bytes');
    const view = Buffer.from(key.buffer, key.byteOffset, key.byteLength);
    let off = 0;
    if (view.readUInt32BE(0) === 0 && view.readUInt32BE(4) === 0 && view.readUInt32BE(8) === 0 && view.readUInt32BE(12) === 0) off = 16;
    const state = [view.readUInt32BE(off) | 0, view.readUInt32BE(off + 4) | 0, view.readUInt32BE(off + 8) | 0, view.readUInt32BE(off + 12) | 0];
    this.gen = xoroshiro128plusFromState(state) as unknown as Generator;
  }

  /** A stream for (seed, component, partition, purpose). */
  static for(seed: bigint, componentId: string, partition: number, ...labels: string[]): Rng {
    return new Rng(derive(seed, componentId, partition, ...labels));
  }

  /** Next raw 32-bit output as an unsigned integer. */
  nextU32(): number {
    return this.gen.next() >>> 0;
  }

  /** U[0,1) with 53 bits from two outputs. */
  float(): number {
    const a = this.gen.next() >>> 5; // 27 bits
    const b = this.gen.next() >>> 6; // 26 bits
    return (a * TWO_POW_26 + b) / TWO_POW_53;
  }

  /** U[lo, hi) */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.float();
  }

  /** Unbiased integer U{lo..hi} (inclusive) by rejection; range up to 2^32. */
  int(lo: number, hi: number): number {
    const range = hi - lo + 1;
    if (!(range >= 1) || range > 4294967296) throw new RangeError(`int(${lo}, ${hi})`);
    if (range === 1) return lo;
    if (range === 4294967296) return lo + this.nextU32();
    const limit = 4294967296 - (4294967296 % range);
    for (;;) {
      const x = this.nextU32();
      if (x < limit) return lo + (x % range);
    }
  }

  /** Bernoulli(p). */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** Standard normal by the Marsaglia polar method (second variate discarded). */
  normal(): number {
    for (;;) {
      const u = 2 * this.float() - 1;
      const v = 2 * this.float() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) return u * Math.sqrt((-2 * Math.log(s)) / s);
    }
  }

  /** Index into `weights` by a cumulative walk in listed order; the last bucket is the fallback. */
  weightedIndex(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) total += weights[i];
    const x = this.float() * total;
    let acc = 0;
    for (let i = 0; i < weights.length - 1; i++) {
      acc += weights[i];
      if (x < acc) return i;
    }
    return weights.length - 1;
  }

  /** Uniform pick from a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)];
  }
}

/** A precomputed weighted choice over labelled items (weights in listed order). */
export class WeightedChoice<T> {
  readonly items: readonly T[];
  private readonly cumulative: Float64Array;
  private readonly total: number;
  constructor(entries: ReadonlyArray<readonly [T, number]>) {
    if (entries.length === 0) throw new RangeError('WeightedChoice needs at least one entry');
    this.items = entries.map((e) => e[0]);
    this.cumulative = new Float64Array(entries.length);
    let acc = 0;
    entries.forEach(([, w], i) => {
      if (!(w >= 0)) throw new RangeError(`negative weight for ${String(entries[i][0])}`);
      acc += w;
      this.cumulative[i] = acc;
    });
    this.total = acc;
  }
  sample(rng: Rng): T {
    const x = rng.float() * this.total;
    const n = this.cumulative.length;
    for (let i = 0; i < n - 1; i++) if (x < this.cumulative[i]) return this.items[i];
    return this.items[n - 1];
  }
}
