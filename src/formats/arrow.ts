/**
 * Arrow IPC encoder (extension `arrow`): the IPC streaming format (media type
 * `application/vnd.apache.arrow.stream`). Only the stream format: a FormatPlugin
 * has one media type, and the file format's (`…arrow.file`) would be misreported. The schema
 * comes from the same TableSchema mapping as Parquet (arrow-schema.ts). One
 * IPC record batch per engine batch, so memory stays at one batch.
 *
 * @example
 * const enc = arrowFormat.createEncoder(schema, {});
 * const bytes = Buffer.concat([...(await enc.begin()), ...(await enc.encode(batch)), ...(await enc.end())]);
 * const table = tableFromIPC(bytes);
 */
import type { RecordBatchStreamWriter, Schema } from 'apache-arrow';
import type { Batch } from '../engine/batch.js';
import type { FormatEncoder, FormatOptions, FormatPlugin } from '../engine/plugins.js';
import type { TableSchema } from '../engine/schema.js';
import { arrowSchema, collectingQueue, loadArrow, toArrowRecordBatch, type ArrowModule, type Collector } from './arrow-schema.js';

class ArrowEncoder implements FormatEncoder {
  private A: ArrowModule | null = null;
  private arrow: Schema | null = null;
  private sink: Collector | null = null;
  private writer: RecordBatchStreamWriter | null = null;

  constructor(private readonly schema: TableSchema, private readonly metadata: Readonly<Record<string, string>> | undefined) {}

  async begin(): Promise<Buffer[]> {
    const A = await loadArrow();
    this.A = A;
    const base = arrowSchema(A, this.schema);
    // Schema custom metadata (controls.md §5.2: the marking credential, key `datasynth.marking`), in key order.
    const keys = this.metadata ? Object.keys(this.metadata).sort() : [];
    this.arrow = keys.length > 0 ? new A.Schema(base.fields, new Map(keys.map((k) => [k, this.metadata![k]]))) : base;
    const sink = collectingQueue(A);
    this.sink = sink;
    this.writer = new A.RecordBatchStreamWriter({ autoDestroy: false });
    // The schema message goes out first, so an empty table is still a valid IPC stream.
    this.writer.reset(sink, this.arrow);
    return sink.take();
  }

  encode(batch: Batch): Buffer[] {
    if (!this.writer || !this.A || !this.sink) throw new Error('Arrow encoder: encode() before begin()');
    if (batch.length === 0) return [];
    this.writer.write(toArrowRecordBatch(this.A, this.schema, [{ batch, start: 0, end: batch.length }], this.arrow!));
    return this.sink.take();
  }

  end(): Buffer[] {
    if (!this.writer || !this.sink) throw new Error('Arrow encoder: end() before begin()');
    // finish() writes the end-of-stream marker.
    this.writer.finish();
    return this.sink.take();
  }
}

/**
 * `compression`, `delimiter` and `preamble` do not apply; `metadata` (string → string) becomes the
 * schema's custom metadata, where content marking puts `datasynth.marking`.
 */
export const arrowFormat: FormatPlugin = {
  name: 'arrow',
  extension: 'arrow',
  mediaType: 'application/vnd.apache.arrow.stream',
  createEncoder(schema: TableSchema, options: FormatOptions): FormatEncoder {
    if (options.compression !== undefined && options.compression !== 'none') {
      throw new Error(`Arrow IPC output is written uncompressed; compression ${options.compression} does not apply`);
    }
    if (options.preamble && options.preamble.length > 0) throw new Error('Arrow IPC has no preamble');
    const m = options.metadata;
    if (m !== undefined && (m === null || typeof m !== 'object' || Object.values(m).some((v) => typeof v !== 'string'))) {
      throw new Error('Arrow metadata must be a map of strings');
    }
    return new ArrowEncoder(schema, m as Readonly<Record<string, string>> | undefined);
  },
};
