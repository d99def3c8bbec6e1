/**
 * One error hierarchy with stable machine codes, each mapped to one exit code
 * (architecture.md §7, controls.md §0): 1 invalid input, 2 gates failed,
 * 3 output / I/O failure, 75 stopped on purpose.
 */

/**
 * The process exit codes (controls.md §0), also `RunResult.exitCode` and `DspError.exitCode`.
 *
 * @example
 * ```ts
 * import { ExitCode, openPipeline } from 'datasynth-pipe';
 * const result = await openPipeline('pipelines/demo.yaml').done;
 * if (result.exitCode === ExitCode.GateFailed) console.error('quality gates failed, see gates.json');
 * ```
 */
export const ExitCode = {
  Success: 0,
  InvalidInput: 1,
  GateFailed: 2,
  OutputFailure: 3,
  Stopped: 75,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Where in a config file something is: key path plus file:line:col when known. */
export interface SourceLocation {
  file?: string;
  line?: number;
  col?: number;
}

/**
 * Base of every error the tool reports: a stable machine `code` (e.g. `DSP_CONFIG_INVALID`) and the
 * process `exitCode` it maps to.
 *
 * @example
 * ```ts
 * import { DspError } from 'datasynth-pipe';
 * try { await run.done; } catch (err) { if (err instanceof DspError) process.exitCode = err.exitCode; else throw err; }
 * ```
 */
export class DspError extends Error {
  readonly code: string;
  readonly exitCode: ExitCodeValue;
  readonly context: Record<string, unknown>;
  constructor(code: string, message: string, exitCode: ExitCodeValue, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
    this.context = context;
  }
}

/** One problem found in a config; a ConfigError carries all of them at once. */
export interface ConfigIssue extends SourceLocation {
  /** Dotted key path, e.g. `sinks.pg.url` or `companies[1].currency`. */
  path: string;
  message: string;
  /** What to do about it; printed after the location (conventions.md: "… (pipeline.yaml:14:10). Set it or use …"). */
  hint?: string;
}

export function formatIssue(issue: ConfigIssue): string {
  const where = issue.file
    ? ` (${issue.file}${issue.line ? `:${issue.line}:${issue.col ?? 1}` : ''})`
    : issue.line ? ` (line ${issue.line}:${issue.col ?? 1})` : '';
  return `${issue.path ? issue.path + ': ' : ''}${issue.message}${where}${issue.hint ? `. ${issue.hint}` : ''}`;
}

/**
 * An invalid config or option (exit code 1), with every problem found at once in `issues`.
 *
 * @example
 * ```ts
 * import { ConfigError, source } from 'datasynth-pipe';
 * try { source('journal_entries', { period: { start: '2025-02-30', months: 1 }, companies: [] }); }
 * catch (err) { if (err instanceof ConfigError) for (const i of err.issues) console.error(i.path, i.message); }
 * ```
 */
export class ConfigError extends DspError {
  readonly issues: readonly ConfigIssue[];
  constructor(issues: readonly ConfigIssue[], code = 'DSP_CONFIG_INVALID') {
    const lines = issues.map((i) => `  - ${formatIssue(i)}`);
    super(code, `invalid pipeline config (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`, ExitCode.InvalidInput, { issues });
    this.issues = issues;
  }
}

export class UsageError extends DspError {
  constructor(message: string, code = 'DSP_USAGE') {
    super(code, message, ExitCode.InvalidInput);
  }
}

export class OutputError extends DspError {
  constructor(code: string, message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(code, message, ExitCode.OutputFailure, context, options);
  }
}

export class StoppedError extends DspError {
  constructor(code: string, message: string) {
    super(code, message, ExitCode.Stopped);
  }
}
