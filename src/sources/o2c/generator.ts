/**
 * Generation of one `o2c` partition (company × chain start month, domain.md §1.1): the chains that
 * start in it, in chain order, each fully generated — sales order → credit check → delivery(ies)
 * → customer invoice → credit memo / receipt(s) (domain.md §6.1, §6.3) — with their document
 * references (§6.4) and document journal entries (§6.5). Every document of a chain lives in the
 * chain's partition even when dated in later months (D2). One Rng stream per purpose (D4).
 *
 * The running credit exposure per customer is kept within the partition only, so partitions stay
 * independent (D2): previous passed orders of this partition minus the settlements (receipts,
 * credit memos) dated on or before the order.
 */
import type { Batch } from '../../engine/batch.js';
import type { GenerationContext } from '../../engine/plugins.js';
import type { Company, CompanyCalendar } from '../../domain/types.js';
import type { CompanyMaster, CustomerMaster, EmployeeMaster, MasterData, MaterialMaster } from '../../domain/master-types.js';
import { masterData } from '../../domain/master-data.js';
import { ymdOf } from '../../domain/dates.js';
import { localToGroupCents, mulDivRound } from '../../domain/money.js';
import { deriveUuid } from '../../random/derive.js';
import { Rng, WeightedChoice } from '../../random/rng.js';
import { documentReferences, type DocumentType, type ReferenceType } from '../../tables/documents.js';
import {
  arReceipts, creditMemos, customerInvoiceItems, customerInvoices, deliveries, deliveryItems, salesOrderItems, salesOrders,
  type ReceiptKind,
} from '../../tables/o2c.js';
import { TableAppender } from '../documents/appender.js';
import { DocumentJeWriter, type DocJeLine } from '../documents/je-writer.js';
import { documentNumber, type ChainPlan } from '../documents/plan.js';
import type { O2cOptions } from './options.js';

const DAY_S = 86_400;
const HOUR_S = 3_600;
/** Triangular(min 1, mode 3, max 20) line counts (domain.md §6.1). */
export const MAX_SO_LINES = 20;
const PEAK_HOURS = [9, 10, 11, 14, 15, 16];
const AFTER_HOURS = [6, 7, 18, 19, 20, 21];
/** Credit memos of at least this many group-currency cents need an approval (domain.md §6.3). */
const CM_APPROVAL_GROUP_CENTS = 10_000_00;

const RETURN_REASONS = ['return', 'damaged', 'quality_issue', 'price_error'] as const;
const SHORT_REASONS = new WeightedChoice<string>([
  ['pricing_dispute', 0.30], ['quality_issue', 0.20], ['quantity_discrepancy', 0.20], ['unauthorized_deduction', 0.15], ['incorrect_discount', 0.15],
]);
const CORRECTION_REASONS = new WeightedChoice<string>([
  ['nsf', 0.30], ['chargeback', 0.20], ['wrong_amount', 0.20], ['wrong_customer', 0.15], ['duplicate_payment', 0.15],
]);
const RECEIPT_METHODS = new WeightedChoice<string>([['bank_transfer', 0.50], ['check', 0.30], ['wire', 0.15], ['credit_card', 0.05]]);
/** Partial receipt shares: 25 % .15, 50 % .50, 75 % .25, U[30 %, 80 %] .10 (domain.md §6.3). */
const PARTIAL_SHARE_WEIGHTS = [0.15, 0.50, 0.25, 0.10];

/** Triangular(a, c, b) by inversion (one uniform). @example triangular(rng, 1, 3, 20) */
export function triangular(rng: Rng, min: number, mode: number, max: number): number {
  const u = rng.float();
  const fc = (mode - min) / (max - min);
  return u < fc ? min + Math.sqrt(u * (max - min) * (mode - min)) : max - Math.sqrt((1 - u) * (max - min) * (max - mode));
}

/** Behaviour offset of the receipt date in days (domain.md §6.3). */
function behaviourOffset(rng: Rng, behavior: CustomerMaster['paymentBehavior']): number {
  switch (behavior) {
    case 'early_payer': return -rng.int(5, 14);
    case 'on_time': return rng.int(-2, 2);
    case 'slightly_late': return rng.int(5, 14);
    case 'often_late': return rng.int(15, 44);
    case 'high_risk': return rng.int(30, 89);
  }
}

interface Streams {
  /** Chain start days. */
  days: Rng;
  /** Customer of each order. */
  partners: Rng;
  /** Line count, materials, quantities. */
  lines: Rng;
  credit: Rng;
  delivery: Rng;
  invoice: Rng;
  returns: Rng;
  receipts: Rng;
  /** created_by of each document. */
  users: Rng;
  /** created_at intraday times. */
  times: Rng;
  /** Cost center of the COGS line. */
  costCenters: Rng;
}

/** Per-customer running credit exposure within the partition, with settlements applied by date. */
class ExposureBook {
  private readonly open = new Map<number, number>();
  /** customer index → flat [day, amount, day, amount, …] of settlements not yet applied. */
  private readonly pending = new Map<number, number[]>();

  /** Exposure of a customer on `day` (settlements dated ≤ day applied). */
  exposure(customer: CustomerMaster, day: number): number {
    const list = this.pending.get(customer.index);
    let open = this.open.get(customer.index) ?? customer.creditExposure;
    if (list !== undefined && list.length > 0) {
      let w = 0;
      for (let r = 0; r < list.length; r += 2) {
        if (list[r] <= day) open -= list[r + 1];
        else {
          list[w++] = list[r];
          list[w++] = list[r + 1];
        }
      }
      list.length = w;
    }
    this.open.set(customer.index, open);
    return open;
  }

  addOrder(customer: CustomerMaster, gross: number): void {
    this.open.set(customer.index, (this.open.get(customer.index) ?? customer.creditExposure) + gross);
  }

  /** A settlement (positive) or a reversal of one (negative) dated `day`. */
  settle(customer: CustomerMaster, day: number, amount: number): void {
    let list = this.pending.get(customer.index);
    if (list === undefined) this.pending.set(customer.index, (list = []));
    list.push(day, amount);
  }
}

/** Scratch of the current chain's order lines (no per-line objects). */
class LineScratch {
  n = 0;
  readonly material: MaterialMaster[] = new Array<MaterialMaster>(MAX_SO_LINES);
  readonly qty = new Int32Array(MAX_SO_LINES);
  /** Quantity of the first delivery (all of qty when not partial). */
  readonly qty1 = new Int32Array(MAX_SO_LINES);
}

/**
 * @example
 * const g = new O2cPartitionGenerator('o2c', opts, plan, 3, ctx);
 * for (const batch of g.run()) sink(batch);
 */
export class O2cPartitionGenerator {
  private readonly company: Company;
  private readonly cal: CompanyCalendar;
  private readonly md: MasterData;
  private readonly master: CompanyMaster;
  private readonly rng: Streams;
  private readonly endDay: number;
  private readonly taxMicros: number;
  private readonly monthIndex: number;
  private readonly companyIndex: number;

  private readonly so: TableAppender;
  private readonly soi: TableAppender;
  private readonly dlv: TableAppender;
  private readonly dlvi: TableAppender;
  private readonly ci: TableAppender;
  private readonly cii: TableAppender;
  private readonly rec: TableAppender;
  private readonly cm: TableAppender;
  private readonly refs: TableAppender;
  private readonly je: DocumentJeWriter;
  /** Document tables in emission order (drained after every chain: bounded memory). */
  private readonly appenders: readonly TableAppender[];

  private readonly sales: readonly EmployeeMaster[];
  private readonly warehouse: readonly EmployeeMaster[];
  private readonly finance: readonly EmployeeMaster[];
  private readonly cogsCostCenters: readonly string[];
  private readonly materialIdx: Int32Array;
  private readonly lines = new LineScratch();
  private readonly book = new ExposureBook();

  constructor(
    private readonly componentId: string,
    private readonly opts: O2cOptions,
    private readonly plan: ChainPlan,
    private readonly partition: number,
    private readonly ctx: GenerationContext,
  ) {
    const ref = ctx.reference;
    this.monthIndex = Math.floor(partition / plan.nCompanies);
    this.companyIndex = partition % plan.nCompanies;
    this.company = ref.companies[this.companyIndex];
    this.cal = ref.calendar(this.company.country);
    this.md = masterData(ctx);
    this.master = this.md.of(this.company.code);
    this.endDay = ref.period.endDay;
    this.taxMicros = Math.round(this.company.taxRate * 1_000_000);
    const s = (purpose: string): Rng => Rng.for(ctx.seed, componentId, partition, purpose);
    this.rng = {
      days: s('dates'), partners: s('partners'), lines: s('lines'), credit: s('credit'), delivery: s('delivery'),
      invoice: s('invoice'), returns: s('returns'), receipts: s('receipts'), users: s('users'), times: s('times'),
      costCenters: s('cost_centers'),
    };
    const rows = ctx.batchRows;
    this.so = new TableAppender(salesOrders, partition, rows);
    this.soi = new TableAppender(salesOrderItems, partition, rows);
    this.dlv = new TableAppender(deliveries, partition, rows);
    this.dlvi = new TableAppender(deliveryItems, partition, rows);
    this.ci = new TableAppender(customerInvoices, partition, rows);
    this.cii = new TableAppender(customerInvoiceItems, partition, rows);
    this.rec = new TableAppender(arReceipts, partition, rows);
    this.cm = new TableAppender(creditMemos, partition, rows);
    this.refs = new TableAppender(documentReferences, partition, rows);
    this.je = new DocumentJeWriter(partition, ctx);
    this.appenders = [this.so, this.soi, this.dlv, this.dlvi, this.ci, this.cii, this.rec, this.cm, this.refs];

    // domain.md §6.1 created_by: SO Sales; delivery Warehouse; invoices, receipts, credit memos Finance.
    const staff = (dep: 'sales' | 'warehouse' | 'finance'): readonly EmployeeMaster[] => {
      const all = this.master.employeesIn(dep);
      const active = all.filter((e) => e.status === 'active');
      const list = active.length > 0 ? active : all;
      if (list.length === 0) throw new Error(`o2c ${componentId}: company ${this.company.code} has no ${dep} employees`);
      return list;
    };
    this.sales = staff('sales');
    this.warehouse = staff('warehouse');
    this.finance = staff('finance');
    // domain.md §5.6: O2C cost centers are the SALES-* leaves (5000 requires one, §2.5).
    const leaves = ref.costCentersOf(this.company.code).filter((c) => c.level === 2 && c.isActive);
    const salesLeaves = leaves.filter((c) => c.id.startsWith(`CC-${this.company.code}-SALES-`)).map((c) => c.id);
    this.cogsCostCenters = salesLeaves.length > 0 ? salesLeaves : leaves.map((c) => c.id);
    this.materialIdx = new Int32Array(this.master.o2cMaterials.length);
  }

  *run(): Generator<Batch> {
    const { plan, companyIndex: c, monthIndex: m } = this;
    const count = plan.counts[c][m];
    const offset = plan.offsets[c][m];
    const days = plan.businessDays(c, m);
    if (count > 0 && days.length > 0) {
      if (this.master.o2cCustomers.length === 0) throw new Error(`o2c ${this.componentId}: company ${this.company.code} has no O2C customers`);
      if (this.master.o2cMaterials.length === 0) throw new Error(`o2c ${this.componentId}: company ${this.company.code} has no O2C materials`);
      // Start days drawn uniformly among the month's business days, chains numbered in date order.
      const start = new Int32Array(count);
      for (let i = 0; i < count; i++) start[i] = days[this.rng.days.int(0, days.length - 1)];
      start.sort();
      for (let i = 0; i < count; i++) {
        this.chain(offset + i + 1, start[i]);
        yield* this.drain(false);
      }
    }
    yield* this.drain(true);
  }

  private *drain(final: boolean): Generator<Batch> {
    for (const a of this.appenders) {
      yield* final ? a.finish() : a.take();
    }
    yield* final ? this.je.finish() : this.je.take();
  }

  /** Later dates: calendar days, rolled forward to a business day, never before the predecessor (domain.md §6.1). */
  private roll(day: number, notBefore: number): number {
    return this.cal.nextBusinessDay(day < notBefore ? notBefore : day);
  }

  /** Document date + human intraday time (domain.md §5.5, §6.1). */
  private createdAt(day: number): number {
    const r = this.rng.times;
    let hour: number;
    if (r.chance(0.05)) hour = r.pick(AFTER_HOURS);
    else if (r.chance(0.6)) hour = r.pick(PEAK_HOURS);
    else hour = r.int(8, 17);
    return day * DAY_S + hour * HOUR_S + r.int(0, 59) * 60 + r.int(0, 59);
  }

  private jeId(documentId: string): string {
    return deriveUuid(this.ctx.seed, this.componentId, this.partition, documentId);
  }

  private fiscal(a: TableAppender, day: number): void {
    const { year, month } = ymdOf(day);
    a.str(a.cols.company_code, this.company.code);
    a.num(a.cols.fiscal_year, year);
    a.num(a.cols.fiscal_period, month);
  }

  private trailer(a: TableAppender, status: string, createdBy: string, createdAt: number, jeId: string | null): void {
    const C = a.cols;
    a.str(C.currency, this.company.currency);
    a.str(C.status, status);
    a.str(C.created_by, createdBy);
    a.num(C.created_at, createdAt);
    if (jeId !== null) a.str(C.journal_entry_id, jeId);
  }

  private reference(srcType: DocumentType, srcId: string, tgtType: DocumentType, tgtId: string, type: ReferenceType, day: number, amount: number): void {
    const a = this.refs;
    const C = a.cols;
    a.next();
    a.str(C.reference_id, deriveUuid(this.ctx.seed, this.componentId, this.partition, `${srcId}|${tgtId}|${type}`));
    a.str(C.source_doc_type, srcType);
    a.str(C.source_doc_id, srcId);
    a.str(C.target_doc_type, tgtType);
    a.str(C.target_doc_id, tgtId);
    a.str(C.reference_type, type);
    a.str(C.company_code, this.company.code);
    a.num(C.reference_date, day);
    a.num(C.reference_amount, amount);
  }

  private postJe(documentId: string, sourceType: DocumentType, day: number, createdAt: number, documentType: string, template: string,
    headerText: string, lines: readonly DocJeLine[], source?: string): void {
    this.je.add({
      documentId: this.jeId(documentId), companyCode: this.company.code, postingDay: day, documentDay: day, createdAt,
      documentType, businessProcess: 'O2C', template, ...(source !== undefined ? { source } : {}), sourceSystem: 'SAP-SD',
      createdBy: 'SYSTEM', persona: 'automated_system', currency: this.company.currency, reference: documentId, headerText,
      sourceDocumentType: sourceType, sourceDocumentId: documentId,
    }, lines);
  }

  private tax(net: number): number {
    return this.taxMicros === 0 ? 0 : mulDivRound(net, this.taxMicros, 1_000_000);
  }

  /** One chain (domain.md §6.3), all its documents in chain sequence. */
  private chain(chainNo: number, soDay: number): void {
    const { rng, opts, master, company } = this;
    const cc = company.code;
    const customer = rng.partners.pick(master.o2cCustomers);
    const terms = customer.paymentTerms;

    // ---- Sales order: triangular(1, 3, 20) distinct materials, quantity U{1..49}, list price ----
    const L = this.lines;
    const mats = master.o2cMaterials;
    const n = Math.min(Math.max(1, Math.round(triangular(rng.lines, 1, 3, MAX_SO_LINES))), mats.length);
    const idx = this.materialIdx;
    for (let i = 0; i < idx.length; i++) idx[i] = i;
    for (let k = 0; k < n; k++) {
      const j = rng.lines.int(k, idx.length - 1);
      const t = idx[k];
      idx[k] = idx[j];
      idx[j] = t;
      L.material[k] = mats[idx[k]];
      L.qty[k] = rng.lines.int(1, 49);
    }
    L.n = n;
    const soId = documentNumber('SO', cc, chainNo, 1);
    const requestedDay = this.roll(soDay + opts.averageSoToDeliveryDays, soDay);
    let soNet = 0;
    let soTax = 0;
    for (let k = 0; k < n; k++) {
      const net = L.qty[k] * L.material[k].listPrice;
      soNet += net;
      soTax += this.tax(net);
    }
    const soGross = soNet + soTax;

    // ---- Credit check (domain.md §6.3): blocked/inactive, limit, then random failures ----
    const u1 = rng.credit.float();
    const u2 = rng.credit.float();
    const rating = customer.creditRating;
    const extra = rating === 'CCC' || rating === 'D' ? 0.20 : rating === 'BB' || rating === 'B' ? 0.05 : 0;
    let blockReason: string | null = null;
    if (customer.creditBlocked || !customer.isActive) blockReason = 'customer_blocked';
    else if (this.book.exposure(customer, soDay) + soGross > customer.creditLimit) blockReason = 'credit_limit_exceeded';
    else if (u1 < opts.creditCheckFailureRate || u2 < extra) blockReason = 'credit_limit_exceeded';
    const passed = blockReason === null;
    if (passed) this.book.addOrder(customer, soGross);

    {
      const a = this.so;
      const C = a.cols;
      a.next();
      a.str(C.so_id, soId);
      this.fiscal(a, soDay);
      a.str(C.customer_id, customer.id);
      a.str(C.customer_name, customer.name);
      a.num(C.so_date, soDay);
      a.num(C.requested_delivery_date, requestedDay);
      a.str(C.sales_org, customer.salesOrg);
      a.str(C.distribution_channel, customer.distributionChannel);
      a.str(C.payment_terms, terms.code);
      a.num(C.net_amount, soNet);
      a.num(C.tax_amount, soTax);
      a.num(C.gross_amount, soGross);
      a.str(C.credit_check_status, passed ? 'passed' : 'failed');
      a.str(C.credit_block_reason, blockReason);
      this.trailer(a, passed ? 'completed' : 'blocked', rng.users.pick(this.sales).userId, this.createdAt(soDay), null);
      const b = this.soi;
      const D = b.cols;
      for (let k = 0; k < n; k++) {
        const mat = L.material[k];
        const net = L.qty[k] * mat.listPrice;
        const tax = this.tax(net);
        b.next();
        b.str(D.so_id, soId);
        b.num(D.line_number, (k + 1) * 10);
        b.str(D.material_id, mat.materialId);
        b.str(D.description, mat.description);
        b.num(D.quantity, L.qty[k]);
        b.str(D.uom, mat.baseUom);
        b.num(D.unit_price, mat.listPrice);
        b.num(D.net_amount, net);
        b.num(D.tax_amount, tax);
        b.num(D.gross_amount, net + tax);
        b.num(D.schedule_date, requestedDay);
      }
    }
    if (!passed) return; // failed credit check: the chain ends at the order

    // ---- Deliveries: SO + 7 + U{0..2}; partial .10 → 60–80 % of each line, the rest 3–6 days later ----
    const end = this.endDay;
    const d1Day = this.roll(soDay + opts.averageSoToDeliveryDays + rng.delivery.int(0, 2), soDay);
    let partial = rng.delivery.chance(opts.partialShipmentRate);
    let rest = 0;
    for (let k = 0; k < n; k++) {
      const q = L.qty[k];
      const q1 = partial ? Math.min(q, Math.max(1, Math.round(q * rng.delivery.uniform(0.60, 0.80)))) : q;
      L.qty1[k] = q1;
      rest += q - q1;
    }
    const d2Day = partial ? this.roll(d1Day + rng.delivery.int(3, 6), d1Day) : d1Day;
    if (rest === 0) partial = false; // every line complete in the first delivery: no second one
    if (d1Day >= end) return; // range cut-off: the chain stays open (domain.md §6.1)
    const dlv1 = documentNumber('DLV', cc, chainNo, 1);
    this.delivery(dlv1, soId, customer, d1Day, partial, 1);
    const dlv2 = partial ? documentNumber('DLV', cc, chainNo, 2) : null;
    if (dlv2 !== null) {
      if (d2Day >= end) return;
      this.delivery(dlv2, soId, customer, d2Day, true, 2);
    }
    const lastDlvDay = dlv2 !== null ? d2Day : d1Day;

    // ---- Customer invoice: last delivery + 1 + U{0..1}, for the delivered quantity ----
    const ciDay = this.roll(lastDlvDay + opts.averageDeliveryToInvoiceDays + rng.invoice.int(0, 1), lastDlvDay);
    if (ciDay >= end) return;
    const ciId = documentNumber('CI', cc, chainNo, 1);
    let ciNet = 0;
    for (let k = 0; k < n; k++) ciNet += L.qty[k] * L.material[k].listPrice;
    const ciTax = this.tax(ciNet);
    const ciGross = ciNet + ciTax;
    const dueDay = this.md.dueDay(terms, ciDay, this.cal);
    const discDay = this.md.discountDay(terms, ciDay, this.cal);
    const discMicros = Math.round(terms.discountPercent * 1_000_000);

    // ---- Returns (credit memo), bad debt, receipt kind and dates: all decided before the invoice row,
    // whose status (posted / cleared) depends on them ----
    const hasCm = rng.returns.chance(opts.returnRate);
    let cmDay = 0;
    let cmGross = 0;
    let cmNet = 0;
    let cmReason = '';
    if (hasCm) {
      cmDay = this.roll(ciDay + rng.returns.int(5, 30), ciDay);
      const f = rng.returns.uniform(0.10, 1.00);
      cmGross = Math.min(ciGross, Math.max(1, Math.round(ciGross * f)));
      cmNet = Math.min(cmGross, Math.round(ciNet * f));
      cmReason = rng.returns.pick(RETURN_REASONS);
    }
    const cmInRange = hasCm && cmDay < end;
    /** Open gross / net of the invoice on `day`: a credit memo dated on or before reduces it. */
    const openGross = (day: number): number => ciGross - (cmInRange && cmDay <= day ? cmGross : 0);
    const openNet = (day: number): number => ciNet - (cmInRange && cmDay <= day ? cmNet : 0);

    const r = rng.receipts;
    const badDebt = r.chance(opts.badDebtRate);
    let kind: ReceiptKind = 'full';
    let recDay = 0;
    let discountTaken = false;
    let method = '';
    let amount = 0;
    let discount = 0;
    let shortAmount = 0;
    let shortReason = '';
    let remDay = 0;
    let remAmount = 0;
    let hasCorrection = false;
    let corrDay = 0;
    let corrReason = '';
    if (!badDebt) {
      const u = r.float();
      if (u < opts.partialPaymentRate) kind = 'partial';
      else if (u < opts.partialPaymentRate + opts.shortPaymentRate) kind = 'short';
      else if (u < opts.partialPaymentRate + opts.shortPaymentRate + opts.onAccountRate) kind = 'on_account';
      if (kind === 'full' && discDay !== null && r.chance(customer.discountTakeProbability)) {
        // Paid within the discount window, discount taken.
        discountTaken = true;
        recDay = this.roll(discDay - r.int(0, 4), ciDay);
      } else {
        let day = dueDay + behaviourOffset(r, customer.paymentBehavior);
        if (r.chance(opts.latePaymentRate)) day += r.int(10, 29);
        recDay = this.roll(day, ciDay);
      }
      method = RECEIPT_METHODS.sample(r);
      switch (kind) {
        case 'full':
          discount = discountTaken ? mulDivRound(Math.max(0, openNet(recDay)), discMicros, 1_000_000) : 0;
          amount = openGross(recDay) - discount;
          if (r.chance(opts.paymentCorrectionRate)) {
            hasCorrection = true;
            corrDay = this.roll(recDay + r.int(3, 13), recDay);
            corrReason = CORRECTION_REASONS.sample(r);
          }
          break;
        case 'partial': {
          const w = r.weightedIndex(PARTIAL_SHARE_WEIGHTS);
          const share = w === 0 ? 0.25 : w === 1 ? 0.50 : w === 2 ? 0.75 : r.uniform(0.30, 0.80);
          const open = openGross(recDay);
          amount = Math.min(open - 1, Math.max(1, Math.round(open * share)));
          remDay = this.roll(recDay + opts.avgDaysUntilRemainder, recDay);
          remAmount = openGross(remDay) - amount;
          break;
        }
        case 'short':
          shortAmount = Math.max(1, Math.round(ciGross * r.uniform(0.01, Math.max(0.01, opts.maxShortPercent))));
          amount = ciGross - shortAmount;
          shortReason = SHORT_REASONS.sample(r);
          break;
        case 'on_account':
          amount = Math.max(1, Math.round(ciGross * r.uniform(0.80, 1.20)));
          break;
        default:
          break;
      }
    }
    const recInRange = !badDebt && recDay < end;
    const recExists = recInRange && amount > 0;
    const remExists = recExists && kind === 'partial' && remDay < end && remAmount > 0;
    const corrExists = recExists && hasCorrection && corrDay < end;
    // Fully settled by the end of the range (status cleared, domain.md §6.1).
    let cleared = false;
    if (recInRange && !corrExists) {
      if (kind === 'full') cleared = true; // amount ≤ 0: the credit memo settled it
      else if (kind === 'partial') cleared = remExists || (remDay < end && remAmount <= 0);
    }
    if (!recInRange && cmInRange && cmGross >= ciGross) cleared = true;

    // ---- Invoice row, items (one per delivery line), references, JE ----
    {
      const a = this.ci;
      const C = a.cols;
      a.next();
      a.str(C.ci_id, ciId);
      this.fiscal(a, ciDay);
      a.str(C.customer_id, customer.id);
      a.str(C.so_id, soId);
      a.num(C.invoice_date, ciDay);
      a.str(C.payment_terms, terms.code);
      a.num(C.due_date, dueDay);
      a.numOrNull(C.discount_due_date, discDay);
      a.num(C.discount_percent, discMicros);
      a.num(C.net_amount, ciNet);
      a.num(C.tax_amount, ciTax);
      a.num(C.gross_amount, ciGross);
      const createdAt = this.createdAt(ciDay);
      this.trailer(a, cleared ? 'cleared' : 'posted', rng.users.pick(this.finance).userId, createdAt, this.jeId(ciId));
      const b = this.cii;
      const D = b.cols;
      let line = 0;
      for (let dn = 1; dn <= (dlv2 !== null ? 2 : 1); dn++) {
        const dlvId = dn === 1 ? dlv1 : dlv2!;
        for (let k = 0; k < n; k++) {
          const q = dn === 1 ? L.qty1[k] : L.qty[k] - L.qty1[k];
          if (q === 0) continue;
          const mat = L.material[k];
          b.next();
          b.str(D.ci_id, ciId);
          b.num(D.line_number, ++line * 10);
          b.str(D.so_id, soId);
          b.num(D.so_line_number, (k + 1) * 10);
          b.str(D.delivery_id, dlvId);
          b.str(D.material_id, mat.materialId);
          b.num(D.quantity, q);
          b.num(D.unit_price, mat.listPrice);
          b.num(D.net_amount, q * mat.listPrice);
          b.num(D.cogs_amount, q * mat.standardCost);
        }
      }
      this.reference('delivery', dlv1, 'customer_invoice', ciId, 'follow_on', ciDay, ciGross);
      if (dlv2 !== null) this.reference('delivery', dlv2, 'customer_invoice', ciId, 'follow_on', ciDay, ciGross);
      this.reference('sales_order', soId, 'customer_invoice', ciId, 'follow_on', ciDay, ciGross);
      this.postJe(ciId, 'customer_invoice', ciDay, createdAt, 'DR', 'o2c_doc_customer_invoice', `Customer Invoice - ${customer.name}`, [
        { account: '1100', amount: ciGross, customerId: customer.id },
        { account: '4000', amount: -ciNet },
        { account: '2110', amount: -ciTax },
      ]);
    }

    // ---- Credit memo and receipts in date order (a credit memo on the receipt's day comes first) ----
    const cmId = documentNumber('CM', cc, chainNo, 1);
    let cmPending = cmInRange;
    const cmUpTo = (day: number): void => {
      if (cmPending && cmDay <= day) {
        cmPending = false;
        this.creditMemo(cmId, ciId, customer, cmDay, cmReason, cmNet, cmGross);
      }
    };
    let recSeq = 0;
    if (recExists) {
      cmUpTo(recDay);
      const recId = documentNumber('REC', cc, chainNo, ++recSeq);
      this.receipt(recId, ciId, customer, recDay, method, kind, amount, discount, kind === 'short' ? shortAmount : null,
        kind === 'short' ? shortReason : null, null, null);
      this.reference('customer_invoice', ciId, 'ar_receipt', recId, 'payment', recDay, amount);
      // on-account receipts are unapplied: they reduce the exposure but leave the invoice open.
      this.book.settle(customer, recDay, amount + discount);
      if (remExists) {
        cmUpTo(remDay);
        const remId = documentNumber('REC', cc, chainNo, ++recSeq);
        this.receipt(remId, ciId, customer, remDay, method, 'partial_remainder', remAmount, 0, null, null, null, recId);
        this.reference('customer_invoice', ciId, 'ar_receipt', remId, 'payment', remDay, remAmount);
        this.reference('ar_receipt', recId, 'ar_receipt', remId, 'partial', remDay, remAmount);
        this.book.settle(customer, remDay, remAmount);
      }
      if (corrExists) {
        cmUpTo(corrDay);
        const corrId = documentNumber('REC', cc, chainNo, ++recSeq);
        this.receipt(corrId, ciId, customer, corrDay, method, 'correction', amount, 0, null, null, corrReason, recId);
        this.reference('ar_receipt', recId, 'ar_receipt', corrId, 'reversal', corrDay, amount);
        this.book.settle(customer, corrDay, -amount);
      }
    }
    cmUpTo(Number.MAX_SAFE_INTEGER);
    if (cmInRange) this.book.settle(customer, cmDay, cmGross);
  }

  /** One delivery with its items, SO→DLV reference and WL entry (domain.md §6.3, §6.5). */
  private delivery(id: string, soId: string, customer: CustomerMaster, day: number, isPartial: boolean, no: 1 | 2): void {
    const L = this.lines;
    const b = this.dlvi;
    const D = b.cols;
    let cogs = 0;
    let line = 0;
    for (let k = 0; k < L.n; k++) {
      const q = no === 1 ? L.qty1[k] : L.qty[k] - L.qty1[k];
      if (q === 0) continue;
      const mat = L.material[k];
      const c = q * mat.standardCost;
      cogs += c;
      b.next();
      b.str(D.delivery_id, id);
      b.num(D.line_number, ++line * 10);
      b.str(D.so_id, soId);
      b.num(D.so_line_number, (k + 1) * 10);
      b.str(D.material_id, mat.materialId);
      b.num(D.quantity, q);
      b.num(D.unit_price, mat.listPrice);
      b.num(D.net_amount, q * mat.listPrice);
      b.num(D.unit_cost, mat.standardCost);
      b.num(D.cogs_amount, c);
    }
    const a = this.dlv;
    const C = a.cols;
    a.next();
    a.str(C.delivery_id, id);
    this.fiscal(a, day);
    a.str(C.so_id, soId);
    a.str(C.customer_id, customer.id);
    a.num(C.delivery_date, day);
    a.str(C.shipping_point, `SP${this.company.code}`);
    a.bool(C.is_partial, isPartial);
    a.num(C.package_count, this.rng.delivery.int(1, 9));
    a.num(C.total_cogs, cogs);
    const createdAt = this.createdAt(day);
    this.trailer(a, 'posted', this.rng.users.pick(this.warehouse).userId, createdAt, this.jeId(id));
    this.reference('sales_order', soId, 'delivery', id, 'follow_on', day, cogs);
    this.postJe(id, 'delivery', day, createdAt, 'WL', 'o2c_doc_delivery', `Goods Issue - ${soId}`, [
      { account: '5000', amount: cogs, costCenter: this.rng.costCenters.pick(this.cogsCostCenters) },
      { account: '1200', amount: -cogs },
    ]);
  }

  private receipt(id: string, ciId: string, customer: CustomerMaster, day: number, method: string, kind: ReceiptKind, amount: number,
    discount: number, shortAmount: number | null, shortReason: string | null, correctionReason: string | null, relatedId: string | null): void {
    const a = this.rec;
    const C = a.cols;
    a.next();
    a.str(C.receipt_id, id);
    this.fiscal(a, day);
    a.str(C.customer_id, customer.id);
    a.str(C.ci_id, ciId);
    a.num(C.receipt_date, day);
    a.num(C.value_date, day);
    a.str(C.payment_method, method);
    a.str(C.receipt_kind, kind);
    a.num(C.amount, amount);
    a.num(C.discount_taken, discount);
    a.numOrNull(C.short_amount, shortAmount);
    a.str(C.short_reason, shortReason);
    a.str(C.correction_reason, correctionReason);
    a.str(C.related_receipt_id, relatedId);
    const createdAt = this.createdAt(day);
    this.trailer(a, 'posted', this.rng.users.pick(this.finance).userId, createdAt, this.jeId(id));
    if (kind === 'correction') {
      this.postJe(id, 'ar_receipt', day, createdAt, 'DZ', 'o2c_doc_receipt_reversal', `Receipt Reversal - ${relatedId ?? id}`, [
        { account: '1100', amount, customerId: customer.id },
        { account: '1000', amount: -amount },
      ], 'reversal');
    } else {
      this.postJe(id, 'ar_receipt', day, createdAt, 'DZ', 'o2c_doc_receipt', `Customer Payment Receipt - ${customer.name}`, [
        { account: '1000', amount },
        { account: '4010', amount: discount },
        { account: '1100', amount: -(amount + discount), customerId: customer.id },
      ]);
    }
  }

  private creditMemo(id: string, ciId: string, customer: CustomerMaster, day: number, reason: string, net: number, gross: number): void {
    const a = this.cm;
    const C = a.cols;
    a.next();
    a.str(C.memo_id, id);
    this.fiscal(a, day);
    a.str(C.customer_id, customer.id);
    a.str(C.ci_id, ciId);
    a.num(C.memo_date, day);
    a.str(C.reason, reason);
    a.num(C.net_amount, net);
    a.num(C.gross_amount, gross);
    // domain.md §0.1: thresholds compare group-currency amounts (converted at the memo date's rate).
    const groupGross = localToGroupCents(gross, this.ctx.reference.fx.rateMicros(this.company.currency, day));
    a.str(C.approval_status, groupGross < CM_APPROVAL_GROUP_CENTS ? 'auto_approved' : 'approved');
    const createdAt = this.createdAt(day);
    this.trailer(a, 'posted', this.rng.users.pick(this.finance).userId, createdAt, this.jeId(id));
    this.reference('customer_invoice', ciId, 'credit_memo', id, 'credit_memo', day, gross);
    this.postJe(id, 'credit_memo', day, createdAt, 'DG', 'o2c_doc_credit_memo', `Credit Memo - ${customer.name}`, [
      { account: '4020', amount: gross },
      { account: '1100', amount: -gross, customerId: customer.id },
    ]);
  }
}
