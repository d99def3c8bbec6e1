/**
 * dq_labels batches are cut by count (src/transforms/data-quality/labels.ts DqLabelWriter.take): full
 * batches of batchRows while a partition runs, the rest at its end; rows keep their order, ids and
 * firstRow stay continuous, and nothing is lost or repeated across takes.
 */
import { describe, expect, it } from 'vitest';
import { DqCounts, DqLabelWriter } from '../../src/transforms/data-quality/labels.js';
import type { Batch } from '../../src/engine/batch.js';

const col = (b: Batch, name: string): unknown[] => Array.from(b.values[b.schema.index.get(name)!] as ArrayLike<unknown>).slice(0, b.length);

function addN(w: DqLabelWriter, from: number, n: number): void {
  for (let i = from; i < from + n; i++) w.add('typo', 'deletion', `doc-${Math.floor(i / 3)}`, i % 2 === 0 ? null : i, 'line_text', `orig ${i}`, `mod ${i}`, `description ${i}`);
}

describe('DqLabelWriter.take', () => {
  it('hands out only full batches until the final take, then the rest, in order and without gaps', () => {
    const w = new DqLabelWriter('noise', 3, 4, new DqCounts());
    const batches: Batch[] = [];
    addN(w, 0, 3);
    batches.push(...w.take());
    expect(batches).toHaveLength(0); // 3 < 4: kept
    expect(w.size).toBe(3);
    addN(w, 3, 6); // 9 buffered: two full batches, one row kept
    batches.push(...w.take());
    expect(batches.map((b) => b.length)).toEqual([4, 4]);
    expect(w.size).toBe(1);
    addN(w, 9, 2);
    batches.push(...w.take(true));
    expect(batches.map((b) => b.length)).toEqual([4, 4, 3]);
    expect(w.size).toBe(0);
    expect([...w.take(true)]).toHaveLength(0);

    expect(batches.map((b) => b.firstRow)).toEqual([0, 4, 8]);
    expect(batches.every((b) => b.partition === 3)).toBe(true);
    const ids = batches.flatMap((b) => col(b, 'issue_id'));
    expect(ids).toEqual(Array.from({ length: 11 }, (_, i) => `QI-noise-00003-${String(i + 1).padStart(7, '0')}`));
    expect(batches.flatMap((b) => col(b, 'original_value'))).toEqual(Array.from({ length: 11 }, (_, i) => `orig ${i}`));
    expect(batches.flatMap((b) => col(b, 'description'))).toEqual(Array.from({ length: 11 }, (_, i) => `description ${i}`));
    // line_number: null (mask) for the even rows, the number for the odd ones.
    const lines = batches.flatMap((b) => {
      const c = b.schema.index.get('line_number')!;
      return col(b, 'line_number').map((v, i) => (b.nulls[c]![i] === 1 ? null : v));
    });
    expect(lines).toEqual(Array.from({ length: 11 }, (_, i) => (i % 2 === 0 ? null : i)));
    expect(batches.flatMap((b) => col(b, 'severity'))).toEqual(Array(11).fill(2));
  });

  it('counts every label once, whatever the cut', () => {
    const counts = new DqCounts();
    const w = new DqLabelWriter('noise', 0, 5, counts);
    addN(w, 0, 12);
    const rows = [...w.take(), ...w.take(true)].reduce((a, b) => a + b.length, 0);
    expect(rows).toBe(12);
    expect(counts.issues).toBe(12);
    expect(counts.recordsWithIssues).toBe(4); // doc-0 … doc-3, three labels each, contiguous
  });
});
