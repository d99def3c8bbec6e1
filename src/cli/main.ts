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
      default:
        throw new UsageError(`unknown command '${command}'. Commands: run, validate, verify, init, inspect, schema. Run 'datasynth-pipe --help'.`);
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
  }, 'run');
  if (values.help) return helpFor('run', io);
  const file = onePositional(positionals, 'run', 'pipeline file');
  const ifExists = values['if-exists'];
  if (ifExists !== undefined && !['fail', 'overwrite'].includes(ifExists)) throw new UsageError(`--if-exists must be fail or overwrite (got '${ifExists}')`);
  const progressMode = (values.progress ?? 'auto') as ProgressMode;
  if (!['auto', 'bar', 'ndjson', 'none'].includes(progressMode)) throw new UsageError(`--progress must be auto, bar, ndjson or none (got '${values.progress}')`);
  const interval = values['progress-interval'] !== undefined ? Number(values['progress-interval']) : 1000;
  if (!Number.isInteger(interval) || interval < 0) throw new UsageError(`--progress-interval must be a whole number of milliseconds`);

  const loaded = await loadConfigFile(file, { overrides: values.set ?? [], seed: values.seed, noMarking: values['no-marking'] === true });
  const markingOff = markingSettings(loaded).disabledBy;
  // controls.md §5.2: the opt-out is recorded (manifest warning) and said once, here.
  if (markingOff) io.err(`datasynth-pipe: warning DSP_WARN_MARKING_DISABLED: ${markingDisabledMessage(markingOff)}\n`);
  const mode = values.quiet && progressMode === 'auto' ? 'none' : resolveProgressMode(progressMode, process.stderr);
  const reporter = createProgressReporter(mode);

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
  try {
    const result = await runPipeline({
      loaded,
      outRoot: values.out ?? null,
      ifExists: ifExists as 'fail' | 'overwrite' | undefined,
      runId: values['run-id'],
      signal: controller.signal,
      onEvent: (e) => reporter.onEvent(e),
      progressIntervalMs: interval,
      auditLog: values['audit-log'] ?? (process.env.DSP_AUDIT_LOG || null),
    });
    reporter.close();
    if (result.error) {
      io.err(`datasynth-pipe: ${result.error.code}: ${result.error.message}\n`);
      io.err(`datasynth-pipe: run ${result.status}; manifest: ${result.manifestPath}\n`);
    } else if (!values.quiet) {
      const m = result.manifest;
      const rows = Object.entries(m.tables).map(([t, s]) => `  ${t.padEnd(22)} ${String(s.rows).padStart(10)} rows`).join('\n');
      io.err(`datasynth-pipe: committed ${m.outputs.length} output${m.outputs.length === 1 ? '' : 's'}\n${rows}\n  manifest: ${result.manifestPath}\n`);
    }
    return result.exitCode;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function cmdValidate(args: string[], io: Out): Promise<number> {
  const { values, positionals } = parse(args, { ...CONFIG_OPTS, format: { type: 'string' } }, 'validate');
  if (values.help) return helpFor('validate', io);
  const file = onePositional(positionals, 'validate', 'pipeline file');
  const loaded = await loadConfigFile(file, { overrides: values.set ?? [], seed: values.seed, noMarking: values['no-marking'] === true });
  const plan = buildPlan(loaded, { outRoot: null, cwd: process.cwd() });
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
