/**
 * TableSchema → Apache Arrow schema, and columnar batches → Arrow record
 * batches (shared by the Parquet and Arrow IPC encoders, so both carry the same
 * types). Columns keep schema order and schema nullability.
 *
 * Type mapping (domain.md §0.1 storage → Arrow):
 * - `string`    → Utf8
 * - `int`       → Int32
 * - `money`     → Decimal128(18, 2) from integer cents (the exact unscaled value; no float rounding)
 * - `decimal6`  → Decimal128(18, 6) from integer millionths
 * - `date`      → Date32 (days since 1970-01-01, which is what the batch holds)
 * - `timestamp` → Timestamp(ms) WITHOUT a time zone. domain.md §0.1: our timestamps are
 *                 company-local wall time with no zone attached, so a UTC-adjusted
 *                 timestamp would claim an instant we do not know. Parquet writes this as
 *                 INT64 TIMESTAMP(MILLIS, isAdjustedToUTC=false). Milliseconds, not seconds:
 *                 Parquet has no second unit, and one unit for both formats keeps them equal.
 * - `bool`      → Bool
 *
 * apache-arrow is loaded on first use (`loadArrow()`), so runs that write only
 * text formats never load it (its module graph costs RSS the CSV targets count).
 *
 * @example
 * const A = await loadArrow();
 * const rb = toArrowRecordBatch(A, schema, [{ batch, start: 0, end: batch.length }]);
 */
import type {
  Bool, DateDay, Decimal, Int32, RecordBatch, Schema, TimestampMillisecond, Utf8, Data, DataType,
} from 'apache-arrow';
import type { Batch, StringValues } from '../engine/batch.js';
import type { ColumnDef, ColumnType, TableSchema } from '../engine/schema.js';

/** DECIMAL(18, s): 18 digits hold every |value| < 2^53 units exactly (2^53 ≈ 9.007e15 < 1e18). */
export const DECIMAL_PRECISION = 18;
export const MONEY_SCALE = 2;
export const DECIMAL6_SCALE = 6;

export type ArrowModule = typeof import('apache-arrow');

let arrowModule: Promise<ArrowModule> | null = null;
/** apache-arrow, imported once on first use. */
export function loadArrow(): Promise<ArrowModule> {
  arrowModule ??= import('apache-arrow');
  return arrowModule;
}

export function arrowType(A: ArrowModule, type: ColumnType): DataType {
  switch (type) {
    case 'string': return new A.Utf8();
    case 'int': return new A.Int32();
    case 'money': return new A.Decimal(MONEY_SCALE, DECIMAL_PRECISION, 128);
    case 'decimal6': return new A.Decimal(DECIMAL6_SCALE, DECIMAL_PRECISION, 128);
    case 'date': return new A.DateDay();
    case 'timestamp': return new A.TimestampMillisecond(null);
    case 'bool': return new A.Bool();
  }
}

/** Receives an IPC writer's bytes; `take` returns them as one Buffer (optionally framed) and forgets them. */
export interface Collector {
  write(value: Uint8Array): void;
  take(prefix?: Uint8Array, suffix?: Uint8Array): Buffer[];
}

/**
 * A sink that takes an IPC writer's bytes as it produces them. apache-arrow keeps
 * a queue it owns as its sink (`reset(queue)` accepts an AsyncByteQueue);
 * overriding `write` hands each call's bytes over synchronously instead of
 * through an async iterator.
 */
export function collectingQueue(A: ArrowModule): Collector & InstanceType<ArrowModule['AsyncByteQueue']> {
  class CollectingQueue extends A.AsyncByteQueue implements Collector {
    private chunks: Uint8Array[] = [];
    private bytes = 0;
    override write(value: Uint8Array): void {
      if (value.byteLength === 0) return;
      this.chunks.push(value);
      this.bytes += value.byteLength;
    }
    /** One copy of everything written since the last take (the views point into column arrays). */
    take(prefix?: Uint8Array, suffix?: Uint8Array): Buffer[] {
      const total = this.bytes + (prefix?.byteLength ?? 0) + (suffix?.byteLength ?? 0);
      if (total === 0) return [];
      const out = Buffer.allocUnsafe(total);
      let pos = 0;
      for (const c of prefix ? [prefix, ...this.chunks] : this.chunks) {
        out.set(c, pos);
        pos += c.byteLength;
      }
      if (suffix) out.set(suffix, pos);
      this.chunks = [];
      this.bytes = 0;
      return [out];
    }
  }
  return new CollectingQueue();
}

/**
 * Like `collectingQueue`, but copies every write at once into one reused,
 * growing buffer, so the written column arrays die young and a hand-over
 * allocates nothing. `view()` is valid until the next `clear()`.
 */
export function scratchQueue(A: ArrowModule): InstanceType<ArrowModule['AsyncByteQueue']> & { view(suffix?: Uint8Array): Uint8Array; clear(prefix?: Uint8Array): void; readonly length: number } {
  class ScratchQueue extends A.AsyncByteQueue {
    private buf: Buffer = Buffer.allocUnsafe(1 << 20);
    private len = 0;
    get length(): number {
      return this.len;
    }
    override write(value: Uint8Array): void {
      const n = value.byteLength;
      if (n === 0) return;
      if (this.len + n > this.buf.length) {
        const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
        this.buf.copy(next, 0, 0, this.len);
        this.buf = next;
      }
      this.buf.set(value, this.len);
      this.len += n;
    }
    view(suffix?: Uint8Array): Uint8Array {
      if (suffix) this.write(suffix);
      return this.buf.subarray(0, this.len);
    }
    clear(prefix?: Uint8Array): void {
      this.len = 0;
      if (prefix) this.write(prefix);
    }
  }
  return new ScratchQueue();
}

/** The Arrow schema of a table: one field per column, in schema order, nullability from the schema. */
export function arrowSchema(A: ArrowModule, schema: TableSchema): Schema {
  return new A.Schema(schema.columns.map((c) => new A.Field(c.name, arrowType(A, c.type), c.nullable)));
}

/** Rows [start, end) of one batch: a row group or IPC batch may span several engine batches. */
export interface BatchSegment {
  readonly batch: Batch;
  readonly start: number;
  readonly end: number;
}

const TWO_32 = 4294967296;

/** Arrow validity bitmap (LSB first, 1 = valid) and null count for one column over the segments. */
function validity(col: number, def: ColumnDef, segments: readonly BatchSegment[], n: number): { bitmap: Uint8Array | undefined; nulls: number } {
  if (!def.nullable) return { bitmap: undefined, nulls: 0 };
  const bitmap = new Uint8Array((n + 7) >> 3);
  let nulls = 0;
  let o = 0;
  for (const { batch, start, end } of segments) {
    const v = batch.values[col];
    if (Array.isArray(v)) {
      const s = v as StringValues;
      for (let r = start; r < end; r++, o++) {
        if (s[r] === null) nulls++;
        else bitmap[o >> 3] |= 1 << (o & 7);
      }
    } else {
      const mask = batch.nulls[col];
      for (let r = start; r < end; r++, o++) {
        if (mask !== null && mask[r] === 1) nulls++;
        else bitmap[o >> 3] |= 1 << (o & 7);
      }
    }
  }
  return { bitmap: nulls === 0 ? undefined : bitmap, nulls };
}

function notNullable(schema: TableSchema, def: ColumnDef): Error {
  return new Error(`table ${schema.name}: column ${def.name} is not nullable but a batch holds null`);
}

/**
 * Writes an integer held in a double (|v| < 2^53) as 64-bit two's complement into
 * `u32[i]` (low word) and `u32[i + 1]` (high word) — exact, no BigInt per value.
 */
function writeInt64(u32: Uint32Array, i: number, v: number): void {
  const hi = Math.floor(v / TWO_32);
  u32[i] = v - hi * TWO_32;
  u32[i + 1] = hi >>> 0;
}

function checkExact(schema: TableSchema, def: ColumnDef, v: number): void {
  if (!(Math.abs(v) <= Number.MAX_SAFE_INTEGER) || Math.floor(v) !== v) {
    throw new RangeError(`table ${schema.name}: column ${def.name} value ${v} is not an integer below 2^53 (columns hold integer units)`);
  }
}

/**
 * Utf8 column. Fast path: the segment's strings joined and encoded by one native
 * call; when every byte is ASCII (byte length = UTF-16 length), the offsets are the
 * running string lengths. Otherwise each string is encoded on its own.
 */
function utf8Column(A: ArrowModule, schema: TableSchema, def: ColumnDef, col: number, segments: readonly BatchSegment[], n: number, type: DataType): Data {
  const offsets = new Int32Array(n + 1);
  const parts: string[] = [];
  let units = 0;
  let o = 0;
  for (const { batch, start, end } of segments) {
    const v = batch.values[col];
    if (!Array.isArray(v)) throw new Error(`table ${schema.name}: column ${def.name} is not a string column in the batch`);
    for (let r = start; r < end; r++, o++) {
      const s = v[r];
      if (s === null) {
        if (!def.nullable) throw notNullable(schema, def);
      } else {
        units += s.length;
      }
      offsets[o + 1] = units;
    }
    // join() writes null as ''; the validity bitmap marks those rows.
    parts.push((start === 0 && end === v.length ? v : v.slice(start, end)).join(''));
  }
  const joined = parts.length === 1 ? parts[0] : parts.join('');
  let data: Uint8Array = Buffer.from(joined, 'utf8');
  if (data.length !== units) {
    // Non-ASCII somewhere: exact per-string byte offsets.
    data = Buffer.allocUnsafe(data.length);
    let pos = 0;
    o = 0;
    for (const { batch, start, end } of segments) {
      const v = batch.values[col] as StringValues;
      for (let r = start; r < end; r++, o++) {
        const s = v[r];
        if (s !== null && s.length > 0) pos += (data as Buffer).write(s, pos, 'utf8');
        offsets[o + 1] = pos;
      }
    }
  }
  const { bitmap, nulls } = validity(col, def, segments, n);
  return A.makeData({ type: type as Utf8, length: n, nullCount: nulls, nullBitmap: bitmap, valueOffsets: offsets, data });
}

function column(A: ArrowModule, schema: TableSchema, col: number, segments: readonly BatchSegment[], n: number, type: DataType): Data {
  const def = schema.columns[col];
  if (def.type === 'string') return utf8Column(A, schema, def, col, segments, n, type);
  const { bitmap, nulls } = validity(col, def, segments, n);
  if (!def.nullable) {
    for (const { batch } of segments) {
      const m = batch.nulls[col];
      if (m !== null && m.includes(1)) throw notNullable(schema, def);
    }
  }
  switch (def.type) {
    case 'int':
    case 'date': {
      const data = new Int32Array(n);
      let o = 0;
      for (const { batch, start, end } of segments) {
        data.set((batch.values[col] as Int32Array).subarray(start, end), o);
        o += end - start;
      }
      return def.type === 'int'
        ? A.makeData({ type: type as Int32, length: n, nullCount: nulls, nullBitmap: bitmap, data })
        : A.makeData({ type: type as DateDay, length: n, nullCount: nulls, nullBitmap: bitmap, data });
    }
    case 'money':
    case 'decimal6': {
      // Decimal128: four little-endian 32-bit words per value, two's complement.
      const data = new Uint32Array(n * 4);
      let o = 0;
      for (const { batch, start, end } of segments) {
        const v = batch.values[col] as Float64Array;
        const mask = batch.nulls[col];
        for (let r = start; r < end; r++, o++) {
          const x = v[r];
          if (mask !== null && mask[r] === 1) continue;
          checkExact(schema, def, x);
          const w = o * 4;
          writeInt64(data, w, x);
          const ext = x < 0 ? 0xffffffff : 0;
          data[w + 2] = ext;
          data[w + 3] = ext;
        }
      }
      return A.makeData({ type: type as Decimal, length: n, nullCount: nulls, nullBitmap: bitmap, data });
    }
    case 'timestamp': {
      const data = new BigInt64Array(n);
      const u32 = new Uint32Array(data.buffer);
      let o = 0;
      for (const { batch, start, end } of segments) {
        const v = batch.values[col] as Float64Array;
        const mask = batch.nulls[col];
        for (let r = start; r < end; r++, o++) {
          if (mask !== null && mask[r] === 1) continue;
          const ms = v[r] * 1000;
          checkExact(schema, def, ms);
          writeInt64(u32, o * 2, ms);
        }
      }
      return A.makeData({ type: type as TimestampMillisecond, length: n, nullCount: nulls, nullBitmap: bitmap, data });
    }
    case 'bool': {
      const data = new Uint8Array((n + 7) >> 3);
      let o = 0;
      for (const { batch, start, end } of segments) {
        const v = batch.values[col] as Uint8Array;
        for (let r = start; r < end; r++, o++) if (v[r] !== 0) data[o >> 3] |= 1 << (o & 7);
      }
      return A.makeData({ type: type as Bool, length: n, nullCount: nulls, nullBitmap: bitmap, data });
    }
  }
}

/**
 * One Arrow record batch holding the segments' rows in order. `arrow` is the
 * schema from `arrowSchema(A, schema)`, passed in so every batch of an output
 * shares one schema object (the IPC writer then writes the schema once).
 */
export function toArrowRecordBatch(A: ArrowModule, schema: TableSchema, segments: readonly BatchSegment[], arrow: Schema = arrowSchema(A, schema)): RecordBatch {
  let n = 0;
  for (const s of segments) {
    if (s.batch.schema !== schema && (s.batch.schema.name !== schema.name || s.batch.values.length !== schema.columns.length)) {
      throw new Error(`Arrow encoder for table ${schema.name} got a batch of table ${s.batch.schema.name}`);
    }
    n += s.end - s.start;
  }
  const children = schema.columns.map((_, i) => column(A, schema, i, segments, n, arrow.fields[i].type as DataType));
  const struct = A.makeData({ type: new A.Struct(arrow.fields), length: n, nullCount: 0, children });
  return new A.RecordBatch(arrow, struct);
}
