/**
 * Run events for progress displays and orchestrators (controls.md §10.2).
 * The runner emits them; reporters (bar, NDJSON) render them on stderr.
 */
export interface ProgressStart {
  type: 'start';
  runId: string;
  plannedRows: number;
  plannedRowsByTable: Record<string, number>;
  partitions: number;
  configHash: string;
  seed: string;
}
export interface ProgressTick {
  type: 'progress';
  rows: number;
  bytes: number;
  table: string;
  elapsedMs: number;
  /** Rows delivered so far per table (for per-table rates). */
  tableRows?: Record<string, number>;
  /** Per component: rows received/sent, bytes, errors (controls.md §10.2 `components`). */
  components?: Record<string, ComponentTick>;
  /** 0–3 (controls.md §7.2). */
  guardLevel?: number;
  /** Why the sources are held now (`guard`, `signal`); empty when running. */
  paused?: string[];
  /** Gauges: resident memory, least free disk, bytes buffered per sink (controls.md §10.1). */
  rssBytes?: number | null;
  diskFree?: { path: string; bytes: number } | null;
  sinkBufferedBytes?: Record<string, number>;
}
/** `bytes` is what the component wrote (sinks) or read (others); the two byte counters are the manifest's. */
export interface ComponentTick { kind: 'source' | 'transform' | 'sink'; type: string; recv: number; sent: number; bytes: number; recvBytes: number; sentBytes: number; errors: number }
/** A guard level change (controls.md §7.6: `{at, from, to, resource, value, threshold, action}`). */
export interface ProgressGuard {
  type: 'guard';
  at: string;
  from: string;
  to: string;
  level: number;
  resource: string;
  value: number;
  threshold: number;
  action: string;
}
/** Sources held (`pause`) or released (`resume`) for `reason`. */
export interface ProgressPause { type: 'pause' | 'resume'; at: string; reason: 'guard' | 'signal' }
/** Sinks are checked and the first outputs may open (`/ready`, controls.md §10.3). */
export interface ProgressReady { type: 'ready' }
export interface ProgressOutput {
  type: 'output';
  /** The sink that committed it. */
  sink?: string;
  uri: string;
  table: string;
  partitions: readonly number[];
  rows: number;
  bytes: number;
  sha256: string;
}
export interface ProgressWarning { type: 'warning'; code: string; message: string }
export interface ProgressEnd {
  type: 'end';
  status: string;
  exitCode: number;
  durationMs: number;
  manifestUri: string | null;
  rows: number;
  bytes: number;
  /** Final per-component counters (equal to the manifest's `components`). */
  components?: Record<string, ComponentTick>;
  guardLevel?: number;
}
/** Quality gates evaluated (controls.md §10.2): whether they passed and which failed; `report` is gates.json's URI. */
export interface ProgressGates { type: 'gates'; passed: boolean; enforce: boolean; failed: string[]; profile: string; summary: string; report: string }
export type RunEvent = ProgressStart | ProgressTick | ProgressOutput | ProgressWarning | ProgressEnd | ProgressGuard | ProgressPause | ProgressReady | ProgressGates;
export type RunEventListener = (event: RunEvent) => void;
