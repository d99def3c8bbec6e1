/**
 * Format variations (domain.md §9.3): the value stays the same, its spelling changes. Text: case
 * and whitespace; identifiers: case, padding, separators, prefix/suffix; dates (document_date): ten
 * spellings that all parse back to the same day; amounts: nine spellings that all parse back to the
 * same cents. Each picks a variant uniformly among those that change the value; null when none does.
 */
import type { Rng } from '../../random/rng.js';
import { ymdOf } from '../../domain/dates.js';
import { MONTH_NAMES } from '../../sources/journal-entries/texts.js';

export interface Variation {
  readonly value: string;
  readonly subtype: string;
}

/** Tries the variants starting at a uniformly drawn one, in cyclic order, until one changes the value. */
function firstChanging(original: string, variants: ReadonlyArray<readonly [string, (s: string) => string | null]>, rng: Rng): Variation | null {
  const start = rng.int(0, variants.length - 1);
  for (let k = 0; k < variants.length; k++) {
    const [subtype, f] = variants[(start + k) % variants.length];
    const v = f(original);
    if (v !== null && v !== original) return { value: v, subtype };
  }
  return null;
}

function titleCase(s: string): string {
  return s.replace(/\S+/g, (w) => w[0].toUpperCase() + w.slice(1).toLowerCase());
}

const TEXT_SUBTYPES = ['upper', 'lower', 'title', 'leading_space', 'trailing_space', 'doubled_spaces'] as const;

/** Text variant k of `s` (TEXT_SUBTYPES order); `at` = the space to double, −1 for none. */
function textVariant(k: number, s: string, at: number): string | null {
  switch (k) {
    case 0: return s.toUpperCase();
    case 1: return s.toLowerCase();
    case 2: return titleCase(s);
    case 3: return ` ${s}`;
    case 4: return `${s} `;
    default: return at < 0 ? null : `${s.slice(0, at)} ${s.slice(at)}`;
  }
}

/**
 * Text variation of a free-text field: upper, lower, title, one leading space, one trailing space,
 * doubled spaces (one space doubled). Variants are tried as `firstChanging` does, without building
 * its list (one call per hit on the hot path).
 *
 * @example
 * textVariation('Vendor Invoice - Acme', rng); // e.g. { value: 'VENDOR INVOICE - ACME', subtype: 'upper' }
 */
export function textVariation(text: string, rng: Rng): Variation | null {
  // The doubled space is drawn up front so every variant consumes the same draws.
  let spaces = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 32) spaces++;
  let at = -1;
  if (spaces > 0) {
    let want = rng.int(0, spaces - 1);
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 32 && want-- === 0) {
        at = i;
        break;
      }
    }
  }
  const n = TEXT_SUBTYPES.length;
  const start = rng.int(0, n - 1);
  for (let j = 0; j < n; j++) {
    const k = (start + j) % n;
    const v = textVariant(k, text, at);
    if (v !== null && v !== text) return { value: v, subtype: TEXT_SUBTYPES[k] };
  }
  return null;
}

const SEPARATORS = ['_', '/', '.', ' ', ''];
const PREFIXES = ['#', 'ID-', 'REF:'];
const SUFFIXES = ['-A', '/01', '.'];

/**
 * Identifier variation (reference, cost_center, profit_center): case change, zero padding of the
 * last digit run, space padding, separator change, prefix, suffix.
 *
 * @example
 * identifierVariation('SO-2025-000123', rng); // e.g. { value: 'SO_2025_000123', subtype: 'separator_change' }
 */
export function identifierVariation(id: string, rng: Rng): Variation | null {
  const sep = SEPARATORS[rng.int(0, SEPARATORS.length - 1)];
  const pre = PREFIXES[rng.int(0, PREFIXES.length - 1)];
  const suf = SUFFIXES[rng.int(0, SUFFIXES.length - 1)];
  const lead = rng.chance(0.5);
  const n = IDENTIFIER_SUBTYPES.length;
  const start = rng.int(0, n - 1);
  for (let j = 0; j < n; j++) {
    const k = (start + j) % n;
    const v = identifierVariant(k, id, sep, pre, suf, lead);
    if (v !== null && v !== id) return { value: v, subtype: IDENTIFIER_SUBTYPES[k] };
  }
  return null;
}

const IDENTIFIER_SUBTYPES = ['case_change', 'zero_padding', 'space_padding', 'separator_change', 'prefix', 'suffix'] as const;

/** Identifier variant k of `s` (IDENTIFIER_SUBTYPES order) with the drawn separator, prefix, suffix and padding side. */
function identifierVariant(k: number, s: string, sep: string, pre: string, suf: string, lead: boolean): string | null {
  switch (k) {
    case 0: return s.toUpperCase() !== s ? s.toUpperCase() : s.toLowerCase();
    case 1: {
      const m = /(\d+)(\D*)$/.exec(s);
      return m ? `${s.slice(0, m.index)}00${m[1]}${m[2]}` : null;
    }
    case 2: return lead ? `  ${s}` : `${s}  `;
    case 3: return s.includes('-') ? s.split('-').join(sep) : null;
    case 4: return `${pre}${s}`;
    default: return `${s}${suf}`;
  }
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** Date spellings of domain.md §9.3, in listed order. */
export const DATE_VARIANTS = ['us_date', 'us_dash', 'eu_date', 'eu_dash', 'eu_dot', 'long_date', 'short_year', 'compact', 'unix_seconds', 'excel_serial'] as const;
/** Excel serial of 1970-01-01 (the 1900 date system, leap-year bug included). */
const EXCEL_EPOCH_OFFSET = 25569;

/** One date spelling of a day number. */
export function formatDateVariant(day: number, subtype: (typeof DATE_VARIANTS)[number]): string {
  const { year, month, day: d } = ymdOf(day);
  const yyyy = String(year).padStart(4, '0');
  switch (subtype) {
    case 'us_date': return `${pad2(month)}/${pad2(d)}/${yyyy}`;
    case 'us_dash': return `${pad2(month)}-${pad2(d)}-${yyyy}`;
    case 'eu_date': return `${pad2(d)}/${pad2(month)}/${yyyy}`;
    case 'eu_dash': return `${pad2(d)}-${pad2(month)}-${yyyy}`;
    case 'eu_dot': return `${pad2(d)}.${pad2(month)}.${yyyy}`;
    case 'long_date': return `${MONTH_NAMES[month - 1]} ${d}, ${yyyy}`;
    case 'short_year': return `${pad2(month)}/${pad2(d)}/${yyyy.slice(2)}`;
    case 'compact': return `${yyyy}${pad2(month)}${pad2(d)}`;
    case 'unix_seconds': return String(day * 86_400);
    case 'excel_serial': return String(day + EXCEL_EPOCH_OFFSET);
  }
}

/**
 * Date variation of `document_date`: one of the ten spellings, uniformly.
 *
 * @example
 * dateVariation(20103, rng); // e.g. { value: '01/15/2025', subtype: 'us_date' }
 */
export function dateVariation(day: number, rng: Rng): Variation {
  const subtype = DATE_VARIANTS[rng.int(0, DATE_VARIANTS.length - 1)];
  return { value: formatDateVariant(day, subtype), subtype };
}

function groupDigits(whole: string, sep: string): string {
  let out = '';
  for (let i = 0; i < whole.length; i++) {
    if (i > 0 && (whole.length - i) % 3 === 0) out += sep;
    out += whole[i];
  }
  return out;
}

/**
 * Amount variation of a money value (integer cents): US grouping `1,234.56`, EU `1.234,56`,
 * space-grouped `1 234.56`, currency prefix `USD 1234.56` / suffix `1234.56 USD`, accounting
 * `(1,234.56)` (negatives only), scientific `1.23456e+3`, no decimals (whole amounts only, so the
 * cents survive), four decimals `1234.5600`.
 *
 * @example
 * amountVariation(-123456, 'EUR', rng); // e.g. { value: '(1,234.56)', subtype: 'accounting' }
 */
export function amountVariation(cents: number, currency: string, rng: Rng): Variation | null {
  const neg = cents < 0;
  const a = Math.abs(cents);
  const whole = String(Math.floor(a / 100));
  const frac = pad2(a % 100);
  const sign = neg ? '-' : '';
  const plain = `${sign}${whole}.${frac}`;
  return firstChanging(plain, [
    ['us_comma', () => `${sign}${groupDigits(whole, ',')}.${frac}`],
    ['eu_format', () => `${sign}${groupDigits(whole, '.')},${frac}`],
    ['space_grouped', () => `${sign}${groupDigits(whole, ' ')}.${frac}`],
    ['currency_prefix', () => `${currency} ${plain}`],
    ['currency_suffix', () => `${plain} ${currency}`],
    ['accounting', () => (neg ? `(${groupDigits(whole, ',')}.${frac})` : null)],
    // Shortest round-trip spelling of the double: parses back to the same cents.
    ['scientific', () => (cents / 100).toExponential()],
    ['no_decimals', () => (a % 100 === 0 ? `${sign}${whole}` : null)],
    ['four_decimals', () => `${plain}00`],
  ], rng);
}
