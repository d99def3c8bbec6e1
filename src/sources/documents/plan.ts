/**
 * Chain volumes of the document flows (domain.md §1.3, §6.1): `chain_count` (default 100 per run
 * and flow) capped at Σ partners × 2 × months, allocated to companies ∝ volume_weight, then to
 * months ∝ business days, largest remainder; `chains_per_month` (per company-month) overrides it.
 * Computed from config alone so every partition knows its global chain offsets (D3).
 */
import type { ReferenceData } from '../../domain/types.js';
import { allocateLargestRemainder } from '../../random/distributions.js';

export type Flow = 'p2p' | 'o2c';

export interface ChainPlan {
  readonly flow: Flow;
  readonly nCompanies: number;
  readonly months: number;
  /** counts[c][m]: chains starting in company c, month m. */
  readonly counts: readonly (readonly number[])[];
  /** offsets[c][m]: chains of company c in earlier months; chain ordinal of the i-th chain = offsets[c][m] + i + 1. */
  readonly offsets: readonly (readonly number[])[];
  /** Business days of (company c, month m), ascending (chain start days are drawn from these). */
  businessDays(c: number, m: number): readonly number[];
}

export interface ChainVolumeOptions {
  /** Chains per run (default 100). */
  readonly chainCount?: number;
  /** Chains per company-month; overrides chainCount. */
  readonly chainsPerMonth?: number;
  /** Partners per company eligible for the flow's cap (vendors for p2p, customers for o2c). */
  readonly partnersPerCompany: number;
}

export const DEFAULT_CHAIN_COUNT = 100;

/** Partition ordinal p = month_index × n_companies + company_index (domain.md §1.1). */
export function chainPartition(monthIndex: number, companyIndex: number, nCompanies: number): number {
  return monthIndex * nCompanies + companyIndex;
}

/** The chain plan of one flow. Pure function of (reference, options). */
export function chainPlan(flow: Flow, reference: ReferenceData, options: ChainVolumeOptions): ChainPlan {
  const { period, companies } = reference;
  const months = period.months;
  const days: number[][][] = companies.map((co) => {
    const cal = reference.calendar(co.country);
    const perMonth: number[][] = [];
    for (let m = 0; m < months; m++) {
      const list: number[] = [];
      for (let d = period.monthStart[m]; d < period.monthStart[m + 1]; d++) if (cal.isBusinessDay(d)) list.push(d);
      perMonth.push(list);
    }
    return perMonth;
  });
  let counts: number[][];
  if (options.chainsPerMonth !== undefined) {
    counts = companies.map((_, c) => days[c].map((list) => (list.length > 0 ? options.chainsPerMonth! : 0)));
  } else {
    const cap = options.partnersPerCompany * companies.length * 2 * months;
    const total = Math.min(options.chainCount ?? DEFAULT_CHAIN_COUNT, cap);
    const perCompany = allocateLargestRemainder(total, companies.map((c) => c.volumeWeight));
    counts = companies.map((_, c) => allocateLargestRemainder(perCompany[c], days[c].map((l) => l.length)));
  }
  const offsets = counts.map((perMonth) => {
    let acc = 0;
    return perMonth.map((n) => {
      const o = acc;
      acc += n;
      return o;
    });
  });
  return {
    flow,
    nCompanies: companies.length,
    months,
    counts,
    offsets,
    businessDays: (c, m) => days[c][m],
  };
}

/** `{PFX}-{cc}-{chain:08}{seq:02}` (domain.md §0.3); seq = ordinal of that document type within the chain (1-based). */
export function documentNumber(prefix: string, companyCode: string, chain: number, seq: number): string {
  return `${prefix}-${companyCode}-${String(chain).padStart(8, '0')}${String(seq).padStart(2, '0')}`;
}
