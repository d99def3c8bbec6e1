/**
 * The `s3` sink as registered: schema and option checks up front, the AWS SDK-backed
 * implementation (s3-sink.ts) loaded on first use (src/engine/lazy-sink.ts).
 */
import type { Sink, SinkPlugin, SinkSettings } from '../../src/engine/plugins.js';
import { lazySink } from '../../src/engine/lazy-sink.js';
import { resolveS3Settings, s3SinkOptionsSchema, S3_FORMATS, type S3SinkOptions } from './options.js';

export const s3Sink: SinkPlugin<S3SinkOptions> = {
  type: 's3',
  description: 'Amazon S3 or an S3-compatible store: one streaming multipart upload per output (nothing partial visible), manifest.json and create-only _SUCCESS last.',
  optionsSchema: s3SinkOptionsSchema,
  defaultFormat: 'csv',
  formats: S3_FORMATS,
  create(id: string, options: S3SinkOptions, _settings: SinkSettings): Sink {
    resolveS3Settings(id, options);
    return lazySink(id, 's3', async () => (await import('./s3-sink.js')).createS3Sink(id, options));
  },
};
