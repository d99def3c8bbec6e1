/** The master-data sources (domain.md §1.1, §4): each one partition p = 0, companies in config order. */
import type { SourcePlugin } from '../../engine/plugins.js';
import { employeesSource } from './employees.js';
import { vendorsSource } from './vendors.js';
import { customersSource } from './customers.js';
import { materialsSource } from './materials.js';
import { fixedAssetsSource } from './fixed-assets.js';

export { employeesSource, vendorsSource, customersSource, materialsSource, fixedAssetsSource };

/** In the generation order of domain.md §1.1 (employees → vendors → customers → materials → fixed assets). */
export const masterSources: SourcePlugin[] = [employeesSource, vendorsSource, customersSource, materialsSource, fixedAssetsSource];
