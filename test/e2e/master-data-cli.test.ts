/**
 * The master-data sources through the built CLI (run `npx tsc -p tsconfig.json` first): CSV headers equal the
 * domain.md §10 column lists, row counts match the config, and the foreign keys of §11 I16 resolve across files.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { runCli, tempDirs } from '../support/cli.js';

const { tmp, cleanup } = tempDirs();
afterAll(cleanup);

const PIPELINE = `version: 1
seed: 7
period: { start: 2025-01-01, months: 2 }
companies:
  - { code: "1000", name: "Acme US, Inc.", currency: USD, country: US, volume: 600 }
  - { code: "2000", name: Acme DE, currency: EUR, country: DE, volume: 600 }
sources:
  companies: { type: companies }
  coa: { type: chart_of_accounts }
  cost_centers: { type: cost_centers }
  employees: { type: employees, email_domain: acme.example }
  vendors: { type: vendors, count: 40, shell_count: 3 }
  customers: { type: customers, count: 60 }
  materials: { type: materials, count: 25 }
  assets: { type: fixed_assets, count: 11 }
  gl: { type: journal_entries }
sinks:
  out: { type: file, inputs: [companies, coa, cost_centers, employees, vendors, customers, materials, assets, gl], path: ./out, format: csv }
`;

/** domain.md §10, verbatim. */
const COLUMNS: Record<string, string> = {
  employees: 'employee_id, user_id, company_code, first_name, last_name, display_name, email, department, job_level, job_title, cost_center_id, manager_id, status, hire_date, termination_date, approval_limit, can_approve_po, can_approve_invoice, can_approve_je, can_release_payment, base_salary, location',
  vendors: 'vendor_id, company_code, name, vendor_type, spend_category, country, currency, payment_terms, payment_terms_days, behavior, is_active, is_intercompany, intercompany_code, tax_id, reconciliation_account, withholding_tax_applicable, withholding_tax_rate, is_one_time, purchasing_org, typical_amount_min, typical_amount_max',
  vendor_bank_accounts: 'vendor_id, seq, bank_name, bank_country, account_number, routing_code, holder_name, is_primary',
  customers: 'customer_id, company_code, name, customer_type, country, currency, credit_rating, credit_limit, credit_exposure, credit_blocked, credit_block_reason, payment_terms, payment_terms_days, payment_behavior, is_active, is_intercompany, intercompany_code, reconciliation_account, sales_org, distribution_channel, tax_id, typical_order_min, typical_order_max',
  materials: 'material_id, company_code, description, material_type, base_uom, valuation_method, standard_cost, list_price, purchase_price, inventory_account, cogs_account, revenue_account, purchase_expense_account, price_difference_account, gr_ir_account, has_bom, safety_stock, reorder_point, preferred_vendor_id, plant, is_active',
  fixed_assets: 'asset_id, company_code, description, asset_class, acquisition_date, acquisition_cost, salvage_value, useful_life_months, depreciation_method, accumulated_depreciation, net_book_value, status, cost_center_id',
};

type Row = Record<string, string>;

describe('master-data sources through the CLI', () => {
  let dir: string;
  let code: number | null;
  let stderr: string;
  const csv = (table: string): { header: string; rows: Row[] } => {
    const text = readFileSync(join(dir, 'out', `${table}.csv`), 'utf8');
    return { header: text.slice(0, text.indexOf('\n')), rows: parse(text, { columns: true }) as Row[] };
  };

  beforeAll(async () => {
    dir = tmp();
    writeFileSync(join(dir, 'pipeline.yaml'), PIPELINE);
    // A few hundred entries are too few for benford_mad (min_n 1000 → not evaluated → fail): gates warn here.
    const r = await runCli(['run', join(dir, 'pipeline.yaml'), '--out', join(dir, 'out'), '--gates', 'warn']);
    code = r.code;
    stderr = r.stderr;
  }, 120_000);

  it('runs and writes the §10 headers with the configured row counts', () => {
    expect(stderr).not.toMatch(/error/i);
    expect(code).toBe(0);
    const counts: Record<string, number> = { employees: 136, vendors: 86, customers: 120, materials: 50, fixed_assets: 22 };
    for (const [table, cols] of Object.entries(COLUMNS)) {
      const { header, rows } = csv(table);
      expect(header, table).toBe(cols.replace(/, /g, ','));
      if (table in counts) expect(rows, table).toHaveLength(counts[table]);
    }
    const banks = csv('vendor_bank_accounts').rows;
    expect(banks.length).toBeGreaterThanOrEqual(86);
    expect(banks.length).toBeLessThanOrEqual(172);
    const manifest = JSON.parse(readFileSync(join(dir, 'out', 'manifest.json'), 'utf8')) as { tables: Record<string, { rows: number }> };
    for (const [table, n] of Object.entries(counts)) expect(manifest.tables[table].rows).toBe(n);
    expect(manifest.tables.vendor_bank_accounts.rows).toBe(banks.length);
  });

  it('writes values in the documented formats', () => {
    const v = csv('vendors').rows;
    expect(v[0].vendor_id).toBe('V-000001');
    expect(v[43].vendor_id).toBe('V-000044');
    expect(v[43].company_code).toBe('2000');
    expect(v.every((r) => /^\d+\.\d{2}$/.test(r.typical_amount_min) && /^\d+\.\d{6}$/.test(r.withholding_tax_rate))).toBe(true);
    expect(v.filter((r) => r.company_code === '2000')[0].typical_amount_min).toBe('92.00');
    expect(v.every((r) => (r.is_intercompany === 'true') === (r.intercompany_code !== ''))).toBe(true);
    const e = csv('employees').rows;
    expect(e[0].manager_id).toBe('');
    expect(e.every((r) => /^\d{4}-\d{2}-\d{2}$/.test(r.hire_date) && r.email.endsWith('@acme.example'))).toBe(true);
    expect(e.every((r) => (r.status === 'terminated') === (r.termination_date !== ''))).toBe(true);
    const c = csv('customers').rows;
    expect(c.every((r) => (r.credit_blocked === 'true') === (r.credit_rating === 'D'))).toBe(true);
  });

  it('resolves the foreign keys across files (domain.md §11 I16)', () => {
    const ids = (table: string, col: string) => new Set(csv(table).rows.map((r) => r[col]));
    const companies = ids('companies', 'company_code');
    const costCenters = ids('cost_centers', 'cost_center_id');
    const employees = ids('employees', 'employee_id');
    const vendors = ids('vendors', 'vendor_id');
    const customers = ids('customers', 'customer_id');
    const accounts = ids('chart_of_accounts', 'account_number');
    for (const r of csv('employees').rows) {
      expect(costCenters.has(r.cost_center_id)).toBe(true);
      if (r.manager_id !== '') expect(employees.has(r.manager_id)).toBe(true);
      expect(companies.has(r.company_code)).toBe(true);
    }
    for (const r of csv('cost_centers').rows) {
      if (r.parent_id !== '') expect(costCenters.has(r.parent_id)).toBe(true);
      expect(employees.has(r.responsible_employee_id)).toBe(true);
    }
    for (const r of csv('materials').rows) {
      expect(vendors.has(r.preferred_vendor_id)).toBe(true);
      for (const a of ['inventory_account', 'cogs_account', 'revenue_account', 'purchase_expense_account', 'price_difference_account', 'gr_ir_account']) {
        expect(accounts.has(r[a]), `${a} ${r[a]}`).toBe(true);
      }
    }
    for (const r of csv('fixed_assets').rows) expect(costCenters.has(r.cost_center_id)).toBe(true);
    for (const r of csv('vendor_bank_accounts').rows) expect(vendors.has(r.vendor_id)).toBe(true);
    // Journal lines name vendors and customers of the written master tables.
    const lines = csv('journal_entry_lines').rows;
    const withVendor = lines.filter((r) => r.vendor_id !== '');
    const withCustomer = lines.filter((r) => r.customer_id !== '');
    expect(withVendor.length).toBeGreaterThan(0);
    expect(withCustomer.length).toBeGreaterThan(0);
    expect(withVendor.every((r) => vendors.has(r.vendor_id))).toBe(true);
    expect(withCustomer.every((r) => customers.has(r.customer_id))).toBe(true);
  });
});
