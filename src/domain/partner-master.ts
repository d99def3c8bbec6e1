/**
 * Full vendor and customer master records (domain.md §4.1, §4.2) on top of the identities of partners.ts.
 * The identity streams (`'vendors'`, `'customers'`) stay untouched — JE generation picks partners from them —
 * and every added attribute comes from its own stream `Rng.for(seed, '@reference', 0, '<entity>.<purpose>', cc)`,
 * one draw sequence per record, so adding an attribute never shifts another (domain.md D4).
 */
import { Rng, WeightedChoice } from '../random/rng.js';
import type { Company, FxTable } from './types.js';
import type { CustomerRecord, VendorRecord } from './partners.js';
import type { SpendCategory } from './names.js';
import type {
  CreditRating, CustomerMaster, CustomerPaymentBehavior, VendorBankAccount, VendorBehavior, VendorMaster,
} from './master-types.js';
import { CUSTOMER_TERMS_CHOICE, VENDOR_TERMS_CHOICE } from './payment-terms.js';

/** domain.md §4.1: vendor_type from spend_category. */
export const VENDOR_TYPE_OF: Readonly<Record<SpendCategory, string>> = Object.freeze({
  raw_materials: 'supplier', office_supplies: 'supplier', it_services: 'technology', telecommunications: 'technology',
  professional_services: 'professional_services', logistics: 'logistics', utilities: 'utility', marketing: 'service_provider',
  travel: 'service_provider', facilities: 'real_estate', staffing: 'contractor',
});

/** domain.md §4.1 behaviours with their grace days. */
export const VENDOR_BEHAVIOR_GRACE: Readonly<Record<VendorBehavior, number>> = Object.freeze({
  flexible: 7, strict: 0, very_flexible: 30, aggressive: 0,
});
const vendorBehaviorChoice = new WeightedChoice<VendorBehavior>([
  ['flexible', 0.60], ['strict', 0.25], ['very_flexible', 0.10], ['aggressive', 0.05],
]);

/** domain.md §4.2 credit ratings with their limit bands (group-currency units). */
export const CREDIT_BANDS: ReadonlyArray<readonly [CreditRating, number, number, number]> = Object.freeze([
  ['AAA', 0.05, 1_000_000, 10_000_000], ['AA', 0.10, 500_000, 2_000_000], ['A', 0.25, 250_000, 1_000_000],
  ['BBB', 0.30, 100_000, 500_000], ['BB', 0.15, 50_000, 250_000], ['B', 0.10, 25_000, 100_000],
  ['CCC', 0.04, 10_000, 50_000], ['D', 0.01, 0, 10_000],
]);
const ratingChoice = new WeightedChoice<number>(CREDIT_BANDS.map(([, w], i) => [i, w] as const));

const customerBehaviorChoice = new WeightedChoice<CustomerPaymentBehavior>([
  ['early_payer', 0.15], ['on_time', 0.45], ['slightly_late', 0.25], ['often_late', 0.10], ['high_risk', 0.05],
]);
/** domain.md §4.2 discount-take probability per behaviour (used by O2C receipts, §6.3). */
export const DISCOUNT_TAKE_PROBABILITY: Readonly<Record<CustomerPaymentBehavior, number>> = Object.freeze({
  early_payer: 0.80, on_time: 0.50, slightly_late: 0.20, often_late: 0.05, high_risk: 0.01,
});

/** Bank names for vendor bank accounts (engine resource). */
export const BANK_NAMES: readonly string[] = Object.freeze([
  'First National Bank', 'Commerce Trust Bank', 'Metropolitan Savings Bank', 'Union Merchant Bank', 'Harbor Bank',
  'Continental Commercial Bank', 'Pioneer State Bank', 'Atlas Banking Corporation', 'Meridian Bank', 'Keystone Bank',
  'Riverside Credit Bank', 'Global Trade Bank',
]);

const SECOND_BANK_ACCOUNT_SHARE = 0.2;
const digits = (rng: Rng, n: number): string => {
  let s = '';
  for (let i = 0; i < n; i++) s += String(rng.int(0, 9));
  return s;
};
/** `NN-NNNNNNN` (domain.md §4.1). */
const taxId = (rng: Rng): string => `${digits(rng, 2)}-${digits(rng, 7)}`;
const cents = (units: number): number => units * 100;

/**
 * Full vendor records of a company, in id order (identities from `records`).
 *
 * @example
 * const vendors = buildVendorMasters(company, ref.vendorRecordsOf(company.code), ref.fx, ref.seed);
 * vendors[0].paymentTerms.code; // e.g. 'net30'
 */
export function buildVendorMasters(company: Company, records: readonly VendorRecord[], fx: FxTable, seed: bigint): VendorMaster[] {
  const cc = company.code;
  const termsRng = Rng.for(seed, '@reference', 0, 'vendors.terms', cc);
  const behaviorRng = Rng.for(seed, '@reference', 0, 'vendors.behavior', cc);
  const taxRng = Rng.for(seed, '@reference', 0, 'vendors.tax_id', cc);
  const bankRng = Rng.for(seed, '@reference', 0, 'vendors.bank', cc);
  const amountMin = fx.groupToLocalAtReference(cents(100), company.currency);
  const amountMax = fx.groupToLocalAtReference(cents(10_000), company.currency);
  return records.map((r) => {
    const paymentTerms = VENDOR_TERMS_CHOICE.sample(termsRng);
    const behavior = vendorBehaviorChoice.sample(behaviorRng);
    const nAccounts = bankRng.chance(SECOND_BANK_ACCOUNT_SHARE) ? 2 : 1;
    const bankAccounts: VendorBankAccount[] = [];
    for (let k = 1; k <= nAccounts; k++) {
      bankAccounts.push(Object.freeze({
        seq: k,
        bankName: bankRng.pick(BANK_NAMES),
        bankCountry: company.country,
        accountNumber: digits(bankRng, 10),
        routingCode: digits(bankRng, 9),
        holderName: `Vendor ${r.id}`,
        isPrimary: k === 1,
      }));
    }
    return Object.freeze({
      ...r,
      vendorType: VENDOR_TYPE_OF[r.spendCategory],
      country: company.country,
      currency: company.currency,
      paymentTerms,
      behavior,
      graceDays: VENDOR_BEHAVIOR_GRACE[behavior],
      taxId: taxId(taxRng),
      reconciliationAccount: '2000',
      withholdingTaxApplicable: false,
      withholdingTaxRate: 0,
      isOneTime: false,
      purchasingOrg: cc,
      typicalAmountMin: amountMin,
      typicalAmountMax: amountMax,
      bankAccounts: Object.freeze(bankAccounts),
    });
  });
}

/**
 * Full customer records of a company, in id order. Intercompany customers are AAA / early_payer /
 * `customer_type` intercompany (domain.md §4.2); the rating is still drawn for them so the stream stays aligned.
 *
 * @example
 * buildCustomerMasters(company, ref.customerRecordsOf(company.code), ref.fx, ref.seed)
 *   .filter((c) => c.creditBlocked).every((c) => c.creditRating === 'D'); // true
 */
export function buildCustomerMasters(company: Company, records: readonly CustomerRecord[], fx: FxTable, seed: bigint): CustomerMaster[] {
  const cc = company.code;
  const creditRng = Rng.for(seed, '@reference', 0, 'customers.credit', cc);
  const behaviorRng = Rng.for(seed, '@reference', 0, 'customers.behavior', cc);
  const termsRng = Rng.for(seed, '@reference', 0, 'customers.terms', cc);
  const taxRng = Rng.for(seed, '@reference', 0, 'customers.tax_id', cc);
  const orderMin = fx.groupToLocalAtReference(cents(500), company.currency);
  const orderMax = fx.groupToLocalAtReference(cents(50_000), company.currency);
  return records.map((r) => {
    // Always two draws per record on the credit stream (band, limit), IC or not.
    let band = CREDIT_BANDS[ratingChoice.sample(creditRng)];
    const u = creditRng.float();
    let behavior = customerBehaviorChoice.sample(behaviorRng);
    if (r.isIntercompany) {
      band = CREDIT_BANDS[0];
      behavior = 'early_payer';
    }
    const [rating, , lo, hi] = band;
    // Uniform in the band, whole group-currency units (domain.md §4.2), converted at the reference rate.
    const limitUnits = Math.min(hi, lo + Math.floor(u * (hi - lo + 1)));
    const blocked = rating === 'D';
    return Object.freeze({
      ...r,
      customerType: r.isIntercompany ? 'intercompany' as const : 'corporate' as const,
      country: company.country,
      currency: company.currency,
      creditRating: rating,
      creditLimit: fx.groupToLocalAtReference(cents(limitUnits), company.currency),
      creditExposure: 0,
      creditBlocked: blocked,
      creditBlockReason: blocked ? 'rating_d' : null,
      paymentTerms: CUSTOMER_TERMS_CHOICE.sample(termsRng),
      paymentBehavior: behavior,
      discountTakeProbability: DISCOUNT_TAKE_PROBABILITY[behavior],
      reconciliationAccount: '1100',
      salesOrg: cc,
      distributionChannel: '10',
      taxId: taxId(taxRng),
      typicalOrderMin: orderMin,
      typicalOrderMax: orderMax,
    });
  });
}
