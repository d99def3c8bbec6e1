/**
 * Multipart sizing (controls.md §8.3): `part_size` 8 MiB (min 5 MiB), raised
 * to ⌈planned bytes / 9,000⌉ so a planned object stays under S3's 10,000
 * parts with a 10 % margin for a low estimate; memory per writer ≈
 * part_size × (queue_size + 1).
 */
import type { TableSchema, ColumnType } from '../../src/engine/schema.js';

export const MIB = 1024 * 1024;
export const DEFAULT_PART_SIZE_MIB = 8;
/** S3: every part but the last is at least 5 MiB, at most 5 GiB. */
export const MIN_PART_SIZE_MIB = 5;
export const MAX_PART_SIZE = 5 * 1024 * MIB;
/** S3's hard limit of parts per multipart upload. */
export const MAX_PARTS = 10_000;
/** Parts planned for at most, leaving room for an estimate that was too low. */
export const PLANNED_PARTS = 9_000;
export const DEFAULT_QUEUE_SIZE = 4;

/** Upper-end text widths per value (CSV); NDJSON adds the quoted key per column. */
const TEXT_WIDTH: Record<ColumnType, number> = {
  string: 32,
  int: 11,
  money: 16,
  decimal6: 16,
  date: 10,
  timestamp: 19,
  bool: 5,
};
const FREE_TEXT_WIDTH = 96;

/**
 * Generous bytes-per-row estimate for sizing parts: over-estimating costs a
 * little memory, under-estimating could hit the 10,000-part limit.
 */
export function estimateRowBytes(schema: TableSchema, format: string): number {
  let bytes = 1;
  for (const c of schema.columns) {
    const width = c.freeText ? FREE_TEXT_WIDTH : TEXT_WIDTH[c.type] ?? 32;
    // Quotes around strings in either format; NDJSON writes `"name":` per value.
    bytes += width + 3 + (format === 'ndjson' ? c.name.length + 3 : 0);
  }
  return bytes;
}

/** Planned object size in bytes, or undefined when the row count is unknown (partitioned layout). */
export function plannedBytes(schema: TableSchema, format: string, plannedRows: number | undefined): number | undefined {
  if (plannedRows === undefined || !Number.isFinite(plannedRows) || plannedRows <= 0) return undefined;
  return Math.ceil(plannedRows * estimateRowBytes(schema, format));
}

/**
 * Part size in bytes: the configured MiB (at least 5), raised to a whole
 * number of MiB ≥ planned / 9,000 for huge objects, capped at S3's 5 GiB.
 */
export function computePartSize(partSizeMiB: number | undefined, planned: number | undefined): number {
  const configured = Math.ceil(Math.max(MIN_PART_SIZE_MIB, partSizeMiB ?? DEFAULT_PART_SIZE_MIB) * MIB);
  if (planned === undefined) return Math.min(configured, MAX_PART_SIZE);
  const needed = Math.ceil(Math.ceil(planned / PLANNED_PARTS) / MIB) * MIB;
  return Math.min(Math.max(configured, needed), MAX_PART_SIZE);
}

/** The largest object a writer with this part size can upload (S3's parts limit). */
export function maxObjectBytes(partSize: number, maxParts = MAX_PARTS): number {
  return partSize * maxParts;
}

/** What one writer may hold in memory: queue_size parts in flight plus the one being filled. */
export function reservedBytes(partSize: number, queueSize: number): number {
  return partSize * (queueSize + 1);
}
