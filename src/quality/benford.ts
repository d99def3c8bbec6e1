/**
 * `benford_mad` (controls.md §6.3): first-digit mean absolute deviation of the non-zero debit and
 * credit amounts of `journal_entry_lines` of STANDALONE entries (domain.md I10: document-derived,
 * IC and elimination entries carry amounts of documents and transfer prices, not the §5.4 amount
 * model), minus the sources and business processes exempted by `transactions.benford`
 * (domain.md §5.4: default exempt_sources [recurring], exempt_processes [H2R]). A run whose lines
 * are all non-standalone makes the gate `not_applicable` ("no standalone journal entries").
 */
import type { Batch } from '../engine/batch.js';
import type { Accumulator, MetricResult } from './types.js';
import { col, isStandalone, readCents, readString, standaloneColumns, type StandaloneColumns } from './read.js';

/** log10(1 + 1/d), d = 1…9. */
export const BENFORD_P = Array.from({ length: 9 }, (_, i) => Math.log10(1 + 1 / (i + 1)));

export interface BenfordSelection {
  exemptSources: readonly string[];
  exemptProcesses: readonly string[];
}

export const DEFAULT_BENFORD_SELECTION: BenfordSelection = { exemptSources: ['recurring'], exemptProcesses: ['H2R'] };

/** First significant digit of a positive integer (cents: the same digit as the amount). */
export function firstDigit(x: number): number {
  let v = Math.abs(x);
  // Four decimal digits at a time, then halving the rest: ≤ 4 divisions for amounts below 10^12.
  while (v >= 1e8) v = Math.floor(v / 1e8);
  if (v >= 1e4) v = Math.floor(v / 1e4);
  if (v >= 100) v = Math.floor(v / 100);
  if (v >= 10) v = Math.floor(v / 10);
  return v;
}

/**
 * @example
 * const acc = new BenfordAccumulator();
 * acc.observe(linesBatch);
 * acc.finalize(); // {value: 0.0041, n: 20480, details: {chi2, band, counts}}
 */
export class BenfordAccumulator implements Accumulator {
  readonly metric = 'benford_mad' as const;
  readonly counts = new Array<number>(9).fill(0);
  /** Lines of document-derived, IC and elimination entries (not part of the metric). */
  nonStandaloneLines = 0;
  /** Lines of standalone entries (exempt ones included). */
  standaloneLines = 0;
  private readonly exemptSources: Set<string>;
  private readonly exemptProcesses: Set<string>;

  constructor(selection: BenfordSelection = DEFAULT_BENFORD_SELECTION) {
    this.exemptSources = new Set(selection.exemptSources);
    this.exemptProcesses = new Set(selection.exemptProcesses);
  }

  observe(batch: Batch): void {
    if (batch.schema.name !== 'journal_entry_lines') return;
    const debit = col(batch, 'debit_amount');
    const credit = col(batch, 'credit_amount');
    const source = col(batch, 'source');
    const process = col(batch, 'business_process');
    const standalone = standaloneColumns(batch);
    if (this.observeNative(batch, standalone, source, process, debit, credit)) return;
    const counts = this.counts;
    for (let r = 0; r < batch.length; r++) {
      if (!isStandalone(batch, standalone, r)) {
        this.nonStandaloneLines++;
        continue;
      }
      this.standaloneLines++;
      if (this.exemptSources.size > 0 && source >= 0) {
        const s = readString(batch, source, r);
        if (s !== null && this.exemptSources.has(s)) continue;
      }
      if (this.exemptProcesses.size > 0 && process >= 0) {
        const p = readString(batch, process, r);
        if (p !== null && this.exemptProcesses.has(p)) continue;
      }
      const d = readCents(batch, debit, r);
      if (d !== null && d !== 0) counts[firstDigit(d) - 1]++;
      const c = readCents(batch, credit, r);
      if (c !== null && c !== 0) counts[firstDigit(c) - 1]++;
    }
  }

  /**
   * The same counting as `observe` over the columns as the generator stores them (strings, a
   * Uint8 elimination flag, Float64 cents), without a typed read per cell and with one exemption
   * lookup per run of equal values (issue 6); false (nothing counted) for re-typed, masked or
   * missing columns, for the generic loop.
   */
  private observeNative(batch: Batch, st: StandaloneColumns, source: number, process: number, debit: number, credit: number): boolean {
    const v = batch.values, nulls = batch.nulls;
    if (st.sourceDocType < 0 || source < 0 || process < 0 || debit < 0 || credit < 0) return false;
    // A table without is_elimination / document_type has no eliminations or IC entries (as in `isStandalone`).
    const elim = st.elimination >= 0 ? v[st.elimination] : null, dt = st.documentType >= 0 ? v[st.documentType] : null;
    const sdt = v[st.sourceDocType], src = v[source], proc = v[process], dr = v[debit], cr = v[credit];
    if (!Array.isArray(sdt) || !Array.isArray(src) || !Array.isArray(proc) || !(dr instanceof Float64Array) || !(cr instanceof Float64Array)) return false;
    if (!(elim === null || (elim instanceof Uint8Array && !nulls[st.elimination])) || !(dt === null || Array.isArray(dt))) return false;
    if (nulls[debit] || nulls[credit]) return false;
    const counts = this.counts;
    let lastS: string | null | undefined, lastP: string | null | undefined, exemptS = false, exemptP = false;
    let standalone = 0, non = 0;
    for (let r = 0; r < batch.length; r++) {
      const t = dt === null ? null : dt[r];
      if (sdt[r] !== null || (elim !== null && elim[r] === 1) || t === 'IC' || t === 'ELIMINATION') {
        non++;
        continue;
      }
      standalone++;
      const s = src[r], p = proc[r];
      if (s !== lastS) {
        lastS = s;
        exemptS = s !== null && this.exemptSources.has(s);
      }
      if (exemptS) continue;
      if (p !== lastP) {
        lastP = p;
        exemptP = p !== null && this.exemptProcesses.has(p);
      }
      if (exemptP) continue;
      if (dr[r] !== 0) counts[firstDigit(dr[r]) - 1]++;
      if (cr[r] !== 0) counts[firstDigit(cr[r]) - 1]++;
    }
    this.standaloneLines += standalone;
    this.nonStandaloneLines += non;
    return true;
  }

  flush(): void { /* no partition state */ }

  merge(other: Accumulator): void {
    const o = other as BenfordAccumulator;
    for (let i = 0; i < 9; i++) this.counts[i] += o.counts[i];
    this.nonStandaloneLines += o.nonStandaloneLines;
    this.standaloneLines += o.standaloneLines;
  }

  toJSON(): unknown {
    return { counts: [...this.counts], non_standalone_lines: this.nonStandaloneLines, standalone_lines: this.standaloneLines };
  }

  static fromJSON(json: unknown, selection?: BenfordSelection): BenfordAccumulator {
    const acc = new BenfordAccumulator(selection);
    const j = json as { counts: number[]; non_standalone_lines?: number; standalone_lines?: number };
    for (let i = 0; i < 9; i++) acc.counts[i] = j.counts[i] ?? 0;
    acc.nonStandaloneLines = j.non_standalone_lines ?? 0;
    acc.standaloneLines = j.standalone_lines ?? 0;
    return acc;
  }

  finalize(): MetricResult {
    const n = this.counts.reduce((a, b) => a + b, 0);
    if (n === 0) {
      const details = { counts: [...this.counts], non_standalone_lines: this.nonStandaloneLines, standalone_lines: this.standaloneLines };
      // Lines were produced, but none of a standalone entry: nothing the metric is defined on.
      if (this.nonStandaloneLines > 0 && this.standaloneLines === 0) return { value: null, n, details, notApplicable: 'no standalone journal entries: only document-derived / intercompany entries' };
      return { value: null, n, details, notEvaluated: 'no non-zero amounts' };
    }
    let mad = 0;
    let chi2 = 0;
    for (let d = 0; d < 9; d++) {
      const expected = BENFORD_P[d];
      mad += Math.abs(this.counts[d] / n - expected);
      chi2 += (this.counts[d] - n * expected) ** 2 / (n * expected);
    }
    mad /= 9;
    const band = mad < 0.006 ? 'close' : mad < 0.012 ? 'acceptable' : mad < 0.015 ? 'marginal' : 'nonconforming';
    return { value: mad, n, details: { chi2, df: 8, band, counts: [...this.counts], non_standalone_lines: this.nonStandaloneLines, standalone_lines: this.standaloneLines } };
  }
}
