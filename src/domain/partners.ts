/**
 * Vendors and customers as JE generation needs them (domain.md §4.1, §4.2): ids, names, pools.
 * The full master tables (src/sources/master) add their attributes from their own streams.
 */
import { Rng, WeightedChoice } from '../random/rng.js';
import type { Company, Partner } from './types.js';
import {
  CUSTOMER_DEDUP_SUFFIXES, NAME_STEMS, SPEND_CATEGORY_WEIGHTS, VENDOR_BRANDS, VENDOR_DEDUP_SUFFIXES, VENDOR_TEMPLATES,
  customerTemplates, dedupName, legalSuffixes, type SpendCategory,
} from './names.js';

export const DEFAULT_VENDOR_COUNT = 50;
export const DEFAULT_SHELL_VENDOR_COUNT = 2;
export const DEFAULT_CUSTOMER_COUNT = 100;
/** Share of each company's partners in the reserve pool (highest indexes) and the intercompany share. */
export const RESERVE_SHARE = 0.05;
export const INTERCOMPANY_SHARE = 0.05;
/** domain.md §4.1: 20 % of vendor names are a well-known brand of the category. */
export const BRAND_NAME_SHARE = 0.2;

export interface VendorRecord extends Partner {
  /** Position within the company's vendors (0-based; shells last). */
  readonly index: number;
  readonly spendCategory: SpendCategory;
  /** `IC-{other cc}` for intercompany vendors, else null. */
  readonly intercompanyCode: string | null;
}

export interface CustomerRecord extends Partner {
  readonly index: number;
  readonly intercompanyCode: string | null;
}

export interface PartnerCounts {
  readonly vendors: number;
  readonly shellVendors: number;
  readonly customers: number;
}

/** Size of the reserve pool of `count` partners: round(5 %), leaving at least one partner for normal use. */
export function reserveCount(count: number): number {
  return Math.max(0, Math.min(Math.round(count * RESERVE_SHARE), count - 1));
}

/** Intercompany partners per company: round(5 %) when the group has ≥ 2 companies, within the non-reserve part. */
export function intercompanyCount(count: number, companies: number): number {
  if (companies < 2) return 0;
  return Math.max(0, Math.min(Math.max(1, Math.round(count * INTERCOMPANY_SHARE)), count - reserveCount(count) - 1));
}

const pad6 = (n: number): string => String(n).padStart(6, '0');
const categoryChoice = new WeightedChoice(SPEND_CATEGORY_WEIGHTS);
const SHELL_CATEGORIES: readonly SpendCategory[] = ['professional_services', 'it_services', 'marketing', 'staffing'];

function templateName(rng: Rng, templates: readonly string[], country: string): string {
  const t = rng.pick(templates);
  const stem = rng.pick(NAME_STEMS);
  const suffix = rng.pick(legalSuffixes(country));
  return `${t.replace('{A}', stem)} ${suffix}`;
}

/**
 * A company's vendors: regular (normal use), intercompany (just below the reserve pool), reserve pool
 * (highest regular indexes), then shell vendors. Ids `V-{n:06}`, n = company_index × (count + shells) + i + 1.
 * Draws from `Rng.for(seed, '@reference', 0, 'vendors', cc)`.
 */
export function buildVendors(company: Company, companies: readonly Company[], counts: PartnerCounts, seed: bigint): VendorRecord[] {
  const rng = Rng.for(seed, '@reference', 0, 'vendors', company.code);
  const { vendors: count, shellVendors: shells } = counts;
  const perCompany = count + shells;
  const reserve = reserveCount(count);
  const ic = intercompanyCount(count, companies.length);
  const icStart = count - reserve - ic;
  const others = companies.filter((c) => c.code !== company.code);
  const taken = new Set<string>();
  const out: VendorRecord[] = [];
  for (let i = 0; i < perCompany; i++) {
    const isShell = i >= count;
    const spendCategory = isShell ? rng.pick(SHELL_CATEGORIES) : categoryChoice.sample(rng);
    const isIntercompany = !isShell && i >= icStart && i < count - reserve;
    let base: string;
    let intercompanyCode: string | null = null;
    if (isIntercompany) {
      const other = others[(i - icStart) % others.length];
      intercompanyCode = `IC-${other.code}`;
      base = other.name;
    } else if (!isShell && rng.chance(BRAND_NAME_SHARE)) {
      base = rng.pick(VENDOR_BRANDS[spendCategory]);
    } else {
      base = templateName(rng, VENDOR_TEMPLATES[spendCategory], company.country);
    }
    out.push(Object.freeze({
      id: `V-${pad6(company.index * perCompany + i + 1)}`,
      companyCode: company.code,
      name: dedupName(base, taken, VENDOR_DEDUP_SUFFIXES),
      isActive: true,
      isIntercompany,
      isReserve: !isShell && i >= count - reserve,
      isShell,
      index: i,
      spendCategory,
      intercompanyCode,
    }));
  }
  return out;
}

/**
 * A company's customers: regular, intercompany (just below the reserve pool), reserve pool (highest indexes).
 * Ids `C-{n:06}`, n = company_index × count + i + 1. Draws from `Rng.for(seed, '@reference', 0, 'customers', cc)`.
 */
export function buildCustomers(company: Company, companies: readonly Company[], industry: string, counts: PartnerCounts, seed: bigint): CustomerRecord[] {
  const rng = Rng.for(seed, '@reference', 0, 'customers', company.code);
  const count = counts.customers;
  const reserve = reserveCount(count);
  const ic = intercompanyCount(count, companies.length);
  const icStart = count - reserve - ic;
  const others = companies.filter((c) => c.code !== company.code);
  const templates = customerTemplates(industry);
  const taken = new Set<string>();
  const out: CustomerRecord[] = [];
  for (let i = 0; i < count; i++) {
    const isIntercompany = i >= icStart && i < count - reserve;
    let base: string;
    let intercompanyCode: string | null = null;
    if (isIntercompany) {
      const other = others[(i - icStart) % others.length];
      intercompanyCode = `IC-${other.code}`;
      base = other.name;
    } else {
      base = templateName(rng, templates, company.country);
    }
    out.push(Object.freeze({
      id: `C-${pad6(company.index * count + i + 1)}`,
      companyCode: company.code,
      name: dedupName(base, taken, CUSTOMER_DEDUP_SUFFIXES),
      isActive: true,
      isIntercompany,
      isReserve: i >= count - reserve,
      isShell: false,
      index: i,
      intercompanyCode,
    }));
  }
  return out;
}

/**
 * Partners normal generation may pick (domain.md §4): not in the reserve pool, not shell, active, and —
 * unless `includeIntercompany` — not intercompany (IC partners are excluded from P2P/O2C chains).
 */
export function selectablePartners<T extends Partner>(partners: readonly T[], options: { includeIntercompany?: boolean } = {}): T[] {
  return partners.filter((p) => p.isActive && !p.isReserve && !p.isShell && (options.includeIntercompany === true || !p.isIntercompany));
}
