/**
 * Typos (domain.md §9.3): per character with a rate, word boundaries preserved (whitespace is never
 * touched and no word loses its last character), at most 2 per word, kinds by weight: keyboard
 * neighbour substitution, transposition, deletion, insertion, doubled character, case error, OCR
 * confusion. A kind that cannot apply at the drawn position falls back to a doubled character,
 * which always applies, so a drawn typo always changes the text.
 */
import type { Rng } from '../../random/rng.js';
import { TYPO_KINDS, type TypoKind } from './options.js';

const ROWS = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm'];

/** QWERTY neighbours of each lower-case key (same row ±1, staggered rows above and below). */
export const KEYBOARD_NEIGHBOURS: ReadonlyMap<string, string> = (() => {
  const m = new Map<string, string>();
  ROWS.forEach((row, r) => {
    for (let i = 0; i < row.length; i++) {
      let n = '';
      const add = (rr: number, ii: number): void => {
        const ch = ROWS[rr]?.[ii];
        if (ch !== undefined) n += ch;
      };
      add(r, i - 1);
      add(r, i + 1);
      add(r - 1, i);
      add(r - 1, i + 1);
      add(r + 1, i - 1);
      add(r + 1, i);
      m.set(row[i], n);
    }
  });
  return m;
})();

/** OCR confusions (glyphs a scanner mixes up). */
export const OCR_CONFUSIONS: ReadonlyMap<string, string> = new Map([
  ['0', 'O'], ['O', '0'], ['o', '0'], ['1', 'l'], ['l', '1'], ['I', '1'], ['5', 'S'], ['S', '5'], ['s', '5'],
  ['8', 'B'], ['B', '8'], ['2', 'Z'], ['Z', '2'], ['6', 'G'], ['G', '6'], ['m', 'rn'], ['w', 'vv'], ['d', 'cl'],
  ['e', 'c'], ['c', 'e'], ['h', 'b'], ['g', 'q'], ['q', 'g'], ['u', 'v'], ['v', 'u'], ['n', 'ri'],
]);

const ALNUM = /[\p{L}\p{N}]/u;
const SPACE = /\s/;

/** `/\s/` without the regex for ASCII (tab … carriage return, space). */
function isSpace(c: number, ch: string): boolean {
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return SPACE.test(ch);
}

function isAlnum(ch: string): boolean {
  const c = ch.charCodeAt(0);
  if (c < 128) return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  return ch.length === 1 && ALNUM.test(ch);
}

export interface TypoResult {
  readonly text: string;
  /** Applied kinds, left to right. */
  readonly kinds: readonly TypoKind[];
  /** Positions (in the original text) of the applied typos, ascending. */
  readonly positions: readonly number[];
}

interface Site { pos: number; kind: TypoKind; wordLen: number }

/** Start of the word (maximal run of non-whitespace) holding the non-whitespace character at `pos`. */
function wordStart(text: string, pos: number): number {
  let i = pos;
  while (i > 0 && !isSpace(text.charCodeAt(i - 1), text[i - 1])) i--;
  return i;
}

/** End (exclusive) of the word holding the non-whitespace character at `pos`. */
function wordEnd(text: string, pos: number): number {
  let i = pos + 1;
  while (i < text.length && !isSpace(text.charCodeAt(i), text[i])) i++;
  return i;
}

function neighbour(ch: string, rng: Rng): string | null {
  const lower = ch.toLowerCase();
  const n = KEYBOARD_NEIGHBOURS.get(lower);
  if (!n) return null;
  const pick = n[rng.int(0, n.length - 1)];
  return ch !== lower ? pick.toUpperCase() : pick;
}

/** The edit of one typo at `pos` as [start, deleteCount, insert]; kinds that cannot apply fall back to double_char. */
function edit(text: string, pos: number, kind: TypoKind, wordLen: number, rng: Rng): { kind: TypoKind; start: number; del: number; ins: string } {
  const ch = text[pos];
  switch (kind) {
    case 'substitution': {
      const n = neighbour(ch, rng);
      if (n !== null) return { kind, start: pos, del: 1, ins: n };
      break;
    }
    case 'transposition': {
      const next = text[pos + 1];
      if (next !== undefined && isAlnum(next) && next.toLowerCase() !== ch.toLowerCase()) return { kind, start: pos, del: 2, ins: next + ch };
      break;
    }
    case 'deletion':
      if (wordLen >= 2) return { kind, start: pos, del: 1, ins: '' };
      break;
    case 'insertion': {
      const n = neighbour(ch, rng);
      if (n !== null) return { kind, start: pos, del: 1, ins: ch + n };
      break;
    }
    case 'case_error': {
      const flipped = ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase();
      if (flipped !== ch && flipped.length === 1) return { kind, start: pos, del: 1, ins: flipped };
      break;
    }
    case 'ocr_error': {
      const o = OCR_CONFUSIONS.get(ch);
      if (o !== undefined) return { kind, start: pos, del: 1, ins: o };
      break;
    }
    case 'double_char':
      break;
  }
  return { kind: 'double_char', start: pos, del: 1, ins: ch + ch };
}

function apply(text: string, sites: readonly Site[], rng: Rng): TypoResult {
  // Edits are computed left to right (keyed draws in text order) and applied right to left.
  const edits = sites.map((s) => edit(text, s.pos, s.kind, s.wordLen, rng));
  let out = text;
  for (let i = edits.length - 1; i >= 0; i--) {
    const e = edits[i];
    out = out.slice(0, e.start) + e.ins + out.slice(e.start + e.del);
  }
  return { text: out, kinds: edits.map((e) => e.kind), positions: edits.map((e) => e.start) };
}

/** Where a typo scan left off: the gap past the end of the scanned text (`typosFrom`). */
export interface TypoCarry { carry: number }

/**
 * The typo process of one value, starting at character `first` (a geometric gap already drawn):
 * hits follow a Bernoulli(rate) process over ALL characters (one draw per hit plus one, `logQ` =
 * log1p(−rate)); a hit on whitespace or punctuation is dropped, so every letter and digit still
 * gets exactly the per-character `rate` (thinning), at most 2 per word and never on neighbouring
 * characters. The gap that runs past the text's end goes to `out.carry` (the next value's first
 * position: the process is memoryless, so it can continue over the next value of the same field).
 * Returns null when no typo was placed.
 *
 * @example
 * const out = { carry: 0 };
 * typosFrom('Vendor Invoice - Acme', 3, Math.log1p(-0.05), weights, rng, out)?.text; // e.g. 'Vedor Invoice - Acme'
 */
export function typosFrom(text: string, first: number, logQ: number, weights: readonly number[], rng: Rng, out: TypoCarry): TypoResult | null {
  const gapOf = (): number => (logQ === -Infinity ? 0 : Math.floor(Math.log1p(-rng.float()) / logQ));
  let pos = first;
  let sites: Site[] | null = null;
  // Hits come in ascending positions, so words are met in order: only the current one's use counts.
  let wStart = -1;
  let wEnd = -1;
  let used = 0;
  while (pos < text.length) {
    if (isAlnum(text[pos])) {
      sites ??= [];
      if (pos >= wEnd) {
        wStart = wordStart(text, pos);
        wEnd = wordEnd(text, pos);
        used = 0;
      }
      const last = sites.length > 0 ? sites[sites.length - 1].pos : -10;
      if (used < 2 && pos - last >= 2) {
        used++;
        sites.push({ pos, kind: TYPO_KINDS[rng.weightedIndex(weights)], wordLen: wEnd - wStart });
      }
    }
    pos += 1 + gapOf();
  }
  out.carry = pos - text.length;
  if (sites === null || sites.length === 0) return null;
  return apply(text, sites, rng);
}

/**
 * Typos at a per-character rate over the letters and digits of `text` (`typosFrom` from a freshly
 * drawn first gap): at most 2 per word and never on neighbouring characters. Returns null when no
 * typo was drawn.
 *
 * @example
 * const r = applyTypos('Vendor Invoice - Acme', 0.05, [0.25, 0.2, 0.2, 0.1, 0.1, 0.1, 0.05], rng);
 * r?.text;  // e.g. 'Vendor Invocie - Acme'
 * r?.kinds; // ['transposition']
 */
export function applyTypos(text: string, rate: number, weights: readonly number[], rng: Rng): TypoResult | null {
  if (!(rate > 0) || text.length === 0) return null;
  const logQ = rate >= 1 ? -Infinity : Math.log1p(-rate);
  const first = logQ === -Infinity ? 0 : Math.floor(Math.log1p(-rng.float()) / logQ);
  // Fast path (most values): the first gap passes the whole text.
  if (first >= text.length) return null;
  return typosFrom(text, first, logQ, weights, rng, { carry: 0 });
}

/**
 * Exactly one typo at a uniformly drawn letter or digit (fuzzy duplicates, domain.md §9.3);
 * null when the text has none.
 *
 * @example
 * forceTypo('Payroll - March 2025', weights, rng)?.text; // e.g. 'Payrolk - March 2025'
 */
export function forceTypo(text: string, weights: readonly number[], rng: Rng): TypoResult | null {
  const eligible: number[] = [];
  for (let i = 0; i < text.length; i++) if (isAlnum(text[i])) eligible.push(i);
  if (eligible.length === 0) return null;
  const pos = eligible[rng.int(0, eligible.length - 1)];
  return apply(text, [{ pos, kind: TYPO_KINDS[rng.weightedIndex(weights)], wordLen: wordEnd(text, pos) - wordStart(text, pos) }], rng);
}

/** Whitespace-separated word count (what typos preserve). */
export function wordCount(text: string): number {
  return text.split(/\s+/).filter((w) => w.length > 0).length;
}
