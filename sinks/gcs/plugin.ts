/**
 * The `gcs` sink as registered: schema and option checks up front, the SDK-backed
 * implementation (gcs-sink.ts) loaded on first use (src/engine/lazy-sink.ts).
 */
import type { Sink, SinkPlugin, SinkSettings } from '../../src/engine/plugins.js';
import { lazySink } from '../../src/engine/lazy-sink.js';
import { GCS_FORMATS, gcsSinkOptionsSchema, resolveGcsOptions, type GcsSinkOptions } from './options.js';

export const gcsSink: SinkPlugin<GcsSinkOptions> = {
  type: 'gcs',
  description: 'Google Cloud Storage objects (CSV, NDJSON, Parquet, Arrow): resumable, create-only uploads with CRC-32C validation; manifest.json and _SUCCESS published last.',
  optionsSchema: gcsSinkOptionsSchema,
  defaultFormat: 'csv',
  formats: [...GCS_FORMATS],
  create(id: string, options: GcsSinkOptions, _settings: SinkSettings): Sink {
    resolveGcsOptions(id, options);
    return lazySink(id, 'gcs', async () => new (await import('./gcs-sink.js')).GcsSink(id, options));
  },
};
