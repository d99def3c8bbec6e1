/**
 * `temporal_consistency` (controls.md §6.3): Pearson r of daily journal-entry counts (per
 * document, by posting date, over the period) against reference day weights. Only standalone
 * entries count (domain.md §5.5: the day weights drive standalone posting dates; document JEs
 * follow their documents, IC entries the pair dates): a run with only document-derived /
 * intercompany entries makes the gate `not_applicable` ("no standalone journal entries"). The reference is
 * the generator's exported day weights when the run has a journal_entries source (domain.md §5.5),
 * else the spec's model: weekday 1.0, weekend 0.1; the last business day of a month ×2.5, of a
 * quarter ×4.0, of the fiscal year (December) ×6.0, not compounded.
 */
import type { Batch } from '../engine/batch.js';
import type { Accumulator, MetricResult } from './types.js';
import { partitionKey } from './types.js';
import { col, isStandalone, readDay, readString, standaloneColumns } from './read.js';
import { addMonths, isWeekend, ymdOf } from '../domain/dates.js';

/** Reference weight per day of [startDay, startDay + days). */
export function referenceDayWeights(startDay: number, months: number): Float64Array {
  const endDay = addMonths(startDay, months);
  const w = new Float64Array(endDay - startDay);
  for (let d = startDay; d < endDay; d++) w[d - startDay] = isWeekend(d) ? 0.1 : 1.0;
  // Last business day (Mon–Fri) of each month in range.
  let lastBusiness = -1;
  let month = -1;
  const mark = (day: number): void => {
    const m = ymdOf(day).month;
    w[day - startDay] *= m === 12 ? 6.0 : m % 3 === 0 ? 4.0 : 2.5;
  };
  for (let d = startDay; d < endDay; d++) {
    const m = ymdOf(d).month;
    if (m !== month) {
      if (lastBusiness >= 0) mark(lastBusiness);
      month = m;
      lastBusiness = -1;
    }
    if (!isWeekend(d)) lastBusiness = d;
  }
  if (lastBusiness >= 0) mark(lastBusiness);
  return w;
}

/** Pearson correlation; null when either side has zero variance. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number | null {
  const n = x.length;
  let sx = 0, sy = 0;
  for (let i = 0; i < n; i++) { sx += x[i]; sy += y[i]; }
  const mx = sx / n, my = sy / n;
  let cov = 0, vx = 0, vy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx, dy = y[i] - my;
    cov += dx * dy; vx += dx * dx; vy += dy * dy;
  }
  if (vx === 0 || vy === 0) return null;
  return cov / Math.sqrt(vx * vy);
}

/**
 * @example
 * const acc = new TemporalAccumulator(dayFromYmd(2025, 1, 1), 12);
 * acc.observe(lines);
 * acc.finalize().value; // ≈ 0.9 for generated entries
 */
export class TemporalAccumulator implements Accumulator {
  readonly metric = 'temporal_consistency' as const;
  /** Documents per day number. */
  readonly daily = new Map<number, number>();
  /** Document-derived, IC and elimination entries seen (not part of the metric). */
  nonStandalone = 0;
  private lastDoc: string | null = null;
  private openKey = '';

  readonly weights: Float64Array;
  readonly weightSource: 'generator' | 'reference';

  constructor(readonly startDay: number, readonly months: number, weights?: Float64Array) {
    this.weights = weights ?? referenceDayWeights(startDay, months);
    this.weightSource = weights ? 'generator' : 'reference';
  }

  observe(batch: Batch, producer?: string): void {
    if (batch.schema.name !== 'journal_entry_lines') return;
    const key = partitionKey(batch, producer);
    if (key !== this.openKey) {
      this.lastDoc = null;
      this.openKey = key;
    }
    const doc = col(batch, 'document_id');
    const posting = col(batch, 'posting_date');
    const standalone = standaloneColumns(batch);
    const ids = doc >= 0 ? batch.values[doc] : null;
    for (let r = 0; r < batch.length; r++) {
      const id = Array.isArray(ids) ? ids[r] : readString(batch, doc, r);
      if (id === this.lastDoc) continue; // lines of an entry are contiguous: count the entry once
      this.lastDoc = id;
      if (!isStandalone(batch, standalone, r)) {
        this.nonStandalone++;
        continue;
      }
      const day = readDay(batch, posting, r);
      if (day !== null) this.daily.set(day, (this.daily.get(day) ?? 0) + 1);
    }
  }

  flush(): void {
    this.lastDoc = null;
    this.openKey = '';
  }

  merge(other: Accumulator): void {
    const o = other as TemporalAccumulator;
    for (const [d, c] of o.daily) this.daily.set(d, (this.daily.get(d) ?? 0) + c);
    this.nonStandalone += o.nonStandalone;
  }

  toJSON(): unknown {
    return { start_day: this.startDay, months: this.months, daily: [...this.daily].sort((a, b) => a[0] - b[0]), non_standalone_entries: this.nonStandalone };
  }

  static fromJSON(json: unknown, weights?: Float64Array): TemporalAccumulator {
    const j = json as { start_day: number; months: number; daily: Array<[number, number]>; non_standalone_entries?: number };
    const acc = new TemporalAccumulator(j.start_day, j.months, weights);
    for (const [d, c] of j.daily) acc.daily.set(d, c);
    acc.nonStandalone = j.non_standalone_entries ?? 0;
    return acc;
  }

  finalize(): MetricResult {
    const days = this.weights.length;
    const counts = new Float64Array(days);
    let outside = 0;
    let documents = 0;
    for (const [d, c] of this.daily) {
      documents += c;
      const i = d - this.startDay;
      if (i >= 0 && i < days) counts[i] = c;
      else outside += c;
    }
    const details = {
      days, documents, documents_outside_period: outside, non_standalone_entries: this.nonStandalone,
      weights: this.weightSource === 'generator' ? "the generator's exported folded day weights × planned entries" : 'reference: weekday 1.0, weekend 0.1, last business day ×2.5 / quarter ×4.0 / year ×6.0',
    };
    if (documents === 0 && this.nonStandalone > 0) return { value: null, n: 0, details, notApplicable: 'no standalone journal entries: only document-derived / intercompany entries' };
    if (documents === 0) return { value: null, n: days, details, notEvaluated: 'no journal entries' };
    if (days < 28) return { value: null, n: days, details, notEvaluated: `period has ${days} days (< 28)` };
    const r = pearson(counts, this.weights);
    if (r === null) return { value: null, n: days, details, notEvaluated: 'zero variance of daily counts' };
    return { value: r, n: days, details };
  }
}
