/**
 * Standalone journal-entry templates per business process (domain.md §5.6), resolved against
 * the chart of accounts into pools of account indices.
 */
import type { ChartOfAccounts } from '../../domain/types.js';
import { PROCESSES, type Process } from './options.js';

/** A side of a template: the primary account(s) of line 1 and the pool of further lines. */
interface SideSpec {
  /** Account numbers or pool names (`OPEX`, …) for line 1. */
  readonly primary: readonly string[];
  /** Pool for lines 2+; null = the primary again. */
  readonly pool: readonly string[] | null;
}

export type TemplateSpecial = 'none' | 'cost_allocation' | 'swap' | 'transfer';

interface TemplateSpec {
  readonly id: string;
  readonly process: Process;
  readonly weight: number;
  readonly documentType: string;
  readonly debit: SideSpec;
  readonly credit: SideSpec;
  readonly headers: readonly string[];
  readonly special?: TemplateSpecial;
}

const side = (primary: string | readonly string[], pool: readonly string[] | null = null): SideSpec => ({
  primary: typeof primary === 'string' ? [primary] : primary,
  pool,
});

/** domain.md §5.6, in listed order (weights within a process). */
export const TEMPLATE_SPECS: readonly TemplateSpec[] = [
  { id: 'o2c_customer_invoice', process: 'O2C', weight: 0.40, documentType: 'DR', debit: side('1100'), credit: side('4000', ['REV']),
    headers: ['Customer Invoice - {CustomerName}', 'Sales Order Fulfillment - {CustomerName}', 'Revenue Recognition - {Month} {Year}'] },
  { id: 'o2c_customer_receipt', process: 'O2C', weight: 0.30, documentType: 'DZ', debit: side('1000', ['CASH']), credit: side('1100'),
    headers: ['Customer Payment Receipt - {CustomerName}', 'AR Collection - {InvoiceNumber}'] },
  { id: 'o2c_credit_memo', process: 'O2C', weight: 0.10, documentType: 'DG', debit: side('4020', ['4020', '4010']), credit: side('1100'),
    headers: ['Credit Memo - {CustomerName}'] },
  { id: 'o2c_deferred_revenue_release', process: 'O2C', weight: 0.10, documentType: 'SA', debit: side('2300'), credit: side('4100', ['REV']),
    headers: ['Deferred Revenue Release - {Month}'] },
  { id: 'o2c_commission_accrual', process: 'O2C', weight: 0.10, documentType: 'SA', debit: side(['SELL'], ['SELL']), credit: side('2200', ['ACCR']),
    headers: ['Sales Commission Accrual - {Quarter}'] },
  { id: 'p2p_expense_invoice', process: 'P2P', weight: 0.35, documentType: 'KR', debit: side(['OPEX'], ['OPEX']), credit: side('2000'),
    headers: ['Vendor Invoice - {VendorName}', 'Utility Bill - {VendorName}'] },
  { id: 'p2p_po_invoice', process: 'P2P', weight: 0.15, documentType: 'KR', debit: side('2900', ['2900', '5400']), credit: side('2000'),
    headers: ['Purchase Order - {PONumber}'] },
  { id: 'p2p_goods_receipt', process: 'P2P', weight: 0.10, documentType: 'WE', debit: side('1200', ['INV']), credit: side('2900'),
    headers: ['Goods Receipt - {PONumber}'] },
  { id: 'p2p_vendor_payment', process: 'P2P', weight: 0.25, documentType: 'KZ', debit: side('2000'), credit: side('1000', ['CASH', '7400']),
    headers: ['Vendor Payment - {VendorName}', 'AP Payment Run - {Month} {Year}'] },
  { id: 'p2p_expense_accrual', process: 'P2P', weight: 0.10, documentType: 'SA', debit: side(['OPEX'], ['OPEX']), credit: side('2200', ['ACCR']),
    headers: ['Expense Accrual - {Month} {Year}'] },
  { id: 'p2p_travel_expense', process: 'P2P', weight: 0.05, documentType: 'KR', debit: side('6600'), credit: side('1000', ['CASH']),
    headers: ['Travel Expense Report - {EmployeeName}'] },
  { id: 'r2r_accrual', process: 'R2R', weight: 0.30, documentType: 'SA', debit: side(['OPEX'], ['OPEX']), credit: side('2200', ['ACCR']),
    headers: ['Month End Close - {Month} {Year}', 'Manual Journal Entry - {Department}'] },
  { id: 'r2r_accrual_reversal', process: 'R2R', weight: 0.15, documentType: 'SA', debit: side('2200', ['ACCR']), credit: side(['OPEX'], ['OPEX']),
    headers: ['Accrual Reversal - {Month}'] },
  { id: 'r2r_prepaid_release', process: 'R2R', weight: 0.10, documentType: 'SA', debit: side('6300', ['6300', '6800']), credit: side(['PREPAID'], ['PREPAID']),
    headers: ['Prepaid Expense Release - {Month}'] },
  { id: 'r2r_cost_allocation', process: 'R2R', weight: 0.25, documentType: 'SA', debit: side(['OPEX'], ['OPEX']), credit: side(['OPEX'], ['OPEX']),
    headers: ['Cost Allocation - {Quarter} {Year}', 'Intercompany Allocation - {Month}'], special: 'cost_allocation' },
  { id: 'r2r_fx_revaluation', process: 'R2R', weight: 0.10, documentType: 'SA', debit: side('7500'), credit: side('1010'),
    headers: ['FX Revaluation - {Month} {Year}'], special: 'swap' },
  { id: 'r2r_bank_reconciliation', process: 'R2R', weight: 0.10, documentType: 'SA', debit: side('9200'), credit: side('1010'),
    headers: ['Bank Reconciliation Adjustment'], special: 'swap' },
  { id: 'h2r_payroll', process: 'H2R', weight: 0.50, documentType: 'HR', debit: side('6100', ['6100', '6200', '5200']), credit: side('9100', ['9100', '2210']),
    headers: ['Payroll - {Month} {Year}'] },
  { id: 'h2r_benefits_accrual', process: 'H2R', weight: 0.15, documentType: 'HR', debit: side('6200'), credit: side('2220'),
    headers: ['Benefits Accrual - {Month}', 'Pension Contribution - {Month}', '401k Contribution - {Month} {Year}'] },
  { id: 'h2r_bonus_accrual', process: 'H2R', weight: 0.10, documentType: 'HR', debit: side('6100'), credit: side('2210'),
    headers: ['Bonus Accrual - {Quarter} {Year}'] },
  { id: 'h2r_payroll_payment', process: 'H2R', weight: 0.15, documentType: 'HR', debit: side('9100'), credit: side('1010', ['CASH']),
    headers: ['Payroll - {Month} {Year}'] },
  { id: 'h2r_tax_remittance', process: 'H2R', weight: 0.05, documentType: 'HR', debit: side('2210'), credit: side('1000', ['CASH']),
    headers: ['Payroll Tax Remittance - {Month}'] },
  { id: 'h2r_stock_compensation', process: 'H2R', weight: 0.05, documentType: 'HR', debit: side('6100'), credit: side('3100'),
    headers: ['Stock Compensation - {Month} {Year}'] },
  { id: 'a2r_depreciation', process: 'A2R', weight: 0.40, documentType: 'AA', debit: side('6000', ['DEPX']), credit: side('1510', ['ACCDEP']),
    headers: ['Depreciation - {Month} {Year}'] },
  { id: 'a2r_amortization', process: 'A2R', weight: 0.10, documentType: 'AA', debit: side('6010'), credit: side('1950'),
    headers: ['Amortization - {Month} {Year}'] },
  { id: 'a2r_acquisition', process: 'A2R', weight: 0.25, documentType: 'AA', debit: side('1500', ['FA']), credit: side('2000', ['2000', '1000']),
    headers: ['Asset Acquisition - {AssetDescription}', 'Capital Project - {ProjectName}'] },
  { id: 'a2r_disposal', process: 'A2R', weight: 0.10, documentType: 'AA', debit: side('1510', ['1510', '1000']), credit: side('1500', ['1500', '4900']),
    headers: ['Asset Disposal - {AssetDescription}'] },
  { id: 'a2r_transfer', process: 'A2R', weight: 0.10, documentType: 'AA', debit: side('1500', ['FA']), credit: side(['FA'], ['FA']),
    headers: ['Asset Transfer - {AssetDescription}', 'CIP Settlement - {ProjectName}'], special: 'transfer' },
  { id: 'a2r_impairment', process: 'A2R', weight: 0.05, documentType: 'AA', debit: side('6000'), credit: side('1510'),
    headers: ['Impairment Write-down - {Quarter} {Year}'] },
];

/** A template with its sides resolved to account indices into `coa.accounts`. */
export interface ResolvedTemplate {
  readonly index: number;
  readonly id: string;
  readonly process: Process;
  readonly processIndex: number;
  readonly weight: number;
  readonly documentType: string;
  readonly special: TemplateSpecial;
  readonly debitPrimary: Int32Array;
  readonly debitPool: Int32Array;
  readonly creditPrimary: Int32Array;
  readonly creditPool: Int32Array;
  /** Every account any line of this template may use (primary ∪ pools of both sides). */
  readonly allowed: ReadonlySet<string>;
  readonly headers: readonly string[];
  /** 'customer' when a side uses 1100, 'vendor' for 2000, else null. */
  readonly partnerKind: 'customer' | 'vendor' | null;
}

export interface TemplateSet {
  readonly templates: readonly ResolvedTemplate[];
  readonly byId: ReadonlyMap<string, ResolvedTemplate>;
  /** Per process index: templates and their weights. */
  readonly byProcess: ReadonlyArray<{ readonly templates: readonly ResolvedTemplate[]; readonly weights: readonly number[] }>;
  /** Account pools by name (OPEX, FA, …) as indices. */
  readonly pools: ReadonlyMap<string, Int32Array>;
}

/** The pools of domain.md §5.6: canonical accounts ∪ generated accounts of the listed sub-types. */
export function buildPools(coa: ChartOfAccounts): Map<string, string[]> {
  const gen = (...subTypes: string[]): string[] => subTypes.flatMap((s) => coa.generated(s).map((a) => a.number));
  const pools = new Map<string, string[]>([
    ['CASH', ['1000', '1010']],
    ['OPEX', ['6300', '6400', '6500', '6700', '6800', ...gen('operating_expenses', 'administrative_expenses')]],
    ['SELL', gen('selling_expenses')],
    ['REV', ['4000', '4100', ...gen('product_revenue', 'service_revenue')]],
    ['INV', ['1200', ...gen('inventory')]],
    ['FA', ['1500', ...gen('fixed_assets')]],
    ['ACCDEP', ['1510', ...gen('accumulated_depreciation')]],
    ['DEPX', ['6000', ...gen('depreciation_expense')]],
    ['PREPAID', gen('prepaid_expenses')],
    ['ACCR', ['2200', ...gen('accrued_liabilities')]],
  ]);
  // domain.md §5.6: PREPAID falls back to 1600; an empty SELL pool (no generated selling accounts) to OPEX.
  if (pools.get('PREPAID')!.length === 0) pools.set('PREPAID', ['1600']);
  if (pools.get('SELL')!.length === 0) pools.set('SELL', pools.get('OPEX')!);
  return pools;
}

const templateCache = new WeakMap<ChartOfAccounts, TemplateSet>();

/**
 * Resolves the template table against a chart of accounts (memoized per chart).
 *
 * @example
 * const set = resolveTemplates(reference.coa);
 * set.byId.get('p2p_vendor_payment')!.documentType; // 'KZ'
 */
export function resolveTemplates(coa: ChartOfAccounts): TemplateSet {
  const hit = templateCache.get(coa);
  if (hit) return hit;
  const indexOf = new Map<string, number>();
  coa.accounts.forEach((a, i) => indexOf.set(a.number, i));
  const namedPools = buildPools(coa);
  const expand = (refs: readonly string[]): string[] => refs.flatMap((r) => namedPools.get(r) ?? [r]);
  const toIdx = (numbers: readonly string[], where: string): Int32Array => Int32Array.from(numbers.map((n) => {
    const i = indexOf.get(n);
    if (i === undefined) throw new Error(`journal_entries template ${where}: account ${n} is not in the chart of accounts`);
    return i;
  }));
  const pools = new Map<string, Int32Array>();
  for (const [k, v] of namedPools) pools.set(k, toIdx(v, `pool ${k}`));
  const templates: ResolvedTemplate[] = TEMPLATE_SPECS.map((t, index) => {
    const dp = expand(t.debit.primary);
    const dpool = t.debit.pool ? expand(t.debit.pool) : dp;
    const cp = expand(t.credit.primary);
    const cpool = t.credit.pool ? expand(t.credit.pool) : cp;
    const all = new Set([...dp, ...dpool, ...cp, ...cpool]);
    return {
      index,
      id: t.id,
      process: t.process,
      processIndex: PROCESSES.indexOf(t.process),
      weight: t.weight,
      documentType: t.documentType,
      special: t.special ?? 'none',
      debitPrimary: toIdx(dp, t.id),
      debitPool: toIdx(dpool, t.id),
      creditPrimary: toIdx(cp, t.id),
      creditPool: toIdx(cpool, t.id),
      allowed: all,
      headers: t.headers,
      partnerKind: all.has('1100') ? 'customer' : all.has('2000') ? 'vendor' : null,
    };
  });
  const byProcess = PROCESSES.map((p) => {
    const list = templates.filter((t) => t.process === p);
    return { templates: list, weights: list.map((t) => t.weight) };
  });
  const set: TemplateSet = { templates, byId: new Map(templates.map((t) => [t.id, t])), byProcess, pools };
  templateCache.set(coa, set);
  return set;
}
