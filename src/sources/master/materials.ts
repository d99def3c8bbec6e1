/** Source `materials` → table `materials` (domain.md §4.4). */
import { boolCol, float64Col, int32Col, stringCol } from '../../engine/batch.js';
import type { SourcePlugin } from '../../engine/plugins.js';
import { materialsTable } from '../../tables/master.js';
import { closedSchema, emitBatches, fillNumbers, fillStrings } from '../reference/emit.js';
import { allRows, countOption, masterPartition } from './common.js';

export const materialsSource: SourcePlugin = {
  type: 'materials',
  description: 'Materials per company with type, valuation, prices, account determination and preferred vendor.',
  method: 'rule_based',
  optionsSchema: closedSchema({
    count: countOption('Materials per company (master_data.materials.count); default 200'),
  }),
  tables: () => [materialsTable],
  partitions: (_id, _o, ctx) => masterPartition({ [materialsTable.name]: allRows(ctx, (m) => m.materials).length }),
  *generate(_id, _o, partition, ctx) {
    const rows = allRows(ctx, (m) => m.materials);
    yield* emitBatches(materialsTable, partition.index, rows.length, ctx.batchRows, (b, first) => {
      fillStrings(stringCol(b, 'material_id'), rows, first, (m) => m.materialId);
      fillStrings(stringCol(b, 'company_code'), rows, first, (m) => m.companyCode);
      fillStrings(stringCol(b, 'description'), rows, first, (m) => m.description);
      fillStrings(stringCol(b, 'material_type'), rows, first, (m) => m.materialType);
      fillStrings(stringCol(b, 'base_uom'), rows, first, (m) => m.baseUom);
      fillStrings(stringCol(b, 'valuation_method'), rows, first, (m) => m.valuationMethod);
      fillNumbers(float64Col(b, 'standard_cost'), rows, first, (m) => m.standardCost);
      fillNumbers(float64Col(b, 'list_price'), rows, first, (m) => m.listPrice);
      fillNumbers(float64Col(b, 'purchase_price'), rows, first, (m) => m.purchasePrice);
      fillStrings(stringCol(b, 'inventory_account'), rows, first, (m) => m.inventoryAccount);
      fillStrings(stringCol(b, 'cogs_account'), rows, first, (m) => m.cogsAccount);
      fillStrings(stringCol(b, 'revenue_account'), rows, first, (m) => m.revenueAccount);
      fillStrings(stringCol(b, 'purchase_expense_account'), rows, first, (m) => m.purchaseExpenseAccount);
      fillStrings(stringCol(b, 'price_difference_account'), rows, first, (m) => m.priceDifferenceAccount);
      fillStrings(stringCol(b, 'gr_ir_account'), rows, first, (m) => m.grIrAccount);
      fillNumbers(boolCol(b, 'has_bom'), rows, first, (m) => (m.hasBom ? 1 : 0));
      fillNumbers(int32Col(b, 'safety_stock'), rows, first, (m) => m.safetyStock);
      fillNumbers(int32Col(b, 'reorder_point'), rows, first, (m) => m.reorderPoint);
      fillStrings(stringCol(b, 'preferred_vendor_id'), rows, first, (m) => m.preferredVendorId);
      fillStrings(stringCol(b, 'plant'), rows, first, (m) => m.plant);
      fillNumbers(boolCol(b, 'is_active'), rows, first, (m) => (m.isActive ? 1 : 0));
    });
  },
};
