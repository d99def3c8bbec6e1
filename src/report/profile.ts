/**
 * The run profile behind `datasynth-pipe report` (issue 6, part 5): what a reviewer wants to see of
 * the data — first digits vs Benford, the amount distribution, lines per entry, postings per day and
 * month, the anomaly and data-quality mix, the document-chain funnel — counted by a streaming tap
 * while the data flows (no second pass, memory bounded by days in range and per-partition chain sets).
 * Written as `profile.json` into the control root; states add up, so shard profiles merge at commit.
 */
import type { Batch, StringValues } from '../engine/batch.js';
import { formatDate } from '../domain/dates.js';
import { firstDigit } from '../quality/benford.js';

export const PROFILE_VERSION = '1.0';
/** In the control root (the shards' under _manifests/), next to gates.json. */
export const PROFILE_FILE = 'profile.json';

/** log10(|amount| in currency units) histogram: bins of 0.25 from 10^-2 to 10^10. */
const LOG_MIN = -2;
const LOG_WIDTH = 0.25;
const LOG_BINS = 48;
/** Lines per entry 2…MAX_LINES_BUCKET, the last bucket = that many or more. */
const MAX_LINES_BUCKET = 20;

/** Header tables of the chain funnel and the column each one's documents are counted by. */
const FUNNEL: Readonly<Record<string, { flow: 'p2p' | 'o2c'; step: string; rootColumn: string }>> = {
  purchase_orders: { flow: 'p2p', step: 'purchase_order', rootColumn: 'po_id' },
  goods_receipts: { flow: 'p2p', step: 'goods_receipt', rootColumn: 'po_id' },
  vendor_invoices: { flow: 'p2p', step: 'vendor_invoice', rootColumn: 'po_id' },
  ap_payments: { flow: 'p2p', step: 'ap_payment', rootColumn: 'vi_id' },
  sales_orders: { flow: 'o2c', step: 'sales_order', rootColumn: 'so_id' },
  deliveries: { flow: 'o2c', step: 'delivery', rootColumn: 'so_id' },
  customer_invoices: { flow: 'o2c', step: 'customer_invoice', rootColumn: 'so_id' },
  ar_receipts: { flow: 'o2c', step: 'ar_receipt', rootColumn: 'ci_id' },
};

export interface ProfileJson {
  profile_version: string;
  journal: {
    entries: number;
    lines: number;
    /** Counts of first significant digits 1…9 of non-zero debit and credit amounts. */
    first_digit: number[];
    amount_log10: { min: number; width: number; counts: number[] };
    /** Entries by line count; key `20` = 20 or more. */
    lines_per_entry: Record<string, number>;
    /** Entries by posting date (YYYY-MM-DD). */
    entries_per_day: Record<string, number>;
    by_source: Record<string, number>;
    by_process: Record<string, number>;
  };
  anomalies: { by_category: Record<string, number>; by_type: Record<string, number> };
  data_quality: { by_type: Record<string, number>; by_subtype: Record<string, number> };
  /** Documents per step, and chains (distinct roots) reaching each step. */
  chains: Record<'p2p' | 'o2c', Record<string, { documents: number; chains: number }>>;
}

function add(map: Record<string, number>, key: string, n = 1): void {
  map[key] = (map[key] ?? 0) + n;
}

/** `lines_per_entry` keys by line count (the last = MAX_LINES_BUCKET or more). */
const LINE_KEYS = Array.from({ length: MAX_LINES_BUCKET + 1 }, (_, i) => String(i));

export class RunProfile {
  private p: ProfileJson = RunProfile.empty();
  /** Distinct chain roots per (producer, partition, table): chains never cross a partition. */
  private openRoots = new Map<string, Set<string>>();
  private openKey = new Map<string, string>();

  static empty(): ProfileJson {
    return {
      profile_version: PROFILE_VERSION,
      journal: {
        entries: 0, lines: 0, first_digit: new Array(9).fill(0),
        amount_log10: { min: LOG_MIN, width: LOG_WIDTH, counts: new Array(LOG_BINS).fill(0) },
        lines_per_entry: {}, entries_per_day: {}, by_source: {}, by_process: {},
      },
      anomalies: { by_category: {}, by_type: {} },
      data_quality: { by_type: {}, by_subtype: {} },
      chains: { p2p: {}, o2c: {} },
    };
  }

  static fromJSON(json: ProfileJson): RunProfile {
    const r = new RunProfile();
    r.p = structuredClone(json);
    return r;
  }

  /** Observes one batch of any table (others are ignored). */
  observe(batch: Batch, producer = ''): void {
    const name = batch.schema.name;
    if (name === 'journal_entry_lines') this.journal(batch);
    else if (name === 'anomaly_labels') this.labels(batch, 'anomaly_category', 'anomaly_type', this.p.anomalies.by_category, this.p.anomalies.by_type);
    else if (name === 'dq_labels') this.labels(batch, 'issue_type', 'issue_subtype', this.p.data_quality.by_type, this.p.data_quality.by_subtype);
    else if (FUNNEL[name]) this.chain(batch, producer);
  }

  private col(batch: Batch, name: string): Batch['values'][number] | null {
    const i = batch.schema.index.get(name);
    return i === undefined ? null : batch.values[i];
  }

  private journal(b: Batch): void {
    const j = this.p.journal;
    const line = this.col(b, 'line_number') as Int32Array | null;
    const doc = this.col(b, 'document_id') as StringValues | null;
    const debit = this.col(b, 'debit_amount');
    const credit = this.col(b, 'credit_amount');
    const posting = this.col(b, 'posting_date');
    const source = this.col(b, 'source') as StringValues | null;
    const process = this.col(b, 'business_process') as StringValues | null;
    const hist = j.amount_log10.counts;
    const amounts = debit instanceof Float64Array && credit instanceof Float64Array;
    let entryStart = -1;
    const closeEntry = (end: number): void => {
      if (entryStart < 0) return;
      add(j.lines_per_entry, LINE_KEYS[Math.min(end - entryStart, MAX_LINES_BUCKET)]);
    };
    // Entries come in date order: the day's key is formatted once per run of equal days.
    let lastDay = NaN, dayKey = '';
    j.lines += b.length;
    for (let r = 0; r < b.length; r++) {
      const starts = line ? line[r] === 1 : doc ? r === 0 || doc[r] !== doc[r - 1] : false;
      if (starts) {
        closeEntry(r);
        entryStart = r;
        j.entries++;
        if (posting instanceof Int32Array) {
          if (posting[r] !== lastDay) {
            lastDay = posting[r];
            dayKey = formatDate(lastDay);
          }
          add(j.entries_per_day, dayKey);
        }
        if (source) add(j.by_source, source[r] ?? 'null');
        if (process) add(j.by_process, process[r] ?? 'null');
      }
      if (amounts) {
        const c = (debit as Float64Array)[r] !== 0 ? (debit as Float64Array)[r] : (credit as Float64Array)[r];
        if (c !== 0) {
          j.first_digit[firstDigit(c) - 1]++;
          const bin = Math.floor((Math.log10(Math.abs(c) / 100) - LOG_MIN) / LOG_WIDTH);
          hist[Math.max(0, Math.min(LOG_BINS - 1, bin))]++;
        }
      }
    }
    // Entries never straddle batches (source contract), so the last entry closes here.
    closeEntry(b.length);
  }

  private labels(b: Batch, catCol: string, typeCol: string, byCat: Record<string, number>, byType: Record<string, number>): void {
    const cat = this.col(b, catCol) as StringValues | null;
    const type = this.col(b, typeCol) as StringValues | null;
    for (let r = 0; r < b.length; r++) {
      if (cat) add(byCat, cat[r] ?? 'null');
      if (type) add(byType, type[r] ?? 'null');
    }
  }

  private chain(b: Batch, producer: string): void {
    const spec = FUNNEL[b.schema.name];
    const step = (this.p.chains[spec.flow][spec.step] ??= { documents: 0, chains: 0 });
    step.documents += b.length;
    const roots = this.col(b, spec.rootColumn) as StringValues | null;
    if (!roots) return;
    const key = `${producer}#${b.partition}`;
    if (this.openKey.get(b.schema.name) !== key) {
      this.closeChains(b.schema.name);
      this.openKey.set(b.schema.name, key);
    }
    let set = this.openRoots.get(b.schema.name);
    if (!set) this.openRoots.set(b.schema.name, (set = new Set()));
    for (let r = 0; r < b.length; r++) if (roots[r] !== null) set.add(roots[r]!);
  }

  private closeChains(table: string): void {
    const set = this.openRoots.get(table);
    if (!set || set.size === 0) return;
    const spec = FUNNEL[table];
    this.p.chains[spec.flow][spec.step].chains += set.size;
    set.clear();
  }

  /** Adds another profile (a shard's) into this one. */
  merge(other: RunProfile): void {
    const a = this.toJSON();
    const b = other.toJSON();
    a.journal.entries += b.journal.entries;
    a.journal.lines += b.journal.lines;
    b.journal.first_digit.forEach((c, i) => (a.journal.first_digit[i] += c));
    b.journal.amount_log10.counts.forEach((c, i) => (a.journal.amount_log10.counts[i] += c));
    for (const k of ['lines_per_entry', 'entries_per_day', 'by_source', 'by_process'] as const) for (const [x, n] of Object.entries(b.journal[k])) add(a.journal[k], x, n);
    for (const [x, n] of Object.entries(b.anomalies.by_category)) add(a.anomalies.by_category, x, n);
    for (const [x, n] of Object.entries(b.anomalies.by_type)) add(a.anomalies.by_type, x, n);
    for (const [x, n] of Object.entries(b.data_quality.by_type)) add(a.data_quality.by_type, x, n);
    for (const [x, n] of Object.entries(b.data_quality.by_subtype)) add(a.data_quality.by_subtype, x, n);
    for (const flow of ['p2p', 'o2c'] as const) {
      for (const [step, v] of Object.entries(b.chains[flow])) {
        const s = (a.chains[flow][step] ??= { documents: 0, chains: 0 });
        s.documents += v.documents;
        s.chains += v.chains;
      }
    }
    this.p = a;
  }

  /** The profile so far, open chain sets closed (keys sorted for stable output). */
  toJSON(): ProfileJson {
    for (const t of [...this.openRoots.keys()]) this.closeChains(t);
    this.openKey.clear();
    const p = structuredClone(this.p);
    const sorted = (m: Record<string, number>): Record<string, number> => Object.fromEntries(Object.entries(m).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
    p.journal.entries_per_day = sorted(p.journal.entries_per_day);
    p.journal.lines_per_entry = Object.fromEntries(Object.entries(p.journal.lines_per_entry).sort(([x], [y]) => Number(x) - Number(y)));
    return p;
  }
}
