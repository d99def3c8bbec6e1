/**
 * `datasynth-pipe inspect gates <out>` (controls.md §6.4): re-evaluates the quality-gate accumulator
 * states a run stored (`_manifests/*.gates-state.json`) under another profile or mode — no data is read
 * again and nothing is written. A committed sharded run has one merged state (`commit.gates-state.json`);
 * otherwise the shards' states are merged by addition, exactly as `commit` merges them.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { DspError, ExitCode } from '../errors.js';
import type { Manifest } from '../provenance/manifest.js';
import { createRunGates } from '../quality/commit.js';
import type { GateCliOptions } from '../quality/config.js';
import type { GateReport } from '../quality/gates.js';
import { COMMIT_GATES_STATE, findControlRoot, readJson, rebuildPlan, SHARD_FILE } from './commit.js';

export interface InspectGatesResult {
  /** The directory holding `_manifests/`. */
  readonly controlRoot: string;
  /** State files merged, relative to the control root. */
  readonly states: readonly string[];
  readonly report: GateReport;
  readonly warnings: ReadonlyArray<{ code: string; message: string }>;
}

/**
 * Re-evaluates the stored gate states of the run under `dir` (its `--out` or control root).
 * `cli.profile` replaces the run's profile; `cli.mode` defaults to `enforce` (the report's `enforce` flag:
 * the CLI exits 2 on a failure), `warn` only reports. Per-metric overrides and custom gates come from the
 * run's config.
 *
 * @example
 * const { report } = await inspectGates('./out', { profile: 'strict' });
 * console.log(report.summary); // "7/7 gates passed, 1 not applicable (profile: strict)"
 */
export async function inspectGates(dir: string, cli: GateCliOptions = {}): Promise<InspectGatesResult> {
  const root = await findControlRoot(dir);
  const manifests = join(root, '_manifests');
  const names = (await fs.readdir(manifests)).sort();
  const stateNames = names.includes(COMMIT_GATES_STATE) ? [COMMIT_GATES_STATE] : names.filter((n) => n.endsWith('.gates-state.json'));
  if (stateNames.length === 0) {
    throw new DspError('DSP_GATES_NO_STATE', `no quality-gate state under ${manifests}: the run had gates off. Run it with --gates warn or --gates enforce, then inspect again`, ExitCode.InvalidInput);
  }
  const shardManifest = names.find((n) => SHARD_FILE.test(n));
  const base = await readJson<Manifest>(join(root, 'manifest.json')).catch(() => {
    if (!shardManifest) throw new DspError('DSP_GATES_NO_MANIFEST', `no manifest.json in ${root} and no shard manifest in ${manifests}`, ExitCode.InvalidInput);
    return readJson<Manifest>(join(manifests, shardManifest));
  });
  const warnings: Array<{ code: string; message: string }> = [];
  const plan = rebuildPlan(base, root, warnings);
  if (!plan) throw new DspError('DSP_GATES_NO_PLAN', `cannot rebuild the run's plan from its manifest: ${warnings.map((w) => w.message).join('; ')}`, ExitCode.InvalidInput);
  const { gates } = await createRunGates(plan, { mode: cli.mode ?? 'enforce', ...(cli.profile ? { profile: cli.profile } : {}) });
  if (!gates) throw new DspError('DSP_GATES_OFF', 'gates are off for this evaluation (--gates off): choose warn or enforce', ExitCode.InvalidInput);
  for (const name of stateNames) gates.mergeState(await readJson<Record<string, unknown>>(join(manifests, name)));
  return { controlRoot: root, states: stateNames.map((n) => `_manifests/${n}`), report: gates.evaluate(base.run_id), warnings };
}
