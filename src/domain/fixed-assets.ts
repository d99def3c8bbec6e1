/**
 * Fixed-asset identities (domain.md §4.7) as JE generation needs them: ids, classes, descriptions.
 * The `fixed_assets` table adds costs, lives and depreciation from its own streams.
 */
import { Rng, WeightedChoice } from '../random/rng.js';
import type { Company, FixedAssetRef } from './types.js';
import { ASSET_CLASS_WEIGHTS, ASSET_DESCRIPTIONS, type AssetClass } from './names.js';

export const DEFAULT_FIXED_ASSET_COUNT = 50;

export interface FixedAssetIdentity extends FixedAssetRef {
  readonly index: number;
  readonly assetClass: AssetClass;
}

const classChoice = new WeightedChoice(ASSET_CLASS_WEIGHTS);

/** `FA-{cc}-{n:06}`, n = i + 1; class and description from `Rng.for(seed, '@reference', 0, 'fixed_assets', cc)`. */
export function buildFixedAssetIdentities(company: Company, count: number, seed: bigint): FixedAssetIdentity[] {
  const rng = Rng.for(seed, '@reference', 0, 'fixed_assets', company.code);
  const out: FixedAssetIdentity[] = [];
  for (let i = 0; i < count; i++) {
    const assetClass = classChoice.sample(rng);
    out.push(Object.freeze({
      index: i,
      assetId: `FA-${company.code}-${String(i + 1).padStart(6, '0')}`,
      companyCode: company.code,
      description: rng.pick(ASSET_DESCRIPTIONS[assetClass]),
      assetClass,
    }));
  }
  return out;
}
