/**
 * Employee identities (domain.md §4.5): the fixed organisation of 68 per company, ids and names.
 * The `employees` table adds job levels, salaries, permissions… from its own streams; the identities
 * here are what cost centers (`responsible_employee_id`) and JE generation reference.
 */
import { Rng, WeightedChoice } from '../random/rng.js';
import type { Company, EmployeeRef } from './types.js';
import { CULTURE_WEIGHTS, FIRST_NAMES, LAST_NAMES, type Culture } from './names.js';

export const EMPLOYEES_PER_COMPANY = 68;

export type EmployeeDepartment = 'executive' | 'finance' | 'procurement' | 'sales' | 'warehouse' | 'it';
export type EmployeeRole = 'ceo' | 'cfo' | 'coo' | 'department_head' | 'member';

/** domain.md §4.5 organisation: CEO, CFO, COO, then the departments with their headcounts (head first). */
export const DEPARTMENT_HEADCOUNTS: ReadonlyArray<readonly [EmployeeDepartment, number]> = Object.freeze([
  ['finance', 15], ['procurement', 10], ['sales', 20], ['warehouse', 12], ['it', 8],
]);

export interface EmployeeIdentity extends EmployeeRef {
  /** Position within the company (0-based). */
  readonly index: number;
  /** `u{n:06}`, n = company_index × 68 + index + 1 (domain.md §0.3). */
  readonly userId: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly culture: Culture;
  readonly role: EmployeeRole;
  /** Employee id of the manager (CEO: null; CFO/COO → CEO; Finance head → CFO; other heads → COO; members → their head). */
  readonly managerId: string | null;
}

const pad6 = (n: number): string => String(n).padStart(6, '0');

export function employeeId(companyCode: string, index: number): string {
  return `EMP-${companyCode}-${pad6(index + 1)}`;
}

/** Index of the head of a department within the company's 68 (CEO 0, CFO 1, COO 2). */
export function departmentHeadIndex(department: EmployeeDepartment): number {
  if (department === 'executive') return 0;
  let i = 3;
  for (const [d, n] of DEPARTMENT_HEADCOUNTS) {
    if (d === department) return i;
    i += n;
  }
  throw new RangeError(`unknown department ${department}`);
}

const cultureChoice = new WeightedChoice(CULTURE_WEIGHTS);

/** Draws (culture, first, last) from a names stream. */
export function drawPersonName(rng: Rng): { culture: Culture; firstName: string; lastName: string } {
  const culture = cultureChoice.sample(rng);
  return { culture, firstName: rng.pick(FIRST_NAMES[culture]), lastName: rng.pick(LAST_NAMES[culture]) };
}

/** The 68 employees of a company, in organisation order; names from `Rng.for(seed, '@reference', 0, 'employees', cc)`. */
export function buildEmployeeIdentities(company: Company, seed: bigint): EmployeeIdentity[] {
  const rng = Rng.for(seed, '@reference', 0, 'employees', company.code);
  const cc = company.code;
  const out: EmployeeIdentity[] = [];
  const ceo = employeeId(cc, 0);
  const push = (department: EmployeeDepartment, role: EmployeeRole, managerId: string | null): void => {
    const index = out.length;
    const { culture, firstName, lastName } = drawPersonName(rng);
    out.push(Object.freeze({
      index,
      employeeId: employeeId(cc, index),
      userId: `u${pad6(company.index * EMPLOYEES_PER_COMPANY + index + 1)}`,
      companyCode: cc,
      firstName,
      lastName,
      displayName: `${firstName} ${lastName}`,
      culture,
      department,
      role,
      managerId,
    }));
  };
  push('executive', 'ceo', null);
  push('executive', 'cfo', ceo);
  push('executive', 'coo', ceo);
  for (const [dept, headcount] of DEPARTMENT_HEADCOUNTS) {
    const head = employeeId(cc, out.length);
    push(dept, 'department_head', dept === 'finance' ? employeeId(cc, 1) : employeeId(cc, 2));
    for (let k = 1; k < headcount; k++) push(dept, 'member', head);
  }
  return out;
}
