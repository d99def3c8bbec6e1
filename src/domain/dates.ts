/**
 * Calendar arithmetic on day numbers (days since 1970-01-01), UTC only
 * (common rule: no TZ-dependent Date methods reach data).
 */
const MS_PER_DAY = 86_400_000;

/** Day number of a calendar date (month 1–12). Out-of-range days/months roll over like Date.UTC. */
export function dayFromYmd(year: number, month: number, day: number): number {
  return Math.floor(Date.UTC(year, month - 1, day) / MS_PER_DAY);
}

export interface Ymd { year: number; month: number; day: number }

export function ymdOf(day: number): Ymd {
  const d = new Date(day * MS_PER_DAY);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

export function isWeekend(day: number): boolean {
  const w = weekday(day);
  return w === 0 || w === 6;
}

export function daysInMonth(year: number, month: number): number {
  return dayFromYmd(year, month + 1, 1) - dayFromYmd(year, month, 1);
}

/** Same day-of-month `months` later, clamped to the target month's last day. */
export function addMonths(day: number, months: number): number {
  const { year, month, day: dom } = ymdOf(day);
  const total = year * 12 + (month - 1) + months;
  const y = Math.floor(total / 12);
  const m = (total % 12) + 1;
  return dayFromYmd(y, m, Math.min(dom, daysInMonth(y, m)));
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses `YYYY-MM-DD` strictly; throws RangeError on anything else (including 2025-02-30). */
export function parseDate(text: string): number {
  const m = DATE_RE.exec(text);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(text)}`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) throw new RangeError(`invalid calendar date: ${text}`);
  return dayFromYmd(y, mo, d);
}

/** `YYYY-MM-DD` */
export function formatDate(day: number): string {
  const { year, month, day: d } = ymdOf(day);
  return `${String(year).padStart(4, '0')}-${month < 10 ? '0' : ''}${month}-${d < 10 ? '0' : ''}${d}`;
}

/** n-th (1-based) given weekday (0 = Sunday) of a month. */
export function nthWeekdayOfMonth(year: number, month: number, wd: number, n: number): number {
  const first = dayFromYmd(year, month, 1);
  const offset = (wd - weekday(first) + 7) % 7;
  return first + offset + (n - 1) * 7;
}

/** Last given weekday (0 = Sunday) of a month. */
export function lastWeekdayOfMonth(year: number, month: number, wd: number): number {
  const last = dayFromYmd(year, month + 1, 1) - 1;
  return last - ((weekday(last) - wd + 7) % 7);
}

/** Easter Sunday (Gregorian) by the anonymous Gregorian (Meeus/Jones/Butcher) algorithm. */
export function easterSunday(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return dayFromYmd(year, month, day);
}
