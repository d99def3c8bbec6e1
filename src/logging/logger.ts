/**
 * Structured JSON logs on stderr with pino (`--log-level`, default `warn`):
 * one record per run milestone, guard change, pause and warning — never per row.
 * The progress display is separate (src/cli/progress.ts).
 */
import { pino, type Logger, type DestinationStream } from 'pino';
import type { RunEvent } from '../engine/progress.js';
import { UsageError } from '../errors.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * A logger writing synchronously to `destination` (stderr by default), so a forced exit
 * loses nothing.
 *
 * @example
 * const log = createLogger('info');
 * log.info({ run_id }, 'run started');
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')} (got '${level}')`);
  }
  return pino(
    { name: 'datasynth-pipe', level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime },
    destination ?? pino.destination({ fd: 2, sync: true }),
  );
}

/**
 * Turns a run event into a log record (progress ticks and outputs are debug-level).
 *
 * @example
 * runPipeline({ loaded, onEvent: (e) => logRunEvent(log, e) });
 */
export function logRunEvent(log: Logger, e: RunEvent): void {
  switch (e.type) {
    case 'start':
      log.info({ event: 'run.start', run_id: e.runId, planned_rows: e.plannedRows, partitions: e.partitions, config_hash: e.configHash, seed: e.seed }, 'run started');
      break;
    case 'ready':
      log.debug({ event: 'ready' }, 'sinks ready');
      break;
    case 'progress':
      log.trace({ event: 'progress', rows: e.rows, bytes: e.bytes, guard_level: e.guardLevel, paused: e.paused }, 'progress');
      break;
    case 'output':
      log.debug({ event: 'output.commit', uri: e.uri, table: e.table, rows: e.rows, bytes: e.bytes, sha256: e.sha256 }, 'output committed');
      break;
    case 'guard': {
      const fields = { event: 'guard.level', from: e.from, to: e.to, resource: e.resource, value: e.value, threshold: e.threshold, action: e.action };
      const msg = `resource guard: ${e.from} → ${e.to} (${e.resource}; ${e.action})`;
      if (e.level >= 2) log.warn(fields, msg);
      else log.info(fields, msg);
      break;
    }
    case 'pause':
    case 'resume':
      log.info({ event: e.type, reason: e.reason }, e.type === 'pause' ? `sources paused (${e.reason})` : `sources resumed (${e.reason})`);
      break;
    case 'warning':
      log.warn({ event: 'warning', code: e.code }, e.message);
      break;
    case 'gates': {
      const fields = { event: 'gates.evaluate', passed: e.passed, failed: e.failed, enforce: e.enforce, profile: e.profile };
      // Info either way: a failure is already reported as the run's error (and its table on stderr).
      log.info(fields, e.passed ? `quality gates: ${e.summary}` : `quality gates failed: ${e.failed.join(', ')} (${e.summary})`);
      break;
    }
    case 'end':
      // The CLI already says why a run did not complete; this record is for log collectors.
      log.info({ event: 'run.end', status: e.status, exit_code: e.exitCode, duration_ms: e.durationMs, rows: e.rows, bytes: e.bytes }, `run ${e.status}`);
      break;
  }
}
