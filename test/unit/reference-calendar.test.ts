import { describe, expect, it } from 'vitest';
import { buildCompanyCalendar, countBusinessDays } from '../../src/domain/calendar.js';
import { buildPeriod, monthIndexOf } from '../../src/domain/period.js';
import { addMonths, easterSunday, formatDate, parseDate, weekday } from '../../src/domain/dates.js';
import { holidaysInRange } from '../../src/domain/holidays.js';

const d = parseDate;
const year2025 = buildPeriod('2025-01-01', 12);
const names = (country: string, from: string, to: string) =>
  holidaysInRange(country, d(from), d(to)).map((h) => `${formatDate(h.day)} ${h.name} ${h.multiplier}`);

describe('dates and period', () => {
  it('parses, formats and computes weekdays in UTC', () => {
    expect(d('1970-01-01')).toBe(0);
    expect(formatDate(d('2024-02-29'))).toBe('2024-02-29');
    expect(() => d('2025-02-29')).toThrow(RangeError);
    expect(() => d('2025-1-01')).toThrow(RangeError);
    expect(weekday(d('2025-11-27'))).toBe(4);
    expect(formatDate(addMonths(d('2025-01-31'), 1))).toBe('2025-02-28');
  });

  it('computes Easter with the anonymous Gregorian algorithm', () => {
    expect(formatDate(easterSunday(2025))).toBe('2025-04-20');
    expect(formatDate(easterSunday(2024))).toBe('2024-03-31');
    expect(formatDate(easterSunday(2019))).toBe('2019-04-21');
    expect(formatDate(easterSunday(2000))).toBe('2000-04-23');
    expect(formatDate(easterSunday(2038))).toBe('2038-04-25');
  });

  it('builds a half-open period with month starts', () => {
    const p = buildPeriod('2024-11-01', 3);
    expect(formatDate(p.startDay)).toBe('2024-11-01');
    expect(formatDate(p.endDay)).toBe('2025-02-01');
    expect(p.monthStart.map(formatDate)).toEqual(['2024-11-01', '2024-12-01', '2025-01-01', '2025-02-01']);
    expect(p.yearMonth(2)).toEqual({ year: 2025, month: 1 });
    expect(() => p.yearMonth(3)).toThrow(RangeError);
    expect(monthIndexOf(p, d('2024-12-31'))).toBe(1);
    expect(monthIndexOf(p, d('2025-02-01'))).toBe(-1);
    expect(() => buildPeriod('2025-01-01', 0)).toThrow(RangeError);
  });
});

describe('holidays (domain.md §3.3)', () => {
  it('US 2025 with multipliers', () => {
    expect(names('US', '2025-01-01', '2026-01-01')).toEqual([
      "2025-01-01 New Year's Day 0.02", '2025-01-20 Martin Luther King Jr. Day 0.1', "2025-02-17 Presidents' Day 0.1",
      '2025-05-26 Memorial Day 0.05', '2025-06-19 Juneteenth 0.1', '2025-07-04 Independence Day 0.02', '2025-09-01 Labor Day 0.05',
      '2025-10-13 Columbus Day 0.2', '2025-11-11 Veterans Day 0.1', '2025-11-27 Thanksgiving Day 0.02',
      '2025-11-28 Day after Thanksgiving 0.1', '2025-12-24 Christmas Eve 0.1', '2025-12-25 Christmas Day 0.02', "2025-12-31 New Year's Eve 0.1",
    ]);
  });

  it('US observed rules', () => {
    // Juneteenth 2027 is a Saturday → Friday; 2022 a Sunday → Monday.
    expect(names('US', '2027-06-01', '2027-07-01')).toEqual(['2027-06-18 Juneteenth (observed) 0.1']);
    expect(names('US', '2022-06-01', '2022-07-01')).toEqual(['2022-06-20 Juneteenth (observed) 0.1']);
    // New Year's Day 2022 (Saturday) observed on 2021-12-31, replacing New Year's Eve.
    expect(names('US', '2021-12-31', '2022-01-05')).toEqual(["2021-12-31 New Year's Day (observed) 0.02"]);
    // Christmas 2021 (Saturday) observed on Friday 24th, replacing Christmas Eve.
    expect(names('US', '2021-12-24', '2021-12-26')).toEqual(['2021-12-24 Christmas Day (observed) 0.02']);
    expect(names('US', '2026-07-01', '2026-07-10')).toEqual(['2026-07-03 Independence Day (observed) 0.02']);
  });

  it('DE 2025', () => {
    expect(names('DE', '2025-01-01', '2026-01-01')).toEqual([
      '2025-01-01 Neujahr 0.02', '2025-04-18 Karfreitag 0.02', '2025-04-21 Ostermontag 0.02', '2025-05-01 Tag der Arbeit 0.02',
      '2025-05-29 Christi Himmelfahrt 0.02', '2025-06-09 Pfingstmontag 0.02', '2025-10-03 Tag der Deutschen Einheit 0.02',
      '2025-12-25 1. Weihnachtstag 0.02', '2025-12-26 2. Weihnachtstag 0.02', '2025-12-31 Silvester 0.1',
    ]);
  });

  it('GB 2025 and substitute days', () => {
    expect(names('GB', '2025-01-01', '2026-01-01')).toEqual([
      "2025-01-01 New Year's Day 0.02", '2025-04-18 Good Friday 0.02', '2025-04-21 Easter Monday 0.02',
      '2025-05-05 Early May Bank Holiday 0.02', '2025-05-26 Spring Bank Holiday 0.02', '2025-08-25 Summer Bank Holiday 0.02',
      '2025-12-25 Christmas Day 0.02', '2025-12-26 Boxing Day 0.02',
    ]);
    expect(names('GB', '2021-12-20', '2022-01-10')).toEqual([
      '2021-12-27 Christmas Day (substitute day) 0.02', '2021-12-28 Boxing Day (substitute day) 0.02', "2022-01-03 New Year's Day (substitute day) 0.02",
    ]);
    expect(names('GB', '2022-12-20', '2022-12-31')).toEqual(['2022-12-26 Boxing Day 0.02', '2022-12-27 Christmas Day (substitute day) 0.02']);
  });

  it('other countries have weekends only', () => {
    expect(holidaysInRange('FR', d('2025-01-01'), d('2026-01-01'))).toEqual([]);
    const fr = buildCompanyCalendar('FR', year2025);
    expect(fr.holidays).toEqual([]);
    expect(countBusinessDays(fr, year2025.startDay, year2025.endDay)).toBe(261);
  });
});

describe('company calendar', () => {
  it('counts business days of 2025', () => {
    const us = buildCompanyCalendar('US', year2025);
    const de = buildCompanyCalendar('DE', year2025);
    expect(us.holidays).toHaveLength(14);
    expect(countBusinessDays(us, year2025.startDay, year2025.endDay)).toBe(247);
    expect(countBusinessDays(de, year2025.startDay, year2025.endDay)).toBe(251);
  });

  it('answers holiday and business-day questions, also outside the period', () => {
    const us = buildCompanyCalendar('US', year2025);
    expect(us.isBusinessDay(d('2025-11-27'))).toBe(false);
    expect(us.holiday(d('2025-11-27'))?.name).toBe('Thanksgiving Day');
    expect(us.holiday(d('2025-11-26'))).toBeUndefined();
    expect(us.isBusinessDay(d('2025-11-29'))).toBe(false); // Saturday
    expect(us.isBusinessDay(d('2025-12-01'))).toBe(true);
    expect(formatDate(us.nextBusinessDay(d('2025-11-27')))).toBe('2025-12-01');
    expect(formatDate(us.nextBusinessDay(d('2025-12-02')))).toBe('2025-12-02');
    // Beyond the period: 2026-01-01 is a holiday, 2026-01-02 a Friday.
    expect(formatDate(us.nextBusinessDay(d('2025-12-31')))).toBe('2026-01-02');
    const gb = buildCompanyCalendar('GB', year2025);
    expect(gb.isBusinessDay(d('2025-04-21'))).toBe(false);
    expect(buildCompanyCalendar('DE', year2025).isBusinessDay(d('2025-04-18'))).toBe(false);
  });
});
