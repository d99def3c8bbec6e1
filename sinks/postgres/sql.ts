/**
 * SQL derived from a TableSchema (architecture.md §3: nothing restates a
 * column list): identifiers, DDL, and the type compatibility rules used to
 * check an existing target table before a load (controls.md §8.5 step 1).
 */
import pg from 'pg';
import type { ColumnDef, ColumnType, TableSchema } from '../../src/engine/schema.js';

/** Run columns added outside the hashed COPY payload (controls.md §8.5 step 4). */
export const RUN_ID_COLUMN = '_dsp_run_id';
export const PARTITION_COLUMN = '_dsp_partition';

/** PostgreSQL truncates identifiers longer than this many bytes (NAMEDATALEN − 1). */
export const MAX_IDENTIFIER_BYTES = 63;

/**
 * Session settings the load sets with `set_config(…, true)` (transaction-local). The run
 * columns of tables the sink creates default to them, so a load can COPY straight into the
 * table and still tag every row with its run and partition (see the sink's `staging`).
 */
export const RUN_ID_SETTING = 'datasynth.run_id';
export const PARTITION_SETTING = 'datasynth.partition';
export const RUN_ID_COLUMN_DDL = `UUID NOT NULL DEFAULT (current_setting('${RUN_ID_SETTING}', true))::uuid`;
/** NULL for `layout: single` (one load holds every partition of the table). */
export const PARTITION_COLUMN_DDL = `INTEGER DEFAULT (nullif(current_setting('${PARTITION_SETTING}', true), ''))::integer`;

export const quoteIdent = (name: string): string => pg.escapeIdentifier(name);
export const quoteLiteral = (value: string): string => pg.escapeLiteral(value);

/** `"schema"."table"`. */
export function qualified(schema: string, table: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(table)}`;
}

/**
 * Column type per logical type.
 * - money / decimal6 are exact integers of cents / millionths: NUMERIC(18,2) / NUMERIC(18,6)
 *   hold every value the encoder can write (|x| < 2^53 units of the last place).
 * - timestamp → TIMESTAMP (without time zone), deliberately not TIMESTAMPTZ: our timestamps
 *   are company-local wall time with no zone (schema.ts), so TIMESTAMPTZ would have to invent
 *   one (a 'UTC' assumption would show every value shifted in any session whose TimeZone is
 *   not UTC). An existing TIMESTAMPTZ column is still accepted; the load sets
 *   `TimeZone = 'UTC'`, so the wall time is then stored as that instant in UTC.
 */
export const DDL_TYPE: Readonly<Record<ColumnType, string>> = {
  string: 'TEXT',
  int: 'INTEGER',
  money: 'NUMERIC(18,2)',
  decimal6: 'NUMERIC(18,6)',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
  bool: 'BOOLEAN',
};

/**
 * `CREATE TABLE` for a schema, plus the run columns when enabled.
 *
 * No PRIMARY KEY / UNIQUE constraint on `schema.key`: the anomaly and data-quality stages
 * emit duplicate keys on purpose (schema.ts: "not a DB constraint when duplicates are
 * injected on purpose"), and even a key that includes the run columns would reject those
 * loads. The only index is on the run columns, which keeps the idempotent
 * `DELETE … WHERE _dsp_run_id = $1 AND _dsp_partition = $2` of a reload from scanning the table.
 */
export function createTableSql(schemaName: string, schema: TableSchema, runColumns: boolean): string[] {
  const cols = schema.columns.map((c) => `  ${quoteIdent(c.name)} ${DDL_TYPE[c.type]}${c.nullable ? '' : ' NOT NULL'}`);
  if (runColumns) {
    cols.push(`  ${quoteIdent(RUN_ID_COLUMN)} ${RUN_ID_COLUMN_DDL}`);
    cols.push(`  ${quoteIdent(PARTITION_COLUMN)} ${PARTITION_COLUMN_DDL}`);
  }
  const target = qualified(schemaName, schema.name);
  const out = [`CREATE TABLE ${target} (\n${cols.join(',\n')}\n)`];
  if (runColumns) {
    out.push(`CREATE INDEX ${quoteIdent(truncateIdent(`${schema.name}__dsp_run`))} ON ${target} (${quoteIdent(RUN_ID_COLUMN)}, ${quoteIdent(PARTITION_COLUMN)})`);
  }
  for (const c of schema.columns) {
    if (c.description) out.push(`COMMENT ON COLUMN ${target}.${quoteIdent(c.name)} IS ${quoteLiteral(c.description)}`);
  }
  return out;
}

function truncateIdent(name: string): string {
  const b = Buffer.from(name, 'utf8');
  return b.length <= MAX_IDENTIFIER_BYTES ? name : b.subarray(0, MAX_IDENTIFIER_BYTES).toString('utf8').replace(/\uFFFD+$/, '');
}

/** One column of an existing table, from pg_attribute. */
export interface TargetColumn {
  readonly name: string;
  /** `format_type(atttypid, atttypmod)`, e.g. `numeric(18,2)`, `timestamp without time zone`. */
  readonly type: string;
  readonly notNull: boolean;
  readonly hasDefault: boolean;
  /** `pg_get_expr` of the column default, or null. */
  readonly defaultExpr: string | null;
}

/** Columns of `schema.table` in attnum order (empty when the table does not exist). */
export const TARGET_COLUMNS_SQL = `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null, a.atthasdef AS has_default,
       pg_get_expr(d.adbin, d.adrelid) AS default_expr
  FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
 WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
 ORDER BY a.attnum`;

const TEXTUAL = /^(text|character varying(\(\d+\))?|citext)$/;
const NUMERIC_TYPMOD = /^numeric(?:\((\d+),(\d+)\))?$/;

/** Scale a numeric column must keep so no written digit is lost. */
function numericAccepts(type: string, scale: number): boolean {
  const m = NUMERIC_TYPMOD.exec(type);
  if (!m) return false;
  return m[2] === undefined || Number(m[2]) >= scale;
}

/**
 * Whether a target column type can store every value the CSV encoder writes for `col`
 * exactly (a text column can store any of them). Lossy targets (float, money, char(n)
 * padding, integers for amounts) are refused.
 */
export function typeAccepts(col: ColumnDef, targetType: string): boolean {
  if (TEXTUAL.test(targetType)) return true;
  switch (col.type) {
    case 'string':
      return targetType === 'uuid' || targetType === 'json' || targetType === 'jsonb';
    case 'int':
      return targetType === 'integer' || targetType === 'bigint' || numericAccepts(targetType, 0);
    case 'money':
      return numericAccepts(targetType, 2);
    case 'decimal6':
      return numericAccepts(targetType, 6);
    case 'date':
      return targetType === 'date';
    case 'timestamp':
      return targetType === 'timestamp without time zone' || targetType.startsWith('timestamp(') || targetType === 'timestamp with time zone';
    case 'bool':
      return targetType === 'boolean';
  }
}

/**
 * Problems that make `target` unusable for `schema` (empty: compatible). Extra target
 * columns are fine when they may be left NULL or have a default.
 */
export function compatibilityProblems(schema: TableSchema, target: readonly TargetColumn[], runColumns: boolean): string[] {
  const byName = new Map(target.map((c) => [c.name, c]));
  const problems: string[] = [];
  const missing = schema.columns.filter((c) => !byName.has(c.name)).map((c) => c.name);
  if (missing.length > 0) problems.push(`missing column${missing.length === 1 ? '' : 's'} ${missing.join(', ')}`);
  for (const c of schema.columns) {
    const t = byName.get(c.name);
    if (t && !typeAccepts(c, t.type)) problems.push(`column ${c.name} is ${t.type}, which cannot hold ${c.type} values (expected ${DDL_TYPE[c.type]})`);
  }
  if (runColumns) {
    const runId = byName.get(RUN_ID_COLUMN);
    const part = byName.get(PARTITION_COLUMN);
    if (!runId || !part) {
      problems.push(`missing run column${!runId && !part ? 's' : ''} ${[!runId ? RUN_ID_COLUMN : null, !part ? PARTITION_COLUMN : null].filter(Boolean).join(', ')} (add them with ALTER TABLE … ADD COLUMN ${RUN_ID_COLUMN} uuid, ADD COLUMN ${PARTITION_COLUMN} integer, or set run_columns: false)`);
    } else {
      if (runId.type !== 'uuid' && !TEXTUAL.test(runId.type)) problems.push(`run column ${RUN_ID_COLUMN} is ${runId.type}, expected uuid`);
      if (!['integer', 'bigint'].includes(part.type)) problems.push(`run column ${PARTITION_COLUMN} is ${part.type}, expected integer`);
    }
  }
  const ours = new Set([...schema.columns.map((c) => c.name), ...(runColumns ? [RUN_ID_COLUMN, PARTITION_COLUMN] : [])]);
  for (const t of target) {
    if (!ours.has(t.name) && t.notNull && !t.hasDefault) problems.push(`column ${t.name} is NOT NULL without a default, and the load does not fill it`);
  }
  return problems;
}

/** Whether both run columns default to the load's session settings (tables the sink created). */
export function runColumnsFromSettings(target: readonly TargetColumn[]): boolean {
  const byName = new Map(target.map((c) => [c.name, c]));
  return (byName.get(RUN_ID_COLUMN)?.defaultExpr ?? '').includes(RUN_ID_SETTING)
    && (byName.get(PARTITION_COLUMN)?.defaultExpr ?? '').includes(PARTITION_SETTING);
}
