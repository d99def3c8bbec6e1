/** Source `fx` → table `fx_rates`: one row per calendar day in range per non-group company currency (domain.md §3.2). */
import { float64Col, int32Col, stringCol } from '../../engine/batch.js';
import type { GenerationContext, SourcePlugin } from '../../engine/plugins.js';
import { fxRatesTable } from '../../tables/reference.js';
import { closedSchema, emitBatches, singlePartition } from './emit.js';

/** Non-group company currencies in order of first appearance. */
function rateCurrencies(ctx: GenerationContext): string[] {
  const ref = ctx.reference;
  return [...new Set(ref.companies.map((c) => c.currency))].filter((c) => c !== ref.groupCurrency);
}

export const fxSource: SourcePlugin = {
  type: 'fx',
  description: 'Daily exchange rates of the company currencies into the group currency.',
  method: 'rule_based',
  optionsSchema: closedSchema(),
  tables: () => [fxRatesTable],
  partitions: (_id, _o, ctx) => {
    const p = ctx.reference.period;
    return singlePartition(fxRatesTable.name, rateCurrencies(ctx).length * (p.endDay - p.startDay));
  },
  *generate(_id, _o, partition, ctx) {
    const ref = ctx.reference;
    const { startDay, endDay } = ref.period;
    const days = endDay - startDay;
    const currencies = rateCurrencies(ctx);
    // Rows: currency-major (first appearance), then date ascending.
    yield* emitBatches(fxRatesTable, partition.index, currencies.length * days, ctx.batchRows, (b, first) => {
      const date = int32Col(b, 'rate_date');
      const from = stringCol(b, 'from_currency');
      const rate = float64Col(b, 'rate');
      stringCol(b, 'to_currency').fill(ref.groupCurrency);
      for (let i = 0; i < b.length; i++) {
        const row = first + i;
        const ccy = currencies[Math.floor(row / days)];
        const day = startDay + (row % days);
        date[i] = day;
        from[i] = ccy;
        rate[i] = ref.fx.rateMicros(ccy, day);
      }
    });
  },
};
