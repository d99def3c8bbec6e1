/**
 * PostgreSQL sink (controls.md §8.5): one transaction per output (a table, or a
 * table partition with `layout: partitioned`) on one pooled client:
 *
 *   BEGIN → check / create the target (DDL from the TableSchema) → CREATE TEMP TABLE
 *   _dsp_stage ON COMMIT DROP → COPY _dsp_stage FROM STDIN (the engine's CSV bytes,
 *   which it hashes as the output's sha256) → commit(): rows COPY stored = records sent →
 *   the mode's statements (append: DELETE this run's partition, INSERT … SELECT with the
 *   run columns; replace: the same into a shadow table swapped by finalizeRun) → COMMIT.
 *
 * Nothing of an output is visible before its COMMIT, a failed output rolls back (COPY
 * stops at the first bad row: hence the staging transaction), and reloading the same run
 * id and partition replaces exactly its rows (delivery: effectively once, §8.1).
 *
 * @example
 * const sink = postgresSink.create('pg', { url: process.env.DATABASE_URL! }, settings);
 * await sink.check(signal);
 * const w = await sink.open(target, ctx);   // target.format === 'csv'
 * w.writable.end(csvBytes);
 * const { uri, extra } = await w.commit();  // postgresql://host:5432/db#public.journal_entry_lines, {mode, txid}
 */
import { Writable } from 'node:stream';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { DspError, OutputError } from '../../src/errors.js';
import type { CommittedOutput, OptionsSchema, OutputTarget, OutputWriter, RunContext, Sink, SinkPlugin, SinkSettings } from '../../src/engine/plugins.js';
import type { TableSchema } from '../../src/engine/schema.js';
import { FastCsvRecordCounter } from './record-counter.js';
import {
  MAX_IDENTIFIER_BYTES, PARTITION_COLUMN, PARTITION_COLUMN_DDL, PARTITION_SETTING, RUN_ID_COLUMN, RUN_ID_COLUMN_DDL, RUN_ID_SETTING, TARGET_COLUMNS_SQL,
  compatibilityProblems, createTableSql, qualified, quoteIdent, quoteLiteral, runColumnsFromSettings, type TargetColumn,
} from './sql.js';
import { isPgUrl, outputUri, passwordsOf, pgLocation, redactPgText, type PgLocation } from './url.js';
import { TABLES_OPTION } from '../../src/engine/sink-options.js';
import { endAndFinish } from '../../src/engine/streams.js';

export type PostgresMode = 'append' | 'replace' | 'fail-if-exists';

/** Options next to `type`/`inputs` in a `type: postgres` sink (defaults applied here: the loader inserts none). */
export interface PostgresSinkOptions {
  url: string;
  schema?: string;
  mode?: PostgresMode;
  create_table?: boolean;
  run_columns?: boolean;
  tables?: string[];
  format?: 'csv';
  layout?: 'single' | 'partitioned';
  pool_size?: number;
  staging?: 'auto' | 'always';
  /** Written by the planner for `--if-exists`; `mode` governs this sink, so it is ignored. */
  if_exists?: string;
}

export const DEFAULT_SCHEMA = 'public';
export const DEFAULT_POOL_SIZE = 8;
/** COPY chunks: the engine writes 64–256 KiB (controls.md §8.1 rule 2); one of them may wait in each stage. */
const HIGH_WATER_MARK = 256 * 1024;
/** Waiting longer for a pooled connection means every connection is held by an open output. */
const CONNECT_TIMEOUT_MS = 30_000;
/** abort() never hangs on a server that stopped answering: the connection is dropped instead. */
const ROLLBACK_TIMEOUT_MS = 10_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const postgresSinkOptionsSchema: OptionsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['url'],
  properties: {
    url: {
      type: 'string',
      minLength: 1,
      pattern: '^[Pp][Oo][Ss][Tt][Gg][Rr][Ee][Ss]([Qq][Ll])?://',
      'x-dsp-runtime': true,
      // A connection URL usually carries the password: the manifest records `***`, messages redact it.
      'x-dsp-secret': true,
      description: 'Connection URL postgresql://user[:password]@host[:port]/database[?sslmode=…], typically "${DATABASE_URL}". PGPASSWORD and ~/.pgpass are honoured. Never printed: passwords are redacted in messages and the manifest.',
    },
    schema: { type: 'string', minLength: 1, maxLength: MAX_IDENTIFIER_BYTES, default: DEFAULT_SCHEMA, 'x-dsp-runtime': true, description: 'Database schema of the target tables (created when missing and create_table is true).' },
    mode: {
      enum: ['append', 'replace', 'fail-if-exists'],
      default: 'append',
      'x-dsp-runtime': true,
      description: 'append: add the rows, replacing this run\'s earlier load of the same partition; replace: load into a shadow table and swap it in when the run succeeds (old rows stay visible until then); fail-if-exists: refuse a target that holds rows of another run.',
    },
    create_table: { type: 'boolean', default: true, 'x-dsp-runtime': true, description: 'Create missing tables with DDL derived from the table schema (NUMERIC(18,2) money, DATE, TIMESTAMP, BOOLEAN, TEXT, NOT NULL).' },
    run_columns: {
      type: 'boolean',
      default: true,
      'x-dsp-runtime': true,
      description: 'Add _dsp_run_id (uuid) and _dsp_partition (integer) to every row, so a reloaded output replaces exactly its rows. false: plain data columns; a retried append may then duplicate rows.',
    },
    tables: TABLES_OPTION,
    format: { enum: ['csv'], default: 'csv', description: 'COPY payload format: the CSV encoder\'s bytes (COPY … WITH (FORMAT csv, HEADER true, NULL \'\')).' },
    layout: {
      enum: ['single', 'partitioned'],
      default: 'single',
      description: 'single: one load transaction per table; partitioned: one per (table, partition), each reloadable on its own.',
    },
    staging: {
      enum: ['auto', 'always'],
      default: 'auto',
      'x-dsp-runtime': true,
      description: 'auto: COPY straight into the target inside the load transaction when its run columns default to the load\'s settings (tables the sink created), else stage; saves the server a second pass over every row. always (the controls.md §8.5 recipe): COPY into a temporary staging table, then INSERT … SELECT into the target at commit. Both are atomic: a failed load commits nothing.',
    },
    pool_size: { type: 'integer', minimum: 1, maximum: 64, default: DEFAULT_POOL_SIZE, 'x-dsp-runtime': true, description: 'Connections kept by the sink; each open output holds one until it commits. Default: 8, or one more than the tables the sink writes when that is larger (max 64).' },
  },
};

/** Reads the options with their defaults. */
function settingsOf(o: PostgresSinkOptions): Required<Omit<PostgresSinkOptions, 'tables' | 'if_exists'>> {
  return {
    url: o.url,
    schema: o.schema ?? DEFAULT_SCHEMA,
    mode: o.mode ?? 'append',
    create_table: o.create_table ?? true,
    run_columns: o.run_columns ?? true,
    format: o.format ?? 'csv',
    layout: o.layout ?? 'single',
    pool_size: o.pool_size ?? DEFAULT_POOL_SIZE,
    staging: o.staging ?? 'auto',
  };
}

/** `<table>__dsp_<first 8 hex digits of the run id>` (controls.md §8.5 step 4). */
export function shadowTableName(table: string, runId: string): string {
  return `${table}__dsp_${runId.replace(/-/g, '').slice(0, 8).toLowerCase()}`;
}
const SHADOW_SUFFIX_LENGTH = '__dsp_'.length + 8;

type Query = (text: string, values?: unknown[]) => Promise<pg.QueryResult>;

interface PgErrorLike extends Error {
  code?: string;
  detail?: string;
  where?: string;
  hint?: string;
  column?: string;
  constraint?: string;
}

export class PostgresSink implements Sink {
  readonly type = 'postgres';
  readonly location: PgLocation;
  readonly settings: ReturnType<typeof settingsOf>;
  /**
   * Content marking (controls.md §5.2): when it returns a text, `COMMENT ON TABLE
   * <schema>.<table> IS <literal>` runs inside the load transaction (append / fail-if-exists)
   * or the swap transaction (replace). Default: the run's credential JSON, unless marking is
   * off or `marking.postgres_comment: false`.
   */
  tableComment: ((table: string, ctx: RunContext) => string | null) | null = (_table, ctx) =>
    ctx.marking && ctx.marking.settings.postgresComment ? ctx.marking.json : null;
  private pool: pg.Pool | null = null;
  private readonly secrets: string[];
  /** fail-if-exists is checked once per (run, table) in this process; later partitions are this run's own. */
  private readonly checkedEmpty = new Set<string>();

  constructor(readonly id: string, options: PostgresSinkOptions) {
    this.settings = settingsOf(options);
    this.secrets = passwordsOf(options.url);
    if (!isPgUrl(options.url)) {
      throw new OutputError('DSP_SINK_POSTGRES_URL', `sink ${id}: url ${this.redact(JSON.stringify(options.url))} is not a postgres:// or postgresql:// URL. Set url (e.g. "\${DATABASE_URL}") to postgresql://user@host:5432/database.`, { sink: id });
    }
    this.location = pgLocation(options.url);
  }

  /** Text with every password removed. */
  redact(text: string): string {
    return redactPgText(text, this.secrets);
  }

  /** `postgresql://host:port/db` (no credentials). */
  get serverUri(): string {
    return outputUri(this.location, this.settings.schema, '').replace(/#.*$/, '');
  }

  uriOf(table: string): string {
    return outputUri(this.location, this.settings.schema, table);
  }

  private getPool(): pg.Pool {
    if (!this.pool) {
      this.pool = new pg.Pool({
        connectionString: this.settings.url,
        max: this.settings.pool_size,
        connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
        // Idle connections must not keep a finished CLI process alive.
        allowExitOnIdle: true,
        application_name: `datasynth-pipe:${this.id}`,
      });
      // An idle pooled connection that dies is removed by the pool; its error concerns no output.
      this.pool.on('error', () => undefined);
    }
    return this.pool;
  }

  /** Closes the sink's connections (tests, benchmarks, the API). */
  async close(): Promise<void> {
    const p = this.pool;
    this.pool = null;
    await p?.end().catch(() => undefined);
  }

  async connect(): Promise<pg.PoolClient> {
    const pool = this.getPool();
    try {
      return await pool.connect();
    } catch (err) {
      const busy = pool.totalCount >= this.settings.pool_size && pool.idleCount === 0;
      throw new OutputError(
        'DSP_SINK_POSTGRES_CONNECT',
        busy
          ? `sink ${this.id}: all ${this.settings.pool_size} connections to ${this.serverUri} are held by open outputs. Raise pool_size.`
          : `sink ${this.id}: cannot connect to ${this.serverUri}: ${this.redact(messageOf(err))}. Check that the server is running and that url (DATABASE_URL) names the right host, port, database and credentials.`,
        { sink: this.id, uri: this.serverUri },
        { cause: err },
      );
    }
  }

  async check(_signal: AbortSignal): Promise<void> {
    const client = await this.connect();
    let broken: unknown = null;
    const onError = (err: unknown): void => { broken = err; };
    client.on('error', onError);
    try {
      await client.query('SELECT 1');
      const schema = this.settings.schema;
      const ns = await client.query<{ exists: boolean }>('SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS exists', [schema]);
      const needCreate = this.settings.create_table || this.settings.mode === 'replace';
      let ok: boolean;
      let what: string;
      if (ns.rows[0].exists) {
        const r = await client.query<{ ok: boolean }>('SELECT has_schema_privilege($1, $2) AS ok', [schema, needCreate ? 'CREATE' : 'USAGE']);
        ok = r.rows[0].ok;
        what = `${needCreate ? 'CREATE' : 'USAGE'} privilege on schema ${schema}`;
      } else {
        if (!this.settings.create_table) {
          throw new OutputError('DSP_SINK_POSTGRES_SCHEMA', `sink ${this.id}: schema ${schema} does not exist in ${this.serverUri} and create_table is false. Create it (CREATE SCHEMA ${quoteIdent(schema)}) or set create_table: true.`, { sink: this.id, schema });
        }
        const r = await client.query<{ ok: boolean }>("SELECT has_database_privilege(current_database(), 'CREATE') AS ok");
        ok = r.rows[0].ok;
        what = `CREATE privilege on the database (to create schema ${schema})`;
      }
      if (!ok) {
        throw new OutputError('DSP_SINK_POSTGRES_PRIVILEGE', `sink ${this.id}: the connecting role lacks ${what} in ${this.serverUri}. GRANT it, or choose another schema.`, { sink: this.id, schema });
      }
      const temp = await client.query<{ ok: boolean }>("SELECT has_database_privilege(current_database(), 'TEMP') AS ok");
      if (!temp.rows[0].ok) {
        throw new OutputError('DSP_SINK_POSTGRES_PRIVILEGE', `sink ${this.id}: the connecting role lacks the TEMP privilege on the database in ${this.serverUri} (loads stage rows in a temporary table). GRANT TEMP ON DATABASE … to it.`, { sink: this.id });
      }
      client.release();
      client.off('error', onError);
    } catch (err) {
      client.release(true);
      if (err instanceof DspError) throw err;
      throw new OutputError('DSP_SINK_POSTGRES_CONNECT', `sink ${this.id}: cannot use ${this.serverUri}: ${this.redact(messageOf(broken ?? err))}`, { sink: this.id, uri: this.serverUri }, { cause: err });
    }
  }

  async open(target: OutputTarget, ctx: RunContext): Promise<OutputWriter> {
    if (target.format !== 'csv') {
      throw new OutputError('DSP_SINK_POSTGRES_FORMAT', `sink ${this.id}: format ${target.format} cannot be loaded with COPY; use format: csv.`, { sink: this.id });
    }
    if (target.compression !== 'none') {
      throw new OutputError('DSP_SINK_POSTGRES_FORMAT', `sink ${this.id}: compressed (${target.compression}) payloads cannot be loaded with COPY.`, { sink: this.id });
    }
    if ((this.settings.run_columns || this.settings.mode === 'replace') && !UUID.test(ctx.runId)) {
      throw new OutputError('DSP_SINK_POSTGRES_RUN_ID', `sink ${this.id}: run id ${JSON.stringify(ctx.runId)} is not a UUID, but ${RUN_ID_COLUMN} is a uuid column. Pass a UUID run id, or set run_columns: false.`, { sink: this.id });
    }
    const client = await this.connect();
    const writer = new PgOutputWriter(this, client, target, ctx);
    try {
      await writer.start();
    } catch (err) {
      await writer.abort(err);
      throw writer.failure(err, 'open');
    }
    return writer;
  }

  /** Fail-if-exists bookkeeping: true the first time a (run, table) is seen. */
  firstOpen(runId: string, table: string): boolean {
    const key = `${runId}\u0000${table}`;
    if (this.checkedEmpty.has(key)) return false;
    this.checkedEmpty.add(key);
    return true;
  }

  /**
   * `mode: replace`: swaps every shadow table of this run into its target in one
   * transaction (TRUNCATE, INSERT … SELECT, DROP, COMMENT): readers see the old rows until
   * COMMIT, then the new ones. Shadows are found in the catalog, so a commit process that
   * did not load them (sharded runs) swaps them too.
   */
  async finalizeRun(ctx: RunContext): Promise<void> {
    if (this.settings.mode !== 'replace') return;
    const schema = this.settings.schema;
    const suffix = shadowTableName('', ctx.runId);
    const client = await this.connect();
    let broken: unknown = null;
    const onError = (err: unknown): void => { broken = err; };
    client.on('error', onError);
    const q: Query = (text, values) => client.query(text, values);
    try {
      await q("BEGIN; SET LOCAL TimeZone = 'UTC'");
      const found = await q(
        `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = $1 AND c.relkind = 'r' AND right(c.relname, $2) = $3 ORDER BY c.relname`,
        [schema, SHADOW_SUFFIX_LENGTH, suffix],
      );
      for (const row of found.rows as Array<{ relname: string }>) {
        const shadow = row.relname;
        const table = shadow.slice(0, -SHADOW_SUFFIX_LENGTH);
        const targetCols = (await q(TARGET_COLUMNS_SQL, [schema, table])).rows as Array<{ name: string }>;
        if (targetCols.length === 0) continue;
        const shadowCols = new Set(((await q(TARGET_COLUMNS_SQL, [schema, shadow])).rows as Array<{ name: string }>).map((r) => r.name));
        const cols = targetCols.map((c) => c.name).filter((n) => shadowCols.has(n)).map(quoteIdent).join(', ');
        const t = qualified(schema, table);
        await q(`TRUNCATE ${t}`);
        await q(`INSERT INTO ${t} (${cols}) SELECT ${cols} FROM ${qualified(schema, shadow)}`);
        await q(`DROP TABLE ${qualified(schema, shadow)}`);
        const comment = this.tableComment?.(table, ctx) ?? null;
        if (comment !== null) await q(`COMMENT ON TABLE ${t} IS ${quoteLiteral(comment)}`);
      }
      await q('COMMIT');
      client.off('error', onError);
      client.release();
    } catch (err) {
      await withTimeout(client.query('ROLLBACK'), ROLLBACK_TIMEOUT_MS).catch(() => undefined);
      client.release(true);
      throw new OutputError(
        'DSP_SINK_POSTGRES_FINALIZE',
        `sink ${this.id}: swapping the loaded tables of run ${ctx.runId} into ${this.serverUri} (schema ${schema}) failed: ${this.redact(pgMessage(broken ?? err))}. The targets still hold their previous rows; the loaded rows wait in the *${suffix} shadow tables, and a re-run with the same run id completes the swap.`,
        { sink: this.id, schema },
        { cause: err },
      );
    }
  }
}

function messageOf(err: unknown): string {
  return (err as Error)?.message ?? String(err);
}

/** A server error with its detail and position (`COPY _dsp_stage, line 3, column …`). */
function pgMessage(err: unknown): string {
  const e = err as PgErrorLike;
  const parts = [messageOf(err)];
  if (e?.detail) parts.push(e.detail);
  // COPY positions count the header as line 1: data row k is line k + 1.
  if (e?.where) parts.push(`at ${e.where}`);
  return parts.join('; ');
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_res, rej) => {
    timer = setTimeout(() => rej(new Error('timed out')), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/**
 * The engine's writable: counts CSV records and forwards the bytes to the COPY stream with
 * backpressure (a write completes when COPY took the chunk). Its 'finish' comes after the
 * server confirmed the COPY (pg-copy-streams delays its own until ReadyForQuery), so
 * `copy.rowCount` is known when commit() runs.
 */
class CopyInWritable extends Writable {
  readonly counter = new FastCsvRecordCounter();

  constructor(private readonly copy: Writable, onCopyError: (err: unknown) => Error) {
    super({ highWaterMark: HIGH_WATER_MARK });
    copy.on('error', (err) => this.destroy(onCopyError(err)));
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.counter.push(chunk);
    // One chunk at a time inside the COPY stream: pg-copy-streams then never holds a queue of
    // chunks that it would try to flush to a connection that has already failed.
    this.copy.write(chunk, (err) => cb(err ?? null));
  }

  override _final(cb: (err?: Error | null) => void): void {
    // On error the 'error' listener destroys this stream; the callback is then moot.
    this.copy.once('finish', () => cb());
    this.copy.end();
  }

  get pendingBytes(): number {
    return this.writableLength + this.copy.writableLength;
  }
}

class PgOutputWriter implements OutputWriter {
  writable!: CopyInWritable;
  private copy: copyStreams.CopyStreamQuery | null = null;
  private copyFailed = false;
  private readonly schemaName: string;
  private readonly table: string;
  private readonly uri: string;
  private readonly partition: number | null;
  private readonly mode: PostgresMode;
  private readonly runColumns: boolean;
  /** Where the rows go: the target, or its shadow in replace mode. */
  private loadTable = '';
  private dataCols = '';
  private runIdType = 'uuid';
  private partitionType = 'integer';
  private txid: number | null = null;
  /** COPY straight into the load table (no staging table; see `staging`). */
  private direct = false;
  private clientError: unknown = null;
  private released = false;
  private committed = false;
  private aborted = false;
  private commitPromise: Promise<CommittedOutput> | null = null;
  private abortPromise: Promise<void> | null = null;
  private readonly onClientError = (err: unknown): void => {
    this.clientError ??= err;
    if (this.copy && !this.copyFailed) this.writable?.destroy(this.failure(err, 'copy'));
  };

  constructor(
    private readonly sink: PostgresSink,
    private readonly client: pg.PoolClient,
    private readonly target: OutputTarget,
    private readonly ctx: RunContext,
  ) {
    this.schemaName = sink.settings.schema;
    this.table = target.table;
    this.uri = sink.uriOf(target.table);
    this.partition = target.layout === 'partitioned' ? target.partitions[0] : null;
    this.mode = sink.settings.mode;
    this.runColumns = sink.settings.run_columns;
    client.on('error', this.onClientError);
  }

  private readonly q: Query = (text, values) => this.client.query(text, values);

  private get qualifiedTarget(): string {
    return qualified(this.schemaName, this.table);
  }

  private async targetColumns(table: string): Promise<TargetColumn[]> {
    const r = await this.q(TARGET_COLUMNS_SQL, [this.schemaName, table]);
    return (r.rows as Array<{ name: string; type: string; not_null: boolean; has_default: boolean; default_expr: string | null }>).map((x) => ({ name: x.name, type: x.type, notNull: x.not_null, hasDefault: x.has_default, defaultExpr: x.default_expr }));
  }

  /** Serializes creators of one object (another process may be creating it in an uncommitted transaction). */
  private async lockName(name: string): Promise<void> {
    await this.q('SELECT pg_advisory_xact_lock(hashtext($1))', [`datasynth-pipe:${this.schemaName}.${name}`]);
  }

  /** controls.md §8.5 steps 1–3, up to the running COPY. */
  async start(): Promise<void> {
    const schema: TableSchema = this.target.schema;
    // TimeZone only matters for a TIMESTAMPTZ target: our zone-less wall times are read as UTC.
    await this.q("BEGIN; SET LOCAL TimeZone = 'UTC'");
    const tx = await this.q('SELECT txid_current()::text AS txid');
    this.txid = Number((tx.rows[0] as { txid: string }).txid);

    let cols = await this.targetColumns(this.table);
    let created = false;
    if (cols.length === 0) {
      if (!this.sink.settings.create_table) {
        throw this.schemaError(`table ${this.schemaName}.${this.table} does not exist and create_table is false. Create it, or set create_table: true.`);
      }
      await this.lockName(this.table);
      cols = await this.targetColumns(this.table);
      if (cols.length === 0) {
        const ns = await this.q('SELECT 1 FROM pg_namespace WHERE nspname = $1', [this.schemaName]);
        const ddl = ns.rowCount === 0 ? [`CREATE SCHEMA ${quoteIdent(this.schemaName)}`] : [];
        ddl.push(...createTableSql(this.schemaName, schema, this.runColumns));
        await this.q(ddl.join(';\n'));
        cols = await this.targetColumns(this.table);
        created = true;
      }
    }
    const problems = compatibilityProblems(schema, cols, this.runColumns);
    if (problems.length > 0) {
      throw this.schemaError(`table ${this.schemaName}.${this.table} does not fit table ${schema.name}: ${problems.join('; ')}. Fix the table (or drop it and let the sink create it), or load into another schema.`);
    }
    const byName = new Map(cols.map((c) => [c.name, c]));
    if (this.runColumns) {
      this.runIdType = byName.get(RUN_ID_COLUMN)!.type;
      this.partitionType = byName.get(PARTITION_COLUMN)!.type;
    }

    if (this.mode === 'fail-if-exists' && !created && this.sink.firstOpen(this.ctx.runId, this.table)) {
      const r = this.runColumns
        ? await this.q(`SELECT EXISTS (SELECT 1 FROM ${this.qualifiedTarget} WHERE ${quoteIdent(RUN_ID_COLUMN)} IS DISTINCT FROM $1::${this.runIdType}) AS rows`, [this.ctx.runId])
        : await this.q(`SELECT EXISTS (SELECT 1 FROM ${this.qualifiedTarget}) AS rows`);
      if ((r.rows[0] as { rows: boolean }).rows) {
        throw new OutputError('DSP_SINK_POSTGRES_EXISTS', `sink ${this.sink.id}: ${this.uri} already holds rows (mode: fail-if-exists). Empty or drop the table, choose mode: append or replace, or another schema.`, { sink: this.sink.id, table: this.table, uri: this.uri });
      }
    }

    this.loadTable = this.table;
    let loadCols = cols;
    if (this.mode === 'replace') ({ name: this.loadTable, cols: loadCols } = await this.ensureShadow(byName));

    this.dataCols = schema.columns.map((c) => quoteIdent(c.name)).join(', ');
    // Staging (controls.md §8.5) costs the server a second pass over every row (INSERT … SELECT
    // inserts row by row, COPY in batches): ~20 % of the load's throughput, which misses the
    // issue's ≥ 80 %-of-bare-COPY target (bench/results/postgres.md). The transaction alone
    // already makes a load atomic, so `staging: auto` (default) COPYs straight into a load table
    // whose run columns fill themselves from this transaction's settings; any other table is staged.
    this.direct = this.sink.settings.staging === 'auto' && (!this.withRunCols || runColumnsFromSettings(loadCols));
    let copyInto: string;
    if (this.direct) {
      if (this.withRunCols) {
        await this.q('SELECT set_config($1, $2, true), set_config($3, $4, true)', [RUN_ID_SETTING, this.ctx.runId, PARTITION_SETTING, this.partition === null ? '' : String(this.partition)]);
        await this.deleteOwnRows();
      }
      copyInto = qualified(this.schemaName, this.loadTable);
    } else {
      await this.q(`CREATE TEMP TABLE _dsp_stage ON COMMIT DROP AS SELECT ${this.dataCols} FROM ${this.qualifiedTarget} WITH NO DATA`);
      copyInto = '_dsp_stage';
    }
    const copy = copyStreams.from(`COPY ${copyInto} (${this.dataCols}) FROM STDIN WITH (FORMAT csv, HEADER true, NULL '')`, { highWaterMark: HIGH_WATER_MARK });
    this.copy = copy;
    this.writable = new CopyInWritable(copy, (err) => {
      this.copyFailed = true;
      return this.failure(this.clientError ?? err, 'copy');
    });
    // Observed through the engine's pipeline; this keeps an early failure from being unhandled.
    this.writable.on('error', () => undefined);
    this.client.query(copy);
  }

  /** Run columns are written in replace mode always: the shadow has them, so its reloads stay idempotent. */
  private get withRunCols(): boolean {
    return this.runColumns || this.mode === 'replace';
  }

  /** Idempotent reload: exactly this run's rows of this partition go first (controls.md §8.5 step 4). */
  private async deleteOwnRows(): Promise<void> {
    const load = qualified(this.schemaName, this.loadTable);
    const runId = quoteIdent(RUN_ID_COLUMN);
    const part = quoteIdent(PARTITION_COLUMN);
    if (this.partition === null) await this.q(`DELETE FROM ${load} WHERE ${runId} = $1::${this.runIdType} AND ${part} IS NULL`, [this.ctx.runId]);
    else await this.q(`DELETE FROM ${load} WHERE ${runId} = $1::${this.runIdType} AND ${part} = $2::${this.partitionType}`, [this.ctx.runId, this.partition]);
  }

  /** `<table>__dsp_<hex>`, `LIKE <target> INCLUDING ALL`, always with run columns so reloads stay idempotent. */
  private async ensureShadow(targetCols: Map<string, TargetColumn>): Promise<{ name: string; cols: TargetColumn[] }> {
    const shadow = shadowTableName(this.table, this.ctx.runId);
    if (Buffer.byteLength(shadow) > MAX_IDENTIFIER_BYTES) {
      throw this.schemaError(`the shadow table name ${shadow} for mode: replace is longer than ${MAX_IDENTIFIER_BYTES} bytes; use a shorter table name or mode: append.`);
    }
    if ((await this.targetColumns(shadow)).length === 0) {
      await this.lockName(shadow);
      if ((await this.targetColumns(shadow)).length === 0) {
        const s = qualified(this.schemaName, shadow);
        const stmts = [`CREATE TABLE ${s} (LIKE ${this.qualifiedTarget} INCLUDING ALL)`];
        if (!targetCols.has(RUN_ID_COLUMN)) stmts.push(`ALTER TABLE ${s} ADD COLUMN ${quoteIdent(RUN_ID_COLUMN)} ${RUN_ID_COLUMN_DDL}`);
        if (!targetCols.has(PARTITION_COLUMN)) stmts.push(`ALTER TABLE ${s} ADD COLUMN ${quoteIdent(PARTITION_COLUMN)} ${PARTITION_COLUMN_DDL}`);
        await this.q(stmts.join(';\n'));
      }
    }
    const cols = await this.targetColumns(shadow);
    const shadowCols = new Map(cols.map((c) => [c.name, c]));
    this.runIdType = shadowCols.get(RUN_ID_COLUMN)?.type ?? 'uuid';
    this.partitionType = shadowCols.get(PARTITION_COLUMN)?.type ?? 'integer';
    return { name: shadow, cols };
  }

  bufferedBytes(): number {
    return this.writable?.pendingBytes ?? 0;
  }

  commit(): Promise<CommittedOutput> {
    if (this.aborted) {
      return Promise.reject(new OutputError('DSP_SINK_POSTGRES_ABORTED', `sink ${this.sink.id}: the load into ${this.uri} was aborted and cannot be committed`, { sink: this.sink.id, uri: this.uri }));
    }
    this.commitPromise ??= this.doCommit();
    return this.commitPromise;
  }

  private async doCommit(): Promise<CommittedOutput> {
    const w = this.writable;
    try {
      await endAndFinish(w);
      if (this.clientError) throw this.clientError;
      const copy = this.copy!;
      // The header line is not a row (COPY … HEADER true skips it).
      const sent = Math.max(w.counter.finish() - 1, 0);
      if (copy.rowCount !== sent) {
        throw new OutputError('DSP_SINK_POSTGRES_ROWCOUNT', `sink ${this.sink.id}: COPY into ${this.uri} stored ${copy.rowCount} rows but ${sent} were sent; the load was rolled back. This is a bug or a server-side rule (trigger) on the table; report it.`, { sink: this.sink.id, uri: this.uri, sent, stored: copy.rowCount });
      }
      if (!this.direct) await this.insertStaged(sent);
      if (this.mode !== 'replace') {
        const comment = this.sink.tableComment?.(this.table, this.ctx) ?? null;
        if (comment !== null) await this.q(`COMMENT ON TABLE ${this.qualifiedTarget} IS ${quoteLiteral(comment)}`);
      }
      await this.q('COMMIT');
      this.committed = true;
    } catch (err) {
      await this.rollbackAndRelease(err);
      throw this.failure(err, 'commit');
    }
    this.release();
    return {
      uri: this.uri,
      rel: null,
      committedAt: new Date().toISOString(),
      extra: { mode: this.mode, txid: this.txid },
    };
  }

  /** The staged path's second step: DELETE this run's partition, INSERT … SELECT with the run columns. */
  private async insertStaged(sent: number): Promise<void> {
    const load = qualified(this.schemaName, this.loadTable);
    let inserted: pg.QueryResult;
    if (this.withRunCols) {
      await this.deleteOwnRows();
      inserted = await this.q(
        `INSERT INTO ${load} (${this.dataCols}, ${quoteIdent(RUN_ID_COLUMN)}, ${quoteIdent(PARTITION_COLUMN)}) SELECT ${this.dataCols}, $1::${this.runIdType}, $2::${this.partitionType} FROM _dsp_stage`,
        [this.ctx.runId, this.partition],
      );
    } else {
      inserted = await this.q(`INSERT INTO ${load} (${this.dataCols}) SELECT ${this.dataCols} FROM _dsp_stage`);
    }
    if (inserted.rowCount !== sent) {
      throw new OutputError('DSP_SINK_POSTGRES_ROWCOUNT', `sink ${this.sink.id}: inserting the staged rows into ${this.uri} stored ${inserted.rowCount} of ${sent} rows (a rule or trigger on the table?); the load was rolled back.`, { sink: this.sink.id, uri: this.uri, sent, stored: inserted.rowCount });
    }
  }

  abort(reason: unknown): Promise<void> {
    if (this.committed) return Promise.resolve();
    this.abortPromise ??= this.doAbort(reason);
    return this.abortPromise;
  }

  private async doAbort(reason: unknown): Promise<void> {
    this.aborted = this.commitPromise === null;
    if (this.commitPromise) {
      // A commit in flight either commits (abort is then a no-op) or rolls back itself.
      await this.commitPromise.catch(() => undefined);
      this.aborted = !this.committed;
      return;
    }
    try {
      const copy = this.copy;
      // CopyFail ends the COPY on the server (pg-copy-streams ≥ 6); skipped when it already failed.
      if (copy && !copy.destroyed && !copy.writableFinished && !this.copyFailed && !this.clientError) copy.destroy(reason instanceof Error ? reason : new Error('load aborted'));
      if (this.writable && !this.writable.destroyed) this.writable.destroy();
    } catch {
      // never throws
    }
    await this.rollbackAndRelease(reason);
  }

  /** ROLLBACK (bounded in time) and drop the connection: its session state is unknown. */
  private async rollbackAndRelease(err: unknown): Promise<void> {
    if (this.released) return;
    if (!this.clientError) await withTimeout(this.client.query('ROLLBACK'), ROLLBACK_TIMEOUT_MS).catch(() => undefined);
    this.release(err instanceof Error ? err : new Error(String(err)));
  }

  private release(err?: Error): void {
    if (this.released) return;
    this.released = true;
    try {
      this.client.release(err ?? undefined);
    } catch {
      // already released by the pool
    }
    // A discarded connection may still report its end; nothing listens for it any more.
    if (!err) this.client.off('error', this.onClientError);
  }

  private schemaError(message: string): OutputError {
    return new OutputError('DSP_SINK_POSTGRES_SCHEMA', `sink ${this.sink.id}: ${message}`, { sink: this.sink.id, table: this.table, uri: this.uri });
  }

  /** Any failure as an OutputError saying what, where and what to do, with passwords redacted. */
  failure(err: unknown, phase: 'open' | 'copy' | 'commit'): OutputError {
    if (err instanceof OutputError) return err;
    const lost = this.clientError !== null || /terminat|connection|ECONNRESET|EPIPE|socket/i.test(messageOf(err));
    const what = phase === 'open' ? 'preparing the load into' : phase === 'copy' ? 'COPY into' : 'committing the load into';
    const code = phase === 'copy' ? 'DSP_SINK_POSTGRES_COPY' : phase === 'open' ? 'DSP_SINK_POSTGRES_OPEN' : 'DSP_SINK_POSTGRES_COMMIT';
    const advice = lost
      ? 'The connection to the server was lost; nothing of this output was committed. Check the server, then re-run: a re-run with the same run id replaces exactly this output\'s rows.'
      : 'The load transaction was rolled back; nothing of this output was committed. Fix the table or the data, then re-run.';
    return new OutputError(code, this.sink.redact(`sink ${this.sink.id}: ${what} ${this.uri} failed: ${pgMessage(err)}. ${advice}`), { sink: this.sink.id, table: this.table, uri: this.uri, pg_code: (err as PgErrorLike)?.code }, { cause: err });
  }
}

export const postgresSink: SinkPlugin<PostgresSinkOptions> = {
  type: 'postgres',
  description: 'PostgreSQL tables loaded with COPY inside one transaction per output (append, replace or fail-if-exists).',
  optionsSchema: postgresSinkOptionsSchema,
  defaultFormat: 'csv',
  formats: ['csv'],
  create(id: string, options: PostgresSinkOptions, settings: SinkSettings): Sink {
    // Every table of a `single`-layout load holds one connection until it commits: size the default pool by them.
    const outputs = settings.concurrentOutputs ?? 0;
    return new PostgresSink(id, options.pool_size === undefined && outputs + 1 > DEFAULT_POOL_SIZE ? { ...options, pool_size: Math.min(64, outputs + 1) } : options);
  },
};
