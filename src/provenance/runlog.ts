/**
 * The run log (controls.md §9): append-only JSONL, one record per control
 * event, each chained to the previous by `prev_hash` and sealed by `hash` =
 * SHA-256 of the JCS of the record without `hash`.
 *
 * Records are few (no per-row records), so each is one synchronous write of
 * one line: the file order is the chain order, and the forced-exit path
 * (second signal → process.exit, which skips every `finally`) can append its
 * record without flushing anything first.
 */
import { closeSync, fdatasyncSync, openSync, readSync, fstatSync, unlinkSync, writeSync, promises as fs } from 'node:fs';
import { userInfo } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { canonicalJson, sha256Hex } from '../config/hash.js';
import { OutputError } from '../errors.js';
import { redactUrlPassword } from '../config/redact.js';
import type { LoadedConfig } from '../config/types.js';

export const GENESIS_HASH = '0'.repeat(64);
export const RUNLOG_DIR = '_runlog';

export type RunLogOutcome = 'success' | 'failure' | 'aborted' | 'info';

/** One record, keys in the order of controls.md §9. */
export interface RunLogRecord {
  v: 1;
  seq: number;
  timestamp: string;
  run_id: string;
  attempt_id: string;
  shard: string;
  actor: string;
  action: string;
  resource: string;
  outcome: RunLogOutcome;
  details: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

/** What a caller says about an event; the log adds the identity, sequence and chain fields. */
export interface RunLogEvent {
  actor: string;
  action: string;
  resource: string;
  outcome: RunLogOutcome;
  details?: Record<string, unknown>;
}

/** The manifest's `run_log` entry (controls.md §2.3): the chain as of just before `manifest.write`. */
export interface RunLogAnchor { uri: string; records: number; last_hash: string }

/** SHA-256 hex of JCS(record without `hash`). */
export function recordHash(record: Omit<RunLogRecord, 'hash'> | RunLogRecord): string {
  const { hash: _drop, ...rest } = record as RunLogRecord;
  return sha256Hex(Buffer.from(canonicalJson(rest), 'utf8'));
}

/** Builds the next record of a chain (pure; exported for tests and for tools that append by hand). */
export function chainRecord(
  identity: { run_id: string; attempt_id: string; shard: string },
  seq: number,
  prevHash: string,
  event: RunLogEvent,
  timestamp: string,
): RunLogRecord {
  const body: Omit<RunLogRecord, 'hash'> = {
    v: 1,
    seq,
    timestamp,
    run_id: identity.run_id,
    attempt_id: identity.attempt_id,
    shard: identity.shard,
    actor: event.actor,
    action: event.action,
    resource: event.resource,
    outcome: event.outcome,
    details: event.details ?? {},
    prev_hash: prevHash,
  };
  return { ...body, hash: recordHash(body) };
}

/** `<YYYYMMDDTHHmmssSSSZ>-<attempt_id>.jsonl` from the attempt's start time (UTC). */
export function runLogFileName(startedAt: Date, attemptId: string): string {
  return `${startedAt.toISOString().replace(/[-:.]/g, '')}-${attemptId}.jsonl`;
}

/** `user:<os user>`; containers without a passwd entry make userInfo() throw. */
export function userActor(): string {
  try {
    return `user:${userInfo().username}`;
  } catch {
    return `user:${process.env.USER ?? process.env.USERNAME ?? (typeof process.getuid === 'function' ? `uid-${process.getuid()}` : 'unknown')}`;
  }
}

/** The actor that started the run: an orchestrator when its environment says so, else the OS user. */
export function startActor(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DAGSTER_PIPES_CONTEXT) return 'orchestrator:dagster';
  if (env.AIRFLOW_CTX_DAG_ID) return 'orchestrator:airflow';
  if (env.AWS_BATCH_JOB_ID) return 'orchestrator:aws-batch';
  if (env.KUBERNETES_SERVICE_HOST) return 'orchestrator:k8s';
  return userActor();
}

/** One JSONL file with its own seq and chain. */
class ChainFile {
  private fd: number | null;
  seq: number;
  lastHash: string;
  private lockPath: string | null;
  private lockFd: number | null;

  constructor(readonly path: string, fd: number, seq: number, lastHash: string, lockPath: string | null = null, lockFd: number | null = null) {
    this.fd = fd;
    this.seq = seq;
    this.lastHash = lastHash;
    this.lockPath = lockPath;
    this.lockFd = lockFd;
  }

  get open(): boolean {
    return this.fd !== null;
  }

  append(identity: { run_id: string; attempt_id: string; shard: string }, event: RunLogEvent, timestamp: string): RunLogRecord {
    if (this.fd === null) throw new Error(`run log ${this.path} is closed`);
    const record = chainRecord(identity, this.seq, this.lastHash, event, timestamp);
    writeAll(this.fd, Buffer.from(JSON.stringify(record) + '\n', 'utf8'));
    this.seq++;
    this.lastHash = record.hash;
    return record;
  }

  sync(): void {
    if (this.fd !== null) fdatasyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== null) {
      try { fdatasyncSync(this.fd); } catch { /* closing anyway */ }
      closeSync(this.fd);
      this.fd = null;
    }
    if (this.lockFd !== null) {
      closeSync(this.lockFd);
      this.lockFd = null;
    }
    if (this.lockPath !== null) {
      try { unlinkSync(this.lockPath); } catch { /* already gone */ }
      this.lockPath = null;
    }
  }
}

function writeAll(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}

/** Writers open in this process, for the forced-exit record (see recordForcedExit). */
const openLogs = new Set<RunLog>();

/**
 * The run log of one attempt: its `_runlog/…jsonl` file and, with `--audit-log`,
 * the host log whose chain spans runs. Both get the same events; each file keeps
 * its own `seq` and chain (so `verifyRunLog` checks either the same way).
 */
export class RunLog {
  private closed = false;
  /** Where the shard came from (controls.md §11.1), for the shard.resolve record. */
  shardResolvedFrom = 'default';
  private constructor(
    readonly identity: { run_id: string; attempt_id: string; shard: string },
    readonly attempt: ChainFile,
    readonly audit: ChainFile | null,
  ) {}

  /**
   * Opens `<controlRoot>/_runlog/<start>-<attempt>.jsonl` (flag 'a') and, when `auditLog`
   * is set, the host log (locked by `<auditLog>.lock`, opened 'wx', chained to its last line).
   */
  static async open(options: { controlRoot: string; runId: string; attemptId: string; startedAt: Date; shard?: string; shardResolvedFrom?: string; auditLog?: string | null }): Promise<RunLog> {
    const audit = options.auditLog ? await openAuditLog(options.auditLog) : null;
    let attempt: ChainFile;
    try {
      const dir = join(options.controlRoot, RUNLOG_DIR);
      await fs.mkdir(dir, { recursive: true });
      const path = join(dir, runLogFileName(options.startedAt, options.attemptId));
      attempt = new ChainFile(path, openSync(path, 'a'), 0, GENESIS_HASH);
    } catch (err) {
      audit?.close();
      throw new OutputError('DSP_RUNLOG_OPEN', `cannot open the run log under ${options.controlRoot}/${RUNLOG_DIR}: ${(err as Error).message}`, {}, { cause: err });
    }
    const log = new RunLog({ run_id: options.runId, attempt_id: options.attemptId, shard: options.shard ?? '0/1' }, attempt, audit);
    log.shardResolvedFrom = options.shardResolvedFrom ?? 'default';
    openLogs.add(log);
    return log;
  }

  /** Appends one event to every file; returns the attempt file's record. */
  append(event: RunLogEvent): RunLogRecord {
    const timestamp = new Date().toISOString();
    const record = this.attempt.append(this.identity, event, timestamp);
    if (this.audit?.open) this.audit.append(this.identity, event, timestamp);
    return record;
  }

  /** The manifest's `run_log` as of now (call just before writing a manifest). */
  anchors(): RunLogAnchor[] {
    return [{ uri: pathToFileURL(this.attempt.path).href, records: this.attempt.seq, last_hash: this.attempt.lastHash }];
  }

  /** Path of the attempt file relative to the control root. */
  get rel(): string {
    return `${RUNLOG_DIR}/${basename(this.attempt.path)}`;
  }

  /** datasync both files (controls.md §9: at end and on abort). */
  sync(): void {
    this.attempt.sync();
    this.audit?.sync();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    openLogs.delete(this);
    this.attempt.close();
    this.audit?.close();
  }
}

/**
 * The forced-exit path (second SIGINT/SIGTERM → process.exit): one synchronous
 * `signal` record in every open run log, datasync, and the audit lock released.
 */
export function recordForcedExit(signal: NodeJS.Signals, exitCode: number): void {
  for (const log of [...openLogs]) {
    try {
      log.append({ actor: `signal:${signal}`, action: 'signal', resource: `shard:${log.identity.shard}`, outcome: 'aborted', details: { code: `DSP_SIGNAL_${signal}`, forced: true, exit_code: exitCode } });
    } catch { /* exiting anyway */ }
    try { log.close(); } catch { /* exiting anyway */ }
  }
}

async function openAuditLog(path: string): Promise<ChainFile> {
  const lockPath = `${path}.lock`;
  try {
    await fs.mkdir(dirname(path), { recursive: true });
  } catch (err) {
    throw new OutputError('DSP_AUDIT_LOG_OPEN', `cannot create the directory of the audit log ${path}: ${(err as Error).message}`, { path }, { cause: err });
  }
  let lockFd: number;
  try {
    lockFd = openSync(lockPath, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      let holder = '';
      try { holder = (await fs.readFile(lockPath, 'utf8')).trim(); } catch { /* unreadable */ }
      throw new OutputError('DSP_AUDIT_LOG_LOCKED', `the audit log ${path} is locked: ${lockPath} exists${holder ? ` (${holder})` : ''}. Another run is writing it, or one crashed; if no datasynth-pipe run is using it, remove ${lockPath}.`, { path, lock: lockPath });
    }
    throw new OutputError('DSP_AUDIT_LOG_OPEN', `cannot create the audit log lock ${lockPath}: ${(err as Error).message}`, { path, lock: lockPath }, { cause: err });
  }
  try {
    writeAll(lockFd, Buffer.from(`pid ${process.pid} since ${new Date().toISOString()}\n`, 'utf8'));
    const fd = openSync(path, 'a+');
    try {
      const last = lastLine(fd);
      let seq = 0;
      let hash = GENESIS_HASH;
      if (last !== null) {
        const rec = parseRecord(last);
        if (!rec) throw new OutputError('DSP_AUDIT_LOG_CORRUPT', `the last line (${lineCount(fd)}) of the audit log ${path} is not a run-log record; cannot continue its chain. Run 'datasynth-pipe verify --audit-log ${path}'.`, { path });
        seq = rec.seq + 1;
        hash = rec.hash;
      }
      return new ChainFile(path, fd, seq, hash, lockPath, lockFd);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  } catch (err) {
    closeSync(lockFd);
    try { unlinkSync(lockPath); } catch { /* gone */ }
    if (err instanceof OutputError) throw err;
    throw new OutputError('DSP_AUDIT_LOG_OPEN', `cannot open the audit log ${path}: ${(err as Error).message}`, { path }, { cause: err });
  }
}

/** The last non-empty line of an open file, read from the end in growing chunks (logs only grow). */
function lastLine(fd: number): string | null {
  const size = fstatSync(fd).size;
  if (size === 0) return null;
  let chunk = 64 * 1024;
  for (;;) {
    const start = Math.max(0, size - chunk);
    const buf = Buffer.alloc(size - start);
    readSync(fd, buf, 0, buf.length, start);
    const text = buf.toString('utf8').replace(/\n+$/, '');
    const nl = text.lastIndexOf('\n');
    if (nl >= 0 || start === 0) return text.length === 0 ? null : text.slice(nl + 1);
    chunk *= 4;
  }
}

/** Number of the last non-empty line (read in full: only for the error message of a corrupt tail). */
function lineCount(fd: number): number {
  const size = fstatSync(fd).size;
  const whole = Buffer.alloc(size);
  readSync(fd, whole, 0, size, 0);
  return whole.toString('utf8').replace(/\n+$/, '').split('\n').length;
}

function parseRecord(text: string): RunLogRecord | null {
  try {
    const r = JSON.parse(text) as RunLogRecord;
    return r && typeof r === 'object' && typeof r.hash === 'string' && Number.isInteger(r.seq) ? r : null;
  } catch {
    return null;
  }
}

/** Result of checking one run-log file's chain. */
export interface RunLogVerification {
  path: string;
  ok: boolean;
  /** Records read (all lines, or up to the first bad one). */
  records: number;
  /** `hash` of each good record in file order. */
  hashes: string[];
  /** 1-based line of the first problem, null when ok. */
  line: number | null;
  message: string;
}

/**
 * Re-reads a run log and checks every line: parses, `v` 1, `seq` contiguous from 0,
 * `prev_hash` = previous `hash` (first: 64 zeros), `hash` recomputes. Stops at the
 * first bad line and names it (a changed field, a deleted or reordered line).
 */
export async function verifyRunLog(path: string): Promise<RunLogVerification> {
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    return { path, ok: false, records: 0, hashes: [], line: null, message: missing ? 'run log file is missing' : `run log unreadable: ${(err as Error).message}` };
  }
  return verifyRunLogText(text, path);
}

/** verifyRunLog on text already read. */
export function verifyRunLogText(text: string, path = 'run log'): RunLogVerification {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const hashes: string[] = [];
  const bad = (i: number, message: string): RunLogVerification => ({ path, ok: false, records: hashes.length, hashes, line: i + 1, message: `line ${i + 1}: ${message}` });
  let prev = GENESIS_HASH;
  for (let i = 0; i < lines.length; i++) {
    let rec: RunLogRecord;
    try {
      rec = JSON.parse(lines[i]) as RunLogRecord;
    } catch {
      return bad(i, 'does not parse as JSON (line changed or torn)');
    }
    if (!rec || typeof rec !== 'object' || Array.isArray(rec)) return bad(i, 'is not a run-log record');
    if (rec.v !== 1) return bad(i, `unsupported record version ${JSON.stringify(rec.v)}`);
    if (rec.seq !== i) return bad(i, `seq is ${JSON.stringify(rec.seq)}, expected ${i} (a line was deleted, inserted or moved)`);
    if (rec.prev_hash !== prev) return bad(i, 'prev_hash does not match the previous record\'s hash (a line was deleted, inserted or moved)');
    let actual: string;
    try {
      actual = recordHash(rec);
    } catch {
      return bad(i, 'record cannot be canonicalized');
    }
    if (actual !== rec.hash) return bad(i, 'hash does not match the record (the line was changed)');
    hashes.push(rec.hash);
    prev = rec.hash;
  }
  return { path, ok: true, records: hashes.length, hashes, line: null, message: `${hashes.length} records, chain intact` };
}

const ENGINE = 'system:engine';

/**
 * The records one attempt of the runner writes (controls.md §9), in the words of the
 * runner: each method appends one record. Output records use the output id until the
 * output commits (its URI is known from then on).
 */
export class AttemptRecorder {
  constructor(readonly log: RunLog) {}

  start(details: Record<string, unknown>): void {
    this.log.append({ actor: startActor(), action: 'run.start', resource: `run:${this.log.identity.run_id}`, outcome: 'info', details });
  }

  /** config.load, seed.resolve, shard.resolve and (when off) marking.disable. */
  config(loaded: LoadedConfig, markingDisabledBy: 'config' | 'cli' | null): void {
    const user = userActor();
    this.log.append({
      actor: user, action: 'config.load', resource: `config:${loaded.hash}`, outcome: 'success',
      // Overrides are recorded as given (like the manifest), with URL passwords masked.
      details: { sources: loaded.source.map((s) => s.path), overrides: loaded.overrides.map(redactUrlPassword) },
    });
    const seed = loaded.seed.toString();
    this.log.append({ actor: loaded.seedDefaulted ? ENGINE : user, action: 'seed.resolve', resource: `seed:${seed}`, outcome: 'info', details: { seed, defaulted: loaded.seedDefaulted } });
    const [index, count] = this.log.identity.shard.split('/').map(Number);
    this.log.append({ actor: ENGINE, action: 'shard.resolve', resource: `shard:${this.log.identity.shard}`, outcome: 'info', details: { index, count, resolved_from: this.log.shardResolvedFrom } });
    if (markingDisabledBy) this.log.append({ actor: user, action: 'marking.disable', resource: 'marking', outcome: 'info', details: { disabled_by: markingDisabledBy } });
  }

  outputOpen(id: string, details: Record<string, unknown>): void {
    this.log.append({ actor: ENGINE, action: 'output.open', resource: id, outcome: 'info', details: { id, ...details } });
  }

  outputCommit(uri: string, id: string, sha256: string, rows: number, bytes: number): void {
    this.log.append({ actor: ENGINE, action: 'output.commit', resource: uri, outcome: 'success', details: { id, sha256, rows, bytes } });
  }

  outputAbort(id: string, code: string): void {
    this.log.append({ actor: ENGINE, action: 'output.abort', resource: id, outcome: 'aborted', details: { id, code } });
  }

  /** A stop request; a signal when its reason code says so (`DSP_SIGNAL_SIGTERM`), else nothing (run.end has the code). */
  stopRequested(reason: unknown): void {
    const code = (reason as { code?: unknown } | undefined)?.code;
    const m = typeof code === 'string' ? /^DSP_SIGNAL_(SIG[A-Z0-9]+)$/.exec(code) : null;
    if (!m) return;
    this.log.append({ actor: `signal:${m[1]}`, action: 'signal', resource: `shard:${this.log.identity.shard}`, outcome: 'aborted', details: { code } });
  }

  manifestWrite(rel: string, sha256: string, status: string): void {
    this.log.append({ actor: ENGINE, action: 'manifest.write', resource: rel, outcome: 'success', details: { sha256, status } });
  }

  end(status: string, exitCode: number, code: string | null): void {
    const outcome: RunLogOutcome = status === 'complete' ? 'success' : status === 'aborted' ? 'aborted' : 'failure';
    this.log.append({ actor: ENGINE, action: 'run.end', resource: `run:${this.log.identity.run_id}`, outcome, details: { status, exit_code: exitCode, code } });
  }
}
