/**
 * CSV encoder (RFC 4180): header row from the schema, `\n` record ends
 * (controls.md §1.5), values per domain.md §0.1. A field is quoted only when
 * it contains the delimiter, `"`, CR or LF (quotes doubled); the empty string
 * is written `""` so it stays distinct from null (an empty field).
 *
 * @example
 * const enc = csvFormat.createEncoder(schema, { delimiter: ';' });
 * const bytes = Buffer.concat([...enc.begin(), ...enc.encode(batch), ...enc.end()]);
 */
import type { Batch, StringValues } from '../engine/batch.js';
import type { FormatEncoder, FormatOptions, FormatPlugin } from '../engine/plugins.js';
import type { ColumnType, TableSchema } from '../engine/schema.js';
import { CHUNK_BYTES, ChunkBuffer } from './chunk-buffer.js';
import { DATE_BYTES, MAX_NUMBER_BYTES, TIMESTAMP_BYTES, writeDate, writeDecimal6, writeInt, writeMoney, writeTimestamp } from './values.js';

// Kind codes; the hot-loop `switch` uses the literals (a module constant is a context load per comparison).
const K_STRING = 0;
const K_INT = 1;
const K_MONEY = 2;
const K_DECIMAL6 = 3;
const K_DATE = 4;
const K_TIMESTAMP = 5;
const K_BOOL = 6;

const KIND: Record<ColumnType, number> = {
  string: K_STRING, int: K_INT, money: K_MONEY, decimal6: K_DECIMAL6, date: K_DATE, timestamp: K_TIMESTAMP, bool: K_BOOL,
};
/** Most bytes one non-string value takes (strings are reserved for one by one). */
const MAX_BYTES: Record<ColumnType, number> = {
  string: 0, int: 11, money: MAX_NUMBER_BYTES, decimal6: MAX_NUMBER_BYTES, date: DATE_BYTES, timestamp: TIMESTAMP_BYTES, bool: 5,
};

const QUOTE = 34;
const LF = 10;
const CR = 13;

/**
 * Checks the `delimiter` option: one ASCII character (one byte, so the hot
 * loop writes it with one store) that cannot be confused with quoting or
 * record ends.
 */
export function csvDelimiter(delimiter: unknown): string {
  if (delimiter === undefined || delimiter === null) return ',';
  if (typeof delimiter !== 'string' || delimiter.length !== 1 || delimiter.charCodeAt(0) >= 0x80 || delimiter === '"' || delimiter === '\r' || delimiter === '\n') {
    throw new RangeError(`CSV delimiter must be one ASCII character other than '"', CR and LF, got ${JSON.stringify(delimiter)}`);
  }
  return delimiter;
}

/**
 * Writes one field. The caller reserves `3 * s.length + 2` bytes (a UTF-16
 * unit is at most 3 UTF-8 bytes; a doubled quote is 2; plus the quotes).
 */
function writeField(buf: Buffer, pos: number, s: string, delimCode: number): number {
  const n = s.length;
  if (n === 0) {
    buf[pos] = QUOTE;
    buf[pos + 1] = QUOTE;
    return pos + 2;
  }
  // Fast path: plain ASCII needing no quotes, byte by byte (cheaper than a native call for short fields).
  let i = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80 || c === delimCode || c === QUOTE || c === LF || c === CR) break;
    buf[pos + i] = c;
  }
  if (i === n) return pos + n;
  let quote = false;
  let hasQuote = false;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === QUOTE) {
      quote = true;
      hasQuote = true;
      break;
    }
    if (c === delimCode || c === LF || c === CR) quote = true;
  }
  if (!quote) return pos + buf.write(s, pos, 'utf8');
  buf[pos++] = QUOTE;
  pos += buf.write(hasQuote ? s.replaceAll('"', '""') : s, pos, 'utf8');
  buf[pos++] = QUOTE;
  return pos;
}

class CsvEncoder implements FormatEncoder {
  private readonly kinds: Uint8Array;
  private readonly rowFixed: number;
  private readonly delimCode: number;
  private readonly out = new ChunkBuffer();

  constructor(private readonly schema: TableSchema, delimiter: string, private readonly preamble: readonly string[]) {
    this.delimCode = delimiter.charCodeAt(0);
    this.kinds = Uint8Array.from(schema.columns.map((c) => KIND[c.type]));
    const cols = schema.columns.length;
    this.rowFixed = schema.columns.reduce((sum, c) => sum + MAX_BYTES[c.type], 0) + Math.max(0, cols - 1) + 1;
  }

  begin(): Buffer[] {
    const parts: Buffer[] = [];
    for (const line of this.preamble) parts.push(Buffer.from(line.endsWith('\n') ? line : `${line}\n`, 'utf8'));
    const names = this.schema.columns.map((c) => c.name);
    const header = Buffer.allocUnsafe(names.reduce((sum, s) => sum + 3 * s.length + 3, 1));
    let pos = 0;
    names.forEach((name, i) => {
      if (i > 0) header[pos++] = this.delimCode;
      pos = writeField(header, pos, name, this.delimCode);
    });
    header[pos++] = LF;
    parts.push(header.subarray(0, pos));
    return [Buffer.concat(parts)];
  }

  encode(batch: Batch): Buffer[] {
    const schema = this.schema;
    if (batch.schema !== schema && (batch.schema.name !== schema.name || batch.values.length !== schema.columns.length)) {
      throw new Error(`CSV encoder for table ${schema.name} got a batch of table ${batch.schema.name}`);
    }
    const kinds = this.kinds;
    const cols = kinds.length;
    const values = batch.values;
    const nulls = batch.nulls;
    const rows = batch.length;
    const rowFixed = this.rowFixed;
    const delimCode = this.delimCode;
    const out = this.out;
    let buf = out.buf;
    let cap = buf.length;
    let pos = 0;
    for (let r = 0; r < rows; r++) {
      if (pos + rowFixed > cap) {
        buf = out.grow(pos, rowFixed);
        cap = buf.length;
      }
      for (let c = 0; c < cols; c++) {
        if (c > 0) buf[pos++] = delimCode;
        const mask = nulls[c];
        if (mask !== null && mask[r] === 1) continue;
        switch (kinds[c]) {
          case 0: /* string */ {
            const s = (values[c] as StringValues)[r];
            if (s === null) break;
            const need = 3 * s.length + 2 + rowFixed;
            if (pos + need > cap) {
              buf = out.grow(pos, need);
              cap = buf.length;
            }
            pos = writeField(buf, pos, s, delimCode);
            break;
          }
          case 1: /* int */
            pos = writeInt(buf, pos, (values[c] as Int32Array)[r]);
            break;
          case 2: /* money */
            pos = writeMoney(buf, pos, (values[c] as Float64Array)[r]);
            break;
          case 3: /* decimal6 */
            pos = writeDecimal6(buf, pos, (values[c] as Float64Array)[r]);
            break;
          case 4: /* date */
            pos = writeDate(buf, pos, (values[c] as Int32Array)[r]);
            break;
          case 5: /* timestamp */
            pos = writeTimestamp(buf, pos, (values[c] as Float64Array)[r]);
            break;
          case 6: /* bool */
            if ((values[c] as Uint8Array)[r] !== 0) {
              buf[pos] = 116; buf[pos + 1] = 114; buf[pos + 2] = 117; buf[pos + 3] = 101; // true
              pos += 4;
            } else {
              buf[pos] = 102; buf[pos + 1] = 97; buf[pos + 2] = 108; buf[pos + 3] = 115; buf[pos + 4] = 101; // false
              pos += 5;
            }
            break;
        }
      }
      buf[pos++] = LF;
      if (pos >= CHUNK_BYTES) {
        out.emit(pos);
        pos = 0;
      }
    }
    out.emit(pos);
    return out.take();
  }

  end(): Buffer[] {
    return [];
  }
}

/** `compression` is not the encoder's business: the engine puts `createCompressor` (compression.ts) after it. */
export const csvFormat: FormatPlugin = {
  name: 'csv',
  extension: 'csv',
  mediaType: 'text/csv',
  createEncoder(schema: TableSchema, options: FormatOptions): FormatEncoder {
    return new CsvEncoder(schema, csvDelimiter(options.delimiter), options.preamble ?? []);
  },
};
