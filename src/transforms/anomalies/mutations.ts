/**
 * The mutation of every injector type (domain.md §8.2) and its applicability check, on columnar
 * batches. Each mutation consumes the entry's own Rng (D7) after selection and type draw, and
 * returns the label draft(s) of the entries it changed or emitted.
 */
import type { JelColumns } from '../../sources/journal-entries/generator.js';
import { formatCents } from '../../sources/journal-entries/generator.js';
import type { CompanyPools, SourceContext } from '../../sources/journal-entries/context.js';
import type { CompanyCalendar, JeUser, ReferenceData } from '../../domain/types.js';
import { formatDate, weekday, ymdOf } from '../../domain/dates.js';
import { logNormal } from '../../random/distributions.js';
import type { Rng } from '../../random/rng.js';
import { EntryOps, entryHash, shiftDay } from './entry-ops.js';
import type { AnomalyType } from './types.js';

const DAY_S = 86_400;
const HOUR_S = 3_600;
const OPEX = ['6300', '6400', '6500', '6700', '6800'];
const VAGUE_TEXTS = ['Misc', 'Adjustment', 'Correction', 'Various', 'Other', 'TBD', 'See attachment', 'As discussed', 'Per management', '.', 'xxx', 'test'];
const AFTER_HOURS = [22, 23, 0, 1, 2, 3, 4, 5];
const LEGACY_BY_CLASS: Readonly<Record<number, string>> = { 1: '199999', 2: '299999', 3: '399999' };

/** One approval action written in place of (or mapped from) the entry's original actions. */
export interface ActionRow {
  readonly action: string;
  readonly actor: string;
  readonly role: string;
  readonly level: number;
  readonly ts: number;
}

/**
 * How the entry's `je_approvals` rows change (applied when they pass, which may be before or after
 * the lines; engine.ts holds approval batches until their entries' lines were seen).
 */
export type ApprovalPlan =
  | { readonly kind: 'replace'; readonly rows: readonly ActionRow[] }
  | {
    readonly kind: 'map';
    /** Seconds added to every action (date shifts that move created_at). */
    readonly shift?: number;
    /** Seconds added to every action but submit (late approval). */
    readonly shiftApprovals?: number;
    /** New creator on submit/resubmit actions. */
    readonly creator?: JeUser;
    /** Approve action of this level is dropped (incomplete chain). */
    readonly dropLevel?: number;
    /** Actor of the actions at `actorLevel` (incomplete chain). */
    readonly actorLevel?: number;
    readonly actor?: JeUser;
    /** Actions rewritten to base + (seq − 1) × 90 s (rushed period end, within 10 minutes). */
    readonly rushedBase?: number;
  };

/**
 * `p` with every field of either kind present (undefined where unused): all plans share one hidden
 * class, so the approvals rewrite reading them stays monomorphic instead of deoptimising on each new
 * combination of optional fields.
 */
function oneShape(p: ApprovalPlan): ApprovalPlan {
  const m = p.kind === 'map' ? p : null;
  return {
    kind: p.kind, rows: p.kind === 'replace' ? p.rows : undefined,
    shift: m?.shift, shiftApprovals: m?.shiftApprovals, creator: m?.creator, dropLevel: m?.dropLevel,
    actorLevel: m?.actorLevel, actor: m?.actor, rushedBase: m?.rushedBase,
  } as ApprovalPlan;
}

/** What a mutation reports for one labelled entry (the engine completes ids, dates and flags). */
export interface LabelDraft {
  /** Out row of the labelled entry's first line and its line count. */
  readonly row: number;
  readonly n: number;
  readonly lineNumber: number | null;
  readonly monetaryImpact: number | null;
  readonly description: string;
  readonly relatedDocumentId: string | null;
  readonly relatedEntities: readonly string[];
  readonly metadata: Record<string, unknown>;
  /** Hash of another entry than the decision's before its mutation (IC counterparts). */
  readonly originalHash?: string;
}

/** Facts of the partition the mutations share (keyed per partition, domain.md §8.2). */
export interface PartitionFacts {
  /** Group-currency cents of `repeating_amount`. */
  readonly repeatingAmount: number;
  readonly trendDebit: number;
  readonly trendCredit: number;
  readonly hub: number;
}

export interface MutationEnv {
  readonly ref: ReferenceData;
  readonly sc: SourceContext;
  readonly facts: PartitionFacts;
  /** Approval threshold in group-currency cents. */
  readonly thresholdCents: number;
  /** Account indexes per account type for misclassification, by CoA type. */
  readonly sameTypeAccounts: ReadonlyMap<string, readonly number[]>;
  readonly balanceSheetAccounts: readonly number[];
  readonly approvalPlans: Map<string, ApprovalPlan>;
  poolsOf(companyCode: string): CompanyPools | undefined;
  calendarOf(companyCode: string): CompanyCalendar;
}

/** A selected entry, its type and where it sits in the output. */
export interface Decision {
  readonly type: AnomalyType;
  readonly rng: Rng;
  /** Input rows [inStart, inStart + n). */
  readonly inStart: number;
  readonly n: number;
  /** Lines the entry keeps in the output (fictitious_entry: 2). */
  readonly keep: number;
  /** Per emitted entry: input rows copied as its lines. */
  readonly emitRows: readonly (readonly number[])[];
  /** exact_duplicate_amount: total of the most recent earlier entry with different accounts. */
  readonly prevTotal: number;
  /** Σ debit of the source entry before mutation. */
  readonly sourceTotal: number;
  outStart: number;
  readonly emitStarts: number[];
}

// ---- helpers ----

function pickUser(rng: Rng, list: readonly JeUser[] | undefined, not?: string | null): JeUser | null {
  if (!list || list.length === 0) return null;
  if (list.length === 1 || not === undefined) return rng.pick(list);
  const others = list.filter((u) => u.userId !== not);
  return rng.pick(others.length > 0 ? others : list);
}

/** `obvious_round_numbers` (domain.md §5.4) in group cents. */
function obviousRound(rng: Rng): number {
  switch (rng.int(0, 4)) {
    case 0: return rng.int(1, 99) * 100_000;
    case 1: return rng.int(1, 9) * 1_000_000 - 1;
    case 2: return rng.int(1, 19) * 1_000_000;
    case 3: return rng.int(1, 39) * 500_000;
    default: return rng.int(1, 99) * 100_000 - 1;
  }
}

/** k business days after `day` (before when that leaves the range), in the company calendar. */
function businessDaysLater(cal: CompanyCalendar, day: number, k: number, start: number, end: number, allowBeyond = false): number {
  let d = day;
  for (let i = 0; i < k; i++) {
    d++;
    while (!cal.isBusinessDay(d)) d++;
  }
  if (allowBeyond || d < end) return d;
  d = day;
  for (let i = 0; i < k; i++) {
    d--;
    while (d >= start && !cal.isBusinessDay(d)) d--;
  }
  return d >= start ? d : day;
}

function digitsSwappable(cents: number): number[] {
  const s = String(cents);
  const out: number[] = [];
  for (let i = 0; i + 1 < s.length; i++) if (s[i] !== s[i + 1]) out.push(i);
  return out;
}

function swapDigits(cents: number, i: number): number {
  const s = String(cents).split('');
  const c = s[i];
  s[i] = s[i + 1];
  s[i + 1] = c;
  return Number(s.join(''));
}

// ---- applicability (domain.md §8.2 "Applies to"), on the input rows ----

/** What an applicability test reads: the entry at input rows [s, s + n) and its context. */
interface Probe {
  readonly env: MutationEnv;
  readonly ops: EntryOps;
  readonly o: JelColumns;
  readonly s: number;
  readonly n: number;
  readonly prevTotal: number;
}

const human = ({ o, s }: Probe): boolean => o.source[s] === 'manual' || o.source[s] === 'adjustment';
const poolsOfEntry = ({ env, o, s }: Probe): CompanyPools | undefined => env.poolsOf(o.companyCode[s]!);
const personaCount = (p: Probe, persona: string): number => poolsOfEntry(p)?.byPersona.get(persona)?.length ?? 0;
const inRange = ({ env, o, s }: Probe, max: number, business = true): boolean =>
  shiftDay(env.calendarOf(o.companyCode[s]!), o.postingDate[s], max, business, env.ref.period.startDay, env.ref.period.endDay) >= 0;
/** Some line in the entry satisfies `test`. */
function anyLine({ s, n }: Probe, test: (r: number) => boolean): boolean {
  for (let r = s; r < s + n; r++) if (test(r)) return true;
  return false;
}

/**
 * Applicability per type name (domain.md §8.2 "Applies to"); a type not listed applies to any
 * entry. One small function each, so only the tests of the types actually drawn are optimised
 * (one big switch was compiled whole, and again after each deoptimisation).
 */
const APPLIES: Readonly<Record<string, (p: Probe) => boolean>> = {
  fictitious_entry: (p) => {
    const pools = poolsOfEntry(p);
    return p.o.sourceDocumentType[p.s] === null && pools !== undefined && pools.humans.length > 0;
  },
  self_approval: (p) => human(p) && p.ops.groupTotal(p.s, p.n) > p.env.thresholdCents,
  exceeded_approval_limit: (p) => human(p) && personaCount(p, 'senior_accountant') > 0,
  segregation_of_duties_violation: (p) => personaCount(p, 'manager') > 0,
  duplicate_payment: (p) => anyLine(p, (r) => !p.ops.isDebit(r) && (p.o.glAccount[r] === '1000' || p.o.glAccount[r] === '1010')),
  fictitious_vendor: (p) => p.env.ref.vendorsOf(p.o.companyCode[p.s]!).some((v) => v.isShell) && anyLine(p, (r) => p.o.glAccount[r] === '2000'),
  revenue_manipulation: (p) => anyLine(p, (r) => !p.ops.isDebit(r) && p.o.glAccount[r]!.startsWith('4')),
  improper_capitalization: (p) => anyLine(p, (r) => p.ops.isDebit(r) && p.o.glAccount[r]!.startsWith('6')),
  reversed_amount: (p) => p.n >= 2,
  transposed_digits: (p) => anyLine(p, (r) => digitsSwappable(p.ops.amount(r)).length > 0),
  missing_field: (p) => {
    const acct = p.env.sc.accounts;
    const first = (r: number): number => acct.firstDigit[acct.indexOf.get(p.o.glAccount[r]!) ?? -1];
    if (anyLine(p, (r) => p.o.costCenter[r] !== null && (first(r) === 5 || first(r) === 6))) return true;
    return p.o.reference[p.s] !== null || p.o.headerText[p.s] !== null;
  },
  wrong_period: (p) => inRange(p, 32),
  backdated_entry: (p) => inRange(p, -30),
  future_dated_entry: (p) => inRange(p, 7),
  late_posting: (p) => inRange(p, 15),
  wrong_cost_center: (p) => anyLine(p, (r) => p.o.costCenter[r] !== null),
  skipped_approval: (p) => p.o.approvalStatus[p.s] === 'approved' && p.ops.groupTotal(p.s, p.n) > p.env.thresholdCents,
  late_approval: (p) => p.o.approvalStatus[p.s] === 'approved',
  weekend_posting: (p) => {
    const d = p.o.postingDate[p.s];
    const toSat = (6 - weekday(d) + 7) % 7 || 7;
    return d + toSat < p.env.ref.period.endDay || d + ((7 - weekday(d)) % 7 || 7) < p.env.ref.period.endDay;
  },
  manual_override: (p) => (p.o.source[p.s] === 'automated' || p.o.source[p.s] === 'recurring') && poolsOfEntry(p) !== undefined
    && personaCount(p, 'senior_accountant') + personaCount(p, 'controller') > 0,
  incomplete_approval_chain: (p) => p.o.approvalStatus[p.s] === 'approved' && p.o.approvalLevels[p.s] >= 2,
  unusually_low_amount: (p) => {
    if (anyLine(p, (r) => p.ops.amount(r) < 10)) return false;
    return p.ops.debitTotal(p.s, p.n) >= 10 * Math.max(p.ops.countSide(p.s, p.n, true), p.ops.countSide(p.s, p.n, false));
  },
  exact_duplicate_amount: (p) => p.prevTotal > 0 && p.prevTotal !== p.ops.debitTotal(p.s, p.n),
  new_counterparty: (p) => {
    const cc = p.o.companyCode[p.s]!;
    return anyLine(p, (r) => (p.o.glAccount[r] === '2000' && p.env.ref.vendorsOf(cc).some((v) => v.isReserve))
      || (p.o.glAccount[r] === '1100' && p.env.ref.customersOf(cc).some((v) => v.isReserve)));
  },
  missing_relationship: (p) => anyLine(p, (r) => p.o.vendorId[r] !== null || p.o.customerId[r] !== null),
  unmatched_intercompany: (p) => icBuyerAfter(p.ops, p.o, p.s, p.n) > 0,
  transfer_pricing_anomaly: (p) => icBuyerAfter(p.ops, p.o, p.s, p.n) > 0,
  // The mirrored pair needs a second company's accounts and currency rebuilt: no v1 mutation yet.
  circular_intercompany: () => false,
};

/**
 * True when `type` applies to the entry at input rows [s, s + n).
 *
 * @example
 * applies(env, ops, cols, TYPE_BY_NAME.get('reversed_amount')!, 0, 2, 0); // true: ≥ 2 lines
 */
export function applies(env: MutationEnv, ops: EntryOps, o: JelColumns, type: AnomalyType, s: number, n: number, prevTotal: number): boolean {
  const test = APPLIES[type.name];
  return test === undefined ? true : test({ env, ops, o, s, n, prevTotal });
}

/**
 * Line count of the buyer entry that directly follows an IC seller entry (DR 1150, same
 * ic_pair source document; the intercompany source writes seller then buyer, domain.md §7), or 0.
 */
export function icBuyerAfter(ops: EntryOps, o: JelColumns, s: number, n: number): number {
  if (o.sourceDocumentType[s] !== 'ic_pair') return 0;
  let seller = false;
  for (let r = s; r < s + n; r++) if (ops.isDebit(r) && o.glAccount[r] === '1150') seller = true;
  const b = s + n;
  const pair = o.sourceDocumentId[s];
  if (!seller || o.sourceDocumentId[b] !== pair || o.documentId[b] === undefined || o.isAnomaly[b] !== 0) return 0;
  let m = 0;
  while (o.documentId[b + m] === o.documentId[b]) m++;
  let buyer = false;
  for (let r = b; r < b + m; r++) if (!ops.isDebit(r) && o.glAccount[r] === '2050') buyer = true;
  return buyer ? m : 0;
}

/** Input rows each emitted entry copies (decided with the type, before the output is laid out). */
export function emissionShape(type: AnomalyType, rng: Rng, ops: EntryOps, s: number, n: number): number[][] {
  const all = (): number[] => Array.from({ length: n }, (_, i) => s + i);
  switch (type.name) {
    case 'duplicate_payment':
    case 'duplicate_entry': return [all()];
    case 'unusual_frequency': return Array.from({ length: rng.int(2, 4) }, all);
    case 'transaction_burst': return Array.from({ length: rng.int(5, 10) }, all);
    case 'circular_transaction': {
      const d = ops.firstOfSide(s, n, true);
      const c = ops.firstOfSide(s, n, false);
      return [[d, c], [d, c]];
    }
    default: return [];
  }
}

// ---- mutations ----

/**
 * Applies the decision's mutation to the output rows and returns the label drafts (one per
 * labelled entry; emitted groups: the first is the parent).
 */
export function mutate(env: MutationEnv, ops: EntryOps, o: JelColumns, d: Decision): LabelDraft[] {
  const rng = d.rng;
  const s = d.outStart;
  const n = d.keep;
  const cc = o.companyCode[s]!;
  const cur = o.currency[s]!;
  const docId = o.documentId[s]!;
  const day0 = o.postingDate[s];
  const T0 = ops.debitTotal(s, n);
  const fx = env.ref.fx;
  const acct = env.sc.accounts;
  const pools = env.poolsOf(cc);
  const cal = env.calendarOf(cc);
  const { startDay, endDay } = env.ref.period;
  const toLocal = (groupCents: number, day = o.postingDate[s]): number => fx.groupToLocal(groupCents, cur, day);
  const ai = (num: string): number => {
    const i = acct.indexOf.get(num);
    if (i === undefined) throw new Error(`chart of accounts lacks ${num}`);
    return i;
  };
  const leafCc = (): string | null => (pools && pools.allLeafCostCenters.length > 0 ? rng.pick(pools.allLeafCostCenters) : null);
  const one = (f: Partial<LabelDraft> & { description: string }): LabelDraft[] => [{
    row: s, n, lineNumber: null, monetaryImpact: null, relatedDocumentId: null, relatedEntities: [], metadata: {}, ...f,
  }];
  const scaled = (t1: number, extra: Record<string, unknown> = {}): LabelDraft[] => {
    const t = ops.scaleTo(s, n, t1);
    return one({ monetaryImpact: Math.abs(t - T0), description: `scaled total ${formatCents(T0)} -> ${formatCents(t)}`, metadata: { original_total: formatCents(T0), new_total: formatCents(t), ...extra } });
  };
  const randomLine = (): number => s + rng.int(0, n - 1);
  // Document-derived and IC entries have no approval actions (approval not_required, domain.md §5.8): nothing to rewrite.
  const hasActions = o.approvalStatus[s] !== 'not_required';
  const plan = (p: ApprovalPlan): void => {
    if (hasActions) env.approvalPlans.set(docId, oneShape(p));
  };
  const dateChange = (newDay: number, moveCreated: boolean, what: string): LabelDraft[] => {
    const shiftDays = newDay - day0;
    ops.setPostingDate(s, n, newDay, moveCreated);
    if (moveCreated) {
      if (o.approvalStatus[s] === 'approved') for (let r = s; r < s + n; r++) o.approvalDate[r] += shiftDays;
      plan({ kind: 'map', shift: shiftDays * DAY_S });
    }
    return one({ description: `${what} posting_date ${formatDate(day0)} -> ${formatDate(newDay)}`, metadata: { original_date: formatDate(day0), new_date: formatDate(newDay), shift_days: shiftDays } });
  };
  const approveTime = (): number => o.createdAt[s] + rng.int(HOUR_S, 3 * HOUR_S);
  const setApproval = (status: string, by: string | null, dayOf: number, levels: number): void => {
    ops.header(o.approvalStatus, s, n, status);
    ops.header(o.approvedBy, s, n, by);
    ops.header(o.approvalDate, s, n, dayOf);
    ops.header(o.approvalLevels, s, n, levels);
  };
  const creator = o.createdBy[s]!;
  const creatorRole = o.userPersona[s] ?? 'system';

  switch (d.type.name) {
    // ---- fraud ----
    case 'fictitious_entry': {
      const user = pickUser(rng, pools!.humans)!;
      const debitAcct = ai(rng.pick(OPEX));
      const t = toLocal(obviousRound(rng));
      ops.setAmount(s, t, true);
      ops.setAmount(s + 1, t, false);
      ops.setAccount(s, debitAcct, leafCc());
      ops.setAccount(s + 1, ai('1000'), null);
      o.lineNumber[s] = 1;
      o.lineNumber[s + 1] = 2;
      for (let r = s; r < s + 2; r++) o.lineText[r] = o.headerText[r];
      ops.header(o.source, s, n, 'manual');
      ops.header(o.isManual, s, n, 1);
      ops.header(o.sourceSystem, s, n, 'manual');
      ops.header(o.createdBy, s, n, user.userId);
      ops.header(o.userPersona, s, n, user.persona);
      ops.header(o.reference, s, n, null);
      ops.group(s, n);
      plan({ kind: 'map', creator: user });
      return one({
        monetaryImpact: Math.abs(t - T0), relatedEntities: [user.userId, acct.number[debitAcct], '1000'],
        description: `replaced by DR ${acct.number[debitAcct]} / CR 1000 ${formatCents(t)} by ${user.userId}`,
        metadata: { original_total: formatCents(T0), new_total: formatCents(t), original_lines: d.n, new_user: user.userId },
      });
    }
    case 'round_dollar_manipulation':
      return scaled(toLocal(obviousRound(rng)));
    case 'just_below_threshold': {
      const thr = env.thresholdCents;
      const g = thr - 10_000 - rng.int(1, 49) * 100;
      const out = scaled(toLocal(g), { threshold: formatCents(thr) });
      setApproval('auto_approved', 'SYSTEM', o.postingDate[s], 0);
      ops.header(o.soxRelevant, s, n, 0);
      ops.header(o.controlStatus, s, n, 'not_tested');
      plan({ kind: 'replace', rows: [{ action: 'auto_approve', actor: 'SYSTEM', role: 'system', level: 0, ts: o.createdAt[s] }] });
      return out;
    }
    case 'self_approval': {
      const level = Math.max(1, o.approvalLevels[s]);
      const t1 = approveTime();
      setApproval('approved', creator, Math.floor(t1 / DAY_S), level);
      ops.header(o.sodViolation, s, n, 1);
      ops.header(o.sodConflictType, s, n, 'preparer_approver');
      ops.header(o.controlStatus, s, n, 'exception');
      plan({ kind: 'replace', rows: [
        { action: 'submit', actor: creator, role: creatorRole, level: 0, ts: o.createdAt[s] },
        { action: 'approve', actor: creator, role: creatorRole, level, ts: t1 },
      ] });
      return one({ description: `entry approved by its creator ${creator} (preparer_approver)`, relatedEntities: [creator], metadata: { conflict_type: 'preparer_approver', approval_level: level } });
    }
    case 'exceeded_approval_limit': {
      const senior = pickUser(rng, pools!.byPersona.get('senior_accountant'), creator)!;
      const out = scaled(toLocal(1_500_000), { approver: senior.userId, approver_limit: '10000.00' });
      const t1 = approveTime();
      setApproval('approved', senior.userId, Math.floor(t1 / DAY_S), 1);
      ops.header(o.soxRelevant, s, n, 1);
      ops.header(o.controlStatus, s, n, 'effective');
      plan({ kind: 'replace', rows: [
        { action: 'submit', actor: creator, role: creatorRole, level: 0, ts: o.createdAt[s] },
        { action: 'approve', actor: senior.userId, role: senior.persona, level: 1, ts: t1 },
      ] });
      return [{ ...out[0], relatedEntities: [creator, senior.userId] }];
    }
    case 'segregation_of_duties_violation': {
      const mgr = pickUser(rng, pools!.byPersona.get('manager'))!;
      const r1 = ops.firstOfSide(s, n, false);
      const old = o.glAccount[r1]!;
      ops.setAccount(r1, ai('1000'), null);
      const level = Math.max(1, o.approvalLevels[s]);
      const t1 = approveTime();
      ops.header(o.createdBy, s, n, mgr.userId);
      ops.header(o.userPersona, s, n, mgr.persona);
      setApproval('approved', mgr.userId, Math.floor(t1 / DAY_S), level);
      ops.header(o.sodViolation, s, n, 1);
      ops.header(o.sodConflictType, s, n, 'payment_releaser');
      ops.header(o.controlStatus, s, n, 'exception');
      plan({ kind: 'replace', rows: [
        { action: 'submit', actor: mgr.userId, role: mgr.persona, level: 0, ts: o.createdAt[s] },
        { action: 'approve', actor: mgr.userId, role: mgr.persona, level, ts: t1 },
      ] });
      return one({ lineNumber: r1 - s + 1, description: `credit line ${r1 - s + 1} ${old} -> 1000, posted and approved by ${mgr.userId}`, relatedEntities: [mgr.userId, old, '1000'], metadata: { old_account: old, new_account: '1000', conflict_type: 'payment_releaser', user: mgr.userId } });
    }
    case 'fictitious_vendor': {
      const shells = env.ref.vendorsOf(cc).filter((v) => v.isShell);
      const shell = rng.pick(shells);
      let old: string | null = null;
      for (let r = s; r < s + n; r++) if (o.glAccount[r] === '2000') { old = o.vendorId[r]; o.vendorId[r] = shell.id; }
      const out = scaled(toLocal(obviousRound(rng)), { old_vendor: old, new_vendor: shell.id });
      return [{ ...out[0], relatedEntities: [shell.id, ...(old ? [old] : [])], description: `vendor ${old ?? 'none'} -> shell vendor ${shell.id}; ${out[0].description}` }];
    }
    case 'revenue_manipulation': {
      const mult = rng.uniform(2, 5);
      const { year, month } = ymdOf(day0);
      const last: number[] = [];
      for (let dd = Date.UTC(year, month, 1) / 86_400_000 - 1; dd >= startDay && last.length < 3; dd--) if (dd < endDay && cal.isBusinessDay(dd)) last.push(dd);
      const newDay = last.length > 0 ? rng.pick(last) : day0;
      if (newDay !== day0) ops.setPostingDate(s, n, newDay, true);
      const out = scaled(T0 * mult, { multiplier: Number(mult.toFixed(4)), original_date: formatDate(day0), new_date: formatDate(newDay) });
      if (newDay !== day0) plan({ kind: 'map', shift: (newDay - day0) * DAY_S });
      return out;
    }
    case 'improper_capitalization': {
      let first = -1;
      const olds: string[] = [];
      for (let r = s; r < s + n; r++) {
        if (ops.isDebit(r) && o.glAccount[r]!.startsWith('6')) {
          if (first < 0) first = r;
          olds.push(o.glAccount[r]!);
          ops.setAccount(r, ai('1500'), null);
          o.costCenter[r] = null;
        }
      }
      return one({ lineNumber: first - s + 1, description: `expense debits ${[...new Set(olds)].join(', ')} -> 1500`, relatedEntities: [...new Set(olds), '1500'], metadata: { old_accounts: [...new Set(olds)], new_account: '1500', lines: olds.length } });
    }
    // ---- error ----
    case 'reversed_amount': {
      const r = randomLine();
      const a = ops.amount(r);
      const wasDebit = ops.isDebit(r);
      ops.setAmount(r, a, !wasDebit);
      ops.group(s, n);
      return one({ lineNumber: r - s + 1, monetaryImpact: 2 * a, description: `line ${r - s + 1} ${wasDebit ? 'debit' : 'credit'} ${formatCents(a)} -> ${wasDebit ? 'credit' : 'debit'}`, metadata: { amount: formatCents(a), original_side: wasDebit ? 'debit' : 'credit' } });
    }
    case 'transposed_digits': {
      const cands: number[] = [];
      for (let r = s; r < s + n; r++) if (digitsSwappable(ops.amount(r)).length > 0) cands.push(r);
      const r = rng.pick(cands);
      const a = ops.amount(r);
      const pos = rng.pick(digitsSwappable(a));
      const b = swapDigits(a, pos);
      ops.setAmount(r, b, ops.isDebit(r));
      ops.group(s, n);
      return one({ lineNumber: r - s + 1, monetaryImpact: Math.abs(b - a), description: `line ${r - s + 1} ${formatCents(a)} -> ${formatCents(b)}`, metadata: { original_amount: formatCents(a), new_amount: formatCents(b), digit_position: pos } });
    }
    case 'decimal_error':
    case 'statistical_outlier': {
      const r = randomLine();
      const a = ops.amount(r);
      const debit = ops.isDebit(r);
      let factor = 3;
      if (d.type.name === 'decimal_error') {
        factor = rng.chance(0.5) ? 10 : 0.1;
        const sideRest = (debit ? ops.debitTotal(s, n) : ops.creditTotal(s, n)) - a;
        if (factor === 0.1 && (a < 10 || sideRest + Math.round(a / 10) < ops.countSide(s, n, !debit))) factor = 10;
      }
      const b = Math.max(1, Math.round(a * factor));
      ops.setAmount(r, b, debit);
      ops.rebalance(s, n, debit);
      const T1 = ops.debitTotal(s, n);
      return one({ lineNumber: r - s + 1, monetaryImpact: Math.abs(T1 - T0), description: `line ${r - s + 1} ${formatCents(a)} -> ${formatCents(b)} (x${factor}), rebalanced; total ${formatCents(T0)} -> ${formatCents(T1)}`, metadata: { original_amount: formatCents(a), new_amount: formatCents(b), multiplier: factor } });
    }
    case 'missing_field': {
      for (let r = s; r < s + n; r++) {
        const i = acct.indexOf.get(o.glAccount[r]!) ?? -1;
        if (o.costCenter[r] !== null && i >= 0 && (acct.firstDigit[i] === 5 || acct.firstDigit[i] === 6)) {
          const old = o.costCenter[r]!;
          o.costCenter[r] = null;
          return one({ lineNumber: r - s + 1, description: `cost_center ${old} removed from line ${r - s + 1}`, metadata: { field: 'cost_center', old_value: old } });
        }
      }
      const field = o.reference[s] !== null ? 'reference' : 'header_text';
      const col = field === 'reference' ? o.reference : o.headerText;
      const old = col[s];
      ops.header(col, s, n, null);
      return one({ description: `${field} removed`, metadata: { field, old_value: old } });
    }
    case 'invalid_account':
    case 'dormant_account_activity': {
      const r = randomLine();
      const old = o.glAccount[r]!;
      let target: string;
      if (d.type.name === 'invalid_account') target = ops.isDebit(r) ? '198000' : '298000';
      else target = LEGACY_BY_CLASS[acct.firstDigit[ai(old)]] ?? '999999';
      ops.setAccount(r, ai(target), null);
      return one({ lineNumber: r - s + 1, description: `line ${r - s + 1} account ${old} -> ${target}`, relatedEntities: [old, target], metadata: { old_account: old, new_account: target } });
    }
    case 'wrong_period': {
      const delta = rng.chance(0.5) ? 32 : -32;
      return dateChange(shiftDay(cal, day0, delta, true, startDay, endDay), true, 'wrong period:');
    }
    case 'backdated_entry':
      return dateChange(shiftDay(cal, day0, -rng.int(1, 30), true, startDay, endDay), false, 'backdated:');
    case 'future_dated_entry':
      return dateChange(shiftDay(cal, day0, rng.int(1, 7), true, startDay, endDay), false, 'future dated:');
    case 'late_posting':
      return dateChange(shiftDay(cal, day0, rng.int(5, 15), true, startDay, endDay), true, 'late posting:');
    case 'misclassified_account': {
      const r = randomLine();
      const old = o.glAccount[r]!;
      const oi = ai(old);
      const acc = env.ref.coa.byNumber.get(old)!;
      const cands = (env.sameTypeAccounts.get(acc.accountType) ?? []).filter((i) => env.ref.coa.byNumber.get(acct.number[i])!.subType !== acc.subType && i !== oi);
      if (cands.length === 0) return one({ description: 'no other sub-type', metadata: {} });
      const ni = rng.pick(cands);
      ops.setAccount(r, ni, leafCc());
      return one({ lineNumber: r - s + 1, description: `line ${r - s + 1} account ${old} (${acc.subType}) -> ${acct.number[ni]}`, relatedEntities: [old, acct.number[ni]], metadata: { old_account: old, new_account: acct.number[ni] } });
    }
    case 'wrong_cost_center': {
      const rows: number[] = [];
      for (let r = s; r < s + n; r++) if (o.costCenter[r] !== null) rows.push(r);
      const r = rng.pick(rows);
      const old = o.costCenter[r]!;
      const all = env.ref.costCentersOf(cc).filter((c) => c.level === 2 && c.isActive);
      const dept = all.find((c) => c.id === old)?.department;
      const cands = all.filter((c) => c.department !== dept);
      const nc = cands.length > 0 ? rng.pick(cands).id : old;
      o.costCenter[r] = nc;
      return one({ lineNumber: r - s + 1, description: `line ${r - s + 1} cost_center ${old} -> ${nc}`, relatedEntities: [old, nc], metadata: { old_cost_center: old, new_cost_center: nc } });
    }
    case 'unbalanced_entry':
    case 'rounding_error': {
      const r = randomLine();
      const a = ops.amount(r);
      const delta = d.type.name === 'rounding_error' ? rng.int(1, 5) : Math.max(1, Math.round(a * rng.uniform(0.0001, 0.01)));
      const up = rng.chance(0.5) || a - delta < 1;
      const b = up ? a + delta : a - delta;
      ops.setAmount(r, b, ops.isDebit(r));
      ops.group(s, n);
      return one({ lineNumber: r - s + 1, monetaryImpact: delta, description: `line ${r - s + 1} ${formatCents(a)} -> ${formatCents(b)}; entry unbalanced by ${formatCents(delta)}`, metadata: { original_amount: formatCents(a), new_amount: formatCents(b) } });
    }
    case 'currency_error': {
      const group = env.ref.groupCurrency;
      if (cur !== group) {
        const rate = o.exchangeRate[s];
        const inv = Math.round(1e12 / rate);
        ops.header(o.exchangeRate, s, n, inv);
        const g0 = ops.groupTotal(s, n);
        ops.group(s, n);
        const g1 = ops.groupTotal(s, n);
        return one({ monetaryImpact: null, description: `exchange_rate ${(rate / 1e6).toFixed(6)} -> ${(inv / 1e6).toFixed(6)} (inverted); group total ${formatCents(g0)} -> ${formatCents(g1)}`, metadata: { original_rate: (rate / 1e6).toFixed(6), new_rate: (inv / 1e6).toFixed(6) } });
      }
      const others = [...new Set(env.ref.companies.map((c) => c.currency))].filter((c) => c !== group);
      const pool = others.length > 0 ? others : ['EUR', 'GBP', 'CHF', 'JPY', 'CAD'].filter((c) => c !== group);
      const nc = rng.pick(pool);
      ops.header(o.currency, s, n, nc);
      return one({ description: `currency ${cur} -> ${nc}, rate kept`, metadata: { original_currency: cur, new_currency: nc } });
    }
    // ---- process issues ----
    case 'skipped_approval': {
      setApproval('auto_approved', 'SYSTEM', o.postingDate[s], 0);
      ops.header(o.controlStatus, s, n, 'exception');
      plan({ kind: 'replace', rows: [{ action: 'auto_approve', actor: 'SYSTEM', role: 'system', level: 0, ts: o.createdAt[s] }] });
      return one({ description: `approval chain skipped on group total ${formatCents(ops.groupTotal(s, n))}`, metadata: { levels_skipped: o.approvalLevels[s] } });
    }
    case 'late_approval': {
      const k = rng.int(5, 30);
      const target = businessDaysLater(cal, day0, k, startDay, endDay, true);
      const old = o.approvalDate[s];
      const shift = target - old;
      ops.header(o.approvalDate, s, n, target);
      plan({ kind: 'map', shiftApprovals: shift * DAY_S });
      return one({ description: `approval ${formatDate(old)} -> ${formatDate(target)} (${k} business days after posting)`, metadata: { original_approval_date: formatDate(old), new_approval_date: formatDate(target), business_days: k } });
    }
    case 'missing_documentation': {
      const old = o.reference[s];
      ops.header(o.reference, s, n, null);
      ops.header(o.sourceDocumentType, s, n, null);
      ops.header(o.sourceDocumentId, s, n, null);
      return one({ description: `reference ${old ?? 'null'} and source document removed`, metadata: { field: 'reference', old_value: old } });
    }
    case 'after_hours_posting':
    case 'unusual_timing': {
      if (d.type.name === 'unusual_timing') {
        const { year, month } = ymdOf(day0);
        const hol = cal.holidays.filter((h) => { const y = ymdOf(h.day); return y.year === year && y.month === month && h.day >= startDay && h.day < endDay && h.day !== day0; });
        if (hol.length > 0) {
          const h = rng.pick(hol);
          const out = dateChange(h.day, true, `holiday ${h.name}:`);
          return [{ ...out[0], metadata: { ...out[0].metadata, holiday: h.name } }];
        }
      }
      const old = o.createdAt[s];
      const hour = d.type.name === 'unusual_timing' ? rng.int(0, 4) : rng.pick(AFTER_HOURS);
      const t = day0 * DAY_S + hour * HOUR_S + rng.int(0, 59) * 60 + rng.int(0, 59);
      ops.header(o.createdAt, s, n, t);
      plan({ kind: 'map', shift: t - old });
      return one({ description: `created_at time -> ${String(hour).padStart(2, '0')}h`, metadata: { original_created_at: old, new_hour: hour } });
    }
    case 'weekend_posting': {
      const toSat = (6 - weekday(day0) + 7) % 7 || 7;
      const sat = day0 + toSat;
      const sun = day0 + ((7 - weekday(day0)) % 7 || 7);
      let target = rng.chance(0.6) ? sat : sun;
      if (target >= endDay) target = target === sat ? sun : sat;
      return dateChange(target, true, 'weekend:');
    }
    case 'rushed_period_end': {
      const { year, month } = ymdOf(day0);
      let last = Math.min(Date.UTC(year, month, 1) / 86_400_000, endDay) - 1;
      while (last > day0 && !cal.isBusinessDay(last)) last--;
      if (last !== day0) ops.setPostingDate(s, n, last, false);
      const t = last * DAY_S + rng.int(18 * HOUR_S, DAY_S - 1);
      ops.header(o.createdAt, s, n, t);
      if (o.approvalStatus[s] === 'approved') ops.header(o.approvalDate, s, n, last);
      plan({ kind: 'map', rushedBase: t });
      return one({ description: `rushed to ${formatDate(last)} evening, approvals within 10 minutes`, metadata: { original_date: formatDate(day0), new_date: formatDate(last) } });
    }
    case 'manual_override': {
      const persona = rng.chance(0.5) ? 'senior_accountant' : 'controller';
      const user = pickUser(rng, pools!.byPersona.get(persona)) ?? pickUser(rng, pools!.byPersona.get(persona === 'controller' ? 'senior_accountant' : 'controller'))!;
      const oldSource = o.source[s];
      ops.header(o.source, s, n, 'manual');
      ops.header(o.isManual, s, n, 1);
      ops.header(o.sourceSystem, s, n, 'manual');
      ops.header(o.createdBy, s, n, user.userId);
      ops.header(o.userPersona, s, n, user.persona);
      plan({ kind: 'map', creator: user });
      return one({ description: `${oldSource} entry overridden manually by ${user.userId}`, relatedEntities: [creator, user.userId], metadata: { original_source: oldSource, original_user: creator, new_user: user.userId } });
    }
    case 'vague_description': {
      const old = o.headerText[s];
      const t = rng.pick(VAGUE_TEXTS);
      ops.header(o.headerText, s, n, t);
      return one({ description: `header_text -> ${JSON.stringify(t)}`, metadata: { original_text: old, new_text: t } });
    }
    case 'incomplete_approval_chain': {
      const L = o.approvalLevels[s];
      const user = pickUser(rng, pools!.byPersona.get(L - 1 === 1 ? 'manager' : 'controller'), creator) ?? pickUser(rng, pools!.humans, creator)!;
      ops.header(o.approvedBy, s, n, user.userId);
      plan({ kind: 'map', dropLevel: L, actorLevel: L - 1, actor: user });
      return one({ description: `level ${L} approval removed; last approver ${user.userId} (level ${L - 1})`, relatedEntities: [user.userId], metadata: { levels_required: L, removed_level: L } });
    }
    // ---- statistical ----
    case 'unusually_high_amount': return scaled(T0 * 5, { multiplier: 5 });
    case 'unusually_low_amount': return scaled(T0 * 0.1, { multiplier: 0.1 });
    case 'benford_violation': {
      const units = Math.floor(T0 / 100);
      const cents = T0 - units * 100;
      const digits = units > 0 ? String(units).length : 1;
      const p = 10 ** (digits - 1);
      const oldLead = units > 0 ? Math.floor(units / p) : 0;
      let lead = rng.int(5, 9);
      if (lead === oldLead) lead = lead === 9 ? 5 : lead + 1;
      const t1 = (lead * p + (units > 0 ? units % p : 0)) * 100 + cents;
      return scaled(t1, { first_digit: lead, original_first_digit: oldLead });
    }
    case 'exact_duplicate_amount': return scaled(d.prevTotal, { matched_total: formatCents(d.prevTotal) });
    case 'repeating_amount': return scaled(toLocal(env.facts.repeatingAmount), { repeating_amount_group: formatCents(env.facts.repeatingAmount) });
    case 'trend_break': {
      const mult = rng.uniform(2, 4);
      const da = env.facts.trendDebit;
      const ca = env.facts.trendCredit;
      for (let r = s; r < s + n; r++) ops.setAccount(r, ops.isDebit(r) ? da : ca, leafCc());
      const out = scaled(T0 * mult, { multiplier: Number(mult.toFixed(4)), debit_account: acct.number[da], credit_account: acct.number[ca] });
      return [{ ...out[0], relatedEntities: [acct.number[da], acct.number[ca]] }];
    }
    // ---- relational ----
    case 'unusual_account_pair': {
      const dr = ops.firstOfSide(s, n, true);
      const r1 = ops.firstOfSide(s, n, false);
      const da = o.glAccount[dr]!;
      const cls = acct.firstDigit[ai(da)];
      const target = da === '8000' ? '1200' : da === '1200' ? '8000' : cls >= 5 && cls <= 8 ? '4900' : '6900';
      const old = o.glAccount[r1]!;
      ops.setAccount(r1, ai(target), leafCc());
      return one({ lineNumber: r1 - s + 1, description: `credit line ${r1 - s + 1} ${old} -> ${target} against debit ${da}`, relatedEntities: [da, old, target], metadata: { debit_account: da, old_account: old, new_account: target } });
    }
    case 'new_counterparty': {
      const vs = env.ref.vendorsOf(cc).filter((v) => v.isReserve);
      const cs = env.ref.customersOf(cc).filter((v) => v.isReserve);
      const nv = vs.length > 0 ? rng.pick(vs).id : null;
      const nc = cs.length > 0 ? rng.pick(cs).id : null;
      const changed: string[] = [];
      for (let r = s; r < s + n; r++) {
        if (o.glAccount[r] === '2000' && nv) { o.vendorId[r] = nv; changed.push(nv); }
        if (o.glAccount[r] === '1100' && nc) { o.customerId[r] = nc; changed.push(nc); }
      }
      const u = [...new Set(changed)];
      return one({ description: `partner -> reserve-pool ${u.join(', ')}`, relatedEntities: u, metadata: { new_partners: u } });
    }
    case 'missing_relationship': {
      const old: string[] = [];
      for (let r = s; r < s + n; r++) {
        if (o.vendorId[r] !== null) { old.push(o.vendorId[r]!); o.vendorId[r] = null; }
        if (o.customerId[r] !== null) { old.push(o.customerId[r]!); o.customerId[r] = null; }
      }
      const u = [...new Set(old)];
      return one({ description: `partner ${u.join(', ')} removed`, relatedEntities: u, metadata: { removed_partners: u } });
    }
    case 'centrality_anomaly': {
      const r1 = ops.firstOfSide(s, n, false);
      const old = o.glAccount[r1]!;
      ops.setAccount(r1, env.facts.hub, null);
      return one({ lineNumber: r1 - s + 1, description: `credit line ${r1 - s + 1} ${old} -> hub ${acct.number[env.facts.hub]}`, relatedEntities: [old, acct.number[env.facts.hub]], metadata: { old_account: old, hub_account: acct.number[env.facts.hub] } });
    }
    case 'unmatched_intercompany':
    case 'transfer_pricing_anomaly': {
      // The buyer entry follows the seller directly in the output (claimed by the engine, never selected itself).
      const b = s + n;
      let m = 0;
      while (o.documentId[b + m] === o.documentId[b]) m++;
      const buyerDoc = o.documentId[b]!;
      const tb0 = ops.debitTotal(b, m);
      const originalHash = entryHash(o, b, m);
      const drafts: LabelDraft[] = [];
      if (d.type.name === 'unmatched_intercompany') {
        const f = 1 + (rng.chance(0.5) ? 1 : -1) * rng.uniform(0.01, 0.1);
        const tb = ops.scaleTo(b, m, tb0 * f);
        drafts.push({ row: b, n: m, lineNumber: null, monetaryImpact: Math.abs(tb - tb0), relatedDocumentId: docId, relatedEntities: [docId, buyerDoc, o.sourceDocumentId[s] ?? ''],
          description: `IC buyer entry scaled ${formatCents(tb0)} -> ${formatCents(tb)} (x${f.toFixed(4)}); pair no longer matches`, metadata: { factor: Number(f.toFixed(4)), ic_reference: o.sourceDocumentId[s] }, originalHash });
        return drafts;
      }
      const f = rng.uniform(1.5, 3);
      const ts = ops.scaleTo(s, n, T0 * f);
      const tb = ops.scaleTo(b, m, tb0 * f);
      drafts.push({ row: s, n, lineNumber: null, monetaryImpact: Math.abs(ts - T0), relatedDocumentId: buyerDoc, relatedEntities: [docId, buyerDoc, o.sourceDocumentId[s] ?? ''],
        description: `IC seller entry scaled ${formatCents(T0)} -> ${formatCents(ts)} (transfer price x${f.toFixed(4)})`, metadata: { factor: Number(f.toFixed(4)), ic_reference: o.sourceDocumentId[s] } });
      drafts.push({ row: b, n: m, lineNumber: null, monetaryImpact: Math.abs(tb - tb0), relatedDocumentId: docId, relatedEntities: [docId, buyerDoc, o.sourceDocumentId[s] ?? ''],
        description: `IC buyer entry scaled ${formatCents(tb0)} -> ${formatCents(tb)} (transfer price x${f.toFixed(4)})`, metadata: { factor: Number(f.toFixed(4)), ic_reference: o.sourceDocumentId[s] }, originalHash });
      return drafts;
    }
    default:
      throw new Error(`anomalies: no in-place mutation for ${d.type.name}`);
  }
}

/**
 * Rewrites the emitted copies (already copied row-wise from the source, new ids and line numbers
 * set) per type: dates, times, totals, accounts. Returns one draft per emitted entry.
 */
export function mutateEmitted(env: MutationEnv, ops: EntryOps, o: JelColumns, d: Decision, sourceDocId: string): LabelDraft[] {
  const rng = d.rng;
  const acct = env.sc.accounts;
  const out: LabelDraft[] = [];
  const cc = o.companyCode[d.emitStarts[0]]!;
  const cal = env.calendarOf(cc);
  const { startDay, endDay } = env.ref.period;
  const srcTotal = d.sourceTotal;
  const dayEnd = (day: number): number => (day + 1) * DAY_S - 1;
  let burstOffsets: number[] = [];
  if (d.type.name === 'transaction_burst') burstOffsets = d.emitRows.map(() => rng.int(60, 3600)).sort((a, b) => a - b);
  let cAcct = -1;
  if (d.type.name === 'circular_transaction') cAcct = rng.pick(env.balanceSheetAccounts);
  d.emitStarts.forEach((s, k) => {
    const n = d.emitRows[k].length;
    const day0 = o.postingDate[s];
    const base = { row: s, n, lineNumber: null, relatedDocumentId: sourceDocId, relatedEntities: [sourceDocId] as string[] };
    switch (d.type.name) {
      case 'duplicate_entry': {
        const t = Math.min(o.createdAt[s] + rng.int(60, 7200), dayEnd(day0));
        ops.header(o.createdAt, s, n, t);
        out.push({ ...base, monetaryImpact: srcTotal, description: `exact copy of ${sourceDocId}`, metadata: { copy_of: sourceDocId } });
        break;
      }
      case 'duplicate_payment': {
        const k2 = rng.int(1, 10);
        const nd = businessDaysLater(cal, day0, k2, startDay, endDay);
        if (nd !== day0) ops.setPostingDate(s, n, nd, true);
        out.push({ ...base, monetaryImpact: srcTotal, description: `duplicate payment of ${sourceDocId} ${k2} business days later on ${formatDate(nd)}`, metadata: { copy_of: sourceDocId, business_days: k2, new_date: formatDate(nd) } });
        break;
      }
      case 'unusual_frequency': {
        const f = 1 + rng.uniform(-0.05, 0.05);
        const t = ops.scaleTo(s, n, srcTotal * f);
        ops.header(o.createdAt, s, n, Math.min(o.createdAt[s] + (k + 1) * rng.int(60, 1800), dayEnd(day0)));
        out.push({ ...base, monetaryImpact: t, description: `near copy ${k + 1} of ${sourceDocId}, total ${formatCents(t)}`, metadata: { copy_of: sourceDocId, factor: Number(f.toFixed(4)) } });
        break;
      }
      case 'transaction_burst': {
        const g = Math.min(Math.max(Math.round(logNormal(rng, 7, 2.5) * 100), 100), 10_000_000_000);
        const t = ops.scaleTo(s, n, env.ref.fx.groupToLocal(g, o.currency[s]!, day0));
        ops.header(o.createdAt, s, n, Math.min(o.createdAt[s] + burstOffsets[k], dayEnd(day0)));
        out.push({ ...base, monetaryImpact: t, description: `burst entry ${k + 1}/${d.emitStarts.length} after ${sourceDocId}, total ${formatCents(t)}`, metadata: { burst_size: d.emitStarts.length, offset_seconds: burstOffsets[k] } });
        break;
      }
      case 'circular_transaction': {
        // Source: DR a / CR b. Emitted: DR b / CR c, then DR c / CR a (domain.md §8.2).
        const a = o.glAccount[s]!;
        const b = o.glAccount[s + 1]!;
        const dr = k === 0 ? acct.indexOf.get(b)! : cAcct;
        const cr = k === 0 ? cAcct : acct.indexOf.get(a)!;
        // Each emitted entry is a copy of the source's first debit (a) and first credit (b) line.
        ops.setAmount(s, srcTotal, true);
        ops.setAmount(s + 1, srcTotal, false);
        ops.setAccount(s, dr, null);
        ops.setAccount(s + 1, cr, null);
        const nd = businessDaysLater(cal, day0, rng.int(1, 3), startDay, endDay);
        if (nd !== day0) ops.setPostingDate(s, n, nd, true);
        else ops.group(s, n);
        out.push({ ...base, monetaryImpact: srcTotal, description: `circular flow ${k + 1}/2: DR ${acct.number[dr]} / CR ${acct.number[cr]} ${formatCents(srcTotal)}`, relatedEntities: [sourceDocId, acct.number[dr], acct.number[cr]], metadata: { step: k + 1, debit_account: acct.number[dr], credit_account: acct.number[cr] } });
        break;
      }
      default: throw new Error(`anomalies: no emission for ${d.type.name}`);
    }
  });
  return out;
}
