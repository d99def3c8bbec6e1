/**
 * Reference and daily exchange rates (domain.md §3.2).
 */
import { ConfigError } from '../errors.js';
import { Rng } from '../random/rng.js';
import type { FxTable, Period } from './types.js';
import { mulDivRound, roundHalfAwayFromZero } from './money.js';

/** Units of the currency per 1 USD (domain.md §3.2). */
export const DEFAULT_REFERENCE_RATES: Readonly<Record<string, number>> = Object.freeze({
  USD: 1, EUR: 0.92, GBP: 0.79, CHF: 0.88, JPY: 149, CNY: 7.24, CAD: 1.36, AUD: 1.53, INR: 83,
});

/** σ of the daily deviation ε ~ N(0, σ), clipped at ±3σ. */
export const FX_DAILY_SIGMA = 0.005;
export const FX_CLIP = 3 * FX_DAILY_SIGMA;

/** Defaults overlaid with `fx.reference_rates`. */
export function resolveReferenceRates(overrides: Readonly<Record<string, number>> | undefined): Record<string, number> {
  const out: Record<string, number> = { ...DEFAULT_REFERENCE_RATES };
  if (overrides) for (const [k, v] of Object.entries(overrides)) out[k.toUpperCase()] = v;
  return out;
}

/** Throws ConfigError listing every currency without a (positive, finite) reference rate. */
export function checkReferenceRates(rates: Readonly<Record<string, number>>, needed: ReadonlyArray<{ currency: string; path: string }>): void {
  const issues = [];
  for (const { currency, path } of needed) {
    const r = rates[currency];
    if (r === undefined) issues.push({ path, message: `currency ${currency} has no reference rate; add fx.reference_rates.${currency} (units of ${currency} per 1 USD)` });
    else if (!(r > 0) || !Number.isFinite(r)) issues.push({ path: `fx.reference_rates.${currency}`, message: `reference rate must be a positive number, got ${r}` });
  }
  if (issues.length > 0) throw new ConfigError(issues);
}

export interface FxOptions {
  readonly seed: bigint;
  readonly period: Period;
  readonly groupCurrency: string;
  /** Resolved reference rates (units per 1 USD). */
  readonly referenceRates: Readonly<Record<string, number>>;
}

/**
 * Daily rates r(ccy, d) = ref(ccy) × (1 + ε), ε drawn per (currency, day) from the stream
 * `Rng.for(seed, '@fx', 0, ccy)`, consumed day by day from the period start (days after the range
 * extend the stream, days before it use the first day). USD is the numeraire (ε = 0).
 *
 * @example
 * const fx = buildFxTable({ seed: 1n, period, groupCurrency: 'USD', referenceRates: resolveReferenceRates(undefined) });
 * fx.rateMicros('USD', period.startDay); // 1_000_000
 */
export function buildFxTable(opts: FxOptions): FxTable & { dailyRate(currency: string, day: number): number } {
  const { seed, period, groupCurrency, referenceRates } = opts;
  const eps = new Map<string, { rng: Rng; values: number[] }>();
  const micros = new Map<string, number[]>();

  const referenceRate = (currency: string): number => {
    const r = referenceRates[currency];
    if (r === undefined) throw new RangeError(`no reference rate for ${currency}`);
    return r;
  };
  const epsilon = (currency: string, idx: number): number => {
    if (currency === 'USD') return 0;
    let s = eps.get(currency);
    if (s === undefined) {
      s = { rng: Rng.for(seed, '@fx', 0, currency), values: [] };
      eps.set(currency, s);
    }
    while (s.values.length <= idx) {
      const z = s.rng.normal() * FX_DAILY_SIGMA;
      s.values.push(z > FX_CLIP ? FX_CLIP : z < -FX_CLIP ? -FX_CLIP : z);
    }
    return s.values[idx];
  };
  const dayIndex = (day: number): number => (day < period.startDay ? 0 : day - period.startDay);
  const dailyRate = (currency: string, day: number): number => referenceRate(currency) * (1 + epsilon(currency, dayIndex(day)));

  const rateMicros = (currency: string, day: number): number => {
    if (currency === groupCurrency) return 1_000_000;
    let cache = micros.get(currency);
    if (cache === undefined) {
      referenceRate(currency);
      cache = [];
      micros.set(currency, cache);
    }
    const idx = dayIndex(day);
    let v = cache[idx];
    if (v === undefined) {
      v = Math.round((dailyRate(groupCurrency, day) / dailyRate(currency, day)) * 1_000_000);
      cache[idx] = v;
    }
    return v;
  };

  return Object.freeze({
    groupCurrency,
    referenceRate,
    rateMicros,
    dailyRate,
    groupToLocalAtReference(groupCents: number, currency: string): number {
      if (currency === groupCurrency) return groupCents;
      return roundHalfAwayFromZero((groupCents * referenceRate(currency)) / referenceRate(groupCurrency));
    },
    groupToLocal(groupCents: number, currency: string, day: number): number {
      if (currency === groupCurrency) return groupCents;
      return mulDivRound(Math.round(groupCents), 1_000_000, rateMicros(currency, day));
    },
  });
}
