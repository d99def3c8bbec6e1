/**
 * `duplicate_rate` (controls.md §6.3): a 52-bit hash h of a row's fields in schema order,
 * identity columns omitted (see `identityColumns`), and a 32-bit sample tag t. Rows with
 * t mod 2^k == 0 are tracked with a count per hash; past `MAX_TRACKED` distinct hashes in a table
 * k += 1 and non-matching hashes drop. Value = (N − D)/N over tracked rows (D distinct), exact at
 * k = 0; duplicate groups share h and t, so sampling keeps or drops them whole. t is h's low 32
 * bits (the spec's h mod 2^k), except for tables with a fixed sample key (`SAMPLE_KEYS`): there t
 * hashes only those few columns, and only rows the sampler keeps are hashed in full — the same
 * kind of sample at a fraction of the cost once k > 0 (deviation for speed, issue 6).
 *
 * Deviation from the letter of §6.3, which names xxh64 (xxhash-wasm) over the fields joined by
 * 0x1F — for speed (issue 6): joining ~49 strings per row and hashing them through WebAssembly
 * with a BigInt result cost ≈ 4 µs a row, more than generating the row. The hash here is computed
 * column by column over the batch's typed arrays and string char codes, with no string built
 * per row (see `RowHasher`). What the metric needs from h is unchanged: equal rows hash equal
 * (exact), distinct rows collide rarely, and the low bits are uniform for the 2^k sampler.
 *
 * Collision rate: h is 52 bits of two 32-bit lanes mixed with the murmur3 block step and
 * finalizer (fmix32, full avalanche). Treating h as uniform, n distinct tracked rows contain a
 * pair with equal h with probability ≈ n²/2^53 — ≈ 5e-7 for the 65,536 hashes a table may
 * track, i.e. a spurious "duplicate" shifts the rate by 1/n in one run of millions. The unit
 * tests check zero collisions over 200,000 distinct near-identical rows.
 *
 * Bounded memory (controls.md §6.4): at most `MAX_TRACKED` = 65,536 hashes per table (the spec
 * allows 1,048,576; lowered 16× because 22 tables × 1 M Map entries cost hundreds of MiB), kept
 * in a flat open-addressing table (12 bytes a slot, ≤ 2 × MAX_TRACKED slots ≈ 1.5 MiB a table).
 * Sampling error: with k > 0 between MAX_TRACKED/2 and MAX_TRACKED distinct hashes are
 * tracked, so the estimate of a rate p has a standard error ≈ √(p(1 − p)/32,768) — ≈ 0.00055
 * at p = 0.01 (the default threshold) and ≈ 0.00017 at p = 0.001 (strict): a run within about
 * 4 SE of a threshold may land on either side. Exact (k = 0) below 65,536 distinct rows per table.
 * The saved state (gates-state.json) holds the hashes as one base64 string per table (≈ 11 bytes
 * a hash), not a JSON number pair per hash.
 *
 * Injected duplicates: a data-quality stage's `duplicate` issues (domain.md §9) are real
 * duplicates and count; the number of `dq_labels` rows with `issue_type = duplicate` observed is
 * reported as `details.injected_duplicates` so a failure at the legacy/high DQ presets can be
 * told apart from a generator bug.
 */
import type { Batch, StringValues } from '../engine/batch.js';
import type { Accumulator, MetricResult } from './types.js';
import { col, readString } from './read.js';

/** Distinct hashes a table may track before k grows. */
export const MAX_TRACKED = 65_536;

/** Ordinals inside a parent entity (`line_number` of an entry, `action_seq`, `seq`). */
const ORDINALS = new Set(['line_number', 'action_seq', 'seq']);

/**
 * The identity columns a row hash omits: the table key, except an ordinal inside the parent
 * (line_number…) of a composite key. Deviation from the letter of controls.md §6.3 (which names
 * line_number too): lines of one entry often carry equal content (equal split amounts), and
 * omitting line_number counts those distinct postings as duplicates (≈ 1 % of a clean run); a
 * copied entry still matches line by line, because only its document_id differs.
 */
export function identityColumns(key: readonly string[]): Set<string> {
  return new Set(key.length > 1 ? key.filter((k) => !ORDINALS.has(k)) : key);
}

const TWO32 = 4_294_967_296;

/** murmur3 fmix32: full avalanche of a 32-bit word. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Lane 1 of a string: FNV-1a-style over UTF-16 code units, then fmix32 with the length. */
function strHashA(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return fmix32(h ^ s.length);
}

/** Lane 2: another start and odd multiplier, so the lanes are not the same function. */
function strHashB(s: string): number {
  let h = 0x9747b28c;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x2c1b3c6d);
  return fmix32(h ^ Math.imul(s.length, 0x27d4eb2d));
}

const NULL_A = 0x6a09e667;
const NULL_B = 0xbb67ae85;

/** Per-column cache of string hashes (low-cardinality columns: codes, flags, texts from lists). */
interface StringCache { index: Map<string, number>; a: Int32Array; b: Int32Array; lookups: number; misses: number; off: boolean }
const CACHE_SIZE = 256;
/** A cache missing more than half of its first 1,024 lookups is switched off (ids, free text). */
const CACHE_PROBE = 1024;

/**
 * Row hashes of a batch, column by column into two scratch lanes (murmur3 block step per field,
 * fmix32 at the end). Equal field sequences give equal hashes whatever the batch or order.
 */
class RowHasher {
  private a = new Int32Array(0);
  private b = new Int32Array(0);
  private readonly caches = new Map<string, StringCache[]>();

  /** 52-bit hashes of rows [0, batch.length) into `out` (omitting `skip` columns). */
  hash(batch: Batch, skip: ReadonlySet<string>, out: Float64Array): void {
    const n = batch.length;
    if (this.a.length < n) {
      this.a = new Int32Array(n);
      this.b = new Int32Array(n);
    }
    const A = this.a, B = this.b;
    A.fill(0x3c6ef372, 0, n);
    B.fill(0xa54ff53a, 0, n);
    const cols = batch.schema.columns;
    let caches = this.caches.get(batch.schema.name);
    if (!caches) {
      caches = [];
      this.caches.set(batch.schema.name, caches);
    }
    let fields = 0;
    for (let c = 0; c < cols.length; c++) {
      if (skip.has(cols[c].name)) continue;
      fields++;
      const v = batch.values[c];
      if (Array.isArray(v)) this.mixStrings(v, n, (caches[c] ??= newCache()));
      else this.mixNumbers(v, batch.nulls[c], n);
    }
    for (let r = 0; r < n; r++) {
      const ha = fmix32(A[r] ^ fields) >>> 0;
      const hb = fmix32(B[r] ^ Math.imul(fields, 0x165667b1)) >>> 0;
      // 52 bits: all of lane B (the sampler reads the low bits) and 20 bits of lane A.
      out[r] = (ha & 0xfffff) * TWO32 + hb;
    }
  }

  private mixStrings(v: StringValues, n: number, cache: StringCache): void {
    const A = this.a, B = this.b;
    let last: string | null | undefined;
    let xa = 0, xb = 0;
    for (let r = 0; r < n; r++) {
      const s = v[r];
      if (s !== last) {
        last = s;
        if (s === null) {
          xa = NULL_A;
          xb = NULL_B;
        } else if (cache.off) {
          xa = strHashA(s);
          xb = strHashB(s);
        } else {
          const i = cache.index.get(s);
          cache.lookups++;
          if (i !== undefined) {
            xa = cache.a[i];
            xb = cache.b[i];
          } else {
            cache.misses++;
            xa = strHashA(s);
            xb = strHashB(s);
            const size = cache.index.size;
            if (size < CACHE_SIZE) {
              cache.index.set(s, size);
              cache.a[size] = xa;
              cache.b[size] = xb;
            }
            if (cache.lookups >= CACHE_PROBE && cache.misses * 2 > cache.lookups) {
              cache.off = true;
              cache.index = new Map();
            }
          }
        }
      }
      A[r] = stepA(A[r], xa);
      B[r] = stepB(B[r], xb);
    }
  }

  private mixNumbers(v: Int32Array | Float64Array | Uint8Array, mask: Uint8Array | null, n: number): void {
    const A = this.a, B = this.b;
    if (v instanceof Float64Array) {
      // The float's two 32-bit words (integer cents, rates); −0 reads as 0.
      const words = new Uint32Array(v.buffer, v.byteOffset, v.length * 2);
      for (let r = 0; r < n; r++) {
        let lo: number, hi: number;
        if (mask !== null && mask[r] === 1) { lo = NULL_A; hi = NULL_B; }
        else if (v[r] === 0) { lo = 0; hi = 0; }
        else { lo = words[2 * r]; hi = words[2 * r + 1]; }
        // Both words reach both lanes; the block step multiplies and rotates the word itself.
        const xa = lo ^ Math.imul(hi, 0x9e3779b1);
        const xb = hi ^ Math.imul(lo, 0x7feb352d);
        A[r] = stepA(A[r], xa);
        B[r] = stepB(B[r], xb);
      }
      return;
    }
    for (let r = 0; r < n; r++) {
      let xa: number, xb: number;
      if (mask !== null && mask[r] === 1) { xa = NULL_A; xb = NULL_B; }
      else {
        const x = v[r];
        xa = x ^ 0x2545f491;
        xb = Math.imul(x, 0x9e3779b1) ^ 0x5bd1e995;
      }
      A[r] = stepA(A[r], xa);
      B[r] = stepB(B[r], xb);
    }
  }
}

function newCache(): StringCache {
  return { index: new Map(), a: new Int32Array(CACHE_SIZE), b: new Int32Array(CACHE_SIZE), lookups: 0, misses: 0, off: false };
}

/** murmur3 x86_32 block step (lane A). */
function stepA(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** The same step with other constants and rotations (lane B). */
function stepB(h: number, k: number): number {
  k = Math.imul(k, 0x239b961b);
  k = (k << 16) | (k >>> 16);
  k = Math.imul(k, 0xab0e9789);
  h ^= k;
  h = (h << 17) | (h >>> 15);
  return (Math.imul(h, 3) + 0x38b34ae5) | 0;
}

/**
 * A flat open-addressing map 52-bit hash → (count, sample tag) (count 0 = empty slot). Slots are
 * chosen from a mix of both words of the hash. The tag (32 bits) is what the 2^k sampler reads.
 */
class HashCounts {
  keys: Float64Array;
  counts: Uint32Array;
  tags: Uint32Array;
  size = 0;
  private mask: number;
  private shift: number;

  constructor(capacity = 256) {
    this.keys = new Float64Array(capacity);
    this.counts = new Uint32Array(capacity);
    this.tags = new Uint32Array(capacity);
    this.mask = capacity - 1;
    this.shift = 32 - Math.log2(capacity);
  }

  /** Slot from the top bits of a multiplicative mix of both words (Fibonacci hashing). */
  private slot(h: number): number {
    const hi = Math.floor(h / TWO32);
    return Math.imul((h >>> 0) ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1) >>> this.shift;
  }

  add(h: number, tag: number, count: number): void {
    let i = this.slot(h);
    const keys = this.keys, counts = this.counts, mask = this.mask;
    while (counts[i] !== 0) {
      if (keys[i] === h) {
        counts[i] += count;
        return;
      }
      i = (i + 1) & mask;
    }
    keys[i] = h;
    counts[i] = count;
    this.tags[i] = tag;
    // Load ≤ 3/4: 65,537 hashes (one past the limit, before k grows) fit 131,072 slots.
    if (++this.size * 4 > keys.length * 3) this.rehash(keys.length * 2, 0);
  }

  /** Rebuilds with `capacity` slots, keeping hashes whose tag mod 2^k == 0; returns their row count. */
  rehash(capacity: number, k: number): number {
    const oldKeys = this.keys, oldCounts = this.counts, oldTags = this.tags;
    this.keys = new Float64Array(capacity);
    this.counts = new Uint32Array(capacity);
    this.tags = new Uint32Array(capacity);
    this.mask = capacity - 1;
    this.shift = 32 - Math.log2(capacity);
    this.size = 0;
    const m = 2 ** k;
    let rows = 0;
    for (let i = 0; i < oldKeys.length; i++) {
      const c = oldCounts[i];
      if (c === 0 || oldTags[i] % m !== 0) continue;
      rows += c;
      this.insertNew(oldKeys[i], oldTags[i], c);
    }
    return rows;
  }

  private insertNew(h: number, tag: number, count: number): void {
    let i = this.slot(h);
    while (this.counts[i] !== 0) i = (i + 1) & this.mask;
    this.keys[i] = h;
    this.counts[i] = count;
    this.tags[i] = tag;
    this.size++;
  }

  /** The slot of a hash (−1 when absent). */
  private find(h: number): number {
    let i = this.slot(h);
    while (this.counts[i] !== 0) {
      if (this.keys[i] === h) return i;
      i = (i + 1) & this.mask;
    }
    return -1;
  }

  /**
   * The state as text: hashes ascending as little-endian float64 in base64, their sample tags in
   * the same order as little-endian uint32 in base64 (only where a table has a sample key, else the
   * tag is the hash's low 32 bits and is not stored), and the counts above 1 as [index, count] (most
   * rows are unique). One string instead of a number per hash keeps the state small (≈ 11–16 bytes a hash).
   */
  encode(withTags: boolean): { hashes_f64le: string; tags_u32le?: string; counts: Array<[number, number]> } {
    const keys = new Float64Array(this.size);
    let n = 0;
    for (let i = 0; i < this.keys.length; i++) if (this.counts[i] !== 0) keys[n++] = this.keys[i];
    keys.sort();
    const bytes = new Uint8Array(n * 8);
    const view = new DataView(bytes.buffer);
    const tagBytes = new Uint8Array(withTags ? n * 4 : 0);
    const tagView = new DataView(tagBytes.buffer);
    const counts: Array<[number, number]> = [];
    for (let i = 0; i < n; i++) {
      view.setFloat64(i * 8, keys[i], true);
      const slot = this.find(keys[i]);
      if (withTags) tagView.setUint32(i * 4, this.tags[slot], true);
      const c = this.counts[slot];
      if (c > 1) counts.push([i, c]);
    }
    const b64 = (u: Uint8Array): string => Buffer.from(u.buffer, u.byteOffset, u.byteLength).toString('base64');
    return withTags ? { hashes_f64le: b64(bytes), tags_u32le: b64(tagBytes), counts } : { hashes_f64le: b64(bytes), counts };
  }

  /** [hash, count, tag] of every entry. */
  *entries(): Generator<[number, number, number]> {
    for (let i = 0; i < this.keys.length; i++) if (this.counts[i] !== 0) yield [this.keys[i], this.counts[i], this.tags[i]];
  }
}

/**
 * Rows `sel[0..count)` of a batch as a new batch for the row hash, which reads only values and nulls
 * and never the `skip` columns: those keep the input's arrays uncopied (identity columns, e.g. ids).
 */
function gatherRows(batch: Batch, sel: Int32Array, count: number, skip: ReadonlySet<string>): Batch {
  const cols = batch.schema.columns;
  const values = batch.values.map((v, c) => {
    if (skip.has(cols[c].name)) return v;
    if (Array.isArray(v)) {
      const out = new Array<string | null>(count);
      for (let i = 0; i < count; i++) out[i] = v[sel[i]];
      return out;
    }
    const out = new (v.constructor as Float64ArrayConstructor)(count);
    for (let i = 0; i < count; i++) out[i] = v[sel[i]];
    return out as typeof v;
  });
  const nulls = batch.nulls.map((m, c) => {
    if (!m || skip.has(cols[c].name)) return m;
    const out = new Uint8Array(count);
    for (let i = 0; i < count; i++) out[i] = m[sel[i]];
    return out;
  });
  return { schema: batch.schema, partition: batch.partition, firstRow: batch.firstRow, length: count, values, nulls };
}

interface TableState { k: number; rows: number; hashes: HashCounts }

/**
 * Sample keys: for the large tables, a few high-cardinality columns whose hash (the tag) decides
 * whether a row is tracked at the current k, so only tracked rows pay for the full row hash (all
 * ~49 fields, most of the metric's cost). Equal rows have equal sample columns, hence equal tags:
 * duplicate groups are still kept or dropped whole, and the estimate is the same kind of sample as
 * before — only which groups are sampled changes. At k = 0 every row is tracked (exact). A table
 * not listed here tags a row with the low 32 bits of its full hash (every row is hashed in full).
 * The lists are fixed per table (never chosen from data), so every partition, worker and shard
 * samples alike and their states merge.
 */
export const SAMPLE_KEYS: Readonly<Record<string, readonly string[]>> = {
  // created_at is per entry (keyed intraday time), the amounts per line.
  journal_entry_lines: ['created_at', 'debit_amount', 'credit_amount'],
  je_approvals: ['action_timestamp'],
};

interface TablePlan {
  /** Columns the full row hash omits (identity). */
  skip: Set<string>;
  /** Columns the tag hash omits (all but the sample key); null = tag from the full hash. */
  tagSkip: Set<string> | null;
}

/** Highest k the sampler uses: tags are 32 bits. */
const MAX_K = 32;

/**
 * @example
 * const acc = new DuplicateAccumulator();
 * acc.observe(batch);
 * acc.finalize(); // {value: (N − D) / N, n: N, details: {duplicates, injected_duplicates, tables: {...}}}
 */
export class DuplicateAccumulator implements Accumulator {
  readonly metric = 'duplicate_rate' as const;
  readonly tables = new Map<string, TableState>();
  /** `dq_labels` rows with issue_type `duplicate` (entries a data-quality stage copied). */
  injected = 0;
  private readonly hasher = new RowHasher();
  private scratch = new Float64Array(0);
  private tagScratch = new Float64Array(0);
  private selected = new Int32Array(0);
  private readonly plans = new Map<string, TablePlan>();

  constructor(readonly maxTracked = MAX_TRACKED) {}

  private plan(schema: Batch['schema']): TablePlan {
    let p = this.plans.get(schema.name);
    if (!p) {
      const skip = identityColumns(schema.key);
      const sample = (SAMPLE_KEYS[schema.name] ?? []).filter((c) => schema.index.has(c) && !skip.has(c));
      const tagSkip = sample.length > 0 ? new Set(schema.columns.map((c) => c.name).filter((n) => !sample.includes(n))) : null;
      p = { skip, tagSkip };
      this.plans.set(schema.name, p);
    }
    return p;
  }

  observe(batch: Batch): void {
    const schema = batch.schema;
    const t = this.table(schema.name);
    const plan = this.plan(schema);
    const n = batch.length;
    if (this.scratch.length < n) {
      this.scratch = new Float64Array(n);
      this.tagScratch = new Float64Array(n);
      this.selected = new Int32Array(n);
    }
    const h = this.scratch;
    if (plan.tagSkip === null) {
      this.hasher.hash(batch, plan.skip, h);
      for (let r = 0; r < n; r++) this.add(t, h[r], h[r] % TWO32, 1);
    } else {
      const tags = this.tagScratch;
      this.hasher.hash(batch, plan.tagSkip, tags);
      // Rows tracked at the current k (k only grows: rows dropped now would be dropped later too).
      const m = 2 ** Math.min(t.k, MAX_K);
      const sel = this.selected;
      let count = 0;
      for (let r = 0; r < n; r++) if ((tags[r] % TWO32) % m === 0) sel[count++] = r;
      if (count === n) {
        this.hasher.hash(batch, plan.skip, h);
        for (let r = 0; r < n; r++) this.add(t, h[r], tags[r] % TWO32, 1);
      } else if (count > 0) {
        this.hasher.hash(gatherRows(batch, sel, count, plan.skip), plan.skip, h);
        for (let i = 0; i < count; i++) this.add(t, h[i], tags[sel[i]] % TWO32, 1);
      }
      // Rows not selected are not tracked, but they are rows of the table: `rows` counts tracked rows only.
    }
    if (schema.name === 'dq_labels') {
      const type = col(batch, 'issue_type');
      for (let r = 0; r < n; r++) if (readString(batch, type, r) === 'duplicate') this.injected++;
    }
  }

  private table(name: string): TableState {
    let t = this.tables.get(name);
    if (!t) {
      t = { k: 0, rows: 0, hashes: new HashCounts() };
      this.tables.set(name, t);
    }
    return t;
  }

  private add(t: TableState, h: number, tag: number, count: number): void {
    if (t.k > 0 && tag % 2 ** t.k !== 0) return;
    t.rows += count;
    t.hashes.add(h, tag, count);
    if (t.hashes.size > this.maxTracked && t.k < MAX_K) {
      let k = t.k;
      do {
        k++;
        t.rows = t.hashes.rehash(t.hashes.keys.length, k);
      } while (t.hashes.size > this.maxTracked && k < MAX_K);
      t.k = k;
    }
  }

  /** k → newK: keeps only hashes whose tag mod 2^newK == 0 (their rows stay counted). */
  private raise(t: TableState, newK: number): void {
    if (newK <= t.k) return;
    t.k = newK;
    t.rows = t.hashes.rehash(t.hashes.keys.length, newK);
  }

  flush(): void { /* counters only */ }

  /** Merge: max k, filter both, add (controls.md §6.4). */
  merge(other: Accumulator): void {
    const o = other as DuplicateAccumulator;
    for (const [name, ot] of o.tables) {
      const t = this.table(name);
      this.raise(t, ot.k);
      for (const [h, c, tag] of ot.hashes.entries()) this.add(t, h, tag, c);
    }
    this.injected += o.injected;
  }

  /** `{tables: {name: {k, hashes_f64le, tags_u32le?, counts}}, injected_duplicates}` (see `HashCounts.encode`). */
  toJSON(): unknown {
    const tables: Record<string, { k: number; hashes_f64le: string; tags_u32le?: string; counts: Array<[number, number]> }> = {};
    for (const [name, t] of [...this.tables].sort((a, b) => (a[0] < b[0] ? -1 : 1))) tables[name] = { k: t.k, ...t.hashes.encode(SAMPLE_KEYS[name] !== undefined) };
    return { tables, injected_duplicates: this.injected };
  }

  /** Reads `toJSON()`'s state (and the earlier `hashes: [[h, c]…]` form). */
  static fromJSON(json: unknown, maxTracked = MAX_TRACKED): DuplicateAccumulator {
    type Stored = { k: number; hashes_f64le?: string; tags_u32le?: string; counts?: Array<[number, number]>; hashes?: Array<[number, number]> };
    const j = json as { tables: Record<string, Stored>; injected_duplicates?: number };
    const acc = new DuplicateAccumulator(maxTracked);
    for (const [name, t] of Object.entries(j.tables)) {
      const s = acc.table(name);
      s.k = t.k;
      if (t.hashes_f64le !== undefined) {
        const bytes = Buffer.from(t.hashes_f64le, 'base64');
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        const n = bytes.byteLength / 8;
        const extra = new Map(t.counts ?? []);
        const tagBytes = t.tags_u32le !== undefined ? Buffer.from(t.tags_u32le, 'base64') : null;
        const tagView = tagBytes ? new DataView(tagBytes.buffer, tagBytes.byteOffset, tagBytes.byteLength) : null;
        if (tagBytes && tagBytes.byteLength !== n * 4) throw new Error(`duplicate_rate state of ${name}: ${n} hashes but ${tagBytes.byteLength / 4} tags`);
        for (let i = 0; i < n; i++) {
          const h = view.getFloat64(i * 8, true);
          acc.add(s, h, tagView ? tagView.getUint32(i * 4, true) : h % TWO32, extra.get(i) ?? 1);
        }
      }
      for (const [h, c] of t.hashes ?? []) acc.add(s, h, h % TWO32, c);
    }
    acc.injected = j.injected_duplicates ?? 0;
    return acc;
  }

  /** Estimated duplicate rows and rows (scaled by 2^k), for fail_fast. */
  violations(): { bad: number; total: number } {
    let bad = 0, total = 0;
    for (const t of this.tables.values()) {
      const scale = 2 ** t.k;
      bad += (t.rows - t.hashes.size) * scale;
      total += t.rows * scale;
    }
    return { bad, total };
  }

  finalize(): MetricResult {
    const tables: Record<string, { k: number; tracked_rows: number; distinct: number; rate: number | null; exact: boolean }> = {};
    for (const [name, t] of [...this.tables].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      tables[name] = { k: t.k, tracked_rows: t.rows, distinct: t.hashes.size, rate: t.rows ? (t.rows - t.hashes.size) / t.rows : null, exact: t.k === 0 };
    }
    const { bad, total } = this.violations();
    const note = 'rows equal to another row of the table apart from its identity columns; data-quality duplicates (dq_labels issue_type duplicate) count — see injected_duplicates';
    if (total === 0) return { value: null, n: 0, details: { tables, injected_duplicates: this.injected, note }, notEvaluated: 'no rows' };
    return { value: bad / total, n: total, details: { duplicates: bad, injected_duplicates: this.injected, note, tables } };
  }
}
