/** Source `fixed_assets` → table `fixed_assets` (domain.md §4.7). */
import { float64Col, int32Col, stringCol } from '../../engine/batch.js';
import type { SourcePlugin } from '../../engine/plugins.js';
import { fixedAssetsTable } from '../../tables/master.js';
import { closedSchema, emitBatches, fillNumbers, fillStrings } from '../reference/emit.js';
import { allRows, countOption, masterPartition } from './common.js';

export const fixedAssetsSource: SourcePlugin = {
  type: 'fixed_assets',
  description: 'Fixed assets per company with cost, useful life and accumulated depreciation at the start of the range.',
  method: 'rule_based',
  optionsSchema: closedSchema({
    count: countOption('Fixed assets per company (master_data.fixed_assets.count); default 50'),
  }),
  tables: () => [fixedAssetsTable],
  partitions: (_id, _o, ctx) => masterPartition({ [fixedAssetsTable.name]: allRows(ctx, (m) => m.fixedAssets).length }),
  *generate(_id, _o, partition, ctx) {
    const rows = allRows(ctx, (m) => m.fixedAssets);
    yield* emitBatches(fixedAssetsTable, partition.index, rows.length, ctx.batchRows, (b, first) => {
      fillStrings(stringCol(b, 'asset_id'), rows, first, (a) => a.assetId);
      fillStrings(stringCol(b, 'company_code'), rows, first, (a) => a.companyCode);
      fillStrings(stringCol(b, 'description'), rows, first, (a) => a.description);
      fillStrings(stringCol(b, 'asset_class'), rows, first, (a) => a.assetClass);
      fillNumbers(int32Col(b, 'acquisition_date'), rows, first, (a) => a.acquisitionDate);
      fillNumbers(float64Col(b, 'acquisition_cost'), rows, first, (a) => a.acquisitionCost);
      fillNumbers(float64Col(b, 'salvage_value'), rows, first, (a) => a.salvageValue);
      fillNumbers(int32Col(b, 'useful_life_months'), rows, first, (a) => a.usefulLifeMonths);
      fillStrings(stringCol(b, 'depreciation_method'), rows, first, (a) => a.depreciationMethod);
      fillNumbers(float64Col(b, 'accumulated_depreciation'), rows, first, (a) => a.accumulatedDepreciation);
      fillNumbers(float64Col(b, 'net_book_value'), rows, first, (a) => a.netBookValue);
      fillStrings(stringCol(b, 'status'), rows, first, (a) => a.status);
      fillStrings(stringCol(b, 'cost_center_id'), rows, first, (a) => a.costCenterId);
    });
  },
};
