/** verify's streaming record counters against csv-parse, with records split across chunks. */
import { describe, it, expect } from 'vitest';
import { parse } from 'csv-parse/sync';
import { CsvRecordCounter, LineCounter } from '../../src/provenance/verify.js';

function countChunked(text: string, chunk: number): number {
  const c = new CsvRecordCounter();
  const buf = Buffer.from(text, 'utf8');
  for (let i = 0; i < buf.length; i += chunk) c.push(buf.subarray(i, i + chunk));
  return c.finish();
}

describe('CsvRecordCounter', () => {
  const cases = [
    'a,b\n1,2\n3,4\n',
    'a,b\n1,"x\ny"\n3,"he said ""hi"", twice"\n',
    'a,b\n1,2\n3,4',
    'a,b\r\n1,"multi\r\nline"\r\n',
    'a\n""\n"x,y"\n',
    'h\n',
  ];
  for (const text of cases) {
    it(`counts like csv-parse: ${JSON.stringify(text).slice(0, 40)}`, () => {
      const expected = (parse(text, { relax_column_count: true }) as unknown[]).length;
      for (const chunk of [1, 2, 3, 7, 1024]) expect(countChunked(text, chunk)).toBe(expected);
    });
  }
});

describe('LineCounter', () => {
  it('counts non-empty lines, with or without a final newline', () => {
    const c = new LineCounter();
    c.push(Buffer.from('{"a":1}\n{"a":2}\n\n{"a"'));
    c.push(Buffer.from(':3}'));
    expect(c.finish()).toBe(3);
  });
});
