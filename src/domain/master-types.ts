/**
 * Full master data (domain.md §4) as the document flows and the master-data sources use it.
 * Built by `masterData(ctx)` (src/domain/master-data.ts) from (config, seed) alone, memoized per
 * ReferenceData object, so every process (worker, shard) regenerates identical records in memory.
 *
 * Money is integer cents in the COMPANY currency (group-currency parameters converted at the
 * reference rate, domain.md §0.1); rates and percentages are fractions; days are day numbers
 * (days since 1970-01-01).
 */
import type { CustomerRecord, VendorRecord } from './partners.js';
import type { EmployeeDepartment, EmployeeIdentity } from './employees.js';
import type { FixedAssetIdentity } from './fixed-assets.js';
import type { CompanyCalendar } from './types.js';

export type PaymentTermsCode =
  | 'immediate' | 'net10' | 'net15' | 'net30' | 'net45' | 'net60' | 'net90'
  | 'two_ten_net30' | 'one_ten_net30' | 'two_fifteen_net45'
  | 'end_of_month' | 'end_of_month_plus30' | 'cash_on_delivery' | 'prepayment';

/** domain.md §4.3. */
export interface PaymentTerms {
  readonly code: PaymentTermsCode;
  /** IMM, N30, 2/10N30, EOM … */
  readonly display: string;
  /** Nominal days (`payment_terms_days`): net30 = 30, end_of_month = 0, end_of_month_plus30 = 30. */
  readonly days: number;
  /** Discount as a fraction (0.02) or 0. */
  readonly discountPercent: number;
  /** Days of the discount window, or 0 when no discount. */
  readonly discountDays: number;
  /** Due counts from the last day of the invoice month. */
  readonly endOfMonth: boolean;
}

export type VendorBehavior = 'flexible' | 'strict' | 'very_flexible' | 'aggressive';

export interface VendorBankAccount {
  /** 1-based. */
  readonly seq: number;
  readonly bankName: string;
  readonly bankCountry: string;
  readonly accountNumber: string;
  readonly routingCode: string;
  readonly holderName: string;
  readonly isPrimary: boolean;
}

export interface VendorMaster extends VendorRecord {
  readonly vendorType: string;
  readonly country: string;
  readonly currency: string;
  readonly paymentTerms: PaymentTerms;
  readonly behavior: VendorBehavior;
  /** Grace days of the behaviour (flexible 7, strict 0, very_flexible 30, aggressive 0). */
  readonly graceDays: number;
  readonly taxId: string;
  readonly reconciliationAccount: string;
  readonly withholdingTaxApplicable: boolean;
  readonly withholdingTaxRate: number;
  readonly isOneTime: boolean;
  readonly purchasingOrg: string;
  readonly typicalAmountMin: number;
  readonly typicalAmountMax: number;
  readonly bankAccounts: readonly VendorBankAccount[];
}

export type CreditRating = 'AAA' | 'AA' | 'A' | 'BBB' | 'BB' | 'B' | 'CCC' | 'D';
export type CustomerPaymentBehavior = 'early_payer' | 'on_time' | 'slightly_late' | 'often_late' | 'high_risk';

export interface CustomerMaster extends CustomerRecord {
  readonly customerType: 'corporate' | 'intercompany';
  readonly country: string;
  readonly currency: string;
  readonly creditRating: CreditRating;
  /** Company-currency cents. */
  readonly creditLimit: number;
  /** Company-currency cents (0 at the start of the range). */
  readonly creditExposure: number;
  readonly creditBlocked: boolean;
  readonly creditBlockReason: string | null;
  readonly paymentTerms: PaymentTerms;
  readonly paymentBehavior: CustomerPaymentBehavior;
  /** domain.md §4.2 discount-take probability of the behaviour. */
  readonly discountTakeProbability: number;
  readonly reconciliationAccount: string;
  readonly salesOrg: string;
  readonly distributionChannel: string;
  readonly taxId: string;
  readonly typicalOrderMin: number;
  readonly typicalOrderMax: number;
}

export type MaterialType = 'raw_material' | 'finished_good' | 'semi_finished' | 'trading_good' | 'operating_supplies' | 'packaging';

export interface MaterialMaster {
  /** Position within the company (0-based). */
  readonly index: number;
  /** `MAT-{n:06}`, n = company_index × count + i + 1. */
  readonly materialId: string;
  readonly companyCode: string;
  readonly description: string;
  readonly materialType: MaterialType;
  /** `EA` (operating_supplies `H`). */
  readonly baseUom: string;
  readonly valuationMethod: 'standard_cost' | 'moving_average' | 'fifo' | 'lifo';
  /** Company-currency cents. */
  readonly standardCost: number;
  readonly listPrice: number;
  readonly purchasePrice: number;
  readonly inventoryAccount: string;
  readonly cogsAccount: string;
  readonly revenueAccount: string;
  readonly purchaseExpenseAccount: string;
  readonly priceDifferenceAccount: string;
  readonly grIrAccount: string;
  readonly hasBom: boolean;
  readonly safetyStock: number;
  readonly reorderPoint: number;
  readonly preferredVendorId: string | null;
  /** `P{cc}`. */
  readonly plant: string;
  readonly isActive: boolean;
}

export type JobLevel = 'staff' | 'senior' | 'manager' | 'director' | 'vice_president' | 'executive';

export interface EmployeeMaster extends EmployeeIdentity {
  readonly jobLevel: JobLevel;
  readonly jobTitle: string;
  /** `first.last@{email_domain}` (ASCII-folded, lower-case; a repeated name gets 2, 3 … after last). */
  readonly email: string;
  readonly costCenterId: string;
  readonly status: 'active' | 'on_leave' | 'terminated';
  readonly hireDate: number;
  readonly terminationDate: number | null;
  /** Group-currency cents converted to company-currency cents at the reference rate. */
  readonly approvalLimit: number;
  readonly canApprovePo: boolean;
  readonly canApproveInvoice: boolean;
  readonly canApproveJe: boolean;
  readonly canReleasePayment: boolean;
  /** Company-currency cents per year. */
  readonly baseSalary: number;
  readonly location: string;
}

export interface FixedAssetMaster extends FixedAssetIdentity {
  readonly acquisitionDate: number;
  readonly acquisitionCost: number;
  readonly salvageValue: number;
  readonly usefulLifeMonths: number;
  readonly depreciationMethod: 'straight_line' | 'double_declining' | 'macrs' | 'sum_of_years';
  readonly accumulatedDepreciation: number;
  readonly netBookValue: number;
  readonly status: 'active' | 'fully_depreciated' | 'disposed';
  readonly costCenterId: string;
}

/** The master data of one company, in id order, plus the pools normal generation picks from. */
export interface CompanyMaster {
  readonly companyCode: string;
  /** All vendors incl. intercompany, reserve and shell (id order). */
  readonly vendors: readonly VendorMaster[];
  readonly customers: readonly CustomerMaster[];
  readonly materials: readonly MaterialMaster[];
  readonly employees: readonly EmployeeMaster[];
  readonly fixedAssets: readonly FixedAssetMaster[];
  /** P2P chain vendors: active, non-reserve, non-shell, non-intercompany (domain.md §6.2). */
  readonly p2pVendors: readonly VendorMaster[];
  /** O2C chain customers: active, non-reserve, non-intercompany (domain.md §6.3; blocked ones included — the credit check ends them). */
  readonly o2cCustomers: readonly CustomerMaster[];
  /** raw_material, semi_finished, trading_good, operating_supplies, packaging (domain.md §4.4). */
  readonly p2pMaterials: readonly MaterialMaster[];
  /** finished_good, trading_good. */
  readonly o2cMaterials: readonly MaterialMaster[];
  /** Employees of a department (documents' `created_by` = one of their `userId`s, domain.md §6.1); active first is not implied. */
  employeesIn(department: EmployeeDepartment): readonly EmployeeMaster[];
}

export interface MasterData {
  of(companyCode: string): CompanyMaster;
  /** Due day of an invoice dated `invoiceDay` under `terms`, rolled forward to a business day (domain.md §4.3). */
  dueDay(terms: PaymentTerms, invoiceDay: number, calendar: CompanyCalendar): number;
  /** Last day of the discount window (rolled forward), or null when the terms have no discount. */
  discountDay(terms: PaymentTerms, invoiceDay: number, calendar: CompanyCalendar): number | null;
}
