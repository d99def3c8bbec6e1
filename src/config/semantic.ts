/**
 * Rules a JSON Schema cannot say well (domain.md §1.2, §3.1, §3.2;
 * controls.md §1.3): version, calendar dates, unique company codes and names,
 * a reference rate for every currency, seed range. They run on the coerced
 * config and stay quiet where the schema already reported a problem.
 */
import type { IssueCollector } from './issues.js';
import { BUILTIN_REFERENCE_RATES, DEFAULT_GROUP_CURRENCY, MAX_SEED } from './known-values.js';
import type { PathSegment } from './paths.js';
import type { JsonObject, JsonValue } from './types.js';

const CURRENCY = /^[A-Z]{3}$/;

export function checkSemantics(config: JsonObject, issues: IssueCollector): void {
  checkVersion(config, issues);
  checkPeriod(config, issues);
  checkCompanies(config, issues);
  checkCurrencies(config, issues);
  checkSeedRange(config.seed, ['seed'], issues);
}

function checkVersion(config: JsonObject, issues: IssueCollector): void {
  const v = config.version;
  if (typeof v === 'number' && v !== 1 && !issues.hasIssueAt(['version'])) {
    issues.add(['version'], `unsupported config version ${v}; this release reads version 1`, { hint: 'Set version: 1.' });
  }
}

/** True when `text` (YYYY-MM-DD) names a real day of the proleptic Gregorian calendar. */
export function isCalendarDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return false;
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

function checkPeriod(config: JsonObject, issues: IssueCollector): void {
  const period = asObject(config.period);
  const start = period?.start;
  if (typeof start === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(start) && !isCalendarDate(start)) {
    issues.add(['period', 'start'], `'${start}' is not a calendar date`);
  }
}

function checkCompanies(config: JsonObject, issues: IssueCollector): void {
  if (!Array.isArray(config.companies)) return;
  const seen: Record<'code' | 'name', Map<string, number>> = { code: new Map(), name: new Map() };
  config.companies.forEach((raw, i) => {
    const company = asObject(raw);
    if (!company) return;
    for (const key of ['code', 'name'] as const) {
      const value = company[key];
      if (typeof value !== 'string') continue;
      const path: PathSegment[] = ['companies', i, key];
      if (value.length > 0 && value.trim() === '') {
        issues.add(path, 'must not be blank');
        continue;
      }
      const first = seen[key].get(value);
      if (first !== undefined) issues.add(path, `duplicate company ${key} '${value}' (already used by companies[${first}])`);
      else seen[key].set(value, i);
    }
  });
}

function checkCurrencies(config: JsonObject, issues: IssueCollector): void {
  const configured = asObject(asObject(config.fx)?.reference_rates) ?? {};
  const hasRate = (ccy: string): boolean => ccy in BUILTIN_REFERENCE_RATES || typeof configured[ccy] === 'number';
  const need = (ccy: JsonValue | undefined, path: PathSegment[]): void => {
    if (typeof ccy !== 'string' || !CURRENCY.test(ccy) || hasRate(ccy) || issues.hasIssueAt(path)) return;
    issues.add(path, `no reference rate for currency '${ccy}' (built-in: ${Object.keys(BUILTIN_REFERENCE_RATES).join(', ')})`, {
      hint: `Add fx.reference_rates.${ccy}: <units per 1 USD>.`,
    });
  };
  need(config.group_currency ?? DEFAULT_GROUP_CURRENCY, ['group_currency']);
  if (!Array.isArray(config.companies)) return;
  config.companies.forEach((raw, i) => {
    const company = asObject(raw);
    if (!company) return;
    need(company.currency, ['companies', i, 'currency']);
    need(company.functional_currency, ['companies', i, 'functional_currency']);
  });
}

/** Seeds are 0…2^64−1; the schema already checked they are decimal digits. */
export function checkSeedRange(seed: JsonValue | undefined, path: PathSegment[], issues: IssueCollector): void {
  if (typeof seed !== 'string' || !/^\d+$/.test(seed) || issues.hasIssueAt(path)) return;
  if (BigInt(seed) > MAX_SEED) issues.add(path, `seed ${seed} is above 2^64−1 (18446744073709551615)`);
}

function asObject(v: JsonValue | undefined): JsonObject | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
}
