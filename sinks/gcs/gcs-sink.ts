/**
 * Google Cloud Storage sink (controls.md §8.4): one object per table (`single`)
 * or per (table, partition) (`partitioned`), each a resumable upload through
 * `@google-cloud/storage` ^7 (Node 20) with a create-only precondition, so the
 * SDK retries and resumes transient failures, and CRC-32C validation. An
 * object appears only when its upload completes; a failed or aborted upload
 * leaves no object. `manifest.json` and then `_SUCCESS` are published last.
 *
 * Credentials come from Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS,
 * metadata server, gcloud); this module never reads or logs them.
 *
 * @example
 * const sink = gcsSink.create('lake', { bucket: 'finance-synth', prefix: 'runs/', format: 'ndjson' }, settings);
 * await sink.check(signal);
 * const w = await sink.open(target, ctx);
 * w.writable.end(bytes);
 * const { uri, extra } = await w.commit(); // gs://finance-synth/runs/<table>.ndjson, {generation, crc32c, md5}
 */
import { Writable } from 'node:stream';
import { Storage, type Bucket, type File } from '@google-cloud/storage';
import { OutputError } from '../../src/errors.js';
import type { CommittedOutput, OutputTarget, OutputWriter, RunContext, Sink } from '../../src/engine/plugins.js';
import { objectMarkingMetadata } from '../../src/provenance/marking.js';
import { fastCrc32cGenerator } from './crc32c.js';
import {
  GcsIfExists,
  GcsSinkOptions,
  CANCEL_TIMEOUT_MS,
  objectName,
  mediaTypeOf,
  factsOf,
  resolveGcsOptions,
} from './options.js';

/**
 * Thin forwarder in front of the SDK's upload stream: every byte goes straight
 * to the SDK stream (one write in flight, its callback passed through), and SDK
 * errors surface as OutputErrors saying what, where and what to do — the
 * engine records them as the run's status reason.
 */
class UploadWritable extends Writable {
  private mapped: OutputError | null = null;

  constructor(private readonly inner: Writable, private readonly mapError: (err: unknown) => OutputError, highWaterMark: number) {
    super({ highWaterMark });
    inner.on('error', (err) => {
      if (!this.destroyed) this.destroy(this.map(err));
    });
  }

  private map(err: unknown): OutputError {
    this.mapped ??= err instanceof OutputError ? err : this.mapError(this.inner.errored ?? err);
    return this.mapped;
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.inner.write(chunk, (err) => cb(err ? this.map(err) : null));
  }

  override _final(cb: (err?: Error | null) => void): void {
    const onFinish = (): void => {
      this.inner.off('error', onError);
      cb();
    };
    const onError = (err: Error): void => {
      this.inner.off('finish', onFinish);
      cb(this.map(err));
    };
    this.inner.once('finish', onFinish);
    this.inner.once('error', onError);
    // The SDK stream emits 'finish' only after the upload completed and its checksum matched.
    this.inner.end();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (!this.inner.destroyed) this.inner.destroy(err ?? undefined);
    cb(err);
  }
}

class GcsOutputWriter implements OutputWriter {
  readonly writable: Writable;
  private readonly sdkStream: Writable;
  private sessionUri: string | null = null;
  /** What the SDK's Upload failed with, as seen on its Duplexify. */
  private uploadFailure: unknown = null;
  private uploadStarted = false;
  private commitPromise: Promise<CommittedOutput> | null = null;
  private abortPromise: Promise<void> | null = null;
  private committed = false;
  private aborted = false;

  constructor(
    private readonly sink: GcsSink,
    private readonly file: File,
    mode: GcsIfExists,
    generationMatch: number,
    contentType: string,
    metadata: Record<string, string>,
  ) {
    watchUpload(file, (err, seen) => {
      const cause = rootCause(err, seen);
      this.uploadFailure ??= cause;
      if (!this.sdkStream.destroyed && !this.sdkStream.writableFinished) this.sdkStream.destroy(cause as Error);
    });
    this.sdkStream = file.createWriteStream({
      resumable: true,
      chunkSize: sink.chunkSize,
      validation: 'crc32c',
      contentType,
      // Custom object metadata: the seam where content marking (issue 6, controls.md §5.2) goes.
      metadata: { metadata },
      // Create-only (0) or replace-exactly-this-generation: makes the upload idempotent, so the
      // SDK retries and resumes it (controls.md §8.4).
      preconditionOpts: { ifGenerationMatch: generationMatch },
    });
    this.sdkStream.on('uri', (uri: string) => {
      this.sessionUri = uri;
    });
    this.sdkStream.once('writing', () => {
      this.uploadStarted = true;
    });
    // The SDK takes no bytes while a chunk's request is in flight; buffering up to one more chunk
    // here lets the engine keep generating meanwhile (memory: two chunks per open output).
    this.writable = new UploadWritable(this.sdkStream, (err) => sink.uploadError(file.name, mode, rootCause(err, this.uploadFailure ? [this.uploadFailure] : [])), sink.chunkSize);
  }

  get uri(): string {
    return `gs://${this.file.bucket.name}/${this.file.name}`;
  }

  bufferedBytes(): number {
    // The SDK holds up to one chunk per request (it resends it after a failure).
    return this.writable.writableLength + this.sdkStream.writableLength + (this.uploadStarted && !this.committed ? this.sink.chunkSize : 0);
  }

  commit(): Promise<CommittedOutput> {
    if (this.aborted) {
      return Promise.reject(new OutputError('DSP_SINK_GCS_ABORTED', `sink ${this.sink.id}: ${this.uri} was aborted and cannot be committed`, { sink: this.sink.id, object: this.file.name }));
    }
    this.commitPromise ??= this.doCommit();
    return this.commitPromise;
  }

  private async doCommit(): Promise<CommittedOutput> {
    const w = this.writable;
    if (!w.writableFinished) {
      if (!w.writableEnded && !w.destroyed) w.end();
      await new Promise<void>((resolve, reject) => {
        if (w.writableFinished) return resolve();
        w.once('finish', resolve);
        w.once('error', reject);
        w.once('close', () => (w.writableFinished ? resolve() : reject(w.errored ?? new Error('upload stream closed before it finished'))));
      });
    }
    // The final chunk's response is the object resource; read it again only if the SDK kept none.
    let meta = this.file.metadata as { generation?: string | number; crc32c?: string; md5Hash?: string };
    if (meta?.generation === undefined) {
      try {
        [meta] = await this.file.getMetadata();
      } catch (err) {
        throw this.sink.requestError('DSP_SINK_GCS_COMMIT', `cannot read the metadata of ${this.uri} after its upload`, err);
      }
    }
    this.committed = true;
    return {
      uri: this.uri,
      rel: null,
      committedAt: new Date().toISOString(),
      extra: { generation: String(meta.generation), crc32c: meta.crc32c ?? null, md5: meta.md5Hash ?? null },
    };
  }

  abort(_reason: unknown): Promise<void> {
    if (this.committed) return Promise.resolve();
    this.abortPromise ??= this.doAbort();
    return this.abortPromise;
  }

  private async doAbort(): Promise<void> {
    this.aborted = this.commitPromise === null;
    if (this.commitPromise) {
      await this.commitPromise.catch(() => undefined);
      if (this.committed) return;
      this.aborted = true;
    }
    const finishedUpload = this.writable.writableFinished;
    try {
      if (!this.writable.destroyed) this.writable.destroy();
    } catch {
      // never throws
    }
    if (finishedUpload) {
      // Uploaded but never committed (the run failed elsewhere first): remove exactly our generation.
      const gen = (this.file.metadata as { generation?: string | number })?.generation;
      if (gen !== undefined) await this.file.delete({ ifGenerationMatch: Number(gen) }).catch(() => undefined);
      return;
    }
    // Dropping the stream leaves the session unfinalized (no object); cancelling it frees it at once.
    if (this.sessionUri) await cancelSession(this.sessionUri);
  }
}

/**
 * @google-cloud/storage 7.19: when the status query after a failed chunk fails too (the
 * server is gone), the Upload emits a misleading RangeError ("The offset is lower than the
 * number of bytes written…") and then the real error, and its Duplexify may error after the
 * write pipeline has already finished: with no listener left that kills the process, and with
 * one the write stream waits forever for metadata. So: listen on the Duplexify, remember what
 * the Upload failed with, and fail the write stream ourselves.
 */
function watchUpload(file: File, onError: (err: unknown, seen: readonly unknown[]) => void): void {
  const start = file.startResumableUpload_.bind(file);
  file.startResumableUpload_ = (dup, options) => {
    const seen: unknown[] = [];
    const setWritable = dup.setWritable.bind(dup);
    dup.setWritable = (upload) => {
      (upload as unknown as Writable | null)?.on?.('error', (err: unknown) => seen.push(err));
      setWritable(upload);
    };
    dup.on('error', (err: unknown) => onError(err, seen));
    start(dup, options);
  };
}

/** The error worth reporting: the SDK's "offset is lower" RangeError hides the transport failure behind it. */
function rootCause(err: unknown, seen: readonly unknown[]): unknown {
  if (!(err instanceof RangeError) || !/offset is lower/i.test(err.message)) return err;
  return [...seen].reverse().find((e) => !(e instanceof RangeError)) ?? err;
}

/** DELETE on a resumable session URI cancels it (GCS answers 499). Best effort. */
async function cancelSession(uri: string): Promise<void> {
  try {
    const res = await fetch(uri, { method: 'DELETE', headers: { 'content-length': '0' }, signal: AbortSignal.timeout(CANCEL_TIMEOUT_MS) });
    await res.arrayBuffer().catch(() => undefined);
  } catch {
    // The server may be gone (that is often why we abort); an unfinalized session expires by itself.
  }
}

// ---- sink ----

export class GcsSink implements Sink {
  readonly type = 'gcs';
  readonly chunkSize: number;
  readonly prefix: string;
  readonly endpoint: string;
  private readonly storage: Storage;
  private readonly bucket: Bucket;
  private staleSuccessCleared: Promise<void> | null = null;

  constructor(readonly id: string, private readonly options: GcsSinkOptions) {
    const resolved = resolveGcsOptions(id, options);
    this.chunkSize = resolved.chunkSize;
    this.prefix = resolved.prefix;
    this.endpoint = resolved.endpoint;
    const retries = resolved.retries;
    this.storage = new Storage({
      ...(options.api_endpoint ? { apiEndpoint: this.endpoint } : {}),
      ...(options.project_id ? { projectId: options.project_id } : {}),
      // The SDK reads `maxRetries: 0` as "default"; autoRetry false is how retrying stops.
      retryOptions: retries > 0 ? { autoRetry: true, maxRetries: retries } : { autoRetry: false },
      // Same CRC-32C, 6× faster than the SDK's byte-at-a-time one, which would cap uploads at ≈ 35 MB/s.
      crc32cGenerator: fastCrc32cGenerator,
    });
    this.bucket = this.storage.bucket(options.bucket);
  }

  private get where(): string {
    return `bucket ${this.options.bucket} at ${this.endpoint}`;
  }

  private ifExists(ctx: RunContext): GcsIfExists {
    const v = this.options.if_exists ?? ctx.ifExists ?? 'fail';
    // resume regenerates identical bytes: replacing an object with itself is safe.
    return v === 'fail' ? 'fail' : 'overwrite';
  }

  /** An OutputError for a failed JSON API request, naming the sink, bucket and endpoint. */
  requestError(code: string, what: string, err: unknown): OutputError {
    const f = factsOf(err);
    let hint = 'Check the endpoint, the network and the credentials (GOOGLE_APPLICATION_CREDENTIALS), then rerun.';
    if (f.status === 401 || f.status === 403) hint = 'The credentials (Application Default Credentials) lack access: grant storage.objects.create/get/delete on the bucket.';
    else if (f.status === 404) hint = 'Create the bucket or correct `bucket` / `api_endpoint`.';
    return new OutputError(
      code,
      `sink ${this.id}: ${what} (${this.where}): ${f.message}${f.status ? ` [HTTP ${f.status}]` : f.code ? ` [${f.code}]` : ''}. ${hint}`,
      { sink: this.id, bucket: this.options.bucket, endpoint: this.endpoint, status: f.status, errno: f.code },
      { cause: err },
    );
  }

  existsError(name: string): OutputError {
    return new OutputError(
      'DSP_SINK_GCS_EXISTS',
      `sink ${this.id}: gs://${this.options.bucket}/${name} already exists (if_exists: fail). Pass --if-exists overwrite to replace it, or choose another prefix.`,
      { sink: this.id, bucket: this.options.bucket, object: name },
    );
  }

  /** Maps what the upload stream failed with. */
  uploadError(name: string, mode: GcsIfExists, err: unknown): OutputError {
    if (err instanceof OutputError) return err;
    const f = factsOf(err);
    if (f.status === 412) {
      if (mode === 'fail') return this.existsError(name);
      return new OutputError(
        'DSP_SINK_GCS_CONFLICT',
        `sink ${this.id}: gs://${this.options.bucket}/${name} changed while it was being replaced (generation precondition failed). Another writer is using this prefix; rerun when it is done.`,
        { sink: this.id, bucket: this.options.bucket, object: name },
        { cause: err },
      );
    }
    const code = (err as { code?: unknown })?.code;
    if (code === 'FILE_NO_UPLOAD' || code === 'FILE_NO_UPLOAD_DELETE' || /checksum mismatch/i.test(f.message)) {
      return new OutputError(
        'DSP_SINK_GCS_CHECKSUM',
        `sink ${this.id}: the CRC-32C of gs://${this.options.bucket}/${name} as stored differs from the bytes sent; the object was deleted. Rerun; if it persists, check for a proxy altering uploads to ${this.endpoint}.`,
        { sink: this.id, bucket: this.options.bucket, object: name },
        { cause: err },
      );
    }
    return this.requestError('DSP_SINK_GCS_UPLOAD', `upload of gs://${this.options.bucket}/${name} failed; no object was created`, err);
  }

  async check(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    let exists: boolean;
    try {
      [exists] = await this.bucket.exists();
    } catch (err) {
      throw this.requestError('DSP_SINK_GCS_BUCKET', `cannot access bucket ${this.options.bucket}`, err);
    }
    if (!exists) {
      throw new OutputError(
        'DSP_SINK_GCS_BUCKET',
        `sink ${this.id}: bucket ${this.options.bucket} does not exist at ${this.endpoint}. Create it (gcloud storage buckets create gs://${this.options.bucket}) or correct \`bucket\` / \`api_endpoint\`.`,
        { sink: this.id, bucket: this.options.bucket, endpoint: this.endpoint },
      );
    }
  }

  /** Current generation of an object, or null when absent. */
  private async generationOf(file: File, what: string): Promise<number | null> {
    try {
      const [meta] = await file.getMetadata();
      return Number(meta.generation);
    } catch (err) {
      if (factsOf(err).status === 404) return null;
      throw this.requestError('DSP_SINK_GCS_OPEN', what, err);
    }
  }

  async open(target: OutputTarget, ctx: RunContext): Promise<OutputWriter> {
    ctx.signal.throwIfAborted();
    const mode = this.ifExists(ctx);
    if (mode === 'overwrite') await this.clearStaleSuccess();
    const name = objectName(this.prefix, target);
    const file = this.bucket.file(name);
    const generation = await this.generationOf(file, `cannot read gs://${this.options.bucket}/${name}`);
    if (generation !== null && mode === 'fail') throw this.existsError(name);
    return new GcsOutputWriter(this, file, mode, generation ?? 0, mediaTypeOf(target.format, target.compression), this.objectMetadata(target, ctx));
  }

  /** Custom metadata (`x-goog-meta-*`) of a data object: the content marking (controls.md §5.2). */
  protected objectMetadata(_target: OutputTarget, ctx: RunContext): Record<string, string> {
    return ctx.marking && ctx.marking.settings.objectMetadata ? objectMarkingMetadata(ctx.marking) : {};
  }

  /** Overwriting a run: an old `_SUCCESS` must not vouch for a mix of old and new objects meanwhile. */
  private clearStaleSuccess(): Promise<void> {
    this.staleSuccessCleared ??= (async () => {
      const marker = this.bucket.file(`${this.prefix}_SUCCESS`);
      try {
        await marker.delete({ ignoreNotFound: true });
      } catch (err) {
        throw this.requestError('DSP_SINK_GCS_OPEN', `cannot remove the stale marker gs://${this.options.bucket}/${marker.name}`, err);
      }
    })();
    return this.staleSuccessCleared;
  }

  /** controls.md §2.1: manifest.json first, `_SUCCESS` last and create-only. */
  async publishRun(files: { manifest: Buffer; success: Buffer }, ctx: RunContext): Promise<void> {
    const mode = this.ifExists(ctx);
    await this.putMarker('manifest.json', files.manifest, 'application/json', mode === 'overwrite');
    await this.putMarker('_SUCCESS', files.success, 'application/json', false);
  }

  /**
   * Writes a small control object with a generation precondition: create-only (0), or when
   * `replace`, exactly the generation seen just before. A 412 on create-only is fine when
   * the object already holds these bytes (a retried publish); otherwise it is an error.
   */
  private async putMarker(leaf: string, body: Buffer, contentType: string, replace: boolean): Promise<void> {
    const file = this.bucket.file(`${this.prefix}${leaf}`);
    const uri = `gs://${this.options.bucket}/${file.name}`;
    let generation = 0;
    if (replace) generation = (await this.generationOf(file, `cannot read ${uri}`)) ?? 0;
    try {
      await file.save(body, { resumable: false, contentType, validation: 'crc32c', preconditionOpts: { ifGenerationMatch: generation } });
      return;
    } catch (err) {
      if (factsOf(err).status !== 412) throw this.requestError('DSP_SINK_GCS_PUBLISH', `cannot write ${uri}`, err);
    }
    let existing: Buffer;
    try {
      [existing] = await file.download();
    } catch (err) {
      throw this.requestError('DSP_SINK_GCS_PUBLISH', `${uri} exists and cannot be read back for comparison`, err);
    }
    if (!existing.equals(body)) {
      throw new OutputError(
        'DSP_SINK_GCS_MARKER_EXISTS',
        `sink ${this.id}: ${uri} already exists with other content (an earlier run's marker). Pass --if-exists overwrite, or choose another prefix.`,
        { sink: this.id, bucket: this.options.bucket, object: file.name },
      );
    }
  }
}

