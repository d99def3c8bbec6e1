/**
 * Shared plumbing of the reference sources: one partition p = 0 (domain.md §1.1) and column-wise
 * batch filling of an in-memory row list.
 */
import { createBatch, type Batch } from '../../engine/batch.js';
import type { TableSchema } from '../../engine/schema.js';
import type { PartitionPlan } from '../../engine/plugins.js';
import type { JsonObject } from '../../config/types.js';

/** The single partition of a reference source. */
export function singlePartition(table: string, rows: number): readonly PartitionPlan[] {
  return Object.freeze([Object.freeze({ index: 0, key: 'all', plannedRows: Object.freeze({ [table]: rows }) })]);
}

/** Options schema with the given properties and nothing else. */
export function closedSchema(properties: JsonObject = {}): JsonObject {
  return { type: 'object', properties, additionalProperties: false };
}

/**
 * Yields batches of ≤ batchRows rows covering rows [0, total); `fill(batch, first)` writes rows
 * first … first + batch.length − 1 into the batch, column by column.
 */
export function* emitBatches(schema: TableSchema, partition: number, total: number, batchRows: number, fill: (batch: Batch, first: number) => void): Generator<Batch> {
  const size = Math.max(1, Math.floor(batchRows));
  for (let first = 0; first < total; first += size) {
    const batch = createBatch(schema, partition, first, Math.min(size, total - first));
    fill(batch, first);
    yield batch;
  }
}

/** Fills a string column from a row list. */
export function fillStrings<T>(col: Array<string | null>, rows: readonly T[], first: number, get: (row: T) => string | null): void {
  for (let i = 0; i < col.length; i++) col[i] = get(rows[first + i]);
}

/** Fills a numeric column (int, date, money, decimal6, bool) from a row list. */
export function fillNumbers<T>(col: Int32Array | Float64Array | Uint8Array, rows: readonly T[], first: number, get: (row: T) => number): void {
  for (let i = 0; i < col.length; i++) col[i] = get(rows[first + i]);
}

/** Fraction → integer millionths (decimal6), half away from zero. */
export function toMicros(x: number): number {
  return x < 0 ? -Math.round(-x * 1e6) : Math.round(x * 1e6);
}
