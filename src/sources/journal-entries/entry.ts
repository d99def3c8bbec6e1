/**
 * The reusable scratch state of one journal entry while it is generated (hot path: one instance
 * per partition, line arrays sized for the largest entry, no per-line objects).
 */
import type { JeUser, Partner } from '../../domain/types.js';
import type { ResolvedTemplate } from './templates.js';
import type { FraudType } from './options.js';
import type { LabelRecord } from './labels.js';

/** The largest line count: 9 999 from the 1000–9999 bucket, +1 by the parity adjustment (domain.md §5.3). */
export const MAX_LINES = 10_000;
/** At most: submit, request_revision, resubmit, approve ×3. */
const MAX_ACTIONS = 8;

export class EntryState {
  row = 0;
  documentId = '';
  postingDay = 0;
  documentDay = 0;
  /** Seconds since epoch, company-local wall time. */
  createdAt = 0;
  /** Index into SOURCES. */
  source = 0;
  template!: ResolvedTemplate;
  sourceSystem = '';
  user!: JeUser;
  reference = '';
  headerText = '';
  batchId: string | null = null;
  nDebit = 0;
  nCredit = 0;
  nLines = 0;
  /** Side total in company-currency cents (Σ debit = Σ credit). */
  total = 0;
  readonly account = new Int32Array(MAX_LINES);
  /** Positive company-currency cents per line (debit lines first). */
  readonly amount = new Float64Array(MAX_LINES);
  /** Signed group-currency cents per line. */
  readonly group = new Float64Array(MAX_LINES);
  readonly costCenter: Array<string | null> = new Array<string | null>(MAX_LINES).fill(null);
  readonly lineText: string[] = new Array<string>(MAX_LINES).fill('');
  customer: Partner | null = null;
  vendor: Partner | null = null;
  rateMicros = 1_000_000;
  /** Σ debit group cents after the residual. */
  groupTotal = 0;

  approvalStatus = '';
  approvedBy: string | null = null;
  approvalDay = 0;
  approvalLevels = 0;
  soxRelevant = false;
  controlStatus = '';
  sodViolation = false;
  sodConflictType: string | null = null;
  readonly actionName: string[] = new Array<string>(MAX_ACTIONS).fill('');
  readonly actionActor: string[] = new Array<string>(MAX_ACTIONS).fill('');
  readonly actionRole: string[] = new Array<string>(MAX_ACTIONS).fill('');
  readonly actionLevel = new Int32Array(MAX_ACTIONS);
  readonly actionTime = new Float64Array(MAX_ACTIONS);
  nActions = 0;

  fraudType: FraudType | null = null;
  /** The single label of this entry, completed at commit (document fields filled there). */
  label: LabelRecord | null = null;

  reset(row: number): void {
    this.row = row;
    this.batchId = null;
    this.customer = null;
    this.vendor = null;
    this.fraudType = null;
    this.label = null;
    this.nActions = 0;
    this.sodViolation = false;
    this.sodConflictType = null;
    this.approvedBy = null;
  }

  addAction(name: string, actor: string, role: string, level: number, time: number): void {
    const k = this.nActions++;
    this.actionName[k] = name;
    this.actionActor[k] = actor;
    this.actionRole[k] = role;
    this.actionLevel[k] = level;
    this.actionTime[k] = time;
  }

  /** Copies everything but the row, id and label from another entry (duplicates, siblings). */
  copyFrom(o: EntryState): void {
    this.postingDay = o.postingDay;
    this.documentDay = o.documentDay;
    this.createdAt = o.createdAt;
    this.source = o.source;
    this.template = o.template;
    this.sourceSystem = o.sourceSystem;
    this.user = o.user;
    this.reference = o.reference;
    this.headerText = o.headerText;
    this.nDebit = o.nDebit;
    this.nCredit = o.nCredit;
    this.nLines = o.nLines;
    this.total = o.total;
    this.account.set(o.account.subarray(0, o.nLines));
    this.amount.set(o.amount.subarray(0, o.nLines));
    for (let j = 0; j < o.nLines; j++) {
      this.costCenter[j] = o.costCenter[j];
      this.lineText[j] = o.lineText[j];
    }
    this.customer = o.customer;
    this.vendor = o.vendor;
  }
}
