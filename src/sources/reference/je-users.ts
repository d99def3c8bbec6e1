/** Source `je_users` → table `je_users` (domain.md §4.5). */
import { boolCol, float64Col, nullMask, stringCol } from '../../engine/batch.js';
import type { SourcePlugin } from '../../engine/plugins.js';
import { jeUsersTable } from '../../tables/reference.js';
import { closedSchema, emitBatches, fillNumbers, fillStrings, singlePartition } from './emit.js';

export const jeUsersSource: SourcePlugin = {
  type: 'je_users',
  description: 'Posting identities: 21 human and 20 automated users per company, plus SYSTEM, IC_GENERATOR and CONSOLIDATION.',
  method: 'rule_based',
  optionsSchema: closedSchema(),
  tables: () => [jeUsersTable],
  partitions: (_id, _o, ctx) => singlePartition(jeUsersTable.name, ctx.reference.jeUsers.length),
  *generate(_id, _o, partition, ctx) {
    const rows = ctx.reference.jeUsers;
    yield* emitBatches(jeUsersTable, partition.index, rows.length, ctx.batchRows, (b, first) => {
      fillStrings(stringCol(b, 'user_id'), rows, first, (u) => u.userId);
      fillStrings(stringCol(b, 'company_code'), rows, first, (u) => u.companyCode);
      fillStrings(stringCol(b, 'display_name'), rows, first, (u) => u.displayName);
      fillStrings(stringCol(b, 'persona'), rows, first, (u) => u.persona);
      fillNumbers(boolCol(b, 'is_automated'), rows, first, (u) => (u.isAutomated ? 1 : 0));
      fillStrings(stringCol(b, 'working_hours_pattern'), rows, first, (u) => u.workingHoursPattern);
      fillNumbers(float64Col(b, 'approval_limit'), rows, first, (u) => u.approvalLimit ?? 0);
      fillNumbers(nullMask(b, 'approval_limit'), rows, first, (u) => (u.approvalLimit === null ? 1 : 0));
    });
  },
};
