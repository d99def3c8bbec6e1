/**
 * The S3 sink's own logic, where s3rver is too lax to tell (testing.md: it
 * accepts tiny parts and has no AbortMultipartUpload): part sizing, abort on
 * every error path, the parts limit, create-only markers. The real S3Client
 * and lib-storage Upload run against an in-memory fake HTTP handler that
 * records every request.
 */
import { describe, it, expect } from 'vitest';
import { Readable } from 'node:stream';
import { S3Client } from '@aws-sdk/client-s3';
import { Upload, type Options as UploadOptions } from '@aws-sdk/lib-storage';
import '../../src/plugins.js';
import { ConfigError, OutputError } from '../../src/errors.js';
import { defineTable } from '../../src/engine/schema.js';
import type { OutputTarget, RunContext } from '../../src/engine/plugins.js';
import { writeChunk } from '../../src/engine/streams.js';
import {
  computePartSize, createS3Sink, estimateRowBytes, resolveS3Settings, normalizePrefix, s3Sink,
  MIB, MAX_PART_SIZE, type S3SinkOptions, type UploadLike,
} from '../../sinks/s3/index.js';
import * as registry from '../../src/engine/registry.js';

// ---- a fake S3 at the HTTP level ----

interface Recorded { method: string; path: string; query: Record<string, string>; headers: Record<string, string>; bodyBytes: number }
interface FakeStoreOptions {
  failPart?: number;
  failStatus?: number;
  conditional?: boolean;
  missingBucket?: boolean;
}

class FakeS3 {
  readonly requests: Recorded[] = [];
  readonly objects = new Map<string, Buffer>();
  readonly uploads = new Map<string, Map<number, Buffer>>();
  private nextUpload = 1;
  constructor(private readonly opts: FakeStoreOptions = {}) {}

  readonly handler = {
    handle: async (request: { method: string; path: string; query?: Record<string, string | string[] | null>; headers: Record<string, string>; body?: unknown }) => {
      const body = await readBody(request.body);
      const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]));
      const query = Object.fromEntries(Object.entries(request.query ?? {}).map(([k, v]) => [k, v === null ? '' : String(v)]));
      this.requests.push({ method: request.method, path: request.path, query, headers, bodyBytes: body.length });
      return { response: this.respond(request.method, decodeURIComponent(request.path), query, headers, body) };
    },
  };

  private respond(method: string, path: string, query: Record<string, string>, headers: Record<string, string>, body: Buffer): FakeResponse {
    const [, bucket, ...rest] = path.split('/');
    const key = rest.join('/');
    if (this.opts.missingBucket) return error(404, 'NoSuchBucket', 'The specified bucket does not exist');
    if (key === '') return method === 'HEAD' ? ok() : error(400, 'InvalidRequest', 'unexpected bucket request');
    const id = `${bucket}/${key}`;
    if (method === 'HEAD' || (method === 'GET' && !('uploadId' in query))) {
      const obj = this.objects.get(id);
      if (!obj) return method === 'HEAD' ? { statusCode: 404, headers: {} } : error(404, 'NoSuchKey', 'The specified key does not exist.');
      return ok(method === 'GET' ? obj : undefined, { etag: '"e"', 'content-length': String(obj.length) });
    }
    if (method === 'POST' && 'uploads' in query) {
      const uploadId = `u${this.nextUpload++}`;
      this.uploads.set(uploadId, new Map());
      return ok(`<InitiateMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${key}</Key><UploadId>${uploadId}</UploadId></InitiateMultipartUploadResult>`);
    }
    if (method === 'PUT' && 'partNumber' in query) {
      const n = Number(query.partNumber);
      if (n === this.opts.failPart) return error(this.opts.failStatus ?? 500, 'InternalError', 'part rejected by the fake');
      this.uploads.get(query.uploadId)?.set(n, body);
      return ok(undefined, { etag: `"p${n}"` });
    }
    if (method === 'POST' && 'uploadId' in query) {
      const parts = this.uploads.get(query.uploadId)!;
      const all = [...parts.entries()].sort((a, b) => a[0] - b[0]).map(([, b]) => b);
      if (this.opts.conditional && headers['if-none-match'] === '*' && this.objects.has(id)) return error(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
      this.objects.set(id, Buffer.concat(all));
      this.uploads.delete(query.uploadId);
      return ok(`<CompleteMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${key}</Key><ETag>"mpu-${all.length}"</ETag></CompleteMultipartUploadResult>`, { 'x-amz-version-id': 'v-mpu' });
    }
    if (method === 'DELETE' && 'uploadId' in query) {
      this.uploads.delete(query.uploadId);
      return { statusCode: 204, headers: {} };
    }
    if (method === 'PUT') {
      if (this.opts.conditional && headers['if-none-match'] === '*' && this.objects.has(id)) return error(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
      this.objects.set(id, body);
      return ok(undefined, { etag: '"single"', 'x-amz-version-id': 'v-single' });
    }
    if (method === 'DELETE') {
      this.objects.delete(id);
      return { statusCode: 204, headers: {} };
    }
    return error(501, 'NotImplemented', `${method} ${path}`);
  }

  count(pred: (r: Recorded) => boolean): number {
    return this.requests.filter(pred).length;
  }

  client(): S3Client {
    return new S3Client({
      endpoint: 'http://fake-s3.invalid',
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 1,
      requestHandler: this.handler,
    });
  }
}

interface FakeResponse { statusCode: number; headers: Record<string, string>; body?: Readable }
function ok(body?: string | Buffer, headers: Record<string, string> = {}): FakeResponse {
  return { statusCode: 200, headers, body: Readable.from(body === undefined ? [] : [Buffer.from(body)]) };
}
function error(statusCode: number, code: string, message: string): FakeResponse {
  return { statusCode, headers: { 'content-type': 'application/xml' }, body: Readable.from([Buffer.from(`<Error><Code>${code}</Code><Message>${message}</Message></Error>`)]) };
}
async function readBody(body: unknown): Promise<Buffer> {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof Uint8Array) return Buffer.from(body);
  const chunks: Buffer[] = [];
  for await (const c of body as AsyncIterable<Buffer>) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

// ---- helpers ----

const schema = defineTable('gl', 'test table', [
  ['id', { type: 'string', description: 'id' }],
  ['amount', { type: 'money', description: 'amount' }],
]);
function target(over: Partial<OutputTarget> = {}): OutputTarget {
  return { table: 'gl', partitions: [0], partitionCount: 1, layout: 'single', format: 'csv', compression: 'none', schema, ...over };
}
function ctx(ifExists: RunContext['ifExists'] = 'fail'): RunContext {
  return { runId: 'r', attemptId: 'a', controlRoot: '/tmp/none', signal: new AbortController().signal, ifExists };
}
const base: S3SinkOptions = { bucket: 'lake', endpoint: 'http://fake-s3.invalid', prefix: 'runs/1', retries: 0 };

/** Counts abort() calls on the real lib-storage Upload. */
function countingUploads(): { createUpload: (o: UploadOptions) => UploadLike; aborts: () => number; partSizes: number[] } {
  let aborts = 0;
  const partSizes: number[] = [];
  return {
    aborts: () => aborts,
    partSizes,
    createUpload: (o) => {
      partSizes.push(o.partSize ?? 0);
      const u = new Upload(o);
      const orig = u.abort.bind(u);
      u.abort = async () => {
        aborts++;
        return orig();
      };
      return u;
    },
  };
}

/** Writes like the engine does (coarse chunks, awaiting drain), then ends. */
async function writeAll(w: { writable: NodeJS.WritableStream & import('node:stream').Writable }, bytes: Buffer, chunk = 256 * 1024): Promise<void> {
  for (let i = 0; i < bytes.length; i += chunk) await writeChunk(w.writable, bytes.subarray(i, i + chunk));
  w.writable.end();
}

const bytesOf = (n: number): Buffer => {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = 97 + (i % 23);
  return b;
};

// ---- tests ----

describe('part sizing', () => {
  it('defaults to 8 MiB and never goes below 5 MiB', () => {
    expect(computePartSize(undefined, undefined)).toBe(8 * MIB);
    expect(computePartSize(3, undefined)).toBe(5 * MIB);
    expect(computePartSize(16, 1_000_000)).toBe(16 * MIB);
  });
  it('raises the part size to ⌈planned bytes / 9,000⌉ (whole MiB) for huge objects, capped at 5 GiB', () => {
    const planned = 200 * 1024 * MIB; // 200 GiB
    const p = computePartSize(8, planned);
    expect(p).toBe(23 * MIB); // 204800 MiB / 9000 = 22.76 → 23
    expect(Math.ceil(planned / p)).toBeLessThanOrEqual(9000);
    expect(computePartSize(8, 10 ** 15)).toBe(MAX_PART_SIZE);
  });
  it('estimates NDJSON rows larger than CSV rows and both above the widest plain values', () => {
    const csv = estimateRowBytes(schema, 'csv');
    expect(csv).toBeGreaterThanOrEqual('"abcdefghijklmnopqrstuvwxyz012345",-99999999999.99\n'.length);
    expect(estimateRowBytes(schema, 'ndjson')).toBeGreaterThan(csv);
  });
  it('sizes the Upload from the planned rows of a single-layout output', async () => {
    const fake = new FakeS3();
    const up = countingUploads();
    const sink = createS3Sink('lake', base, { client: fake.client(), createUpload: up.createUpload });
    const rowBytes = estimateRowBytes(schema, 'csv');
    const rows = Math.ceil((100 * 1024 * MIB) / rowBytes); // ≈100 GiB planned
    const w = await sink.open(target({ plannedRows: rows }), ctx());
    await w.abort(new Error('test done'));
    expect(up.partSizes[0]).toBe(Math.ceil(Math.ceil((rows * rowBytes) / 9000) / MIB) * MIB);
    expect(up.partSizes[0]).toBeGreaterThan(8 * MIB);
  });
});

describe('settings', () => {
  it('an endpoint implies path style and WHEN_REQUIRED checksums; AWS keeps virtual hosts and WHEN_SUPPORTED', () => {
    const local = resolveS3Settings('x', { bucket: 'lake', endpoint: 'http://127.0.0.1:9000' });
    expect([local.forcePathStyle, local.checksumMode]).toEqual([true, 'when_required']);
    const aws = resolveS3Settings('x', { bucket: 'lake', endpoint: '' });
    expect([aws.endpoint, aws.forcePathStyle, aws.checksumMode, aws.region]).toEqual([null, false, 'when_supported', 'us-east-1']);
    const forced = resolveS3Settings('x', { bucket: 'lake', endpoint: 'http://h:1', force_path_style: false, checksum_mode: 'when_supported' });
    expect([forced.forcePathStyle, forced.checksumMode]).toEqual([false, 'when_supported']);
  });
  it('normalizes the prefix to a folder', () => {
    expect(normalizePrefix('synth/run1')).toBe('synth/run1/');
    expect(normalizePrefix('/synth/run1/')).toBe('synth/run1/');
    expect(normalizePrefix('')).toBe('');
  });
  it('rejects half a key pair, a bad endpoint, a codec of another format and oversized metadata, all at once', () => {
    let err: unknown;
    try {
      resolveS3Settings('lake', { bucket: 'lake', access_key_id: 'AKIA', endpoint: 'ftp://x', compression: 'zstd', format: 'csv', metadata: { big: 'x'.repeat(3000) } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const paths = (err as ConfigError).issues.map((i) => i.path).sort();
    expect(paths).toEqual(['sinks.lake.compression', 'sinks.lake.endpoint', 'sinks.lake.metadata', 'sinks.lake.secret_access_key']);
  });
  it('a format this build lacks fails at plan time with the formats it has', () => {
    const missing = S3FormatsNotRegistered();
    if (missing === null) return expect(registry.formats.get('parquet')).toBeDefined();
    expect(() => resolveS3Settings('lake', { bucket: 'lake', format: missing })).toThrow(new RegExp(`format '${missing}' is not available in this build \\(available: .*csv`));
  });
  it('marks transport keys runtime-only and credentials secret', () => {
    const props = s3Sink.optionsSchema.properties as Record<string, Record<string, unknown>>;
    for (const k of ['bucket', 'prefix', 'endpoint', 'region', 'part_size', 'queue_size', 'checksum_mode', 'if_exists', 'retries']) expect(props[k]['x-dsp-runtime']).toBe(true);
    for (const k of ['access_key_id', 'secret_access_key', 'session_token']) expect(props[k]['x-dsp-secret']).toBe(true);
    expect(s3Sink.optionsSchema.required).toEqual(['bucket']);
  });
});

function S3FormatsNotRegistered(): string | null {
  return ['parquet', 'arrow'].find((f) => !registry.formats.get(f)) ?? null;
}

describe('writer against a fake store', () => {
  it('streams a multipart upload in exact parts and records ETag / VersionId', async () => {
    const fake = new FakeS3();
    const sink = createS3Sink('lake', { ...base, part_size: 5 }, { client: fake.client() });
    const w = await sink.open(target(), ctx());
    const data = bytesOf(12 * MIB + 123);
    await writeAll(w, data);
    const c = await w.commit();
    expect(c.uri).toBe('s3://lake/runs/1/gl.csv');
    expect(c.rel).toBeNull();
    expect(c.extra).toEqual({ etag: '"mpu-3"', version_id: 'v-mpu' });
    expect(fake.objects.get('lake/runs/1/gl.csv')!.equals(data)).toBe(true);
    const parts = fake.requests.filter((r) => r.method === 'PUT' && 'partNumber' in r.query).map((r) => [Number(r.query.partNumber), r.bodyBytes]).sort((a, b) => a[0] - b[0]);
    expect(parts).toEqual([[1, 5 * MIB], [2, 5 * MIB], [3, 2 * MIB + 123]]);
    // HEAD (if_exists: fail) comes before any upload request; the object is created only by Complete.
    expect(fake.requests[0].method).toBe('HEAD');
    expect(fake.requests.at(-1)!.method).toBe('POST');
    expect(w.bufferedBytes()).toBe(0);
  });

  it('a small object is one PutObject sent after the last byte, with content type and metadata', async () => {
    const fake = new FakeS3();
    const sink = createS3Sink('lake', { ...base, metadata: { team: 'finance' } }, { client: fake.client() });
    const w = await sink.open(target({ compression: 'gzip' }), ctx());
    await writeAll(w, bytesOf(1000));
    const c = await w.commit();
    expect(c.uri).toBe('s3://lake/runs/1/gl.csv.gz');
    expect(c.extra).toEqual({ etag: '"single"', version_id: 'v-single' });
    const put = fake.requests.find((r) => r.method === 'PUT')!;
    expect(put.headers['content-type']).toBe('application/gzip');
    expect(put.headers['x-amz-meta-team']).toBe('finance');
    expect(put.headers['if-none-match']).toBe('*');
  });

  it('a failed part aborts the multipart upload, never completes it, and fails the writes with the sink error', async () => {
    const fake = new FakeS3({ failPart: 2 });
    const up = countingUploads();
    const sink = createS3Sink('lake', { ...base, part_size: 5, queue_size: 1 }, { client: fake.client(), createUpload: up.createUpload });
    const w = await sink.open(target(), ctx());
    const err = await writeAll(w, bytesOf(30 * MIB)).then(() => w.commit()).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(OutputError);
    expect((err as OutputError).code).toBe('DSP_SINK_S3_UPLOAD');
    expect((err as OutputError).message).toMatch(/sink lake: upload of s3:\/\/lake\/runs\/1\/gl\.csv at endpoint http:\/\/fake-s3\.invalid failed: InternalError \(HTTP 500\)/);
    await w.abort(err);
    expect(up.aborts()).toBeGreaterThanOrEqual(1);
    expect(fake.count((r) => r.method === 'DELETE' && 'uploadId' in r.query)).toBe(1);
    expect(fake.count((r) => r.method === 'POST' && 'uploadId' in r.query)).toBe(0);
    expect(fake.objects.size).toBe(0);
    await expect(w.commit()).rejects.toThrow(/DSP_SINK_S3|aborted|InternalError/);
  });

  it('abort() mid-stream aborts the upload, leaves no object, never throws, and commit then fails', async () => {
    const fake = new FakeS3();
    const up = countingUploads();
    const sink = createS3Sink('lake', { ...base, part_size: 5 }, { client: fake.client(), createUpload: up.createUpload });
    const w = await sink.open(target(), ctx());
    for (let i = 0; i < 30; i++) await writeChunk(w.writable, bytesOf(256 * 1024));
    await expect(w.abort(new Error('stop'))).resolves.toBeUndefined();
    await expect(w.abort(new Error('again'))).resolves.toBeUndefined();
    expect(up.aborts()).toBe(1);
    await expect(w.commit()).rejects.toMatchObject({ code: 'DSP_SINK_S3_ABORTED' });
    expect(fake.objects.size).toBe(0);
    expect(fake.count((r) => r.method === 'POST' && 'uploadId' in r.query)).toBe(0);
  });

  it('abort() swallows a failing upload.abort()', async () => {
    const fake = new FakeS3();
    const sink = createS3Sink('lake', base, {
      client: fake.client(),
      createUpload: (o) => {
        const u = new Upload(o);
        u.abort = async () => {
          throw new Error('abort exploded');
        };
        return u;
      },
    });
    const w = await sink.open(target(), ctx());
    await writeChunk(w.writable, bytesOf(1000));
    await expect(w.abort(new Error('stop'))).resolves.toBeUndefined();
    expect(w.writable.destroyed).toBe(true);
  });

  it('the engine destroying the writable aborts the upload', async () => {
    const fake = new FakeS3();
    const up = countingUploads();
    const sink = createS3Sink('lake', base, { client: fake.client(), createUpload: up.createUpload });
    const w = await sink.open(target(), ctx());
    await writeChunk(w.writable, bytesOf(1000));
    w.writable.destroy();
    expect(up.aborts()).toBe(1);
    await w.abort(new Error('x'));
    expect(fake.objects.size).toBe(0);
  });

  it('refuses to grow past the parts limit with a clear error and aborts', async () => {
    const fake = new FakeS3();
    const up = countingUploads();
    const sink = createS3Sink('lake', { ...base, part_size: 5 }, { client: fake.client(), createUpload: up.createUpload, maxParts: 2 });
    const w = await sink.open(target(), ctx());
    const err = await writeAll(w, bytesOf(11 * MIB)).then(() => null, (e: unknown) => e);
    expect((err as OutputError).code).toBe('DSP_SINK_S3_TOO_LARGE');
    expect((err as OutputError).message).toMatch(/would exceed 10 MiB \(2 parts of 5 MiB, S3's limit\)\. Raise part_size/);
    expect(up.aborts()).toBeGreaterThanOrEqual(1);
    await w.abort(err);
    expect(fake.count((r) => r.method === 'POST' && 'uploadId' in r.query)).toBe(0);
    expect(fake.objects.size).toBe(0);
  });

  it('if_exists: fail refuses an existing object at open; overwrite replaces it and drops a stale _SUCCESS', async () => {
    const fake = new FakeS3();
    fake.objects.set('lake/runs/1/gl.csv', Buffer.from('old'));
    fake.objects.set('lake/runs/1/_SUCCESS', Buffer.from('old marker'));
    const failing = createS3Sink('lake', base, { client: fake.client() });
    await expect(failing.open(target(), ctx())).rejects.toMatchObject({ code: 'DSP_SINK_S3_EXISTS', message: expect.stringMatching(/s3:\/\/lake\/runs\/1\/gl\.csv already exists \(if_exists: fail\)\. Pass --if-exists overwrite/) });
    const over = createS3Sink('lake', { ...base, if_exists: 'overwrite' }, { client: fake.client() });
    const w = await over.open(target(), ctx());
    expect(fake.objects.has('lake/runs/1/_SUCCESS')).toBe(false);
    await writeAll(w, Buffer.from('new'));
    await w.commit();
    expect(fake.objects.get('lake/runs/1/gl.csv')!.toString()).toBe('new');
    const put = fake.requests.find((r) => r.method === 'PUT')!;
    expect(put.headers['if-none-match']).toBeUndefined();
  });

  it('a 412 on commit (another writer created the key meanwhile) is DSP_SINK_S3_EXISTS', async () => {
    const fake = new FakeS3({ conditional: true });
    const sink = createS3Sink('lake', base, { client: fake.client() });
    const w = await sink.open(target(), ctx());
    fake.objects.set('lake/runs/1/gl.csv', Buffer.from('raced'));
    await writeAll(w, Buffer.from('mine'));
    await expect(w.commit()).rejects.toMatchObject({ code: 'DSP_SINK_S3_EXISTS' });
    expect(fake.objects.get('lake/runs/1/gl.csv')!.toString()).toBe('raced');
  });
});

describe('publishRun', () => {
  const files = { manifest: Buffer.from('{"m":1}\n'), success: Buffer.from('{"run_id":"r"}\n') };

  it('puts manifest.json, then _SUCCESS create-only', async () => {
    const fake = new FakeS3({ conditional: true });
    const sink = createS3Sink('lake', base, { client: fake.client() });
    await sink.publishRun!(files, ctx());
    const puts = fake.requests.filter((r) => r.method === 'PUT');
    expect(puts.map((r) => r.path)).toEqual(['/lake/runs/1/manifest.json', '/lake/runs/1/_SUCCESS']);
    expect(puts[0].headers['if-none-match']).toBeUndefined();
    expect(puts[1].headers['if-none-match']).toBe('*');
    expect(fake.objects.get('lake/runs/1/_SUCCESS')!.equals(files.success)).toBe(true);
  });

  it('412 with the same body is success (a retried PUT); a different body is DSP_ALREADY_COMMITTED', async () => {
    const fake = new FakeS3({ conditional: true });
    fake.objects.set('lake/runs/1/_SUCCESS', files.success);
    const sink = createS3Sink('lake', base, { client: fake.client() });
    await expect(sink.publishRun!(files, ctx())).resolves.toBeUndefined();
    fake.objects.set('lake/runs/1/_SUCCESS', Buffer.from('{"run_id":"other"}\n'));
    await expect(sink.publishRun!(files, ctx())).rejects.toMatchObject({ code: 'DSP_ALREADY_COMMITTED', exitCode: 3 });
    expect(fake.objects.get('lake/runs/1/_SUCCESS')!.toString()).toContain('other');
  });

  it('conditional_writes: off uses HEAD then PUT and warns once', async () => {
    const fake = new FakeS3();
    const warnings: string[] = [];
    const sink = createS3Sink('lake', { ...base, conditional_writes: 'off' }, { client: fake.client(), warn: (code) => warnings.push(code) });
    await sink.publishRun!(files, ctx());
    const calls = fake.requests.map((r) => `${r.method} ${r.path}`);
    expect(calls).toEqual(['PUT /lake/runs/1/manifest.json', 'HEAD /lake/runs/1/_SUCCESS', 'PUT /lake/runs/1/_SUCCESS']);
    expect(fake.requests[2].headers['if-none-match']).toBeUndefined();
    expect(warnings).toEqual(['DSP_WARN_S3_UNCONDITIONAL']);
  });
});

describe('check', () => {
  it('names the bucket and endpoint when HeadBucket fails', async () => {
    const fake = new FakeS3({ missingBucket: true });
    const sink = createS3Sink('lake', base, { client: fake.client() });
    await expect(sink.check(new AbortController().signal)).rejects.toMatchObject({
      code: 'DSP_SINK_S3_CHECK',
      exitCode: 3,
      message: expect.stringMatching(/sink lake: bucket lake check \(HeadBucket\) at endpoint http:\/\/fake-s3\.invalid failed: .*404.*Check the bucket name/),
    });
  });
  it('passes on a reachable bucket', async () => {
    const fake = new FakeS3();
    const sink = createS3Sink('lake', base, { client: fake.client() });
    await expect(sink.check(new AbortController().signal)).resolves.toBeUndefined();
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['HEAD /lake/']);
  });
});

describe('s3 sink options: compression must fit the format (shared rule with file and gcs)', () => {
  it('rejects gzip for parquet and zstd for csv, with the key path', async () => {
    const { resolveS3Settings } = await import('../../sinks/s3/options.js');
    await import('../../src/plugins.js');
    expect(() => resolveS3Settings('lake', { bucket: 'lake-bucket', format: 'parquet', compression: 'gzip' })).toThrow(/sinks\.lake\.compression: compression gzip does not apply to format parquet/);
    expect(() => resolveS3Settings('lake', { bucket: 'lake-bucket', format: 'csv', compression: 'zstd' })).toThrow(/does not apply to format csv/);
    expect(() => resolveS3Settings('lake', { bucket: 'lake-bucket', format: 'parquet', compression: 'snappy' })).not.toThrow();
  });
});
