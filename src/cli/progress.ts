/**
 * Progress on stderr (controls.md §10.2): a redrawn bar on a TTY, NDJSON
 * events for orchestrators, or nothing. Never on stdout.
 */
import type { RunEvent } from '../engine/progress.js';

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
        body = { elapsed_ms: e.elapsedMs, rows: e.rows, rows_planned: this.plannedRows, bytes: e.bytes, rate_rows_s: rate, table: e.table };
        break;
      }
      case 'output':
        body = { uri: e.uri, table: e.table, partitions: e.partitions, rows: e.rows, bytes: e.bytes, sha256: e.sha256 };
        break;
      case 'warning':
        body = { code: e.code, message: e.message };
        break;
      case 'end':
        body = { status: e.status, exit_code: e.exitCode, duration_ms: e.durationMs, manifest_uri: e.manifestUri, rows: e.rows, bytes: e.bytes };
        break;
    }
    this.stream.write(JSON.stringify({ ...base, ...body }) + '\n');
  }
  close(): void { /* nothing buffered */ }
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

class BarReporter implements ProgressReporter {
  private planned = 0;
  private lastDraw = 0;
  private drawn = false;
  private readonly started = Date.now();
  constructor(private readonly stream: NodeJS.WriteStream) {}
  onEvent(e: RunEvent): void {
    if (e.type === 'start') this.planned = e.plannedRows;
    if (e.type === 'progress') {
      const now = Date.now();
      if (now - this.lastDraw < 100) return;
      this.lastDraw = now;
      const secs = Math.max(e.elapsedMs / 1000, 0.001);
      const rate = e.rows / secs;
      const frac = this.planned > 0 ? Math.min(e.rows / this.planned, 1) : 0;
      const width = 24;
      const filled = Math.round(frac * width);
      const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
      const eta = rate > 0 ? (this.planned - e.rows) / rate : Infinity;
      const line = `${bar} ${e.table} ${fmtInt(e.rows)}/${fmtInt(this.planned)}  ${fmtRate(rate)} rows/s  ${(e.bytes / secs / 1e6).toFixed(0)} MB/s  ETA ${fmtEta(eta)}`;
      this.stream.write(`\r\x1b[2K${line}`);
      this.drawn = true;
    }
    if (e.type === 'end') {
      if (this.drawn) this.stream.write('\r\x1b[2K');
      this.drawn = false;
      const secs = (Date.now() - this.started) / 1000;
      this.stream.write(`${e.status}: ${fmtInt(e.rows)} rows, ${(e.bytes / 1e6).toFixed(1)} MB in ${secs.toFixed(1)} s\n`);
    }
  }
  close(): void {
    if (this.drawn) this.stream.write('\n');
  }
}
