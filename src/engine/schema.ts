/**
 * One schema definition per table (architecture.md §3): column names, types,
 * nullability and descriptions. CSV headers, NDJSON key order, Parquet/Arrow
 * schemas, PostgreSQL DDL and docs are all derived from it — nothing restates
 * a column list.
 */
import { createHash } from 'node:crypto';

/**
 * Logical column types and how a Batch stores them:
 * - `string`  : `(string | null)[]`
 * - `int`     : `Int32Array` (nullable via the batch's null mask)
 * - `money`   : `Float64Array` of integer cents (exact: |x| < 2^53); written `1234.50`
 * - `decimal6`: `Float64Array` of integer millionths (exchange rates); written `1.234567`
 * - `date`    : `Int32Array` of days since 1970-01-01; written `YYYY-MM-DD`
 * - `timestamp`: `Float64Array` of seconds since 1970-01-01T00:00:00 in company-local wall time; written `YYYY-MM-DDTHH:MM:SS`
 * - `bool`    : `Uint8Array` 0/1; written `true` / `false`
 */
export type ColumnType = 'string' | 'int' | 'money' | 'decimal6' | 'date' | 'timestamp' | 'bool';

export interface ColumnDef {
  readonly name: string;
  readonly type: ColumnType;
  /** May hold null at all. */
  readonly nullable: boolean;
  /** Null by design on some rows (e.g. vendor_id on non-AP lines); excluded from completion_rate. */
  readonly nullableByDesign: boolean;
  /** Free text that may contain delimiters, quotes or newlines (CSV quotes only these when needed). */
  readonly freeText: boolean;
  /** Foreign key target, for referential checks and DDL. */
  readonly references?: { readonly table: string; readonly column: string };
  readonly description: string;
}

export interface TableSchema {
  readonly name: string;
  readonly description: string;
  readonly columns: readonly ColumnDef[];
  /** Column names that identify a row (not a DB constraint when duplicates are injected on purpose). */
  readonly key: readonly string[];
  /** name → index */
  readonly index: ReadonlyMap<string, number>;
}

export interface ColumnSpec {
  type: ColumnType;
  description: string;
  nullable?: boolean;
  nullableByDesign?: boolean;
  freeText?: boolean;
  references?: { table: string; column: string };
}

/** Defines a table from an ordered list of `[name, spec]` pairs. */
export function defineTable(name: string, description: string, columns: ReadonlyArray<readonly [string, ColumnSpec]>, key: readonly string[] = []): TableSchema {
  const defs: ColumnDef[] = columns.map(([colName, spec]) => ({
    name: colName,
    type: spec.type,
    nullable: spec.nullable ?? spec.nullableByDesign ?? false,
    nullableByDesign: spec.nullableByDesign ?? false,
    freeText: spec.freeText ?? false,
    ...(spec.references ? { references: spec.references } : {}),
    description: spec.description,
  }));
  const index = new Map<string, number>();
  defs.forEach((d, i) => {
    if (index.has(d.name)) throw new Error(`table ${name}: duplicate column ${d.name}`);
    index.set(d.name, i);
  });
  for (const k of key) if (!index.has(k)) throw new Error(`table ${name}: key column ${k} is not a column`);
  return Object.freeze({ name, description, columns: Object.freeze(defs), key: Object.freeze([...key]), index });
}

/** SHA-256 of the table's column list (names, types, nullability), recorded in the manifest. */
export function schemaSha256(schema: TableSchema): string {
  const desc = schema.columns.map((c) => `${c.name}:${c.type}:${c.nullable ? 'null' : 'notnull'}`).join('\n');
  return createHash('sha256').update(`${schema.name}\n${desc}`).digest('hex');
}
