import { describe, expect, it } from 'vitest';
import { buildFxTable, FX_CLIP, resolveReferenceRates } from '../../src/domain/fx.js';
import { buildPeriod } from '../../src/domain/period.js';
import { localToGroupCents, mulDivRound, roundHalfAwayFromZero } from '../../src/domain/money.js';

const period = buildPeriod('2025-01-01', 12);
const rates = resolveReferenceRates(undefined);
const usd = (seed: bigint) => buildFxTable({ seed, period, groupCurrency: 'USD', referenceRates: rates });
const days = Array.from({ length: period.endDay - period.startDay }, (_, i) => period.startDay + i);

describe('money rounding', () => {
  it('rounds half away from zero', () => {
    expect(roundHalfAwayFromZero(2.5)).toBe(3);
    expect(roundHalfAwayFromZero(-2.5)).toBe(-3);
    expect(roundHalfAwayFromZero(-2.4)).toBe(-2);
    expect(mulDivRound(5, 1, 2)).toBe(3);
    expect(mulDivRound(-5, 1, 2)).toBe(-3);
    expect(mulDivRound(7, 3, 2)).toBe(11);
    expect(localToGroupCents(123_456, 1_086_957)).toBe(134_191); // 1234.56 × 1.086957 = 1341.9096…
  });

  it('stays exact beyond 2^53 (BigInt path)', () => {
    // 1e10 cents × 1.500001 = 15000010000 cents exactly; 10000000005 × 0.5 → tie → away from zero.
    expect(mulDivRound(10_000_000_000, 1_500_001, 1_000_000)).toBe(15_000_010_000);
    expect(mulDivRound(10_000_000_005, 500_000, 1_000_000)).toBe(5_000_000_003);
    expect(mulDivRound(-10_000_000_005, 500_000, 1_000_000)).toBe(-5_000_000_003);
  });
});

describe('FX (domain.md §3.2)', () => {
  it('has the reference rates and config overrides', () => {
    expect(rates.EUR).toBe(0.92);
    expect(rates.JPY).toBe(149);
    const r = resolveReferenceRates({ SEK: 10.4, eur: 0.9 });
    expect(r.SEK).toBe(10.4);
    expect(r.EUR).toBe(0.9);
  });

  it('is exactly 1.000000 for equal currencies', () => {
    const fx = usd(1n);
    for (const day of days) expect(fx.rateMicros('USD', day)).toBe(1_000_000);
    const eurGroup = buildFxTable({ seed: 1n, period, groupCurrency: 'EUR', referenceRates: rates });
    expect(eurGroup.rateMicros('EUR', period.startDay + 40)).toBe(1_000_000);
    expect(eurGroup.groupToLocal(12_345, 'EUR', period.startDay)).toBe(12_345);
  });

  it('is deterministic per seed and differs across seeds', () => {
    const a = days.map((day) => usd(5n).rateMicros('EUR', day));
    const b = days.map((day) => usd(5n).rateMicros('EUR', day));
    const c = days.map((day) => usd(6n).rateMicros('EUR', day));
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
    // Query order does not matter.
    const fx = usd(5n);
    const reversed = [...days].reverse().map((day) => fx.rateMicros('EUR', day)).reverse();
    expect(reversed).toEqual(a);
  });

  it('stays inside the ±3σ band around the reference', () => {
    const fx = usd(9n);
    let sum = 0;
    for (const day of days) {
      for (const [ccy, ref] of [['EUR', 0.92], ['GBP', 0.79], ['JPY', 149], ['INR', 83]] as const) {
        const micros = fx.rateMicros(ccy, day);
        const lo = Math.floor(1e6 / (ref * (1 + FX_CLIP)));
        const hi = Math.ceil(1e6 / (ref * (1 - FX_CLIP)));
        expect(micros).toBeGreaterThanOrEqual(lo);
        expect(micros).toBeLessThanOrEqual(hi);
        expect(Number.isInteger(micros)).toBe(true);
      }
      sum += fx.rateMicros('EUR', day) / 1e6;
    }
    // Mean within a few standard errors of 1/0.92 (σ ≈ 0.5 % per day, 365 days).
    expect(Math.abs(sum / days.length - 1 / 0.92)).toBeLessThan(0.002);
    const distinct = new Set(days.map((day) => fx.rateMicros('EUR', day)));
    expect(distinct.size).toBeGreaterThan(100);
  });

  it('clips ε at ±3σ', () => {
    const long = buildPeriod('2000-01-01', 360);
    const fx = buildFxTable({ seed: 3n, period: long, groupCurrency: 'USD', referenceRates: rates });
    let maxDev = 0;
    let atClip = 0;
    for (let day = long.startDay; day < long.endDay; day++) {
      const dev = Math.abs(fx.dailyRate('EUR', day) / 0.92 - 1);
      maxDev = Math.max(maxDev, dev);
      if (Math.abs(dev - FX_CLIP) < 1e-12) atClip++;
    }
    expect(maxDev).toBeLessThanOrEqual(FX_CLIP + 1e-12);
    expect(atClip).toBeGreaterThan(0); // ≈ 0.27 % of ~11 000 days hit the clip
  });

  it('uses the group rate for non-USD groups', () => {
    const fx = buildFxTable({ seed: 2n, period, groupCurrency: 'EUR', referenceRates: rates });
    const day = period.startDay + 100;
    const expected = Math.round((fx.dailyRate('EUR', day) / fx.dailyRate('GBP', day)) * 1e6);
    expect(fx.rateMicros('GBP', day)).toBe(expected);
    expect(fx.rateMicros('USD', day)).toBe(Math.round(fx.dailyRate('EUR', day) * 1e6));
  });

  it('converts group cents to local cents', () => {
    const fx = usd(4n);
    expect(fx.groupToLocalAtReference(100_000, 'EUR')).toBe(92_000);
    expect(fx.groupToLocalAtReference(100_000, 'JPY')).toBe(14_900_000);
    expect(fx.groupToLocalAtReference(-150, 'USD')).toBe(-150);
    const day = period.startDay + 10;
    const local = fx.groupToLocal(1_000_000, 'EUR', day);
    expect(local).toBe(mulDivRound(1_000_000, 1_000_000, fx.rateMicros('EUR', day)));
    expect(Math.abs(localToGroupCents(local, fx.rateMicros('EUR', day)) - 1_000_000)).toBeLessThanOrEqual(1);
    // Days before the range use the first day; days after extend the stream.
    expect(fx.rateMicros('EUR', period.startDay - 5)).toBe(fx.rateMicros('EUR', period.startDay));
    expect(fx.rateMicros('EUR', period.endDay + 30)).toBeGreaterThan(0);
    expect(() => fx.rateMicros('SEK', day)).toThrow(RangeError);
  });
});
