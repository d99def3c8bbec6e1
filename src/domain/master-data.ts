/**
 * `masterData(ctx)`: the full master data of domain.md §4 (see master-types.ts), a pure function of
 * (config, seed), memoized per ReferenceData object.
 *
 * CONTRACT STUB — implemented by the master-data work (issue 3, part 1). Do not rely on this body.
 */
import type { PipelineConfig } from '../config/types.js';
import type { ReferenceData } from './types.js';
import type { MasterData } from './master-types.js';

export type { MasterData, CompanyMaster } from './master-types.js';

export function masterData(ctx: { readonly config: PipelineConfig; readonly reference: ReferenceData }): MasterData {
  void ctx;
  throw new Error('masterData: not implemented yet');
}
