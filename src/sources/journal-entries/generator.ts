/**
 * Generation of one `journal_entries` partition (company × month): domain.md §5.2 steps 1–12 per
 * row, one Rng stream per purpose consumed sequentially (D4), written column-wise into batches
 * that always end at an entry boundary.
 */
import type { Batch } from '../../engine/batch.js';
import { createBatch } from '../../engine/batch.js';
import type { GenerationContext } from '../../engine/plugins.js';
import type { JeUser } from '../../domain/types.js';
import { weekday, ymdOf, formatDate } from '../../domain/dates.js';
import { localToGroupCents } from '../../domain/money.js';
import { deriveUuid } from '../../random/derive.js';
import { Rng } from '../../random/rng.js';
import {
  benfordAmount, logNormal, logNormalMixture, pareto, roundToNice, roundToSignificant, splitLargestRemainder,
} from '../../random/distributions.js';
import { jeApprovals, journalEntryLines } from '../../tables/journal.js';
import { FRAUD_TYPES, HUMAN_PERSONAS, PROCESSES, SOURCES, type FraudType, type ResolvedOptions } from './options.js';
import type { JournalPlan } from './plan.js';
import { sourceContext, type CompanyPools, type SourceContext } from './context.js';
import type { ResolvedTemplate } from './templates.js';
import { EntryState, MAX_LINES } from './entry.js';
import { applyTypo, fillHeader, LINE_TEXTS_BY_CLASS, MONTH_NAMES } from './texts.js';
import { anomalyId, canonicalHash, labelBatches, type LabelRecord } from './labels.js';
import { LINE_BUCKETS } from './options.js';

const DAY_S = 86_400;
const HOUR_S = 3_600;
const SYSTEM_USER = 'SYSTEM';
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Weights of the replacement leading digit 1–9 of `statistically_improbable` amounts (domain.md §5.4). */
const IMPROBABLE_DIGIT_WEIGHTS = [0.05, 0.05, 0.05, 0.10, 0.25, 0.10, 0.20, 0.05, 0.15];
const PEAK_HOURS = [9, 10, 11, 14, 15, 16];
const AFTER_HOURS = [6, 7, 18, 19, 20, 21];
const PROCESS_SYSTEM: Record<string, string> = { O2C: 'SAP-SD', P2P: 'SAP-MM', H2R: 'SAP-HR', R2R: 'SAP-FI', A2R: 'SAP-FI' };
const REFERENCE_PREFIX: Record<string, string> = { O2C: 'SO', P2P: 'PO', R2R: 'DOC', H2R: 'EXP', A2R: 'FA' };
const PERSONA_ERROR_KINDS = ['transposition', 'decimal_shift', 'typo', 'rounding', 'late_posting'] as const;
type PersonaErrorKind = (typeof PERSONA_ERROR_KINDS)[number];
const PERSONA_ERROR_LABEL: Record<PersonaErrorKind, string> = {
  transposition: 'transposed_digits', decimal_shift: 'decimal_error', typo: 'description_typo', rounding: 'manual_rounding', late_posting: 'late_posting',
};
const SRC_MANUAL = 0;
const SRC_ADJUSTMENT = 3;

/** Money text `1234.50` / `-0.01` from integer cents (labels, descriptions, hashes). */
export function formatCents(cents: number): string {
  const neg = cents < 0;
  const a = Math.abs(cents);
  const whole = Math.floor(a / 100);
  const frac = a - whole * 100;
  return `${neg ? '-' : ''}${whole}.${frac < 10 ? '0' : ''}${frac}`;
}

/** round(local × micros / 10^6) half away from zero, exact (domain.md §3.2). */
function toGroup(local: number, micros: number): number {
  if (micros === 1_000_000) return local;
  const p = local * micros;
  const ap = p < 0 ? -p : p;
  if (ap > MAX_SAFE) return localToGroupCents(local, micros);
  let q = Math.floor(ap / 1_000_000);
  let r = ap - q * 1_000_000;
  while (r < 0) { q--; r += 1_000_000; }
  while (r >= 1_000_000) { q++; r -= 1_000_000; }
  if (2 * r >= 1_000_000) q++;
  return p < 0 ? -q : q;
}

/** A timestamp falling on a weekend moves to Monday 09:00 + the same offset (domain.md §5.8). */
function approvalStep(prev: number, offset: number): number {
  const t = prev + offset;
  const day = Math.floor(t / DAY_S);
  const wd = weekday(day);
  if (wd === 6) return (day + 2) * DAY_S + 9 * HOUR_S + offset;
  if (wd === 0) return (day + 1) * DAY_S + 9 * HOUR_S + offset;
  return t;
}

interface Streams {
  dates: Rng; source: Rng; process: Rng; template: Rng; fraud: Rng; lines: Rng; amounts: Rng; split: Rng;
  accounts: Rng; partners: Rng; costCenters: Rng; text: Rng; users: Rng; times: Rng; approvals: Rng;
  controls: Rng; errors: Rng; batches: Rng;
}

/** Typed views of every `journal_entry_lines` column of a batch (shared with the anomalies transform). */
export interface JelColumns {
  documentId: Array<string | null>; lineNumber: Int32Array; companyCode: Array<string | null>; fiscalYear: Int32Array;
  fiscalPeriod: Int32Array; postingDate: Int32Array; documentDate: Int32Array; createdAt: Float64Array;
  documentType: Array<string | null>; businessProcess: Array<string | null>; transactionTemplate: Array<string | null>;
  source: Array<string | null>; sourceSystem: Array<string | null>; isManual: Uint8Array; createdBy: Array<string | null>;
  userPersona: Array<string | null>; currency: Array<string | null>; exchangeRate: Float64Array; reference: Array<string | null>;
  headerText: Array<string | null>; sourceDocumentType: Array<string | null>; sourceDocumentId: Array<string | null>;
  batchId: Array<string | null>; ledger: Array<string | null>; isPostClose: Uint8Array; isElimination: Uint8Array;
  approvalStatus: Array<string | null>; approvedBy: Array<string | null>; approvalDate: Int32Array; approvalDateNull: Uint8Array;
  approvalLevels: Int32Array; soxRelevant: Uint8Array; controlStatus: Array<string | null>; sodViolation: Uint8Array;
  sodConflictType: Array<string | null>; glAccount: Array<string | null>; accountDescription: Array<string | null>;
  debit: Float64Array; credit: Float64Array; local: Float64Array; group: Float64Array; costCenter: Array<string | null>;
  profitCenter: Array<string | null>; vendorId: Array<string | null>; customerId: Array<string | null>;
  tradingPartner: Array<string | null>; lineText: Array<string | null>; valueDate: Int32Array; valueDateNull: Uint8Array;
  isFraud: Uint8Array; fraudType: Array<string | null>; isAnomaly: Uint8Array;
}

export function jelColumns(b: Batch): JelColumns {
  const ix = journalEntryLines.index;
  const v = (name: string) => b.values[ix.get(name)!];
  const s = (name: string) => v(name) as Array<string | null>;
  const i = (name: string) => v(name) as Int32Array;
  const f = (name: string) => v(name) as Float64Array;
  const u = (name: string) => v(name) as Uint8Array;
  const nm = (name: string) => b.nulls[ix.get(name)!]!;
  return {
    documentId: s('document_id'), lineNumber: i('line_number'), companyCode: s('company_code'), fiscalYear: i('fiscal_year'),
    fiscalPeriod: i('fiscal_period'), postingDate: i('posting_date'), documentDate: i('document_date'), createdAt: f('created_at'),
    documentType: s('document_type'), businessProcess: s('business_process'), transactionTemplate: s('transaction_template'),
    source: s('source'), sourceSystem: s('source_system'), isManual: u('is_manual'), createdBy: s('created_by'),
    userPersona: s('user_persona'), currency: s('currency'), exchangeRate: f('exchange_rate'), reference: s('reference'),
    headerText: s('header_text'), sourceDocumentType: s('source_document_type'), sourceDocumentId: s('source_document_id'),
    batchId: s('batch_id'), ledger: s('ledger'), isPostClose: u('is_post_close'), isElimination: u('is_elimination'),
    approvalStatus: s('approval_status'), approvedBy: s('approved_by'), approvalDate: i('approval_date'), approvalDateNull: nm('approval_date'),
    approvalLevels: i('approval_levels_required'), soxRelevant: u('sox_relevant'), controlStatus: s('control_status'),
    sodViolation: u('sod_violation'), sodConflictType: s('sod_conflict_type'), glAccount: s('gl_account'),
    accountDescription: s('account_description'), debit: f('debit_amount'), credit: f('credit_amount'), local: f('local_amount'),
    group: f('group_amount'), costCenter: s('cost_center'), profitCenter: s('profit_center'), vendorId: s('vendor_id'),
    customerId: s('customer_id'), tradingPartner: s('trading_partner'), lineText: s('line_text'), valueDate: i('value_date'),
    valueDateNull: nm('value_date'), isFraud: u('is_fraud'), fraudType: s('fraud_type'), isAnomaly: u('is_anomaly'),
  };
}

/** Shrinks a batch allocated with spare capacity to its first `n` rows (views, no copy). */
function truncate(b: Batch, n: number): Batch {
  return {
    schema: b.schema,
    partition: b.partition,
    firstRow: b.firstRow,
    length: n,
    values: b.values.map((v) => {
      if (Array.isArray(v)) {
        v.length = n;
        return v;
      }
      return v.subarray(0, n);
    }),
    nulls: b.nulls.map((m) => (m ? m.subarray(0, n) : null)),
  };
}

/** Facts of the partition month shared by all rows. */
interface MonthFacts {
  readonly from: number;
  readonly to: number;
  readonly businessDays: readonly number[];
  readonly weekendDays: readonly number[];
  readonly isLastMonth: boolean;
}

export class PartitionGenerator {
  private readonly sc: SourceContext;
  private readonly pools: CompanyPools;
  private readonly rng: Streams;
  private readonly entryCount: number;
  private readonly days: Int32Array;
  private readonly month: MonthFacts;
  private readonly seqOffset: number;
  private readonly currency: string;
  private readonly companyCode: string;
  private readonly profitCenters: readonly string[];
  private readonly rateCache = new Map<number, number>();
  private readonly weights = new Float64Array(MAX_LINES);
  private readonly idxSuspense: number;
  private readonly fraudActive: boolean;
  private readonly approvers: readonly (readonly JeUser[])[];

  private jel: Batch | null = null;
  private cols: JelColumns | null = null;
  private jelLen = 0;
  private jelFirstRow = 0;
  private readonly out: Batch[] = [];

  private appr: Batch | null = null;
  private apprLen = 0;
  private apprFirstRow = 0;

  private readonly labels: LabelRecord[] = [];

  constructor(
    private readonly componentId: string,
    private readonly opts: ResolvedOptions,
    private readonly plan: JournalPlan,
    private readonly partition: number,
    private readonly ctx: GenerationContext,
  ) {
    const ref = ctx.reference;
    const nC = plan.nCompanies;
    const c = partition % nC;
    const m = Math.floor(partition / nC);
    this.sc = sourceContext(ref);
    this.pools = this.sc.companies[c];
    const company = this.pools.company;
    this.companyCode = company.code;
    this.currency = company.currency;
    this.entryCount = plan.counts[c][m];
    this.seqOffset = plan.seqOffsets[c][m];
    this.profitCenters = PROCESSES.map((p) => (p === 'A2R' ? `PC-${company.code}` : `PC-${company.code}-${p}`));
    const idx = this.sc.accounts.indexOf.get('9000');
    if (idx === undefined) throw new Error('chart of accounts lacks 9000 General Suspense');
    this.idxSuspense = idx;
    this.fraudActive = opts.fraudEnabled && opts.fraudRate > 0 && opts.fraudTypeWeights.some((w) => w > 0);
    const byP = (p: string): readonly JeUser[] => this.pools.byPersona.get(p) ?? [];
    this.approvers = [byP('manager'), byP('controller'), byP('executive')];

    const S = (label: string): Rng => Rng.for(ctx.seed, componentId, partition, label);
    this.rng = {
      dates: S('dates'), source: S('source'), process: S('process'), template: S('template'), fraud: S('fraud'),
      lines: S('lines'), amounts: S('amounts'), split: S('split'), accounts: S('accounts'), partners: S('partners'),
      costCenters: S('cost_centers'), text: S('text'), users: S('users'), times: S('times'), approvals: S('approvals'),
      controls: S('controls'), errors: S('errors'), batches: S('batches'),
    };

    const period = ref.period;
    const from = period.monthStart[m];
    const to = period.monthStart[m + 1];
    const cal = ref.calendar(company.country);
    const businessDays: number[] = [];
    const weekendDays: number[] = [];
    for (let d = from; d < to; d++) {
      if (cal.isBusinessDay(d)) businessDays.push(d);
      const wd = weekday(d);
      if (wd === 0 || wd === 6) weekendDays.push(d);
    }
    this.month = { from, to, businessDays, weekendDays, isLastMonth: m === period.months - 1 };
    this.days = this.stratifiedDays(plan.dayWeights[c].folded, from - plan.dayWeights[c].startDay, to - from);
  }

  /** Step 1 (domain.md §5.5): row i gets F⁻¹((i + U_i)/N) over the month's folded CDF. */
  private stratifiedDays(folded: Float64Array, offset: number, len: number): Int32Array {
    const n = this.entryCount;
    const days = new Int32Array(n);
    let total = 0;
    let lastPositive = -1;
    for (let k = 0; k < len; k++) {
      total += folded[offset + k];
      if (folded[offset + k] > 0) lastPositive = k;
    }
    if (n === 0) return days;
    if (!(total > 0)) throw new Error(`journal_entries partition ${this.partition}: ${n} entries planned in a month without business days`);
    let ptr = 0;
    let acc = folded[offset];
    const r = this.rng.dates;
    for (let i = 0; i < n; i++) {
      const u = ((i + r.float()) / n) * total;
      while (u >= acc && ptr < lastPositive) {
        ptr++;
        acc += folded[offset + ptr];
      }
      days[i] = this.month.from + ptr;
    }
    return days;
  }

  private rateOf(day: number): number {
    let r = this.rateCache.get(day);
    if (r === undefined) {
      r = this.ctx.reference.fx.rateMicros(this.currency, day);
      this.rateCache.set(day, r);
    }
    return r;
  }

  /** Runs the partition; returns batches in emission order. */
  *run(): Generator<Batch> {
    const N = this.entryCount;
    const a = new EntryState();
    const b = new EntryState();
    let i = 0;
    while (i < N) {
      const followers = this.starter(a, i, N);
      this.commit(a);
      let prevCreatedAt = a.createdAt;
      for (let k = 1; k <= followers.count; k++) {
        // The starter stays intact in `a` while followers reuse `b` (each is written at commit).
        if (followers.kind === 'batch') this.batchMember(b, i + k, a, prevCreatedAt);
        else if (followers.kind === 'split') this.splitSibling(b, i + k, a, prevCreatedAt, followers.threshold, k);
        else this.duplicateCopy(b, i + k, a);
        this.commit(b);
        prevCreatedAt = b.createdAt;
        if (this.out.length > 0) yield* this.drain();
      }
      i += 1 + followers.count;
      if (this.out.length > 0) yield* this.drain();
    }
    this.flushJel();
    this.flushApprovals();
    yield* this.drain();
    for (const lb of labelBatches(this.labels, this.partition, this.ctx.seed, this.ctx.batchRows)) yield lb;
  }

  private *drain(): Generator<Batch> {
    while (this.out.length > 0) yield this.out.shift()!;
  }

  // ---- entry kinds ----

  private starter(e: EntryState, row: number, n: number): { kind: 'batch' | 'split' | 'dup' | 'none'; count: number; threshold: number } {
    const { rng, opts, sc } = this;
    e.reset(row);
    e.documentId = this.documentId(row);
    e.postingDay = this.days[row];
    // Step 2–4: source, process, template.
    e.source = rng.source.weightedIndex(opts.sourceWeights);
    const proc = rng.process.weightedIndex(opts.processWeights);
    const group = sc.templates.byProcess[proc];
    e.template = group.templates[rng.template.weightedIndex(group.weights)];
    // Step 5: fraud decision (domain.md §5.10).
    let nightTime = false;
    let threshold = 0;
    if (this.fraudActive && rng.fraud.chance(opts.fraudRate)) {
      const ft = FRAUD_TYPES[rng.fraud.weightedIndex(opts.fraudTypeWeights)];
      e.fraudType = ft;
      switch (ft) {
        case 'fictitious_transaction':
          e.source = SRC_MANUAL;
          e.template = sc.templates.byId.get('r2r_accrual')!;
          break;
        case 'revenue_manipulation': {
          e.template = sc.templates.byId.get('o2c_customer_invoice')!;
          const bd = this.month.businessDays;
          const last = bd.slice(Math.max(0, bd.length - 3));
          if (last.length > 0) e.postingDay = rng.fraud.pick(last);
          break;
        }
        case 'expense_capitalization':
          e.template = sc.templates.byId.get('p2p_expense_invoice')!;
          break;
        case 'duplicate_payment':
          e.template = sc.templates.byId.get('p2p_vendor_payment')!;
          break;
        case 'timing_anomaly':
          if (rng.fraud.chance(0.5) && this.month.weekendDays.length > 0) e.postingDay = rng.fraud.pick(this.month.weekendDays);
          else nightTime = true;
          break;
        case 'unauthorized_access':
          if (this.pools.otherCompanyHumans.length === 0) e.source = SRC_MANUAL;
          break;
        case 'split_transaction':
          threshold = rng.fraud.pick(opts.approvalThresholds);
          break;
        default:
          break;
      }
    }
    e.documentDay = e.postingDay;
    this.drawSourceSystem(e);
    // Step 6: line count, parity, split (domain.md §5.3).
    this.drawLineShape(e);
    // Step 7: total amount (§5.4) and its split into lines.
    const minTotal = Math.max(e.nDebit, e.nCredit) * 100;
    let total: number;
    switch (e.fraudType) {
      case 'suspense_account_abuse':
      case 'fictitious_transaction':
        total = this.obviousRoundTotal();
        break;
      case 'revenue_manipulation':
      case 'expense_capitalization':
      case 'unauthorized_access':
        total = this.improbable(this.sampleTotal(e, minTotal));
        break;
      case 'split_transaction':
        total = this.thresholdAdjacent(threshold, e.postingDay);
        break;
      default:
        total = this.sampleTotal(e, minTotal);
    }
    e.total = Math.max(total, minTotal);
    this.splitSides(e);
    // Step 8: accounts, partner, cost centers, reference, texts.
    this.drawAccounts(e);
    this.drawPartners(e);
    this.drawCostCenters(e);
    e.reference = this.referenceOf(e, row);
    this.drawTexts(e);
    // Step 9: user and created_at.
    this.drawUser(e);
    e.createdAt = e.postingDay * DAY_S + (nightTime ? this.nightSeconds() : this.intradaySeconds(e));
    this.computeGroup(e);
    // Step 10: approvals, SoD, control exception.
    this.approvalsAndControls(e, e.fraudType === null);
    if (e.fraudType !== null) this.fraudLabel(e, threshold);
    // Step 11: persona error.
    if (e.label === null) this.personaError(e);
    // Step 12: batch decision; fraud groups.
    let kind: 'batch' | 'split' | 'dup' | 'none' = 'none';
    let count = 0;
    const room = n - 1 - row;
    if (e.fraudType === 'split_transaction') {
      count = Math.min(rng.fraud.int(1, 4), room);
      kind = 'split';
    } else if (e.fraudType === 'duplicate_payment') {
      count = Math.min(1, room);
      kind = 'dup';
    } else if (e.fraudType === null && this.isHumanSource(e) && !e.user.isAutomated && rng.batches.chance(0.15)) {
      count = Math.min(rng.batches.int(2, 6), room);
      kind = 'batch';
      if (count > 0) e.batchId = e.documentId;
    }
    if (count > 0 && e.label !== null && kind !== 'batch') {
      const first = this.labels.length + 2;
      e.label.childAnomalyIds = Array.from({ length: count }, (_, k) => anomalyId(this.componentId, this.partition, first + k));
    }
    return { kind, count, threshold };
  }

  /** Batch member (domain.md §5.7): same date and user, manual, same template, 2 lines, total ×(1 ± U[0, .15]). */
  private batchMember(e: EntryState, row: number, starter: EntryState, prevCreatedAt: number): void {
    const { rng } = this;
    e.reset(row);
    e.documentId = this.documentId(row);
    e.postingDay = starter.postingDay;
    e.documentDay = e.postingDay;
    e.source = SRC_MANUAL;
    e.template = starter.template;
    this.drawSourceSystem(e);
    e.nDebit = 1;
    e.nCredit = 1;
    e.nLines = 2;
    e.total = Math.max(100, Math.round(starter.total * (1 + rng.amounts.uniform(-0.15, 0.15))));
    e.amount[0] = e.total;
    e.amount[1] = e.total;
    e.account[0] = starter.account[0];
    e.account[1] = starter.account[starter.nDebit];
    this.drawPartners(e);
    this.drawCostCenters(e);
    e.reference = this.referenceOf(e, row);
    this.drawTexts(e);
    e.user = starter.user;
    e.createdAt = this.sameDay(prevCreatedAt + rng.times.int(60, 600), e.postingDay);
    e.batchId = starter.documentId;
    this.computeGroup(e);
    this.approvalsAndControls(e, true);
    this.personaError(e);
  }

  /** split_transaction sibling (domain.md §5.10): same user, date and accounts; threshold-adjacent to the same t. */
  private splitSibling(e: EntryState, row: number, starter: EntryState, prevCreatedAt: number, threshold: number, k: number): void {
    e.reset(row);
    e.copyFrom(starter);
    e.documentId = this.documentId(row);
    e.fraudType = 'split_transaction';
    e.total = Math.max(this.thresholdAdjacent(threshold, e.postingDay), Math.max(e.nDebit, e.nCredit) * 100);
    this.splitSides(e);
    e.reference = this.referenceOf(e, row);
    e.createdAt = this.sameDay(prevCreatedAt + this.rng.times.int(60, 600), e.postingDay);
    this.computeGroup(e);
    this.approvalsAndControls(e, false);
    const parent = starter.label!;
    e.label = this.newLabel(e, 'split_transaction', 'generation', {
      lineNumber: null,
      monetaryImpact: e.total,
      description: `split part ${k + 1} of ${parent.metadata.group_size as number} below threshold ${formatCents(threshold * 100)}: total ${formatCents(e.total)}`,
      relatedDocumentId: starter.documentId,
      relatedEntities: [e.user.userId, starter.documentId],
      parentAnomalyId: parent.anomalyId,
      causalReasonType: 'random_rate',
      causalReason: { base_rate: this.opts.fraudRate },
      originalDocumentHash: parent.originalDocumentHash,
      metadata: { threshold: formatCents(threshold * 100), part: k + 1 },
    });
  }

  /** duplicate_payment copy (domain.md §5.10): 1–5 business days later, same amount, vendor, reference. */
  private duplicateCopy(e: EntryState, row: number, original: EntryState): void {
    const { rng } = this;
    e.reset(row);
    e.copyFrom(original);
    e.documentId = this.documentId(row);
    e.fraudType = 'duplicate_payment';
    const k = rng.fraud.int(1, 5);
    e.postingDay = this.shiftBusinessDays(original.postingDay, k);
    e.documentDay = e.postingDay;
    e.createdAt = e.postingDay * DAY_S + (original.createdAt - original.postingDay * DAY_S);
    this.computeGroup(e);
    this.approvalsAndControls(e, false);
    const parent = original.label!;
    e.label = this.newLabel(e, 'duplicate_payment', 'generation', {
      lineNumber: null,
      monetaryImpact: e.total,
      description: `duplicate of ${original.documentId} posted ${formatDate(e.postingDay)} (original ${formatDate(original.postingDay)}): total ${formatCents(e.total)}`,
      relatedDocumentId: original.documentId,
      relatedEntities: [original.documentId, ...(e.vendor ? [e.vendor.id] : []), e.reference],
      parentAnomalyId: parent.anomalyId,
      causalReasonType: 'random_rate',
      causalReason: { base_rate: this.opts.fraudRate },
      originalDocumentHash: parent.originalDocumentHash,
      metadata: { original_date: formatDate(original.postingDay), new_date: formatDate(e.postingDay), business_days_later: k },
    });
  }

  /** created_at stays on the posting date (domain.md §5.1 col. 8): later steps stop at 23:59:59. */
  private sameDay(t: number, day: number): number {
    const end = (day + 1) * DAY_S - 1;
    return t > end ? end : t;
  }

  /** k business days later within the partition month; else k earlier; else the same day. */
  private shiftBusinessDays(day: number, k: number): number {
    const bd = this.month.businessDays;
    const pos = bd.indexOf(day);
    if (pos < 0) return day;
    if (pos + k < bd.length) return bd[pos + k];
    if (pos - k >= 0) return bd[pos - k];
    return day;
  }

  // ---- steps ----

  private documentId(row: number): string {
    return deriveUuid(this.ctx.seed, this.componentId, this.partition, `je:${row}`);
  }

  private isHumanSource(e: EntryState): boolean {
    return e.source === SRC_MANUAL || e.source === SRC_ADJUSTMENT;
  }

  /** domain.md §5.6: manual → manual .70 / spreadsheet .30; otherwise process system .85 / interface .15. */
  private drawSourceSystem(e: EntryState): void {
    const r = this.rng.source;
    if (e.source === SRC_MANUAL) e.sourceSystem = r.chance(0.7) ? 'manual' : 'spreadsheet';
    else e.sourceSystem = r.chance(0.85) ? PROCESS_SYSTEM[e.template.process] : 'interface';
  }

  /** domain.md §5.3: bucket, parity (even .88; 2 → 3, else ±1), then the debit/credit split. */
  private drawLineShape(e: EntryState): void {
    const r = this.rng.lines;
    const b = LINE_BUCKETS[r.weightedIndex(this.opts.lineBucketWeights)];
    let n = b[1] === b[2] ? b[1] : r.int(b[1], b[2]);
    const wantEven = r.chance(this.opts.evenProbability);
    if ((n % 2 === 0) !== wantEven) n = n === 2 ? 3 : n + (r.chance(0.5) ? 1 : -1);
    const split = r.weightedIndex(this.opts.splitWeights);
    let nDebit: number;
    if (split === 0) nDebit = Math.floor(n / 2);
    else {
      const big = Math.min(n - 1, Math.max(1, Math.round(0.6 * n)));
      nDebit = split === 1 ? big : n - big;
    }
    e.nDebit = nDebit;
    e.nCredit = n - nDebit;
    e.nLines = n;
  }

  /** One draw in group units from the configured sampler (domain.md §5.4), clamped. */
  private sampleGroupUnits(t: ResolvedTemplate): number {
    const { amounts: a, industryProfile: prof } = this.opts;
    const r = this.rng.amounts;
    let x: number;
    let max = a.maxAmount;
    if (prof !== null && t.process === 'O2C') {
      x = logNormalMixture(r, prof.sales);
      if (prof.salesMax !== undefined) max = Math.min(max, prof.salesMax);
    } else if (prof !== null && t.process === 'P2P') x = logNormalMixture(r, prof.purchase);
    else if (prof !== null && t.process === 'H2R') x = logNormalMixture(r, prof.payroll);
    else if (prof !== null && t.id === 'a2r_acquisition') x = pareto(r, prof.capexAlpha, prof.capexMin);
    else if (a.sampler === 'benford') x = benfordAmount(r, a.minAmount, a.maxAmount);
    else x = logNormal(r, a.mu, a.sigma);
    return x < a.minAmount ? a.minAmount : x > max ? max : x;
  }

  /**
   * Total in company cents (domain.md §5.4): sample, convert at the posting-date rate, round /
   * nice-number bias, human variation; redrawn below the minimum total (≤ 16 times, §5.3).
   */
  private sampleTotal(e: EntryState, minTotal: number): number {
    const r = this.rng.amounts;
    const a = this.opts.amounts;
    const human = this.isHumanSource(e);
    for (let attempt = 0; attempt <= 16; attempt++) {
      const groupCents = Math.round(this.sampleGroupUnits(e.template) * 100);
      let cents = this.toLocal(groupCents, e.postingDay);
      const u = r.float();
      if (u < a.roundNumberProbability) cents = roundToSignificant(cents, 2);
      else if (u < a.roundNumberProbability + a.niceNumberProbability) cents = roundToNice(cents);
      if (cents < 1) cents = 1;
      if (human && cents >= 1_000 && r.chance(0.7)) {
        switch (r.int(0, 3)) {
          case 0: cents = Math.round(cents * (1 + r.uniform(-0.02, 0.02))); break;
          case 1: cents = Math.round(cents / 1_000) * 1_000; break;
          case 2: if (cents >= 50_000) cents = Math.round(cents / 10_000) * 10_000; break;
          default: cents += r.int(-100, 99);
        }
        if (cents < minTotal) cents = Math.max(minTotal, 1);
      }
      if (cents >= minTotal) return cents;
    }
    return minTotal;
  }

  private toLocal(groupCents: number, day: number): number {
    if (this.currency === this.ctx.reference.groupCurrency) return groupCents;
    return this.ctx.reference.fx.groupToLocal(groupCents, this.currency, day);
  }

  /** `obvious_round_numbers` (domain.md §5.4), company currency. */
  private obviousRoundTotal(): number {
    const r = this.rng.fraud;
    switch (r.int(0, 4)) {
      case 0: return r.int(1, 99) * 100_000;
      case 1: return r.int(1, 9) * 1_000_000 - 1;
      case 2: return r.int(1, 19) * 1_000_000;
      case 3: return r.int(1, 39) * 500_000;
      default: return r.int(1, 99) * 100_000 - 1;
    }
  }

  /** `statistically_improbable`: the leading digit replaced by one drawn with the skewed weights. */
  private improbable(cents: number): number {
    const s = String(cents);
    const d = 1 + this.rng.fraud.weightedIndex(IMPROBABLE_DIGIT_WEIGHTS);
    return Number(String(d) + s.slice(1));
  }

  /** `threshold_adjacent`: t × (1 − U[.01, .15]) × (1 ± U[0, .005]), capped at t − 0.01 in group currency. */
  private thresholdAdjacent(threshold: number, day: number): number {
    const r = this.rng.fraud;
    const cap = threshold * 100 - 1;
    let g = Math.round(threshold * 100 * (1 - r.uniform(0.01, 0.15)) * (1 + r.uniform(-0.005, 0.005)));
    if (g > cap) g = cap;
    let local = this.toLocal(g, day);
    const rate = this.rateOf(day);
    while (local > 1 && toGroup(local, rate) > cap) local--;
    return local;
  }

  /** domain.md §5.3: independent largest-remainder splits of T into the debit and the credit lines. */
  private splitSides(e: EntryState): void {
    const r = this.rng.split;
    const w = this.weights;
    for (let j = 0; j < e.nLines; j++) {
      const u = r.float();
      w[j] = u < 0.01 ? 0.01 : u;
    }
    splitLargestRemainder(e.total, e.nDebit, w, 0, e.amount, 0);
    splitLargestRemainder(e.total, e.nCredit, w, e.nDebit, e.amount, e.nDebit);
  }

  private drawAccounts(e: EntryState): void {
    const r = this.rng.accounts;
    const t = e.template;
    let dp = t.debitPrimary;
    let dpool = t.debitPool;
    let cp = t.creditPrimary;
    let cpool = t.creditPool;
    if (t.special === 'swap' && r.chance(0.5)) {
      [dp, cp] = [cp, dp];
      [dpool, cpool] = [cpool, dpool];
    }
    if (e.fraudType === 'expense_capitalization') {
      dp = this.sc.templates.pools.get('FA')!;
      dpool = dp;
    }
    const pick = (arr: Int32Array): number => (arr.length === 1 ? arr[0] : arr[r.int(0, arr.length - 1)]);
    const nd = e.nDebit;
    for (let j = 0; j < nd; j++) e.account[j] = pick(j === 0 ? dp : dpool);
    for (let j = 0; j < e.nCredit; j++) {
      let acct: number;
      if (t.special === 'cost_allocation') acct = e.account[j % nd];
      else if (j === 0 && t.special === 'transfer' && cp.length > 1) {
        // "another account than the debit's when possible": uniform over the pool without it.
        const k = r.int(0, cp.length - 2);
        const skip = cp.indexOf(e.account[0]);
        acct = cp[skip >= 0 && k >= skip ? k + 1 : k];
      } else acct = pick(j === 0 ? cp : cpool);
      e.account[nd + j] = acct;
    }
    if (e.fraudType === 'suspense_account_abuse') e.account[nd] = this.idxSuspense;
  }

  /** One customer for AR lines and one vendor for AP lines (domain.md §5.6). */
  private drawPartners(e: EntryState): void {
    const kind = this.sc.accounts.partnerKind;
    let needCustomer = false;
    let needVendor = false;
    for (let j = 0; j < e.nLines; j++) {
      const k = kind[e.account[j]];
      if (k === 1) needCustomer = true;
      else if (k === 2) needVendor = true;
    }
    const r = this.rng.partners;
    if (needCustomer && this.pools.customers.length > 0) e.customer = r.pick(this.pools.customers);
    if (needVendor && this.pools.vendors.length > 0) e.vendor = r.pick(this.pools.vendors);
  }

  /** Leaf cost centers on lines whose account requires one, uniform in the process's pool (domain.md §5.6). */
  private drawCostCenters(e: EntryState): void {
    const r = this.rng.costCenters;
    const req = this.sc.accounts.requiresCostCenter;
    const pool = this.pools.costCenters[e.template.processIndex];
    if (pool.length === 0) {
      for (let j = 0; j < e.nLines; j++) e.costCenter[j] = null;
      return;
    }
    if (e.template.special === 'cost_allocation') {
      const ia = r.int(0, pool.length - 1);
      let ib = ia;
      if (pool.length > 1) {
        ib = r.int(0, pool.length - 2);
        if (ib >= ia) ib++;
      }
      for (let j = 0; j < e.nLines; j++) e.costCenter[j] = req[e.account[j]] ? pool[j < e.nDebit ? ia : ib] : null;
      return;
    }
    for (let j = 0; j < e.nLines; j++) e.costCenter[j] = req[e.account[j]] ? pool[pool.length === 1 ? 0 : r.int(0, pool.length - 1)] : null;
  }

  /** `{PFX}-{YYYY}-{seq:06}`, seq = ordinal within (company, year) (domain.md §0.3). */
  private referenceOf(e: EntryState, row: number): string {
    const t = e.template;
    const pfx = t.id === 'o2c_customer_invoice' ? 'INV' : REFERENCE_PREFIX[t.process];
    const year = ymdOf(e.postingDay).year;
    return `${pfx}-${year}-${String(this.seqOffset + row + 1).padStart(6, '0')}`;
  }

  private drawTexts(e: EntryState): void {
    const r = this.rng.text;
    const t = e.template;
    const { year, month } = ymdOf(e.postingDay);
    const partner = e.customer ?? e.vendor;
    e.headerText = fillHeader(t.headers.length === 1 ? t.headers[0] : t.headers[r.int(0, t.headers.length - 1)], {
      partnerName: partner ? partner.name : 'Unknown Partner',
      month: MONTH_NAMES[month - 1],
      quarter: `Q${Math.floor((month - 1) / 3) + 1}`,
      year: String(year),
      reference: e.reference,
      employeeNames: this.pools.employeeNames,
      assetDescriptions: this.pools.assetDescriptions,
    }, r);
    const digit = this.sc.accounts.firstDigit;
    for (let j = 0; j < e.nLines; j++) {
      const list = LINE_TEXTS_BY_CLASS[digit[e.account[j]]];
      e.lineText[j] = list && list.length > 0 ? list[r.int(0, list.length - 1)] : e.headerText;
    }
  }

  /** domain.md §5.7: automated-like → an automated user; human → persona by weight, then a user of it. */
  private drawUser(e: EntryState): void {
    const r = this.rng.users;
    const p = this.pools;
    if (e.fraudType === 'unauthorized_access') {
      e.user = p.otherCompanyHumans.length > 0 ? r.pick(p.otherCompanyHumans) : r.pick(p.automated.length > 0 ? p.automated : p.humans);
      return;
    }
    if (!this.isHumanSource(e)) {
      e.user = r.pick(p.automated.length > 0 ? p.automated : p.humans);
      return;
    }
    const persona = HUMAN_PERSONAS[r.weightedIndex(this.opts.personaWeights)];
    const list = p.byPersona.get(persona);
    e.user = r.pick(list && list.length > 0 ? list : p.humans.length > 0 ? p.humans : p.automated);
  }

  /** domain.md §5.5 intraday time in seconds of the day. */
  private intradaySeconds(e: EntryState): number {
    const r = this.rng.times;
    let hour: number;
    if (!this.isHumanSource(e)) {
      if (r.chance(0.7)) hour = r.chance(0.6) ? r.int(0, 6) : r.int(20, 23);
      else hour = r.int(0, 23);
    } else if (r.chance(0.05)) hour = r.pick(AFTER_HOURS);
    else if (r.chance(0.6)) hour = r.pick(PEAK_HOURS);
    else hour = r.int(8, 17);
    return hour * HOUR_S + r.int(0, 59) * 60 + r.int(0, 59);
  }

  /** timing_anomaly night variant: 22:00–04:59 of the posting date. */
  private nightSeconds(): number {
    const s = this.rng.times.int(0, 7 * HOUR_S - 1);
    const t = 22 * HOUR_S + s;
    return t >= DAY_S ? t - DAY_S : t;
  }

  /** Group amounts per line; the rounding residual on the largest-magnitude line (domain.md §3.2). */
  private computeGroup(e: EntryState): void {
    const rate = this.rateOf(e.postingDay);
    e.rateMicros = rate;
    let sum = 0;
    let maxAbs = -1;
    let maxIdx = 0;
    const nd = e.nDebit;
    for (let j = 0; j < e.nLines; j++) {
      const a = e.amount[j];
      const g = toGroup(j < nd ? a : -a, rate);
      e.group[j] = g;
      sum += g;
      if (a > maxAbs) {
        maxAbs = a;
        maxIdx = j;
      }
    }
    e.group[maxIdx] -= sum;
    let debitGroup = 0;
    for (let j = 0; j < nd; j++) debitGroup += e.group[j];
    e.groupTotal = debitGroup;
  }

  /** domain.md §5.8: auto-approval / approval chain, SoD flag, control exception. */
  private approvalsAndControls(e: EntryState, mayLabel: boolean): void {
    const { opts } = this;
    const r = this.rng.approvals;
    e.soxRelevant = e.groupTotal > opts.soxMaterialityThreshold * 100;
    e.controlStatus = e.soxRelevant ? 'effective' : 'not_tested';
    const above = e.groupTotal > opts.autoApproveThreshold * 100;
    const levels = !above ? 0 : e.groupTotal <= 5_000_000 ? 1 : e.groupTotal <= 10_000_000 ? 2 : 3;
    e.approvalLevels = levels;
    e.nActions = 0;
    const creator = e.user;
    const creatorRole = creator.persona;
    if (mayLabel && !creator.isAutomated && this.rng.controls.chance(opts.sodViolationRate)) {
      // SoD flag: submit + approve both by the creator (labelled segregation_of_duties_conflict).
      const level = Math.max(1, levels);
      const t1 = approvalStep(e.createdAt, r.int(HOUR_S, 3 * HOUR_S));
      e.addAction('submit', creator.userId, creatorRole, 0, e.createdAt);
      e.addAction('approve', creator.userId, creatorRole, level, t1);
      e.approvalStatus = 'approved';
      e.approvedBy = creator.userId;
      e.approvalDay = Math.floor(t1 / DAY_S);
      e.approvalLevels = level;
      e.sodViolation = true;
      e.sodConflictType = 'preparer_approver';
      e.controlStatus = 'exception';
      e.label = this.newLabel(e, 'segregation_of_duties_conflict', 'controls', {
        lineNumber: null,
        monetaryImpact: null,
        description: `entry approved by its creator ${creator.userId} (preparer_approver), group total ${formatCents(e.groupTotal)}`,
        relatedDocumentId: null,
        relatedEntities: [creator.userId],
        parentAnomalyId: null,
        causalReasonType: 'control_rate',
        causalReason: { rate: opts.sodViolationRate },
        originalDocumentHash: this.entryHash(e),
        metadata: { conflict_type: 'preparer_approver', approval_level: level },
      });
      return;
    }
    if (!above) {
      e.approvalStatus = 'auto_approved';
      e.approvedBy = SYSTEM_USER;
      e.approvalDay = e.postingDay;
      e.addAction('auto_approve', SYSTEM_USER, 'system', 0, e.createdAt);
    } else {
      e.addAction('submit', creator.userId, creatorRole, 0, e.createdAt);
      let t = e.createdAt;
      const revision = r.chance(opts.revisionRate);
      let last = creator;
      for (let level = 1; level <= levels; level++) {
        const approver = this.approverFor(level, creator);
        if (level === 1 && revision) {
          t = approvalStep(t, r.int(HOUR_S, 3 * HOUR_S));
          e.addAction('request_revision', approver.userId, approver.persona, 1, t);
          t = approvalStep(t, r.int(2 * HOUR_S, 6 * HOUR_S));
          e.addAction('resubmit', creator.userId, creatorRole, 0, t);
        }
        t = approvalStep(t, r.int(HOUR_S, 3 * HOUR_S));
        e.addAction('approve', approver.userId, approver.persona, level, t);
        last = approver;
      }
      e.approvalStatus = 'approved';
      e.approvedBy = last.userId;
      e.approvalDay = Math.floor(t / DAY_S);
    }
    if (mayLabel && opts.controlsEnabled && e.soxRelevant && this.rng.controls.chance(opts.exceptionRate)) {
      e.controlStatus = 'exception';
      e.label = this.newLabel(e, 'control_exception', 'controls', {
        lineNumber: null,
        monetaryImpact: null,
        description: `control exception on SOX-relevant entry, group total ${formatCents(e.groupTotal)}`,
        relatedDocumentId: null,
        relatedEntities: [creator.userId, ...(e.approvedBy ? [e.approvedBy] : [])],
        parentAnomalyId: null,
        causalReasonType: 'control_rate',
        causalReason: { rate: opts.exceptionRate },
        originalDocumentHash: this.entryHash(e),
        metadata: { control_status: 'exception', sox_relevant: true },
      });
    }
  }

  /** L1 manager, L2 controller, L3 executive; never the creator when another user exists. */
  private approverFor(level: number, creator: JeUser): JeUser {
    const r = this.rng.approvals;
    let list = this.approvers[level - 1];
    if (list.length === 0) list = this.pools.humans;
    if (list.length === 0) return creator;
    if (list.length === 1) return list[0];
    const ci = list.indexOf(creator);
    if (ci < 0) return list[r.int(0, list.length - 1)];
    const k = r.int(0, list.length - 2);
    return list[k >= ci ? k + 1 : k];
  }

  private fraudLabel(e: EntryState, threshold: number): void {
    const ft = e.fraudType as FraudType;
    const nd = e.nDebit;
    const acct = this.sc.accounts.number;
    let description: string;
    const metadata: Record<string, unknown> = { total: formatCents(e.total) };
    let lineNumber: number | null = null;
    switch (ft) {
      case 'suspense_account_abuse':
        description = `credit line ${nd + 1} posted to suspense 9000 with obvious round total ${formatCents(e.total)}`;
        lineNumber = nd + 1;
        metadata.new_account = '9000';
        break;
      case 'fictitious_transaction':
        description = `fictitious manual accrual with obvious round total ${formatCents(e.total)}`;
        break;
      case 'revenue_manipulation':
        description = `customer invoice dated ${formatDate(e.postingDay)} near month end with improbable total ${formatCents(e.total)}`;
        metadata.first_digit = String(e.total)[0];
        break;
      case 'expense_capitalization':
        description = `expense invoice debited to fixed assets ${acct[e.account[0]]} with improbable total ${formatCents(e.total)}`;
        metadata.new_account = acct[e.account[0]];
        break;
      case 'split_transaction':
        description = `split into entries below threshold ${formatCents(threshold * 100)}: total ${formatCents(e.total)}`;
        metadata.threshold = formatCents(threshold * 100);
        break;
      case 'timing_anomaly': {
        const wd = weekday(e.postingDay);
        description = wd === 0 || wd === 6
          ? `posted on weekend day ${formatDate(e.postingDay)}`
          : `created at night ${formatTime(e.createdAt)}`;
        metadata.posting_date = formatDate(e.postingDay);
        break;
      }
      case 'unauthorized_access':
        description = `created by ${e.user.userId} (${e.user.companyCode ?? 'no company'}, ${e.user.persona}) with improbable total ${formatCents(e.total)}`;
        metadata.user_company = e.user.companyCode;
        break;
      case 'duplicate_payment':
        description = `vendor payment duplicated by a later copy: total ${formatCents(e.total)}`;
        break;
    }
    e.label = this.newLabel(e, ft, 'generation', {
      lineNumber,
      monetaryImpact: e.total,
      description,
      relatedDocumentId: null,
      relatedEntities: [e.user.userId, acct[e.account[0]], acct[e.account[nd]], ...(e.vendor ? [e.vendor.id] : []), ...(e.customer ? [e.customer.id] : [])],
      parentAnomalyId: null,
      causalReasonType: 'random_rate',
      causalReason: { base_rate: this.opts.fraudRate },
      originalDocumentHash: this.entryHash(e),
      metadata,
    });
  }

  /** domain.md §5.9: persona error rate × stress, kinds by persona, labelled. */
  private personaError(e: EntryState): void {
    if (!this.isHumanSource(e) || e.user.isAutomated || e.label !== null) return;
    const r = this.rng.errors;
    const { month, day: dom } = ymdOf(e.postingDay);
    const wd = weekday(e.postingDay);
    let stress = 1;
    let cap = 0.4;
    if (month === 12 && dom >= 28) {
      stress = 2.0;
      cap = 0.5;
    } else if ((month === 3 || month === 6 || month === 9) && dom >= 28) stress = 1.75;
    else if (dom >= 28) stress = 1.5;
    stress *= wd === 1 ? 1.2 : wd === 5 ? 1.3 : 1;
    const rate = Math.min(e.user.errorRate * stress, cap);
    if (!r.chance(rate)) return;
    const persona = e.user.persona;
    const kindIdx = persona === 'junior_accountant' ? r.int(0, 4)
      : persona === 'senior_accountant' ? r.int(0, 2)
        : persona === 'controller' || persona === 'manager' ? r.int(3, 4) : r.int(0, 4);
    const kind = PERSONA_ERROR_KINDS[kindIdx];
    const hashBefore = this.entryHash(e);
    const before = e.total;
    const a1 = e.amount[0];
    let newA1 = a1;
    let description = '';
    const metadata: Record<string, unknown> = { kind };
    let lineNumber: number | null = 1;
    switch (kind) {
      case 'transposition': {
        const s = String(a1);
        const pos: number[] = [];
        for (let k = 0; k + 1 < s.length; k++) if (s[k] !== s[k + 1]) pos.push(k);
        if (pos.length === 0) return;
        const k = r.pick(pos);
        newA1 = Number(s.slice(0, k) + s[k + 1] + s[k] + s.slice(k + 2));
        break;
      }
      case 'decimal_shift':
        newA1 = a1 * 10;
        break;
      case 'rounding':
        newA1 = Math.max(1, roundToSignificant(a1, 2));
        if (newA1 === a1) return;
        break;
      case 'typo': {
        const t = applyTypo(e.headerText, r);
        if (t === null) return;
        description = `header text "${e.headerText}" -> "${t}"`;
        metadata.original_text = e.headerText;
        metadata.new_text = t;
        e.headerText = t;
        lineNumber = null;
        break;
      }
      case 'late_posting': {
        const cal = this.ctx.reference.calendar(this.pools.company.country);
        let d = e.postingDay - r.int(5, 14);
        while (!cal.isBusinessDay(d) && d >= this.ctx.reference.period.startDay) d--;
        if (d < this.ctx.reference.period.startDay) return;
        description = `document date ${formatDate(d)} precedes posting date ${formatDate(e.postingDay)}`;
        metadata.original_date = formatDate(e.documentDay);
        metadata.new_date = formatDate(d);
        e.documentDay = d;
        lineNumber = null;
        break;
      }
    }
    let impact: number | null = null;
    if (kind === 'transposition' || kind === 'decimal_shift' || kind === 'rounding') {
      const newTotal = e.total - a1 + newA1;
      // Keep the minimum total of domain.md §5.3 (I13); otherwise the error is not applicable.
      if (newTotal < Math.max(e.nDebit, e.nCredit) * 100 || newA1 < 1) return;
      this.rebalanceLine1(e, newA1, newTotal);
      // Approval and SOX follow the amount as posted (the entry is unlabelled before this step).
      this.approvalsAndControls(e, false);
      impact = Math.abs(e.total - before);
      description = `line 1 ${formatCents(a1)} -> ${formatCents(newA1)}; total ${formatCents(before)} -> ${formatCents(e.total)}`;
      metadata.original_amount = formatCents(a1);
      metadata.new_amount = formatCents(newA1);
    }
    e.label = this.newLabel(e, PERSONA_ERROR_LABEL[kind], 'persona', {
      lineNumber,
      monetaryImpact: impact,
      description,
      relatedDocumentId: null,
      relatedEntities: [e.user.userId],
      parentAnomalyId: null,
      causalReasonType: 'persona_error',
      causalReason: { persona, stress },
      originalDocumentHash: hashBefore,
      metadata,
    });
  }

  /** Line 1 → newA1, then the credit side re-split ∝ its current amounts to the new total (domain.md §5.3). */
  private rebalanceLine1(e: EntryState, newA1: number, newTotal: number): void {
    e.amount[0] = newA1;
    const nd = e.nDebit;
    const w = this.weights;
    for (let j = 0; j < e.nCredit; j++) w[j] = e.amount[nd + j];
    splitLargestRemainder(newTotal, e.nCredit, w, 0, e.amount, nd);
    e.total = newTotal;
    this.computeGroup(e);
  }

  /** SHA-256 of the canonical JSON of the entry (line content and header, not approvals). */
  private entryHash(e: EntryState): string {
    const acct = this.sc.accounts.number;
    const lines: unknown[] = [];
    for (let j = 0; j < e.nLines; j++) {
      lines.push({
        line_number: j + 1,
        gl_account: acct[e.account[j]],
        debit_amount: formatCents(j < e.nDebit ? e.amount[j] : 0),
        credit_amount: formatCents(j < e.nDebit ? 0 : e.amount[j]),
        cost_center: e.costCenter[j],
      });
    }
    return canonicalHash({
      document_id: e.documentId,
      company_code: this.companyCode,
      posting_date: formatDate(e.postingDay),
      document_date: formatDate(e.documentDay),
      created_at: formatTime(e.createdAt),
      created_by: e.user.userId,
      source: SOURCES[e.source],
      business_process: e.template.process,
      transaction_template: e.template.id,
      reference: e.reference,
      header_text: e.headerText,
      currency: this.currency,
      lines,
    });
  }

  private newLabel(e: EntryState, type: string, stage: LabelRecord['stage'], f: {
    lineNumber: number | null; monetaryImpact: number | null; description: string; relatedDocumentId: string | null;
    relatedEntities: string[]; parentAnomalyId: string | null; causalReasonType: string; causalReason: Record<string, unknown>;
    originalDocumentHash: string; metadata: Record<string, unknown>;
  }): LabelRecord {
    return {
      anomalyId: '',
      type,
      stage,
      documentId: e.documentId,
      lineNumber: f.lineNumber,
      companyCode: this.companyCode,
      anomalyDate: 0,
      detectionTimestamp: 0,
      monetaryImpact: f.monetaryImpact,
      description: f.description,
      relatedDocumentId: f.relatedDocumentId,
      relatedEntities: f.relatedEntities,
      parentAnomalyId: f.parentAnomalyId,
      childAnomalyIds: null,
      causalReasonType: f.causalReasonType,
      causalReason: f.causalReason,
      originalDocumentHash: f.originalDocumentHash,
      metadata: type === 'split_transaction' && f.parentAnomalyId === null ? { ...f.metadata, group_size: 1 } : f.metadata,
    };
  }

  // ---- output ----

  /** Writes the entry's lines, approval actions and label. */
  private commit(e: EntryState): void {
    if (e.label !== null) {
      const l = e.label;
      l.anomalyId = anomalyId(this.componentId, this.partition, this.labels.length + 1);
      l.anomalyDate = e.postingDay;
      l.detectionTimestamp = e.createdAt;
      if (l.childAnomalyIds !== null) l.metadata.group_size = l.childAnomalyIds.length + 1;
      this.labels.push(l);
    }
    this.writeLines(e);
    this.writeApprovals(e);
  }

  private ensureJel(n: number): void {
    const cap = this.ctx.batchRows;
    if (this.jel !== null && this.jelLen + n > this.jel.length) this.flushJel();
    if (this.jel === null) {
      this.jel = createBatch(journalEntryLines, this.partition, this.jelFirstRow, Math.max(cap, n));
      this.cols = jelColumns(this.jel);
      this.jelLen = 0;
    }
  }

  private flushJel(): void {
    if (this.jel === null || this.jelLen === 0) return;
    const b = this.jelLen === this.jel.length ? this.jel : truncate(this.jel, this.jelLen);
    this.out.push(b);
    this.jelFirstRow += this.jelLen;
    this.jel = null;
    this.cols = null;
    this.jelLen = 0;
  }

  private writeLines(e: EntryState): void {
    const n = e.nLines;
    this.ensureJel(n);
    const c = this.cols!;
    const acc = this.sc.accounts;
    const t = e.template;
    const { year, month, day: dom } = ymdOf(e.postingDay);
    const processName = t.process;
    const sourceName = SOURCES[e.source];
    const isManual = e.source === SRC_MANUAL ? 1 : 0;
    const isPostClose = this.month.isLastMonth && dom > 25 ? 1 : 0;
    const profit = this.profitCenters[t.processIndex];
    const ft = e.label !== null && e.label.type in FRAUD_SET ? e.label.type : null;
    const isAnomaly = e.label !== null ? 1 : 0;
    const vendorId = e.vendor ? e.vendor.id : null;
    const customerId = e.customer ? e.customer.id : null;
    const nd = e.nDebit;
    let k = this.jelLen;
    for (let j = 0; j < n; j++, k++) {
      const a = e.account[j];
      const amt = e.amount[j];
      c.documentId[k] = e.documentId;
      c.lineNumber[k] = j + 1;
      c.companyCode[k] = this.companyCode;
      c.fiscalYear[k] = year;
      c.fiscalPeriod[k] = month;
      c.postingDate[k] = e.postingDay;
      c.documentDate[k] = e.documentDay;
      c.createdAt[k] = e.createdAt;
      c.documentType[k] = t.documentType;
      c.businessProcess[k] = processName;
      c.transactionTemplate[k] = t.id;
      c.source[k] = sourceName;
      c.sourceSystem[k] = e.sourceSystem;
      c.isManual[k] = isManual;
      c.createdBy[k] = e.user.userId;
      c.userPersona[k] = e.user.persona;
      c.currency[k] = this.currency;
      c.exchangeRate[k] = e.rateMicros;
      c.reference[k] = e.reference;
      c.headerText[k] = e.headerText;
      c.batchId[k] = e.batchId;
      c.ledger[k] = '0L';
      c.isPostClose[k] = isPostClose;
      c.approvalStatus[k] = e.approvalStatus;
      c.approvedBy[k] = e.approvedBy;
      c.approvalDate[k] = e.approvalDay;
      c.approvalLevels[k] = e.approvalLevels;
      c.soxRelevant[k] = e.soxRelevant ? 1 : 0;
      c.controlStatus[k] = e.controlStatus;
      c.sodViolation[k] = e.sodViolation ? 1 : 0;
      c.sodConflictType[k] = e.sodConflictType;
      c.glAccount[k] = acc.number[a];
      c.accountDescription[k] = acc.description[a];
      if (j < nd) {
        c.debit[k] = amt;
        c.local[k] = amt;
      } else {
        c.credit[k] = amt;
        c.local[k] = -amt;
      }
      c.group[k] = e.group[j];
      c.costCenter[k] = e.costCenter[j];
      c.profitCenter[k] = profit;
      const pk = acc.partnerKind[a];
      if (pk === 2) c.vendorId[k] = vendorId;
      else if (pk === 1) c.customerId[k] = customerId;
      c.lineText[k] = e.lineText[j];
      if (acc.hasValueDate[a]) c.valueDate[k] = e.postingDay;
      else c.valueDateNull[k] = 1;
      if (ft !== null) {
        c.isFraud[k] = 1;
        c.fraudType[k] = ft;
      }
      c.isAnomaly[k] = isAnomaly;
    }
    this.jelLen = k;
  }

  private writeApprovals(e: EntryState): void {
    const cap = this.ctx.batchRows;
    const ix = jeApprovals.index;
    for (let k = 0; k < e.nActions; k++) {
      if (this.appr === null) {
        this.appr = createBatch(jeApprovals, this.partition, this.apprFirstRow, cap);
        this.apprLen = 0;
      }
      const v = this.appr.values;
      const i = this.apprLen++;
      (v[ix.get('document_id')!] as Array<string | null>)[i] = e.documentId;
      (v[ix.get('action_seq')!] as Int32Array)[i] = k + 1;
      (v[ix.get('action')!] as Array<string | null>)[i] = e.actionName[k];
      (v[ix.get('actor_id')!] as Array<string | null>)[i] = e.actionActor[k];
      (v[ix.get('actor_role')!] as Array<string | null>)[i] = e.actionRole[k];
      (v[ix.get('approval_level')!] as Int32Array)[i] = e.actionLevel[k];
      (v[ix.get('action_timestamp')!] as Float64Array)[i] = e.actionTime[k];
      if (this.apprLen === cap) this.flushApprovals();
    }
  }

  private flushApprovals(): void {
    if (this.appr === null || this.apprLen === 0) return;
    this.out.push(this.apprLen === this.appr.length ? this.appr : truncate(this.appr, this.apprLen));
    this.apprFirstRow += this.apprLen;
    this.appr = null;
    this.apprLen = 0;
  }
}

const FRAUD_SET: Record<string, true> = Object.fromEntries(FRAUD_TYPES.map((t) => [t, true]));

/** `YYYY-MM-DDTHH:MM:SS` of a timestamp in seconds. */
export function formatTime(seconds: number): string {
  const day = Math.floor(seconds / DAY_S);
  let s = seconds - day * DAY_S;
  const h = Math.floor(s / HOUR_S);
  s -= h * HOUR_S;
  const mi = Math.floor(s / 60);
  const se = s - mi * 60;
  const p2 = (x: number): string => (x < 10 ? '0' : '') + x;
  return `${formatDate(day)}T${p2(h)}:${p2(mi)}:${p2(se)}`;
}
