/**
 * Batch → plain row objects for the embedding API (off the hot path).
 * Money and rates become JS numbers (exact to the cent for |x| < 2^53 cents),
 * dates `YYYY-MM-DD` strings, timestamps `YYYY-MM-DDTHH:MM:SS` strings.
 */
import type { Batch } from './batch.js';
import { isNull } from './batch.js';

export type RowValue = string | number | boolean | null;
export type Row = Record<string, RowValue>;

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}
export function dayToIso(day: number): string {
  const d = new Date(day * 86400000);
  return `${String(d.getUTCFullYear()).padStart(4, '0')}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}
export function secondsToIso(sec: number): string {
  const day = Math.floor(sec / 86400);
  const rem = sec - day * 86400;
  return `${dayToIso(day)}T${pad2(Math.floor(rem / 3600))}:${pad2(Math.floor((rem % 3600) / 60))}:${pad2(rem % 60)}`;
}

export function rowsOf(batch: Batch): Row[] {
  const cols = batch.schema.columns;
  const rows: Row[] = new Array(batch.length);
  for (let r = 0; r < batch.length; r++) {
    const row: Row = {};
    for (let c = 0; c < cols.length; c++) {
      const def = cols[c];
      if (isNull(batch, c, r)) { row[def.name] = null; continue; }
      const v = batch.values[c];
      switch (def.type) {
        case 'string': row[def.name] = (v as Array<string | null>)[r]; break;
        case 'int': row[def.name] = (v as Int32Array)[r]; break;
        case 'money': row[def.name] = (v as Float64Array)[r] / 100; break;
        case 'decimal6': row[def.name] = (v as Float64Array)[r] / 1e6; break;
        case 'date': row[def.name] = dayToIso((v as Int32Array)[r]); break;
        case 'timestamp': row[def.name] = secondsToIso((v as Float64Array)[r]); break;
        case 'bool': row[def.name] = (v as Uint8Array)[r] === 1; break;
      }
    }
    rows[r] = row;
  }
  return rows;
}
