/**
 * Text resources of standalone entries (domain.md §5.6 header placeholders, §5.1 line texts,
 * §5.9 typos). Deterministic: every choice is made by the caller's Rng.
 */
import type { Rng } from '../../random/rng.js';

export const MONTH_NAMES: readonly string[] = [
  'January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December',
];

/** Line texts by the account's first digit (domain.md §5.1 col. 46); index 0 unused. */
const CLASS_1 = ['Bank deposit', 'Cash transfer', 'Receivable posting', 'Inventory movement', 'Asset capitalization', 'Clearing transfer'];
const CLASS_2 = ['Accrued expense', 'Vendor liability', 'Tax payable', 'Payroll liability', 'Deferred income'];
const CLASS_3 = ['Equity adjustment', 'Capital contribution', 'Retained earnings transfer'];
const CLASS_4 = ['Service revenue', 'Product sales', 'Revenue adjustment', 'Other income'];
const CLASS_5_7 = ['Insurance premium', 'Office expense', 'Material cost', 'Consulting fees', 'Rent expense', 'Utility charges', 'Staff cost'];
const CLASS_8_9 = ['Statistical posting', 'Tax provision', 'Suspense clearing'];
export const LINE_TEXTS_BY_CLASS: readonly (readonly string[])[] = [
  [], CLASS_1, CLASS_2, CLASS_3, CLASS_4, CLASS_5_7, CLASS_5_7, CLASS_5_7, CLASS_8_9, CLASS_8_9,
];

/** Department names for `{Department}` (the organisation of domain.md §4.5). */
export const DEPARTMENT_NAMES: readonly string[] = ['Finance', 'Procurement', 'Sales', 'Warehouse', 'IT', 'Executive Office'];

/** `{ProjectName}` list. */
export const PROJECT_NAMES: readonly string[] = [
  'Plant Expansion', 'ERP Upgrade', 'Warehouse Automation', 'Headquarters Renovation', 'Fleet Renewal', 'Data Center Migration',
  'Production Line 4', 'Solar Roof Installation', 'Packaging Line Retrofit', 'Quality Lab Build-out',
];

export interface PlaceholderValues {
  partnerName: string;
  month: string;
  quarter: string;
  year: string;
  reference: string;
  employeeNames: readonly string[];
  assetDescriptions: readonly string[];
}

/**
 * Fills `{Placeholder}`s of a header text template (domain.md §5.6); list-valued placeholders
 * draw from `rng` in order of appearance.
 */
export function fillHeader(template: string, v: PlaceholderValues, rng: Rng): string {
  if (template.indexOf('{') < 0) return template;
  return template.replace(/\{(\w+)\}/g, (_m, key: string) => {
    switch (key) {
      case 'CustomerName':
      case 'VendorName': return v.partnerName;
      case 'Month': return v.month;
      case 'Quarter': return v.quarter;
      case 'Year': return v.year;
      case 'PONumber':
      case 'InvoiceNumber': return v.reference;
      case 'EmployeeName': return v.employeeNames.length > 0 ? rng.pick(v.employeeNames) : 'Employee';
      case 'AssetDescription': return v.assetDescriptions.length > 0 ? rng.pick(v.assetDescriptions) : 'Equipment';
      case 'ProjectName': return rng.pick(PROJECT_NAMES);
      case 'Department': return rng.pick(DEPARTMENT_NAMES);
      default: throw new Error(`unknown header placeholder {${key}}`);
    }
  });
}

const TYPO_WORDS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bthe\b/, 'teh'], [/\band\b/, 'adn'], [/\bwith\b/, 'wiht'], [/\bthat\b/, 'taht'], [/\breceive\b/, 'recieve'],
];

/**
 * Persona typo (domain.md §5.9): replace the first of the/and/with/that/receive, else swap two
 * adjacent different letters of one word. Returns null when no typo is possible.
 */
export function applyTypo(text: string, rng: Rng): string | null {
  let first = -1;
  let firstRule = -1;
  for (let r = 0; r < TYPO_WORDS.length; r++) {
    const m = TYPO_WORDS[r][0].exec(text);
    if (m && (first < 0 || m.index < first)) {
      first = m.index;
      firstRule = r;
    }
  }
  if (firstRule >= 0) return text.replace(TYPO_WORDS[firstRule][0], TYPO_WORDS[firstRule][1]);
  // Candidate positions: letter pairs inside a word that differ.
  const positions: number[] = [];
  for (let i = 0; i + 1 < text.length; i++) {
    const a = text[i];
    const b = text[i + 1];
    if (isLetter(a) && isLetter(b) && a !== b) positions.push(i);
  }
  if (positions.length === 0) return null;
  const i = rng.pick(positions);
  return text.slice(0, i) + text[i + 1] + text[i] + text.slice(i + 2);
}

function isLetter(c: string): boolean {
  const x = c.charCodeAt(0);
  return (x >= 65 && x <= 90) || (x >= 97 && x <= 122);
}
