import { describe, expect, it } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import * as pw from 'parquet-wasm';
import type { Batch } from '../../src/engine/batch.js';
import type { FormatOptions } from '../../src/engine/plugins.js';
import { builtinFormats } from '../../src/formats/index.js';
import { parquetFormat } from '../../src/formats/parquet.js';
import { allTypes, batchRows, EXPECTED_FIELDS, fieldList, makeBatch, tableRows } from './format-arrow-fixture.js';

async function encode(batches: Batch[], options: FormatOptions = {}): Promise<{ bytes: Buffer; calls: Buffer[][] }> {
  const enc = parquetFormat.createEncoder(allTypes, options);
  const calls: Buffer[][] = [await enc.begin()];
  for (const b of batches) calls.push(await enc.encode(b));
  calls.push(await enc.end());
  return { bytes: Buffer.concat(calls.flat()), calls };
}

/** Independent reader: parquet-wasm's readParquet → Arrow IPC → apache-arrow. */
function read(bytes: Buffer) {
  return tableFromIPC(pw.readParquet(bytes).intoIPCStream());
}

async function meta(bytes: Buffer) {
  const file = await pw.ParquetFile.fromFile(new Blob([bytes]));
  return file.metadata();
}

function chunks(total: number, size: number): Batch[] {
  const out: Batch[] = [];
  for (let first = 0; first < total; first += size) out.push(makeBatch(first, Math.min(size, total - first)));
  return out;
}

describe('parquet encoder', () => {
  it('is registered as format parquet', () => {
    const f = builtinFormats.find((x) => x.name === 'parquet');
    expect(f?.extension).toBe('parquet');
    expect(f?.mediaType).toBe('application/vnd.apache.parquet');
  });

  it('round-trips every column type, nulls, non-ASCII text and negative money', async () => {
    const batches = chunks(3000, 700);
    const { bytes } = await encode(batches);
    expect(bytes.subarray(0, 4).toString()).toBe('PAR1');
    expect(bytes.subarray(bytes.length - 4).toString()).toBe('PAR1');
    const table = read(bytes);
    expect(fieldList(table)).toEqual(EXPECTED_FIELDS);
    const rows = tableRows(table);
    expect(rows).toEqual(batchRows(batches));
    expect(rows[3].text).toBe('ümlaut 東京 😀');
    expect(rows[4].amount).toBe(-9007199254740991);
    expect(rows[6]).toMatchObject({ text: null, n: null, amount: null, day: null, at: null, flag: null });
  });

  it('stores money as DECIMAL(18,2), rates as DECIMAL(18,6), dates as DATE and local timestamps', async () => {
    const { bytes } = await encode([makeBatch(0, 10)]);
    const schema = tableFromIPC(pw.readSchema(bytes).intoIPCStream()).schema;
    const byName = Object.fromEntries(schema.fields.map((f) => [f.name, f.type as unknown as Record<string, unknown>]));
    expect(byName.amount).toMatchObject({ precision: 18, scale: 2, bitWidth: 128 });
    expect(byName.rate).toMatchObject({ precision: 18, scale: 6 });
    expect(String(byName.day)).toBe('Date32<DAY>');
    // domain.md §0.1: company-local wall time, no zone (Parquet isAdjustedToUTC=false).
    expect(byName.at.timezone ?? null).toBeNull();
  });

  it('cuts row groups of exactly rowGroupRows rows, across batch boundaries', async () => {
    const batches = chunks(2500, 333);
    const { bytes, calls } = await encode(batches, { rowGroupRows: 1000 });
    const m = await meta(bytes);
    expect(m.numRowGroups()).toBe(3);
    expect(m.rowGroups().map((g) => g.numRows())).toEqual([1000, 1000, 500]);
    expect(m.fileMetadata().numRows()).toBe(2500);
    expect(tableRows(read(bytes))).toEqual(batchRows(batches));
    // Bytes leave the encoder as each row group completes, not all at the end (memory: one row group):
    // calls = [begin, 8 encodes, end]; the 4th batch (rows 999..1331) completes the first group,
    // the 7th (1998..2330) the second, end() writes the last one and the footer.
    expect(calls.map((c) => c.length > 0)).toEqual([false, false, false, false, true, false, false, true, false, true]);
  });

  it('defaults to zstd and 65 536-row groups; snappy and none on request', async () => {
    const batches = chunks(70_000, 10_000);
    const zstd = await meta((await encode(batches)).bytes);
    expect(zstd.rowGroups().map((g) => g.numRows())).toEqual([65536, 70_000 - 65536]);
    expect(zstd.rowGroup(0).column(0).compression()).toBe(pw.Compression.ZSTD);
    const small = [makeBatch(0, 100)];
    const snappy = await meta((await encode(small, { compression: 'snappy' })).bytes);
    expect(snappy.rowGroup(0).column(0).compression()).toBe(pw.Compression.SNAPPY);
    const none = await meta((await encode(small, { compression: 'none' })).bytes);
    expect(none.rowGroup(0).column(0).compression()).toBe(pw.Compression.UNCOMPRESSED);
  });

  it('writes a valid file with the schema for an empty table', async () => {
    const { bytes } = await encode([]);
    const table = read(bytes);
    expect(table.numRows).toBe(0);
    expect(fieldList(table)).toEqual(EXPECTED_FIELDS);
    expect((await meta(bytes)).fileMetadata().numRows()).toBe(0);
  });

  it('is byte-deterministic: no time or run facts in the file', async () => {
    const a = await encode(chunks(5000, 900), { rowGroupRows: 2000 });
    await new Promise((r) => setTimeout(r, 1100));
    const b = await encode(chunks(5000, 900), { rowGroupRows: 2000 });
    expect(b.bytes.equals(a.bytes)).toBe(true);
    const fm = (await meta(a.bytes)).fileMetadata();
    expect(fm.createdBy()).toMatch(/^parquet-rs version [\d.]+$/);
  });

  it('writes footer key-value metadata from options.metadata (the marking seam)', async () => {
    const { bytes } = await encode([makeBatch(0, 5)], { metadata: { 'datasynth.test': 'yes', a: 'b' } });
    const kv = (await meta(bytes)).fileMetadata().keyValueMetadata();
    expect(kv.get('datasynth.test')).toBe('yes');
    expect(kv.get('a')).toBe('b');
    const plain = (await meta((await encode([makeBatch(0, 5)])).bytes)).fileMetadata().keyValueMetadata();
    expect([...plain.keys()]).toEqual(['ARROW:schema']);
  });

  it('rejects bad options and null in a non-nullable column', async () => {
    expect(() => parquetFormat.createEncoder(allTypes, { compression: 'gzip' })).toThrow(/zstd, snappy, none/);
    expect(() => parquetFormat.createEncoder(allTypes, { rowGroupRows: 0 })).toThrow(/positive integer/);
    expect(() => parquetFormat.createEncoder(allTypes, { preamble: ['# x\n'] })).toThrow(/preamble/);
    const b = makeBatch(0, 3);
    (b.values[0] as Array<string | null>)[1] = null;
    const enc = parquetFormat.createEncoder(allTypes, { rowGroupRows: 2 });
    await enc.begin();
    await expect(enc.encode(b)).rejects.toThrow(/id is not nullable/);
  });

  it('feeds the writer in small batches yet keeps row groups whole (rowGroupRows above the feed size)', async () => {
    const batches = chunks(40_000, 1024);
    const { bytes } = await encode(batches, { rowGroupRows: 30_000 });
    expect((await meta(bytes)).rowGroups().map((g) => g.numRows())).toEqual([30_000, 10_000]);
    expect(tableRows(read(bytes))).toEqual(batchRows(batches));
  });

  it('runs several files at once independently', async () => {
    const [x, y] = await Promise.all([encode(chunks(3000, 500), { rowGroupRows: 1000 }), encode(chunks(1200, 400), { rowGroupRows: 700, compression: 'snappy' })]);
    expect(tableRows(read(x.bytes))).toEqual(batchRows(chunks(3000, 500)));
    expect(tableRows(read(y.bytes))).toEqual(batchRows(chunks(1200, 400)));
    expect((await meta(y.bytes)).rowGroups().map((g) => g.numRows())).toEqual([700, 500]);
  });
});
