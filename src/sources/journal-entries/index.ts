/**
 * The `journal_entries` source: standalone journal entries per company × month (domain.md §5),
 * with their approval actions and generation-stage labels.
 *
 * @example
 * // pipeline.yaml
 * // sources:
 * //   gl: { type: journal_entries, fraud: { enabled: true } }
 * const parts = journalEntriesSource.partitions('gl', {}, ctx);
 * for (const batch of journalEntriesSource.generate('gl', {}, parts[0], ctx)) console.log(batch.schema.name, batch.length);
 */
import type { JsonObject, PipelineConfig } from '../../config/types.js';
import type { Batch } from '../../engine/batch.js';
import type { GenerationContext, PartitionPlan, SourcePlugin } from '../../engine/plugins.js';
import type { ReferenceData } from '../../domain/types.js';
import { anomalyLabels, jeApprovals, journalEntryLines } from '../../tables/journal.js';
import { journalEntriesOptionsSchema, LINE_BUCKETS, resolveOptions, type ResolvedOptions } from './options.js';
import { journalPlan, partitionIndex, type CompanyDayWeights, type JournalPlan } from './plan.js';
import { PartitionGenerator } from './generator.js';

export { journalEntriesOptionsSchema, resolveOptions } from './options.js';
export type { ResolvedOptions } from './options.js';
export { journalPlan, standaloneEntryCount, companyDayWeights, partitionIndex } from './plan.js';
export type { JournalPlan, CompanyDayWeights } from './plan.js';
export { resolveTemplates, TEMPLATE_SPECS } from './templates.js';
export type { ResolvedTemplate, TemplateSet } from './templates.js';
export { GENERATION_TAXONOMY } from './labels.js';

/** Mean line count per entry under the bucket weights (plannedRows estimate; parity ignored). */
export function meanLinesPerEntry(opts: ResolvedOptions): number {
  let total = 0;
  let mean = 0;
  LINE_BUCKETS.forEach(([, lo, hi], i) => {
    const w = opts.lineBucketWeights[i];
    total += w;
    mean += w * ((lo + hi) / 2);
  });
  return total > 0 ? mean / total : 2;
}

function resolved(options: JsonObject, config: PipelineConfig, reference: ReferenceData): { opts: ResolvedOptions; plan: JournalPlan } {
  const opts = resolveOptions(options, typeof config.industry === 'string' ? config.industry : undefined, reference.industry);
  return { opts, plan: journalPlan(reference, opts) };
}

/**
 * Folded day weights per company (the `temporal_consistency` gate's reference, domain.md §5.5).
 *
 * @example
 * const w = foldedDayWeights({}, config, reference).get('1000')!;
 * w.folded[0]; // weight of the period's first day (0 on non-business days)
 */
export function foldedDayWeights(options: JsonObject, config: PipelineConfig, reference: ReferenceData): ReadonlyMap<string, CompanyDayWeights> {
  const { plan } = resolved(options, config, reference);
  return new Map(plan.dayWeights.map((w) => [w.companyCode, w]));
}

/**
 * Entries planned per company code and month index (domain.md §1.3, I8).
 *
 * @example
 * plannedEntryCounts({}, config, reference).get('1000'); // [812, 760, …]
 */
export function plannedEntryCounts(options: JsonObject, config: PipelineConfig, reference: ReferenceData): ReadonlyMap<string, readonly number[]> {
  const { plan } = resolved(options, config, reference);
  return new Map(reference.companies.map((c, i) => [c.code, plan.counts[i]]));
}

export const journalEntriesSource: SourcePlugin = {
  type: 'journal_entries',
  description: 'Standalone journal entries per company and month from process templates (domain.md §5), with approvals and generation labels.',
  method: 'rule_based',
  optionsSchema: journalEntriesOptionsSchema,
  tables() {
    return [journalEntryLines, jeApprovals, anomalyLabels];
  },
  partitions(_componentId: string, options: JsonObject, ctx: GenerationContext): readonly PartitionPlan[] {
    const ref = ctx.reference;
    const { opts, plan } = resolved(options, ctx.config, ref);
    const meanLines = meanLinesPerEntry(opts);
    const out: PartitionPlan[] = [];
    for (let m = 0; m < plan.months; m++) {
      const { year, month } = ref.period.yearMonth(m);
      const ym = `${year}-${month < 10 ? '0' : ''}${month}`;
      for (let c = 0; c < plan.nCompanies; c++) {
        const n = plan.counts[c][m];
        out.push({
          index: partitionIndex(m, c, plan.nCompanies),
          key: `${ref.companies[c].code}:${ym}`,
          plannedRows: {
            journal_entry_lines: Math.round(n * meanLines),
            // Auto-approvals write one action; above-threshold entries ≥ 2 (estimate).
            je_approvals: Math.round(n * 1.3),
            anomaly_labels: Math.round(n * (0.012 + (opts.fraudEnabled ? opts.fraudRate * 1.5 : 0))),
          },
        });
      }
    }
    return out;
  },
  generate(componentId: string, options: JsonObject, partition: PartitionPlan, ctx: GenerationContext): Iterable<Batch> {
    const { opts, plan } = resolved(options, ctx.config, ctx.reference);
    if (partition.index < 0 || partition.index >= plan.nCompanies * plan.months) {
      throw new RangeError(`journal_entries ${componentId}: partition ${partition.index} outside 0..${plan.nCompanies * plan.months - 1}`);
    }
    // A fresh run per iteration: the same partition can be re-read (determinism checks, retries).
    return { [Symbol.iterator]: () => new PartitionGenerator(componentId, opts, plan, partition.index, ctx).run() };
  },
};
