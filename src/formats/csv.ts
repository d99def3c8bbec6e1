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
import { createBatch, type Batch, type StringValues } from '../engine/batch.js';
import type { FormatEncoder, FormatOptions, FormatPlugin } from '../engine/plugins.js';
import type { ColumnType, TableSchema } from '../engine/schema.js';
import { CHUNK_BYTES, ChunkBuffer } from './chunk-buffer.js';
import { specialize } from './specialize.js';
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

/** An encoder's state as `encodeRows` reads and updates it (see CsvEncoder). */
interface CsvState {
  readonly schema: TableSchema;
  readonly kinds: Uint8Array;
  readonly rowFixed: number;
  readonly delimCode: number;
  readonly out: ChunkBuffer;
  /** Index of each column within the list of its storage type (see encodeRows). */
  readonly slots: Int32Array;
  /** Per-row bitmasks of columns that differ from the row above (columns 0–31, 32–63). */
  maskLo: Int32Array;
  maskHi: Int32Array;
  /** Field byte ranges of the row above (A) and of the row being written (B). */
  startA: Int32Array;
  endA: Int32Array;
  startB: Int32Array;
  endB: Int32Array;
}

/**
 * Encodes the rows of one batch into `st.out` and returns the chunks (the hot loop of
 * CsvEncoder.encode). It and `writeField` are compiled once more per table (`rowEncoderFor`):
 * each table's copy keeps its own type feedback (string representations, column kinds), so
 * one table's values never make another's optimised loop polymorphic.
 */
function encodeRows(st: CsvState, batch: Batch): Buffer[] {
  const schema = st.schema;
  if (batch.schema !== schema && (batch.schema.name !== schema.name || batch.values.length !== schema.columns.length)) {
    throw new Error(`CSV encoder for table ${schema.name} got a batch of table ${batch.schema.name}`);
  }
  const kinds = st.kinds;
  const slots = st.slots;
  const cols = kinds.length;
  const rows = batch.length;
  const nulls = batch.nulls;
  // One list per storage type, so every element load below sees one array type (monomorphic).
  const strV: StringValues[] = [];
  const i32V: Int32Array[] = [];
  const f64V: Float64Array[] = [];
  const u8V: Uint8Array[] = [];
  for (let c = 0; c < cols; c++) {
    const k = kinds[c];
    const v = batch.values[c];
    if (k === 0) strV.push(v as StringValues);
    else if (k === 1 || k === 4) i32V.push(v as Int32Array);
    else if (k === 6) u8V.push(v as Uint8Array);
    else f64V.push(v as Float64Array);
  }

  // Phase 1, column by column: which cells differ from the row above (bit c of row r).
  // Journal lines repeat their ~36 header fields on every line of an entry, so most cells
  // do not, and phase 2 copies those bytes from the row above instead of formatting them.
  const track = cols <= 64;
  const lo = st.maskLo.length >= rows ? st.maskLo : (st.maskLo = new Int32Array(rows));
  const hi = st.maskHi.length >= rows ? st.maskHi : (st.maskHi = new Int32Array(rows));
  if (track) {
    lo.fill(0, 0, rows);
    hi.fill(0, 0, rows);
    for (let c = 0; c < cols; c++) {
      const word = c < 32 ? lo : hi;
      const bit = 1 << (c & 31);
      const k = kinds[c];
      const mask = nulls[c];
      if (k === 0) {
        const a = strV[slots[c]];
        for (let r = 1; r < rows; r++) if (a[r] !== a[r - 1]) word[r] |= bit;
      } else {
        const a = k === 1 || k === 4 ? i32V[slots[c]] : k === 6 ? u8V[slots[c]] : f64V[slots[c]];
        if (mask === null) {
          for (let r = 1; r < rows; r++) if (a[r] !== a[r - 1]) word[r] |= bit;
        } else {
          for (let r = 1; r < rows; r++) {
            const n1 = mask[r];
            if (n1 !== mask[r - 1] || (n1 === 0 && a[r] !== a[r - 1])) word[r] |= bit;
          }
        }
      }
    }
  }

  // Phase 2, row by row: fresh fields are formatted; each run of repeated fields (with the
  // delimiters between them) is one copy from the row above. Field positions of the row
  // above live in prevS/prevE; they stay valid across grow() (it keeps [0, pos)) and are
  // dropped when a chunk is emitted.
  let prevS = st.startA;
  let prevE = st.endA;
  let curS = st.startB;
  let curE = st.endB;
  const rowFixed = st.rowFixed;
  const delimCode = st.delimCode;
  const out = st.out;
  let buf = out.buf;
  let cap = buf.length;
  let pos = 0;
  let above = false;
  for (let r = 0; r < rows; r++) {
    if (pos + rowFixed > cap) {
      buf = out.grow(pos, rowFixed);
      cap = buf.length;
    }
    const fl = above ? lo[r] : -1;
    const fh = above ? hi[r] : -1;
    let c = 0;
    while (c < cols) {
      if (c > 0) buf[pos++] = delimCode;
      const fresh = c < 32 ? (fl >>> c) & 1 : (fh >>> (c - 32)) & 1;
      if (fresh === 0) {
        // Run of repeated columns c .. f-1, f = the next fresh column.
        let f = cols;
        if (c + 1 < 32) {
          const m = fl & (-1 << (c + 1));
          if (m !== 0) f = 31 - Math.clz32(m & -m);
          else if (cols > 32) {
            const mh = fh;
            if (mh !== 0) f = 63 - Math.clz32(mh & -mh);
          }
        } else if (c + 1 < 64) {
          const mh = fh & (-1 << (c + 1 - 32));
          if (mh !== 0) f = 63 - Math.clz32(mh & -mh);
        }
        if (f > cols) f = cols;
        const src = prevS[c];
        const len = prevE[f - 1] - src;
        if (pos + len + rowFixed > cap) {
          buf = out.grow(pos, len + rowFixed);
          cap = buf.length;
        }
        if (len <= 32) for (let k = 0; k < len; k++) buf[pos + k] = buf[src + k];
        else buf.copyWithin(pos, src, src + len);
        const delta = pos - src;
        for (let k = c; k < f; k++) {
          curS[k] = prevS[k] + delta;
          curE[k] = prevE[k] + delta;
        }
        pos += len;
        c = f;
        continue;
      }
      curS[c] = pos;
      const kind = kinds[c];
      const mask = nulls[c];
      if (mask === null || mask[r] === 0) {
        switch (kind) {
          case 0: /* string */ {
            const s = strV[slots[c]][r];
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
            pos = writeInt(buf, pos, i32V[slots[c]][r]);
            break;
          case 2: /* money */
            pos = writeMoney(buf, pos, f64V[slots[c]][r]);
            break;
          case 3: /* decimal6 */
            pos = writeDecimal6(buf, pos, f64V[slots[c]][r]);
            break;
          case 4: /* date */
            pos = writeDate(buf, pos, i32V[slots[c]][r]);
            break;
          case 5: /* timestamp */
            pos = writeTimestamp(buf, pos, f64V[slots[c]][r]);
            break;
          case 6: /* bool */
            if (u8V[slots[c]][r] !== 0) {
              buf[pos] = 116; buf[pos + 1] = 114; buf[pos + 2] = 117; buf[pos + 3] = 101; // true
              pos += 4;
            } else {
              buf[pos] = 102; buf[pos + 1] = 97; buf[pos + 2] = 108; buf[pos + 3] = 115; buf[pos + 4] = 101; // false
              pos += 5;
            }
            break;
        }
      }
      curE[c] = pos;
      c++;
    }
    buf[pos++] = LF;
    const ts = prevS;
    prevS = curS;
    curS = ts;
    const te = prevE;
    prevE = curE;
    curE = te;
    above = track;
    if (pos >= CHUNK_BYTES) {
      out.emit(pos);
      buf = out.buf;
      cap = buf.length;
      pos = 0;
      above = false;
    }
  }
  st.startA = prevS;
  st.endA = prevE;
  st.startB = curS;
  st.endB = curE;
  out.emit(pos);
  return out.take();
}

/** The signature of encodeRows and of its per-table copies. */
type RowEncoder = (st: CsvState, batch: Batch) => Buffer[];

const rowEncoders = new Map<string, RowEncoder>();

/**
 * `encodeRows` compiled anew for one table (`specialize`), cached by table name, once it wrote
 * the same bytes as `encodeRows` for a probe batch of the schema (nulls, zeros, a value that
 * needs quoting and UTF-8, a repeated row); the shared `encodeRows` where the copy cannot be made
 * or differs.
 */
function rowEncoderFor(schema: TableSchema): RowEncoder {
  let f = rowEncoders.get(schema.name);
  if (!f) {
    const make = (tag: string): RowEncoder | null => specialize<RowEncoder>(`csv rows of ${schema.name} (${tag})`, [writeField, encodeRows], 'encodeRows', {
      writeInt, writeMoney, writeDecimal6, writeDate, writeTimestamp, CHUNK_BYTES, QUOTE, LF, CR,
    });
    // The probe runs on a throwaway copy: its odd values must not become the real copy's type feedback.
    const probe = make('probe');
    f = (probe !== null && sameBytes(schema, probe) ? make('rows') : null) ?? encodeRows;
    rowEncoders.set(schema.name, f);
  }
  return f;
}

/** True when `copy` encodes a probe batch of `schema` exactly as `encodeRows` does. */
function sameBytes(schema: TableSchema, copy: RowEncoder): boolean {
  const probe = createBatch(schema, 0, 0, 3);
  schema.columns.forEach((c, i) => {
    const v = probe.values[i];
    for (let r = 1; r < 3; r++) {
      if (Array.isArray(v)) v[r] = 'a,"b"\n\u00e7\u20ac';
      else v[r] = c.type === 'money' || c.type === 'decimal6' || c.type === 'timestamp' ? -1234567 : c.type === 'bool' ? 1 : 7;
    }
    const m = probe.nulls[i];
    if (m) m[0] = 1;
  });
  try {
    const a = Buffer.concat(new CsvEncoder(schema, ',', [], encodeRows).encode(probe));
    const b = Buffer.concat(new CsvEncoder(schema, ',', [], copy).encode(probe));
    return a.equals(b);
  } catch {
    return false;
  }
}

class CsvEncoder implements FormatEncoder, CsvState {
  readonly kinds: Uint8Array;
  readonly rowFixed: number;
  readonly delimCode: number;
  readonly out = new ChunkBuffer();
  readonly slots: Int32Array;
  maskLo = new Int32Array(0);
  maskHi = new Int32Array(0);
  startA: Int32Array;
  endA: Int32Array;
  startB: Int32Array;
  endB: Int32Array;
  private readonly rows: RowEncoder;

  constructor(readonly schema: TableSchema, delimiter: string, private readonly preamble: readonly string[], rows?: RowEncoder) {
    this.rows = rows ?? rowEncoderFor(schema);
    this.delimCode = delimiter.charCodeAt(0);
    this.kinds = Uint8Array.from(schema.columns.map((c) => KIND[c.type]));
    const cols = schema.columns.length;
    this.rowFixed = schema.columns.reduce((sum, c) => sum + MAX_BYTES[c.type], 0) + Math.max(0, cols - 1) + 1;
    const seen = [0, 0, 0, 0];
    const group = (k: number): number => (k === 0 ? 0 : k === 1 || k === 4 ? 1 : k === 6 ? 3 : 2);
    this.slots = Int32Array.from(this.kinds, (k) => seen[group(k)]++);
    this.startA = new Int32Array(cols);
    this.endA = new Int32Array(cols);
    this.startB = new Int32Array(cols);
    this.endB = new Int32Array(cols);
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
    return this.rows(this, batch);
  }

  end(): Buffer[] {
    return [];
  }

  recycle(chunk: Buffer): void {
    this.out.recycle(chunk);
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
