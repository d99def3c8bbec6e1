/**
 * Cost centers (domain.md §4.6): a fixed 21-row tree per company.
 */
import type { Company, CostCenter } from './types.js';
import { departmentHeadIndex, employeeId, type EmployeeDepartment } from './employees.js';

interface DeptSpec {
  readonly code: string;
  readonly name: string;
  readonly category: string;
  /** Whose head is responsible (domain.md §4.6). */
  readonly responsible: EmployeeDepartment | 'coo';
  readonly subs: ReadonlyArray<readonly [string, string]>;
}

export const COST_CENTER_TREE: readonly DeptSpec[] = Object.freeze([
  { code: 'FIN', name: 'Finance', category: 'administration', responsible: 'finance',
    subs: [['AP', 'Accounts Payable'], ['AR', 'Accounts Receivable'], ['GL', 'General Ledger'], ['TAX', 'Tax']] },
  { code: 'PROD', name: 'Production', category: 'production', responsible: 'warehouse',
    subs: [['ASSY', 'Assembly'], ['QC', 'Quality Control'], ['MAINT', 'Maintenance']] },
  { code: 'SALES', name: 'Sales', category: 'sales', responsible: 'sales',
    subs: [['DOM', 'Domestic Sales'], ['INTL', 'International Sales'], ['MKT', 'Marketing']] },
  { code: 'RD', name: 'Research & Development', category: 'r_and_d', responsible: 'coo',
    subs: [['RSCH', 'Research'], ['DEV', 'Development']] },
  { code: 'CORP', name: 'Corporate', category: 'corporate', responsible: 'executive',
    subs: [['EXEC', 'Executive Office'], ['HR', 'Human Resources'], ['IT', 'Information Technology'], ['LEGAL', 'Legal']] },
]);

export const COST_CENTERS_PER_COMPANY = 21;

export function costCenterId(companyCode: string, dept: string, sub?: string): string {
  return sub === undefined ? `CC-${companyCode}-${dept}` : `CC-${companyCode}-${dept}-${sub}`;
}

/** The company's cost centers: each department followed by its subs. */
export function buildCostCenters(company: Company): CostCenter[] {
  const cc = company.code;
  const out: CostCenter[] = [];
  for (const d of COST_CENTER_TREE) {
    // RD → COO (index 2), CORP → CEO (index 0), others → the named department's head; subs inherit.
    const responsible = employeeId(cc, d.responsible === 'coo' ? 2 : departmentHeadIndex(d.responsible));
    const deptId = costCenterId(cc, d.code);
    out.push(Object.freeze({ id: deptId, companyCode: cc, name: d.name, parentId: null, category: d.category, level: 1 as const,
      department: d.code, responsibleEmployeeId: responsible, isActive: true }));
    for (const [sub, name] of d.subs) {
      out.push(Object.freeze({ id: costCenterId(cc, d.code, sub), companyCode: cc, name, parentId: deptId, category: d.category,
        level: 2 as const, department: d.code, responsibleEmployeeId: responsible, isActive: true }));
    }
  }
  return out;
}
