/**
 * Shared by the Parquet and Arrow IPC tests: a table with every column type,
 * deterministic batches of it, and an independent read-out of an apache-arrow
 * Table into plain JS values (raw buffers, not our own mapping code).
 */
import type { Table } from 'apache-arrow';
import { createBatch, type Batch } from '../../src/engine/batch.js';
import { defineTable } from '../../src/engine/schema.js';

export const allTypes = defineTable('all_types', 'every column type', [
  ['id', { type: 'string', description: 'id' }],
  ['text', { type: 'string', description: 'text', nullable: true, freeText: true }],
  ['n', { type: 'int', description: 'n', nullable: true }],
  ['amount', { type: 'money', description: 'cents', nullable: true }],
  ['rate', { type: 'decimal6', description: 'rate' }],
  ['day', { type: 'date', description: 'day', nullable: true }],
  ['at', { type: 'timestamp', description: 'ts', nullable: true }],
  ['flag', { type: 'bool', description: 'flag', nullable: true }],
  ['strict_flag', { type: 'bool', description: 'not nullable bool' }],
]);

const TEXTS = ['plain', '', 'quote " comma , newline \n tab \t', 'ümlaut 東京 😀', 'Ελληνικά', 'line sep \u2028', 'x'.repeat(300)];
const AMOUNTS = [123450, -5, 0, 9007199254740991, -9007199254740991, -2147483649, 4294967296, -100];

export type Row = Record<string, string | number | boolean | null>;

/** Rows [first, first + n) of a deterministic table; every 7th row has nulls in the nullable columns. */
export function makeBatch(first: number, n: number, partition = 0): Batch {
  const b = createBatch(allTypes, partition, first, n);
  const [id, text, num, amount, rate, day, at, flag, strict] = b.values as [Array<string | null>, Array<string | null>, Int32Array, Float64Array, Float64Array, Int32Array, Float64Array, Uint8Array, Uint8Array];
  for (let i = 0; i < n; i++) {
    const r = first + i;
    id[i] = `JE-${r}`;
    num[i] = r * 1000 - 3_000_000;
    amount[i] = AMOUNTS[r % AMOUNTS.length];
    rate[i] = 1234567 + r;
    day[i] = 19723 + (r % 400) - 200;
    at[i] = (19723 + (r % 400)) * 86400 + (r % 86400);
    flag[i] = r % 2;
    strict[i] = (r >> 1) % 2;
    if (r % 7 === 6) {
      text[i] = null;
      for (const c of [2, 3, 5, 6, 7]) b.nulls[c]![i] = 1;
    } else {
      text[i] = TEXTS[r % TEXTS.length];
    }
  }
  return b;
}

/** The rows of batches as plain values (money in cents, decimal6 in millionths, timestamps in seconds). */
export function batchRows(batches: readonly Batch[]): Row[] {
  const rows: Row[] = [];
  for (const b of batches) {
    for (let r = 0; r < b.length; r++) {
      const row: Row = {};
      b.schema.columns.forEach((c, i) => {
        const v = b.values[i];
        const mask = b.nulls[i];
        if (Array.isArray(v)) row[c.name] = v[r];
        else if (mask && mask[r] === 1) row[c.name] = null;
        else if (c.type === 'bool') row[c.name] = v[r] !== 0;
        else row[c.name] = v[r];
      });
      rows.push(row);
    }
  }
  return rows;
}

const TWO_32 = 4294967296;

/**
 * Reads a table back from its raw Arrow buffers: Decimal128 words → unscaled
 * integer, Timestamp(ms) → seconds, Date32 → days, Utf8 → string.
 */
export function tableRows(table: Table): Row[] {
  const rows: Row[] = Array.from({ length: table.numRows }, () => ({}));
  for (const field of table.schema.fields) {
    const vec = table.getChild(field.name)!;
    let o = 0;
    for (const d of vec.data) {
      for (let j = 0; j < d.length; j++, o++) {
        if (!d.getValid(j)) {
          rows[o][field.name] = null;
          continue;
        }
        const k = d.offset + j;
        const t = String(d.type);
        if (t.startsWith('Decimal')) {
          const w = d.values as Uint32Array;
          const hi = w[k * 4 + 1] | 0;
          const ext = w[k * 4 + 2];
          if (ext !== (hi < 0 ? 0xffffffff : 0) || w[k * 4 + 3] !== ext) throw new Error('decimal beyond 64 bits');
          rows[o][field.name] = hi * TWO_32 + w[k * 4];
        } else if (t.startsWith('Timestamp')) {
          const v = d.values as BigInt64Array | Int32Array;
          const ms = v instanceof BigInt64Array ? Number(v[k]) : (v[k * 2 + 1] * TWO_32 + (v[k * 2] >>> 0));
          rows[o][field.name] = ms / 1000;
        } else if (t === 'Bool') {
          rows[o][field.name] = vec.get(o) as boolean;
        } else if (t === 'Utf8') {
          rows[o][field.name] = vec.get(o) as string;
        } else {
          rows[o][field.name] = (d.values as Int32Array)[k];
        }
      }
    }
  }
  return rows;
}

/** `name:Type:nullable` per field, for schema assertions. */
export function fieldList(table: Table): string[] {
  return table.schema.fields.map((f) => `${f.name}:${String(f.type)}:${f.nullable}`);
}

export const EXPECTED_FIELDS = [
  'id:Utf8:false',
  'text:Utf8:true',
  'n:Int32:true',
  'amount:Decimal[18e+2]:true',
  'rate:Decimal[18e+6]:false',
  'day:Date32<DAY>:true',
  'at:Timestamp<MILLISECOND>:true',
  'flag:Bool:true',
  'strict_flag:Bool:false',
];
