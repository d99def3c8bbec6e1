/**
 * One measurement in its own process, so peak RSS belongs to that run alone:
 *
 *   node dist/bench/worker.js engine   <lines> [outDir|-] [volume]
 *   node dist/bench/worker.js baseline <lines> [outDir|-]
 *
 * Prints one `BENCH_RESULT {json}` line on stdout. Without `outDir` (or with
 * `-`) it makes and removes a temp directory under os.tmpdir(); run.ts passes
 * its own and removes it even when the child dies. The engine's company
 * `volume` (= entries) defaults to `lines` over the lines per entry the source
 * plans; run.ts passes one calibrated on a real run instead.
 */
import { promises as fs, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PerformanceObserver, constants as perfConstants } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import type { PipelineConfig } from '../src/index.js';

// The engine is imported only in engine mode, so the baseline's RSS carries none of it.
type EngineModules = typeof import('../src/index.js') & typeof import('../src/engine/plan.js');
async function engineModules(): Promise<EngineModules> {
  const [api, plan] = await Promise.all([import('../src/index.js'), import('../src/engine/plan.js')]);
  return { ...api, ...plan };
}

export type Mode = 'engine' | 'baseline';

export interface WorkerResult {
  mode: Mode;
  targetLines: number;
  lines: number;
  seconds: number;
  linesPerSec: number;
  /** Size of the journal-entry-lines CSV file. */
  bytes: number;
  /** bytes / seconds, MiB/s. */
  mbPerSec: number;
  /** Peak resident set size of this process (process.resourceUsage().maxRSS), MiB. */
  peakRssMb: number;
  /**
   * ≈ peak live JS data: the largest V8 used-heap size seen right after a major
   * GC, MiB. Unlike RSS it does not count garbage V8 lets pile up before
   * collecting, so it shows whether memory is flat. Buffer / typed-array
   * contents live outside the V8 heap and are not in it (external memory right
   * after a GC still counts buffers the sweeper has not freed yet, so it would
   * overstate).
   */
  liveHeapMb: number;
  /** Engine only: the company volume (= entries), mean lines per entry, bytes written per table. */
  volume?: number;
  linesPerEntry?: number;
  files?: Record<string, number>;
  status?: string;
}

const SOURCE_ID = 'gl';
const LINES_TABLE = 'journal_entry_lines';
const MIB = 1024 * 1024;
/** Fallback lines per entry if the source plans no line counts (domain.md §5.3 buckets: ≈ 11.5). */
const FALLBACK_LINES_PER_ENTRY = 11.5;
const CALIBRATION_VOLUME = 100_000;

export function benchConfig(volume: number, outDir: string): PipelineConfig {
  return {
    version: 1,
    seed: 42,
    period: { start: '2025-01-01', months: 12 },
    companies: [{ code: '1000', name: 'Bench Co', currency: 'USD', country: 'US', volume }],
    sources: { [SOURCE_ID]: { type: 'journal_entries' } },
    sinks: { out: { type: 'file', inputs: [SOURCE_ID], path: outDir, format: 'csv' } },
  };
}

/**
 * Mean lines per entry as the source plans them (its partitions' planned rows),
 * so `volume` can be chosen for a target line count without generating anything.
 */
export function plannedLinesPerEntry({ loadConfigObject, registry, createGenerationContext }: EngineModules): number {
  const loaded = loadConfigObject(benchConfig(CALIBRATION_VOLUME, tmpdir()) as unknown as Record<string, unknown>, {});
  const component = loaded.config.sources[SOURCE_ID];
  const { type, ...options } = component;
  const plugin = registry.sources.require(type);
  const partitions = plugin.partitions(SOURCE_ID, options as never, createGenerationContext(loaded));
  let rows = 0;
  for (const p of partitions) rows += p.plannedRows[LINES_TABLE] ?? 0;
  const perEntry = rows / CALIBRATION_VOLUME;
  return Number.isFinite(perEntry) && perEntry >= 2 ? perEntry : FALLBACK_LINES_PER_ENTRY;
}

async function runEngine(targetLines: number, outDir: string, volumeArg: number | undefined): Promise<WorkerResult> {
  const engine = await engineModules();
  const { loadConfigObject, runPipeline } = engine;
  const volume = volumeArg ?? Math.max(1, Math.round(targetLines / plannedLinesPerEntry(engine)));
  const loaded = loadConfigObject(benchConfig(volume, outDir) as unknown as Record<string, unknown>, {});
  const t0 = process.hrtime.bigint();
  const result = await runPipeline({ loaded, outRoot: null, ifExists: 'overwrite', progressIntervalMs: 60_000 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (result.error || result.status !== 'complete') {
    throw new Error(`engine run ${result.status} (exit ${result.exitCode}): ${result.error?.message ?? 'no error recorded'}`);
  }
  const lines = result.manifest.tables[LINES_TABLE]?.rows ?? 0;
  const files: Record<string, number> = {};
  let bytes = 0;
  for (const o of result.manifest.outputs) {
    files[o.table] = (files[o.table] ?? 0) + o.bytes;
    if (o.table === LINES_TABLE) bytes += o.bytes;
  }
  // domain.md §1.3 / I8: standalone entries = floor(volume × weight × months / 12) = volume here.
  return { ...figures('engine', targetLines, lines, seconds, bytes), volume, linesPerEntry: lines / volume, files, status: result.status };
}

async function runBaselineMode(targetLines: number, outDir: string): Promise<WorkerResult> {
  // Imported here, not at the top: faker and its locales must not count in the engine's RSS.
  const { checkBaselineColumns, runBaseline } = await import('./baseline.js');
  checkBaselineColumns();
  const path = join(outDir, 'journal_entry_lines.csv');
  const t0 = process.hrtime.bigint();
  const lines = await runBaseline(path, targetLines, 42);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const { size } = await fs.stat(path);
  return figures('baseline', targetLines, lines, seconds, size);
}

/** Samples the heap just after each major GC (the gc entry is delivered right after the collection). */
let liveHeapBytes = 0;
function watchLiveHeap(): PerformanceObserver {
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
      if (kind !== perfConstants.NODE_PERFORMANCE_GC_MAJOR) continue;
      const h = getHeapStatistics();
      liveHeapBytes = Math.max(liveHeapBytes, h.used_heap_size);
    }
  });
  obs.observe({ entryTypes: ['gc'] });
  return obs;
}

function figures(mode: Mode, targetLines: number, lines: number, seconds: number, bytes: number): WorkerResult {
  return {
    mode,
    targetLines,
    lines,
    seconds,
    linesPerSec: lines / seconds,
    bytes,
    mbPerSec: bytes / MIB / seconds,
    // maxRSS is in KiB (Node docs, getrusage ru_maxrss on Linux).
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    liveHeapMb: liveHeapBytes / MIB,
  };
}

/** A temp dir this process made itself, removed on exit even when the run never settled. */
let ownTempDir: string | null = null;

async function main(argv: string[]): Promise<void> {
  const [mode, linesArg, dirArg, volumeArg] = argv;
  const lines = Number(linesArg);
  const volume = volumeArg === undefined ? undefined : Number(volumeArg);
  if ((mode !== 'engine' && mode !== 'baseline') || !Number.isInteger(lines) || lines <= 0 || (volume !== undefined && !(Number.isInteger(volume) && volume > 0))) {
    throw new Error('usage: node dist/bench/worker.js <engine|baseline> <lines> [outDir|-] [volume]');
  }
  const ownDir = dirArg === undefined || dirArg === '-';
  const outDir = ownDir ? await fs.mkdtemp(join(tmpdir(), 'dsp-bench-')) : dirArg;
  if (ownDir) ownTempDir = outDir;
  const obs = watchLiveHeap();
  try {
    const r = mode === 'engine' ? await runEngine(lines, outDir, volume) : await runBaselineMode(lines, outDir);
    process.stdout.write(`BENCH_RESULT ${JSON.stringify(r)}\n`);
  } finally {
    obs.disconnect();
    if (ownDir) {
      await fs.rm(outDir, { recursive: true, force: true });
      ownTempDir = null;
    }
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  let settled = false;
  // An engine whose promise never settles lets the event loop drain and Node exit 0 silently.
  process.on('exit', (code) => {
    if (ownTempDir) rmSync(ownTempDir, { recursive: true, force: true });
    if (settled || code !== 0) return;
    process.stderr.write('worker: the run never settled (the event loop drained while the pipeline was still pending)\n');
    process.exitCode = 1;
  });
  main(process.argv.slice(2)).then(() => { settled = true; }, (err: unknown) => {
    settled = true;
    process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = 1;
  });
}
