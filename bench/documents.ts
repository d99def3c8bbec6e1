/**
 * Issue 3: a P2P + O2C pipeline writing all its tables to CSV, against the naive baseline
 * (bench/baseline-documents.ts), in one run. Targets: ≥ 5× the baseline's rows/s (rows of all
 * tables), peak RSS ≤ 250 MB independent of the number of chains.
 *
 *   node dist/bench/documents.js [--chains 10000,40000] [--baseline-chains 5000] [--repeats 1]
 *                                [--gates-runs warn|none] [--results bench/results] [--timeout-s 900] [--cores 0]
 *
 * Engine: master data sources (employees, vendors, customers, materials) + `p2p` + `o2c` (chain_count
 * per flow) → one file sink, CSV, every table; gates off so the figure is generation + CSV + checksums
 * (gates are issue 6, bench/controls.ts). `--gates-runs warn` (default) adds the same runs with gates
 * evaluated (warn: a failed gate does not fail the run) as diagnostic rows. Vendor and customer counts
 * are the same at every size (enough for the largest), so only the chains grow. Each run is its own
 * child pinned to core 0 (bench/harness.ts). Writes bench/results/documents.{json,md}; targets are
 * recorded, not enforced.
 */
import { join, resolve } from 'node:path';
import type { PipelineConfig } from '../src/index.js';
import { checkDocumentBaselineColumns, CREDIT_BLOCK_RATE, MATERIAL_COUNT, partnerCountFor } from './baseline-documents.js';
import { fmt, fmtInt, machine, measure, pinning, RESULTS_DIR, writeResults, type Summary, type Target } from './harness.js';

const THROUGHPUT_TARGET = 5;
const RSS_TARGET_MB = 250;
/** RSS "independent of the number of chains": the largest size within this of the smallest (as journal-csv). */
const RSS_FLAT_TOLERANCE = 0.15;
const SOURCES = ['employees', 'vendors', 'customers', 'materials', 'p2p', 'o2c'] as const;

interface Options { chains: number[]; baselineChains: number; repeats: number; gatesRuns: 'warn' | 'none'; resultsDir: string; timeoutS: number; cores: string | null }

/** Parses the command line; unknown flags are an error. */
export function parseArgs(argv: readonly string[]): Options {
  const o: Options = { chains: [10_000, 40_000], baselineChains: 5_000, repeats: 1, gatesRuns: 'warn', resultsDir: RESULTS_DIR, timeoutS: 900, cores: '0' };
  const ints = (v: string | undefined, flag: string): number[] => {
    const xs = (v ?? '').split(',').map(Number);
    if (xs.some((x) => !Number.isInteger(x) || x <= 0)) throw new Error(`${flag} takes positive integers separated by commas`);
    return xs;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    switch (a) {
      case '--chains': o.chains = ints(v, a).sort((x, y) => x - y); i++; break;
      case '--baseline-chains': o.baselineChains = ints(v, a)[0]; i++; break;
      case '--repeats': o.repeats = ints(v, a)[0]; i++; break;
      case '--gates-runs':
        if (v !== 'warn' && v !== 'none') throw new Error('--gates-runs takes warn or none');
        o.gatesRuns = v; i++; break;
      case '--results': o.resultsDir = resolve(v ?? ''); i++; break;
      case '--timeout-s': o.timeoutS = ints(v, a)[0]; i++; break;
      case '--cores': o.cores = v === 'none' ? null : (v ?? '0'); i++; break;
      default: throw new Error(`unknown argument ${a}`);
    }
  }
  return o;
}

/**
 * The engine pipeline: one company, 12 months, master data + P2P + O2C chains → CSV of every table.
 *
 * @example
 * documentsConfig(20_000, 2_000).sources.p2p; // { type: 'p2p', chain_count: 20000 }
 */
export function documentsConfig(chains: number, partners: number): PipelineConfig {
  return {
    version: 1,
    seed: 42,
    period: { start: '2025-01-01', months: 12 },
    companies: [{ code: '1000', name: 'Bench Co', currency: 'USD', country: 'US', volume: 1000 }],
    sources: {
      employees: { type: 'employees' },
      vendors: { type: 'vendors', count: partners },
      customers: { type: 'customers', count: partners },
      materials: { type: 'materials', count: MATERIAL_COUNT },
      p2p: { type: 'p2p', chain_count: chains },
      o2c: { type: 'o2c', chain_count: chains },
    },
    sinks: { out: { type: 'file', inputs: [...SOURCES], path: '{out}', format: 'csv' } },
  } as PipelineConfig;
}

/** Table names the engine pipeline writes, from the source plugins (what the baseline must match). */
async function engineTables(config: PipelineConfig): Promise<string[]> {
  const { loadConfigObject, registry } = await import('../src/index.js');
  const loaded = loadConfigObject(config as unknown as Record<string, unknown>, {});
  const names = new Set<string>();
  for (const c of Object.values(loaded.config.sources)) {
    const { type, ...options } = c;
    for (const t of registry.sources.require(type).tables(options as never, loaded.config)) names.add(t.name);
  }
  return [...names];
}

const k = (n: number): string => (n % 1000 === 0 ? `${n / 1000}k` : String(n));

async function main(argv: readonly string[]): Promise<void> {
  const opts = parseArgs(argv);
  const partners = partnerCountFor(Math.max(...opts.chains));
  const tables = await engineTables(documentsConfig(opts.chains[0], partners));
  await checkDocumentBaselineColumns(tables);
  const run = { cores: opts.cores, timeoutMs: opts.timeoutS * 1000 };

  const engine: Summary[] = [];
  for (const n of opts.chains) {
    engine.push(await measure({ label: `engine ${k(n)} chains/flow, gates off`, kind: 'engine', config: documentsConfig(n, partners), gates: 'off' }, opts.repeats, run));
  }
  const gated: Summary[] = [];
  if (opts.gatesRuns === 'warn') {
    for (const n of opts.chains) {
      gated.push(await measure({ label: `engine ${k(n)} chains/flow, gates warn (diagnostic)`, kind: 'engine', config: documentsConfig(n, partners), gates: 'warn' }, opts.repeats, run));
    }
  }
  const baseline = await measure({ label: `baseline faker + csv-stringify, ${k(opts.baselineChains)} chains/flow`, kind: 'baseline', baseline: 'documents', baselineModule: './baseline-documents.js', size: opts.baselineChains }, opts.repeats, run);

  const perCpu = (s: Summary): number | null => (s.cpuSeconds ? s.rows / s.cpuSeconds : null);
  const basePerCpu = perCpu(baseline);
  const targets: Target[] = [];
  for (const [i, e] of engine.entries()) {
    const n = k(opts.chains[i]);
    const ratio = e.rowsPerSec / baseline.rowsPerSec;
    targets.push({ name: `rows/s engine ${n} ÷ baseline (wall)`, wanted: `≥ ${THROUGHPUT_TARGET}×`, value: ratio, unit: '×', met: ratio >= THROUGHPUT_TARGET });
    const a = perCpu(e);
    if (a !== null && basePerCpu !== null) targets.push({ name: `rows per CPU-second engine ${n} ÷ baseline`, wanted: `≥ ${THROUGHPUT_TARGET}×`, value: a / basePerCpu, unit: '×', met: a / basePerCpu >= THROUGHPUT_TARGET });
  }
  for (const [i, e] of engine.entries()) targets.push({ name: `peak RSS engine ${k(opts.chains[i])}`, wanted: `≤ ${RSS_TARGET_MB} MiB`, value: e.worstPeakRssMb, unit: 'MiB', met: e.worstPeakRssMb <= RSS_TARGET_MB });
  if (engine.length > 1) {
    const growth = engine[engine.length - 1].worstPeakRssMb / engine[0].worstPeakRssMb - 1;
    targets.push({ name: `peak RSS growth ${k(opts.chains[0])} → ${k(opts.chains[opts.chains.length - 1])} chains`, wanted: `≤ ${RSS_FLAT_TOLERANCE * 100} %`, value: growth, unit: '%', met: growth <= RSS_FLAT_TOLERANCE });
  }
  for (const [i, g] of gated.entries()) targets.push({ name: `peak RSS engine ${k(opts.chains[i])}, gates warn (diagnostic)`, wanted: `≤ ${RSS_TARGET_MB} MiB`, value: g.worstPeakRssMb, unit: 'MiB', met: g.worstPeakRssMb <= RSS_TARGET_MB });

  const pin = opts.cores ? pinning(opts.cores) : [];
  const meta = {
    ...machine(),
    benchmark: 'documents',
    chains: opts.chains,
    baselineChains: opts.baselineChains,
    partnersPerKind: partners,
    materials: MATERIAL_COUNT,
    pinning: pin.length ? pin.join(' ') : 'not pinned',
    method: `each run its own child (${pin.length ? pin.join(' ') : 'not pinned'}), ${opts.repeats} repeat(s): best rows/s, worst RSS`,
  };
  // Rows per table, engine (largest size, gates off) vs baseline, per chain and flow: the mix of the two sides.
  const big = engine[engine.length - 1];
  const bigN = opts.chains[opts.chains.length - 1];
  const mix = tables.map((t) => {
    const e = big.tables?.[t] ?? 0;
    const b = baseline.tables?.[t] ?? 0;
    return `| ${t} | ${fmtInt(e)} | ${fmt(e / bigN, 2)} | ${fmtInt(b)} | ${fmt(b / opts.baselineChains, 2)} |`;
  });
  const notes = [
    `Engine: one company (1000, USD, US), 12 months of 2025, seed 42; sources employees (68), vendors and customers (${fmtInt(partners)} each at every size, enough for the largest chain count: the plan caps chains at partners × 2 × months), materials (${MATERIAL_COUNT}), \`p2p\` and \`o2c\` with \`chain_count\` = chains per flow and their defaults; one file sink, CSV, all ${tables.length} tables (document_references and the documents' journal_entry_lines included). Gates \`off\` in the measured rows (run with \`--gates off\`: generation, CSV encoding, SHA-256, atomic commit, manifest); marking on (default).`,
    `Baseline (bench/baseline-documents.ts): an object per row with @faker-js/faker (faker.seed(42)), the same ${tables.length} tables with the engine's column names (checked at start against the schemas and the plugins' table lists, values in the shape of each column type), one csv-stringify stream per table piped into a file (write() false → await 'drain'). Chain shape as the engine's defaults: PO 1–15 lines (engine: triangular(1, 3, 20), mean 8), 15 % partial goods receipts, one invoice line per receipt line, 5 % partial payments; SO 1–15 lines, ${CREDIT_BLOCK_RATE * 100} % blocked at the credit check (the share the engine shows at its defaults), 10 % partial deliveries, 8 % partial receipts, 3 % credit memos; 2–3 journal-entry lines per posting document. Vendors/customers: max(100, chains / 20) each.`,
    'rows = Σ rows of all tables (manifest `tables` for the engine, rows written for the baseline); rows/s = rows / wall seconds of the timed section. The per-CPU-second ratio uses user + system CPU seconds of each child (process.cpuUsage), which a shared machine does not inflate.',
    `Peak RSS = the child's maxRSS in MiB (2^20 bytes), Node included; the target's 250 MB is read as MiB like the other benchmarks (250 MB = 238.4 MiB). "Independent of the number of chains" is checked as growth ≤ ${RSS_FLAT_TOLERANCE * 100} % from the smallest to the largest size.`,
    'Gates-warn rows (when run) are a diagnostic, not part of issue 3: the gates keep state that grows with the rows (duplicate_rate tracks up to 1,048,576 row hashes per table, plus per-document state for the referential / chain / balance checks).',
    'The engine\'s timer includes its per-run fixed costs (reference and master data, plan, manifest, 22 commits), so its rows/s rises with the chain count; compare the largest size.',
  ];
  const sections = [
    `Rows per table (engine at ${k(bigN)} chains/flow vs baseline at ${k(opts.baselineChains)}; "per chain" = rows ÷ chains per flow):`,
    '',
    '| table | engine rows | per chain | baseline rows | per chain |',
    '|---|---:|---:|---:|---:|',
    ...mix,
  ];
  await writeResults(opts.resultsDir, 'documents', 'P2P + O2C document chains → CSV of all tables vs the naive baseline (issue 3)', meta, [...engine, ...gated, baseline], targets, notes, sections);
  process.stdout.write(`bench documents: ${targets.map((t) => `${t.name}: ${t.value === null ? 'n/a' : fmt(t.unit === '%' ? t.value * 100 : t.value, 2)}${t.unit}`).join('; ')} → ${join(opts.resultsDir, 'documents.md')}\n`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`\nbench documents failed: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exitCode = 1;
});
