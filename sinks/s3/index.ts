/** The `s3` sink: Amazon S3 and S3-compatible stores (controls.md §8.3). */
export { s3Sink } from './plugin.js';
export { createS3Sink, buildS3Client, describeS3Error, s3Uri, type S3SinkDeps, type UploadLike } from './s3-sink.js';
export { s3SinkOptionsSchema, resolveS3Settings, normalizePrefix, S3_FORMATS, MAX_METADATA_BYTES, type S3SinkOptions, type S3Settings, type S3ChecksumMode } from './options.js';
export {
  computePartSize, estimateRowBytes, plannedBytes, maxObjectBytes, reservedBytes,
  MIB, DEFAULT_PART_SIZE_MIB, MIN_PART_SIZE_MIB, MAX_PART_SIZE, MAX_PARTS, PLANNED_PARTS, DEFAULT_QUEUE_SIZE,
} from './sizing.js';
export { objectMetadata, type ObjectMetadataProvider } from './metadata.js';
