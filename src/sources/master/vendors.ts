/** Source `vendors` → tables `vendors` and `vendor_bank_accounts` (domain.md §4.1). */
import { boolCol, float64Col, int32Col, stringCol } from '../../engine/batch.js';
import type { SourcePlugin } from '../../engine/plugins.js';
import type { VendorBankAccount, VendorMaster } from '../../domain/master-types.js';
import { vendorBankAccountsTable, vendorsTable } from '../../tables/master.js';
import { closedSchema, emitBatches, fillNumbers, fillStrings, toMicros } from '../reference/emit.js';
import { allRows, countOption, masterPartition } from './common.js';

interface BankRow { readonly vendorId: string; readonly account: VendorBankAccount }

function bankRows(vendors: readonly VendorMaster[]): BankRow[] {
  const out: BankRow[] = [];
  for (const v of vendors) for (const account of v.bankAccounts) out.push({ vendorId: v.id, account });
  return out;
}

export const vendorsSource: SourcePlugin = {
  type: 'vendors',
  description: 'Vendors per company (regular, intercompany, reserve pool, shell) and their bank accounts.',
  method: 'rule_based',
  optionsSchema: closedSchema({
    count: countOption('Vendors per company (master_data.vendors.count); default 50'),
    shell_count: countOption('Additional shell vendors per company, used only by fictitious_vendor (master_data.vendors.shell_count); default 2'),
  }),
  tables: () => [vendorsTable, vendorBankAccountsTable],
  partitions: (_id, _o, ctx) => {
    const vendors = allRows(ctx, (m) => m.vendors);
    return masterPartition({ [vendorsTable.name]: vendors.length, [vendorBankAccountsTable.name]: bankRows(vendors).length });
  },
  *generate(_id, _o, partition, ctx) {
    const rows = allRows(ctx, (m) => m.vendors);
    yield* emitBatches(vendorsTable, partition.index, rows.length, ctx.batchRows, (b, first) => {
      fillStrings(stringCol(b, 'vendor_id'), rows, first, (v) => v.id);
      fillStrings(stringCol(b, 'company_code'), rows, first, (v) => v.companyCode);
      fillStrings(stringCol(b, 'name'), rows, first, (v) => v.name);
      fillStrings(stringCol(b, 'vendor_type'), rows, first, (v) => v.vendorType);
      fillStrings(stringCol(b, 'spend_category'), rows, first, (v) => v.spendCategory);
      fillStrings(stringCol(b, 'country'), rows, first, (v) => v.country);
      fillStrings(stringCol(b, 'currency'), rows, first, (v) => v.currency);
      fillStrings(stringCol(b, 'payment_terms'), rows, first, (v) => v.paymentTerms.code);
      fillNumbers(int32Col(b, 'payment_terms_days'), rows, first, (v) => v.paymentTerms.days);
      fillStrings(stringCol(b, 'behavior'), rows, first, (v) => v.behavior);
      fillNumbers(boolCol(b, 'is_active'), rows, first, (v) => (v.isActive ? 1 : 0));
      fillNumbers(boolCol(b, 'is_intercompany'), rows, first, (v) => (v.isIntercompany ? 1 : 0));
      fillStrings(stringCol(b, 'intercompany_code'), rows, first, (v) => v.intercompanyCode);
      fillStrings(stringCol(b, 'tax_id'), rows, first, (v) => v.taxId);
      fillStrings(stringCol(b, 'reconciliation_account'), rows, first, (v) => v.reconciliationAccount);
      fillNumbers(boolCol(b, 'withholding_tax_applicable'), rows, first, (v) => (v.withholdingTaxApplicable ? 1 : 0));
      fillNumbers(float64Col(b, 'withholding_tax_rate'), rows, first, (v) => toMicros(v.withholdingTaxRate));
      fillNumbers(boolCol(b, 'is_one_time'), rows, first, (v) => (v.isOneTime ? 1 : 0));
      fillStrings(stringCol(b, 'purchasing_org'), rows, first, (v) => v.purchasingOrg);
      fillNumbers(float64Col(b, 'typical_amount_min'), rows, first, (v) => v.typicalAmountMin);
      fillNumbers(float64Col(b, 'typical_amount_max'), rows, first, (v) => v.typicalAmountMax);
    });
    const banks = bankRows(rows);
    yield* emitBatches(vendorBankAccountsTable, partition.index, banks.length, ctx.batchRows, (b, first) => {
      fillStrings(stringCol(b, 'vendor_id'), banks, first, (r) => r.vendorId);
      fillNumbers(int32Col(b, 'seq'), banks, first, (r) => r.account.seq);
      fillStrings(stringCol(b, 'bank_name'), banks, first, (r) => r.account.bankName);
      fillStrings(stringCol(b, 'bank_country'), banks, first, (r) => r.account.bankCountry);
      fillStrings(stringCol(b, 'account_number'), banks, first, (r) => r.account.accountNumber);
      fillStrings(stringCol(b, 'routing_code'), banks, first, (r) => r.account.routingCode);
      fillStrings(stringCol(b, 'holder_name'), banks, first, (r) => r.account.holderName);
      fillNumbers(boolCol(b, 'is_primary'), banks, first, (r) => (r.account.isPrimary ? 1 : 0));
    });
  },
};
