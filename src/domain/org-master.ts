/**
 * Employee and fixed-asset master records (domain.md §4.5, §4.7) on top of the identities of employees.ts and
 * fixed-assets.ts, whose streams stay untouched. Added attributes come from per-purpose streams
 * `Rng.for(seed, '@reference', 0, '<entity>.<purpose>', cc)`, one draw sequence per record (domain.md D4).
 */
import { Rng, WeightedChoice } from '../random/rng.js';
import type { Company, FxTable, Period } from './types.js';
import type { EmployeeDepartment, EmployeeIdentity } from './employees.js';
import type { FixedAssetIdentity } from './fixed-assets.js';
import type { AssetClass } from './names.js';
import type { EmployeeMaster, FixedAssetMaster, JobLevel } from './master-types.js';
import { costCenterId } from './cost-centers.js';
import { addMonths } from './dates.js';
import { roundHalfAwayFromZero } from './money.js';
import { asciiFold } from './names.js';

/** domain.md §4.5 `templates.names.email_domain` default. */
export const DEFAULT_EMAIL_DOMAIN = 'company.com';

/** `first.last` local part: ASCII-folded, lower-case, letters and digits only. */
function emailLocal(first: string, last: string): string {
  const part = (t: string): string => asciiFold(t).toLowerCase().replace(/[^a-z0-9]/g, '');
  return `${part(first)}.${part(last)}`;
}

const jobLevelChoice = new WeightedChoice<JobLevel>([
  ['staff', 0.50], ['senior', 0.25], ['manager', 0.12], ['director', 0.08], ['vice_president', 0.04], ['executive', 0.01],
]);

/** domain.md §4.5 approval limits (group-currency units). */
export const APPROVAL_LIMITS: Readonly<Record<JobLevel, number>> = Object.freeze({
  staff: 1_000, senior: 5_000, manager: 25_000, director: 100_000, vice_president: 500_000, executive: 10_000_000,
});
/** domain.md §4.5 base-salary bands per job level (group-currency units per year). */
export const SALARY_BANDS: Readonly<Record<JobLevel, readonly [number, number]>> = Object.freeze({
  staff: [40_000, 60_000], senior: [60_000, 90_000], manager: [80_000, 120_000], director: [100_000, 160_000],
  vice_president: [130_000, 200_000], executive: [150_000, 250_000],
});
const LEVEL_RANK: Readonly<Record<JobLevel, number>> = Object.freeze({
  staff: 0, senior: 1, manager: 2, director: 3, vice_president: 4, executive: 5,
});

const DEPT_NAME: Readonly<Record<EmployeeDepartment, string>> = Object.freeze({
  executive: 'Executive Office', finance: 'Finance', procurement: 'Procurement', sales: 'Sales', warehouse: 'Warehouse', it: 'IT',
});
const STAFF_TITLE: Readonly<Record<EmployeeDepartment, string>> = Object.freeze({
  executive: 'Executive Assistant', finance: 'Accountant', procurement: 'Buyer', sales: 'Sales Representative',
  warehouse: 'Warehouse Associate', it: 'IT Specialist',
});
const EXEC_TITLE = Object.freeze({ ceo: 'Chief Executive Officer', cfo: 'Chief Financial Officer', coo: 'Chief Operating Officer' });

function jobTitle(department: EmployeeDepartment, level: JobLevel): string {
  const d = DEPT_NAME[department];
  switch (level) {
    case 'staff': return STAFF_TITLE[department];
    case 'senior': return `Senior ${STAFF_TITLE[department]}`;
    case 'manager': return `${d} Manager`;
    case 'director': return `Director of ${d}`;
    case 'vice_president': return `Vice President ${d}`;
    case 'executive': return `Executive Director ${d}`;
  }
}

/** Round-robin subs per department (domain.md §4.5); procurement books on the PROD department itself. */
const FINANCE_SUBS = ['AP', 'AR', 'GL', 'TAX'] as const;
const SALES_SUBS = ['DOM', 'INTL', 'MKT'] as const;
function employeeCostCenter(cc: string, department: EmployeeDepartment, k: number): string {
  switch (department) {
    case 'executive': return costCenterId(cc, 'CORP', 'EXEC');
    case 'finance': return costCenterId(cc, 'FIN', FINANCE_SUBS[k % FINANCE_SUBS.length]);
    case 'procurement': return costCenterId(cc, 'PROD');
    case 'sales': return costCenterId(cc, 'SALES', SALES_SUBS[k % SALES_SUBS.length]);
    case 'warehouse': return costCenterId(cc, 'PROD', 'ASSY');
    case 'it': return costCenterId(cc, 'CORP', 'IT');
  }
}

const cents = (units: number): number => units * 100;

/**
 * The 68 employees of a company with job level, title, cost center, status, dates, limits, salary and permissions.
 * Executives (CEO/CFO/COO) are `executive`; a department head is director with ≥ 15 heads in the department, else
 * manager; other members draw their level (domain.md §4.5).
 *
 * @example
 * const emps = buildEmployeeMasters(company, ref.employeeIdentitiesOf(company.code), ref.period, ref.fx, ref.seed);
 * emps[0].jobTitle; // 'Chief Executive Officer'
 */
export function buildEmployeeMasters(company: Company, identities: readonly EmployeeIdentity[], period: Period, fx: FxTable, seed: bigint,
  emailDomain: string = DEFAULT_EMAIL_DOMAIN): EmployeeMaster[] {
  const cc = company.code;
  const levelRng = Rng.for(seed, '@reference', 0, 'employees.level', cc);
  const salaryRng = Rng.for(seed, '@reference', 0, 'employees.salary', cc);
  const statusRng = Rng.for(seed, '@reference', 0, 'employees.status', cc);
  const hireRng = Rng.for(seed, '@reference', 0, 'employees.hire', cc);
  const headcount = new Map<string, number>();
  for (const e of identities) headcount.set(e.department, (headcount.get(e.department) ?? 0) + 1);
  const position = new Map<string, number>();
  const emails = new Set<string>();
  return identities.map((e) => {
    const department = e.department as EmployeeDepartment;
    const k = position.get(department) ?? 0;
    position.set(department, k + 1);
    const drawn = jobLevelChoice.sample(levelRng); // drawn for everyone: the stream stays aligned
    let jobLevel: JobLevel;
    let title: string;
    if (e.role === 'ceo' || e.role === 'cfo' || e.role === 'coo') {
      jobLevel = 'executive';
      title = EXEC_TITLE[e.role];
    } else if (e.role === 'department_head') {
      jobLevel = (headcount.get(department) ?? 0) >= 15 ? 'director' : 'manager';
      title = jobLevel === 'director' ? `Director of ${DEPT_NAME[department]}` : `${DEPT_NAME[department]} Manager`;
    } else {
      jobLevel = drawn;
      title = jobTitle(department, jobLevel);
    }
    const [lo, hi] = SALARY_BANDS[jobLevel];
    const salaryUnits = salaryRng.int(lo / 100, hi / 100) * 100;
    const u = statusRng.float();
    const terminationDraw = statusRng.int(period.startDay, period.endDay - 1);
    const status = u < 0.02 ? 'on_leave' as const : u < 0.03 ? 'terminated' as const : 'active' as const;
    const hireDate = period.startDay - hireRng.int(30, 7300);
    const rank = LEVEL_RANK[jobLevel];
    const finance = department === 'finance';
    const local = emailLocal(e.firstName, e.lastName);
    let email = `${local}@${emailDomain}`;
    for (let n = 2; emails.has(email); n++) email = `${local}${n}@${emailDomain}`;
    emails.add(email);
    return Object.freeze({
      ...e,
      jobLevel,
      jobTitle: title,
      email,
      costCenterId: employeeCostCenter(cc, department, k),
      status,
      hireDate,
      terminationDate: status === 'terminated' ? terminationDraw : null,
      approvalLimit: fx.groupToLocalAtReference(cents(APPROVAL_LIMITS[jobLevel]), company.currency),
      canApprovePo: department === 'procurement' && rank >= LEVEL_RANK.manager,
      canApproveInvoice: finance && rank >= LEVEL_RANK.senior,
      canApproveJe: finance && rank >= LEVEL_RANK.senior,
      canReleasePayment: finance && rank >= LEVEL_RANK.manager,
      baseSalary: fx.groupToLocalAtReference(cents(salaryUnits), company.currency),
      location: company.country,
    });
  });
}

/** domain.md §4.7 useful life (months) per class. */
export const USEFUL_LIFE_MONTHS: Readonly<Record<AssetClass, number>> = Object.freeze({
  buildings: 480, machinery: 84, vehicles: 60, furniture: 84, it_equipment: 36, software: 36, leasehold_improvements: 120,
});
const methodChoice = new WeightedChoice<FixedAssetMaster['depreciationMethod']>([
  ['straight_line', 0.70], ['double_declining', 0.15], ['macrs', 0.10], ['sum_of_years', 0.05],
]);
export const SALVAGE_SHARE = 0.05;
const PROD_SUBS = ['ASSY', 'QC', 'MAINT'] as const;

/**
 * Fixed assets of a company (domain.md §4.7): cost U[1 000, 500 000] group units, salvage 5 %, 10 % fully
 * depreciated (acquired more than one life before start), 2 % disposed, others acquired U[0, life) months before
 * start (plus 1–28 days, so the acquisition precedes start); accumulated depreciation straight-line for the
 * elapsed whole months, capped at cost − salvage.
 *
 * @example
 * buildFixedAssetMasters(company, ref.fixedAssetIdentitiesOf('1000'), ref.period, ref.fx, ref.seed)
 *   .every((a) => a.netBookValue === a.acquisitionCost - a.accumulatedDepreciation); // true
 */
export function buildFixedAssetMasters(company: Company, identities: readonly FixedAssetIdentity[], period: Period, fx: FxTable, seed: bigint): FixedAssetMaster[] {
  const cc = company.code;
  const methodRng = Rng.for(seed, '@reference', 0, 'fixed_assets.method', cc);
  const costRng = Rng.for(seed, '@reference', 0, 'fixed_assets.cost', cc);
  const statusRng = Rng.for(seed, '@reference', 0, 'fixed_assets.status', cc);
  const ageRng = Rng.for(seed, '@reference', 0, 'fixed_assets.age', cc);
  const ccRng = Rng.for(seed, '@reference', 0, 'fixed_assets.cost_center', cc);
  return identities.map((a) => {
    const life = USEFUL_LIFE_MONTHS[a.assetClass];
    const depreciationMethod = methodChoice.sample(methodRng);
    const costGroupCents = roundHalfAwayFromZero(costRng.uniform(1_000, 500_000) * 100);
    const acquisitionCost = fx.groupToLocalAtReference(costGroupCents, company.currency);
    const salvageValue = roundHalfAwayFromZero(acquisitionCost * SALVAGE_SHARE);
    const u = statusRng.float();
    const status = u < 0.10 ? 'fully_depreciated' as const : u < 0.12 ? 'disposed' as const : 'active' as const;
    const within = ageRng.int(0, life - 1);
    const extraDays = ageRng.int(1, 28);
    const elapsed = status === 'fully_depreciated' ? life + within : within;
    const acquisitionDate = addMonths(period.startDay, -elapsed) - extraDays;
    const depreciable = acquisitionCost - salvageValue;
    const accumulatedDepreciation = elapsed >= life ? depreciable : roundHalfAwayFromZero((depreciable * elapsed) / life);
    const prodSub = ccRng.pick(PROD_SUBS);
    const costCenter = a.assetClass === 'machinery' || a.assetClass === 'vehicles' ? costCenterId(cc, 'PROD', prodSub)
      : a.assetClass === 'it_equipment' || a.assetClass === 'software' ? costCenterId(cc, 'CORP', 'IT')
        : costCenterId(cc, 'CORP', 'EXEC');
    return Object.freeze({
      ...a,
      acquisitionDate,
      acquisitionCost,
      salvageValue,
      usefulLifeMonths: life,
      depreciationMethod,
      accumulatedDepreciation,
      netBookValue: acquisitionCost - accumulatedDepreciation,
      status,
      costCenterId: costCenter,
    });
  });
}
