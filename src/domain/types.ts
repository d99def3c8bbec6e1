/**
 * Reference and master data shared by all generators (domain.md §2–§4).
 * Built once per process from the config by `buildReferenceData(config, seed)`
 * (src/domain/reference.ts), deterministic, regenerated wherever needed.
 *
 * Day numbers are days since 1970-01-01 (UTC calendar arithmetic; no TZ).
 * Money is integer cents (number). Rates are integer millionths.
 */

export type AccountType = 'asset' | 'liability' | 'equity' | 'revenue' | 'expense';

export interface Account {
  readonly number: string;
  readonly shortDescription: string;
  readonly longDescription: string;
  readonly accountType: AccountType;
  readonly subType: string;
  /** First digit of the number. */
  readonly accountClass: number;
  readonly accountGroup: string;
  readonly isControlAccount: boolean;
  readonly isSuspenseAccount: boolean;
  readonly normalDebitBalance: boolean;
  readonly isPostable: boolean;
  readonly isBlocked: boolean;
  readonly requiresCostCenter: boolean;
  readonly requiresProfitCenter: boolean;
  /** canonical | generated | clearing | legacy */
  readonly origin: 'canonical' | 'generated' | 'clearing' | 'legacy';
}

export interface ChartOfAccounts {
  /** `COA_{INDUSTRY}_{target}` */
  readonly coaId: string;
  readonly complexity: 'small' | 'medium' | 'large';
  /** In output order. */
  readonly accounts: readonly Account[];
  readonly byNumber: ReadonlyMap<string, Account>;
  /** Generated (not canonical) accounts of a sub-type, in number order (template pools, domain.md §5.6). */
  generated(subType: string): readonly Account[];
}

export interface Company {
  /** Position in config order (0-based). */
  readonly index: number;
  readonly code: string;
  readonly name: string;
  readonly currency: string;
  readonly functionalCurrency: string;
  /** ISO 3166-1 alpha-2, upper-case. */
  readonly country: string;
  readonly fiscalYearVariant: 'K4';
  /** Resolved annual volume (presets expanded). */
  readonly annualVolume: number;
  readonly volumeWeight: number;
  /** Fraction, e.g. 0.19. */
  readonly taxRate: number;
  readonly isParent: boolean;
  readonly parentCompanyCode: string | null;
  /** Fraction 0..1 (1 = 100 %). */
  readonly ownershipPercent: number;
  readonly isConsolidationEntity: boolean;
}

export interface Period {
  /** First day (inclusive). */
  readonly startDay: number;
  /** First day after the range (exclusive). */
  readonly endDay: number;
  readonly months: number;
  /** Day number of the first day of month m (m = 0..months; monthStart[months] = endDay). */
  readonly monthStart: readonly number[];
  /** Calendar year and month (1–12) of month index m. */
  yearMonth(m: number): { year: number; month: number };
}

export interface Holiday {
  readonly day: number;
  readonly name: string;
  /** Activity multiplier for day weights (domain.md §3.3). */
  readonly multiplier: number;
}

export interface CompanyCalendar {
  readonly country: string;
  /** Monday–Friday and not a public holiday of the country. */
  isBusinessDay(day: number): boolean;
  /** Holiday on that day, if any. */
  holiday(day: number): Holiday | undefined;
  /** Holidays within the period, ascending. */
  readonly holidays: readonly Holiday[];
  /** Next business day ≥ day (rolls forward). */
  nextBusinessDay(day: number): number;
}

export interface FxTable {
  readonly groupCurrency: string;
  /** Reference rate: units of `currency` per 1 USD. */
  referenceRate(currency: string): number;
  /**
   * `exchange_rate` of a row on `day`: group-currency units per 1 unit of
   * `currency`, rounded to 6 places, as integer millionths (1_000_000 when equal).
   */
  rateMicros(currency: string, day: number): number;
  /** Convert group-currency cents to company-currency cents at the reference rate (master data). */
  groupToLocalAtReference(groupCents: number, currency: string): number;
  /** Convert group-currency cents to company-currency cents at the rate of `day` (transactions). */
  groupToLocal(groupCents: number, currency: string, day: number): number;
}

export type Persona = 'junior_accountant' | 'senior_accountant' | 'controller' | 'manager' | 'executive' | 'automated_system';

export interface JeUser {
  readonly userId: string;
  /** null for the reserved SYSTEM / IC_GENERATOR / CONSOLIDATION rows. */
  readonly companyCode: string | null;
  readonly displayName: string;
  readonly persona: Persona | 'system';
  readonly isAutomated: boolean;
  readonly workingHoursPattern: 'us_standard' | 'european' | 'asian' | 'always';
  /** Group-currency cents; null = none / not applicable. */
  readonly approvalLimit: number | null;
  readonly errorRate: number;
}

export interface CostCenter {
  /** `CC-{cc}-{DEPT}[-{SUB}]` */
  readonly id: string;
  readonly companyCode: string;
  readonly name: string;
  readonly parentId: string | null;
  readonly category: string;
  /** 1 department, 2 sub. */
  readonly level: 1 | 2;
  /** Department code (FIN, PROD, SALES, RD, CORP). */
  readonly department: string;
  readonly responsibleEmployeeId: string | null;
  readonly isActive: boolean;
}

/** Minimal counterparty record as JE generation needs it; full master data lives in src/sources/master (issue 3). */
export interface Partner {
  /** `V-{n:06}` / `C-{n:06}` */
  readonly id: string;
  readonly companyCode: string;
  readonly name: string;
  readonly isActive: boolean;
  readonly isIntercompany: boolean;
  /** In the 5 % reserve pool (only new_counterparty anomalies use it). */
  readonly isReserve: boolean;
  /** Shell vendor (only fictitious_vendor uses it). */
  readonly isShell: boolean;
}

export interface EmployeeRef {
  readonly employeeId: string;
  readonly companyCode: string;
  readonly displayName: string;
  readonly department: string;
}

export interface FixedAssetRef {
  readonly assetId: string;
  readonly companyCode: string;
  readonly description: string;
}

export interface ReferenceData {
  readonly seed: bigint;
  readonly period: Period;
  readonly groupCurrency: string;
  readonly industry: string;
  readonly companies: readonly Company[];
  readonly companyByCode: ReadonlyMap<string, Company>;
  readonly coa: ChartOfAccounts;
  calendar(country: string): CompanyCalendar;
  readonly fx: FxTable;
  readonly jeUsers: readonly JeUser[];
  /** Users of one company (excluding the reserved rows). */
  jeUsersOf(companyCode: string): readonly JeUser[];
  readonly costCenters: readonly CostCenter[];
  costCentersOf(companyCode: string): readonly CostCenter[];
  vendorsOf(companyCode: string): readonly Partner[];
  customersOf(companyCode: string): readonly Partner[];
  employeesOf(companyCode: string): readonly EmployeeRef[];
  fixedAssetsOf(companyCode: string): readonly FixedAssetRef[];
}
