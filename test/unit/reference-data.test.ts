import { describe, expect, it } from 'vitest';
import type { PipelineConfig } from '../../src/config/types.js';
import { ConfigError } from '../../src/errors.js';
import { buildReferenceData } from '../../src/domain/reference.js';
import { parseDate } from '../../src/domain/dates.js';

function testConfig(over: Partial<PipelineConfig> = {}): PipelineConfig {
  return {
    version: 1,
    period: { start: '2025-01-01', months: 12 },
    companies: [
      { code: '1000', name: 'Acme US', currency: 'USD', country: 'US', volume: 'ten_k' },
      { code: '2000', name: 'Acme DE', currency: 'EUR', country: 'DE', volume: 5000, volume_weight: 0.5, tax_rate: 0.19 },
      { code: '3000', name: 'Acme UK', currency: 'GBP', country: 'GB', volume: { custom: 1234 } },
    ],
    sources: { coa: { type: 'chart_of_accounts', complexity: 'small' }, je: { type: 'journal_entries' } },
    ...over,
  };
}

describe('buildReferenceData', () => {
  it('memoizes per config object and seed', () => {
    const cfg = testConfig();
    const a = buildReferenceData(cfg, 7n);
    expect(buildReferenceData(cfg, 7n)).toBe(a);
    expect(buildReferenceData(cfg, 8n)).not.toBe(a);
  });

  it('is deterministic across config objects and independent of source component ids', () => {
    const a = buildReferenceData(testConfig(), 7n);
    const b = buildReferenceData(testConfig({ sources: { other_name: { type: 'chart_of_accounts', complexity: 'small' }, x: { type: 'journal_entries' } } }), 7n);
    expect(b).not.toBe(a);
    expect(b.jeUsers).toEqual(a.jeUsers);
    expect(b.vendorsOf('2000')).toEqual(a.vendorsOf('2000'));
    expect(b.customersOf('3000')).toEqual(a.customersOf('3000'));
    expect(b.employeesOf('1000')).toEqual(a.employeesOf('1000'));
    expect(b.fixedAssetsOf('1000')).toEqual(a.fixedAssetsOf('1000'));
    const d = parseDate('2025-06-30');
    expect(b.fx.rateMicros('EUR', d)).toBe(a.fx.rateMicros('EUR', d));
    expect(b.coa.accounts.map((x) => x.number)).toEqual(a.coa.accounts.map((x) => x.number));
  });

  it('changes master data with the seed', () => {
    const a = buildReferenceData(testConfig(), 1n);
    const b = buildReferenceData(testConfig(), 2n);
    expect(b.jeUsers.map((u) => u.userId)).not.toEqual(a.jeUsers.map((u) => u.userId));
    expect(b.vendorsOf('1000').map((v) => v.name)).not.toEqual(a.vendorsOf('1000').map((v) => v.name));
  });

  it('resolves defaults and companies', () => {
    const ref = buildReferenceData(testConfig(), 1n);
    expect(ref.groupCurrency).toBe('USD');
    expect(ref.industry).toBe('manufacturing');
    expect(ref.coa.coaId).toBe('COA_MANUFACTURING_100');
    expect(ref.companies.map((c) => c.code)).toEqual(['1000', '2000', '3000']);
    const [p, s1, s2] = ref.companies;
    expect(p.isParent && p.parentCompanyCode === null && p.isConsolidationEntity).toBe(true);
    expect(s1.isParent).toBe(false);
    expect(s1.parentCompanyCode).toBe('1000');
    expect(s1.ownershipPercent).toBe(1);
    expect(p.annualVolume).toBe(10_000);
    expect(s1.annualVolume).toBe(5000);
    expect(s2.annualVolume).toBe(1234);
    expect(p.volumeWeight).toBe(1);
    expect(s1.volumeWeight).toBe(0.5);
    expect(s1.taxRate).toBe(0.19);
    expect(p.taxRate).toBe(0);
    expect(s2.functionalCurrency).toBe('GBP');
    expect(ref.companyByCode.get('2000')).toBe(s1);
    expect(ref.period.endDay - ref.period.startDay).toBe(365);
    expect(ref.calendar('DE').isBusinessDay(parseDate('2025-04-18'))).toBe(false);
    expect(ref.calendar('US').isBusinessDay(parseDate('2025-04-18'))).toBe(true);
  });

  it('reads complexity from the chart_of_accounts source', () => {
    const ref = buildReferenceData(testConfig({ sources: { c: { type: 'chart_of_accounts', complexity: 'medium' } } }), 1n);
    expect(ref.coa.accounts.length).toBe(442);
    expect(buildReferenceData(testConfig({ sources: {} }), 1n).coa.complexity).toBe('small');
  });

  it('rejects unknown currencies unless a reference rate is configured', () => {
    const bad = testConfig({ companies: [{ code: '1000', name: 'X', currency: 'SEK', country: 'SE', volume: 10 }] });
    expect(() => buildReferenceData(bad, 1n)).toThrow(ConfigError);
    const ok = testConfig({ companies: [{ code: '1000', name: 'X', currency: 'SEK', country: 'SE', volume: 10 }], fx: { reference_rates: { SEK: 10.5 } } });
    expect(buildReferenceData(ok, 1n).fx.referenceRate('SEK')).toBe(10.5);
  });

  it('rejects invalid companies with all issues', () => {
    const bad = testConfig({ companies: [
      { code: '1000', name: '', currency: 'usd', country: 'US', volume: 10 },
      { code: '1000', name: 'B', currency: 'EUR', country: 'de', volume: 'lots' as never },
    ] });
    try {
      buildReferenceData(bad, 1n);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const paths = (e as ConfigError).issues.map((i) => i.path);
      expect(paths).toEqual(expect.arrayContaining(['companies[0].name', 'companies[0].currency', 'companies[1].code', 'companies[1].country', 'companies[1].volume']));
    }
  });

  it('exposes per-company master data', () => {
    const ref = buildReferenceData(testConfig(), 3n);
    expect(ref.jeUsersOf('2000')).toHaveLength(41);
    expect(ref.jeUsersOf('2000').every((u) => u.companyCode === '2000')).toBe(true);
    expect(ref.costCentersOf('3000')).toHaveLength(21);
    expect(ref.costCenters).toHaveLength(63);
    expect(ref.vendorsOf('1000')).toHaveLength(52);
    expect(ref.customersOf('1000')).toHaveLength(100);
    expect(ref.employeesOf('1000')).toHaveLength(68);
    expect(ref.fixedAssetsOf('1000')).toHaveLength(50);
    expect(ref.vendorsOf('9999')).toHaveLength(0);
  });
});
