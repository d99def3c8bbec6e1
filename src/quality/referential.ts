/**
 * `referential_integrity` (controls.md §6.3): valid / (valid + invalid) over the non-null foreign
 * keys declared with `references` in the table schemas; a null in a non-nullable FK is invalid.
 *
 * Key sets of master/reference tables (one partition, produced before or after — order does not
 * matter) are collected whole; FK values against them are kept as distinct values with counts
 * (bounded by the master data) and resolved at finalize. Document targets (journal entries,
 * orders, invoices, …) never span partitions, so their keys and the FK values pointing at them
 * close per partition. A target table the run does not produce is not evaluated (details say so).
 *
 * Bounded memory and cost (controls.md §6.4, issue 6): key sets are built only for targets a
 * produced table references; once the partition of a master table closes its key set is whole, so
 * pending values against it resolve into counters and later values are checked at once (pending
 * holds only values seen before their master table, e.g. in a worker that never sees it). FK
 * columns are read as runs of equal values (header fields repeat on every line): one lookup a run.
 * Assumes each master table comes from one source partition (domain.md §1.1).
 */
import type { Batch } from '../engine/batch.js';
import type { TableSchema } from '../engine/schema.js';
import type { Accumulator, MetricResult } from './types.js';
import { partitionKey } from './types.js';
import { readString } from './read.js';

/** Tables with one partition, complete before transactional partitions (domain.md §1.1). */
export const MASTER_TABLES: ReadonlySet<string> = new Set([
  'chart_of_accounts', 'companies', 'fx_rates', 'holidays', 'cost_centers', 'employees', 'je_users',
  'vendors', 'vendor_bank_accounts', 'customers', 'materials', 'fixed_assets',
]);

interface FkCount { valid: number; invalid: number; nulls: number; unresolved: number }

interface TablePlan {
  master: boolean;
  targets: Array<{ col: number; target: string }>;
  fks: Array<{ col: number; fk: string; target: string; targetMaster: boolean; nullable: boolean; evaluate: boolean }>;
}

/**
 * @example
 * const acc = new ReferentialAccumulator([companiesSchema, journalEntryLines]);
 * acc.observe(companies); acc.observe(lines);
 * acc.finalize(); // {value: valid / (valid + invalid), n, details: {foreign_keys: {...}}}
 */
export class ReferentialAccumulator implements Accumulator {
  readonly metric = 'referential_integrity' as const;
  /** target "table.column" → keys (master targets). */
  readonly keys = new Map<string, Set<string>>();
  /** fk id → distinct values → count (master targets, resolved at finalize). */
  readonly pending = new Map<string, Map<string, number>>();
  /** fk id → counters (document targets, closed per partition; nulls for all). */
  readonly counts = new Map<string, FkCount>();
  /** Tables observed (a produced table with zero rows is listed by the runner via `produced`). */
  readonly observed = new Set<string>();
  private partKeys = new Map<string, Set<string>>();
  private partPending = new Map<string, Map<string, number>>();
  /** Master tables observed in the open partition (their key sets complete when it closes). */
  private partMasters = new Set<string>();
  /** Master targets whose key set is whole: FK values against them resolve at once. */
  readonly complete = new Set<string>();
  private readonly plans = new Map<TableSchema, TablePlan>();
  private openKey = '';

  /** `table.column` of every FK target the known schemas declare (key sets are built only for these). */
  private readonly targets = new Set<string>();

  /**
   * @param schemas every table schema the run may produce (their `references` name the targets)
   * @param produced tables the run produces (default: the tables observed)
   */
  constructor(schemas: Iterable<TableSchema>, private produced: ReadonlySet<string> | null = null) {
    // Key sets only for targets a produced table references (bounded memory, controls.md §6.4).
    for (const s of schemas) {
      if (produced && !produced.has(s.name)) continue;
      for (const c of s.columns) if (c.references) this.targets.add(`${c.references.table}.${c.references.column}`);
    }
  }

  private isProduced(table: string): boolean {
    return this.observed.has(table) || (this.produced?.has(table) ?? false);
  }

  observe(batch: Batch, producer?: string): void {
    const schema = batch.schema;
    this.observed.add(schema.name);
    const key = partitionKey(batch, producer);
    if (key !== this.openKey) {
      this.closePartition();
      this.openKey = key;
    }
    const plan = this.planOf(schema);
    const n = batch.length;
    if (plan.master && plan.targets.length > 0) this.partMasters.add(schema.name);
    // This table as a target: collect the key columns something produced references.
    for (const t of plan.targets) {
      const sets = plan.master ? this.keys : this.partKeys;
      let set = sets.get(t.target);
      if (!set) {
        set = new Set();
        sets.set(t.target, set);
      }
      const v = batch.values[t.col];
      let last: string | null | undefined;
      for (let r = 0; r < n; r++) {
        const x = Array.isArray(v) ? v[r] : readString(batch, t.col, r);
        if (x === last) continue; // runs (lines of one entry) add once
        last = x;
        if (x !== null) set.add(x);
      }
    }
    // This table as a referrer.
    for (const f of plan.fks) {
      const count = this.countOf(f.fk);
      if (!f.evaluate) {
        // Target not produced: only nulls in a non-nullable FK count (no per-value work).
        if (!f.nullable) count.nulls += nullCells(batch, f.col);
        continue;
      }
      const direct = f.targetMaster ? this.keys.get(f.target) : undefined;
      const resolveNow = f.targetMaster && this.complete.has(f.target);
      let values: Map<string, number> | null = null;
      if (!resolveNow) {
        const store = f.targetMaster ? this.pending : this.partPending;
        values = store.get(f.fk) ?? null;
        if (!values) {
          values = new Map();
          store.set(f.fk, values);
        }
      }
      const v = batch.values[f.col];
      // Run-length over equal consecutive values: one lookup per run (header FKs repeat on every line).
      let last: string | null | undefined;
      let run = 0;
      const emit = (x: string | null | undefined, k: number): void => {
        if (k === 0 || x === undefined) return;
        if (x === null) {
          if (!f.nullable) count.nulls += k;
          return;
        }
        if (resolveNow) {
          if (direct?.has(x)) count.valid += k;
          else count.invalid += k;
        } else values!.set(x, (values!.get(x) ?? 0) + k);
      };
      for (let r = 0; r < n; r++) {
        const x = Array.isArray(v) ? v[r] : readString(batch, f.col, r);
        if (x === last) {
          run++;
          continue;
        }
        emit(last, run);
        last = x;
        run = 1;
      }
      emit(last, run);
    }
  }

  /** Per schema: the referenced key columns to collect and the FK columns to check (cached). */
  private planOf(schema: TableSchema): TablePlan {
    let plan = this.plans.get(schema);
    if (plan) return plan;
    const targets: TablePlan['targets'] = [];
    const fks: TablePlan['fks'] = [];
    schema.columns.forEach((c, i) => {
      const target = `${schema.name}.${c.name}`;
      if (this.isReferenced(target)) targets.push({ col: i, target });
      // A referrer the run does not produce has no FK to check (its target key set was not collected either).
      if (!c.references || (this.produced !== null && !this.produced.has(schema.name))) return;
      const targetId = `${c.references.table}.${c.references.column}`;
      // A target the run does not produce is reported as not evaluated: its values need not be kept.
      const evaluate = this.produced === null || this.produced.has(c.references.table);
      fks.push({ col: i, fk: fkId(schema.name, c.name, c.references.table, c.references.column), target: targetId, targetMaster: MASTER_TABLES.has(c.references.table), nullable: c.nullable, evaluate });
    });
    plan = { master: MASTER_TABLES.has(schema.name), targets, fks };
    this.plans.set(schema, plan);
    return plan;
  }

  private isReferenced(target: string): boolean {
    return this.targets.has(target);
  }

  /** Master targets now complete: their pending FK values resolve into counters (bounded memory). */
  private resolveComplete(targets: Iterable<string>): void {
    const done = new Set(targets);
    if (done.size === 0) return;
    for (const [fk, values] of this.pending) {
      const target = fk.split('->')[1];
      if (!done.has(target)) continue;
      const keys = this.keys.get(target);
      const count = this.countOf(fk);
      for (const [v, n] of values) {
        if (keys?.has(v)) count.valid += n;
        else count.invalid += n;
      }
      this.pending.delete(fk);
    }
  }

  private countOf(fk: string): FkCount {
    let c = this.counts.get(fk);
    if (!c) {
      c = { valid: 0, invalid: 0, nulls: 0, unresolved: 0 };
      this.counts.set(fk, c);
    }
    return c;
  }

  private closePartition(): void {
    for (const [fk, values] of this.partPending) {
      const target = fk.split('->')[1];
      const keys = this.partKeys.get(target);
      const count = this.countOf(fk);
      for (const [v, n] of values) {
        if (!keys) count.unresolved += n;
        else if (keys.has(v)) count.valid += n;
        else count.invalid += n;
      }
    }
    this.partKeys = new Map();
    this.partPending = new Map();
    this.openKey = '';
    // A master table lives in one partition (domain.md §1.1): once it closes, its key sets are whole.
    const completed: string[] = [];
    for (const t of this.keys.keys()) if (this.partMasters.has(t.split('.')[0]) && !this.complete.has(t)) completed.push(t);
    for (const t of completed) this.complete.add(t);
    this.partMasters = new Set();
    this.resolveComplete(completed);
  }

  flush(): void {
    this.closePartition();
  }

  merge(other: Accumulator): void {
    const o = other as ReferentialAccumulator;
    o.flush();
    this.flush();
    for (const [t, set] of o.keys) {
      const mine = this.keys.get(t) ?? new Set<string>();
      for (const k of set) mine.add(k);
      this.keys.set(t, mine);
    }
    for (const [fk, values] of o.pending) {
      const mine = this.pending.get(fk) ?? new Map<string, number>();
      for (const [v, n] of values) mine.set(v, (mine.get(v) ?? 0) + n);
      this.pending.set(fk, mine);
    }
    for (const [fk, c] of o.counts) {
      const mine = this.countOf(fk);
      mine.valid += c.valid; mine.invalid += c.invalid; mine.nulls += c.nulls; mine.unresolved += c.unresolved;
    }
    for (const t of o.observed) this.observed.add(t);
    for (const t of o.complete) this.complete.add(t);
    this.resolveComplete(this.complete);
  }

  toJSON(): unknown {
    this.flush();
    const sorted = <V>(m: Map<string, V>): Array<[string, V]> => [...m].sort((a, b) => (a[0] < b[0] ? -1 : 1));
    return {
      observed: [...this.observed].sort(),
      keys: Object.fromEntries(sorted(this.keys).map(([t, s]) => [t, [...s].sort()])),
      pending: Object.fromEntries(sorted(this.pending).map(([fk, m]) => [fk, sorted(m)])),
      counts: Object.fromEntries(sorted(this.counts)),
      complete: [...this.complete].sort(),
    };
  }

  static fromJSON(json: unknown, schemas: Iterable<TableSchema> = [], produced: ReadonlySet<string> | null = null): ReferentialAccumulator {
    const j = json as { observed: string[]; keys: Record<string, string[]>; pending: Record<string, Array<[string, number]>>; counts: Record<string, FkCount>; complete?: string[] };
    const acc = new ReferentialAccumulator(schemas, produced);
    for (const t of j.observed) acc.observed.add(t);
    for (const [t, ks] of Object.entries(j.keys)) acc.keys.set(t, new Set(ks));
    for (const [fk, vs] of Object.entries(j.pending)) acc.pending.set(fk, new Map(vs));
    for (const [fk, c] of Object.entries(j.counts)) acc.counts.set(fk, { ...c });
    for (const t of j.complete ?? []) acc.complete.add(t);
    return acc;
  }

  private resolve(): { valid: number; invalid: number; foreignKeys: Record<string, unknown>; notProduced: string[] } {
    this.flush();
    let valid = 0, invalid = 0;
    const foreignKeys: Record<string, unknown> = {};
    const notProduced = new Set<string>();
    const ids = [...new Set([...this.counts.keys(), ...this.pending.keys()])].sort();
    for (const fk of ids) {
      const target = fk.split('->')[1];
      const targetTable = target.split('.')[0];
      const c = this.counts.get(fk) ?? { valid: 0, invalid: 0, nulls: 0, unresolved: 0 };
      let v = c.valid, bad = c.invalid;
      const keys = this.keys.get(target);
      for (const [value, n] of this.pending.get(fk) ?? []) {
        if (keys?.has(value)) v += n;
        else bad += n;
      }
      if (!this.isProduced(targetTable)) {
        notProduced.add(targetTable);
        foreignKeys[fk] = { evaluated: false, reason: `target table ${targetTable} is not produced by this run` };
        continue;
      }
      // Unresolved: partition-scoped values whose partition held no target rows (the target table exists in the run).
      bad += c.unresolved + c.nulls;
      valid += v;
      invalid += bad;
      foreignKeys[fk] = { evaluated: true, valid: v, invalid: bad, nulls_in_required: c.nulls };
    }
    return { valid, invalid, foreignKeys, notProduced: [...notProduced].sort() };
  }

  /** Invalid FK values so far and all, for fail_fast (master targets resolve against keys seen so far). */
  violations(): { bad: number; total: number } {
    const r = this.resolve();
    return { bad: r.invalid, total: r.valid + r.invalid };
  }

  finalize(): MetricResult {
    const { valid, invalid, foreignKeys, notProduced } = this.resolve();
    const details = { valid, invalid, foreign_keys: foreignKeys, targets_not_produced: notProduced };
    const n = valid + invalid;
    if (n === 0) return { value: null, n: 0, details, notEvaluated: 'no foreign-key values against produced tables' };
    return { value: valid / n, n, details };
  }
}

function fkId(table: string, column: string, target: string, targetColumn: string): string {
  return `${table}.${column}->${target}.${targetColumn}`;
}

/** Null cells of a column in a batch (string nulls or the numeric null mask). */
function nullCells(batch: Batch, c: number): number {
  const v = batch.values[c];
  let k = 0;
  if (Array.isArray(v)) {
    for (let r = 0; r < batch.length; r++) if (v[r] === null) k++;
  } else {
    const mask = batch.nulls[c];
    if (mask !== null) for (let r = 0; r < batch.length; r++) if (mask[r] === 1) k++;
  }
  return k;
}
