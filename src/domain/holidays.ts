/**
 * Public-holiday rule sets with activity multipliers (domain.md §3.3).
 * Only US, DE and GB have rules; every other country has weekends only.
 */
import type { Holiday } from './types.js';
import { dayFromYmd, easterSunday, lastWeekdayOfMonth, nthWeekdayOfMonth, weekday } from './dates.js';

const MON = 1;
const THU = 4;

/** Countries with a rule set. */
export const HOLIDAY_COUNTRIES: readonly string[] = Object.freeze(['US', 'DE', 'GB']);

/** US federal rule: Saturday → Friday before, Sunday → Monday after. */
function usObserved(day: number): number {
  const w = weekday(day);
  return w === 6 ? day - 1 : w === 0 ? day + 1 : day;
}

function fixedObserved(out: Holiday[], year: number, month: number, dom: number, name: string, multiplier: number): void {
  const actual = dayFromYmd(year, month, dom);
  const observed = usObserved(actual);
  out.push({ day: observed, name: observed === actual ? name : `${name} (observed)`, multiplier });
}

function usHolidays(year: number): Holiday[] {
  const h: Holiday[] = [];
  // domain.md §3.3 US multipliers; observed rules for the fixed-date federal holidays.
  fixedObserved(h, year, 1, 1, "New Year's Day", 0.02);
  h.push({ day: nthWeekdayOfMonth(year, 1, MON, 3), name: 'Martin Luther King Jr. Day', multiplier: 0.1 });
  h.push({ day: nthWeekdayOfMonth(year, 2, MON, 3), name: "Presidents' Day", multiplier: 0.1 });
  h.push({ day: lastWeekdayOfMonth(year, 5, MON), name: 'Memorial Day', multiplier: 0.05 });
  fixedObserved(h, year, 6, 19, 'Juneteenth', 0.1);
  fixedObserved(h, year, 7, 4, 'Independence Day', 0.02);
  h.push({ day: nthWeekdayOfMonth(year, 9, MON, 1), name: 'Labor Day', multiplier: 0.05 });
  h.push({ day: nthWeekdayOfMonth(year, 10, MON, 2), name: 'Columbus Day', multiplier: 0.2 });
  fixedObserved(h, year, 11, 11, 'Veterans Day', 0.1);
  const thanksgiving = nthWeekdayOfMonth(year, 11, THU, 4);
  h.push({ day: thanksgiving, name: 'Thanksgiving Day', multiplier: 0.02 });
  h.push({ day: thanksgiving + 1, name: 'Day after Thanksgiving', multiplier: 0.1 });
  h.push({ day: dayFromYmd(year, 12, 24), name: 'Christmas Eve', multiplier: 0.1 });
  fixedObserved(h, year, 12, 25, 'Christmas Day', 0.02);
  h.push({ day: dayFromYmd(year, 12, 31), name: "New Year's Eve", multiplier: 0.1 });
  return h;
}

function deHolidays(year: number): Holiday[] {
  const e = easterSunday(year);
  return [
    { day: dayFromYmd(year, 1, 1), name: 'Neujahr', multiplier: 0.02 },
    { day: e - 2, name: 'Karfreitag', multiplier: 0.02 },
    { day: e + 1, name: 'Ostermontag', multiplier: 0.02 },
    { day: dayFromYmd(year, 5, 1), name: 'Tag der Arbeit', multiplier: 0.02 },
    { day: e + 39, name: 'Christi Himmelfahrt', multiplier: 0.02 },
    { day: e + 50, name: 'Pfingstmontag', multiplier: 0.02 },
    { day: dayFromYmd(year, 10, 3), name: 'Tag der Deutschen Einheit', multiplier: 0.02 },
    { day: dayFromYmd(year, 12, 25), name: '1. Weihnachtstag', multiplier: 0.02 },
    { day: dayFromYmd(year, 12, 26), name: '2. Weihnachtstag', multiplier: 0.02 },
    { day: dayFromYmd(year, 12, 31), name: 'Silvester', multiplier: 0.1 },
  ];
}

/** England & Wales bank holidays; weekend dates get the statutory substitute weekday. */
function gbHolidays(year: number): Holiday[] {
  const e = easterSunday(year);
  const h: Holiday[] = [];
  const ny = dayFromYmd(year, 1, 1);
  const nyW = weekday(ny);
  h.push(nyW === 6 ? { day: ny + 2, name: "New Year's Day (substitute day)", multiplier: 0.02 }
    : nyW === 0 ? { day: ny + 1, name: "New Year's Day (substitute day)", multiplier: 0.02 }
      : { day: ny, name: "New Year's Day", multiplier: 0.02 });
  h.push({ day: e - 2, name: 'Good Friday', multiplier: 0.02 });
  h.push({ day: e + 1, name: 'Easter Monday', multiplier: 0.02 });
  h.push({ day: nthWeekdayOfMonth(year, 5, MON, 1), name: 'Early May Bank Holiday', multiplier: 0.02 });
  h.push({ day: lastWeekdayOfMonth(year, 5, MON), name: 'Spring Bank Holiday', multiplier: 0.02 });
  h.push({ day: lastWeekdayOfMonth(year, 8, MON), name: 'Summer Bank Holiday', multiplier: 0.02 });
  const xmas = dayFromYmd(year, 12, 25);
  const xw = weekday(xmas);
  // Christmas Sat → Mon 27 / Boxing Tue 28; Christmas Sun → Boxing Mon 26 / Christmas Tue 27; Christmas Fri → Boxing Mon 28.
  if (xw === 6) {
    h.push({ day: xmas + 2, name: 'Christmas Day (substitute day)', multiplier: 0.02 });
    h.push({ day: xmas + 3, name: 'Boxing Day (substitute day)', multiplier: 0.02 });
  } else if (xw === 0) {
    h.push({ day: xmas + 1, name: 'Boxing Day', multiplier: 0.02 });
    h.push({ day: xmas + 2, name: 'Christmas Day (substitute day)', multiplier: 0.02 });
  } else if (xw === 5) {
    h.push({ day: xmas, name: 'Christmas Day', multiplier: 0.02 });
    h.push({ day: xmas + 3, name: 'Boxing Day (substitute day)', multiplier: 0.02 });
  } else {
    h.push({ day: xmas, name: 'Christmas Day', multiplier: 0.02 });
    h.push({ day: xmas + 1, name: 'Boxing Day', multiplier: 0.02 });
  }
  return h;
}

/**
 * Holidays generated by the rules of `year` (observed/substitute dates may fall into a neighbouring year),
 * ascending; at most one per day — on a collision the lower multiplier wins (e.g. New Year's Day observed on
 * 31 Dec beats New Year's Eve). Empty for countries without a rule set.
 */
export function holidaysOfRuleYear(country: string, year: number): Holiday[] {
  switch (country) {
    case 'US': return normalize(usHolidays(year));
    case 'DE': return normalize(deHolidays(year));
    case 'GB': return normalize(gbHolidays(year));
    default: return [];
  }
}

/** Holidays of a country with `fromDay ≤ day < toDay`, ascending, one per day. */
export function holidaysInRange(country: string, fromDay: number, toDay: number): Holiday[] {
  if (toDay <= fromDay || !HOLIDAY_COUNTRIES.includes(country)) return [];
  const y0 = new Date(fromDay * 86_400_000).getUTCFullYear() - 1;
  const y1 = new Date((toDay - 1) * 86_400_000).getUTCFullYear() + 1;
  const all: Holiday[] = [];
  for (let y = y0; y <= y1; y++) all.push(...holidaysOfRuleYear(country, y));
  return normalize(all).filter((h) => h.day >= fromDay && h.day < toDay);
}

function normalize(list: Holiday[]): Holiday[] {
  const byDay = new Map<number, Holiday>();
  for (const h of list) {
    const prev = byDay.get(h.day);
    if (prev === undefined || h.multiplier < prev.multiplier) byDay.set(h.day, h);
  }
  return [...byDay.values()].sort((a, b) => a.day - b.day).map((h) => Object.freeze({ ...h }));
}
