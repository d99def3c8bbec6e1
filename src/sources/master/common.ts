/**
 * Shared plumbing of the master-data sources (domain.md §1.1, §4): one partition p = 0, rows of every company
 * in config order, taken from `masterData(ctx)` (memoized, so the sources and the document flows share it).
 */
import type { GenerationContext, PartitionPlan } from '../../engine/plugins.js';
import type { JsonObject } from '../../config/types.js';
import { masterData } from '../../domain/master-data.js';
import type { CompanyMaster } from '../../domain/master-types.js';

/** Rows of all companies in config order. @example allRows(ctx, (m) => m.vendors) */
export function allRows<T>(ctx: GenerationContext, pick: (m: CompanyMaster) => readonly T[]): T[] {
  const md = masterData(ctx);
  const out: T[] = [];
  for (const c of ctx.reference.companies) out.push(...pick(md.of(c.code)));
  return out;
}

/** The single partition p = 0 with planned rows per table. */
export function masterPartition(plannedRows: Record<string, number>): readonly PartitionPlan[] {
  return Object.freeze([Object.freeze({ index: 0, key: 'all', plannedRows: Object.freeze({ ...plannedRows }) })]);
}

/** `master_data.<entity>.count`-style option schema. */
export function countOption(description: string): JsonObject {
  return { type: 'integer', minimum: 0, description };
}
