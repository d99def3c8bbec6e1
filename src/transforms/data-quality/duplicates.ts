/**
 * Duplicate entries (domain.md §9.3): a copy of an unlabelled entry, emitted right after it with a
 * new `document_id` = deriveUuid(seed, component, p, `${source document_id}:1`) (§0.3).
 * - exact: identical otherwise;
 * - near: `created_at` moved by 1–120 minutes (time of day, on the new posting date), `created_by`
 *   another user of the same persona (never the approver), `posting_date` ± U{1..3} business days
 *   within the same month (document, value and approval dates move along; exchange rate and group
 *   amounts recomputed; `is_post_close` recomputed), totals × (1 ± U[0, 0.01]) with both sides
 *   rescaled by largest remainder (§5.3), so the copy stays balanced;
 * - fuzzy: near + one typo in `header_text` and in each `line_text`.
 */
import type { Batch } from '../../engine/batch.js';
import type { JeUser, ReferenceData } from '../../domain/types.js';
import { formatDate, ymdOf } from '../../domain/dates.js';
import { localToGroupCents } from '../../domain/money.js';
import type { Rng } from '../../random/rng.js';
import { formatCents } from '../../sources/journal-entries/generator.js';
import type { DuplicateKind } from './options.js';
import { forceTypo } from './typos.js';

export interface NearChanges {
  readonly postingDay: number;
  /** Calendar days the posting date moved (document, value and approval dates move as much). */
  readonly dayDelta: number;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly rateMicros: number;
  readonly isPostClose: boolean;
  /** Per line of the entry, company-currency / group-currency cents. */
  readonly debit: Float64Array;
  readonly credit: Float64Array;
  readonly local: Float64Array;
  readonly group: Float64Array;
  /** Fuzzy only: new header text (undefined = unchanged) and line texts (undefined entries unchanged). */
  readonly headerText?: string;
  readonly lineTexts?: ReadonlyArray<string | undefined>;
  readonly description: string;
}

/**
 * Splits `newTotal` over parts proportional to `amounts` (all > 0) by largest remainder, ties to the
 * lower index, each part ≥ 1 cent (domain.md §5.3 rescaling). Exact integer arithmetic.
 *
 * @example
 * rescale([100, 300], 500); // [125, 375]
 */
export function rescale(amounts: readonly number[], newTotal: number): number[] {
  const k = amounts.length;
  if (k === 0) return [];
  if (newTotal < k) throw new RangeError(`cannot split ${newTotal} cents over ${k} lines`);
  const bt = BigInt(amounts.reduce((s, a) => s + a, 0));
  const target = BigInt(newTotal);
  const parts: number[] = new Array<number>(k);
  const rema: bigint[] = new Array<bigint>(k);
  let given = 0;
  for (let i = 0; i < k; i++) {
    const num = target * BigInt(amounts[i]);
    const q = num / bt;
    parts[i] = Number(q);
    rema[i] = num - q * bt;
    given += parts[i];
  }
  const order = Array.from({ length: k }, (_, i) => i).sort((a, b) => (rema[b] > rema[a] ? 1 : rema[b] < rema[a] ? -1 : a - b));
  for (let j = 0, left = newTotal - given; left > 0; j++, left--) parts[order[j % k]]++;
  // No 0.00 line: a part rounded to 0 takes a cent from the largest part.
  for (let i = 0; i < k; i++) {
    if (parts[i] > 0) continue;
    let m = 0;
    for (let j = 1; j < k; j++) if (parts[j] > parts[m]) m = j;
    parts[m]--;
    parts[i] = 1;
  }
  return parts;
}

/** Group amounts per line, the rounding residual on the largest-magnitude line (domain.md §3.2), as the generator does. */
export function groupAmounts(local: Float64Array, rateMicros: number): Float64Array {
  const g = new Float64Array(local.length);
  let sum = 0;
  let maxAbs = -1;
  let maxIdx = 0;
  for (let j = 0; j < local.length; j++) {
    g[j] = rateMicros === 1_000_000 ? local[j] : localToGroupCents(local[j], rateMicros);
    sum += g[j];
    const a = Math.abs(local[j]);
    if (a > maxAbs) {
      maxAbs = a;
      maxIdx = j;
    }
  }
  g[maxIdx] -= sum;
  return g;
}

/** `day` moved by `k` business days in direction `dir`, or null when it leaves [lo, hi). */
function stepBusinessDays(reference: ReferenceData, country: string, day: number, k: number, dir: 1 | -1, lo: number, hi: number): number | null {
  const cal = reference.calendar(country);
  let d = day;
  for (let i = 0; i < k; i++) {
    do d += dir; while (d >= lo && d < hi && !cal.isBusinessDay(d));
    if (d < lo || d >= hi) return null;
  }
  return d;
}

const DAY_S = 86_400;

/** Context a near duplicate needs: reference data and a persona index of the company's users. */
export class NearDuplicator {
  private readonly byId = new Map<string, JeUser>();
  private readonly candidates = new Map<string, readonly JeUser[]>();
  private readonly lastMonthStart: number;

  constructor(private readonly reference: ReferenceData) {
    for (const u of reference.jeUsers) this.byId.set(u.userId, u);
    const p = reference.period;
    this.lastMonthStart = p.monthStart[p.months - 1];
  }

  private usersLike(companyCode: string, userId: string): readonly JeUser[] {
    const key = `${companyCode}\u0000${userId}`;
    let list = this.candidates.get(key);
    if (!list) {
      const persona = this.byId.get(userId)?.persona;
      list = persona === undefined ? [] : this.reference.jeUsersOf(companyCode).filter((u) => u.persona === persona && u.userId !== userId);
      this.candidates.set(key, list);
    }
    return list;
  }

  /**
   * The near (or fuzzy) changes for the entry at rows [start, start + n) of `batch`, drawn from `rng`.
   * Returns null when the batch lacks the numeric columns a near copy recomputes (re-typed upstream).
   */
  plan(batch: Batch, start: number, n: number, kind: DuplicateKind, typoWeights: readonly number[], rng: Rng): NearChanges | null {
    const ix = batch.schema.index;
    const col = <T>(name: string): T => batch.values[ix.get(name)!] as unknown as T;
    const types = batch.schema.columns;
    for (const name of ['posting_date', 'created_at', 'local_amount', 'group_amount', 'exchange_rate']) {
      if (types[ix.get(name)!].type === 'string') return null;
    }
    const company = col<Array<string | null>>('company_code')[start]!;
    const currency = col<Array<string | null>>('currency')[start]!;
    const posting = col<Int32Array>('posting_date')[start];
    const createdAt = col<Float64Array>('created_at')[start];
    const createdBy = col<Array<string | null>>('created_by')[start]!;
    const approvedBy = col<Array<string | null>>('approved_by')[start];
    const debitIn = col<Float64Array>('debit_amount');
    const creditIn = col<Float64Array>('credit_amount');
    const ref = this.reference;
    const country = ref.companyByCode.get(company)?.country;

    // posting_date ± U{1..3} business days within the same month (and the range).
    const k = rng.int(1, 3);
    const dir: 1 | -1 = rng.chance(0.5) ? 1 : -1;
    const { year, month } = ymdOf(posting);
    const lo = Math.max(ref.period.startDay, posting - ymdOf(posting).day + 1);
    const hi = Math.min(ref.period.endDay, lo + 31);
    const inMonth = (d: number | null): d is number => d !== null && ymdOf(d).month === month && ymdOf(d).year === year;
    let day: number | null = country === undefined ? null : stepBusinessDays(ref, country, posting, k, dir, lo, hi);
    if (!inMonth(day) && country !== undefined) day = stepBusinessDays(ref, country, posting, k, dir === 1 ? -1 : 1, lo, hi);
    const newDay = inMonth(day) ? day : posting;
    const dayDelta = newDay - posting;

    // created_at: same date shift, time of day + 1–120 minutes (wrapping within the day).
    const tod = ((createdAt % DAY_S) + DAY_S) % DAY_S;
    const newTod = (tod + rng.int(1, 120) * 60) % DAY_S;
    const newCreatedAt = createdAt - tod + dayDelta * DAY_S + newTod;

    // created_by: another user of the same persona, never the approver (no new SoD conflict).
    const pool = this.usersLike(company, createdBy).filter((u) => u.userId !== approvedBy);
    const newUser = pool.length > 0 ? pool[rng.int(0, pool.length - 1)].userId : createdBy;

    // Totals × (1 ± U[0, 0.01]), both sides rescaled, never below 1 cent per line.
    const sign = rng.chance(0.5) ? 1 : -1;
    const factor = 1 + sign * rng.uniform(0, 0.01);
    const debits: number[] = [];
    const credits: number[] = [];
    for (let j = 0; j < n; j++) {
      if (debitIn[start + j] > 0) debits.push(debitIn[start + j]);
      else credits.push(creditIn[start + j]);
    }
    const total = debits.reduce((s, a) => s + a, 0);
    const creditTotal = credits.reduce((s, a) => s + a, 0);
    const balanced = total === creditTotal;
    const newTotal = Math.max(Math.round(total * factor), debits.length, credits.length);
    const newDebits = balanced ? rescale(debits, newTotal) : debits;
    const newCredits = balanced ? rescale(credits, newTotal) : credits;
    const debit = new Float64Array(n);
    const credit = new Float64Array(n);
    const local = new Float64Array(n);
    let di = 0;
    let ci = 0;
    for (let j = 0; j < n; j++) {
      if (debitIn[start + j] > 0) debit[j] = newDebits[di++];
      else credit[j] = newCredits[ci++];
      local[j] = debit[j] - credit[j];
    }
    const rateMicros = currency === ref.groupCurrency ? 1_000_000 : ref.fx.rateMicros(currency, newDay);
    const group = groupAmounts(local, rateMicros);
    const isPostClose = newDay >= this.lastMonthStart && ymdOf(newDay).day > 25;

    let headerText: string | undefined;
    let lineTexts: Array<string | undefined> | undefined;
    let typos = 0;
    if (kind === 'fuzzy') {
      const h = col<Array<string | null>>('header_text')[start];
      if (h !== null) {
        const t = forceTypo(h, typoWeights, rng);
        if (t) {
          headerText = t.text;
          typos++;
        }
      }
      const lt = col<Array<string | null>>('line_text');
      lineTexts = [];
      for (let j = 0; j < n; j++) {
        const v = lt[start + j];
        const t = v === null ? null : forceTypo(v, typoWeights, rng);
        lineTexts.push(t ? t.text : undefined);
        if (t) typos++;
      }
    }
    const parts = [
      `posting_date ${formatDate(posting)} -> ${formatDate(newDay)}`,
      `total ${formatCents(total)} -> ${formatCents(balanced ? newTotal : total)}`,
      `created_by ${createdBy} -> ${newUser}`,
    ];
    if (kind === 'fuzzy') parts.push(`${typos} typo${typos === 1 ? '' : 's'} in header_text/line_text`);
    return {
      postingDay: newDay, dayDelta, createdAt: newCreatedAt, createdBy: newUser, rateMicros, isPostClose,
      debit, credit, local, group, headerText, lineTexts, description: parts.join(', '),
    };
  }
}
