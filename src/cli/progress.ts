/**
 * Progress on stderr (controls.md §10.2): a redrawn bar on a TTY, NDJSON
 * events for orchestrators, or nothing. Never on stdout.
 */
import type { ComponentTick, RunEvent } from '../engine/progress.js';
import { LEVEL_NAMES } from '../guard/levels.js';

export type ProgressMode = 'auto' | 'bar' | 'ndjson' | 'none';

export interface ProgressReporter {
  onEvent(e: RunEvent): void;
  close(): void;
}

export function resolveProgressMode(mode: ProgressMode, stream: NodeJS.WriteStream): Exclude<ProgressMode, 'auto'> {
  if (mode !== 'auto') return mode;
  return stream.isTTY ? 'bar' : 'none';
}

export function createProgressReporter(mode: Exclude<ProgressMode, 'auto'>, stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  if (mode === 'ndjson') return new NdjsonReporter(stream);
  if (mode === 'bar') return new BarReporter(stream);
  return { onEvent: () => undefined, close: () => undefined };
}

class NdjsonReporter implements ProgressReporter {
  private runId = '';
  private plannedRows = 0;
  private lastRows = 0;
  private lastMs = 0;
  constructor(private readonly stream: NodeJS.WriteStream) {}
  onEvent(e: RunEvent): void {
    const base = { v: 1, type: e.type, ts: new Date().toISOString(), run_id: this.runId, shard: '0/1' };
    let body: Record<string, unknown>;
    switch (e.type) {
      case 'start':
        this.runId = e.runId;
        this.plannedRows = e.plannedRows;
        base.run_id = e.runId;
        body = { planned_rows: e.plannedRows, planned_rows_by_table: e.plannedRowsByTable, partitions: e.partitions, config_hash: e.configHash, seed: e.seed };
        break;
      case 'progress': {
        const dt = e.elapsedMs - this.lastMs;
        const rate = dt > 0 ? Math.round(((e.rows - this.lastRows) * 1000) / dt) : 0;
        this.lastRows = e.rows;
        this.lastMs = e.elapsedMs;
        body = {
          elapsed_ms: e.elapsedMs, rows: e.rows, rows_planned: this.plannedRows, bytes: e.bytes, rate_rows_s: rate, table: e.table,
          ...(e.components ? { components: ndjsonComponents(e.components) } : {}),
          guard_level: e.guardLevel ?? 0, paused: (e.paused?.length ?? 0) > 0,
          ...(e.paused?.length ? { paused_by: e.paused } : {}),
        };
        break;
      }
      case 'output':
        body = { uri: e.uri, table: e.table, partition: e.partitions.length === 1 ? e.partitions[0] : null, partitions: e.partitions, rows: e.rows, bytes: e.bytes, sha256: e.sha256 };
        break;
      case 'warning':
        body = { code: e.code, message: e.message };
        break;
      case 'gates':
        body = { passed: e.passed, failed: e.failed, enforce: e.enforce, profile: e.profile, summary: e.summary, report: e.report };
        break;
      case 'guard':
        // controls.md §7.6 fields.
        body = { at: e.at, from: e.from, to: e.to, level: e.level, resource: e.resource, value: e.value, threshold: e.threshold, action: e.action };
        break;
      case 'pause':
      case 'resume':
        body = { at: e.at, reason: e.reason };
        break;
      case 'end':
        body = {
          status: e.status, exit_code: e.exitCode, duration_ms: e.durationMs, manifest_uri: e.manifestUri, rows: e.rows, bytes: e.bytes,
          ...(e.components ? { components: ndjsonComponents(e.components) } : {}),
          ...(e.guardLevel !== undefined ? { guard_level: e.guardLevel } : {}),
        };
        break;
      default:
        return; // 'ready' is for /ready, not a progress event
    }
    this.stream.write(JSON.stringify({ ...base, ...body }) + '\n');
  }
  close(): void { /* nothing buffered */ }
}

function ndjsonComponents(c: Record<string, ComponentTick>): Record<string, { recv: number; sent: number; bytes: number; errors: number }> {
  const out: Record<string, { recv: number; sent: number; bytes: number; errors: number }> = {};
  for (const [id, t] of Object.entries(c)) out[id] = { recv: t.recv, sent: t.sent, bytes: t.bytes, errors: t.errors };
  return out;
}

function fmtInt(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
function fmtRate(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
}
function fmtEta(sec: number): string {
  if (!Number.isFinite(sec) || sec < 0) return '--:--';
  const s = Math.round(sec);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** Most table lines the bar shows at once (the busiest ones); a total line follows. */
const BAR_TABLES = 6;

/**
 * A multi-line bar redrawn at most every 100 ms (controls.md §10.2): one line per table
 * being written (rows, rows/s, ETA), then a total line with MB/s and the guard level.
 */
class BarReporter implements ProgressReporter {
  private planned = 0;
  private plannedByTable: Record<string, number> = {};
  private lastDraw = 0;
  private lines = 0;
  private readonly started = Date.now();
  private readonly rates = new Map<string, { rows: number; ms: number; rate: number }>();
  private guard = 'normal';
  private paused: string[] = [];
  constructor(private readonly stream: NodeJS.WriteStream) {}
  onEvent(e: RunEvent): void {
    if (e.type === 'start') {
      this.planned = e.plannedRows;
      this.plannedByTable = e.plannedRowsByTable;
    }
    if (e.type === 'guard') this.guard = e.to;
    if (e.type === 'pause' || e.type === 'resume') {
      this.paused = e.type === 'pause' ? [...new Set([...this.paused, e.reason])] : this.paused.filter((r) => r !== e.reason);
      this.lastDraw = 0; // show the change at once
    }
    if (e.type === 'progress') {
      if (e.guardLevel !== undefined) this.guard = LEVEL_NAMES[e.guardLevel] ?? this.guard;
      if (e.paused) this.paused = e.paused;
      const now = Date.now();
      for (const [t, rows] of Object.entries(e.tableRows ?? {})) this.updateRate(t, rows, e.elapsedMs);
      if (now - this.lastDraw < 100) return;
      this.lastDraw = now;
      this.draw(e.rows, e.bytes, e.elapsedMs, e.tableRows ?? { [e.table]: e.rows }, e.table);
    }
    if (e.type === 'end') {
      this.clear();
      const secs = (Date.now() - this.started) / 1000;
      this.stream.write(`${e.status}: ${fmtInt(e.rows)} rows, ${(e.bytes / 1e6).toFixed(1)} MB in ${secs.toFixed(1)} s\n`);
    }
  }

  private updateRate(table: string, rows: number, ms: number): void {
    const r = this.rates.get(table);
    if (!r) {
      this.rates.set(table, { rows, ms, rate: ms > 0 ? (rows * 1000) / ms : 0 });
      return;
    }
    if (ms - r.ms < 250) return;
    const inst = ((rows - r.rows) * 1000) / (ms - r.ms);
    // A smoothed rate: a pause shows as a falling rate, not a jump to zero and back.
    r.rate = r.rate * 0.5 + inst * 0.5;
    r.rows = rows;
    r.ms = ms;
  }

  private draw(rows: number, bytes: number, elapsedMs: number, tableRows: Record<string, number>, current: string): void {
    const secs = Math.max(elapsedMs / 1000, 0.001);
    const active = Object.entries(tableRows)
      // Tables still short of their plan, and the one being written (plans are estimates for some).
      .filter(([t, n]) => n < (this.plannedByTable[t] ?? Infinity) || t === current)
      .slice(-BAR_TABLES);
    const out: string[] = [];
    const width = Math.max(...active.map(([t]) => t.length), 10);
    for (const [t, n] of active) {
      const planned = this.plannedByTable[t] ?? 0;
      const rate = this.rates.get(t)?.rate ?? 0;
      const eta = rate > 0 && planned > n ? (planned - n) / rate : planned > 0 && n >= planned ? 0 : Infinity;
      out.push(`[shard 0/1] ${t.padEnd(width)} ${fmtInt(n)}/${fmtInt(planned)}  ${fmtRate(rate)} rows/s  ETA ${fmtEta(eta)}`);
    }
    const frac = this.planned > 0 ? Math.min(rows / this.planned, 1) : 0;
    const filled = Math.round(frac * 24);
    const total = rows / secs;
    const eta = total > 0 ? (this.planned - rows) / total : Infinity;
    const state = this.paused.length > 0 ? `  PAUSED (${this.paused.join(', ')})` : '';
    out.push(`${'█'.repeat(filled)}${'░'.repeat(24 - filled)} ${fmtInt(rows)}/${fmtInt(this.planned)}  ${fmtRate(total)} rows/s  ${(bytes / secs / 1e6).toFixed(0)} MB/s  ETA ${fmtEta(eta)}  guard: ${this.guard}${state}`);
    this.clear();
    this.stream.write(out.map((l) => `\x1b[2K${l}`).join('\n'));
    this.lines = out.length;
  }

  /** Moves back over the last drawing and erases it. */
  private clear(): void {
    if (this.lines === 0) return;
    this.stream.write(`\r${this.lines > 1 ? `\x1b[${this.lines - 1}A` : ''}\x1b[0J`);
    this.lines = 0;
  }

  close(): void {
    if (this.lines > 0) this.stream.write('\n');
    this.lines = 0;
  }
}
