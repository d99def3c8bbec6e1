/**
 * Output-only replay for the transforms benchmark's floor (bench/transforms.ts): runs a config's one
 * source and its linear chain of transforms in memory, untimed, keeps every batch that would reach
 * the sink, and registers a source type `bench_replay` that emits exactly those batches again.
 *
 * A pipeline `bench_replay → sink` then costs what the sink side costs for that output — encoding,
 * SHA-256, writing, marking, manifest — and nothing of generating or transforming it. Replaying the
 * plain and the transformed pipeline's output in the same run gives the part of the transforms'
 * added cost that is only the extra output they must write (label tables, duplicate rows, changed
 * values): a floor no implementation of the transforms can go below.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Batch, PipelineConfig, TableSchema } from '../src/index.js';
import type { PartitionPlan, PartitionTransform, SourcePlugin, TransformPlugin } from '../src/engine/plugins.js';

export const REPLAY_TYPE = 'bench_replay';

export interface Recording {
  readonly tables: readonly TableSchema[];
  readonly partitions: readonly PartitionPlan[];
  /** The sink-bound batches of each partition, in emission order. */
  readonly batches: ReadonlyArray<readonly Batch[]>;
}

/** Recordings kept alive until the process ends (see prepareReplay). */
const held: unknown[] = [];

type Engine = typeof import('../src/index.js') & typeof import('../src/engine/plan.js');

/**
 * Records the sink-bound output of `config` (one source, transforms each fed by the one before) and
 * returns the config that replays it into the same sinks, with `bench_replay` registered. `configs`
 * lists every config of the comparison (`config` among them): all are recorded and kept.
 */
export async function prepareReplay(config: PipelineConfig, configs: readonly PipelineConfig[] = [config]): Promise<PipelineConfig> {
  const engine = await engineModules();
  // Every config of the comparison is recorded, in the same order, and kept alive: each replay then
  // runs with the same live heap, so garbage-collection work on it does not differ between them.
  const recorded = configs.map((c) => record(engine, c));
  held.push(...recorded);
  const mine = configs.indexOf(config);
  const { recording, sourceId } = mine >= 0 ? recorded[mine] : record(engine, config);
  register(engine, recording);
  fullGc();
  const sinks = Object.fromEntries(Object.entries(engine.loadConfigObject(config as unknown as Record<string, unknown>, {}).config.sinks ?? {}).map(([id, s]) => [id, { ...s, inputs: [sourceId] }]));
  const { transforms: _dropped, ...rest } = config as PipelineConfig & { transforms?: unknown };
  return { ...rest, sources: { [sourceId]: { type: REPLAY_TYPE } }, sinks } as PipelineConfig;
}

export async function engineModules(): Promise<Engine> {
  return { ...(await import('../src/index.js')), ...(await import('../src/engine/plan.js')) };
}

/** The sink-bound batches of `config`, per partition in emission order, and the tables they belong to. */
export function record(engine: Engine, config: PipelineConfig): { recording: Recording; sourceId: string } {
  const loaded = engine.loadConfigObject(config as unknown as Record<string, unknown>, {});
  const ctx = engine.createGenerationContext(loaded);
  const cfg = loaded.config;
  const sourceIds = Object.keys(cfg.sources);
  if (sourceIds.length !== 1) throw new Error('replay: the config must have exactly one source');
  const sourceId = sourceIds[0];
  const { type, ...srcOptions } = cfg.sources[sourceId] as { type: string } & Record<string, unknown>;
  const source = engine.registry.sources.require(type) as SourcePlugin<Record<string, unknown>>;

  // The transform chain in feed order: each transform's one input is the previous component.
  const chain: Array<{ id: string; plugin: TransformPlugin<Record<string, unknown>>; options: Record<string, unknown> }> = [];
  const transforms = Object.entries(cfg.transforms ?? {});
  let last = sourceId;
  for (let found = true; found;) {
    found = false;
    for (const [id, t] of transforms) {
      const { type: tType, inputs, ...options } = t as { type: string; inputs: string[] } & Record<string, unknown>;
      if (inputs.length !== 1 || inputs[0] !== last) continue;
      chain.push({ id, plugin: engine.registry.transforms.require(tType) as TransformPlugin<Record<string, unknown>>, options });
      last = id;
      found = true;
      break;
    }
  }
  if (chain.length !== transforms.length) throw new Error('replay: transforms must form one chain from the source');

  let tables = source.tables(srcOptions, cfg);
  for (const t of chain) tables = t.plugin.tables(t.options, tables, cfg);
  const partitions = source.partitions(sourceId, srcOptions, ctx);
  const batches: Batch[][] = [];
  for (const p of partitions) {
    const out: Batch[] = [];
    // One instance per (transform, partition), as the runner makes them; the only reader of its input.
    const inst: PartitionTransform[] = chain.map((t) => t.plugin.create(t.id, t.options, ctx, { sourceId, partitionOffset: 0, exclusive: true }));
    const push = (i: number, b: Batch): void => {
      if (i === inst.length) out.push(b);
      else for (const o of inst[i].transform(b)) push(i + 1, o);
    };
    for (const b of source.generate(sourceId, srcOptions, p, ctx)) push(0, b);
    for (let i = 0; i < inst.length; i++) for (const o of inst[i].endPartition?.(p.index) ?? []) push(i + 1, o);
    batches.push(out);
  }
  return { recording: { tables, partitions, batches }, sourceId };
}

/**
 * A full collection now, so the recordings sit in the old generation and the next full collection's
 * limit is set above them: the timed replay then rarely marks them at all.
 */
function fullGc(): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
}

function register(engine: Engine, rec: Recording): void {
  const plugin: SourcePlugin = {
    type: REPLAY_TYPE,
    description: 'bench only: replays recorded batches',
    method: 'rule_based',
    optionsSchema: { type: 'object', properties: {}, additionalProperties: false },
    tables: () => rec.tables,
    partitions: () => rec.partitions,
    generate: (_id, _o, p) => rec.batches[p.index],
  };
  engine.registry.sources.register(REPLAY_TYPE, plugin);
}
