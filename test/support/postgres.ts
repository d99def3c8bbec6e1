/**
 * A throwaway PostgreSQL server for tests and benchmarks (testing.md, "PostgreSQL 15"):
 * initdb into a fresh `mktemp -d /tmp/…` dir (mode 755, so the `postgres` user can
 * traverse it), started with pg_ctl on a free 127.0.0.1 port with its socket in that dir,
 * fsync off; stopped with `-m fast`, `-m immediate` on cleanup paths; the dir removed.
 * initdb refuses root, so as root every server command runs as `postgres` via runuser.
 * The Debian cluster 15/main is never touched.
 *
 * @example
 * const pg = await startPostgres();
 * try { await withClient(pg.url(), (c) => c.query('SELECT 1')); } finally { await pg.stop(); }
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { parse as parseCsv } from 'csv-parse/sync';
import type { TableSchema } from '../../src/engine/schema.js';

export const PG_INSTALL_HINT =
  'PostgreSQL server binaries (initdb, pg_ctl) were not found under /usr/lib/postgresql/*/bin. Install them with `apt-get install -y postgresql` (Debian/Ubuntu) to run these tests; under CI=true a missing server fails instead of skipping.';

/** The newest `/usr/lib/postgresql/<major>/bin` holding initdb and pg_ctl, or null. */
export function pgBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const majors = readdirSync(root).filter((d) => /^\d+$/.test(d)).sort((a, b) => Number(b) - Number(a));
  for (const m of majors) {
    const bin = join(root, m, 'bin');
    if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'))) return bin;
  }
  return null;
}

// vitest refuses to load outside its runner; the benchmark imports this launcher too.
const vitest = process.env.VITEST ? await import('vitest') : null;

export function pgAvailable(): boolean {
  return pgBinDir() !== null;
}

/**
 * `describe` for suites that need a server: skipped with the install hint when the binaries
 * are missing, except under CI, where the suite fails so CI never silently skips a sink.
 */
export function describePg(name: string, fn: () => void): void {
  if (!vitest) throw new Error('describePg runs inside vitest only');
  const { describe, it } = vitest;
  if (pgAvailable()) describe(name, fn);
  else if (process.env.CI) describe(name, () => it('needs the PostgreSQL server binaries', () => { throw new Error(PG_INSTALL_HINT); }));
  else describe.skip(`${name} (skipped: ${PG_INSTALL_HINT})`, fn);
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Runs a server binary, as `postgres` when we are root. */
function runPgTool(bin: string, tool: string, args: string[]): string {
  const cmd = isRoot ? 'runuser' : join(bin, tool);
  const argv = isRoot ? ['-u', 'postgres', '--', join(bin, tool), ...args] : args;
  return execFileSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface PgServer {
  readonly port: number;
  readonly dir: string;
  readonly database: string;
  /** Connection URL of the test database (trust auth: no password needed; `password` adds one to prove redaction). */
  url(opts?: { database?: string; password?: string }): string;
  /** Stops the server (`-m fast`) and removes its directory. Idempotent. */
  stop(): Promise<void>;
  /** Crash-stops the server (`-m immediate`), keeping the directory; `start()` brings it back. */
  crash(): void;
  start(): void;
}

const running = new Set<PgServer>();
process.on('exit', () => {
  for (const s of running) {
    try { s.crash(); } catch { /* best effort */ }
    try { rmSync(s.dir, { recursive: true, force: true }); } catch { /* best effort */ }
  }
});

export async function startPostgres(database = 'dsp'): Promise<PgServer> {
  const bin = pgBinDir();
  if (!bin) throw new Error(PG_INSTALL_HINT);
  const dir = mkdtempSync('/tmp/dsp-pg-');
  chmodSync(dir, 0o755);
  if (isRoot) execFileSync('chown', ['postgres:postgres', dir]);
  const port = await freePort();
  const logFile = join(dir, 'server.log');
  const ctl = (args: string[]): string => runPgTool(bin, 'pg_ctl', ['-D', dir, ...args]);
  const startServer = (): void => {
    ctl(['-w', '-t', '30', '-l', logFile, 'start', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off`]);
  };
  let stopped = false;
  const server: PgServer = {
    port,
    dir,
    database,
    url: (opts = {}) => `postgresql://postgres${opts.password ? `:${encodeURIComponent(opts.password)}` : ''}@127.0.0.1:${port}/${opts.database ?? database}`,
    start: startServer,
    crash: () => {
      spawnSync(isRoot ? 'runuser' : join(bin, 'pg_ctl'), [...(isRoot ? ['-u', 'postgres', '--', join(bin, 'pg_ctl')] : []), '-D', dir, '-m', 'immediate', '-w', 'stop'], { stdio: 'ignore' });
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      running.delete(server);
      try {
        ctl(['-m', 'fast', '-w', '-t', '30', 'stop']);
      } catch {
        server.crash();
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    runPgTool(bin, 'initdb', ['-D', dir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
    startServer();
    running.add(server);
    await waitReady(server);
    await withClient(server.url({ database: 'postgres' }), (c) => c.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`));
  } catch (err) {
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2000) : '';
    server.crash();
    running.delete(server);
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`could not start PostgreSQL in ${dir}: ${(err as Error).message}\n${log}`, { cause: err });
  }
  return server;
}

/** pg_ctl -w already waits; this also proves TCP connections are accepted. */
async function waitReady(server: PgServer): Promise<void> {
  let last: unknown = null;
  for (let i = 0; i < 100; i++) {
    try {
      await withClient(server.url({ database: 'postgres' }), (c) => c.query('SELECT 1'));
      return;
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`PostgreSQL on port ${server.port} did not accept connections: ${(last as Error)?.message}`);
}

/** Runs `fn` with a fresh connection and always closes it. */
export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  c.on('error', () => undefined);
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** Sessions of `application_name` prefix that sit in an open transaction (must be none after any load). */
export async function idleInTransaction(url: string, appPrefix = 'datasynth-pipe'): Promise<number> {
  return withClient(url, async (c) => {
    const r = await c.query<{ n: string }>("SELECT count(*)::text AS n FROM pg_stat_activity WHERE application_name LIKE $1 AND state LIKE 'idle in transaction%'", [`${appPrefix}%`]);
    return Number(r.rows[0].n);
  });
}

// ---- Oracles: what the server holds vs the CSV the engine produced ----

const NULL_MARK = '\\N';
const SEP = '\u001f';

/** Parses our CSV (header skipped) keeping null (unquoted empty) apart from "" (quoted empty). */
export function parseCsvRows(bytes: Buffer | string): Array<Array<string | null>> {
  const rows = parseCsv(bytes, {
    from_line: 2,
    relax_column_count: false,
    cast: (value: string, ctx: { quoting: boolean }) => (value === '' && !ctx.quoting ? null : value),
  }) as Array<Array<string | null>>;
  return rows;
}

/** The SQL text of a column exactly as our CSV encoder writes the value (null → \N). */
function columnTextSql(name: string, type: string): string {
  const c = pg.escapeIdentifier(name);
  const text = type === 'date' ? `to_char(${c}, 'YYYY-MM-DD')`
    : type === 'timestamp' ? `to_char(${c}, 'YYYY-MM-DD"T"HH24:MI:SS')`
      : type === 'bool' ? `CASE WHEN ${c} THEN 'true' ELSE 'false' END`
        : `${c}::text`;
  return `coalesce(${text}, '${NULL_MARK}')`;
}

/** Order-independent hash of the rows of `table` (md5 per row, sorted, md5 of the list). */
export async function tableRowHash(c: pg.Client, schemaName: string, table: string, schema: TableSchema, where = 'true'): Promise<string> {
  const row = schema.columns.map((col) => columnTextSql(col.name, col.type)).join(` || '${SEP}' || `);
  const r = await c.query<{ h: string | null }>(`SELECT md5(coalesce(string_agg(h, '' ORDER BY h COLLATE "C"), '')) AS h FROM (SELECT md5(${row}) AS h FROM ${pg.escapeIdentifier(schemaName)}.${pg.escapeIdentifier(table)} WHERE ${where}) x`);
  return r.rows[0].h ?? '';
}

/** The same hash computed from CSV rows. */
export function csvRowHash(rows: ReadonlyArray<ReadonlyArray<string | null>>): string {
  const md5 = (s: string): string => createHash('md5').update(s, 'utf8').digest('hex');
  const hashes = rows.map((r) => md5(r.map((v) => (v === null ? NULL_MARK : v)).join(SEP))).sort();
  return md5(hashes.join(''));
}

/** Sum of a money column of CSV rows, as the exact decimal text PostgreSQL prints for NUMERIC(…,2). */
export function csvMoneySum(rows: ReadonlyArray<ReadonlyArray<string | null>>, index: number): string {
  let cents = 0n;
  for (const r of rows) {
    const v = r[index];
    if (v === null) continue;
    const neg = v.startsWith('-');
    const [u, f = '00'] = (neg ? v.slice(1) : v).split('.');
    const x = BigInt(u) * 100n + BigInt(f.padEnd(2, '0'));
    cents += neg ? -x : x;
  }
  const neg = cents < 0n;
  const a = neg ? -cents : cents;
  return `${neg ? '-' : ''}${a / 100n}.${String(a % 100n).padStart(2, '0')}`;
}
