/**
 * Embedding API: one generator as a Node Readable (object mode, one row per
 * object) that is also async-iterable, with `.batches()` for columnar access.
 */
import { Readable } from 'node:stream';
import { loadConfigObject } from '../config/load.js';
import type { CompanyConfig, JsonObject, LoadedConfig } from '../config/types.js';
import type { Batch } from '../engine/batch.js';
import { createGenerationContext } from '../engine/plan.js';
import * as registry from '../engine/registry.js';
import { rowsOf, type Row } from '../engine/rows.js';
import '../plugins.js';

export interface SourceOptions {
  seed?: number | string | bigint;
  period: { start: string; months: number };
  companies: CompanyConfig[];
  group_currency?: string;
  industry?: string;
  /**
   * Component id (default: the type). Random streams are derived from it, so use the id your
   * pipeline.yaml gives this source (e.g. `gl`) to get the rows the CLI writes.
   */
  id?: string;
  /** Which table to stream when the source emits several (default: its first, e.g. journal_entry_lines). */
  table?: string;
  /** Type-specific options, exactly as under `sources.<id>` in pipeline.yaml. */
  options?: JsonObject;
}

export class SourceStream extends Readable {
  private batchIterator: Iterator<Batch> | null = null;
  private readonly tableName: string;

  constructor(private readonly loaded: LoadedConfig, private readonly componentId: string, table: string | undefined) {
    super({ objectMode: true, highWaterMark: 1024 });
    const component = loaded.config.sources[componentId];
    const plugin = registry.sources.require(component.type);
    const { type: _t, inputs: _i, ...opts } = component;
    const tables = plugin.tables(opts as JsonObject, loaded.config).map((t) => t.name);
    this.tableName = table ?? tables[0];
    if (!tables.includes(this.tableName)) throw new RangeError(`source type ${component.type} emits ${tables.join(', ')}, not ${table}`);
  }

  /** Columnar batches of the chosen table, in partition order (no row objects). */
  async *batches(): AsyncGenerator<Batch> {
    for (const batch of this.allBatches()) if (batch.schema.name === this.tableName) yield batch;
  }

  private *allBatches(): Generator<Batch> {
    const component = this.loaded.config.sources[this.componentId];
    const plugin = registry.sources.require(component.type);
    const { type: _t, inputs: _i, ...opts } = component;
    const ctx = createGenerationContext(this.loaded);
    for (const p of plugin.partitions(this.componentId, opts as JsonObject, ctx)) {
      yield* plugin.generate(this.componentId, opts as JsonObject, p, ctx);
    }
  }

  override _read(): void {
    try {
      this.batchIterator ??= this.allBatches();
      for (;;) {
        const next = this.batchIterator.next();
        if (next.done) { this.push(null); return; }
        if (next.value.schema.name !== this.tableName) continue;
        let more = true;
        for (const row of rowsOf(next.value)) more = this.push(row);
        if (!more) return;
      }
    } catch (err) {
      this.destroy(err as Error);
    }
  }

  override [Symbol.asyncIterator](): AsyncIterableIterator<Row> {
    return super[Symbol.asyncIterator]() as AsyncIterableIterator<Row>;
  }
}

/**
 * A generator as a stream of rows.
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
 * ```
 */
export function source(type: string, options: SourceOptions): SourceStream {
  const id = options.id ?? type;
  const config: Record<string, unknown> = {
    version: 1,
    period: options.period,
    companies: options.companies,
    sources: { [id]: { type, ...(options.options ?? {}) } },
  };
  if (options.group_currency) config.group_currency = options.group_currency;
  if (options.industry) config.industry = options.industry;
  const seed = options.seed === undefined ? undefined : typeof options.seed === 'bigint' ? options.seed : String(options.seed);
  const loaded = loadConfigObject(config, { seed });
  return new SourceStream(loaded, id, options.table);
}
