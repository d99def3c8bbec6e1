/**
 * Quality gates at run time (controls.md §6): one accumulator per metric the configured gates
 * use, fed once per batch per producing edge; evaluation with the §6.1 status rules, the
 * fail_fast early stop (§6.5) and the gates.json report (§6.6).
 */
import type { Batch } from '../engine/batch.js';
import type { TableSchema } from '../engine/schema.js';
import { DspError, ExitCode } from '../errors.js';
import type { Accumulator, MetricName, MetricResult } from './types.js';
import { partitionKey } from './types.js';
import { BenfordAccumulator, DEFAULT_BENFORD_SELECTION, type BenfordSelection } from './benford.js';
import { BalanceAccumulator } from './balance.js';
import { CHAIN_FAMILIES, CHAIN_TABLES, ChainAccumulator } from './chains.js';
import { TemporalAccumulator } from './temporal.js';
import { CompletionAccumulator } from './completion.js';
import { DuplicateAccumulator } from './duplicates.js';
import { ReferentialAccumulator } from './referential.js';
import { IcMatchAccumulator } from './intercompany.js';
import { PROFILE_TABLE, defaultMinN, toleranceCents, type Comparison, type GateSettings } from './config.js';

export const GATES_FILE = 'gates.json';

export type GateStatus = 'pass' | 'fail' | 'not_evaluated' | 'not_applicable' | 'skipped';

export interface GateResult {
  gate: string;
  metric: MetricName;
  comparison: Comparison;
  threshold: number;
  upper_threshold: number | null;
  value: number | null;
  n: number;
  status: GateStatus;
  required: boolean;
  message: string;
  details: Record<string, unknown>;
}

export interface GateReport {
  gates_version: '1.0';
  run_id: string;
  profile: string;
  strategy: string;
  enforce: boolean;
  passed: boolean;
  counts: Record<GateStatus, number>;
  summary: string;
  results: GateResult[];
}

/** The run's facts the gates need. */
export interface GateContext {
  /** Every table schema the run may produce (FK targets come from their `references`). */
  schemas: Iterable<TableSchema>;
  /** Tables that reach a sink in this run (inputs of not_applicable). */
  producedTables: ReadonlySet<string>;
  /** The config period (temporal_consistency). */
  period: { startDay: number; months: number };
  /** `transactions.benford` of the journal_entries source (domain.md §5.4). */
  benford?: BenfordSelection & { enabled: boolean };
  /** Planned rows per table (fail_fast limits). */
  plannedRows?: ReadonlyMap<string, number>;
  /** The generator's exported day weights over the period (else the spec's reference model). */
  dayWeights?: Float64Array;
}

interface GateDef { gate: string; metric: MetricName; comparison: Comparison; threshold: number; upper: number | null; required: boolean; minN: number }

/** An enforced gate failure: exit 2 (controls.md §0). */
export class GateFailedError extends DspError {
  constructor(message: string, readonly report: GateReport | null = null) {
    super('DSP_GATE_FAILED', message, ExitCode.GateFailed);
  }
}

/** Inputs per metric: the gate is not_applicable when none of them is produced. */
function applicable(metric: MetricName, ctx: GateContext, schemas: readonly TableSchema[]): string | null {
  const p = ctx.producedTables;
  switch (metric) {
    case 'benford_mad':
      if (ctx.benford && !ctx.benford.enabled) return 'transactions.benford.enabled is false';
      return p.has('journal_entry_lines') ? null : 'journal_entry_lines is not produced';
    case 'balance_coherence':
    case 'temporal_consistency':
      return p.has('journal_entry_lines') ? null : 'journal_entry_lines is not produced';
    case 'document_chain_integrity':
      return CHAIN_TABLES.some((t) => p.has(t)) ? null : 'no P2P/O2C document table is produced';
    case 'completion_rate':
    case 'duplicate_rate':
      return p.size > 0 ? null : 'no table is produced';
    case 'referential_integrity':
      // Inputs are FK pairs whose both ends are produced; other FKs are listed as not evaluated in details.
      return schemas.some((s) => p.has(s.name) && s.columns.some((c) => c.references && p.has(c.references.table))) ? null : 'no produced table references another produced table';
    case 'ic_match_rate':
      return p.has('ic_matched_pairs') ? null : 'ic_matched_pairs is not produced (intercompany off)';
  }
}

/**
 * @example
 * const gates = await QualityGates.create(resolveGateSettings(config.gates), ctx);
 * for (const b of batches) gates.observe(b, 'gl');
 * const report = gates.evaluate(runId); // report.passed, report.results
 */
export class QualityGates {
  readonly accumulators = new Map<MetricName, Accumulator>();
  readonly gates: GateDef[];
  private readonly schemas: TableSchema[];
  private lastKey = '';
  private failedEarly: GateResult | null = null;

  constructor(readonly settings: GateSettings, readonly ctx: GateContext) {
    this.schemas = [...ctx.schemas];
    const gates: GateDef[] = [];
    if (settings.profile !== 'none') {
      for (const row of PROFILE_TABLE) {
        const o = settings.overrides[row.metric] ?? {};
        gates.push({ gate: row.metric, metric: row.metric, comparison: row.comparison, threshold: o.threshold ?? row[settings.profile], upper: null, required: false, minN: o.min_n ?? defaultMinN(row.metric) });
      }
    }
    for (const c of settings.custom) {
      gates.push({ gate: c.name, metric: c.metric, comparison: c.comparison, threshold: c.threshold, upper: c.upper_threshold ?? null, required: c.required ?? false, minN: settings.overrides[c.metric]?.min_n ?? defaultMinN(c.metric) });
    }
    this.gates = gates;
    for (const metric of new Set(gates.map((g) => g.metric))) this.accumulators.set(metric, this.createAccumulator(metric));
  }

  /** Async for API stability (the duplicate hash once loaded a WebAssembly module). */
  static create(settings: GateSettings, ctx: GateContext): Promise<QualityGates> {
    return Promise.resolve(new QualityGates(settings, ctx));
  }

  private createAccumulator(metric: MetricName): Accumulator {
    switch (metric) {
      case 'benford_mad': return new BenfordAccumulator(this.ctx.benford ?? DEFAULT_BENFORD_SELECTION);
      case 'balance_coherence': return new BalanceAccumulator(toleranceCents(this.settings, 'balance_coherence'));
      case 'document_chain_integrity': return new ChainAccumulator();
      case 'temporal_consistency': return new TemporalAccumulator(this.ctx.period.startDay, this.ctx.period.months, this.ctx.dayWeights);
      case 'completion_rate': return new CompletionAccumulator();
      case 'duplicate_rate': return new DuplicateAccumulator();
      case 'referential_integrity': return new ReferentialAccumulator(this.schemas, this.ctx.producedTables);
      case 'ic_match_rate': return new IcMatchAccumulator(toleranceCents(this.settings, 'ic_match_rate'));
    }
  }

  /**
   * Observes one batch on one producing edge. Under fail_fast, a partition boundary checks the
   * count-based gates and throws GateFailedError once one can no longer pass (controls.md §6.5).
   */
  observe(batch: Batch, producer?: string): void {
    if (this.settings.strategy === 'fail_fast') {
      const key = `${batch.schema.name}@${partitionKey(batch, producer)}`;
      if (key !== this.lastKey) {
        this.lastKey = key;
        this.checkEarlyStop();
      }
    }
    for (const acc of this.accumulators.values()) acc.observe(batch, producer);
  }

  /** fail_fast: violations so far above what the whole run may have ((1 − t) or t × planned). */
  checkEarlyStop(): void {
    if (this.settings.strategy !== 'fail_fast' || !this.settings.enforce) return;
    const planned = this.ctx.plannedRows;
    if (!planned) return;
    for (const g of this.gates) {
      const acc = this.accumulators.get(g.metric);
      const limit = this.plannedCount(g.metric, planned);
      if (!acc || limit === null || limit <= 0) continue;
      let bad: number | null = null;
      if (acc instanceof CompletionAccumulator || acc instanceof DuplicateAccumulator || acc instanceof ReferentialAccumulator) bad = acc.violations().bad;
      else if (acc instanceof ChainAccumulator) bad = (acc.counts.p2p.chains - acc.counts.p2p.intact) + (acc.counts.o2c.chains - acc.counts.o2c.intact);
      if (bad === null) continue;
      const allowed = g.comparison === 'lte' ? g.threshold * limit : g.comparison === 'gte' ? (1 - g.threshold) * limit : null;
      if (allowed === null || bad <= allowed) continue;
      const message = `${g.gate}: ${bad} violations so far exceed the ${Math.floor(allowed)} the whole run may have (${g.comparison} ${g.threshold} of ~${limit} planned); stopping early (fail_fast)`;
      this.failedEarly = { gate: g.gate, metric: g.metric, comparison: g.comparison, threshold: g.threshold, upper_threshold: g.upper, value: null, n: 0, status: 'fail', required: g.required, message, details: { early_stop: true, violations: bad, allowed, planned: limit } };
      throw new GateFailedError(`quality gates failed: ${message}`);
    }
  }

  private plannedCount(metric: MetricName, planned: ReadonlyMap<string, number>): number | null {
    const rows = (t: string): number => planned.get(t) ?? 0;
    switch (metric) {
      case 'completion_rate': return this.schemas.filter((s) => this.ctx.producedTables.has(s.name)).reduce((a, s) => a + rows(s.name) * s.columns.filter((c) => !c.nullableByDesign).length, 0);
      case 'duplicate_rate': return this.schemas.filter((s) => this.ctx.producedTables.has(s.name)).reduce((a, s) => a + rows(s.name), 0);
      case 'referential_integrity': return this.schemas.filter((s) => this.ctx.producedTables.has(s.name)).reduce((a, s) => a + rows(s.name) * s.columns.filter((c) => c.references).length, 0);
      case 'document_chain_integrity': return rows(CHAIN_FAMILIES.p2p[0].table) + rows(CHAIN_FAMILIES.o2c[0].table);
      default: return null;
    }
  }

  /**
   * Adds the accumulator states of another instance with the same settings (a worker's partition,
   * a shard's gates-state.json) into this one: states merge by addition (controls.md §6.4).
   */
  mergeState(state: Record<string, unknown>): void {
    const states = (state.states ?? {}) as Record<string, unknown>;
    for (const [metric, acc] of this.accumulators) {
      const json = states[metric];
      if (json === undefined) continue;
      acc.merge(this.restoreAccumulator(metric, json));
    }
  }

  private restoreAccumulator(metric: MetricName, json: unknown): Accumulator {
    switch (metric) {
      case 'benford_mad': return BenfordAccumulator.fromJSON(json, this.ctx.benford ?? DEFAULT_BENFORD_SELECTION);
      case 'balance_coherence': return BalanceAccumulator.fromJSON(json, toleranceCents(this.settings, 'balance_coherence'));
      case 'document_chain_integrity': return ChainAccumulator.fromJSON(json);
      case 'temporal_consistency': return TemporalAccumulator.fromJSON(json, this.ctx.dayWeights);
      case 'completion_rate': return CompletionAccumulator.fromJSON(json);
      case 'duplicate_rate': return DuplicateAccumulator.fromJSON(json);
      case 'referential_integrity': return ReferentialAccumulator.fromJSON(json, this.schemas, this.ctx.producedTables);
      case 'ic_match_rate': return IcMatchAccumulator.fromJSON(json, toleranceCents(this.settings, 'ic_match_rate'));
    }
  }

  /** Accumulator states for gates-state.json (controls.md §6.4: commit merges them). */
  stateJSON(runId: string): Record<string, unknown> {
    const states: Record<string, unknown> = {};
    for (const [metric, acc] of this.accumulators) states[metric] = acc.toJSON();
    return { gates_state_version: '1.0', run_id: runId, states };
  }

  /** Finalizes every metric and applies the §6.1 status rules. */
  evaluate(runId: string): GateReport {
    const results: GateResult[] = [];
    const finals = new Map<MetricName, MetricResult>();
    let stopped = this.failedEarly !== null;
    for (const g of this.gates) {
      if (stopped) {
        if (this.failedEarly && this.failedEarly.gate === g.gate) results.push(this.failedEarly);
        else results.push(skipped(g));
        continue;
      }
      const notApplicable = applicable(g.metric, this.ctx, this.schemas);
      let r: GateResult;
      if (notApplicable) {
        r = base(g, null, 0, g.required ? 'fail' : 'not_applicable', g.required ? `${g.gate}: not applicable (${notApplicable}) but required` : `${g.gate}: not applicable (${notApplicable})`, { reason: notApplicable });
      } else {
        let m = finals.get(g.metric);
        if (!m) {
          try {
            m = this.accumulators.get(g.metric)!.finalize();
          } catch (err) {
            m = { value: null, n: 0, details: {}, notEvaluated: `accumulator error: ${(err as Error).message}` };
          }
          finals.set(g.metric, m);
        }
        const reason = m.value === null ? m.notEvaluated ?? 'no value' : m.n < g.minN ? `n ${m.n} < min_n ${g.minN}` : null;
        if (m.value === null && m.notApplicable) {
          // Inputs produced, but nothing the metric is defined on (e.g. only document JEs for benford_mad).
          r = base(g, null, 0, g.required ? 'fail' : 'not_applicable', g.required ? `${g.gate}: not applicable (${m.notApplicable}) but required` : `${g.gate}: not applicable (${m.notApplicable})`, { ...m.details, reason: m.notApplicable });
        } else if (reason) {
          const allowed = this.settings.allowNotEvaluated.includes(g.gate) || this.settings.allowNotEvaluated.includes(g.metric);
          r = base(g, m.value, m.n, allowed ? 'not_evaluated' : 'fail',
            allowed ? `${g.gate}: not evaluated (${reason}); allowed by gates.allow_not_evaluated` : `${g.gate}: not evaluated (${reason}); counts as a failure (list it in gates.allow_not_evaluated to accept)`,
            { ...m.details, not_evaluated: reason });
        } else {
          const ok = compare(m.value!, g.comparison, g.threshold, g.upper);
          // Data-quality duplicates are real duplicates and count (docs/quality-gates.md): say so, so a DQ preset's failure reads as such.
          const injected = g.metric === 'duplicate_rate' ? Number(m.details.injected_duplicates ?? 0) : 0;
          const note = injected > 0 ? ` (includes ${injected} duplicate entries injected by data_quality; raise gates.overrides.duplicate_rate.threshold for such runs)` : '';
          r = base(g, m.value, m.n, ok ? 'pass' : 'fail', `${g.gate}: ${fmt(m.value!)} ${ok ? 'passes' : 'fails'} ${g.comparison} ${bound(g)}${note}`, m.details);
        }
      }
      results.push(r);
      if (r.status === 'fail' && this.settings.strategy === 'fail_fast') stopped = true;
    }
    const counts: Record<GateStatus, number> = { pass: 0, fail: 0, not_evaluated: 0, not_applicable: 0, skipped: 0 };
    for (const r of results) counts[r.status]++;
    const passed = counts.fail === 0;
    const judged = counts.pass + counts.fail;
    const extras = [
      counts.fail ? `${counts.fail} failed` : '',
      counts.not_evaluated ? `${counts.not_evaluated} not evaluated` : '',
      counts.not_applicable ? `${counts.not_applicable} not applicable` : '',
      counts.skipped ? `${counts.skipped} skipped` : '',
    ].filter(Boolean);
    const summary = `${counts.pass}/${judged} gates passed${extras.length ? `, ${extras.join(', ')}` : ''} (profile: ${this.settings.profile})`;
    return { gates_version: '1.0', run_id: runId, profile: this.settings.profile, strategy: this.settings.strategy, enforce: this.settings.enforce, passed, counts, summary, results };
  }
}

function base(g: GateDef, value: number | null, n: number, status: GateStatus, message: string, details: Record<string, unknown>): GateResult {
  return { gate: g.gate, metric: g.metric, comparison: g.comparison, threshold: g.threshold, upper_threshold: g.upper, value, n, status, required: g.required, message, details };
}

function skipped(g: GateDef): GateResult {
  return base(g, null, 0, 'skipped', `${g.gate}: skipped (fail_fast stopped at an earlier failure)`, {});
}

/** controls.md §6.1: gte, lte, eq (|a − t| < 1e-9), between (inclusive). */
export function compare(value: number, comparison: Comparison, threshold: number, upper: number | null): boolean {
  switch (comparison) {
    case 'gte': return value >= threshold;
    case 'lte': return value <= threshold;
    case 'eq': return Math.abs(value - threshold) < 1e-9;
    case 'between': return value >= threshold && value <= (upper ?? threshold);
  }
}

function fmt(v: number): string {
  return Math.abs(v) >= 1e-4 || v === 0 ? v.toFixed(4) : v.toExponential(2);
}

function bound(g: GateDef): string {
  return g.comparison === 'between' ? `${fmt(g.threshold)}…${fmt(g.upper ?? g.threshold)}` : fmt(g.threshold);
}

/** The short stderr table printed after a run (one line per gate). */
export function formatGateTable(report: GateReport): string {
  const lines = [`quality gates: ${report.summary}${report.enforce ? '' : ' [warn only]'}`];
  for (const r of report.results) {
    const value = r.value === null ? '—' : fmt(r.value);
    // A gate that was not evaluated (n < min_n, no state…) may still carry a value: say why it was not judged on it.
    const why = typeof r.details.not_evaluated === 'string' ? `  (not evaluated: ${r.details.not_evaluated})` : '';
    lines.push(`  ${r.status.toUpperCase().padEnd(14)} ${r.gate.padEnd(26)} ${value.padStart(10)}  ${r.comparison} ${r.comparison === 'between' ? `${fmt(r.threshold)}…${fmt(r.upper_threshold ?? r.threshold)}` : fmt(r.threshold)}  n=${r.n}${why}`);
  }
  return lines.join('\n') + '\n';
}
