import { describe, expect, it } from 'vitest';
import { createBatch } from '../../src/engine/batch.js';
import { defineTable } from '../../src/engine/schema.js';
import { ndjsonFormat } from '../../src/formats/ndjson.js';
import type { SyncFormatEncoder, FormatOptions } from '../../src/engine/plugins.js';

type SyncCreate = (schema: TableSchemaLike, options: FormatOptions) => SyncFormatEncoder;
type TableSchemaLike = Parameters<typeof import('../../src/formats/csv.js').csvFormat.createEncoder>[0];

const schema = defineTable('je', 'test', [
  ['id', { type: 'string', description: 'id' }],
  ['text', { type: 'string', description: 'text', nullable: true, freeText: true }],
  ['n', { type: 'int', description: 'n', nullable: true }],
  ['amount', { type: 'money', description: 'cents', nullable: true }],
  ['rate', { type: 'decimal6', description: 'rate' }],
  ['day', { type: 'date', description: 'day', nullable: true }],
  ['at', { type: 'timestamp', description: 'ts' }],
  ['flag', { type: 'bool', description: 'flag', nullable: true }],
]);

const texts = ['plain', '', 'quote " and backslash \\', 'ctrl \u0000\u0001\u001f\b\f\n\r\t', 'ümlaut 東京 😀', 'line sep \u2028 \u2029', 'lone \uD800 and \uDC00', '</script>', 'del \u007f'];

function makeBatch() {
  const rows = texts.length + 1;
  const b = createBatch(schema, 0, 0, rows);
  const [id, text, n, amount, rate, day, at, flag] = b.values as [Array<string | null>, Array<string | null>, Int32Array, Float64Array, Float64Array, Int32Array, Float64Array, Uint8Array];
  for (let r = 0; r < rows; r++) {
    id[r] = `JE-${r}`;
    text[r] = r < texts.length ? texts[r] : null;
    n[r] = r * 1000 - 3000;
    amount[r] = [123450, -5, 0, 9007199254740991, -2147483649][r % 5];
    rate[r] = 1234567 + r;
    day[r] = 19723 + r;
    at[r] = (19723 + r) * 86400 + 3661;
    flag[r] = r % 2;
  }
  const last = rows - 1;
  b.nulls[2]![last] = 1;
  b.nulls[3]![last] = 1;
  b.nulls[5]![last] = 1;
  b.nulls[7]![last] = 1;
  return b;
}

describe('ndjson encoder', () => {
  const enc = (ndjsonFormat.createEncoder as SyncCreate)(schema, {});
  const text = Buffer.concat([...enc.begin(), ...enc.encode(makeBatch()), ...enc.end()]).toString('utf8');
  const lines = text.split('\n');

  it('writes one JSON object per line with keys in schema order', () => {
    expect(text.endsWith('\n')).toBe(true);
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(texts.length + 1);
    for (const line of lines) expect(Object.keys(JSON.parse(line))).toEqual(schema.columns.map((c) => c.name));
  });

  it('writes the values domain.md §0.1 specifies', () => {
    expect(JSON.parse(lines[0])).toEqual({ id: 'JE-0', text: 'plain', n: -3000, amount: 1234.5, rate: 1.234567, day: '2024-01-01', at: '2024-01-01T01:01:01', flag: false });
    expect(lines[0]).toBe('{"id":"JE-0","text":"plain","n":-3000,"amount":1234.50,"rate":1.234567,"day":"2024-01-01","at":"2024-01-01T01:01:01","flag":false}');
    expect(lines[1]).toContain('"amount":-0.05,');
    expect(lines[2]).toContain('"amount":0.00,');
    expect(lines[3]).toContain('"amount":90071992547409.91,');
    expect(lines[4]).toContain('"amount":-21474836.49,');
    expect(JSON.parse(lines[texts.length])).toEqual({ id: `JE-${texts.length}`, text: null, n: null, amount: null, rate: 1.234576, day: null, at: '2024-01-10T01:01:01', flag: null });
  });

  it('escapes strings exactly like JSON.stringify', () => {
    texts.forEach((t, r) => {
      expect(lines[r]).toContain(`"text":${JSON.stringify(t)},`);
      expect(JSON.parse(lines[r]).text).toBe(t);
    });
  });

  it('refuses an inline preamble (NDJSON marking is a sidecar)', () => {
    expect(() => (ndjsonFormat.createEncoder as SyncCreate)(schema, { preamble: ['# x\n'] })).toThrow(/sidecar/);
    expect(ndjsonFormat.extension).toBe('ndjson');
  });

  it('grows past its scratch buffer for a huge escaped field', () => {
    const b = makeBatch();
    const huge = '"\u0001'.repeat(200_000);
    (b.values[1] as Array<string | null>)[0] = huge;
    const out = Buffer.concat((ndjsonFormat.createEncoder as SyncCreate)(schema, {}).encode(b)).toString('utf8').split('\n');
    expect(JSON.parse(out[0]).text).toBe(huge);
    expect(out[1]).toBe(lines[1]);
  });
});
