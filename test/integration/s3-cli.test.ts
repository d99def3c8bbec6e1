/**
 * The real CLI with a YAML pipeline writing to S3 (s3rver on 127.0.0.1):
 * `endpoint: "${S3_ENDPOINT}"` from the environment, the manifest checked
 * against what the server holds; and the server going away mid-upload →
 * exit 3, a clear message, no object under the final key, manifest failed.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, runCli, tempDirs } from '../support/cli.js';
import { getObjectBytes, listKeys, s3rverMissing, startFaultProxy, startS3rver, type S3rverHandle } from '../support/s3rver.js';

const missing = s3rverMissing();
const suite = missing && !process.env.CI ? describe.skip : describe;
if (missing) {
  describe('s3rver', () => {
    it.skipIf(!process.env.CI)(`is required under CI (${missing})`, () => expect(missing).toBeNull());
  });
}

const BUCKET = 'lake';
const SMALL = readFileSync(join(REPO, 'test/fixtures/small.yaml'), 'utf8');
const { tmp, cleanup } = tempDirs('dsp-s3cli-');
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

interface ManifestLike {
  status: string;
  status_reason: { code: string; message: string } | null;
  run_id: string;
  outputs: Array<{ table: string; uri: string; rel: string | null; rows: number; bytes: number; sha256: string; extra?: { etag?: string } }>;
  config: { runtime: Record<string, unknown> };
}

function writePipeline(dir: string, sinkYaml: string): string {
  const path = join(dir, 'pipeline.yaml');
  writeFileSync(path, SMALL.replace(/^sinks:\n[\s\S]*$/m, `sinks:\n${sinkYaml}`));
  return path;
}

suite('CLI run with an s3 sink', () => {
  let s3: S3rverHandle;
  beforeAll(async () => {
    s3 = await startS3rver({ buckets: [BUCKET] });
  });
  afterAll(async () => {
    await s3?.stop();
    cleanup();
  });

  it('writes every table to the bucket; the manifest matches the objects; secrets stay out of it', async () => {
    const dir = tmp();
    const out = join(dir, 'out');
    const yaml = writePipeline(dir, [
      '  lake:',
      '    type: s3',
      '    inputs: [companies, coa, gl]',
      '    bucket: lake',
      '    prefix: e2e/run1/',
      '    endpoint: "${S3_ENDPOINT}"',
      '    access_key_id: "${S3_KEY}"',
      '    secret_access_key: "${S3_SECRET}"',
      '',
    ].join('\n'));
    const r = await runCli(['run', yaml, '--out', out, '-q'], { env: { S3_ENDPOINT: s3.endpoint, S3_KEY: 'S3RVER', S3_SECRET: 'S3RVER' } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const manifestText = readFileSync(join(out, 'manifest.json'), 'utf8');
    const m = JSON.parse(manifestText) as ManifestLike;
    expect(m.status).toBe('complete');
    expect(m.outputs.length).toBe(5);
    for (const o of m.outputs) {
      expect(o.uri).toBe(`s3://lake/e2e/run1/${o.table}.csv`);
      const bytes = await getObjectBytes(s3.client, BUCKET, `e2e/run1/${o.table}.csv`);
      expect(sha256(bytes)).toBe(o.sha256);
      expect(bytes.length).toBe(o.bytes);
      expect(o.extra?.etag).toMatch(/^"/);
    }
    expect((await getObjectBytes(s3.client, BUCKET, 'e2e/run1/manifest.json')).toString('utf8')).toBe(manifestText);
    const success = JSON.parse((await getObjectBytes(s3.client, BUCKET, 'e2e/run1/_SUCCESS')).toString()) as { manifest_sha256: string; run_id: string };
    expect(success.manifest_sha256).toBe(sha256(Buffer.from(manifestText)));
    expect(success.run_id).toBe(m.run_id);
    // Credentials are secrets: redacted in the manifest's runtime section, never printed.
    expect(manifestText).not.toContain('S3RVER');
    expect(JSON.stringify(m.config.runtime)).toContain('"access_key_id":"***"');
  });

  it('the endpoint dies mid-upload: exit 3 with a clear message, no object under the final key, manifest failed', async () => {
    // Dies once ~8 MB have been sent: inside part 2 of the 14 MB journal_entry_lines.csv (5 MiB parts).
    const proxy = await startFaultProxy(s3.port, 8 * 1024 * 1024);
    try {
      const dir = tmp();
      const out = join(dir, 'out');
      const yaml = writePipeline(dir, '  lake: { type: s3, inputs: [companies, coa, gl], bucket: lake, prefix: fault/, endpoint: "${S3_ENDPOINT}", part_size: 5, retries: 1 }\n');
      const r = await runCli(['run', yaml, '--out', out, '-q'], {
        env: { S3_ENDPOINT: proxy.endpoint, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' },
      });
      await proxy.died;
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/datasynth-pipe: DSP_SINK_S3_UPLOAD: sink lake: upload of s3:\/\/lake\/fault\/journal_entry_lines\.csv at endpoint http:\/\/127\.0\.0\.1:\d+ failed: /);
      expect(r.stderr).toMatch(/Check that endpoint http:\/\/127\.0\.0\.1:\d+ is reachable and retry; nothing was published under this key/);
      expect(r.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
      const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as ManifestLike;
      expect(m.status).toBe('failed');
      expect(m.status_reason?.code).toBe('DSP_SINK_S3_UPLOAD');
      expect(m.outputs.map((o) => o.table)).not.toContain('journal_entry_lines');
      expect(existsSync(join(out, '_SUCCESS'))).toBe(false);
      // What the server holds (asked directly, not through the dead proxy): only objects the manifest lists as committed.
      const keys = await listKeys(s3.client, BUCKET, 'fault/');
      expect(keys).not.toContain('fault/journal_entry_lines.csv');
      expect(keys).not.toContain('fault/_SUCCESS');
      expect(keys).not.toContain('fault/manifest.json');
      expect(keys).toEqual(m.outputs.map((o) => o.uri.slice('s3://lake/'.length)).sort());
    } finally {
      await proxy.stop();
    }
  });
});
