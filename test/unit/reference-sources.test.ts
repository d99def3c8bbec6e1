import { describe, expect, it } from 'vitest';
import type { PipelineConfig } from '../../src/config/types.js';
import type { Batch } from '../../src/engine/batch.js';
import { boolCol, float64Col, int32Col, isNull, nullMask, stringCol } from '../../src/engine/batch.js';
import type { GenerationContext, SourcePlugin } from '../../src/engine/plugins.js';
import { buildReferenceData } from '../../src/domain/reference.js';
import { formatDate, parseDate } from '../../src/domain/dates.js';
import { referenceSources } from '../../src/sources/reference/index.js';
import { referenceTables } from '../../src/tables/reference.js';

const config: PipelineConfig = {
  version: 1,
  period: { start: '2025-01-01', months: 12 },
  companies: [
    { code: '1000', name: 'Acme US', currency: 'USD', country: 'US', volume: 'ten_k' },
    { code: '2000', name: 'Acme DE', currency: 'EUR', country: 'DE', volume: 'hundred_k', volume_weight: 0.5, tax_rate: 0.19 },
    { code: '3000', name: 'Acme UK', currency: 'GBP', country: 'GB', volume: 'ten_k' },
    { code: '4000', name: 'Acme Bavaria', currency: 'EUR', country: 'DE', volume: 'ten_k' },
  ],
  sources: { chart: { type: 'chart_of_accounts', complexity: 'small' } },
};
const ctx: GenerationContext = { seed: 42n, config, reference: buildReferenceData(config, 42n), batchRows: 7 };

/** domain.md §10, verbatim. */
const COLUMNS: Record<string, string> = {
  chart_of_accounts: 'coa_id, account_number, short_description, long_description, account_type, sub_type, account_class, account_group, is_control_account, is_suspense_account, normal_debit_balance, is_postable, is_blocked, requires_cost_center, requires_profit_center, parent_account, hierarchy_level',
  companies: 'company_code, company_name, currency, functional_currency, country, fiscal_year_variant, annual_volume, volume_weight, tax_rate, is_parent, parent_company_code, ownership_percent, is_consolidation_entity',
  fx_rates: 'rate_date, from_currency, to_currency, rate',
  holidays: 'country, holiday_date, name, activity_multiplier',
  cost_centers: 'cost_center_id, company_code, name, parent_id, category, level, responsible_employee_id, is_active',
  je_users: 'user_id, company_code, display_name, persona, is_automated, working_hours_pattern, approval_limit',
};

const source = (type: string): SourcePlugin => referenceSources.find((s) => s.type === type)!;

function run(type: string, options: Record<string, string> = {}): { batches: Batch[]; total: number } {
  const s = source(type);
  const parts = s.partitions(type, options, ctx);
  expect(parts).toHaveLength(1);
  expect(parts[0].index).toBe(0);
  expect(parts[0].key).toBe('all');
  const batches = [...s.generate('any-id', options, parts[0], ctx)];
  let next = 0;
  for (const b of batches) {
    expect(b.partition).toBe(0);
    expect(b.firstRow).toBe(next);
    expect(b.length).toBeGreaterThan(0);
    expect(b.length).toBeLessThanOrEqual(7);
    expect(b.schema).toBe(s.tables(options, config)[0]);
    next += b.length;
  }
  expect(Object.values(parts[0].plannedRows)).toEqual([next]);
  return { batches, total: next };
}

describe('reference table schemas (domain.md §10)', () => {
  it('have exactly the listed columns in order', () => {
    expect(referenceTables.map((t) => t.name).sort()).toEqual(Object.keys(COLUMNS).sort());
    for (const t of referenceTables) expect(t.columns.map((c) => c.name).join(', ')).toBe(COLUMNS[t.name]);
  });

  it('types money, rates, dates and flags', () => {
    const col = (table: string, name: string) => referenceTables.find((t) => t.name === table)!.columns.find((c) => c.name === name)!;
    expect(col('je_users', 'approval_limit')).toMatchObject({ type: 'money', nullableByDesign: true });
    expect(col('fx_rates', 'rate').type).toBe('decimal6');
    expect(col('fx_rates', 'rate_date').type).toBe('date');
    expect(col('holidays', 'holiday_date').type).toBe('date');
    expect(col('chart_of_accounts', 'is_blocked').type).toBe('bool');
    expect(col('companies', 'parent_company_code')).toMatchObject({ nullableByDesign: true, references: { table: 'companies', column: 'company_code' } });
    expect(col('cost_centers', 'parent_id').nullableByDesign).toBe(true);
    expect(col('je_users', 'company_code').nullableByDesign).toBe(true);
    expect(col('chart_of_accounts', 'parent_account').nullableByDesign).toBe(true);
  });
});

describe('reference sources', () => {
  it('register the six types, rule_based, with closed option schemas', () => {
    expect(referenceSources.map((s) => s.type)).toEqual(['companies', 'chart_of_accounts', 'calendar', 'fx', 'cost_centers', 'je_users']);
    for (const s of referenceSources) {
      expect(s.method).toBe('rule_based');
      expect(s.optionsSchema).toMatchObject({ type: 'object', additionalProperties: false });
      expect(s.tables({}, config)).toHaveLength(1);
    }
    expect(source('chart_of_accounts').optionsSchema.properties).toHaveProperty('complexity');
  });

  it('companies', () => {
    const { batches, total } = run('companies');
    expect(total).toBe(4);
    const b = batches[0];
    expect(stringCol(b, 'company_code').slice(0, 4)).toEqual(['1000', '2000', '3000', '4000']);
    expect(Array.from(int32Col(b, 'annual_volume').slice(0, 2))).toEqual([10_000, 100_000]);
    expect(Array.from(float64Col(b, 'volume_weight').slice(0, 2))).toEqual([1_000_000, 500_000]);
    expect(float64Col(b, 'tax_rate')[1]).toBe(190_000);
    expect(Array.from(boolCol(b, 'is_parent'))).toEqual([1, 0, 0, 0]);
    expect(stringCol(b, 'parent_company_code')).toEqual([null, '1000', '1000', '1000']);
    expect(float64Col(b, 'ownership_percent')[3]).toBe(1_000_000);
    expect(stringCol(b, 'fiscal_year_variant')[2]).toBe('K4');
  });

  it('chart_of_accounts honours complexity', () => {
    expect(run('chart_of_accounts').total).toBe(165);
    const { batches, total } = run('chart_of_accounts', { complexity: 'medium' });
    expect(total).toBe(442);
    const numbers = batches.flatMap((b) => stringCol(b, 'account_number'));
    expect(numbers.slice(0, 3)).toEqual(['1000', '1010', '1020']);
    const b = batches[0];
    expect(stringCol(b, 'coa_id')[0]).toBe('COA_MANUFACTURING_400');
    expect(isNull(b, b.schema.index.get('parent_account')!, 0)).toBe(true);
    expect(int32Col(b, 'hierarchy_level')[0]).toBe(1);
    expect(int32Col(b, 'account_class')[0]).toBe(1);
    const blocked = batches.flatMap((x) => stringCol(x, 'account_number').filter((_, i) => boolCol(x, 'is_blocked')[i] === 1));
    expect(blocked).toEqual(['198000', '298000']);
  });

  it('calendar emits holidays per distinct country', () => {
    const { batches, total } = run('calendar');
    expect(total).toBe(14 + 10 + 8);
    const rows = batches.flatMap((b) => stringCol(b, 'country').map((c, i) => `${c} ${formatDate(int32Col(b, 'holiday_date')[i])} ${float64Col(b, 'activity_multiplier')[i]}`));
    expect(rows[0]).toBe('US 2025-01-01 20000');
    expect(rows).toContain('US 2025-11-27 20000');
    expect(rows).toContain('US 2025-12-24 100000');
    expect(rows).toContain('DE 2025-04-18 20000');
    expect(rows).toContain('GB 2025-04-21 20000');
    expect(rows.filter((r) => r.startsWith('DE'))).toHaveLength(10);
  });

  it('fx emits one row per day per non-group currency', () => {
    const { batches, total } = run('fx');
    expect(total).toBe(2 * 365);
    const from = batches.flatMap((b) => stringCol(b, 'from_currency'));
    expect(from.slice(0, 365).every((c) => c === 'EUR')).toBe(true);
    expect(from.slice(365).every((c) => c === 'GBP')).toBe(true);
    const to = batches.flatMap((b) => stringCol(b, 'to_currency'));
    expect(to.every((c) => c === 'USD')).toBe(true);
    const dates = batches.flatMap((b) => Array.from(int32Col(b, 'rate_date')));
    expect(formatDate(dates[0])).toBe('2025-01-01');
    expect(formatDate(dates[364])).toBe('2025-12-31');
    expect(formatDate(dates[365])).toBe('2025-01-01');
    const rates = batches.flatMap((b) => Array.from(float64Col(b, 'rate')));
    expect(rates[10]).toBe(ctx.reference.fx.rateMicros('EUR', parseDate('2025-01-11')));
    expect(rates[365 + 200]).toBe(ctx.reference.fx.rateMicros('GBP', dates[365 + 200]));
  });

  it('cost_centers', () => {
    const { batches, total } = run('cost_centers');
    expect(total).toBe(4 * 21);
    const ids = batches.flatMap((b) => stringCol(b, 'cost_center_id'));
    expect(ids[0]).toBe('CC-1000-FIN');
    expect(ids[1]).toBe('CC-1000-FIN-AP');
    expect(ids[21]).toBe('CC-2000-FIN');
    const parents = batches.flatMap((b) => stringCol(b, 'parent_id'));
    expect(parents[0]).toBeNull();
    expect(parents[1]).toBe('CC-1000-FIN');
    const levels = batches.flatMap((b) => Array.from(int32Col(b, 'level')));
    expect(levels.filter((l) => l === 1)).toHaveLength(20);
  });

  it('je_users with null approval limits where none applies', () => {
    const { batches, total } = run('je_users');
    expect(total).toBe(4 * 41 + 3);
    const users = ctx.reference.jeUsers;
    let row = 0;
    for (const b of batches) {
      const mask = nullMask(b, 'approval_limit');
      const limit = float64Col(b, 'approval_limit');
      for (let i = 0; i < b.length; i++, row++) {
        expect(stringCol(b, 'user_id')[i]).toBe(users[row].userId);
        expect(stringCol(b, 'company_code')[i]).toBe(users[row].companyCode);
        expect(mask[i] === 1).toBe(users[row].approvalLimit === null);
        if (mask[i] === 0) expect(limit[i]).toBe(users[row].approvalLimit);
        expect(boolCol(b, 'is_automated')[i]).toBe(users[row].isAutomated ? 1 : 0);
      }
    }
    expect(users[total - 1].userId).toBe('CONSOLIDATION');
  });

  it('produce identical batches for any component id', () => {
    const s = source('je_users');
    const p = s.partitions('a', {}, ctx)[0];
    const a = [...s.generate('a', {}, p, ctx)].flatMap((b) => stringCol(b, 'display_name'));
    const b = [...s.generate('zzz', {}, p, ctx)].flatMap((x) => stringCol(x, 'display_name'));
    expect(b).toEqual(a);
  });
});
