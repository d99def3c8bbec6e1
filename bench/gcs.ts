/**
 * GCS sink benchmark (issue 5 "Speed"): the `gcs` sink driven through the
 * engine's output path against @google-cloud/storage uploading the same bytes
 * from memory, both to the same local protocol-level fake server
 * (test/support/fake-gcs.ts) in the same run. Target: engine ≥ 80 % of the
 * SDK's bytes/s.
 *
 *   node dist/bench/gcs.js [--lines 600000] [--chunk-mib 8] [--repeats 2] [--results bench/results]
 *
 * The fake server runs in its own process (pinned to core 1 with `taskset`
 * where it exists; it keeps only sizes and hashes), every measurement in a
 * fresh child process (pinned to core 0), alternated and repeated; the best
 * throughput of each kind is reported. Per repeat:
 * - `engine-file`: a whole run (generate → CSV → hash) into a local file; it
 *   leaves the CSV every other side sends, and is the generation reference;
 * - `sdk` (the baseline): that CSV read into memory (untimed), then
 *   `file.createWriteStream({resumable, chunkSize, validation: 'crc32c',
 *   preconditionOpts: {ifGenerationMatch: 0}})` fed 256 KiB slices, with the
 *   same CRC-32C implementation the sink installs (`crc32cGenerator`);
 * - `sdk-default`: the same with the SDK's own CRC-32C (what a plain SDK user gets);
 * - `engine` (the target): the same in-memory bytes through the engine's
 *   OutputChannel (coalescing, inline SHA-256, backpressure) into the gcs sink's
 *   writer: open (existence check) → upload → commit, all timed;
 * - `engine-run`: a whole run into the gcs sink (generation included, markers too).
 * The server's md5 of every upload must equal the CSV file's (same bytes).
 * The exit code is non-zero only when a run fails; targets are recorded.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, promises as fs, rmSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PipelineConfig } from '../src/index.js';
// Type-only, but it makes tsc compile the fake server to dist/test/support/ (run standalone below).
import type { FakeGcsServer } from '../test/support/fake-gcs.js';

const SELF = fileURLToPath(import.meta.url);
const FAKE = fileURLToPath(new URL('../test/support/fake-gcs.js', import.meta.url));
const DEFAULT_RESULTS = fileURLToPath(new URL('../../bench/results/', import.meta.url));
const RESULT_PREFIX = 'BENCH_RESULT ';
const BUCKET = 'bench-gcs';
const TABLE = 'journal_entry_lines';
const MIB = 1024 * 1024;
const SLICE = 256 * 1024;
const TARGET_RATIO = 0.8;
const LINES_PER_ENTRY = 11.5;

type Mode = 'engine' | 'engine-run' | 'engine-file' | 'sdk' | 'sdk-default';

interface Measurement {
  mode: Mode;
  seconds: number;
  bytes: number;
  mbPerSec: number;
  peakRssMb: number;
  md5: string;
  lines?: number;
}

function benchConfig(volume: number, sink: Record<string, unknown>): PipelineConfig {
  return {
    version: 1,
    seed: 42,
    period: { start: '2025-01-01', months: 12 },
    companies: [{ code: '1000', name: 'Bench Co', currency: 'USD', country: 'US', volume }],
    sources: { gl: { type: 'journal_entries' } },
    sinks: { out: { inputs: ['gl'], format: 'csv', tables: [TABLE], ...sink } },
  } as unknown as PipelineConfig;
}

// ---- workers (one measurement each) ----

async function workerRun(mode: 'engine-run' | 'engine-file', volume: number, endpoint: string, chunkMiB: number, dir: string, prefix: string): Promise<Measurement> {
  const { loadConfigObject, runPipeline } = await import('../src/index.js');
  const sink = mode === 'engine-run'
    ? { type: 'gcs', bucket: BUCKET, prefix, chunk_size: chunkMiB, api_endpoint: endpoint }
    : { type: 'file', path: join(dir, 'data') };
  const loaded = loadConfigObject(benchConfig(volume, sink) as unknown as Record<string, unknown>, {});
  const t0 = process.hrtime.bigint();
  const result = await runPipeline({ loaded, outRoot: join(dir, `control-${mode}`), ifExists: 'overwrite', progressIntervalMs: 60_000 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (result.status !== 'complete') throw new Error(`engine run ${result.status}: ${result.error?.message ?? '?'}`);
  const out = result.manifest.outputs.find((o) => o.table === TABLE)!;
  const extra = (out as unknown as { extra?: { md5?: string } }).extra;
  let md5 = extra?.md5 ?? '';
  if (mode === 'engine-file') md5 = createHash('md5').update(await fs.readFile(join(dir, 'data', `${TABLE}.csv`))).digest('base64');
  return { mode, seconds, bytes: out.bytes, mbPerSec: out.bytes / MIB / seconds, peakRssMb: rssMb(), md5, lines: out.rows };
}

/** The engine's per-output path (src/engine/output.ts) fed the CSV from memory, into the gcs sink. */
async function workerChannel(file: string, endpoint: string, chunkMiB: number, prefix: string): Promise<Measurement> {
  await import('../src/plugins.js');
  const { OutputChannel } = await import('../src/engine/output.js');
  const { gcsSink } = await import('../sinks/gcs/index.js');
  const { defineTable } = await import('../src/engine/schema.js');
  const data = await fs.readFile(file);
  // An encoder that hands out the file in the 256 KiB slices the CSV encoder cuts, 4 per batch.
  let at = 0;
  const replay = {
    name: 'csv', extension: 'csv', mediaType: 'text/csv',
    createEncoder: () => ({
      begin: (): Buffer[] => [],
      encode: (): Buffer[] => {
        const out: Buffer[] = [];
        for (let k = 0; k < 4 && at < data.length; k++, at += SLICE) out.push(data.subarray(at, at + SLICE));
        return out;
      },
      end: (): Buffer[] => [],
    }),
  };
  const schema = defineTable(TABLE, 'bench', [['line', { type: 'string', description: 'bytes' }]] as never);
  const target = { table: TABLE, partitions: [0], partitionCount: 1, layout: 'single' as const, format: 'csv', compression: 'none', schema };
  const ctx = { runId: 'bench', attemptId: 'bench', controlRoot: os.tmpdir(), signal: new AbortController().signal, ifExists: 'fail' as const };
  const batch = { length: 0 } as never;
  const t0 = process.hrtime.bigint();
  const sink = gcsSink.create('out', { bucket: BUCKET, prefix, chunk_size: chunkMiB, api_endpoint: endpoint }, { outRoot: null, cwd: os.tmpdir() });
  const writer = await sink.open(target, ctx);
  const channel = new OutputChannel('out', target, replay, writer, {});
  await channel.begin();
  while (at < data.length) await channel.write(batch);
  const record = await channel.finish();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (record.sha256 !== createHash('sha256').update(data).digest('hex')) throw new Error('engine path hashed other bytes than it was given');
  const md5 = String((record.committed.extra as { md5?: string } | undefined)?.md5 ?? '');
  return { mode: 'engine', seconds, bytes: record.bytes, mbPerSec: record.bytes / MIB / seconds, peakRssMb: rssMb(), md5 };
}

async function workerSdk(mode: 'sdk' | 'sdk-default', file: string, endpoint: string, chunkMiB: number, name: string): Promise<Measurement> {
  const { Storage } = await import('@google-cloud/storage');
  const { fastCrc32cGenerator } = await import('../sinks/gcs/index.js');
  const data = await fs.readFile(file);
  const storage = new Storage({ apiEndpoint: endpoint, projectId: 'bench', ...(mode === 'sdk' ? { crc32cGenerator: fastCrc32cGenerator } : {}) });
  const f = storage.bucket(BUCKET).file(name);
  const t0 = process.hrtime.bigint();
  const w = f.createWriteStream({ resumable: true, chunkSize: chunkMiB * MIB, validation: 'crc32c', contentType: 'text/csv', preconditionOpts: { ifGenerationMatch: 0 } });
  const done = new Promise<void>((res, rej) => {
    w.once('finish', res);
    w.once('error', rej);
  });
  for (let i = 0; i < data.length; i += SLICE) {
    if (!w.write(data.subarray(i, i + SLICE))) {
      await new Promise<void>((res, rej) => {
        w.once('drain', res);
        w.once('error', rej);
      });
    }
  }
  w.end();
  await done;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const md5 = String((f.metadata as { md5Hash?: string }).md5Hash ?? '');
  return { mode, seconds, bytes: data.length, mbPerSec: data.length / MIB / seconds, peakRssMb: rssMb(), md5 };
}

function rssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

// ---- orchestrator ----

interface Options { lines: number; chunkMiB: number; repeats: number; resultsDir: string }

function parseArgs(argv: string[]): Options {
  const o: Options = { lines: 600_000, chunkMiB: 8, repeats: 2, resultsDir: DEFAULT_RESULTS };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    if (a === '--lines') { o.lines = Number(v); i++; }
    else if (a === '--chunk-mib') { o.chunkMiB = Number(v); i++; }
    else if (a === '--repeats') { o.repeats = Number(v); i++; }
    else if (a === '--results') { o.resultsDir = resolve(v); i++; }
    else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0 && os.availableParallelism() >= 2;

function pinned(core: number, args: string[]): [string, string[]] {
  return hasTaskset ? ['taskset', ['-c', String(core), process.execPath, ...args]] : [process.execPath, args];
}

async function startFake(): Promise<{ child: ChildProcess; endpoint: FakeGcsServer['endpoint'] }> {
  const [cmd, args] = pinned(1, [FAKE, '--bucket', BUCKET, '--discard']);
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const endpoint = await new Promise<string>((res, rej) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /FAKE_GCS_READY (\S+)/.exec(buf);
      if (m) res(m[1]);
    });
    child.once('exit', (code) => rej(new Error(`fake GCS server exited (${code}) before it was ready`)));
    setTimeout(() => rej(new Error('fake GCS server not ready after 20 s')), 20_000).unref();
  });
  return { child, endpoint };
}

function runWorker(args: string[]): Promise<Measurement> {
  const [cmd, argv] = pinned(0, [SELF, '--worker', ...args]);
  return new Promise((res, rej) => {
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_NO_WARNINGS: '1' } });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (code !== 0 || !line) return rej(new Error(`worker ${args.join(' ')} failed (exit ${code}): ${out.slice(-2000)}`));
      res(JSON.parse(line.slice(RESULT_PREFIX.length)) as Measurement);
    });
  });
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const volume = Math.max(1, Math.round(o.lines / LINES_PER_ENTRY));
  const dir = mkdtempSync(join(os.tmpdir(), 'dsp-bench-gcs-'));
  const fake = await startFake();
  const stop = (): void => {
    fake.child.stdin?.end();
    fake.child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', stop);
  try {
    const common = ['--endpoint', fake.endpoint, '--chunk-mib', String(o.chunkMiB), '--volume', String(volume), '--dir', dir];
    // The file run first: it also leaves the CSV the SDK side uploads from memory.
    const all: Measurement[] = [];
    for (let r = 0; r < o.repeats; r++) {
      all.push(await runWorker(['engine-file', ...common, '--name', `file-${r}`]));
      all.push(await runWorker(['sdk', ...common, '--name', `sdk/${r}/${TABLE}.csv`]));
      all.push(await runWorker(['engine', ...common, '--name', `engine/${r}/`]));
      all.push(await runWorker(['sdk-default', ...common, '--name', `sdk-default/${r}/${TABLE}.csv`]));
      all.push(await runWorker(['engine-run', ...common, '--name', `run/${r}/`]));
    }
    const md5s = new Set(all.map((m) => m.md5));
    if (md5s.size !== 1) throw new Error(`the three sides did not upload the same bytes (md5s: ${[...md5s].join(', ')})`);
    const best = (mode: Mode): Measurement => all.filter((m) => m.mode === mode).sort((a, b) => b.mbPerSec - a.mbPerSec)[0];
    const engine = best('engine');
    const sdk = best('sdk');
    const b = { engine, sdk, sdkDefault: best('sdk-default'), run: best('engine-run'), file: best('engine-file') };
    const ratio = engine.mbPerSec / sdk.mbPerSec;
    const report = {
      benchmark: 'gcs',
      at: new Date().toISOString(),
      node: process.version,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      pinned: hasTaskset,
      lines: b.file.lines,
      bytes: engine.bytes,
      chunk_mib: o.chunkMiB,
      repeats: o.repeats,
      best: { engine, sdk, sdk_default: b.sdkDefault, engine_run: b.run, engine_file: b.file },
      runs: all,
      targets: [
        { name: 'engine output path → gcs sink bytes/s ÷ SDK createWriteStream from memory', target: `≥ ${TARGET_RATIO * 100} %`, value: ratio, met: ratio >= TARGET_RATIO },
      ],
      info: {
        engine_vs_sdk_default: engine.mbPerSec / b.sdkDefault.mbPerSec,
        whole_run_gcs_vs_whole_run_file: b.run.mbPerSec / b.file.mbPerSec,
        whole_run_gcs_vs_sdk: b.run.mbPerSec / sdk.mbPerSec,
      },
    };
    await fs.mkdir(o.resultsDir, { recursive: true });
    await fs.writeFile(join(o.resultsDir, 'gcs.json'), JSON.stringify(report, null, 2) + '\n');
    const md = markdown(report, b, ratio);
    await fs.writeFile(join(o.resultsDir, 'gcs.md'), md);
    process.stdout.write(md);
  } finally {
    stop();
  }
}

interface Best { engine: Measurement; sdk: Measurement; sdkDefault: Measurement; run: Measurement; file: Measurement }

function markdown(r: { at: string; node: string; cpu: string; pinned: boolean; chunk_mib: number; repeats: number; lines?: number }, b: Best, ratio: number): string {
  const row = (label: string, m: Measurement): string =>
    `| ${label} | ${(m.bytes / MIB).toFixed(1)} | ${m.seconds.toFixed(2)} | ${m.mbPerSec.toFixed(1)} | ${m.peakRssMb.toFixed(1)} | ${((m.mbPerSec / b.sdk.mbPerSec) * 100).toFixed(0)} % |`;
  const lines = String(r.lines ?? 0).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const wholeVsFile = (b.run.mbPerSec / b.file.mbPerSec) * 100;
  return [
    '# GCS sink → local fake GCS server',
    '',
    `${r.at} · node ${r.node} · ${r.cpu} · ${r.pinned ? 'client on core 0, server on core 1 (taskset)' : 'unpinned'} · chunk ${r.chunk_mib} MiB · best of ${r.repeats} · ${lines} journal-entry lines as CSV`,
    '',
    '| run | MiB | s | MiB/s | peak RSS MiB | vs SDK |',
    '|---|---:|---:|---:|---:|---:|',
    row('**engine** output path → gcs sink (bytes from memory)', b.engine),
    row('**SDK** createWriteStream from memory (baseline, same CRC-32C)', b.sdk),
    row('SDK createWriteStream from memory, SDK\'s own CRC-32C', b.sdkDefault),
    row('whole run → gcs sink (generation included)', b.run),
    row('whole run → local file (generation reference)', b.file),
    '',
    '| target | wanted | measured | met |',
    '|---|---|---:|---|',
    `| engine → gcs ÷ SDK from memory | ≥ ${TARGET_RATIO * 100} % | ${(ratio * 100).toFixed(0)} % | ${ratio >= TARGET_RATIO ? 'yes' : '**no**'} |`,
    '',
    'Same bytes on every side: the server\'s md5 of each upload equals the CSV file\'s.',
    `A whole run is bound by generation, which shares the one core with the upload: it reaches ${wholeVsFile.toFixed(0)} % of the same run into a local file.`,
    'The SDK\'s own CRC-32C works a byte at a time; the sink installs a slicing-by-8 one (`crc32cGenerator`), used by the baseline too so the comparison measures the engine alone.',
    '',
  ].join('\n');
}

async function worker(argv: string[]): Promise<void> {
  const mode = argv[0] as Mode;
  const get = (k: string): string => {
    const i = argv.indexOf(k);
    if (i < 0) throw new Error(`missing ${k}`);
    return argv[i + 1];
  };
  const endpoint = get('--endpoint');
  const chunkMiB = Number(get('--chunk-mib'));
  const volume = Number(get('--volume'));
  const dir = get('--dir');
  const name = get('--name');
  let m: Measurement;
  const csv = join(dir, 'data', `${TABLE}.csv`);
  if (mode === 'sdk' || mode === 'sdk-default') m = await workerSdk(mode, csv, endpoint, chunkMiB, name);
  else if (mode === 'engine') m = await workerChannel(csv, endpoint, chunkMiB, name);
  else m = await workerRun(mode, volume, endpoint, chunkMiB, dir, name);
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(m)}\n`);
}

if (process.argv[2] === '--worker') {
  worker(process.argv.slice(3)).catch((err: unknown) => {
    process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  });
} else {
  main().catch((err: unknown) => {
    process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  });
}
