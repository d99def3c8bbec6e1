import { describe, expect, it } from 'vitest';
import { buildChartOfAccounts, CANONICAL_ACCOUNTS, generatedCounts } from '../../src/domain/chart-of-accounts.js';

describe('chart of accounts (domain.md §2)', () => {
  it.each([
    ['small', 100, 90, 165],
    ['medium', 400, 367, 442],
    ['large', 2500, 2290, 2365],
  ] as const)('%s: target %i, %i generated, %i total', (complexity, target, generated, total) => {
    const coa = buildChartOfAccounts(complexity, 'manufacturing');
    expect(coa.coaId).toBe(`COA_MANUFACTURING_${target}`);
    expect(coa.accounts).toHaveLength(total);
    expect(coa.accounts.filter((a) => a.origin === 'generated')).toHaveLength(generated);
    expect(coa.accounts.filter((a) => a.origin === 'canonical')).toHaveLength(65);
    expect(coa.accounts.filter((a) => a.origin === 'clearing')).toHaveLength(4);
    expect(coa.accounts.filter((a) => a.origin === 'legacy')).toHaveLength(6);
    expect(generatedCounts(target).reduce((s, x) => s + x.count, 0)).toBe(generated);
    expect(new Set(coa.accounts.map((a) => a.number)).size).toBe(total);
    expect(coa.byNumber.size).toBe(total);
  });

  it('splits sub-types by weight with half-away rounding (small)', () => {
    const counts = Object.fromEntries(generatedCounts(100).map((x) => [x.subType, x.count]));
    expect(counts.cash).toBe(3);
    expect(counts.fixed_assets).toBe(5);
    expect(counts.short_term_debt).toBe(2); // 16 × .15 = 2.4
    expect(counts.tax_liabilities).toBe(2); // 16 × .10 = 1.6
    expect(counts.depreciation_expense).toBe(3); // 25 × .10 = 2.5 → 3
    expect(counts.operating_expenses).toBe(6); // 25 × .25 = 6.25
    expect(counts.tax_expense).toBe(1);
  });

  it('numbers generated accounts in 6-digit blocks stepping by 10, first digit = category', () => {
    const coa = buildChartOfAccounts('large', 'retail');
    const gen = coa.accounts.filter((a) => a.origin === 'generated');
    for (const a of gen) {
      expect(a.number).toMatch(/^[1-8]\d{5}$/);
      expect(Number(a.number) % 10).toBe(0);
      const d = a.number[0];
      const expected = { 1: 'asset', 2: 'liability', 3: 'equity', 4: 'revenue', 5: 'expense', 6: 'expense', 7: 'expense', 8: 'expense' }[d];
      expect(a.accountType).toBe(expected);
    }
    expect(coa.generated('cash')[0].number).toBe('100000');
    expect(coa.generated('cash')[1].number).toBe('100010');
    expect(coa.generated('accounts_receivable')[0].number).toBe(String(100000 + 75 * 10));
    expect(coa.generated('cost_of_goods_sold')[0].number).toBe('500000');
    expect(coa.generated('operating_expenses')[0].number).toBe('600000');
    expect(coa.generated('interest_expense')[0].number).toBe('700000');
    expect(coa.generated('tax_expense')[0].number).toBe('800000');
    expect(coa.generated('operating_expenses')[2].shortDescription).toBe('Operating Expenses 3');
    expect(coa.generated('no_such_sub_type')).toEqual([]);
    expect(coa.coaId).toBe('COA_RETAIL_2500');
  });

  it('keeps every first digit consistent with the category', () => {
    const coa = buildChartOfAccounts('medium', 'manufacturing');
    for (const a of coa.accounts) {
      expect(a.accountClass).toBe(Number(a.number[0]));
      const allowed: Record<string, string[]> = {
        1: ['asset'], 2: ['liability'], 3: ['equity'], 4: ['revenue'], 5: ['expense'], 6: ['expense'],
        7: ['revenue', 'expense'], 8: ['expense'], 9: ['asset'],
      };
      expect(allowed[a.number[0]]).toContain(a.accountType);
      if (a.number[0] === '9') expect(a.isSuspenseAccount).toBe(true);
    }
  });

  it('contains all canonical accounts with §2.5 attributes', () => {
    const coa = buildChartOfAccounts('small', 'manufacturing');
    expect(CANONICAL_ACCOUNTS).toHaveLength(65);
    for (const [n, name] of CANONICAL_ACCOUNTS) expect(coa.byNumber.get(n)?.shortDescription).toBe(name);
    const get = (n: string) => coa.byNumber.get(n)!;
    expect(coa.accounts.filter((a) => a.isControlAccount).map((a) => a.number).sort()).toEqual(['1100', '1150', '2000', '2050']);
    expect(get('1100').subType).toBe('accounts_receivable');
    expect(get('2000').subType).toBe('accounts_payable');
    expect(get('2900').isSuspenseAccount).toBe(true);
    expect(get('1030').isSuspenseAccount).toBe(true);
    expect(get('199100').isSuspenseAccount).toBe(true);
    expect(get('1000').isSuspenseAccount).toBe(false);
    expect(get('1000').normalDebitBalance).toBe(true);
    expect(get('1510').normalDebitBalance).toBe(false);
    expect(get('6300').normalDebitBalance).toBe(true);
    expect(get('2000').normalDebitBalance).toBe(false);
    expect(get('3200').normalDebitBalance).toBe(false);
    expect(get('3400').normalDebitBalance).toBe(true);
    expect(get('4000').normalDebitBalance).toBe(false);
    expect(get('4010').normalDebitBalance).toBe(true);
    expect(get('4020').normalDebitBalance).toBe(true);
    expect(get('7400').accountType).toBe('revenue');
    expect(get('5000').requiresCostCenter).toBe(true);
    expect(get('6700').requiresCostCenter).toBe(true);
    expect(get('7100').requiresCostCenter).toBe(false);
    expect(get('1000').requiresCostCenter).toBe(false);
    expect(coa.accounts.every((a) => a.accountGroup === 'DEFAULT' && !a.requiresProfitCenter)).toBe(true);
  });

  it('has clearing and legacy accounts with their flags', () => {
    const coa = buildChartOfAccounts('small', 'manufacturing');
    for (const n of ['199000', '199100', '199200', '199300']) expect(coa.byNumber.get(n)?.origin).toBe('clearing');
    for (const n of ['199999', '299999', '399999', '999999']) {
      const a = coa.byNumber.get(n)!;
      expect([a.origin, a.isPostable, a.isBlocked]).toEqual(['legacy', true, false]);
    }
    for (const n of ['198000', '298000']) {
      const a = coa.byNumber.get(n)!;
      expect([a.origin, a.isPostable, a.isBlocked]).toEqual(['legacy', false, true]);
    }
    expect(coa.accounts.filter((a) => a.isBlocked)).toHaveLength(2);
  });
});
