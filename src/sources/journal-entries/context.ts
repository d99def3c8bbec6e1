/**
 * Per-reference precomputation for standalone entries: account attributes as flat arrays, the
 * resolved templates, and per-company user / partner / cost-center pools (domain.md §4.5–§4.6,
 * §5.6–§5.7). Memoized per ReferenceData so every partition shares it.
 */
import type { Company, JeUser, Partner, ReferenceData } from '../../domain/types.js';
import { PROCESSES } from './options.js';
import { resolveTemplates, type TemplateSet } from './templates.js';

/** Flat account attributes by index into `coa.accounts` (hot path: no object lookups per line). */
export interface AccountTable {
  readonly number: readonly string[];
  readonly description: readonly string[];
  readonly requiresCostCenter: Uint8Array;
  readonly firstDigit: Uint8Array;
  /** Lines of 1000, 1010, 1100, 2000 carry value_date (domain.md §5.1 col. 47). */
  readonly hasValueDate: Uint8Array;
  /** 1 = customer on AR 1100, 2 = vendor on AP 2000, 0 = none. */
  readonly partnerKind: Uint8Array;
  readonly indexOf: ReadonlyMap<string, number>;
}

export interface CompanyPools {
  readonly company: Company;
  readonly automated: readonly JeUser[];
  readonly humans: readonly JeUser[];
  /** By persona name. */
  readonly byPersona: ReadonlyMap<string, readonly JeUser[]>;
  /** Human users of the other companies (unauthorized_access, domain.md §5.10). */
  readonly otherCompanyHumans: readonly JeUser[];
  readonly vendors: readonly Partner[];
  readonly customers: readonly Partner[];
  /** Leaf cost-center ids per process index (domain.md §5.6). */
  readonly costCenters: readonly (readonly string[])[];
  readonly allLeafCostCenters: readonly string[];
  readonly employeeNames: readonly string[];
  readonly assetDescriptions: readonly string[];
}

export interface SourceContext {
  readonly accounts: AccountTable;
  readonly templates: TemplateSet;
  readonly companies: readonly CompanyPools[];
}

const cache = new WeakMap<ReferenceData, SourceContext>();

/** Leaf cost-center suffixes (after `CC-{cc}-`) per process: O2C SALES-*; P2P FIN-AP, PROD-*, CORP-IT; R2R FIN-GL, CORP-*; H2R any; A2R PROD-*, CORP-IT. */
function processCostCenterMatch(process: string, suffix: string): boolean {
  switch (process) {
    case 'O2C': return suffix.startsWith('SALES-');
    case 'P2P': return suffix === 'FIN-AP' || suffix.startsWith('PROD-') || suffix === 'CORP-IT';
    case 'R2R': return suffix === 'FIN-GL' || suffix.startsWith('CORP-');
    case 'H2R': return true;
    case 'A2R': return suffix.startsWith('PROD-') || suffix === 'CORP-IT';
    default: return false;
  }
}

/** Partners normal generation may pick: active, not reserve, not intercompany, not shell (domain.md §4). */
export function eligiblePartners(list: readonly Partner[]): Partner[] {
  return list.filter((p) => p.isActive && !p.isReserve && !p.isIntercompany && !p.isShell);
}

/**
 * @example
 * const sc = sourceContext(reference);
 * sc.accounts.number[sc.accounts.indexOf.get('1100')!]; // '1100'
 */
export function sourceContext(reference: ReferenceData): SourceContext {
  const hit = cache.get(reference);
  if (hit) return hit;
  const accs = reference.coa.accounts;
  const n = accs.length;
  const accounts: AccountTable = {
    number: accs.map((a) => a.number),
    description: accs.map((a) => a.shortDescription),
    requiresCostCenter: Uint8Array.from(accs.map((a) => (a.requiresCostCenter ? 1 : 0))),
    firstDigit: Uint8Array.from(accs.map((a) => a.accountClass)),
    hasValueDate: Uint8Array.from(accs.map((a) => (['1000', '1010', '1100', '2000'].includes(a.number) ? 1 : 0))),
    partnerKind: Uint8Array.from(accs.map((a) => (a.number === '1100' ? 1 : a.number === '2000' ? 2 : 0))),
    indexOf: new Map(accs.map((a, i) => [a.number, i])),
  };
  if (accounts.number.length !== n) throw new Error('account table size mismatch');
  const companies = reference.companies.map((company): CompanyPools => {
    const users = reference.jeUsersOf(company.code);
    const byPersona = new Map<string, JeUser[]>();
    for (const u of users) {
      let l = byPersona.get(u.persona);
      if (!l) byPersona.set(u.persona, (l = []));
      l.push(u);
    }
    const leaves = reference.costCentersOf(company.code).filter((c) => c.level === 2 && c.isActive);
    const prefix = `CC-${company.code}-`;
    const suffixOf = (id: string): string => (id.startsWith(prefix) ? id.slice(prefix.length) : id);
    const all = leaves.map((c) => c.id);
    return {
      company,
      automated: users.filter((u) => u.isAutomated),
      humans: users.filter((u) => !u.isAutomated),
      byPersona,
      otherCompanyHumans: reference.companies
        .filter((o) => o.code !== company.code)
        .flatMap((o) => reference.jeUsersOf(o.code).filter((u) => !u.isAutomated)),
      vendors: eligiblePartners(reference.vendorsOf(company.code)),
      customers: eligiblePartners(reference.customersOf(company.code)),
      costCenters: PROCESSES.map((p) => {
        const l = leaves.filter((c) => processCostCenterMatch(p, suffixOf(c.id))).map((c) => c.id);
        return l.length > 0 ? l : all;
      }),
      allLeafCostCenters: all,
      employeeNames: reference.employeesOf(company.code).map((e) => e.displayName),
      assetDescriptions: reference.fixedAssetsOf(company.code).map((a) => a.description),
    };
  });
  const sc: SourceContext = { accounts, templates: resolveTemplates(reference.coa), companies };
  cache.set(reference, sc);
  return sc;
}
