/**
 * s3rver (testing.md "S3") in-process on 127.0.0.1 with a free port, plus a
 * fault proxy that forwards TCP to it and can vanish mid-upload (every open
 * connection reset, the port closed), which is what a client sees when the
 * server process dies.
 *
 * @example
 * const s3 = await startS3rver({ buckets: ['lake'] });
 * try { … s3.endpoint … } finally { await s3.stop(); }
 */
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client, ListObjectsV2Command, GetObjectCommand } from '@aws-sdk/client-s3';

/** s3rver accepts only these credentials (testing.md). */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
type S3rverCtor = new (options: Record<string, unknown>) => S3rverInstance;

/** s3rver ships no types; require() keeps the CommonJS module untyped on purpose. */
function loadS3rver(): S3rverCtor | null {
  try {
    const require = createRequire(import.meta.url);
    return require('s3rver') as S3rverCtor;
  } catch {
    return null;
  }
}

/** Why the S3 integration tests cannot run here, or null when they can. */
export function s3rverMissing(): string | null {
  return loadS3rver() ? null : 's3rver is not installed: run `npm ci` (it is a devDependency, s3rver 3.7.x)';
}

export interface S3rverHandle {
  readonly endpoint: string;
  readonly port: number;
  readonly directory: string;
  /** A client for the tests themselves (path style, WHEN_REQUIRED checksums, s3rver's keys). */
  readonly client: S3Client;
  stop(): Promise<void>;
}

export async function startS3rver(opts: { buckets: string[]; directory?: string }): Promise<S3rverHandle> {
  const S3rver = loadS3rver();
  if (!S3rver) throw new Error(s3rverMissing()!);
  const directory = opts.directory ?? mkdtempSync(join(tmpdir(), 'dsp-s3rver-'));
  const ownsDir = opts.directory === undefined;
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    directory,
    silent: true,
    configureBuckets: opts.buckets.map((name) => ({ name })),
  });
  let port: number;
  try {
    ({ port } = await server.run());
  } catch (err) {
    if (ownsDir) rmSync(directory, { recursive: true, force: true });
    throw err;
  }
  const endpoint = `http://127.0.0.1:${port}`;
  const client = testClient(endpoint);
  return {
    endpoint,
    port,
    directory,
    client,
    async stop(): Promise<void> {
      client.destroy();
      await server.close().catch(() => undefined);
      if (ownsDir) rmSync(directory, { recursive: true, force: true });
    },
  };
}

export function testClient(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: S3RVER_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export async function listKeys(client: S3Client, bucket: string, prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys.sort();
}

export async function getObjectBytes(client: S3Client, bucket: string, key: string): Promise<Buffer> {
  const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await res.Body!.transformToByteArray());
}

export interface FaultProxy {
  readonly endpoint: string;
  /** `METHOD /path?query` of each HTTP request seen, in order (request lines start a client chunk). */
  readonly requests: readonly string[];
  /** Bytes received from clients so far (request bytes towards the server). */
  readonly clientBytes: number;
  /** Resolves once the proxy has gone away (after `dieAfterClientBytes` was reached). */
  readonly died: Promise<void>;
  stop(): Promise<void>;
}

const REQUEST_LINE = /^(GET|PUT|POST|HEAD|DELETE) (\S+) HTTP\/1\.1\r\n/;

/**
 * A TCP proxy to `target`; once clients have sent `dieAfterClientBytes`
 * bytes it resets every connection and closes its port, so retries are
 * refused: the server is gone for the rest of the run. Without a limit it
 * only forwards and logs request lines.
 */
export async function startFaultProxy(targetPort: number, dieAfterClientBytes = Infinity): Promise<FaultProxy> {
  const sockets = new Set<Socket>();
  const requests: string[] = [];
  let clientBytes = 0;
  let dead = false;
  let markDied!: () => void;
  const died = new Promise<void>((res) => (markDied = res));
  const server: Server = createServer((client) => {
    if (dead) {
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client);
    sockets.add(upstream);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop);
    upstream.on('error', drop);
    client.on('close', drop);
    upstream.on('close', drop);
    client.on('data', (d: Buffer) => {
      if (dead) return;
      const line = REQUEST_LINE.exec(d.toString('latin1', 0, Math.min(d.length, 4096)));
      if (line) requests.push(`${line[1]} ${line[2]}`);
      clientBytes += d.length;
      if (clientBytes >= dieAfterClientBytes) {
        die();
        return;
      }
      if (!upstream.write(d)) {
        client.pause();
        upstream.once('drain', () => client.resume());
      }
    });
    upstream.pipe(client);
  });
  const die = (): void => {
    if (dead) return;
    dead = true;
    for (const s of sockets) s.resetAndDestroy();
    sockets.clear();
    server.close(() => markDied());
  };
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => res());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy did not bind a TCP port');
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    requests,
    get clientBytes() {
      return clientBytes;
    },
    died,
    async stop(): Promise<void> {
      if (!dead) {
        dead = true;
        for (const s of sockets) s.destroy();
        await new Promise<void>((res) => server.close(() => res()));
        markDied();
      }
    },
  };
}
