/**
 * Issue 6: what marking + quality gates + checksums cost together on the foundation's journal-entry
 * CSV benchmark (bench/worker.ts `benchConfig`), measured in one run.
 *
 *   node dist/bench/controls.js [--lines 1000000] [--repeats 2] [--results bench/results]
 *                               [--timeout-s 900] [--cores 0]
 *
 * A = marking off (`marking: { enabled: false }`) and gates off (`--gates off`); B = the defaults
 * (marking on, gates enforce with the default profile). Checksums cannot be switched off in the
 * engine, so A's child also reads its data files back into memory after the run and times SHA-256 over
 * those bytes (t_hash, bench/child.ts `hashOutputs`). The cost of all three is
 *
 *   (T_B − (T_A − t_hash)) / (T_A − t_hash)
 *
 * with T the best (lowest) seconds of each over the repeats, run A B A B … pinned to core 0.
 * Writes bench/results/controls.{json,md}; the target (≤ 10 %) is recorded, not enforced.
 */
import { join, resolve } from 'node:path';
import type { PipelineConfig } from '../src/index.js';
import type { ChildResult } from './child.js';
import { fmt, fmtInt, machine, measureInterleaved, pinning, RESULTS_DIR, writeResults, type Summary, type Target } from './harness.js';
import { benchConfig } from './worker.js';

const COST_TARGET = 0.10;
/** ≈ mean lines per entry with the §5.3 line-count tail (bench/worker.ts); the table reports actual rows. */
const LINES_PER_ENTRY = 10.9;

interface Options { lines: number; repeats: number; resultsDir: string; timeoutS: number; cores: string | null }

/** Parses the command line; unknown flags are an error. */
export function parseArgs(argv: readonly string[]): Options {
  const o: Options = { lines: 1_000_000, repeats: 2, resultsDir: RESULTS_DIR, timeoutS: 900, cores: '0' };
  const int = (v: string | undefined, flag: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag} takes a positive integer`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    switch (a) {
      case '--lines': o.lines = int(v, a); i++; break;
      case '--repeats': o.repeats = int(v, a); i++; break;
      case '--results': o.resultsDir = resolve(v ?? ''); i++; break;
      case '--timeout-s': o.timeoutS = int(v, a); i++; break;
      case '--cores': o.cores = v === 'none' ? null : (v ?? '0'); i++; break;
      default: throw new Error(`unknown argument ${a}`);
    }
  }
  return o;
}

/**
 * The foundation's CSV config with marking on (default) or off.
 *
 * @example
 * controlsConfig(90_000, false).marking; // { enabled: false }
 */
export function controlsConfig(volume: number, marking: boolean): PipelineConfig {
  const base = benchConfig(volume, '{out}');
  return marking ? base : ({ ...base, marking: { enabled: false } } as PipelineConfig);
}

/**
 * Cost of the controls relative to the run without them: (T_B − (T_A − t_hash)) / (T_A − t_hash).
 *
 * @example
 * controlsCost(10, 1, 10.8); // 0.2 — (10.8 − 9) / 9
 */
export function controlsCost(tA: number, tHash: number, tB: number): number {
  const bare = tA - tHash;
  return (tB - bare) / bare;
}

/** The A run with the lowest seconds (and its own hash time). */
function bestBy(s: Summary, k: 'seconds' | 'cpuSeconds'): ChildResult {
  return (s.all ?? [s]).reduce((a, b) => ((b[k] ?? Infinity) < (a[k] ?? Infinity) ? b : a));
}

async function main(argv: readonly string[]): Promise<void> {
  const opts = parseArgs(argv);
  const volume = Math.max(1, Math.round(opts.lines / LINES_PER_ENTRY));
  const [off, on] = await measureInterleaved([
    { label: 'A: marking off, gates off (+ SHA-256 timed after)', kind: 'engine', config: controlsConfig(volume, false), gates: 'off', hashOutputs: true },
    { label: 'B: defaults (marking on, gates enforce, default profile)', kind: 'engine', config: controlsConfig(volume, true) },
  ], opts.repeats, { cores: opts.cores, timeoutMs: opts.timeoutS * 1000 });

  const aWall = bestBy(off, 'seconds');
  const bWall = bestBy(on, 'seconds');
  const wallCost = controlsCost(aWall.seconds, aWall.hashSeconds ?? 0, bWall.seconds);
  const aCpu = bestBy(off, 'cpuSeconds');
  const bCpu = bestBy(on, 'cpuSeconds');
  const cpuCost = aCpu.cpuSeconds !== undefined && bCpu.cpuSeconds !== undefined
    ? controlsCost(aCpu.cpuSeconds, aCpu.hashCpuSeconds ?? 0, bCpu.cpuSeconds) : null;
  // Without the hash correction: marking + gates alone (checksums are in both).
  const markGates = bWall.seconds / aWall.seconds - 1;
  const targets: Target[] = [
    { name: 'marking + gates + checksums (wall, best of each)', wanted: `≤ ${COST_TARGET * 100} %`, value: wallCost, unit: '%', met: wallCost <= COST_TARGET },
    { name: 'marking + gates + checksums (CPU seconds, best of each)', wanted: `≤ ${COST_TARGET * 100} %`, value: cpuCost, unit: '%', met: cpuCost === null ? null : cpuCost <= COST_TARGET },
  ];
  // The checksums' share alone, against the same baseline as the target: what the budget leaves for marking + gates.
  const hashAlone = aWall.hashSeconds !== undefined && aWall.seconds > aWall.hashSeconds ? aWall.hashSeconds / (aWall.seconds - aWall.hashSeconds) : null;
  const hashAloneCpu = aCpu.hashCpuSeconds !== undefined && aCpu.cpuSeconds !== undefined && aCpu.cpuSeconds > aCpu.hashCpuSeconds ? aCpu.hashCpuSeconds / (aCpu.cpuSeconds - aCpu.hashCpuSeconds) : null;
  const pin = opts.cores ? pinning(opts.cores) : [];
  const meta = {
    ...machine(),
    benchmark: 'controls',
    volume,
    pinning: pin.length ? pin.join(' ') : 'not pinned',
    method: `A B alternated ×${opts.repeats}, each its own child (${pin.length ? pin.join(' ') : 'not pinned'}), best of each`,
    derived: { tA: aWall.seconds, tHash: aWall.hashSeconds, tB: bWall.seconds, hashBytes: aWall.hashBytes, wallCost, cpuCost, markingAndGatesOnly: markGates, checksumsAlone: hashAlone, checksumsAloneCpu: hashAloneCpu },
  };
  const perRun: string[] = [];
  for (let i = 0; i < opts.repeats; i++) {
    for (const s of [off, on]) {
      const r = (s.all ?? [s])[i];
      if (!r) continue;
      const hash = r.hashSeconds === undefined ? '–' : `${fmt(r.hashSeconds, 3)} (CPU ${fmt(r.hashCpuSeconds ?? 0, 3)}) over ${fmt((r.hashBytes ?? 0) / 2 ** 20)} MiB`;
      perRun.push(`| ${s.label} | ${i + 1} | ${fmtInt(r.tables?.journal_entry_lines ?? 0)} | ${fmt(r.seconds, 2)} | ${r.cpuSeconds === undefined ? 'n/a' : fmt(r.cpuSeconds, 2)} | ${hash} | ${fmt(r.peakRssMb)} |`);
    }
  }
  const hashRate = aWall.hashBytes && aWall.hashSeconds ? aWall.hashBytes / 2 ** 20 / aWall.hashSeconds : null;
  const notes = [
    `Config: bench/worker.ts \`benchConfig\` (company 1000 USD US, 12 months of 2025, seed 42, volume ${fmtInt(volume)} entries ≈ ${fmtInt(opts.lines)} lines), journal_entries → one CSV file sink. A adds \`marking: { enabled: false }\` and runs with gates \`off\`; B is the config as is, gates enforce with the default profile (B fails the bench if a gate fails).`,
    'Checksums cannot be switched off (every output is hashed while written), so they are in both runs. To estimate a run without them, A\'s child reads its data files (manifest role `data`) back into memory after the timed section and times SHA-256 over exactly those bytes in 1 MiB updates (t_hash, bench/child.ts `hashOutputs`); reading is not timed. Cost = (T_B − (T_A − t_hash)) / (T_A − t_hash), T = best (lowest) seconds of each; the CPU row uses CPU seconds and the hash\'s CPU seconds.',
    `Measured: T_A ${fmt(aWall.seconds, 2)} s, t_hash ${fmt(aWall.hashSeconds ?? 0, 3)} s${hashRate ? ` (${fmt(hashRate)} MiB/s)` : ''}, T_B ${fmt(bWall.seconds, 2)} s; marking + gates alone (T_B / T_A − 1, checksums in both): ${fmt(markGates * 100)} %.`,
    `Checksums alone: t_hash / (T_A − t_hash) = ${hashAlone === null ? 'n/a' : `${fmt(hashAlone * 100)} %`} of the wall budget base${hashAloneCpu === null ? '' : ` (${fmt(hashAloneCpu * 100)} % in CPU seconds)`} — SHA-256 (OpenSSL) of every output byte, required by the manifest, leaves ${hashAlone === null ? 'n/a' : `${fmt(Math.max(0, COST_TARGET - hashAlone) * 100)} %`} of the ${COST_TARGET * 100} % target for marking and all quality gates together on this machine.`,
    'Caveat of the method: hashing bytes already in memory in a tight loop is likely a little cheaper than the same hashing inside the run (interleaved with encoding and writes, colder caches), so t_hash is a lower bound and the checksums\' share of the cost may be slightly understated.',
    'CPU s = user + system seconds of the child (all threads) in the timed section (process.cpuUsage). Peak RSS = the child\'s maxRSS before the files are read back, MiB.',
  ];
  const sections = ['Every run, in order A B A B …:', '', '| run | # | journal_entry_lines | s | CPU s | t_hash s | peak RSS MiB |', '|---|---:|---:|---:|---:|---|---:|', ...perRun];
  await writeResults(opts.resultsDir, 'controls', 'Journal-entry CSV: cost of marking + quality gates + checksums (issue 6)', meta, [off, on], targets, notes, sections);
  process.stdout.write(`bench controls: cost ${fmt(wallCost * 100)} % wall, ${cpuCost === null ? 'n/a' : fmt(cpuCost * 100)} % CPU → ${join(opts.resultsDir, 'controls.md')}\n`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`\nbench controls failed: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exitCode = 1;
});
