/**
 * The PostgreSQL sink against a real PostgreSQL server started for this file
 * (test/support/postgres.ts): round trips checked with SQL (count, sums, a row
 * hash) against the CSV the file sink wrote in the same run, the three modes,
 * schema checks, and faults (bad rows, a killed connection, aborts) — each must
 * leave the target unchanged and no session idle in a transaction.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import '../../src/plugins.js';
import { loadConfigText } from '../../src/config/load.js';
import { runPipeline, type RunResult } from '../../src/engine/runner.js';
import { defineTable } from '../../src/engine/schema.js';
import { journalEntryLines } from '../../src/tables/journal.js';
import { OutputError } from '../../src/errors.js';
import type { OutputTarget, OutputWriter, RunContext } from '../../src/engine/plugins.js';
import { PostgresSink, createTableSql, shadowTableName } from '../../sinks/postgres/index.js';
import { tempDirs } from '../support/cli.js';
import {
  csvMoneySum, csvRowHash, describePg, idleInTransaction, parseCsvRows, startPostgres, tableRowHash, withClient, type PgServer,
} from '../support/postgres.js';

const { tmp, cleanup } = tempDirs('dsp-pg-test-');
let server: PgServer;
const PASSWORD = 'Sup3r-secret-pw';

function config(pgSink: string, extraSinks = ''): string {
  return `version: 1
seed: 11
period: { start: 2025-01-01, months: 2 }
companies:
  - { code: "1000", name: "Acme US", currency: USD, country: US, volume: 2000 }
  - { code: "2000", name: Acme DE, currency: EUR, country: DE, volume: 1000 }
sources:
  gl: { type: journal_entries }
sinks:
  out: { type: file, inputs: [gl], path: ./files, format: csv, tables: [journal_entry_lines] }
  pg: { type: postgres, inputs: [gl], url: "\${DATABASE_URL}", tables: [journal_entry_lines], ${pgSink} }
${extraSinks}`;
}

async function run(pgSink: string, runId?: string): Promise<{ result: RunResult; dir: string; csv: Buffer }> {
  const dir = tmp();
  const loaded = loadConfigText(config(pgSink), { file: 'pg.yaml', env: { DATABASE_URL: server.url({ password: PASSWORD }) } });
  const result = await runPipeline({ loaded, cwd: dir, outRoot: dir, ...(runId ? { runId } : {}), progressIntervalMs: 0 });
  let csv = Buffer.alloc(0);
  try { csv = readFileSync(join(dir, 'files', 'journal_entry_lines.csv')); } catch { /* failed run */ }
  return { result, dir, csv };
}

const q = <T = Record<string, unknown>>(sql: string, values?: unknown[]): Promise<T[]> =>
  withClient(server.url(), async (c) => (await c.query(sql, values)).rows as T[]);
const count = async (table: string, where = 'true'): Promise<number> => Number((await q<{ n: string }>(`SELECT count(*)::text AS n FROM ${table} WHERE ${where}`))[0].n);
const MONEY = ['debit_amount', 'credit_amount', 'local_amount', 'group_amount'];

function ctxFor(runId = randomUUID()): RunContext {
  return { runId, attemptId: randomUUID(), controlRoot: '/nonexistent', signal: new AbortController().signal, ifExists: 'fail' };
}

function targetFor(schema = journalEntryLines, partitions: number[] = [0], layout: 'single' | 'partitioned' = 'single'): OutputTarget {
  return { table: schema.name, partitions, partitionCount: partitions.length, layout, format: 'csv', compression: 'none', schema };
}

/** Writes like the engine does (await 'drain'; a destroyed writable rejects with its error). */
async function writeChunk(w: OutputWriter, chunk: Buffer): Promise<void> {
  const s = w.writable;
  if (s.destroyed) throw s.errored ?? new Error('destroyed');
  if (s.write(chunk)) return;
  await new Promise<void>((res, rej) => {
    const done = (err?: Error | null): void => { s.off('drain', onDrain); s.off('close', onClose); if (err) rej(err); else res(); };
    const onDrain = (): void => done();
    const onClose = (): void => done(s.errored ?? new Error('closed'));
    s.on('drain', onDrain);
    s.on('close', onClose);
  });
}

async function writeAll(w: OutputWriter, bytes: Buffer, chunk = 64 * 1024): Promise<void> {
  for (let i = 0; i < bytes.length; i += chunk) await writeChunk(w, bytes.subarray(i, i + chunk));
  if (w.writable.destroyed) throw w.writable.errored ?? new Error('destroyed');
  w.writable.end();
}

beforeAll(async () => { server = await startPostgres(); });
afterAll(async () => { await server?.stop(); cleanup(); });

describePg('postgres sink: round trip through the engine', () => {
  let first: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => { first = await run('schema: rt'); });

  it('loads exactly the rows the file sink wrote: count, money sums, row hash, same payload sha256', async () => {
    const { result, csv } = first;
    expect(result.error?.message ?? null).toBeNull();
    expect(result.exitCode).toBe(0);
    const rows = parseCsvRows(csv);
    expect(rows.length).toBeGreaterThan(1000);
    expect(await count('rt.journal_entry_lines')).toBe(rows.length);
    for (const m of MONEY) {
      const idx = journalEntryLines.index.get(m)!;
      const [{ s }] = await q<{ s: string }>(`SELECT sum(${m})::text AS s FROM rt.journal_entry_lines`);
      expect(s, m).toBe(csvMoneySum(rows, idx));
    }
    const h = await withClient(server.url(), (c) => tableRowHash(c, 'rt', 'journal_entry_lines', journalEntryLines));
    expect(h).toBe(csvRowHash(rows));
    const pgOut = result.manifest.outputs.filter((o) => o.sink === 'pg');
    const fileOut = result.manifest.outputs.filter((o) => o.sink === 'out');
    expect(pgOut).toHaveLength(1);
    expect(pgOut[0].uri).toBe(`postgresql://127.0.0.1:${server.port}/dsp#rt.journal_entry_lines`);
    expect(pgOut[0].rel).toBeNull();
    expect(pgOut[0].rows).toBe(rows.length);
    // The COPY payload is the CSV encoder's output: the same bytes as the file.
    expect(pgOut[0].sha256).toBe(fileOut[0].sha256);
    const extra = (pgOut[0] as unknown as { extra: { mode: string; txid: number } }).extra;
    expect(extra.mode).toBe('append');
    expect(Number.isInteger(extra.txid) && extra.txid > 0).toBe(true);
  });

  it('marks the table with COMMENT ON TABLE holding the run credential (controls.md §5.2)', async () => {
    const m = first.result.manifest;
    const pgOut = m.outputs.find((o) => o.sink === 'pg')!;
    expect(pgOut.marking).toEqual({ placement: ['table_comment'] });
    const [{ d }] = await q<{ d: string }>("SELECT obj_description('rt.journal_entry_lines'::regclass, 'pg_class') AS d");
    expect(JSON.parse(d)).toEqual(m.marking!.credential);
    expect(d).toBe(JSON.stringify(m.marking!.credential));
  });

  it('derives the DDL from the table schema (NUMERIC(18,2), DATE, TIMESTAMP, BOOLEAN, TEXT, NOT NULL) and tags rows with the run', async () => {
    const cols = await q<{ column_name: string; t: string; is_nullable: string }>(
      `SELECT a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS t, CASE WHEN a.attnotnull THEN 'NO' ELSE 'YES' END AS is_nullable
         FROM pg_attribute a WHERE a.attrelid = 'rt.journal_entry_lines'::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`);
    const by = new Map(cols.map((c) => [c.column_name, c]));
    expect(cols.map((c) => c.column_name)).toEqual([...journalEntryLines.columns.map((c) => c.name), '_dsp_run_id', '_dsp_partition']);
    expect(by.get('debit_amount')!.t).toBe('numeric(18,2)');
    expect(by.get('exchange_rate')!.t).toBe('numeric(18,6)');
    expect(by.get('posting_date')!.t).toBe('date');
    expect(by.get('created_at')!.t).toBe('timestamp without time zone');
    expect(by.get('is_manual')!.t).toBe('boolean');
    expect(by.get('line_number')!.t).toBe('integer');
    expect(by.get('document_id')!.t).toBe('text');
    expect(by.get('_dsp_run_id')!.t).toBe('uuid');
    expect(by.get('document_id')!.is_nullable).toBe('NO');
    expect(by.get('vendor_id')!.is_nullable).toBe('YES');
    const [{ n }] = await q<{ n: string }>('SELECT count(DISTINCT _dsp_run_id)::text AS n FROM rt.journal_entry_lines WHERE _dsp_run_id = $1', [first.result.manifest.run_id]);
    expect(n).toBe('1');
    expect(await idleInTransaction(server.url())).toBe(0);
  });

  it('staging: always (COPY into a temp table, INSERT … SELECT at commit) loads the same rows', async () => {
    const r = await run('schema: stg, staging: always');
    expect(r.result.exitCode).toBe(0);
    const rows = parseCsvRows(r.csv);
    expect(await count('stg.journal_entry_lines')).toBe(rows.length);
    expect(await withClient(server.url(), (c) => tableRowHash(c, 'stg', 'journal_entry_lines', journalEntryLines))).toBe(csvRowHash(rows));
    expect(await count('stg.journal_entry_lines', `_dsp_run_id = '${r.result.manifest.run_id}' AND _dsp_partition IS NULL`)).toBe(rows.length);
  });

  it('keeps the password out of the manifest', () => {
    const text = readFileSync(first.result.manifestPath, 'utf8');
    expect(text).not.toContain(PASSWORD);
    expect(text).toContain('rt.journal_entry_lines');
  });
});

describePg('postgres sink: append is idempotent per (run id, partition)', () => {
  it('reloading the same run id leaves the same rows; another run id adds its own', async () => {
    const runId = randomUUID();
    const a = await run('schema: idem, layout: partitioned', runId);
    expect(a.result.exitCode).toBe(0);
    const rows = parseCsvRows(a.csv);
    const pgOuts = a.result.manifest.outputs.filter((o) => o.sink === 'pg');
    expect(pgOuts.length).toBe(4);
    expect(pgOuts.reduce((s, o) => s + o.rows, 0)).toBe(rows.length);
    const hash1 = await withClient(server.url(), (c) => tableRowHash(c, 'idem', 'journal_entry_lines', journalEntryLines));
    const b = await run('schema: idem, layout: partitioned', runId);
    expect(b.result.exitCode).toBe(0);
    expect(await count('idem.journal_entry_lines')).toBe(rows.length);
    const hash2 = await withClient(server.url(), (c) => tableRowHash(c, 'idem', 'journal_entry_lines', journalEntryLines));
    expect(hash2).toBe(hash1);
    expect(hash2).toBe(csvRowHash(rows));
    const parts = await q<{ p: number; n: string }>('SELECT _dsp_partition AS p, count(*)::text AS n FROM idem.journal_entry_lines GROUP BY 1 ORDER BY 1');
    expect(parts.map((p) => p.p)).toEqual([0, 1, 2, 3]);
    expect(parts.map((p) => Number(p.n))).toEqual(pgOuts.sort((x, y) => x.partitions[0] - y.partitions[0]).map((o) => o.rows));
    const c = await run('schema: idem, layout: partitioned');
    expect(c.result.exitCode).toBe(0);
    expect(await count('idem.journal_entry_lines')).toBe(2 * rows.length);
  });
});

describePg('postgres sink: replace', () => {
  it('through the engine: the target ends with exactly the new run, no shadow left', async () => {
    const a = await run('schema: rep, mode: replace, layout: partitioned');
    expect(a.result.exitCode).toBe(0);
    const b = await run('schema: rep, mode: replace, layout: partitioned');
    expect(b.result.exitCode).toBe(0);
    const rows = parseCsvRows(b.csv);
    expect(await count('rep.journal_entry_lines')).toBe(rows.length);
    expect(await count('rep.journal_entry_lines', `_dsp_run_id = '${b.result.manifest.run_id}'`)).toBe(rows.length);
    expect(await count('pg_tables', "schemaname = 'rep' AND tablename LIKE '%\\_\\_dsp\\_%'")).toBe(0);
    // The swap transaction sets the marking comment on the target.
    const [{ d }] = await q<{ d: string }>("SELECT obj_description('rep.journal_entry_lines'::regclass, 'pg_class') AS d");
    expect(JSON.parse(d)).toEqual(b.result.manifest.marking!.credential);
  });

  it('keeps the old rows visible until finalizeRun, then swaps in one transaction; a failed swap changes nothing', async () => {
    const base = await run('schema: rep2');
    expect(base.result.exitCode).toBe(0);
    const oldRows = parseCsvRows(base.csv).length;
    const lines = base.csv.toString('utf8').split('\n');
    const small = Buffer.from(lines.slice(0, 101).join('\n') + '\n');
    const sink = new PostgresSink('pgrep', { url: server.url(), schema: 'rep2', mode: 'replace' });
    try {
      const ctx = ctxFor();
      const w = await sink.open(targetFor(), ctx);
      await writeAll(w, small);
      const committed = await w.commit();
      expect(committed.extra).toMatchObject({ mode: 'replace' });
      const shadow = shadowTableName('journal_entry_lines', ctx.runId);
      expect(await count('rep2.journal_entry_lines')).toBe(oldRows);
      expect(await count(`rep2.${shadow}`)).toBe(100);
      await sink.finalizeRun(ctx);
      expect(await count('rep2.journal_entry_lines')).toBe(100);
      expect(await count('pg_tables', `schemaname = 'rep2' AND tablename = '${shadow}'`)).toBe(0);

      // A swap that fails (a constraint the new rows break) rolls back: the 100 rows stay.
      const ctx2 = ctxFor();
      const w2 = await sink.open(targetFor(), ctx2);
      await writeAll(w2, Buffer.from(lines.slice(0, 11).join('\n') + '\n'));
      await w2.commit();
      await q('ALTER TABLE rep2.journal_entry_lines ADD CONSTRAINT no_rows CHECK (line_number < 0) NOT VALID');
      const err = await sink.finalizeRun(ctx2).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(OutputError);
      expect((err as OutputError).code).toBe('DSP_SINK_POSTGRES_FINALIZE');
      expect((err as OutputError).message).toMatch(/still hold their previous rows/);
      expect(await count('rep2.journal_entry_lines')).toBe(100);
      expect(await count(`rep2.${shadowTableName('journal_entry_lines', ctx2.runId)}`)).toBe(10);
      // Re-running the finalizer once the cause is gone completes the swap.
      await q('ALTER TABLE rep2.journal_entry_lines DROP CONSTRAINT no_rows');
      await sink.finalizeRun(ctx2);
      expect(await count('rep2.journal_entry_lines')).toBe(10);
      expect(await idleInTransaction(server.url())).toBe(0);
    } finally {
      await sink.close();
    }
  });
});

describePg('postgres sink: fail-if-exists and schema checks', () => {
  it('fail-if-exists refuses a table with rows of another run (exit 3, table unchanged) and loads an empty one', async () => {
    const a = await run('schema: fie, mode: fail-if-exists, layout: partitioned');
    expect(a.result.exitCode).toBe(0);
    const n = await count('fie.journal_entry_lines');
    const b = await run('schema: fie, mode: fail-if-exists, layout: partitioned');
    expect(b.result.exitCode).toBe(3);
    expect(b.result.error?.code).toBe('DSP_SINK_POSTGRES_EXISTS');
    expect(b.result.error?.message).toMatch(/fie\.journal_entry_lines already holds rows/);
    expect(b.result.manifest.status).toBe('failed');
    expect(await count('fie.journal_entry_lines')).toBe(n);
  });

  it('an incompatible or incomplete existing table fails at open with DSP_SINK_POSTGRES_SCHEMA', async () => {
    await q('CREATE SCHEMA bad; CREATE TABLE bad.journal_entry_lines (document_id text, line_number integer, debit_amount date)');
    const r = await run('schema: bad');
    expect(r.result.exitCode).toBe(3);
    expect(r.result.error?.code).toBe('DSP_SINK_POSTGRES_SCHEMA');
    expect(r.result.error?.message).toMatch(/missing columns company_code, /);
    expect(r.result.error?.message).toMatch(/column debit_amount is date, which cannot hold money values/);
    expect(r.result.error?.message).toMatch(/_dsp_run_id/);
    expect(r.result.manifest.status).toBe('failed');
    expect(await count('bad.journal_entry_lines')).toBe(0);
    const none = await run('schema: nothing_here, create_table: false');
    expect(none.result.error?.code).toBe('DSP_SINK_POSTGRES_SCHEMA');
    expect(none.result.error?.message).toMatch(/does not exist .*and create_table is false/);
    expect(await idleInTransaction(server.url())).toBe(0);
  });
});

// A small table for fault tests: every value under our control.
const faultTable = defineTable('fault_rows', 'fault injection', [
  ['id', { type: 'int', description: 'row number' }],
  ['code', { type: 'string', nullable: true, description: 'short code' }],
  ['amount', { type: 'money', description: 'amount' }],
]);
function faultCsv(rows: number, bad?: { at: number; code?: string | null; amount?: string }): Buffer {
  const out = ['id,code,amount'];
  for (let i = 1; i <= rows; i++) {
    const code = bad && i === bad.at && bad.code !== undefined ? (bad.code === null ? '' : bad.code) : 'abc';
    const amount = bad && i === bad.at && bad.amount ? bad.amount : `${i % 500}.25`;
    out.push(`${i},${code},${amount}`);
  }
  return Buffer.from(out.join('\n') + '\n');
}

describePg('postgres sink: faults leave the target unchanged and no open transaction', () => {
  let sink: PostgresSink;
  let direct: PostgresSink;
  beforeAll(async () => {
    sink = new PostgresSink('pgfault', { url: server.url({ password: PASSWORD }), schema: 'flt' });
    direct = new PostgresSink('pgdirect', { url: server.url(), schema: 'flt', staging: 'auto' });
    await sink.check(new AbortController().signal);
  });
  afterAll(async () => { await sink?.close(); await direct?.close(); });

  async function freshTable(ddl: string): Promise<void> {
    await q(`CREATE SCHEMA IF NOT EXISTS flt; DROP TABLE IF EXISTS flt.fault_rows; CREATE TABLE flt.fault_rows (${ddl}, _dsp_run_id uuid NOT NULL, _dsp_partition integer)`);
    await q(`INSERT INTO flt.fault_rows VALUES (-1, 'old', 1.00, '${randomUUID()}', NULL), (-2, 'old', 2.00, '${randomUUID()}', NULL)`);
  }
  async function expectUnchanged(): Promise<void> {
    expect(await count('flt.fault_rows')).toBe(2);
    expect(await count('flt.fault_rows', 'id > 0')).toBe(0);
    expect(await idleInTransaction(server.url())).toBe(0);
  }
  async function load(bytes: Buffer, via: PostgresSink = sink): Promise<unknown> {
    const w = await via.open(targetFor(faultTable), ctxFor());
    try {
      await writeAll(w, bytes, 16 * 1024);
      await w.commit();
      return null;
    } catch (err) {
      await w.abort(err);
      return err;
    }
  }

  it('a bad row mid-stream stops the COPY: OutputError naming the line, nothing committed', async () => {
    await freshTable('id integer NOT NULL, code varchar(3), amount numeric(18,2) NOT NULL');
    const err = await load(faultCsv(40_000, { at: 20_000, code: 'TOOLONG' }));
    expect(err).toBeInstanceOf(OutputError);
    expect((err as OutputError).code).toBe('DSP_SINK_POSTGRES_COPY');
    expect((err as OutputError).message).toMatch(/value too long/);
    expect((err as OutputError).message).toMatch(/at COPY _dsp_stage, line 20001/);
    expect((err as OutputError).message).toMatch(/line 20001/);
    expect((err as OutputError).message).toMatch(/flt\.fault_rows/);
    expect((err as OutputError).message).not.toContain(PASSWORD);
    await expectUnchanged();
  });

  it('staging: auto: a bad row mid-stream in a table the sink created (direct COPY) rolls back too', async () => {
    await q(`CREATE SCHEMA IF NOT EXISTS flt; DROP TABLE IF EXISTS flt.fault_rows; ${createTableSql('flt', faultTable, true).join(';')}`);
    await q(`INSERT INTO flt.fault_rows VALUES (-1, 'old', 1.00, '${randomUUID()}', NULL), (-2, 'old', 2.00, '${randomUUID()}', NULL)`);
    await q('ALTER TABLE flt.fault_rows ADD CONSTRAINT not_20000 CHECK (id <> 20000)');
    const err = await load(faultCsv(40_000), direct);
    expect((err as OutputError).code).toBe('DSP_SINK_POSTGRES_COPY');
    expect((err as OutputError).message).toMatch(/not_20000/);
    // The COPY ran into the target itself, not into a staging table.
    expect((err as OutputError).message).toMatch(/at COPY fault_rows, line 20001/);
    await expectUnchanged();
    expect(await load(faultCsv(5), direct)).toBeNull();
    expect(await count('flt.fault_rows', 'id > 0 AND _dsp_run_id IS NOT NULL AND _dsp_partition IS NULL')).toBe(5);
  });

  it('a bad last row (CHECK, NOT NULL on the target) fails the commit and rolls back', async () => {
    await freshTable('id integer NOT NULL, code text, amount numeric(18,2) NOT NULL CHECK (amount < 1000)');
    const err = await load(faultCsv(30_000, { at: 30_000, amount: '5000.00' }));
    expect(err).toBeInstanceOf(OutputError);
    expect((err as OutputError).code).toBe('DSP_SINK_POSTGRES_COMMIT');
    expect((err as OutputError).message).toMatch(/check constraint/);
    await expectUnchanged();
    await freshTable('id integer NOT NULL, code text NOT NULL, amount numeric(18,2) NOT NULL');
    const err2 = await load(faultCsv(30_000, { at: 30_000, code: null }));
    expect((err2 as OutputError).message).toMatch(/null value in column "code"/);
    await expectUnchanged();
  });

  it('rows dropped on the way (a trigger) are caught by the row count check', async () => {
    await freshTable('id integer NOT NULL, code text, amount numeric(18,2) NOT NULL');
    await q(`CREATE FUNCTION flt.drop_some() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.id = 7 THEN RETURN NULL; END IF; RETURN NEW; END $$;
             CREATE TRIGGER drop_some BEFORE INSERT ON flt.fault_rows FOR EACH ROW EXECUTE FUNCTION flt.drop_some()`);
    const err = await load(faultCsv(100));
    expect((err as OutputError).code).toBe('DSP_SINK_POSTGRES_ROWCOUNT');
    expect((err as OutputError).message).toMatch(/stored 99 of 100 rows/);
    await expectUnchanged();
  });

  it('a connection terminated mid-COPY fails the output with a clear message; abort never throws', async () => {
    await freshTable('id integer NOT NULL, code text, amount numeric(18,2) NOT NULL');
    const w = await sink.open(targetFor(faultTable), ctxFor());
    const bytes = faultCsv(200_000);
    let i = 0;
    const chunk = 16 * 1024;
    const write = async (until: number): Promise<void> => {
      for (; i < Math.min(until, bytes.length); i += chunk) await writeChunk(w, bytes.subarray(i, i + chunk));
    };
    await write(bytes.length / 4);
    const killed = await q<{ ok: boolean }>("SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = 'datasynth-pipe:pgfault' AND query LIKE 'COPY%'");
    expect(killed).toHaveLength(1);
    const err = await write(bytes.length).then(() => w.commit()).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(OutputError);
    expect((err as OutputError).code).toBe('DSP_SINK_POSTGRES_COPY');
    expect((err as OutputError).message).toMatch(/terminating connection|connection/i);
    expect((err as OutputError).message).toMatch(/nothing of this output was committed/);
    await expect(w.abort(err)).resolves.toBeUndefined();
    await expectUnchanged();
    // The pool recovers: the next load works.
    expect(await load(faultCsv(10))).toBeNull();
    expect(await count('flt.fault_rows', 'id > 0')).toBe(10);
  });

  it('abort() mid-stream sends CopyFail and rolls back; commit after abort is refused', async () => {
    await freshTable('id integer NOT NULL, code text, amount numeric(18,2) NOT NULL');
    const w = await sink.open(targetFor(faultTable), ctxFor());
    const bytes = faultCsv(50_000);
    w.writable.write(bytes.subarray(0, bytes.length >> 1));
    await w.abort(new Error('stopped'));
    await w.abort(new Error('again'));
    await expect(w.commit()).rejects.toMatchObject({ code: 'DSP_SINK_POSTGRES_ABORTED' });
    await expectUnchanged();
  });

  it('check() reports an unreachable server without the password', async () => {
    const dead = new PostgresSink('pgdead', { url: `postgresql://postgres:${PASSWORD}@127.0.0.1:1/dsp` });
    const err = await dead.check(new AbortController().signal).then(() => null, (e: unknown) => e);
    await dead.close();
    expect((err as OutputError).code).toBe('DSP_SINK_POSTGRES_CONNECT');
    expect((err as OutputError).message).toMatch(/cannot connect to postgresql:\/\/127\.0\.0\.1:1\/dsp/);
    expect((err as OutputError).message).not.toContain(PASSWORD);
  });

  it('the marking seam writes COMMENT ON TABLE inside the load transaction', async () => {
    await freshTable('id integer NOT NULL, code text, amount numeric(18,2) NOT NULL');
    sink.tableComment = (table) => `synthetic ${table}`;
    try {
      expect(await load(faultCsv(5))).toBeNull();
    } finally {
      sink.tableComment = null;
    }
    const [{ d }] = await q<{ d: string }>("SELECT obj_description('flt.fault_rows'::regclass, 'pg_class') AS d");
    expect(d).toBe('synthetic fault_rows');
  });
});
