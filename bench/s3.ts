/**
 * S3 sink throughput against the SDK uploading the same bytes from memory
 * (issue 5 target: ≥ 80 %), both to the same local s3rver, in one run:
 *
 *   node dist/bench/s3.js [--mib 200] [--repeats 3] [--results bench/results]
 *
 * - baseline: `@aws-sdk/lib-storage` Upload of the CSV bytes as one Buffer
 *   (same client settings, part size 8 MiB, queue size 4).
 * - sink (output path): the same bytes through the engine's OutputChannel
 *   (coalescing, SHA-256 on write, backpressure) into the s3 sink's writer,
 *   open → commit; the encoder replays the bytes in 256 KiB chunks, so only
 *   the sink path is timed.
 * - engine → s3: the whole engine (generation → CSV → hash → s3 sink →
 *   manifest + _SUCCESS in the bucket) writing the same table; its bytes are
 *   checked equal (SHA-256) to the baseline's.
 * - engine → file: the same run to a local file, the generation ceiling.
 *
 * s3rver runs in a child process (its own core on a 2-core machine); the
 * client side runs here. Modes alternate within each repeat; the best of the
 * repeats is reported. Objects are deleted after each measurement.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, promises as fs, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeleteObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import '../src/plugins.js';
import { loadConfigObject } from '../src/config/load.js';
import { runPipeline } from '../src/engine/runner.js';
import { OutputChannel } from '../src/engine/output.js';
import { defineTable } from '../src/engine/schema.js';
import type { FormatPlugin, OutputTarget, RunContext } from '../src/engine/plugins.js';
import { buildS3Client, createS3Sink, resolveS3Settings, type S3SinkOptions } from '../sinks/s3/index.js';

const MIB = 1024 * 1024;
const BUCKET = 'bench';
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const DEFAULT_RESULTS = join(REPO, 'bench/results');
const TARGET_RATIO = 0.8;
/** Bytes per journal line measured on the engine's CSV (≈ 410); only sizes the run. */
const BYTES_PER_LINE = 410;
const LINES_PER_ENTRY = 11.5;

interface Args { mib: number; repeats: number; resultsDir: string }

function parseArgs(argv: string[]): Args {
  const a: Args = { mib: 200, repeats: 3, resultsDir: DEFAULT_RESULTS };
  for (let i = 0; i < argv.length; i += 2) {
    const v = argv[i + 1];
    if (argv[i] === '--mib') a.mib = Number(v);
    else if (argv[i] === '--repeats') a.repeats = Number(v);
    else if (argv[i] === '--results') a.resultsDir = v;
    else throw new Error(`unknown argument ${argv[i]} (use --mib N --repeats N --results DIR)`);
  }
  return a;
}

async function startS3rverChild(directory: string): Promise<{ child: ChildProcess; port: number }> {
  const script = `const S3rver = require('s3rver');
new S3rver({ address: '127.0.0.1', port: 0, directory: ${JSON.stringify(directory)}, silent: true, configureBuckets: [{ name: '${BUCKET}' }] })
  .run().then((a) => console.log('PORT ' + a.port), (e) => { console.error(e); process.exit(1); });`;
  const child = spawn(process.execPath, ['-e', script], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_NO_WARNINGS: '1' } });
  const port = await new Promise<number>((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (d: Buffer) => {
      text += d.toString();
      const m = /PORT (\d+)/.exec(text);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`s3rver exited (${code}) before listening; is the s3rver devDependency installed (npm ci)?`)));
  });
  return { child, port };
}

function benchConfig(volume: number, sink: Record<string, unknown>): Record<string, unknown> {
  return {
    version: 1,
    seed: 42,
    period: { start: '2025-01-01', months: 12 },
    companies: [{ code: '1000', name: 'Bench Co', currency: 'USD', country: 'US', volume }],
    sources: { gl: { type: 'journal_entries' } },
    sinks: { out: { inputs: ['gl'], tables: ['journal_entry_lines'], ...sink } },
  };
}

const seconds = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e9;
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

async function emptyBucket(client: S3Client): Promise<void> {
  const page = await client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
  for (const o of page.Contents ?? []) await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: o.Key! }));
}

/** An encoder that replays pre-encoded bytes in 256 KiB chunks (no copy). */
function replayFormat(bytes: Buffer): FormatPlugin {
  return {
    name: 'csv',
    extension: 'csv',
    mediaType: 'text/csv',
    createEncoder: () => ({
      begin: () => [],
      encode: () => [],
      end: () => {
        const chunks: Buffer[] = [];
        for (let i = 0; i < bytes.length; i += 256 * 1024) chunks.push(bytes.subarray(i, i + 256 * 1024));
        return chunks;
      },
    }),
  };
}

interface Measure { mode: string; seconds: number; bytes: number; mibPerSec: number; clientCpuSeconds?: number; lines?: number; sha256?: string }

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const loadAtStart = os.loadavg();
  const work = mkdtempSync(join(os.tmpdir(), 'dsp-bench-s3-'));
  const s3dir = join(work, 's3rver');
  await fs.mkdir(s3dir);
  const { child, port } = await startS3rverChild(s3dir);
  const endpoint = `http://127.0.0.1:${port}`;
  const sinkOptions: S3SinkOptions = { bucket: BUCKET, endpoint, access_key_id: 'S3RVER', secret_access_key: 'S3RVER', part_size: 8, queue_size: 4 };
  const client = buildS3Client(resolveS3Settings('bench', sinkOptions));
  const cleanup = (): void => {
    child.kill();
    rmSync(work, { recursive: true, force: true });
  };
  process.on('exit', cleanup);
  try {
    const volume = Math.round((args.mib * MIB) / BYTES_PER_LINE / LINES_PER_ENTRY);
    // The bytes every mode moves: the engine's CSV of journal_entry_lines (deterministic).
    const fileDir = join(work, 'file');
    const prep = await runPipeline({ loaded: loadConfigObject(benchConfig(volume, { type: 'file', path: fileDir }), {}), outRoot: fileDir, ifExists: 'overwrite', progressIntervalMs: 60_000 });
    if (prep.status !== 'complete') throw new Error(`preparing the CSV failed: ${prep.error?.message}`);
    const bytes = await fs.readFile(join(fileDir, 'journal_entry_lines.csv'));
    const lines = prep.manifest.tables.journal_entry_lines.rows;
    const expectedSha = sha256(bytes);
    console.error(`CSV: ${(bytes.length / MIB).toFixed(1)} MiB, ${lines} lines; s3rver at ${endpoint}`);

    const schema = defineTable('journal_entry_lines', 'bench', [['x', { type: 'string', description: 'x' }]]);
    const results: Measure[] = [];
    let cpu0 = process.cpuUsage();
    const record = (m: Measure): void => {
      const cpu = process.cpuUsage(cpu0);
      m.clientCpuSeconds = (cpu.user + cpu.system) / 1e6;
      results.push(m);
      console.error(`${m.mode.padEnd(22)} ${m.seconds.toFixed(2)} s  ${m.mibPerSec.toFixed(1)} MiB/s  client CPU ${m.clientCpuSeconds.toFixed(2)} s`);
    };
    const mark = (): bigint => {
      cpu0 = process.cpuUsage();
      return process.hrtime.bigint();
    };

    for (let r = 0; r < args.repeats; r++) {
      // baseline: the SDK uploading the bytes from memory
      let t0 = mark();
      await new Upload({ client, params: { Bucket: BUCKET, Key: `baseline-${r}.csv`, Body: bytes, ContentType: 'text/csv' }, partSize: 8 * MIB, queueSize: 4, leavePartsOnError: false }).done();
      let s = seconds(t0);
      record({ mode: 'sdk-from-memory', seconds: s, bytes: bytes.length, mibPerSec: bytes.length / MIB / s });
      await emptyBucket(client);

      // the sink through the engine's output path
      const sink = createS3Sink('bench', { ...sinkOptions, prefix: `path-${r}/` });
      const ctx: RunContext = { runId: 'bench', attemptId: `a${r}`, controlRoot: work, signal: new AbortController().signal, ifExists: 'overwrite' };
      const target: OutputTarget = { table: 'journal_entry_lines', partitions: [0], partitionCount: 1, layout: 'single', format: 'csv', compression: 'none', schema };
      t0 = mark();
      const writer = await sink.open(target, ctx);
      const channel = new OutputChannel('bench', target, replayFormat(bytes), writer, {});
      await channel.begin();
      const rec = await channel.finish();
      s = seconds(t0);
      sink.client.destroy();
      if (rec.sha256 !== expectedSha) throw new Error('sink path hashed other bytes than it was given');
      record({ mode: 'sink-output-path', seconds: s, bytes: rec.bytes, mibPerSec: rec.bytes / MIB / s, sha256: rec.sha256 });
      await emptyBucket(client);

      // the whole engine to S3
      const ctrl = join(work, `ctrl-${r}`);
      const loadedS3 = loadConfigObject(benchConfig(volume, { type: 's3', ...sinkOptions, prefix: `engine-${r}/` }), {});
      t0 = mark();
      const res = await runPipeline({ loaded: loadedS3, outRoot: ctrl, ifExists: 'overwrite', progressIntervalMs: 60_000 });
      s = seconds(t0);
      if (res.status !== 'complete') throw new Error(`engine → s3 failed: ${res.error?.message}`);
      const out = res.manifest.outputs[0];
      if (out.sha256 !== expectedSha) throw new Error('engine → s3 wrote other bytes than the prepared CSV');
      record({ mode: 'engine-to-s3', seconds: s, bytes: out.bytes, mibPerSec: out.bytes / MIB / s, lines: out.rows, sha256: out.sha256 });
      await emptyBucket(client);
      rmSync(ctrl, { recursive: true, force: true });

      // the whole engine to a file (generation ceiling)
      const fdir = join(work, `file-${r}`);
      t0 = mark();
      const resF = await runPipeline({ loaded: loadConfigObject(benchConfig(volume, { type: 'file', path: fdir }), {}), outRoot: fdir, ifExists: 'overwrite', progressIntervalMs: 60_000 });
      s = seconds(t0);
      const outF = resF.manifest.outputs[0];
      record({ mode: 'engine-to-file', seconds: s, bytes: outF.bytes, mibPerSec: outF.bytes / MIB / s, lines: outF.rows });
      rmSync(fdir, { recursive: true, force: true });
    }

    const best = (mode: string): Measure => results.filter((m) => m.mode === mode).reduce((a, b) => (b.mibPerSec > a.mibPerSec ? b : a));
    const sdk = best('sdk-from-memory');
    const path = best('sink-output-path');
    const engine = best('engine-to-s3');
    const file = best('engine-to-file');
    const targets = [
      { name: 'engine → s3 MiB/s ÷ SDK from memory', wanted: `≥ ${TARGET_RATIO * 100} %`, ratio: engine.mibPerSec / sdk.mibPerSec },
      { name: 'sink output path MiB/s ÷ SDK from memory', wanted: `≥ ${TARGET_RATIO * 100} %`, ratio: path.mibPerSec / sdk.mibPerSec },
    ].map((t) => ({ ...t, met: t.ratio >= TARGET_RATIO }));
    // Context, not a target: what the S3 sink costs the whole run against a local file.
    const engineS3VsFile = engine.mibPerSec / file.mibPerSec;
    const summary = {
      bench: 's3',
      at: new Date().toISOString(),
      node: process.version,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.cpus().length,
      loadavg_at_start: loadAtStart,
      server: 's3rver 3.7.1 (child process, filesystem store)',
      settings: { part_size_mib: 8, queue_size: 4, checksum_mode: 'when_required', repeats: args.repeats },
      object: { bytes: bytes.length, mib: bytes.length / MIB, lines, sha256: expectedSha },
      best: { sdk_from_memory: sdk, sink_output_path: path, engine_to_s3: engine, engine_to_file: file },
      targets,
      engine_s3_vs_engine_file: engineS3VsFile,
      runs: results,
    };
    await fs.mkdir(args.resultsDir, { recursive: true });
    await fs.writeFile(join(args.resultsDir, 's3.json'), JSON.stringify(summary, null, 2) + '\n');
    const row = (label: string, m: Measure): string => `| ${label} | ${(m.bytes / MIB).toFixed(1)} | ${m.seconds.toFixed(2)} | ${m.mibPerSec.toFixed(1)} | ${((m.mibPerSec / sdk.mibPerSec) * 100).toFixed(0)} % |`;
    const md = [
      '# S3 sink → local s3rver',
      '',
      `${summary.at} · node ${summary.node} · ${summary.cpu} · ${summary.cores} cores · ${summary.server} · part 8 MiB, queue 4 · best of ${args.repeats}`,
      '',
      `Object: journal_entry_lines.csv, ${lines} lines, ${(bytes.length / MIB).toFixed(1)} MiB (same SHA-256 in every mode).`,
      '',
      '| mode | MiB | s | MiB/s | vs SDK from memory |',
      '|---|---:|---:|---:|---:|',
      row('SDK Upload from memory (baseline)', sdk),
      row('s3 sink via the engine output path', path),
      row('whole engine → s3 sink', engine),
      row('whole engine → file sink (generation ceiling)', file),
      '',
      '| target | wanted | measured | met |',
      '|---|---|---:|---|',
      ...targets.map((t) => `| ${t.name} | ${t.wanted} | ${(t.ratio * 100).toFixed(0)} % | ${t.met ? 'yes' : 'no'} |`),
      '',
      `Whole engine → s3 ÷ whole engine → file: ${(engineS3VsFile * 100).toFixed(0)} %. A whole run generates every byte (see its client CPU) on one core while s3rver needs the other, so on 2 cores it is bound by generation plus the upload's share of the CPU; it is context, not the sink's speed. The output-path row times the sink itself (hash-on-write, stream hand-off, streaming multipart) on the same bytes as the SDK baseline. Load average at start: ${summary.loadavg_at_start.map((x) => x.toFixed(2)).join(', ')} (other work on the machine makes all figures noisy).`,
      '',
      'client CPU s (this process; s3rver has its own core): ' + results.map((m) => `${m.mode} ${m.clientCpuSeconds?.toFixed(2)}`).join(' · '),
      '',
      'All runs (MiB/s): ' + results.map((m) => `${m.mode} ${m.mibPerSec.toFixed(1)}`).join(' · '),
      '',
    ].join('\n');
    await fs.writeFile(join(args.resultsDir, 's3.md'), md);
    console.log(md);
  } finally {
    client.destroy();
    cleanup();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
