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

  constructor(private readonly schema: TableSchema) {}

  async begin(): Promise<Buffer[]> {
    const A = await loadArrow();
    this.A = A;
    this.arrow = arrowSchema(A, this.schema);
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

/** `compression`, `delimiter` and `preamble` do not apply; marking for Arrow goes to a sidecar (issue 6). */
export const arrowFormat: FormatPlugin = {
  name: 'arrow',
  extension: 'arrow',
  mediaType: 'application/vnd.apache.arrow.stream',
  createEncoder(schema: TableSchema, options: FormatOptions): FormatEncoder {
    if (options.compression !== undefined && options.compression !== 'none') {
      throw new Error(`Arrow IPC output is written uncompressed; compression ${options.compression} does not apply`);
    }
    if (options.preamble && options.preamble.length > 0) throw new Error('Arrow IPC has no preamble');
    return new ArrowEncoder(schema);
  },
};
