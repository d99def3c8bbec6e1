/**
 * The generating part of a plan — sources with their partitions and the transforms between them —
 * rebuilt from config alone, as a worker thread needs it (no sinks are created there).
 */
import type { ComponentConfig, JsonObject, LoadedConfig } from '../../config/types.js';
import type { GenerationContext, PartitionPlan, SourcePlugin, TransformPlugin } from '../plugins.js';
import * as registry from '../registry.js';
import { createGenerationContext } from '../plan.js';

export interface GraphSource {
  readonly id: string;
  readonly plugin: SourcePlugin;
  readonly options: JsonObject;
  readonly partitions: readonly PartitionPlan[];
}
export interface GraphTransform {
  readonly id: string;
  readonly plugin: TransformPlugin;
  readonly options: JsonObject;
  readonly inputs: readonly string[];
}
export interface GenerationGraph {
  readonly context: GenerationContext;
  readonly sources: ReadonlyMap<string, GraphSource>;
  readonly transforms: ReadonlyMap<string, GraphTransform>;
}

function optionsOf(component: ComponentConfig): JsonObject {
  const { type: _type, inputs: _inputs, ...rest } = component;
  return rest as JsonObject;
}

/** Sources and transforms of a loaded config, with the same partitions the planner lists. */
export function buildGenerationGraph(loaded: LoadedConfig): GenerationGraph {
  const context = createGenerationContext(loaded);
  const sources = new Map<string, GraphSource>();
  for (const [id, component] of Object.entries(loaded.config.sources)) {
    const plugin = registry.sources.require(component.type);
    const options = optionsOf(component);
    sources.set(id, { id, plugin, options, partitions: plugin.partitions(id, options, context) });
  }
  const transforms = new Map<string, GraphTransform>();
  for (const [id, component] of Object.entries(loaded.config.transforms ?? {})) {
    const inputs = Array.isArray(component.inputs) ? component.inputs : [component.inputs as unknown as string];
    transforms.set(id, { id, plugin: registry.transforms.require(component.type), options: optionsOf(component), inputs });
  }
  return { context, sources, transforms };
}
