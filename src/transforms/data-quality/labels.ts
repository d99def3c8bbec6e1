/**
 * `dq_labels` rows (domain.md §9.4) collected column-wise per partition, ids
 * `QI-{component}-{p:05}-{seq:07}` in stream order (§0.3), and the per-injector counts that go to
 * the run manifest (`components.<id>.details`, controls.md §2).
 */
import { createBatch, type Batch } from '../../engine/batch.js';
import { dqLabels } from '../../tables/dq.js';
import { objectArray } from '../../util/arrays.js';

export type IssueType = 'missing_value' | 'typo' | 'format_variation' | 'encoding_issue' | 'duplicate';

/** domain.md §9.4 severities. */
export const SEVERITY: Readonly<Record<IssueType, number>> = {
  missing_value: 3, typo: 2, format_variation: 1, duplicate: 4, encoding_issue: 3,
};

/** `QI-{component}-{p:05}-{seq:07}` (domain.md §0.3), seq 1-based. */
export function issueId(componentId: string, partition: number, seq: number): string {
  return `QI-${componentId}-${String(partition).padStart(5, '0')}-${String(seq).padStart(7, '0')}`;
}

/**
 * Counts per issue type and subtype plus distinct records with issues, mergeable across
 * partitions; `toDetails()` is the flat form for the manifest's `components.<id>.details`.
 *
 * @example
 * const total = new DqCounts();
 * total.merge(partitionCounts);
 * total.toDetails(); // { issues: 120, records_with_issues: 97, 'missing_value': 40, 'missing_value.mcar': 40, … }
 */
export class DqCounts {
  issues = 0;
  recordsWithIssues = 0;
  duplicatesEmitted = 0;
  readonly byType = new Map<string, number>();
  /** `type.subtype` → count (built on read from `subtypes`: no key string per label). */
  get bySubtype(): Map<string, number> {
    const m = new Map<string, number>();
    for (const [type, sub] of this.subtypes) for (const [k, v] of sub) m.set(`${type}.${k}`, v);
    return m;
  }
  private readonly subtypes = new Map<string, Map<string, number>>();

  add(type: IssueType, subtype: string): void {
    this.issues++;
    this.byType.set(type, (this.byType.get(type) ?? 0) + 1);
    let sub = this.subtypes.get(type);
    if (!sub) this.subtypes.set(type, (sub = new Map()));
    sub.set(subtype, (sub.get(subtype) ?? 0) + 1);
    if (type === 'duplicate') this.duplicatesEmitted++;
  }

  merge(other: DqCounts): void {
    this.issues += other.issues;
    this.recordsWithIssues += other.recordsWithIssues;
    this.duplicatesEmitted += other.duplicatesEmitted;
    for (const [k, v] of other.byType) this.byType.set(k, (this.byType.get(k) ?? 0) + v);
    for (const [type, sub] of other.subtypes) {
      let mine = this.subtypes.get(type);
      if (!mine) this.subtypes.set(type, (mine = new Map()));
      for (const [k, v] of sub) mine.set(k, (mine.get(k) ?? 0) + v);
    }
  }

  /** Flat, key-sorted record: `issues`, `records_with_issues`, `duplicates_emitted`, then per type and `type.subtype`. */
  toDetails(): Record<string, number> {
    const out: Record<string, number> = { issues: this.issues, records_with_issues: this.recordsWithIssues, duplicates_emitted: this.duplicatesEmitted };
    for (const k of [...this.byType.keys()].sort()) out[k] = this.byType.get(k)!;
    const bySubtype = this.bySubtype;
    for (const k of [...bySubtype.keys()].sort()) out[k] = bySubtype.get(k)!;
    return out;
  }
}

/** Label rows of one partition, column-wise; `take()` hands out what was collected as batches. */
export class DqLabelWriter {
  private seq = 0;
  private idPrefix: string | null = null;
  private firstRow = 0;
  private lastRecord: string | null = null;
  // Column builders, emptied (not replaced) after each take(): they keep their elements kind.
  private readonly ids = objectArray<string>();
  private readonly types = objectArray<string>();
  private readonly subtypes = objectArray<string>();
  private readonly severities: number[] = [];
  private readonly records = objectArray<string>();
  /** Line numbers, −1 = null (an all-number array keeps one element kind: no deopts). */
  private readonly lines: number[] = [];
  private readonly fields = objectArray<string | null>();
  private readonly originals = objectArray<string | null>();
  private readonly modifieds = objectArray<string | null>();
  private readonly descriptions = objectArray<string>();

  constructor(
    private readonly componentId: string,
    private readonly partition: number,
    private readonly batchRows: number,
    readonly counts: DqCounts,
    /** Partition number in issue ids (source partition + the source's offset among the transform's inputs). */
    private readonly idPartition = partition,
  ) {}

  get size(): number {
    return this.ids.length;
  }

  /** Appends one label; labels of a record are contiguous (entries are processed whole), so distinct records count cheaply. */
  add(type: IssueType, subtype: string, recordId: string, lineNumber: number | null, field: string | null, original: string | null, modified: string | null, description: string): void {
    // = issueId(componentId, idPartition, seq) with the constant prefix built once.
    this.idPrefix ??= issueId(this.componentId, this.idPartition, 0).slice(0, -7);
    this.ids.push(this.idPrefix + String(++this.seq).padStart(7, '0'));
    this.types.push(type);
    this.subtypes.push(subtype);
    this.severities.push(SEVERITY[type]);
    this.records.push(recordId);
    this.lines.push(lineNumber === null ? -1 : lineNumber);
    this.fields.push(field);
    this.originals.push(original);
    this.modifieds.push(modified);
    this.descriptions.push(description);
    this.counts.add(type, subtype);
    if (recordId !== this.lastRecord) {
      this.counts.recordsWithIssues++;
      this.lastRecord = recordId;
    }
  }

  /**
   * The collected labels as full `dq_labels` batches of `batchRows` rows, and with `final` the rest
   * too; what is handed out leaves the buffer. Label batches are cut by count, not per input batch:
   * a few hundred labels per lines batch would make as many small batches, each paying a sink's
   * per-batch cost (encoder set-up, a stream write, a chunk).
   */
  *take(final = false): Generator<Batch> {
    const n = this.ids.length;
    const upTo = final ? n : n - (n % this.batchRows);
    if (upTo === 0) return;
    const s = dqLabels.index;
    for (let start = 0; start < upTo; start += this.batchRows) {
      const len = Math.min(this.batchRows, upTo - start);
      const b = createBatch(dqLabels, this.partition, this.firstRow + start, len);
      const str = (name: string, src: ReadonlyArray<string | null>): void => {
        const col = b.values[s.get(name)!] as Array<string | null>;
        for (let i = 0; i < len; i++) col[i] = src[start + i];
      };
      str('issue_id', this.ids);
      str('issue_type', this.types);
      str('issue_subtype', this.subtypes);
      (b.values[s.get('severity')!] as Int32Array).set(this.severities.slice(start, start + len));
      const table = b.values[s.get('table_name')!] as Array<string | null>;
      table.fill('journal_entry_lines');
      str('record_id', this.records);
      const ln = b.values[s.get('line_number')!] as Int32Array;
      const lnNull = b.nulls[s.get('line_number')!]!;
      for (let i = 0; i < len; i++) {
        const v = this.lines[start + i];
        if (v < 0) lnNull[i] = 1;
        else ln[i] = v;
      }
      str('field_name', this.fields);
      str('original_value', this.originals);
      str('modified_value', this.modifieds);
      str('description', this.descriptions);
      yield b;
    }
    this.firstRow += upTo;
    // The rest (< batchRows) moves to the front in place (copyWithin: no array of the removed rows);
    // the arrays are emptied, not replaced, so they keep their elements kind.
    for (const col of [this.ids, this.types, this.subtypes, this.severities, this.records, this.lines, this.fields, this.originals, this.modifieds, this.descriptions] as unknown[][]) {
      if (upTo < n) col.copyWithin(0, upTo, n);
      col.length = n - upTo;
    }
  }
}
