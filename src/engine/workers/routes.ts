/**
 * Which bytes or batches partition workers must send for a plan (architecture.md §8): per
 * (producing component, table) edge that feeds a sink, the encodings its sinks need. Fragment
 * formats (CSV, NDJSON) are encoded in the worker with the sink's own encoder options minus the
 * header-only ones (the main thread writes header/preamble itself); other formats travel as batches.
 */
import type { JsonObject } from '../../config/types.js';
import type { Batch } from '../batch.js';
import type { Plan, PlannedSink } from '../plan.js';
import type { TableSchema } from '../schema.js';
import { encodingKey, FRAGMENT_FORMATS, type RouteSpec, type WireBatch } from './protocol.js';

/** Encoder options that affect only begin()/end() bytes, not a batch's rows. */
const HEADER_ONLY_OPTIONS = new Set(['preamble', 'metadata']);

export function fragmentOptions(encoderOptions: Record<string, unknown>): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(encoderOptions)) if (!HEADER_ONLY_OPTIONS.has(k) && v !== undefined) out[k] = v as JsonObject[string];
  return out;
}

/** The encoding key a sink's channel expects for worker-encoded bytes, or 'batch'. */
export function sinkEncodingKey(sink: PlannedSink, encoderOptions: Record<string, unknown>): string {
  return FRAGMENT_FORMATS.has(sink.format) ? encodingKey(sink.format, fragmentOptions(encoderOptions)) : 'batch';
}

/** Tables each component (source or transform) emits. */
export function tablesByComponent(plan: Plan): Map<string, readonly TableSchema[]> {
  const m = new Map<string, readonly TableSchema[]>();
  for (const s of plan.sources) m.set(s.id, s.tables);
  for (const t of plan.transforms) m.set(t.id, t.tables);
  return m;
}

export function buildRoutes(plan: Plan, encoderOptionsOf: (sink: PlannedSink) => Record<string, unknown>): RouteSpec[] {
  const tables = tablesByComponent(plan);
  const byEdge = new Map<string, { fromId: string; table: string; encodings: Map<string, RouteSpec['encodings'][number]> }>();
  for (const sink of plan.sinks) {
    const wanted = new Set(sink.tables.map((t) => t.schema.name));
    const opts = encoderOptionsOf(sink);
    for (const fromId of sink.inputs) {
      for (const t of tables.get(fromId) ?? []) {
        if (!wanted.has(t.name)) continue;
        const edge = `${fromId}\u0000${t.name}`;
        let e = byEdge.get(edge);
        if (!e) byEdge.set(edge, (e = { fromId, table: t.name, encodings: new Map() }));
        const key = sinkEncodingKey(sink, opts);
        if (key === 'batch') e.encodings.set('batch', { key: 'batch' });
        else e.encodings.set(key, { key, format: sink.format, options: fragmentOptions(opts) });
      }
    }
  }
  return [...byEdge.values()].map((e) => ({ fromId: e.fromId, table: e.table, encodings: [...e.encodings.values()] }));
}

/** A batch received from a worker, with its schema restored. */
export function rehydrateBatch(wire: WireBatch, schema: TableSchema): Batch {
  return {
    schema,
    partition: wire.partition,
    firstRow: wire.firstRow,
    length: wire.length,
    values: wire.values as Batch['values'],
    nulls: wire.nulls as Batch['nulls'],
  };
}
