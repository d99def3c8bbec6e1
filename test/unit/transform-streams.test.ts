/**
 * The keyed streams of the per-entry transforms (src/transforms/data-quality/streams.ts):
 * EntryKeys (a keyed function of the document id), Stream = Rng draw for draw, sub-streams per
 * purpose that differ from each other, and geometric skipping with the same law as Bernoulli(p) per slot.
 */
import { describe, expect, it } from 'vitest';
import { derive } from '../../src/random/derive.js';
import { Rng } from '../../src/random/rng.js';
import { EntryKeys, gapThresholds, saltOf, Stream } from '../../src/transforms/data-quality/streams.js';

const LABELS = ['', 'a', 'héllo wörld ✓', '0a1b2c3d-0000-8abc-9def-0123456789ab', 'x'.repeat(400)];

describe('EntryKeys', () => {
  const copy = (k: EntryKeys, label: string): number[] => Array.from(k.words(label));

  it('words(label) is a pure function of (seed, component, partition, label)', () => {
    for (const [seed, comp, p] of [[42n, 'fraud', 0], [0n, 'noise', 7], [(1n << 64n) - 1n, 'kompønent', 123456]] as const) {
      const a = new EntryKeys(seed, comp, p);
      const b = new EntryKeys(seed, comp, p);
      for (const label of LABELS) expect(copy(a, label)).toEqual(copy(b, label));
    }
  });

  it('another seed, component, partition or label gives another key', () => {
    const base = copy(new EntryKeys(42n, 'fraud', 0), LABELS[3]);
    expect(copy(new EntryKeys(43n, 'fraud', 0), LABELS[3])).not.toEqual(base);
    expect(copy(new EntryKeys(42n, 'noise', 0), LABELS[3])).not.toEqual(base);
    expect(copy(new EntryKeys(42n, 'fraud', 1), LABELS[3])).not.toEqual(base);
    const keys = new EntryKeys(42n, 'fraud', 0);
    const seen = new Set<string>();
    for (const label of LABELS) seen.add(copy(keys, label).join(','));
    expect(seen.size).toBe(LABELS.length);
  });

  it('one changed character anywhere in a document id flips about half of the 256 key bits', () => {
    const keys = new EntryKeys(42n, 'noise', 3);
    const id = LABELS[3];
    const base = copy(keys, id);
    const popcount = (x: number): number => {
      let c = 0;
      for (let v = x >>> 0; v !== 0; v >>>= 1) c += v & 1;
      return c;
    };
    let total = 0;
    for (let i = 0; i < id.length; i++) {
      const other = id.slice(0, i) + (id[i] === 'a' ? 'b' : 'a') + id.slice(i + 1);
      const w = copy(keys, other);
      let flipped = 0;
      for (let j = 0; j < 8; j++) flipped += popcount(w[j] ^ base[j]);
      // Binomial(256, 1/2): mean 128, sd 8.
      expect(flipped).toBeGreaterThan(80);
      expect(flipped).toBeLessThan(176);
      total += flipped;
    }
    expect(Math.abs(total / id.length - 128)).toBeLessThan(8);
  });

  it('rejects a seed outside 0…2^64−1 like derive()', () => {
    expect(() => new EntryKeys(-1n, 'x', 0)).toThrow(RangeError);
    expect(() => new EntryKeys(1n << 64n, 'x', 0)).toThrow(RangeError);
  });
});

describe('Stream', () => {
  it('fromKey / fromWords draw exactly like new Rng(key), through every Rng method', () => {
    for (const label of LABELS) {
      const key = derive(42n, 'fraud', 3, label);
      const ref = new Rng(key);
      const a = new Stream().fromKey(key);
      const b = new Stream().fromWords(Int32Array.from({ length: 8 }, (_, i) => key.readInt32BE(4 * i)));
      for (let i = 0; i < 50; i++) {
        const x = [ref.float(), ref.int(0, 9), ref.nextU32(), ref.chance(0.3), ref.normal(), ref.weightedIndex([1, 2, 3]), ref.pick(['p', 'q', 'r'])];
        expect([a.float(), a.int(0, 9), a.nextU32(), a.chance(0.3), a.normal(), a.weightedIndex([1, 2, 3]), a.pick(['p', 'q', 'r'])]).toEqual(x);
        expect([b.float(), b.int(0, 9), b.nextU32(), b.chance(0.3), b.normal(), b.weightedIndex([1, 2, 3]), b.pick(['p', 'q', 'r'])]).toEqual(x);
      }
    }
  });

  it('clone continues from the same position, independently', () => {
    const s = new Stream().fromKey(derive(1n, 'c', 0, 'doc'));
    s.float();
    const c = s.clone();
    const xs = [s.float(), s.float(), s.int(1, 6)];
    expect([c.float(), c.float(), c.int(1, 6)]).toEqual(xs);
  });

  it('sub-streams: a pure function of (key, salt); different salts and keys give different draws', () => {
    const keys = new EntryKeys(42n, 'noise', 0);
    const w = Int32Array.from(keys.words('DOC-1'));
    const draws = (salt: Int32Array, words = w): number[] => {
      const s = new Stream().fromMix(words, salt);
      return [s.nextU32(), s.nextU32(), s.nextU32()];
    };
    expect(draws(saltOf('line_text/missing'))).toEqual(draws(saltOf('line_text/missing')));
    expect(draws(saltOf('line_text/missing'))).not.toEqual(draws(saltOf('line_text/typo')));
    expect(draws(saltOf('line_text/missing'))).not.toEqual(draws(saltOf('header_text/missing')));
    expect(draws(saltOf('line_text/missing'))).not.toEqual(draws(saltOf('line_text/missing'), Int32Array.from(keys.words('DOC-2'))));
  });

  it('sub-stream first draws are uniform (mean, and no correlation between two salts)', () => {
    const keys = new EntryKeys(7n, 'noise', 1);
    const sa = saltOf('a');
    const sb = saltOf('b');
    const N = 20_000;
    let sumA = 0;
    let sumAB = 0;
    let sumB = 0;
    for (let i = 0; i < N; i++) {
      const w = keys.words(`DOC-${i}`);
      const a = new Stream().fromMix(w, sa).float();
      const b = new Stream().fromMix(w, sb).float();
      sumA += a;
      sumB += b;
      sumAB += a * b;
    }
    // U(0,1): mean 1/2, sd of the mean sqrt(1/12/N); covariance ≈ 0 with sd ≈ 1/12/sqrt(N).
    const se = Math.sqrt(1 / 12 / N);
    expect(Math.abs(sumA / N - 0.5)).toBeLessThan(4 * se);
    expect(Math.abs(sumB / N - 0.5)).toBeLessThan(4 * se);
    expect(Math.abs(sumAB / N - (sumA / N) * (sumB / N))).toBeLessThan(4 / 12 / Math.sqrt(N));
  });

  it('gapWithin equals gap below the cap, and hits slot 0 with probability p', () => {
    const p = 0.05;
    const lq = Math.log1p(-p);
    const thr = gapThresholds(lq, 65);
    expect(thr[1]).toBeCloseTo(p, 12);
    const N = 40_000;
    let hits = 0;
    for (let i = 0; i < N; i++) {
      const key = derive(3n, 'g', 0, `k${i}`);
      const g = new Stream().fromKey(key).gap(lq);
      for (const limit of [1, 11, 64, 200]) {
        const c = new Stream().fromKey(key).gapWithin(lq, limit, thr);
        expect(c).toBe(Math.min(g, limit));
      }
      if (g === 0) hits++;
    }
    expect(Math.abs(hits / N - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / N));
  });
});
