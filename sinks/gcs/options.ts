/**
 * Options of the `gcs` sink: schema, defaults and validation, and the pure helpers
 * the sink uses. Kept free of @google-cloud/storage so registering the sink (and
 * `datasynth-pipe --help`) does not load the SDK.
 */
import { sep } from 'node:path';
import { ConfigError } from '../../src/errors.js';
import type { OptionsSchema, OutputTarget } from '../../src/engine/plugins.js';
import { formats as formatRegistry } from '../../src/engine/registry.js';
import { builtinFormats } from '../../src/formats/index.js';
import { outputRelativePath } from '../file/file-sink.js';
import { COMPRESSION_OPTION, DELIMITER_OPTION, TABLES_OPTION, compressionIssue, layoutOption } from '../../src/engine/sink-options.js';

export type GcsIfExists = 'fail' | 'overwrite';

/** Options next to `type`/`inputs` in a `type: gcs` sink (defaults applied here: the loader inserts none). */
export interface GcsSinkOptions {
  bucket: string;
  prefix?: string;
  /** MiB per resumable chunk; a multiple of 0.25 (256 KiB). */
  chunk_size?: number;
  format?: 'csv' | 'ndjson' | 'parquet' | 'arrow';
  compression?: 'none' | 'gzip' | 'zstd' | 'snappy';
  layout?: 'single' | 'partitioned';
  delimiter?: string;
  tables?: string[];
  /** The planner may write `resume` here from --if-exists; it behaves like overwrite (same bytes). */
  if_exists?: GcsIfExists | 'resume';
  project_id?: string;
  /** Another endpoint than Google's (tests, emulators), e.g. http://127.0.0.1:4443. */
  api_endpoint?: string;
  /** SDK retries of transient failures per request (0 turns retrying off). */
  retries?: number;
}

export const DEFAULT_CHUNK_MIB = 8;
export const QUARTER_MIB = 256 * 1024;
export const DEFAULT_RETRIES = 3;
export const GOOGLE_ENDPOINT = 'https://storage.googleapis.com';
/** Cancelling a dropped session is best effort; never let it hold an abort up. */
export const CANCEL_TIMEOUT_MS = 5_000;

export const GCS_FORMATS = ['csv', 'ndjson', 'parquet', 'arrow'] as const;

export const gcsSinkOptionsSchema: OptionsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['bucket'],
  properties: {
    bucket: {
      type: 'string',
      minLength: 3,
      maxLength: 222,
      pattern: '^[a-z0-9][a-z0-9._-]*[a-z0-9]$',
      'x-dsp-runtime': true,
      description: 'Bucket name (must exist; the sink never creates buckets).',
    },
    prefix: {
      type: 'string',
      default: '',
      'x-dsp-runtime': true,
      description: "Object-name prefix; a '/' is added when missing, so prefix: runs/1 writes runs/1/<table>.<ext>.",
    },
    chunk_size: {
      type: 'number',
      exclusiveMinimum: 0,
      maximum: 1024,
      multipleOf: 0.25,
      default: DEFAULT_CHUNK_MIB,
      'x-dsp-runtime': true,
      description: 'Resumable-upload chunk in MiB (a multiple of 0.25 = 256 KiB). Each open output buffers one chunk; a failed request resumes from the last acknowledged chunk.',
    },
    format: { enum: [...GCS_FORMATS], default: 'csv', description: 'Object format.' },
    compression: COMPRESSION_OPTION,
    layout: layoutOption('<prefix>'),
    delimiter: DELIMITER_OPTION,
    tables: TABLES_OPTION,
    if_exists: {
      enum: ['fail', 'overwrite'],
      default: 'fail',
      'x-dsp-runtime': true,
      description: 'An object already exists: fail (exit 3, DSP_SINK_GCS_EXISTS) or overwrite (replaces exactly the generation seen at open). --if-exists overrides it.',
    },
    project_id: {
      type: 'string',
      minLength: 1,
      'x-dsp-runtime': true,
      description: 'Google Cloud project (default: from Application Default Credentials). Credentials always come from ADC (GOOGLE_APPLICATION_CREDENTIALS).',
    },
    api_endpoint: {
      type: 'string',
      'x-dsp-runtime': true,
      description: 'Storage endpoint other than https://storage.googleapis.com (emulators, tests), e.g. "${GCS_ENDPOINT:-}"; empty means Google. No authentication is sent to a non-Google endpoint.',
    },
    retries: {
      type: 'integer',
      minimum: 0,
      maximum: 10,
      default: DEFAULT_RETRIES,
      'x-dsp-runtime': true,
      description: 'Retries of a transient failure (connection reset, 408/429/5xx) per request, with exponential back-off; uploads resume where the server stopped.',
    },
  },
};

/** `prefix` as an object-name directory: no leading '/', one trailing '/' (empty stays empty). */
export function normalizePrefix(prefix: string | undefined): string {
  const p = (prefix ?? '').replace(/^\/+/, '');
  return p === '' || p.endsWith('/') ? p : `${p}/`;
}

/** The object name of an output: prefix + the file sink's relative name (controls.md §8.2). */
export function objectName(prefix: string | undefined, target: OutputTarget): string {
  return normalizePrefix(prefix) + outputRelativePath(target).split(sep).join('/');
}

/** Chunk size in bytes: MiB × 2^20, which `multipleOf: 0.25` keeps a multiple of 256 KiB. */
export function chunkBytes(chunkMiB: number | undefined): number {
  const bytes = Math.round((chunkMiB ?? DEFAULT_CHUNK_MIB) * 1024 * 1024);
  if (!(bytes >= QUARTER_MIB) || bytes % QUARTER_MIB !== 0) {
    throw new ConfigError([{ path: 'chunk_size', message: `chunk_size ${chunkMiB} MiB is not a positive multiple of 0.25 MiB (256 KiB)` }]);
  }
  return bytes;
}

export function mediaTypeOf(format: string, compression: string): string {
  // gzip stays the object's own type: with Content-Encoding: gzip GCS would transcode downloads,
  // and what a reader fetches would no longer hash to the manifest's sha256.
  if (compression === 'gzip') return 'application/gzip';
  return formatRegistry.get(format)?.mediaType ?? builtinFormats.find((f) => f.name === format)?.mediaType ?? 'application/octet-stream';
}

/** `api_endpoint` as the SDK will use it (https:// added when no scheme), or a ConfigError. */
export function endpointUrl(sinkId: string, raw: string): string {
  const withScheme = /^\w*:\/\//.test(raw) ? raw : `https://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ConfigError([{ path: `sinks.${sinkId}.api_endpoint`, message: `'${raw}' is not a URL`, hint: 'Use e.g. http://127.0.0.1:4443, or leave it empty for Google Cloud Storage' }]);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError([{ path: `sinks.${sinkId}.api_endpoint`, message: `'${raw}' must be an http or https URL` }]);
  }
  // Credentials never belong in an endpoint (and would be printed in errors).
  if (url.username || url.password) {
    throw new ConfigError([{ path: `sinks.${sinkId}.api_endpoint`, message: 'the endpoint URL must not contain credentials; use Application Default Credentials' }]);
  }
  return withScheme.replace(/\/+$/, '');
}

// ---- errors ----

export interface ErrorFacts {
  status: number | null;
  code: string | null;
  message: string;
}

/** HTTP status, transport code and message of whatever the SDK (ApiError, gaxios, Upload) threw. */
export function factsOf(err: unknown): ErrorFacts {
  const e = err as { code?: unknown; status?: unknown; response?: { status?: unknown }; message?: unknown; errors?: Array<{ error?: { message?: string }; message?: string }> } | null;
  let status: number | null = null;
  let code: string | null = null;
  if (typeof e?.code === 'number') status = e.code;
  else if (typeof e?.code === 'string') {
    if (/^\d{3}$/.test(e.code)) status = Number(e.code);
    else code = e.code;
  }
  if (status === null && typeof e?.response?.status === 'number') status = e.response.status;
  if (status === null && typeof e?.status === 'number') status = e.status;
  let message = typeof e?.message === 'string' ? e.message : String(err);
  const inner = e?.errors?.[0];
  const detail = inner?.error?.message ?? inner?.message;
  if (detail && !message.includes(detail)) message = `${message}: ${detail}`;
  return { status, code, message: redactUrls(message) };
}

/** Session URIs carry an upload id that grants write access to the session: never print one. */
export function redactUrls(text: string): string {
  return text.replace(/upload_id=[^&\s"']+/g, 'upload_id=***');
}

// ---- writer ----


/**
 * Checks a gcs sink's options when the plan is built (before anything is written) and
 * resolves the values the sink needs; the SDK is not involved.
 */
export function resolveGcsOptions(id: string, options: GcsSinkOptions): { chunkSize: number; prefix: string; endpoint: string; retries: number } {
  if (!options || typeof options.bucket !== 'string' || options.bucket === '') {
    throw new ConfigError([{ path: `sinks.${id}.bucket`, message: 'a gcs sink needs a bucket' }]);
  }
  const format = options.format ?? 'csv';
  const badCompression = compressionIssue(id, format, options.compression);
  if (badCompression) throw new ConfigError([badCompression]);
  let chunkSize: number;
  try {
    chunkSize = chunkBytes(options.chunk_size);
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError(err.issues.map((i) => ({ ...i, path: `sinks.${id}.${i.path}` })));
    throw err;
  }
  return {
    chunkSize,
    prefix: normalizePrefix(options.prefix),
    endpoint: options.api_endpoint ? endpointUrl(id, options.api_endpoint) : GOOGLE_ENDPOINT,
    retries: options.retries ?? DEFAULT_RETRIES,
  };
}
