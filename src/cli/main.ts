/**
 * The `datasynth-pipe` command (architecture.md §5): run, validate, verify,
 * init, inspect, schema. Exit codes per architecture.md §7.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { promises as fs } from 'node:fs';
import { dirname, resolve } from 'node:path';
import '../plugins.js';
import { loadConfigFile } from '../config/load.js';
import { buildConfigJsonSchema } from '../config/schema.js';
import { buildPlan, plannedRowsByTable } from '../engine/plan.js';
import { runPipeline, resolveControlRoot, markingDisabledMessage } from '../engine/runner.js';
import { markingSettings } from '../provenance/marking.js';
import { DspError, ExitCode, UsageError, ConfigError } from '../errors.js';
import { verifyRun, verifyExitCode, formatReportText } from '../provenance/verify.js';
import { recordForcedExit, verifyRunLog } from '../provenance/runlog.js';
import { createProgressReporter, resolveProgressMode, type ProgressMode } from './progress.js';
import { HELP, COMMAND_HELP } from './help.js';
import { STARTER_PIPELINE } from './starter.js';
import { TOOL_VERSION } from '../util/tool.js';
import { optionsMarkdown } from '../docs/options-markdown.js';
import { formatGateTable, type GateReport } from '../quality/gates.js';
import type { ProfileName } from '../quality/config.js';
import { inspectGates } from '../scale/inspect-gates.js';
import { resolveGateSettings } from '../quality/config.js';
import { ManualPause } from '../guard/guard.js';
import { MetricsExporter } from '../metrics/exporter.js';
import { createLogger, logRunEvent } from '../logging/logger.js';
import { gatesAsChecks, PipesSession } from '../scale/dagster-pipes.js';
import { resolveRunId, resolveShard } from '../scale/shard.js';
import { pathToFileURL } from 'node:url';

type Out = { out: (s: string) => void; err: (s: string) => void };
const stdio: Out = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

const COMMON = {
  help: { type: 'boolean', short: 'h' },
  quiet: { type: 'boolean', short: 'q' },
} as const;

const CONFIG_OPTS = {
  ...COMMON,
  seed: { type: 'string' },
  set: { type: 'string', multiple: true },
  'no-marking': { type: 'boolean' },
} as const;

function parse<T extends ParseArgsConfig['options']>(args: string[], options: T, command: string) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\nRun 'datasynth-pipe ${command} --help' for usage.`);
  }
}

/** Entry point; returns the exit code (the caller sets process.exitCode). */
export async function main(argv: string[], io: Out = stdio): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(rest[0] && COMMAND_HELP[rest[0]] ? COMMAND_HELP[rest[0]] : HELP);
        return ExitCode.Success;
      case '--version':
      case '-V':
        io.out(`${TOOL_VERSION}\n`);
        return ExitCode.Success;
      case 'run': return await cmdRun(rest, io);
      case 'validate': return await cmdValidate(rest, io);
      case 'verify': return await cmdVerify(rest, io);
      case 'init': return await cmdInit(rest, io);
      case 'inspect': return await cmdInspect(rest, io);
      case 'schema': return await cmdSchema(rest, io);
      case 'commit': return await cmdCommit(rest, io);
      case 'report': return await cmdReport(rest, io);
      default:
        throw new UsageError(`unknown command '${command}'. Commands: run, validate, verify, commit, report, init, inspect, schema. Run 'datasynth-pipe --help'.`);
    }
  } catch (err) {
    return reportError(err, io);
  }
}

function reportError(err: unknown, io: Out): number {
  if (err instanceof DspError) {
    io.err(`datasynth-pipe: ${err instanceof ConfigError ? '' : `${err.code}: `}${err.message}\n`);
    return err.exitCode;
  }
  io.err(`datasynth-pipe: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
  return ExitCode.OutputFailure;
}

function helpFor(command: string, io: Out): number {
  io.out(COMMAND_HELP[command]);
  return ExitCode.Success;
}

function onePositional(positionals: string[], command: string, what: string): string {
  if (positionals.length !== 1) throw new UsageError(`'${command}' needs exactly one ${what}. Run 'datasynth-pipe ${command} --help'.`);
  return positionals[0];
}

async function cmdRun(args: string[], io: Out): Promise<number> {
  const { values, positionals } = parse(args, {
    ...CONFIG_OPTS,
    out: { type: 'string', short: 'o' },
    'if-exists': { type: 'string' },
    progress: { type: 'string' },
    'progress-interval': { type: 'string' },
    'run-id': { type: 'string' },
    'audit-log': { type: 'string' },
    'metrics-listen': { type: 'string' },
    'metrics-file': { type: 'string' },
    'log-level': { type: 'string' },
    'no-signal-pause': { type: 'boolean' },
    gates: { type: 'string' },
    'gates-profile': { type: 'string' },
    workers: { type: 'string', short: 'w' },
    shard: { type: 'string' },
    'shard-index': { type: 'string' },
    'shard-count': { type: 'string' },
  }, 'run');
  if (values.help) return helpFor('run', io);
  const file = onePositional(positionals, 'run', 'pipeline file');
  const ifExists = values['if-exists'];
  if (ifExists !== undefined && !['fail', 'overwrite'].includes(ifExists)) throw new UsageError(`--if-exists must be fail or overwrite (got '${ifExists}')`);
  // controls.md §6.1: --gates off|warn|enforce, --gates-profile strict|default|lenient|none.
  if (values.gates !== undefined && !['off', 'warn', 'enforce'].includes(values.gates)) throw new UsageError(`--gates must be off, warn or enforce (got '${values.gates}')`);
  const gatesProfile = gatesProfileFlag(values['gates-profile']);
  if (values.progress !== undefined && !['auto', 'bar', 'ndjson', 'none'].includes(values.progress)) throw new UsageError(`--progress must be auto, bar, ndjson or none (got '${values.progress}')`);
  if (values['progress-interval'] !== undefined && !(Number.isInteger(Number(values['progress-interval'])) && Number(values['progress-interval']) >= 0)) throw new UsageError(`--progress-interval must be a whole number of milliseconds`);

  const workersFlag = values.workers;
  if (workersFlag !== undefined && !/^(0|[1-9][0-9]{0,2})$/.test(workersFlag)) throw new UsageError(`--workers must be a whole number 0…999 (0 = in-process), got '${workersFlag}'`);

  const loaded = await loadConfigFile(file, { overrides: values.set ?? [], seed: values.seed, noMarking: values['no-marking'] === true });
  // controls.md §10.4 / §11: launched by Dagster Pipes? Its context may name the shard and run id.
  const pipes = PipesSession.fromEnv();
  pipes.opened();
  const shard = resolveShard({ shard: values.shard, shardIndex: values['shard-index'], shardCount: values['shard-count'], env: process.env, pipes: pipes.shardHint() });
  const runIdResolved = resolveRunId({ runId: values['run-id'], env: process.env, pipesRunId: pipes.runIdHint(), configHash: loaded.hash, seed: loaded.seed, toolVersion: TOOL_VERSION, shardCount: shard.count });
  if (runIdResolved.warning) io.err(`datasynth-pipe: warning DSP_WARN_RUN_ID_DERIVED: ${runIdResolved.warning}\n`);
  // Config `progress:` gives defaults; the flags win.
  const progressConfig = (loaded.config.progress ?? {}) as { mode?: ProgressMode; interval_ms?: number };
  const progressMode = (values.progress ?? progressConfig.mode ?? 'auto') as ProgressMode;
  const interval = values['progress-interval'] !== undefined ? Number(values['progress-interval']) : progressConfig.interval_ms ?? 1000;
  const markingOff = markingSettings(loaded).disabledBy;
  // controls.md §5.2: the opt-out is recorded (manifest warning) and said once, here.
  if (markingOff) io.err(`datasynth-pipe: warning DSP_WARN_MARKING_DISABLED: ${markingDisabledMessage(markingOff)}\n`);
  const mode = values.quiet && progressMode === 'auto' ? 'none' : resolveProgressMode(progressMode, process.stderr);
  const reporter = createProgressReporter(mode);
  const logger = createLogger(values['log-level'] ?? 'warn');
  // controls.md §10.3: config `metrics:` gives defaults, the flags win.
  const metricsConfig = (loaded.config.metrics ?? {}) as { listen?: string; file?: string; interval_ms?: number };
  const metricsListen = values['metrics-listen'] ?? metricsConfig.listen ?? null;
  const metricsFile = values['metrics-file'] ?? metricsConfig.file ?? null;
  const exporter = metricsListen || metricsFile ? new MetricsExporter({ listen: metricsListen, file: metricsFile, intervalMs: metricsConfig.interval_ms ?? (interval > 0 ? interval : 1000) }) : null;
  await exporter?.start();
  const bound = exporter?.address();
  if (bound) logger.info({ event: 'metrics.listen', host: bound.host, port: bound.port }, `metrics on http://${bound.host}:${bound.port}/metrics`);

  // First SIGINT/SIGTERM: graceful stop (exit 75); a second one exits at once (controls.md §7.5).
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals): void => {
    signals++;
    if (signals > 1) {
      const code = sig === 'SIGINT' ? 130 : 143;
      // process.exit skips every finally: the run log gets its record synchronously (controls.md §9).
      recordForcedExit(sig, code);
      process.exit(code);
    }
    io.err(`datasynth-pipe: ${sig} received; stopping at the next batch (send again to exit at once)\n`);
    controller.abort({ code: `DSP_SIGNAL_${sig}`, message: `stopped by ${sig}` });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // controls.md §7.6: SIGUSR1 toggles a manual pause (replacing Node's inspector use of it).
  const manualPause = new ManualPause();
  const onPauseSignal = (): void => {
    const paused = manualPause.toggle();
    io.err(paused ? 'datasynth-pipe: paused (SIGUSR1); send SIGUSR1 again to resume\n' : 'datasynth-pipe: resumed\n');
  };
  const signalPause = !values['no-signal-pause'] && process.platform !== 'win32';
  if (signalPause) process.on('SIGUSR1', onPauseSignal);
  try {
    const result = await runPipeline({
      loaded,
      outRoot: values.out ?? null,
      ifExists: ifExists as 'fail' | 'overwrite' | undefined,
      runId: runIdResolved.runId,
      shard,
      ...(workersFlag !== undefined ? { workers: Number(workersFlag) } : {}),
      signal: controller.signal,
      onEvent: (e) => {
        reporter.onEvent(e);
        exporter?.onEvent(e);
        logRunEvent(logger, e);
        if (e.type === 'progress') pipes.progress(e, Date.now());
        else if (e.type === 'guard' || e.type === 'warning') pipes.log(`${e.type}: ${JSON.stringify(e)}`, 'WARNING');
      },
      progressIntervalMs: interval,
      auditLog: values['audit-log'] ?? (process.env.DSP_AUDIT_LOG || null),
      manualPause,
      gates: { mode: values.gates as 'off' | 'warn' | 'enforce' | undefined, profile: gatesProfile },
    });
    reporter.close();
    // Dagster materializes assets by commit only: an unsharded run commits in-process (controls.md §10.4).
    if (shard.count === 1) {
      pipes.reportMaterializations(result.manifest, pathToFileURL(result.manifestPath).href);
      if (result.gates && gatesAsChecks(loaded.config)) pipes.reportGateChecks(result.gates);
    }
    pipes.close(result.error ? { name: result.error.code, message: result.error.message } : null);
    // controls.md §6.6: a short gate table on stderr (always when a gate failed).
    if (result.gates && (!values.quiet || !result.gates.passed)) io.err(formatGateTable(result.gates));
    if (result.error) {
      io.err(`datasynth-pipe: ${result.error.code}: ${result.error.message}\n`);
      io.err(`datasynth-pipe: run ${result.status}; manifest: ${result.manifestPath}\n`);
    } else if (!values.quiet) {
      const m = result.manifest;
      const rows = Object.entries(m.tables).map(([t, s]) => `  ${t.padEnd(22)} ${String(s.rows).padStart(10)} rows`).join('\n');
      const what = shard.count > 1 ? `shard ${shard.index}/${shard.count} committed ${m.outputs.length} output${m.outputs.length === 1 ? '' : 's'} (run 'datasynth-pipe commit' once all ${shard.count} shards are done)` : `committed ${m.outputs.length} output${m.outputs.length === 1 ? '' : 's'}`;
      io.err(`datasynth-pipe: ${what}\n${rows}\n  manifest: ${result.manifestPath}\n`);
    }
    return result.exitCode;
  } catch (err) {
    pipes.close({ name: (err as DspError).code ?? (err as Error).name, message: (err as Error).message, stack: (err as Error).stack });
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (signalPause) process.off('SIGUSR1', onPauseSignal);
    await exporter?.close();
  }
}

async function cmdValidate(args: string[], io: Out): Promise<number> {
  const { values, positionals } = parse(args, { ...CONFIG_OPTS, format: { type: 'string' } }, 'validate');
  if (values.help) return helpFor('validate', io);
  const file = onePositional(positionals, 'validate', 'pipeline file');
  const loaded = await loadConfigFile(file, { overrides: values.set ?? [], seed: values.seed, noMarking: values['no-marking'] === true });
  const plan = buildPlan(loaded, { outRoot: null, cwd: process.cwd() });
  // controls.md §6.1: gate settings the schema cannot check (between needs upper_threshold, unique names).
  resolveGateSettings(loaded.config.gates);
  if (values.format === 'json') {
    io.out(JSON.stringify({ valid: true, config_hash: loaded.hash, seed: loaded.seed.toString(), sources: plan.sources.map((s) => s.id), sinks: plan.sinks.map((s) => s.id) }, null, 2) + '\n');
  } else if (!values.quiet) {
    io.out(`${file}: valid (config_hash ${loaded.hash}, ${plan.sources.length} source${plan.sources.length === 1 ? '' : 's'}, ${plan.sinks.length} sink${plan.sinks.length === 1 ? '' : 's'})\n`);
  }
  return ExitCode.Success;
}

async function cmdVerify(args: string[], io: Out): Promise<number> {
  const { values, positionals } = parse(args, {
    ...COMMON,
    quick: { type: 'boolean' },
    strict: { type: 'boolean' },
    'allow-incomplete': { type: 'boolean' },
    format: { type: 'string' },
    report: { type: 'string' },
    'audit-log': { type: 'string' },
  }, 'verify');
  if (values.help) return helpFor('verify', io);
  if (values['audit-log'] !== undefined) {
    // A host audit log has no manifest: only its chain is checked (controls.md §9).
    if (positionals.length > 0) throw new UsageError(`'verify --audit-log PATH' takes no output directory`);
    const v = await verifyRunLog(values['audit-log']);
    if (values.format === 'json') io.out(JSON.stringify({ path: v.path, ok: v.ok, records: v.records, line: v.line, message: v.message, last_hash: v.hashes.at(-1) ?? null }, null, 2) + '\n');
    else if (!values.quiet) io.out(`[${v.ok ? 'PASS' : 'FAIL'}] V14 ${v.path}${v.line ? `:${v.line}` : ''} ${v.ok ? 'run log chain' : 'run log chain broken at'} ${v.message}\n`);
    return v.ok ? ExitCode.Success : ExitCode.OutputFailure;
  }
  const dir = onePositional(positionals, 'verify', 'output directory');
  if (values.format && !['text', 'json'].includes(values.format)) throw new UsageError(`--format must be text or json`);
  const options = { quick: !!values.quick, strict: !!values.strict, allowIncomplete: !!values['allow-incomplete'] };
  const report = await verifyRun(dir.startsWith('file://') ? new URL(dir).pathname : dir, options);
  if (values.report) await fs.writeFile(values.report, JSON.stringify(report, null, 2) + '\n');
  if (values.format === 'json') io.out(JSON.stringify(report, null, 2) + '\n');
  else if (!values.quiet) io.out(formatReportText(report));
  const code = verifyExitCode(report, options.strict);
  if (code === ExitCode.InvalidInput) io.err(`datasynth-pipe: DSP_VERIFY_MANIFEST: ${report.results[0]?.message}\n`);
  return code;
}

async function cmdInit(args: string[], io: Out): Promise<number> {
  const { values, positionals } = parse(args, { ...COMMON, force: { type: 'boolean', short: 'f' } }, 'init');
  if (values.help) return helpFor('init', io);
  if (positionals.length > 1) throw new UsageError(`'init' takes at most one path`);
  const path = resolve(positionals[0] ?? 'pipeline.yaml');
  await fs.mkdir(dirname(path), { recursive: true });
  try {
    await fs.writeFile(path, STARTER_PIPELINE, { flag: values.force ? 'w' : 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new UsageError(`${path} already exists; pass --force to overwrite it`, 'DSP_INIT_EXISTS');
    throw err;
  }
  if (!values.quiet) io.out(`wrote ${path}\nnext: datasynth-pipe run ${positionals[0] ?? 'pipeline.yaml'}\n`);
  return ExitCode.Success;
}

async function cmdInspect(args: string[], io: Out): Promise<number> {
  if (args[0] === 'gates') return cmdInspectGates(args.slice(1), io);
  const { values, positionals } = parse(args, { ...CONFIG_OPTS, format: { type: 'string' }, out: { type: 'string', short: 'o' } }, 'inspect');
  if (values.help) return helpFor('inspect', io);
  let what = 'plan';
  let file: string;
  if (positionals.length === 2 && ['plan', 'config'].includes(positionals[0])) [what, file] = positionals;
  else file = onePositional(positionals, 'inspect', 'pipeline file');
  const loaded = await loadConfigFile(file, { overrides: values.set ?? [], seed: values.seed, noMarking: values['no-marking'] === true });
  if (what === 'config') {
    if (values.format === 'json') io.out(JSON.stringify({ config_hash: loaded.hash, canonical: JSON.parse(loaded.canonical), runtime: loaded.runtime, seed: loaded.seed.toString() }, null, 2) + '\n');
    else io.out(`${loaded.canonical}\nconfig_hash ${loaded.hash}\n`);
    return ExitCode.Success;
  }
  const settings = { outRoot: values.out ? resolve(values.out) : null, cwd: process.cwd() };
  const plan = buildPlan(loaded, settings);
  const rows = plannedRowsByTable(plan);
  const summary = {
    config_hash: loaded.hash,
    seed: loaded.seed.toString(),
    control_root: resolveControlRoot(plan, settings),
    sources: plan.sources.map((s) => ({
      id: s.id, type: s.plugin.type, partitions: s.partitions.length,
      first_partition: s.partitions[0]?.key ?? null, last_partition: s.partitions.at(-1)?.key ?? null,
      tables: s.tables.map((t) => t.name),
    })),
    sinks: plan.sinks.map((s) => ({ id: s.id, type: s.plugin.type, format: s.format, layout: s.layout, compression: s.compression, inputs: s.inputs, tables: s.tables.map((t) => ({ table: t.schema.name, outputs: s.layout === 'single' ? 1 : t.partitionCount, planned_rows: t.plannedRows })) })),
    tables: Object.fromEntries([...plan.tables.values()].map((t) => [t.name, { columns: t.columns.length, planned_rows: rows.get(t.name) ?? 0 }])),
  };
  if (values.format === 'json') {
    io.out(JSON.stringify(summary, null, 2) + '\n');
    return ExitCode.Success;
  }
  const lines = [`config_hash ${summary.config_hash}  seed ${summary.seed}`, `control root ${summary.control_root}`, '', 'sources:'];
  for (const s of summary.sources) lines.push(`  ${s.id} (${s.type}): ${s.partitions} partition${s.partitions === 1 ? '' : 's'} [${s.first_partition} … ${s.last_partition}] → ${s.tables.join(', ')}`);
  lines.push('', 'sinks:');
  for (const s of summary.sinks) lines.push(`  ${s.id} (${s.type}, ${s.format}, ${s.layout}${s.compression === 'gzip' ? ', gzip' : ''}) ← ${s.inputs.join(', ')}`);
  lines.push('', 'tables (planned rows; estimates where a source cannot know exactly):');
  for (const [t, info] of Object.entries(summary.tables)) lines.push(`  ${t.padEnd(24)} ${String(info.planned_rows).padStart(12)}  (${info.columns} columns)`);
  io.out(lines.join('\n') + '\n');
  return ExitCode.Success;
}

/** `--gates-profile` (controls.md §6.1), checked: run and inspect gates take the same names. */
function gatesProfileFlag(value: string | undefined): ProfileName | undefined {
  if (value !== undefined && !['strict', 'default', 'lenient', 'none'].includes(value)) throw new UsageError(`--gates-profile must be strict, default, lenient or none (got '${value}')`);
  return value as ProfileName | undefined;
}

/** `inspect gates <out>`: the stored gate states re-evaluated under another profile (controls.md §6.4). */
async function cmdInspectGates(args: string[], io: Out): Promise<number> {
  const { values, positionals } = parse(args, { ...COMMON, gates: { type: 'string' }, 'gates-profile': { type: 'string' }, format: { type: 'string' } }, 'inspect');
  if (values.help) return helpFor('inspect', io);
  const dir = onePositional(positionals, 'inspect gates', 'output directory');
  if (values.gates !== undefined && !['warn', 'enforce'].includes(values.gates)) throw new UsageError(`inspect gates: --gates must be warn or enforce (got '${values.gates}')`);
  const profile = gatesProfileFlag(values['gates-profile']);
  if (values.format && !['text', 'json'].includes(values.format)) throw new UsageError(`--format must be text or json`);
  const result = await inspectGates(resolve(dir), { mode: (values.gates ?? 'enforce') as 'warn' | 'enforce', ...(profile ? { profile } : {}) });
  for (const w of result.warnings) io.err(`datasynth-pipe: ${w.code}: ${w.message}\n`);
  if (values.format === 'json') io.out(JSON.stringify(result.report, null, 2) + '\n');
  else io.out(`${result.controlRoot} (${result.states.join(', ')})\n${formatGateTable(result.report)}`);
  return result.report.passed || !result.report.enforce ? ExitCode.Success : ExitCode.GateFailed;
}

async function cmdSchema(args: string[], io: Out): Promise<number> {
  const { values, positionals } = parse(args, { ...COMMON, out: { type: 'string', short: 'o' }, format: { type: 'string' } }, 'schema');
  if (values.help) return helpFor('schema', io);
  if (positionals.length > 0) throw new UsageError(`'schema' takes no arguments`);
  if (values.format && !['json', 'markdown'].includes(values.format)) throw new UsageError(`--format must be json or markdown`);
  const text = values.format === 'markdown' ? optionsMarkdown() : JSON.stringify(buildConfigJsonSchema(), null, 2) + '\n';
  if (values.out) {
    await fs.writeFile(values.out, text);
    if (!values.quiet) io.err(`wrote ${values.out}\n`);
  } else io.out(text);
  return ExitCode.Success;
}

async function cmdCommit(args: string[], io: Out): Promise<number> {
  const { values, positionals } = parse(args, {
    ...COMMON,
    'expect-shards': { type: 'string' },
    'allow-partial': { type: 'boolean' },
    'allow-extra': { type: 'boolean' },
    'no-check-outputs': { type: 'boolean' },
    format: { type: 'string' },
  }, 'commit');
  if (values.help) return helpFor('commit', io);
  const root = onePositional(positionals, 'commit', 'control root (the --out directory the shards wrote)');
  const n = values['expect-shards'];
  if (n === undefined || !/^[1-9][0-9]*$/.test(n)) throw new UsageError(`commit needs --expect-shards N (the shard count the runs used), got ${n === undefined ? 'none' : `'${n}'`}`);
  const { commitRun } = await import('../scale/commit.js');
  // Dagster Pipes: the commit step is where a sharded run's assets materialize (controls.md §10.4).
  const pipes = PipesSession.fromEnv();
  pipes.opened();
  let result;
  try {
    result = await commitRun(resolve(root), {
      expectShards: Number(n),
      allowPartial: values['allow-partial'] === true,
      allowExtra: values['allow-extra'] === true,
      checkOutputs: values['no-check-outputs'] !== true,
    });
  } catch (err) {
    // An enforced gate failure at commit still reports its checks (the report rides on the error's context).
    const failed = (err as DspError).context as { gates?: GateReport | null; manifest?: string } | undefined;
    if (failed?.gates && failed.manifest) {
      const runtime = await fs.readFile(failed.manifest, 'utf8').then((t) => (JSON.parse(t) as { config?: { runtime?: unknown } }).config?.runtime, () => null);
      if (gatesAsChecks(runtime)) pipes.reportGateChecks(failed.gates);
    }
    pipes.close({ name: (err as DspError).code ?? 'Error', message: (err as Error).message });
    throw err;
  }
  for (const w of result.warnings) io.err(`datasynth-pipe: warning ${w.code}: ${w.message}\n`);
  pipes.reportMaterializations(result.manifest, pathToFileURL(result.manifestPath).href);
  if (result.gates && gatesAsChecks(result.manifest.config.runtime)) pipes.reportGateChecks(result.gates);
  pipes.close();
  if (values.format === 'json') {
    io.out(JSON.stringify({ status: result.status, manifest: result.manifestPath, outputs: result.manifest.outputs.length, checked_outputs: result.checkedOutputs, warnings: result.warnings }) + '\n');
  } else if (!values.quiet) {
    const what = result.status === 'already_committed' ? `already committed: ${result.manifestPath} and _SUCCESS match these ${n} shards (nothing written)`
      : result.status === 'partial' ? `merged what is complete into ${result.manifestPath} (status incomplete, no _SUCCESS)`
      : `committed ${n} shards: ${result.manifest.outputs.length} outputs (${result.checkedOutputs} re-hashed), ${result.manifestPath} and _SUCCESS written`;
    io.out(`${what}\n`);
  }
  return result.exitCode;
}

async function cmdReport(args: string[], io: Out): Promise<number> {
  const { values, positionals } = parse(args, { ...COMMON, output: { type: 'string', short: 'o' } }, 'report');
  if (values.help) return helpFor('report', io);
  const root = onePositional(positionals, 'report', 'output directory of a finished run');
  const { writeReport } = await import('../report/command.js');
  const r = await writeReport(resolve(root), values.output ? { output: values.output } : {});
  if (!values.quiet) io.out(`report written to ${r.path} (${r.bytes} bytes; open it in a browser, no network needed)\n`);
  return ExitCode.Success;
}
