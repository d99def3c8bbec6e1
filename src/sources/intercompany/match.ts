/**
 * The IC match rate (domain.md §7 "Matching", §11 I18; controls.md §6.3 `ic_match_rate`): a pair is
 * matched iff both its journal entries exist, carry its ic_reference and are not eliminations, the
 * seller's 1150 group amount and the buyer's 2050 group amount cancel within the tolerance (one
 * cent by default), and their posting dates are at most 5 days apart. Value = matched / pairs.
 */
import { parseDate } from '../../domain/dates.js';

/** The `ic_matched_pairs` fields the check reads. */
export interface IcPairRow {
  readonly ic_reference: string;
  readonly seller_journal_entry_id: string;
  readonly buyer_journal_entry_id: string;
}

/**
 * The `journal_entry_lines` fields the check reads. Money as integer cents (in-process batches) or
 * decimal text (`1234.50`, CSV); dates as day numbers or `YYYY-MM-DD`; booleans as boolean, 0/1 or text.
 */
export interface IcLineRow {
  readonly document_id: string;
  readonly gl_account: string;
  readonly group_amount: number | string;
  readonly posting_date: number | string;
  readonly reference?: string | null;
  readonly is_elimination?: boolean | number | string | null;
}

export interface IcMatchResult {
  readonly pairs: number;
  readonly matched: number;
  /** matched / pairs; null when there are no pairs (`not_evaluated`). */
  readonly rate: number | null;
  /** ic_reference of the first unmatched pairs (at most 20). */
  readonly unmatched: readonly string[];
}

/** Decimal text `-1234.50` → integer cents; numbers are taken as cents already. */
export function toCents(v: number | string): number {
  if (typeof v === 'number') return v;
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(v.trim());
  if (!m) throw new RangeError(`not a money value: ${JSON.stringify(v)}`);
  const cents = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] === '-' ? -cents : cents;
}

function toDay(v: number | string): number {
  return typeof v === 'number' ? v : parseDate(v);
}

function truthy(v: IcLineRow['is_elimination']): boolean {
  return v === true || v === 1 || v === 'true';
}

interface EntrySummary {
  reference: string | null;
  elimination: boolean;
  postingDay: number;
  /** Σ group cents on 1150 / 2050. */
  ic1150: number;
  ic2050: number;
  lines1150: number;
  lines2050: number;
}

/**
 * Computes the IC match rate over pair rows and journal-entry lines (lines of other entries are
 * ignored, so the whole `journal_entry_lines` table may be passed).
 *
 * @example
 * const r = icMatchRate(pairRows, jelRows);       // rows as objects, e.g. parsed CSV
 * r.rate;      // 1 before anomalies
 * r.unmatched; // [] or the first ic_references that did not match
 */
export function icMatchRate(pairs: Iterable<IcPairRow>, lines: Iterable<IcLineRow>, toleranceCents = 1, maxDaysApart = 5): IcMatchResult {
  const pairList = [...pairs];
  const entries = new Map<string, EntrySummary | null>();
  for (const p of pairList) {
    entries.set(p.seller_journal_entry_id, null);
    entries.set(p.buyer_journal_entry_id, null);
  }
  for (const l of lines) {
    if (!entries.has(l.document_id)) continue;
    let e = entries.get(l.document_id);
    if (e === null || e === undefined) {
      e = { reference: l.reference ?? null, elimination: truthy(l.is_elimination), postingDay: toDay(l.posting_date), ic1150: 0, ic2050: 0, lines1150: 0, lines2050: 0 };
      entries.set(l.document_id, e);
    }
    if (l.gl_account === '1150') {
      e.ic1150 += toCents(l.group_amount);
      e.lines1150++;
    } else if (l.gl_account === '2050') {
      e.ic2050 += toCents(l.group_amount);
      e.lines2050++;
    }
  }
  let matched = 0;
  const unmatched: string[] = [];
  for (const p of pairList) {
    const s = entries.get(p.seller_journal_entry_id);
    const b = entries.get(p.buyer_journal_entry_id);
    const ok = s != null && b != null
      && s.reference === p.ic_reference && b.reference === p.ic_reference
      && !s.elimination && !b.elimination
      && s.lines1150 > 0 && b.lines2050 > 0
      && Math.abs(s.ic1150 + b.ic2050) <= toleranceCents
      && Math.abs(s.postingDay - b.postingDay) <= maxDaysApart;
    if (ok) matched++;
    else if (unmatched.length < 20) unmatched.push(p.ic_reference);
  }
  return { pairs: pairList.length, matched, rate: pairList.length > 0 ? matched / pairList.length : null, unmatched };
}
