/**
 * The generated parts of docs/anomalies-and-data-quality.md: the anomaly taxonomy (every injector
 * type with category, default weight, severity, difficulty, applicability and mutation), the
 * category table and the data-quality preset table. Rendered from the code that the transforms
 * run (src/transforms/anomalies/types.ts, resolveDqOptions of src/transforms/data-quality), so the
 * page cannot drift; test/unit/anomalies-doc.test.ts fails when it does.
 *
 * The one-line mutation and applicability texts live here (the taxonomy is data only, the
 * mutations are code); the test checks that every type and every applicability rule has one.
 *
 * Regenerate after a taxonomy change (build first):
 *   node --input-type=module -e "import('./dist/src/docs/anomalies-markdown.js').then((m) => m.updateAnomaliesDoc('docs/anomalies-and-data-quality.md'))"
 */
import { readFileSync, writeFileSync } from 'node:fs';
import {
  ANOMALY_TYPES, CATEGORIES, CATEGORY_KEYS, CATEGORY_RATE_KEYS, DEFAULT_CATEGORY_SHARES, DIFFICULTY_SCORE, RESERVED_TYPES,
  type Applicability,
} from '../transforms/anomalies/types.js';
import { PRESETS, TYPO_KINDS, resolveDqOptions } from '../transforms/data-quality/options.js';

/** Default `rate` of the anomalies transform (= rates.total_rate, domain.md §8.1). */
export const DEFAULT_TOTAL_RATE = 0.03;

/** "Applies to" of domain.md §8.2, per applicability key the engine evaluates. */
export const APPLIES_TEXT: Readonly<Record<Applicability, string>> = {
  any: 'any entry',
  standalone: 'standalone entry (no source document)',
  human: 'human creator',
  human_above_threshold: 'human creator, total > approval threshold',
  above_threshold: 'total > approval threshold',
  credits_cash: 'credits 1000 or 1010',
  has_ap: 'has an AP (2000) line',
  credits_revenue: 'credits a 4xxx account',
  debits_opex: 'debits a 6xxx account',
  two_lines: '≥ 2 lines',
  transposable: 'a line with two adjacent different digits',
  has_cost_center: 'a line with a cost center',
  in_range: 'shifted date stays in the period',
  approved_with_actions: 'approved with approval actions',
  weekend_follows: 'a weekend day follows in the period',
  automated_like: 'automated-like entry',
  two_levels: '≥ 2 approval levels required',
  lines_at_least_10c: 'every line ≥ 0.10',
  earlier_entry: 'an earlier entry in the partition',
  has_partner: 'has an AP or AR line',
  ic_seller: 'intercompany seller entry',
};

/** What each injector type does to the entry (domain.md §8.2 "Mutation"), one line each. */
export const MUTATION_TEXT: Readonly<Record<string, string>> = {
  fictitious_entry: 'lines replaced by DR one OPEX account / CR 1000, obvious round amount, source manual, human creator, reference null',
  round_dollar_manipulation: 'scaled to an obvious round total',
  just_below_threshold: 'scaled to threshold − 100 − U{1..49} (9 851–9 899 at 10 000); auto-approved',
  self_approval: 'approvals become submit + approve by the creator; `sod_violation`, `preparer_approver`, control exception',
  exceeded_approval_limit: 'scaled to 15 000; single approval by a senior_accountant (limit 10 000)',
  segregation_of_duties_violation: 'credit line 1 → 1000; created_by and approver = the same manager; `sod_violation`, `payment_releaser`',
  duplicate_payment: 'emits a copy 1–10 business days later (same amounts, partner, reference); the copy is labelled',
  fictitious_vendor: "AP lines' vendor → a shell vendor; obvious round amount",
  revenue_manipulation: 'scaled × U[2, 5); date → one of the last 3 business days of the month',
  improper_capitalization: 'the 6xxx debit lines → 1500 (cost center cleared)',
  duplicate_entry: 'emits an exact copy (new id, `created_at` + 1–120 min); the copy is labelled',
  reversed_amount: 'debit/credit swapped on one line (impact 2 × line)',
  transposed_digits: 'two adjacent digits of one line swapped',
  decimal_error: 'one line × 10 or ÷ 10; rebalanced',
  missing_field: 'nulls the first present of: cost_center of an expense line, reference, header_text',
  invalid_account: 'one line → 198000 or 298000 (not in the chart)',
  wrong_period: 'posting_date ± 32 days, document_date kept',
  backdated_entry: 'posting_date − U{1..30} days, created_at kept',
  future_dated_entry: 'posting_date + U{1..7} days, created_at kept',
  misclassified_account: 'one line → another account of the same type, different sub-type',
  wrong_cost_center: 'cost center → a leaf of another department',
  unbalanced_entry: 'one line ± U[0.01, 1 %]',
  rounding_error: 'one line ± 0.01–0.05',
  currency_error: 'foreign company: exchange_rate inverted; group-currency company: `currency` → another currency; group amounts recomputed',
  skipped_approval: 'approval actions removed, status auto_approved, approved_by SYSTEM, control exception',
  late_approval: 'approvals moved to U{5..30} business days after posting',
  missing_documentation: 'reference and source document fields → null',
  late_posting: 'posting_date + U{5..15} days, document_date kept, created_at moves along',
  after_hours_posting: 'created_at time → 22:00–05:59',
  weekend_posting: 'posting_date → next Saturday (.60) or Sunday',
  rushed_period_end: 'posting_date → last business day of the month, created_at 18:00–23:59, approvals within 10 min',
  manual_override: 'source manual, created_by a senior_accountant or controller, source_system manual',
  vague_description: 'header_text → Misc, Adjustment, Correction, Various, Other, TBD, See attachment, As discussed, Per management, ".", xxx or test',
  incomplete_approval_chain: 'last approve action removed, approved_by = the last remaining approver',
  unusually_high_amount: 'scaled × 5',
  unusually_low_amount: 'scaled × 0.1',
  benford_violation: 'total → same number of integer digits, leading digit 5–9',
  exact_duplicate_amount: 'scaled to the total of the most recent earlier entry with different accounts',
  repeating_amount: "scaled to the partition's repeating amount",
  unusual_frequency: 'emits 2–4 copies, same user and day, totals × (1 ± U[0, 0.05])',
  transaction_burst: 'emits 5–10 entries within 60 min, same user and accounts, fresh totals',
  unusual_timing: 'posting_date → a public holiday of the month; none → created_at 00:00–04:59',
  trend_break: "accounts → the partition's trend-break pair, scaled × U[2, 4)",
  statistical_outlier: 'one line × 3; rebalanced',
  circular_transaction: 'emits DR b / CR c and DR c / CR a 1–3 days later, same total (a, b the first debit/credit account, c a balance-sheet account)',
  unusual_account_pair: 'credit line 1 → an account type never opposite the debit type in any template',
  new_counterparty: 'partner → a reserve-pool vendor / customer',
  dormant_account_activity: 'one line → the legacy account of its type (199999, 299999, 399999; else 999999)',
  unmatched_intercompany: 'buyer entry of the pair scaled × (1 ± U[0.01, 0.10])',
  circular_intercompany: 'emits a mirrored seller/buyer pair (roles swapped) 1–5 days later under the same ic_reference',
  transfer_pricing_anomaly: 'both entries of the pair scaled × U[1.5, 3)',
  missing_relationship: 'vendor_id / customer_id → null',
  centrality_anomaly: "credit line 1 → the partition's hub account",
};

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const pct = (x: number): string => `${Number((x * 100).toFixed(4))} %`;

/** The taxonomy: one row per injector type, in the order the engine draws them. */
export function typesMarkdown(): string {
  const out = [
    '| Type | Category | Weight | Severity | Difficulty | Applies to | Strategy | Mutation |',
    '|---|---|---:|---:|---|---|---|---|',
  ];
  for (const a of ANOMALY_TYPES) {
    const notes = [a.affectsBalance ? '**unbalanced**' : '', a.emits ? '**emits** new entries' : ''].filter(Boolean).join('; ');
    const mutation = (MUTATION_TEXT[a.name] ?? '') + (notes ? ` (${notes})` : '');
    out.push(`| \`${a.name}\` | ${a.category} | ${a.weight} | ${a.severity} | ${a.difficulty} | ${cell(APPLIES_TEXT[a.applies])} | ${a.strategy} | ${cell(mutation)} |`);
  }
  out.push('', `Reserved names (valid in \`types\`, no mutation in this version, weight 0): ${RESERVED_TYPES.map((n) => `\`${n}\``).join(', ')}.`);
  return out.join('\n');
}

/** The categories: option keys, default shares and rates, type counts. */
export function categoriesMarkdown(): string {
  const out = [
    '| Category | `categories.` key | `rates.` key | Default share | Default rate | Types | Applies to any entry |',
    '|---|---|---|---:|---:|---:|---|',
  ];
  CATEGORIES.forEach((c, i) => {
    const types = ANOMALY_TYPES.filter((a) => a.category === c);
    const any = types.filter((a) => a.applies === 'any' && a.weight > 0).map((a) => `\`${a.name}\``);
    out.push(`| ${c} | \`${CATEGORY_KEYS[i]}\` | \`${CATEGORY_RATE_KEYS[i]}\` | ${pct(DEFAULT_CATEGORY_SHARES[i])} | ${pct(DEFAULT_TOTAL_RATE * DEFAULT_CATEGORY_SHARES[i])} | ${types.length} | ${any.slice(0, 3).join(', ')}${any.length > 3 ? ', …' : ''} |`);
  });
  const d = (Object.entries(DIFFICULTY_SCORE) as Array<[string, number]>).map(([k, v]) => `${k} ${v}`).join(' · ');
  out.push('', `Difficulty scores (label metadata): ${d}.`);
  return out.join('\n');
}

/** The data-quality presets, resolved by the transform's own option resolver. */
export function dqPresetsMarkdown(): string {
  const out = [
    '| Preset | Missing (per field) | Typo (per character) | Duplicates (per entry) | Text / identifier variations | Encoding (per field) | OCR share of typos | Duplicate split exact / near / fuzzy |',
    '|---|---:|---:|---:|---|---:|---:|---|',
  ];
  const ocr = TYPO_KINDS.indexOf('ocr_error');
  for (const p of PRESETS) {
    if (p === 'none') continue;
    const r = resolveDqOptions({ preset: p });
    const text = r.formatRates.get('header_text') ?? 0;
    const ident = r.formatRates.get('reference') ?? 0;
    const fmt = text > 0 || ident > 0 ? `on (${text} / ${ident})` : 'off';
    out.push(`| \`${p}\` | ${r.missingRates.get('header_text') ?? 0} | ${r.typoRates.get('header_text') ?? 0} | ${r.duplicateRate} | ${fmt} | ${r.encodingRates.get('header_text') ?? 0} | ${Number(r.typoWeights[ocr].toFixed(4))} | ${r.duplicateSplit.map((x) => Number(x.toFixed(4))).join(' / ')} |`);
  }
  out.push('', '`none` (the default) applies only the injectors you configure, with their individual defaults.');
  return out.join('\n');
}

const BLOCKS: ReadonlyArray<readonly [string, () => string]> = [
  ['anomaly-categories', categoriesMarkdown], ['anomaly-types', typesMarkdown], ['dq-presets', dqPresetsMarkdown],
];

/**
 * Replaces the generated blocks (`<!-- generated:NAME -->` … `<!-- /generated:NAME -->`) of the
 * anomalies and data-quality page with freshly rendered ones; everything else is kept.
 *
 * @example
 * const doc = renderAnomaliesDoc(readFileSync('docs/anomalies-and-data-quality.md', 'utf8'));
 */
export function renderAnomaliesDoc(text: string): string {
  let out = text;
  for (const [name, render] of BLOCKS) {
    const open = `<!-- generated:${name} -->`;
    const close = `<!-- /generated:${name} -->`;
    const a = out.indexOf(open);
    const b = out.indexOf(close);
    if (a < 0 || b < a) throw new Error(`anomalies doc: block ${name} (${open} … ${close}) not found`);
    out = `${out.slice(0, a + open.length)}\n${render()}\n${out.slice(b)}`;
  }
  return out;
}

/** Rewrites the generated blocks of the file at `path` in place. @example updateAnomaliesDoc('docs/anomalies-and-data-quality.md') */
export function updateAnomaliesDoc(path: string): void {
  writeFileSync(path, renderAnomaliesDoc(readFileSync(path, 'utf8')));
}
