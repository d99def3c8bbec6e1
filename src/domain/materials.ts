/**
 * Materials (domain.md §4.4): per company `master_data.materials.count = 200` records with type, valuation,
 * prices, account determination and a preferred vendor. Draws from per-purpose streams
 * `Rng.for(seed, '@reference', 0, 'materials.<purpose>', cc)`, one draw sequence per record.
 */
import { Rng, WeightedChoice } from '../random/rng.js';
import type { PipelineConfig } from '../config/types.js';
import type { Company, FxTable } from './types.js';
import type { MaterialMaster, MaterialType, VendorMaster } from './master-types.js';
import { intOption, masterDataOptions } from './config-access.js';
import { roundHalfAwayFromZero } from './money.js';

export const DEFAULT_MATERIAL_COUNT = 200;

/** `master_data.materials.count` (domain.md §4.4). */
export function materialCountOf(config: PipelineConfig): number {
  return intOption(masterDataOptions(config, 'materials'), 'count', DEFAULT_MATERIAL_COUNT);
}

const typeChoice = new WeightedChoice<MaterialType>([
  ['raw_material', 0.35], ['finished_good', 0.30], ['semi_finished', 0.15], ['trading_good', 0.10],
  ['operating_supplies', 0.05], ['packaging', 0.05],
]);
const valuationChoice = new WeightedChoice<MaterialMaster['valuationMethod']>([
  ['standard_cost', 0.60], ['moving_average', 0.30], ['fifo', 0.08], ['lifo', 0.02],
]);

/** P2P lines use these types, O2C lines finished and trading goods (domain.md §4.4). */
export const P2P_MATERIAL_TYPES: ReadonlySet<MaterialType> = new Set(['raw_material', 'semi_finished', 'trading_good', 'operating_supplies', 'packaging']);
export const O2C_MATERIAL_TYPES: ReadonlySet<MaterialType> = new Set(['finished_good', 'trading_good']);

/** Type-specific description lists (engine resource): `{noun} {grade}`. */
export const MATERIAL_NOUNS: Readonly<Record<MaterialType, readonly string[]>> = Object.freeze({
  raw_material: ['Steel Sheet', 'Aluminium Rod', 'Copper Wire', 'Polymer Granulate', 'Hardwood Plank', 'Glass Panel', 'Stainless Tube',
    'Rubber Compound', 'Carbon Fiber Mat', 'Zinc Ingot'],
  finished_good: ['Industrial Pump', 'Control Unit', 'Office Chair', 'Power Supply', 'Electric Motor', 'Sensor Module', 'Valve Assembly',
    'Lighting Fixture', 'Gearbox', 'Display Panel'],
  semi_finished: ['Machined Housing', 'Circuit Board', 'Welded Frame', 'Molded Casing', 'Cable Harness', 'Painted Panel', 'Rotor Blank',
    'Coated Shaft'],
  trading_good: ['Hand Tool Set', 'Safety Gloves', 'LED Bulb', 'Cordless Drill', 'Fastener Kit', 'Work Boots', 'Extension Cable',
    'Tool Box'],
  operating_supplies: ['Lubricant Oil', 'Cleaning Agent', 'Cutting Fluid', 'Maintenance Service', 'Welding Gas', 'Filter Cartridge'],
  packaging: ['Cardboard Box', 'Pallet Wrap', 'Wooden Pallet', 'Foam Insert', 'Shipping Label Roll', 'Plastic Crate'],
});
const GRADES: readonly string[] = Object.freeze(['A', 'B', 'C', 'Standard', 'Premium', 'Heavy Duty', 'Light', 'XL', 'Mk II', 'Pro']);

const pad6 = (n: number): string => String(n).padStart(6, '0');

/**
 * A company's materials in id order; `MAT-{n:06}`, n = company_index × count + i + 1 (domain.md §0.3). The preferred
 * vendor is uniform among `activeVendors` (the P2P pool: active, non-reserve, non-shell, non-intercompany), null when
 * the pool is empty. Prices: standard_cost U[10, 10 000] group units → company cents at the reference rate,
 * list_price = standard_cost / (1 − margin), margin U[0.20, 0.50].
 *
 * @example
 * const mats = buildMaterials(company, 200, pool, ref.fx, ref.seed);
 * mats.every((m) => m.listPrice > m.standardCost); // true
 */
export function buildMaterials(company: Company, count: number, activeVendors: readonly VendorMaster[], fx: FxTable, seed: bigint): MaterialMaster[] {
  const cc = company.code;
  const typeRng = Rng.for(seed, '@reference', 0, 'materials.type', cc);
  const valuationRng = Rng.for(seed, '@reference', 0, 'materials.valuation', cc);
  const priceRng = Rng.for(seed, '@reference', 0, 'materials.price', cc);
  const bomRng = Rng.for(seed, '@reference', 0, 'materials.bom', cc);
  const stockRng = Rng.for(seed, '@reference', 0, 'materials.stock', cc);
  const vendorRng = Rng.for(seed, '@reference', 0, 'materials.vendor', cc);
  const textRng = Rng.for(seed, '@reference', 0, 'materials.text', cc);
  const out: MaterialMaster[] = [];
  for (let i = 0; i < count; i++) {
    const materialType = typeChoice.sample(typeRng);
    const valuationMethod = valuationChoice.sample(valuationRng);
    const costGroupCents = roundHalfAwayFromZero(priceRng.uniform(10, 10_000) * 100);
    const margin = priceRng.uniform(0.20, 0.50);
    const standardCost = Math.max(1, fx.groupToLocalAtReference(costGroupCents, company.currency));
    const listPrice = roundHalfAwayFromZero(standardCost / (1 - margin));
    const bomDraw = bomRng.float(); // drawn for every record: the stream stays aligned across types
    const hasBom = (materialType === 'finished_good' || materialType === 'semi_finished') && bomDraw < 0.25;
    const safetyStock = stockRng.int(10, 499);
    const preferredVendorId = activeVendors.length > 0 ? activeVendors[vendorRng.int(0, activeVendors.length - 1)].id : null;
    const description = `${textRng.pick(MATERIAL_NOUNS[materialType])} ${textRng.pick(GRADES)}`;
    const isSupplies = materialType === 'operating_supplies';
    out.push(Object.freeze({
      index: i,
      materialId: `MAT-${pad6(company.index * count + i + 1)}`,
      companyCode: cc,
      description,
      materialType,
      baseUom: isSupplies ? 'H' : 'EA',
      valuationMethod,
      standardCost,
      listPrice,
      purchasePrice: standardCost,
      inventoryAccount: '1200',
      cogsAccount: '5000',
      revenueAccount: '4000',
      purchaseExpenseAccount: isSupplies ? '6500' : '5100',
      priceDifferenceAccount: '5400',
      grIrAccount: '2900',
      hasBom,
      safetyStock,
      reorderPoint: 2 * safetyStock,
      preferredVendorId,
      plant: `P${cc}`,
      isActive: true,
    }));
  }
  return out;
}
