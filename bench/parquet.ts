/**
 * Journal-entry lines → one Parquet (zstd) file through the whole engine,
 * against the naive faker + csv-stringify CSV baseline, in the same run
 * (issue 5 targets: ≥ 3× the baseline's lines/s; peak RSS ≤ 300 MB at 5 M lines).
 *
 *   node dist/bench/parquet.js [--engine-lines 1000000,5000000] [--baseline-lines 300000]
 *                              [--results bench/results] [--timeout-s 900]
 *
 * Each measurement is its own child process pinned with `taskset -c 0` (like
 * bench/run.ts): the engine in this file's `worker` mode, the baseline through
 * bench/worker.js unchanged. The first engine size also calibrates the mean
 * lines per entry, so the next sizes land near their targets. One run per
 * size (the CSV bench repeats; this one keeps a full run under ~3 minutes on
 * one core). Writes bench/results/parquet.{json,md}; targets are recorded, not enforced.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, promises as fs, rmSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PipelineConfig } from '../src/index.js';
import type { WorkerResult } from './worker.js';

const SELF = fileURLToPath(import.meta.url);
const CSV_WORKER = fileURLToPath(new URL('./worker.js', import.meta.url));
const DEFAULT_RESULTS = fileURLToPath(new URL('../../bench/results/', import.meta.url));
const RESULT_PREFIX = 'BENCH_RESULT ';
const LINES_TABLE = 'journal_entry_lines';
const MIB = 1024 * 1024;
const THROUGHPUT_RATIO_TARGET = 3;
const RSS_TARGET_MB = 300;

interface ParquetResult {
  mode: 'parquet';
  targetLines: number;
  lines: number;
  seconds: number;
  linesPerSec: number;
  bytes: number;
  mbPerSec: number;
  peakRssMb: number;
  volume: number;
  linesPerEntry: number;
  rowGroups: number;
  compression: string;
}

// ---- worker mode: one engine run writing Parquet ----

async function runParquetWorker(targetLines: number, outDir: string, volumeArg: number | undefined): Promise<ParquetResult> {
  const [api, plan, csvWorker] = await Promise.all([import('../src/index.js'), import('../src/engine/plan.js'), import('./worker.js')]);
  const modules = { ...api, ...plan };
  const volume = volumeArg ?? Math.max(1, Math.round(targetLines / csvWorker.plannedLinesPerEntry(modules)));
  // bench/worker.ts's config (same company, period, seed, source) with the sink switched to Parquet.
  const base = csvWorker.benchConfig(volume, outDir);
  const config: PipelineConfig = { ...base, sinks: { out: { type: 'file', inputs: ['gl'], path: outDir, format: 'parquet', compression: 'zstd' } } };
  const loaded = api.loadConfigObject(config as unknown as Record<string, unknown>, {});
  const t0 = process.hrtime.bigint();
  const result = await api.runPipeline({ loaded, outRoot: null, ifExists: 'overwrite', progressIntervalMs: 60_000 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (result.error || result.status !== 'complete') {
    throw new Error(`engine run ${result.status} (exit ${result.exitCode}): ${result.error?.message ?? 'no error recorded'}`);
  }
  const lines = result.manifest.tables[LINES_TABLE]?.rows ?? 0;
  const out = result.manifest.outputs.find((o) => o.table === LINES_TABLE);
  if (!out) throw new Error('no journal_entry_lines output in the manifest');
  const bytes = out.bytes;
  // Row groups from the footer, read by an independent path (parquet-wasm's reader).
  const [{ openAsBlob }, { ParquetFile }] = await Promise.all([import('node:fs'), import('parquet-wasm')]);
  const file = await ParquetFile.fromFile(await openAsBlob(join(outDir, `${LINES_TABLE}.parquet`)));
  const rowGroups = file.metadata().numRowGroups();
  if (file.metadata().fileMetadata().numRows() !== lines) throw new Error('footer num_rows differs from the manifest');
  file.free();
  return {
    mode: 'parquet',
    targetLines,
    lines,
    seconds,
    linesPerSec: lines / seconds,
    bytes,
    mbPerSec: bytes / MIB / seconds,
    // Read after the run: the process's peak, WASM memory included (it never shrinks).
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    volume,
    linesPerEntry: lines / volume,
    rowGroups,
    compression: 'zstd',
  };
}

// ---- orchestrator ----

interface Options { engineLines: number[]; baselineLines: number; resultsDir: string; timeoutS: number }

function parseArgs(argv: string[]): Options {
  const o: Options = { engineLines: [1_000_000, 5_000_000], baselineLines: 300_000, resultsDir: DEFAULT_RESULTS, timeoutS: 900 };
  const list = (v: string | undefined, flag: string): number[] => {
    const xs = (v ?? '').split(',').map(Number);
    if (xs.length === 0 || xs.some((x) => !Number.isInteger(x) || x <= 0)) throw new Error(`${flag} takes positive integers separated by commas`);
    return xs;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    switch (a) {
      case '--engine-lines': o.engineLines = list(v, a); i++; break;
      case '--baseline-lines': o.baselineLines = list(v, a)[0]; i++; break;
      case '--results': o.resultsDir = resolve(v ?? ''); i++; break;
      case '--timeout-s': o.timeoutS = list(v, a)[0]; i++; break;
      default: throw new Error(`unknown argument ${a}`);
    }
  }
  return o;
}

function pinning(): string[] {
  const probe = spawnSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
  return probe.status === 0 ? ['taskset', '-c', '0'] : [];
}

const liveDirs = new Set<string>();

/**
 * bash's `times` after the child: its user + system CPU seconds. On a shared machine wall time
 * includes waiting for the core; CPU time does not, so both are recorded.
 */
const TIMES_WRAPPER = ['bash', '-c', '"$@"; rc=$?; times >&2; exit $rc', 'bench'];
const haveBash = spawnSync('bash', ['-c', 'true'], { stdio: 'ignore' }).status === 0;

function childCpuSeconds(stderr: string): number | null {
  const lines = stderr.trim().split('\n');
  const m = /^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/.exec(lines[lines.length - 1] ?? '');
  return m ? Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4]) : null;
}

function runChild<T>(pin: string[], script: string, args: string[], timeoutS: number): Promise<T & { cpuSeconds: number | null }> {
  const dir = mkdtempSync(join(os.tmpdir(), 'dsp-bench-parquet-'));
  liveDirs.add(dir);
  const full = [...(haveBash ? TIMES_WRAPPER : []), ...pin, process.execPath, script, ...args.map((a) => (a === '{dir}' ? dir : a))];
  const [cmd, ...rest] = full;
  return new Promise<T & { cpuSeconds: number | null }>((resolvePromise, reject) => {
    const child = spawn(cmd, rest, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => { out += s; });
    child.stderr.setEncoding('utf8').on('data', (s: string) => { err += s; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutS * 1000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      liveDirs.delete(dir);
      const line = out.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (code !== 0 || !line) {
        reject(new Error(`${args.join(' ')} failed (exit ${code ?? signal}):\n${err.trim() || out.trim() || '(no output)'}`));
        return;
      }
      resolvePromise({ ...(JSON.parse(line.slice(RESULT_PREFIX.length)) as T), cpuSeconds: childCpuSeconds(err) });
    });
  });
}

const fmtInt = (n: number): string => Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const fmt = (n: number, d = 1): string => n.toFixed(d);
const label = (n: number): string => (n % 1_000_000 === 0 ? `${n / 1_000_000}M` : n % 1000 === 0 ? `${n / 1000}k` : String(n));

async function orchestrate(opts: Options): Promise<void> {
  const pin = pinning();
  const engine: Array<ParquetResult & { cpuSeconds: number | null }> = [];
  let linesPerEntry: number | null = null;
  for (const lines of opts.engineLines) {
    const volume: number | undefined = linesPerEntry ? Math.max(1, Math.round(lines / linesPerEntry)) : undefined;
    process.stderr.write(`bench parquet: engine → parquet (zstd), ~${fmtInt(lines)} lines …`);
    const r: ParquetResult & { cpuSeconds: number | null } = await runChild<ParquetResult>(pin, SELF, ['worker', String(lines), '{dir}', ...(volume ? [String(volume)] : [])], opts.timeoutS);
    linesPerEntry ??= r.linesPerEntry;
    process.stderr.write(` ${fmtInt(r.lines)} lines in ${fmt(r.seconds, 2)} s (CPU ${r.cpuSeconds === null ? 'n/a' : fmt(r.cpuSeconds, 2)} s), ${fmtInt(r.linesPerSec)} lines/s, ${r.rowGroups} row groups, RSS ${fmt(r.peakRssMb)} MiB\n`);
    engine.push(r);
  }
  process.stderr.write(`bench parquet: baseline CSV (faker + csv-stringify), ${fmtInt(opts.baselineLines)} lines …`);
  const baseline = await runChild<WorkerResult>(pin, CSV_WORKER, ['baseline', String(opts.baselineLines), '{dir}'], opts.timeoutS);
  process.stderr.write(` ${fmtInt(baseline.linesPerSec)} lines/s (CPU ${baseline.cpuSeconds === null ? 'n/a' : fmt(baseline.cpuSeconds, 2)} s), RSS ${fmt(baseline.peakRssMb)} MiB\n`);
  // Lines per CPU second of the whole child process (module loading included, so slightly conservative).
  const perCpu = (lines: number, cpu: number | null): number | null => (cpu ? lines / cpu : null);
  const baselinePerCpu = perCpu(baseline.lines, baseline.cpuSeconds);

  const targets = [
    ...engine.map((e) => {
      const ratio = e.linesPerSec / baseline.linesPerSec;
      return { name: `lines/s parquet ${label(e.targetLines)} ÷ CSV baseline`, target: `≥ ${THROUGHPUT_RATIO_TARGET}×`, value: ratio, met: ratio >= THROUGHPUT_RATIO_TARGET };
    }),
    ...engine.flatMap((e) => {
      const a = perCpu(e.lines, e.cpuSeconds);
      if (a === null || baselinePerCpu === null) return [];
      const ratio = a / baselinePerCpu;
      return [{ name: `lines per CPU-second parquet ${label(e.targetLines)} ÷ CSV baseline`, target: `≥ ${THROUGHPUT_RATIO_TARGET}×`, value: ratio, met: ratio >= THROUGHPUT_RATIO_TARGET }];
    }),
    ...engine.map((e) => ({ name: `peak RSS parquet ${label(e.targetLines)} (MiB)`, target: `≤ ${RSS_TARGET_MB}`, value: e.peakRssMb, met: e.peakRssMb <= RSS_TARGET_MB })),
  ];
  const cpus = os.cpus();
  const meta = {
    date: new Date().toISOString(),
    node: process.version,
    cpuModel: cpus[0]?.model ?? 'unknown',
    pinning: pin.length ? pin.join(' ') : 'not pinned (no taskset)',
  };
  const json = {
    benchmark: 'parquet',
    ...meta,
    machine: { platform: os.platform(), release: os.release(), arch: os.arch(), cpus: cpus.length, totalMemMb: Math.round(os.totalmem() / MIB) },
    method: 'each run in its own child process, one run per size; engine: runPipeline with journal_entries → file sink format parquet (zstd, 65 536-row groups); baseline: bench/baseline.ts runBaseline (CSV); lines/s = lines / wall seconds of the timed section; CPU seconds = the whole child process (bash times); peak RSS = process.resourceUsage().maxRSS; MiB = 2^20 bytes',
    engine,
    baseline,
    targets,
  };
  const rows = [
    ...engine.map((e) => `| parquet (zstd) | ${fmtInt(e.lines)} | ${fmt(e.seconds, 2)} | ${e.cpuSeconds === null ? 'n/a' : fmt(e.cpuSeconds, 2)} | ${fmtInt(e.linesPerSec)} | ${fmt(e.bytes / MIB)} | ${e.rowGroups} | ${fmt(e.peakRssMb)} | ${fmt(e.linesPerSec / baseline.linesPerSec)}× |`),
    `| baseline CSV | ${fmtInt(baseline.lines)} | ${fmt(baseline.seconds, 2)} | ${baseline.cpuSeconds === null ? 'n/a' : fmt(baseline.cpuSeconds, 2)} | ${fmtInt(baseline.linesPerSec)} | ${fmt(baseline.bytes / MIB)} | – | ${fmt(baseline.peakRssMb)} | 1.0× |`,
  ];
  const md = [
    '# Journal-entry lines → one Parquet file (zstd) vs the naive CSV baseline',
    '',
    `${meta.date} · node ${meta.node} · ${meta.cpuModel} · ${meta.pinning} · one run per size`,
    '',
    '| run | lines | s | CPU s | lines/s | file MiB | row groups | peak RSS MiB | vs baseline |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    '| target | wanted | measured | met |',
    '|---|---|---:|---|',
    ...targets.map((t) => `| ${t.name} | ${t.target} | ${t.name.includes('÷') ? `${fmt(t.value)}×` : fmt(t.value)} | ${t.met ? 'yes' : '**no**'} |`),
    '',
    'CPU s: user + system seconds of the whole child process (module loading included). The machine is shared, so wall-clock lines/s can include time spent waiting for the pinned core; the per-CPU-second ratio does not.',
    '',
  ].join('\n');
  await fs.mkdir(opts.resultsDir, { recursive: true });
  await fs.writeFile(join(opts.resultsDir, 'parquet.json'), `${JSON.stringify(json, null, 2)}\n`);
  await fs.writeFile(join(opts.resultsDir, 'parquet.md'), md);
  process.stdout.write(`${md}\nwritten: ${join(opts.resultsDir, 'parquet.json')}, ${join(opts.resultsDir, 'parquet.md')}\n`);
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'worker') {
    const lines = Number(argv[1]);
    const dir = argv[2];
    const volume = argv[3] === undefined ? undefined : Number(argv[3]);
    if (!Number.isInteger(lines) || lines <= 0 || !dir) throw new Error('usage: node dist/bench/parquet.js worker <lines> <dir> [volume]');
    const r = await runParquetWorker(lines, dir, volume);
    process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(r)}\n`);
    return;
  }
  await orchestrate(parseArgs(argv));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.on('exit', () => {
    for (const d of liveDirs) rmSync(d, { recursive: true, force: true });
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => process.exit(130));
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`\nbench parquet failed: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = 1;
  });
}
