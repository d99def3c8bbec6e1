/** Source `companies` → table `companies` (domain.md §3.1, §10). */
import { boolCol, float64Col, int32Col, stringCol } from '../../engine/batch.js';
import type { GenerationContext, SourcePlugin } from '../../engine/plugins.js';
import { companiesTable } from '../../tables/reference.js';
import { closedSchema, emitBatches, fillNumbers, fillStrings, singlePartition, toMicros } from './emit.js';
import { consolidationCompany } from '../../domain/companies.js';
import type { Company } from '../../domain/types.js';

/** Configured companies, plus the GROUP consolidation entity when eliminations are on (domain.md §7). */
function companyRows(ctx: GenerationContext): readonly Company[] {
  const ref = ctx.reference;
  const group = consolidationCompany(ctx.config, ref.companies, ref.groupCurrency);
  return group === null ? ref.companies : [...ref.companies, group];
}

export const companiesSource: SourcePlugin = {
  type: 'companies',
  description: 'Companies of the group (first = parent, others 100 % subsidiaries).',
  method: 'rule_based',
  optionsSchema: closedSchema(),
  tables: () => [companiesTable],
  partitions: (_id, _o, ctx) => singlePartition(companiesTable.name, companyRows(ctx).length),
  *generate(_id, _o, partition, ctx) {
    const rows = companyRows(ctx);
    yield* emitBatches(companiesTable, partition.index, rows.length, ctx.batchRows, (b, first) => {
      fillStrings(stringCol(b, 'company_code'), rows, first, (c) => c.code);
      fillStrings(stringCol(b, 'company_name'), rows, first, (c) => c.name);
      fillStrings(stringCol(b, 'currency'), rows, first, (c) => c.currency);
      fillStrings(stringCol(b, 'functional_currency'), rows, first, (c) => c.functionalCurrency);
      fillStrings(stringCol(b, 'country'), rows, first, (c) => c.country);
      fillStrings(stringCol(b, 'fiscal_year_variant'), rows, first, (c) => c.fiscalYearVariant);
      fillNumbers(int32Col(b, 'annual_volume'), rows, first, (c) => c.annualVolume);
      fillNumbers(float64Col(b, 'volume_weight'), rows, first, (c) => toMicros(c.volumeWeight));
      fillNumbers(float64Col(b, 'tax_rate'), rows, first, (c) => toMicros(c.taxRate));
      fillNumbers(boolCol(b, 'is_parent'), rows, first, (c) => (c.isParent ? 1 : 0));
      fillStrings(stringCol(b, 'parent_company_code'), rows, first, (c) => c.parentCompanyCode);
      fillNumbers(float64Col(b, 'ownership_percent'), rows, first, (c) => toMicros(c.ownershipPercent));
      fillNumbers(boolCol(b, 'is_consolidation_entity'), rows, first, (c) => (c.isConsolidationEntity ? 1 : 0));
    });
  },
};
