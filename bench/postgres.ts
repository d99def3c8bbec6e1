/**
 * PostgreSQL sink throughput (issue 5 target: ≥ 80 % of the rows/s of a bare
 * pg-copy-streams COPY of the same rows preformatted in memory).
 *
 *   node dist/bench/postgres.js [--lines 1000000] [--repeats 3] [--results bench/results]
 *
 * One throwaway server (test/support/postgres.ts: initdb in /tmp, fsync off) serves every
 * run. Per repeat, each side loads into a freshly created table with the same DDL
 * (createTableSql: the sink's own, run columns and their index included):
 * - engine: runPipeline of one company's journal_entries into a `postgres` sink (append,
 *   one output), timed around runPipeline, once with `staging: auto` (COPY straight into the
 *   target) and once with `staging: always` (temp table, INSERT … SELECT at commit).
 * - bare COPY: the same rows as the engine's CSV bytes (read from a file-sink run of the same
 *   config, held in memory), `COPY … FROM STDIN (FORMAT csv, HEADER true, NULL '')` straight
 *   into the table in 64 KiB chunks with `await once(copy, 'drain')`; timed around the COPY.
 * - file (context only): the same engine run into a CSV file, the generation-bound ceiling.
 * The sides alternate within each repeat; the target is judged on the median of the per-repeat
 * ratios (paired runs, so drift on this shared 2-core machine hits both sides alike), the best
 * rows/s of each side are listed too. Not pinned: the server needs the other core.
 */
import { once } from 'node:events';
import { mkdtempSync, promises as fs, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import '../src/plugins.js';
import { loadConfigObject } from '../src/config/load.js';
import { runPipeline } from '../src/engine/runner.js';
import type { PipelineConfig } from '../src/config/types.js';
import { journalEntryLines } from '../src/tables/journal.js';
import { createTableSql, quoteIdent } from '../sinks/postgres/index.js';
import { startPostgres, withClient, type PgServer } from '../test/support/postgres.js';

interface Options { lines: number; repeats: number; resultsDir: string }

function parseArgs(argv: string[]): Options {
  const o: Options = { lines: 1_000_000, repeats: 3, resultsDir: fileURLToPath(new URL('../../bench/results/', import.meta.url)) };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    if (argv[i] === '--lines') { o.lines = Number(v); i++; } else if (argv[i] === '--repeats') { o.repeats = Number(v); i++; } else if (argv[i] === '--results') { o.resultsDir = v; i++; } else throw new Error(`unknown option ${argv[i]}`);
  }
  return o;
}

/** Lines per entry of the journal source (≈ 11.5, domain.md §5.3); the measured rows are reported, not this. */
const LINES_PER_ENTRY = 11.5;
const TARGET_RATIO = 0.8;
const CHUNK = 64 * 1024;

function config(volume: number, sink: Record<string, unknown>): PipelineConfig {
  return {
    version: 1,
    seed: 42,
    period: { start: '2025-01-01', months: 12 },
    companies: [{ code: '1000', name: 'Bench Co', currency: 'USD', country: 'US', volume }],
    sources: { gl: { type: 'journal_entries' } },
    sinks: { s: { inputs: ['gl'], tables: ['journal_entry_lines'], ...sink } },
  } as unknown as PipelineConfig;
}

/**
 * The sink's own DDL for every side (its run columns default to session settings, which the
 * bare COPY sets too: same row width, same index work). Autovacuum is off on these tables so
 * it never runs into the next measurement.
 */
async function resetTable(server: PgServer, schema: string): Promise<void> {
  await withClient(server.url(), async (c) => {
    await c.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE; CREATE SCHEMA ${quoteIdent(schema)}`);
    await c.query(createTableSql(schema, journalEntryLines, true).join(';\n'));
    await c.query(`ALTER TABLE ${quoteIdent(schema)}.journal_entry_lines SET (autovacuum_enabled = false)`);
    await c.query('CHECKPOINT');
  });
}

interface Run { rows: number; seconds: number; rowsPerSec: number; bytes: number }

async function engineRun(server: PgServer, volume: number, staging: 'auto' | 'always'): Promise<Run> {
  const schema = `bench_engine_${staging}`;
  await resetTable(server, schema);
  const loaded = loadConfigObject(config(volume, { type: 'postgres', url: server.url(), schema, staging }), { env: {} });
  const dir = mkdtempSync(join(tmpdir(), 'dsp-bench-pg-'));
  try {
    const t0 = process.hrtime.bigint();
    const r = await runPipeline({ loaded, cwd: dir, outRoot: dir });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.exitCode !== 0) throw new Error(`engine run failed: ${r.error?.message}`);
    const out = r.manifest.outputs.find((o) => o.table === 'journal_entry_lines')!;
    const n = await withClient(server.url(), async (c) => Number((await c.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${schema}.journal_entry_lines`)).rows[0].n));
    if (n !== out.rows) throw new Error(`engine loaded ${n} rows, manifest says ${out.rows}`);
    return { rows: out.rows, seconds, rowsPerSec: out.rows / seconds, bytes: out.bytes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function fileRun(volume: number): Promise<Run & { csv: Buffer }> {
  const dir = mkdtempSync(join(tmpdir(), 'dsp-bench-pgfile-'));
  try {
    const loaded = loadConfigObject(config(volume, { type: 'file', path: dir, format: 'csv' }), { env: {} });
    const t0 = process.hrtime.bigint();
    const r = await runPipeline({ loaded, cwd: dir, outRoot: dir });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.exitCode !== 0) throw new Error(`file run failed: ${r.error?.message}`);
    const csv = await fs.readFile(join(dir, 'journal_entry_lines.csv'));
    const rows = r.manifest.tables.journal_entry_lines.rows;
    return { rows, seconds, rowsPerSec: rows / seconds, bytes: csv.length, csv };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function bareCopy(server: PgServer, csv: Buffer, rows: number): Promise<Run> {
  await resetTable(server, 'bench_bare');
  const cols = journalEntryLines.columns.map((c) => quoteIdent(c.name)).join(', ');
  const client = new pg.Client({ connectionString: server.url() });
  await client.connect();
  try {
    await client.query("SELECT set_config('datasynth.run_id', '00000000-0000-4000-8000-000000000000', false), set_config('datasynth.partition', '', false)");
    const t0 = process.hrtime.bigint();
    const copy = client.query(copyStreams.from(`COPY bench_bare.journal_entry_lines (${cols}) FROM STDIN WITH (FORMAT csv, HEADER true, NULL '')`));
    const done = once(copy, 'finish');
    for (let i = 0; i < csv.length; i += CHUNK) {
      if (!copy.write(csv.subarray(i, i + CHUNK))) await once(copy, 'drain');
    }
    copy.end();
    await done;
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (copy.rowCount !== rows) throw new Error(`bare COPY stored ${copy.rowCount} rows, expected ${rows}`);
    return { rows, seconds, rowsPerSec: rows / seconds, bytes: csv.length };
  } finally {
    await client.end();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function best(runs: Run[]): Run {
  return runs.reduce((a, b) => (b.rowsPerSec > a.rowsPerSec ? b : a));
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const volume = Math.round(opts.lines / LINES_PER_ENTRY);
  const server = await startPostgres('bench');
  const pgVersion = await withClient(server.url(), async (c) => (await c.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version);
  try {
    const file: Run[] = [];
    const engine: Run[] = [];
    const staged: Run[] = [];
    const bare: Run[] = [];
    let csv: Buffer | null = null;
    for (let r = 0; r < opts.repeats; r++) {
      const f = await fileRun(volume);
      csv ??= f.csv;
      file.push({ rows: f.rows, seconds: f.seconds, rowsPerSec: f.rowsPerSec, bytes: f.bytes });
      // Alternate the two measured sides so drift (page cache, autovacuum) hits both alike.
      bare.push(await bareCopy(server, csv, f.rows));
      engine.push(await engineRun(server, volume, 'auto'));
      staged.push(await engineRun(server, volume, 'always'));
      process.stderr.write(`repeat ${r + 1}: engine ${Math.round(engine[r].rowsPerSec)} rows/s, engine staged ${Math.round(staged[r].rowsPerSec)} rows/s, bare COPY ${Math.round(bare[r].rowsPerSec)} rows/s, file ${Math.round(file[r].rowsPerSec)} rows/s\n`);
    }
    const e = best(engine);
    const b = best(bare);
    const st = best(staged);
    const stagedRatio = median(staged.map((x, i) => x.rowsPerSec / bare[i].rowsPerSec));
    const f = best(file);
    const ratio = median(engine.map((x, i) => x.rowsPerSec / bare[i].rowsPerSec));
    const result = {
      benchmark: 'postgres',
      at: new Date().toISOString(),
      node: process.version,
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      postgres: pgVersion,
      lines_target: opts.lines,
      repeats: opts.repeats,
      engine: { ...e, runs: engine },
      engine_staged: { ...st, runs: staged },
      bare_copy: { ...b, runs: bare },
      engine_to_file: { ...f, runs: file },
      targets: [
        { name: 'rows/s engine → postgres sink (staging: auto) ÷ bare pg-copy-streams COPY', target: `≥ ${TARGET_RATIO}`, value: Number(ratio.toFixed(3)), met: ratio >= TARGET_RATIO },
        { name: 'rows/s engine → postgres sink (staging: always) ÷ bare pg-copy-streams COPY', target: `≥ ${TARGET_RATIO}`, value: Number(stagedRatio.toFixed(3)), met: stagedRatio >= TARGET_RATIO },
      ],
    };
    await fs.mkdir(opts.resultsDir, { recursive: true });
    await fs.writeFile(join(opts.resultsDir, 'postgres.json'), JSON.stringify(result, null, 2) + '\n');
    const fmt = (n: number): string => String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    const row = (name: string, x: Run, vs: string): string => `| ${name} | ${fmt(x.rows)} | ${x.seconds.toFixed(2)} | ${fmt(x.rowsPerSec)} | ${(x.bytes / x.seconds / 1048576).toFixed(1)} | ${vs} |`;
    const md = `# PostgreSQL sink vs a bare COPY

${result.at} · node ${process.version} · PostgreSQL ${pgVersion} (initdb in /tmp, fsync off) · ${result.cpu} × ${result.cores} · best of ${opts.repeats}

Best run of each side; "vs bare COPY" is the median of the per-repeat ratios (engine rows/s ÷ bare rows/s of the same repeat).

| run | rows | s | rows/s | MiB/s | vs bare COPY |
|---|---:|---:|---:|---:|---:|
${row('engine → postgres sink (append, staging: auto = default, direct COPY)', e, `${(ratio * 100).toFixed(1)} %`)}
${row('engine → postgres sink (append, staging: always = §8.5 recipe)', st, `${(stagedRatio * 100).toFixed(1)} %`)}
${row('bare pg-copy-streams COPY from memory', b, '100 %')}
${row('engine → CSV file (context)', f, `${(median(file.map((x, i) => x.rowsPerSec / bare[i].rowsPerSec)) * 100).toFixed(1)} %`)}

engine: generation, CSV encoding, SHA-256 and the load in one transaction. staging: auto (default)
COPYs straight into the target (its run columns default to the transaction's settings); staging:
always COPYs into a temporary table and INSERT … SELECTs into the target at commit (controls.md §8.5
recipe; INSERT … SELECT inserts row by row where COPY batches). bare COPY: the engine's CSV bytes held
in memory, 64 KiB writes with drain, straight into a table with the same DDL. Tables are created
fresh per run (autovacuum off on them); the sides alternate within each repeat.

| target | wanted | measured | met |
|---|---|---:|---|
| rows/s engine (staging: auto, default) ÷ bare COPY, median of repeats | ≥ ${TARGET_RATIO * 100} % | ${(ratio * 100).toFixed(1)} % | ${ratio >= TARGET_RATIO ? 'yes' : '**no**'} |
| rows/s engine (staging: always) ÷ bare COPY, median of repeats | ≥ ${TARGET_RATIO * 100} % | ${(stagedRatio * 100).toFixed(1)} % | ${stagedRatio >= TARGET_RATIO ? 'yes' : '**no**'} |
`;
    await fs.writeFile(join(opts.resultsDir, 'postgres.md'), md);
    process.stdout.write(md);
  } finally {
    await server.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench/postgres: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exitCode = 1;
});
