/** The `postgres` sink (controls.md §8.5) and the helpers its tests and benchmark share. */
export {
  postgresSink, postgresSinkOptionsSchema, PostgresSink, shadowTableName, DEFAULT_SCHEMA, DEFAULT_POOL_SIZE,
  type PostgresSinkOptions, type PostgresMode,
} from './postgres-sink.js';
export { createTableSql, compatibilityProblems, typeAccepts, DDL_TYPE, RUN_ID_COLUMN, PARTITION_COLUMN, qualified, quoteIdent, type TargetColumn } from './sql.js';
export { FastCsvRecordCounter } from './record-counter.js';
export { redactPgText, pgLocation, outputUri } from './url.js';
