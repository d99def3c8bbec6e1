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
}
export interface ProgressOutput {
  type: 'output';
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
}
export type RunEvent = ProgressStart | ProgressTick | ProgressOutput | ProgressWarning | ProgressEnd;
export type RunEventListener = (event: RunEvent) => void;
