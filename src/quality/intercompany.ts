/**
 * `ic_match_rate` (controls.md §6.3, domain.md §7): pairs by IC reference; a pair matches iff both
 * journal entries exist and their group-currency amounts (Σ of positive `group_amount` lines: the
 * gross transfer price on both sides) differ by at most the tolerance. Pairs and their entries are
 * produced in the same partition, so each partition closes into counters. When the run produces no
 * journal entry lines, "exists" means both entry ids are set (details: `entries_checked: false`).
 */
import type { Batch } from '../engine/batch.js';
import type { Accumulator, MetricResult } from './types.js';
import { partitionKey } from './types.js';
import { col, readCents, readString } from './read.js';

interface Pair { ref: string; seller: string | null; buyer: string | null }

/**
 * @example
 * const acc = new IcMatchAccumulator(1);
 * acc.observe(icPairs); acc.observe(lines);
 * acc.finalize(); // {value: matched / pairs, n: pairs, details}
 */
export class IcMatchAccumulator implements Accumulator {
  readonly metric = 'ic_match_rate' as const;
  pairs = 0;
  matched = 0;
  missingEntries = 0;
  amountMismatches = 0;
  entriesChecked = false;
  private partPairs: Pair[] = [];
  private partEntries = new Map<string, number>();
  private partHasLines = false;
  private openKey = '';

  constructor(readonly toleranceCents = 1) {}

  observe(batch: Batch, producer?: string): void {
    const name = batch.schema.name;
    if (name !== 'ic_matched_pairs' && name !== 'journal_entry_lines') return;
    const key = partitionKey(batch, producer);
    if (key !== this.openKey) {
      this.flush();
      this.openKey = key;
    }
    if (name === 'ic_matched_pairs') {
      const ref = col(batch, 'ic_reference');
      const seller = col(batch, 'seller_journal_entry_id');
      const buyer = col(batch, 'buyer_journal_entry_id');
      for (let r = 0; r < batch.length; r++) {
        this.partPairs.push({ ref: readString(batch, ref, r) ?? '', seller: readString(batch, seller, r), buyer: readString(batch, buyer, r) });
      }
      return;
    }
    this.partHasLines = true;
    const doc = col(batch, 'document_id');
    const partner = col(batch, 'trading_partner');
    const srcType = col(batch, 'source_document_type');
    const group = col(batch, 'group_amount');
    // String columns as generated are read directly; re-typed or missing ones through readString.
    const pv = partner >= 0 ? batch.values[partner] : null;
    const sv = srcType >= 0 ? batch.values[srcType] : null;
    const native = Array.isArray(pv) && Array.isArray(sv);
    for (let r = 0; r < batch.length; r++) {
      // Only intercompany lines are kept (bounded by the partition's IC entries).
      if (native ? pv[r] === null && sv[r] !== 'ic_pair' : readString(batch, partner, r) === null && readString(batch, srcType, r) !== 'ic_pair') continue;
      const id = readString(batch, doc, r);
      if (id === null) continue;
      const g = readCents(batch, group, r) ?? 0;
      this.partEntries.set(id, (this.partEntries.get(id) ?? 0) + (g > 0 ? g : 0));
    }
  }

  flush(): void {
    for (const p of this.partPairs) {
      this.pairs++;
      if (p.seller === null || p.buyer === null) {
        this.missingEntries++;
        continue;
      }
      if (!this.partHasLines) {
        this.matched++;
        continue;
      }
      this.entriesChecked = true;
      const s = this.partEntries.get(p.seller);
      const b = this.partEntries.get(p.buyer);
      if (s === undefined || b === undefined) this.missingEntries++;
      else if (Math.abs(s - b) > this.toleranceCents) this.amountMismatches++;
      else this.matched++;
    }
    this.partPairs = [];
    this.partEntries = new Map();
    this.partHasLines = false;
    this.openKey = '';
  }

  merge(other: Accumulator): void {
    const o = other as IcMatchAccumulator;
    o.flush();
    this.flush();
    this.pairs += o.pairs;
    this.matched += o.matched;
    this.missingEntries += o.missingEntries;
    this.amountMismatches += o.amountMismatches;
    this.entriesChecked ||= o.entriesChecked;
  }

  toJSON(): unknown {
    this.flush();
    return { tolerance_cents: this.toleranceCents, pairs: this.pairs, matched: this.matched, missing_entries: this.missingEntries, amount_mismatches: this.amountMismatches, entries_checked: this.entriesChecked };
  }

  static fromJSON(json: unknown, toleranceCents?: number): IcMatchAccumulator {
    const j = json as { tolerance_cents: number; pairs: number; matched: number; missing_entries: number; amount_mismatches: number; entries_checked: boolean };
    const acc = new IcMatchAccumulator(toleranceCents ?? j.tolerance_cents);
    acc.pairs = j.pairs;
    acc.matched = j.matched;
    acc.missingEntries = j.missing_entries;
    acc.amountMismatches = j.amount_mismatches;
    acc.entriesChecked = j.entries_checked;
    return acc;
  }

  finalize(): MetricResult {
    this.flush();
    const details = { pairs: this.pairs, matched: this.matched, missing_entries: this.missingEntries, amount_mismatches: this.amountMismatches, tolerance_cents: this.toleranceCents, entries_checked: this.entriesChecked };
    if (this.pairs === 0) return { value: null, n: 0, details, notEvaluated: 'intercompany on but no pairs' };
    return { value: this.matched / this.pairs, n: this.pairs, details };
  }
}
