/**
 * One benchmark measurement in its own process (bench/harness.ts starts it):
 *
 *   node dist/bench/child.js <spec.json>
 *
 * `engine` specs run a whole pipeline (config object → runPipeline) as a user would; `baseline`
 * specs run a named naive implementation (bench/baselines.ts). Prints one `BENCH_RESULT {json}` line.
 * Peak RSS is the process's maxRSS; the timer is around the run only.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PipelineConfig } from '../src/index.js';

export interface ChildSpec {
  readonly label: string;
  readonly kind: 'engine' | 'baseline';
  /** engine: the pipeline config (sinks' `path` may contain `{out}`, replaced by outDir). */
  readonly config?: PipelineConfig;
  readonly workers?: number;
  /** engine: `--gates` (default enforce). */
  readonly gates?: 'off' | 'warn' | 'enforce';
  /**
   * engine: after the run, read every data output (manifest role `data`, local files) into memory and
   * time SHA-256 over those bytes (bench/controls.ts: the cost of the checksums the engine cannot skip).
   */
  readonly hashOutputs?: boolean;
  /**
   * engine: run `config` (source and transform chain) in memory first, untimed, then time only a
   * replay of its sink-bound batches into the same sinks (bench/replay.ts: the output's own cost).
   */
  readonly replay?: boolean;
  /** replay: every config of the comparison, recorded (and kept) in every replay child alike. */
  readonly replayAll?: readonly PipelineConfig[];
  /** engine: sample per-thread CPU from /proc/self/task (Linux) during the run (bench/workers.ts). */
  readonly threadCpu?: boolean;
  /** baseline: name in bench/baselines.ts and its size parameter. */
  readonly baseline?: string;
  /**
   * baseline: the module that registers it, relative to this file (e.g. `./baseline-documents.js`);
   * imported first, since baselines register themselves on import (bench/baselines.ts).
   */
  readonly baselineModule?: string;
  readonly size?: number;
  readonly outDir: string;
}

export interface ChildResult {
  readonly label: string;
  readonly rows: number;
  readonly seconds: number;
  readonly rowsPerSec: number;
  readonly bytes: number;
  readonly mbPerSec: number;
  readonly peakRssMb: number;
  /** User + system CPU seconds of the child (all its threads) during the timed section. */
  readonly cpuSeconds?: number;
  readonly tables?: Record<string, number>;
  readonly status?: string;
  /** engine: `rel:sha256` of every data output, sorted (proves equal bytes across runs). */
  readonly outputHashes?: string[];
  /** hashOutputs: seconds of SHA-256 over `hashBytes` bytes already in memory (reading excluded). */
  readonly hashSeconds?: number;
  /** hashOutputs: CPU seconds of that hashing. */
  readonly hashCpuSeconds?: number;
  readonly hashBytes?: number;
  /**
   * threadCpu: CPU seconds by thread, sampled every 100 ms (a thread's last ≤ 100 ms before it exits
   * are missed): the main thread, the `workers` busiest other threads (the partition workers), and the
   * rest (V8's compiler and GC helpers, libuv's I/O pool). Absent where /proc is not readable.
   */
  readonly threadCpu?: { main: number; workers: number[]; other: number };
}

const MIB = 1024 * 1024;
/** Clock ticks per second of /proc stat times (USER_HZ, 100 on Linux). */
const CLK_TCK = 100;

/** utime + stime ticks of every thread of this process, by tid (empty where /proc is not readable). */
async function threadTicks(): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  let tids: string[];
  try {
    tids = await fs.readdir('/proc/self/task');
  } catch {
    return out;
  }
  await Promise.all(tids.map(async (tid) => {
    try {
      const stat = await fs.readFile(`/proc/self/task/${tid}/stat`, 'utf8');
      // Fields after the command's closing parenthesis: state is field 3, utime 14, stime 15.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(tid), Number(f[11]) + Number(f[12]));
    } catch {
      // the thread exited between readdir and read
    }
  }));
  return out;
}

/** Samples per-thread CPU until stopped; keeps each thread's latest figure. */
function sampleThreads(workers: number): { stop: () => Promise<ChildResult['threadCpu']> } {
  const last = new Map<number, number>();
  const take = async (): Promise<void> => {
    for (const [tid, t] of await threadTicks()) last.set(tid, t);
  };
  let pending = take();
  const timer = setInterval(() => {
    pending = pending.then(take);
  }, 100);
  return {
    stop: async () => {
      clearInterval(timer);
      await pending;
      await take();
      if (last.size === 0) return undefined;
      const main = (last.get(process.pid) ?? 0) / CLK_TCK;
      const others = [...last].filter(([tid]) => tid !== process.pid).map(([, t]) => t / CLK_TCK).sort((a, b) => b - a);
      const w = others.slice(0, workers);
      return { main, workers: w, other: others.slice(workers).reduce((a, b) => a + b, 0) };
    },
  };
}

function substitute(value: unknown, outDir: string): unknown {
  if (typeof value === 'string') return value.replace('{out}', outDir);
  if (Array.isArray(value)) return value.map((v) => substitute(v, outDir));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, outDir)]));
  return value;
}

function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1e6;
}

/**
 * Reads the run's local data files into memory first (so disk and page cache are not timed), then
 * hashes them with SHA-256 in 1 MiB updates, as a streaming writer would. Output that is not a
 * `file:` URI (object stores, databases) is skipped.
 */
async function hashDataOutputs(outputs: ReadonlyArray<{ role: string; uri: string }>): Promise<{ hashSeconds: number; hashCpuSeconds: number; hashBytes: number }> {
  const files = await Promise.all(outputs.filter((o) => o.role === 'data' && o.uri.startsWith('file:')).map((o) => fs.readFile(fileURLToPath(o.uri))));
  const CHUNK = 1 << 20;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let hashBytes = 0;
  for (const buf of files) {
    const h = createHash('sha256');
    for (let i = 0; i < buf.length; i += CHUNK) h.update(buf.subarray(i, i + CHUNK));
    h.digest();
    hashBytes += buf.length;
  }
  return { hashSeconds: Number(process.hrtime.bigint() - t0) / 1e9, hashCpuSeconds: cpuSecondsSince(cpu0), hashBytes };
}

async function main(): Promise<void> {
  const spec = JSON.parse(await fs.readFile(process.argv[2], 'utf8')) as ChildSpec;
  await fs.mkdir(spec.outDir, { recursive: true });
  let rows = 0;
  let bytes = 0;
  let tables: Record<string, number> | undefined;
  let status: string | undefined;
  let outputHashes: string[] | undefined;
  let seconds: number;
  let cpuSeconds: number;
  let hash: { hashSeconds: number; hashCpuSeconds: number; hashBytes: number } | undefined;
  let peakKiB: number | undefined;
  let threadCpu: ChildResult['threadCpu'];
  if (spec.kind === 'engine') {
    const { loadConfigObject, runPipeline } = await import('../src/index.js');
    let config = substitute(spec.config, spec.outDir) as PipelineConfig;
    if (spec.replay) {
      const all = spec.replayAll?.map((c) => substitute(c, spec.outDir) as PipelineConfig);
      const mine = all ? all.findIndex((c) => JSON.stringify(c) === JSON.stringify(config)) : -1;
      config = await (await import('./replay.js')).prepareReplay(all && mine >= 0 ? all[mine] : config, all);
    }
    const loaded = loadConfigObject(config, {});
    const sampler = spec.threadCpu ? sampleThreads(spec.workers ?? 0) : null;
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    // runPipeline takes the CLI's gate switches as { mode } (src/quality/config.ts GateCliOptions).
    const result = await runPipeline({ loaded, outRoot: spec.outDir, ifExists: 'overwrite', ...(spec.workers !== undefined ? { workers: spec.workers } : {}), ...(spec.gates ? { gates: { mode: spec.gates } } : {}) } as Parameters<typeof runPipeline>[0]);
    seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    cpuSeconds = cpuSecondsSince(cpu0);
    threadCpu = await sampler?.stop();
    if (result.exitCode !== 0) throw new Error(`engine run ended ${result.status} (exit ${result.exitCode}): ${result.error?.message ?? ''}`);
    status = result.status;
    tables = Object.fromEntries(Object.entries(result.manifest.tables).map(([t, s]) => [t, s.rows]));
    rows = Object.values(tables).reduce((a, b) => a + b, 0);
    bytes = result.manifest.outputs.filter((o) => o.role === 'data').reduce((a, o) => a + o.bytes, 0);
    outputHashes = result.manifest.outputs.filter((o) => o.role === 'data').map((o) => `${o.rel ?? o.id}:${o.sha256}`).sort();
    if (spec.hashOutputs) {
      // Peak RSS of the run itself: the files read back for hashing must not count.
      peakKiB = process.resourceUsage().maxRSS;
      hash = await hashDataOutputs(result.manifest.outputs);
    }
  } else {
    const { BASELINES } = await import('./baselines.js');
    if (spec.baselineModule) await import(spec.baselineModule);
    const run = BASELINES[spec.baseline ?? ''];
    if (!run) throw new Error(`unknown baseline ${spec.baseline}`);
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const r = await run(spec.size ?? 0, spec.outDir);
    seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    cpuSeconds = cpuSecondsSince(cpu0);
    rows = r.rows;
    bytes = r.bytes;
    tables = r.tables;
  }
  const result: ChildResult = {
    label: spec.label, rows, seconds, rowsPerSec: rows / seconds, bytes, mbPerSec: bytes / MIB / seconds,
    peakRssMb: (peakKiB ?? process.resourceUsage().maxRSS) / 1024, cpuSeconds, ...(tables ? { tables } : {}), ...(status ? { status } : {}), ...(outputHashes ? { outputHashes } : {}), ...(hash ?? {}), ...(threadCpu ? { threadCpu } : {}),
  };
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
