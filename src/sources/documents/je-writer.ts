/**
 * Journal entries produced by documents, intercompany pairs and eliminations (domain.md §6.5, §7),
 * written into the same `journal_entry_lines` table as standalone entries.
 *
 * The writer orders lines debit-first (stable), omits zero lines, turns a negative amount into a
 * posting on the other side, numbers lines 1..n, converts to group currency with the rounding
 * residual on the largest-magnitude line (domain.md §3.2), and fills the header columns that are
 * fixed for these entries (approval `not_required`, no SoD, not fraud / anomaly). An entry's lines
 * never straddle two batches.
 *
 * @example
 * const w = new DocumentJeWriter(partition, ctx);
 * w.add({ documentId: deriveUuid(seed, id, p, grId), companyCode: '1000', postingDay, documentDay: postingDay,
 *         createdAt, documentType: 'WE', businessProcess: 'P2P', template: 'p2p_doc_goods_receipt',
 *         sourceSystem: 'SAP-MM', createdBy: 'SYSTEM', persona: 'automated_system', currency: 'USD',
 *         reference: grId, headerText: `Goods receipt ${grId}`, sourceDocumentType: 'goods_receipt',
 *         sourceDocumentId: grId },
 *       [{ account: '1200', amount: 1000_00 }, { account: '2900', amount: -1000_00 }]);
 * yield* w.take();
 */
import type { Batch } from '../../engine/batch.js';
import type { GenerationContext } from '../../engine/plugins.js';
import type { Account } from '../../domain/types.js';
import { ymdOf } from '../../domain/dates.js';
import { localToGroupCents } from '../../domain/money.js';
import { journalEntryLines } from '../../tables/journal.js';
import { TableAppender } from './appender.js';

export interface DocJeHeader {
  /** UUIDv8 keyed by the source document id (domain.md §0.3, D5). */
  readonly documentId: string;
  readonly companyCode: string;
  readonly postingDay: number;
  readonly documentDay: number;
  /** Seconds, company-local wall time. */
  readonly createdAt: number;
  /** WE, KR, KZ, WL, DR, DZ, DG, IC, ELIMINATION. */
  readonly documentType: string;
  /** P2P, O2C, INTERCOMPANY. */
  readonly businessProcess: string;
  readonly template: string;
  /** Default `automated`; receipt corrections `reversal`. */
  readonly source?: string;
  /** SAP-MM, SAP-SD, … */
  readonly sourceSystem: string;
  /** SYSTEM, IC_GENERATOR, CONSOLIDATION. */
  readonly createdBy: string;
  readonly persona: string | null;
  readonly currency: string;
  /** Default: fx.rateMicros(currency, postingDay). */
  readonly rateMicros?: number;
  readonly reference: string | null;
  readonly headerText: string | null;
  /** purchase_order … credit_memo, ic_pair; null for eliminations. */
  readonly sourceDocumentType: string | null;
  readonly sourceDocumentId: string | null;
  readonly isElimination?: boolean;
  /** Default `PC-{cc}-{process}` for P2P/O2C, else `PC-{cc}`. */
  readonly profitCenter?: string | null;
  /** value_date on 1000/1010/1100/2000 lines; default posting day (AP payments: the payment's value date). */
  readonly valueDay?: number;
}

export interface DocJeLine {
  readonly account: string;
  /** Signed company-currency cents: > 0 debit, < 0 credit, 0 omitted. */
  readonly amount: number;
  readonly costCenter?: string | null;
  readonly vendorId?: string | null;
  readonly customerId?: string | null;
  readonly tradingPartner?: string | null;
  /** Default: header text. */
  readonly lineText?: string | null;
  /**
   * Group-currency cents to write instead of converting (IC buyer lines, eliminations: the
   * buyer's group amounts equal the seller's by construction, domain.md §7). When given for one
   * line it must be given for all lines of the entry; no residual is applied.
   */
  readonly groupAmount?: number;
}

const VALUE_DATE_ACCOUNTS = new Set(['1000', '1010', '1100', '2000']);

export class DocumentJeWriter {
  private readonly out: TableAppender;
  private readonly C: Readonly<Record<string, number>>;
  private readonly accounts: ReadonlyMap<string, Account>;
  private readonly lastMonthStart: number;
  private readonly soxThresholdGroupCents: number;
  /** Entries written in this partition. */
  entries = 0;

  /**
   * @param soxThreshold group-currency units above which an entry is SOX-relevant (domain.md §5.8; default 10 000).
   */
  constructor(partition: number, private readonly ctx: GenerationContext, soxThreshold = 10_000) {
    this.out = new TableAppender(journalEntryLines, partition, ctx.batchRows);
    this.C = this.out.cols;
    this.accounts = ctx.reference.coa.byNumber;
    const { monthStart, months } = ctx.reference.period;
    this.lastMonthStart = monthStart[months - 1];
    this.soxThresholdGroupCents = Math.round(soxThreshold * 100);
  }

  /** Lines written in this partition. */
  get lines(): number {
    return this.out.rows;
  }

  /**
   * Appends one balanced entry. Throws (a programming error) when the lines do not balance, an
   * account is not in the chart, or fewer than two non-zero lines remain.
   * Returns the entry's Σ debit in company-currency cents.
   */
  add(h: DocJeHeader, lines: readonly DocJeLine[]): number {
    const debit: DocJeLine[] = [];
    const credit: DocJeLine[] = [];
    let sum = 0;
    for (const l of lines) {
      if (l.amount === 0) continue;
      if (!Number.isInteger(l.amount)) throw new Error(`${h.template} ${h.sourceDocumentId}: amount ${l.amount} is not integer cents`);
      (l.amount > 0 ? debit : credit).push(l);
      sum += l.amount;
    }
    if (sum !== 0) throw new Error(`${h.template} ${h.sourceDocumentId}: entry does not balance (Σ = ${sum} cents)`);
    const ordered = debit.concat(credit);
    const n = ordered.length;
    if (n < 2) throw new Error(`${h.template} ${h.sourceDocumentId}: fewer than two non-zero lines`);

    const rate = h.rateMicros ?? this.ctx.reference.fx.rateMicros(h.currency, h.postingDay);
    const group = new Array<number>(n);
    const explicit = ordered[0].groupAmount !== undefined;
    let gsum = 0;
    let maxAbs = -1;
    let maxIdx = 0;
    for (let j = 0; j < n; j++) {
      const l = ordered[j];
      if ((l.groupAmount !== undefined) !== explicit) throw new Error(`${h.template}: groupAmount given for some lines only`);
      const g = explicit ? l.groupAmount! : localToGroupCents(l.amount, rate);
      group[j] = g;
      gsum += g;
      const a = Math.abs(l.amount);
      if (a > maxAbs) {
        maxAbs = a;
        maxIdx = j;
      }
    }
    if (!explicit) group[maxIdx] -= gsum;
    let debitGroup = 0;
    for (let j = 0; j < debit.length; j++) debitGroup += group[j];
    const sox = debitGroup > this.soxThresholdGroupCents;

    const { year, month, day } = ymdOf(h.postingDay);
    const isPostClose = h.postingDay >= this.lastMonthStart && day > 25;
    const profit = h.profitCenter !== undefined ? h.profitCenter
      : h.businessProcess === 'P2P' || h.businessProcess === 'O2C' ? `PC-${h.companyCode}-${h.businessProcess}` : `PC-${h.companyCode}`;
    const source = h.source ?? 'automated';
    const valueDay = h.valueDay ?? h.postingDay;
    const o = this.out;
    const C = this.C;
    o.reserve(n);
    for (let j = 0; j < n; j++) {
      const l = ordered[j];
      const acc = this.accounts.get(l.account);
      if (acc === undefined) throw new Error(`${h.template}: account ${l.account} is not in the chart of accounts`);
      o.next();
      o.str(C.document_id, h.documentId);
      o.num(C.line_number, j + 1);
      o.str(C.company_code, h.companyCode);
      o.num(C.fiscal_year, year);
      o.num(C.fiscal_period, month);
      o.num(C.posting_date, h.postingDay);
      o.num(C.document_date, h.documentDay);
      o.num(C.created_at, h.createdAt);
      o.str(C.document_type, h.documentType);
      o.str(C.business_process, h.businessProcess);
      o.str(C.transaction_template, h.template);
      o.str(C.source, source);
      o.str(C.source_system, h.sourceSystem);
      o.bool(C.is_manual, source === 'manual');
      o.str(C.created_by, h.createdBy);
      o.str(C.user_persona, h.persona);
      o.str(C.currency, h.currency);
      o.num(C.exchange_rate, rate);
      o.str(C.reference, h.reference);
      o.str(C.header_text, h.headerText);
      o.str(C.source_document_type, h.sourceDocumentType);
      o.str(C.source_document_id, h.sourceDocumentId);
      o.str(C.batch_id, null);
      o.str(C.ledger, '0L');
      o.bool(C.is_post_close, isPostClose);
      o.bool(C.is_elimination, h.isElimination === true);
      o.str(C.approval_status, 'not_required');
      o.str(C.approved_by, null);
      o.nul(C.approval_date);
      o.num(C.approval_levels_required, 0);
      o.bool(C.sox_relevant, sox);
      o.str(C.control_status, sox ? 'effective' : 'not_tested');
      o.bool(C.sod_violation, false);
      o.str(C.sod_conflict_type, null);
      o.str(C.gl_account, acc.number);
      o.str(C.account_description, acc.shortDescription);
      const a = l.amount;
      o.num(C.debit_amount, a > 0 ? a : 0);
      o.num(C.credit_amount, a < 0 ? -a : 0);
      o.num(C.local_amount, a);
      o.num(C.group_amount, group[j]);
      o.str(C.cost_center, l.costCenter ?? null);
      o.str(C.profit_center, profit);
      o.str(C.vendor_id, l.vendorId ?? null);
      o.str(C.customer_id, l.customerId ?? null);
      o.str(C.trading_partner, l.tradingPartner ?? null);
      o.str(C.line_text, l.lineText !== undefined ? l.lineText : h.headerText);
      if (VALUE_DATE_ACCOUNTS.has(acc.number)) o.num(C.value_date, valueDay);
      else o.nul(C.value_date);
      o.bool(C.is_fraud, false);
      o.str(C.fraud_type, null);
      o.bool(C.is_anomaly, false);
    }
    this.entries++;
    return sum === 0 ? debit.reduce((s, l) => s + l.amount, 0) : 0;
  }

  /** Completed batches so far. */
  take(): Batch[] {
    return this.out.take();
  }

  /** Every pending batch (end of partition). */
  finish(): Batch[] {
    return this.out.finish();
  }
}
