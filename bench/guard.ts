/**
 * The resource guard's cost and its memory bound (issue 7):
 *
 *   npm run build && node dist/bench/guard.js [--lines N] [--repeats R] [--cores C]
 *
 * The same journal-entry-lines → CSV run twice per repeat, each in a fresh child
 * process (bench/child.ts): once with `guard.enabled: false`, once with
 * `guard.memory_limit_mb: 256`. Targets (recorded, not enforced, testing.md):
 * the guarded run's peak RSS stays under 256 MiB and its throughput is at most
 * 10 % below the unguarded one. Results: bench/results/guard.{json,md}.
 */
import { benchConfig } from './worker.js';
import { fmt, machine, measure, RESULTS_DIR, writeResults, type Summary, type Target } from './harness.js';
import type { PipelineConfig } from '../src/index.js';

/** Lines per entry of the journal source (bench/results/journal-csv.json: 994,536 / 92,437). */
const LINES_PER_ENTRY = 10.76;
const LIMIT_MB = 256;

function parse(argv: string[]): { lines: number; repeats: number; cores: string | null } {
  const o = { lines: 1_000_000, repeats: 2, cores: '0' as string | null };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    if (argv[i] === '--lines') o.lines = Number(v);
    else if (argv[i] === '--repeats') o.repeats = Number(v);
    else if (argv[i] === '--cores') o.cores = v === 'none' ? null : v;
    else continue;
    i++;
  }
  return o;
}

async function main(): Promise<void> {
  const opts = parse(process.argv.slice(2));
  const volume = Math.max(1, Math.round(opts.lines / LINES_PER_ENTRY));
  const base = benchConfig(volume, '{out}');
  // Gates off in the config too: the spec's `gates` is not (yet) the runner's `{ mode }` option.
  const config = (guard: Record<string, unknown>): PipelineConfig => ({ ...base, gates: { enabled: false }, guard } as PipelineConfig);
  const runs: Summary[] = [];
  // Alternate the two so a change in machine load hits both alike.
  const unguarded: Summary[] = [];
  const guarded: Summary[] = [];
  for (let i = 0; i < opts.repeats; i++) {
    unguarded.push(await measure({ label: 'unguarded', kind: 'engine', config: config({ enabled: false }), gates: 'off' }, 1, { cores: opts.cores }));
    guarded.push(await measure({ label: `guard ${LIMIT_MB} MiB`, kind: 'engine', config: config({ memory_limit_mb: LIMIT_MB }), gates: 'off' }, 1, { cores: opts.cores }));
  }
  const best = (xs: Summary[]): Summary => {
    const b = xs.reduce((a, x) => (x.rowsPerSec > a.rowsPerSec ? x : a));
    return { ...b, repeats: xs.length, worstPeakRssMb: Math.max(...xs.map((x) => x.worstPeakRssMb)) };
  };
  const u = best(unguarded);
  const g = best(guarded);
  runs.push(u, g);
  const slowdown = 1 - g.rowsPerSec / u.rowsPerSec;
  // CPU time is what the guard costs; wall time on a shared machine mostly measures the neighbours.
  const cpuRate = (xs: Summary[]): number | null => {
    const c = xs.map((x) => x.cpuSeconds).filter((v): v is number => typeof v === 'number' && v > 0);
    return c.length === xs.length ? xs[0].rows / Math.min(...c) : null;
  };
  const cu = cpuRate(unguarded);
  const cg = cpuRate(guarded);
  const cpuSlowdown = cu && cg ? 1 - cg / cu : null;
  const targets: Target[] = [
    { name: `peak RSS guarded (MiB)`, wanted: `≤ ${LIMIT_MB}`, value: g.worstPeakRssMb, unit: 'MiB', met: g.worstPeakRssMb <= LIMIT_MB },
    { name: 'throughput loss guarded vs unguarded (rows per CPU second)', wanted: '≤ 10 %', value: cpuSlowdown, unit: '%', met: cpuSlowdown === null ? null : cpuSlowdown <= 0.1 },
    { name: 'throughput loss guarded vs unguarded (wall rows/s)', wanted: '≤ 10 %', value: slowdown, unit: '%', met: slowdown <= 0.1 },
  ];
  const meta = { ...machine(), method: `${opts.cores ? `taskset -c ${opts.cores}` : 'unpinned'} · best of ${opts.repeats} (worst RSS), alternating` };
  await writeResults(RESULTS_DIR, 'guard', 'Resource guard: cost and memory bound (journal-entry lines → CSV)', meta, runs, targets, [
    `Target size ${fmt(opts.lines / 1e6)} M lines (volume ${volume}). The issue asks for 20 M; on a shared 2-core machine one such run takes many minutes, so pass --lines 20000000 on a quiet machine. Peak RSS of this engine is flat in run size (bench/results/journal-csv.md: +2.3 % from 1 M to 5 M lines).`,
    `Load average at the start: ${JSON.stringify(machine().loadavg)}. Throughput under shared load is noisy; compare the two rows only when they were measured alternately on a quiet machine.`,
    'The guard samples memory every 250 ms and disk every 1000 ms; it acts only at the source credit gate, so the bytes are the same with and without it.',
  ]);
  process.stderr.write(`bench: guard done: unguarded ${fmt(u.rowsPerSec / 1e3)}k rows/s, guarded ${fmt(g.rowsPerSec / 1e3)}k rows/s, peak ${fmt(g.worstPeakRssMb)} MiB\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
