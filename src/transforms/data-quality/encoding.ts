/**
 * Encoding issues (domain.md §9.3), uniform among the kinds that change the text:
 * - `mojibake`: the UTF-8 bytes read as Latin-1 (`Müller` → `MÃ¼ller`); needs a non-ASCII character.
 *   Reversible: `Buffer.from(bad, 'latin1').toString('utf8')` gives the original back.
 * - `missing_chars`: characters the target code page lacks become `?` (every non-ASCII character;
 *   in pure ASCII text one drawn letter or digit, a lost byte).
 * - `html_entities`: `& < > " '` and non-ASCII characters as HTML entities; text without any of
 *   them gets its spaces as `&nbsp;`.
 */
import type { Rng } from '../../random/rng.js';

export interface EncodingResult {
  readonly value: string;
  readonly subtype: 'mojibake' | 'missing_chars' | 'html_entities';
}

/** Anything but printable ASCII, tab, CR and LF (written without control characters for the linter). */
const NON_ASCII = /[^ -~\t\n\r]/u;
const NON_ASCII_G = /[^ -~\t\n\r]/gu;
const ALNUM = /[A-Za-z0-9]/;
const HTML: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** UTF-8 bytes of `text` decoded as Latin-1. */
export function mojibake(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

function htmlEntities(text: string): string | null {
  let changed = false;
  let out = '';
  for (const ch of text) {
    const e = HTML[ch];
    if (e !== undefined) {
      out += e;
      changed = true;
    } else if (NON_ASCII.test(ch)) {
      out += `&#${ch.codePointAt(0)!};`;
      changed = true;
    } else {
      out += ch;
    }
  }
  if (changed) return out;
  return text.includes(' ') ? text.split(' ').join('&nbsp;') : null;
}

/** `pick` chooses the replaced character of ASCII-only text (modulo the candidates). */
function missingChars(text: string, pick: number): string | null {
  if (NON_ASCII.test(text)) return text.replace(NON_ASCII_G, '?');
  const alnum: number[] = [];
  for (let i = 0; i < text.length; i++) if (ALNUM.test(text[i])) alnum.push(i);
  if (alnum.length === 0) return null;
  const at = alnum[pick % alnum.length];
  return `${text.slice(0, at)}?${text.slice(at + 1)}`;
}

/**
 * One encoding issue, drawn uniformly among the applicable kinds; null when none applies.
 *
 * @example
 * encodingIssue('Reisekosten - Jürgen Müller', rng); // e.g. { value: 'Reisekosten - JÃ¼rgen MÃ¼ller', subtype: 'mojibake' }
 */
export function encodingIssue(text: string, rng: Rng): EncodingResult | null {
  const options: EncodingResult[] = [];
  if (NON_ASCII.test(text)) {
    const bad = mojibake(text);
    if (bad !== text) options.push({ value: bad, subtype: 'mojibake' });
  }
  // One draw for missing_chars' position, made whatever kind is chosen (fixed draw count).
  const missing = missingChars(text, rng.nextU32());
  if (missing !== null && missing !== text) options.push({ value: missing, subtype: 'missing_chars' });
  const html = htmlEntities(text);
  if (html !== null && html !== text) options.push({ value: html, subtype: 'html_entities' });
  if (options.length === 0) return null;
  return options[rng.int(0, options.length - 1)];
}
