/**
 * `datasynth-pipe commit <control-root> --expect-shards N` (controls.md §2.5): the downstream step
 * after a fan-out. Checks every expected shard manifest (complete, same run id, config hash, seed,
 * tool version and partition plan), that every logical partition of every table is covered exactly
 * once, that each listed local object exists with its size and SHA-256, that no unlisted file sits
 * among the data; then merges the shard manifests into `manifest.json` and writes `_SUCCESS` last,
 * create-only. Nothing is published when a check fails (exit 3), and a repeated commit of the same
 * shards is a no-op (exit 0).
 */
import { createReadStream, promises as fs } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DspError, ExitCode, OutputError } from '../errors.js';
import { shardManifestName, successMarker, type ComponentCounters, type Manifest, type ManifestOutput } from '../provenance/manifest.js';
import { locateOutput } from '../provenance/verify.js';
import { controlJson, createExclusive, writeFileAtomic } from '../util/fs-atomic.js';
import { loadConfigObject } from '../config/load.js';
import { buildPlan, type Plan } from '../engine/plan.js';
import { createRunGates, gateOutcome, manifestGates, writeGates, writeProv, type WrittenGates } from '../quality/commit.js';
import type { GateCliOptions, GateSettings } from '../quality/config.js';
import type { GateReport } from '../quality/gates.js';
import { PROFILE_FILE, RunProfile, type ProfileJson } from '../report/profile.js';
import '../plugins.js';

export interface CommitOptions {
  /** N: shards 0…N−1 must all be present and complete. */
  readonly expectShards: number;
  /** `--allow-partial`: merge what is complete into an `incomplete` manifest, no `_SUCCESS`. */
  readonly allowPartial?: boolean;
  /** `--no-check-outputs` sets false: skip size and SHA-256 checks of listed local outputs. */
  readonly checkOutputs?: boolean;
  /** `--allow-extra`: unlisted files among the outputs are a warning (DSP_WARN_EXTRA_FILES), not an error. */
  readonly allowExtra?: boolean;
  /** Time of the commit (tests); default now. Never reaches a data file. */
  readonly now?: () => Date;
  /** `--gates off|warn|enforce`, `--gates-profile` for the merged evaluation (default: the run's config). */
  readonly gates?: GateCliOptions;
}

export interface CommitResult {
  readonly status: 'committed' | 'already_committed' | 'partial';
  readonly exitCode: number;
  readonly manifestPath: string;
  readonly manifest: Manifest;
  readonly warnings: ReadonlyArray<{ code: string; message: string }>;
  readonly checkedOutputs: number;
  /** The merged gate evaluation, when gates ran. */
  readonly gates: GateReport | null;
}

/** Commit failures name every problem found, one per line. */
export class CommitError extends DspError {
  constructor(code: string, readonly problems: readonly string[], exitCode: typeof ExitCode.InvalidInput | typeof ExitCode.OutputFailure = ExitCode.OutputFailure) {
    super(code, `commit refused (${problems.length} problem${problems.length === 1 ? '' : 's'}); nothing was published:\n${problems.map((p) => `  - ${p}`).join('\n')}`, exitCode, { problems });
  }
}

/** A shard manifest's file name under `_manifests/`. */
export const SHARD_FILE = /^shard-(\d{5})-of-(\d{5})\.json$/;

/** The merged gate state `commit` writes under `_manifests/` (what `inspect gates` re-evaluates). */
export const COMMIT_GATES_STATE = 'commit.gates-state.json';

export async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await fs.readFile(path, 'utf8')) as T;
}

async function sha256OfFile(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Shard manifests in `_manifests/` by index (one file per index; a retried shard overwrote its own). */
async function readShardManifests(root: string, problems: string[]): Promise<Map<number, { manifest: Manifest; sha256: string; name: string }>> {
  const dir = join(root, '_manifests');
  let names: string[];
  try {
    names = (await fs.readdir(dir)).sort();
  } catch {
    throw new CommitError('DSP_SHARDS_MISSING', [`${dir} does not exist: no shard wrote its manifest here (is ${root} the control root the shards used?)`]);
  }
  const out = new Map<number, { manifest: Manifest; sha256: string; name: string }>();
  for (const name of names) {
    if (!SHARD_FILE.test(name)) continue;
    const text = await fs.readFile(join(dir, name), 'utf8');
    let manifest: Manifest;
    try {
      manifest = JSON.parse(text) as Manifest;
    } catch (err) {
      problems.push(`_manifests/${name} is not valid JSON (${(err as Error).message})`);
      continue;
    }
    if (manifest.kind !== 'shard' || !manifest.shard) {
      problems.push(`_manifests/${name} is not a shard manifest`);
      continue;
    }
    const idx = manifest.shard.index;
    const prev = out.get(idx);
    // Several files for one index (different counts): keep the newest complete one, report the others below.
    if (prev && (prev.manifest.status === 'complete') && manifest.status !== 'complete') continue;
    out.set(idx, { manifest, sha256: createHash('sha256').update(text).digest('hex'), name });
  }
  return out;
}

function describeShard(name: string): string {
  return `_manifests/${name}`;
}

/** Sum of counters; details merged by adding numbers and recursing into objects. */
function mergeDetails(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    if (typeof v === 'number' && typeof prev === 'number') out[k] = prev + v;
    else if (v && typeof v === 'object' && !Array.isArray(v) && prev && typeof prev === 'object' && !Array.isArray(prev)) out[k] = mergeDetails(prev as Record<string, unknown>, v as Record<string, unknown>);
    else if (prev === undefined) out[k] = v;
  }
  return out;
}

function mergeComponents(list: readonly Manifest[]): Record<string, ComponentCounters> {
  const out: Record<string, ComponentCounters> = {};
  for (const m of list) {
    for (const [id, c] of Object.entries(m.components)) {
      const prev = out[id];
      if (!prev) {
        out[id] = { ...c, details: { ...c.details } };
        continue;
      }
      prev.received_events += c.received_events;
      prev.sent_events += c.sent_events;
      prev.received_bytes += c.received_bytes;
      prev.sent_bytes += c.sent_bytes;
      prev.errors += c.errors;
      prev.details = mergeDetails(prev.details, c.details);
    }
  }
  return out;
}

/** Local directories holding data outputs, and the files in them no output lists. */
async function extraFiles(root: string, outputs: readonly ManifestOutput[]): Promise<{ extras: string[]; leftovers: string[] }> {
  const listed = new Set<string>();
  const dirs = new Set<string>();
  for (const o of outputs) {
    const path = o.rel ? join(root, o.rel) : o.uri.startsWith('file://') ? fileURLToPath(o.uri) : null;
    if (!path) continue;
    listed.add(resolve(path));
    dirs.add(dirname(resolve(path)));
  }
  const extras: string[] = [];
  const leftovers: string[] = [];
  const control = new Set(['manifest.json', '_SUCCESS', 'prov.json', 'gates.json', 'gates-state.json', 'profile.json', 'report.html', 'stdout.marking.json']);
  for (const dir of dirs) {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (!e.isFile()) continue;
      const path = resolve(dir, e.name);
      if (listed.has(path)) continue;
      if (dir === resolve(root) && control.has(e.name)) continue;
      if (/^\..*\.tmp-/.test(e.name)) leftovers.push(path);
      else extras.push(path);
    }
  }
  return { extras: extras.sort(), leftovers: leftovers.sort() };
}

/**
 * Commits a sharded run in `controlRoot`.
 *
 * @example
 * // after `datasynth-pipe run big.yaml --shard i/3` for i = 0, 1, 2 wrote into ./out:
 * const r = await commitRun('./out', { expectShards: 3 });
 * r.status; // 'committed' — manifest.json and _SUCCESS written
 */
export async function commitRun(controlRoot: string, options: CommitOptions): Promise<CommitResult> {
  const root = await findControlRoot(resolve(controlRoot));
  const n = options.expectShards;
  const now = options.now ?? (() => new Date());
  if (!Number.isSafeInteger(n) || n < 1) throw new CommitError('DSP_COMMIT_USAGE', [`--expect-shards must be a positive integer, got ${n}`], ExitCode.InvalidInput);
  const manifestPath = join(root, 'manifest.json');
  const problems: string[] = [];
  const shards = await readShardManifests(root, problems);

  // 1. Presence and status of shards 0…N−1.
  const missing: number[] = [];
  const notComplete: string[] = [];
  for (let i = 0; i < n; i++) {
    const s = shards.get(i);
    if (!s) missing.push(i);
    else if (s.manifest.status !== 'complete') notComplete.push(`${describeShard(s.name)} is ${s.manifest.status}${s.manifest.status_reason ? ` (${s.manifest.status_reason.code}: ${s.manifest.status_reason.message})` : ''}`);
  }
  for (const [i, s] of shards) {
    if (i >= n) problems.push(`${describeShard(s.name)} is shard ${i}, but --expect-shards is ${n} (a leftover from a run with more shards?)`);
    else if (s.manifest.shard!.count !== n) problems.push(`${describeShard(s.name)} was written by a run with ${s.manifest.shard!.count} shards, not ${n}`);
  }
  const partialOk = options.allowPartial === true;
  if (missing.length > 0 && !partialOk) problems.push(`shard${missing.length === 1 ? '' : 's'} ${missing.join(', ')} of ${n} ha${missing.length === 1 ? 's' : 've'} no manifest in _manifests/ (not run yet, or failed before writing it): rerun ${missing.length === 1 ? 'it' : 'them'} with --shard i/${n}`);
  if (!partialOk) problems.push(...notComplete);

  const present = [...shards.entries()].filter(([i, s]) => i < n && (s.manifest.status === 'complete' || !partialOk)).sort((a, b) => a[0] - b[0]);
  if (present.length === 0) throw new CommitError('DSP_SHARDS_MISSING', problems.length > 0 ? problems : [`no shard manifests found under ${join(root, '_manifests')}`]);

  // 2. All shards belong to one run of one config.
  const base = present[0][1].manifest;
  const same = (what: string, get: (m: Manifest) => unknown): void => {
    const want = JSON.stringify(get(base));
    for (const [, s] of present.slice(1)) {
      const got = JSON.stringify(get(s.manifest));
      if (got !== want) problems.push(`${describeShard(s.name)} has another ${what} (${got.slice(0, 80)}) than ${describeShard(present[0][1].name)} (${want.slice(0, 80)})`);
    }
  };
  same('run_id', (m) => m.run_id);
  same('config hash', (m) => m.config.hash);
  same('seed', (m) => m.seed);
  same('tool version', (m) => m.tool.version);
  same('partition plan', (m) => m.partitions);

  // 3. Outputs: unique, deterministic, covering each table's partitions exactly once per sink.
  const byId = new Map<string, ManifestOutput>();
  const uris = new Map<string, string>();
  for (const [, s] of present) {
    for (const o of s.manifest.outputs) {
      const prev = byId.get(o.id);
      if (prev) {
        if (prev.sha256 !== o.sha256) problems.push(`DSP_NONDETERMINISM: output ${o.id} was written twice with different SHA-256 (${prev.sha256.slice(0, 12)}… vs ${o.sha256.slice(0, 12)}…)`);
        continue;
      }
      const other = uris.get(o.uri);
      if (other && other !== o.id) problems.push(`outputs ${other} and ${o.id} share the URI ${o.uri}`);
      uris.set(o.uri, o.id);
      byId.set(o.id, o);
    }
  }
  const outputs = [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (!partialOk) {
    const coverage = new Map<string, number[]>();
    for (const o of outputs) {
      if (o.role !== 'data') continue;
      const key = `${o.sink}\u0000${o.table}`;
      const list = coverage.get(key) ?? [];
      list.push(...o.partitions);
      coverage.set(key, list);
    }
    const sinksOfTable = new Map<string, Set<string>>();
    for (const [, s] of present) for (const [t, info] of Object.entries(s.manifest.tables)) for (const sk of info.sinks) (sinksOfTable.get(t) ?? sinksOfTable.set(t, new Set()).get(t)!).add(sk);
    for (const [table, sinks] of sinksOfTable) {
      const q = base.tables[table]?.partitions ?? Math.max(0, ...present.map(([, s]) => s.manifest.tables[table]?.partitions ?? 0));
      for (const sink of sinks) {
        const got = coverage.get(`${sink}\u0000${table}`) ?? [];
        const seen = new Map<number, number>();
        for (const p of got) seen.set(p, (seen.get(p) ?? 0) + 1);
        const gaps: number[] = [];
        for (let p = 0; p < q; p++) if (!seen.has(p)) gaps.push(p);
        const twice = [...seen].filter(([, c]) => c > 1).map(([p]) => p);
        if (gaps.length > 0) problems.push(`table ${table} in sink ${sink}: partition${gaps.length === 1 ? '' : 's'} ${summarize(gaps)} of ${q} ${gaps.length === 1 ? 'has' : 'have'} no committed output`);
        if (twice.length > 0) problems.push(`table ${table} in sink ${sink}: partition${twice.length === 1 ? '' : 's'} ${summarize(twice)} written by more than one output`);
      }
    }
  }

  // 4. Listed local objects exist with their size and checksum; nothing unlisted sits among them.
  const warnings: Array<{ code: string; message: string }> = [];
  let checked = 0;
  if (options.checkOutputs !== false) {
    for (const o of outputs) {
      if (!o.uri.startsWith('file://')) {
        warnings.push({ code: 'DSP_WARN_OUTPUT_UNCHECKED', message: `${o.uri}: only local outputs are re-read by commit; this one is trusted from its shard manifest` });
        continue;
      }
      const path = await locateOutput(root, o);
      if (!path) {
        problems.push(`output ${o.id} is missing: ${o.rel ?? o.uri}`);
        continue;
      }
      const st = await fs.stat(path);
      if (st.size !== o.bytes) {
        problems.push(`output ${o.id} (${relative(root, path).split(sep).join('/')}) has ${st.size} bytes, its shard manifest says ${o.bytes}: it was changed or truncated`);
        continue;
      }
      const sha = await sha256OfFile(path);
      if (sha !== o.sha256) problems.push(`output ${o.id} (${relative(root, path).split(sep).join('/')}) has SHA-256 ${sha.slice(0, 12)}…, its shard manifest says ${o.sha256.slice(0, 12)}…: it was changed`);
      checked++;
    }
  }
  const { extras, leftovers } = await extraFiles(root, outputs);
  if (extras.length > 0) {
    const list = extras.slice(0, 10).map((p) => relative(root, p).split(sep).join('/')).join(', ') + (extras.length > 10 ? `, … (${extras.length} in all)` : '');
    if (options.allowExtra) warnings.push({ code: 'DSP_WARN_EXTRA_FILES', message: `files no shard lists: ${list}` });
    else problems.push(`files among the outputs that no shard manifest lists (from another run?): ${list}; remove them, or pass --allow-extra to publish anyway`);
  }

  // 5. Already committed? Same shards → no-op; other shards → refuse.
  const shardShas = present.map(([, s]) => s.sha256);
  const existingSuccess = await fs.readFile(join(root, '_SUCCESS'), 'utf8').then((t) => JSON.parse(t) as { manifest_sha256?: string }, () => null);
  if (existingSuccess) {
    const prevText = await fs.readFile(manifestPath, 'utf8').catch(() => null);
    const prev = prevText ? (JSON.parse(prevText) as Manifest) : null;
    const prevShas = prev?.shards.attempts.map((a) => a.manifest_sha256) ?? [];
    const sameManifest = prevText !== null && createHash('sha256').update(prevText).digest('hex') === existingSuccess.manifest_sha256;
    if (sameManifest && JSON.stringify(prevShas) === JSON.stringify(shardShas) && problems.length === 0) {
      return { status: 'already_committed', exitCode: ExitCode.Success, manifestPath, manifest: prev!, warnings, checkedOutputs: checked, gates: null };
    }
    problems.push('DSP_ALREADY_COMMITTED: _SUCCESS already exists for a different set of shard manifests; commit into a fresh control root or remove _SUCCESS and manifest.json first');
    throw new CommitError('DSP_ALREADY_COMMITTED', problems);
  }
  if (problems.length > 0) throw new CommitError(missing.length > 0 ? 'DSP_SHARDS_MISSING' : 'DSP_COMMIT_CHECK_FAILED', problems);

  for (const p of leftovers) await fs.unlink(p).catch(() => undefined);

  // 6. Merge and publish: manifest.json, then _SUCCESS (create-only) last.
  const ended = now();
  const startedAt = present.map(([, s]) => s.manifest.started_at).sort()[0];
  const tables: Manifest['tables'] = {};
  for (const [, s] of present) {
    for (const [name, t] of Object.entries(s.manifest.tables)) {
      const prev = tables[name];
      if (!prev) tables[name] = { ...t, sinks: [...t.sinks] };
      else {
        prev.rows += t.rows;
        for (const sk of t.sinks) if (!prev.sinks.includes(sk)) prev.sinks.push(sk);
      }
    }
  }
  const partial = missing.length > 0 || notComplete.length > 0;
  const status = partial ? 'incomplete' : 'complete';
  const placements = new Set<string>();
  for (const [, s] of present) for (const p of s.manifest.marking?.placements ?? []) placements.add(p);
  const warningList = new Map<string, { code: string; message: string; at: string }>();
  for (const [, s] of present) for (const w of s.manifest.warnings) warningList.set(`${w.code}\u0000${w.message}`, w);
  for (const w of warnings) warningList.set(`${w.code}\u0000${w.message}`, { ...w, at: ended.toISOString() });
  const { shard: _shard, ...rest } = base;
  const manifest: Manifest = {
    ...rest,
    kind: 'run',
    status,
    status_reason: partial ? { code: 'DSP_SHARDS_MISSING', message: `committed with --allow-partial: ${missing.length} missing, ${notComplete.length} not complete`, at: ended.toISOString() } : null,
    started_at: startedAt,
    ended_at: ended.toISOString(),
    duration_ms: ended.getTime() - Date.parse(startedAt),
    shards: {
      count: n,
      attempts: present.map(([i, s]) => ({
        index: i,
        attempt_id: s.manifest.shard!.attempt_id,
        status: s.manifest.status,
        started_at: s.manifest.started_at,
        ended_at: s.manifest.ended_at,
        host: s.manifest.shard!.host,
        resolved_from: s.manifest.shard!.resolved_from,
        manifest_sha256: s.sha256,
        superseded: false,
      })),
    },
    outputs,
    tables,
    components: mergeComponents(present.map(([, s]) => s.manifest)),
    ...(base.marking ? { marking: { ...base.marking, placements: [...placements].sort() as NonNullable<Manifest['marking']>['placements'] } } : {}),
    run_log: present.flatMap(([, s]) => s.manifest.run_log ?? []),
    warnings: [...warningList.values()],
  };
  // Gates over the merged accumulator states, the merged report profile, then prov.json (controls.md §2.5 steps 4–5).
  const tag = `commit-${process.pid}`;
  const plan = rebuildPlan(base, root, warnings);
  let written: WrittenGates | null = null;
  let gateSettings: GateSettings | null = null;
  let gateError: DspError | null = null;
  if (plan) {
    const { settings, gates } = await createRunGates(plan, options.gates ?? {});
    gateSettings = settings;
    if (gates) {
      let missingStates = 0;
      for (const [i] of present) {
        const state = await readJson<Record<string, unknown>>(join(root, '_manifests', shardManifestName(i, n).replace(/\.json$/, '.gates-state.json'))).catch(() => null);
        if (state) gates.mergeState(state);
        else missingStates++;
      }
      if (missingStates > 0) warnings.push({ code: 'DSP_WARN_GATE_STATE_MISSING', message: `${missingStates} shard(s) wrote no gate state (gates off there?): their data is not in the gate values` });
      written = await writeGates(gates, { controlRoot: root, runId: base.run_id, attemptId: tag, shardStateName: COMMIT_GATES_STATE, runLog: null });
      const outcome = gateOutcome(written);
      for (const w of outcome.warnings) warnings.push(w);
      gateError = outcome.error;
    }
  }
  const profile = new RunProfile();
  let profiles = 0;
  for (const [i] of present) {
    const p = await readJson<ProfileJson>(join(root, '_manifests', shardManifestName(i, n).replace(/\.json$/, '.profile.json'))).catch(() => null);
    if (p) {
      profile.merge(RunProfile.fromJSON(p));
      profiles++;
    }
  }
  if (profiles > 0) await writeFileAtomic(join(root, PROFILE_FILE), controlJson(profile.toJSON()), tag);
  for (const w of warnings) warningList.set(`${w.code}\u0000${w.message}`, { ...w, at: ended.toISOString() });
  manifest.warnings = [...warningList.values()];
  manifest.gates = manifestGates(gateSettings, written);
  if (gateError) {
    manifest.status = 'failed';
    manifest.status_reason = { code: gateError.code, message: gateError.message, at: ended.toISOString() };
  }
  if (plan) {
    try {
      manifest.prov = await writeProv(plan, manifest, { controlRoot: root, attemptId: tag, gates: written, runLog: null });
    } catch (err) {
      warnings.push({ code: 'DSP_WARN_PROV_FAILED', message: `prov.json not written: ${(err as Error).message}` });
    }
  }
  const text = controlJson(manifest);
  await writeFileAtomic(manifestPath, text, tag);
  if (gateError) {
    throw Object.assign(gateError, { context: { ...gateError.context, manifest: manifestPath, gates: written?.report ?? null } });
  }
  if (!partial) {
    const sha = createHash('sha256').update(text).digest('hex');
    try {
      await createExclusive(join(root, '_SUCCESS'), successMarker(manifest.run_id, sha, ended.toISOString()), `commit-${process.pid}`);
    } catch (err) {
      throw new OutputError('DSP_ALREADY_COMMITTED', `another commit wrote ${join(root, '_SUCCESS')} at the same time: ${(err as Error).message}`, { path: root }, { cause: err });
    }
  }
  return { status: partial ? 'partial' : 'committed', exitCode: ExitCode.Success, manifestPath, manifest, warnings, checkedOutputs: checked, gates: written?.report ?? null };
}

/**
 * The run's plan rebuilt from the shard manifest's config snapshot and runtime keys (secrets are
 * redacted there, so no sink is opened): gates and PROV need the tables, sources and partitions.
 */
export function rebuildPlan(base: Manifest, root: string, warnings: Array<{ code: string; message: string }>): Plan | null {
  try {
    // Runtime-only keys (a sink's path, gates, guard …) live beside the hashed snapshot: merge them back in, key by key.
    const config = deepMerge(base.config.snapshot as Record<string, unknown>, base.config.runtime as Record<string, unknown>);
    const loaded = loadConfigObject(config, { seed: base.seed });
    return buildPlan(loaded, { outRoot: null, cwd: root });
  } catch (err) {
    warnings.push({ code: 'DSP_WARN_COMMIT_NO_PLAN', message: `could not rebuild the plan from the shard manifest's config (${(err as Error).message.split('\n')[0]}): gates and prov.json are not written` });
    return null;
  }
}

/** Objects merged recursively (b wins on scalars and arrays). */
function deepMerge(a: Record<string, unknown>, b: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b ?? {})) {
    const prev = out[k];
    const isObj = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);
    out[k] = isObj(prev) && isObj(v) ? deepMerge(prev, v) : v;
  }
  return out;
}

/**
 * The control root holding `_manifests/`: the directory itself, else the only directory below it (up to
 * three levels, e.g. `<out>/out/p2p-o2c`) that has one — so `commit` takes the `--out` directory the shards
 * were given as well as the control root itself.
 */
export async function findControlRoot(dir: string): Promise<string> {
  const has = async (d: string): Promise<boolean> => fs.stat(join(d, '_manifests')).then((st) => st.isDirectory(), () => false);
  if (await has(dir)) return dir;
  const found: string[] = [];
  const walk = async (d: string, depth: number): Promise<void> => {
    if (depth > 3) return;
    const subs = await fs.readdir(d, { withFileTypes: true }).catch(() => []);
    for (const e of subs) {
      if (!e.isDirectory() || e.name.startsWith('_') || e.name.startsWith('.')) continue;
      const p = join(d, e.name);
      if (await has(p)) found.push(p);
      else await walk(p, depth + 1);
    }
  };
  await walk(dir, 1);
  if (found.length === 1) return found[0];
  if (found.length > 1) throw new CommitError('DSP_COMMIT_USAGE', [`${dir} holds several control roots (${found.map((f) => relative(dir, f)).join(', ')}): name the one to commit`], ExitCode.InvalidInput);
  return dir;
}

/** `1, 2, 5–9` for a sorted list of indexes. */
function summarize(list: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < list.length && parts.length < 8; ) {
    let j = i;
    while (j + 1 < list.length && list[j + 1] === list[j] + 1) j++;
    parts.push(j > i ? `${list[i]}–${list[j]}` : `${list[i]}`);
    i = j + 1;
  }
  return parts.join(', ') + (list.length > 0 && parts.length === 8 ? ', …' : '');
}

export { shardManifestName };
