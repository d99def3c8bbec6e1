import { describe, expect, it } from 'vitest';
import type { CompanyConfig, PipelineConfig } from '../../src/config/types.js';
import type { Batch } from '../../src/engine/batch.js';
import { isNull, stringCol } from '../../src/engine/batch.js';
import type { GenerationContext } from '../../src/engine/plugins.js';
import { buildReferenceData } from '../../src/domain/reference.js';
import { masterData } from '../../src/domain/master-data.js';
import { PAYMENT_TERMS, dueDay, discountDay } from '../../src/domain/payment-terms.js';
import { CREDIT_BANDS } from '../../src/domain/partner-master.js';
import { USEFUL_LIFE_MONTHS } from '../../src/domain/org-master.js';
import { addMonths, parseDate, ymdOf } from '../../src/domain/dates.js';
import { masterSources } from '../../src/sources/master/index.js';
import type { PaymentTermsCode } from '../../src/domain/master-types.js';

const US: CompanyConfig = { code: '1000', name: 'Acme US', currency: 'USD', country: 'US', volume: 'ten_k' };
const DE: CompanyConfig = { code: '2000', name: 'Acme DE', currency: 'EUR', country: 'DE', volume: 'ten_k' };

function cfg(companies: CompanyConfig[], sources: PipelineConfig['sources'] = {}): PipelineConfig {
  return { version: 1, period: { start: '2025-01-01', months: 12 }, companies, sources };
}
const N = 5000;
const bigSources = (): PipelineConfig['sources'] => ({
  v: { type: 'vendors', count: N, shell_count: 3 },
  c: { type: 'customers', count: N },
  m: { type: 'materials', count: N },
  f: { type: 'fixed_assets', count: N },
});
const bigConfig = cfg([US, DE], bigSources());
const bigRef = buildReferenceData(bigConfig, 7n);
const big = masterData({ config: bigConfig, reference: bigRef }).of('1000');
const bigDe = masterData({ config: bigConfig, reference: bigRef }).of('2000');

/** |observed share − p| ≤ 4 binomial standard errors (domain.md §11). */
function expectShare(hits: number, n: number, p: number): void {
  const tol = 4 * Math.sqrt((p * (1 - p)) / n);
  expect(Math.abs(hits / n - p), `share ${hits}/${n} vs ${p}`).toBeLessThanOrEqual(tol);
}
function expectShares<T>(items: readonly T[], key: (x: T) => string, expected: Record<string, number>): void {
  const counts = new Map<string, number>();
  for (const x of items) counts.set(key(x), (counts.get(key(x)) ?? 0) + 1);
  for (const k of counts.keys()) expect(Object.keys(expected), `unexpected value ${k}`).toContain(k);
  for (const [k, p] of Object.entries(expected)) expectShare(counts.get(k) ?? 0, items.length, p);
}

describe('vendors (domain.md §4.1)', () => {
  const regular = big.vendors.filter((v) => !v.isShell);
  it('draws payment terms, behaviours and bank accounts with the listed shares', () => {
    expect(big.vendors).toHaveLength(N + 3);
    expectShares(big.vendors, (v) => v.paymentTerms.code, { net30: 0.40, net60: 0.20, two_ten_net30: 0.25, net15: 0.10, immediate: 0.05 });
    expectShares(big.vendors, (v) => v.behavior, { flexible: 0.60, strict: 0.25, very_flexible: 0.10, aggressive: 0.05 });
    const grace = { flexible: 7, strict: 0, very_flexible: 30, aggressive: 0 };
    expect(big.vendors.every((v) => v.graceDays === grace[v.behavior])).toBe(true);
    expectShare(big.vendors.filter((v) => v.bankAccounts.length === 2).length, big.vendors.length, 0.2);
    expect(big.vendors.every((v) => v.bankAccounts.length >= 1 && v.bankAccounts.length <= 2)).toBe(true);
  });

  it('derives vendor_type from the category and sets the fixed attributes', () => {
    const typeOf: Record<string, string> = {
      raw_materials: 'supplier', office_supplies: 'supplier', it_services: 'technology', telecommunications: 'technology',
      professional_services: 'professional_services', logistics: 'logistics', utilities: 'utility', marketing: 'service_provider',
      travel: 'service_provider', facilities: 'real_estate', staffing: 'contractor',
    };
    for (const v of regular) expect(v.vendorType).toBe(typeOf[v.spendCategory]);
    for (const v of big.vendors) {
      expect(v).toMatchObject({ country: 'US', currency: 'USD', reconciliationAccount: '2000', withholdingTaxApplicable: false,
        withholdingTaxRate: 0, isOneTime: false, isActive: true, purchasingOrg: '1000', typicalAmountMin: 10_000, typicalAmountMax: 1_000_000 });
      expect(v.taxId).toMatch(/^\d{2}-\d{7}$/);
      v.bankAccounts.forEach((a, k) => {
        expect(a).toMatchObject({ seq: k + 1, bankCountry: 'US', holderName: `Vendor ${v.id}`, isPrimary: k === 0 });
        expect(a.accountNumber).toMatch(/^\d{10}$/);
        expect(a.routingCode).toMatch(/^\d{9}$/);
      });
    }
    // Group-currency parameters converted at the reference rate: 100 USD = 92 EUR.
    expect(bigDe.vendors[0]).toMatchObject({ currency: 'EUR', country: 'DE', typicalAmountMin: 9_200, typicalAmountMax: 920_000 });
    expect(bigDe.vendors[0].bankAccounts[0].bankCountry).toBe('DE');
  });

  it('keeps intercompany vendors with their code and excludes IC, reserve and shell from the P2P pool', () => {
    const ic = big.vendors.filter((v) => v.isIntercompany);
    expect(ic.length).toBe(Math.round(N * 0.05));
    expect(ic.every((v) => v.intercompanyCode === 'IC-2000')).toBe(true);
    expect(big.vendors.filter((v) => !v.isIntercompany).every((v) => v.intercompanyCode === null)).toBe(true);
    expect(big.vendors.filter((v) => v.isReserve)).toHaveLength(Math.round(N * 0.05));
    expect(big.vendors.filter((v) => v.isShell)).toHaveLength(3);
    expect(big.p2pVendors).toHaveLength(N - 2 * Math.round(N * 0.05));
    expect(big.p2pVendors.every((v) => v.isActive && !v.isReserve && !v.isShell && !v.isIntercompany)).toBe(true);
  });
});

describe('customers (domain.md §4.2)', () => {
  const corporate = big.customers.filter((c) => !c.isIntercompany);
  it('draws credit ratings with limits inside their bands; blocked iff D', () => {
    const shares = Object.fromEntries(CREDIT_BANDS.map(([r, w]) => [r, w]));
    expectShares(corporate, (c) => c.creditRating, shares);
    for (const c of big.customers) {
      const [, , lo, hi] = CREDIT_BANDS.find(([r]) => r === c.creditRating)!;
      expect(c.creditLimit).toBeGreaterThanOrEqual(lo * 100);
      expect(c.creditLimit).toBeLessThanOrEqual(hi * 100);
      expect(c.creditBlocked).toBe(c.creditRating === 'D');
      expect(c.creditBlockReason).toBe(c.creditRating === 'D' ? 'rating_d' : null);
      expect(c.creditExposure).toBe(0);
    }
    // Limits spread over the band (uniform): the BBB band's mean is near its middle (sd of the mean ≈ 2 k units).
    const bbb = corporate.filter((c) => c.creditRating === 'BBB').map((c) => c.creditLimit / 100);
    const mean = bbb.reduce((a, b) => a + b, 0) / bbb.length;
    expect(Math.abs(mean - 300_000)).toBeLessThan(4 * (400_000 / Math.sqrt(12)) / Math.sqrt(bbb.length));
    // EUR company: limits converted at 0.92.
    for (const c of bigDe.customers) {
      const [, , lo, hi] = CREDIT_BANDS.find(([r]) => r === c.creditRating)!;
      expect(c.creditLimit).toBeGreaterThanOrEqual(Math.round(lo * 92));
      expect(c.creditLimit).toBeLessThanOrEqual(Math.round(hi * 92));
    }
  });

  it('draws behaviours and terms with the listed shares', () => {
    expectShares(corporate, (c) => c.paymentBehavior, { early_payer: 0.15, on_time: 0.45, slightly_late: 0.25, often_late: 0.10, high_risk: 0.05 });
    expectShares(big.customers, (c) => c.paymentTerms.code, { net30: 0.50, net60: 0.20, two_ten_net30: 0.20, net15: 0.05, immediate: 0.05 });
    const take = { early_payer: 0.80, on_time: 0.50, slightly_late: 0.20, often_late: 0.05, high_risk: 0.01 };
    expect(big.customers.every((c) => c.discountTakeProbability === take[c.paymentBehavior])).toBe(true);
  });

  it('makes IC customers AAA early payers of type intercompany and excludes them and the reserve from O2C', () => {
    const ic = big.customers.filter((c) => c.isIntercompany);
    expect(ic.length).toBe(Math.round(N * 0.05));
    expect(ic.every((c) => c.creditRating === 'AAA' && c.paymentBehavior === 'early_payer' && c.customerType === 'intercompany' && c.intercompanyCode === 'IC-2000')).toBe(true);
    expect(corporate.every((c) => c.customerType === 'corporate')).toBe(true);
    expect(big.o2cCustomers).toHaveLength(N - 2 * Math.round(N * 0.05));
    expect(big.o2cCustomers.every((c) => !c.isReserve && !c.isIntercompany && c.isActive)).toBe(true);
    expect(big.customers.every((c) => c.reconciliationAccount === '1100' && c.salesOrg === '1000' && c.distributionChannel === '10'
      && c.typicalOrderMin === 50_000 && c.typicalOrderMax === 5_000_000 && /^\d{2}-\d{7}$/.test(c.taxId))).toBe(true);
  });
});

describe('materials (domain.md §4.4)', () => {
  const m = big.materials;
  it('draws types and valuation methods with the listed shares', () => {
    expect(m).toHaveLength(N);
    expectShares(m, (x) => x.materialType, { raw_material: 0.35, finished_good: 0.30, semi_finished: 0.15, trading_good: 0.10, operating_supplies: 0.05, packaging: 0.05 });
    expectShares(m, (x) => x.valuationMethod, { standard_cost: 0.60, moving_average: 0.30, fifo: 0.08, lifo: 0.02 });
    const bomEligible = m.filter((x) => x.materialType === 'finished_good' || x.materialType === 'semi_finished');
    expectShare(bomEligible.filter((x) => x.hasBom).length, bomEligible.length, 0.25);
    expect(m.filter((x) => x.hasBom).every((x) => bomEligible.includes(x))).toBe(true);
  });

  it('prices: standard cost in [10, 10 000], list = cost / (1 − margin) with margin in [0.20, 0.50]', () => {
    let marginSum = 0;
    for (const x of m) {
      expect(x.standardCost).toBeGreaterThanOrEqual(1_000);
      expect(x.standardCost).toBeLessThanOrEqual(1_000_000);
      expect(x.listPrice).toBeGreaterThan(x.standardCost);
      const margin = 1 - x.standardCost / x.listPrice;
      expect(margin).toBeGreaterThanOrEqual(0.2 - 1e-3);
      expect(margin).toBeLessThanOrEqual(0.5 + 1e-3);
      marginSum += margin;
      expect(x.purchasePrice).toBe(x.standardCost);
    }
    expect(Math.abs(marginSum / m.length - 0.35)).toBeLessThan(0.01);
    for (const x of bigDe.materials) expect(x.standardCost).toBeGreaterThanOrEqual(920 - 1);
  });

  it('sets account determination, units, stock levels and plants; accounts exist in the CoA', () => {
    for (const x of m) {
      const supplies = x.materialType === 'operating_supplies';
      expect(x).toMatchObject({ inventoryAccount: '1200', cogsAccount: '5000', revenueAccount: '4000', priceDifferenceAccount: '5400',
        grIrAccount: '2900', purchaseExpenseAccount: supplies ? '6500' : '5100', baseUom: supplies ? 'H' : 'EA', plant: 'P1000', isActive: true });
      expect(x.safetyStock).toBeGreaterThanOrEqual(10);
      expect(x.safetyStock).toBeLessThanOrEqual(499);
      expect(x.reorderPoint).toBe(2 * x.safetyStock);
      expect(x.description.length).toBeGreaterThan(0);
    }
    for (const a of ['1200', '5000', '4000', '5100', '6500', '5400', '2900', '2000', '1100']) expect(bigRef.coa.byNumber.has(a), a).toBe(true);
  });

  it('picks the preferred vendor uniformly among the P2P vendors and splits the P2P/O2C pools', () => {
    const pool = new Set(big.p2pVendors.map((v) => v.id));
    expect(m.every((x) => x.preferredVendorId !== null && pool.has(x.preferredVendorId))).toBe(true);
    // Uniform: the first half of the pool gets about half the materials.
    const firstHalf = new Set(big.p2pVendors.slice(0, Math.floor(pool.size / 2)).map((v) => v.id));
    expectShare(m.filter((x) => firstHalf.has(x.preferredVendorId!)).length, m.length, firstHalf.size / pool.size);
    const p2pTypes = new Set(['raw_material', 'semi_finished', 'trading_good', 'operating_supplies', 'packaging']);
    expect(big.p2pMaterials).toEqual(m.filter((x) => p2pTypes.has(x.materialType)));
    expect(big.o2cMaterials).toEqual(m.filter((x) => x.materialType === 'finished_good' || x.materialType === 'trading_good'));
    // No P2P vendors → null.
    const lone = cfg([US], { v: { type: 'vendors', count: 0, shell_count: 1 }, m: { type: 'materials', count: 3 } });
    const md = masterData({ config: lone, reference: buildReferenceData(lone, 1n) }).of('1000');
    expect(md.materials.map((x) => x.preferredVendorId)).toEqual([null, null, null]);
  });
});

describe('ids (domain.md §0.3)', () => {
  it('numbers vendors, customers and materials across companies and employees per company', () => {
    const config = cfg([US, DE], { v: { type: 'vendors', count: 10, shell_count: 2 }, c: { type: 'customers', count: 20 }, m: { type: 'materials', count: 30 } });
    const md = masterData({ config, reference: buildReferenceData(config, 3n) });
    const de = md.of('2000');
    expect(de.vendors.map((v) => v.id)).toEqual(Array.from({ length: 12 }, (_, i) => `V-${String(12 + i + 1).padStart(6, '0')}`));
    expect(de.customers[0].id).toBe('C-000021');
    expect(de.materials.map((x) => x.materialId)).toEqual(Array.from({ length: 30 }, (_, i) => `MAT-${String(30 + i + 1).padStart(6, '0')}`));
    expect(de.employees[0]).toMatchObject({ employeeId: 'EMP-2000-000001', userId: 'u000069' });
    expect(de.fixedAssets[0].assetId).toBe('FA-2000-000001');
    expect(() => md.of('9999')).toThrow(RangeError);
  });

  it('handles zero counts (empty tables, employees unaffected)', () => {
    const config = cfg([US, DE], { v: { type: 'vendors', count: 0, shell_count: 0 }, c: { type: 'customers', count: 0 },
      m: { type: 'materials', count: 0 }, f: { type: 'fixed_assets', count: 0 } });
    const cm = masterData({ config, reference: buildReferenceData(config, 3n) }).of('1000');
    expect([cm.vendors, cm.customers, cm.materials, cm.fixedAssets, cm.p2pVendors, cm.o2cCustomers].map((l) => l.length)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(cm.employees).toHaveLength(68);
  });
});

describe('employees (domain.md §4.5)', () => {
  // 40 companies × 68 employees, so the 1–2 % status shares are testable.
  const companies: CompanyConfig[] = Array.from({ length: 40 }, (_, i) => ({ code: String(1000 + i), name: `Co ${i}`, currency: 'USD', country: 'US', volume: 'ten_k' }));
  const config = cfg(companies, { e: { type: 'employees', email_domain: 'acme.test' } });
  const reference = buildReferenceData(config, 5n);
  const md = masterData({ config, reference });
  const all = companies.flatMap((c) => md.of(c.code).employees);
  const one = md.of('1000');

  it('gives executives and department heads their fixed levels and draws the others', () => {
    expect(one.employees).toHaveLength(68);
    expect(one.employees.slice(0, 3).map((e) => [e.jobLevel, e.jobTitle])).toEqual([
      ['executive', 'Chief Executive Officer'], ['executive', 'Chief Financial Officer'], ['executive', 'Chief Operating Officer']]);
    const heads = one.employees.filter((e) => e.role === 'department_head');
    expect(heads.map((e) => [e.department, e.jobLevel])).toEqual([
      ['finance', 'director'], ['procurement', 'manager'], ['sales', 'director'], ['warehouse', 'manager'], ['it', 'manager']]);
    const members = all.filter((e) => e.role === 'member');
    expectShares(members, (e) => e.jobLevel, { staff: 0.50, senior: 0.25, manager: 0.12, director: 0.08, vice_president: 0.04, executive: 0.01 });
  });

  it('sets limits, salaries, permissions and location by level and department', () => {
    const limits = { staff: 1_000, senior: 5_000, manager: 25_000, director: 100_000, vice_president: 500_000, executive: 10_000_000 };
    const bands = { staff: [40, 60], senior: [60, 90], manager: [80, 120], director: [100, 160], vice_president: [130, 200], executive: [150, 250] };
    const rank = ['staff', 'senior', 'manager', 'director', 'vice_president', 'executive'];
    for (const e of all) {
      expect(e.approvalLimit).toBe(limits[e.jobLevel] * 100);
      expect(e.baseSalary).toBeGreaterThanOrEqual(bands[e.jobLevel][0] * 100_000);
      expect(e.baseSalary).toBeLessThanOrEqual(bands[e.jobLevel][1] * 100_000);
      const r = rank.indexOf(e.jobLevel);
      expect(e.canApprovePo).toBe(e.department === 'procurement' && r >= 2);
      expect(e.canApproveInvoice).toBe(e.department === 'finance' && r >= 1);
      expect(e.canApproveJe).toBe(e.department === 'finance' && r >= 1);
      expect(e.canReleasePayment).toBe(e.department === 'finance' && r >= 2);
      expect(e.location).toBe('US');
    }
  });

  it('draws status, hire and termination dates', () => {
    expectShares(all, (e) => e.status, { active: 0.97, on_leave: 0.02, terminated: 0.01 });
    const { startDay, endDay } = reference.period;
    for (const e of all) {
      expect(e.hireDate).toBeGreaterThanOrEqual(startDay - 7300);
      expect(e.hireDate).toBeLessThanOrEqual(startDay - 30);
      if (e.status === 'terminated') {
        expect(e.terminationDate).not.toBeNull();
        expect(e.terminationDate!).toBeGreaterThanOrEqual(startDay);
        expect(e.terminationDate!).toBeLessThan(endDay);
      } else expect(e.terminationDate).toBeNull();
    }
  });

  it('assigns cost centers round-robin and emails on the configured domain', () => {
    const ccOf = (dept: string) => one.employees.filter((e) => e.department === dept).map((e) => e.costCenterId.replace('CC-1000-', ''));
    expect(ccOf('executive')).toEqual(['CORP-EXEC', 'CORP-EXEC', 'CORP-EXEC']);
    expect(ccOf('finance')).toEqual(Array.from({ length: 15 }, (_, k) => `FIN-${['AP', 'AR', 'GL', 'TAX'][k % 4]}`));
    expect(new Set(ccOf('procurement'))).toEqual(new Set(['PROD']));
    expect(ccOf('sales')).toEqual(Array.from({ length: 20 }, (_, k) => `SALES-${['DOM', 'INTL', 'MKT'][k % 3]}`));
    expect(new Set(ccOf('warehouse'))).toEqual(new Set(['PROD-ASSY']));
    expect(new Set(ccOf('it'))).toEqual(new Set(['CORP-IT']));
    for (const c of companies) {
      const emails = md.of(c.code).employees.map((e) => e.email);
      expect(new Set(emails).size).toBe(68);
      for (const e of emails) expect(e).toMatch(/^[a-z0-9]+\.[a-z0-9]+@acme\.test$/);
    }
    expect(one.employeesIn('sales')).toHaveLength(20);
    expect(one.employeesIn('sales').every((e) => e.department === 'sales')).toBe(true);
    expect(one.employeesIn('executive').map((e) => e.role)).toEqual(['ceo', 'cfo', 'coo']);
  });
});

describe('fixed assets (domain.md §4.7)', () => {
  const fa = big.fixedAssets;
  const start = bigRef.period.startDay;
  it('draws methods and statuses with the listed shares', () => {
    expect(fa).toHaveLength(N);
    expectShares(fa, (a) => a.depreciationMethod, { straight_line: 0.70, double_declining: 0.15, macrs: 0.10, sum_of_years: 0.05 });
    expectShares(fa, (a) => a.status, { active: 0.88, fully_depreciated: 0.10, disposed: 0.02 });
  });

  it('computes cost, salvage, straight-line depreciation and net book value', () => {
    for (const a of fa) {
      const life = USEFUL_LIFE_MONTHS[a.assetClass];
      expect(a.usefulLifeMonths).toBe(life);
      expect(a.acquisitionCost).toBeGreaterThanOrEqual(100_000);
      expect(a.acquisitionCost).toBeLessThanOrEqual(50_000_000);
      expect(a.salvageValue).toBe(Math.round(a.acquisitionCost * 0.05));
      expect(a.netBookValue).toBe(a.acquisitionCost - a.accumulatedDepreciation);
      expect(a.acquisitionDate).toBeLessThan(start);
      // Whole months elapsed between acquisition and start.
      let elapsed = 0;
      while (addMonths(a.acquisitionDate, elapsed + 1) <= start) elapsed++;
      const depreciable = a.acquisitionCost - a.salvageValue;
      if (a.status === 'fully_depreciated') {
        expect(addMonths(a.acquisitionDate, life)).toBeLessThan(start);
        expect(a.accumulatedDepreciation).toBe(depreciable);
        expect(a.netBookValue).toBe(a.salvageValue);
      } else {
        expect(elapsed).toBeLessThan(life);
        expect(Math.abs(a.accumulatedDepreciation - (depreciable * elapsed) / life)).toBeLessThanOrEqual(depreciable / life + 1);
      }
    }
  });

  it('assigns leaf cost centers by class', () => {
    for (const a of fa) {
      const cc = a.costCenterId.replace('CC-1000-', '');
      if (a.assetClass === 'machinery' || a.assetClass === 'vehicles') expect(['PROD-ASSY', 'PROD-QC', 'PROD-MAINT']).toContain(cc);
      else if (a.assetClass === 'it_equipment' || a.assetClass === 'software') expect(cc).toBe('CORP-IT');
      else expect(cc).toBe('CORP-EXEC');
    }
  });
});

describe('foreign keys (domain.md §11 I16)', () => {
  it('resolves cost centers, managers, responsible employees and preferred vendors', () => {
    const config = cfg([US, DE]);
    const reference = buildReferenceData(config, 9n);
    const md = masterData({ config, reference });
    const ccIds = new Set(reference.costCenters.map((c) => c.id));
    const leafIds = new Set(reference.costCenters.filter((c) => c.level === 2).map((c) => c.id));
    const employees = reference.companies.flatMap((c) => md.of(c.code).employees);
    const empIds = new Set(employees.map((e) => e.employeeId));
    const vendorIds = new Set(reference.companies.flatMap((c) => md.of(c.code).vendors.map((v) => v.id)));
    for (const e of employees) {
      expect(ccIds.has(e.costCenterId), e.costCenterId).toBe(true);
      expect(e.costCenterId.startsWith(`CC-${e.companyCode}-`)).toBe(true);
      if (e.role === 'ceo') expect(e.managerId).toBeNull();
      else expect(empIds.has(e.managerId!)).toBe(true);
    }
    for (const c of reference.costCenters) {
      if (c.parentId !== null) expect(ccIds.has(c.parentId)).toBe(true);
      expect(empIds.has(c.responsibleEmployeeId!)).toBe(true);
    }
    for (const c of reference.companies) {
      for (const x of md.of(c.code).materials) {
        expect(vendorIds.has(x.preferredVendorId!)).toBe(true);
        expect(md.of(c.code).p2pVendors.some((v) => v.id === x.preferredVendorId)).toBe(true);
      }
      for (const a of md.of(c.code).fixedAssets) expect(leafIds.has(a.costCenterId)).toBe(true);
    }
  });
});

describe('determinism', () => {
  it('two builds from equal configs are equal; the memo returns the same object', () => {
    const a = cfg([US, DE], { v: { type: 'vendors', count: 80 } });
    const b = cfg([US, DE], { v: { type: 'vendors', count: 80 } });
    const ra = buildReferenceData(a, 21n);
    const ma = masterData({ config: a, reference: ra });
    const mb = masterData({ config: b, reference: buildReferenceData(b, 21n) });
    expect(ma).not.toBe(mb);
    expect(masterData({ config: a, reference: ra })).toBe(ma);
    for (const cc of ['1000', '2000']) {
      const x = ma.of(cc);
      const y = mb.of(cc);
      expect(JSON.stringify([x.vendors, x.customers, x.materials, x.employees, x.fixedAssets]))
        .toBe(JSON.stringify([y.vendors, y.customers, y.materials, y.employees, y.fixedAssets]));
    }
    const other = masterData({ config: b, reference: buildReferenceData(b, 22n) }).of('1000');
    expect(JSON.stringify(other.vendors)).not.toBe(JSON.stringify(ma.of('1000').vendors));
  });

  it('leaves the JE partner identities untouched and keeps entities independent', () => {
    const base = cfg([US, DE], { v: { type: 'vendors', count: 60 } });
    const changed = cfg([US, DE], { v: { type: 'vendors', count: 60 }, m: { type: 'materials', count: 17 }, f: { type: 'fixed_assets', count: 9 } });
    const r1 = buildReferenceData(base, 4n);
    const before = JSON.stringify(['1000', '2000'].map((cc) => [r1.vendorsOf(cc), r1.customersOf(cc), r1.employeesOf(cc)]));
    const m1 = masterData({ config: base, reference: r1 });
    m1.of('1000');
    m1.of('2000');
    expect(JSON.stringify(['1000', '2000'].map((cc) => [r1.vendorsOf(cc), r1.customersOf(cc), r1.employeesOf(cc)]))).toBe(before);
    const r2 = buildReferenceData(changed, 4n);
    expect(JSON.stringify(['1000', '2000'].map((cc) => [r2.vendorsOf(cc), r2.customersOf(cc), r2.employeesOf(cc)]))).toBe(before);
    // The vendors' masters and employees do not depend on the materials / fixed-asset counts.
    const m2 = masterData({ config: changed, reference: r2 });
    expect(JSON.stringify(m2.of('1000').vendors)).toBe(JSON.stringify(m1.of('1000').vendors));
    expect(JSON.stringify(m2.of('1000').employees)).toBe(JSON.stringify(m1.of('1000').employees));
    // The master records extend the very identity objects JE generation uses.
    expect(m1.of('1000').vendors.map((v) => v.id)).toEqual(r1.vendorsOf('1000').map((v) => v.id));
    expect(m1.of('1000').vendors.map((v) => v.name)).toEqual(r1.vendorsOf('1000').map((v) => v.name));
  });
});

describe('payment terms (domain.md §4.3)', () => {
  const ref = buildReferenceData(cfg([US, DE]), 1n);
  const cal = ref.calendar('US');
  it('has the listed codes, days, discounts and display codes', () => {
    const table: Array<[PaymentTermsCode, string, number, number, number]> = [
      ['immediate', 'IMM', 0, 0, 0], ['net10', 'N10', 10, 0, 0], ['net15', 'N15', 15, 0, 0], ['net30', 'N30', 30, 0, 0],
      ['net45', 'N45', 45, 0, 0], ['net60', 'N60', 60, 0, 0], ['net90', 'N90', 90, 0, 0], ['two_ten_net30', '2/10N30', 30, 0.02, 10],
      ['one_ten_net30', '1/10N30', 30, 0.01, 10], ['two_fifteen_net45', '2/15N45', 45, 0.02, 15], ['end_of_month', 'EOM', 0, 0, 0],
      ['end_of_month_plus30', 'EOM30', 30, 0, 0], ['cash_on_delivery', 'COD', 0, 0, 0], ['prepayment', 'PREP', 0, 0, 0],
    ];
    expect(Object.keys(PAYMENT_TERMS)).toEqual(table.map((t) => t[0]));
    for (const [code, display, days, pct, dd] of table) expect(PAYMENT_TERMS[code]).toMatchObject({ display, days, discountPercent: pct, discountDays: dd });
  });

  it('rolls due and discount days forward to the next business day', () => {
    const md = masterData({ config: cfg([US, DE]), reference: ref });
    expect(md.dueDay).toBe(dueDay);
    // 2025-01-15 + 30 = 2025-02-14 (Friday); + 10 = 2025-01-25 (Saturday) → Monday 2025-01-27.
    expect(dueDay(PAYMENT_TERMS.net30, parseDate('2025-01-15'), cal)).toBe(parseDate('2025-02-14'));
    expect(discountDay(PAYMENT_TERMS.two_ten_net30, parseDate('2025-01-15'), cal)).toBe(parseDate('2025-01-27'));
    expect(discountDay(PAYMENT_TERMS.net30, parseDate('2025-01-15'), cal)).toBeNull();
    // EOM: 2025-05-31 is a Saturday → Monday 2025-06-02; EOM30: 2025-02-28 + 30 = 2025-03-30 (Sunday) → 2025-03-31.
    expect(dueDay(PAYMENT_TERMS.end_of_month, parseDate('2025-05-07'), cal)).toBe(parseDate('2025-06-02'));
    expect(dueDay(PAYMENT_TERMS.end_of_month_plus30, parseDate('2025-02-10'), cal)).toBe(parseDate('2025-03-31'));
    // Holiday: 2025-12-25 + 0 (immediate) → 2025-12-26.
    expect(dueDay(PAYMENT_TERMS.immediate, parseDate('2025-12-25'), cal)).toBe(parseDate('2025-12-26'));
    for (const terms of Object.values(PAYMENT_TERMS)) {
      for (let d = ref.period.startDay; d < ref.period.endDay; d += 3) {
        const { year, month } = ymdOf(d);
        const base = terms.endOfMonth ? addMonths(parseDate(`${year}-${String(month).padStart(2, '0')}-01`), 1) - 1 + terms.days : d + terms.days;
        const due = dueDay(terms, d, cal);
        expect(due).toBeGreaterThanOrEqual(base);
        expect(cal.isBusinessDay(due)).toBe(true);
        for (let x = base; x < due; x++) expect(cal.isBusinessDay(x)).toBe(false);
        const disc = discountDay(terms, d, cal);
        if (terms.discountDays > 0) {
          expect(cal.isBusinessDay(disc!)).toBe(true);
          expect(disc!).toBeGreaterThanOrEqual(d + terms.discountDays);
          expect(disc!).toBeLessThanOrEqual(due);
        } else expect(disc).toBeNull();
      }
    }
  });
});

describe('master-data sources (domain.md §10)', () => {
  const COLUMNS: Record<string, string> = {
    employees: 'employee_id, user_id, company_code, first_name, last_name, display_name, email, department, job_level, job_title, cost_center_id, manager_id, status, hire_date, termination_date, approval_limit, can_approve_po, can_approve_invoice, can_approve_je, can_release_payment, base_salary, location',
    vendors: 'vendor_id, company_code, name, vendor_type, spend_category, country, currency, payment_terms, payment_terms_days, behavior, is_active, is_intercompany, intercompany_code, tax_id, reconciliation_account, withholding_tax_applicable, withholding_tax_rate, is_one_time, purchasing_org, typical_amount_min, typical_amount_max',
    vendor_bank_accounts: 'vendor_id, seq, bank_name, bank_country, account_number, routing_code, holder_name, is_primary',
    customers: 'customer_id, company_code, name, customer_type, country, currency, credit_rating, credit_limit, credit_exposure, credit_blocked, credit_block_reason, payment_terms, payment_terms_days, payment_behavior, is_active, is_intercompany, intercompany_code, reconciliation_account, sales_org, distribution_channel, tax_id, typical_order_min, typical_order_max',
    materials: 'material_id, company_code, description, material_type, base_uom, valuation_method, standard_cost, list_price, purchase_price, inventory_account, cogs_account, revenue_account, purchase_expense_account, price_difference_account, gr_ir_account, has_bom, safety_stock, reorder_point, preferred_vendor_id, plant, is_active',
    fixed_assets: 'asset_id, company_code, description, asset_class, acquisition_date, acquisition_cost, salvage_value, useful_life_months, depreciation_method, accumulated_depreciation, net_book_value, status, cost_center_id',
  };
  const config = cfg([US, DE], { v: { type: 'vendors', count: 30, shell_count: 2 }, c: { type: 'customers', count: 25 }, m: { type: 'materials', count: 12 }, f: { type: 'fixed_assets', count: 8 } });
  const ctx: GenerationContext = { seed: 13n, config, reference: buildReferenceData(config, 13n), batchRows: 7 };
  const md = masterData(ctx);

  it('emit the §10 columns, companies in config order, rows matching masterData()', () => {
    const expected: Record<string, number> = {
      employees: 136, vendors: 64, customers: 50, materials: 24, fixed_assets: 16,
      vendor_bank_accounts: ['1000', '2000'].reduce((n, cc) => n + md.of(cc).vendors.reduce((k, v) => k + v.bankAccounts.length, 0), 0),
    };
    const seen = new Set<string>();
    for (const s of masterSources) {
      const tables = s.tables({}, config);
      const parts = s.partitions(s.type, {}, ctx);
      expect(parts).toHaveLength(1);
      expect(parts[0].index).toBe(0);
      const byTable = new Map<string, Batch[]>();
      for (const b of s.generate(s.type, {}, parts[0], ctx)) {
        expect(b.length).toBeLessThanOrEqual(7);
        const l = byTable.get(b.schema.name) ?? [];
        l.push(b);
        byTable.set(b.schema.name, l);
      }
      expect([...byTable.keys()]).toEqual(tables.map((t) => t.name));
      for (const t of tables) {
        seen.add(t.name);
        expect(t.columns.map((c) => c.name).join(', ')).toBe(COLUMNS[t.name]);
        const batches = byTable.get(t.name)!;
        let next = 0;
        for (const b of batches) {
          expect(b.firstRow).toBe(next);
          next += b.length;
        }
        expect(next).toBe(expected[t.name]);
        expect(parts[0].plannedRows[t.name]).toBe(expected[t.name]);
        // Non-nullable columns hold no null; every FK column declares its target.
        for (const b of batches) {
          t.columns.forEach((c, ci) => {
            if (c.nullable) return;
            for (let r = 0; r < b.length; r++) expect(isNull(b, ci, r), `${t.name}.${c.name}`).toBe(false);
          });
        }
      }
    }
    expect(seen.size).toBe(6);
  });

  it('writes nulls by design and values in config order', () => {
    const gen = (type: string) => {
      const s = masterSources.find((x) => x.type === type)!;
      return [...s.generate(type, {}, s.partitions(type, {}, ctx)[0], ctx)];
    };
    const emp = gen('employees').filter((b) => b.schema.name === 'employees');
    const ids = emp.flatMap((b) => stringCol(b, 'employee_id'));
    expect(ids.slice(0, 68).every((x) => x?.startsWith('EMP-1000-'))).toBe(true);
    expect(ids.slice(68).every((x) => x?.startsWith('EMP-2000-'))).toBe(true);
    const mgr = emp[0].schema.index.get('manager_id')!;
    expect(isNull(emp[0], mgr, 0)).toBe(true);
    expect(isNull(emp[0], mgr, 1)).toBe(false);
    const term = emp[0].schema.index.get('termination_date')!;
    const all = [...md.of('1000').employees, ...md.of('2000').employees];
    let row = 0;
    for (const b of emp) for (let r = 0; r < b.length; r++, row++) expect(isNull(b, term, r)).toBe(all[row].terminationDate === null);
    const vend = gen('vendors').filter((b) => b.schema.name === 'vendors');
    const icc = vend[0].schema.index.get('intercompany_code')!;
    const vendors = [...md.of('1000').vendors, ...md.of('2000').vendors];
    row = 0;
    for (const b of vend) for (let r = 0; r < b.length; r++, row++) expect(isNull(b, icc, r)).toBe(!vendors[row].isIntercompany);
  });
});
