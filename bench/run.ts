/**
 * `npm run bench`: journal-entry lines → one CSV file, the engine against the
 * naive faker + csv-stringify baseline (bench/README.md).
 *
 * Every measurement runs in a fresh child process (bench/worker.ts), pinned to
 * core 0 with `taskset` where it exists, repeated; the best throughput and
 * the worst peak RSS of the repeats are reported. Targets are recorded, not
 * enforced: the exit code is non-zero only when a run fails.
 *
 *   node dist/bench/run.js [--engine-lines 1000000,5000000] [--baseline-lines 300000]
 *                          [--repeats 2] [--results bench/results] [--timeout-s 1800]
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, promises as fs, rmSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Mode, WorkerResult } from './worker.js';

interface Options {
  engineLines: number[];
  baselineLines: number[];
  repeats: number;
  resultsDir: string;
  timeoutS: number;
}

interface Spec { mode: Mode; lines: number }

interface Summary {
  mode: Mode;
  targetLines: number;
  lines: number;
  bestLinesPerSec: number;
  bestMbPerSec: number;
  bestSeconds: number;
  worstPeakRssMb: number;
  worstLiveHeapMb: number;
  bytes: number;
  volume?: number;
  linesPerEntry?: number;
}

interface Target { name: string; target: string; value: number | null; met: boolean | null }

const WORKER = fileURLToPath(new URL('./worker.js', import.meta.url));
const DEFAULT_RESULTS = fileURLToPath(new URL('../../bench/results/', import.meta.url));
const RESULT_PREFIX = 'BENCH_RESULT ';
const THROUGHPUT_RATIO_TARGET = 10;
const RSS_TARGET_MB = 150;
const RSS_GROWTH_TARGET = 0.15;

const liveDirs = new Set<string>();
process.on('exit', () => {
  for (const d of liveDirs) rmSync(d, { recursive: true, force: true });
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => process.exit(130));
}

function parseArgs(argv: string[]): Options {
  const o: Options = { engineLines: [1_000_000, 5_000_000], baselineLines: [300_000], repeats: 2, resultsDir: DEFAULT_RESULTS, timeoutS: 1800 };
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
      case '--baseline-lines': o.baselineLines = list(v, a); i++; break;
      case '--repeats': o.repeats = list(v, a)[0]; i++; break;
      case '--results': o.resultsDir = resolve(v ?? ''); i++; break;
      case '--timeout-s': o.timeoutS = list(v, a)[0]; i++; break;
      default: throw new Error(`unknown argument ${a}`);
    }
  }
  return o;
}

/** `taskset -c 0` when it works here (Linux with util-linux); else no pinning. */
function pinning(): string[] {
  const probe = spawnSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
  return probe.status === 0 ? ['taskset', '-c', '0'] : [];
}

let childTimeoutMs = 1_800_000;

function runChild(pin: string[], spec: Spec, volume?: number): Promise<WorkerResult> {
  const dir = mkdtempSync(join(os.tmpdir(), `dsp-bench-${spec.mode}-`));
  liveDirs.add(dir);
  const args = [process.execPath, WORKER, spec.mode, String(spec.lines), dir, ...(volume !== undefined ? [String(volume)] : [])];
  const [cmd, ...rest] = pin.length ? [...pin, ...args] : args;
  return new Promise<WorkerResult>((resolvePromise, reject) => {
    const child = spawn(cmd, rest, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => { out += s; });
    child.stderr.setEncoding('utf8').on('data', (s: string) => { err += s; });
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, childTimeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      liveDirs.delete(dir);
      const line = out.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (code !== 0 || !line) {
        const why = timedOut ? `killed after ${childTimeoutMs / 1000} s` : `exit ${code ?? signal}`;
        reject(new Error(`worker ${spec.mode} ${spec.lines} failed (${why}):\n${err.trim() || out.trim() || '(no output)'}`));
        return;
      }
      resolvePromise(JSON.parse(line.slice(RESULT_PREFIX.length)) as WorkerResult);
    });
  });
}

/**
 * One unmeasured engine run at the smallest size: the source's planned lines
 * per entry are estimates, so the real mean (≈ 10–12, domain.md §5.3's heavy
 * tail) sets the volume of every measured run and sizes land near the targets.
 */
async function calibrate(pin: string[], lines: number): Promise<{ lines: number; volume: number; linesPerEntry: number }> {
  process.stderr.write(`bench: calibrating lines per entry (engine, ~${fmtInt(lines)} planned lines) …`);
  const r = await runChild(pin, { mode: 'engine', lines });
  if (!r.volume || !r.lines) throw new Error('calibration run reported no volume or no lines');
  const linesPerEntry = r.lines / r.volume;
  process.stderr.write(` ${fmt(linesPerEntry, 2)} lines per entry\n`);
  return { lines: r.lines, volume: r.volume, linesPerEntry };
}

function summarize(runs: WorkerResult[]): Summary {
  const best = runs.reduce((a, b) => (b.linesPerSec > a.linesPerSec ? b : a));
  return {
    mode: best.mode,
    targetLines: best.targetLines,
    lines: best.lines,
    bestLinesPerSec: best.linesPerSec,
    bestMbPerSec: Math.max(...runs.map((r) => r.mbPerSec)),
    bestSeconds: Math.min(...runs.map((r) => r.seconds)),
    worstPeakRssMb: Math.max(...runs.map((r) => r.peakRssMb)),
    worstLiveHeapMb: Math.max(...runs.map((r) => r.liveHeapMb)),
    bytes: best.bytes,
    ...(best.volume !== undefined ? { volume: best.volume } : {}),
    ...(best.linesPerEntry !== undefined ? { linesPerEntry: best.linesPerEntry } : {}),
  };
}

function targets(engine: Summary[], baseline: Summary | undefined): { ratios: Record<string, number>; targets: Target[] } {
  const ratios: Record<string, number> = {};
  const list: Target[] = [];
  for (const e of engine) {
    const ratio = baseline ? e.bestLinesPerSec / baseline.bestLinesPerSec : null;
    if (ratio !== null) ratios[`throughput_engine_${label(e.targetLines)}_vs_baseline`] = ratio;
    list.push({ name: `lines/s engine ${label(e.targetLines)} ÷ baseline`, target: `≥ ${THROUGHPUT_RATIO_TARGET}×`, value: ratio, met: ratio === null ? null : ratio >= THROUGHPUT_RATIO_TARGET });
  }
  for (const e of engine) {
    list.push({ name: `peak RSS engine ${label(e.targetLines)} (MiB)`, target: `≤ ${RSS_TARGET_MB}`, value: e.worstPeakRssMb, met: e.worstPeakRssMb <= RSS_TARGET_MB });
  }
  if (engine.length >= 2) {
    const small = engine[0];
    const large = engine[engine.length - 1];
    const growth = large.worstPeakRssMb / small.worstPeakRssMb - 1;
    ratios[`rss_growth_${label(large.targetLines)}_vs_${label(small.targetLines)}`] = growth;
    list.push({ name: `peak RSS growth ${label(large.targetLines)} vs ${label(small.targetLines)}`, target: `≤ ${RSS_GROWTH_TARGET * 100} %`, value: growth, met: growth <= RSS_GROWTH_TARGET });
  }
  return { ratios, targets: list };
}

function label(n: number): string {
  return n % 1_000_000 === 0 ? `${n / 1_000_000}M` : n % 1000 === 0 ? `${n / 1000}k` : String(n);
}

const fmtInt = (n: number): string => Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const fmt = (n: number, d = 1): string => n.toFixed(d);

function markdown(meta: Record<string, unknown>, summaries: Summary[], tgs: Target[]): string {
  const baseline = summaries.find((s) => s.mode === 'baseline');
  const rows = summaries.map((s) => {
    const ratio = baseline ? s.bestLinesPerSec / baseline.bestLinesPerSec : NaN;
    return `| ${s.mode} | ${fmtInt(s.lines)} | ${fmt(s.bestSeconds, 2)} | ${fmtInt(s.bestLinesPerSec)} | ${fmt(s.bestMbPerSec)} | ${fmt(s.worstPeakRssMb)} | ${fmt(s.worstLiveHeapMb)} | ${s.mode === 'baseline' ? '1.0×' : `${fmt(ratio)}×`} |`;
  });
  const trow = tgs.map((t) => {
    const v = t.value === null ? 'n/a' : t.name.includes('growth') ? `${fmt(t.value * 100)} %` : t.name.includes('÷') ? `${fmt(t.value)}×` : fmt(t.value);
    return `| ${t.name} | ${t.target} | ${v} | ${t.met === null ? 'n/a' : t.met ? 'yes' : '**no**'} |`;
  });
  return [
    '# Journal-entry lines → one CSV file',
    '',
    `${String(meta.date)} · node ${String(meta.node)} · ${String(meta.cpuModel)} · ${String(meta.pinning)} · best of ${String(meta.repeats)} (worst RSS)`,
    '',
    '| run | lines | s | lines/s | MiB/s | peak RSS MiB | live heap MiB | vs baseline |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    'live heap: largest used V8 heap seen just after a major GC (≈ live JS data, Buffers excluded; 0 = no major GC). RSS also counts garbage awaiting collection.',
    '',
    '| target | wanted | measured | met |',
    '|---|---|---:|---|',
    ...trow,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  childTimeoutMs = opts.timeoutS * 1000;
  const pin = pinning();
  const specs: Spec[] = [
    ...opts.engineLines.map((lines) => ({ mode: 'engine' as const, lines })),
    ...opts.baselineLines.map((lines) => ({ mode: 'baseline' as const, lines })),
  ];
  const runs = new Map<Spec, WorkerResult[]>(specs.map((s) => [s, []]));
  const calibration = opts.engineLines.length ? await calibrate(pin, opts.engineLines[0]) : null;
  // Repeats interleave (all specs, then again) so a burst of machine noise hits different specs.
  for (let r = 1; r <= opts.repeats; r++) {
    for (const spec of specs) {
      process.stderr.write(`bench: ${spec.mode} ${fmtInt(spec.lines)} lines, run ${r}/${opts.repeats} …`);
      const volume = spec.mode === 'engine' && calibration ? Math.max(1, Math.round(spec.lines / calibration.linesPerEntry)) : undefined;
      const res = await runChild(pin, spec, volume);
      process.stderr.write(` ${fmtInt(res.lines)} lines in ${fmt(res.seconds, 2)} s, ${fmtInt(res.linesPerSec)} lines/s, RSS ${fmt(res.peakRssMb)} MiB, live heap ${fmt(res.liveHeapMb)} MiB\n`);
      runs.get(spec)!.push(res);
    }
  }
  const summaries = specs.map((s) => summarize(runs.get(s)!));
  const engine = summaries.filter((s) => s.mode === 'engine');
  const baseline = summaries.find((s) => s.mode === 'baseline');
  const { ratios, targets: tgs } = targets(engine, baseline);
  const cpus = os.cpus();
  const meta = {
    date: new Date().toISOString(),
    node: process.version,
    cpuModel: cpus[0]?.model ?? 'unknown',
    pinning: pin.length ? pin.join(' ') : 'not pinned (no taskset)',
    repeats: opts.repeats,
  };
  const json = {
    benchmark: 'journal-csv',
    ...meta,
    machine: { hostname: os.hostname(), platform: os.platform(), release: os.release(), arch: os.arch(), cpus: cpus.length, totalMemMb: Math.round(os.totalmem() / 1024 / 1024) },
    method: 'each run in its own child process; best lines/s and MiB/s of the repeats, worst peak RSS (process.resourceUsage().maxRSS); MiB = 2^20 bytes',
    calibration,
    runs: specs.map((s) => ({ mode: s.mode, targetLines: s.lines, repeats: runs.get(s)! })),
    summary: summaries,
    ratios,
    targets: tgs,
  };
  const md = markdown(meta, summaries, tgs);
  await fs.mkdir(opts.resultsDir, { recursive: true });
  await fs.writeFile(join(opts.resultsDir, 'journal-csv.json'), `${JSON.stringify(json, null, 2)}\n`);
  await fs.writeFile(join(opts.resultsDir, 'journal-csv.md'), md);
  process.stdout.write(`${md}\nwritten: ${join(opts.resultsDir, 'journal-csv.json')}, ${join(opts.resultsDir, 'journal-csv.md')}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`\nbench failed: ${(err as Error)?.message ?? String(err)}\n`);
  process.exitCode = 1;
});
