/**
 * The plan (architecture.md §2): resolves components to plugins, lists each
 * source's logical partitions from config alone, and decides which outputs
 * every sink writes. Nothing here depends on time, host or worker count.
 */
import type { LoadedConfig, ComponentConfig, JsonObject } from '../config/types.js';
import type { GenerationContext, PartitionPlan, SinkPlugin, SourcePlugin, TransformPlugin, Sink, SinkSettings } from './plugins.js';
import type { TableSchema } from './schema.js';
import type { ReferenceData } from '../domain/types.js';
import * as registry from './registry.js';
import { buildReferenceData } from '../domain/reference.js';
import { ConfigError, type ConfigIssue } from '../errors.js';
import { didYouMeanSuffix } from '../config/did-you-mean.js';

export const DEFAULT_SINK_ID = 'out';
/** Rows per batch: 1024 keeps peak RSS flat (~140 MiB at 1 M and 5 M lines) with no throughput loss; larger batches cost memory, not speed (bench/results). */
export const DEFAULT_BATCH_ROWS = 1024;

export interface PlannedSource {
  readonly id: string;
  readonly plugin: SourcePlugin;
  readonly options: JsonObject;
  readonly tables: readonly TableSchema[];
  readonly partitions: readonly PartitionPlan[];
}

export interface PlannedTransform {
  readonly id: string;
  readonly plugin: TransformPlugin;
  readonly options: JsonObject;
  readonly inputs: readonly string[];
  readonly tables: readonly TableSchema[];
}

/** One table as it reaches one sink: the concatenation of its producing sources, in component order. */
export interface SinkTable {
  readonly schema: TableSchema;
  /** Source ids whose partitions make up this table, in order; with the partition offset of each. */
  readonly producers: ReadonlyArray<{ sourceId: string; offset: number; count: number }>;
  readonly partitionCount: number;
  readonly plannedRows: number;
}

export interface PlannedSink {
  readonly id: string;
  readonly plugin: SinkPlugin;
  readonly options: JsonObject;
  readonly inputs: readonly string[];
  readonly format: string;
  readonly layout: 'single' | 'partitioned';
  readonly compression: string;
  readonly tables: readonly SinkTable[];
  readonly sink: Sink;
  /** The component ids (sources or transforms) whose batches this sink receives, mapped to the source ids behind them. */
  readonly sourceIds: ReadonlySet<string>;
  /** Whether this sink was added because the config configures none. */
  readonly isDefault: boolean;
}

export interface Plan {
  readonly loaded: LoadedConfig;
  readonly context: GenerationContext;
  readonly sources: readonly PlannedSource[];
  readonly transforms: readonly PlannedTransform[];
  readonly sinks: readonly PlannedSink[];
  /** Every table any source or transform emits, by name. */
  readonly tables: ReadonlyMap<string, TableSchema>;
}

function optionsOf(component: ComponentConfig): JsonObject {
  const { type: _type, inputs: _inputs, ...rest } = component;
  return rest as JsonObject;
}

export function createGenerationContext(loaded: LoadedConfig): GenerationContext {
  let reference: ReferenceData | undefined;
  const runtime = (loaded.config.runtime ?? {}) as { batch_rows?: number };
  return {
    seed: loaded.seed,
    config: loaded.config,
    get reference(): ReferenceData {
      reference ??= buildReferenceData(loaded.config, loaded.seed);
      return reference;
    },
    batchRows: runtime.batch_rows ?? DEFAULT_BATCH_ROWS,
  };
}

export function buildPlan(loaded: LoadedConfig, settings: SinkSettings): Plan {
  const config = loaded.config;
  const context = createGenerationContext(loaded);
  const tables = new Map<string, TableSchema>();

  const sources: PlannedSource[] = Object.entries(config.sources).map(([id, component]) => {
    const plugin = registry.sources.require(component.type);
    const options = optionsOf(component);
    const sourceTables = plugin.tables(options, config);
    for (const t of sourceTables) tables.set(t.name, t);
    return { id, plugin, options, tables: sourceTables, partitions: plugin.partitions(id, options, context) };
  });
  const sourceById = new Map(sources.map((s) => [s.id, s]));

  // Transforms in dependency order (the config loader rejected cycles).
  const transformEntries = Object.entries(config.transforms ?? {});
  const planned = new Map<string, PlannedTransform>();
  const tablesOf = (id: string): readonly TableSchema[] => sourceById.get(id)?.tables ?? planned.get(id)?.tables ?? [];
  let progress = true;
  while (planned.size < transformEntries.length && progress) {
    progress = false;
    for (const [id, component] of transformEntries) {
      if (planned.has(id)) continue;
      const inputs = component.inputs;
      if (!inputs.every((i) => sourceById.has(i) || planned.has(i))) continue;
      const plugin = registry.transforms.require(component.type);
      const options = optionsOf(component);
      const inputTables = dedupeTables(inputs.flatMap(tablesOf));
      const out = plugin.tables(options, inputTables, config);
      for (const t of out) tables.set(t.name, t);
      planned.set(id, { id, plugin, options, inputs, tables: out });
      progress = true;
    }
  }
  const transforms = [...planned.values()];

  const upstreamSources = (id: string, seen = new Set<string>()): string[] => {
    if (sourceById.has(id)) return [id];
    const t = planned.get(id);
    if (!t || seen.has(id)) return [];
    seen.add(id);
    return t.inputs.flatMap((i) => upstreamSources(i, seen));
  };

  /** Problems found while planning sinks, reported together like the loader's (exit 1). */
  const planIssues: ConfigIssue[] = [];
  let sinkConfigs = Object.entries(config.sinks ?? {});
  const isDefault = sinkConfigs.length === 0;
  if (isDefault) {
    // No sink configured: local files under ./out receive every source and leaf transform (architecture.md §1).
    const consumed = new Set(transforms.flatMap((t) => t.inputs));
    const leaves = [...sources.map((s) => s.id), ...transforms.map((t) => t.id)].filter((id) => !consumed.has(id));
    sinkConfigs = [[DEFAULT_SINK_ID, { type: 'file', inputs: leaves }]];
  }

  const sinks: PlannedSink[] = sinkConfigs.map(([id, component]) => {
    const plugin = registry.sinks.require(component.type);
    const options = settings.ifExists ? { ...optionsOf(component), if_exists: settings.ifExists } : optionsOf(component);
    const inputs = component.inputs ?? [];
    const format = (options.format as string | undefined) ?? plugin.defaultFormat;
    const layout = (options.layout as 'single' | 'partitioned' | undefined) ?? 'single';
    const compression = (options.compression as string | undefined) ?? (format === 'parquet' ? 'zstd' : 'none');
    const srcIds = [...new Set(inputs.flatMap((i) => upstreamSources(i)))];
    // Order producers by component order in the config (domain.md §1.1: concatenation in component order).
    const orderedSources = sources.filter((s) => srcIds.includes(s.id));
    let tableNames: string[] = [];
    const sinkTableSchemas = new Map<string, TableSchema>();
    for (const input of inputs) {
      for (const t of tablesOf(input)) {
        if (!sinkTableSchemas.has(t.name)) { sinkTableSchemas.set(t.name, t); tableNames.push(t.name); }
      }
    }
    // `tables: [...]` narrows what a sink writes to some of the tables its inputs emit.
    const wanted = options.tables as string[] | undefined;
    if (wanted) {
      const issues: ConfigIssue[] = wanted.filter((t) => !sinkTableSchemas.has(t)).map((t) => ({
        path: `sinks.${id}.tables`,
        message: `table '${t}' is not emitted by the inputs of this sink (${tableNames.join(', ')})${didYouMeanSuffix(t, tableNames)}`,
        ...loaded.locate?.(['sinks', id, 'tables', wanted.indexOf(t)]),
      }));
      planIssues.push(...issues);
      tableNames = tableNames.filter((t) => wanted.includes(t));
    }
    if (plugin.singleTable && tableNames.length !== 1) {
      planIssues.push({ path: `sinks.${id}`, message: `a ${plugin.type} sink writes exactly one table, but its inputs emit ${tableNames.length} (${tableNames.join(', ')}); choose one with tables: [${tableNames[0] ?? 'name'}]`, ...loaded.locate?.(['sinks', id]) });
    }
    const sinkTables: SinkTable[] = tableNames.map((name) => {
      let offset = 0;
      let plannedRows = 0;
      const producers: Array<{ sourceId: string; offset: number; count: number }> = [];
      for (const s of orderedSources) {
        if (!producesTable(s.id, name, sourceById, planned, inputs)) continue;
        producers.push({ sourceId: s.id, offset, count: s.partitions.length });
        offset += s.partitions.length;
        for (const p of s.partitions) plannedRows += p.plannedRows[name] ?? 0;
      }
      return { schema: sinkTableSchemas.get(name)!, producers, partitionCount: offset, plannedRows };
    });
    let sink: Sink;
    try {
      sink = plugin.create(id, options, { ...settings, concurrentOutputs: sinkTables.length });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      // Option checks a sink makes itself: keep collecting, add the YAML position of each key.
      planIssues.push(...err.issues.map((i) => (i.line ? i : { ...i, ...loaded.locate?.(i.path.split('.')) })));
      sink = { id, type: plugin.type, check: async () => undefined, open: async () => { throw err; } };
    }
    return { id, plugin, options, inputs, format, layout, compression, tables: sinkTables, sink, sourceIds: new Set(srcIds), isDefault };
  });

  if (planIssues.length > 0) throw new ConfigError(planIssues);
  return { loaded, context, sources, transforms, sinks, tables };
}

/**
 * Whether rows of table `name` reach a sink with these inputs while source
 * `sourceId` runs: the source emits it, or a transform between the source and
 * the sink does (side tables such as labels belong to the partitions of the
 * source whose batches produced them).
 */
function producesTable(sourceId: string, name: string, sourceById: Map<string, PlannedSource>, transforms: Map<string, PlannedTransform>, inputs: readonly string[]): boolean {
  const reachable = new Set<string>();
  const walk = (id: string): void => {
    if (reachable.has(id)) return;
    reachable.add(id);
    transforms.get(id)?.inputs.forEach(walk);
  };
  inputs.forEach(walk);
  if (!reachable.has(sourceId)) return false;
  if (sourceById.get(sourceId)?.tables.some((t) => t.name === name)) return true;
  return [...reachable].some((id) => {
    const t = transforms.get(id);
    return !!t && t.tables.some((x) => x.name === name) && feedsFrom(id, sourceId, sourceById, transforms);
  });
}

function feedsFrom(id: string, sourceId: string, sourceById: Map<string, PlannedSource>, transforms: Map<string, PlannedTransform>): boolean {
  if (sourceById.has(id)) return id === sourceId;
  const t = transforms.get(id);
  return !!t && t.inputs.some((i) => feedsFrom(i, sourceId, sourceById, transforms));
}

function dedupeTables(list: readonly TableSchema[]): TableSchema[] {
  const seen = new Map<string, TableSchema>();
  for (const t of list) if (!seen.has(t.name)) seen.set(t.name, t);
  return [...seen.values()];
}

/** Total planned rows per table across all sources (for progress and `inspect`). */
export function plannedRowsByTable(plan: Plan): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of plan.sources) for (const p of s.partitions) for (const [t, n] of Object.entries(p.plannedRows)) out.set(t, (out.get(t) ?? 0) + n);
  return out;
}
