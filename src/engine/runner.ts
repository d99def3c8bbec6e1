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
import type { JsonObject, LoadedConfig } from '../config/types.js';
import type { Batch } from './batch.js';
import { transformPartitionOffsets, type OutputTarget, type PartitionTransform, type RunContext, type SinkSettings } from './plugins.js';
import { buildPlan, plannedRowsByTable, type Plan, type PlannedSink, type PlannedSource, type SinkTable } from './plan.js';
import { OutputChannel, writeWholeOutput, type OutputMarking, type OutputRecord } from './output.js';
import * as registry from './registry.js';
import { schemaSha256 } from './schema.js';
import type { ComponentTick, RunEvent, RunEventListener } from './progress.js';
import { ConfigError, DspError, ExitCode, OutputError, StoppedError } from '../errors.js';
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
import { PartitionPool, type PartitionJob } from './workers/pool.js';
import { buildRoutes, rehydrateBatch, sinkEncodingKey } from './workers/routes.js';
import type { TableSchema } from './schema.js';
import { ownsPartition, type Shard } from '../scale/shard.js';
import { PROFILE_FILE, RunProfile } from '../report/profile.js';
import { createRunGates, gateOutcome, manifestGates, writeGates, writeProv, type WrittenGates } from '../quality/commit.js';
import type { GateCliOptions, GateSettings } from '../quality/config.js';
import type { GateReport, QualityGates } from '../quality/gates.js';
import { createRunGuard, type RunGuard, type RunGuardOptions } from '../guard/run-guard.js';
import { guardSettings, guardThresholdIssues } from '../guard/levels.js';
import type { ManualPause } from '../guard/guard.js';
import { gatedBatches } from '../guard/pause.js';

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
  /** Resource guard (controls.md §7): settings come from config `guard:`; tests inject a sampler here. */
  guard?: RunGuardOptions;
  /** The caller's SIGUSR1 toggle (controls.md §7.6); the sources run only while it is off. */
  manualPause?: ManualPause;
  /** How long a stop waits for in-flight work before giving up on it (default `shutdown.grace_ms`, 20000). */
  shutdownGraceMs?: number;
  /**
   * Worker threads that generate and encode whole partitions (architecture.md §8; `--workers N`,
   * config `runtime.workers`); 0 = in-process. Never changes a data byte.
   */
  workers?: number;
  /** The shard this process runs (`--shard i/n`, controls.md §11.1); default 0/1. */
  shard?: Shard;
  /** `--gates off|warn|enforce`, `--gates-profile` (controls.md §6.1). */
  gates?: GateCliOptions;
}

export interface RunResult {
  status: ManifestStatus;
  exitCode: number;
  manifest: Manifest;
  manifestPath: string;
  controlRoot: string;
  error: DspError | null;
  /** The gates report, when gates were evaluated (controls.md §6.6). */
  gates?: GateReport | null;
}

/** Bytes a worker may have in flight per partition before it waits for the main thread (credit). */
const WORKER_CREDIT_BYTES = 64 * 1024 * 1024;

/**
 * Runs a loaded pipeline to the end (the engine behind `datasynth-pipe run` and `openPipeline()`):
 * resolves with the status, exit code and manifest for complete, failed and stopped runs alike;
 * rejects only when the run cannot start (invalid plan, unusable output root).
 *
 * @example
 * ```ts
 * import { loadConfigFile, runPipeline } from 'datasynth-pipe';
 * const loaded = await loadConfigFile('pipelines/demo.yaml');
 * const result = await runPipeline({ loaded, outRoot: '/tmp/demo', ifExists: 'overwrite', onEvent: (e) => console.log(e.type) });
 * console.log(result.status, result.exitCode, result.manifestPath);
 * ```
 */
export async function runPipeline(options: RunOptions): Promise<RunResult> {
  const startedAt = new Date();
  const cwd = options.cwd ?? process.cwd();
  const outRoot = options.outRoot ? resolve(cwd, options.outRoot) : null;
  const settings: SinkSettings = { outRoot, cwd, ...(options.ifExists ? { ifExists: options.ifExists } : {}) };
  const plan = buildPlan(options.loaded, settings);
  // controls.md §7.2: misordered guard thresholds are a config error before anything is written.
  const guardIssues = guardThresholdIssues(guardSettings(options.loaded.config.guard as JsonObject | undefined));
  if (guardIssues.length > 0) throw new ConfigError(guardIssues);
  const shard: Shard = options.shard ?? { index: 0, count: 1, resolvedFrom: 'default' };
  // controls.md §11.3: n > 1 writes <table>/part-PPPPP-of-QQQQQ files, so partitions from many machines never collide.
  if (shard.count > 1) {
    const single = plan.sinks.filter((s) => s.layout !== 'partitioned');
    if (single.length > 0) {
      throw new ConfigError(single.map((s) => ({
        path: `sinks.${s.id}.layout`,
        message: `a sharded run (--shard ${shard.index}/${shard.count}) needs layout: partitioned in every sink (one file per table and logical partition), this sink writes ${s.layout}`,
        ...options.loaded.locate?.(['sinks', s.id]),
      })));
    }
  }
  const workers = options.workers ?? runtimeWorkers(options.loaded.config);
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
  const shardPath = join(controlRoot, '_manifests', shardManifestName(shard.index, shard.count));
  const shardStateName = shardManifestName(shard.index, shard.count).replace(/\.json$/, '.gates-state.json');
  const state = new RunState(plan, runId, attemptId, startedAt, markingSettings(options.loaded), marking, shard);
  // controls.md §6.1: gates are resolved before anything is written (a bad `gates:` is exit 1).
  ({ settings: state.gateSettings, gates: state.gates } = await createRunGates(plan, options.gates));

  await prepareControlRoot(controlRoot, ifExists);
  // controls.md §9: the attempt's run log, hash-chained; closed (datasync, audit lock released) in `finally`.
  const runLog = await RunLog.open({ controlRoot, runId, attemptId, startedAt, shard: `${shard.index}/${shard.count}`, shardResolvedFrom: shard.resolvedFrom, auditLog: options.auditLog });
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

    // controls.md §7: the guard acts only at the sources' credit gate; Emergency is a graceful stop.
    const channelBytes = { probe: (): number => 0 };
    const guard = createRunGuard({
      config: options.loaded.config, controlRoot, localDirs: localDirs(plan, settings),
      inFlight: () => ({ bytes: channelBytes.probe(), rows: 0 }), emit, runLog,
      onEmergency: (message) => abort.abort({ code: 'DSP_GUARD_EMERGENCY', message }),
      manualPause: options.manualPause, options: options.guard,
    });
    state.guard = guard;
    // architecture.md §8: workers rebuild the plan from config and send bytes/batches back in partition order.
    const pool = workers > 0 ? await PartitionPool.start(workers, {
      config: options.loaded.config as unknown as JsonObject,
      seed: options.loaded.seed.toString(),
      routes: buildRoutes(plan, (s) => encoderOptions(s, marking)),
      gates: state.gates ? (options.gates ?? {}) : null,
      profile: state.profile !== null,
      settings: { outRoot, cwd },
      creditBytes: WORKER_CREDIT_BYTES,
    }) : null;
    const executor = new Executor(plan, ctx, state, emit, options.progressIntervalMs ?? 1000, log, guard, pool, shard);
    channelBytes.probe = () => executor.bufferedBytes();
    const graceMs = options.shutdownGraceMs ?? shutdownGraceMs(options.loaded.config);
    let error: DspError | null = null;
    guard.start();
    try {
      await withGrace(executor.run(), abort.signal, graceMs);
      if (shard.count > 1) {
        // A shard evaluates nothing: commit merges every shard's states and evaluates once (controls.md §6.4).
        if (state.gates) await writeFileAtomic(join(controlRoot, '_manifests', shardStateName), controlJson(state.gates.stateJSON(runId)), attemptId);
      } else if (state.gates) {
        // controls.md §2.1 step 4: gates.json before the finalizers; an enforced failure skips them (exit 2).
        state.gateReport = await writeGates(state.gates, { controlRoot, runId, attemptId, shardStateName, runLog });
        emit(gatesEvent(state.gateReport));
        const outcome = gateOutcome(state.gateReport);
        for (const w of outcome.warnings) state.extraWarnings.push({ ...w, at: new Date().toISOString() });
        if (outcome.error) throw outcome.error;
      }
      if (state.profile) {
        const text = controlJson(state.profile.toJSON());
        await writeFileAtomic(shard.count > 1 ? join(controlRoot, '_manifests', shardManifestName(shard.index, shard.count).replace(/\.json$/, '.profile.json')) : join(controlRoot, PROFILE_FILE), text, attemptId);
      }
      // Run-level publish (e.g. PostgreSQL replace) once every output committed (controls.md §2.1); for shards at commit.
      if (shard.count === 1) for (const s of plan.sinks) await s.sink.finalizeRun?.(ctx);
    } catch (err) {
      error = toDspError(err, abort.signal);
      // After an expired grace period the aborts get a short budget of their own, not a second grace period.
      const leftovers = await executor.abortAll(err, error.code, error.code === 'DSP_SHUTDOWN_TIMEOUT' ? Math.min(1000, graceMs) : graceMs);
      // controls.md §7.5 step 4: what could not be cleaned up within the grace period is listed.
      if (leftovers.length > 0) state.extraWarnings.push({ code: 'DSP_WARN_ABORT_INCOMPLETE', message: `outputs not aborted within ${graceMs} ms: ${leftovers.join(', ')}`, at: new Date().toISOString() });
      // fail_fast stopped the run mid-way (controls.md §6.5): its report still says which gate and why.
      if (error.code === 'DSP_GATE_FAILED' && state.gates && !state.gateReport) {
        state.gateReport = await writeGates(state.gates, { controlRoot, runId, attemptId, shardStateName, runLog }).catch(() => null);
        if (state.gateReport) emit(gatesEvent(state.gateReport));
      }
      runLog.sync();
    } finally {
      guard.stop();
      executor.stopTicking();
      await pool?.close();
      options.signal?.removeEventListener('abort', onOuterAbort);
    }

    // A stop whose grace period expired is `incomplete` (controls.md §2.2); other stops are `aborted`.
    let status: ManifestStatus = error ? (error.exitCode === ExitCode.Stopped ? (error.code === 'DSP_SHUTDOWN_TIMEOUT' ? 'incomplete' : 'aborted') : 'failed') : 'complete';
    let reason: StatusReason | null = error ? { code: error.code, message: error.message, at: new Date().toISOString() } : null;
    let manifest = state.manifest(status, reason, 'shard');
    await writeManifest(shardPath, controlJson(manifest), status);
    if (shard.count > 1) {
      // controls.md §11.3: shards never write run-level control files; `commit` publishes the run.
      const exitCode = error ? error.exitCode : ExitCode.Success;
      log.end(status, exitCode, error?.code ?? null);
      emit({
        type: 'end', status, exitCode, durationMs: Date.now() - startedAt.getTime(),
        manifestUri: pathToFileURL(shardPath).href, rows: state.totalRows, bytes: state.totalBytes,
        components: componentTicks(state.components), guardLevel: guard.level(),
      });
      return { status, exitCode, manifest, manifestPath: shardPath, controlRoot, error, gates: null };
    }
    // An unsharded run is shard 0/1 committed in-process (controls.md §0).
    const shardSha = await sha256File(shardPath);
    try {
      // controls.md §3: prov.json after all hashing, before manifest.json.
      state.prov = await writeProv(plan, state.manifest(status, reason, 'run', shardSha), { controlRoot, attemptId, gates: state.gateReport, runLog });
    } catch (err) {
      state.extraWarnings.push({ code: 'DSP_WARN_PROV_FAILED', message: `prov.json not written: ${(err as Error).message}`, at: new Date().toISOString() });
    }
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
      components: componentTicks(state.components), guardLevel: guard.level(),
    });
    return { status, exitCode, manifest, manifestPath, controlRoot, error, gates: state.gateReport?.report ?? null };
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

/** Local directories the sinks write to (the guard watches their free space, controls.md §7.1). */
function localDirs(plan: Plan, settings: SinkSettings): string[] {
  const out: string[] = [];
  for (const s of plan.sinks) {
    const root = s.plugin.localRoot?.(s.options, settings);
    if (root) out.push(resolve(settings.cwd, root));
  }
  return out;
}

/** The `gates` run event of an evaluation (controls.md §10.2). */
function gatesEvent(written: WrittenGates): RunEvent {
  const r = written.report;
  return { type: 'gates', passed: r.passed, enforce: r.enforce, failed: r.results.filter((x) => x.status === 'fail').map((x) => x.gate), profile: r.profile, summary: r.summary, report: written.uri };
}

/** `runtime.workers` (default 0: in-process). */
function runtimeWorkers(config: object): number {
  const v = ((config as { runtime?: unknown }).runtime as { workers?: unknown } | undefined)?.workers;
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : 0;
}

/** `shutdown.grace_ms` (controls.md §7.5), default 20000 (under Kubernetes' 30 s). */
function shutdownGraceMs(config: object): number {
  const v = ((config as { shutdown?: unknown }).shutdown as { grace_ms?: unknown } | undefined)?.grace_ms;
  return typeof v === 'number' ? v : 20_000;
}

/**
 * Waits for `work`; once `signal` aborts, waits at most `graceMs` more, then gives up on it
 * with `DSP_SHUTDOWN_TIMEOUT` (the stuck work is aborted by the caller's cleanup).
 */
async function withGrace<T>(work: Promise<T>, signal: AbortSignal, graceMs: number): Promise<T> {
  let timer: NodeJS.Timeout | null = null;
  let onAbort: (() => void) | null = null;
  const expired = new Promise<never>((_, reject) => {
    onAbort = (): void => {
      timer = setTimeout(() => reject(new StoppedError('DSP_SHUTDOWN_TIMEOUT', `in-flight work did not stop within shutdown.grace_ms (${graceMs} ms)`)), graceMs);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  expired.catch(() => undefined);
  // Work given up on may still settle (its streams are destroyed by the cleanup): never unhandled.
  work.catch(() => undefined);
  try {
    return await Promise.race([work, expired]);
  } finally {
    if (timer) clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

function componentTicks(components: Record<string, ComponentCounters>): Record<string, ComponentTick> {
  const out: Record<string, ComponentTick> = {};
  for (const [id, c] of Object.entries(components)) {
    out[id] = {
      kind: c.kind, type: c.type, recv: c.received_events, sent: c.sent_events, bytes: c.kind === 'sink' ? c.sent_bytes : c.received_bytes,
      recvBytes: c.received_bytes, sentBytes: c.sent_bytes, errors: c.errors,
    };
  }
  return out;
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
  /** The manifest's `guard` / `pauses` (controls.md §2.3); set once the guard exists. */
  guard: RunGuard | null = null;
  /** Warnings found while running (e.g. DSP_WARN_ABORT_INCOMPLETE). */
  readonly extraWarnings: Manifest['warnings'] = [];
  /** Quality gates (controls.md §6): settings, accumulators (null when disabled), the written report. */
  gateSettings: GateSettings | null = null;
  gates: QualityGates | null = null;
  gateReport: WrittenGates | null = null;
  /** The report profile (`profile.json`, issue 6 part 5), counted while data flows. */
  profile: RunProfile | null = new RunProfile();
  /** The manifest's `prov` once prov.json is written. */
  prov: { uri: string; sha256: string } | null = null;

  constructor(
    readonly plan: Plan,
    readonly runId: string,
    readonly attemptId: string,
    readonly startedAt: Date,
    readonly markingSettings: MarkingSettings,
    readonly marking: RunMarking | null,
    readonly shard: Shard = { index: 0, count: 1, resolvedFrom: 'default' },
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
      ...(kind === 'shard' ? { shard: { index: this.shard.index, count: this.shard.count, attempt_id: this.attemptId, resolved_from: this.shard.resolvedFrom, host } } : {}),
      started_at: this.startedAt.toISOString(),
      ended_at: ended,
      duration_ms: ended ? now.getTime() - this.startedAt.getTime() : null,
      config: configSection(loaded),
      partitions,
      shards: {
        count: this.shard.count,
        attempts: [{ index: this.shard.index, attempt_id: this.attemptId, status, started_at: this.startedAt.toISOString(), ended_at: ended, host, resolved_from: this.shard.resolvedFrom, manifest_sha256: shardManifestSha, superseded: false }],
      },
      outputs: [...this.outputs].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
      tables,
      components: this.components,
      gates: manifestGates(this.gateSettings, this.gateReport),
      ...(this.guard ? { guard: this.guard.summary(), pauses: this.guard.pauses() } : {}),
      marking: this.markingSection(),
      ...(this.prov ? { prov: this.prov } : {}),
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
    out.push(...this.extraWarnings);
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
  /** Each transform's upstream sources and their partition offsets (label ids stay unique across sources). */
  private readonly partitionOffsets: Map<string, Map<string, number>>;
  /** Per sink: the worker encoding its outputs take (a fragment format key, or 'batch'). */
  private readonly encodingKeys = new Map<string, string>();
  private lastTick = 0;
  private readonly started = Date.now();
  /** Rows produced by the sources per table (live, for per-table rates). */
  private readonly producedRows: Record<string, number> = {};
  private lastTable = '';
  /** Progress keeps ticking while no batch moves (paused, slow sink): controls.md §10.2. */
  private ticker: NodeJS.Timeout | null = null;

  constructor(
    private readonly plan: Plan,
    private readonly ctx: RunContext,
    private readonly state: RunState,
    private readonly emit: (e: RunEvent) => void,
    private readonly tickMs: number,
    private readonly log: AttemptRecorder,
    private readonly guard: RunGuard | null = null,
    /** Worker threads for whole partitions (architecture.md §8); null = in-process. */
    private readonly pool: PartitionPool | null = null,
    /** The shard this process runs: partitions p ≡ index (mod count) of every source (controls.md §11). */
    private readonly shard: Shard = { index: 0, count: 1, resolvedFrom: 'default' },
  ) {
    for (const s of plan.sinks) for (const i of s.inputs) push(this.sinksByInput, i, s);
    for (const t of plan.transforms) for (const i of t.inputs) push(this.transformsByInput, i, t.id);
    this.partitionOffsets = transformPartitionOffsets(plan.sources, plan.transforms);
    for (const s of plan.sinks) this.encodingKeys.set(s.id, sinkEncodingKey(s, encoderOptions(s, ctx.marking ?? null)));
  }

  async run(): Promise<void> {
    for (const sink of this.plan.sinks) await sink.sink.check(this.ctx.signal);
    this.emit({ type: 'ready' });
    const every = this.tickMs > 0 ? this.tickMs : 1000;
    this.ticker = setInterval(() => {
      if (Date.now() - this.lastTick >= every) this.tick(this.lastTable, true);
    }, every);
    this.ticker.unref();
    for (const source of this.plan.sources) await this.runSource(source);
  }

  stopTicking(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
  }

  /** Encoded bytes not yet at their destination, over every open output (the gate's in-flight measure). */
  bufferedBytes(): number {
    let bytes = 0;
    for (const ch of this.channels.values()) bytes += ch.bufferedBytes();
    return bytes;
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
    const mine = source.partitions.filter((p) => ownsPartition(this.shard, p.index));
    // Workers: keep a few partitions in flight ahead of the one being written, in plan order.
    const jobs = new Map<number, PartitionJob>();
    let nextJob = 0;
    const prefetch = async (): Promise<void> => {
      const pool = this.pool!;
      const lookahead = Math.max(1, Math.round(pool.size * 2 * (this.guard?.gate.budgetFactor ?? 1)));
      while (nextJob < mine.length && jobs.size < lookahead) {
        // The credit gate holds new partitions back while paused (controls.md §7.4).
        if (this.guard && !this.guard.gate.ready()) {
          if (jobs.size > 0) return;
          await this.guard.gate.wait(this.ctx.signal);
        }
        const p = mine[nextJob++];
        jobs.set(p.index, pool.submit(source.id, p.index));
      }
    };
    for (const partition of mine) {
      this.checkStopped();
      for (const t of targets) {
        if (t.sink.layout !== 'partitioned') continue;
        const global = t.producer.offset + partition.index;
        await this.open(t.sink, t.table, [global], channelKey(t.sink.id, t.table.schema.name, global));
      }
      if (this.pool) {
        await prefetch();
        const job = jobs.get(partition.index)!;
        jobs.delete(partition.index);
        await this.consumeJob(source, job);
        await prefetch();
        for (const t of targets) {
          if (t.sink.layout !== 'partitioned') continue;
          await this.finish(channelKey(t.sink.id, t.table.schema.name, t.producer.offset + partition.index));
        }
        continue;
      }
      this.transformInstances = new Map();
      const generated = source.plugin.generate(source.id, source.options, partition, this.plan.context);
      // The credit gate is asked before each batch (controls.md §7.4): paused = the generator is not called.
      const batches = Readable.from(this.guard ? gatedBatches(generated, this.guard.gate, this.ctx.signal) : generated, { objectMode: true, highWaterMark: 0 });
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
        addDetails(this.state.components[id].details, inst.details?.());
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

  /**
   * Writes one worker job's messages in the order the worker sent them: bytes go to the outputs whose
   * encoding they were made for, batches to the binary-format outputs; counters and gate states are
   * merged at the end. Credit goes back only after a chunk is written (memory stays bounded).
   */
  private async consumeJob(source: PlannedSource, job: PartitionJob): Promise<void> {
    for await (const msg of job.messages()) {
      this.checkStopped();
      if (this.guard && !this.guard.gate.ready()) await this.guard.gate.wait(this.ctx.signal);
      if (msg.type === 'bytes') {
        let bytes = 0;
        let rows = msg.rows;
        for (const view of msg.chunks) {
          const chunk = Buffer.from(view.buffer, view.byteOffset, view.byteLength);
          const memory = view.buffer as ArrayBuffer;
          // Counted before writing: once written, the memory may already be on its way back (chunk detached).
          bytes += chunk.length;
          await this.deliverEncoded(msg.fromId, msg.table, msg.key, chunk, rows, source, job.partition, () => job.giveBack(memory));
          rows = 0;
        }
        if (rows > 0) await this.deliverEncoded(msg.fromId, msg.table, msg.key, Buffer.alloc(0), rows, source, job.partition, null);
        job.ack(bytes);
      } else if (msg.type === 'batch') {
        const schema = this.schemaOf(msg.fromId, msg.batch.table);
        const batch = rehydrateBatch(msg.batch, schema);
        await this.deliverToSinks(msg.fromId, batch, source, 'batch');
        let bytes = 0;
        for (const v of batch.values) bytes += Array.isArray(v) ? v.length * 16 : v.byteLength;
        job.ack(bytes);
      } else if (msg.type === 'done') {
        for (const [id, c] of Object.entries(msg.counters)) {
          const comp = this.state.components[id];
          if (!comp) continue;
          if (comp.kind === 'transform') comp.received_events += c.received;
          comp.sent_events += c.sent;
          addDetails(comp.details, c.details);
        }
        if (msg.gates && this.state.gates) this.state.gates.mergeState(msg.gates);
        if (msg.profile && this.state.profile) this.state.profile.merge(RunProfile.fromJSON(msg.profile));
      }
    }
  }

  /** The schema of `table` as component `fromId` emits it. */
  private schemaOf(fromId: string, table: string): TableSchema {
    const list = this.plan.sources.find((s) => s.id === fromId)?.tables ?? this.plan.transforms.find((t) => t.id === fromId)?.tables ?? [];
    const schema = list.find((t) => t.name === table) ?? this.plan.tables.get(table);
    if (!schema) throw new Error(`internal: component ${fromId} emits no table ${table}`);
    return schema;
  }

  /** Worker-encoded bytes to every output of `fromId`'s table that expects this encoding. */
  private async deliverEncoded(fromId: string, table: string, key: string, chunk: Buffer, rows: number, source: PlannedSource, partition: number, release: (() => void) | null): Promise<void> {
    const targets: Array<{ sink: PlannedSink; channel: OutputChannel }> = [];
    for (const sink of this.sinksByInput.get(fromId) ?? []) {
      if (this.encodingKeys.get(sink.id) !== key) continue;
      const t = sink.tables.find((x) => x.schema.name === table);
      if (!t) continue;
      const producer = t.producers.find((p) => p.sourceId === source.id)!;
      const channel = this.channels.get(channelKey(sink.id, table, sink.layout === 'single' ? null : producer.offset + partition));
      if (!channel) throw new Error(`internal: no open output for ${sink.id}/${table}`);
      targets.push({ sink, channel });
    }
    // The chunk's memory goes back to the worker once every output is done with it — only if each says when.
    let holders = targets.length;
    const released = release && targets.every((x) => x.channel.releasesChunks) ? (): void => { if (--holders === 0) release(); } : undefined;
    if (release && targets.length === 0) release();
    for (const { sink, channel } of targets) {
      await channel.writeEncoded(chunk, rows, released);
      if (rows > 0) {
        this.state.components[sink.id].received_events += rows;
        this.state.totalRows += rows;
        if (fromId === source.id) this.producedRows[table] = (this.producedRows[table] ?? 0) + rows;
      }
      this.lastTable = table;
      this.tick(table);
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
    this.producedRows[batch.schema.name] = (this.producedRows[batch.schema.name] ?? 0) + batch.length;
    this.lastTable = batch.schema.name;
    await this.deliver(source.id, batch, source);
  }

  /** Pushes a batch to every consumer of `fromId`: sinks write it, transforms map it and pass the result on. */
  private async deliver(fromId: string, batch: Batch, source: PlannedSource): Promise<void> {
    if ((this.sinksByInput.get(fromId) ?? []).some((s) => s.tables.some((t) => t.schema.name === batch.schema.name))) {
      // Gates and the report profile observe each batch once per producing edge into a sink, not once per sink (controls.md §6.4).
      this.state.gates?.observe(batch, source.id);
      this.state.profile?.observe(batch, source.id);
    }
    await this.deliverToSinks(fromId, batch, source, null);
    for (const tid of this.transformsByInput.get(fromId) ?? []) {
      const t = this.plan.transforms.find((x) => x.id === tid)!;
      let inst = this.transformInstances.get(tid);
      if (!inst) {
        inst = t.plugin.create(tid, t.options, this.plan.context, { sourceId: source.id, partitionOffset: this.partitionOffsets.get(tid)?.get(source.id) ?? 0, exclusive: this.exclusiveInput(t.inputs) });
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

  /** Writes a batch to every sink output of `fromId`'s table (`onlyKey`: only sinks expecting that worker encoding). */
  private async deliverToSinks(fromId: string, batch: Batch, source: PlannedSource, onlyKey: string | null): Promise<void> {
    for (const sink of this.sinksByInput.get(fromId) ?? []) {
      if (onlyKey !== null && this.encodingKeys.get(sink.id) !== onlyKey) continue;
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
  }

  /** A transform owns its input batches when each input feeds nothing but it (no sink, no other transform). */
  private exclusiveInput(inputs: readonly string[]): boolean {
    return inputs.every((i) => (this.sinksByInput.get(i)?.length ?? 0) === 0 && (this.transformsByInput.get(i)?.length ?? 0) === 1);
  }

  private tick(table: string, force = false): void {
    const now = Date.now();
    if (!force && this.tickMs > 0 && now - this.lastTick < this.tickMs) return;
    this.lastTick = now;
    let bytes = this.state.totalBytes;
    const sinkBufferedBytes: Record<string, number> = {};
    for (const ch of this.channels.values()) {
      const b = ch.bufferedBytes();
      bytes += b;
      sinkBufferedBytes[ch.sinkId] = (sinkBufferedBytes[ch.sinkId] ?? 0) + b;
    }
    const g = this.guard;
    this.emit({
      type: 'progress', rows: this.state.totalRows, bytes, table, elapsedMs: now - this.started,
      tableRows: { ...this.producedRows }, components: componentTicks(this.state.components),
      guardLevel: g?.level() ?? 0, paused: g?.gate.reasons() ?? [],
      rssBytes: g?.latest.rssBytes ?? null,
      diskFree: g?.latest.disk ? { path: g.latest.disk.path, bytes: g.latest.disk.freeBytes } : null,
      sinkBufferedBytes,
    });
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
        this.emit({ type: 'output', sink: side.sink, uri: side.committed.uri, table: side.table, partitions: side.partitions, rows: 0, bytes: side.bytes, sha256: side.sha256 });
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
    this.emit({ type: 'output', sink: record.sink, uri: record.committed.uri, table: record.table, partitions: record.partitions, rows: record.rows, bytes: record.bytes, sha256: record.sha256 });
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

  /**
   * Aborts every uncommitted output (controls.md §7.5 step 2), waiting at most `graceMs`;
   * returns the ids of those whose abort did not finish in time.
   */
  async abortAll(reason: unknown, code: string, graceMs = 20_000): Promise<string[]> {
    const all = [...this.channels.values()];
    this.channels.clear();
    for (const ch of all) this.log.outputAbort(ch.id, code);
    const pending = new Set(all.map((ch) => ch.id));
    let timer: NodeJS.Timeout | null = null;
    const timeout = new Promise<void>((res) => { timer = setTimeout(res, graceMs); });
    await Promise.race([
      Promise.all(all.map((ch) => ch.abort(reason).finally(() => pending.delete(ch.id)))),
      timeout,
    ]);
    if (timer) clearTimeout(timer);
    return [...pending];
  }
}

/** Adds a transform's per-partition counts into its manifest details (controls.md §2.3 components). */
export function addDetails(into: Record<string, unknown>, counts: Readonly<Record<string, number>> | undefined): void {
  if (!counts) return;
  for (const [k, v] of Object.entries(counts)) into[k] = (typeof into[k] === 'number' ? (into[k] as number) : 0) + v;
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
