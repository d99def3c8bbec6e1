/**
 * Options of a `type: s3` sink (controls.md §8.3) and their defaults. The
 * loader inserts no defaults, so `resolveS3Settings` applies them; transport
 * keys are `x-dsp-runtime` (outside config_hash), keys `x-dsp-secret`.
 */
import { ConfigError, type ConfigIssue } from '../../src/errors.js';
import type { OptionsSchema } from '../../src/engine/plugins.js';
import { formats as formatRegistry } from '../../src/engine/registry.js';
import { DEFAULT_PART_SIZE_MIB, DEFAULT_QUEUE_SIZE, MIN_PART_SIZE_MIB } from './sizing.js';
import { COMPRESSION_OPTION, DELIMITER_OPTION, TABLES_OPTION, compressionIssue, layoutOption } from '../../src/engine/sink-options.js';

export type S3ChecksumMode = 'when_required' | 'when_supported';

export interface S3SinkOptions {
  bucket: string;
  prefix?: string;
  region?: string;
  /** S3-compatible endpoint (s3rver, MinIO, R2, Ceph); '' or unset = AWS. */
  endpoint?: string;
  force_path_style?: boolean;
  checksum_mode?: S3ChecksumMode;
  /** MiB per part. */
  part_size?: number;
  queue_size?: number;
  retries?: number;
  access_key_id?: string;
  secret_access_key?: string;
  session_token?: string;
  conditional_writes?: 'on' | 'off';
  /** Extra user metadata (`x-amz-meta-*`) on every data object. */
  metadata?: Record<string, string>;
  format?: string;
  layout?: 'single' | 'partitioned';
  compression?: 'none' | 'gzip' | 'zstd' | 'snappy';
  delimiter?: string;
  tables?: string[];
  if_exists?: 'fail' | 'overwrite' | 'resume';
}

/** Formats an object store can hold; one not registered in this build fails at plan time (exit 1). */
export const S3_FORMATS = ['csv', 'ndjson', 'parquet', 'arrow'] as const;
/** S3: user metadata (keys + values) is limited to 2 KB per object. */
export const MAX_METADATA_BYTES = 2048;

export const s3SinkOptionsSchema: OptionsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['bucket'],
  properties: {
    bucket: {
      type: 'string',
      pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$',
      'x-dsp-runtime': true,
      description: 'Bucket name (3–63 lower-case letters, digits, dots, hyphens).',
    },
    prefix: {
      type: 'string',
      default: '',
      'x-dsp-runtime': true,
      description: 'Key prefix the outputs, manifest.json and _SUCCESS go under; a trailing / is added when missing.',
    },
    region: { type: 'string', minLength: 1, default: 'us-east-1', 'x-dsp-runtime': true, description: 'AWS region (also signs requests to S3-compatible stores).' },
    endpoint: {
      type: 'string',
      default: '',
      'x-dsp-runtime': true,
      description: 'Endpoint URL of an S3-compatible store (MinIO, R2, Ceph, s3rver), e.g. http://127.0.0.1:9000; empty = AWS S3.',
    },
    force_path_style: {
      type: 'boolean',
      'x-dsp-runtime': true,
      description: 'Path-style URLs (endpoint/bucket/key). Default: true when endpoint is set, else false.',
    },
    checksum_mode: {
      enum: ['when_required', 'when_supported'],
      'x-dsp-runtime': true,
      description: 'SDK request checksums / response validation. Default: when_required when endpoint is set (S3-compatible stores mis-store aws-chunked bodies), else when_supported.',
    },
    part_size: {
      type: 'number',
      minimum: MIN_PART_SIZE_MIB,
      maximum: 5120,
      default: DEFAULT_PART_SIZE_MIB,
      'x-dsp-runtime': true,
      description: 'Multipart part size in MiB (min 5); raised automatically so a planned object stays under 10,000 parts.',
    },
    queue_size: {
      type: 'integer',
      minimum: 1,
      maximum: 64,
      default: DEFAULT_QUEUE_SIZE,
      'x-dsp-runtime': true,
      description: 'Parts uploaded concurrently per object; memory per open object ≈ part_size × (queue_size + 1).',
    },
    retries: {
      type: 'integer',
      minimum: 0,
      maximum: 20,
      default: 2,
      'x-dsp-runtime': true,
      description: 'SDK retries per request (attempts = retries + 1) for transient errors.',
    },
    access_key_id: {
      type: 'string',
      minLength: 1,
      'x-dsp-secret': true,
      description: 'Access key id (use "${AWS_ACCESS_KEY_ID}"); default: the standard AWS credential chain (env, profile, SSO, instance role).',
    },
    secret_access_key: { type: 'string', minLength: 1, 'x-dsp-secret': true, description: 'Secret access key; required with access_key_id.' },
    session_token: { type: 'string', minLength: 1, 'x-dsp-secret': true, description: 'Session token for temporary credentials.' },
    conditional_writes: {
      enum: ['on', 'off'],
      default: 'on',
      'x-dsp-runtime': true,
      description: 'on: _SUCCESS (and if_exists: fail outputs) are created with If-None-Match: *; off, for stores without conditional writes: HEAD then PUT (racy, warned).',
    },
    metadata: {
      type: 'object',
      propertyNames: { pattern: '^[a-z0-9][a-z0-9-]*$' },
      additionalProperties: { type: 'string' },
      'x-dsp-runtime': true,
      description: 'User metadata (x-amz-meta-*) on every data object; at most 2 KB in all.',
    },
    format: { enum: [...S3_FORMATS], default: 'csv', description: 'Object format.' },
    layout: layoutOption('<prefix>'),
    compression: COMPRESSION_OPTION,
    delimiter: DELIMITER_OPTION,
    tables: TABLES_OPTION,
    if_exists: {
      enum: ['fail', 'overwrite'],
      default: 'fail',
      'x-dsp-runtime': true,
      description: 'When an output object already exists: fail (exit 3) or overwrite. --if-exists overrides it.',
    },
  },
};

/** Options with every default applied. */
export interface S3Settings {
  readonly bucket: string;
  /** '' or ends with '/'. */
  readonly prefix: string;
  readonly region: string;
  readonly endpoint: string | null;
  readonly forcePathStyle: boolean;
  readonly checksumMode: S3ChecksumMode;
  readonly partSizeMiB: number;
  readonly queueSize: number;
  readonly maxAttempts: number;
  readonly credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | null;
  readonly conditionalWrites: boolean;
  readonly metadata: Readonly<Record<string, string>>;
  readonly format: string;
  /** The sink's own if_exists (already overwritten by --if-exists), or null: the run's value applies. */
  readonly ifExists: 'fail' | 'overwrite' | null;
}

export function normalizePrefix(prefix: string | undefined): string {
  const p = (prefix ?? '').replace(/^\/+/, '');
  return p === '' || p.endsWith('/') ? p : `${p}/`;
}

/**
 * Applies defaults and checks what the JSON Schema cannot say (credential
 * pairs, format availability, codec per format, metadata size) — a
 * ConfigError (exit 1) names every problem at once.
 */
export function resolveS3Settings(sinkId: string, options: S3SinkOptions): S3Settings {
  const issues: ConfigIssue[] = [];
  const at = (key: string): string => `sinks.${sinkId}.${key}`;
  const endpoint = options.endpoint && options.endpoint.trim() !== '' ? options.endpoint.trim() : null;
  if (endpoint !== null && !/^https?:\/\/[^/\s]+/i.test(endpoint)) {
    issues.push({ path: at('endpoint'), message: `'${endpoint}' is not an http(s) URL`, hint: 'Write it as http://host:port or https://host, or leave it empty for AWS S3' });
  }
  const format = options.format ?? 'csv';
  if (!formatRegistry.get(format)) {
    issues.push({ path: at('format'), message: `format '${format}' is not available in this build (available: ${formatRegistry.keys().join(', ')})` });
  }
  const badCompression = compressionIssue(sinkId, format, options.compression);
  if (badCompression) issues.push(badCompression);
  const hasKey = options.access_key_id !== undefined;
  const hasSecret = options.secret_access_key !== undefined;
  if (hasKey !== hasSecret) {
    issues.push({
      path: at(hasKey ? 'secret_access_key' : 'access_key_id'),
      message: 'access_key_id and secret_access_key go together',
      hint: 'Set both (e.g. "${AWS_SECRET_ACCESS_KEY}"), or neither to use the standard AWS credential chain',
    });
  }
  const metadata = options.metadata ?? {};
  const metaBytes = Object.entries(metadata).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  if (metaBytes > MAX_METADATA_BYTES) {
    issues.push({ path: at('metadata'), message: `user metadata is ${metaBytes} bytes; S3 allows ${MAX_METADATA_BYTES} per object` });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return {
    bucket: options.bucket,
    prefix: normalizePrefix(options.prefix),
    region: options.region ?? 'us-east-1',
    endpoint,
    forcePathStyle: options.force_path_style ?? endpoint !== null,
    checksumMode: options.checksum_mode ?? (endpoint !== null ? 'when_required' : 'when_supported'),
    partSizeMiB: Math.max(MIN_PART_SIZE_MIB, options.part_size ?? DEFAULT_PART_SIZE_MIB),
    queueSize: options.queue_size ?? DEFAULT_QUEUE_SIZE,
    maxAttempts: (options.retries ?? 2) + 1,
    credentials: hasKey && hasSecret
      ? { accessKeyId: options.access_key_id!, secretAccessKey: options.secret_access_key!, ...(options.session_token ? { sessionToken: options.session_token } : {}) }
      : null,
    conditionalWrites: (options.conditional_writes ?? 'on') === 'on',
    metadata,
    format,
    // `resume` (orchestrated retries) rewrites outputs like overwrite; the engine compares hashes.
    ifExists: options.if_exists === undefined ? null : options.if_exists === 'fail' ? 'fail' : 'overwrite',
  };
}
