/**
 * The fake GCS server itself: CRC-32C against published vectors and the SDK's own
 * implementation, and the JSON API subset spoken by the real @google-cloud/storage
 * client (testing.md "GCS: a protocol-level fake server of our own").
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Storage, CRC32C } from '@google-cloud/storage';
import { FakeGcsServer, crc32c, crc32cBase64, parseMultipart } from '../support/fake-gcs.js';
import { crc32cUpdate, fastCrc32cGenerator } from '../../sinks/gcs/index.js';

describe('crc32c (Castagnoli)', () => {
  it('matches the standard check value and RFC 3720 vectors', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
    expect(crc32c(Buffer.alloc(32, 0x00))).toBe(0x8a9136aa);
    expect(crc32c(Buffer.alloc(32, 0xff))).toBe(0x62a8ab43);
    expect(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => i)))).toBe(0x46dd794e);
    expect(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => 31 - i)))).toBe(0x113fdb5c);
  });

  it('chains over pieces of any length and agrees with the SDK', () => {
    const data = createHash('sha512').update('seed').digest();
    const big = Buffer.concat(Array.from({ length: 300 }, (_, i) => createHash('sha256').update(String(i)).digest()));
    for (const buf of [data, big, big.subarray(3, 1001)]) {
      const whole = crc32c(buf);
      let rolling = 0;
      for (let i = 0; i < buf.length; i += 7) rolling = crc32c(buf.subarray(i, i + 7), rolling);
      expect(rolling).toBe(whole);
      const sdk = new CRC32C();
      sdk.update(buf);
      expect(crc32cBase64(whole)).toBe(sdk.toString());
    }
    // The SDK's documented example: 'data' → rth90Q==
    expect(crc32cBase64(crc32c(Buffer.from('data')))).toBe('rth90Q==');
  });
});

describe("the sink's CRC-32C (sinks/gcs/crc32c.ts, installed as the SDK's crc32cGenerator)", () => {
  it('matches the check value, the fake server and the SDK on every length', () => {
    expect(crc32cUpdate(0, Buffer.from('123456789'))).toBe(0xe3069283);
    const buf = Buffer.concat(Array.from({ length: 40 }, (_, i) => createHash('sha256').update(`x${i}`).digest()));
    for (let len = 0; len <= 40; len++) {
      const piece = buf.subarray(0, len * 31);
      expect(crc32cUpdate(0, piece)).toBe(crc32c(piece));
      const mine = fastCrc32cGenerator();
      mine.update(piece.subarray(0, 5));
      mine.update(piece.subarray(5));
      const sdk = new CRC32C();
      sdk.update(piece);
      expect(mine.toString()).toBe(sdk.toString());
      expect(mine.validate(sdk.toString())).toBe(true);
      expect(mine.validate('AAAAAA==')).toBe(piece.length > 0 ? sdk.toString() === 'AAAAAA==' : true);
    }
  });
});

describe('parseMultipart', () => {
  it('keeps binary bodies intact', () => {
    const bin = Buffer.from([0, 13, 10, 45, 45, 255, 13, 10]);
    const raw = Buffer.concat([
      Buffer.from('--xyz\r\nContent-Type: application/json\r\n\r\n{"name":"a"}\r\n--xyz\r\nContent-Type: application/octet-stream\r\n\r\n'),
      bin,
      Buffer.from('\r\n--xyz--\r\n'),
    ]);
    const parts = parseMultipart(raw, 'xyz');
    expect(parts).toHaveLength(2);
    expect(parts[0].body.toString()).toBe('{"name":"a"}');
    expect(parts[1].headers['content-type']).toBe('application/octet-stream');
    expect(parts[1].body.equals(bin)).toBe(true);
  });
});

describe('FakeGcsServer through @google-cloud/storage', () => {
  let fake: FakeGcsServer;
  let storage: Storage;
  const payload = Buffer.concat(Array.from({ length: 5000 }, (_, i) => Buffer.from(`line ${i} ${'x'.repeat(i % 300)}\n`)));

  beforeAll(async () => {
    fake = await FakeGcsServer.start();
    storage = new Storage({ apiEndpoint: fake.endpoint, projectId: 'test' });
  });
  afterAll(async () => {
    await fake.stop();
  });

  it('creates and gets buckets (404 for a missing one)', async () => {
    await storage.createBucket('unit-bucket');
    const [exists] = await storage.bucket('unit-bucket').exists();
    expect(exists).toBe(true);
    const [missing] = await storage.bucket('no-such-bucket').exists();
    expect(missing).toBe(false);
    await expect(storage.createBucket('unit-bucket')).rejects.toMatchObject({ code: 409 });
  });

  it('multipart and media uploads store the bytes with md5 and crc32c', async () => {
    const f = storage.bucket('unit-bucket').file('simple/a.txt');
    await f.save(payload, { resumable: false, contentType: 'text/plain', metadata: { metadata: { k: 'v' } } });
    const o = fake.getObject('unit-bucket', 'simple/a.txt')!;
    expect(o.data!.equals(payload)).toBe(true);
    expect(o.md5Hash).toBe(createHash('md5').update(payload).digest('base64'));
    expect(o.crc32c).toBe(crc32cBase64(crc32c(payload)));
    expect(o.contentType).toBe('text/plain');
    expect(o.metadata).toEqual({ k: 'v' });
    const res = await fetch(`${fake.endpoint}/upload/storage/v1/b/unit-bucket/o?uploadType=media&name=raw.bin`, { method: 'POST', body: new Uint8Array(Buffer.from('raw')) });
    expect(res.status).toBe(200);
    expect(fake.getObject('unit-bucket', 'raw.bin')!.data!.toString()).toBe('raw');
  });

  it('resumable uploads in several chunks, downloads validate, generations increase', async () => {
    const f = storage.bucket('unit-bucket').file('chunked/b.csv');
    const big = Buffer.concat(Array.from({ length: 5 }, () => payload));
    expect(big.length).toBeGreaterThan(1024 * 1024);
    await pipeline(Readable.from([big.subarray(0, 100_000), big.subarray(100_000)]), f.createWriteStream({ resumable: true, chunkSize: 256 * 1024, validation: 'crc32c', preconditionOpts: { ifGenerationMatch: 0 } }));
    const puts = fake.requests.filter((r) => r.startsWith('PUT /upload/storage/v1/b/unit-bucket/o'));
    expect(puts.length).toBe(Math.ceil(big.length / (256 * 1024)));
    const [down] = await f.download({ validation: 'crc32c' });
    expect(down.equals(big)).toBe(true);
    const [meta] = await f.getMetadata();
    expect(Number(meta.size)).toBe(big.length);
    const first = BigInt(String(meta.generation));
    await f.save(Buffer.from('v2'), { resumable: false });
    const [meta2] = await f.getMetadata();
    expect(BigInt(String(meta2.generation))).toBeGreaterThan(first);
  });

  it('answers 308 with Range while incomplete and bytes */* status queries', async () => {
    const init = await fetch(`${fake.endpoint}/upload/storage/v1/b/unit-bucket/o?uploadType=resumable&name=manual.bin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(init.status).toBe(200);
    const loc = init.headers.get('location')!;
    expect(loc).toContain('upload_id=');
    const empty = await fetch(loc, { method: 'PUT', headers: { 'content-range': 'bytes */*' } });
    expect(empty.status).toBe(308);
    expect(empty.headers.get('range')).toBeNull();
    const p1 = await fetch(loc, { method: 'PUT', headers: { 'content-range': 'bytes 0-3/*' }, body: new Uint8Array(Buffer.from('abcd')) });
    expect(p1.status).toBe(308);
    expect(p1.headers.get('range')).toBe('bytes=0-3');
    const q = await fetch(loc, { method: 'PUT', headers: { 'content-range': 'bytes */*' } });
    expect(q.headers.get('range')).toBe('bytes=0-3');
    const p2 = await fetch(loc, { method: 'PUT', headers: { 'content-range': 'bytes 4-5/6' }, body: new Uint8Array(Buffer.from('ef')) });
    expect(p2.status).toBe(200);
    const obj = (await p2.json()) as { size: string; md5Hash: string; crc32c: string };
    expect(obj.size).toBe('6');
    expect(obj.crc32c).toBe(crc32cBase64(crc32c(Buffer.from('abcdef'))));
    expect(fake.getObject('unit-bucket', 'manual.bin')!.data!.toString()).toBe('abcdef');
  });

  it('rejects a create-only upload of an existing object with 412', async () => {
    const f = storage.bucket('unit-bucket').file('simple/a.txt');
    await expect(f.save(Buffer.from('other'), { resumable: false, preconditionOpts: { ifGenerationMatch: 0 } })).rejects.toMatchObject({ code: 412 });
    expect(fake.getObject('unit-bucket', 'simple/a.txt')!.data!.equals(payload)).toBe(true);
  });

  it('lists with a prefix and deletes', async () => {
    const [files] = await storage.bucket('unit-bucket').getFiles({ prefix: 'simple/' });
    expect(files.map((f) => f.name)).toEqual(['simple/a.txt']);
    await storage.bucket('unit-bucket').file('simple/a.txt').delete();
    expect(fake.getObject('unit-bucket', 'simple/a.txt')).toBeUndefined();
  });

  it('accepts JSON paths without /storage/v1 (STORAGE_EMULATOR_HOST)', async () => {
    const res = await fetch(`${fake.endpoint}/b/unit-bucket/o/raw.bin`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { name: string }).name).toBe('raw.bin');
    const media = await fetch(`${fake.endpoint}/b/unit-bucket/o/raw.bin?alt=media`);
    expect(media.headers.get('x-goog-hash')).toBe(`crc32c=${crc32cBase64(crc32c(Buffer.from('raw')))},md5=${createHash('md5').update('raw').digest('base64')}`);
    expect(await media.text()).toBe('raw');
  });

  it('resumes after the fault hook drops the connection mid-upload', async () => {
    // A fresh client: save() without a precondition leaves autoRetry off on the Storage it used (SDK 7.19).
    const f = new Storage({ apiEndpoint: fake.endpoint, projectId: 'test' }).bucket('unit-bucket').file('faulty/c.bin');
    const big = Buffer.concat(Array.from({ length: 6 }, () => payload));
    const dropsBefore = fake.drops;
    fake.dropConnectionAfter(600 * 1024);
    await pipeline(Readable.from([big]), f.createWriteStream({ resumable: true, chunkSize: 256 * 1024, validation: 'crc32c', preconditionOpts: { ifGenerationMatch: 0 } }));
    expect(fake.drops).toBe(dropsBefore + 1);
    expect(fake.getObject('unit-bucket', 'faulty/c.bin')!.data!.equals(big)).toBe(true);
  });
});
