/**
 * Cheap keyed streams for the per-entry transforms (anomalies, data_quality; domain.md D4/D7).
 *
 * - `EntryKeys.words(document_id)` is the entry key: ONE SHA-256 stage key per (seed, component,
 *   partition), `derive(seed, componentId, partition, ENTRY_MIX_LABEL)`, and per entry a fast keyed
 *   non-cryptographic mix of the id's UTF-16 code units under that key (two murmur3-style lanes,
 *   then eight finalised output words). Deliberate deviation from D7's literal per-entry
 *   `derive(seed, component, p, document_id)` (a SHA-256 per entry and stage): it keeps D7's intent —
 *   draws keyed by (seed, component, partition, document_id), never by position, so toggling or
 *   retuning one stage changes only what that stage mutates — at a fraction of the cost. Document
 *   ids are themselves SHA-256-derived (D5), so nothing here needs a cryptographic mix.
 * - `Stream` is the same xoroshiro128+ as `Rng` (pure-rand's state layout, 53-bit floats), but
 *   reusable: `fromKey(key)` gives exactly the stream of `new Rng(key)`, `fromWords(words)` the stream
 *   of an entry key, and `fromMix(words, salt)` an independent sub-stream per purpose (a field, an
 *   injector) from ONE entry key by a non-cryptographic mix of the key words with a fixed
 *   per-purpose salt. Sub-streams of different salts never share draws, so switching one purpose on
 *   or off never shifts another's draws (stage isolation, D7).
 *
 * A `Stream` is an `Rng` (it overrides the two primitive draws every other method is built on), so
 * the distributions and helpers that take an `Rng` accept it.
 */
import { derive } from '../../random/derive.js';
import { Rng } from '../../random/rng.js';

const TWO_POW_26 = 67108864;
const TWO_POW_53 = 9007199254740992;
const DUMMY_KEY = new Uint8Array(32).fill(1);
/** The label of the per-partition stage key (it starts with NUL, which no document id does). */
export const ENTRY_MIX_LABEL = '\u0000entry-mix/v1';

/** murmur3_32's block step: absorbs the 32-bit block `m` into the lane `h`. */
function absorb(h: number, m: number): number {
  let k = Math.imul(m, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  h ^= Math.imul(k, 0x1b873593);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/**
 * Entry keys of one (seed, component, partition): `words(document_id)` (see the module comment).
 *
 * @example
 * const keys = new EntryKeys(42n, 'noise', 0);
 * const s = new Stream().fromMix(keys.words(docId), saltOf('line_text/typo'));
 */
export class EntryKeys {
  /** The stage key as eight signed 32-bit big-endian words. */
  private readonly k = new Int32Array(8);
  /** The last entry key (`words()`), reused. */
  readonly w = new Int32Array(8);

  /** Throws RangeError for a seed outside 0…2^64−1 (as derive() does). */
  constructor(seed: bigint, componentId: string, partition: number) {
    const key = derive(seed, componentId, partition, ENTRY_MIX_LABEL);
    for (let i = 0; i < 8; i++) this.k[i] = key.readInt32BE(4 * i);
  }

  /**
   * The key of `label` (a document id) as eight words in `this.w` (overwritten by the next call):
   * a pure function of (seed, component, partition, label).
   */
  words(label: string): Int32Array {
    const k = this.k;
    const n = label.length;
    // Two lanes under different key words over the code units, two per block.
    let a = k[0];
    let b = k[1];
    let i = 0;
    for (; i + 1 < n; i += 2) {
      const m = label.charCodeAt(i) | (label.charCodeAt(i + 1) << 16);
      a = absorb(a, m);
      b = absorb(b, m ^ k[2]);
    }
    if (i < n) {
      const m = label.charCodeAt(i) | 0x10000;
      a = absorb(a, m);
      b = absorb(b, m ^ k[2]);
    }
    a = fmix32(a ^ n);
    b = fmix32((b ^ n) + a);
    a = fmix32(a ^ k[3] ^ (b >>> 16));
    const w = this.w;
    for (let j = 0; j < 8; j++) w[j] = fmix32((fmix32(a ^ k[j]) + (b ^ k[(j + 4) & 7])) | 0);
    return w;
  }
}

/** murmur3's 32-bit finaliser (a bijection with full avalanche). */
function fmix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return x ^ (x >>> 16);
}

/**
 * The fixed salt of a purpose name (4 words, FNV-1a then fmix32): the same name always gives the
 * same sub-stream of an entry key.
 *
 * @example
 * const salt = saltOf('line_text/missing');
 */
export function saltOf(purpose: string): Int32Array {
  let h = 0x811c9dc5;
  for (let i = 0; i < purpose.length; i++) h = Math.imul(h ^ purpose.charCodeAt(i), 0x01000193);
  const s = new Int32Array(4);
  for (let i = 0; i < 4; i++) s[i] = fmix32((h + Math.imul(i + 1, 0x9e3779b9)) | 0);
  return s;
}

/**
 * A reusable xoroshiro128+ stream, draw-for-draw identical to `Rng` for the same state.
 *
 * @example
 * const s = new Stream().fromKey(derive(seed, 'fraud', p, docId)); // = Rng.for(seed, 'fraud', p, docId)
 * const t = new Stream().fromMix(keys.words(docId), saltOf('line_text/typo'));
 */
export class Stream extends Rng {
  // pure-rand XoroShiro128Plus field names (state [a, b, c, d] = s01, s00, s11, s10).
  private s01 = 0;
  private s00 = 0;
  private s11 = 0;
  private s10 = 0;

  constructor() {
    super(DUMMY_KEY);
  }

  private set(a: number, b: number, c: number, d: number): this {
    this.s01 = a | 0;
    this.s00 = b | 0;
    this.s11 = c | 0;
    this.s10 = d | 0;
    return this;
  }

  /** The state of `new Rng(key)`: bytes 0–15 as four big-endian words (16–31 when those are all zero). */
  fromKey(key: Uint8Array): this {
    let off = 0;
    const be = (i: number): number => (key[i] << 24) | (key[i + 1] << 16) | (key[i + 2] << 8) | key[i + 3];
    if (be(0) === 0 && be(4) === 0 && be(8) === 0 && be(12) === 0) off = 16;
    return this.set(be(off), be(off + 4), be(off + 8), be(off + 12));
  }

  /** The state of `new Rng(key)` for a key given as eight big-endian words (an `EntryKeys.words` entry key). */
  fromWords(w: Int32Array): this {
    return w[0] === 0 && w[1] === 0 && w[2] === 0 && w[3] === 0 ? this.set(w[4], w[5], w[6], w[7]) : this.set(w[0], w[1], w[2], w[3]);
  }

  /** An independent sub-stream of an entry key (`EntryKeys.words`) for one purpose (`saltOf`). */
  fromMix(w: Int32Array, salt: Int32Array): this {
    const a = fmix32((fmix32(w[0] ^ salt[0]) + w[4]) | 0);
    const b = fmix32((fmix32(w[1] ^ salt[1]) + w[5]) | 0);
    const c = fmix32((fmix32(w[2] ^ salt[2]) + w[6]) | 0);
    const d = fmix32((fmix32(w[3] ^ salt[3]) + w[7]) | 0);
    // An all-zero state would stay zero forever (probability 2^-128; kept total anyway).
    return a === 0 && b === 0 && c === 0 && d === 0 ? this.set(1, 0, 0, 0) : this.set(a, b, c, d);
  }

  /** A copy at the current position (a decision that draws later keeps its own). */
  clone(): Stream {
    return new Stream().set(this.s01, this.s00, this.s11, this.s10);
  }

  private step(): number {
    const out = (this.s00 + this.s10) | 0;
    const a0 = this.s10 ^ this.s00;
    const a1 = this.s11 ^ this.s01;
    const s00 = this.s00;
    const s01 = this.s01;
    this.s00 = (s00 << 24) ^ (s01 >>> 8) ^ a0 ^ (a0 << 16);
    this.s01 = (s01 << 24) ^ (s00 >>> 8) ^ a1 ^ ((a1 << 16) | (a0 >>> 16));
    this.s10 = (a1 << 5) ^ (a0 >>> 27);
    this.s11 = (a0 << 5) ^ (a1 >>> 27);
    return out;
  }

  override nextU32(): number {
    return this.step() >>> 0;
  }

  override float(): number {
    const a = this.step() >>> 5;
    const b = this.step() >>> 6;
    return (a * TWO_POW_26 + b) / TWO_POW_53;
  }

  /**
   * Failures before the next success of Bernoulli(p) (geometric skipping), given `logQ` =
   * log1p(−p) (−Infinity for p ≥ 1: always 0). One draw.
   */
  gap(logQ: number): number {
    const u = this.float();
    return logQ === -Infinity ? 0 : Math.floor(Math.log1p(-u) / logQ);
  }

  /**
   * `gap(logQ)` capped at `limit` (any gap ≥ limit returns limit), with `thr[k]` = 1 − (1 − p)^k
   * for k < thr.length (`gapThresholds`): u ≥ thr[limit] ⟺ the gap reaches the limit, so the
   * common no-hit case costs one draw and no logarithm. Same draw, same result as `gap` below the cap.
   */
  gapWithin(logQ: number, limit: number, thr: Float64Array): number {
    const u = this.float();
    if (logQ === -Infinity) return 0;
    if (limit < thr.length ? u >= thr[limit] : u >= -Math.expm1(limit * logQ)) return limit;
    return Math.min(limit, Math.floor(Math.log1p(-u) / logQ));
  }
}

/**
 * thr[k] = 1 − (1 − p)^k for k < size, for `Stream.gapWithin` (`logQ` = log1p(−p)).
 *
 * @example
 * gapThresholds(Math.log1p(-0.02), 65)[1]; // 0.02
 */
export function gapThresholds(logQ: number, size: number): Float64Array {
  const t = new Float64Array(size);
  for (let k = 0; k < size; k++) t[k] = logQ === -Infinity ? (k === 0 ? 0 : 1) : -Math.expm1(k * logQ);
  return t;
}
