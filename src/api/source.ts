/**
 * Embedding API: one generator as a Node Readable (object mode, one row per
 * object) that is also async-iterable, with `.batches()` for columnar access.
 *
 * Backpressure is real: rows are produced only when the consumer asks for them
 * (`_read`), one batch (`runtime.batch_rows`, default 1024 rows) at a time, and
 * the stream's buffer never holds more than `highWaterMark` rows — a slow
 * consumer holds the generator back and memory stays flat.
 */
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { parseDocument } from 'yaml';
import { loadConfigObject, loadConfigText } from '../config/load.js';
import type { CompanyConfig, ComponentConfig, JsonObject, LoadedConfig, PipelineConfig } from '../config/types.js';
import type { Batch } from '../engine/batch.js';
import type { PartitionTransform } from '../engine/plugins.js';
import { rowsOf, type Row } from '../engine/rows.js';
import type { TableSchema } from '../engine/schema.js';
import { buildGenerationGraph, type GenerationGraph } from '../engine/workers/graph.js';
import { ConfigError } from '../errors.js';
import '../plugins.js';

/** A transform applied to the source's batches, as under `transforms.<id>` in pipeline.yaml. */
export interface SourceTransform {
  /** Registered transform type, e.g. `anomalies` or `data_quality`. */
  type: string;
  /** Component id (default: the type). Its random streams derive from it, as for sources. */
  id?: string;
  /** Type-specific options, exactly as under `transforms.<id>` in pipeline.yaml. */
  options?: JsonObject;
}

export interface SourceOptions {
  /** Master seed (number, decimal string or bigint); overrides the pipeline's `seed`. */
  seed?: number | string | bigint;
  /** Required unless `pipeline` gives it. */
  period?: { start: string; months: number };
  /** Required unless `pipeline` gives them. */
  companies?: CompanyConfig[];
  group_currency?: string;
  industry?: string;
  /**
   * Component id (default: the type, or with `pipeline` the only source of that type). Random
   * streams are derived from it, so use the id your pipeline.yaml gives this source (e.g. `gl`)
   * to get the rows the CLI writes.
   */
  id?: string;
  /** Which table to stream when the source emits several (default: its first, e.g. journal_entry_lines). */
  table?: string;
  /** Type-specific options, exactly as under `sources.<id>` in pipeline.yaml. */
  options?: JsonObject;
  /**
   * Other sources of the pipeline whose options shape this one's data (domain.md §1.2: e.g. a
   * `vendors` source's `count` decides which vendors `p2p` documents reference), by id.
   */
  sources?: Record<string, ComponentConfig>;
  /**
   * Take everything (period, companies, seed, this source's options, the other sources) from a
   * pipeline: a pipeline.yaml path (read now; its `${VAR}`s must be set) or a config object. The
   * rows then equal what `datasynth-pipe run` writes for that source. Explicit options here win.
   */
  pipeline?: string | PipelineConfig | Record<string, unknown>;
  /** Transforms applied in order (each one's input is the previous one), as in a pipeline. */
  transforms?: SourceTransform[];
  /** Row objects buffered at most before the generator waits for the consumer (default 1024). */
  highWaterMark?: number;
}

interface Stage {
  readonly id: string;
  readonly create: () => PartitionTransform;
}

/**
 * The rows of one table of one source, in partition order, as plain objects
 * (money/rate columns as JS numbers, dates `YYYY-MM-DD`, timestamps
 * `YYYY-MM-DDTHH:MM:SS`, see {@link Row}). A Readable in object mode and an
 * async iterable; `.batches()` gives the same rows as columnar {@link Batch}es.
 *
 * @example
 * ```ts
 * import { source } from 'datasynth-pipe';
 * const vendors = source('vendors', {
 *   seed: 7, period: { start: '2025-01-01', months: 1 },
 *   companies: [{ code: '1000', name: 'Acme US', currency: 'USD', country: 'US', volume: 1000 }],
 *   options: { count: 50 },
 * });
 * console.log(vendors.table, vendors.tables); // the streamed table and every table the source emits
 * for await (const v of vendors) console.log(v.vendor_id);
 * ```
 */
export class SourceStream extends Readable {
  /** The table this stream delivers. */
  readonly table: string;
  /** Every table the source (after its transforms) emits, in emission order. */
  readonly tables: readonly string[];
  /** The columns of {@link SourceStream.table}. */
  readonly schema: TableSchema;
  private readonly graph: GenerationGraph;
  private readonly stages: readonly Stage[];
  private batchIterator: Iterator<Batch> | null = null;
  /** Rows of the current batch not yet pushed (at most one batch: memory stays bounded). */
  private pending: Row[] | null = null;
  private pendingIndex = 0;

  /** Use {@link source}; the constructor is public for subclassing only. */
  constructor(private readonly loaded: LoadedConfig, private readonly componentId: string, table: string | undefined, transformIds: readonly string[] = [], highWaterMark = 1024) {
    super({ objectMode: true, highWaterMark });
    this.graph = buildGenerationGraph(loaded);
    const src = this.graph.sources.get(componentId);
    if (!src) throw new ConfigError([{ path: 'id', message: `no source ${JSON.stringify(componentId)} in the pipeline (sources: ${[...this.graph.sources.keys()].join(', ')})` }]);
    let schemas: readonly TableSchema[] = src.plugin.tables(src.options, loaded.config);
    const stages: Stage[] = [];
    for (const tid of transformIds) {
      const t = this.graph.transforms.get(tid)!;
      schemas = t.plugin.tables(t.options, schemas, loaded.config);
      stages.push({ id: tid, create: () => t.plugin.create(tid, t.options, this.graph.context) });
    }
    this.stages = stages;
    this.tables = schemas.map((t) => t.name);
    this.table = table ?? this.tables[0];
    const schema = schemas.find((t) => t.name === this.table);
    if (!schema) {
      throw new ConfigError([{
        path: 'table', message: `source ${componentId} (type ${src.plugin.type}) emits ${this.tables.join(', ')}; not ${JSON.stringify(table)}`,
        hint: 'Set table to one of them',
      }]);
    }
    this.schema = schema;
  }

  /**
   * Columnar batches of the chosen table, in partition order (no row objects). Lazy: each batch
   * is generated when the loop asks for the next one. Every call generates afresh from the
   * first partition, independently of the row stream.
   *
   * @example
   * ```ts
   * import { source } from 'datasynth-pipe';
   * let cents = 0;
   * for await (const b of source('journal_entries', { seed: 1, period: { start: '2025-01-01', months: 1 },
   *   companies: [{ code: '1000', name: 'A', currency: 'USD', country: 'US', volume: 1000 }] }).batches()) {
   *   const debit = b.values[b.schema.index.get('debit_amount')!] as Float64Array; // money: integer cents
   *   for (let r = 0; r < b.length; r++) cents += debit[r];
   * }
   * ```
   */
  async *batches(): AsyncGenerator<Batch, void, undefined> {
    for (const batch of this.allBatches()) yield batch;
  }

  /** Every batch of the chosen table: per partition, the source's batches through the transform chain. */
  private *allBatches(): Generator<Batch, void, undefined> {
    const src = this.graph.sources.get(this.componentId)!;
    const ctx = this.graph.context;
    for (const p of src.partitions) {
      // One transform instance per (component, partition), created on its first batch — as the runner does.
      const instances: Array<PartitionTransform | undefined> = new Array(this.stages.length);
      const { stages, table } = this;
      function* through(stage: number, batch: Batch): Generator<Batch, void, undefined> {
        if (stage === stages.length) {
          if (batch.schema.name === table) yield batch;
          return;
        }
        const inst = (instances[stage] ??= stages[stage].create());
        for (const out of inst.transform(batch)) yield* through(stage + 1, out);
      }
      for (const batch of src.plugin.generate(this.componentId, src.options, p, ctx)) yield* through(0, batch);
      for (let s = 0; s < this.stages.length; s++) {
        const inst = instances[s];
        if (!inst?.endPartition) continue;
        for (const out of inst.endPartition(p.index)) yield* through(s + 1, out);
      }
    }
  }

  /** Pushes rows until the buffer is full (push → false), keeping the rest of the batch for the next call. */
  override _read(): void {
    try {
      this.batchIterator ??= this.allBatches();
      for (;;) {
        if (this.pending) {
          const rows = this.pending;
          while (this.pendingIndex < rows.length) {
            if (!this.push(rows[this.pendingIndex++])) {
              if (this.pendingIndex === rows.length) this.pending = null;
              return;
            }
          }
          this.pending = null;
        }
        const next = this.batchIterator.next();
        if (next.done) { this.push(null); return; }
        this.pending = rowsOf(next.value);
        this.pendingIndex = 0;
      }
    } catch (err) {
      this.destroy(err as Error);
    }
  }

  override _destroy(err: Error | null, cb: (error?: Error | null) => void): void {
    this.pending = null;
    try { this.batchIterator?.return?.(); } catch { /* the generator is abandoned anyway */ }
    cb(err);
  }

  override [Symbol.asyncIterator](): AsyncIterableIterator<Row> {
    return super[Symbol.asyncIterator]() as AsyncIterableIterator<Row>;
  }
}

/**
 * Loads a pipeline file for its sources: its `sinks:` are dropped first, so a sink's unset
 * `${DATABASE_URL}` does not stop an ETL job that never runs that sink. Should the file not load
 * without them, the file as written is loaded, to report its own errors.
 */
function loadPipelineText(text: string, file: string, seed: string | bigint | undefined): LoadedConfig {
  let stripped: string | null = null;
  try {
    const doc = parseDocument(text, { version: '1.2', merge: true, uniqueKeys: true, intAsBigInt: true, prettyErrors: false });
    if (doc.errors.length === 0 && doc.has('sinks')) {
      doc.delete('sinks');
      stripped = String(doc);
    }
  } catch { /* not plain YAML: the loader reports it below */ }
  if (stripped !== null) {
    try {
      return loadConfigText(stripped, { file, seed });
    } catch { /* fall through to the file as written */ }
  }
  return loadConfigText(text, { file, seed });
}

function seedOption(seed: SourceOptions['seed']): string | bigint | undefined {
  return seed === undefined ? undefined : typeof seed === 'bigint' ? seed : String(seed);
}

/** The pipeline to generate from: the `pipeline` option's config, else one built from the options. */
function baseConfig(type: string, options: SourceOptions): { config: Record<string, unknown>; id: string } {
  let config: Record<string, unknown>;
  if (options.pipeline !== undefined) {
    if (typeof options.pipeline === 'string') {
      let text: string;
      try {
        text = readFileSync(options.pipeline, 'utf8');
      } catch (e) {
        throw new ConfigError([{ path: '', file: options.pipeline, message: `cannot read the config file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` }], 'DSP_CONFIG_UNREADABLE');
      }
      config = structuredClone(loadPipelineText(text, options.pipeline, seedOption(options.seed)).config) as Record<string, unknown>;
    } else {
      config = structuredClone(options.pipeline) as Record<string, unknown>;
    }
  } else {
    config = { version: 1, sources: {} };
  }
  const sources = { ...(config.sources as Record<string, ComponentConfig> | undefined ?? {}), ...(options.sources ?? {}) };
  let id = options.id;
  if (id === undefined) {
    const ofType = options.pipeline !== undefined ? Object.entries(sources).filter(([, c]) => c.type === type).map(([k]) => k) : [];
    if (ofType.length > 1) throw new ConfigError([{ path: 'id', message: `the pipeline has several sources of type ${type} (${ofType.join(', ')})`, hint: 'Set id to the one to stream' }]);
    id = ofType[0] ?? type;
  }
  const existing = sources[id];
  if (existing && existing.type !== type) {
    throw new ConfigError([{ path: 'id', message: `source ${id} is of type ${existing.type}, not ${type}` }]);
  }
  sources[id] = { ...(existing ?? {}), type, ...(options.options ?? {}) };
  config.sources = sources;
  if (options.period) config.period = options.period;
  if (options.companies) config.companies = options.companies;
  if (options.group_currency) config.group_currency = options.group_currency;
  if (options.industry) config.industry = options.industry;
  // Sinks are not run here; dropping them keeps a pipeline's sink settings (URLs, paths) out of the way.
  delete config.sinks;
  return { config, id };
}

/**
 * A generator as a stream of rows: a Node Readable in object mode (pipe it, or
 * `for await` it) with real backpressure, plus `.batches()` for columnar batches.
 * Invalid options throw a {@link ConfigError} listing every problem with its key path.
 *
 * @example
 * ```ts
 * import { source } from 'datasynth-pipe';
 * const gl = source('journal_entries', {
 *   id: 'gl', seed: 42,
 *   period: { start: '2025-01-01', months: 1 },
 *   companies: [{ code: '1000', name: 'Acme US', currency: 'USD', country: 'US', volume: 12000 }],
 * });
 * for await (const line of gl) console.log(line.document_id, line.debit_amount);
 *
 * // One table of a multi-table source, with the pipeline file's settings (equals the CLI's rows):
 * const pos = source('p2p', { pipeline: 'pipelines/p2p-o2c.yaml', table: 'purchase_orders' });
 * ```
 */
export function source(type: string, options: SourceOptions): SourceStream {
  const { config, id } = baseConfig(type, options);
  const transformIds: string[] = [];
  if (options.transforms?.length) {
    const transforms = { ...(config.transforms as Record<string, ComponentConfig> | undefined ?? {}) };
    let input = id;
    options.transforms.forEach((t, i) => {
      const tid = t.id ?? t.type;
      if (tid in transforms || tid in (config.sources as object) || transformIds.includes(tid)) {
        throw new ConfigError([{ path: `transforms[${i}].id`, message: `id ${tid} is already used in the pipeline`, hint: 'Give the transform another id' }]);
      }
      transforms[tid] = { type: t.type, inputs: [input], ...(t.options ?? {}) };
      transformIds.push(tid);
      input = tid;
    });
    config.transforms = transforms;
  }
  const loaded = loadConfigObject(config, { seed: seedOption(options.seed) });
  return new SourceStream(loaded, id, options.table, transformIds, options.highWaterMark);
}

