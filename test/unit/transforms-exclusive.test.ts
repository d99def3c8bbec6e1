/**
 * anomalies and data_quality with an exclusive input (TransformInput.exclusive, the runner's
 * `gl → fraud → noise → sink` chain): they lay out and edit the input batches in place, with the
 * very same output and labels as the copy-on-write path.
 */
import { describe, expect, it } from 'vitest';
import type { Batch } from '../../src/engine/batch.js';
import type { JsonObject } from '../../src/config/types.js';
import type { TransformPlugin } from '../../src/engine/plugins.js';
import { anomaliesTransform } from '../../src/transforms/anomalies/index.js';
import { dataQualityTransform } from '../../src/transforms/data-quality/index.js';
import { journalEntryLines } from '../../src/tables/journal.js';
import { makeConfig, source } from './data-quality-fixture.js';

const CONFIG = makeConfig([
  { code: '1000', name: 'Acme US', currency: 'USD', country: 'US', volume: 12_000 },
  { code: '2000', name: 'Acme DE', currency: 'EUR', country: 'DE', volume: 6_000 },
], 2);

function clone(b: Batch): Batch {
  return { ...b, values: b.values.map((v) => v.slice()), nulls: b.nulls.map((m) => (m ? m.slice() : null)) };
}

function rows(batches: readonly Batch[]): string[] {
  const out: string[] = [];
  for (const b of batches) {
    for (let r = 0; r < b.length; r++) out.push(`${b.schema.name}|${b.firstRow + r}|${b.values.map((v, c) => (b.nulls[c]?.[r] ? '\\N' : String(v[r]))).join('|')}`);
  }
  return out;
}

/** Source → anomalies → data_quality, one instance per partition, on fresh copies of the source batches. */
function run(stages: ReadonlyArray<[TransformPlugin, string, JsonObject]>, exclusive: boolean): { out: Batch[]; input: Batch[] } {
  const src = source(CONFIG);
  const out: Batch[] = [];
  const input: Batch[] = [];
  src.partitions.forEach((p, pi) => {
    let batches = src.batches[pi].map(clone);
    input.push(...batches);
    for (const [plugin, id, options] of stages) {
      const inst = plugin.create(id, options, src.ctx, { sourceId: 'gl', partitionOffset: 0, exclusive });
      const next: Batch[] = [];
      for (const b of batches) for (const o of inst.transform(b)) next.push(o);
      for (const o of inst.endPartition?.(p.index) ?? []) next.push(o);
      batches = next;
    }
    out.push(...batches);
  });
  return { out, input };
}

const FRAUD: [TransformPlugin, string, JsonObject] = [anomaliesTransform, 'fraud', { rate: 0.2 }];
const NOISE: [TransformPlugin, string, JsonObject] = [dataQualityTransform, 'noise', { preset: 'noisy', duplicates: { rate: 0.05 } } as unknown as JsonObject];
const jel = (bs: readonly Batch[]): Batch[] => bs.filter((b) => b.schema.name === journalEntryLines.name);

describe('exclusive input: in place, same bytes', () => {
  it('anomalies (mutations, emitted copies, fictitious entries): same output as copy-on-write', () => {
    const a = run([FRAUD], false);
    const b = run([FRAUD], true);
    expect(rows(b.out)).toEqual(rows(a.out));
    expect(jel(a.out).reduce((s, x) => s + x.length, 0)).not.toBe(jel(a.input).reduce((s, x) => s + x.length, 0));
  });

  it('data_quality (edits and duplicates): same output as copy-on-write', () => {
    const a = run([NOISE], false);
    const b = run([NOISE], true);
    expect(rows(b.out)).toEqual(rows(a.out));
    expect(rows(a.out).some((r) => r.startsWith('dq_labels'))).toBe(true);
  });

  it('the issue chain anomalies → data_quality: same output as copy-on-write', () => {
    expect(rows(run([FRAUD, NOISE], true).out)).toEqual(rows(run([FRAUD, NOISE], false).out));
  });

  it('copy-on-write leaves its input alone; exclusive reuses the input string columns', () => {
    const shared = run([NOISE], false);
    const before = rows(jel(run([], false).input));
    expect(rows(jel(shared.input))).toEqual(before);
    const excl = run([NOISE], true);
    const ins = jel(excl.input);
    const outs = jel(excl.out);
    expect(outs.length).toBe(ins.length);
    outs.forEach((o, i) => o.values.forEach((v, c) => {
      if (Array.isArray(v)) expect(v).toBe(ins[i].values[c]);
    }));
  });
});
