/** Source `employees` → table `employees` (domain.md §4.5). */
import { boolCol, float64Col, int32Col, nullMask, stringCol } from '../../engine/batch.js';
import type { SourcePlugin } from '../../engine/plugins.js';
import { employeesTable } from '../../tables/master.js';
import { closedSchema, emitBatches, fillNumbers, fillStrings } from '../reference/emit.js';
import { allRows, masterPartition } from './common.js';

export const employeesSource: SourcePlugin = {
  type: 'employees',
  description: 'Employees: the fixed organisation of 68 per company with levels, cost centers, limits, salaries and permissions.',
  method: 'rule_based',
  optionsSchema: closedSchema({
    email_domain: { type: 'string', minLength: 1, pattern: '^[A-Za-z0-9.-]+$', description: 'Domain of employee emails first.last@{domain} (templates.names.email_domain); default company.com' },
  }),
  tables: () => [employeesTable],
  partitions: (_id, _o, ctx) => masterPartition({ [employeesTable.name]: allRows(ctx, (m) => m.employees).length }),
  *generate(_id, _o, partition, ctx) {
    const rows = allRows(ctx, (m) => m.employees);
    yield* emitBatches(employeesTable, partition.index, rows.length, ctx.batchRows, (b, first) => {
      fillStrings(stringCol(b, 'employee_id'), rows, first, (e) => e.employeeId);
      fillStrings(stringCol(b, 'user_id'), rows, first, (e) => e.userId);
      fillStrings(stringCol(b, 'company_code'), rows, first, (e) => e.companyCode);
      fillStrings(stringCol(b, 'first_name'), rows, first, (e) => e.firstName);
      fillStrings(stringCol(b, 'last_name'), rows, first, (e) => e.lastName);
      fillStrings(stringCol(b, 'display_name'), rows, first, (e) => e.displayName);
      fillStrings(stringCol(b, 'email'), rows, first, (e) => e.email);
      fillStrings(stringCol(b, 'department'), rows, first, (e) => e.department);
      fillStrings(stringCol(b, 'job_level'), rows, first, (e) => e.jobLevel);
      fillStrings(stringCol(b, 'job_title'), rows, first, (e) => e.jobTitle);
      fillStrings(stringCol(b, 'cost_center_id'), rows, first, (e) => e.costCenterId);
      fillStrings(stringCol(b, 'manager_id'), rows, first, (e) => e.managerId);
      fillStrings(stringCol(b, 'status'), rows, first, (e) => e.status);
      fillNumbers(int32Col(b, 'hire_date'), rows, first, (e) => e.hireDate);
      fillNumbers(int32Col(b, 'termination_date'), rows, first, (e) => e.terminationDate ?? 0);
      fillNumbers(nullMask(b, 'termination_date'), rows, first, (e) => (e.terminationDate === null ? 1 : 0));
      fillNumbers(float64Col(b, 'approval_limit'), rows, first, (e) => e.approvalLimit);
      fillNumbers(boolCol(b, 'can_approve_po'), rows, first, (e) => (e.canApprovePo ? 1 : 0));
      fillNumbers(boolCol(b, 'can_approve_invoice'), rows, first, (e) => (e.canApproveInvoice ? 1 : 0));
      fillNumbers(boolCol(b, 'can_approve_je'), rows, first, (e) => (e.canApproveJe ? 1 : 0));
      fillNumbers(boolCol(b, 'can_release_payment'), rows, first, (e) => (e.canReleasePayment ? 1 : 0));
      fillNumbers(float64Col(b, 'base_salary'), rows, first, (e) => e.baseSalary);
      fillStrings(stringCol(b, 'location'), rows, first, (e) => e.location);
    });
  },
};
