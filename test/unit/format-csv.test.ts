import { describe, expect, it } from 'vitest';
import { stringify } from 'csv-stringify/sync';
import { parse } from 'csv-parse/sync';
import { createBatch, type Batch } from '../../src/engine/batch.js';
import { defineTable, type ColumnSpec, type ColumnType, type TableSchema } from '../../src/engine/schema.js';
import { csvFormat, csvDelimiter } from '../../src/formats/csv.js';
import { CHUNK_BYTES } from '../../src/formats/chunk-buffer.js';
import type { SyncFormatEncoder, FormatOptions } from '../../src/engine/plugins.js';

type SyncCreate = (schema: TableSchemaLike, options: FormatOptions) => SyncFormatEncoder;
type TableSchemaLike = Parameters<typeof import('../../src/formats/csv.js').csvFormat.createEncoder>[0];

/**
 * Test rows use JS values an independent formatter understands: strings/null,
 * numbers (int), bigint (money cents / decimal6 millionths), Date (date /
 * timestamp, UTC), boolean.
 */
type Cell = string | number | bigint | Date | boolean | null;
type Row = Record<string, Cell>;

const DAY_MS = 86_400_000;

function fixed(v: bigint, places: number): string {
  const scale = 10n ** BigInt(places);
  const neg = v < 0n;
  const a = neg ? -v : v;
  return `${neg ? '-' : ''}${a / scale}.${(a % scale).toString().padStart(places, '0')}`;
}

/**
 * The csv-stringify options that produce our bytes:
 * - `header: true, columns: <schema names>`: header row from the schema;
 * - `record_delimiter: 'unix'`: `\n`, also after the last record (`eof` default);
 * - `quoted_match: /^$/`: quote the empty string only (`quoted_empty: true`
 *   would quote nulls too, losing the null/empty distinction);
 * - default quoting otherwise: fields with the delimiter, `"`, `\r` or `\n`, quotes doubled;
 * - `cast`: money/decimal6 as bigint → fixed places, Date → ISO date or
 *   timestamp by column type, boolean → `true`/`false`; null → empty field.
 */
function oracle(schema: TableSchema, rows: Row[], delimiter = ','): Buffer {
  const typeOf = (col: string | number): ColumnType => schema.columns[schema.index.get(String(col)) ?? Number(col)].type;
  const text = stringify(rows, {
    header: true,
    columns: schema.columns.map((c) => c.name),
    delimiter,
    record_delimiter: 'unix',
    quoted_match: /^$/,
    cast: {
      bigint: (v, ctx) => fixed(v, typeOf(ctx.column ?? 0) === 'money' ? 2 : 6),
      boolean: (v) => (v ? 'true' : 'false'),
      date: (v, ctx) => v.toISOString().slice(0, typeOf(ctx.column ?? 0) === 'date' ? 10 : 19),
      number: (v) => String(v),
    },
  });
  return Buffer.from(text, 'utf8');
}

function toBatch(schema: TableSchema, rows: Row[]): Batch {
  const batch = createBatch(schema, 0, 0, rows.length);
  schema.columns.forEach((col, ci) => {
    const values = batch.values[ci];
    const mask = batch.nulls[ci];
    rows.forEach((row, r) => {
      const v = row[col.name];
      if (v === null) {
        if (mask) mask[r] = 1;
        else (values as Array<string | null>)[r] = null;
        return;
      }
      switch (col.type) {
        case 'string': (values as Array<string | null>)[r] = v as string; break;
        case 'int': (values as Int32Array)[r] = v as number; break;
        case 'money':
        case 'decimal6': (values as Float64Array)[r] = Number(v as bigint); break;
        case 'date': (values as Int32Array)[r] = (v as Date).getTime() / DAY_MS; break;
        case 'timestamp': (values as Float64Array)[r] = (v as Date).getTime() / 1000; break;
        case 'bool': (values as Uint8Array)[r] = (v as boolean) ? 1 : 0; break;
      }
    });
  });
  return batch;
}

function encodeAll(schema: TableSchema, batches: Batch[], options: Record<string, unknown> = {}): Buffer {
  const enc = (csvFormat.createEncoder as SyncCreate)(schema, options);
  return Buffer.concat([...enc.begin(), ...batches.flatMap((b) => enc.encode(b)), ...enc.end()]);
}

const cols: Array<[string, ColumnSpec]> = [
  ['document_id', { type: 'string', description: 'id' }],
  ['line_text', { type: 'string', description: 'free text', nullable: true, freeText: true }],
  ['line_number', { type: 'int', description: 'n', nullable: true }],
  ['amount', { type: 'money', description: 'cents', nullable: true }],
  ['exchange_rate', { type: 'decimal6', description: 'rate', nullable: true }],
  ['posting_date', { type: 'date', description: 'day', nullable: true }],
  ['created_at', { type: 'timestamp', description: 'sec', nullable: true }],
  ['is_reversal', { type: 'bool', description: 'flag', nullable: true }],
];
const schema = defineTable('journal_entry_lines', 'test', cols);

const utc = (y: number, m: number, d: number, hh = 0, mm = 0, ss = 0): Date => new Date(Date.UTC(y, m - 1, d, hh, mm, ss));

const tricky: Row[] = [
  { document_id: 'JE-1', line_text: 'plain', line_number: 1, amount: 123450n, exchange_rate: 1234567n, posting_date: utc(2024, 2, 29), created_at: utc(2024, 2, 29, 13, 5, 9), is_reversal: false },
  { document_id: 'JE-2', line_text: 'comma, inside', line_number: -7, amount: -5n, exchange_rate: 1n, posting_date: utc(1970, 1, 1), created_at: utc(1970, 1, 1), is_reversal: true },
  { document_id: 'JE-3', line_text: 'say "hi"', line_number: 0, amount: 0n, exchange_rate: -1500000n, posting_date: utc(1969, 12, 31), created_at: utc(1969, 12, 31, 23, 59, 59), is_reversal: null },
  { document_id: 'JE-4', line_text: 'line\nbreak', line_number: 2147483647, amount: -123456n, exchange_rate: 0n, posting_date: utc(1800, 1, 1), created_at: utc(2199, 12, 31, 23, 59, 59), is_reversal: true },
  { document_id: 'JE-5', line_text: 'carriage\rreturn and crlf\r\n', line_number: -2147483648, amount: 9007199254740991n, exchange_rate: 9007199254740991n, posting_date: utc(2199, 12, 31), created_at: utc(2000, 3, 1, 0, 0, 1), is_reversal: false },
  { document_id: 'JE-6', line_text: '', line_number: null, amount: null, exchange_rate: null, posting_date: null, created_at: null, is_reversal: null },
  { document_id: 'JE-7', line_text: null, line_number: 42, amount: 2147483648n, exchange_rate: 2147483648n, posting_date: utc(2025, 12, 31), created_at: utc(2025, 6, 15, 12, 0, 0), is_reversal: true },
  { document_id: 'Müller GmbH — 東京 😀', line_text: 'ümlaut, "quoted" and 😀\n', line_number: 3, amount: -9007199254740991n, exchange_rate: 999999n, posting_date: utc(2000, 2, 29), created_at: utc(1999, 12, 31, 23, 59, 59), is_reversal: false },
  { document_id: '"', line_text: '""', line_number: 5, amount: 99n, exchange_rate: 100n, posting_date: utc(1900, 3, 1), created_at: utc(1900, 3, 1, 1, 2, 3), is_reversal: true },
  { document_id: 'semi;colon\ttab', line_text: ' leading and trailing ', line_number: 6, amount: -100n, exchange_rate: -1n, posting_date: utc(2038, 1, 19), created_at: utc(2038, 1, 19, 3, 14, 8), is_reversal: false },
  { document_id: 'lone \uD800 surrogate', line_text: '#not a comment', line_number: 7, amount: 1n, exchange_rate: 10n, posting_date: utc(2024, 1, 1), created_at: utc(2024, 1, 1), is_reversal: true },
];

describe('csv encoder', () => {
  it('writes exactly the bytes csv-stringify writes for every column type and quoting case', () => {
    const bytes = encodeAll(schema, [toBatch(schema, tricky)]);
    expect(bytes.equals(oracle(schema, tricky))).toBe(true);
  });

  it('writes the values domain.md §0.1 specifies', () => {
    const text = encodeAll(schema, [toBatch(schema, tricky)]).toString('utf8');
    const lines = text.split('\n');
    expect(lines[0]).toBe('document_id,line_text,line_number,amount,exchange_rate,posting_date,created_at,is_reversal');
    expect(lines[1]).toBe('JE-1,plain,1,1234.50,1.234567,2024-02-29,2024-02-29T13:05:09,false');
    expect(lines[2]).toBe('JE-2,"comma, inside",-7,-0.05,0.000001,1970-01-01,1970-01-01T00:00:00,true');
    expect(lines[3]).toBe('JE-3,"say ""hi""",0,0.00,-1.500000,1969-12-31,1969-12-31T23:59:59,');
    // empty string is `""`, null is an empty field
    expect(text).toContain('\nJE-6,"",,,,,,\n');
    expect(text).toContain('\nJE-7,,42,21474836.48,2147.483648,2025-12-31,2025-06-15T12:00:00,true\n');
    expect(text.endsWith('\n')).toBe(true);
    expect(text).not.toContain('\r\n"JE');
  });

  it('round-trips through csv-parse with null and empty string kept apart', () => {
    const text = encodeAll(schema, [toBatch(schema, tricky)]).toString('utf8');
    const records = parse(text, { columns: true, relax_quotes: false, cast: (value, ctx) => (ctx.quoting ? value : value === '' ? null : value) }) as Array<Record<string, string | null>>;
    expect(records).toHaveLength(tricky.length);
    expect(records.map((r) => r.line_text)).toEqual(tricky.map((r) => (r.line_text === null ? null : String(r.line_text).replace('\uD800', '\uFFFD'))));
    expect(records.map((r) => r.document_id)).toEqual(tricky.map((r) => String(r.document_id).replace('\uD800', '\uFFFD')));
  });

  it('honours the delimiter option and quotes fields that contain it', () => {
    const bytes = encodeAll(schema, [toBatch(schema, tricky)], { delimiter: ';' });
    expect(bytes.equals(oracle(schema, tricky, ';'))).toBe(true);
    const tab = encodeAll(schema, [toBatch(schema, tricky)], { delimiter: '\t' });
    expect(tab.equals(oracle(schema, tricky, '\t'))).toBe(true);
    expect(tab.toString()).toContain('"semi;colon\ttab"');
  });

  it('rejects delimiters that would corrupt the quoting', () => {
    for (const bad of ['"', '\n', '\r', ';;', '', '§']) expect(() => csvDelimiter(bad)).toThrow(RangeError);
    expect(csvDelimiter(undefined)).toBe(',');
    expect(csvDelimiter('|')).toBe('|');
  });

  it('writes the preamble lines before the header, terminating unterminated ones', () => {
    const enc = (csvFormat.createEncoder as SyncCreate)(schema, { preamble: ['# SYNTHETIC DATA\n', '# datasynth.marking={"a":1,"b":2}'] });
    const head = Buffer.concat(enc.begin()).toString('utf8');
    expect(head).toBe('# SYNTHETIC DATA\n# datasynth.marking={"a":1,"b":2}\ndocument_id,line_text,line_number,amount,exchange_rate,posting_date,created_at,is_reversal\n');
  });

  it('writes the header once across batches and cuts chunks at row ends near 256 KiB', () => {
    const rows: Row[] = [];
    for (let i = 0; i < 12_000; i++) {
      rows.push({
        document_id: `JE-${i}`, line_text: i % 5 === 0 ? `text, with comma ${i}` : `text ${i}`, line_number: i, amount: BigInt(i * 37 - 200_000),
        exchange_rate: BigInt(1_000_000 + i), posting_date: utc(2024, 1, 1 + (i % 365)), created_at: utc(2024, 1, 1, i % 24, i % 60, i % 60), is_reversal: i % 2 === 0,
      });
    }
    const enc = (csvFormat.createEncoder as SyncCreate)(schema, {});
    const head = enc.begin();
    const first = enc.encode(toBatch(schema, rows.slice(0, 7000)));
    const second = enc.encode(toBatch(schema, rows.slice(7000)));
    expect(first.length).toBeGreaterThan(1);
    for (const chunk of [...first, ...second]) {
      expect(chunk[chunk.length - 1]).toBe(10);
      expect(chunk.length).toBeLessThan(CHUNK_BYTES + 1024);
    }
    expect(Buffer.concat([...head, ...first, ...second]).equals(oracle(schema, rows))).toBe(true);
  });

  it('grows past its scratch buffer for a huge field', () => {
    const big = 'x'.repeat(700_000) + ',' + 'ü'.repeat(300_000);
    const rows: Row[] = [{ ...tricky[0], line_text: big }, tricky[1]];
    expect(encodeAll(schema, [toBatch(schema, rows)]).equals(oracle(schema, rows))).toBe(true);
  });

  it('encodes an empty batch as no bytes', () => {
    const enc = (csvFormat.createEncoder as SyncCreate)(schema, {});
    expect(Buffer.concat(enc.encode(toBatch(schema, []))).length).toBe(0);
  });

  it('refuses fractional cents instead of rounding them', () => {
    const batch = toBatch(schema, [tricky[0]]);
    (batch.values[3] as Float64Array)[0] = 12.5;
    expect(() => (csvFormat.createEncoder as SyncCreate)(schema, {}).encode(batch)).toThrow(/money value 12.5/);
  });

  it('declares name, extension and media type', () => {
    expect([csvFormat.name, csvFormat.extension, csvFormat.mediaType]).toEqual(['csv', 'csv', 'text/csv']);
  });
});

describe('csv: repeated values are copied, never re-formatted wrongly', () => {
  // Header-like columns repeat from row to row (as on the lines of a journal entry), with nulls,
  // empty strings and fields needing quotes mixed in; rows cross the ~256 KiB chunk boundary.
  const schema = defineTable('repeats', 'rows with runs of repeated values', [
    ['a', { type: 'string', description: '', nullable: true }],
    ['b', { type: 'int', description: '', nullable: true }],
    ['c', { type: 'money', description: '' }],
    ['d', { type: 'string', description: '', nullable: true, freeText: true }],
    ['e', { type: 'date', description: '' }],
    ['f', { type: 'timestamp', description: '', nullable: true }],
    ['g', { type: 'bool', description: '' }],
    ['h', { type: 'decimal6', description: '' }],
    ['i', { type: 'string', description: '' }],
  ]);
  const strings = ['x', '', 'comma, here', 'quote "q"', 'line\nbreak', 'Grüße', null];
  let seed = 12345;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  function rowsOf(n: number): Row[] {
    const rows: Row[] = [];
    let prev: Row | null = null;
    for (let r = 0; r < n; r++) {
      // 80 % of the cells repeat the previous row, like header fields within an entry
      const pick = <T extends Cell>(name: string, fresh: () => T): Cell => (prev && rnd(10) < 8 ? prev[name] : fresh());
      const row: Row = {
        a: pick('a', () => strings[rnd(strings.length)]),
        b: pick('b', () => (rnd(5) === 0 ? null : rnd(3) - 1)),
        c: pick('c', () => BigInt(rnd(2000000) - 1000000)),
        d: pick('d', () => strings[rnd(strings.length)]),
        e: pick('e', () => new Date(Date.UTC(2025, 0, 1 + rnd(60)))),
        f: pick('f', () => (rnd(4) === 0 ? null : new Date(Date.UTC(2025, 0, 1, rnd(24), rnd(60), rnd(60))))),
        g: pick('g', () => rnd(2) === 0),
        h: pick('h', () => BigInt(rnd(3000000))),
        i: pick('i', () => 'v' + rnd(4)),
      };
      rows.push(row);
      prev = row;
    }
    return rows;
  }

  it('equals csv-stringify over many rows, several batches and chunk boundaries', () => {
    const rows = rowsOf(30_000);
    const batches = [toBatch(schema, rows.slice(0, 7)), toBatch(schema, rows.slice(7, 20_000)), toBatch(schema, rows.slice(20_000))];
    const ours = encodeAll(schema, batches);
    expect(ours.length).toBeGreaterThan(2 * CHUNK_BYTES);
    expect(ours.equals(oracle(schema, rows))).toBe(true);
  });

  it('a value that differs only after a repeated neighbour is written fresh', () => {
    const base: Row = { a: 'same', b: 1, c: 100n, d: null, e: new Date(Date.UTC(2025, 0, 1)), f: null, g: true, h: 1000000n, i: 'v1' };
    const rows: Row[] = [base, { ...base, c: 101n }, { ...base, d: '' }, { ...base, f: new Date(Date.UTC(2025, 0, 1, 12)) }, { ...base, g: false }, base];
    expect(encodeAll(schema, [toBatch(schema, rows)]).equals(oracle(schema, rows))).toBe(true);
  });
});

describe('csv: repeat tracking on wide tables (more than 32 columns)', () => {
  it('equals csv-stringify for 50 columns with runs crossing column 32', () => {
    const types: ColumnType[] = ['string', 'int', 'money', 'date', 'bool', 'timestamp', 'decimal6'];
    const spec: Array<[string, ColumnSpec]> = Array.from({ length: 50 }, (_, i) => [`c${i}`, { type: types[i % types.length], description: '', nullable: true }]);
    const wide = defineTable('wide', 'wide table', spec);
    let seed = 99;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const fresh = (t: ColumnType): Cell => {
      if (rnd(6) === 0) return null;
      switch (t) {
        case 'string': return ['a', 'b,c', '"q"', '', 'ü'][rnd(5)];
        case 'int': return rnd(7) - 3;
        case 'money': return BigInt(rnd(100000) - 50000);
        case 'decimal6': return BigInt(rnd(3000000));
        case 'date': return new Date(Date.UTC(2025, 0, 1 + rnd(30)));
        case 'timestamp': return new Date(Date.UTC(2025, 0, 1, rnd(24), rnd(60), rnd(60)));
        case 'bool': return rnd(2) === 0;
      }
    };
    const rows: Row[] = [];
    for (let r = 0; r < 6000; r++) {
      const prev = rows[r - 1];
      const row: Row = {};
      spec.forEach(([name, s]) => {
        // long runs of repeats (90 %) so runs span the 32-column boundary
        row[name] = prev && rnd(10) < 9 ? prev[name] : fresh(s.type);
      });
      rows.push(row);
    }
    const batches = [toBatch(wide, rows.slice(0, 1)), toBatch(wide, rows.slice(1, 4000)), toBatch(wide, rows.slice(4000))];
    expect(encodeAll(wide, batches).equals(oracle(wide, rows))).toBe(true);
  });
});
