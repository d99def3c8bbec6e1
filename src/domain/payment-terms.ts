/**
 * Payment terms (domain.md §4.3): the 14 codes with their nominal days, discounts and display codes, the
 * vendor / customer term mixes (§4.1, §4.2), and due / discount dates rolled forward to a business day.
 */
import { WeightedChoice } from '../random/rng.js';
import { daysInMonth, dayFromYmd, ymdOf } from './dates.js';
import type { CompanyCalendar } from './types.js';
import type { PaymentTerms, PaymentTermsCode } from './master-types.js';

const term = (code: PaymentTermsCode, display: string, days: number, discountPercent = 0, discountDays = 0, endOfMonth = false): PaymentTerms =>
  Object.freeze({ code, display, days, discountPercent, discountDays, endOfMonth });

/** domain.md §4.3, in the table's order. */
export const PAYMENT_TERMS: Readonly<Record<PaymentTermsCode, PaymentTerms>> = Object.freeze({
  immediate: term('immediate', 'IMM', 0),
  net10: term('net10', 'N10', 10),
  net15: term('net15', 'N15', 15),
  net30: term('net30', 'N30', 30),
  net45: term('net45', 'N45', 45),
  net60: term('net60', 'N60', 60),
  net90: term('net90', 'N90', 90),
  two_ten_net30: term('two_ten_net30', '2/10N30', 30, 0.02, 10),
  one_ten_net30: term('one_ten_net30', '1/10N30', 30, 0.01, 10),
  two_fifteen_net45: term('two_fifteen_net45', '2/15N45', 45, 0.02, 15),
  end_of_month: term('end_of_month', 'EOM', 0, 0, 0, true),
  end_of_month_plus30: term('end_of_month_plus30', 'EOM30', 30, 0, 0, true),
  cash_on_delivery: term('cash_on_delivery', 'COD', 0),
  prepayment: term('prepayment', 'PREP', 0),
});

/** The terms of a code. @example paymentTerms('two_ten_net30').discountPercent // 0.02 */
export function paymentTerms(code: PaymentTermsCode): PaymentTerms {
  return PAYMENT_TERMS[code];
}

/** domain.md §4.1 vendor mix. */
export const VENDOR_TERMS_CHOICE = new WeightedChoice<PaymentTerms>([
  [PAYMENT_TERMS.net30, 0.40], [PAYMENT_TERMS.net60, 0.20], [PAYMENT_TERMS.two_ten_net30, 0.25], [PAYMENT_TERMS.net15, 0.10],
  [PAYMENT_TERMS.immediate, 0.05],
]);

/** domain.md §4.2 customer mix. */
export const CUSTOMER_TERMS_CHOICE = new WeightedChoice<PaymentTerms>([
  [PAYMENT_TERMS.net30, 0.50], [PAYMENT_TERMS.net60, 0.20], [PAYMENT_TERMS.two_ten_net30, 0.20], [PAYMENT_TERMS.net15, 0.05],
  [PAYMENT_TERMS.immediate, 0.05],
]);

/** Last calendar day of the month of `day`. */
function monthEnd(day: number): number {
  const { year, month } = ymdOf(day);
  return dayFromYmd(year, month, daysInMonth(year, month));
}

/**
 * Due day of an invoice dated `invoiceDay` (domain.md §4.3): invoice day + nominal days, or the last day of the
 * invoice month (+ 30 d for EOM30), rolled forward to the next business day of `calendar`.
 *
 * @example
 * dueDay(PAYMENT_TERMS.net30, parseDate('2025-01-15'), usCalendar); // 2025-02-14 (a Friday)
 */
export function dueDay(terms: PaymentTerms, invoiceDay: number, calendar: CompanyCalendar): number {
  const base = terms.endOfMonth ? monthEnd(invoiceDay) + terms.days : invoiceDay + terms.days;
  return calendar.nextBusinessDay(base);
}

/** Last day of the discount window rolled forward to a business day, or null without a discount (domain.md §4.3). */
export function discountDay(terms: PaymentTerms, invoiceDay: number, calendar: CompanyCalendar): number | null {
  if (terms.discountPercent <= 0 || terms.discountDays <= 0) return null;
  return calendar.nextBusinessDay(invoiceDay + terms.discountDays);
}
