/**
 * Column-wise primitives on one journal entry inside a `journal_entry_lines` batch (rows
 * [s, s + n)): amounts with rebalancing and scaling (domain.md §5.3), group amounts with the
 * residual rule (§3.2), posting-date changes that recompute every dependent field (§8.3) and
 * account changes. No per-line objects: scratch arrays are reused.
 */
import type { JelColumns } from '../../sources/journal-entries/generator.js';
import { formatCents, formatTime } from '../../sources/journal-entries/generator.js';
import { hash } from 'node:crypto';
import type { CompanyCalendar, ReferenceData } from '../../domain/types.js';
import type { AccountTable } from '../../sources/journal-entries/context.js';
import { localToGroupCents } from '../../domain/money.js';
import { formatDate, ymdOf } from '../../domain/dates.js';
import { splitLargestRemainder } from '../../random/distributions.js';

const DAY_S = 86_400;

export class EntryOps {
  private weights = new Float64Array(64);
  private parts = new Float64Array(64);
  private rows = new Int32Array(64);
  private readonly lastMonthStart: number;

  constructor(readonly o: JelColumns, readonly ref: ReferenceData, readonly accounts: AccountTable) {
    this.lastMonthStart = ref.period.monthStart[ref.period.months - 1];
  }

  private ensure(n: number): void {
    if (this.weights.length >= n) return;
    const size = Math.max(n, this.weights.length * 2);
    this.weights = new Float64Array(size);
    this.parts = new Float64Array(size);
    this.rows = new Int32Array(size);
  }

  isDebit(r: number): boolean {
    return this.o.debit[r] > 0;
  }
  amount(r: number): number {
    const d = this.o.debit[r];
    return d > 0 ? d : this.o.credit[r];
  }
  /** Σ debit amounts (= the entry total of a balanced entry). */
  debitTotal(s: number, n: number): number {
    let t = 0;
    for (let r = s; r < s + n; r++) t += this.o.debit[r];
    return t;
  }
  creditTotal(s: number, n: number): number {
    let t = 0;
    for (let r = s; r < s + n; r++) t += this.o.credit[r];
    return t;
  }
  countSide(s: number, n: number, debit: boolean): number {
    let k = 0;
    for (let r = s; r < s + n; r++) if (this.isDebit(r) === debit) k++;
    return k;
  }
  /** Row of the first line on a side, or -1. */
  firstOfSide(s: number, n: number, debit: boolean): number {
    for (let r = s; r < s + n; r++) if (this.isDebit(r) === debit) return r;
    return -1;
  }

  /** Sets one line's amount on a side; debit/credit/local follow (group amounts: call group()). */
  setAmount(r: number, cents: number, debit: boolean): void {
    const o = this.o;
    if (debit) {
      o.debit[r] = cents;
      o.credit[r] = 0;
      o.local[r] = cents;
    } else {
      o.debit[r] = 0;
      o.credit[r] = cents;
      o.local[r] = -cents;
    }
  }

  /** Re-splits one side ∝ its current amounts to `total` (largest remainder, ≥ 1 cent a line; domain.md §5.3). */
  resplitSide(s: number, n: number, debit: boolean, total: number): void {
    this.ensure(n);
    let k = 0;
    for (let r = s; r < s + n; r++) {
      if (this.isDebit(r) !== debit) continue;
      this.rows[k] = r;
      this.weights[k] = this.amount(r);
      k++;
    }
    if (k === 0) return;
    splitLargestRemainder(Math.max(total, k), k, this.weights, 0, this.parts, 0);
    for (let i = 0; i < k; i++) this.setAmount(this.rows[i], this.parts[i], debit);
  }

  /** Scales the entry to a new total: both sides re-split proportionally, then group amounts. */
  scaleTo(s: number, n: number, total: number): number {
    const minTotal = Math.max(this.countSide(s, n, true), this.countSide(s, n, false));
    const t = Math.max(Math.round(total), minTotal);
    this.resplitSide(s, n, true, t);
    this.resplitSide(s, n, false, t);
    this.group(s, n);
    return t;
  }

  /** After a one-sided change: the other side is re-split to the changed side's total. */
  rebalance(s: number, n: number, changedDebit: boolean): void {
    const t = changedDebit ? this.debitTotal(s, n) : this.creditTotal(s, n);
    this.resplitSide(s, n, !changedDebit, t);
    this.group(s, n);
  }

  /** group_amount = round(local × rate); balanced entries put the residual on the largest line (domain.md §3.2). */
  group(s: number, n: number): void {
    const o = this.o;
    const rate = o.exchangeRate[s];
    let sumLocal = 0;
    let sumGroup = 0;
    let big = s;
    for (let r = s; r < s + n; r++) {
      const g = rate === 1_000_000 ? o.local[r] : localToGroupCents(o.local[r], rate);
      o.group[r] = g;
      sumLocal += o.local[r];
      sumGroup += g;
      if (Math.abs(o.local[r]) > Math.abs(o.local[big])) big = r;
    }
    if (sumLocal === 0 && sumGroup !== 0) o.group[big] -= sumGroup;
  }

  /** Σ positive group amounts (the entry's group-currency total). */
  groupTotal(s: number, n: number): number {
    let t = 0;
    for (let r = s; r < s + n; r++) if (this.o.group[r] > 0) t += this.o.group[r];
    return t;
  }

  /** Sets a header column on every line. */
  header<T>(col: ArrayLike<T> & { [i: number]: T }, s: number, n: number, value: T): void {
    for (let r = s; r < s + n; r++) col[r] = value;
  }

  /**
   * Moves the posting date and recomputes fiscal fields, is_post_close, the rate, value dates,
   * auto-approval dates and group amounts (domain.md §8.3). `moveCreated` shifts created_at by
   * the same number of days.
   */
  setPostingDate(s: number, n: number, day: number, moveCreated: boolean): void {
    const o = this.o;
    const old = o.postingDate[s];
    const { year, month, day: dom } = ymdOf(day);
    const postClose = day >= this.lastMonthStart && dom > 25 ? 1 : 0;
    const rate = this.ref.fx.rateMicros(o.currency[s]!, day);
    const auto = o.approvalStatus[s] === 'auto_approved';
    for (let r = s; r < s + n; r++) {
      o.postingDate[r] = day;
      o.fiscalYear[r] = year;
      o.fiscalPeriod[r] = month;
      o.isPostClose[r] = postClose;
      o.exchangeRate[r] = rate;
      if (o.valueDateNull[r] === 0) o.valueDate[r] = day;
      if (moveCreated) o.createdAt[r] += (day - old) * DAY_S;
      if (auto) o.approvalDate[r] = day;
    }
    this.group(s, n);
  }

  /** Changes a line's account: description, cost center per requirement, value date, partner fields. */
  setAccount(r: number, accountIndex: number, costCenterIfNeeded: string | null): void {
    const o = this.o;
    const a = this.accounts;
    o.glAccount[r] = a.number[accountIndex];
    o.accountDescription[r] = a.description[accountIndex];
    if (a.requiresCostCenter[accountIndex]) {
      if (o.costCenter[r] === null) o.costCenter[r] = costCenterIfNeeded;
    } else o.costCenter[r] = null;
    if (a.hasValueDate[accountIndex]) {
      o.valueDate[r] = o.postingDate[r];
      o.valueDateNull[r] = 0;
    } else {
      o.valueDate[r] = 0;
      o.valueDateNull[r] = 1;
    }
    if (a.partnerKind[accountIndex] !== 2) o.vendorId[r] = null;
    if (a.partnerKind[accountIndex] !== 1) o.customerId[r] = null;
  }
}

/**
 * Shifts `day` by `delta` days inside [start, end); on leaving the range the opposite direction
 * is used; with `business`, the result rolls in the shift's direction to a business day
 * (domain.md §8.3). Returns -1 when neither direction works.
 *
 * @example
 * shiftDay(cal, day, 32, true, start, end); // a business day 32+ days later, or earlier
 */
export function shiftDay(cal: CompanyCalendar, day: number, delta: number, business: boolean, start: number, end: number): number {
  const attempt = (d: number): number => {
    const dir = d >= 0 ? 1 : -1;
    let x = day + d;
    if (business) while (x >= start && x < end && !cal.isBusinessDay(x)) x += dir;
    return x >= start && x < end && x !== day ? x : -1;
  };
  const a = attempt(delta);
  return a >= 0 ? a : attempt(-delta);
}

/**
 * SHA-256 of the canonical JSON of the entry at rows [s, s + n) (same fields as the journal_entries
 * generator's hash, domain.md §8.4 original_document_hash).
 *
 * @example
 * entryHash(jelColumns(batch), 0, 2); // '3f1c…' (64 hex digits)
 */
export function entryHash(o: JelColumns, s: number, n: number): string {
  // The canonical JSON (RFC 8785: keys sorted, JSON.stringify strings) written straight into bytes:
  // the same bytes as canonicalHash({ document_id, …, lines }) without building objects or strings.
  const w = canonicalWriter.reset();
  w.raw('{"business_process":').str(o.businessProcess[s]).raw(',"company_code":').str(o.companyCode[s])
    .raw(',"created_at":').str(formatTime(o.createdAt[s])).raw(',"created_by":').str(o.createdBy[s])
    .raw(',"currency":').str(o.currency[s]).raw(',"document_date":').str(formatDate(o.documentDate[s]))
    .raw(',"document_id":').str(o.documentId[s]).raw(',"header_text":').str(o.headerText[s]).raw(',"lines":[');
  for (let r = s; r < s + n; r++) {
    w.raw(r > s ? ',{"cost_center":' : '{"cost_center":').str(o.costCenter[r])
      .raw(',"credit_amount":').str(formatCents(o.credit[r])).raw(',"debit_amount":').str(formatCents(o.debit[r]))
      .raw(',"gl_account":').str(o.glAccount[r]).raw(',"line_number":').raw(String(o.lineNumber[r])).raw('}');
  }
  w.raw('],"posting_date":').str(formatDate(o.postingDate[s])).raw(',"reference":').str(o.reference[s])
    .raw(',"source":').str(o.source[s]).raw(',"transaction_template":').str(o.transactionTemplate[s]).raw('}');
  return hash('sha256', w.bytes(), 'hex');
}

/**
 * Canonical JSON into a reused byte buffer: `raw` copies ASCII as is, `str` writes a JSON string
 * (or null) exactly as JSON.stringify spells it — plain printable ASCII byte by byte, anything
 * else through JSON.stringify.
 */
class CanonicalWriter {
  private buf = Buffer.allocUnsafe(16 * 1024);
  private pos = 0;

  reset(): this {
    this.pos = 0;
    return this;
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  raw(t: string): this {
    this.room(t.length);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < t.length; i++) b[p++] = t.charCodeAt(i);
    this.pos = p;
    return this;
  }

  str(v: string | null): this {
    if (v === null) return this.raw('null');
    const n = v.length;
    this.room(n + 2);
    const b = this.buf;
    let p = this.pos;
    b[p++] = 34;
    for (let i = 0; i < n; i++) {
      const c = v.charCodeAt(i);
      // Printable ASCII other than " and \ is written as is by JSON.stringify.
      if (c < 0x20 || c > 0x7e || c === 34 || c === 92) return this.escaped(v);
      b[p++] = c;
    }
    b[p++] = 34;
    this.pos = p;
    return this;
  }

  private escaped(v: string): this {
    const t = JSON.stringify(v);
    const len = Buffer.byteLength(t, 'utf8');
    this.room(len);
    this.pos += this.buf.write(t, this.pos, 'utf8');
    return this;
  }

  bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

const canonicalWriter = new CanonicalWriter();

