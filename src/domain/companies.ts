/**
 * Companies of the group (domain.md §3.1).
 */
import { ConfigError, type ConfigIssue } from '../errors.js';
import type { CompanyConfig, PipelineConfig, VolumePreset } from '../config/types.js';
import type { Company } from './types.js';

/** domain.md §1.2 volume presets. */
export const VOLUME_PRESETS: Readonly<Record<VolumePreset, number>> = Object.freeze({
  ten_k: 10_000, hundred_k: 100_000, one_m: 1_000_000, ten_m: 10_000_000, hundred_m: 100_000_000,
});

/** domain.md §3.1 industry presets (code, country, currency), used only when `companies` is empty. */
export const INDUSTRY_COMPANY_PRESETS: Readonly<Record<string, ReadonlyArray<readonly [string, string, string]>>> = Object.freeze({
  manufacturing: [['1000', 'US', 'USD'], ['2000', 'DE', 'EUR'], ['3000', 'CN', 'CNY']],
  retail: [['1000', 'US', 'USD'], ['2000', 'GB', 'GBP'], ['3000', 'FR', 'EUR']],
  financial_services: [['1000', 'US', 'USD'], ['2000', 'CH', 'CHF'], ['3000', 'GB', 'GBP']],
  healthcare: [['1000', 'US', 'USD'], ['2000', 'DE', 'EUR']],
  technology: [['1000', 'US', 'USD'], ['2000', 'IE', 'EUR'], ['3000', 'JP', 'JPY']],
});

export const DEFAULT_INDUSTRY = 'manufacturing';
export const DEFAULT_GROUP_CURRENCY = 'USD';

/** Resolved annual volume of a `volume` value (number, preset or `{custom: N}`). */
export function resolveVolume(volume: CompanyConfig['volume'] | undefined, path: string, issues: ConfigIssue[]): number {
  if (typeof volume === 'number' && Number.isFinite(volume) && volume >= 0) return Math.floor(volume);
  if (typeof volume === 'string' && volume in VOLUME_PRESETS) return VOLUME_PRESETS[volume as VolumePreset];
  if (volume && typeof volume === 'object' && typeof volume.custom === 'number' && volume.custom >= 0) return Math.floor(volume.custom);
  issues.push({ path, message: `volume must be a non-negative number, one of ${Object.keys(VOLUME_PRESETS).join(', ')}, or {custom: N}; got ${JSON.stringify(volume)}` });
  return 0;
}

/** The company configs in force: `config.companies`, or the industry preset when that list is empty. */
export function effectiveCompanyConfigs(config: PipelineConfig): CompanyConfig[] {
  if (config.companies && config.companies.length > 0) return config.companies;
  const industry = config.industry ?? DEFAULT_INDUSTRY;
  const preset = INDUSTRY_COMPANY_PRESETS[industry] ?? INDUSTRY_COMPANY_PRESETS[DEFAULT_INDUSTRY];
  // Preset companies: first weight 1.0, others 0.5 (domain.md §3.1); volume ten_k as the smallest preset.
  return preset.map(([code, country, currency], i) => ({
    code, country, currency, name: `${humanizeIndustry(industry)} ${country} ${code}`, volume: 'ten_k', volume_weight: i === 0 ? 1 : 0.5,
  }));
}

function humanizeIndustry(industry: string): string {
  return industry.split('_').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');
}

/**
 * Companies in config order; the first is the parent, every other a 100 % subsidiary (domain.md §3.1).
 * Throws ConfigError with all problems found.
 */
export function buildCompanies(config: PipelineConfig): Company[] {
  const list = effectiveCompanyConfigs(config);
  const issues: ConfigIssue[] = [];
  const seen = new Set<string>();
  const parent = list[0]?.code ?? null;
  const out = list.map((c, index): Company => {
    const p = `companies[${index}]`;
    if (typeof c.code !== 'string' || c.code === '') issues.push({ path: `${p}.code`, message: 'company code is required' });
    else if (seen.has(c.code)) issues.push({ path: `${p}.code`, message: `duplicate company code ${c.code}` });
    else seen.add(c.code);
    if (c.code === 'GROUP') issues.push({ path: `${p}.code`, message: 'company code GROUP is reserved for eliminations' });
    if (typeof c.name !== 'string' || c.name === '') issues.push({ path: `${p}.name`, message: 'company name is required' });
    if (typeof c.currency !== 'string' || !/^[A-Z]{3}$/.test(c.currency)) issues.push({ path: `${p}.currency`, message: `currency must be an ISO 4217 code, got ${JSON.stringify(c.currency)}` });
    if (typeof c.country !== 'string' || !/^[A-Z]{2}$/.test(c.country)) issues.push({ path: `${p}.country`, message: `country must be an upper-case ISO 3166-1 alpha-2 code, got ${JSON.stringify(c.country)}` });
    if (c.fiscal_year_variant !== undefined && c.fiscal_year_variant !== 'K4') issues.push({ path: `${p}.fiscal_year_variant`, message: `only K4 is supported, got ${JSON.stringify(c.fiscal_year_variant)}` });
    const weight = c.volume_weight ?? 1;
    if (!(weight >= 0) || !Number.isFinite(weight)) issues.push({ path: `${p}.volume_weight`, message: `volume_weight must be ≥ 0, got ${weight}` });
    const taxRate = c.tax_rate ?? 0;
    if (!(taxRate >= 0 && taxRate < 1)) issues.push({ path: `${p}.tax_rate`, message: `tax_rate is a fraction in [0, 1), got ${taxRate}` });
    const isParent = index === 0;
    return Object.freeze({
      index,
      code: c.code,
      name: c.name,
      currency: c.currency,
      functionalCurrency: c.functional_currency ?? c.currency,
      country: c.country,
      fiscalYearVariant: 'K4' as const,
      annualVolume: resolveVolume(c.volume, `${p}.volume`, issues),
      volumeWeight: weight,
      taxRate,
      isParent,
      parentCompanyCode: isParent ? null : parent,
      ownershipPercent: 1,
      isConsolidationEntity: isParent,
    });
  });
  if (out.length === 0) issues.push({ path: 'companies', message: 'at least one company is required' });
  if (issues.length > 0) throw new ConfigError(issues);
  return out;
}

/** Company code of the consolidation entity that carries the eliminations (domain.md §7). */
export const GROUP_COMPANY_CODE = 'GROUP';

/**
 * The `GROUP` consolidation entity (domain.md §7: a companies row with `is_consolidation_entity = true`
 * in group currency) when some `intercompany` source sets `generate_eliminations: true`, else null —
 * so runs without eliminations stay byte-identical. It is not one of `ReferenceData.companies`
 * (no standalone entries, master data or cost centers); it takes the parent's country, so its
 * calendar is the parent's.
 *
 * @example
 * consolidationCompany(config, ref.companies, ref.groupCurrency)?.code; // 'GROUP' or undefined
 */
export function consolidationCompany(config: PipelineConfig, companies: readonly Company[], groupCurrency: string): Company | null {
  const wanted = Object.values(config.sources ?? {}).some((c) => c?.type === 'intercompany' && (c as { generate_eliminations?: unknown }).generate_eliminations === true);
  if (!wanted || companies.length === 0) return null;
  return Object.freeze({
    index: companies.length,
    code: GROUP_COMPANY_CODE,
    name: 'Group Consolidation',
    currency: groupCurrency,
    functionalCurrency: groupCurrency,
    country: companies[0].country,
    fiscalYearVariant: 'K4' as const,
    annualVolume: 0,
    volumeWeight: 0,
    taxRate: 0,
    isParent: false,
    parentCompanyCode: null,
    ownershipPercent: 1,
    isConsolidationEntity: true,
  });
}
