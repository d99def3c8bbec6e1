/**
 * The unit of data between stages (architecture.md §3): the rows of one table,
 * columnar, for one logical partition. Never one object per row on the hot path.
 */
import type { ColumnDef, TableSchema } from './schema.js';

export type NumericValues = Int32Array | Float64Array | Uint8Array;
export type StringValues = Array<string | null>;
export type ColumnValues = NumericValues | StringValues;

export interface Batch {
  readonly schema: TableSchema;
  /** Logical partition this batch belongs to. */
  readonly partition: number;
  /** Index of the first row within its partition (rows of a table concatenate in partition order). */
  readonly firstRow: number;
  readonly length: number;
  /** By schema column index. */
  readonly values: ColumnValues[];
  /** By schema column index: for nullable numeric columns a mask (1 = null); `null` otherwise. String columns use `null` entries. */
  readonly nulls: Array<Uint8Array | null>;
}

function allocate(def: ColumnDef, n: number): ColumnValues {
  switch (def.type) {
    case 'string': return new Array<string | null>(n).fill(null);
    case 'int':
    case 'date': return new Int32Array(n);
    case 'money':
    case 'decimal6':
    case 'timestamp': return new Float64Array(n);
    case 'bool': return new Uint8Array(n);
  }
}

/** Allocates an empty batch of `length` rows (strings null, numbers 0, nullable numeric columns not null). */
export function createBatch(schema: TableSchema, partition: number, firstRow: number, length: number): Batch {
  return {
    schema,
    partition,
    firstRow,
    length,
    values: schema.columns.map((c) => allocate(c, length)),
    nulls: schema.columns.map((c) => (c.nullable && c.type !== 'string' ? new Uint8Array(length) : null)),
  };
}

/** Typed column accessors by name; throws on a wrong name or type (a programming error). */
export function stringCol(batch: Batch, name: string): StringValues {
  const i = colIndex(batch, name);
  const v = batch.values[i];
  if (!Array.isArray(v)) throw new Error(`${batch.schema.name}.${name} is not a string column`);
  return v;
}
export function int32Col(batch: Batch, name: string): Int32Array {
  const v = batch.values[colIndex(batch, name)];
  if (!(v instanceof Int32Array)) throw new Error(`${batch.schema.name}.${name} is not an int/date column`);
  return v;
}
export function float64Col(batch: Batch, name: string): Float64Array {
  const v = batch.values[colIndex(batch, name)];
  if (!(v instanceof Float64Array)) throw new Error(`${batch.schema.name}.${name} is not a money/decimal6/timestamp column`);
  return v;
}
export function boolCol(batch: Batch, name: string): Uint8Array {
  const v = batch.values[colIndex(batch, name)];
  if (!(v instanceof Uint8Array)) throw new Error(`${batch.schema.name}.${name} is not a bool column`);
  return v;
}
export function nullMask(batch: Batch, name: string): Uint8Array {
  const m = batch.nulls[colIndex(batch, name)];
  if (!m) throw new Error(`${batch.schema.name}.${name} has no null mask (not a nullable numeric column)`);
  return m;
}
function colIndex(batch: Batch, name: string): number {
  const i = batch.schema.index.get(name);
  if (i === undefined) throw new Error(`table ${batch.schema.name} has no column ${name}`);
  return i;
}

/** True when the value at (column, row) is null. */
export function isNull(batch: Batch, col: number, row: number): boolean {
  const v = batch.values[col];
  if (Array.isArray(v)) return v[row] === null;
  const m = batch.nulls[col];
  return m !== null && m[row] === 1;
}

/** A copy of rows [start, end) as a new batch (used to cut batches at entry boundaries). */
export function sliceBatch(batch: Batch, start: number, end: number): Batch {
  return {
    schema: batch.schema,
    partition: batch.partition,
    firstRow: batch.firstRow + start,
    length: end - start,
    values: batch.values.map((v) => (Array.isArray(v) ? v.slice(start, end) : v.slice(start, end))),
    nulls: batch.nulls.map((m) => (m ? m.slice(start, end) : null)),
  };
}
