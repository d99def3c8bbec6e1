/**
 * S3 sink (controls.md §8.3): one `@aws-sdk/lib-storage` Upload per output,
 * streaming multipart with bounded memory (part_size × (queue_size + 1)).
 * Nothing partial becomes visible: a multipart upload that is not completed
 * never creates the object, and every error path aborts the upload; a
 * single-part object is sent by one PutObject only after the last byte.
 * `manifest.json` then `_SUCCESS` (create-only) are published last.
 *
 * @example
 * const sink = s3Sink.create('lake', { bucket: 'finance-lake', prefix: 'synth/run1/' }, settings);
 * const w = await sink.open(target, ctx);
 * w.writable.end(bytes);
 * const { uri, extra } = await w.commit(); // s3://finance-lake/synth/run1/gl.csv, {etag, version_id}
 */
import { Writable, PassThrough } from 'node:stream';
import { sep } from 'node:path';
import {
  S3Client, HeadBucketCommand, HeadObjectCommand, PutObjectCommand, GetObjectCommand, DeleteObjectCommand,
  type CompleteMultipartUploadCommandOutput, type PutObjectCommandInput, type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload, type Options as UploadOptions, type Progress } from '@aws-sdk/lib-storage';
import { OutputError } from '../../src/errors.js';
import type { CommittedOutput, OutputTarget, OutputWriter, RunContext, Sink } from '../../src/engine/plugins.js';
import { formats as formatRegistry } from '../../src/engine/registry.js';
import { redactUrlPassword } from '../../src/config/redact.js';
import { outputRelativePath } from '../file/file-sink.js';
import { resolveS3Settings, type S3Settings, type S3SinkOptions } from './options.js';
import { computePartSize, maxObjectBytes, plannedBytes, reservedBytes, MIB, MAX_PARTS } from './sizing.js';
import { objectMetadata, type ObjectMetadataProvider } from './metadata.js';
import { endAndFinish } from '../../src/engine/streams.js';

/** What the writer needs of a lib-storage Upload (a fake in unit tests). */
export interface UploadLike {
  done(): Promise<Pick<CompleteMultipartUploadCommandOutput, 'ETag' | 'VersionId'>>;
  abort(): Promise<void>;
  on(event: 'httpUploadProgress', listener: (progress: Progress) => void): unknown;
}

export interface S3SinkDeps {
  /** A ready client (tests, benchmarks); default: built from the options. */
  client?: S3Client;
  createUpload?: (options: UploadOptions) => UploadLike;
  /** Where warnings go; default stderr. */
  warn?: (code: string, message: string) => void;
  /** Issue 6 (content marking) adds object metadata here. */
  metadataProvider?: ObjectMetadataProvider;
  /** S3's 10,000 parts per upload; lowered only by tests of the limit. */
  maxParts?: number;
}

/** Engine chunks are 64–256 KiB (controls.md §8.1 rule 2). */
const STREAM_HIGH_WATER_MARK = 256 * 1024;
/**
 * While the engine generates, only ticks and microtasks run, so the event loop
 * would not poll the upload's sockets until backpressure stops generation:
 * generating and uploading would take turns. A macrotask pause per this many
 * bytes lets them overlap (measured in bench/s3.ts).
 */
const YIELD_BYTES = 1024 * 1024;
const CONFLICT_RETRIES = 3;

export function buildS3Client(s: S3Settings): S3Client {
  const mode = s.checksumMode === 'when_required' ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED';
  const config: S3ClientConfig = {
    region: s.region,
    forcePathStyle: s.forcePathStyle,
    requestChecksumCalculation: mode,
    responseChecksumValidation: mode,
    maxAttempts: s.maxAttempts,
    // A store that stops answering must fail the run, not hang it.
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 300_000 },
    ...(s.endpoint ? { endpoint: s.endpoint } : {}),
    ...(s.credentials ? { credentials: s.credentials } : {}),
  };
  return new S3Client(config);
}

/** `s3://bucket/key`: no endpoint, no credentials (controls.md §0). */
export function s3Uri(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

interface SdkErrorLike {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

function httpStatus(err: unknown): number | undefined {
  return (err as SdkErrorLike)?.$metadata?.httpStatusCode;
}

function isNotFound(err: unknown): boolean {
  const e = err as SdkErrorLike;
  return httpStatus(err) === 404 || e?.name === 'NotFound' || e?.name === 'NoSuchKey';
}

/** `NoSuchBucket (HTTP 404): The specified bucket does not exist` — never a credential. */
export function describeS3Error(err: unknown): string {
  const e = err as SdkErrorLike;
  if (e === null || typeof e !== 'object') return String(err);
  const status = httpStatus(err);
  const name = e.name && e.name !== 'Error' ? e.name : e.code ?? 'Error';
  const text = e.message && e.message !== name && e.message !== 'UnknownError' ? e.message : '';
  // Node network errors already name their code ("connect ECONNREFUSED 127.0.0.1:9000").
  if (text.includes(name) && !status) return redactUrlPassword(text);
  return redactUrlPassword(`${name}${status ? ` (HTTP ${status})` : ''}${text ? `: ${text}` : ''}`);
}

/** What to try, by the kind of failure. */
function adviceFor(err: unknown, where: string): string {
  const e = err as SdkErrorLike;
  const status = httpStatus(err);
  if (e?.name === 'CredentialsProviderError') {
    return 'No AWS credentials were found: set AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or AWS_PROFILE), or access_key_id / secret_access_key on the sink';
  }
  if (status === 403 || e?.name === 'AccessDenied' || e?.name === 'InvalidAccessKeyId' || e?.name === 'SignatureDoesNotMatch') {
    return 'Check that the credentials are valid and may write to the bucket';
  }
  if (status === 404 || e?.name === 'NoSuchBucket') return 'Check the bucket name (and region / endpoint)';
  if (status === 301 || e?.name === 'PermanentRedirect') return 'The bucket lives in another region: set region on the sink';
  return `Check that ${where} is reachable and retry; nothing was published under this key`;
}

class S3Sink implements Sink {
  readonly type = 's3';
  readonly settings: S3Settings;
  readonly client: S3Client;
  private readonly createUpload: (options: UploadOptions) => UploadLike;
  private readonly warn: (code: string, message: string) => void;
  private prepared: Promise<void> | null = null;
  private warnedUnconditional = false;

  constructor(readonly id: string, options: S3SinkOptions, private readonly deps: S3SinkDeps = {}) {
    this.settings = resolveS3Settings(id, options);
    this.client = deps.client ?? buildS3Client(this.settings);
    this.createUpload = deps.createUpload ?? ((o) => new Upload(o));
    this.warn = deps.warn ?? ((code, message) => process.stderr.write(`datasynth-pipe: warning ${code}: ${message}\n`));
  }

  /** Where requests go, for messages: the endpoint (password redacted) or AWS and its region. */
  get where(): string {
    return this.settings.endpoint ? `endpoint ${redactUrlPassword(this.settings.endpoint)}` : `AWS S3 (region ${this.settings.region})`;
  }

  keyFor(target: OutputTarget): string {
    return this.settings.prefix + outputRelativePath(target).split(sep).join('/');
  }

  private error(code: string, what: string, err: unknown, context: Record<string, unknown> = {}): OutputError {
    return new OutputError(
      code,
      `sink ${this.id}: ${what} at ${this.where} failed: ${describeS3Error(err)}. ${adviceFor(err, this.where)}.`,
      { sink: this.id, bucket: this.settings.bucket, ...context, status: httpStatus(err) },
      { cause: err },
    );
  }

  async check(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.settings.bucket }), { abortSignal: signal });
    } catch (err) {
      if (signal.aborted) throw err;
      throw this.error('DSP_SINK_S3_CHECK', `bucket ${this.settings.bucket} check (HeadBucket)`, err);
    }
  }

  private mode(ctx: RunContext): 'fail' | 'overwrite' {
    return this.settings.ifExists ?? (ctx.ifExists === 'fail' ? 'fail' : 'overwrite');
  }

  /**
   * Once per run, before the first output: in overwrite mode a stale
   * `_SUCCESS` must not vouch for a mix of old and new objects while this
   * run writes (the local control root does the same).
   */
  private prepare(ctx: RunContext): Promise<void> {
    this.prepared ??= (async () => {
      if (this.mode(ctx) !== 'overwrite') return;
      const key = `${this.settings.prefix}_SUCCESS`;
      try {
        await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: key }), { abortSignal: ctx.signal });
      } catch (err) {
        if (!isNotFound(err)) throw this.error('DSP_SINK_S3_OPEN', `removing the stale ${s3Uri(this.settings.bucket, key)}`, err, { key });
      }
    })();
    return this.prepared;
  }

  private async exists(key: string, signal?: AbortSignal): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.settings.bucket, Key: key }), signal ? { abortSignal: signal } : {});
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  async open(target: OutputTarget, ctx: RunContext): Promise<OutputWriter> {
    ctx.signal.throwIfAborted();
    await this.prepare(ctx);
    const { bucket } = this.settings;
    const key = this.keyFor(target);
    const uri = s3Uri(bucket, key);
    const mode = this.mode(ctx);
    if (mode === 'fail') {
      let present: boolean;
      try {
        present = await this.exists(key, ctx.signal);
      } catch (err) {
        throw this.error('DSP_SINK_S3_OPEN', `HEAD ${uri}`, err, { key });
      }
      if (present) throw existsError(this.id, uri, key);
    }
    const partSize = computePartSize(this.settings.partSizeMiB, plannedBytes(target.schema, target.format, target.plannedRows));
    const body = new PassThrough({ highWaterMark: STREAM_HIGH_WATER_MARK });
    const params: PutObjectCommandInput = {
      Bucket: bucket,
      Key: key,
      Body: body,
      ContentType: contentType(target),
      Metadata: objectMetadata(this.settings.metadata, target, ctx, this.deps.metadataProvider),
      // Create-only on stores with conditional writes: S3 applies it to PutObject and CompleteMultipartUpload.
      ...(mode === 'fail' && this.settings.conditionalWrites ? { IfNoneMatch: '*' } : {}),
    };
    const upload = this.createUpload({ client: this.client, params, partSize, queueSize: this.settings.queueSize, leavePartsOnError: false });
    return new S3OutputWriter(this, upload, body, key, partSize, this.deps.maxParts ?? MAX_PARTS);
  }

  /** PUT of a small control object (manifest.json), overwriting. */
  private async putObject(key: string, body: Buffer, extra: Partial<PutObjectCommandInput> = {}): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.settings.bucket, Key: key, Body: body, ContentLength: body.length, ...extra }));
  }

  private async getObject(key: string): Promise<Buffer> {
    const res = await this.client.send(new GetObjectCommand({ Bucket: this.settings.bucket, Key: key }));
    return Buffer.from(await res.Body!.transformToByteArray());
  }

  /** An existing marker is fine when it is byte-identical (a retried PUT); else another commit won. */
  private async compareExisting(key: string, body: Buffer): Promise<void> {
    const current = await this.getObject(key);
    if (current.equals(body)) return;
    throw new OutputError(
      'DSP_ALREADY_COMMITTED',
      `sink ${this.id}: ${s3Uri(this.settings.bucket, key)} already exists with different content: another run committed to this prefix. Use another prefix, or remove the earlier run's objects and rerun.`,
      { sink: this.id, bucket: this.settings.bucket, key },
    );
  }

  /** `_SUCCESS`: create-only (controls.md §8.3 markers). */
  private async putCreateOnly(key: string, body: Buffer): Promise<void> {
    if (!this.settings.conditionalWrites) {
      if (!this.warnedUnconditional) {
        this.warnedUnconditional = true;
        this.warn('DSP_WARN_S3_UNCONDITIONAL', `sink ${this.id}: conditional_writes: off — ${s3Uri(this.settings.bucket, key)} is published by HEAD then PUT, which a concurrent commit can race`);
      }
      if (await this.exists(key)) return this.compareExisting(key, body);
      return this.putObject(key, body, { ContentType: 'application/json' });
    }
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.putObject(key, body, { ContentType: 'application/json', IfNoneMatch: '*' });
      } catch (err) {
        const status = httpStatus(err);
        if (status === 412 || (err as SdkErrorLike)?.name === 'PreconditionFailed') return this.compareExisting(key, body);
        // 409 ConditionalRequestConflict: a concurrent write to the key is in progress; S3 says retry.
        if (status === 409 && attempt < CONFLICT_RETRIES) continue;
        throw err;
      }
    }
  }

  async publishRun(files: { manifest: Buffer; success: Buffer }, _ctx: RunContext): Promise<void> {
    const manifestKey = `${this.settings.prefix}manifest.json`;
    const successKey = `${this.settings.prefix}_SUCCESS`;
    try {
      await this.putObject(manifestKey, files.manifest, { ContentType: 'application/json' });
    } catch (err) {
      throw this.error('DSP_SINK_S3_PUBLISH', `PUT ${s3Uri(this.settings.bucket, manifestKey)}`, err, { key: manifestKey });
    }
    try {
      await this.putCreateOnly(successKey, files.success);
    } catch (err) {
      if (err instanceof OutputError) throw err;
      throw this.error('DSP_SINK_S3_PUBLISH', `PUT ${s3Uri(this.settings.bucket, successKey)}`, err, { key: successKey });
    }
  }

  uploadError(err: unknown, key: string): OutputError {
    if (err instanceof OutputError) return err;
    if (httpStatus(err) === 412) return existsError(this.id, s3Uri(this.settings.bucket, key), key);
    return this.error('DSP_SINK_S3_UPLOAD', `upload of ${s3Uri(this.settings.bucket, key)}`, err, { key });
  }
}

function existsError(sinkId: string, uri: string, key: string): OutputError {
  return new OutputError(
    'DSP_SINK_S3_EXISTS',
    `sink ${sinkId}: ${uri} already exists (if_exists: fail). Pass --if-exists overwrite to replace it, or choose another prefix.`,
    { sink: sinkId, key },
  );
}

function contentType(target: OutputTarget): string {
  // A gzip object stays gzip on download: Content-Encoding would make HTTP clients inflate it and break the hash.
  if (target.compression === 'gzip') return 'application/gzip';
  return formatRegistry.get(target.format)?.mediaType ?? 'application/octet-stream';
}

/**
 * The engine writes into `writable`; it forwards each chunk to the Upload's
 * body with backpressure. It is a separate stream so that a failed upload
 * surfaces as the sink's own error (lib-storage closes its body quietly when
 * a part fails, long before `done()` rejects).
 */
class UploadFeed extends Writable {
  constructor(private readonly owner: S3OutputWriter) {
    super({ highWaterMark: STREAM_HIGH_WATER_MARK });
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.owner.forward(chunk, cb);
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.owner.endBody(cb);
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.owner.feedDestroyed();
    cb(err);
  }
}

class S3OutputWriter implements OutputWriter {
  readonly writable: UploadFeed;
  /** Bytes handed to the upload / confirmed uploaded (its progress events). */
  private bytesIn = 0;
  private bytesAcked = 0;
  private sinceYield = 0;
  private readonly maxBytes: number;
  private readonly reserved: number;
  private readonly done: Promise<Pick<CompleteMultipartUploadCommandOutput, 'ETag' | 'VersionId'>>;
  private failure: OutputError | null = null;
  private state: 'open' | 'committed' | 'aborted' = 'open';
  private commitPromise: Promise<CommittedOutput> | null = null;
  private abortPromise: Promise<void> | null = null;
  private uploadAborted = false;

  constructor(
    private readonly sink: S3Sink,
    private readonly upload: UploadLike,
    private readonly body: PassThrough,
    readonly key: string,
    readonly partSize: number,
    private readonly maxParts: number,
  ) {
    this.writable = new UploadFeed(this);
    this.maxBytes = maxObjectBytes(partSize, maxParts);
    this.reserved = reservedBytes(partSize, sink.settings.queueSize);
    // Body errors surface through done(); a write after lib-storage closed it must not become an uncaught 'error'.
    body.on('error', () => undefined);
    upload.on('httpUploadProgress', (p) => {
      if (typeof p.loaded === 'number' && p.loaded > this.bytesAcked) this.bytesAcked = p.loaded;
    });
    // done() starts the upload at once (it pulls from body); the promise is kept for commit.
    this.done = upload.done().catch((err: unknown) => {
      const failure = this.fail(sink.uploadError(err, key));
      throw failure;
    });
    this.done.catch(() => undefined);
  }

  get uri(): string {
    return s3Uri(this.sink.settings.bucket, this.key);
  }

  /** Records the first failure, stops the upload and fails the engine's writes with it. */
  private fail(err: OutputError): OutputError {
    this.failure ??= err;
    this.abortUpload();
    if (!this.writable.destroyed) this.writable.destroy(this.failure);
    if (!this.body.destroyed) this.body.destroy();
    return this.failure;
  }

  private abortUpload(): void {
    if (this.uploadAborted) return;
    this.uploadAborted = true;
    this.upload.abort().catch(() => undefined);
  }

  forward(chunk: Buffer, cb: (err?: Error | null) => void): void {
    if (this.failure) return cb(this.failure);
    if (this.bytesIn + chunk.length > this.maxBytes) {
      const err = new OutputError(
        'DSP_SINK_S3_TOO_LARGE',
        `sink ${this.sink.id}: ${this.uri} would exceed ${this.maxBytes / MIB} MiB (${this.maxParts} parts of ${this.partSize / MIB} MiB, S3's limit). Raise part_size, or use layout: partitioned.`,
        { sink: this.sink.id, key: this.key, part_size: this.partSize },
      );
      cb(this.fail(err));
      return;
    }
    this.bytesIn += chunk.length;
    this.sinceYield += chunk.length;
    if (this.body.write(chunk)) {
      if (this.sinceYield < YIELD_BYTES) return cb();
      this.sinceYield = 0;
      setImmediate(cb);
      return;
    }
    this.sinceYield = 0;
    // Resumed by the upload pulling again; a failure destroys this stream with the sink's error instead.
    this.body.once('drain', () => {
      if (!this.failure) cb();
    });
  }

  endBody(cb: (err?: Error | null) => void): void {
    if (this.failure) return cb(this.failure);
    this.body.end();
    cb();
  }

  feedDestroyed(): void {
    // The engine destroyed the stream before ending it: the upload must not complete.
    if (this.state === 'open' && !this.writable.writableFinished) {
      this.abortUpload();
      if (!this.body.destroyed) this.body.destroy();
    }
  }

  bufferedBytes(): number {
    // Bytes not yet confirmed by the store, bounded by ≈ part_size × (queue_size + 1) plus stream buffers.
    return this.writable.writableLength + Math.max(0, this.bytesIn - this.bytesAcked);
  }

  /** The memory this writer may hold at most (for the guard's planning). */
  reservedBytes(): number {
    return this.reserved;
  }

  commit(): Promise<CommittedOutput> {
    if (this.state === 'aborted' && this.commitPromise === null) {
      return Promise.reject(new OutputError('DSP_SINK_S3_ABORTED', `sink ${this.sink.id}: ${this.uri} was aborted and cannot be committed`, { sink: this.sink.id, key: this.key }));
    }
    this.commitPromise ??= this.doCommit();
    return this.commitPromise;
  }

  private async doCommit(): Promise<CommittedOutput> {
    const w = this.writable;
    try {
      await endAndFinish(w);
    } catch (err) {
      throw this.failure ?? this.fail(this.sink.uploadError(err, this.key));
    }
    const result = await this.done;
    this.state = 'committed';
    return {
      uri: this.uri,
      rel: null,
      committedAt: new Date().toISOString(),
      extra: { etag: result.ETag ?? null, version_id: result.VersionId ?? null },
    };
  }

  abort(reason: unknown): Promise<void> {
    if (this.state === 'committed') return Promise.resolve();
    this.abortPromise ??= this.doAbort(reason);
    return this.abortPromise;
  }

  private async doAbort(reason: unknown): Promise<void> {
    if (this.commitPromise) {
      // A commit in flight either completes the object (abort is then a no-op) or fails and cleans up.
      await this.commitPromise.catch(() => undefined);
      if (this.state === 'committed') return;
    }
    this.state = 'aborted';
    this.failure ??= new OutputError('DSP_SINK_S3_ABORTED', `sink ${this.sink.id}: upload of ${this.uri} aborted: ${(reason as Error)?.message ?? String(reason)}`, { sink: this.sink.id, key: this.key });
    this.uploadAborted = true;
    try {
      await this.upload.abort();
    } catch {
      // never throws; an unfinished multipart upload creates no object either way
    }
    try {
      if (!this.body.destroyed) this.body.destroy();
      if (!this.writable.destroyed) this.writable.destroy();
    } catch {
      // never throws
    }
    await this.done.catch(() => undefined);
  }
}


/** The sink with injected collaborators (tests, benchmarks). */
export function createS3Sink(id: string, options: S3SinkOptions, deps: S3SinkDeps = {}): Sink & { readonly settings: S3Settings; readonly client: S3Client; keyFor(target: OutputTarget): string } {
  return new S3Sink(id, options, deps);
}

export type { S3OutputWriter };
