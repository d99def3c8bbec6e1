/**
 * Issue 4: the cost of both transforms at their default rates on the foundation's journal-entry CSV
 * benchmark (bench/worker.ts `benchConfig`: one company, 12 months, seed 42, `journal_entries` → one
 * CSV file sink), measured in one run against the same pipeline without them.
 *
 *   node dist/bench/transforms.js [--lines 1000000] [--repeats 2] [--gates off|warn|enforce]
 *                                 [--results bench/results] [--timeout-s 900] [--cores 0] [--no-floor]
 *
 * Runs A (plain) and B (anomalies → data_quality preset normal) alternately, A B A B …, each in its own
 * child pinned to core 0 (bench/harness.ts). Throughput is the source's work per second: both runs
 * generate the same entries from the same config, so the loss is 1 − T_A / T_B on the best (lowest)
 * wall seconds of each, and the same on CPU seconds. Writes bench/results/transforms.{json,md};
 * the target (≤ 15 % loss) is recorded, not enforced.
 *
 * The floor (unless --no-floor): C and D replay A's and B's sink-bound batches, recorded in memory
 * before the timer (bench/replay.ts), into the same CSV sink — the same bytes (checked by hash),
 * without generating or transforming anything. T_D − T_C is what B's extra output (label tables,
 * duplicate rows, changed values) costs the sink alone: a part of the added cost no implementation of
 * the transforms can remove, to hold against the target's whole budget T_A × 0.15 / 0.85. E runs B
 * with every rate at 1e-9: T_E − T_A is what keying and deciding every entry costs when nothing fires.
 */
import { realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PipelineConfig } from '../src/index.js';
import { fmt, fmtInt, machine, measureInterleaved, pinning, RESULTS_DIR, writeResults, type Summary, type Target } from './harness.js';
import type { ChildSpec } from './child.js';
import { benchConfig } from './worker.js';

const LOSS_TARGET = 0.15;
/** ≈ mean lines per entry with the §5.3 line-count tail (bench/worker.ts); the table reports actual rows. */
const LINES_PER_ENTRY = 10.9;

interface Options { lines: number; repeats: number; gates: 'off' | 'warn' | 'enforce'; resultsDir: string; timeoutS: number; cores: string | null; floor: boolean }

/** Parses the command line (sizes, repeats, pinning); unknown flags are an error. */
export function parseArgs(argv: readonly string[]): Options {
  const o: Options = { lines: 1_000_000, repeats: 2, gates: 'off', resultsDir: RESULTS_DIR, timeoutS: 900, cores: '0', floor: true };
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
      case '--gates':
        if (v !== 'off' && v !== 'warn' && v !== 'enforce') throw new Error('--gates takes off, warn or enforce');
        o.gates = v; i++; break;
      case '--results': o.resultsDir = resolve(v ?? ''); i++; break;
      case '--timeout-s': o.timeoutS = int(v, a); i++; break;
      case '--cores': o.cores = v === 'none' ? null : (v ?? '0'); i++; break;
      case '--no-floor': o.floor = false; break;
      default: throw new Error(`unknown argument ${a}`);
    }
  }
  return o;
}

/**
 * The foundation's CSV config, optionally with both transforms at their defaults between source and sink.
 *
 * @example
 * transformsConfig(90_000, true).transforms?.noise; // { type: 'data_quality', inputs: ['fraud'], preset: 'normal' }
 */
export function transformsConfig(volume: number, withTransforms: boolean): PipelineConfig {
  const base = benchConfig(volume, '{out}');
  if (!withTransforms) return base;
  return {
    ...base,
    // Option names: src/transforms/anomalies/options.ts (rate default 0.03), data-quality/options.ts (preset).
    transforms: {
      fraud: { type: 'anomalies', inputs: ['gl'] },
      noise: { type: 'data_quality', inputs: ['fraud'], preset: 'normal' },
    },
    sinks: { out: { type: 'file', inputs: ['noise'], path: '{out}', format: 'csv' } },
  } as PipelineConfig;
}

/** A rate that keeps a transform (and each injector) switched on but practically never fires. */
const NEAR_ZERO = 1e-9;

/**
 * B with every rate at NEAR_ZERO: both transforms key, scan and decide every entry as in B, but change
 * nothing and label nothing (the floor's run E: the cost of looking at the data at all).
 *
 * @example
 * scanOnlyConfig(90_000).transforms?.fraud; // { type: 'anomalies', inputs: ['gl'], rate: 1e-9 }
 */
export function scanOnlyConfig(volume: number): PipelineConfig {
  const b = transformsConfig(volume, true);
  return {
    ...b,
    transforms: {
      fraud: { type: 'anomalies', inputs: ['gl'], rate: NEAR_ZERO },
      noise: {
        type: 'data_quality', inputs: ['fraud'], preset: 'normal',
        missing_values: { rate: NEAR_ZERO }, typos: { char_error_rate: NEAR_ZERO }, encoding_issues: { rate: NEAR_ZERO }, duplicates: { rate: NEAR_ZERO },
        format_variations: { text: { rate: NEAR_ZERO }, identifiers: { rate: NEAR_ZERO } },
      },
    },
  } as PipelineConfig;
}

const lines = (s: Summary): number => s.tables?.journal_entry_lines ?? 0;

async function main(argv: readonly string[]): Promise<void> {
  const opts = parseArgs(argv);
  const volume = Math.max(1, Math.round(opts.lines / LINES_PER_ENTRY));
  const configA = transformsConfig(volume, false);
  const configB = transformsConfig(volume, true);
  const specs: Array<Omit<ChildSpec, 'outDir'>> = [
    { label: 'engine JE → CSV, no transforms', kind: 'engine', config: configA, gates: opts.gates },
    { label: 'engine JE → anomalies → data_quality (normal) → CSV', kind: 'engine', config: configB, gates: opts.gates },
  ];
  if (opts.floor) {
    // Both replay children record A and B alike (and keep both): the same live heap in each.
    specs.push(
      { label: 'C: replay of A\'s output → CSV', kind: 'engine', config: configA, gates: opts.gates, replay: true, replayAll: [configA, configB] },
      { label: 'D: replay of B\'s output → CSV', kind: 'engine', config: configB, gates: opts.gates, replay: true, replayAll: [configA, configB] },
      { label: 'E: B with every rate 1e-9 (scan only) → CSV', kind: 'engine', config: scanOnlyConfig(volume), gates: opts.gates },
    );
  }
  const summaries = await measureInterleaved(specs, opts.repeats, { cores: opts.cores, timeoutMs: opts.timeoutS * 1000 });
  const [plain, both] = summaries;
  const best = (s: Summary, k: 'seconds' | 'cpuSeconds'): number => Math.min(...(s.all ?? [s]).map((r) => r[k] ?? Number.NaN));
  const loss = (k: 'seconds' | 'cpuSeconds'): number => 1 - best(plain, k) / best(both, k);
  const wallLoss = loss('seconds');
  const cpuLoss = loss('cpuSeconds');
  const targets: Target[] = [
    { name: 'throughput loss with both transforms (wall, best of each)', wanted: `≤ ${LOSS_TARGET * 100} %`, value: wallLoss, unit: '%', met: wallLoss <= LOSS_TARGET },
    { name: 'throughput loss with both transforms (CPU seconds, best of each)', wanted: `≤ ${LOSS_TARGET * 100} %`, value: Number.isFinite(cpuLoss) ? cpuLoss : null, unit: '%', met: Number.isFinite(cpuLoss) ? cpuLoss <= LOSS_TARGET : null },
  ];
  const pin = opts.cores ? pinning(opts.cores) : [];
  const meta = {
    ...machine(),
    benchmark: 'transforms',
    volume,
    gates: opts.gates,
    pinning: pin.length ? pin.join(' ') : 'not pinned',
    method: `${opts.floor ? 'A B C D E' : 'A B'} alternated ×${opts.repeats}, each its own child (${pin.length ? pin.join(' ') : 'not pinned'}), best of each`,
  };
  const perRun: string[] = [];
  for (let i = 0; i < opts.repeats; i++) {
    for (const s of summaries) {
      const r = (s.all ?? [s])[i];
      if (r) perRun.push(`| ${s.label} | ${i + 1} | ${fmtInt(r.tables?.journal_entry_lines ?? 0)} | ${fmt(r.seconds, 2)} | ${r.cpuSeconds === undefined ? 'n/a' : fmt(r.cpuSeconds, 2)} | ${fmt(r.peakRssMb)} |`);
    }
  }
  const notes = [
    `Config: bench/worker.ts \`benchConfig\` (company 1000 USD US, 12 months of 2025, seed 42, volume ${fmtInt(volume)} entries ≈ ${fmtInt(opts.lines)} lines), CSV file sink; B inserts \`fraud: { type: anomalies, inputs: [gl] }\` (rate 0.03 default) and \`noise: { type: data_quality, inputs: [fraud], preset: normal }\` before the sink.`,
    `Gates: \`${opts.gates}\` in both runs, so the figure is the transforms' own cost (gates are measured by bench/controls.ts). Marking on (default) in both.`,
    'Throughput = the same source work per second: A and B generate the same entries, so loss = 1 − T_A / T_B with T the best (lowest) seconds of each over the repeats. B writes a few more rows (duplicates, label tables); rows/s in the table counts every table and is not the basis of the target.',
    `Added cost of the transforms (the loss's numerator): T_B − T_A = ${fmt(best(both, 'seconds') - best(plain, 'seconds'), 2)} s wall, ${Number.isFinite(cpuLoss) ? fmt(best(both, 'cpuSeconds') - best(plain, 'cpuSeconds'), 2) : 'n/a'} s CPU. Work that speeds up both runs (shared generation, encoding) lowers T_A as much as T_B and so raises the loss at equal added cost: compare this line across versions too.`,
    `journal_entry_lines: A ${fmtInt(lines(plain))} rows, B ${fmtInt(lines(both))} rows (B adds data-quality duplicates).`,
    'CPU s = user + system seconds of the child (all threads) in the timed section (process.cpuUsage): on a shared machine wall time includes waiting for the pinned core, CPU time does not.',
    'Peak RSS = the child\'s maxRSS, MiB (2^20 bytes), Node itself included.',
  ];
  if (opts.floor) notes.push(...floorNotes(plain, both, summaries[2], summaries[3], summaries[4], best));
  const sections = [`Every run, in order ${opts.floor ? 'A B C D E A B C D E' : 'A B A B'} …:`, '', '| run | # | journal_entry_lines | s | CPU s | peak RSS MiB |', '|---|---:|---:|---:|---:|---:|', ...perRun];
  await writeResults(opts.resultsDir, 'transforms', 'Journal-entry CSV with and without the anomalies + data_quality transforms (issue 4)', meta, summaries, targets, notes, sections);
  process.stdout.write(`bench transforms: loss ${fmt(wallLoss * 100)} % wall, ${Number.isFinite(cpuLoss) ? fmt(cpuLoss * 100) : 'n/a'} % CPU → ${join(opts.resultsDir, 'transforms.md')}\n`);
}

/**
 * The floor lines of the notes: the output-only cost T_D − T_C against the target's whole budget, and
 * the transforms' own work (the added cost without it). Throws when a replay did not write the bytes
 * of the run it replays (then it would not measure that output).
 */
function floorNotes(a: Summary, b: Summary, c: Summary, d: Summary, e: Summary, best: (s: Summary, k: 'seconds' | 'cpuSeconds') => number): string[] {
  const same = (x: Summary, y: Summary): boolean => (x.all ?? [x]).every((r) => (r.outputHashes ?? []).join() === (y.outputHashes ?? []).join() && (r.outputHashes ?? []).length > 0);
  if (!same(c, a) || !same(d, b)) throw new Error('a replay wrote other bytes than the run it replays (bench/replay.ts)');
  // E changes nothing: every file A writes, E writes with the same bytes (plus its empty dq_labels).
  const aHashes = (a.all ?? [a])[0].outputHashes ?? [];
  if (!(e.all ?? [e]).every((r) => aHashes.length > 0 && aHashes.every((h) => (r.outputHashes ?? []).includes(h)))) throw new Error('the scan-only run E changed data (some rate 1e-9 fired): its files differ from A\'s');
  const tA = best(a, 'seconds');
  const added = best(b, 'seconds') - tA;
  const floor = best(d, 'seconds') - best(c, 'seconds');
  const budget = (tA * LOSS_TARGET) / (1 - LOSS_TARGET);
  const cpuFloor = best(d, 'cpuSeconds') - best(c, 'cpuSeconds');
  const scan = best(e, 'seconds') - tA;
  const cpuScan = best(e, 'cpuSeconds') - best(a, 'cpuSeconds');
  return [
    `Floor: C and D replay A's and B's sink-bound batches (recorded in memory before the timer, bench/replay.ts) into the same CSV sink; every C and D run wrote exactly A's and B's bytes (SHA-256 of every data file).`,
    `Output-only cost of the transforms: T_D − T_C = ${fmt(floor, 2)} s wall (${fmt(cpuFloor, 2)} s CPU), ${fmt((100 * floor) / tA)} % of T_A: B's extra output (label tables, duplicate rows, changed values) encoded, hashed and written, with nothing generated or transformed.`,
    `The target's whole budget: T_B ≤ T_A / 0.85, i.e. an added cost ≤ ${fmt(budget, 2)} s. The output alone takes ${fmt((100 * floor) / budget)} % of it; the transforms' own work (decisions, mutations, labels, their JIT and GC) = added cost − output cost = ${fmt(added - floor, 2)} s.`,
    `Scan only (E: both transforms on, every rate 1e-9, so every entry is keyed and decided but nothing changes: E wrote A's files byte for byte, plus an empty dq_labels file): T_E − T_A = ${fmt(scan, 2)} s wall (${fmt(cpuScan, 2)} s CPU), ${fmt((100 * scan) / budget)} % of the budget. Output + scan = ${fmt(floor + scan, 2)} s of the ${fmt(budget, 2)} s before one mutation or label is made.`,
  ];
}

/** True when this module is the process entry (`node dist/bench/transforms.js`), not an import. */
function isEntry(): boolean {
  const argv1 = process.argv[1];
  if (!argv1) return false;
  try {
    return realpathSync(argv1) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntry()) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`\nbench transforms failed: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = 1;
  });
}
