/**
 * The CLI with a `type: postgres` sink, as a user runs it (`DATABASE_URL` from the
 * environment), against a real PostgreSQL server: the manifest agrees with what the
 * server holds; a backend terminated mid-COPY and a server crash mid-COPY each end the
 * run with exit 3 and a clear message, the table unchanged, no session left in a
 * transaction and the manifest `failed`.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { journalEntryLines } from '../../src/tables/journal.js';
import { startCli, runCli, tempDirs, type CliResult } from '../support/cli.js';
import { csvRowHash, describePg, idleInTransaction, parseCsvRows, startPostgres, tableRowHash, withClient, type PgServer } from '../support/postgres.js';

const { tmp, cleanup } = tempDirs('dsp-pg-cli-');
let server: PgServer;
const PASSWORD = 'cli-Secret-42';

function pipeline(volume: number, months: number, sinks: string): string {
  return `version: 1
seed: 5
period: { start: 2025-01-01, months: ${months} }
companies:
  - { code: "1000", name: "Acme US", currency: USD, country: US, volume: ${volume} }
  - { code: "2000", name: Acme DE, currency: EUR, country: DE, volume: ${Math.round(volume / 2)} }
sources:
  gl: { type: journal_entries }
sinks:
${sinks}
`;
}
const PG_SINK = '  pg: { type: postgres, inputs: [gl], url: "${DATABASE_URL}", tables: [journal_entry_lines] }';

interface ManifestLike {
  status: string;
  run_id: string;
  status_reason: { code: string; message: string } | null;
  outputs: Array<{ sink: string; uri: string; rel: string | null; rows: number; bytes: number; sha256: string; extra?: { mode: string; txid: number } }>;
  config: { runtime: { sinks: { pg: { url: string } } } };
}

function writeConfig(text: string): { file: string; out: string } {
  const dir = tmp();
  const file = join(dir, 'pipeline.yaml');
  writeFileSync(file, text);
  return { file, out: join(dir, 'out') };
}
const env = (): Record<string, string> => ({ DATABASE_URL: server.url({ password: PASSWORD }) });
const count = (): Promise<number> => withClient(server.url(), async (c) => Number((await c.query<{ n: string }>('SELECT count(*)::text AS n FROM public.journal_entry_lines')).rows[0].n));

/** Waits until the CLI's COPY has moved some rows, then runs `fault`. */
async function duringCopy(done: Promise<CliResult>, fault: () => Promise<void> | void): Promise<boolean> {
  let finished = false;
  void done.then(() => { finished = true; });
  for (let i = 0; i < 2400 && !finished; i++) {
    const busy = await withClient(server.url(), async (c) => (await c.query(
      `SELECT a.pid FROM pg_stat_activity a JOIN pg_stat_progress_copy p ON p.pid = a.pid
        WHERE a.application_name = 'datasynth-pipe:pg' AND p.tuples_processed > 2000`)).rows.length > 0).catch(() => false);
    if (busy) {
      await fault();
      return true;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

beforeAll(async () => { server = await startPostgres(); });
afterAll(async () => { await server?.stop(); cleanup(); });

describePg('CLI run with a postgres sink', () => {
  let first: { out: string; result: CliResult; manifest: ManifestLike };
  beforeAll(async () => {
    const { file, out } = writeConfig(pipeline(1500, 2, PG_SINK));
    const result = await runCli(['run', file, '--out', out], { env: env() });
    first = { out, result, manifest: JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as ManifestLike };
  });

  it('exits 0 and the manifest matches what the server holds', async () => {
    expect(first.result.stderr).not.toMatch(/error/i);
    expect(first.result.code).toBe(0);
    const m = first.manifest;
    expect(m.status).toBe('complete');
    expect(m.outputs).toHaveLength(1);
    const o = m.outputs[0];
    expect(o.uri).toBe(`postgresql://127.0.0.1:${server.port}/dsp#public.journal_entry_lines`);
    expect(o.rel).toBeNull();
    expect(o.extra?.mode).toBe('append');
    expect(await count()).toBe(o.rows);
    const [{ n }] = await withClient(server.url(), async (c) => (await c.query<{ n: string }>('SELECT count(*)::text AS n FROM public.journal_entry_lines WHERE _dsp_run_id = $1', [m.run_id])).rows);
    expect(Number(n)).toBe(o.rows);

    // The same pipeline into a file gives the bytes the manifest hashed; the server holds exactly those rows.
    const { file, out } = writeConfig(pipeline(1500, 2, '  f: { type: file, inputs: [gl], path: ./files, format: csv, tables: [journal_entry_lines] }'));
    expect((await runCli(['run', file, '--out', out])).code).toBe(0);
    const csv = readFileSync(join(out, 'files', 'journal_entry_lines.csv'));
    expect(createHash('sha256').update(csv).digest('hex')).toBe(o.sha256);
    expect(csv.length).toBe(o.bytes);
    const rows = parseCsvRows(csv);
    expect(rows.length).toBe(o.rows);
    expect(await withClient(server.url(), (c) => tableRowHash(c, 'public', 'journal_entry_lines', journalEntryLines))).toBe(csvRowHash(rows));
  });

  it('never shows the password: runtime url is redacted, stderr clean', () => {
    const text = readFileSync(join(first.out, 'manifest.json'), 'utf8');
    expect(text).not.toContain(PASSWORD);
    expect(first.manifest.config.runtime.sinks.pg.url).toBe('***');
    expect(first.result.stderr).not.toContain(PASSWORD);
  });

  it('a backend terminated mid-COPY: exit 3, clear message, table unchanged, manifest failed', async () => {
    const before = await count();
    const { file, out } = writeConfig(pipeline(60_000, 6, PG_SINK));
    const cli = startCli(['run', file, '--out', out], { env: env() });
    const hit = await duringCopy(cli.done, async () => {
      await withClient(server.url(), (c) => c.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'datasynth-pipe:pg' AND query LIKE 'COPY%'"));
    });
    const r = await cli.done;
    expect(hit).toBe(true);
    expect(r.code).toBe(3);
    // The server's FATAL message or the socket error, whichever reaches the client first.
    expect(r.stderr).toMatch(/DSP_SINK_POSTGRES_COPY: sink pg: COPY into postgresql:\/\/127\.0\.0\.1:\d+\/dsp#public\.journal_entry_lines failed: (terminating connection due to administrator command|write ECONNRESET|write EPIPE|Connection terminated unexpectedly)/);
    expect(r.stderr).toMatch(/The connection to the server was lost; nothing of this output was committed/);
    expect(r.stderr).not.toContain(PASSWORD);
    expect(await count()).toBe(before);
    expect(await idleInTransaction(server.url())).toBe(0);
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as ManifestLike;
    expect(m.status).toBe('failed');
    expect(m.status_reason?.code).toBe('DSP_SINK_POSTGRES_COPY');
    expect(m.outputs).toHaveLength(0);
  });

  it('the server crashing mid-COPY (pg_ctl -m immediate): exit 3, nothing committed after restart', async () => {
    const before = await count();
    const { file, out } = writeConfig(pipeline(60_000, 6, PG_SINK));
    const cli = startCli(['run', file, '--out', out], { env: env() });
    const hit = await duringCopy(cli.done, () => server.crash());
    const r = await cli.done;
    server.start();
    expect(hit).toBe(true);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/sink pg: .*public\.journal_entry_lines/);
    expect(r.stderr).toMatch(/connection to the server was lost/);
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as ManifestLike;
    expect(m.status).toBe('failed');
    expect(m.status_reason?.code).toMatch(/^DSP_SINK_POSTGRES_/);
    expect(await count()).toBe(before);
    expect(await idleInTransaction(server.url())).toBe(0);
  });
});
