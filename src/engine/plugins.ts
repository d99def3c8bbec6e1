/**
 * The plugin families (conventions.md: one small interface each, registered by
 * `type`; the engine imports no concrete plugin). Sources are pure generators
 * `(partition, context) → batches`; the engine wraps them in Readables.
 */
import type { Writable } from 'node:stream';
import type { Batch } from './batch.js';
import type { TableSchema } from './schema.js';
import type { PipelineConfig, JsonObject } from '../config/types.js';
import type { ReferenceData } from '../domain/types.js';
import type { RunMarking } from '../provenance/marking.js';

/** A JSON Schema (draft 2020-12 subset understood by ajv) for a component's options. */
export type OptionsSchema = JsonObject;

/** Run-independent context for generation: everything here may reach data. */
export interface GenerationContext {
  readonly seed: bigint;
  readonly config: PipelineConfig;
  /** Reference and master data, built once per process from the config (lazy, memoized). */
  readonly reference: ReferenceData;
  /** Target rows per batch (a batch may end a little later to keep an entry whole). */
  readonly batchRows: number;
}

/** A logical partition, listed from config alone. */
export interface PartitionPlan {
  /** Ordinal p (0-based, dense). */
  readonly index: number;
  /** Stable human-readable key, e.g. `1000:2025-03`. */
  readonly key: string;
  /** Planned rows per emitted table, when known up front (progress, preflight); may be estimates. */
  readonly plannedRows: Readonly<Record<string, number>>;
}

export interface SourcePlugin<Options = JsonObject> {
  readonly type: string;
  readonly description: string;
  /** `rule_based` for every built-in generator (controls.md §5.1). */
  readonly method: 'rule_based' | 'ml_based';
  /** JSON Schema of the options next to `type` (no `type`/`inputs`; additionalProperties: false). */
  readonly optionsSchema: OptionsSchema;
  /** The tables this source emits (in emission order). */
  tables(options: Options, config: PipelineConfig): readonly TableSchema[];
  /** Logical partitions, from config only. */
  partitions(componentId: string, options: Options, ctx: GenerationContext): readonly PartitionPlan[];
  /**
   * Generates one partition: a pure function of (ctx, componentId, options, partition).
   * Batches of different tables may interleave; within a table, rows come in order.
   */
  generate(componentId: string, options: Options, partition: PartitionPlan, ctx: GenerationContext): Iterable<Batch>;
}

/** Transforms (anomalies, data quality, …) map batches to batches, possibly of other tables. */
export interface TransformPlugin<Options = JsonObject> {
  readonly type: string;
  readonly description: string;
  readonly optionsSchema: OptionsSchema;
  /** Tables emitted given the input tables (inputs pass through, side tables added). */
  tables(options: Options, inputTables: readonly TableSchema[], config: PipelineConfig): readonly TableSchema[];
  /**
   * One instance per (component, source partition) run; must be deterministic per partition.
   * `input` names the source whose partition this instance sees: a transform fed by several sources
   * numbers its label ids by `input.partitionOffset + batch.partition`, so ids stay unique (I20).
   */
  create(componentId: string, options: Options, ctx: GenerationContext, input?: TransformInput): PartitionTransform;
}

/** Which source partition a transform instance sees (its inputs' sources in config order, partitions concatenated). */
export interface TransformInput {
  readonly sourceId: string;
  /** Partitions of the transform's earlier upstream sources (config order). */
  readonly partitionOffset: number;
  /**
   * True when this transform is the only consumer of every batch it receives (no sink and no other
   * transform reads its inputs): it may then change input batches in place instead of copying.
   */
  readonly exclusive?: boolean;
}

/**
 * Offsets of each upstream source within each transform (config order of the sources), e.g.
 * `fraud: {inputs: [gl, p2p]}` with 24 gl partitions → gl 0, p2p 24.
 */
export function transformPartitionOffsets(
  sources: ReadonlyArray<{ readonly id: string; readonly partitions: { readonly length: number } }>,
  transforms: ReadonlyArray<{ readonly id: string; readonly inputs: readonly string[] }>,
): Map<string, Map<string, number>> {
  const byId = new Map(transforms.map((t) => [t.id, t]));
  const upstream = (id: string, seen: Set<string>): Set<string> => {
    const out = new Set<string>();
    if (sources.some((s) => s.id === id)) return out.add(id);
    const t = byId.get(id);
    if (!t || seen.has(id)) return out;
    seen.add(id);
    for (const i of t.inputs) for (const s of upstream(i, seen)) out.add(s);
    return out;
  };
  const result = new Map<string, Map<string, number>>();
  for (const t of transforms) {
    const ups = upstream(t.id, new Set());
    const offsets = new Map<string, number>();
    let acc = 0;
    for (const s of sources) {
      if (!ups.has(s.id)) continue;
      offsets.set(s.id, acc);
      acc += s.partitions.length;
    }
    result.set(t.id, offsets);
  }
  return result;
}
export interface PartitionTransform {
  /**
   * Called for every input batch; returns the batches to pass on (same order rules as sources).
   * Must not mutate `batch` in place: other consumers (sinks, transforms) may hold the same batch.
   */
  transform(batch: Batch): Iterable<Batch>;
  /** Called at the end of each input partition. */
  endPartition?(partition: number): Iterable<Batch>;
  /**
   * Counts to add into the manifest's `components.<id>.details` once the partition ended (e.g. labels
   * per anomaly or data-quality type); summed over partitions, workers and shards.
   */
  details?(): Readonly<Record<string, number>>;
}

/**
 * A batch → bytes encoder for one output (stateful: Parquet row groups, CSV header).
 * Methods may return a Promise (e.g. a WASM writer); the engine awaits either form.
 * Memory must stay bounded by one row group / one batch, never by the table.
 */
export interface FormatEncoder {
  /** Bytes before the first row (CSV header, Arrow schema, …). */
  begin(): Buffer[] | Promise<Buffer[]>;
  encode(batch: Batch): Buffer[] | Promise<Buffer[]>;
  /** Bytes after the last row (Parquet footer, Arrow EOS, gzip trailer). */
  end(): Buffer[] | Promise<Buffer[]>;
  /**
   * Optional: the engine hands back a chunk this encoder returned once the destination is done
   * with it, so its memory can be reused (no allocation churn on the hot path). Unknown chunks
   * are ignored.
   */
  recycle?(chunk: Buffer): void;
}
/** An encoder whose methods return bytes synchronously (CSV, NDJSON). */
export interface SyncFormatEncoder extends FormatEncoder {
  begin(): Buffer[];
  encode(batch: Batch): Buffer[];
  end(): Buffer[];
}

export interface FormatOptions {
  /** gzip the encoded bytes (deterministic header: mtime 0, OS 0x03); Parquet: its own codec. */
  compression?: string;
  /** Parquet: rows per row group. */
  rowGroupRows?: number;
  delimiter?: string;
  /** Extra lines before the CSV header (marking preamble), already terminated. */
  preamble?: string[];
  [k: string]: unknown;
}
export interface FormatPlugin {
  readonly name: 'csv' | 'ndjson' | 'parquet' | 'arrow' | string;
  readonly extension: string;
  readonly mediaType: string;
  createEncoder(schema: TableSchema, options: FormatOptions): FormatEncoder;
}

// ---- Sinks (controls.md §8.1) ----

export interface OutputTarget {
  readonly table: string;
  /** Partitions inside this output (all of them for `single` layout). */
  readonly partitions: readonly number[];
  /** Total partitions of the table (for part-PPPPP-of-QQQQQ names). */
  readonly partitionCount: number;
  /** `single` → one output per table; `partitioned` → one per (table, partition). */
  readonly layout: 'single' | 'partitioned';
  readonly format: string;
  /** `none` | `gzip` for text formats; the Parquet codec (`zstd` | `snappy` | `none`) for parquet. */
  readonly compression: string;
  readonly schema: TableSchema;
  readonly plannedRows?: number;
  /**
   * `marking`: the content-marking sidecar of the data output this target otherwise describes
   * (controls.md §5.2); a file sink names it `<data file>.marking.json`. Absent = `data`.
   */
  readonly role?: 'data' | 'marking';
}

/** Facts about this attempt. Run-specific: never reaches data bytes. */
export interface RunContext {
  readonly runId: string;
  readonly attemptId: string;
  /** Absolute path of the control root (manifest, _SUCCESS, …). */
  readonly controlRoot: string;
  readonly signal: AbortSignal;
  /** `fail` (default) | `overwrite` | `resume`. */
  readonly ifExists: 'fail' | 'overwrite' | 'resume';
  /**
   * The run's content-marking credential and settings (controls.md §5); null or absent when
   * marking is off. Run-independent (no time, no run id): sinks may put it into data or metadata.
   */
  readonly marking?: RunMarking | null;
}

export interface CommittedOutput {
  /** Absolute URI (file:///…, s3://…). No credentials. */
  readonly uri: string;
  /** Path relative to the control root, when the output lives under it. */
  readonly rel: string | null;
  readonly committedAt: string;
  readonly extra?: Record<string, unknown>;
}

export interface OutputWriter {
  /** Destination for encoded bytes; the engine hashes and counts before writing. */
  readonly writable: Writable;
  /** After the writable finished: make the output visible atomically. Idempotent. */
  commit(): Promise<CommittedOutput>;
  /** Remove partial state. Idempotent, never throws; a no-op after commit. */
  abort(reason: unknown): Promise<void>;
  bufferedBytes(): number;
  /**
   * True when `writable` keeps no reference to a chunk once that chunk's write callback ran
   * (it wrote the bytes out, e.g. to a file). The engine then reuses the chunk's memory.
   * Leave unset when the writable passes chunks on (a PassThrough into an upload).
   */
  readonly releasesChunks?: boolean;
}

export interface Sink {
  readonly id: string;
  readonly type: string;
  /** `validate --check-sinks`: reachability / permissions, without writing data. */
  check(signal: AbortSignal): Promise<void>;
  open(target: OutputTarget, ctx: RunContext): Promise<OutputWriter>;
  /**
   * Run-level publish, called once after every output of the run committed and before
   * manifest.json is written (e.g. PostgreSQL `replace` swaps its shadow tables here).
   * Not called when the run failed or stopped.
   */
  finalizeRun?(ctx: RunContext): Promise<void>;
  /**
   * Called after the local manifest.json and `_SUCCESS` are written, for sinks that publish the
   * run's markers next to their data (object stores: manifest first, `_SUCCESS` last, create-only).
   * A failure fails the run with exit code 3.
   */
  publishRun?(files: { manifest: Buffer; success: Buffer }, ctx: RunContext): Promise<void>;
}

export interface SinkSettings {
  /** Output root from --out, when given (file sinks resolve their `path` under it). */
  readonly outRoot: string | null;
  /** Working directory: relative sink paths resolve against it (not against the config file's folder). */
  readonly cwd: string;
  /** `--if-exists` from the CLI/API: the planner writes it over every sink's own `if_exists` option. */
  readonly ifExists?: 'fail' | 'overwrite' | 'resume';
  /** Outputs this sink may hold open at once (its tables in `single` layout): e.g. a connection pool sizes itself by it. */
  readonly concurrentOutputs?: number;
}

export interface SinkPlugin<Options = JsonObject> {
  readonly type: string;
  readonly description: string;
  readonly optionsSchema: OptionsSchema;
  /** Default format when `format` is not set. */
  readonly defaultFormat: string;
  /** Formats it accepts. */
  readonly formats: readonly string[];
  /** The sink writes exactly one table (stdout): the planner requires `tables: [name]` when its inputs emit several. */
  readonly singleTable?: boolean;
  create(id: string, options: Options, settings: SinkSettings): Sink;
  /** Local directory this sink writes under (control-root default, disk checks), if any. */
  localRoot?(options: Options, settings: SinkSettings): string | null;
}
