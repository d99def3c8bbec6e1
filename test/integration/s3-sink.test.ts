/**
 * The S3 sink through the whole engine against a real S3 protocol server
 * (s3rver on 127.0.0.1, testing.md): what reaches the bucket is exactly what
 * the manifest records, large objects go multipart, manifest.json and
 * _SUCCESS are published last, and if_exists is honoured.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import '../../src/plugins.js';
import { loadConfigText } from '../../src/config/load.js';
import { runPipeline, type RunResult } from '../../src/engine/runner.js';
import { REPO, tempDirs } from '../support/cli.js';
import { getObjectBytes, listKeys, s3rverMissing, startFaultProxy, startS3rver, type FaultProxy, type S3rverHandle } from '../support/s3rver.js';

const missing = s3rverMissing();
const suite = missing && !process.env.CI ? describe.skip : describe;
if (missing) {
  describe('s3rver', () => {
    it.skipIf(!process.env.CI)(`is required under CI (${missing})`, () => expect(missing).toBeNull());
  });
}

const BUCKET = 'lake';
const SMALL = readFileSync(join(REPO, 'test/fixtures/small.yaml'), 'utf8');
const { tmp, cleanup } = tempDirs('dsp-s3-');

/** small.yaml with its file sink replaced by an s3 sink. */
function pipeline(sink: string): string {
  return SMALL.replace(/^sinks:\n[\s\S]*$/m, `sinks:\n  lake: ${sink}\n`);
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

interface Ctx { s3: S3rverHandle; proxy: FaultProxy }

async function run(yaml: string, env: Record<string, string>, opts: { ifExists?: 'fail' | 'overwrite' } = {}): Promise<RunResult> {
  const loaded = loadConfigText(yaml, { file: 'pipeline.yaml', env: { ...env } });
  const out = tmp();
  return runPipeline({ loaded, cwd: out, outRoot: out, ...(opts.ifExists ? { ifExists: opts.ifExists } : {}) });
}

suite('s3 sink against s3rver', () => {
  const c = {} as Ctx;
  let env: Record<string, string>;
  beforeAll(async () => {
    c.s3 = await startS3rver({ buckets: [BUCKET] });
    c.proxy = await startFaultProxy(c.s3.port);
    // Credentials through the standard AWS env chain, as a user would set them.
    env = { S3_ENDPOINT: c.proxy.endpoint, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };
    for (const [k, v] of Object.entries(env)) process.env[k] = v;
  });
  afterAll(async () => {
    for (const k of Object.keys(env ?? {})) delete process.env[k];
    await c.proxy?.stop();
    await c.s3?.stop();
    cleanup();
  });

  describe('round trip, single layout, CSV', () => {
    let result: RunResult;
    let requestsBefore: number;
    beforeAll(async () => {
      requestsBefore = c.proxy.requests.length;
      result = await run(pipeline('{ type: s3, inputs: [companies, coa, gl], bucket: lake, prefix: rt/csv, endpoint: "${S3_ENDPOINT}", part_size: 5 }'), env);
    });

    it('completes, and every object in the bucket has the manifest sha256, size and rows', async () => {
      expect(result.error).toBeNull();
      expect(result.status).toBe('complete');
      const outputs = result.manifest.outputs;
      expect(outputs.map((o) => o.table).sort()).toEqual(['anomaly_labels', 'chart_of_accounts', 'companies', 'je_approvals', 'journal_entry_lines']);
      for (const o of outputs) {
        expect(o.uri).toBe(`s3://lake/rt/csv/${o.table}.csv`);
        expect(o.rel).toBeNull();
        const bytes = await getObjectBytes(c.s3.client, BUCKET, `rt/csv/${o.table}.csv`);
        expect(sha256(bytes)).toBe(o.sha256);
        expect(bytes.length).toBe(o.bytes);
        expect((parse(bytes, { columns: true }) as unknown[]).length).toBe(o.rows);
        const extra = o.extra as { etag: string; version_id: string | null };
        expect(extra.etag).toMatch(/^"[0-9a-f]{32}(-\d+)?"$/);
        const head = await c.s3.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: `rt/csv/${o.table}.csv` }));
        expect(head.ETag).toBe(extra.etag);
        expect(head.ContentType).toBe('text/csv');
      }
      expect(result.manifest.tables.journal_entry_lines.rows).toBe(outputs.find((o) => o.table === 'journal_entry_lines')!.rows);
    });

    it('marks every object in its metadata (controls.md §5.2): synthetic, digital-source-type, datasynth-marking', async () => {
      const m = result.manifest;
      const json = JSON.stringify(m.marking!.credential);
      expect(m.marking!.placements).toEqual(['object_metadata']);
      for (const o of m.outputs) {
        expect(o.role).toBe('data');
        expect(o.marking).toEqual({ placement: ['object_metadata'] });
        const head = await c.s3.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: `rt/csv/${o.table}.csv` }));
        expect(head.Metadata?.synthetic).toBe('true');
        expect(head.Metadata?.['digital-source-type']).toBe('http://cv.iptc.org/newscodes/digitalsourcetype/algorithmicMedia');
        expect(head.Metadata?.['datasynth-marking']).toBe(json);
      }
    });

    it('uploads an object larger than part_size in 5 MiB parts (multipart) and smaller ones by one PUT', () => {
      const lines = result.manifest.outputs.find((o) => o.table === 'journal_entry_lines')!;
      expect(lines.bytes).toBeGreaterThan(10 * 1024 * 1024);
      const reqs = c.proxy.requests.slice(requestsBefore);
      const parts = reqs.filter((r) => r.startsWith('PUT /lake/rt/csv/journal_entry_lines.csv?') && r.includes('partNumber='));
      expect(parts.length).toBe(Math.ceil(lines.bytes / (5 * 1024 * 1024)));
      expect(reqs.filter((r) => r.startsWith('POST /lake/rt/csv/journal_entry_lines.csv?uploadId=')).length).toBe(1);
      expect(reqs).toContain('PUT /lake/rt/csv/companies.csv?x-id=PutObject');
    });

    it('publishes manifest.json then _SUCCESS, after every data object, and _SUCCESS names the manifest', async () => {
      const reqs = c.proxy.requests.slice(requestsBefore).filter((r) => r.startsWith('PUT ') || r.startsWith('POST '));
      expect(reqs.at(-2)).toMatch(/^PUT \/lake\/rt\/csv\/manifest\.json\b/);
      expect(reqs.at(-1)).toMatch(/^PUT \/lake\/rt\/csv\/_SUCCESS\b/);
      const keys = await listKeys(c.s3.client, BUCKET, 'rt/csv/');
      expect(keys).toEqual(['rt/csv/_SUCCESS', 'rt/csv/anomaly_labels.csv', 'rt/csv/chart_of_accounts.csv', 'rt/csv/companies.csv', 'rt/csv/je_approvals.csv', 'rt/csv/journal_entry_lines.csv', 'rt/csv/manifest.json']);
      const remoteManifest = await getObjectBytes(c.s3.client, BUCKET, 'rt/csv/manifest.json');
      expect(remoteManifest.equals(readFileSync(result.manifestPath))).toBe(true);
      const success = JSON.parse((await getObjectBytes(c.s3.client, BUCKET, 'rt/csv/_SUCCESS')).toString()) as { run_id: string; manifest_sha256: string };
      expect(success.manifest_sha256).toBe(sha256(remoteManifest));
      expect(success.run_id).toBe(result.manifest.run_id);
    });

    it('if_exists: fail refuses to write over the objects (exit 3) and leaves them untouched', async () => {
      const before = await getObjectBytes(c.s3.client, BUCKET, 'rt/csv/companies.csv');
      const again = await run(pipeline('{ type: s3, inputs: [companies, coa, gl], bucket: lake, prefix: rt/csv, endpoint: "${S3_ENDPOINT}", part_size: 5 }'), env);
      expect(again.exitCode).toBe(3);
      expect(again.status).toBe('failed');
      expect(again.error?.code).toBe('DSP_SINK_S3_EXISTS');
      expect(again.error?.message).toMatch(/s3:\/\/lake\/rt\/csv\/companies\.csv already exists \(if_exists: fail\)/);
      expect((await getObjectBytes(c.s3.client, BUCKET, 'rt/csv/companies.csv')).equals(before)).toBe(true);
      const success = JSON.parse((await getObjectBytes(c.s3.client, BUCKET, 'rt/csv/_SUCCESS')).toString()) as { run_id: string };
      expect(success.run_id).toBe(result.manifest.run_id);
    });

    it('--if-exists overwrite rewrites the same bytes (deterministic) and a new _SUCCESS', async () => {
      const again = await run(pipeline('{ type: s3, inputs: [companies, coa, gl], bucket: lake, prefix: rt/csv, endpoint: "${S3_ENDPOINT}", part_size: 5 }'), env, { ifExists: 'overwrite' });
      expect(again.status).toBe('complete');
      const hashes = (r: RunResult): Record<string, string> => Object.fromEntries(r.manifest.outputs.map((o) => [o.uri, o.sha256]));
      expect(hashes(again)).toEqual(hashes(result));
      const success = JSON.parse((await getObjectBytes(c.s3.client, BUCKET, 'rt/csv/_SUCCESS')).toString()) as { run_id: string };
      expect(success.run_id).toBe(again.manifest.run_id);
      expect(success.run_id).not.toBe(result.manifest.run_id);
    });
  });

  it('partitioned NDJSON + gzip: one object per partition, each matching the manifest', async () => {
    const result = await run(pipeline('{ type: s3, inputs: [companies, coa, gl], tables: [journal_entry_lines], bucket: lake, prefix: rt/nd/, endpoint: "${S3_ENDPOINT}", format: ndjson, compression: gzip, layout: partitioned }'), env);
    expect(result.status).toBe('complete');
    const outputs = result.manifest.outputs;
    expect(outputs.length).toBeGreaterThan(1);
    let rows = 0;
    for (const o of outputs) {
      const key = o.uri.slice('s3://lake/'.length);
      expect(key).toMatch(/^rt\/nd\/journal_entry_lines\/part-\d{5}-of-\d{5}\.ndjson\.gz$/);
      const bytes = await getObjectBytes(c.s3.client, BUCKET, key);
      expect(sha256(bytes)).toBe(o.sha256);
      const lines = gunzipSync(bytes).toString('utf8').split('\n').filter((l) => l !== '');
      expect(lines.length).toBe(o.rows);
      expect((JSON.parse(lines[0]) as Record<string, unknown>).document_id).toBeDefined();
      rows += o.rows;
      const head = await c.s3.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
      expect(head.ContentType).toBe('application/gzip');
    }
    expect(rows).toBe(result.manifest.tables.journal_entry_lines.rows);
    expect(await listKeys(c.s3.client, BUCKET, 'rt/nd/_SUCCESS')).toEqual(['rt/nd/_SUCCESS']);
  });

  it('a missing bucket fails at the start (exit 3) naming bucket and endpoint, before any data is generated', async () => {
    const result = await run(pipeline('{ type: s3, inputs: [companies, coa, gl], bucket: no-such-bucket, endpoint: "${S3_ENDPOINT}" }'), env);
    expect(result.exitCode).toBe(3);
    expect(result.error?.code).toBe('DSP_SINK_S3_CHECK');
    expect(result.error?.message).toContain(`bucket no-such-bucket check (HeadBucket) at endpoint ${c.proxy.endpoint} failed`);
    expect(result.manifest.outputs).toEqual([]);
  });
});
