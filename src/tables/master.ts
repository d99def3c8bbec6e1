/**
 * Schemas of the master-data tables (domain.md §4, §10): vendors, vendor_bank_accounts, customers, materials,
 * employees, fixed_assets — columns exactly in the listed order. Money is company-currency cents, rates
 * decimal6, dates day numbers.
 */
import { defineTable, type TableSchema } from '../engine/schema.js';

const COMPANY_FK = { table: 'companies', column: 'company_code' } as const;
const VENDOR_FK = { table: 'vendors', column: 'vendor_id' } as const;
const EMPLOYEE_FK = { table: 'employees', column: 'employee_id' } as const;
const COST_CENTER_FK = { table: 'cost_centers', column: 'cost_center_id' } as const;
const ACCOUNT_FK = { table: 'chart_of_accounts', column: 'account_number' } as const;

export const vendorsTable: TableSchema = defineTable('vendors', 'Vendors per company incl. intercompany, reserve-pool and shell vendors (domain.md §4.1).', [
  ['vendor_id', { type: 'string', description: 'V-{n:06}, n = company_index × (count + shell_count) + i + 1.' }],
  ['company_code', { type: 'string', references: COMPANY_FK, description: 'Owning company.' }],
  ['name', { type: 'string', freeText: true, description: 'Vendor name: a brand of the category or a template name with legal suffix, deduplicated.' }],
  ['vendor_type', { type: 'string', description: 'supplier, technology, professional_services, logistics, utility, service_provider, real_estate or contractor (from spend_category).' }],
  ['spend_category', { type: 'string', description: 'Spend category (office_supplies, it_services, … travel).' }],
  ['country', { type: 'string', description: 'Country of the company, ISO 3166-1 alpha-2.' }],
  ['currency', { type: 'string', description: 'Currency of the company, ISO 4217.' }],
  ['payment_terms', { type: 'string', description: 'Payment terms code (immediate, net15, net30, net60, two_ten_net30 …).' }],
  ['payment_terms_days', { type: 'int', description: 'Nominal days of the payment terms.' }],
  ['behavior', { type: 'string', description: 'Payment-deadline behaviour: flexible, strict, very_flexible or aggressive.' }],
  ['is_active', { type: 'bool', description: 'Always true.' }],
  ['is_intercompany', { type: 'bool', description: 'Vendor is another group company (never used by P2P chains).' }],
  ['intercompany_code', { type: 'string', nullableByDesign: true, description: 'IC-{other company code} for intercompany vendors; null otherwise.' }],
  ['tax_id', { type: 'string', description: 'Tax id NN-NNNNNNN.' }],
  ['reconciliation_account', { type: 'string', references: ACCOUNT_FK, description: 'AP reconciliation account (2000).' }],
  ['withholding_tax_applicable', { type: 'bool', description: 'Always false.' }],
  ['withholding_tax_rate', { type: 'decimal6', description: 'Withholding tax rate as a fraction; 0.' }],
  ['is_one_time', { type: 'bool', description: 'Always false.' }],
  ['purchasing_org', { type: 'string', description: 'Purchasing organisation (= company code).' }],
  ['typical_amount_min', { type: 'money', description: 'Typical invoice amount, lower bound (100 group units in company currency).' }],
  ['typical_amount_max', { type: 'money', description: 'Typical invoice amount, upper bound (10 000 group units in company currency).' }],
], ['vendor_id']);

export const vendorBankAccountsTable: TableSchema = defineTable('vendor_bank_accounts', 'Bank accounts of vendors: one, a second for 20 % (domain.md §4.1).', [
  ['vendor_id', { type: 'string', references: VENDOR_FK, description: 'Vendor owning the account.' }],
  ['seq', { type: 'int', description: 'Ordinal of the account within the vendor (1-based).' }],
  ['bank_name', { type: 'string', freeText: true, description: 'Bank name.' }],
  ['bank_country', { type: 'string', description: 'Country of the bank (= vendor country).' }],
  ['account_number', { type: 'string', description: '10-digit account number.' }],
  ['routing_code', { type: 'string', description: '9-digit routing code.' }],
  ['holder_name', { type: 'string', freeText: true, description: 'Account holder: Vendor {vendor_id}.' }],
  ['is_primary', { type: 'bool', description: 'True for the first account of a vendor.' }],
], ['vendor_id', 'seq']);

export const customersTable: TableSchema = defineTable('customers', 'Customers per company incl. intercompany and reserve-pool customers (domain.md §4.2).', [
  ['customer_id', { type: 'string', description: 'C-{n:06}, n = company_index × count + i + 1.' }],
  ['company_code', { type: 'string', references: COMPANY_FK, description: 'Owning company.' }],
  ['name', { type: 'string', freeText: true, description: 'Customer name from industry templates, deduplicated.' }],
  ['customer_type', { type: 'string', description: 'corporate or intercompany.' }],
  ['country', { type: 'string', description: 'Country of the company, ISO 3166-1 alpha-2.' }],
  ['currency', { type: 'string', description: 'Currency of the company, ISO 4217.' }],
  ['credit_rating', { type: 'string', description: 'AAA, AA, A, BBB, BB, B, CCC or D.' }],
  ['credit_limit', { type: 'money', description: 'Credit limit, uniform in the band of the rating, in company currency.' }],
  ['credit_exposure', { type: 'money', description: 'Open exposure at the start of the range; 0.00.' }],
  ['credit_blocked', { type: 'bool', description: 'True iff the rating is D.' }],
  ['credit_block_reason', { type: 'string', nullableByDesign: true, description: 'rating_d for blocked customers; null otherwise.' }],
  ['payment_terms', { type: 'string', description: 'Payment terms code.' }],
  ['payment_terms_days', { type: 'int', description: 'Nominal days of the payment terms.' }],
  ['payment_behavior', { type: 'string', description: 'early_payer, on_time, slightly_late, often_late or high_risk.' }],
  ['is_active', { type: 'bool', description: 'Always true.' }],
  ['is_intercompany', { type: 'bool', description: 'Customer is another group company (excluded from O2C chains).' }],
  ['intercompany_code', { type: 'string', nullableByDesign: true, description: 'IC-{other company code} for intercompany customers; null otherwise.' }],
  ['reconciliation_account', { type: 'string', references: ACCOUNT_FK, description: 'AR reconciliation account (1100).' }],
  ['sales_org', { type: 'string', description: 'Sales organisation (= company code).' }],
  ['distribution_channel', { type: 'string', description: 'Distribution channel; 10.' }],
  ['tax_id', { type: 'string', description: 'Tax id NN-NNNNNNN.' }],
  ['typical_order_min', { type: 'money', description: 'Typical order amount, lower bound (500 group units in company currency).' }],
  ['typical_order_max', { type: 'money', description: 'Typical order amount, upper bound (50 000 group units in company currency).' }],
], ['customer_id']);

export const materialsTable: TableSchema = defineTable('materials', 'Materials per company with prices and account determination (domain.md §4.4).', [
  ['material_id', { type: 'string', description: 'MAT-{n:06}, n = company_index × count + i + 1.' }],
  ['company_code', { type: 'string', references: COMPANY_FK, description: 'Owning company.' }],
  ['description', { type: 'string', freeText: true, description: 'Description from type-specific lists.' }],
  ['material_type', { type: 'string', description: 'raw_material, finished_good, semi_finished, trading_good, operating_supplies or packaging.' }],
  ['base_uom', { type: 'string', description: 'Base unit of measure: EA (operating_supplies H).' }],
  ['valuation_method', { type: 'string', description: 'standard_cost, moving_average, fifo or lifo.' }],
  ['standard_cost', { type: 'money', description: 'Standard cost per unit in company currency (U[10, 10 000] group units).' }],
  ['list_price', { type: 'money', description: 'List price = standard_cost / (1 − margin), margin U[0.20, 0.50].' }],
  ['purchase_price', { type: 'money', description: 'Purchase price (= standard_cost).' }],
  ['inventory_account', { type: 'string', references: ACCOUNT_FK, description: 'Inventory account (1200).' }],
  ['cogs_account', { type: 'string', references: ACCOUNT_FK, description: 'Cost-of-goods-sold account (5000).' }],
  ['revenue_account', { type: 'string', references: ACCOUNT_FK, description: 'Revenue account (4000).' }],
  ['purchase_expense_account', { type: 'string', references: ACCOUNT_FK, description: 'Purchase expense account (5100; operating_supplies 6500).' }],
  ['price_difference_account', { type: 'string', references: ACCOUNT_FK, description: 'Price difference account (5400).' }],
  ['gr_ir_account', { type: 'string', references: ACCOUNT_FK, description: 'GR/IR clearing account (2900).' }],
  ['has_bom', { type: 'bool', description: 'Has a bill of materials (25 % of finished and semi-finished goods).' }],
  ['safety_stock', { type: 'int', description: 'Safety stock, U{10..499}.' }],
  ['reorder_point', { type: 'int', description: 'Reorder point = 2 × safety_stock.' }],
  ['preferred_vendor_id', { type: 'string', nullableByDesign: true, references: VENDOR_FK, description: 'Preferred vendor, uniform among the company\'s P2P vendors; null when there is none.' }],
  ['plant', { type: 'string', description: 'Plant P{company code}.' }],
  ['is_active', { type: 'bool', description: 'Always true.' }],
], ['material_id']);

export const employeesTable: TableSchema = defineTable('employees', 'Employees: a fixed organisation of 68 per company (domain.md §4.5).', [
  ['employee_id', { type: 'string', description: 'EMP-{company}-{n:06}.' }],
  ['user_id', { type: 'string', description: 'u{n:06}, n = company_index × 68 + i + 1 (documents\' created_by).' }],
  ['company_code', { type: 'string', references: COMPANY_FK, description: 'Employing company.' }],
  ['first_name', { type: 'string', freeText: true, description: 'First name.' }],
  ['last_name', { type: 'string', freeText: true, description: 'Last name.' }],
  ['display_name', { type: 'string', freeText: true, description: 'First and last name.' }],
  ['email', { type: 'string', description: 'first.last@{email domain} (ASCII-folded).' }],
  ['department', { type: 'string', description: 'executive, finance, procurement, sales, warehouse or it.' }],
  ['job_level', { type: 'string', description: 'staff, senior, manager, director, vice_president or executive.' }],
  ['job_title', { type: 'string', freeText: true, description: 'Job title from department and level.' }],
  ['cost_center_id', { type: 'string', references: COST_CENTER_FK, description: 'Cost center of the employee (by department, round-robin over subs).' }],
  ['manager_id', { type: 'string', nullableByDesign: true, references: EMPLOYEE_FK, description: 'Manager; null for the CEO.' }],
  ['status', { type: 'string', description: 'active, on_leave (2 %) or terminated (1 %).' }],
  ['hire_date', { type: 'date', description: 'Hire date: start_date − U{30..7300} days.' }],
  ['termination_date', { type: 'date', nullableByDesign: true, description: 'Termination date in range for terminated employees; null otherwise.' }],
  ['approval_limit', { type: 'money', description: 'Approval limit of the job level in company currency.' }],
  ['can_approve_po', { type: 'bool', description: 'Procurement manager or above.' }],
  ['can_approve_invoice', { type: 'bool', description: 'Finance senior or above.' }],
  ['can_approve_je', { type: 'bool', description: 'Finance senior or above.' }],
  ['can_release_payment', { type: 'bool', description: 'Finance manager or above.' }],
  ['base_salary', { type: 'money', description: 'Annual base salary in company currency (band of the job level).' }],
  ['location', { type: 'string', description: 'Country of the company.' }],
], ['employee_id']);

export const fixedAssetsTable: TableSchema = defineTable('fixed_assets', 'Fixed assets per company with cost and straight-line accumulated depreciation at start (domain.md §4.7).', [
  ['asset_id', { type: 'string', description: 'FA-{company}-{n:06}.' }],
  ['company_code', { type: 'string', references: COMPANY_FK, description: 'Owning company.' }],
  ['description', { type: 'string', freeText: true, description: 'Description from class-specific lists.' }],
  ['asset_class', { type: 'string', description: 'buildings, machinery, vehicles, furniture, it_equipment, software or leasehold_improvements.' }],
  ['acquisition_date', { type: 'date', description: 'Acquisition date (before start_date).' }],
  ['acquisition_cost', { type: 'money', description: 'Acquisition cost in company currency (U[1 000, 500 000] group units).' }],
  ['salvage_value', { type: 'money', description: 'Salvage value: 5 % of cost.' }],
  ['useful_life_months', { type: 'int', description: 'Useful life of the class in months.' }],
  ['depreciation_method', { type: 'string', description: 'straight_line, double_declining, macrs or sum_of_years.' }],
  ['accumulated_depreciation', { type: 'money', description: 'Straight-line depreciation of (cost − salvage) for the elapsed whole months, capped at cost − salvage.' }],
  ['net_book_value', { type: 'money', description: 'acquisition_cost − accumulated_depreciation.' }],
  ['status', { type: 'string', description: 'active, fully_depreciated (10 %) or disposed (2 %).' }],
  ['cost_center_id', { type: 'string', references: COST_CENTER_FK, description: 'Leaf cost center by class (PROD subs, CORP-IT or CORP-EXEC).' }],
], ['asset_id']);

/** All master-data tables, in the order the master-data sources emit them. */
export const masterTables: readonly TableSchema[] = Object.freeze([
  employeesTable, vendorsTable, vendorBankAccountsTable, customersTable, materialsTable, fixedAssetsTable,
]);
