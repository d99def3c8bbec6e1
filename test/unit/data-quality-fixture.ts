/**
 * Shared fixture of the data-quality tests: generates journal_entries partitions in-process (as
 * journal-fixture.ts does), runs them through the data_quality transform one instance per
 * partition (as the runner does) and gives column access to input, output and labels.
 */
import type { PipelineConfig, JsonObject } from '../../src/config/types.js';
import type { Batch } from '../../src/engine/batch.js';
import type { GenerationContext, PartitionPlan } from '../../src/engine/plugins.js';
import type { TableSchema } from '../../src/engine/schema.js';
import { journalEntriesSource } from '../../src/sources/journal-entries/index.js';
import { dataQualityTransform, type DataQualityPartition } from '../../src/transforms/data-quality/index.js';
import { DqCounts } from '../../src/transforms/data-quality/labels.js';
import { dqLabels } from '../../src/tables/dq.js';
import { journalEntryLines } from '../../src/tables/journal.js';
import { formatDate } from '../../src/domain/dates.js';
import { formatCents } from '../../src/sources/journal-entries/generator.js';
import { contextFor, makeConfig } from './journal-fixture.js';

export { makeConfig, tol4 } from './journal-fixture.js';

export interface Cols {
  readonly n: number;
  readonly schema: TableSchema;
  col<T = unknown>(name: string): T[];
  /** Value as text the way dq_labels spell it (null stays null). */
  isNull(name: string, row: number): boolean;
}

/** Row-wise concatenation of batches of one table (any column type → plain array). */
export function collect(schema: TableSchema, batches: readonly Batch[]): Cols {
  const n = batches.reduce((s, b) => s + b.length, 0);
  const cols = schema.columns.map(() => new Array<unknown>(n));
  const nul = schema.columns.map(() => new Uint8Array(n));
  let k = 0;
  for (const b of batches) {
    for (let ci = 0; ci < schema.columns.length; ci++) {
      const v = b.values[ci] as ArrayLike<unknown>;
      const m = b.nulls[ci];
      for (let i = 0; i < b.length; i++) {
        cols[ci][k + i] = v[i];
        if ((m && m[i] === 1) || v[i] === null) nul[ci][k + i] = 1;
      }
    }
    k += b.length;
  }
  return {
    n,
    schema,
    col<T>(name: string): T[] {
      const i = schema.index.get(name);
      if (i === undefined) throw new Error(`no column ${name}`);
      return cols[i] as T[];
    },
    isNull(name: string, row: number): boolean {
      return nul[schema.index.get(name)!][row] === 1;
    },
  };
}

export interface SourceRun {
  readonly config: PipelineConfig;
  readonly ctx: GenerationContext;
  readonly partitions: readonly PartitionPlan[];
  /** Source batches per partition, in emission order (all tables). */
  readonly batches: ReadonlyArray<readonly Batch[]>;
}

const sourceCache = new Map<string, SourceRun>();

/** Generates (once per key) the journal_entries partitions of `config`. */
export function source(config: PipelineConfig, seed = 42n, batchRows = 4096, sourceOptions: JsonObject = {}): SourceRun {
  const key = JSON.stringify([config, String(seed), batchRows, sourceOptions]);
  const hit = sourceCache.get(key);
  if (hit) return hit;
  const ctx = contextFor(config, seed, batchRows);
  const partitions = journalEntriesSource.partitions('gl', sourceOptions, ctx);
  const batches = partitions.map((p) => [...journalEntriesSource.generate('gl', sourceOptions, p, ctx)]);
  const run = { config, ctx, partitions, batches };
  sourceCache.set(key, run);
  return run;
}

export interface DqRun {
  readonly src: SourceRun;
  /** Input journal_entry_lines. */
  readonly input: Cols;
  /** Output journal_entry_lines (schema possibly re-typed). */
  readonly output: Cols;
  readonly labels: Cols;
  /** Output batches of every table in emission order. */
  readonly out: readonly Batch[];
  readonly counts: DqCounts;
}

/** Runs the transform over every partition of `src` (one instance per partition, endPartition called). */
export function runDq(src: SourceRun, options: JsonObject, componentId = 'noise'): DqRun {
  const out: Batch[] = [];
  const counts = new DqCounts();
  for (let pi = 0; pi < src.partitions.length; pi++) {
    const inst = dataQualityTransform.create(componentId, options, src.ctx) as DataQualityPartition;
    for (const b of src.batches[pi]) for (const o of inst.transform(b)) out.push(o);
    for (const o of inst.endPartition?.(src.partitions[pi].index) ?? []) out.push(o);
    counts.merge(inst.counts);
  }
  const inLines = src.batches.flat().filter((b) => b.schema.name === journalEntryLines.name);
  const outLines = out.filter((b) => b.schema.name === journalEntryLines.name);
  const outSchema = outLines[0]?.schema ?? journalEntryLines;
  return {
    src,
    input: collect(journalEntryLines, inLines),
    output: collect(outSchema, outLines),
    labels: collect(dqLabels, out.filter((b) => b.schema.name === dqLabels.name)),
    out,
    counts,
  };
}

/** Two companies (one foreign-currency), 3 months: ≈ 7 500 entries. */
export const SMALL = makeConfig([
  { code: '1000', name: 'Acme US', currency: 'USD', country: 'US', volume: 20_000 },
  { code: '2000', name: 'Acme DE', currency: 'EUR', country: 'DE', volume: 10_000 },
], 3);

/** ≈ 24 000 entries for the rate checks (domain.md §11: N ≥ 20 000). */
export const LARGE = makeConfig([
  { code: '1000', name: 'Acme US', currency: 'USD', country: 'US', volume: 60_000 },
  { code: '2000', name: 'Acme DE', currency: 'EUR', country: 'DE', volume: 36_000 },
], 3);

/** Row index of (document_id, line_number) in a table. */
export function rowIndex(t: Cols): Map<string, number> {
  const ids = t.col<string>('document_id');
  const ln = t.col<number>('line_number');
  const m = new Map<string, number>();
  for (let i = 0; i < t.n; i++) m.set(`${ids[i]}#${ln[i]}`, i);
  return m;
}

const textCache = new WeakMap<Cols, Map<string, Array<string | null>>>();

/** A whole column as dq_labels spell values (memoized per table). */
export function textCol(t: Cols, field: string): Array<string | null> {
  let m = textCache.get(t);
  if (!m) {
    m = new Map();
    textCache.set(t, m);
  }
  let out = m.get(field);
  if (!out) {
    const def = t.schema.columns[t.schema.index.get(field)!];
    const v = t.col<unknown>(field);
    out = new Array<string | null>(t.n);
    for (let r = 0; r < t.n; r++) {
      if (t.isNull(field, r)) out[r] = null;
      else if (def.type === 'date') out[r] = formatDate(v[r] as number);
      else if (def.type === 'money') out[r] = formatCents(v[r] as number);
      else if (def.type === 'bool') out[r] = v[r] ? 'true' : 'false';
      else out[r] = String(v[r]);
    }
    m.set(field, out);
  }
  return out;
}

/** A cell as dq_labels spells values: dates YYYY-MM-DD, money 1234.50, strings as is. */
export function cellText(t: Cols, field: string, row: number, fmt: { date: (d: number) => string; money: (c: number) => string }): string | null {
  if (t.isNull(field, row)) return null;
  const def = t.schema.columns[t.schema.index.get(field)!];
  const v = t.col<unknown>(field)[row];
  if (def.type === 'date') return fmt.date(v as number);
  if (def.type === 'money') return fmt.money(v as number);
  if (def.type === 'bool') return v ? 'true' : 'false';
  return String(v);
}
