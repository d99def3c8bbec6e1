import { beforeAll, describe, expect, it } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import type { Batch } from '../../src/engine/batch.js';
import { arrowFormat } from '../../src/formats/arrow.js';
import { builtinFormats } from '../../src/formats/index.js';
import { allTypes, batchRows, EXPECTED_FIELDS, fieldList, makeBatch, tableRows } from './format-arrow-fixture.js';

async function encode(batches: Batch[]): Promise<Buffer> {
  const enc = arrowFormat.createEncoder(allTypes, {});
  const parts = [...(await enc.begin())];
  for (const b of batches) parts.push(...(await enc.encode(b)));
  parts.push(...(await enc.end()));
  return Buffer.concat(parts);
}

describe('arrow IPC stream encoder', () => {
  const batches = [makeBatch(0, 1000), makeBatch(1000, 1), makeBatch(1001, 2500)];
  let bytes: Buffer;
  beforeAll(async () => {
    bytes = await encode(batches);
  });

  it('is registered as format arrow with the IPC stream media type', () => {
    const f = builtinFormats.find((x) => x.name === 'arrow');
    expect(f?.extension).toBe('arrow');
    expect(f?.mediaType).toBe('application/vnd.apache.arrow.stream');
  });

  it('reads back with tableFromIPC: same rows, schema order, types and nullability', () => {
    const table = tableFromIPC(bytes);
    expect(fieldList(table)).toEqual(EXPECTED_FIELDS);
    expect(table.numRows).toBe(3501);
    expect(table.batches.map((b) => b.numRows)).toEqual([1000, 1, 2500]);
    expect(tableRows(table)).toEqual(batchRows(batches));
  });

  it('keeps non-ASCII text, negative money and nulls exactly', () => {
    const rows = tableRows(tableFromIPC(bytes));
    expect(rows[3].text).toBe('ümlaut 東京 😀');
    expect(rows[1].amount).toBe(-5);
    expect(rows[4].amount).toBe(-9007199254740991);
    expect(rows[6]).toMatchObject({ text: null, n: null, amount: null, day: null, at: null, flag: null });
    expect(rows[6].strict_flag).toBe(true);
  });

  it('writes the stream end marker and a schema even for an empty table', async () => {
    const empty = await encode([]);
    expect(empty.subarray(empty.length - 8)).toEqual(Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]));
    const table = tableFromIPC(empty);
    expect(table.numRows).toBe(0);
    expect(fieldList(table)).toEqual(EXPECTED_FIELDS);
  });

  it('is byte-deterministic', async () => {
    expect((await encode([makeBatch(0, 1000), makeBatch(1000, 1), makeBatch(1001, 2500)])).equals(bytes)).toBe(true);
  });

  it('refuses compression and a preamble', () => {
    expect(() => arrowFormat.createEncoder(allTypes, { compression: 'gzip' })).toThrow(/uncompressed/);
    expect(() => arrowFormat.createEncoder(allTypes, { preamble: ['# x\n'] })).toThrow(/preamble/);
  });

  it('refuses a null in a non-nullable column', async () => {
    const b = makeBatch(0, 3);
    (b.values[0] as Array<string | null>)[1] = null;
    const enc = arrowFormat.createEncoder(allTypes, {});
    await enc.begin();
    expect(() => enc.encode(b)).toThrow(/id is not nullable/);
  });
});
