/**
 * Shared fixture of the anomalies tests: generates journal_entries partitions in-process, runs them
 * through the anomalies transform the way the runner does (one instance per partition, endPartition
 * at its end) and concatenates each table; also keeps the untransformed tables for comparison.
 */
import type { JsonObject, PipelineConfig } from '../../src/config/types.js';
import type { Batch } from '../../src/engine/batch.js';
import type { GenerationContext } from '../../src/engine/plugins.js';
import type { TableSchema } from '../../src/engine/schema.js';
import { buildReferenceData } from '../../src/domain/reference.js';
import { journalEntriesSource } from '../../src/sources/journal-entries/index.js';
import { anomaliesTransform } from '../../src/transforms/anomalies/index.js';
import { anomalyLabels, jeApprovals, journalEntryLines } from '../../src/tables/journal.js';

export interface Table {
  readonly n: number;
  readonly schema: TableSchema;
  col<T = unknown>(name: string): T[];
  isNull(name: string, row: number): boolean;
  /** The whole row as a tab-joined text (byte-level comparisons). */
  rowText(row: number): string;
}

function concat(schema: TableSchema, batches: readonly Batch[]): Table {
  const n = batches.reduce((s, b) => s + b.length, 0);
  const cols: Array<ArrayLike<unknown> & { [i: number]: unknown }> = schema.columns.map((c) =>
    c.type === 'string' ? new Array<unknown>(n) : c.type === 'bool' ? new Uint8Array(n) : c.type === 'int' || c.type === 'date' ? new Int32Array(n) : new Float64Array(n));
  const nulls: Uint8Array[] = schema.columns.map(() => new Uint8Array(n));
  let k = 0;
  for (const b of batches) {
    schema.columns.forEach((c, ci) => {
      const v = b.values[ci];
      const m = b.nulls[ci];
      const out = cols[ci];
      if (Array.isArray(v)) {
        for (let i = 0; i < b.length; i++) {
          out[k + i] = v[i];
          if (v[i] === null) nulls[ci][k + i] = 1;
        }
      } else {
        (out as Float64Array).set(v as Float64Array, k);
        if (m) nulls[ci].set(m, k);
      }
    });
    k += b.length;
  }
  return {
    n,
    schema,
    col<T>(name: string): T[] {
      const i = schema.index.get(name);
      if (i === undefined) throw new Error(`no column ${name}`);
      return cols[i] as unknown as T[];
    },
    isNull(name: string, row: number): boolean {
      return nulls[schema.index.get(name)!][row] === 1;
    },
    rowText(row: number): string {
      return schema.columns.map((_, ci) => (nulls[ci][row] ? '\\N' : String(cols[ci][row]))).join('\t');
    },
  };
}

export interface Tables {
  readonly jel: Table;
  readonly approvals: Table;
  readonly labels: Table;
  /** Output jel batches: [partition, firstRow, length]. */
  readonly jelBatches: ReadonlyArray<readonly [number, number, number]>;
}

export interface AnomalyRun {
  readonly ctx: GenerationContext;
  readonly before: Tables;
  readonly after: Tables;
}

export function makeConfig(companies: PipelineConfig['companies'], months = 12, start = '2025-01-01'): PipelineConfig {
  return {
    version: 1, period: { start, months }, companies, sources: { gl: { type: 'journal_entries' } },
    transforms: { fraud: { type: 'anomalies', inputs: ['gl'] } },
  } as PipelineConfig;
}

/** One USD company (group currency) and one EUR company. */
export const CONFIG = makeConfig([
  { code: '1000', name: 'Acme US', currency: 'USD', country: 'US', volume: 14_000 },
  { code: '2000', name: 'Acme DE', currency: 'EUR', country: 'DE', volume: 10_000 },
]);

/** Source batches and their tables per (config, seed, options, partitions): the input is the same for every transform run. */
const sourceCache = new Map<PipelineConfig, Map<string, { batches: Array<[number, Batch[]]>; before: Tables }>>();
const partitionCache = new Map<PipelineConfig, Map<string, Batch[]>>();
const contexts = new Map<PipelineConfig, GenerationContext>();
export function contextFor(config: PipelineConfig, seed: bigint, batchRows: number): GenerationContext {
  const key = config;
  const hit = contexts.get(key);
  if (hit && hit.seed === seed && hit.batchRows === batchRows) return hit;
  const ctx = { seed, config, reference: buildReferenceData(config, seed), batchRows };
  contexts.set(key, ctx);
  return ctx;
}

function tables(byTable: Map<string, Batch[]>): Tables {
  return {
    jel: concat(journalEntryLines, byTable.get(journalEntryLines.name) ?? []),
    approvals: concat(jeApprovals, byTable.get(jeApprovals.name) ?? []),
    labels: concat(anomalyLabels, byTable.get(anomalyLabels.name) ?? []),
    jelBatches: (byTable.get(journalEntryLines.name) ?? []).map((b) => [b.partition, b.firstRow, b.length] as const),
  };
}

/**
 * Runs the source (options `sourceOptions`) over the partitions (all, or `only`) with and without
 * the transform (options `transformOptions`).
 */
export function runAnomalies(transformOptions: JsonObject, opts: {
  config?: PipelineConfig; seed?: bigint; sourceOptions?: JsonObject; batchRows?: number; only?: readonly number[]; componentId?: string;
} = {}): AnomalyRun {
  const config = opts.config ?? CONFIG;
  const seed = opts.seed ?? 42n;
  const ctx = contextFor(config, seed, opts.batchRows ?? 4096);
  const sourceOptions = opts.sourceOptions ?? {};
  const parts = journalEntriesSource.partitions('gl', sourceOptions, ctx);
  const push = (m: Map<string, Batch[]>, b: Batch): void => {
    let l = m.get(b.schema.name);
    if (!l) m.set(b.schema.name, (l = []));
    l.push(b);
  };
  const srcKey = `${seed}:${ctx.batchRows}:${JSON.stringify(sourceOptions)}`;
  const setKey = `${srcKey}:${(opts.only ?? []).join(',')}`;
  let cached = sourceCache.get(config)?.get(setKey);
  if (!cached) {
    const batches: Array<[number, Batch[]]> = [];
    const before = new Map<string, Batch[]>();
    for (const p of parts) {
      if (opts.only && !opts.only.includes(p.index)) continue;
      const pk = `${srcKey}#${p.index}`;
      let list = partitionCache.get(config)?.get(pk);
      if (!list) {
        list = [...journalEntriesSource.generate('gl', sourceOptions, p, ctx)];
        if (!partitionCache.has(config)) partitionCache.set(config, new Map());
        partitionCache.get(config)!.set(pk, list);
      }
      batches.push([p.index, list]);
      for (const b of list) push(before, b);
    }
    cached = { batches, before: tables(before) };
    if (!sourceCache.has(config)) sourceCache.set(config, new Map());
    sourceCache.get(config)!.set(setKey, cached);
  }
  const after = new Map<string, Batch[]>();
  for (const [index, list] of cached.batches) {
    const inst = anomaliesTransform.create(opts.componentId ?? 'fraud', transformOptions, ctx);
    for (const b of list) for (const o of inst.transform(b)) push(after, o);
    for (const o of inst.endPartition?.(index) ?? []) push(after, o);
  }
  return { ctx, before: cached.before, after: tables(after) };
}

/** Runs the transform over given source partitions (any source): [partition, its batches in order]. */
export function runOver(ctx: GenerationContext, partitions: ReadonlyArray<readonly [number, readonly Batch[]]>, transformOptions: JsonObject): AnomalyRun {
  const before = new Map<string, Batch[]>();
  const after = new Map<string, Batch[]>();
  const push = (m: Map<string, Batch[]>, b: Batch): void => {
    let l = m.get(b.schema.name);
    if (!l) m.set(b.schema.name, (l = []));
    l.push(b);
  };
  for (const [index, list] of partitions) {
    const inst = anomaliesTransform.create('fraud', transformOptions, ctx);
    for (const b of list) {
      push(before, b);
      for (const o of inst.transform(b)) push(after, o);
    }
    for (const o of inst.endPartition?.(index) ?? []) push(after, o);
  }
  return { ctx, before: tables(before), after: tables(after) };
}

/** Entry index of a jel table: document id → [first row, line count]. */
export function entries(t: Table): Map<string, [number, number]> {
  const ids = t.col<string>('document_id');
  const m = new Map<string, [number, number]>();
  for (let r = 0; r < t.n; r++) {
    const e = m.get(ids[r]);
    if (e) e[1]++;
    else m.set(ids[r], [r, 1]);
  }
  return m;
}

/** Injector labels (stage injector) of a run. */
export function injectorLabels(t: Table): number[] {
  const st = t.col<string>('injection_stage');
  const out: number[] = [];
  for (let i = 0; i < t.n; i++) if (st[i] === 'injector') out.push(i);
  return out;
}

/** 4 binomial standard errors. */
export function tol4(p: number, n: number): number {
  return 4 * Math.sqrt((p * (1 - p)) / n);
}
