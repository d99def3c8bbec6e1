/**
 * Generation of one `p2p` partition (company × chain start month, domain.md §1.1, §6.1, §6.2):
 * chains in ordinal order, each chain's documents in chain sequence (PO, GR1, GR2, VI, PAY1, PAY2),
 * with their document references (§6.4) and journal entries (§6.5).
 *
 * Every chain is planned in full before anything is emitted — each purpose stream (D4) is consumed
 * the same way whether or not the range cuts the chain off — and then emitted up to the first
 * document dated on or after `end_date` (§6.1: that document and everything after it are not
 * generated; the chain stays open). Per-chain state lives in reused scratch arrays (no object per
 * row).
 */
import type { Batch } from '../../engine/batch.js';
import type { GenerationContext } from '../../engine/plugins.js';
import type { Company, CompanyCalendar } from '../../domain/types.js';
import type { CompanyMaster, EmployeeMaster, MasterData, MaterialMaster, VendorMaster } from '../../domain/master-types.js';
import { masterData } from '../../domain/master-data.js';
import { ymdOf } from '../../domain/dates.js';
import { mulDivRound } from '../../domain/money.js';
import { deriveUuid } from '../../random/derive.js';
import { Rng } from '../../random/rng.js';
import { TableAppender } from '../documents/appender.js';
import { DocumentJeWriter } from '../documents/je-writer.js';
import { documentNumber, type ChainPlan } from '../documents/plan.js';
import { documentReferences, type DocumentType, type ReferenceType } from '../../tables/documents.js';
import {
  apPayments, goodsReceiptItems, goodsReceipts, purchaseOrderItems, purchaseOrders, vendorInvoiceItems, vendorInvoices,
} from '../../tables/p2p.js';
import type { P2pOptions } from './options.js';

const DAY_S = 86_400;
const HOUR_S = 3_600;
const MICROS = 1_000_000;
/** domain.md §6.1: PO / SO line counts triangular(min 1, mode 3, max 20). */
export const MAX_PO_LINES = 20;
const PEAK_HOURS = [9, 10, 11, 14, 15, 16];
const AFTER_HOURS = [6, 7, 18, 19, 20, 21];
/** domain.md §6.2 late-payment delay buckets (days, inclusive) and weights. */
const LATE_BUCKETS: ReadonlyArray<readonly [number, number]> = [[1, 7], [8, 14], [15, 30], [31, 60], [61, 120]];
const LATE_WEIGHTS = [0.50, 0.25, 0.15, 0.07, 0.03];
const PAYMENT_METHODS = ['bank_transfer', 'check', 'wire', 'credit_card'];
const PAYMENT_METHOD_WEIGHTS = [0.60, 0.25, 0.10, 0.05];
/** domain.md §6.2 three-way match tolerances (percent) and the absolute tolerance (cents). */
const PRICE_TOLERANCE_PCT = 5;
const QUANTITY_TOLERANCE_PCT = 2;
const OVER_DELIVERY_TOLERANCE_PCT = 10;
const ABSOLUTE_TOLERANCE_CENTS = 1;

/** Line-level match outcomes (vendor_invoice_items.match_status). */
const MATCHED = 0;
const PRICE_VARIANCE = 1;
const QUANTITY_VARIANCE = 2;
const MATCH_STATUS = ['matched', 'price_variance', 'quantity_variance'];

/** Streams of one partition, one per purpose (domain.md D4). */
interface Streams {
  /** Start day and vendor. */
  chains: Rng;
  /** Line count, materials, quantities. */
  lines: Rng;
  /** Goods receipt timing, partial and over-delivery. */
  delivery: Rng;
  /** Invoice timing, price variances, match exceptions. */
  invoice: Rng;
  /** Payment timing, partial payments, methods. */
  payment: Rng;
  /** created_by of every document. */
  users: Rng;
  /** created_at intraday times. */
  times: Rng;
  /** Vendor invoice numbers. */
  text: Rng;
  /** Cost center of the price-variance line. */
  costCenters: Rng;
}

/**
 * Triangular(min a, mode c, max b) by inversion of U ∈ [0, 1) (domain.md §6.1 line counts).
 *
 * @example
 * Math.round(triangular(rng.float(), 1, 3, 20)); // PO line count 1..20, mode 3, mean 8
 */
export function triangular(u: number, a: number, c: number, b: number): number {
  const fc = (c - a) / (b - a);
  return u < fc ? a + Math.sqrt(u * (b - a) * (c - a)) : b - Math.sqrt((1 - u) * (b - a) * (b - c));
}

/** Pick among active employees of a department (any employee of it when none is active). */
function activeOrAll(list: readonly EmployeeMaster[]): readonly EmployeeMaster[] {
  const active = list.filter((e) => e.status === 'active');
  return active.length > 0 ? active : list;
}

/**
 * One partition's generator; `run()` yields the batches of the nine tables as they fill.
 *
 * @example
 * for (const b of new P2pPartitionGenerator('p2p', resolveP2pOptions({}), plan, 0, ctx).run()) console.log(b.schema.name, b.length);
 */
export class P2pPartitionGenerator {
  private readonly ctx: GenerationContext;
  private readonly seed: bigint;
  private readonly company: Company;
  private readonly cc: string;
  private readonly cal: CompanyCalendar;
  private readonly md: MasterData;
  private readonly cm: CompanyMaster;
  private readonly endDay: number;
  private readonly taxMicros: number;
  private readonly rng: Streams;
  private readonly vendors: readonly VendorMaster[];
  private readonly materials: readonly MaterialMaster[];
  private readonly procurement: readonly EmployeeMaster[];
  private readonly warehouse: readonly EmployeeMaster[];
  private readonly finance: readonly EmployeeMaster[];
  private readonly varianceCostCenters: readonly string[];
  private readonly chainCount: number;
  private readonly chainOffset: number;
  private readonly businessDays: readonly number[];

  // ---- outputs ----
  private readonly po: TableAppender;
  private readonly poi: TableAppender;
  private readonly gr: TableAppender;
  private readonly gri: TableAppender;
  private readonly vi: TableAppender;
  private readonly vii: TableAppender;
  private readonly pay: TableAppender;
  private readonly refs: TableAppender;
  private readonly je: DocumentJeWriter;
  /** The document appenders in emission order (drained after every chain). */
  private readonly tables: readonly TableAppender[];

  // ---- per-chain scratch (reused) ----
  private readonly materialStamp: Int32Array;
  private readonly lineMat: MaterialMaster[] = new Array<MaterialMaster>(MAX_PO_LINES);
  private readonly qty = new Int32Array(MAX_PO_LINES);
  private readonly price = new Float64Array(MAX_PO_LINES);
  private readonly lineNet = new Float64Array(MAX_PO_LINES);
  private readonly lineTax = new Float64Array(MAX_PO_LINES);
  /** Received quantity of line l in receipt g at [g × MAX_PO_LINES + l]. */
  private readonly recv = new Int32Array(2 * MAX_PO_LINES);
  private readonly invPrice = new Float64Array(MAX_PO_LINES);
  private readonly linePriceIssue = new Uint8Array(MAX_PO_LINES);
  private readonly lineOverIssue = new Uint8Array(MAX_PO_LINES);
  /** Vendor invoice items: receipt index, PO line index, invoiced quantity, match status. */
  private readonly itemGr = new Int32Array(2 * MAX_PO_LINES);
  private readonly itemLine = new Int32Array(2 * MAX_PO_LINES);
  private readonly itemQty = new Int32Array(2 * MAX_PO_LINES);
  private readonly itemStatus = new Int32Array(2 * MAX_PO_LINES);
  private readonly chain = new ChainState();

  constructor(
    private readonly componentId: string,
    private readonly opts: P2pOptions,
    plan: ChainPlan,
    private readonly partition: number,
    ctx: GenerationContext,
  ) {
    this.ctx = ctx;
    this.seed = ctx.seed;
    const ref = ctx.reference;
    const nC = plan.nCompanies;
    const c = partition % nC;
    const m = Math.floor(partition / nC);
    this.company = ref.companies[c];
    this.cc = this.company.code;
    this.cal = ref.calendar(this.company.country);
    this.md = masterData(ctx);
    this.cm = this.md.of(this.cc);
    this.endDay = ref.period.endDay;
    this.taxMicros = Math.round(this.company.taxRate * MICROS);
    this.chainCount = plan.counts[c][m];
    this.chainOffset = plan.offsets[c][m];
    this.businessDays = plan.businessDays(c, m);
    this.vendors = this.cm.p2pVendors;
    this.materials = this.cm.p2pMaterials;
    this.procurement = activeOrAll(this.cm.employeesIn('procurement'));
    this.warehouse = activeOrAll(this.cm.employeesIn('warehouse'));
    this.finance = activeOrAll(this.cm.employeesIn('finance'));
    // domain.md §5.6: P2P cost centers are FIN-AP, PROD-* and CORP-IT (leaves only).
    const cc = this.cc;
    this.varianceCostCenters = ref.costCentersOf(cc)
      .filter((x) => x.level === 2 && (x.id === `CC-${cc}-FIN-AP` || x.id.startsWith(`CC-${cc}-PROD-`) || x.id === `CC-${cc}-CORP-IT`))
      .map((x) => x.id);
    this.materialStamp = new Int32Array(this.materials.length);
    const s = (purpose: string): Rng => Rng.for(this.seed, componentId, partition, purpose);
    this.rng = {
      chains: s('chains'), lines: s('lines'), delivery: s('delivery'), invoice: s('invoice'), payment: s('payment'),
      users: s('users'), times: s('times'), text: s('text'), costCenters: s('cost_centers'),
    };
    const rows = ctx.batchRows;
    this.po = new TableAppender(purchaseOrders, partition, rows);
    this.poi = new TableAppender(purchaseOrderItems, partition, rows);
    this.gr = new TableAppender(goodsReceipts, partition, rows);
    this.gri = new TableAppender(goodsReceiptItems, partition, rows);
    this.vi = new TableAppender(vendorInvoices, partition, rows);
    this.vii = new TableAppender(vendorInvoiceItems, partition, rows);
    this.pay = new TableAppender(apPayments, partition, rows);
    this.refs = new TableAppender(documentReferences, partition, rows);
    this.je = new DocumentJeWriter(partition, ctx);
    this.tables = [this.po, this.poi, this.gr, this.gri, this.vi, this.vii, this.pay, this.refs];
  }

  /** Generates the partition's chains, yielding full batches as they fill. */
  *run(): Generator<Batch> {
    if (this.chainCount > 0 && (this.vendors.length === 0 || this.materials.length === 0)) {
      // partitions() reports this as a ConfigError first; here only as a safety net.
      throw new Error(`p2p ${this.componentId}: company ${this.cc} has no vendors or materials for P2P chains`);
    }
    for (let i = 0; i < this.chainCount; i++) {
      this.planChain(this.chainOffset + i + 1);
      this.emitChain();
      yield* this.drain(false);
    }
    yield* this.drain(true);
  }

  private *drain(final: boolean): Generator<Batch> {
    for (const a of this.tables) {
      yield* final ? a.finish() : a.take();
    }
    yield* final ? this.je.finish() : this.je.take();
  }

  // ---------------------------------------------------------------------------------------------
  // Planning (all draws happen here, in a fixed order per stream)
  // ---------------------------------------------------------------------------------------------

  private roll(day: number, notBefore: number): number {
    return this.cal.nextBusinessDay(day < notBefore ? notBefore : day);
  }

  /** domain.md §5.5 human intraday time (seconds of the day). */
  private humanSeconds(): number {
    const r = this.rng.times;
    let hour: number;
    if (r.chance(0.05)) hour = r.pick(AFTER_HOURS);
    else if (r.chance(0.6)) hour = r.pick(PEAK_HOURS);
    else hour = r.int(8, 17);
    return hour * HOUR_S + r.int(0, 59) * 60 + r.int(0, 59);
  }

  private planChain(chainNo: number): void {
    const o = this.opts;
    const ch = this.chain;
    ch.chainNo = chainNo;

    // ---- purchase order (domain.md §6.1, §6.2) ----
    const rc = this.rng.chains;
    ch.poDay = rc.pick(this.businessDays);
    ch.vendor = rc.pick(this.vendors);
    const rl = this.rng.lines;
    const pool = this.materials;
    const n = Math.min(Math.round(triangular(rl.float(), 1, 3, MAX_PO_LINES)), pool.length);
    ch.nLines = n;
    for (let l = 0; l < n; l++) {
      // Distinct materials by rejection (n ≤ 20, pool ≥ n); the stamp marks materials of this chain.
      let k: number;
      do k = rl.int(0, pool.length - 1); while (this.materialStamp[k] === chainNo);
      this.materialStamp[k] = chainNo;
      this.lineMat[l] = pool[k];
    }
    let poNet = 0;
    let poTax = 0;
    for (let l = 0; l < n; l++) {
      const q = rl.int(1, 99);
      const p = this.lineMat[l].standardCost;
      this.qty[l] = q;
      this.price[l] = p;
      const net = q * p;
      const tax = mulDivRound(net, this.taxMicros, MICROS);
      this.lineNet[l] = net;
      this.lineTax[l] = tax;
      poNet += net;
      poTax += tax;
    }
    ch.poNet = poNet;
    ch.poTax = poTax;
    ch.deliveryDay = this.cal.nextBusinessDay(ch.poDay + 14);
    ch.poUser = this.rng.users.pick(this.procurement).userId;
    ch.poTime = this.humanSeconds();

    // ---- goods receipts ----
    const rd = this.rng.delivery;
    ch.grDay[0] = this.roll(ch.poDay + o.averagePoToGrDays + rd.int(0, 4), ch.poDay);
    ch.splitDelivery = rd.chance(o.partialDeliveryRate);
    ch.overDelivered = false;
    const recv = this.recv;
    let hasRemainder = false;
    if (ch.splitDelivery) {
      for (let l = 0; l < n; l++) {
        const q = this.qty[l];
        const first = Math.min(q, Math.max(1, Math.round(q * rd.uniform(0.60, 0.80))));
        recv[l] = first;
        recv[MAX_PO_LINES + l] = q - first;
        if (q > first) hasRemainder = true;
      }
      ch.grDay[1] = this.roll(ch.grDay[0] + rd.int(3, 9), ch.grDay[0]);
    } else {
      ch.overDelivered = rd.chance(o.overDeliveryRate);
      for (let l = 0; l < n; l++) {
        const q = this.qty[l];
        recv[l] = ch.overDelivered ? q + Math.max(1, Math.round(q * rd.uniform(0.01, 0.10))) : q;
        recv[MAX_PO_LINES + l] = 0;
      }
      ch.grDay[1] = ch.grDay[0];
    }
    // A split whose first receipt already completes every line is a single receipt.
    ch.nGr = hasRemainder ? 2 : 1;
    for (let g = 0; g < ch.nGr; g++) {
      let v = 0;
      for (let l = 0; l < n; l++) v += recv[g * MAX_PO_LINES + l] * this.price[l];
      ch.grValue[g] = v;
      ch.grUser[g] = this.rng.users.pick(this.warehouse).userId;
      ch.grTime[g] = this.humanSeconds();
    }

    // ---- vendor invoice: one per chain for the received quantity ----
    const ri = this.rng.invoice;
    const lastGr = ch.grDay[ch.nGr - 1];
    ch.viDay = this.roll(lastGr + o.averageGrToInvoiceDays + ri.int(0, 2), lastGr);
    for (let l = 0; l < n; l++) {
      const p = this.price[l];
      // Tolerated variance: price × (1 + U[−1, 1] × max_price_variance_percent).
      this.invPrice[l] = ri.chance(o.priceVarianceRate)
        ? Math.max(1, Math.round(p * (1 + ri.uniform(-1, 1) * o.maxPriceVariancePercent)))
        : p;
    }
    let nItems = 0;
    for (let g = 0; g < ch.nGr; g++) {
      for (let l = 0; l < n; l++) {
        const q = recv[g * MAX_PO_LINES + l];
        if (q <= 0) continue;
        this.itemGr[nItems] = g;
        this.itemLine[nItems] = l;
        this.itemQty[nItems] = q;
        nItems++;
      }
    }
    ch.nItems = nItems;
    ch.exception = ri.chance(1 - o.threeWayMatchRate);
    if (ch.exception) {
      // Kind by weight: price (price_variance_rate) or quantity (quantity_variance_rate).
      const kind = ri.weightedIndex([o.priceVarianceRate, o.quantityVarianceRate]);
      if (kind === 0) {
        const l = ri.int(0, n - 1);
        const sign = ri.chance(0.5) ? 1 : -1;
        this.invPrice[l] = Math.max(1, Math.round(this.price[l] * (1 + sign * ri.uniform(0.06, 0.15))));
      } else {
        const k = ri.int(0, nItems - 1);
        const r = this.itemQty[k];
        let extra = Math.max(1, Math.round(r * ri.uniform(0.03, 0.10)));
        // Keep the exception out of the 2 % quantity tolerance after rounding.
        while (extra * 100 <= r * QUANTITY_TOLERANCE_PCT) extra++;
        this.itemQty[k] = r + extra;
      }
    }
    this.threeWayMatch();
    let viNet = 0;
    let pv = 0;
    for (let k = 0; k < nItems; k++) {
      const l = this.itemLine[k];
      const q = this.itemQty[k];
      viNet += q * this.invPrice[l];
      pv += q * (this.invPrice[l] - this.price[l]);
    }
    const v = ch.vendor;
    const terms = v.paymentTerms;
    ch.viNet = viNet;
    ch.viPriceVariance = pv;
    ch.viTax = mulDivRound(viNet, this.taxMicros, MICROS);
    ch.viGross = viNet + ch.viTax;
    ch.viWithholding = v.withholdingTaxApplicable ? mulDivRound(viNet, Math.round(v.withholdingTaxRate * MICROS), MICROS) : 0;
    ch.viPayable = ch.viGross - ch.viWithholding;
    ch.dueDay = this.md.dueDay(terms, ch.viDay, this.cal);
    ch.discountDay = terms.discountPercent > 0 ? this.md.discountDay(terms, ch.viDay, this.cal) : null;
    ch.discountMicros = ch.discountDay !== null ? Math.round(terms.discountPercent * MICROS) : 0;
    ch.cashDiscount = mulDivRound(viNet, ch.discountMicros, MICROS);
    const rt = this.rng.text;
    ch.vendorInvoiceNumber = `INV-${String(rt.int(0, 99_999_999)).padStart(8, '0')}`;
    ch.viUser = this.rng.users.pick(this.finance).userId;
    ch.viTime = this.humanSeconds();
    ch.varianceCostCenter = this.varianceCostCenters.length > 0 ? this.rng.costCenters.pick(this.varianceCostCenters) : null;

    // ---- payments ----
    const rp = this.rng.payment;
    ch.partialPayment = rp.chance(o.partialPaymentRate);
    let early = false;
    if (!ch.partialPayment && ch.discountDay !== null) early = rp.chance(o.earlyPaymentDiscountRate);
    let day: number;
    if (early) {
      day = ch.discountDay! - rp.int(0, 4);
    } else {
      let delay: number;
      if (rp.chance(o.latePaymentRate)) {
        const [lo, hi] = LATE_BUCKETS[rp.weightedIndex(LATE_WEIGHTS)];
        delay = rp.int(lo, hi);
      } else {
        delay = rp.int(-5, 5);
      }
      day = ch.dueDay + delay;
    }
    // A failed match blocks the invoice for U{5..20} days.
    if (!ch.matchPassed) day += rp.int(5, 20);
    ch.payDay[0] = this.roll(day, ch.viDay);
    ch.discountTaken = early && ch.payDay[0] <= ch.discountDay! ? ch.cashDiscount : 0;
    ch.payMethod[0] = PAYMENT_METHODS[rp.weightedIndex(PAYMENT_METHOD_WEIGHTS)];
    if (ch.partialPayment) {
      ch.nPay = 2;
      const payable = ch.viPayable;
      const first = Math.min(payable - 1, Math.max(1, Math.round(payable * rp.uniform(0.50, 0.75))));
      ch.payAmount[0] = first;
      ch.payAmount[1] = payable - first;
      ch.payDay[1] = this.roll(ch.payDay[0] + o.avgDaysUntilRemainder + rp.int(0, 9), ch.payDay[0]);
      ch.payMethod[1] = PAYMENT_METHODS[rp.weightedIndex(PAYMENT_METHOD_WEIGHTS)];
    } else {
      ch.nPay = 1;
      ch.payAmount[0] = ch.viPayable - ch.discountTaken;
    }
    for (let k = 0; k < ch.nPay; k++) {
      ch.payUser[k] = this.rng.users.pick(this.finance).userId;
      ch.payTime[k] = this.humanSeconds();
    }

    // ---- range cut-off (domain.md §6.1) ----
    const end = this.endDay;
    ch.emitGr = 0;
    while (ch.emitGr < ch.nGr && ch.grDay[ch.emitGr] < end) ch.emitGr++;
    ch.emitVi = ch.emitGr === ch.nGr && ch.viDay < end;
    ch.emitPay = 0;
    if (ch.emitVi) while (ch.emitPay < ch.nPay && ch.payDay[ch.emitPay] < end) ch.emitPay++;
  }

  /**
   * Three-way match (domain.md §6.2): tolerances price 5 %, quantity 2 %, absolute 0.01,
   * over-delivery ≤ 10 %; per-line status and the invoice's variance types.
   */
  private threeWayMatch(): void {
    const ch = this.chain;
    const n = ch.nLines;
    let qtyPoGr = false;
    let qtyGrInv = false;
    let pricePoInv = false;
    let expected = 0;
    let invoiced = 0;
    for (let l = 0; l < n; l++) {
      const received = this.recv[l] + (ch.nGr > 1 ? this.recv[MAX_PO_LINES + l] : 0);
      this.lineOverIssue[l] = received * 100 > this.qty[l] * (100 + OVER_DELIVERY_TOLERANCE_PCT) ? 1 : 0;
      if (this.lineOverIssue[l]) qtyPoGr = true;
      const p = this.price[l];
      this.linePriceIssue[l] = Math.abs(this.invPrice[l] - p) * 100 > p * PRICE_TOLERANCE_PCT + ABSOLUTE_TOLERANCE_CENTS * 100 ? 1 : 0;
      if (this.linePriceIssue[l]) pricePoInv = true;
      expected += received * p;
    }
    for (let k = 0; k < ch.nItems; k++) {
      const l = this.itemLine[k];
      const grQty = this.recv[this.itemGr[k] * MAX_PO_LINES + l];
      const q = this.itemQty[k];
      invoiced += q * this.invPrice[l];
      const qtyIssue = Math.abs(q - grQty) * 100 > grQty * QUANTITY_TOLERANCE_PCT;
      if (qtyIssue) qtyGrInv = true;
      this.itemStatus[k] = qtyIssue || this.lineOverIssue[l] ? QUANTITY_VARIANCE : this.linePriceIssue[l] ? PRICE_VARIANCE : MATCHED;
    }
    const totalIssue = Math.abs(invoiced - expected) * 100 > expected * PRICE_TOLERANCE_PCT + ABSOLUTE_TOLERANCE_CENTS * 100;
    const types: string[] = [];
    if (qtyPoGr) types.push('quantity_po_gr');
    if (qtyGrInv) types.push('quantity_gr_invoice');
    if (pricePoInv) types.push('price_po_invoice');
    if (totalIssue) types.push('total_amount');
    ch.matchPassed = types.length === 0;
    ch.matchVarianceTypes = types.length === 0 ? null : types.join(';');
  }

  // ---------------------------------------------------------------------------------------------
  // Emission
  // ---------------------------------------------------------------------------------------------

  private docId(prefix: string, seq: number): string {
    return documentNumber(prefix, this.cc, this.chain.chainNo, seq);
  }

  private jeId(documentId: string): string {
    return deriveUuid(this.seed, this.componentId, this.partition, documentId);
  }

  private reference(srcType: DocumentType, src: string, tgtType: DocumentType, tgt: string, type: ReferenceType, day: number, amount: number): void {
    const o = this.refs;
    const C = o.cols;
    o.next();
    o.str(C.reference_id, deriveUuid(this.seed, this.componentId, this.partition, `${src}|${tgt}|${type}`));
    o.str(C.source_doc_type, srcType);
    o.str(C.source_doc_id, src);
    o.str(C.target_doc_type, tgtType);
    o.str(C.target_doc_id, tgt);
    o.str(C.reference_type, type);
    o.str(C.company_code, this.cc);
    o.num(C.reference_date, day);
    o.num(C.reference_amount, amount);
  }

  /** F and T columns shared by every document header. */
  private fiscal(o: TableAppender, day: number): void {
    const C = o.cols;
    const { year, month } = ymdOf(day);
    o.str(C.company_code, this.cc);
    o.num(C.fiscal_year, year);
    o.num(C.fiscal_period, month);
  }
  private trailer(o: TableAppender, status: string, createdBy: string, createdAt: number, journalEntryId: string | null): void {
    const C = o.cols;
    o.str(C.currency, this.company.currency);
    o.str(C.status, status);
    o.str(C.created_by, createdBy);
    o.num(C.created_at, createdAt);
    if (journalEntryId !== null) o.str(C.journal_entry_id, journalEntryId);
  }

  private emitChain(): void {
    const ch = this.chain;
    const v = ch.vendor;
    const n = ch.nLines;
    const cc = this.cc;
    const plant = `P${cc}`;
    const currency = this.company.currency;

    // ---- purchase order ----
    const poId = this.docId('PO', 1);
    const fullyReceived = ch.emitGr === ch.nGr;
    {
      const o = this.po;
      const C = o.cols;
      o.next();
      o.str(C.po_id, poId);
      this.fiscal(o, ch.poDay);
      o.str(C.vendor_id, v.id);
      o.str(C.vendor_name, v.name);
      o.num(C.po_date, ch.poDay);
      o.str(C.po_type, 'standard');
      o.str(C.purchasing_org, cc);
      o.str(C.purchasing_group, '001');
      o.str(C.payment_terms, v.paymentTerms.code);
      o.num(C.net_amount, ch.poNet);
      o.num(C.tax_amount, ch.poTax);
      o.num(C.gross_amount, ch.poNet + ch.poTax);
      this.trailer(o, fullyReceived ? 'completed' : 'released', ch.poUser, ch.poDay * DAY_S + ch.poTime, null);
    }
    {
      const o = this.poi;
      const C = o.cols;
      for (let l = 0; l < n; l++) {
        const mat = this.lineMat[l];
        o.next();
        o.str(C.po_id, poId);
        o.num(C.line_number, (l + 1) * 10);
        o.str(C.material_id, mat.materialId);
        o.str(C.description, mat.description);
        o.num(C.quantity, this.qty[l]);
        o.str(C.uom, mat.baseUom);
        o.num(C.unit_price, this.price[l]);
        o.num(C.net_amount, this.lineNet[l]);
        o.num(C.tax_amount, this.lineTax[l]);
        o.num(C.gross_amount, this.lineNet[l] + this.lineTax[l]);
        o.str(C.item_category, 'GOODS');
        o.bool(C.gr_based_iv, true);
        o.num(C.delivery_date, ch.deliveryDay);
        o.str(C.plant, plant);
        o.str(C.storage_location, '0001');
      }
    }

    // ---- goods receipts ----
    const grIds: string[] = [];
    for (let g = 0; g < ch.emitGr; g++) {
      const grId = this.docId('GR', g + 1);
      grIds.push(grId);
      const day = ch.grDay[g];
      const createdAt = day * DAY_S + ch.grTime[g];
      const jeId = this.jeId(grId);
      {
        const o = this.gr;
        const C = o.cols;
        o.next();
        o.str(C.gr_id, grId);
        this.fiscal(o, day);
        o.str(C.po_id, poId);
        o.str(C.vendor_id, v.id);
        o.num(C.gr_date, day);
        o.str(C.gr_type, 'purchase_order');
        o.str(C.plant, plant);
        o.str(C.storage_location, '0001');
        o.bool(C.is_partial, ch.nGr > 1);
        o.num(C.total_value, ch.grValue[g]);
        this.trailer(o, 'posted', ch.grUser[g], createdAt, jeId);
      }
      {
        const o = this.gri;
        const C = o.cols;
        let line = 0;
        for (let l = 0; l < n; l++) {
          const q = this.recv[g * MAX_PO_LINES + l];
          if (q <= 0) continue;
          const mat = this.lineMat[l];
          o.next();
          o.str(C.gr_id, grId);
          o.num(C.line_number, ++line * 10);
          o.str(C.po_id, poId);
          o.num(C.po_line_number, (l + 1) * 10);
          o.str(C.material_id, mat.materialId);
          o.num(C.quantity, q);
          o.str(C.uom, mat.baseUom);
          o.num(C.unit_price, this.price[l]);
          o.num(C.net_amount, q * this.price[l]);
          o.str(C.movement_type, 'gr_for_po');
          o.str(C.stock_type, 'unrestricted');
        }
      }
      this.reference('purchase_order', poId, 'goods_receipt', grId, 'follow_on', day, ch.grValue[g]);
      // domain.md §6.5: WE, DR 1200 inventory / CR 2900 GR/IR at received quantity × PO price.
      this.je.add({
        documentId: jeId, companyCode: cc, postingDay: day, documentDay: day, createdAt,
        documentType: 'WE', businessProcess: 'P2P', template: 'p2p_doc_goods_receipt', sourceSystem: 'SAP-MM',
        createdBy: 'SYSTEM', persona: 'automated_system', currency, reference: grId,
        headerText: `Goods Receipt - ${poId}`, sourceDocumentType: 'goods_receipt', sourceDocumentId: grId,
      }, [{ account: '1200', amount: ch.grValue[g] }, { account: '2900', amount: -ch.grValue[g] }]);
    }
    if (!ch.emitVi) return;

    // ---- vendor invoice ----
    const viId = this.docId('VI', 1);
    const viDay = ch.viDay;
    const viCreatedAt = viDay * DAY_S + ch.viTime;
    const viJeId = this.jeId(viId);
    const cleared = ch.emitPay === ch.nPay;
    {
      const o = this.vi;
      const C = o.cols;
      o.next();
      o.str(C.vi_id, viId);
      this.fiscal(o, viDay);
      o.str(C.vendor_id, v.id);
      o.str(C.vendor_invoice_number, ch.vendorInvoiceNumber);
      o.num(C.invoice_date, viDay);
      o.str(C.po_id, poId);
      o.str(C.payment_terms, v.paymentTerms.code);
      o.num(C.due_date, ch.dueDay);
      o.numOrNull(C.discount_due_date, ch.discountDay);
      o.num(C.discount_percent, ch.discountMicros);
      o.num(C.cash_discount_amount, ch.cashDiscount);
      o.num(C.net_amount, ch.viNet);
      o.num(C.tax_amount, ch.viTax);
      o.num(C.gross_amount, ch.viGross);
      o.num(C.withholding_tax_amount, ch.viWithholding);
      o.num(C.payable_amount, ch.viPayable);
      o.num(C.price_variance_amount, ch.viPriceVariance);
      o.bool(C.three_way_match_passed, ch.matchPassed);
      o.str(C.match_variance_types, ch.matchVarianceTypes);
      this.trailer(o, cleared ? 'cleared' : 'posted', ch.viUser, viCreatedAt, viJeId);
    }
    {
      const o = this.vii;
      const C = o.cols;
      for (let k = 0; k < ch.nItems; k++) {
        const l = this.itemLine[k];
        const q = this.itemQty[k];
        const ip = this.invPrice[l];
        o.next();
        o.str(C.vi_id, viId);
        o.num(C.line_number, (k + 1) * 10);
        o.str(C.po_id, poId);
        o.num(C.po_line_number, (l + 1) * 10);
        o.str(C.gr_id, grIds[this.itemGr[k]]);
        o.str(C.material_id, this.lineMat[l].materialId);
        o.num(C.quantity, q);
        o.num(C.unit_price, ip);
        o.num(C.po_unit_price, this.price[l]);
        o.num(C.net_amount, q * ip);
        o.num(C.price_variance, q * (ip - this.price[l]));
        o.str(C.match_status, MATCH_STATUS[this.itemStatus[k]]);
      }
    }
    for (let g = 0; g < grIds.length; g++) this.reference('goods_receipt', grIds[g], 'vendor_invoice', viId, 'follow_on', viDay, ch.viGross);
    this.reference('purchase_order', poId, 'vendor_invoice', viId, 'follow_on', viDay, ch.viGross);
    // domain.md §6.5: KR, DR 2900 at PO price, DR 5400 price variance (negative → credit),
    // DR 1160 input tax / CR 2000 payable (vendor), CR 2120 withholding.
    this.je.add({
      documentId: viJeId, companyCode: cc, postingDay: viDay, documentDay: viDay, createdAt: viCreatedAt,
      documentType: 'KR', businessProcess: 'P2P', template: 'p2p_doc_vendor_invoice', sourceSystem: 'SAP-MM',
      createdBy: 'SYSTEM', persona: 'automated_system', currency, reference: ch.vendorInvoiceNumber,
      headerText: `Vendor Invoice - ${v.name}`, sourceDocumentType: 'vendor_invoice', sourceDocumentId: viId,
    }, [
      { account: '2900', amount: ch.viNet - ch.viPriceVariance },
      { account: '5400', amount: ch.viPriceVariance, costCenter: ch.varianceCostCenter },
      { account: '1160', amount: ch.viTax },
      { account: '2000', amount: -ch.viPayable, vendorId: v.id },
      { account: '2120', amount: -ch.viWithholding },
    ]);

    // ---- payments ----
    let firstPayId: string | null = null;
    for (let k = 0; k < ch.emitPay; k++) {
      const payId = this.docId('PAY', k + 1);
      const day = ch.payDay[k];
      const valueDay = this.cal.nextBusinessDay(day + 1);
      const createdAt = day * DAY_S + ch.payTime[k];
      const jeId = this.jeId(payId);
      const amount = ch.payAmount[k];
      const discount = k === 0 ? ch.discountTaken : 0;
      {
        const o = this.pay;
        const C = o.cols;
        o.next();
        o.str(C.payment_id, payId);
        this.fiscal(o, day);
        o.str(C.vendor_id, v.id);
        o.str(C.vi_id, viId);
        o.num(C.payment_date, day);
        o.num(C.value_date, valueDay);
        o.str(C.payment_method, ch.payMethod[k]);
        o.num(C.amount, amount);
        o.num(C.discount_taken, discount);
        o.bool(C.is_partial, ch.nPay > 1);
        o.str(C.parent_payment_id, k > 0 ? firstPayId : null);
        this.trailer(o, 'posted', ch.payUser[k], createdAt, jeId);
      }
      this.reference('vendor_invoice', viId, 'ap_payment', payId, 'payment', day, amount);
      if (k > 0) this.reference('ap_payment', firstPayId!, 'ap_payment', payId, 'partial', day, amount);
      // domain.md §6.5: KZ, DR 2000 settled (vendor) / CR 1000 paid, CR 7400 discount taken.
      this.je.add({
        documentId: jeId, companyCode: cc, postingDay: day, documentDay: day, createdAt,
        documentType: 'KZ', businessProcess: 'P2P', template: 'p2p_doc_payment', sourceSystem: 'SAP-MM',
        createdBy: 'SYSTEM', persona: 'automated_system', currency, reference: payId,
        headerText: `Vendor Payment - ${v.name}`, sourceDocumentType: 'ap_payment', sourceDocumentId: payId,
        valueDay,
      }, [
        { account: '2000', amount: amount + discount, vendorId: v.id },
        { account: '1000', amount: -amount },
        { account: '7400', amount: -discount },
      ]);
      if (k === 0) firstPayId = payId;
    }
  }
}

/** The planned facts of one chain (reused across chains). */
class ChainState {
  chainNo = 0;
  poDay = 0;
  vendor!: VendorMaster;
  nLines = 0;
  poNet = 0;
  poTax = 0;
  deliveryDay = 0;
  poUser = '';
  poTime = 0;
  splitDelivery = false;
  overDelivered = false;
  nGr = 1;
  readonly grDay = new Int32Array(2);
  readonly grValue = new Float64Array(2);
  readonly grUser: string[] = ['', ''];
  readonly grTime = new Int32Array(2);
  nItems = 0;
  exception = false;
  matchPassed = true;
  matchVarianceTypes: string | null = null;
  viDay = 0;
  viNet = 0;
  viTax = 0;
  viGross = 0;
  viWithholding = 0;
  viPayable = 0;
  viPriceVariance = 0;
  dueDay = 0;
  discountDay: number | null = null;
  discountMicros = 0;
  cashDiscount = 0;
  vendorInvoiceNumber = '';
  viUser = '';
  viTime = 0;
  varianceCostCenter: string | null = null;
  partialPayment = false;
  discountTaken = 0;
  nPay = 1;
  readonly payDay = new Int32Array(2);
  readonly payAmount = new Float64Array(2);
  readonly payMethod: string[] = ['', ''];
  readonly payUser: string[] = ['', ''];
  readonly payTime = new Int32Array(2);
  /** How many of the chain's receipts / payments lie in range, and whether the invoice does (§6.1 cut-off). */
  emitGr = 0;
  emitVi = false;
  emitPay = 0;
}
