/**
 * Embedding API: run a whole pipeline from code — the same run the CLI's
 * `datasynth-pipe run` does (outputs, manifest, `_SUCCESS`), observed through
 * typed events and one `done` promise.
 */
import { EventEmitter } from 'node:events';
import { loadConfigFile, loadConfigObject } from '../config/load.js';
import type { LoadedConfig, PipelineConfig } from '../config/types.js';
import { runPipeline, type RunOptions, type RunResult } from '../engine/runner.js';
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
  ifExists?: 'fail' | 'overwrite' | 'resume';
  /** Working directory for relative paths (default process.cwd()). */
  cwd?: string;
  /** Abort to stop gracefully (the result's status is `aborted`, exit code 75). */
  signal?: AbortSignal;
  /** Interval of `progress` events in ms (default 1000; 0 = after every batch). */
  progressIntervalMs?: number;
  /** As `--gates` / `--gates-profile` (controls.md §6.1). */
  gates?: RunOptions['gates'];
}

export interface PipelineRunEvents {
  start: [Extract<RunEvent, { type: 'start' }>];
  progress: [Extract<RunEvent, { type: 'progress' }>];
  output: [Extract<RunEvent, { type: 'output' }>];
  warning: [Extract<RunEvent, { type: 'warning' }>];
  end: [Extract<RunEvent, { type: 'end' }>];
  guard: [Extract<RunEvent, { type: 'guard' }>];
  pause: [Extract<RunEvent, { type: 'pause' }>];
  resume: [Extract<RunEvent, { type: 'resume' }>];
  ready: [Extract<RunEvent, { type: 'ready' }>];
  gates: [Extract<RunEvent, { type: 'gates' }>];
}

/**
 * A running pipeline: an EventEmitter of typed run events plus the `done` promise.
 *
 * Events, in this order: `start` (plan: planned rows, partitions, config hash, seed) → `ready`
 * (sinks checked) → any number of `progress`, `output` (one per committed output), `guard`,
 * `pause` / `resume` → `warning` (one per manifest warning) → `end` (status, exit code). `done`
 * resolves after `end`.
 *
 * `done` never rejects for a run failure: a failed, stopped or gate-failed run resolves with
 * `status` `failed` / `aborted` / `incomplete` and its exit code (3, 75, 2) and the error in
 * `result.error`. It rejects only when the run cannot start — with a {@link ConfigError}
 * (exit code 1: invalid config, its `issues` list every problem with a key path) or an
 * `OutputError` (exit code 3: e.g. the output root already holds a run and `ifExists` is
 * `fail`); no event is emitted then.
 *
 * @example
 * ```ts
 * import { openPipeline } from 'datasynth-pipe';
 * const run = openPipeline('pipelines/demo.yaml', { out: '/tmp/demo', ifExists: 'overwrite' });
 * run.on('progress', (p) => console.log(`${p.rows} rows`));
 * const result = await run.done;
 * if (result.exitCode !== 0) console.error(result.status, result.error?.message);
 * ```
 */
export class PipelineRun extends EventEmitter<PipelineRunEvents> {
  /** The result once the run ended (never rejects for run failures, see the class doc). */
  readonly done: Promise<RunResult>;
  private finished: RunResult | null = null;
  private readonly stopper = new AbortController();

  /** Use {@link openPipeline}; `start` runs the pipeline, reporting every event to its callback. */
  constructor(start: (onEvent: (e: RunEvent) => void, signal: AbortSignal) => Promise<RunResult>) {
    super();
    let end: Extract<RunEvent, { type: 'end' }> | null = null;
    const onEvent = (e: RunEvent): void => {
      // `end` waits until the manifest is known, so its warnings come first (see the class doc).
      if (e.type === 'end') end = e;
      else this.emit(e.type, e as never);
    };
    this.done = start(onEvent, this.stopper.signal).then(
      (r) => {
        this.finished = r;
        for (const w of r.manifest.warnings) this.emit('warning', { type: 'warning', code: w.code, message: w.message });
        if (end) this.emit('end', end);
        return r;
      },
      (err: unknown) => {
        if (end) this.emit('end', end);
        throw err;
      },
    );
  }

  /** The final manifest, once `done` resolved (null before). */
  get manifest(): Manifest | null {
    return this.finished?.manifest ?? null;
  }

  /** The result, once `done` resolved (null before). */
  get result(): RunResult | null {
    return this.finished;
  }

  /**
   * Stops the run gracefully at the next batch boundary: nothing partial is published, the
   * result's status is `aborted` (exit code 75). Same as aborting `options.signal`.
   *
   * @example
   * ```ts
   * const run = openPipeline(config, { out: '/tmp/x' });
   * run.once('output', () => run.stop());
   * (await run.done).status; // 'aborted'
   * ```
   */
  stop(reason: { code?: string; message?: string } = { code: 'DSP_API_STOP', message: 'run stopped by the embedding application' }): void {
    this.stopper.abort(reason);
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
  return new PipelineRun(async (onEvent, stopSignal) => {
    const loaded: LoadedConfig = typeof config === 'string'
      ? await loadConfigFile(config, { overrides: options.overrides ?? [], seed })
      : loadConfigObject(config, { overrides: options.overrides ?? [], seed });
    return runPipeline({
      loaded,
      cwd: options.cwd,
      outRoot: options.out ?? null,
      ifExists: options.ifExists,
      signal: options.signal ? AbortSignal.any([options.signal, stopSignal]) : stopSignal,
      onEvent,
      progressIntervalMs: options.progressIntervalMs,
      gates: options.gates,
    });
  });
}
