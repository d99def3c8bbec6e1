/**
 * Schemas of the reference tables (domain.md §10): companies, chart_of_accounts, fx_rates, holidays,
 * cost_centers, je_users — columns exactly in the listed order.
 */
import { defineTable, type TableSchema } from '../engine/schema.js';

const COMPANY_FK = { table: 'companies', column: 'company_code' } as const;

export const companiesTable: TableSchema = defineTable('companies', 'Companies of the group; the first is the parent, the others 100 % subsidiaries (domain.md §3.1).', [
  ['company_code', { type: 'string', description: 'Company code as configured.' }],
  ['company_name', { type: 'string', freeText: true, description: 'Company name as configured.' }],
  ['currency', { type: 'string', description: 'Company (local) currency, ISO 4217.' }],
  ['functional_currency', { type: 'string', description: 'Functional currency, ISO 4217 (defaults to currency).' }],
  ['country', { type: 'string', description: 'Country, ISO 3166-1 alpha-2; selects the holiday calendar.' }],
  ['fiscal_year_variant', { type: 'string', description: 'Fiscal year variant; always K4 (calendar year, periods 1–12).' }],
  ['annual_volume', { type: 'int', description: 'Standalone journal entries per year before weighting (presets resolved).' }],
  ['volume_weight', { type: 'decimal6', description: 'Multiplier on annual_volume.' }],
  ['tax_rate', { type: 'decimal6', description: 'VAT / sales-tax rate applied to document flows, as a fraction.' }],
  ['is_parent', { type: 'bool', description: 'True for the group parent (first configured company).' }],
  ['parent_company_code', { type: 'string', nullableByDesign: true, references: COMPANY_FK, description: 'Parent company; null for the parent itself.' }],
  ['ownership_percent', { type: 'decimal6', description: 'Ownership by the parent as a fraction (1.000000 = 100 %).' }],
  ['is_consolidation_entity', { type: 'bool', description: 'True for the entity that consolidates the group (the parent).' }],
], ['company_code']);

export const chartOfAccountsTable: TableSchema = defineTable('chart_of_accounts', 'One chart of accounts shared by all companies: canonical, generated, clearing and legacy accounts (domain.md §2).', [
  ['coa_id', { type: 'string', description: 'Chart id COA_{INDUSTRY}_{target}.' }],
  ['account_number', { type: 'string', description: 'Account number; its first digit is the category (1 asset … 9 suspense).' }],
  ['short_description', { type: 'string', freeText: true, description: 'Account name.' }],
  ['long_description', { type: 'string', freeText: true, description: 'Name with type and sub-type.' }],
  ['account_type', { type: 'string', description: 'asset, liability, equity, revenue or expense.' }],
  ['sub_type', { type: 'string', description: 'Account sub-type (e.g. cash, accounts_payable, operating_expenses).' }],
  ['account_class', { type: 'int', description: 'First digit of the account number.' }],
  ['account_group', { type: 'string', description: 'Account group; DEFAULT.' }],
  ['is_control_account', { type: 'bool', description: 'Reconciliation (control) account: 1100, 1150, 2000, 2050.' }],
  ['is_suspense_account', { type: 'bool', description: 'Clearing / suspense account (clearing sub-types, 2900, 9xxx).' }],
  ['normal_debit_balance', { type: 'bool', description: 'True when the account normally carries a debit balance.' }],
  ['is_postable', { type: 'bool', description: 'False for blocked legacy accounts.' }],
  ['is_blocked', { type: 'bool', description: 'Blocked for posting (legacy 198000, 298000).' }],
  ['requires_cost_center', { type: 'bool', description: 'Lines on this account carry a cost center (first digit 5 or 6).' }],
  ['requires_profit_center', { type: 'bool', description: 'Always false.' }],
  ['parent_account', { type: 'string', nullableByDesign: true, description: 'Parent account; null (flat chart).' }],
  ['hierarchy_level', { type: 'int', description: 'Hierarchy level; 1 (flat chart).' }],
], ['account_number']);

export const fxRatesTable: TableSchema = defineTable('fx_rates', 'Daily exchange rates of every non-group company currency into the group currency (domain.md §3.2).', [
  ['rate_date', { type: 'date', description: 'Calendar day (every day in range).' }],
  ['from_currency', { type: 'string', description: 'Company currency.' }],
  ['to_currency', { type: 'string', description: 'Group currency.' }],
  ['rate', { type: 'decimal6', description: 'Group-currency units per 1 unit of from_currency, 6 places (the exchange_rate of journal lines).' }],
], ['rate_date', 'from_currency']);

export const holidaysTable: TableSchema = defineTable('holidays', 'Public holidays in range of every company country (domain.md §3.3).', [
  ['country', { type: 'string', description: 'Country, ISO 3166-1 alpha-2.' }],
  ['holiday_date', { type: 'date', description: 'Date of the holiday (observed / substitute date where it moves).' }],
  ['name', { type: 'string', freeText: true, description: 'Holiday name.' }],
  ['activity_multiplier', { type: 'decimal6', description: 'Activity multiplier used by the posting-day weights.' }],
], ['country', 'holiday_date']);

export const costCentersTable: TableSchema = defineTable('cost_centers', 'Cost centers: a fixed two-level tree of 21 per company (domain.md §4.6).', [
  ['cost_center_id', { type: 'string', description: 'CC-{company}-{DEPT}[-{SUB}].' }],
  ['company_code', { type: 'string', references: COMPANY_FK, description: 'Owning company.' }],
  ['name', { type: 'string', freeText: true, description: 'Cost center name.' }],
  ['parent_id', { type: 'string', nullableByDesign: true, references: { table: 'cost_centers', column: 'cost_center_id' }, description: 'Department cost center of a sub; null for departments.' }],
  ['category', { type: 'string', description: 'administration, production, sales, r_and_d or corporate.' }],
  ['level', { type: 'int', description: '1 department, 2 sub (JE lines use level 2 only).' }],
  ['responsible_employee_id', { type: 'string', nullable: true, references: { table: 'employees', column: 'employee_id' }, description: 'Responsible employee (department head, COO or CEO).' }],
  ['is_active', { type: 'bool', description: 'Always true.' }],
], ['cost_center_id']);

export const jeUsersTable: TableSchema = defineTable('je_users', 'Posting identities of the ledger: human and automated users per company plus reserved system users (domain.md §4.5).', [
  ['user_id', { type: 'string', description: 'Human {F}{SURNAM}{nnn}, automated BATCH{n:04}, or SYSTEM / IC_GENERATOR / CONSOLIDATION.' }],
  ['company_code', { type: 'string', nullableByDesign: true, references: COMPANY_FK, description: 'Company of the user; null for the reserved system users.' }],
  ['display_name', { type: 'string', freeText: true, description: 'Display name.' }],
  ['persona', { type: 'string', description: 'junior_accountant, senior_accountant, controller, manager, executive, automated_system or system.' }],
  ['is_automated', { type: 'bool', description: 'True for automated and system users.' }],
  ['working_hours_pattern', { type: 'string', description: 'us_standard, european, asian or always.' }],
  ['approval_limit', { type: 'money', nullableByDesign: true, description: 'Approval limit in group currency; null = none / not applicable.' }],
], ['user_id']);

/** All reference tables, in the order the reference sources emit them. */
export const referenceTables: readonly TableSchema[] = Object.freeze([
  companiesTable, chartOfAccountsTable, fxRatesTable, holidaysTable, costCentersTable, jeUsersTable,
]);
