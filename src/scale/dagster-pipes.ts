/**
 * Dagster Pipes, implemented natively (controls.md §10.4): when Dagster launches
 * `datasynth-pipe run` through a Pipes client, the bootstrap environment variables name a context
 * (asset keys, partition key, run id, extras such as shard_index/shard_count) and a message channel.
 * We report `opened`, `log`, `report_custom_message` (progress, throttled), one
 * `report_asset_materialization` per asset at commit and `closed`. Outside Dagster every method is
 * a no-op.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import type { Manifest } from '../provenance/manifest.js';
import type { GateReport } from '../quality/gates.js';

export const PIPES_VERSION = '0.1';

export interface PipesContext {
  readonly asset_keys?: string[] | null;
  readonly partition_key?: string | null;
  readonly run_id?: string;
  readonly retry_number?: number;
  readonly extras?: Record<string, unknown>;
  readonly [k: string]: unknown;
}

type Channel = { path: string } | { stdio: 'stdout' | 'stderr' } | { buffered_stdio: 'stdout' | 'stderr' };

export interface PipesMessage {
  readonly __dagster_pipes_version: string;
  readonly method: string;
  readonly params: Record<string, unknown> | null;
}

/** `base64(zlib deflate(JSON))` — the Pipes encoding of bootstrap parameters. */
export function decodePipesParam(value: string): Record<string, unknown> {
  return JSON.parse(inflateSync(Buffer.from(value, 'base64')).toString('utf8')) as Record<string, unknown>;
}

/** A metadata entry in Pipes' typed form. */
function meta(raw: unknown, type: string): { raw_value: unknown; type: string } {
  return { raw_value: raw, type };
}

/** `dagster.report_gates_as_checks` of a config (or a manifest's runtime keys). */
export function gatesAsChecks(runtimeConfig: unknown): boolean {
  const d = (runtimeConfig as { dagster?: { report_gates_as_checks?: unknown } } | null | undefined)?.dagster;
  return d?.report_gates_as_checks === true;
}

export class PipesSession {
  private buffered: string[] = [];
  private lastCustom = 0;
  private closed = false;

  private constructor(readonly context: PipesContext | null, private readonly channel: Channel | null) {}

  /**
   * The session for this process: reads DAGSTER_PIPES_CONTEXT / DAGSTER_PIPES_MESSAGES; a no-op
   * session when they are absent. A context that cannot be read is an error worth stopping for.
   */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): PipesSession {
    const c = env.DAGSTER_PIPES_CONTEXT;
    const m = env.DAGSTER_PIPES_MESSAGES;
    if (!c && !m) return new PipesSession(null, null);
    let context: PipesContext | null = null;
    if (c) {
      const p = decodePipesParam(c);
      if (typeof p.path === 'string') context = JSON.parse(readFileSync(p.path, 'utf8')) as PipesContext;
      else if (p.data && typeof p.data === 'object') context = p.data as PipesContext;
      else throw new Error('DAGSTER_PIPES_CONTEXT names neither "path" nor "data"');
    }
    let channel: Channel | null = null;
    if (m) {
      const p = decodePipesParam(m);
      if (typeof p.path === 'string') channel = { path: p.path };
      else if (p.stdio === 'stdout' || p.stdio === 'stderr') channel = { stdio: p.stdio };
      else if (p.buffered_stdio === 'stdout' || p.buffered_stdio === 'stderr') channel = { buffered_stdio: p.buffered_stdio };
      else throw new Error('DAGSTER_PIPES_MESSAGES names no supported channel (path, stdio, buffered_stdio)');
    }
    return new PipesSession(context ?? {}, channel);
  }

  /** True when launched by Dagster Pipes. */
  get active(): boolean {
    return this.channel !== null || this.context !== null;
  }

  /** Shard from `extras.shard_index` / `extras.shard_count` (or a numeric partition key), for controls.md §11.1. */
  shardHint(): { shardIndex?: number; shardCount?: number; partitionKey?: string | null } | null {
    if (!this.context) return null;
    const x = this.context.extras ?? {};
    const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) ? v : typeof v === 'string' && /^[0-9]+$/.test(v) ? Number(v) : undefined);
    return { shardIndex: num(x.shard_index), shardCount: num(x.shard_count), partitionKey: this.context.partition_key ?? null };
  }

  /** `extras.run_id`, else Dagster's run id (controls.md §11.2). */
  runIdHint(): string | null {
    if (!this.context) return null;
    const x = this.context.extras ?? {};
    if (typeof x.run_id === 'string') return x.run_id;
    return typeof this.context.run_id === 'string' ? this.context.run_id : null;
  }

  private write(method: string, params: Record<string, unknown> | null): void {
    if (!this.channel || this.closed) return;
    const line = JSON.stringify({ __dagster_pipes_version: PIPES_VERSION, method, params } satisfies PipesMessage);
    if ('path' in this.channel) appendFileSync(this.channel.path, line + '\n');
    else if ('stdio' in this.channel) (this.channel.stdio === 'stdout' ? process.stdout : process.stderr).write(line + '\n');
    else this.buffered.push(line);
  }

  opened(): void {
    this.write('opened', { extras: {} });
  }

  log(message: string, level: 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL' = 'INFO'): void {
    this.write('log', { message, level });
  }

  /** A progress event, at most every `minIntervalMs` (10 s, controls.md §10.4). */
  progress(payload: unknown, nowMs: number, minIntervalMs = 10_000): void {
    if (nowMs - this.lastCustom < minIntervalMs) return;
    this.lastCustom = nowMs;
    this.write('report_custom_message', { payload });
  }

  /**
   * One materialization per asset key of the context: when asset keys name tables, each reports its
   * table; otherwise each reports the whole run. `data_version` = SHA-256 of the outputs' hashes in id
   * order (controls.md §10.4). Only for committed runs.
   */
  reportMaterializations(manifest: Manifest, manifestUri: string): void {
    if (!this.channel || manifest.status !== 'complete') return;
    const keys = this.context?.asset_keys && this.context.asset_keys.length > 0 ? this.context.asset_keys : [null];
    for (const key of keys) {
      const tableName = key !== null && manifest.tables[key] ? key : null;
      const outs = manifest.outputs.filter((o) => o.role === 'data' && (tableName === null || o.table === tableName)).sort((a, b) => (a.id < b.id ? -1 : 1));
      const rows = tableName ? manifest.tables[tableName].rows : Object.values(manifest.tables).reduce((a, t) => a + t.rows, 0);
      const bytes = outs.reduce((a, o) => a + o.bytes, 0);
      const dataVersion = createHash('sha256').update(outs.map((o) => o.sha256).join('\n')).digest('hex');
      this.write('report_asset_materialization', {
        asset_key: key,
        data_version: dataVersion,
        metadata: {
          rows: meta(rows, 'int'),
          bytes: meta(bytes, 'int'),
          config_hash: meta(manifest.config.hash, 'text'),
          seed: meta(manifest.seed, 'text'),
          run_id: meta(manifest.run_id, 'text'),
          manifest: meta(manifestUri, 'url'),
          outputs: meta(outs.map((o) => ({ uri: o.uri, table: o.table, rows: o.rows, sha256: o.sha256 })), 'json'),
          ...(tableName === null ? { tables: meta(Object.fromEntries(Object.entries(manifest.tables).map(([t, s]) => [t, s.rows])), 'json') } : {}),
        },
      });
    }
  }

  /**
   * `report_asset_check` per gate and asset key (controls.md §10.4, `dagster.report_gates_as_checks`):
   * passed = pass or not applicable; severity ERROR when the gates were enforced, else WARN; metadata
   * carries status, value, threshold, comparison, n and the gate's message.
   */
  reportGateChecks(report: GateReport): void {
    if (!this.channel) return;
    const keys = this.context?.asset_keys && this.context.asset_keys.length > 0 ? this.context.asset_keys : [null];
    for (const key of keys) {
      for (const r of report.results) {
        this.write('report_asset_check', {
          asset_key: key,
          check_name: r.gate,
          passed: r.status === 'pass' || r.status === 'not_applicable',
          severity: report.enforce ? 'ERROR' : 'WARN',
          metadata: {
            status: meta(r.status, 'text'),
            value: meta(r.value, r.value === null ? 'null' : 'float'),
            threshold: meta(r.threshold, 'float'),
            comparison: meta(r.comparison, 'text'),
            n: meta(r.n, 'int'),
            message: meta(r.message, 'text'),
            profile: meta(report.profile, 'text'),
          },
        });
      }
    }
  }

  /** Last message; `error` becomes the Pipes exception. Flushes a buffered channel. */
  close(error?: { name: string; message: string; stack?: string } | null): void {
    if (this.closed) return;
    this.write('closed', error ? { exception: { name: error.name, message: error.message, stack: error.stack ?? null, cause: null, context: null } } : {});
    this.closed = true;
    if (this.channel && 'buffered_stdio' in this.channel && this.buffered.length > 0) {
      (this.channel.buffered_stdio === 'stdout' ? process.stdout : process.stderr).write(this.buffered.join('\n') + '\n');
      this.buffered = [];
    }
  }
}
