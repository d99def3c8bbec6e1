/**
 * JE users (domain.md §4.5): the posting identities of the ledger.
 */
import { Rng, WeightedChoice } from '../random/rng.js';
import type { Company, JeUser, Persona } from './types.js';
import { drawPersonName } from './employees.js';
import { asciiLettersUpper } from './names.js';

export interface PersonaSpec {
  readonly persona: Persona;
  readonly users: number;
  readonly errorRate: number;
  /** Group-currency units; null = none. */
  readonly approvalLimit: number | null;
}

/** domain.md §4.5, in listed order (also the order of a company's users). */
export const PERSONA_SPECS: readonly PersonaSpec[] = Object.freeze([
  { persona: 'junior_accountant', users: 10, errorRate: 0.02, approvalLimit: 1_000 },
  { persona: 'senior_accountant', users: 5, errorRate: 0.005, approvalLimit: 10_000 },
  { persona: 'controller', users: 2, errorRate: 0.002, approvalLimit: 100_000 },
  { persona: 'manager', users: 3, errorRate: 0.003, approvalLimit: 500_000 },
  { persona: 'executive', users: 1, errorRate: 0.001, approvalLimit: null },
  { persona: 'automated_system', users: 20, errorRate: 0.0001, approvalLimit: null },
]);

export const HUMAN_USERS_PER_COMPANY = 21;
export const AUTOMATED_USERS_PER_COMPANY = 20;

/** Reserved ids (company null): document postings / auto-approvals, IC generation, consolidation. */
export const SYSTEM_USER_ID = 'SYSTEM';
export const IC_GENERATOR_USER_ID = 'IC_GENERATOR';
export const CONSOLIDATION_USER_ID = 'CONSOLIDATION';
export const RESERVED_USER_IDS: readonly string[] = Object.freeze([SYSTEM_USER_ID, IC_GENERATOR_USER_ID, CONSOLIDATION_USER_ID]);

const HOURS = new WeightedChoice<JeUser['workingHoursPattern']>([['us_standard', 0.5], ['european', 0.25], ['asian', 0.25]]);

/** `{F}{SURNAM}{nnn}`: initial + ≤ 5 ASCII surname letters, upper-case, run-wide counter (≥ 3 digits). */
export function humanUserId(firstName: string, lastName: string, counter: number): string {
  const f = asciiLettersUpper(firstName).charAt(0) || 'X';
  const s = asciiLettersUpper(lastName).slice(0, 5) || 'USER';
  return `${f}${s}${String(counter).padStart(3, '0')}`;
}

export function automatedUserId(n: number): string {
  return `BATCH${String(n).padStart(4, '0')}`;
}

/**
 * All JE users: per company (config order) the 21 humans in persona order, then the 20 automated users;
 * then the reserved rows. Names and working hours per company from
 * `Rng.for(seed, '@reference', 0, 'je_users', cc, 'names' | 'hours')`.
 */
export function buildJeUsers(companies: readonly Company[], seed: bigint): JeUser[] {
  const out: JeUser[] = [];
  let counter = 0;
  for (const c of companies) {
    const names = Rng.for(seed, '@reference', 0, 'je_users', c.code, 'names');
    const hours = Rng.for(seed, '@reference', 0, 'je_users', c.code, 'hours');
    let automated = 0;
    for (const spec of PERSONA_SPECS) {
      for (let i = 0; i < spec.users; i++) {
        if (spec.persona === 'automated_system') {
          const n = c.index * AUTOMATED_USERS_PER_COMPANY + ++automated;
          out.push(Object.freeze({ userId: automatedUserId(n), companyCode: c.code, displayName: `Batch Job ${String(n).padStart(4, '0')}`,
            persona: spec.persona, isAutomated: true, workingHoursPattern: 'always' as const, approvalLimit: null, errorRate: spec.errorRate }));
        } else {
          const { firstName, lastName } = drawPersonName(names);
          out.push(Object.freeze({ userId: humanUserId(firstName, lastName, ++counter), companyCode: c.code, displayName: `${firstName} ${lastName}`,
            persona: spec.persona, isAutomated: false, workingHoursPattern: HOURS.sample(hours),
            approvalLimit: spec.approvalLimit === null ? null : spec.approvalLimit * 100, errorRate: spec.errorRate }));
        }
      }
    }
  }
  const reserved: Array<[string, string]> = [[SYSTEM_USER_ID, 'System'], [IC_GENERATOR_USER_ID, 'Intercompany Generator'], [CONSOLIDATION_USER_ID, 'Consolidation']];
  for (const [userId, displayName] of reserved) {
    out.push(Object.freeze({ userId, companyCode: null, displayName, persona: 'system' as const, isAutomated: true,
      workingHoursPattern: 'always' as const, approvalLimit: null, errorRate: 0 }));
  }
  return out;
}
