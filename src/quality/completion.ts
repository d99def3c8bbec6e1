/**
 * `completion_rate` (controls.md §6.3): cells = rows × columns of every table minus the
 * `nullable_by_design` columns; a cell is complete when non-null and, for strings, non-empty
 * after trim.
 */
import type { Batch } from '../engine/batch.js';
import type { Accumulator, MetricResult } from './types.js';

interface TableCount { cells: number; complete: number }

/**
 * @example
 * const acc = new CompletionAccumulator();
 * acc.observe(batch);
 * acc.finalize(); // {value: complete / cells, n: cells, details: {tables: {...}}}
 */
export class CompletionAccumulator implements Accumulator {
  readonly metric = 'completion_rate' as const;
  readonly tables = new Map<string, TableCount>();

  observe(batch: Batch): void {
    let t = this.tables.get(batch.schema.name);
    if (!t) {
      t = { cells: 0, complete: 0 };
      this.tables.set(batch.schema.name, t);
    }
    const cols = batch.schema.columns;
    for (let c = 0; c < cols.length; c++) {
      if (cols[c].nullableByDesign) continue;
      t.cells += batch.length;
      const v = batch.values[c];
      if (Array.isArray(v)) {
        t.complete += completeStrings(v, batch.length);
      } else {
        const mask = batch.nulls[c];
        if (!mask) t.complete += batch.length;
        else for (let r = 0; r < batch.length; r++) if (mask[r] !== 1) t.complete++;
      }
    }
  }

  flush(): void { /* counters only */ }

  merge(other: Accumulator): void {
    for (const [name, o] of (other as CompletionAccumulator).tables) {
      const t = this.tables.get(name) ?? { cells: 0, complete: 0 };
      t.cells += o.cells;
      t.complete += o.complete;
      this.tables.set(name, t);
    }
  }

  toJSON(): unknown {
    return { tables: Object.fromEntries([...this.tables].sort((a, b) => (a[0] < b[0] ? -1 : 1))) };
  }

  static fromJSON(json: unknown): CompletionAccumulator {
    const acc = new CompletionAccumulator();
    for (const [name, t] of Object.entries((json as { tables: Record<string, TableCount> }).tables)) acc.tables.set(name, { ...t });
    return acc;
  }

  /** Incomplete cells so far and all cells (for fail_fast). */
  violations(): { bad: number; total: number } {
    let cells = 0, complete = 0;
    for (const t of this.tables.values()) { cells += t.cells; complete += t.complete; }
    return { bad: cells - complete, total: cells };
  }

  finalize(): MetricResult {
    const { bad, total } = this.violations();
    const tables: Record<string, { cells: number; complete: number; rate: number | null }> = {};
    for (const [name, t] of [...this.tables].sort((a, b) => (a[0] < b[0] ? -1 : 1))) tables[name] = { ...t, rate: t.cells ? t.complete / t.cells : null };
    if (total === 0) return { value: null, n: 0, details: { tables }, notEvaluated: 'no cells' };
    return { value: (total - bad) / total, n: total, details: { cells: total, complete: total - bad, tables } };
  }
}

/**
 * Non-null strings that are non-empty after trim. Hot path (issue 6): a printable-ASCII first
 * character settles it without trimming, and a run of the same value (header fields repeated on
 * every line of an entry) reuses the previous answer.
 */
function completeStrings(v: ReadonlyArray<string | null>, n: number): number {
  let complete = 0;
  let last: string | null | undefined;
  let lastOk = false;
  for (let r = 0; r < n; r++) {
    const s = v[r];
    if (s !== last) {
      last = s;
      if (s === null || s.length === 0) lastOk = false;
      else {
        const c0 = s.charCodeAt(0);
        lastOk = (c0 > 32 && c0 < 127) || s.trim() !== '';
      }
    }
    if (lastOk) complete++;
  }
  return complete;
}
