/**
 * Shared fixture of the journal-entries tests: runs the source over every partition of a config
 * and concatenates each table column-wise, with an index of entries (contiguous lines).
 */
import type { PipelineConfig, JsonObject } from '../../src/config/types.js';
import type { Batch, ColumnValues } from '../../src/engine/batch.js';
import type { GenerationContext, PartitionPlan } from '../../src/engine/plugins.js';
import type { TableSchema } from '../../src/engine/schema.js';
import { buildReferenceData } from '../../src/domain/reference.js';
import { journalEntriesSource } from '../../src/sources/journal-entries/index.js';
import { anomalyLabels, jeApprovals, journalEntryLines } from '../../src/tables/journal.js';

export interface Table {
  readonly n: number;
  readonly schema: TableSchema;
  col<T = unknown>(name: string): ArrayLike<T>;
  isNull(name: string, row: number): boolean;
}

export interface RunResult {
  readonly ctx: GenerationContext;
  readonly partitions: readonly PartitionPlan[];
  readonly jel: Table;
  readonly approvals: Table;
  readonly labels: Table;
  /** JEL batches in emission order: [partition, length, first doc, last doc, firstRow]. */
  readonly jelBatches: ReadonlyArray<readonly [number, number, string, string, number]>;
  /** Entry e spans jel rows [start[e], start[e] + count[e]). */
  readonly entryStart: Int32Array;
  readonly entryCount: Int32Array;
  /** Partition of each entry. */
  readonly entryPartition: Int32Array;
}

export function makeConfig(companies: PipelineConfig['companies'], months = 12, start = '2025-01-01', extra: Partial<PipelineConfig> = {}): PipelineConfig {
  return { version: 1, period: { start, months }, companies, sources: { gl: { type: 'journal_entries' } }, ...extra } as PipelineConfig;
}

/** Two companies, 60 000 entries a year: enough for 4-SE tolerances and ≥ 100 000 line amounts. */
export const BASE_CONFIG = makeConfig([
  { code: '1000', name: 'Acme US', currency: 'USD', country: 'US', volume: 36_000 },
  { code: '2000', name: 'Acme DE', currency: 'EUR', country: 'DE', volume: 24_000 },
]);

function concat(schema: TableSchema, batches: Batch[]): Table {
  const n = batches.reduce((s, b) => s + b.length, 0);
  const values: ColumnValues[] = [];
  const nulls: Array<Uint8Array | null> = [];
  schema.columns.forEach((c, ci) => {
    const first = batches[0]?.values[ci];
    let out: ColumnValues;
    if (c.type === 'string') out = new Array<string | null>(n);
    else if (c.type === 'int' || c.type === 'date') out = new Int32Array(n);
    else if (c.type === 'bool') out = new Uint8Array(n);
    else out = new Float64Array(n);
    const mask = c.nullable && c.type !== 'string' ? new Uint8Array(n) : null;
    let k = 0;
    for (const b of batches) {
      const v = b.values[ci];
      if (Array.isArray(out)) for (let i = 0; i < b.length; i++) out[k + i] = (v as Array<string | null>)[i];
      else (out as Float64Array).set(v as Float64Array, k);
      if (mask && b.nulls[ci]) mask.set(b.nulls[ci]!, k);
      k += b.length;
    }
    void first;
    values.push(out);
    nulls.push(mask);
  });
  return {
    n,
    schema,
    col<T>(name: string): ArrayLike<T> {
      const i = schema.index.get(name);
      if (i === undefined) throw new Error(`no column ${name}`);
      return values[i] as unknown as ArrayLike<T>;
    },
    isNull(name: string, row: number): boolean {
      const i = schema.index.get(name)!;
      const v = values[i];
      if (Array.isArray(v)) return v[row] === null;
      return nulls[i] !== null && nulls[i]![row] === 1;
    },
  };
}

export function contextFor(config: PipelineConfig, seed: bigint, batchRows = 4096): GenerationContext {
  return { seed, config, reference: buildReferenceData(config, seed), batchRows };
}

export function runSource(config: PipelineConfig, seed: bigint, options: JsonObject = {}, batchRows = 4096, only?: readonly number[]): RunResult {
  const ctx = contextFor(config, seed, batchRows);
  const partitions = journalEntriesSource.partitions('gl', options, ctx);
  const byTable = new Map<string, Batch[]>([[journalEntryLines.name, []], [jeApprovals.name, []], [anomalyLabels.name, []]]);
  const jelBatches: Array<readonly [number, number, string, string, number]> = [];
  for (const p of partitions) {
    if (only && !only.includes(p.index)) continue;
    for (const b of journalEntriesSource.generate('gl', options, p, ctx)) {
      byTable.get(b.schema.name)!.push(b);
      if (b.schema.name === journalEntryLines.name) {
        const ids = b.values[0] as Array<string | null>;
        jelBatches.push([b.partition, b.length, ids[0]!, ids[b.length - 1]!, b.firstRow]);
      }
    }
  }
  const jelList = byTable.get(journalEntryLines.name)!;
  const jel = concat(journalEntryLines, jelList);
  const ids = jel.col<string>('document_id');
  const starts: number[] = [];
  const parts: number[] = [];
  let rowBase = 0;
  for (const b of jelList) {
    for (let i = 0; i < b.length; i++) {
      const r = rowBase + i;
      if (r === 0 || ids[r] !== ids[r - 1]) {
        starts.push(r);
        parts.push(b.partition);
      }
    }
    rowBase += b.length;
  }
  const entryStart = Int32Array.from(starts);
  const entryCount = new Int32Array(starts.length);
  for (let e = 0; e < starts.length; e++) entryCount[e] = (e + 1 < starts.length ? starts[e + 1] : jel.n) - starts[e];
  return {
    ctx,
    partitions,
    jel,
    approvals: concat(jeApprovals, byTable.get(jeApprovals.name)!),
    labels: concat(anomalyLabels, byTable.get(anomalyLabels.name)!),
    jelBatches,
    entryStart,
    entryCount,
    entryPartition: Int32Array.from(parts),
  };
}

/** Document ids carrying any label. */
export function labelledDocs(r: RunResult): Set<string> {
  const s = new Set<string>();
  const d = r.labels.col<string>('document_id');
  for (let i = 0; i < r.labels.n; i++) s.add(d[i]);
  return s;
}

/** 4 binomial standard errors. */
export function tol4(p: number, n: number): number {
  return 4 * Math.sqrt((p * (1 - p)) / n);
}
