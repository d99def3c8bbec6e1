import { describe, expect, it } from 'vitest';
import type { CompanyConfig, PipelineConfig } from '../../src/config/types.js';
import { buildReferenceData } from '../../src/domain/reference.js';
import { humanUserId } from '../../src/domain/users.js';
import { dedupName, VENDOR_DEDUP_SUFFIXES, asciiFold } from '../../src/domain/names.js';
import { reserveCount } from '../../src/domain/partners.js';

function config(companies: CompanyConfig[], sources: PipelineConfig['sources'] = {}): PipelineConfig {
  return { version: 1, period: { start: '2025-01-01', months: 12 }, companies, sources };
}
const three: CompanyConfig[] = [
  { code: '1000', name: 'Acme US', currency: 'USD', country: 'US', volume: 'ten_k' },
  { code: '2000', name: 'Acme DE', currency: 'EUR', country: 'DE', volume: 'ten_k' },
  { code: '3000', name: 'Acme JP', currency: 'JPY', country: 'JP', volume: 'ten_k' },
];
const ref = buildReferenceData(config(three), 11n);

describe('JE users (domain.md §4.5)', () => {
  it('has 21 humans and 20 automated users per company plus 3 reserved rows', () => {
    expect(ref.jeUsers).toHaveLength(3 * 41 + 3);
    for (const c of ref.companies) {
      const users = ref.jeUsersOf(c.code);
      const count = (p: string) => users.filter((u) => u.persona === p).length;
      expect([count('junior_accountant'), count('senior_accountant'), count('controller'), count('manager'), count('executive'), count('automated_system')])
        .toEqual([10, 5, 2, 3, 1, 20]);
    }
    const reserved = ref.jeUsers.filter((u) => u.companyCode === null);
    expect(reserved.map((u) => u.userId)).toEqual(['SYSTEM', 'IC_GENERATOR', 'CONSOLIDATION']);
    expect(reserved.every((u) => u.persona === 'system' && u.isAutomated && u.approvalLimit === null)).toBe(true);
  });

  it('formats ids per §0.3 with a run-wide counter', () => {
    const humans = ref.jeUsers.filter((u) => u.companyCode !== null && !u.isAutomated);
    humans.forEach((u, i) => {
      expect(u.userId).toMatch(/^[A-Z][A-Z]{1,5}\d{3,}$/);
      expect(Number(/\d+$/.exec(u.userId)![0])).toBe(i + 1);
      const [first, last] = u.displayName.split(' ');
      expect(u.userId).toBe(humanUserId(first, last, i + 1));
    });
    const automated = ref.jeUsers.filter((u) => u.persona === 'automated_system');
    expect(automated.map((u) => u.userId)).toEqual(Array.from({ length: 60 }, (_, i) => `BATCH${String(i + 1).padStart(4, '0')}`));
    expect(new Set(ref.jeUsers.map((u) => u.userId)).size).toBe(ref.jeUsers.length);
    expect(humanUserId('Jürgen', 'Schröder', 7)).toBe('JSCHRO007');
    expect(humanUserId('John', 'Li', 1234)).toBe('JLI1234');
    expect(humanUserId("D'Arcy", "O'Neil-Smith", 12)).toBe('DONEIL012');
  });

  it('sets error rates, approval limits in group cents and working hours', () => {
    const u = ref.jeUsersOf('2000');
    const byPersona = (p: string) => u.find((x) => x.persona === p)!;
    expect(byPersona('junior_accountant')).toMatchObject({ errorRate: 0.02, approvalLimit: 100_000 });
    expect(byPersona('senior_accountant')).toMatchObject({ errorRate: 0.005, approvalLimit: 1_000_000 });
    expect(byPersona('controller')).toMatchObject({ errorRate: 0.002, approvalLimit: 10_000_000 });
    expect(byPersona('manager')).toMatchObject({ errorRate: 0.003, approvalLimit: 50_000_000 });
    expect(byPersona('executive')).toMatchObject({ errorRate: 0.001, approvalLimit: null });
    expect(byPersona('automated_system')).toMatchObject({ errorRate: 0.0001, approvalLimit: null, workingHoursPattern: 'always', isAutomated: true });
    const humans = ref.jeUsers.filter((x) => x.companyCode !== null && !x.isAutomated);
    expect(humans.every((x) => ['us_standard', 'european', 'asian'].includes(x.workingHoursPattern))).toBe(true);
  });

  it('draws working hours ≈ .50/.25/.25 over many users', () => {
    const many = Array.from({ length: 40 }, (_, i): CompanyConfig => ({ code: `C${i}`, name: `Co ${i}`, currency: 'USD', country: 'US', volume: 10 }));
    const big = buildReferenceData(config(many), 5n);
    const humans = big.jeUsers.filter((x) => x.companyCode !== null && !x.isAutomated);
    const share = humans.filter((x) => x.workingHoursPattern === 'us_standard').length / humans.length;
    expect(humans).toHaveLength(840);
    expect(Math.abs(share - 0.5)).toBeLessThan(4 * Math.sqrt(0.25 / 840));
  });
});

describe('cost centers (domain.md §4.6)', () => {
  it('is a 21-row two-level tree per company', () => {
    const cc = ref.costCentersOf('1000');
    expect(cc).toHaveLength(21);
    expect(cc.filter((c) => c.level === 1).map((c) => c.id)).toEqual(['CC-1000-FIN', 'CC-1000-PROD', 'CC-1000-SALES', 'CC-1000-RD', 'CC-1000-CORP']);
    const ids = new Set(cc.map((c) => c.id));
    for (const c of cc) {
      expect(c.id).toMatch(/^CC-1000-[A-Z]+(-[A-Z]+)?$/);
      if (c.level === 1) expect(c.parentId).toBeNull();
      else {
        expect(ids.has(c.parentId!)).toBe(true);
        expect(c.id.startsWith(`${c.parentId}-`)).toBe(true);
      }
    }
    expect(cc.filter((c) => c.level === 2).map((c) => c.id.slice('CC-1000-'.length))).toEqual([
      'FIN-AP', 'FIN-AR', 'FIN-GL', 'FIN-TAX', 'PROD-ASSY', 'PROD-QC', 'PROD-MAINT', 'SALES-DOM', 'SALES-INTL', 'SALES-MKT',
      'RD-RSCH', 'RD-DEV', 'CORP-EXEC', 'CORP-HR', 'CORP-IT', 'CORP-LEGAL',
    ]);
    const cat = Object.fromEntries(cc.filter((c) => c.level === 1).map((c) => [c.department, c.category]));
    expect(cat).toEqual({ FIN: 'administration', PROD: 'production', SALES: 'sales', RD: 'r_and_d', CORP: 'corporate' });
  });

  it('assigns responsible employees that exist (heads, COO, CEO; subs inherit)', () => {
    const emps = ref.employeesOf('2000');
    const byId = new Map(emps.map((e) => [e.employeeId, e]));
    const cc = ref.costCentersOf('2000');
    const resp = (id: string) => cc.find((c) => c.id === id)!.responsibleEmployeeId!;
    expect(byId.get(resp('CC-2000-FIN'))!.department).toBe('finance');
    expect(byId.get(resp('CC-2000-SALES'))!.department).toBe('sales');
    expect(byId.get(resp('CC-2000-PROD'))!.department).toBe('warehouse');
    expect(resp('CC-2000-RD')).toBe('EMP-2000-000003');
    expect(resp('CC-2000-CORP')).toBe('EMP-2000-000001');
    expect(resp('CC-2000-FIN-TAX')).toBe(resp('CC-2000-FIN'));
    const ids = ref.employeeIdentitiesOf('2000');
    expect(ids.find((e) => e.employeeId === resp('CC-2000-FIN'))!.role).toBe('department_head');
  });
});

describe('employees and fixed assets (identities)', () => {
  it('has 68 employees per company with §0.3 ids', () => {
    const e = ref.employeeIdentitiesOf('3000');
    expect(e).toHaveLength(68);
    expect(e[0]).toMatchObject({ employeeId: 'EMP-3000-000001', userId: 'u000137', role: 'ceo', department: 'executive', managerId: null });
    expect(e[67].employeeId).toBe('EMP-3000-000068');
    expect(e[67].userId).toBe('u000204');
    const depts = e.reduce<Record<string, number>>((m, x) => ({ ...m, [x.department]: (m[x.department] ?? 0) + 1 }), {});
    expect(depts).toEqual({ executive: 3, finance: 15, procurement: 10, sales: 20, warehouse: 12, it: 8 });
    const ids = new Set(e.map((x) => x.employeeId));
    expect(e.every((x) => x.managerId === null || ids.has(x.managerId))).toBe(true);
    expect(e.every((x) => x.displayName === `${x.firstName} ${x.lastName}`)).toBe(true);
  });

  it('has fixed assets FA-{cc}-{n:06} with descriptions', () => {
    const fa = ref.fixedAssetIdentitiesOf('1000');
    expect(fa).toHaveLength(50);
    expect(fa.map((f) => f.assetId)).toEqual(Array.from({ length: 50 }, (_, i) => `FA-1000-${String(i + 1).padStart(6, '0')}`));
    expect(fa.every((f) => f.description.length > 0)).toBe(true);
    expect(new Set(fa.map((f) => f.assetClass)).size).toBeGreaterThan(3);
  });
});

describe('vendors and customers (domain.md §4.1, §4.2)', () => {
  it('has reserve, intercompany and shell pools', () => {
    const v = ref.vendorRecordsOf('2000');
    expect(v).toHaveLength(52);
    expect(v.map((x) => x.id)).toEqual(Array.from({ length: 52 }, (_, i) => `V-${String(52 + i + 1).padStart(6, '0')}`));
    expect(reserveCount(50)).toBe(3);
    expect(v.filter((x) => x.isReserve).map((x) => x.index)).toEqual([47, 48, 49]);
    expect(v.filter((x) => x.isShell).map((x) => x.index)).toEqual([50, 51]);
    const ic = v.filter((x) => x.isIntercompany);
    expect(ic.map((x) => x.index)).toEqual([44, 45, 46]);
    expect(ic.map((x) => x.intercompanyCode)).toEqual(['IC-1000', 'IC-3000', 'IC-1000']);
    expect(ic[0].name).toBe('Acme US');
    expect(ic[1].name).toBe('Acme JP');
    expect(ic[2].name).toBe('Acme US II');
    expect(v.every((x) => !(x.isShell && (x.isReserve || x.isIntercompany)))).toBe(true);
    expect(new Set(v.map((x) => x.name)).size).toBe(52);

    const c = ref.customerRecordsOf('1000');
    expect(c).toHaveLength(100);
    expect(c[0].id).toBe('C-000001');
    expect(ref.customerRecordsOf('3000')[99].id).toBe('C-000300');
    expect(c.filter((x) => x.isReserve).map((x) => x.index)).toEqual([95, 96, 97, 98, 99]);
    expect(c.filter((x) => x.isIntercompany)).toHaveLength(5);
    expect(c.filter((x) => x.isIntercompany).every((x) => x.intercompanyCode === 'IC-2000' || x.intercompanyCode === 'IC-3000')).toBe(true);
    expect(new Set(c.map((x) => x.name)).size).toBe(100);
  });

  it('has no intercompany partners with a single company, and honours configured counts', () => {
    const one = buildReferenceData(config([three[0]], {
      v: { type: 'vendors', count: 20, shell_count: 1 },
      m: { type: 'master_data', customers: { count: 40 }, fixed_assets: { count: 7 } },
    }), 1n);
    const v = one.vendorsOf('1000');
    expect(v).toHaveLength(21);
    expect(v.filter((x) => x.isReserve)).toHaveLength(1);
    expect(v.filter((x) => x.isShell)).toHaveLength(1);
    expect(v.some((x) => x.isIntercompany)).toBe(false);
    expect(one.customersOf('1000')).toHaveLength(40);
    expect(one.customersOf('1000').filter((x) => x.isReserve)).toHaveLength(2);
    expect(one.customersOf('1000').some((x) => x.isIntercompany)).toBe(false);
    expect(one.fixedAssetsOf('1000')).toHaveLength(7);
  });

  it('deduplicates names with the §4.1 suffixes', () => {
    const taken = new Set<string>();
    const got = Array.from({ length: 9 }, () => dedupName('Staples', taken, VENDOR_DEDUP_SUFFIXES));
    expect(got).toEqual(['Staples', 'Staples II', 'Staples III', 'Staples & Co.', 'Staples Group', 'Staples Holdings',
      'Staples International', 'Staples #2', 'Staples #3']);
    expect(asciiFold('Lefèvre Müßig')).toBe('Lefevre Mussig');
  });
});

describe('selectablePartners', () => {
  it('drops reserve, shell and (by default) intercompany partners', async () => {
    const { selectablePartners } = await import('../../src/domain/partners.js');
    const v = ref.vendorsOf('1000');
    expect(selectablePartners(v)).toHaveLength(52 - 3 - 2 - 3);
    expect(selectablePartners(v, { includeIntercompany: true })).toHaveLength(52 - 3 - 2);
    expect(selectablePartners(ref.customersOf('1000'))).toHaveLength(90);
  });
});
