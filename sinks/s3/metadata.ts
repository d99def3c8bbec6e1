/**
 * Object metadata (`x-amz-meta-*`) of a data object. Content marking
 * (controls.md §5.2: `synthetic`, `digital-source-type`, `datasynth-marking`)
 * is issue 6 and plugs in here: this module is the one place that decides what
 * metadata an object carries; today it is the sink's `metadata` option only.
 */
import type { OutputTarget, RunContext } from '../../src/engine/plugins.js';

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
  return { ...configured, ...(provider ? provider(target, ctx) : {}) };
}
