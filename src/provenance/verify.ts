/**
 * `datasynth-pipe verify` (controls.md §4): re-reads every output listed in
 * the manifest and checks existence, size, SHA-256 and row count, plus the
 * manifest's own integrity (`_SUCCESS`, status, config hash).
 */
import { createReadStream, promises as fs } from 'node:fs';
import { createHash } from 'node:crypto';
import { createGunzip } from 'node:zlib';
import { join, resolve, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canonicalJson, sha256Hex } from '../config/hash.js';
import { toolInfo } from '../util/tool.js';
import type { Manifest, ManifestOutput } from './manifest.js';
import { RUNLOG_DIR, verifyRunLog } from './runlog.js';
import { checkProv, PROV_FILE, type ProvDocument } from './prov.js';

export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

export interface CheckResult {
  check: string;
  target: string;
  status: CheckStatus;
  expected: unknown;
  actual: unknown;
  message: string;
}

export interface VerifyOptions {
  quick?: boolean;
  strict?: boolean;
  allowIncomplete?: boolean;
}

export interface VerifyReport {
  verify_version: '1.0';
  manifest_uri: string;
  manifest_sha256: string | null;
  run_id: string | null;
  checked_at: string;
  tool_version: string;
  options: VerifyOptions;
  summary: { checked: number; pass: number; fail: number; warn: number; skip: number };
  results: CheckResult[];
}

/** Exit code for a report (controls.md §4): 0 without fail (warnings fail only with --strict), 3 on fail, 1 unusable manifest. */
export function verifyExitCode(report: VerifyReport, strict = false): number {
  if (report.results.some((r) => r.check === 'V01' && r.status === 'fail')) return 1;
  if (report.summary.fail > 0) return 3;
  if (strict && report.summary.warn > 0) return 3;
  return 0;
}

/**
 * Re-checks a finished run from its control root (`datasynth-pipe verify`, controls.md §4):
 * every output's size and SHA-256 against the manifest, markers, run log chain.
 *
 * @example
 * ```ts
 * import { verifyRun } from 'datasynth-pipe';
 * const report = await verifyRun('/tmp/demo');
 * if (report.summary.fail > 0) console.error(report.results.filter((r) => r.status === 'fail'));
 * ```
 */
export async function verifyRun(controlRoot: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  const root = resolve(controlRoot);
  const manifestPath = join(root, 'manifest.json');
  const results: CheckResult[] = [];
  const add = (check: string, target: string, status: CheckStatus, expected: unknown, actual: unknown, message: string): void => {
    results.push({ check, target, status, expected, actual, message });
  };

  let manifestBytes: Buffer | null = null;
  let manifest: Manifest | null = null;
  try {
    manifestBytes = await fs.readFile(manifestPath);
    const parsed = JSON.parse(manifestBytes.toString('utf8')) as Manifest;
    if (parsed.manifest_version !== '1.0') throw new Error(`unsupported manifest_version ${JSON.stringify(parsed.manifest_version)}`);
    if (!Array.isArray(parsed.outputs)) throw new Error('manifest has no outputs list');
    manifest = parsed;
    add('V01', 'manifest.json', 'pass', '1.0', parsed.manifest_version, 'manifest parses');
  } catch (err) {
    add('V01', 'manifest.json', 'fail', 'readable manifest 1.0', null, `cannot use ${manifestPath}: ${(err as Error).message}`);
  }

  const manifestSha = manifestBytes ? sha256Hex(manifestBytes) : null;
  if (manifest && manifestBytes) {
    await checkSuccess(root, manifestSha!, options, add);
    if (manifest.status === 'complete') add('V03', 'manifest.json', 'pass', 'complete', manifest.status, 'status complete');
    else add('V03', 'manifest.json', options.allowIncomplete ? 'warn' : 'fail', 'complete', manifest.status, `run status is ${manifest.status}${manifest.status_reason ? ` (${manifest.status_reason.code})` : ''}`);

    const rehash = sha256Hex(Buffer.from(canonicalJson(manifest.config.snapshot), 'utf8'));
    add('V04', 'config.snapshot', rehash === manifest.config.hash ? 'pass' : 'fail', manifest.config.hash, rehash, rehash === manifest.config.hash ? 'config hash matches snapshot' : 'config snapshot was changed after the run');

    for (const out of manifest.outputs) await checkOutput(root, out, options, add);
    await checkMarking(root, manifest, add);
    await checkRunLog(root, manifest, add);
    await checkControlFiles(root, manifest, add);
    await checkUnlisted(root, manifest, add);
  }

  const summary = { checked: results.length, pass: 0, fail: 0, warn: 0, skip: 0 };
  for (const r of results) summary[r.status]++;
  return {
    verify_version: '1.0',
    manifest_uri: manifestPath,
    manifest_sha256: manifestSha,
    run_id: manifest?.run_id ?? null,
    checked_at: new Date().toISOString(),
    tool_version: toolInfo().version,
    options,
    summary,
    results,
  };
}

type Add = (check: string, target: string, status: CheckStatus, expected: unknown, actual: unknown, message: string) => void;

async function checkSuccess(root: string, manifestSha: string, options: VerifyOptions, add: Add): Promise<void> {
  try {
    const text = await fs.readFile(join(root, '_SUCCESS'), 'utf8');
    const marker = JSON.parse(text) as { manifest_sha256?: string };
    const ok = marker.manifest_sha256 === manifestSha;
    add('V02', '_SUCCESS', ok ? 'pass' : 'fail', manifestSha, marker.manifest_sha256 ?? null, ok ? '_SUCCESS matches manifest' : '_SUCCESS names another manifest: manifest.json was changed or replaced');
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    add('V02', '_SUCCESS', options.allowIncomplete ? 'warn' : 'fail', 'present', missing ? 'missing' : 'unreadable', missing ? 'no _SUCCESS: the run did not complete' : `_SUCCESS unreadable: ${(err as Error).message}`);
  }
}

/** Where an output is: its `rel` under the control root first (moved folders verify), else its URI. */
export async function locateOutput(root: string, out: ManifestOutput): Promise<string | null> {
  const candidates: string[] = [];
  if (out.rel) candidates.push(join(root, out.rel));
  if (out.uri.startsWith('file://')) candidates.push(fileURLToPath(out.uri));
  for (const c of candidates) {
    try {
      await fs.access(c);
      return c;
    } catch { /* next */ }
  }
  return null;
}

async function checkOutput(root: string, out: ManifestOutput, options: VerifyOptions, add: Add): Promise<void> {
  const target = out.rel ?? out.uri;
  if (!out.uri.startsWith('file://')) {
    add('V05', target, 'skip', 'local file', out.uri, 'only local files can be verified by this version');
    return;
  }
  const path = await locateOutput(root, out);
  if (!path) {
    add('V05', target, 'fail', 'exists', 'missing', 'output file is missing');
    return;
  }
  add('V05', target, 'pass', 'exists', 'exists', 'exists');
  const size = (await fs.stat(path)).size;
  add('V06', target, size === out.bytes ? 'pass' : 'fail', out.bytes, size, size === out.bytes ? 'size' : 'size differs from the manifest');
  if (options.quick) return;
  const { sha256, rows } = await hashAndCount(path, out);
  add('V07', target, sha256 === out.sha256 ? 'pass' : 'fail', out.sha256, sha256, sha256 === out.sha256 ? 'sha256' : 'content differs from the manifest (sha256 mismatch)');
  // A marking sidecar holds no rows (manifest rows 0); its content is checked by V09.
  if (out.role === 'marking') return;
  if (rows === null) add('V08', target, 'skip', out.rows, null, `row count not supported for format ${out.format}`);
  else add('V08', target, rows === out.rows ? 'pass' : 'fail', out.rows, rows, rows === out.rows ? 'rows' : 'row count differs from the manifest');
}

/** One streamed pass: SHA-256 of the stored bytes and the record count of the (decompressed) content. */
async function hashAndCount(path: string, out: ManifestOutput): Promise<{ sha256: string; rows: number | null }> {
  const hash = createHash('sha256');
  const counter = out.format === 'csv' ? new CsvRecordCounter() : out.format === 'ndjson' ? new LineCounter() : null;
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  raw.on('data', (c) => hash.update(c as Buffer));
  const content = out.compression === 'gzip' ? raw.pipe(createGunzip()) : raw;
  let counted: number | null = null;
  try {
    for await (const chunk of content) counter?.push(chunk as Buffer);
    counted = counter ? counter.finish() : null;
  } catch {
    // Corrupt compressed data: the hash check reports it; the row count cannot be read.
    counted = counter ? -1 : null;
  }
  await new Promise<void>((res) => (raw.closed ? res() : raw.once('close', () => res())));
  const preamble = (out as ManifestOutput & { marking?: { preamble_lines?: number } }).marking?.preamble_lines ?? 0;
  let rows = counted === null ? null : counted < 0 ? -1 : Math.max(counted - (out.format === 'csv' ? 1 + preamble : 0), 0);
  // Binary formats are counted by their own readers (imported here so text-only verifies load no WASM):
  // Parquet from the footer's num_rows (read by ranges from a file-backed Blob), Arrow IPC as the sum of
  // record batch lengths. An unreadable file counts -1, so V08 fails next to V07.
  if (out.format === 'parquet') {
    try {
      const [{ openAsBlob }, { ParquetFile }] = await Promise.all([import('node:fs'), import('parquet-wasm')]);
      const file = await ParquetFile.fromFile(await openAsBlob(path));
      try {
        rows = file.metadata().fileMetadata().numRows();
      } finally {
        file.free();
      }
    } catch {
      rows = -1;
    }
  } else if (out.format === 'arrow') {
    const { RecordBatchReader } = await import('apache-arrow');
    const stream = createReadStream(path, { highWaterMark: 1 << 20 });
    try {
      let n = 0;
      for await (const reader of await RecordBatchReader.readAll(stream)) {
        for await (const batch of reader) n += batch.numRows;
      }
      rows = n;
    } catch {
      rows = -1;
    } finally {
      stream.destroy();
    }
  }
  return { sha256: hash.digest('hex'), rows };
}

/** RFC 4180 record counter: record ends are LFs outside quotes; an unterminated last record counts. */
export class CsvRecordCounter {
  private inQuotes = false;
  private records = 0;
  private pendingRecord = false;
  push(chunk: Buffer): void {
    let inQ = this.inQuotes;
    let recs = this.records;
    let pending = this.pendingRecord;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b === 0x22) { inQ = !inQ; pending = true; }
      else if (b === 0x0a && !inQ) { recs++; pending = false; }
      else if (b !== 0x0d) pending = true;
    }
    this.inQuotes = inQ;
    this.records = recs;
    this.pendingRecord = pending;
  }
  finish(): number {
    return this.records + (this.pendingRecord ? 1 : 0);
  }
}

/** NDJSON: non-empty lines. */
export class LineCounter {
  private lines = 0;
  private pending = false;
  push(chunk: Buffer): void {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b === 0x0a) { if (this.pending) this.lines++; this.pending = false; }
      else if (b !== 0x0d && b !== 0x20) this.pending = true;
    }
  }
  finish(): number {
    return this.lines + (this.pending ? 1 : 0);
  }
}

/**
 * V09 (controls.md §4): the credential is where the manifest says — sidecar (parses, same
 * credential, names its data file), Parquet footer key, Arrow schema metadata, CSV preamble.
 * Object metadata and table comments are remote: skipped with a message.
 */
async function checkMarking(root: string, manifest: Manifest, add: Add): Promise<void> {
  const m = manifest.marking;
  if (!m) return;
  if (!m.enabled || !m.credential) {
    add('V09', 'marking', 'skip', 'credential', null, `content marking disabled${m.disabled_by ? ` by ${m.disabled_by}` : ''}`);
    return;
  }
  const json = canonicalJson(m.credential);
  const sha = sha256Hex(Buffer.from(json, 'utf8'));
  add('V09', 'marking', sha === m.credential_sha256 ? 'pass' : 'fail', m.credential_sha256, sha, sha === m.credential_sha256 ? 'credential_sha256' : 'credential differs from credential_sha256');
  for (const out of manifest.outputs) {
    if (out.role !== 'data' || !out.marking) continue;
    const target = out.rel ?? out.uri;
    for (const placement of out.marking.placement) {
      if (placement === 'object_metadata' || placement === 'table_comment') {
        add('V09', target, 'skip', placement, null, `${placement.replace('_', ' ')} is remote and not checked by this version`);
        continue;
      }
      if (placement === 'sidecar') {
        add('V09', target, ...(await checkSidecar(root, manifest, out, json)));
        continue;
      }
      if (!out.uri.startsWith('file://')) {
        add('V09', target, 'skip', placement, null, `${placement.replace('_', ' ')} of a non-file output (${out.uri}) is not checked by this version`);
        continue;
      }
      const path = await locateOutput(root, out);
      if (!path) {
        add('V09', target, 'fail', placement, 'missing', `output missing: cannot read its ${placement.replace('_', ' ')}`);
        continue;
      }
      let found: string | null = null;
      try {
        if (placement === 'parquet_footer') found = await parquetMarking(path);
        else if (placement === 'arrow_metadata') found = await arrowMarking(path);
        else if (placement === 'csv_preamble') found = await preambleMarking(path, out.compression === 'gzip', out.marking.preamble_lines ?? 2);
      } catch {
        found = null;
      }
      add('V09', target, found === json ? 'pass' : 'fail', json, found, found === json ? `marking ${placement}` : found === null ? `no marking in the ${placement.replace('_', ' ')}` : `the ${placement.replace('_', ' ')} holds another credential`);
    }
  }
}

type CheckTuple = [CheckStatus, unknown, unknown, string];

async function checkSidecar(root: string, manifest: Manifest, data: ManifestOutput, json: string): Promise<CheckTuple> {
  const ref = data.marking?.sidecar;
  const side = manifest.outputs.find((o) => o.role === 'marking' && (o.rel === ref || o.uri === ref));
  if (!side) return ['fail', ref ?? 'sidecar', null, 'the manifest lists no sidecar output for this file'];
  const path = await locateOutput(root, side);
  if (!path) return ['fail', side.rel ?? side.uri, 'missing', 'marking sidecar is missing'];
  let parsed: { credential?: unknown; target?: unknown };
  try {
    parsed = JSON.parse(await fs.readFile(path, 'utf8')) as typeof parsed;
  } catch (err) {
    return ['fail', 'JSON sidecar', null, `marking sidecar does not parse: ${(err as Error).message}`];
  }
  const expectedTarget = data.rel ? data.rel.split('/').pop()! : data.uri.startsWith('file://') ? fileURLToPath(data.uri).split(sep).pop()! : data.uri;
  let got: string | null = null;
  try {
    got = canonicalJson(parsed.credential);
  } catch { /* not JSON-able */ }
  if (got !== json) return ['fail', json, got, 'marking sidecar holds another credential'];
  if (parsed.target !== expectedTarget) return ['fail', expectedTarget, parsed.target ?? null, 'marking sidecar names another target'];
  return ['pass', side.rel ?? side.uri, side.rel ?? side.uri, 'marking sidecar'];
}

async function parquetMarking(path: string): Promise<string | null> {
  const [{ openAsBlob }, { ParquetFile }] = await Promise.all([import('node:fs'), import('parquet-wasm')]);
  const file = await ParquetFile.fromFile(await openAsBlob(path));
  try {
    const kv = file.metadata().fileMetadata().keyValueMetadata() as Map<string, string | undefined>;
    return kv.get('datasynth.marking') ?? null;
  } finally {
    file.free();
  }
}

async function arrowMarking(path: string): Promise<string | null> {
  const { RecordBatchReader } = await import('apache-arrow');
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  try {
    for await (const reader of await RecordBatchReader.readAll(stream)) {
      const value = reader.schema.metadata.get('datasynth.marking') ?? null;
      // Drain the reader so the stream is consumed in order.
      for await (const _ of reader) { /* batches are counted by V08 */ }
      return value;
    }
    return null;
  } finally {
    stream.destroy();
  }
}

/** The credential of a CSV `#` preamble: its last line's `# datasynth.marking=<json>`. */
async function preambleMarking(path: string, gzip: boolean, lines: number): Promise<string | null> {
  const raw = createReadStream(path, { highWaterMark: 64 * 1024 });
  const content = gzip ? raw.pipe(createGunzip()) : raw;
  let text = '';
  try {
    for await (const chunk of content) {
      text += (chunk as Buffer).toString('latin1');
      if (text.split('\n').length > lines) break;
    }
  } finally {
    raw.destroy();
  }
  const head = text.split('\n').slice(0, lines);
  if (head.length < lines || !head.every((l) => l.startsWith('# '))) return null;
  const prefix = '# datasynth.marking=';
  const last = head[lines - 1];
  return last.startsWith(prefix) ? last.slice(prefix.length) : null;
}

/**
 * V14 "run log chain": controls.md §4 lists no id for it (§9 says verify recomputes the chain).
 * Per manifest `run_log` entry: the file exists (under `_runlog/` of the control root first, so
 * moved folders verify), every line parses, seq is contiguous, each prev_hash is the previous hash,
 * each hash recomputes, and the chain reaches the manifest's anchor (records, last_hash).
 */
async function checkRunLog(root: string, manifest: Manifest, add: Add): Promise<void> {
  for (const entry of manifest.run_log ?? []) {
    const name = entry.uri.split('/').pop() ?? entry.uri;
    const target = `${RUNLOG_DIR}/${name}`;
    const candidates = [join(root, RUNLOG_DIR, name)];
    if (entry.uri.startsWith('file://')) candidates.push(fileURLToPath(entry.uri));
    let path: string | null = null;
    for (const c of candidates) {
      if (await fs.access(c).then(() => true, () => false)) { path = c; break; }
    }
    if (!path) {
      add('V14', target, 'fail', 'exists', 'missing', 'run log file is missing');
      continue;
    }
    const v = await verifyRunLog(path);
    if (!v.ok) {
      add('V14', v.line ? `${target}:${v.line}` : target, 'fail', 'intact chain', v.line ? `line ${v.line}` : null, `run log chain broken at ${v.message}`);
      continue;
    }
    const at = entry.records > 0 ? v.hashes[entry.records - 1] : undefined;
    if (v.records < entry.records || (entry.records > 0 && at !== entry.last_hash)) {
      add('V14', target, 'fail', { records: entry.records, last_hash: entry.last_hash }, { records: v.records, hash_at_anchor: at ?? null },
        v.records < entry.records ? `run log has ${v.records} records, the manifest anchors ${entry.records} (lines were removed)` : `record ${entry.records} (line ${entry.records}) differs from the manifest's last_hash (the log was rewritten)`);
      continue;
    }
    add('V14', target, 'pass', entry.last_hash, at ?? null, `run log chain (${v.records} records, anchored at ${entry.records})`);
  }
}

/**
 * V10 / V11 (controls.md §4): prov.json and gates.json hash to the manifest's `prov.sha256` /
 * `gates.report_sha256`; prov.json passes the §3.6 own checks (one entity per output with the
 * manifest's sha256, sizeBytes, recordCount; endpoints, prefixes, times); gates.json agrees with
 * the manifest's `gates` (run_id, passed). Skipped for manifests that list neither.
 */
async function checkControlFiles(root: string, manifest: Manifest, add: Add): Promise<void> {
  const read = async (name: string, uri: string | null): Promise<Buffer | null> => {
    for (const c of [join(root, name), ...(uri?.startsWith('file://') ? [fileURLToPath(uri)] : [])]) {
      const b = await fs.readFile(c).catch(() => null);
      if (b) return b;
    }
    return null;
  };
  if (!manifest.prov) add('V10', PROV_FILE, 'skip', 'prov entry', null, 'the manifest lists no prov.json');
  else {
    const bytes = await read(PROV_FILE, manifest.prov.uri);
    if (!bytes) add('V10', PROV_FILE, 'fail', 'exists', 'missing', 'prov.json is missing');
    else {
      const sha = sha256Hex(bytes);
      add('V10', PROV_FILE, sha === manifest.prov.sha256 ? 'pass' : 'fail', manifest.prov.sha256, sha, sha === manifest.prov.sha256 ? 'prov.json sha256' : 'prov.json differs from the manifest (sha256 mismatch)');
      let problems: string[];
      try {
        problems = checkProv(JSON.parse(bytes.toString('utf8')) as ProvDocument, manifest);
      } catch (err) {
        problems = [`does not parse: ${(err as Error).message}`];
      }
      add('V10', PROV_FILE, problems.length === 0 ? 'pass' : 'fail', 'PROV checks', problems.length === 0 ? 'ok' : problems.slice(0, 10), problems.length === 0 ? 'PROV checks (entities match outputs)' : `PROV checks failed: ${problems.slice(0, 3).join('; ')}`);
    }
  }
  const gates = manifest.gates;
  if (!gates?.report || !gates.report_sha256) {
    add('V11', 'gates.json', 'skip', 'gates report', null, gates?.enabled === false ? 'quality gates were disabled' : 'the manifest lists no gates report');
    return;
  }
  const bytes = await read(gates.report, null);
  if (!bytes) {
    add('V11', gates.report, 'fail', 'exists', 'missing', 'gates report is missing');
    return;
  }
  const sha = sha256Hex(bytes);
  add('V11', gates.report, sha === gates.report_sha256 ? 'pass' : 'fail', gates.report_sha256, sha, sha === gates.report_sha256 ? 'gates.json sha256' : 'gates.json differs from the manifest (sha256 mismatch)');
  let report: { run_id?: unknown; passed?: unknown } = {};
  try {
    report = JSON.parse(bytes.toString('utf8')) as typeof report;
  } catch { /* reported below */ }
  const agrees = report.run_id === manifest.run_id && report.passed === gates.passed;
  add('V11', gates.report, agrees ? 'pass' : 'fail', { run_id: manifest.run_id, passed: gates.passed }, { run_id: report.run_id ?? null, passed: report.passed ?? null }, agrees ? 'gates report matches the manifest' : 'gates report disagrees with the manifest (run_id / passed)');
}

/** V12: files in layout folders the manifest does not list (warn; --strict fails). */
async function checkUnlisted(root: string, manifest: Manifest, add: Add): Promise<void> {
  const listed = new Set(manifest.outputs.map((o) => o.rel).filter((r): r is string => !!r));
  // Control files the manifest lists (controls.md §2.3 `prov`, `gates.report`) are not unlisted data.
  if (manifest.prov) listed.add(PROV_FILE);
  if (manifest.gates?.report) listed.add(manifest.gates.report);
  // The report profile and the page `report` renders from it are derived views, not data.
  listed.add('profile.json');
  listed.add('report.html');
  const dirs = new Set<string>();
  for (const rel of listed) {
    const parts = rel.split('/');
    dirs.add(parts.length > 1 ? parts.slice(0, -1).join('/') : '');
  }
  for (const dir of dirs) {
    let names: string[];
    try {
      names = (await fs.readdir(join(root, dir))).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      const rel = dir ? `${dir}/${name}` : name;
      if (listed.has(rel) || name.startsWith('_') || name === 'manifest.json') continue;
      const st = await fs.stat(join(root, rel)).catch(() => null);
      if (!st?.isFile()) continue;
      add('V12', relative(root, join(root, rel)).split(sep).join('/'), 'warn', 'listed in manifest', 'unlisted', 'file not listed in the manifest');
    }
  }
}

export function formatReportText(report: VerifyReport): string {
  const lines = report.results.map((r) => `[${r.status.toUpperCase()}] ${r.check} ${r.target} ${r.message}`);
  const s = report.summary;
  lines.push(`verify: ${s.pass} passed, ${s.fail} failed, ${s.warn} warned, ${s.skip} skipped`);
  return lines.join('\n') + '\n';
}
