/**
 * Embedding API: run a whole pipeline from code.
 */
import { EventEmitter } from 'node:events';
import { loadConfigFile, loadConfigObject } from '../config/load.js';
import type { LoadedConfig, PipelineConfig } from '../config/types.js';
import { runPipeline, type RunResult } from '../engine/runner.js';
import type { RunEvent } from '../engine/progress.js';
import type { Manifest } from '../provenance/manifest.js';
import '../plugins.js';

export interface OpenPipelineOptions {
  /** Master seed; overrides the config's `seed`. */
  seed?: number | string | bigint;
  /** `key.path=value` overrides, as `--set`. */
  overrides?: string[];
  /** Output root, as `--out`. */
  out?: string;
  /** As `--if-exists`. */
  ifExists?: 'fail' | 'overwrite';
  /** Working directory for relative paths (default process.cwd()). */
  cwd?: string;
  /** Abort to stop gracefully (the result's status is `aborted`, exit code 75). */
  signal?: AbortSignal;
  /** Interval of `progress` events in ms (default 1000). */
  progressIntervalMs?: number;
}

export interface PipelineRunEvents {
  start: [Extract<RunEvent, { type: 'start' }>];
  progress: [Extract<RunEvent, { type: 'progress' }>];
  output: [Extract<RunEvent, { type: 'output' }>];
  warning: [Extract<RunEvent, { type: 'warning' }>];
  end: [Extract<RunEvent, { type: 'end' }>];
}

/**
 * A running pipeline: an EventEmitter of run events plus the `done` promise.
 * `done` resolves (never rejects for run failures) with the result; inspect
 * `result.exitCode` / `result.status`. It rejects only for invalid configs.
 */
export class PipelineRun extends EventEmitter<PipelineRunEvents> {
  readonly done: Promise<RunResult>;
  private result: RunResult | null = null;

  constructor(start: (onEvent: (e: RunEvent) => void) => Promise<RunResult>) {
    super();
    this.done = start((e) => this.emit(e.type, e as never)).then((r) => {
      this.result = r;
      return r;
    });
  }

  /** The final manifest, once `done` resolved. */
  get manifest(): Manifest | null {
    return this.result?.manifest ?? null;
  }
}

/**
 * Opens and starts a pipeline from a YAML path or a config object.
 *
 * @example
 * ```ts
 * import { openPipeline } from 'datasynth-pipe';
 * const run = openPipeline('pipelines/demo.yaml', { out: '/tmp/demo', ifExists: 'overwrite' });
 * run.on('output', (o) => console.log(o.uri, o.rows));
 * const result = await run.done;
 * console.log(result.status, result.manifest.outputs.length);
 * ```
 */
export function openPipeline(config: string | PipelineConfig | Record<string, unknown>, options: OpenPipelineOptions = {}): PipelineRun {
  const seed = options.seed === undefined ? undefined : typeof options.seed === 'bigint' ? options.seed : String(options.seed);
  return new PipelineRun(async (onEvent) => {
    const loaded: LoadedConfig = typeof config === 'string'
      ? await loadConfigFile(config, { overrides: options.overrides ?? [], seed })
      : loadConfigObject(config, { overrides: options.overrides ?? [], seed });
    return runPipeline({
      loaded,
      cwd: options.cwd,
      outRoot: options.out ?? null,
      ifExists: options.ifExists,
      signal: options.signal,
      onEvent,
      progressIntervalMs: options.progressIntervalMs,
    });
  });
}
