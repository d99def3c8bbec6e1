/**
 * Object metadata (`x-amz-meta-*`) of a data object: the sink's `metadata`
 * option, the content marking (controls.md §5.2: `synthetic`,
 * `digital-source-type`, `datasynth-marking`, from RunContext.marking unless
 * `marking.object_metadata: false`), then a provider's keys. This module is
 * the one place that decides what metadata an object carries (GCS uses it too).
 */
import type { OutputTarget, RunContext } from '../../src/engine/plugins.js';
import { objectMarkingMetadata } from '../../src/provenance/marking.js';

/** Extra metadata for one output, merged over the sink's `metadata` option (later keys win). */
export type ObjectMetadataProvider = (target: OutputTarget, ctx: RunContext) => Readonly<Record<string, string>>;

/**
 * The metadata map for one object: run-independent only (no run id, no
 * time), so a rerun stores the same object metadata.
 */
export function objectMetadata(
  configured: Readonly<Record<string, string>>,
  target: OutputTarget,
  ctx: RunContext,
  provider?: ObjectMetadataProvider,
): Record<string, string> {
  const marking = ctx.marking && ctx.marking.settings.objectMetadata ? objectMarkingMetadata(ctx.marking) : {};
  return { ...configured, ...marking, ...(provider ? provider(target, ctx) : {}) };
}
