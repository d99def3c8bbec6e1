/**
 * NDJSON encoder: one JSON object per line, keys in schema order
 * (controls.md §1.5), `\n` after every record. Money and decimal6 are bare
 * number literals with fixed places (`1234.50`, valid JSON that keeps the
 * exact decimal); dates and timestamps are strings; null is `null`. Strings are
 * escaped exactly as `JSON.stringify` does.
 *
 * @example
 * const enc = ndjsonFormat.createEncoder(schema, {});
 * const lines = Buffer.concat(enc.encode(batch)).toString().trimEnd().split('\n').map((l) => JSON.parse(l));
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
/** Most bytes one value takes, `null` (4) included; strings are reserved for one by one. */
const MAX_BYTES: Record<ColumnType, number> = {
  string: 4, int: 11, money: MAX_NUMBER_BYTES, decimal6: MAX_NUMBER_BYTES, date: DATE_BYTES + 2, timestamp: TIMESTAMP_BYTES + 2, bool: 5,
};

const QUOTE = 34;
const BACKSLASH = 92;

/**
 * Writes `s` as a JSON string. The caller reserves `6 * s.length + 2` bytes
 * (the longest escape, `\uXXXX`, is 6 bytes for one UTF-16 unit).
 */
function writeJsonString(buf: Buffer, pos: number, s: string): number {
  const n = s.length;
  buf[pos] = QUOTE;
  let i = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c >= 0x7f || c === QUOTE || c === BACKSLASH) break;
    buf[pos + 1 + i] = c;
  }
  if (i === n) {
    buf[pos + 1 + n] = QUOTE;
    return pos + n + 2;
  }
  // Anything needing an escape or UTF-8: JSON.stringify is the definition we promise to match.
  return pos + buf.write(JSON.stringify(s), pos, 'utf8');
}

function copyBytes(buf: Buffer, pos: number, bytes: Uint8Array): number {
  const n = bytes.length;
  for (let i = 0; i < n; i++) buf[pos + i] = bytes[i];
  return pos + n;
}

const NULL_BYTES = Buffer.from('null');
const TRUE_BYTES = Buffer.from('true');
const FALSE_BYTES = Buffer.from('false');

class NdjsonEncoder implements FormatEncoder {
  private readonly kinds: Uint8Array;
  /** `{"first":` then `,"next":` per column, precomputed. */
  private readonly keys: Buffer[];
  private readonly rowFixed: number;
  private readonly out = new ChunkBuffer();

  constructor(private readonly schema: TableSchema) {
    this.kinds = Uint8Array.from(schema.columns.map((c) => KIND[c.type]));
    this.keys = schema.columns.map((c, i) => Buffer.from(`${i === 0 ? '{' : ','}${JSON.stringify(c.name)}:`, 'utf8'));
    this.rowFixed = schema.columns.reduce((sum, c, i) => sum + MAX_BYTES[c.type] + this.keys[i].length, 0) + 3;
  }

  begin(): Buffer[] {
    return [];
  }

  encode(batch: Batch): Buffer[] {
    const schema = this.schema;
    if (batch.schema !== schema && (batch.schema.name !== schema.name || batch.values.length !== schema.columns.length)) {
      throw new Error(`NDJSON encoder for table ${schema.name} got a batch of table ${batch.schema.name}`);
    }
    const kinds = this.kinds;
    const keys = this.keys;
    const cols = kinds.length;
    const values = batch.values;
    const nulls = batch.nulls;
    const rows = batch.length;
    const rowFixed = this.rowFixed;
    const out = this.out;
    let buf = out.buf;
    let cap = buf.length;
    let pos = 0;
    for (let r = 0; r < rows; r++) {
      if (pos + rowFixed > cap) {
        buf = out.grow(pos, rowFixed);
        cap = buf.length;
      }
      if (cols === 0) buf[pos++] = 123; // '{'
      for (let c = 0; c < cols; c++) {
        pos = copyBytes(buf, pos, keys[c]);
        const mask = nulls[c];
        if (mask !== null && mask[r] === 1) {
          pos = copyBytes(buf, pos, NULL_BYTES);
          continue;
        }
        switch (kinds[c]) {
          case 0: /* string */ {
            const s = (values[c] as StringValues)[r];
            if (s === null) {
              pos = copyBytes(buf, pos, NULL_BYTES);
              break;
            }
            const need = 6 * s.length + 2 + rowFixed;
            if (pos + need > cap) {
              buf = out.grow(pos, need);
              cap = buf.length;
            }
            pos = writeJsonString(buf, pos, s);
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
            buf[pos] = QUOTE;
            pos = writeDate(buf, pos + 1, (values[c] as Int32Array)[r]);
            buf[pos++] = QUOTE;
            break;
          case 5: /* timestamp */
            buf[pos] = QUOTE;
            pos = writeTimestamp(buf, pos + 1, (values[c] as Float64Array)[r]);
            buf[pos++] = QUOTE;
            break;
          case 6: /* bool */
            pos = copyBytes(buf, pos, (values[c] as Uint8Array)[r] !== 0 ? TRUE_BYTES : FALSE_BYTES);
            break;
        }
      }
      buf[pos] = 125; // '}'
      buf[pos + 1] = 10;
      pos += 2;
      if (pos >= CHUNK_BYTES) {
        out.emit(pos);
        buf = out.buf;
        cap = buf.length;
        pos = 0;
      }
    }
    out.emit(pos);
    return out.take();
  }

  end(): Buffer[] {
    return [];
  }

  recycle(chunk: Buffer): void {
    this.out.recycle(chunk);
  }
}

/**
 * `delimiter` does not apply. A `preamble` is refused: controls.md §5.2 puts
 * NDJSON marking in a sidecar only (an inline record breaks loaders and row counts).
 */
export const ndjsonFormat: FormatPlugin = {
  name: 'ndjson',
  extension: 'ndjson',
  mediaType: 'application/x-ndjson',
  createEncoder(schema: TableSchema, options: FormatOptions): FormatEncoder {
    if (options.preamble && options.preamble.length > 0) {
      throw new Error('NDJSON has no preamble: marking for NDJSON goes to the sidecar (controls.md §5.2)');
    }
    return new NdjsonEncoder(schema);
  },
};
