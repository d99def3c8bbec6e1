/** Source `cost_centers` → table `cost_centers` (domain.md §4.6). */
import { boolCol, int32Col, stringCol } from '../../engine/batch.js';
import type { SourcePlugin } from '../../engine/plugins.js';
import { costCentersTable } from '../../tables/reference.js';
import { closedSchema, emitBatches, fillNumbers, fillStrings, singlePartition } from './emit.js';

export const costCentersSource: SourcePlugin = {
  type: 'cost_centers',
  description: 'Cost centers: a fixed two-level tree of 21 per company.',
  method: 'rule_based',
  optionsSchema: closedSchema(),
  tables: () => [costCentersTable],
  partitions: (_id, _o, ctx) => singlePartition(costCentersTable.name, ctx.reference.costCenters.length),
  *generate(_id, _o, partition, ctx) {
    const rows = ctx.reference.costCenters;
    yield* emitBatches(costCentersTable, partition.index, rows.length, ctx.batchRows, (b, first) => {
      fillStrings(stringCol(b, 'cost_center_id'), rows, first, (c) => c.id);
      fillStrings(stringCol(b, 'company_code'), rows, first, (c) => c.companyCode);
      fillStrings(stringCol(b, 'name'), rows, first, (c) => c.name);
      fillStrings(stringCol(b, 'parent_id'), rows, first, (c) => c.parentId);
      fillStrings(stringCol(b, 'category'), rows, first, (c) => c.category);
      fillNumbers(int32Col(b, 'level'), rows, first, (c) => c.level);
      fillStrings(stringCol(b, 'responsible_employee_id'), rows, first, (c) => c.responsibleEmployeeId);
      fillNumbers(boolCol(b, 'is_active'), rows, first, (c) => (c.isActive ? 1 : 0));
    });
  },
};
