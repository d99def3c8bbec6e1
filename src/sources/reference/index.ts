/** The reference-data sources (domain.md §1.1): each one partition p = 0. */
import type { SourcePlugin } from '../../engine/plugins.js';
import { companiesSource } from './companies.js';
import { chartOfAccountsSource } from './chart-of-accounts.js';
import { calendarSource } from './calendar.js';
import { fxSource } from './fx.js';
import { costCentersSource } from './cost-centers.js';
import { jeUsersSource } from './je-users.js';

export { companiesSource, chartOfAccountsSource, calendarSource, fxSource, costCentersSource, jeUsersSource };

export const referenceSources: SourcePlugin[] = [
  companiesSource, chartOfAccountsSource, calendarSource, fxSource, costCentersSource, jeUsersSource,
];
