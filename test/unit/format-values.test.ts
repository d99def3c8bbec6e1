import { describe, expect, it } from 'vitest';
import { formatDate, formatDecimal6, formatInt, formatMoney, formatTimestamp } from '../../src/formats/index.js';

/** Independent references: BigInt arithmetic for decimals, Date#toISOString (UTC) for calendar dates. */
function fixed(v: bigint, places: number): string {
  const scale = 10n ** BigInt(places);
  const a = v < 0n ? -v : v;
  return `${v < 0n ? '-' : ''}${a / scale}.${(a % scale).toString().padStart(places, '0')}`;
}
const isoDay = (day: number): string => new Date(day * 86_400_000).toISOString().slice(0, 10);

/** A fixed LCG so the sample is the same every run. */
function* sample(n: number): Generator<number> {
  let x = 123456789n;
  for (let i = 0; i < n; i++) {
    x = (x * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
    yield Number(x >> 11n) - 2 ** 52; // spans ±2^52
  }
}

describe('value formatters', () => {
  it('formats money as integer cents with two places', () => {
    expect(formatMoney(123450)).toBe('1234.50');
    expect(formatMoney(-5)).toBe('-0.05');
    expect(formatMoney(0)).toBe('0.00');
    expect(formatMoney(-0)).toBe('0.00');
    expect(formatMoney(-100)).toBe('-1.00');
    expect(formatMoney(Number.MAX_SAFE_INTEGER)).toBe('90071992547409.91');
    expect(formatMoney(-Number.MAX_SAFE_INTEGER)).toBe('-90071992547409.91');
    for (const v of sample(20_000)) {
      expect(formatMoney(v)).toBe(fixed(BigInt(v), 2));
      const small = v % 100_000_000;
      expect(formatMoney(small)).toBe(fixed(BigInt(small), 2));
    }
  });

  it('formats decimal6 with six places', () => {
    expect(formatDecimal6(1234567)).toBe('1.234567');
    expect(formatDecimal6(1)).toBe('0.000001');
    expect(formatDecimal6(-1500000)).toBe('-1.500000');
    for (const v of sample(20_000)) expect(formatDecimal6(v)).toBe(fixed(BigInt(v), 6));
  });

  it('refuses values that are not whole units', () => {
    expect(() => formatMoney(0.5)).toThrow(RangeError);
    expect(() => formatMoney(Number.NaN)).toThrow(RangeError);
    expect(() => formatMoney(2 ** 53)).toThrow(RangeError);
    expect(() => formatDecimal6(Infinity)).toThrow(RangeError);
    expect(() => formatTimestamp(1.5)).toThrow(RangeError);
    expect(() => formatInt(0.1)).toThrow(RangeError);
  });

  it('formats every day from 1800 to 2300 like the UTC calendar', () => {
    for (let day = -62_091; day <= 120_529; day++) {
      const got = formatDate(day);
      if (got !== isoDay(day)) expect(got).toBe(isoDay(day));
    }
    expect(formatDate(19723)).toBe('2024-01-01');
    expect(formatDate(-719528)).toBe('0000-01-01');
    expect(() => formatDate(-719529)).toThrow(RangeError);
    expect(formatDate(2_932_896)).toBe('9999-12-31');
    expect(() => formatDate(2_932_897)).toThrow(RangeError);
  });

  it('formats timestamps as wall time without zone or fraction', () => {
    expect(formatTimestamp(0)).toBe('1970-01-01T00:00:00');
    expect(formatTimestamp(86399)).toBe('1970-01-01T23:59:59');
    expect(formatTimestamp(-1)).toBe('1969-12-31T23:59:59');
    for (const v of sample(5_000)) {
      const sec = Math.trunc(v / 2 ** 20); // about ±136 years
      expect(formatTimestamp(sec)).toBe(new Date(sec * 1000).toISOString().slice(0, 19));
    }
  });

  it('formats ints', () => {
    expect(formatInt(-2147483648)).toBe('-2147483648');
    expect(formatInt(0)).toBe('0');
    for (const v of sample(5_000)) expect(formatInt(v)).toBe(String(v));
  });
});
