/**
 * The generation range (domain.md §0.1): half-open `[start, start + months)`.
 */
import type { Period } from './types.js';
import { addMonths, parseDate, ymdOf } from './dates.js';

/**
 * Builds the period from `period.start` (`YYYY-MM-DD`) and `period.months` (≥ 1).
 * Month m spans `[monthStart[m], monthStart[m + 1])`; with a start on the 1st these are calendar months.
 *
 * @example
 * const p = buildPeriod('2025-01-01', 12);
 * p.endDay - p.startDay; // 365
 */
export function buildPeriod(start: string, months: number): Period {
  if (!Number.isInteger(months) || months < 1) throw new RangeError(`period.months must be a positive integer, got ${months}`);
  const startDay = parseDate(start);
  const monthStart: number[] = [];
  for (let m = 0; m <= months; m++) monthStart.push(addMonths(startDay, m));
  const endDay = monthStart[months];
  const yms = monthStart.slice(0, months).map((d) => {
    const { year, month } = ymdOf(d);
    return Object.freeze({ year, month });
  });
  return Object.freeze({
    startDay,
    endDay,
    months,
    monthStart: Object.freeze(monthStart),
    yearMonth(m: number): { year: number; month: number } {
      const ym = yms[m];
      if (ym === undefined) throw new RangeError(`month index ${m} outside 0..${months - 1}`);
      return { year: ym.year, month: ym.month };
    },
  });
}

/** Month index of a day inside the period, or -1 outside. */
export function monthIndexOf(period: Period, day: number): number {
  if (day < period.startDay || day >= period.endDay) return -1;
  const ms = period.monthStart;
  let lo = 0;
  let hi = period.months - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ms[mid] <= day) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
