/** Source `customers` → table `customers` (domain.md §4.2). */
import { boolCol, float64Col, int32Col, stringCol } from '../../engine/batch.js';
import type { SourcePlugin } from '../../engine/plugins.js';
import { customersTable } from '../../tables/master.js';
import { closedSchema, emitBatches, fillNumbers, fillStrings } from '../reference/emit.js';
import { allRows, countOption, masterPartition } from './common.js';

export const customersSource: SourcePlugin = {
  type: 'customers',
  description: 'Customers per company with credit ratings, limits, payment terms and behaviour.',
  method: 'rule_based',
  optionsSchema: closedSchema({
    count: countOption('Customers per company (master_data.customers.count); default 100'),
  }),
  tables: () => [customersTable],
  partitions: (_id, _o, ctx) => masterPartition({ [customersTable.name]: allRows(ctx, (m) => m.customers).length }),
  *generate(_id, _o, partition, ctx) {
    const rows = allRows(ctx, (m) => m.customers);
    yield* emitBatches(customersTable, partition.index, rows.length, ctx.batchRows, (b, first) => {
      fillStrings(stringCol(b, 'customer_id'), rows, first, (c) => c.id);
      fillStrings(stringCol(b, 'company_code'), rows, first, (c) => c.companyCode);
      fillStrings(stringCol(b, 'name'), rows, first, (c) => c.name);
      fillStrings(stringCol(b, 'customer_type'), rows, first, (c) => c.customerType);
      fillStrings(stringCol(b, 'country'), rows, first, (c) => c.country);
      fillStrings(stringCol(b, 'currency'), rows, first, (c) => c.currency);
      fillStrings(stringCol(b, 'credit_rating'), rows, first, (c) => c.creditRating);
      fillNumbers(float64Col(b, 'credit_limit'), rows, first, (c) => c.creditLimit);
      fillNumbers(float64Col(b, 'credit_exposure'), rows, first, (c) => c.creditExposure);
      fillNumbers(boolCol(b, 'credit_blocked'), rows, first, (c) => (c.creditBlocked ? 1 : 0));
      fillStrings(stringCol(b, 'credit_block_reason'), rows, first, (c) => c.creditBlockReason);
      fillStrings(stringCol(b, 'payment_terms'), rows, first, (c) => c.paymentTerms.code);
      fillNumbers(int32Col(b, 'payment_terms_days'), rows, first, (c) => c.paymentTerms.days);
      fillStrings(stringCol(b, 'payment_behavior'), rows, first, (c) => c.paymentBehavior);
      fillNumbers(boolCol(b, 'is_active'), rows, first, (c) => (c.isActive ? 1 : 0));
      fillNumbers(boolCol(b, 'is_intercompany'), rows, first, (c) => (c.isIntercompany ? 1 : 0));
      fillStrings(stringCol(b, 'intercompany_code'), rows, first, (c) => c.intercompanyCode);
      fillStrings(stringCol(b, 'reconciliation_account'), rows, first, (c) => c.reconciliationAccount);
      fillStrings(stringCol(b, 'sales_org'), rows, first, (c) => c.salesOrg);
      fillStrings(stringCol(b, 'distribution_channel'), rows, first, (c) => c.distributionChannel);
      fillStrings(stringCol(b, 'tax_id'), rows, first, (c) => c.taxId);
      fillNumbers(float64Col(b, 'typical_order_min'), rows, first, (c) => c.typicalOrderMin);
      fillNumbers(float64Col(b, 'typical_order_max'), rows, first, (c) => c.typicalOrderMax);
    });
  },
};
