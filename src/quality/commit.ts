/**
 * The gate and PROV steps of an in-process commit (controls.md §2.1 step 4, §2.5 step 5):
 * evaluate → `gates.json` (+ `_manifests/…gates-state.json`) → finalizers → `prov.json` →
 * manifest.json. Kept out of the runner so its edits stay small.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Plan } from '../engine/plan.js';
import { plannedRowsByTable } from '../engine/plan.js';
import type { TableSchema } from '../engine/schema.js';
import type { RunLog } from '../provenance/runlog.js';
import type { Manifest } from '../provenance/manifest.js';
import { controlJson, writeFileAtomic } from '../util/fs-atomic.js';
import { parseDate } from '../domain/dates.js';
import { foldedDayWeights, plannedEntryCounts } from '../sources/journal-entries/index.js';
import { buildProv, checkProv, provText, PROV_FILE } from '../provenance/prov.js';
import { resolveGateSettings, type GateCliOptions, type GateSettings } from './config.js';
import { GATES_FILE, GateFailedError, QualityGates, type GateContext, type GateReport } from './gates.js';

/** The manifest's `gates` (controls.md §2.3). */
export interface ManifestGates {
  enabled: boolean;
  profile: string;
  enforce: boolean;
  strategy: string;
  passed: boolean | null;
  counts: GateReport['counts'] | null;
  failed: string[];
  report: string | null;
  report_sha256: string | null;
}

/** What was written for the gates: the report and where. */
export interface WrittenGates { report: GateReport; sha256: string; uri: string; at: string }

/** The gate context from the plan: produced tables, schemas, period, benford selection, planned rows. */
export function gateContext(plan: Plan): GateContext {
  const produced = new Set<string>();
  for (const s of plan.sinks) for (const t of s.tables) produced.add(t.schema.name);
  const period = plan.loaded.config.period as { start: string; months: number };
  const je = plan.sources.find((s) => s.plugin.type === 'journal_entries');
  const bf = ((je?.options.transactions as Record<string, unknown> | undefined)?.benford ?? {}) as { enabled?: boolean; exempt_sources?: string[]; exempt_processes?: string[] };
  return {
    schemas: [...plan.tables.values()] as TableSchema[],
    producedTables: produced,
    period: { startDay: parseDate(period.start), months: period.months },
    benford: { enabled: bf.enabled ?? true, exemptSources: bf.exempt_sources ?? ['recurring'], exemptProcesses: bf.exempt_processes ?? ['H2R'] },
    plannedRows: plannedRowsByTable(plan),
    ...(je ? { dayWeights: expectedDailyEntries(plan, je.options) } : {}),
  };
}

/**
 * The generator's exported day weights as expected entries per day of the period: Σ over
 * companies of the month's planned entries × folded day weight / the month's folded total
 * (domain.md §5.5: "the source exports its folded day-weight function per company").
 */
export function expectedDailyEntries(plan: Plan, options: Record<string, unknown>): Float64Array {
  const reference = plan.context.reference;
  const config = plan.loaded.config;
  const weights = foldedDayWeights(options as never, config, reference);
  const counts = plannedEntryCounts(options as never, config, reference);
  const { period } = reference;
  const out = new Float64Array(period.endDay - period.startDay);
  for (const [code, w] of weights) {
    const perMonth = counts.get(code) ?? [];
    for (let m = 0; m < period.months; m++) {
      const total = w.monthTotals[m];
      if (!(total > 0)) continue;
      for (let d = period.monthStart[m]; d < period.monthStart[m + 1]; d++) out[d - period.startDay] += ((perMonth[m] ?? 0) * w.folded[d - w.startDay]) / total;
    }
  }
  return out;
}

/** Gate settings and the gates of a run (null when disabled: `enabled: false` or `--gates off`). Config problems throw ConfigError. */
export async function createRunGates(plan: Plan, cli: GateCliOptions = {}): Promise<{ settings: GateSettings; gates: QualityGates | null }> {
  const settings = resolveGateSettings(plan.loaded.config.gates, cli);
  return { settings, gates: settings.enabled ? await QualityGates.create(settings, gateContext(plan)) : null };
}

/**
 * Evaluates the gates and writes `gates.json` into the control root and the accumulator
 * states next to the shard manifest. Returns what was written; the caller decides the outcome
 * (enforced failure → GateFailedError, see `gateOutcome`).
 */
export async function writeGates(gates: QualityGates, o: { controlRoot: string; runId: string; attemptId: string; shardStateName: string; runLog: RunLog | null }): Promise<WrittenGates> {
  const report = gates.evaluate(o.runId);
  const text = controlJson(report);
  const path = join(o.controlRoot, GATES_FILE);
  await writeFileAtomic(path, text, o.attemptId);
  await writeFileAtomic(join(o.controlRoot, '_manifests', o.shardStateName), controlJson(gates.stateJSON(o.runId)), o.attemptId);
  const sha256 = createHash('sha256').update(text).digest('hex');
  o.runLog?.append({
    actor: 'system:engine', action: 'gates.evaluate', resource: GATES_FILE, outcome: report.passed ? 'success' : 'failure',
    details: { sha256, passed: report.passed, failed: report.results.filter((r) => r.status === 'fail').map((r) => r.gate), enforce: report.enforce },
  });
  return { report, sha256, uri: pathToFileURL(path).href, at: new Date().toISOString() };
}

/**
 * controls.md §6.6: enforced failure → GateFailedError (run `failed`, exit 2, no `_SUCCESS`,
 * finalizers skipped); not enforced → warnings only (`DSP_WARN_GATES_FAILED`, run `complete`).
 */
export function gateOutcome(written: WrittenGates): { error: GateFailedError | null; warnings: Array<{ code: string; message: string }> } {
  const { report } = written;
  const warnings: Array<{ code: string; message: string }> = [];
  for (const r of report.results) if (r.status === 'not_evaluated') warnings.push({ code: 'DSP_WARN_GATE_NOT_EVALUATED', message: r.message });
  if (report.passed) return { error: null, warnings };
  const failed = report.results.filter((r) => r.status === 'fail');
  const message = `quality gates failed: ${failed.map((r) => r.message).join('; ')} (${report.summary}); see ${GATES_FILE}`;
  if (!report.enforce) {
    warnings.push({ code: 'DSP_WARN_GATES_FAILED', message });
    return { error: null, warnings };
  }
  return { error: new GateFailedError(message, report), warnings };
}

/** The manifest's `gates` section. */
export function manifestGates(settings: GateSettings | null, written: WrittenGates | null): ManifestGates {
  return {
    enabled: settings?.enabled ?? false,
    profile: settings?.profile ?? 'default',
    enforce: settings?.enforce ?? false,
    strategy: settings?.strategy ?? 'collect_all',
    passed: written ? written.report.passed : null,
    counts: written ? written.report.counts : null,
    failed: written ? written.report.results.filter((r) => r.status === 'fail').map((r) => r.gate) : [],
    report: written ? GATES_FILE : null,
    report_sha256: written?.sha256 ?? null,
  };
}

/** Output id → source components whose batches it holds (lineage component → output). */
export function outputProducers(plan: Plan, manifest: Pick<Manifest, 'outputs'>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const o of manifest.outputs) {
    const sink = plan.sinks.find((s) => s.id === o.sink);
    const table = sink?.tables.find((t) => t.schema.name === o.table);
    if (!table) continue;
    const ids = table.producers.filter((p) => o.partitions.some((g) => g >= p.offset && g < p.offset + p.count)).map((p) => p.sourceId);
    out.set(o.id, ids);
  }
  return out;
}

/**
 * Writes `prov.json` (controls.md §3) from the run-level manifest as it stands (every output
 * hashed); returns the manifest's `prov` entry. Our §3.6 checks run first: a problem is a bug.
 */
export async function writeProv(plan: Plan, manifest: Manifest, o: { controlRoot: string; attemptId: string; gates: WrittenGates | null; runLog: RunLog | null }): Promise<{ uri: string; sha256: string }> {
  const doc = buildProv({
    manifest, status: manifest.status, endedAt: new Date().toISOString(), shardCount: manifest.shards.count,
    producers: outputProducers(plan, manifest),
    gates: o.gates ? { uri: o.gates.uri, sha256: o.gates.sha256, passed: o.gates.report.passed, at: o.gates.at } : null,
  });
  const problems = checkProv(doc, manifest);
  if (problems.length > 0) throw new Error(`internal: prov.json fails its own checks: ${problems.slice(0, 5).join('; ')}`);
  const text = provText(doc);
  const path = join(o.controlRoot, PROV_FILE);
  await writeFileAtomic(path, text, o.attemptId);
  const sha256 = createHash('sha256').update(text).digest('hex');
  o.runLog?.append({ actor: 'system:engine', action: 'prov.write', resource: PROV_FILE, outcome: 'success', details: { sha256, entities: Object.keys(doc.entity ?? {}).length } });
  return { uri: pathToFileURL(path).href, sha256 };
}
