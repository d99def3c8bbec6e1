/** Source `calendar` → table `holidays`: holidays in range per distinct company country (domain.md §3.3). */
import { float64Col, int32Col, stringCol } from '../../engine/batch.js';
import type { GenerationContext, SourcePlugin } from '../../engine/plugins.js';
import type { Holiday } from '../../domain/types.js';
import { holidaysTable } from '../../tables/reference.js';
import { closedSchema, emitBatches, fillNumbers, fillStrings, singlePartition, toMicros } from './emit.js';

interface HolidayRow { readonly country: string; readonly holiday: Holiday }

/** Countries in order of first appearance in the company list, then each country's holidays ascending. */
function holidayRows(ctx: GenerationContext): HolidayRow[] {
  const ref = ctx.reference;
  const countries = [...new Set(ref.companies.map((c) => c.country))];
  return countries.flatMap((country) => ref.calendar(country).holidays.map((holiday) => ({ country, holiday })));
}

export const calendarSource: SourcePlugin = {
  type: 'calendar',
  description: 'Public holidays (with activity multipliers) of every company country within the period.',
  method: 'rule_based',
  optionsSchema: closedSchema(),
  tables: () => [holidaysTable],
  partitions: (_id, _o, ctx) => singlePartition(holidaysTable.name, holidayRows(ctx).length),
  *generate(_id, _o, partition, ctx) {
    const rows = holidayRows(ctx);
    yield* emitBatches(holidaysTable, partition.index, rows.length, ctx.batchRows, (b, first) => {
      fillStrings(stringCol(b, 'country'), rows, first, (r) => r.country);
      fillNumbers(int32Col(b, 'holiday_date'), rows, first, (r) => r.holiday.day);
      fillStrings(stringCol(b, 'name'), rows, first, (r) => r.holiday.name);
      fillNumbers(float64Col(b, 'activity_multiplier'), rows, first, (r) => toMicros(r.holiday.multiplier));
    });
  },
};
