/**
 * Reading domain options out of a PipelineConfig (domain.md §1.2): `chart_of_accounts.*`, `master_data.*` …
 * live in the options of the `sources.<id>` of the matching type. The loader inserts no defaults, so every
 * reader applies its own.
 */
import type { JsonObject, JsonValue, PipelineConfig } from '../config/types.js';

/** Options of the first source (in config order) of `type`, without `type`/`inputs`; undefined when none. */
export function sourceOptionsOfType(config: PipelineConfig, type: string): JsonObject | undefined {
  for (const comp of Object.values(config.sources ?? {})) {
    if (comp && comp.type === type) {
      const out: JsonObject = {};
      for (const [k, v] of Object.entries(comp)) if (k !== 'type' && k !== 'inputs' && v !== undefined) out[k] = v;
      return out;
    }
  }
  return undefined;
}

export function asObject(v: JsonValue | undefined): JsonObject | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
}

/** Non-negative integer at `obj.key`, or the default. */
export function intOption(obj: JsonObject | undefined, key: string, dflt: number): number {
  const v = obj?.[key];
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  if (v === undefined || v === null) return dflt;
  throw new RangeError(`${key} must be a non-negative integer, got ${JSON.stringify(v)}`);
}

/**
 * `master_data.<entity>.count`-style options: a source of type `<entity>` (e.g. `vendors` with `count`),
 * or a source of type `master_data` with an `<entity>` object.
 */
export function masterDataOptions(config: PipelineConfig, entity: string): JsonObject | undefined {
  const direct = sourceOptionsOfType(config, entity);
  if (direct) return direct;
  return asObject(sourceOptionsOfType(config, 'master_data')?.[entity]);
}
