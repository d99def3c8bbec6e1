/**
 * Each data-quality issue type does what its label says (domain.md §9.3): typos keep the word
 * count (≤ 2 per word, each kind its own edit), date variations parse back to the original date,
 * amount variations to the cents, mojibake round-trips via latin1 → utf8, missing values are
 * null, and duplicates are exact / near (balanced, same month, ± 1–3 business days, totals within
 * 1 %, another user of the same persona) / fuzzy (near + typos).
 */
import { describe, expect, it } from 'vitest';
import { dayFromYmd, formatDate, parseDate, ymdOf } from '../../src/domain/dates.js';
import { Rng } from '../../src/random/rng.js';
import { MONTH_NAMES } from '../../src/sources/journal-entries/texts.js';
import { encodingIssue, mojibake } from '../../src/transforms/data-quality/encoding.js';
import { amountVariation, DATE_VARIANTS, dateVariation, formatDateVariant, identifierVariation, textVariation } from '../../src/transforms/data-quality/formats.js';
import { TYPO_KINDS } from '../../src/transforms/data-quality/options.js';
import { rescale } from '../../src/transforms/data-quality/duplicates.js';
import { applyTypos, forceTypo, KEYBOARD_NEIGHBOURS, OCR_CONFUSIONS, wordCount } from '../../src/transforms/data-quality/typos.js';
import { runDq, SMALL, source, textCol } from './data-quality-fixture.js';

const rngOf = (k: string): Rng => Rng.for(7n, 'dq-test', 0, k);

/** Parses every date spelling of domain.md §9.3 back to a day number. */
function parseDateVariant(text: string, subtype: string): number {
  let m: RegExpExecArray | null;
  switch (subtype) {
    case 'us_date': m = /^(\d\d)\/(\d\d)\/(\d{4})$/.exec(text); return dayFromYmd(+m![3], +m![1], +m![2]);
    case 'us_dash': m = /^(\d\d)-(\d\d)-(\d{4})$/.exec(text); return dayFromYmd(+m![3], +m![1], +m![2]);
    case 'eu_date': m = /^(\d\d)\/(\d\d)\/(\d{4})$/.exec(text); return dayFromYmd(+m![3], +m![2], +m![1]);
    case 'eu_dash': m = /^(\d\d)-(\d\d)-(\d{4})$/.exec(text); return dayFromYmd(+m![3], +m![2], +m![1]);
    case 'eu_dot': m = /^(\d\d)\.(\d\d)\.(\d{4})$/.exec(text); return dayFromYmd(+m![3], +m![2], +m![1]);
    case 'long_date': m = /^([A-Z][a-z]+) (\d{1,2}), (\d{4})$/.exec(text); return dayFromYmd(+m![3], MONTH_NAMES.indexOf(m![1]) + 1, +m![2]);
    case 'short_year': m = /^(\d\d)\/(\d\d)\/(\d\d)$/.exec(text); return dayFromYmd(2000 + +m![3], +m![1], +m![2]);
    case 'compact': m = /^(\d{4})(\d\d)(\d\d)$/.exec(text); return dayFromYmd(+m![1], +m![2], +m![3]);
    case 'unix_seconds': return Number(text) / 86_400;
    case 'excel_serial': return Number(text) - 25569;
    default: throw new Error(subtype);
  }
}

/** Parses every amount spelling back to integer cents. */
function parseAmountVariant(text: string, subtype: string): number {
  let t = text;
  let neg = false;
  if (subtype === 'accounting') {
    expect(t).toMatch(/^\(.*\)$/);
    t = t.slice(1, -1);
    neg = true;
  }
  if (subtype === 'currency_prefix') t = t.replace(/^[A-Z]{3} /, '');
  if (subtype === 'currency_suffix') t = t.replace(/ [A-Z]{3}$/, '');
  if (subtype === 'eu_format') t = t.replace(/\./g, '').replace(',', '.');
  if (subtype === 'us_comma' || subtype === 'accounting') t = t.replace(/,/g, '');
  if (subtype === 'space_grouped') t = t.replace(/ /g, '');
  const v = Math.round(Number(t) * 100);
  expect(Number.isFinite(v), `${text} (${subtype})`).toBe(true);
  return neg ? -v : v;
}

describe('typos', () => {
  const TEXTS = ['Customer Invoice - Müller Schmidt GmbH', 'Vendor Payment - Acme Supplies 2025', 'Accrual Reversal - March', 'SO-2025-000123', 'Payroll Tax Remittance - Q1'];

  it('keep the word count, at most 2 per word, and change the text', () => {
    let typos = 0;
    for (let i = 0; i < 3000; i++) {
      const text = TEXTS[i % TEXTS.length];
      const r = applyTypos(text, 0.2, [0.25, 0.2, 0.2, 0.1, 0.1, 0.1, 0.05], rngOf(`w${i}`));
      if (!r) continue;
      typos += r.kinds.length;
      expect(r.text).not.toBe(text);
      expect(wordCount(r.text)).toBe(wordCount(text));
      const spaces = (s: string): string => s.replace(/\S/g, '');
      expect(spaces(r.text)).toBe(spaces(text));
      const perWord = new Map<number, number>();
      for (const pos of r.positions) {
        const w = text.slice(0, pos).split(/\s+/).length;
        perWord.set(w, (perWord.get(w) ?? 0) + 1);
      }
      for (const c of perWord.values()) expect(c).toBeLessThanOrEqual(2);
    }
    expect(typos).toBeGreaterThan(3000);
  });

  it('each kind makes its own edit', () => {
    const text = 'invoice number seven';
    for (const [ki, kind] of TYPO_KINDS.entries()) {
      const weights = TYPO_KINDS.map((_, i) => (i === ki ? 1 : 0));
      let seen = 0;
      for (let i = 0; i < 200; i++) {
        const r = forceTypo(text, weights, rngOf(`${kind}${i}`))!;
        expect(r).not.toBeNull();
        expect(wordCount(r.text)).toBe(3);
        if (r.kinds[0] !== kind) {
          expect(r.kinds[0]).toBe('double_char'); // fallback where the kind cannot apply
          continue;
        }
        seen++;
        const p = r.positions[0];
        const ch = text[p];
        const head = text.slice(0, p);
        expect(r.text.startsWith(head)).toBe(true);
        switch (kind) {
          case 'substitution': expect(KEYBOARD_NEIGHBOURS.get(ch)).toContain(r.text[p]); expect(r.text.slice(p + 1)).toBe(text.slice(p + 1)); break;
          case 'transposition': expect(r.text).toBe(head + text[p + 1] + ch + text.slice(p + 2)); break;
          case 'deletion': expect(r.text).toBe(head + text.slice(p + 1)); break;
          case 'insertion': expect(r.text[p]).toBe(ch); expect(KEYBOARD_NEIGHBOURS.get(ch)).toContain(r.text[p + 1]); expect(r.text.slice(p + 2)).toBe(text.slice(p + 1)); break;
          case 'double_char': expect(r.text).toBe(head + ch + ch + text.slice(p + 1)); break;
          case 'case_error': expect(r.text).toBe(head + ch.toUpperCase() + text.slice(p + 1)); break;
          case 'ocr_error': expect(r.text).toBe(head + OCR_CONFUSIONS.get(ch)! + text.slice(p + 1)); break;
        }
      }
      expect(seen, kind).toBeGreaterThan(50);
    }
  });

  it('realise the per-character rate over letters and digits', () => {
    const text = 'abcdefghij klmnopqrst uvwxyzabcd efghijklmn'; // 40 letters
    let n = 0;
    const N = 20_000;
    for (let i = 0; i < N; i++) n += applyTypos(text, 0.002, [1, 0, 0, 0, 0, 0, 0], rngOf(`r${i}`))?.kinds.length ?? 0;
    const chars = 40 * N;
    expect(Math.abs(n / chars - 0.002)).toBeLessThan(4 * Math.sqrt((0.002 * 0.998) / chars));
  });
});

describe('format variations', () => {
  it('dates: every spelling parses back to the original day', () => {
    const days = [dayFromYmd(2025, 1, 15), dayFromYmd(2024, 2, 29), dayFromYmd(2025, 12, 1), dayFromYmd(2026, 7, 4)];
    for (const d of days) for (const st of DATE_VARIANTS) {
      const v = formatDateVariant(d, st);
      expect(v).not.toBe(formatDate(d));
      expect(parseDateVariant(v, st), `${st} ${v}`).toBe(d);
    }
    expect(formatDateVariant(dayFromYmd(2024, 1, 15), 'long_date')).toBe('January 15, 2024');
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) seen.add(dateVariation(days[0], rngOf(`d${i}`)).subtype);
    expect(seen.size).toBe(DATE_VARIANTS.length);
  });

  it('amounts: every spelling parses back to the cents', () => {
    const seen = new Set<string>();
    const r = rngOf('amounts');
    for (let i = 0; i < 5000; i++) {
      const mag = Math.floor(Math.exp(r.uniform(0, 20)));
      const cents = (r.chance(0.5) ? -1 : 1) * (r.chance(0.1) ? mag * 100 : mag + 1);
      const v = amountVariation(cents, 'EUR', rngOf(`a${i}`))!;
      expect(v).not.toBeNull();
      seen.add(v.subtype);
      expect(parseAmountVariant(v.value, v.subtype), `${cents} ${v.subtype} ${v.value}`).toBe(cents);
    }
    expect([...seen].sort()).toEqual(['accounting', 'currency_prefix', 'currency_suffix', 'eu_format', 'four_decimals', 'no_decimals', 'scientific', 'space_grouped', 'us_comma']);
    expect(amountVariation(-123456, 'EUR', rngOf('x'))).not.toBeNull();
  });

  it('text and identifier variations change only spelling', () => {
    const norm = (s: string): string => s.toLowerCase().replace(/\s+/g, ' ').trim();
    const seenT = new Set<string>();
    const seenI = new Set<string>();
    for (let i = 0; i < 600; i++) {
      const t = textVariation('Vendor invoice - Acme supplies', rngOf(`t${i}`))!;
      seenT.add(t.subtype);
      expect(t.value).not.toBe('Vendor invoice - Acme supplies');
      expect(norm(t.value)).toBe(norm('Vendor invoice - Acme supplies'));
      const id = identifierVariation('SO-2025-000123', rngOf(`i${i}`))!;
      seenI.add(id.subtype);
      expect(id.value).not.toBe('SO-2025-000123');
      expect(id.value.replace(/[^0-9]/g, '').replace(/^0+/, '')).toContain('2025');
    }
    expect(seenT.size).toBe(6);
    expect(seenI.size).toBe(6);
  });
});

describe('encoding issues', () => {
  it('mojibake round-trips via latin1 → utf8; missing chars are ?; entities decode back', () => {
    const text = 'Reisekosten - Jürgen Müller & Söhne';
    expect(mojibake(text)).toBe('Reisekosten - JÃ¼rgen MÃ¼ller & SÃ¶hne');
    const seen = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const e = encodingIssue(text, rngOf(`e${i}`))!;
      seen.add(e.subtype);
      if (e.subtype === 'mojibake') expect(Buffer.from(e.value, 'latin1').toString('utf8')).toBe(text);
      if (e.subtype === 'missing_chars') expect(e.value).toBe('Reisekosten - J?rgen M?ller & S?hne');
      if (e.subtype === 'html_entities') {
        const back = e.value.replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d))).replace(/&amp;/g, '&');
        expect(back).toBe(text);
      }
    }
    expect(seen.size).toBe(3);
    // ASCII text: no mojibake (it would not change anything), the other two still apply.
    const ascii = new Set<string>();
    for (let i = 0; i < 200; i++) ascii.add(encodingIssue('Payroll - March 2025', rngOf(`a${i}`))!.subtype);
    expect([...ascii].sort()).toEqual(['html_entities', 'missing_chars']);
  });
});

describe('labels in a pipeline run say what happened', () => {
  const src = source(SMALL);
  const run = runDq(src, {
    preset: 'legacy',
    encoding_issues: { rate: 0.05 },
    format_variations: { dates: { enabled: true, rate: 0.2 }, amounts: { enabled: true, rate: 0.1 } },
    duplicates: { rate: 0.05 },
  });
  const L = run.labels;
  const type = L.col<string>('issue_type');
  const sub = L.col<string>('issue_subtype');
  const orig = L.col<string | null>('original_value');
  const mod = L.col<string | null>('modified_value');

  it('missing → null; typo → same word count; date → same day; amount → same cents; mojibake → round trip', () => {
    const count = new Map<string, number>();
    for (let i = 0; i < L.n; i++) {
      count.set(type[i], (count.get(type[i]) ?? 0) + 1);
      const field = L.col<string | null>('field_name')[i];
      if (type[i] === 'missing_value') expect(mod[i]).toBeNull();
      else if (type[i] === 'typo') expect(wordCount(mod[i]!)).toBe(wordCount(orig[i]!));
      else if (type[i] === 'format_variation' && field === 'document_date') expect(parseDateVariant(mod[i]!, sub[i])).toBe(parseDate(orig[i]!));
      else if (type[i] === 'format_variation' && (field === 'local_amount' || field === 'group_amount')) expect(parseAmountVariant(mod[i]!, sub[i])).toBe(Math.round(Number(orig[i]) * 100));
      else if (type[i] === 'encoding_issue' && sub[i] === 'mojibake') expect(Buffer.from(mod[i]!, 'latin1').toString('utf8')).toBe(orig[i]);
    }
    for (const t of ['missing_value', 'typo', 'format_variation', 'encoding_issue', 'duplicate']) expect(count.get(t) ?? 0).toBeGreaterThan(20);
  });

  it('near and fuzzy duplicates: balanced, same month, business day ± 1–3 business days, totals within 1 %, another user of the same persona', () => {
    const out = run.output;
    const ids = out.col<string>('document_id');
    const pos = new Map<string, [number, number]>();
    for (let r = 0; r < out.n; r++) {
      const p = pos.get(ids[r]);
      if (p) p[1] = r;
      else pos.set(ids[r], [r, r]);
    }
    const posting = textCol(out, 'posting_date');
    const debit = out.col<number>('debit_amount');
    const credit = out.col<number>('credit_amount');
    const local = out.col<number>('local_amount');
    const group = textCol(out, 'group_amount');
    const localText = textCol(out, 'local_amount');
    const users = out.col<string>('created_by');
    const company = out.col<string>('company_code');
    const header = textCol(out, 'header_text');
    const ref = src.ctx.reference;
    const persona = new Map(ref.jeUsers.map((u) => [u.userId, u.persona]));
    const kinds = new Map<string, number>();
    for (let i = 0; i < L.n; i++) {
      if (type[i] !== 'duplicate') continue;
      kinds.set(sub[i], (kinds.get(sub[i]) ?? 0) + 1);
      if (sub[i] === 'exact') continue;
      const [o0, o1] = pos.get(orig[i]!)!;
      const [c0, c1] = pos.get(mod[i]!)!;
      let dSum = 0;
      let cSum = 0;
      let gSum = 0;
      let oTotal = 0;
      for (let r = c0; r <= c1; r++) {
        dSum += debit[r];
        cSum += credit[r];
        gSum += Math.round(Number(group[r]) * 100);
        expect(Math.round(Number(localText[r]) * 100)).toBe(debit[r] - credit[r]);
        expect((debit[r] > 0) !== (credit[r] > 0)).toBe(true);
        void local;
      }
      for (let r = o0; r <= o1; r++) oTotal += debit[r];
      expect(dSum).toBe(cSum);
      expect(gSum).toBe(0);
      expect(Math.abs(dSum - oTotal)).toBeLessThanOrEqual(Math.ceil(oTotal * 0.01) + 1);
      const a = parseDate(posting[o0]!);
      const b = parseDate(posting[c0]!);
      expect(ymdOf(a).month).toBe(ymdOf(b).month);
      const cal = ref.calendar(ref.companyByCode.get(company[o0])!.country);
      expect(cal.isBusinessDay(b)).toBe(true);
      let steps = 0;
      for (let d = Math.min(a, b) + 1; d <= Math.max(a, b); d++) if (cal.isBusinessDay(d)) steps++;
      expect(steps).toBeGreaterThanOrEqual(1);
      expect(steps).toBeLessThanOrEqual(3);
      expect(persona.get(users[c0])).toBe(persona.get(users[o0]));
      if (sub[i] === 'fuzzy') expect(header[c0]).not.toBe(header[o0]);
      else expect(header[c0]).toBe(header[o0]);
    }
    expect(kinds.get('exact') ?? 0).toBeGreaterThan(20);
    expect(kinds.get('near') ?? 0).toBeGreaterThan(20);
    expect(kinds.get('fuzzy') ?? 0).toBeGreaterThan(10);
  });

  it('rescale splits a new total proportionally by largest remainder, ≥ 1 cent each', () => {
    expect(rescale([100, 300], 500)).toEqual([125, 375]);
    expect(rescale([1, 1, 1], 4)).toEqual([2, 1, 1]);
    expect(rescale([1, 1000], 500)).toEqual([1, 499]);
    const big = rescale([9_000_000_000_01, 3], 9_100_000_000_00);
    expect(big.reduce((s, x) => s + x, 0)).toBe(9_100_000_000_00);
    expect(Math.min(...big)).toBeGreaterThanOrEqual(1);
  });
});
