/**
 * The `anomalies` transform (domain.md §8): labelled anomaly injection into journal entries.
 * Mutates selected entries of `journal_entry_lines` (and their `je_approvals` actions), emits
 * duplicates/bursts/circular flows directly after their source entry, and appends one
 * `anomaly_labels` row per labelled entry after the input's labels of each partition. Every
 * other table passes through untouched.
 *
 * @example
 * // pipeline.yaml
 * // transforms:
 * //   fraud: { type: anomalies, inputs: [gl], rate: 0.02, categories: { fraud: 0.25, error: 0.35, process: 0.2, statistical: 0.15, relational: 0.05 } }
 * const t = anomaliesTransform.create('fraud', { rate: 0.02 }, ctx);
 * for (const b of t.transform(batch)) sink.write(b);
 * for (const b of t.endPartition?.(batch.partition) ?? []) sink.write(b);
 */
import type { JsonObject, PipelineConfig } from '../../config/types.js';
import type { GenerationContext, PartitionTransform, TransformInput, TransformPlugin } from '../../engine/plugins.js';
import type { TableSchema } from '../../engine/schema.js';
import { anomalyLabels } from '../../tables/journal.js';
import { AnomalyInjector } from './engine.js';
import { anomaliesOptionsSchema, resolveAnomalyOptions } from './options.js';

export { anomaliesOptionsSchema, resolveAnomalyOptions } from './options.js';
export type { ResolvedAnomalyOptions } from './options.js';
export { ANOMALY_TYPES, TYPE_BY_NAME, CATEGORIES } from './types.js';
export type { AnomalyType } from './types.js';
export { upliftMultiplier } from './engine.js';

export const anomaliesTransform: TransformPlugin = {
  type: 'anomalies',
  description: 'Labelled anomaly injection into journal entries (domain.md §8): mutated or emitted entries plus anomaly_labels.',
  optionsSchema: anomaliesOptionsSchema,
  tables(options: JsonObject, inputTables: readonly TableSchema[], config: PipelineConfig): readonly TableSchema[] {
    // Resolving here reports option errors (Σ sub-rates > total, …) at plan time with their key path.
    resolveAnomalyOptions(options, config);
    const out = [...inputTables];
    if (!out.some((t) => t.name === anomalyLabels.name)) out.push(anomalyLabels);
    return out;
  },
  create(componentId: string, options: JsonObject, ctx: GenerationContext, input?: TransformInput): PartitionTransform {
    return new AnomalyInjector(componentId, resolveAnomalyOptions(options, ctx.config, componentId), ctx, input?.partitionOffset ?? 0, input?.exclusive ?? false);
  },
};
