/**
 * Up-front planning of the `journal_entries` source (domain.md §1.3, §5.5, D3): folded day
 * weights per company, entry counts per company and month, and the reference-number offsets
 * that let every company-month partition number its entries without generating the others.
 */
import type { Company, ReferenceData } from '../../domain/types.js';
import { daysInMonth, weekday, ymdOf } from '../../domain/dates.js';
import { allocateLargestRemainder } from '../../random/distributions.js';
import type { ResolvedOptions } from './options.js';

/** Weekday factors Sun..Sat (domain.md §5.5: Mon 1.3, Tue 1.1, Wed 1.0, Thu 1.0, Fri 0.85; weekend by option). */
function weekdayFactor(wd: number, weekendActivity: number): number {
  switch (wd) {
    case 1: return 1.3;
    case 2: return 1.1;
    case 3:
    case 4: return 1.0;
    case 5: return 0.85;
    default: return weekendActivity;
  }
}

/** Period-end factor of a calendar day (domain.md §5.5, flat default or exponential). */
export function periodEndFactor(month: number, dom: number, dim: number, opts: ResolvedOptions): number {
  const quarter = month === 3 || month === 6 || month === 9;
  if (opts.periodEndModel === 'exponential') {
    const window = 10;
    if (dom <= dim - window) return 1;
    const pos = (dom - (dim - window) - 1) / (window - 1);
    const peak = month === 12 ? 5.0 : quarter ? 3.5 : 2.0;
    const r = 0.3;
    return 1 + ((peak - 1) * (Math.exp(r * pos) - 1)) / (Math.exp(r) - 1);
  }
  if (dom <= dim - opts.monthEndLeadDays) return 1;
  return month === 12 ? 6.0 : quarter ? 4.0 : 2.5;
}

/** Day weights of one company over the period: raw (before folding) and folded onto business days. */
export interface CompanyDayWeights {
  readonly companyCode: string;
  /** First day of the arrays (period.startDay). */
  readonly startDay: number;
  /** w(d) before folding, per day of the period. */
  readonly raw: Float64Array;
  /** Folded weights: non-business days 0 (domain.md §5.5). */
  readonly folded: Float64Array;
  /** Σ folded weight per month index. */
  readonly monthTotals: readonly number[];
}

/**
 * Computes w(d) = weekday factor × holiday multiplier × period-end factor, then folds each
 * non-business day onto the next business day of the same month (else the previous one).
 */
export function companyDayWeights(reference: ReferenceData, company: Company, opts: ResolvedOptions): CompanyDayWeights {
  const { period } = reference;
  const cal = reference.calendar(company.country);
  const n = period.endDay - period.startDay;
  const raw = new Float64Array(n);
  const folded = new Float64Array(n);
  const monthTotals: number[] = [];
  for (let m = 0; m < period.months; m++) {
    const from = period.monthStart[m];
    const to = period.monthStart[m + 1];
    let carry = 0;
    let lastBusiness = -1;
    let total = 0;
    for (let d = from; d < to; d++) {
      const { year, month, day: dom } = ymdOf(d);
      const h = cal.holiday(d);
      const hm = h === undefined ? 1 : Number.isFinite(h.multiplier) ? h.multiplier : opts.holidayActivity;
      const w = weekdayFactor(weekday(d), opts.weekendActivity) * hm * periodEndFactor(month, dom, daysInMonth(year, month), opts);
      const i = d - period.startDay;
      raw[i] = w;
      if (cal.isBusinessDay(d)) {
        folded[i] = w + carry;
        carry = 0;
        lastBusiness = i;
      } else {
        carry += w;
      }
    }
    if (carry > 0 && lastBusiness >= 0) folded[lastBusiness] += carry;
    for (let d = from; d < to; d++) total += folded[d - period.startDay];
    monthTotals.push(total);
  }
  return { companyCode: company.code, startDay: period.startDay, raw, folded, monthTotals };
}

/** Standalone entries of a company: floor(volume × weight × months / 12) (domain.md §1.3, I8). */
export function standaloneEntryCount(company: Company, months: number): number {
  // The epsilon absorbs binary-fraction error (e.g. 0.7 × 100 000) so exact products floor to themselves.
  return Math.floor((company.annualVolume * company.volumeWeight * months) / 12 + 1e-7);
}

export interface JournalPlan {
  readonly nCompanies: number;
  readonly months: number;
  /** counts[c][m] */
  readonly counts: readonly (readonly number[])[];
  /** Entries of the same company and calendar year in earlier months: seq of row i is offset + i + 1. */
  readonly seqOffsets: readonly (readonly number[])[];
  readonly dayWeights: readonly CompanyDayWeights[];
}

const planCache = new WeakMap<ReferenceData, WeakMap<ResolvedOptions, JournalPlan>>();

/**
 * Counts per company and month: N_c split ∝ folded month weight (× industry seasonality when on),
 * largest remainder, ties to the earlier month (domain.md §1.3).
 */
export function journalPlan(reference: ReferenceData, opts: ResolvedOptions): JournalPlan {
  let inner = planCache.get(reference);
  if (inner === undefined) {
    inner = new WeakMap();
    planCache.set(reference, inner);
  }
  const hit = inner.get(opts);
  if (hit) return hit;
  const { period } = reference;
  const dayWeights = reference.companies.map((c) => companyDayWeights(reference, c, opts));
  const counts = reference.companies.map((c, ci) => {
    const weights = dayWeights[ci].monthTotals.map((t, m) => {
      const season = opts.industryProfile ? opts.industryProfile.seasonality[period.yearMonth(m).month - 1] : 1;
      return t * season;
    });
    return allocateLargestRemainder(standaloneEntryCount(c, period.months), weights);
  });
  const seqOffsets = counts.map((perMonth) => {
    const out: number[] = [];
    let year = -1;
    let acc = 0;
    for (let m = 0; m < period.months; m++) {
      const y = period.yearMonth(m).year;
      if (y !== year) {
        year = y;
        acc = 0;
      }
      out.push(acc);
      acc += perMonth[m];
    }
    return out;
  });
  const plan: JournalPlan = { nCompanies: reference.companies.length, months: period.months, counts, seqOffsets, dayWeights };
  inner.set(opts, plan);
  return plan;
}

/** Partition ordinal p = month_index × n_companies + company_index (domain.md §1.1). */
export function partitionIndex(monthIndex: number, companyIndex: number, nCompanies: number): number {
  return monthIndex * nCompanies + companyIndex;
}
