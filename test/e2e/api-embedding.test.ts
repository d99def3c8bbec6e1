/**
 * The embedding API as an ETL developer uses it (issue 8 parts 5 and 6): `source()` streams with
 * real backpressure (a slow consumer keeps the buffer at its high-water mark and memory flat),
 * its rows — of any table, through transforms, from a pipeline file — equal the CLI's output
 * value by value, `openPipeline()` emits its events in the documented order and `done` follows
 * the documented contract, and the TypeScript ETL example loads PostgreSQL through COPY.
 * Complements test/e2e/api.test.ts (journal_entry_lines vs the CLI, a first backpressure check).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ConfigError, DspError, loadConfigText, openPipeline, source, type Batch, type Row, type RunEvent, type SourceStream } from '../../src/index.js';
import { REPO, runCli, tempDirs } from '../support/cli.js';
import { describePg, parseCsvRows, startPostgres, withClient, type PgServer } from '../support/postgres.js';

const { tmp, cleanup } = tempDirs('dsp-api-emb-');
afterAll(cleanup);

// A real gc() makes the heap samples mean live memory, not garbage awaiting collection.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (() => void) | undefined;
const live = (): number => {
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
const MB = 1024 * 1024;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** ≈ 200 k journal_entry_lines (one month of a 240 k entries/year company). */
const BIG = {
  id: 'gl', seed: 3,
  period: { start: '2025-01-01', months: 1 },
  companies: [{ code: '1000', name: 'Acme US', currency: 'USD', country: 'US', volume: 240_000 }],
};

describe('source(): backpressure', () => {
  let totalRows = 0;
  let bytesPerRow = 0;
  beforeAll(async () => {
    // Reference: what holding every row would cost, measured on the first 20 000 row objects.
    const before = live();
    const kept: Row[] = [];
    for await (const row of source('journal_entries', BIG)) {
      kept.push(row);
      if (kept.length === 20_000) break;
    }
    bytesPerRow = (live() - before) / kept.length;
    expect(kept.length).toBe(20_000);
    kept.length = 0;
    for await (const b of source('journal_entries', BIG).batches()) totalRows += b.length;
  });

  it('stops generating at the high-water mark and resumes when the consumer reads', async () => {
    const s = source('journal_entries', { ...BIG, highWaterMark: 100 });
    s.resume();
    s.pause();
    await once(s, 'readable');
    await sleep(20);
    expect(s.readableLength).toBe(100); // filled, then _read stopped (push returned false)
    for (let i = 0; i < 60; i++) expect(s.read()).not.toBeNull();
    await sleep(20);
    expect(s.readableLength).toBe(100); // _read resumed and stopped again at the mark
    s.destroy();
  });

  it('a slow Writable keeps the buffer at ≤ highWaterMark and memory flat over ~200 k rows', async () => {
    expect(totalRows).toBeGreaterThan(180_000);
    const s: SourceStream = source('journal_entries', BIG);
    const base = live();
    let maxBuffered = 0;
    let maxGrowth = 0;
    let seen = 0;
    const slow = new Writable({
      objectMode: true,
      highWaterMark: 16,
      write(_row: Row, _enc, cb) {
        maxBuffered = Math.max(maxBuffered, s.readableLength);
        if (++seen % 20_000 === 0) maxGrowth = Math.max(maxGrowth, live() - base);
        // Every 500th row the "database" is slow: the generator must wait, not run ahead.
        if (seen % 500 === 0) setTimeout(cb, 1);
        else cb();
      },
    });
    await pipeline(s, slow);
    expect(seen).toBe(totalRows);
    expect(maxBuffered).toBeLessThanOrEqual(s.readableHighWaterMark);
    const fullyBuffered = bytesPerRow * totalRows;
    // The bound is real: holding the rows would take several times more.
    expect(fullyBuffered).toBeGreaterThan(4 * 40 * MB);
    expect(maxGrowth).toBeLessThan(40 * MB);
  });

  it('.batches() is lazy too: a slow consumer keeps memory flat', async () => {
    const columnarBytes = (b: Batch): number => b.values.reduce((a, v) => a + (Array.isArray(v) ? v.length * 40 : v.byteLength), 0);
    const base = live();
    let maxGrowth = 0;
    let rows = 0;
    let bytes = 0;
    let n = 0;
    for await (const b of source('journal_entries', BIG).batches()) {
      rows += b.length;
      bytes += columnarBytes(b);
      if (++n % 20 === 0) await sleep(1);
      if (n % 100 === 0) maxGrowth = Math.max(maxGrowth, live() - base);
    }
    expect(rows).toBe(totalRows);
    // All batches at once would hold `bytes` (a lower bound: strings counted at 40 B).
    expect(bytes).toBeGreaterThan(3 * 30 * MB);
    expect(maxGrowth).toBeLessThan(30 * MB);
  });

  it('ending the loop early stops generation and releases the stream', async () => {
    const s = source('journal_entries', BIG);
    let n = 0;
    for await (const _row of s) if (++n === 5) break;
    expect(s.destroyed).toBe(true);
    expect(s.readableLength).toBeLessThanOrEqual(s.readableHighWaterMark);
  });
});

// ---- Rows equal the CLI's output, for several tables, a transform and a pipeline file ----

const PIPELINE = `version: 1
seed: 9
period: { start: 2025-01-01, months: 2 }
companies:
  - { code: "1000", name: "Acme US, Inc.", currency: USD, country: US, volume: 3000 }
  - { code: "2000", name: Acme DE, currency: EUR, country: DE, volume: 1500, tax_rate: 0.19 }
sources:
  vendors: { type: vendors, count: 30 }
  materials: { type: materials, count: 40 }
  gl: { type: journal_entries }
  p2p: { type: p2p, chain_count: 60 }
transforms:
  anom: { type: anomalies, inputs: [gl], rate: 0.05 }
sinks:
  docs: { type: file, inputs: [vendors, materials, p2p], path: ./docs, format: csv }
  ledger: { type: file, inputs: [anom], path: ./ledger, format: csv }
`;

/** A row value as the CSV encoder writes it (null stays null: unquoted empty). */
function csvText(v: Row[string], type: string): string | null {
  if (v === null) return null;
  if (type === 'money') return (v as number).toFixed(2);
  if (type === 'decimal6') return (v as number).toFixed(6);
  return String(v);
}

async function expectSameAsCsv(s: SourceStream, csvPath: string): Promise<number> {
  const records = parseCsvRows(readFileSync(csvPath));
  const header = readFileSync(csvPath, 'utf8').split('\n', 1)[0];
  expect(header).toBe(s.schema.columns.map((c) => c.name).join(','));
  let i = 0;
  for await (const row of s) {
    const ours = s.schema.columns.map((c) => csvText(row[c.name], c.type));
    if (JSON.stringify(ours) !== JSON.stringify(records[i])) expect(ours, `${s.table} row ${i}`).toEqual(records[i]);
    i++;
  }
  expect(i).toBe(records.length);
  return i;
}

describe('source(): rows equal the CLI output', () => {
  let dir: string;
  let file: string;
  beforeAll(async () => {
    dir = tmp();
    file = join(dir, 'pipeline.yaml');
    writeFileSync(file, PIPELINE);
    const r = await runCli(['run', file, '--out', join(dir, 'out'), '-q']);
    expect(r.code, r.stderr).toBe(0);
  });

  it('every table of a multi-table source (p2p), with the pipeline file as context', async () => {
    const tables = source('p2p', { pipeline: file }).tables;
    expect(tables).toContain('purchase_orders');
    expect(tables).toContain('journal_entry_lines');
    for (const table of tables) {
      const n = await expectSameAsCsv(source('p2p', { pipeline: file, table }), join(dir, 'out/docs', `${table}.csv`));
      expect(n, table).toBeGreaterThan(0);
    }
  });

  it('master data given by options plus `sources` equals the pipeline file rows', async () => {
    const s = source('materials', {
      seed: 9, period: { start: '2025-01-01', months: 2 },
      companies: [
        { code: '1000', name: 'Acme US, Inc.', currency: 'USD', country: 'US', volume: 3000 },
        { code: '2000', name: 'Acme DE', currency: 'EUR', country: 'DE', volume: 1500, tax_rate: 0.19 },
      ],
      options: { count: 40 },
      sources: { vendors: { type: 'vendors', count: 30 } },
    });
    expect(await expectSameAsCsv(s, join(dir, 'out/docs/materials.csv'))).toBeGreaterThan(40);
  });

  it('a transform chain (anomalies, with the pipeline\'s transform id) reproduces the CLI lines and labels', async () => {
    const noAnom = PIPELINE.replace('transforms:\n  anom: { type: anomalies, inputs: [gl], rate: 0.05 }\n', '').replace('inputs: [anom]', 'inputs: [gl]');
    const plain = join(dir, 'plain.yaml');
    writeFileSync(plain, noAnom);
    const t = [{ type: 'anomalies', id: 'anom', options: { rate: 0.05 } }];
    expect(source('journal_entries', { pipeline: plain, transforms: t }).tables).toEqual(['journal_entry_lines', 'je_approvals', 'anomaly_labels']);
    const labels = await expectSameAsCsv(source('journal_entries', { pipeline: plain, transforms: t, table: 'anomaly_labels' }), join(dir, 'out/ledger/anomaly_labels.csv'));
    expect(labels).toBeGreaterThan(10);
    await expectSameAsCsv(source('journal_entries', { pipeline: plain, transforms: t }), join(dir, 'out/ledger/journal_entry_lines.csv'));
  });

  it('a pipeline file whose sinks need unset variables still streams its sources', async () => {
    const withPg = PIPELINE.replace('sinks:\n', 'sinks:\n  pg: { type: postgres, inputs: [gl], url: "${DSP_TEST_UNSET_DATABASE_URL}" }\n');
    const f = join(dir, 'with-pg.yaml');
    writeFileSync(f, withPg);
    expect(() => loadConfigText(withPg, { file: f, env: {} })).toThrow(/DSP_TEST_UNSET_DATABASE_URL/); // the file alone does not load
    const first = async (p: string): Promise<Row | null> => {
      for await (const r of source('journal_entries', { pipeline: p })) return r;
      return null;
    };
    const row = await first(f);
    expect(row).not.toBeNull();
    expect(row).toEqual(await first(file));
  });

  it('an unknown table is a ConfigError that lists the emitted tables', () => {
    let err: unknown;
    try { source('journal_entries', { pipeline: file, table: 'purchase_orders' }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues[0].path).toBe('table');
    expect((err as ConfigError).message).toMatch(/emits journal_entry_lines, je_approvals, anomaly_labels; not "purchase_orders"/);
    expect(() => source('journal_entries', { id: 'p2p', pipeline: file })).toThrow(/source p2p is of type p2p, not journal_entries/);
    expect(() => source('journal_entries', { pipeline: join(dir, 'missing.yaml') })).toThrow(ConfigError);
  });
});

// ---- openPipeline(): events, done, manifest ----

const smallConfig = (out: string): Record<string, unknown> => ({
  version: 1,
  period: { start: '2025-01-01', months: 2 },
  companies: [{ code: '1000', name: 'Acme US', currency: 'USD', country: 'US', volume: 6000 }],
  sources: { coa: { type: 'chart_of_accounts' }, gl: { type: 'journal_entries' } },
  sinks: { out: { type: 'file', inputs: ['coa', 'gl'], path: out, format: 'csv' } },
});

function record(run: ReturnType<typeof openPipeline>): RunEvent[] {
  const events: RunEvent[] = [];
  for (const t of ['start', 'ready', 'progress', 'output', 'warning', 'guard', 'pause', 'resume', 'end'] as const) {
    run.on(t, (e: RunEvent) => events.push(e));
  }
  return events;
}

describe('openPipeline()', () => {
  it('emits start → ready → progress/output → warning → end, then resolves done with the manifest', async () => {
    const out = tmp();
    // Gates warn only: a small run may miss the Benford gate; its warning must come as an event.
    const run = openPipeline(smallConfig(out), { progressIntervalMs: 0, gates: { mode: 'warn' } });
    const events = record(run);
    expect(run.manifest).toBeNull();
    const result = await run.done;
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('start');
    expect(types[1]).toBe('ready');
    expect(types.at(-1)).toBe('end');
    expect(types.filter((t) => t === 'start' || t === 'ready' || t === 'end')).toEqual(['start', 'ready', 'end']);
    expect(types).toContain('progress');
    // No seed: the manifest warns DSP_WARN_SEED_DEFAULT, and the warning event precedes `end`.
    const warnAt = events.findIndex((e) => e.type === 'warning' && e.code === 'DSP_WARN_SEED_DEFAULT');
    expect(warnAt).toBeGreaterThan(types.lastIndexOf('output'));
    expect(warnAt).toBeLessThan(types.length - 1);
    expect(result.exitCode).toBe(0);
    expect(result.status).toBe('complete');
    expect(run.manifest).toBe(result.manifest);
    const outputs = events.filter((e): e is Extract<RunEvent, { type: 'output' }> => e.type === 'output');
    expect(outputs.map((o) => o.sha256).sort()).toEqual(result.manifest.outputs.map((o) => o.sha256).sort());
    const warnings = events.filter((e) => e.type === 'warning').map((e) => (e as { code: string }).code);
    expect(warnings).toEqual(result.manifest.warnings.map((w) => w.code));
    const end = events.at(-1) as Extract<RunEvent, { type: 'end' }>;
    expect(end.status).toBe('complete');
    expect(end.rows).toBe(result.manifest.outputs.reduce((a, o) => a + o.rows, 0));
    const start = events[0] as Extract<RunEvent, { type: 'start' }>;
    expect(start.seed).toBe('0');
    expect(start.plannedRowsByTable.journal_entry_lines).toBeGreaterThan(0);
    expect(existsSync(join(out, '_SUCCESS'))).toBe(true);
  });

  it('a run failure (an enforced quality gate) resolves done with exit code 2 and status failed', async () => {
    const out = tmp();
    const run = openPipeline(smallConfig(out), { gates: { mode: 'enforce' } });
    const events = record(run);
    const result = await run.done;
    // 1 000 entries of seed 0 miss the default Benford bound (benford_mad ≈ 0.019 > 0.015).
    expect(result.exitCode).toBe(2);
    expect(result.status).toBe('failed');
    expect(result.error?.exitCode).toBe(2);
    expect(events[0].type).toBe('start');
    expect(events.at(-1)).toMatchObject({ type: 'end', status: 'failed', exitCode: 2 });
    expect(existsSync(join(out, '_SUCCESS'))).toBe(false);
  });

  it('stop() ends the run gracefully: done resolves (status aborted, exit 75), end is last, no _SUCCESS', async () => {
    const out = tmp();
    const cfg = smallConfig(out);
    (cfg.companies as Array<{ volume: number }>)[0].volume = 200_000;
    (cfg.period as { months: number }).months = 12;
    (cfg.sinks as { out: Record<string, unknown> }).out.layout = 'partitioned';
    const run = openPipeline(cfg, { seed: 4, progressIntervalMs: 0 });
    const events = record(run);
    run.once('output', () => run.stop());
    const result = await run.done;
    expect(result.status).toBe('aborted');
    expect(result.exitCode).toBe(75);
    expect(result.error).toBeInstanceOf(DspError);
    expect(result.error?.code).toBe('DSP_API_STOP');
    expect(events.at(-1)).toMatchObject({ type: 'end', status: 'aborted', exitCode: 75 });
    expect(run.manifest?.status).toBe('aborted');
    expect(existsSync(join(out, '_SUCCESS'))).toBe(false);
  });

  it('an invalid config rejects done with a ConfigError (exit code 1, key paths) and emits nothing', async () => {
    const cfg = smallConfig(tmp());
    (cfg.period as { start: string }).start = '2025-02-30';
    const run = openPipeline(cfg);
    const events = record(run);
    const err = await run.done.then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).exitCode).toBe(1);
    expect((err as ConfigError).issues.map((i) => i.path)).toContain('period.start');
    expect(events).toEqual([]);
    expect(run.manifest).toBeNull();
  });

  it('an output root holding a finished run rejects done with exit code 3 unless ifExists overwrite', async () => {
    const out = tmp();
    expect((await openPipeline(smallConfig(out), { seed: 1 }).done).exitCode).toBe(0);
    const err = await openPipeline(smallConfig(out), { seed: 1 }).done.then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(DspError);
    expect((err as DspError).exitCode).toBe(3);
    expect((await openPipeline(smallConfig(out), { seed: 1, ifExists: 'overwrite' }).done).exitCode).toBe(0);
  });
});

// ---- The TypeScript ETL example against a real PostgreSQL ----

let server: PgServer | null = null;
afterAll(async () => { await server?.stop(); });

describePg('examples/etl-postgres-copy.ts', () => {
  beforeAll(async () => { server = await startPostgres('etl'); });

  it('runs fully: its printed counts match the table and the rows source() gives', async () => {
    const bin = join(REPO, 'dist/examples/etl-postgres-copy.js');
    expect(existsSync(bin), 'build first: npx tsc -p tsconfig.json').toBe(true);
    const r = await runCli([], { command: [process.execPath, bin], env: { DATABASE_URL: server!.url() } });
    expect(r.code, r.stderr).toBe(0);
    const m = /^(\d+) expense lines copied; table holds (\d+) rows, debit (-?[\d.]+), credit (-?[\d.]+)$/m.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    const [, kept, held, debit, credit] = m!;
    const db = await withClient(server!.url(), async (c) => (await c.query<{ n: string; d: string; cr: string; nulls: string; bogus: string }>(
      `SELECT count(*)::text AS n, sum(debit)::text AS d, sum(credit)::text AS cr,
              count(*) FILTER (WHERE cost_center IS NULL)::text AS nulls,
              count(*) FILTER (WHERE cost_center = '\\N')::text AS bogus FROM expense_lines`)).rows[0]);
    expect(db.n).toBe(held);
    expect(kept).toBe(held);
    expect(db.d).toBe(debit);
    expect(db.cr).toBe(credit);
    expect(db.bogus).toBe('0'); // a null cost center is NULL, not the text "\N"
    // The same lines straight from source(): count, null cost centers and debit cents agree.
    let n = 0;
    let nulls = 0;
    let cents = 0;
    for await (const line of source('journal_entries', {
      id: 'gl', seed: 42, period: { start: '2025-01-01', months: 2 },
      companies: [{ code: '1000', name: 'Acme US', currency: 'USD', country: 'US', volume: 24000 }],
    })) {
      const account = String(line.gl_account);
      if (account < '5' || account >= '8') continue;
      n++;
      if (line.cost_center === null) nulls++;
      cents += Math.round(Number(line.debit_amount) * 100);
    }
    expect(n).toBeGreaterThan(1000);
    expect(String(n)).toBe(db.n);
    expect(String(nulls)).toBe(db.nulls);
    expect((cents / 100).toFixed(2)).toBe(db.d);
  });
});
