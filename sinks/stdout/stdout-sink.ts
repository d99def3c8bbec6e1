/**
 * The stdout sink (controls.md §8.6): exactly one table as CSV or NDJSON on
 * standard output, for Unix pipes (`datasynth-pipe run x.yaml | duckdb …`,
 * `| psql -c "\copy t from stdin csv header"`, `| gzip > t.csv.gz`, `| head`).
 *
 * Always `single` layout (ascending partitions, one header), no compression
 * (pipe into gzip), one table (`singleTable`: the planner requires
 * `tables: [name]` when the inputs emit several). Logs, progress and the run
 * summary go to stderr; the manifest lands in the control root (./out or --out).
 *
 * Delivery is at most once and may be partial (controls.md §8.1): bytes are
 * gone once written, so there is no atomic publish; when the reader closes
 * early the run stops with `DSP_STDOUT_CLOSED` (exit 75, manifest `aborted`,
 * no `_SUCCESS`).
 *
 * @example
 * # pipeline.yaml
 * sinks:
 *   pipe: { type: stdout, inputs: [gl], tables: [journal_entry_lines], format: csv }
 * $ datasynth-pipe run pipeline.yaml | duckdb -c "select count(*) from read_csv('/dev/stdin')"
 */
import type { Writable } from 'node:stream';
import { fstat } from 'node:fs';
import { OutputError } from '../../src/errors.js';
import type { CommittedOutput, OptionsSchema, OutputTarget, OutputWriter, RunContext, Sink, SinkPlugin, SinkSettings } from '../../src/engine/plugins.js';
import { StdoutWritable, isStdoutClosed, stdoutClosedError, stdoutState } from './stdout-writable.js';
import { DELIMITER_OPTION } from '../../src/engine/sink-options.js';

export interface StdoutSinkOptions {
  format?: 'csv' | 'ndjson';
  tables?: string[];
  delimiter?: string;
}

export const STDOUT_URI = 'stdout:';

export const stdoutSinkOptionsSchema: OptionsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    format: { enum: ['csv', 'ndjson'], default: 'csv', description: 'Format written to standard output.' },
    tables: {
      type: 'array',
      items: { type: 'string' },
      minItems: 1,
      uniqueItems: true,
      // No maxItems: the planner's singleTable check says which tables there are and what to write instead.
      description: 'The one table to write, e.g. [journal_entry_lines]; required when the inputs emit several tables (a stdout sink writes exactly one).',
    },
    delimiter: DELIMITER_OPTION,
  },
};

class StdoutOutputWriter implements OutputWriter {
  readonly writable: StdoutWritable;
  /** StdoutWritable calls back only after stdout's own write callback: nothing keeps the chunk. */
  readonly releasesChunks = true;
  private commitPromise: Promise<CommittedOutput> | null = null;
  private released = false;

  constructor(private readonly sinkId: string, private readonly table: string, private readonly out: Writable) {
    this.writable = new StdoutWritable(out, `sink ${sinkId}, table ${table}`);
    // A finished or destroyed writable closes (autoDestroy): stdout is free again either way.
    this.writable.once('close', () => this.release());
  }

  bufferedBytes(): number {
    return this.writable.writableLength + this.writable.downstreamBytes();
  }

  /** Frees stdout for the next writer (a later output or run in this process). */
  private release(): void {
    if (this.released) return;
    this.released = true;
    const state = stdoutState(this.out);
    if (state.active === this.writable) state.active = null;
  }

  commit(): Promise<CommittedOutput> {
    this.commitPromise ??= this.doCommit();
    return this.commitPromise;
  }

  /** commit = end + drain: `_final` waited until stdout handed our last byte on. */
  private async doCommit(): Promise<CommittedOutput> {
    const w = this.writable;
    try {
      if (!w.writableFinished) {
        if (w.destroyed) throw w.failed ?? w.errored ?? new OutputError('DSP_SINK_STDOUT_ABORTED', `sink ${this.sinkId}: the output of ${this.table} was aborted and cannot be committed`, { sink: this.sinkId, table: this.table });
        await new Promise<void>((resolve, reject) => {
          const onFinish = (): void => { w.off('error', onError); resolve(); };
          const onError = (err: Error): void => { w.off('finish', onFinish); reject(err); };
          w.once('finish', onFinish);
          w.once('error', onError);
          if (!w.writableEnded) w.end();
        });
      }
      if (w.failed) throw w.failed;
    } finally {
      this.release();
    }
    return { uri: STDOUT_URI, rel: null, committedAt: new Date().toISOString() };
  }

  abort(_reason: unknown): Promise<void> {
    try {
      // Bytes already written cannot be taken back (at-most-once delivery); stop writing more.
      if (!this.writable.destroyed && !this.writable.writableFinished) this.writable.destroy();
    } catch {
      // never throws
    }
    this.release();
    return Promise.resolve();
  }
}

class StdoutSink implements Sink {
  readonly type = 'stdout';

  constructor(readonly id: string, private readonly out: () => Writable) {}

  async check(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    const out = this.out();
    if (isStdoutClosed(out)) throw stdoutClosedError();
    // fd 1 must exist (Node reopens a closed one on /dev/null, so this mostly guards odd embeddings).
    const fd = (out as Writable & { fd?: number }).fd;
    if (typeof fd !== 'number') return;
    await new Promise<void>((resolve, reject) => {
      fstat(fd, (err) => {
        if (!err) resolve();
        else reject(new OutputError('DSP_SINK_STDOUT_UNAVAILABLE', `sink ${this.id}: standard output (fd ${fd}) is not usable: ${err.message}. Run with stdout redirected to a pipe or file.`, { sink: this.id, errno: err.code }, { cause: err }));
      });
    });
  }

  async open(target: OutputTarget, ctx: RunContext): Promise<OutputWriter> {
    ctx.signal.throwIfAborted();
    if (target.layout !== 'single') {
      throw new OutputError('DSP_SINK_STDOUT_LAYOUT', `sink ${this.id}: standard output takes one stream per run (layout single), not ${target.layout}`, { sink: this.id });
    }
    if (target.compression !== 'none') {
      throw new OutputError('DSP_SINK_STDOUT_COMPRESSION', `sink ${this.id}: standard output is written uncompressed; pipe it into gzip instead`, { sink: this.id });
    }
    const out = this.out();
    const state = stdoutState(out);
    if (state.closed) throw stdoutClosedError();
    if (state.active) {
      throw new OutputError(
        'DSP_SINK_STDOUT_BUSY',
        `sink ${this.id}: standard output is already taken by another output (${target.table} would interleave with it). Use one stdout sink with one table per run; write other tables to a file sink.`,
        { sink: this.id, table: target.table },
      );
    }
    const writer = new StdoutOutputWriter(this.id, target.table, out);
    state.active = writer.writable;
    return writer;
  }
}

/** `create` options beyond the YAML ones, for tests: the stream that stands in for process.stdout. */
export function createStdoutSink(id: string, stream: () => Writable = () => process.stdout): Sink {
  return new StdoutSink(id, stream);
}

export const stdoutSink: SinkPlugin<StdoutSinkOptions> = {
  type: 'stdout',
  description: 'Standard output: one table as CSV or NDJSON for Unix pipes (| duckdb, | psql, | gzip, | head); at most once, may be partial.',
  optionsSchema: stdoutSinkOptionsSchema,
  defaultFormat: 'csv',
  formats: ['csv', 'ndjson'],
  singleTable: true,
  create(id: string, _options: StdoutSinkOptions, _settings: SinkSettings): Sink {
    return createStdoutSink(id);
  },
};
