/** The `gcs` sink: Google Cloud Storage through @google-cloud/storage resumable uploads (controls.md §8.4). */
export { gcsSink } from './plugin.js';
export { GcsSink } from './gcs-sink.js';
export { gcsSinkOptionsSchema, objectName, normalizePrefix, chunkBytes, resolveGcsOptions, DEFAULT_CHUNK_MIB, GCS_FORMATS, type GcsSinkOptions, type GcsIfExists } from './options.js';
export { crc32cUpdate, fastCrc32cGenerator, type Crc32cValidator } from './crc32c.js';
