/**
 * A protocol-level fake of the Google Cloud Storage JSON API (testing.md "GCS: a
 * protocol-level fake server of our own"), Node built-ins only. No GCS emulator
 * installs offline here, and an in-memory SDK mock exercises no protocol, so the
 * sink's tests and benchmark talk HTTP to this server through the real
 * @google-cloud/storage client.
 *
 * Implemented subset (what the SDK uses):
 * - `POST /storage/v1/b` (create bucket), `GET /storage/v1/b/:bucket`;
 * - `GET /storage/v1/b/:b/o/:name` (metadata), `?alt=media` (download, with
 *   `x-goog-hash: crc32c=…,md5=…`), `GET /storage/v1/b/:b/o?prefix=` (list),
 *   `DELETE /storage/v1/b/:b/o/:name`;
 * - `POST /upload/storage/v1/b/:b/o?uploadType=media|multipart|resumable`;
 *   resumable sessions: `Location` with `upload_id`, `PUT` with
 *   `Content-Range: bytes a-b/total|*`, `308` + `Range: bytes=0-N` while
 *   incomplete, `bytes *\/*` status queries, `DELETE` cancels (499);
 * - `ifGenerationMatch` (0: must not exist → 412), generation numbers;
 * - every JSON path also without the `/storage/v1` prefix (STORAGE_EMULATOR_HOST);
 * - fault hooks: drop the connection after N upload bytes, or stop the whole
 *   server after N upload bytes.
 *
 * Run standalone (the benchmark does, so the server has its own core):
 *   node dist/test/support/fake-gcs.js [--port P] [--bucket B]… [--discard]
 * prints `FAKE_GCS_READY <endpoint>` on stdout.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createHash, randomBytes, type Hash } from 'node:crypto';
import { fileURLToPath } from 'node:url';

// ---- CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), slicing-by-8 ----

const CRC_TABLES: Int32Array[] = (() => {
  const tables = Array.from({ length: 8 }, () => new Int32Array(256));
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    tables[0][n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = tables[0][n];
    for (let t = 1; t < 8; t++) {
      c = tables[0][c & 0xff] ^ (c >>> 8);
      tables[t][n] = c;
    }
  }
  return tables;
})();

/**
 * Continues a CRC-32C over `buf`. `crc` is the previous result (0 to start);
 * pre- and post-inversion are applied here, so calls chain:
 * `crc32c(b, crc32c(a)) === crc32c(concat(a, b))`.
 */
export function crc32c(buf: Uint8Array, crc = 0): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = CRC_TABLES;
  let c = ~crc;
  let i = 0;
  const n = buf.length;
  const end8 = n - (n % 8);
  while (i < end8) {
    const lo = c ^ (buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24));
    c =
      t7[lo & 0xff] ^ t6[(lo >>> 8) & 0xff] ^ t5[(lo >>> 16) & 0xff] ^ t4[lo >>> 24] ^
      t3[buf[i + 4]] ^ t2[buf[i + 5]] ^ t1[buf[i + 6]] ^ t0[buf[i + 7]];
    i += 8;
  }
  while (i < n) c = t0[(c ^ buf[i++]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/** The CRC-32C as GCS writes it: 4 bytes big-endian, base64. */
export function crc32cBase64(value: number): string {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value >>> 0, 0);
  return b.toString('base64');
}

// ---- store ----

export interface FakeObject {
  readonly bucket: string;
  readonly name: string;
  /** Decimal string, as the JSON API sends it. */
  readonly generation: string;
  readonly metageneration: string;
  readonly contentType: string;
  readonly size: number;
  readonly md5Hash: string;
  readonly crc32c: string;
  readonly metadata: Record<string, string> | undefined;
  readonly timeCreated: string;
  /** null when the server runs with `retainData: false` (benchmarks). */
  readonly data: Buffer | null;
}

interface Session {
  readonly id: string;
  readonly bucket: string;
  readonly name: string;
  readonly contentType: string;
  readonly metadata: Record<string, string> | undefined;
  readonly ifGenerationMatch: string | undefined;
  readonly chunks: Buffer[];
  received: number;
  crc: number;
  md5: Hash;
  result: FakeObject | null;
  cancelled: boolean;
}

export interface FakeGcsOptions {
  port?: number;
  host?: string;
  /** Buckets to create up front. */
  buckets?: string[];
  /** false: keep only sizes and hashes (memory stays flat in benchmarks). Default true. */
  retainData?: boolean;
}

interface DropFault {
  afterBytes: number;
  times: number;
  seen: number;
}

class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly reason = 'invalid') {
    super(message);
  }
}

const JSON_TYPE = 'application/json; charset=UTF-8';

export class FakeGcsServer {
  readonly buckets = new Map<string, { name: string; timeCreated: string; objects: Map<string, FakeObject> }>();
  /** Every request seen, `METHOD path?query` (no bodies), for assertions. */
  readonly requests: string[] = [];
  /** Connections dropped by the fault hook. */
  drops = 0;
  private readonly sessions = new Map<string, Session>();
  private readonly sockets = new Set<Socket>();
  private nextGeneration = 1_700_000_000_000_000n;
  private dropFault: DropFault | null = null;
  private stopFault: { afterBytes: number; seen: number } | null = null;
  private stopping: Promise<void> | null = null;
  private readonly retainData: boolean;

  private constructor(private readonly server: Server, readonly endpoint: string, readonly port: number, options: FakeGcsOptions) {
    this.retainData = options.retainData !== false;
    for (const b of options.buckets ?? []) this.createBucket(b);
    server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  /** Starts on 127.0.0.1 (a free port unless one is given); resolves once listening. */
  static async start(options: FakeGcsOptions = {}): Promise<FakeGcsServer> {
    const host = options.host ?? '127.0.0.1';
    let fake: FakeGcsServer | null = null;
    const server = createServer((req, res) => fake!.handle(req, res));
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    fake = new FakeGcsServer(server, `http://${host}:${port}`, port, options);
    return fake;
  }

  /** Closes the listener and every open connection. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
      this.server.closeAllConnections?.();
    });
    return this.stopping;
  }

  get stopped(): boolean {
    return this.stopping !== null;
  }

  createBucket(name: string): void {
    if (!this.buckets.has(name)) this.buckets.set(name, { name, timeCreated: new Date().toISOString(), objects: new Map() });
  }

  getObject(bucket: string, name: string): FakeObject | undefined {
    return this.buckets.get(bucket)?.objects.get(name);
  }

  listObjects(bucket: string, prefix = ''): FakeObject[] {
    const b = this.buckets.get(bucket);
    if (!b) return [];
    return [...b.objects.values()].filter((o) => o.name.startsWith(prefix)).sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  }

  /** Seeds an object directly (as if uploaded). */
  putObject(bucket: string, name: string, data: Buffer, contentType = 'application/octet-stream'): FakeObject {
    this.createBucket(bucket);
    const md5 = createHash('md5').update(data).digest('base64');
    return this.store(bucket, name, data, data.length, crc32c(data), md5, contentType, undefined);
  }

  /** Resumable sessions not yet finalized or cancelled. */
  openSessions(): number {
    let n = 0;
    for (const s of this.sessions.values()) if (!s.result && !s.cancelled) n++;
    return n;
  }

  /**
   * Fault: once `afterBytes` upload body bytes (counted over all uploads from now on) have
   * arrived, destroy that connection mid-request; the chunk in flight is discarded (the
   * session keeps what earlier requests committed). Repeats `times` times.
   */
  dropConnectionAfter(afterBytes: number, times = 1): void {
    this.dropFault = { afterBytes, times, seen: 0 };
  }

  /** Fault: once `afterBytes` upload body bytes arrived, stop the whole server (listener and connections). */
  stopAfter(afterBytes: number): void {
    this.stopFault = { afterBytes, seen: 0 };
  }

  clearFaults(): void {
    this.dropFault = null;
    this.stopFault = null;
  }

  // ---- HTTP ----

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    this.requests.push(`${req.method} ${url.pathname}${url.search}`);
    this.route(req, res, url).catch((err: unknown) => {
      if (res.headersSent || res.destroyed) {
        res.destroy();
        return;
      }
      if (err instanceof HttpError) sendError(res, err.status, err.message, err.reason);
      else sendError(res, 500, (err as Error)?.message ?? String(err), 'backendError');
    });
  }

  private async route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? 'GET';
    let path = url.pathname;
    let upload = false;
    if (path.startsWith('/upload/')) {
      upload = true;
      path = path.slice('/upload'.length);
    }
    // JSON API paths work with and without /storage/v1 (STORAGE_EMULATOR_HOST drops it).
    if (path.startsWith('/storage/v1/')) path = path.slice('/storage/v1'.length);
    const q = url.searchParams;

    if (upload) {
      const m = /^\/b\/([^/]+)\/o\/?$/.exec(path);
      if (!m) throw new HttpError(404, `unknown upload path ${url.pathname}`, 'notFound');
      const bucket = decodeURIComponent(m[1]);
      if (method === 'POST') return this.uploadPost(req, res, bucket, q);
      const uploadId = q.get('upload_id');
      if (!uploadId) throw new HttpError(400, 'upload_id is required', 'required');
      if (method === 'PUT' || method === 'POST') return this.uploadPut(req, res, uploadId);
      if (method === 'DELETE') return this.uploadCancel(req, res, uploadId);
      throw new HttpError(405, `method ${method} not allowed on upload sessions`, 'methodNotAllowed');
    }

    if (path === '/b' || path === '/b/') {
      if (method === 'POST') {
        const body = await readJson(req);
        const name = typeof body.name === 'string' ? body.name : '';
        if (!/^[a-z0-9][a-z0-9._-]{1,221}[a-z0-9]$/.test(name)) throw new HttpError(400, `invalid bucket name '${name}'`, 'invalid');
        if (this.buckets.has(name)) throw new HttpError(409, `bucket ${name} already exists`, 'conflict');
        this.createBucket(name);
        return sendJson(res, 200, this.bucketResource(name));
      }
      if (method === 'GET') {
        await drain(req);
        return sendJson(res, 200, { kind: 'storage#buckets', items: [...this.buckets.keys()].sort().map((b) => this.bucketResource(b)) });
      }
    }
    let m = /^\/b\/([^/]+)\/?$/.exec(path);
    if (m) {
      await drain(req);
      const bucket = decodeURIComponent(m[1]);
      if (!this.buckets.has(bucket)) throw new HttpError(404, `The specified bucket does not exist: ${bucket}`, 'notFound');
      if (method === 'GET') return sendJson(res, 200, this.bucketResource(bucket));
      if (method === 'DELETE') {
        if (this.buckets.get(bucket)!.objects.size > 0) throw new HttpError(409, `bucket ${bucket} is not empty`, 'conflict');
        this.buckets.delete(bucket);
        res.writeHead(204).end();
        return;
      }
    }
    m = /^\/b\/([^/]+)\/o\/?$/.exec(path);
    if (m && method === 'GET') {
      await drain(req);
      return this.list(res, decodeURIComponent(m[1]), q);
    }
    m = /^\/b\/([^/]+)\/o\/(.+)$/.exec(path);
    if (m) {
      await drain(req);
      const bucket = decodeURIComponent(m[1]);
      const name = decodeURIComponent(m[2]);
      const b = this.buckets.get(bucket);
      if (!b) throw new HttpError(404, `The specified bucket does not exist: ${bucket}`, 'notFound');
      const obj = b.objects.get(name);
      const wantGen = q.get('generation');
      if (!obj || (wantGen !== null && wantGen !== obj.generation)) throw new HttpError(404, `No such object: ${bucket}/${name}`, 'notFound');
      checkPreconditions(obj, q);
      if (method === 'GET') {
        if (q.get('alt') === 'media') return this.download(req, res, obj);
        return sendJson(res, 200, this.objectResource(obj));
      }
      if (method === 'DELETE') {
        b.objects.delete(name);
        res.writeHead(204).end();
        return;
      }
    }
    await drain(req);
    throw new HttpError(404, `not implemented: ${method} ${url.pathname}`, 'notFound');
  }

  private list(res: ServerResponse, bucket: string, q: URLSearchParams): void {
    if (!this.buckets.has(bucket)) throw new HttpError(404, `The specified bucket does not exist: ${bucket}`, 'notFound');
    const prefix = q.get('prefix') ?? '';
    const delimiter = q.get('delimiter');
    const max = Math.max(1, Math.min(1000, Number(q.get('maxResults') ?? 1000) || 1000));
    const token = q.get('pageToken');
    const items: FakeObject[] = [];
    const prefixes = new Set<string>();
    for (const o of this.listObjects(bucket, prefix)) {
      if (delimiter) {
        const rest = o.name.slice(prefix.length);
        const at = rest.indexOf(delimiter);
        if (at >= 0) {
          prefixes.add(prefix + rest.slice(0, at + delimiter.length));
          continue;
        }
      }
      items.push(o);
    }
    const start = token ? items.findIndex((o) => o.name > Buffer.from(token, 'base64url').toString()) : 0;
    const page = start < 0 ? [] : items.slice(start, start + max);
    const more = start >= 0 && start + max < items.length;
    sendJson(res, 200, {
      kind: 'storage#objects',
      ...(page.length > 0 ? { items: page.map((o) => this.objectResource(o)) } : {}),
      ...(prefixes.size > 0 ? { prefixes: [...prefixes].sort() } : {}),
      ...(more ? { nextPageToken: Buffer.from(page[page.length - 1].name).toString('base64url') } : {}),
    });
  }

  private download(req: IncomingMessage, res: ServerResponse, obj: FakeObject): void {
    if (!obj.data) throw new HttpError(501, 'object data not retained (retainData: false)', 'notImplemented');
    const headers: Record<string, string> = {
      'content-type': obj.contentType,
      'x-goog-hash': `crc32c=${obj.crc32c},md5=${obj.md5Hash}`,
      'x-goog-generation': obj.generation,
      'x-goog-metageneration': obj.metageneration,
      'x-goog-stored-content-length': String(obj.size),
      'x-goog-stored-content-encoding': 'identity',
      etag: etagOf(obj),
    };
    const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
    if (range && (range[1] !== '' || range[2] !== '')) {
      let start: number;
      let end: number;
      if (range[1] === '') {
        start = Math.max(0, obj.size - Number(range[2]));
        end = obj.size - 1;
      } else {
        start = Number(range[1]);
        end = range[2] === '' ? obj.size - 1 : Math.min(Number(range[2]), obj.size - 1);
      }
      if (start >= obj.size && obj.size > 0) throw new HttpError(416, 'requested range not satisfiable', 'requestedRangeNotSatisfiable');
      const part = obj.data.subarray(start, end + 1);
      // A partial body cannot be validated against whole-object hashes.
      delete headers['x-goog-hash'];
      res.writeHead(206, { ...headers, 'content-length': String(part.length), 'content-range': `bytes ${start}-${end}/${obj.size}` });
      res.end(part);
      return;
    }
    res.writeHead(200, { ...headers, 'content-length': String(obj.size) });
    res.end(obj.data);
  }

  private async uploadPost(req: IncomingMessage, res: ServerResponse, bucket: string, q: URLSearchParams): Promise<void> {
    if (!this.buckets.has(bucket)) {
      await drain(req);
      throw new HttpError(404, `The specified bucket does not exist: ${bucket}`, 'notFound');
    }
    const type = q.get('uploadType') ?? 'media';
    if (type === 'resumable') {
      const body = await readJson(req);
      const name = q.get('name') ?? (typeof body.name === 'string' ? body.name : '');
      if (!name) throw new HttpError(400, 'object name is required', 'required');
      const ifGen = q.get('ifGenerationMatch') ?? undefined;
      this.checkCreatePrecondition(bucket, name, ifGen);
      const id = randomBytes(12).toString('hex');
      const contentType = String(req.headers['x-upload-content-type'] ?? body.contentType ?? 'application/octet-stream');
      this.sessions.set(id, {
        id, bucket, name, contentType, metadata: stringMap(body.metadata), ifGenerationMatch: ifGen,
        chunks: [], received: 0, crc: 0, md5: createHash('md5'), result: null, cancelled: false,
      });
      const host = req.headers.host ?? `127.0.0.1:${this.port}`;
      const loc = new URL(`http://${host}/upload/storage/v1/b/${encodeURIComponent(bucket)}/o`);
      loc.searchParams.set('uploadType', 'resumable');
      loc.searchParams.set('name', name);
      loc.searchParams.set('upload_id', id);
      res.writeHead(200, { location: loc.href, 'x-guploader-uploadid': id, 'content-length': '0' });
      res.end();
      return;
    }
    if (type === 'media') {
      const name = q.get('name');
      if (!name) {
        await drain(req);
        throw new HttpError(400, 'object name is required', 'required');
      }
      const data = await this.readUploadBody(req);
      if (data === null) return;
      this.checkCreatePrecondition(bucket, name, q.get('ifGenerationMatch') ?? undefined);
      const obj = this.finalizeBuffer(bucket, name, data, String(req.headers['content-type'] ?? 'application/octet-stream'), undefined, req.headers['x-goog-hash']);
      return sendJson(res, 200, this.objectResource(obj));
    }
    if (type === 'multipart') {
      const boundary = /boundary="?([^";]+)"?/i.exec(String(req.headers['content-type'] ?? ''))?.[1];
      if (!boundary) {
        await drain(req);
        throw new HttpError(400, 'multipart upload without a boundary', 'invalid');
      }
      const raw = await this.readUploadBody(req);
      if (raw === null) return;
      const parts = parseMultipart(raw, boundary);
      if (parts.length < 2) throw new HttpError(400, 'multipart upload needs a metadata part and a media part', 'invalid');
      const meta = JSON.parse(parts[0].body.toString('utf8') || '{}') as Record<string, unknown>;
      const name = q.get('name') ?? (typeof meta.name === 'string' ? meta.name : '');
      if (!name) throw new HttpError(400, 'object name is required', 'required');
      this.checkCreatePrecondition(bucket, name, q.get('ifGenerationMatch') ?? undefined);
      const contentType = typeof meta.contentType === 'string' ? meta.contentType : parts[1].headers['content-type'] ?? 'application/octet-stream';
      const obj = this.finalizeBuffer(bucket, name, parts[1].body, contentType, stringMap(meta.metadata), req.headers['x-goog-hash']);
      return sendJson(res, 200, this.objectResource(obj));
    }
    await drain(req);
    throw new HttpError(400, `unsupported uploadType ${type}`, 'invalid');
  }

  private async uploadPut(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    const s = this.sessions.get(id);
    if (!s || s.cancelled) {
      await drain(req);
      throw new HttpError(404, `no upload session ${id}`, 'notFound');
    }
    const range = String(req.headers['content-range'] ?? '');
    if (s.result) {
      // A finished session answers every later request with the object (idempotent retries).
      await drain(req);
      return sendJson(res, 200, this.objectResource(s.result));
    }
    const status = /^bytes \*\/(\d+|\*)$/.exec(range);
    if (status) {
      await drain(req);
      if (status[1] !== '*' && Number(status[1]) === s.received) return this.finalizeSession(req, res, s);
      return this.sendIncomplete(res, s);
    }
    const m = /^bytes (\d+)-(-?\d+|\*)\/(\d+|\*)$/.exec(range);
    if (!m) {
      await drain(req);
      throw new HttpError(400, `bad Content-Range '${range}'`, 'invalid');
    }
    const first = Number(m[1]);
    const total = m[3] === '*' ? null : Number(m[3]);
    if (first > s.received) {
      await drain(req);
      throw new HttpError(400, `chunk starts at ${first} but the session holds ${s.received} bytes`, 'invalid');
    }
    const body = await this.readUploadBody(req);
    if (body === null) return;
    if (m[2] !== '*') {
      const last = Number(m[2]);
      if (body.length !== last - first + 1) throw new HttpError(400, `Content-Range ${range} does not match a body of ${body.length} bytes`, 'invalid');
    }
    // Bytes the session already holds (a client resending after a lost response) are skipped.
    const fresh = body.subarray(Math.min(body.length, s.received - first));
    if (fresh.length > 0) {
      if (this.retainData) s.chunks.push(fresh);
      s.crc = crc32c(fresh, s.crc);
      s.md5.update(fresh);
      s.received += fresh.length;
    }
    const done = m[2] === '*' ? true : total !== null && s.received >= total;
    if (total !== null && s.received > total) throw new HttpError(400, `received ${s.received} bytes for an object of ${total}`, 'invalid');
    if (done) return this.finalizeSession(req, res, s);
    this.sendIncomplete(res, s);
  }

  private async uploadCancel(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    await drain(req);
    const s = this.sessions.get(id);
    if (!s || s.cancelled || s.result) throw new HttpError(404, `no upload session ${id}`, 'notFound');
    s.cancelled = true;
    s.chunks.length = 0;
    // 499 "client closed request" is what GCS answers to a cancelled session.
    res.writeHead(499, { 'content-length': '0' }).end();
  }

  private sendIncomplete(res: ServerResponse, s: Session): void {
    const headers: Record<string, string> = { 'content-length': '0', 'x-guploader-uploadid': s.id };
    if (s.received > 0) headers.range = `bytes=0-${s.received - 1}`;
    res.writeHead(308, headers).end();
  }

  private finalizeSession(req: IncomingMessage, res: ServerResponse, s: Session): void {
    const md5 = s.md5.digest('base64');
    checkClientHash(req.headers['x-goog-hash'], crc32cBase64(s.crc), md5);
    this.checkCreatePrecondition(s.bucket, s.name, s.ifGenerationMatch);
    const data = this.retainData ? Buffer.concat(s.chunks, s.received) : null;
    s.chunks.length = 0;
    s.result = this.store(s.bucket, s.name, data, s.received, s.crc, md5, s.contentType, s.metadata);
    sendJson(res, 200, this.objectResource(s.result));
  }

  private finalizeBuffer(bucket: string, name: string, data: Buffer, contentType: string, metadata: Record<string, string> | undefined, clientHash: string | string[] | undefined): FakeObject {
    const crc = crc32c(data);
    const md5 = createHash('md5').update(data).digest('base64');
    checkClientHash(clientHash, crc32cBase64(crc), md5);
    return this.store(bucket, name, this.retainData ? data : null, data.length, crc, md5, contentType, metadata);
  }

  private store(bucket: string, name: string, data: Buffer | null, size: number, crc: number, md5: string, contentType: string, metadata: Record<string, string> | undefined): FakeObject {
    const b = this.buckets.get(bucket);
    if (!b) throw new HttpError(404, `The specified bucket does not exist: ${bucket}`, 'notFound');
    this.nextGeneration += 1n;
    const obj: FakeObject = {
      bucket, name, generation: this.nextGeneration.toString(), metageneration: '1', contentType, size,
      md5Hash: md5, crc32c: crc32cBase64(crc), metadata, timeCreated: new Date().toISOString(), data,
    };
    b.objects.set(name, obj);
    return obj;
  }

  private checkCreatePrecondition(bucket: string, name: string, ifGenerationMatch: string | undefined): void {
    if (ifGenerationMatch === undefined) return;
    const current = this.buckets.get(bucket)?.objects.get(name);
    const currentGen = current ? current.generation : '0';
    if (currentGen !== ifGenerationMatch) {
      throw new HttpError(412, 'At least one of the pre-conditions you specified did not hold.', 'conditionNotMet');
    }
  }

  /**
   * Reads an upload body, applying the fault hooks. Resolves null when a fault cut the
   * connection (nothing of this request is kept).
   */
  private readUploadBody(req: IncomingMessage): Promise<Buffer | null> {
    return new Promise<Buffer | null>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let n = 0;
      let cut = false;
      const onData = (c: Buffer): void => {
        if (cut) return;
        const drop = this.dropFault;
        if (drop && drop.times > 0) {
          drop.seen += c.length;
          if (drop.seen >= drop.afterBytes) {
            drop.times -= 1;
            drop.seen = 0;
            if (drop.times === 0) this.dropFault = null;
            this.drops += 1;
            cut = true;
            req.socket.destroy();
            resolve(null);
            return;
          }
        }
        const stop = this.stopFault;
        if (stop) {
          stop.seen += c.length;
          if (stop.seen >= stop.afterBytes) {
            this.stopFault = null;
            cut = true;
            void this.stop();
            resolve(null);
            return;
          }
        }
        chunks.push(c);
        n += c.length;
      };
      req.on('data', onData);
      req.once('end', () => {
        if (!cut) resolve(Buffer.concat(chunks, n));
      });
      req.once('error', (err) => {
        if (!cut) reject(err);
      });
      req.once('close', () => {
        if (!cut && !req.complete) {
          cut = true;
          resolve(null);
        }
      });
    });
  }

  private bucketResource(name: string): Record<string, unknown> {
    const b = this.buckets.get(name)!;
    return {
      kind: 'storage#bucket', id: name, name, selfLink: `${this.endpoint}/storage/v1/b/${name}`,
      projectNumber: '0', metageneration: '1', location: 'US', storageClass: 'STANDARD',
      timeCreated: b.timeCreated, updated: b.timeCreated, etag: 'CAE=',
    };
  }

  private objectResource(o: FakeObject): Record<string, unknown> {
    const enc = encodeURIComponent(o.name);
    return {
      kind: 'storage#object',
      id: `${o.bucket}/${o.name}/${o.generation}`,
      selfLink: `${this.endpoint}/storage/v1/b/${o.bucket}/o/${enc}`,
      mediaLink: `${this.endpoint}/download/storage/v1/b/${o.bucket}/o/${enc}?generation=${o.generation}&alt=media`,
      name: o.name,
      bucket: o.bucket,
      generation: o.generation,
      metageneration: o.metageneration,
      contentType: o.contentType,
      storageClass: 'STANDARD',
      size: String(o.size),
      md5Hash: o.md5Hash,
      crc32c: o.crc32c,
      etag: etagOf(o),
      timeCreated: o.timeCreated,
      updated: o.timeCreated,
      timeStorageClassUpdated: o.timeCreated,
      ...(o.metadata ? { metadata: o.metadata } : {}),
    };
  }
}

function etagOf(o: FakeObject): string {
  return Buffer.from(`${o.generation}:${o.metageneration}`).toString('base64');
}

function checkPreconditions(obj: FakeObject, q: URLSearchParams): void {
  const gm = q.get('ifGenerationMatch');
  if (gm !== null && gm !== obj.generation) throw new HttpError(412, 'At least one of the pre-conditions you specified did not hold.', 'conditionNotMet');
  const gn = q.get('ifGenerationNotMatch');
  if (gn !== null && gn === obj.generation) throw new HttpError(304, 'not modified', 'notModified');
  const mm = q.get('ifMetagenerationMatch');
  if (mm !== null && mm !== obj.metageneration) throw new HttpError(412, 'At least one of the pre-conditions you specified did not hold.', 'conditionNotMet');
}

/** `X-Goog-Hash: crc32c=…,md5=…` from the client must match what arrived (GCS rejects with 400). */
function checkClientHash(header: string | string[] | undefined, crc: string, md5: string): void {
  if (!header) return;
  for (const part of (Array.isArray(header) ? header.join(',') : header).split(',')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    const key = part.slice(0, at).trim().toLowerCase();
    const value = part.slice(at + 1).trim();
    if ((key === 'crc32c' && value !== crc) || (key === 'md5' && value !== md5)) {
      throw new HttpError(400, `Provided ${key} "${value}" doesn't match calculated ${key} "${key === 'md5' ? md5 : crc}".`, 'invalid');
    }
  }
}

function stringMap(v: unknown): Record<string, string> | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (x !== null && x !== undefined) out[k] = String(x);
  return Object.keys(out).length > 0 ? out : undefined;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': String(text.length) });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, message: string, reason: string): void {
  if (status === 304) {
    res.writeHead(304).end();
    return;
  }
  sendJson(res, status, { error: { code: status, message, errors: [{ message, domain: 'global', reason }] } });
}

function drain(req: IncomingMessage): Promise<void> {
  if (req.complete) return Promise.resolve();
  return new Promise<void>((resolve) => {
    req.on('data', () => undefined);
    req.once('end', () => resolve());
    req.once('close', () => resolve());
  });
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch {
    throw new HttpError(400, 'request body is not JSON', 'parseError');
  }
}

/** Splits a multipart/related body into parts (headers lower-cased, body bytes untouched). */
export function parseMultipart(raw: Buffer, boundary: string): Array<{ headers: Record<string, string>; body: Buffer }> {
  const delim = Buffer.from(`--${boundary}`);
  const parts: Array<{ headers: Record<string, string>; body: Buffer }> = [];
  let pos = raw.indexOf(delim);
  while (pos >= 0) {
    let start = pos + delim.length;
    if (raw[start] === 0x2d && raw[start + 1] === 0x2d) break; // closing delimiter
    if (raw[start] === 0x0d && raw[start + 1] === 0x0a) start += 2;
    else if (raw[start] === 0x0a) start += 1;
    const next = raw.indexOf(delim, start);
    if (next < 0) break;
    let end = next;
    if (raw[end - 1] === 0x0a) end -= 1;
    if (raw[end - 1] === 0x0d) end -= 1;
    const section = raw.subarray(start, end);
    let headEnd = section.indexOf('\r\n\r\n');
    let sep = 4;
    if (headEnd < 0) {
      headEnd = section.indexOf('\n\n');
      sep = 2;
    }
    const headers: Record<string, string> = {};
    let body = section;
    if (headEnd >= 0) {
      for (const line of section.subarray(0, headEnd).toString('latin1').split(/\r?\n/)) {
        const c = line.indexOf(':');
        if (c > 0) headers[line.slice(0, c).trim().toLowerCase()] = line.slice(c + 1).trim();
      }
      body = section.subarray(headEnd + sep);
    } else if (section.length === 0) {
      body = Buffer.alloc(0);
    }
    parts.push({ headers, body });
    pos = next;
  }
  return parts;
}

// ---- standalone ----

async function standalone(argv: string[]): Promise<void> {
  let port = 0;
  const buckets: string[] = [];
  let retainData = true;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--port') port = Number(argv[++i]);
    else if (argv[i] === '--bucket') buckets.push(argv[++i]);
    else if (argv[i] === '--discard') retainData = false;
  }
  const fake = await FakeGcsServer.start({ port, buckets, retainData });
  process.stdout.write(`FAKE_GCS_READY ${fake.endpoint}\n`);
  const shutdown = (): void => {
    void fake.stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  // The parent closing our stdin (or dying) ends the server too.
  process.stdin.on('end', shutdown);
  process.stdin.resume();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  void standalone(process.argv.slice(2));
}
