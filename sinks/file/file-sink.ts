/**
 * Local file sink (controls.md §8.2): one file per table (`single`) or per
 * (table, partition) (`partitioned`), written to a hidden temp in the target
 * directory and renamed into place on commit, so nothing partial is ever
 * visible under a final name (controls.md §8.1 rule 1). The sink moves bytes
 * only: encoding and compression happen in stages before it, so the hash the
 * engine records is of exactly these bytes.
 *
 * @example
 * const sink = fileSink.create('lake', { path: './out', format: 'csv' }, { outRoot: null, cwd: process.cwd() });
 * const w = await sink.open(target, ctx);
 * w.writable.end(bytes);
 * const { uri } = await w.commit();
 */
import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';
import type { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { ConfigError, type ConfigIssue, OutputError } from '../../src/errors.js';
import type { CommittedOutput, OptionsSchema, OutputTarget, OutputWriter, RunContext, Sink, SinkPlugin, SinkSettings } from '../../src/engine/plugins.js';
import { formats as formatRegistry } from '../../src/engine/registry.js';
import { builtinFormats, DEFAULT_ROW_GROUP_ROWS, withCompressionExtension } from '../../src/formats/index.js';
import { fsyncDirectory, tempPathFor, unlinkIfExists } from './atomic.js';
import { FileHandleWritable } from './handle-writable.js';
import { COMPRESSION_OPTION, DELIMITER_OPTION, TABLES_OPTION, compressionIssue, layoutOption } from '../../src/engine/sink-options.js';
import { endAndFinish } from '../../src/engine/streams.js';

export type IfExists = 'fail' | 'overwrite' | 'resume';

/** Options next to `type`/`inputs` in a `type: file` sink (defaults applied here: the loader inserts none). */
export interface FileSinkOptions {
  path?: string;
  format?: 'csv' | 'ndjson' | 'parquet' | 'arrow';
  layout?: 'single' | 'partitioned';
  /** `gzip` for csv/ndjson only; `zstd` (parquet's default) and `snappy` for parquet only. */
  compression?: 'none' | 'gzip' | 'zstd' | 'snappy';
  /** Parquet rows per row group. */
  row_group_rows?: number;
  delimiter?: string;
  if_exists?: IfExists;
}

export const DEFAULT_PATH = './out';

/** Writes of 256 KiB match the encoders' chunks (controls.md §8.1 rule 2: 64–256 KiB). */
const WRITE_HIGH_WATER_MARK = 256 * 1024;

export const fileSinkOptionsSchema: OptionsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    path: {
      type: 'string',
      minLength: 1,
      default: DEFAULT_PATH,
      'x-dsp-runtime': true,
      description: 'Output directory. Relative paths resolve under --out when given, else against the working directory; the default ./out is replaced by --out.',
    },
    format: { enum: ['csv', 'ndjson', 'parquet', 'arrow'], default: 'csv', description: 'File format (arrow: Arrow IPC stream).' },
    layout: layoutOption('<path>/'),
    compression: COMPRESSION_OPTION,
    row_group_rows: {
      type: 'integer',
      minimum: 1,
      default: DEFAULT_ROW_GROUP_ROWS,
      description: 'Parquet: rows per row group (memory holds one row group per open file).',
    },
    delimiter: DELIMITER_OPTION,
    tables: TABLES_OPTION,
    if_exists: {
      enum: ['fail', 'overwrite'],
      default: 'fail',
      'x-dsp-runtime': true,
      description: 'What to do when an output file already exists: fail (exit 3) or overwrite (atomically replace). --if-exists overrides it.',
    },
  },
};

/**
 * The directory a file sink writes under.
 * - With `--out` (`settings.outRoot`): a relative `path` goes under it; an
 *   absolute `path` stays where it points — except the default `./out` (also
 *   when `path` is unset), which `--out` replaces, so `--out /data/run1`
 *   writes to `/data/run1/<table>.csv`, not `/data/run1/out/…`.
 * - Without `--out`: `path` resolves against `settings.cwd`.
 */
export function resolveBaseDir(options: FileSinkOptions, settings: SinkSettings): string {
  const path = options.path ?? DEFAULT_PATH;
  if (settings.outRoot !== null && settings.outRoot !== undefined) {
    const outRoot = resolve(settings.cwd, settings.outRoot);
    if (normalize(path) === normalize(DEFAULT_PATH)) return outRoot;
    return isAbsolute(path) ? normalize(path) : resolve(outRoot, path);
  }
  return resolve(settings.cwd, path);
}

function extensionFor(format: string): string {
  return builtinFormats.find((f) => f.name === format)?.extension ?? formatRegistry.get(format)?.extension ?? format;
}

const pad5 = (n: number): string => String(n).padStart(5, '0');

/**
 * The output's path relative to the sink directory (controls.md §8.2):
 * partitioned `<table>/part-PPPPP-of-QQQQQ.<ext>[.gz]`, single `<table>.<ext>[.gz]`.
 */
export function outputRelativePath(target: OutputTarget): string {
  // controls.md §5.2: a marking sidecar sits next to its data file as `<file>.marking.json`.
  if (target.role === 'marking') return `${outputRelativePath({ ...target, role: 'data' })}.marking.json`;
  const ext = extensionFor(target.format);
  if (target.layout === 'partitioned') {
    if (target.partitions.length === 0) throw new Error(`partitioned output of ${target.table} names no partition`);
    const name = `part-${pad5(target.partitions[0])}-of-${pad5(target.partitionCount)}.${ext}`;
    return join(target.table, withCompressionExtension(name, target.compression === 'gzip' ? 'gzip' : 'none'));
  }
  return withCompressionExtension(`${target.table}.${ext}`, target.compression === 'gzip' ? 'gzip' : 'none');
}

/**
 * The `if_exists` in force for this sink: its own option (the planner has
 * already written `--if-exists` over it, SinkSettings.ifExists), else the
 * run's value from RunContext, else `fail` (controls.md §8.1 rule 4).
 */
export function effectiveIfExists(options: FileSinkOptions, ctx: RunContext): IfExists {
  return options.if_exists ?? ctx.ifExists ?? 'fail';
}

function osMessage(err: unknown): string {
  return (err as Error)?.message ?? String(err);
}

function openError(sinkId: string, path: string, err: unknown): OutputError {
  return new OutputError(
    'DSP_SINK_FILE_OPEN',
    `sink ${sinkId}: cannot write ${path}: ${osMessage(err)}. Check that the directory exists or can be created and is writable, or choose another path.`,
    { sink: sinkId, path, errno: (err as NodeJS.ErrnoException)?.code },
    { cause: err },
  );
}

function existsError(sinkId: string, path: string): OutputError {
  return new OutputError(
    'DSP_SINK_FILE_EXISTS',
    `sink ${sinkId}: ${path} already exists (if_exists: fail). Pass --if-exists overwrite to replace it, or choose another path.`,
    { sink: sinkId, path },
  );
}

async function exists(path: string): Promise<boolean> {
  try {
    await fsp.lstat(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/** Path under the control root with POSIX separators, or null when outside it. */
function relativeToControl(controlRoot: string, path: string): string | null {
  const rel = relative(resolve(controlRoot), path);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return null;
  return rel.split(sep).join('/');
}

class FileOutputWriter implements OutputWriter {
  readonly writable: Writable;
  /** FileHandleWritable calls back only after the bytes reached the file. */
  readonly releasesChunks = true;
  private closed = false;
  private renamed = false;
  private aborted = false;
  private commitPromise: Promise<CommittedOutput> | null = null;
  private abortPromise: Promise<void> | null = null;

  constructor(
    private readonly sinkId: string,
    private readonly handle: FileHandle,
    private readonly tempPath: string,
    private readonly finalPath: string,
    private readonly mode: IfExists,
    private readonly ctx: RunContext,
  ) {
    this.writable = new FileHandleWritable(handle, WRITE_HIGH_WATER_MARK);
  }

  bufferedBytes(): number {
    return this.writable.writableLength;
  }

  commit(): Promise<CommittedOutput> {
    if (this.aborted) {
      return Promise.reject(new OutputError('DSP_SINK_FILE_ABORTED', `sink ${this.sinkId}: ${this.finalPath} was aborted and cannot be committed`, { sink: this.sinkId, path: this.finalPath }));
    }
    this.commitPromise ??= this.doCommit();
    return this.commitPromise;
  }

  private async closeHandle(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close();
  }

  private async doCommit(): Promise<CommittedOutput> {
    const w = this.writable;
    try {
      await endAndFinish(w);
      // The writable's _final already did datasync.
      await this.closeHandle();
      // Narrows the check-then-rename window: another writer may have published meanwhile.
      if (this.mode === 'fail' && (await exists(this.finalPath))) {
        await unlinkIfExists(this.tempPath);
        throw existsError(this.sinkId, this.finalPath);
      }
      await fsp.rename(this.tempPath, this.finalPath);
      this.renamed = true;
      await fsyncDirectory(dirname(this.finalPath));
    } catch (err) {
      if (!this.renamed) {
        await this.closeHandle().catch(() => undefined);
        await unlinkIfExists(this.tempPath).catch(() => undefined);
      }
      if (err instanceof OutputError) throw err;
      throw new OutputError('DSP_SINK_FILE_COMMIT', `sink ${this.sinkId}: cannot commit ${this.finalPath}: ${osMessage(err)}`, { sink: this.sinkId, path: this.finalPath, errno: (err as NodeJS.ErrnoException)?.code }, { cause: err });
    }
    await this.sweepStaleTemps();
    return {
      uri: pathToFileURL(this.finalPath).href,
      rel: relativeToControl(this.ctx.controlRoot, this.finalPath),
      committedAt: new Date().toISOString(),
    };
  }

  /** controls.md §8.2: temps left by other (crashed) attempts are swept by commit only. */
  private async sweepStaleTemps(): Promise<void> {
    const dir = dirname(this.finalPath);
    const prefix = `.${basename(this.finalPath)}.tmp-`;
    try {
      for (const name of await fsp.readdir(dir)) {
        if (name.startsWith(prefix)) await unlinkIfExists(join(dir, name)).catch(() => undefined);
      }
    } catch {
      // Sweeping is housekeeping; a failure must not fail a committed output.
    }
  }

  abort(_reason: unknown): Promise<void> {
    if (this.renamed) return Promise.resolve();
    this.abortPromise ??= this.doAbort();
    return this.abortPromise;
  }

  private async doAbort(): Promise<void> {
    this.aborted = this.commitPromise === null;
    try {
      if (!this.writable.destroyed) this.writable.destroy();
    } catch {
      // never throws
    }
    if (this.commitPromise) {
      // A commit in flight either publishes (then abort is a no-op) or cleans up itself.
      await this.commitPromise.catch(() => undefined);
      this.aborted = !this.renamed;
      if (this.renamed) return;
    }
    await this.closeHandle().catch(() => undefined);
    await unlinkIfExists(this.tempPath).catch(() => undefined);
  }
}

class FileSink implements Sink {
  readonly type = 'file';
  readonly baseDir: string;

  constructor(readonly id: string, private readonly options: FileSinkOptions, settings: SinkSettings) {
    this.baseDir = resolveBaseDir(options, settings);
  }

  async check(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    const probe = join(this.baseDir, `.datasynth-pipe-check.tmp-${process.pid}`);
    try {
      await fsp.mkdir(this.baseDir, { recursive: true });
      const handle = await fsp.open(probe, 'w');
      try {
        await handle.write('ok');
      } finally {
        await handle.close();
      }
      await fsp.unlink(probe);
    } catch (err) {
      await unlinkIfExists(probe).catch(() => undefined);
      throw openError(this.id, this.baseDir, err);
    }
  }

  async open(target: OutputTarget, ctx: RunContext): Promise<OutputWriter> {
    ctx.signal.throwIfAborted();
    const finalPath = join(this.baseDir, outputRelativePath(target));
    const dir = dirname(finalPath);
    const mode = effectiveIfExists(this.options, ctx);
    try {
      await fsp.mkdir(dir, { recursive: true });
    } catch (err) {
      throw openError(this.id, dir, err);
    }
    let present: boolean;
    try {
      present = await exists(finalPath);
    } catch (err) {
      throw openError(this.id, finalPath, err);
    }
    if (mode === 'fail' && present) throw existsError(this.id, finalPath);
    const tempPath = tempPathFor(finalPath, ctx.attemptId);
    let handle: FileHandle;
    try {
      handle = await fsp.open(tempPath, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw openError(this.id, tempPath, err);
      // Our own attempt's leftover (an earlier open of this output died): it holds nothing committed.
      try {
        await unlinkIfExists(tempPath);
        handle = await fsp.open(tempPath, 'wx');
      } catch (retryErr) {
        throw openError(this.id, tempPath, retryErr);
      }
    }
    return new FileOutputWriter(this.id, handle, tempPath, finalPath, mode, ctx);
  }
}

/** Format-dependent option rules the JSON Schema cannot say on its own. */
export function checkFormatOptions(id: string, options: FileSinkOptions): void {
  const format = options.format ?? 'csv';
  const issues: ConfigIssue[] = [];
  const bad = compressionIssue(id, format, options.compression);
  if (bad) issues.push(bad);
  if (options.row_group_rows !== undefined && format !== 'parquet') {
    issues.push({ path: `sinks.${id}.row_group_rows`, message: `row_group_rows applies to format parquet only, not ${format}`, hint: 'Remove it or set format: parquet' });
  }
  if (issues.length > 0) throw new ConfigError(issues);
}

export const fileSink: SinkPlugin<FileSinkOptions> = {
  type: 'file',
  description: 'Local files: CSV or NDJSON (optionally gzip), Parquet (zstd/snappy) or Arrow IPC stream, one per table or per partition, published atomically.',
  optionsSchema: fileSinkOptionsSchema,
  defaultFormat: 'csv',
  formats: ['csv', 'ndjson', 'parquet', 'arrow'],
  create(id: string, options: FileSinkOptions, settings: SinkSettings): Sink {
    checkFormatOptions(id, options ?? {});
    return new FileSink(id, options ?? {}, settings);
  },
  localRoot(options: FileSinkOptions, settings: SinkSettings): string | null {
    return resolveBaseDir(options ?? {}, settings);
  },
};
