/**
 * Shared scaffolding of the benchmarks: every measurement in a fresh child process (bench/child.ts)
 * so peak RSS belongs to that run alone, optionally pinned with `taskset`, repeated (best throughput,
 * worst RSS), and the figures written to bench/results/<name>.{json,md}. Targets are recorded, not
 * enforced (testing.md): the exit code is non-zero only when a run fails.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, promises as fs, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildResult, ChildSpec } from './child.js';

export const CHILD = fileURLToPath(new URL('./child.js', import.meta.url));
export const RESULTS_DIR = fileURLToPath(new URL('../../bench/results/', import.meta.url));
const RESULT_PREFIX = 'BENCH_RESULT ';

const liveDirs = new Set<string>();
process.on('exit', () => {
  for (const d of liveDirs) rmSync(d, { recursive: true, force: true });
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => process.exit(130));

/** `taskset -c <cores>` when it works here; else no pinning. */
export function pinning(cores: string): string[] {
  const probe = spawnSync('taskset', ['-c', cores, 'true'], { stdio: 'ignore' });
  return probe.status === 0 ? ['taskset', '-c', cores] : [];
}

export interface RunChildOptions {
  /** CPU list for taskset, e.g. `0` or `0-1`; null = no pinning. */
  readonly cores?: string | null;
  readonly timeoutMs?: number;
}

/** Runs one spec in a child; its outDir is a fresh temp dir removed afterwards. */
export function runChild(spec: Omit<ChildSpec, 'outDir'>, options: RunChildOptions = {}): Promise<ChildResult> {
  const dir = mkdtempSync(join(os.tmpdir(), `dsp-bench-${spec.label.replace(/[^a-z0-9]+/gi, '-')}-`));
  liveDirs.add(dir);
  const specPath = join(dir, 'spec.json');
  writeFileSync(specPath, JSON.stringify({ ...spec, outDir: join(dir, 'out') }));
  const pin = options.cores ? pinning(options.cores) : [];
  const args = [...pin, process.execPath, CHILD, specPath];
  const [cmd, ...rest] = args;
  const timeoutMs = options.timeoutMs ?? 1_800_000;
  return new Promise<ChildResult>((resolve, reject) => {
    const child = spawn(cmd, rest, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => { out += s; });
    child.stderr.setEncoding('utf8').on('data', (s: string) => { err += s; });
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      liveDirs.delete(dir);
      const line = out.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (code !== 0 || !line) {
        const why = timedOut ? `killed after ${timeoutMs / 1000} s` : `exit ${code ?? signal}`;
        reject(new Error(`bench child ${spec.label} failed (${why}):\n${err.trim() || out.trim() || '(no output)'}`));
        return;
      }
      resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as ChildResult);
    });
  });
}

export interface Summary extends ChildResult {
  readonly repeats: number;
  /** Worst peak RSS over the repeats, MiB. */
  readonly worstPeakRssMb: number;
  /** Every repeat's figures, in run order. */
  readonly all?: readonly ChildResult[];
}

function summarize(runs: readonly ChildResult[]): Summary {
  const best = runs.reduce((a, b) => (b.rowsPerSec > a.rowsPerSec ? b : a));
  return { ...best, repeats: runs.length, worstPeakRssMb: Math.max(...runs.map((r) => r.peakRssMb)), all: runs };
}

/**
 * Runs the specs interleaved — A B A B … — `repeats` rounds, so slow drifts in machine load hit every
 * spec alike (for ratios "measured in one run"). One Summary per spec, in the order given.
 *
 * @example
 * const [plain, withTransforms] = await measureInterleaved([a, b], 2, { cores: '0' });
 */
export async function measureInterleaved(specs: ReadonlyArray<Omit<ChildSpec, 'outDir'>>, repeats: number, options: RunChildOptions = {}): Promise<Summary[]> {
  const runs: ChildResult[][] = specs.map(() => []);
  for (let i = 0; i < repeats; i++) {
    for (let k = 0; k < specs.length; k++) {
      process.stderr.write(`bench: ${specs[k].label} (${i + 1}/${repeats}) …`);
      const r = await runChild(specs[k], options);
      process.stderr.write(` ${fmt(r.seconds, 2)} s, ${fmtInt(r.rowsPerSec)} rows/s, ${fmt(r.peakRssMb)} MiB peak RSS\n`);
      runs[k].push(r);
    }
  }
  return runs.map(summarize);
}

/** Best throughput (rows/s) and worst peak RSS of `repeats` runs of one spec. */
export async function measure(spec: Omit<ChildSpec, 'outDir'>, repeats: number, options: RunChildOptions = {}): Promise<Summary> {
  const runs: ChildResult[] = [];
  for (let i = 0; i < repeats; i++) {
    process.stderr.write(`bench: ${spec.label} (${i + 1}/${repeats}) …`);
    const r = await runChild(spec, options);
    process.stderr.write(` ${fmtInt(r.rowsPerSec)} rows/s, ${fmt(r.peakRssMb)} MiB peak RSS\n`);
    runs.push(r);
  }
  return summarize(runs);
}

export interface Target {
  readonly name: string;
  readonly wanted: string;
  readonly value: number | null;
  readonly unit: '×' | '%' | 'MiB' | '';
  readonly met: boolean | null;
}

export const fmtInt = (n: number): string => Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
export const fmt = (n: number, d = 1): string => n.toFixed(d);

export function machine(): Record<string, unknown> {
  const cpus = os.cpus();
  return { date: new Date().toISOString(), node: process.version, cpuModel: cpus[0]?.model ?? 'unknown', cores: cpus.length, totalMemGiB: +(os.totalmem() / 2 ** 30).toFixed(1), platform: `${os.platform()} ${os.release()}`, loadavg: os.loadavg().map((l) => +l.toFixed(2)) };
}

/** Writes bench/results/<name>.json and .md (`sections`: extra markdown lines appended after the notes). */
export async function writeResults(dir: string, name: string, title: string, meta: Record<string, unknown>, rows: readonly Summary[], targets: readonly Target[], notes: readonly string[], sections: readonly string[] = []): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(join(dir, `${name}.json`), JSON.stringify({ meta, runs: rows, targets }, null, 2) + '\n');
  const table = rows.map((r) => `| ${r.label} | ${fmtInt(r.rows)} | ${fmt(r.seconds, 2)} | ${r.cpuSeconds === undefined ? 'n/a' : fmt(r.cpuSeconds, 2)} | ${fmtInt(r.rowsPerSec)} | ${fmt(r.mbPerSec)} | ${fmt(r.worstPeakRssMb)} |`);
  const tg = targets.map((t) => `| ${t.name} | ${t.wanted} | ${t.value === null ? 'n/a' : t.unit === '%' ? `${fmt(t.value * 100)} %` : `${fmt(t.value, t.unit === '×' ? 2 : 1)}${t.unit === '×' ? '×' : t.unit ? ` ${t.unit}` : ''}`} | ${t.met === null ? 'n/a' : t.met ? 'yes' : '**no**'} |`);
  const md = [
    `# ${title}`,
    '',
    `${String(meta.date)} · node ${String(meta.node)} · ${String(meta.cpuModel)} × ${String(meta.cores)} · load ${JSON.stringify(meta.loadavg)} · ${String(meta.method ?? '')}`,
    '',
    '| run | rows | s | CPU s | rows/s | MiB/s | peak RSS MiB |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...table,
    '',
    '| target | wanted | measured | met |',
    '|---|---|---:|---|',
    ...tg,
    '',
    ...notes.map((n) => `- ${n}`),
    '',
    ...(sections.length ? [...sections, ''] : []),
  ].join('\n');
  await fs.writeFile(join(dir, `${name}.md`), md);
}
