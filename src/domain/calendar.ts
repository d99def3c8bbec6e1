/**
 * Company calendars (domain.md §0.1 business day, §3.3): weekends plus the country's public holidays.
 * Works for any day, not only the period (due and discount dates roll forward past the range).
 */
import type { CompanyCalendar, Holiday, Period } from './types.js';
import { dayFromYmd, isWeekend, ymdOf } from './dates.js';
import { holidaysInRange } from './holidays.js';

/**
 * @example
 * const cal = buildCompanyCalendar('US', buildPeriod('2025-01-01', 12));
 * cal.isBusinessDay(parseDate('2025-11-27')); // false (Thanksgiving)
 */
export function buildCompanyCalendar(country: string, period: Period): CompanyCalendar {
  const byYear = new Map<number, Map<number, Holiday>>();
  const yearMap = (year: number): Map<number, Holiday> => {
    let m = byYear.get(year);
    if (m === undefined) {
      m = new Map();
      for (const h of holidaysInRange(country, dayFromYmd(year, 1, 1), dayFromYmd(year + 1, 1, 1))) m.set(h.day, h);
      byYear.set(year, m);
    }
    return m;
  };
  const holiday = (day: number): Holiday | undefined => yearMap(ymdOf(day).year).get(day);
  const isBusinessDay = (day: number): boolean => !isWeekend(day) && holiday(day) === undefined;
  const holidays = Object.freeze(holidaysInRange(country, period.startDay, period.endDay));
  return Object.freeze({
    country,
    isBusinessDay,
    holiday,
    holidays,
    nextBusinessDay(day: number): number {
      let d = day;
      while (!isBusinessDay(d)) d++;
      return d;
    },
  });
}

/** Business days in `[fromDay, toDay)`. */
export function countBusinessDays(calendar: CompanyCalendar, fromDay: number, toDay: number): number {
  let n = 0;
  for (let d = fromDay; d < toDay; d++) if (calendar.isBusinessDay(d)) n++;
  return n;
}

/** Last business day ≤ day (rolls backward). */
export function previousBusinessDay(calendar: CompanyCalendar, day: number): number {
  let d = day;
  while (!calendar.isBusinessDay(d)) d--;
  return d;
}
