/**
 * The runner (architecture.md §2): wires each source partition's Readable to
 * the sinks' outputs with real backpressure, hashes while writing, commits
 * every output atomically, and writes the manifest and `_SUCCESS` last.
 *
 * Partitions run in ascending order per source, sources in config order, so
 * the bytes of every table are the same whatever the timing.
 */
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { randomUUID, createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { LoadedConfig } from '../config/types.js';
import type { Batch } from './batch.js';
import type { OutputTarget, PartitionTransform, RunContext, SinkSettings } from './plugins.js';
import { buildPlan, plannedRowsByTable, type Plan, type PlannedSink, type PlannedSource, type SinkTable } from './plan.js';
import { OutputChannel, writeWholeOutput, type OutputMarking, type OutputRecord } from './output.js';
import * as registry from './registry.js';
import { schemaSha256 } from './schema.js';
import type { RunEvent, RunEventListener } from './progress.js';
import { DspError, ExitCode, OutputError, StoppedError } from '../errors.js';
import {
  configSection, partitionKeysSha256, shardManifestName, successMarker, toManifestOutput,
  type ComponentCounters, type Manifest, type ManifestOutput, type ManifestStatus, type StatusReason,
} from '../provenance/manifest.js';
import { controlJson, createExclusive, writeFileAtomic } from '../util/fs-atomic.js';
import { toolInfo } from '../util/tool.js';
import {
  credentialSha256, csvPreamble, markingSettings, MARKING_KEY, runMarking, sidecarText,
  type ManifestMarking, type MarkingPlacement, type MarkingSettings, type RunMarking,
} from '../provenance/marking.js';
import { AttemptRecorder, RunLog } from '../provenance/runlog.js';

export interface RunOptions {
  loaded: LoadedConfig;
  /** Working directory relative paths resolve against (default process.cwd()). */
  cwd?: string;
  /** `--out DIR`: the output root; control files and file-sink paths land under it. */
  outRoot?: string | null;
  /** `--if-exists`: overrides every sink's `if_exists` and governs the control files. */
  ifExists?: 'fail' | 'overwrite' | 'resume';
  runId?: string;
  /** Aborting stops the run at the next batch boundary (exit 75, nothing partial). */
  signal?: AbortSignal;
  onEvent?: RunEventListener;
  /** Interval of `progress` events in ms (default 1000; 0 = every batch). */
  progressIntervalMs?: number;
  /** `--audit-log PATH`: also append the run log to this host log, whose chain spans runs (controls.md §9). */
  auditLog?: string | null;
}

export interface RunResult {
  status: ManifestStatus;
  exitCode: number;
  manifest: Manifest;
  manifestPath: string;
  controlRoot: string;
  error: DspError | null;
}

const SHARD_INDEX = 0;
const SHARD_COUNT = 1;

export async function runPipeline(options: RunOptions): Promise<RunResult> {
  const startedAt = new Date();
  const cwd = options.cwd ?? process.cwd();
  const outRoot = options.outRoot ? resolve(cwd, options.outRoot) : null;
  const settings: SinkSettings = { outRoot, cwd, ...(options.ifExists ? { ifExists: options.ifExists } : {}) };
  const plan = buildPlan(options.loaded, settings);
  const controlRoot = resolveControlRoot(plan, settings);
  const runId = options.runId ?? randomUUID();
  const attemptId = randomUUID();
  const ifExists = options.ifExists ?? controlIfExists(plan);
  const abort = new AbortController();
  const onOuterAbort = (): void => abort.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  // controls.md §5.1: one credential per run, from the sources' methods and the determinism triple.
  const marking = runMarking(options.loaded, plan.sources.map((s) => s.plugin.method));
  const ctx: RunContext = { runId, attemptId, controlRoot, signal: abort.signal, ifExists, marking };
  const emit = (e: RunEvent): void => options.onEvent?.(e);

  const manifestPath = join(controlRoot, 'manifest.json');
  const shardPath = join(controlRoot, '_manifests', shardManifestName(SHARD_INDEX, SHARD_COUNT));
  const state = new RunState(plan, runId, attemptId, startedAt, markingSettings(options.loaded), marking);

  await prepareControlRoot(controlRoot, ifExists);
  // controls.md §9: the attempt's run log, hash-chained; closed (datasync, audit lock released) in `finally`.
  const runLog = await RunLog.open({ controlRoot, runId, attemptId, startedAt, auditLog: options.auditLog });
  const log = new AttemptRecorder(runLog);
  state.runLog = runLog;
  const onStop = (): void => log.stopRequested(options.signal?.reason);
  try {
    log.start({ tool: toolInfo().version, node: process.version, host: hostname(), pid: process.pid, control_root: pathToFileURL(controlRoot).href });
    log.config(options.loaded, markingSettings(options.loaded).disabledBy);
    if (options.signal?.aborted) onStop();
    else options.signal?.addEventListener('abort', onStop, { once: true });
    // Each manifest is anchored to the records before its own manifest.write record (controls.md §2.3).
    const writeManifest = async (path: string, text: string, status: ManifestStatus): Promise<void> => {
      await writeFileAtomic(path, text, attemptId);
      log.manifestWrite(relative(controlRoot, path).split(sep).join('/'), createHash('sha256').update(text).digest('hex'), status);
    };
    await writeManifest(shardPath, controlJson(state.manifest('incomplete', null, 'shard')), 'incomplete');

    const planned = plannedRowsByTable(plan);
    emit({
      type: 'start', runId, plannedRows: [...planned.values()].reduce((a, b) => a + b, 0),
      plannedRowsByTable: Object.fromEntries(planned), partitions: plan.sources.reduce((a, s) => a + s.partitions.length, 0),
      configHash: options.loaded.hash, seed: options.loaded.seed.toString(),
    });

    const executor = new Executor(plan, ctx, state, emit, options.progressIntervalMs ?? 1000, log);
    let error: DspError | null = null;
    try {
      await executor.run();
      // Run-level publish (e.g. PostgreSQL replace) once every output committed (controls.md §2.1).
      for (const s of plan.sinks) await s.sink.finalizeRun?.(ctx);
    } catch (err) {
      error = toDspError(err, abort.signal);
      await executor.abortAll(err, error.code);
      runLog.sync();
    } finally {
      options.signal?.removeEventListener('abort', onOuterAbort);
    }

    let status: ManifestStatus = error ? (error.exitCode === ExitCode.Stopped ? 'aborted' : 'failed') : 'complete';
    let reason: StatusReason | null = error ? { code: error.code, message: error.message, at: new Date().toISOString() } : null;
    let manifest = state.manifest(status, reason, 'shard');
    await writeManifest(shardPath, controlJson(manifest), status);
    // An unsharded run is shard 0/1 committed in-process (controls.md §0).
    const shardSha = await sha256File(shardPath);
    manifest = state.manifest(status, reason, 'run', shardSha);
    let manifestText = controlJson(manifest);
    await writeManifest(manifestPath, manifestText, status);
    if (status === 'complete') {
      const manifestSha = createHash('sha256').update(manifestText).digest('hex');
      const success = successMarker(runId, manifestSha, new Date().toISOString());
      try {
        // Sinks that keep markers next to their data publish them first; the local _SUCCESS is last.
        for (const s of plan.sinks) await s.sink.publishRun?.({ manifest: Buffer.from(manifestText), success: Buffer.from(success) }, ctx);
        await createExclusive(join(controlRoot, '_SUCCESS'), success, attemptId);
      } catch (err) {
        error = err instanceof DspError ? err : new OutputError('DSP_PUBLISH_FAILED', `could not publish the run's markers: ${(err as Error).message}`);
        status = 'failed';
        reason = { code: error.code, message: error.message, at: new Date().toISOString() };
        manifest = state.manifest(status, reason, 'run', shardSha);
        manifestText = controlJson(manifest);
        await writeManifest(manifestPath, manifestText, status);
      }
    }
    const exitCode = error ? error.exitCode : ExitCode.Success;
    log.end(status, exitCode, error?.code ?? null);
    emit({
      type: 'end', status, exitCode, durationMs: Date.now() - startedAt.getTime(),
      manifestUri: pathToFileURL(manifestPath).href, rows: state.totalRows, bytes: state.totalBytes,
    });
    return { status, exitCode, manifest, manifestPath, controlRoot, error };
  } finally {
    options.signal?.removeEventListener('abort', onStop);
    runLog.close();
  }
}

function controlIfExists(plan: Plan): 'fail' | 'overwrite' | 'resume' {
  for (const s of plan.sinks) {
    const v = s.options.if_exists;
    if (v === 'overwrite' || v === 'resume' || v === 'fail') return v;
  }
  return 'fail';
}

/** control.uri, else the first sink with a local root, else ./out (controls.md §0). */
export function resolveControlRoot(plan: Plan, settings: SinkSettings): string {
  const control = plan.loaded.config.control as { uri?: string } | undefined;
  if (control?.uri) {
    const uri = control.uri.startsWith('file://') ? new URL(control.uri).pathname : control.uri;
    return settings.outRoot && !uri.startsWith('/') ? resolve(settings.outRoot, uri) : resolve(settings.cwd, uri);
  }
  for (const s of plan.sinks) {
    const root = s.plugin.localRoot?.(s.options, settings);
    if (root) return resolve(settings.cwd, root);
  }
  return settings.outRoot ?? resolve(settings.cwd, 'out');
}

/** Refuses to mix a new run into an earlier one's control root unless told to (if_exists). */
async function prepareControlRoot(root: string, ifExists: 'fail' | 'overwrite' | 'resume'): Promise<void> {
  try {
    await fs.mkdir(join(root, '_manifests'), { recursive: true });
  } catch (err) {
    throw new OutputError('DSP_CONTROL_ROOT', `cannot create the output directory ${root}: ${(err as Error).message}. Choose a writable path with --out DIR.`, { path: root }, { cause: err });
  }
  const existing: string[] = [];
  for (const name of ['_SUCCESS', 'manifest.json']) {
    try {
      await fs.access(join(root, name));
      existing.push(name);
    } catch { /* absent */ }
  }
  if (existing.length === 0) return;
  if (ifExists === 'fail') {
    throw new OutputError('DSP_OUTPUT_EXISTS', `${root} already holds the output of an earlier run (${existing.join(', ')}). Pass --if-exists overwrite to replace it, or choose another directory with --out DIR.`, { path: root });
  }
  // A stale _SUCCESS must not vouch for a mix of old and new files while this run writes.
  await fs.unlink(join(root, '_SUCCESS')).catch(() => undefined);
}

async function sha256File(path: string): Promise<string> {
  return createHash('sha256').update(await fs.readFile(path)).digest('hex');
}

function toDspError(err: unknown, signal: AbortSignal): DspError {
  if (err instanceof DspError) return err;
  if (signal.aborted) {
    const reason = signal.reason as { code?: string; message?: string } | undefined;
    return new StoppedError(reason?.code ?? 'DSP_SIGNAL_SIGTERM', reason?.message ?? 'run stopped');
  }
  const e = err as Error;
  return new DspError('DSP_SOURCE_ERROR', e?.stack ?? String(err), ExitCode.OutputFailure);
}

/** Counters and committed outputs of this attempt; builds manifests. */
class RunState {
  readonly outputs: ManifestOutput[] = [];
  readonly components: Record<string, ComponentCounters> = {};
  readonly tableRows = new Map<string, number>();
  readonly tableSinks = new Map<string, Set<string>>();
  totalRows = 0;
  totalBytes = 0;
  /** Anchors the manifest to the run log (controls.md §2.3 `run_log`); set once the log is open. */
  runLog: RunLog | null = null;

  constructor(
    readonly plan: Plan,
    readonly runId: string,
    readonly attemptId: string,
    readonly startedAt: Date,
    readonly markingSettings: MarkingSettings,
    readonly marking: RunMarking | null,
  ) {
    for (const s of plan.sources) this.components[s.id] = counters('source', s.plugin.type, s.plugin.method);
    for (const t of plan.transforms) this.components[t.id] = counters('transform', t.plugin.type);
    for (const s of plan.sinks) {
      this.components[s.id] = counters('sink', s.plugin.type);
      for (const t of s.tables) {
        const set = this.tableSinks.get(t.schema.name) ?? new Set<string>();
        set.add(s.id);
        this.tableSinks.set(t.schema.name, set);
      }
    }
  }

  manifest(status: ManifestStatus, reason: StatusReason | null, kind: 'run' | 'shard', shardManifestSha: string | null = null): Manifest {
    const now = new Date();
    const ended = status === 'incomplete' ? null : now.toISOString();
    const host = hostname();
    const partitions: Manifest['partitions'] = {};
    for (const s of this.plan.sources) partitions[s.id] = { count: s.partitions.length, keys_sha256: partitionKeysSha256(s.partitions.map((p) => p.key)) };
    const tables: Manifest['tables'] = {};
    for (const [name, schema] of this.plan.tables) {
      const sinks = [...(this.tableSinks.get(name) ?? [])];
      if (sinks.length === 0) continue;
      const sinkTable = this.plan.sinks.flatMap((s) => s.tables).find((t) => t.schema.name === name);
      tables[name] = {
        rows: this.tableRows.get(name) ?? 0,
        partitions: sinkTable?.partitionCount ?? 0,
        columns: schema.columns.map((c) => c.name),
        schema_sha256: schemaSha256(schema),
        sinks,
      };
    }
    const loaded = this.plan.loaded;
    return {
      manifest_version: '1.0',
      kind,
      status,
      status_reason: reason,
      run_id: this.runId,
      seed: loaded.seed.toString(),
      tool: toolInfo(),
      ...(kind === 'shard' ? { shard: { index: SHARD_INDEX, count: SHARD_COUNT, attempt_id: this.attemptId, resolved_from: 'default', host } } : {}),
      started_at: this.startedAt.toISOString(),
      ended_at: ended,
      duration_ms: ended ? now.getTime() - this.startedAt.getTime() : null,
      config: configSection(loaded),
      partitions,
      shards: {
        count: SHARD_COUNT,
        attempts: [{ index: SHARD_INDEX, attempt_id: this.attemptId, status, started_at: this.startedAt.toISOString(), ended_at: ended, host, resolved_from: 'default', manifest_sha256: shardManifestSha, superseded: false }],
      },
      outputs: [...this.outputs].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
      tables,
      components: this.components,
      marking: this.markingSection(),
      ...(this.runLog ? { run_log: this.runLog.anchors() } : {}),
      warnings: this.warnings(),
    };
  }

  /** controls.md §2.3 `marking`: the credential (or who turned it off) and every placement used. */
  private markingSection(): ManifestMarking {
    const placements = new Set<MarkingPlacement>();
    for (const o of this.outputs) for (const p of o.marking?.placement ?? []) placements.add(p);
    return {
      enabled: this.marking !== null,
      disabled_by: this.markingSettings.disabledBy,
      credential: this.marking?.credential ?? null,
      credential_sha256: this.marking ? credentialSha256(this.marking.json) : null,
      placements: [...placements].sort(),
    };
  }

  private warnings(): Manifest['warnings'] {
    const at = this.startedAt.toISOString();
    const out: Manifest['warnings'] = [];
    if (this.plan.loaded.seedDefaulted) out.push({ code: 'DSP_WARN_SEED_DEFAULT', message: 'no seed given; using seed 0', at });
    const by = this.markingSettings.disabledBy;
    if (by) out.push({ code: 'DSP_WARN_MARKING_DISABLED', message: markingDisabledMessage(by), at });
    return out;
  }
}

/** The opt-out warning (manifest and stderr). */
export function markingDisabledMessage(by: 'config' | 'cli'): string {
  return `content marking is disabled (${by === 'cli' ? '--no-marking' : 'marking.enabled: false'}): outputs carry no synthetic-data credential`;
}

function counters(kind: ComponentCounters['kind'], type: string, method?: ComponentCounters['method']): ComponentCounters {
  return { kind, type, ...(method ? { method } : {}), received_events: 0, sent_events: 0, received_bytes: 0, sent_bytes: 0, errors: 0, details: {} };
}

/** Executes the plan: sources in order, partitions ascending, one open output per (sink, table[, partition]). */
class Executor {
  private readonly channels = new Map<string, OutputChannel>();
  private readonly sinksByInput = new Map<string, PlannedSink[]>();
  private readonly transformsByInput = new Map<string, string[]>();
  private transformInstances = new Map<string, PartitionTransform>();
  private lastTick = 0;
  private readonly started = Date.now();

  constructor(
    private readonly plan: Plan,
    private readonly ctx: RunContext,
    private readonly state: RunState,
    private readonly emit: (e: RunEvent) => void,
    private readonly tickMs: number,
    private readonly log: AttemptRecorder,
  ) {
    for (const s of plan.sinks) for (const i of s.inputs) push(this.sinksByInput, i, s);
    for (const t of plan.transforms) for (const i of t.inputs) push(this.transformsByInput, i, t.id);
  }

  async run(): Promise<void> {
    for (const sink of this.plan.sinks) await sink.sink.check(this.ctx.signal);
    for (const source of this.plan.sources) await this.runSource(source);
  }

  private sinkTables(source: PlannedSource): Array<{ sink: PlannedSink; table: SinkTable; producer: { offset: number; count: number }; first: boolean; last: boolean }> {
    const out = [];
    for (const sink of this.plan.sinks) {
      for (const table of sink.tables) {
        const idx = table.producers.findIndex((p) => p.sourceId === source.id);
        if (idx < 0) continue;
        out.push({ sink, table, producer: table.producers[idx], first: idx === 0, last: idx === table.producers.length - 1 });
      }
    }
    return out;
  }

  private async runSource(source: PlannedSource): Promise<void> {
    const targets = this.sinkTables(source);
    // Nothing downstream wants this source's tables (all filtered by `tables`): do not generate it.
    if (targets.length === 0 && !this.transformsByInput.has(source.id)) return;
    for (const t of targets) {
      if (t.sink.layout === 'single' && t.first) {
        const all = Array.from({ length: t.table.partitionCount }, (_, i) => i);
        await this.open(t.sink, t.table, all, channelKey(t.sink.id, t.table.schema.name, null));
      }
    }
    for (const partition of source.partitions) {
      this.checkStopped();
      for (const t of targets) {
        if (t.sink.layout !== 'partitioned') continue;
        const global = t.producer.offset + partition.index;
        await this.open(t.sink, t.table, [global], channelKey(t.sink.id, t.table.schema.name, global));
      }
      this.transformInstances = new Map();
      const batches = Readable.from(source.plugin.generate(source.id, source.options, partition, this.plan.context), { objectMode: true, highWaterMark: 0 });
      const router = new Writable({
        objectMode: true,
        highWaterMark: 1,
        write: (batch: Batch, _enc, cb) => {
          this.deliverFromSource(source, batch).then(() => cb(), cb);
        },
      });
      await pipeline(batches, router);
      for (const [id, inst] of this.transformInstances) {
        for (const out of inst.endPartition?.(partition.index) ?? []) await this.deliver(id, out, source);
      }
      for (const t of targets) {
        if (t.sink.layout !== 'partitioned') continue;
        await this.finish(channelKey(t.sink.id, t.table.schema.name, t.producer.offset + partition.index));
      }
    }
    for (const t of targets) {
      if (t.sink.layout === 'single' && t.last) await this.finish(channelKey(t.sink.id, t.table.schema.name, null));
    }
  }

  private checkStopped(): void {
    if (this.ctx.signal.aborted) {
      const reason = this.ctx.signal.reason as { code?: string; message?: string } | undefined;
      throw new StoppedError(reason?.code ?? 'DSP_SIGNAL_SIGTERM', reason?.message ?? 'run stopped by a signal');
    }
  }

  private async deliverFromSource(source: PlannedSource, batch: Batch): Promise<void> {
    this.checkStopped();
    const c = this.state.components[source.id];
    c.sent_events += batch.length;
    await this.deliver(source.id, batch, source);
  }

  /** Pushes a batch to every consumer of `fromId`: sinks write it, transforms map it and pass the result on. */
  private async deliver(fromId: string, batch: Batch, source: PlannedSource): Promise<void> {
    for (const sink of this.sinksByInput.get(fromId) ?? []) {
      const table = sink.tables.find((t) => t.schema.name === batch.schema.name);
      if (!table) continue; // not among the sink's `tables`
      const producer = table.producers.find((p) => p.sourceId === source.id);
      if (!producer) throw new Error(`internal: source ${source.id} not a producer of ${batch.schema.name} for sink ${sink.id}`);
      const key = channelKey(sink.id, batch.schema.name, sink.layout === 'single' ? null : producer.offset + batch.partition);
      const channel = this.channels.get(key);
      if (!channel) throw new Error(`internal: no open output ${key}`);
      await channel.write(batch);
      const c = this.state.components[sink.id];
      c.received_events += batch.length;
      this.state.totalRows += batch.length;
      this.tick(batch.schema.name);
    }
    for (const tid of this.transformsByInput.get(fromId) ?? []) {
      const t = this.plan.transforms.find((x) => x.id === tid)!;
      let inst = this.transformInstances.get(tid);
      if (!inst) {
        inst = t.plugin.create(tid, t.options, this.plan.context);
        this.transformInstances.set(tid, inst);
      }
      const c = this.state.components[tid];
      c.received_events += batch.length;
      for (const out of inst.transform(batch)) {
        c.sent_events += out.length;
        await this.deliver(tid, out, source);
      }
    }
  }

  private tick(table: string): void {
    const now = Date.now();
    if (this.tickMs > 0 && now - this.lastTick < this.tickMs) return;
    this.lastTick = now;
    let bytes = this.state.totalBytes;
    for (const ch of this.channels.values()) bytes += ch.bufferedBytes();
    this.emit({ type: 'progress', rows: this.state.totalRows, bytes, table, elapsedMs: now - this.started });
  }

  private async open(sink: PlannedSink, table: SinkTable, partitions: number[], key: string): Promise<void> {
    const format = registry.formats.require(sink.format);
    const target: OutputTarget = {
      table: table.schema.name,
      partitions,
      partitionCount: table.partitionCount,
      layout: sink.layout,
      format: sink.format,
      compression: sink.compression,
      schema: table.schema,
      plannedRows: sink.layout === 'single' ? table.plannedRows : undefined,
    };
    const writer = await sink.sink.open(target, this.ctx);
    const channel = new OutputChannel(sink.id, target, format, writer, encoderOptions(sink, this.ctx.marking ?? null));
    this.channels.set(key, channel);
    this.log.outputOpen(channel.id, { sink: sink.id, table: target.table, partitions: target.partitions.length });
    await channel.begin();
  }

  private async finish(key: string): Promise<void> {
    const channel = this.channels.get(key);
    if (!channel) return;
    const committed: OutputRecord = await channel.finish();
    this.channels.delete(key);
    // Logged when it happened: the data output is committed before its sidecar is written.
    this.log.outputCommit(committed.committed.uri, committed.id, committed.sha256, committed.rows, committed.bytes);
    const sink = this.plan.sinks.find((s) => s.id === committed.sink)!;
    const placement = outputPlacement(sink, this.ctx.marking ?? null);
    let record = committed;
    if (placement) {
      const marking: OutputMarking = { placement: placement.placement };
      if (placement.sidecar) {
        // Written after its data output committed (controls.md §5.2), as a second output of the same sink.
        const side = await this.writeSidecar(sink, channel.target, committed);
        marking.sidecar = side.committed.rel ?? side.committed.uri;
        this.log.outputCommit(side.committed.uri, side.id, side.sha256, side.rows, side.bytes);
        this.state.outputs.push(toManifestOutput(side, this.ctx.attemptId));
        const sc = this.state.components[side.sink];
        sc.sent_bytes += side.bytes;
        this.state.totalBytes += side.bytes;
        this.emit({ type: 'output', uri: side.committed.uri, table: side.table, partitions: side.partitions, rows: 0, bytes: side.bytes, sha256: side.sha256 });
      }
      // Key order of controls.md §2.4: placement, sidecar, preamble_lines.
      if (placement.preambleLines > 0) marking.preamble_lines = placement.preambleLines;
      record = { ...committed, marking };
    }
    this.state.outputs.push(toManifestOutput(record, this.ctx.attemptId));
    if (this.isFirstSinkFor(record)) this.state.tableRows.set(record.table, (this.state.tableRows.get(record.table) ?? 0) + record.rows);
    const c = this.state.components[record.sink];
    c.sent_events += record.rows;
    c.sent_bytes += record.bytes;
    this.state.totalBytes += record.bytes;
    this.emit({ type: 'output', uri: record.committed.uri, table: record.table, partitions: record.partitions, rows: record.rows, bytes: record.bytes, sha256: record.sha256 });
  }

  /**
   * The sidecar `<file>.marking.json` of a committed data output. A stdout stream has no
   * neighbour file: its sidecar goes to `<control>/stdout.marking.json` (controls.md §5.2).
   */
  private async writeSidecar(sink: PlannedSink, target: OutputTarget, data: OutputRecord): Promise<OutputRecord> {
    const marking = this.ctx.marking!;
    const id = `${data.id}/marking`;
    this.log.outputOpen(id, { sink: data.sink, table: data.table, role: 'marking' });
    try {
      return await this.writeSidecarBytes(sink, target, data, marking);
    } catch (err) {
      this.log.outputAbort(id, toDspError(err, this.ctx.signal).code);
      throw err;
    }
  }

  private async writeSidecarBytes(sink: PlannedSink, target: OutputTarget, data: OutputRecord, marking: RunMarking): Promise<OutputRecord> {
    const bytes = Buffer.from(sidecarText(marking.credential, markingTargetName(data.committed)), 'utf8');
    const fields = {
      id: `${data.id}/marking`, sink: data.sink, table: data.table, role: 'marking' as const,
      format: 'json', mediaType: 'application/json', compression: 'none', partitions: data.partitions,
    };
    if (sink.plugin.type === 'stdout') {
      const path = join(this.ctx.controlRoot, 'stdout.marking.json');
      await writeFileAtomic(path, bytes.toString('utf8'), this.ctx.attemptId);
      return {
        ...fields, rows: 0, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'),
        committed: { uri: pathToFileURL(path).href, rel: 'stdout.marking.json', committedAt: new Date().toISOString() },
      };
    }
    const writer = await sink.sink.open({ ...target, role: 'marking' }, this.ctx);
    return writeWholeOutput(writer, bytes, fields);
  }

  /** Rows are counted once per table, at the first sink that writes it. */
  private isFirstSinkFor(record: OutputRecord): boolean {
    const first = this.plan.sinks.find((s) => s.tables.some((t) => t.schema.name === record.table));
    return first?.id === record.sink;
  }

  async abortAll(reason: unknown, code: string): Promise<void> {
    const all = [...this.channels.values()];
    this.channels.clear();
    for (const ch of all) this.log.outputAbort(ch.id, code);
    await Promise.all(all.map((ch) => ch.abort(reason)));
  }
}

function channelKey(sinkId: string, table: string, partition: number | null): string {
  return `${sinkId}\u0000${table}\u0000${partition ?? 'all'}`;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The file name a sidecar's `target` names: the data file's, else the URI itself (`stdout:`). */
export function markingTargetName(committed: { uri: string; rel: string | null }): string {
  if (committed.rel) return committed.rel.split('/').pop()!;
  if (committed.uri.startsWith('file://')) return new URL(committed.uri).pathname.split('/').pop()!;
  return committed.uri;
}

/**
 * Where one data output of `sink` carries the credential (controls.md §5.2): inside the format
 * (Parquet footer, Arrow schema metadata, opt-in CSV preamble), next to it (sidecar), or in the
 * destination's own metadata (object metadata, table comment). Null when marking is off.
 */
export function outputPlacement(sink: PlannedSink, marking: RunMarking | null): { placement: MarkingPlacement[]; sidecar: boolean; preambleLines: number } | null {
  if (!marking) return null;
  const { settings } = marking;
  const type = sink.plugin.type;
  const placement: MarkingPlacement[] = [];
  let sidecar = false;
  let preambleLines = 0;
  if (sink.format === 'parquet') placement.push('parquet_footer');
  else if (sink.format === 'arrow') placement.push('arrow_metadata');
  if (type === 'postgres') {
    if (settings.postgresComment) placement.push('table_comment');
  } else if (sink.format === 'csv' || sink.format === 'ndjson') {
    const csv = sink.format === 'csv';
    if (csv && settings.csv !== 'sidecar') {
      placement.push('csv_preamble');
      preambleLines = 2;
    }
    // Object stores carry the credential as object metadata instead of a sidecar object.
    if (type !== 's3' && type !== 'gcs' && (!csv || settings.csv !== 'preamble')) {
      placement.push('sidecar');
      sidecar = true;
    }
  }
  if ((type === 's3' || type === 'gcs') && settings.objectMetadata) placement.push('object_metadata');
  return placement.length > 0 ? { placement, sidecar, preambleLines } : null;
}

function encoderOptions(sink: PlannedSink, marking: RunMarking | null): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (marking) {
    if (sink.format === 'parquet' || sink.format === 'arrow') o.metadata = { [MARKING_KEY]: marking.json };
    // The COPY payload of PostgreSQL is CSV too, but a preamble there would be loaded as rows.
    else if (sink.format === 'csv' && marking.settings.csv !== 'sidecar' && sink.plugin.type !== 'postgres') o.preamble = csvPreamble(marking);
  }
  if (typeof sink.options.delimiter === 'string') o.delimiter = sink.options.delimiter;
  if (typeof sink.options.row_group_rows === 'number') o.rowGroupRows = sink.options.row_group_rows;
  return o;
}
