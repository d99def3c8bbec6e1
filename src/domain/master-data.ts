/**
 * `masterData(ctx)`: the full master data of domain.md §4 (see master-types.ts), a pure function of
 * (config, seed), memoized per ReferenceData object; companies are built lazily on first use.
 *
 * Identities (ids, names, pools) are the ones of buildReferenceData — the same objects JE generation picks
 * from — so master data and journal entries always agree; the attributes come from their own streams.
 */
import type { PipelineConfig } from '../config/types.js';
import type { Company, ReferenceData } from './types.js';
import type { CompanyMaster, EmployeeMaster, MasterData, VendorMaster } from './master-types.js';
import type { ReferenceDataExt } from './reference.js';
import { fixedAssetCountOf, partnerCountsOf } from './reference.js';
import { buildCustomers, buildVendors, type CustomerRecord, type VendorRecord } from './partners.js';
import { buildEmployeeIdentities, type EmployeeDepartment, type EmployeeIdentity } from './employees.js';
import { buildFixedAssetIdentities, type FixedAssetIdentity } from './fixed-assets.js';
import { buildCustomerMasters, buildVendorMasters } from './partner-master.js';
import { buildMaterials, materialCountOf, O2C_MATERIAL_TYPES, P2P_MATERIAL_TYPES } from './materials.js';
import { buildEmployeeMasters, buildFixedAssetMasters, DEFAULT_EMAIL_DOMAIN } from './org-master.js';
import { masterDataOptions } from './config-access.js';
import { discountDay, dueDay } from './payment-terms.js';

export type { MasterData, CompanyMaster } from './master-types.js';
export { materialCountOf } from './materials.js';

const memo = new WeakMap<ReferenceData, MasterData>();

/** `templates.names.email_domain` (domain.md §4.5): option `email_domain` of the `employees` source; default company.com. */
export function emailDomainOf(config: PipelineConfig): string {
  const v = masterDataOptions(config, 'employees')?.email_domain;
  return typeof v === 'string' && v !== '' ? v : DEFAULT_EMAIL_DOMAIN;
}

interface Identities {
  vendors(c: Company): readonly VendorRecord[];
  customers(c: Company): readonly CustomerRecord[];
  employees(c: Company): readonly EmployeeIdentity[];
  fixedAssets(c: Company): readonly FixedAssetIdentity[];
}

/** The identity lists: the reference's own when it is a ReferenceDataExt (the normal case), else rebuilt identically. */
function identitiesOf(config: PipelineConfig, reference: ReferenceData): Identities {
  const ext = reference as Partial<ReferenceDataExt>;
  if (ext.vendorRecordsOf && ext.customerRecordsOf && ext.employeeIdentitiesOf && ext.fixedAssetIdentitiesOf) {
    const { vendorRecordsOf, customerRecordsOf, employeeIdentitiesOf, fixedAssetIdentitiesOf } = ext;
    return {
      vendors: (c) => vendorRecordsOf(c.code),
      customers: (c) => customerRecordsOf(c.code),
      employees: (c) => employeeIdentitiesOf(c.code),
      fixedAssets: (c) => fixedAssetIdentitiesOf(c.code),
    };
  }
  const counts = partnerCountsOf(config);
  const faCount = fixedAssetCountOf(config);
  return {
    vendors: (c) => buildVendors(c, reference.companies, counts, reference.seed),
    customers: (c) => buildCustomers(c, reference.companies, reference.industry, counts, reference.seed),
    employees: (c) => buildEmployeeIdentities(c, reference.seed),
    fixedAssets: (c) => buildFixedAssetIdentities(c, faCount, reference.seed),
  };
}

function buildCompanyMaster(company: Company, ids: Identities, materialCount: number, emailDomain: string, reference: ReferenceData): CompanyMaster {
  const { fx, seed, period } = reference;
  const vendors = Object.freeze(buildVendorMasters(company, ids.vendors(company), fx, seed));
  const customers = Object.freeze(buildCustomerMasters(company, ids.customers(company), fx, seed));
  // domain.md §6.2 / §6.3 pools; same rule as partners.selectablePartners.
  const p2pVendors: readonly VendorMaster[] = Object.freeze(vendors.filter((v) => v.isActive && !v.isReserve && !v.isShell && !v.isIntercompany));
  const o2cCustomers = Object.freeze(customers.filter((c) => c.isActive && !c.isReserve && !c.isShell && !c.isIntercompany));
  const materials = Object.freeze(buildMaterials(company, materialCount, p2pVendors, fx, seed));
  const employees = Object.freeze(buildEmployeeMasters(company, ids.employees(company), period, fx, seed, emailDomain));
  const fixedAssets = Object.freeze(buildFixedAssetMasters(company, ids.fixedAssets(company), period, fx, seed));
  const byDept = new Map<string, EmployeeMaster[]>();
  const none: readonly EmployeeMaster[] = Object.freeze([]);
  for (const e of employees) {
    const l = byDept.get(e.department);
    if (l) l.push(e);
    else byDept.set(e.department, [e]);
  }
  for (const l of byDept.values()) Object.freeze(l);
  return Object.freeze({
    companyCode: company.code,
    vendors,
    customers,
    materials,
    employees,
    fixedAssets,
    p2pVendors,
    o2cCustomers,
    p2pMaterials: Object.freeze(materials.filter((m) => P2P_MATERIAL_TYPES.has(m.materialType))),
    o2cMaterials: Object.freeze(materials.filter((m) => O2C_MATERIAL_TYPES.has(m.materialType))),
    employeesIn: (department: EmployeeDepartment): readonly EmployeeMaster[] => byDept.get(department) ?? none,
  });
}

/**
 * The master data of a run (domain.md §4), memoized per `reference` object; `of(cc)` builds a company on first use.
 * Throws RangeError for an unknown company code.
 *
 * @example
 * const reference = buildReferenceData(config, 42n);
 * const md = masterData({ config, reference });
 * const v = md.of('1000').p2pVendors[0];
 * md.dueDay(v.paymentTerms, invoiceDay, reference.calendar('US')); // a business day
 */
export function masterData(ctx: { readonly config: PipelineConfig; readonly reference: ReferenceData }): MasterData {
  const { config, reference } = ctx;
  const hit = memo.get(reference);
  if (hit) return hit;
  const ids = identitiesOf(config, reference);
  const materialCount = materialCountOf(config);
  const emailDomain = emailDomainOf(config);
  const cache = new Map<string, CompanyMaster>();
  const md: MasterData = Object.freeze({
    of(companyCode: string): CompanyMaster {
      let cm = cache.get(companyCode);
      if (cm === undefined) {
        const company = reference.companyByCode.get(companyCode);
        if (company === undefined) throw new RangeError(`masterData: unknown company ${companyCode}`);
        cm = buildCompanyMaster(company, ids, materialCount, emailDomain, reference);
        cache.set(companyCode, cm);
      }
      return cm;
    },
    dueDay,
    discountDay,
  });
  memo.set(reference, md);
  return md;
}
