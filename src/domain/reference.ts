/**
 * Builds the reference and master data every generator shares (domain.md §2–§4): a pure function of
 * (config, seed), memoized per config object and seed. Master-data draws use fixed stream names
 * (`'@reference'`, `'@fx'`) so they never depend on a component id.
 */
import { ConfigError } from '../errors.js';
import type { PipelineConfig } from '../config/types.js';
import type { CompanyCalendar, CostCenter, EmployeeRef, FixedAssetRef, JeUser, Partner, ReferenceData } from './types.js';
import { buildPeriod } from './period.js';
import { buildCompanyCalendar } from './calendar.js';
import { buildFxTable, checkReferenceRates, resolveReferenceRates } from './fx.js';
import { buildChartOfAccounts, COA_TARGETS, type CoaComplexity } from './chart-of-accounts.js';
import { buildCompanies, DEFAULT_GROUP_CURRENCY, DEFAULT_INDUSTRY } from './companies.js';
import { buildJeUsers } from './users.js';
import { buildCostCenters } from './cost-centers.js';
import { buildEmployeeIdentities, type EmployeeIdentity } from './employees.js';
import {
  buildCustomers, buildVendors, DEFAULT_CUSTOMER_COUNT, DEFAULT_SHELL_VENDOR_COUNT, DEFAULT_VENDOR_COUNT,
  type CustomerRecord, type PartnerCounts, type VendorRecord,
} from './partners.js';
import { buildFixedAssetIdentities, DEFAULT_FIXED_ASSET_COUNT, type FixedAssetIdentity } from './fixed-assets.js';
import { intOption, masterDataOptions, sourceOptionsOfType } from './config-access.js';

/** ReferenceData plus the richer master-data identities (for the master-data sources). */
export interface ReferenceDataExt extends ReferenceData {
  vendorRecordsOf(companyCode: string): readonly VendorRecord[];
  customerRecordsOf(companyCode: string): readonly CustomerRecord[];
  employeeIdentitiesOf(companyCode: string): readonly EmployeeIdentity[];
  fixedAssetIdentitiesOf(companyCode: string): readonly FixedAssetIdentity[];
  /** Daily rate r(ccy, d) in units per 1 USD (unrounded), for diagnostics and tests. */
  dailyRate(currency: string, day: number): number;
}

const memo = new WeakMap<PipelineConfig, Map<bigint, ReferenceDataExt>>();

/** `chart_of_accounts.complexity` of the (at most one) `chart_of_accounts` source; default small. */
export function coaComplexityOf(config: PipelineConfig): CoaComplexity {
  const v = sourceOptionsOfType(config, 'chart_of_accounts')?.complexity;
  if (v === undefined || v === null) return 'small';
  if (typeof v === 'string' && v in COA_TARGETS) return v as CoaComplexity;
  throw new ConfigError([{ path: 'sources.<chart_of_accounts>.complexity', message: `must be small, medium or large, got ${JSON.stringify(v)}` }]);
}

/** Partner counts from `master_data.vendors|customers.*` (domain.md §4.1, §4.2). */
export function partnerCountsOf(config: PipelineConfig): PartnerCounts {
  const v = masterDataOptions(config, 'vendors');
  const c = masterDataOptions(config, 'customers');
  return {
    vendors: intOption(v, 'count', DEFAULT_VENDOR_COUNT),
    shellVendors: intOption(v, 'shell_count', DEFAULT_SHELL_VENDOR_COUNT),
    customers: intOption(c, 'count', DEFAULT_CUSTOMER_COUNT),
  };
}

export function fixedAssetCountOf(config: PipelineConfig): number {
  return intOption(masterDataOptions(config, 'fixed_assets'), 'count', DEFAULT_FIXED_ASSET_COUNT);
}

function perCompany<T>(codes: readonly string[], build: (code: string) => readonly T[]): (code: string) => readonly T[] {
  const cache = new Map<string, readonly T[]>();
  const known = new Set(codes);
  const empty: readonly T[] = Object.freeze([]);
  return (code: string): readonly T[] => {
    if (!known.has(code)) return empty;
    let v = cache.get(code);
    if (v === undefined) {
      v = Object.freeze(build(code).slice());
      cache.set(code, v);
    }
    return v;
  };
}

/**
 * Reference data for a config and seed. Deterministic (domain.md D1) and independent of component ids.
 * Throws ConfigError for invalid companies, unknown currencies or an invalid CoA complexity.
 *
 * @example
 * const ref = buildReferenceData(config, 42n);
 * ref.coa.byNumber.get('1100')?.isControlAccount; // true
 * ref.fx.rateMicros('EUR', ref.period.startDay);  // e.g. 1_086_957
 */
export function buildReferenceData(config: PipelineConfig, seed: bigint): ReferenceDataExt {
  let bySeed = memo.get(config);
  if (bySeed === undefined) {
    bySeed = new Map();
    memo.set(config, bySeed);
  }
  const hit = bySeed.get(seed);
  if (hit) return hit;
  const built = build(config, seed);
  bySeed.set(seed, built);
  return built;
}

function build(config: PipelineConfig, seed: bigint): ReferenceDataExt {
  let period;
  try {
    period = buildPeriod(config.period?.start, config.period?.months);
  } catch (e) {
    throw new ConfigError([{ path: 'period', message: (e as Error).message }]);
  }
  const groupCurrency = config.group_currency ?? DEFAULT_GROUP_CURRENCY;
  const industry = config.industry ?? DEFAULT_INDUSTRY;
  const companies = Object.freeze(buildCompanies(config));
  const companyByCode = new Map(companies.map((c) => [c.code, c]));

  const referenceRates = resolveReferenceRates(config.fx?.reference_rates);
  checkReferenceRates(referenceRates, [
    { currency: groupCurrency, path: 'group_currency' },
    ...companies.map((c, i) => ({ currency: c.currency, path: `companies[${i}].currency` })),
    ...companies.filter((c) => c.functionalCurrency !== c.currency).map((c) => ({ currency: c.functionalCurrency, path: `companies[${c.index}].functional_currency` })),
  ]);
  const fx = buildFxTable({ seed, period, groupCurrency, referenceRates });
  const coa = buildChartOfAccounts(coaComplexityOf(config), industry);
  const counts = partnerCountsOf(config);
  const faCount = fixedAssetCountOf(config);

  const calendars = new Map<string, CompanyCalendar>();
  const calendar = (country: string): CompanyCalendar => {
    let cal = calendars.get(country);
    if (cal === undefined) {
      cal = buildCompanyCalendar(country, period);
      calendars.set(country, cal);
    }
    return cal;
  };

  const jeUsers = Object.freeze(buildJeUsers(companies, seed));
  const usersByCompany = new Map<string, JeUser[]>();
  for (const u of jeUsers) {
    if (u.companyCode === null) continue;
    let l = usersByCompany.get(u.companyCode);
    if (!l) usersByCompany.set(u.companyCode, (l = []));
    l.push(u);
  }
  for (const [k, v] of usersByCompany) usersByCompany.set(k, Object.freeze(v) as JeUser[]);

  const costCentersByCompany = new Map<string, readonly CostCenter[]>();
  const allCostCenters: CostCenter[] = [];
  for (const c of companies) {
    const list = Object.freeze(buildCostCenters(c));
    costCentersByCompany.set(c.code, list);
    allCostCenters.push(...list);
  }

  const codes = companies.map((c) => c.code);
  const company = (code: string) => companyByCode.get(code)!;
  const vendorRecordsOf = perCompany(codes, (code) => buildVendors(company(code), companies, counts, seed));
  const customerRecordsOf = perCompany(codes, (code) => buildCustomers(company(code), companies, industry, counts, seed));
  const employeeIdentitiesOf = perCompany(codes, (code) => buildEmployeeIdentities(company(code), seed));
  const fixedAssetIdentitiesOf = perCompany(codes, (code) => buildFixedAssetIdentities(company(code), faCount, seed));
  const noUsers: readonly JeUser[] = Object.freeze([]);
  const noCostCenters: readonly CostCenter[] = Object.freeze([]);

  return Object.freeze({
    seed,
    period,
    groupCurrency,
    industry,
    companies,
    companyByCode,
    coa,
    calendar,
    fx,
    jeUsers,
    jeUsersOf: (code: string): readonly JeUser[] => usersByCompany.get(code) ?? noUsers,
    costCenters: Object.freeze(allCostCenters),
    costCentersOf: (code: string): readonly CostCenter[] => costCentersByCompany.get(code) ?? noCostCenters,
    vendorsOf: (code: string): readonly Partner[] => vendorRecordsOf(code),
    customersOf: (code: string): readonly Partner[] => customerRecordsOf(code),
    employeesOf: (code: string): readonly EmployeeRef[] => employeeIdentitiesOf(code),
    fixedAssetsOf: (code: string): readonly FixedAssetRef[] => fixedAssetIdentitiesOf(code),
    vendorRecordsOf,
    customerRecordsOf,
    employeeIdentitiesOf,
    fixedAssetIdentitiesOf,
    dailyRate: fx.dailyRate,
  });
}
