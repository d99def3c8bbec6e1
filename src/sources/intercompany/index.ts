/**
 * The `intercompany` source (domain.md §7): IC pairs between the parent and its subsidiaries, one
 * partition per month (p = month_index, key `YYYY-MM`; domain.md §1.1), emitting the seller and
 * buyer journal entries into `journal_entry_lines`, one `ic_matched_pairs` row per pair and, with
 * `generate_eliminations`, one elimination entry per pair in company GROUP.
 *
 * @example
 * // pipeline.yaml
 * // sources:
 * //   ic: { type: intercompany, generate_eliminations: true }
 * const parts = intercompanySource.partitions('ic', {}, ctx);            // one per month
 * for (const b of intercompanySource.generate('ic', {}, parts[0], ctx)) console.log(b.schema.name, b.length);
 */
import type { JsonObject } from '../../config/types.js';
import type { Batch } from '../../engine/batch.js';
import type { GenerationContext, PartitionPlan, SourcePlugin } from '../../engine/plugins.js';
import { ConfigError } from '../../errors.js';
import { journalEntryLines } from '../../tables/journal.js';
import { icMatchedPairs } from '../../tables/intercompany.js';
import { IC_TYPE_SPECS, intercompanyOptionsSchema, resolveIcOptions, type IcOptions } from './options.js';
import { expectedPairs, generateIcPartition } from './generator.js';

export { IC_TYPE_SPECS, intercompanyOptionsSchema, resolveIcOptions, TRANSFER_PRICING_METHODS } from './options.js';
export type { IcOptions, IcTypeSpec } from './options.js';
export { icReference, transferPriceCents, commonBusinessDay } from './generator.js';
export { icMatchRate, toCents } from './match.js';
export type { IcMatchResult, IcLineRow, IcPairRow } from './match.js';

/** Options after defaults, or ConfigError when the group has fewer than 2 companies (domain.md §7). */
function resolved(componentId: string, options: JsonObject, ctx: GenerationContext): IcOptions {
  const n = ctx.reference.companies.length;
  if (n < 2) {
    throw new ConfigError([{
      path: 'companies',
      message: `the intercompany source '${componentId}' needs at least 2 companies (the parent and a subsidiary), got ${n}`,
      hint: `Add a subsidiary under companies or remove sources.${componentId}.`,
    }]);
  }
  return resolveIcOptions(componentId, options);
}

/** Mean lines of a seller + buyer pair (WHT types have one extra line on each side). */
function meanPairLines(opts: IcOptions): number {
  let total = 0;
  let withWht = 0;
  IC_TYPE_SPECS.forEach((s, i) => {
    total += opts.typeWeights[i];
    if (s.whtMicros > 0) withWht += opts.typeWeights[i];
  });
  return 4 + (total > 0 ? (2 * withWht) / total : 0);
}

export const intercompanySource: SourcePlugin = {
  type: 'intercompany',
  description: 'Intercompany pairs per month between the parent and its subsidiaries (domain.md §7): seller and buyer journal entries, ic_matched_pairs, optional GROUP eliminations.',
  method: 'rule_based',
  optionsSchema: intercompanyOptionsSchema,
  tables() {
    return [journalEntryLines, icMatchedPairs];
  },
  partitions(componentId: string, options: JsonObject, ctx: GenerationContext): readonly PartitionPlan[] {
    const opts = resolved(componentId, options, ctx);
    const { period } = ctx.reference;
    const perPair = meanPairLines(opts) + (opts.generateEliminations ? 4 : 0);
    const out: PartitionPlan[] = [];
    for (let m = 0; m < period.months; m++) {
      const { year, month } = period.yearMonth(m);
      const pairs = expectedPairs(opts, ctx, m);
      out.push({
        index: m,
        key: `${year}-${month < 10 ? '0' : ''}${month}`,
        plannedRows: { journal_entry_lines: Math.round(pairs * perPair), ic_matched_pairs: Math.round(pairs) },
      });
    }
    return out;
  },
  generate(componentId: string, options: JsonObject, partition: PartitionPlan, ctx: GenerationContext): Iterable<Batch> {
    const opts = resolved(componentId, options, ctx);
    const months = ctx.reference.period.months;
    if (partition.index < 0 || partition.index >= months) {
      throw new RangeError(`intercompany ${componentId}: partition ${partition.index} outside 0..${months - 1}`);
    }
    // A fresh run per iteration: the same partition can be re-read (determinism checks, retries).
    return { [Symbol.iterator]: () => generateIcPartition(componentId, opts, partition.index, ctx) };
  },
};
