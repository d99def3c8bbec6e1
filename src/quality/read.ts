/**
 * Typed reads of one cell for the gate accumulators. Internal batches store money as integer
 * cents, dates as day numbers; a data-quality stage may have re-typed a column to strings
 * (e.g. `1,234.50`, `01/02/2025`), so string cells are parsed where the metric needs a number
 * and count as unreadable (null) when they do not parse (controls.md §6.3: "amounts as integer
 * cents parsed from decimal strings").
 */
import type { Batch } from '../engine/batch.js';
import { isNull } from '../engine/batch.js';

/** Column index by name, or -1 when the table lacks it. */
export function col(batch: Batch, name: string): number {
  return batch.schema.index.get(name) ?? -1;
}

/** The cell as a string (numbers formatted plainly), or null. */
export function readString(batch: Batch, c: number, row: number): string | null {
  if (c < 0 || isNull(batch, c, row)) return null;
  const v = batch.values[c];
  if (Array.isArray(v)) return v[row];
  return String(v[row]);
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/** Decimal text → integer cents (rounded half away from zero at the third decimal); null if it does not parse. */
export function parseCents(text: string): number | null {
  const m = DECIMAL.exec(text.trim().replace(/[,\s]/g, ''));
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return null;
  const whole = m[2] === '' ? 0 : Number(m[2]);
  const frac = (m[3] ?? '').padEnd(3, '0');
  let cents = whole * 100 + Number(frac.slice(0, 2));
  if (Number(frac[2]) >= 5) cents += 1;
  if (!Number.isSafeInteger(cents)) return null;
  return m[1] === '-' ? -cents : cents;
}

/** A money cell in integer cents (Float64 column or decimal string), or null. */
export function readCents(batch: Batch, c: number, row: number): number | null {
  if (c < 0 || isNull(batch, c, row)) return null;
  const v = batch.values[c];
  if (Array.isArray(v)) {
    const s = v[row];
    return s === null ? null : parseCents(s);
  }
  return v[row];
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})/;

/** A date cell as days since 1970-01-01 (Int32 column or `YYYY-MM-DD…` string), or null. */
export function readDay(batch: Batch, c: number, row: number): number | null {
  if (c < 0 || isNull(batch, c, row)) return null;
  const v = batch.values[c];
  if (!Array.isArray(v)) return v[row];
  const s = v[row];
  const m = s === null ? null : ISO_DATE.exec(s);
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isNaN(ms) ? null : Math.floor(ms / 86_400_000);
}

/** A bool cell (Uint8 column or `true`/`false` string). */
export function readBool(batch: Batch, c: number, row: number): boolean | null {
  if (c < 0 || isNull(batch, c, row)) return null;
  const v = batch.values[c];
  if (!Array.isArray(v)) return v[row] === 1;
  const s = v[row]?.trim().toLowerCase();
  return s === 'true' || s === 't' || s === '1' ? true : s === 'false' || s === 'f' || s === '0' ? false : null;
}

/** Where a journal-entry line's standalone flag comes from: the column indexes `isStandalone` reads. */
export interface StandaloneColumns { sourceDocType: number; elimination: number; documentType: number }

/** The columns of `journal_entry_lines` that tell standalone entries from the rest. */
export function standaloneColumns(batch: Batch): StandaloneColumns {
  return { sourceDocType: col(batch, 'source_document_type'), elimination: col(batch, 'is_elimination'), documentType: col(batch, 'document_type') };
}

/**
 * A line of a standalone journal entry (domain.md §5.1 col 21, I10, §5.5): `source_document_type`
 * null (document-derived and IC entries name their source) and not an elimination.
 */
export function isStandalone(batch: Batch, c: StandaloneColumns, row: number): boolean {
  if (readString(batch, c.sourceDocType, row) !== null) return false;
  if (readBool(batch, c.elimination, row) === true) return false;
  const t = c.documentType >= 0 ? readString(batch, c.documentType, row) : null;
  return t !== 'IC' && t !== 'ELIMINATION';
}
