/**
 * The `data_quality` transform (domain.md §9): injects labelled data-quality issues into
 * `journal_entry_lines` — missing values, typos, format variations, encoding issues, duplicate
 * entries — and writes one `dq_labels` row per changed field value or emitted copy, so a cleaning
 * pipeline can be scored knowing exactly which field changed, from what to what.
 *
 * Rules implemented here:
 * - Stage isolation (D7): one key per entry, keyed by (seed, componentId, p, document_id) (streams.ts
 *   `EntryKeys`: one SHA-256 stage key per partition, a fast keyed mix per entry), and from it
 *   one cheap sub-stream per (field, injector) (streams.ts `Stream.fromMix`; duplicates: `duplicate`),
 *   never the output position; each injector's process runs whatever the others decide, so
 *   retuning one moves no other's issues. Rows it does not change pass byte-identical
 *   (copy-on-write: an unchanged batch is passed on as is).
 * - At most one issue per field value, in precedence missing > typo > format > encoding, so every
 *   changed field has exactly one label whose original/modified values are the real ones.
 * - Header-level fields (`header_text`, `reference`, `user_persona`, `document_date`) change
 *   identically on every line and are labelled once with `line_number` null (§9.1).
 * - Duplicates only of entries without an anomaly label; a duplicated original is not otherwise
 *   changed; the copy follows its original directly (§1.1) and is covered by its one label.
 * - Date / amount variations re-type `document_date` / `local_amount`, `group_amount` to string for
 *   the whole run (§9.2): every batch is converted, changed or not.
 * - An entry's lines never straddle two batches (asserted).
 *
 * @example
 * // pipeline.yaml
 * // transforms:
 * //   noise: { type: data_quality, inputs: [gl], preset: normal }
 * const t = dataQualityTransform.create('noise', { preset: 'normal' }, ctx);
 * for (const out of t.transform(jelBatch)) console.log(out.schema.name, out.length); // journal_entry_lines …, dq_labels …
 */
import type { JsonObject, PipelineConfig } from '../../config/types.js';
import type { Batch, ColumnValues } from '../../engine/batch.js';
import type { GenerationContext, PartitionTransform, TransformInput, TransformPlugin } from '../../engine/plugins.js';
import { defineTable, type TableSchema } from '../../engine/schema.js';
import { formatDate } from '../../domain/dates.js';
import { deriveUuid } from '../../random/derive.js';
import { formatCents } from '../../sources/journal-entries/generator.js';
import { dqLabels } from '../../tables/dq.js';
import { journalEntryLines } from '../../tables/journal.js';
import { NearDuplicator, type NearChanges } from './duplicates.js';
import { encodingIssue } from './encoding.js';
import { amountVariation, dateVariation, identifierVariation, textVariation } from './formats.js';
import { DqCounts, DqLabelWriter, type IssueType } from './labels.js';
import { dataQualityOptionsSchema, DUPLICATE_KINDS, IDENTIFIER_FORMAT_FIELDS, resolveDqOptions, type DuplicateKind, type ResolvedDqOptions } from './options.js';
import { typosFrom, type TypoCarry } from './typos.js';
import { EntryKeys, gapThresholds, saltOf, Stream } from './streams.js';
import { objectArray } from '../../util/arrays.js';

export { resolveDqOptions, dataQualityOptionsSchema, PRESETS, TYPO_KINDS, DUPLICATE_KINDS, BASE_PROTECTED_FIELDS } from './options.js';
export type { ResolvedDqOptions } from './options.js';
export { DqCounts, issueId } from './labels.js';

const JEL = journalEntryLines.name;
/** Header-level then line-level fields, each in column order (label order within an entry). */
const HEADER_TEXT_FIELDS = ['user_persona', 'reference', 'header_text'] as const;
const LINE_TEXT_FIELDS = ['cost_center', 'profit_center', 'line_text'] as const;
const TEXT_FIELDS: readonly string[] = [...HEADER_TEXT_FIELDS, ...LINE_TEXT_FIELDS];
const AMOUNT_FIELDS = ['local_amount', 'group_amount'] as const;
const IDENTIFIER = new Set<string>(IDENTIFIER_FORMAT_FIELDS);

const schemaCache = new WeakMap<TableSchema, Map<string, TableSchema>>();

/**
 * `journal_entry_lines` as this stage emits it: the input schema, with the columns whose
 * variations are enabled re-typed to string (domain.md §9.2). The same object for the same input.
 *
 * @example
 * outputLinesSchema(journalEntryLines, ['document_date']).columns[6].type; // 'string'
 */
export function outputLinesSchema(base: TableSchema, retyped: readonly string[]): TableSchema {
  const cols = retyped.filter((c) => base.index.has(c) && base.columns[base.index.get(c)!].type !== 'string');
  if (cols.length === 0) return base;
  let byCols = schemaCache.get(base);
  if (!byCols) {
    byCols = new Map();
    schemaCache.set(base, byCols);
  }
  const key = cols.join(',');
  let s = byCols.get(key);
  if (!s) {
    s = defineTable(base.name, base.description, base.columns.map((c) => {
      const re = cols.includes(c.name);
      return [c.name, {
        type: re ? 'string' : c.type,
        description: re ? `${c.description} (text: data_quality format variations are enabled, so values may be spelt in other formats)` : c.description,
        nullable: c.nullable,
        nullableByDesign: c.nullableByDesign,
        // Variants such as `1,234.56` contain delimiters.
        freeText: c.freeText || re,
        ...(c.references ? { references: c.references } : {}),
      }] as const;
    }), base.key);
    byCols.set(key, s);
  }
  return s;
}

interface Mutation {
  readonly type: IssueType;
  readonly subtype: string;
  readonly value: string | null;
  readonly description: string;
}

interface Duplicate {
  readonly start: number;
  readonly count: number;
  readonly kind: DuplicateKind;
  readonly copyId: string;
  readonly near: NearChanges | null;
}

/** One text field's rates, log1p(−rate) for geometric skipping and sub-stream salts (precomputed once). */
interface FieldPlan {
  readonly name: string;
  /** Index into TEXT_FIELDS (and ColumnIndexes.text). */
  readonly slot: number;
  readonly identifier: boolean;
  readonly mr: number;
  readonly tr: number;
  readonly fr: number;
  readonly er: number;
  readonly lm: number;
  readonly lt: number;
  readonly lf: number;
  readonly le: number;
  /** gapThresholds of each rate (values; typos: characters). */
  readonly tm: Float64Array;
  readonly tt: Float64Array;
  readonly tf: Float64Array;
  readonly te: Float64Array;
  readonly saltMissing: Int32Array;
  readonly saltTypo: Int32Array;
  readonly saltFormat: Int32Array;
  readonly saltEncoding: Int32Array;
  readonly missing: Mutation;
  /** `{field} format: {subtype}` / `{field} encoding: {subtype}` by subtype, built once (one string per label kind, not per label). */
  readonly formatDescriptions: Map<string, string>;
  readonly encodingDescriptions: Map<string, string>;
}

/** The cached description `{field} {what}: {subtype}`. */
function described(cache: Map<string, string>, subtype: string, field: string, what: string): string {
  let d = cache.get(subtype);
  if (d === undefined) {
    d = `${field} ${what}: ${subtype}`;
    cache.set(subtype, d);
  }
  return d;
}

/** "No typo in this field of the entry": a small integer, not Infinity (keeps the position an int for the JIT). */
const NO_TYPO = -1;

const logQ = (rate: number): number => (rate >= 1 ? -Infinity : Math.log1p(-rate));

function fieldPlan(o: ResolvedDqOptions, name: string, slot: number): FieldPlan {
  const mr = o.missingRates.get(name) ?? 0;
  const tr = o.typoRates.get(name) ?? 0;
  const fr = o.formatRates.get(name) ?? 0;
  const er = o.encodingRates.get(name) ?? 0;
  return {
    name, slot, identifier: IDENTIFIER.has(name), mr, tr, fr, er, lm: logQ(mr), lt: logQ(tr), lf: logQ(fr), le: logQ(er),
    tm: gapThresholds(logQ(mr), 65), tt: gapThresholds(logQ(tr), 1024), tf: gapThresholds(logQ(fr), 65), te: gapThresholds(logQ(er), 65),
    saltMissing: saltOf(`${name}/missing`), saltTypo: saltOf(`${name}/typo`), saltFormat: saltOf(`${name}/format`), saltEncoding: saltOf(`${name}/encoding`),
    missing: { type: 'missing_value', subtype: 'mcar', value: null, description: `${name} missing (MCAR)` },
    formatDescriptions: new Map(), encodingDescriptions: new Map(),
  };
}

/**
 * The typo label of a value: subtype the one kind, or `multiple` when the value got several kinds
 * (bounded subtypes for label filters and manifest counts). A function of its own: its rare branches
 * (several typos in one value) never deoptimise the per-field scan.
 */
function typoMutation(t: { readonly text: string; readonly kinds: readonly string[]; readonly positions: readonly number[] }, field: string): Mutation {
  let one = true;
  let at = `${t.kinds[0]} at ${t.positions[0]}`;
  for (let i = 1; i < t.kinds.length; i++) {
    if (t.kinds[i] !== t.kinds[0]) one = false;
    at += `, ${t.kinds[i]} at ${t.positions[i]}`;
  }
  return { type: 'typo', subtype: one ? t.kinds[0] : 'multiple', value: t.text, description: `${t.kinds.length} typo${t.kinds.length === 1 ? '' : 's'} in ${field}: ${at}` };
}

const SALT_DUPLICATE = saltOf('duplicate');
const SALT_DATE = saltOf('document_date');
const SALT_AMOUNT = AMOUNT_FIELDS.map((f) => saltOf(f));

/** Column positions the stage reads (the same in its output schema: re-typing keeps the order). */
interface ColumnIndexes {
  readonly documentId: number;
  readonly lineNumber: number;
  readonly isAnomaly: number;
  readonly documentDate: number;
  readonly currency: number;
  readonly text: readonly number[];
  readonly amount: readonly number[];
}

const indexCache = new WeakMap<TableSchema, ColumnIndexes>();
function columnIndexes(schema: TableSchema): ColumnIndexes {
  let c = indexCache.get(schema);
  if (!c) {
    const ix = (name: string): number => schema.index.get(name)!;
    c = {
      documentId: ix('document_id'), lineNumber: ix('line_number'), isAnomaly: ix('is_anomaly'), documentDate: ix('document_date'),
      currency: ix('currency'), text: TEXT_FIELDS.map(ix), amount: AMOUNT_FIELDS.map(ix),
    };
    indexCache.set(schema, c);
  }
  return c;
}

/** Field edits of one batch (row, column, new value), reused across batches. */
class Edits {
  readonly rows: number[] = [];
  readonly cols: number[] = [];
  readonly vals = objectArray<string | null>();
  add(row: number, col: number, value: string | null): void {
    this.rows.push(row);
    this.cols.push(col);
    this.vals.push(value);
  }
  clear(): void {
    this.rows.length = 0;
    this.cols.length = 0;
    this.vals.length = 0;
  }
}

interface PartitionState {
  readonly writer: DqLabelWriter;
  /** Rows emitted so far beyond the input's (duplicates): output firstRow = input firstRow + shift. */
  shift: number;
  lastDocumentId: string | null;
}

/** Per (component, input partition) instance (the runner makes one per partition). */
export class DataQualityPartition implements PartitionTransform {
  /** Counts over everything this instance processed (for the manifest's `components.<id>.details`). */
  readonly counts = new DqCounts();
  private readonly states = new Map<number, PartitionState>();
  private readonly near: NearDuplicator;
  private dateCache = new Map<number, string>();
  private keys: EntryKeys | null = null;
  private keysPartition = -1;
  private readonly headerPlans: readonly FieldPlan[];
  private readonly linePlans: readonly FieldPlan[];
  private readonly dateRate: number;
  private readonly amountRates: readonly number[];
  // Reused streams (re-keyed per entry and field) and scratch: no allocation per value.
  private readonly sDup = new Stream();
  private readonly sMissing = new Stream();
  private readonly sTypo = new Stream();
  private readonly sFormat = new Stream();
  private readonly sEncoding = new Stream();
  private readonly carry: TypoCarry = { carry: 0 };
  private readonly res = objectArray<Mutation | null>();
  private readonly edits = new Edits();

  constructor(
    private readonly componentId: string,
    private readonly o: ResolvedDqOptions,
    private readonly ctx: GenerationContext,
    /** Added to the source partition in issue ids (TransformInput): unique across several sources. */
    private readonly partitionOffset = 0,
    /** The only reader of its input batches (TransformInput.exclusive): edits go into them in place. */
    private readonly exclusive = false,
  ) {
    this.near = new NearDuplicator(ctx.reference);
    const plans = TEXT_FIELDS.map((name, slot) => fieldPlan(o, name, slot)).filter((f) => f.mr > 0 || f.tr > 0 || f.fr > 0 || f.er > 0);
    this.headerPlans = plans.filter((f) => f.slot < HEADER_TEXT_FIELDS.length);
    this.linePlans = plans.filter((f) => f.slot >= HEADER_TEXT_FIELDS.length);
    this.dateRate = o.formatRates.get('document_date') ?? 0;
    this.amountRates = AMOUNT_FIELDS.map((f) => o.formatRates.get(f) ?? 0);
  }

  /** Flat counts per issue type and subtype plus records with issues (proposal for `components.<id>.details`). */
  details(): Record<string, number> {
    return this.counts.toDetails();
  }

  private state(p: number): PartitionState {
    let s = this.states.get(p);
    if (!s) {
      s = { writer: new DqLabelWriter(this.componentId, p, this.ctx.batchRows, this.counts, this.partitionOffset + p), shift: 0, lastDocumentId: null };
      this.states.set(p, s);
    }
    return s;
  }

  *transform(batch: Batch): Iterable<Batch> {
    if (batch.schema.name !== JEL || batch.length === 0) {
      yield batch;
      return;
    }
    const st = this.state(batch.partition);
    const ids = batch.values[batch.schema.index.get('document_id')!] as Array<string | null>;
    if (st.lastDocumentId !== null && ids[0] === st.lastDocumentId) {
      throw new Error(`data_quality ${this.componentId}: entry ${ids[0]} straddles two journal_entry_lines batches in partition ${batch.partition}`);
    }
    st.lastDocumentId = ids[batch.length - 1];
    const outSchema = outputLinesSchema(batch.schema, this.o.retyped);
    if (!this.o.active) {
      yield outSchema === batch.schema && st.shift === 0 ? batch : this.build(batch, outSchema, st.shift, [], [], [], []);
      return;
    }
    const cols = columnIndexes(batch.schema);
    const ed = this.edits;
    ed.clear();
    const dups = objectArray<Duplicate>();
    const n = batch.length;
    for (let s = 0; s < n;) {
      let e = s + 1;
      while (e < n && ids[e] === ids[s]) e++;
      this.entry(batch, outSchema, s, e - s, st.writer, cols, ed, dups);
      s = e;
    }
    const out = ed.rows.length === 0 && dups.length === 0 && outSchema === batch.schema && st.shift === 0
      ? batch
      : this.build(batch, outSchema, st.shift, ed.rows, ed.cols, ed.vals, dups);
    st.shift += out.length - batch.length;
    yield out;
    yield* st.writer.take();
  }

  *endPartition(partition: number): Iterable<Batch> {
    const st = this.states.get(partition);
    if (st) yield* st.writer.take(true);
    this.states.delete(partition);
  }

  /** Per-partition entry keys (one SHA-256 stage key per partition, a fast keyed mix per entry; streams.ts, D7). */
  private keysFor(p: number): EntryKeys {
    return this.keys !== null && this.keysPartition === p ? this.keys : this.newKeys(p);
  }

  private newKeys(p: number): EntryKeys {
    this.keys = new EntryKeys(this.ctx.seed, this.componentId, p);
    this.keysPartition = p;
    return this.keys;
  }

  /**
   * Decides and records every issue of the entry at rows [s, s + n). Every draw comes from a
   * sub-stream of the entry's one key (`EntryKeys.words(document_id)`), one per
   * (field, injector): `Stream.fromMix(key, saltOf('field/injector'))` (domain.md §9.1 "keyed by
   * document_id and field"). Each injector's process runs whatever the others do (its decisions and
   * content draws are made even where a higher-precedence issue wins the value), so switching or
   * retuning one injector never moves another's issues (D7).
   */
  private entry(batch: Batch, outSchema: TableSchema, s: number, n: number, writer: DqLabelWriter, cols: ColumnIndexes, ed: Edits, dups: Duplicate[]): void {
    const { o } = this;
    const v = batch.values;
    const p = batch.partition;
    const docId = (v[cols.documentId] as Array<string | null>)[s]!;
    const lineNo = v[cols.lineNumber] as Int32Array;
    const w = this.keysFor(p).words(docId);

    // Duplicates first: only of unlabelled entries, and a duplicated original stays unchanged.
    if (o.duplicateRate > 0 && (v[cols.isAnomaly] as Uint8Array)[s] === 0) {
      const rng = this.sDup.fromMix(w, SALT_DUPLICATE);
      if (rng.float() < o.duplicateRate) {
        this.duplicate(batch, s, n, docId, rng, writer, dups);
        return;
      }
    }

    // Header-level fields: one decision per entry, written on every line, labelled once.
    if (this.dateRate > 0 && outSchema.columns[cols.documentDate].type === 'string' && batch.schema.columns[cols.documentDate].type === 'date') {
      const rng = this.sDup.fromMix(w, SALT_DATE);
      if (rng.float() < this.dateRate) {
        const day = (v[cols.documentDate] as Int32Array)[s];
        const dv = dateVariation(day, rng);
        for (let j = 0; j < n; j++) ed.add(s + j, cols.documentDate, dv.value);
        writer.add('format_variation', dv.subtype, docId, null, 'document_date', formatDate(day), dv.value, `document_date spelt as ${dv.subtype}`);
      }
    }
    const res = this.res;
    for (let k = 0; k < this.headerPlans.length; k++) {
      const f = this.headerPlans[k];
      const col = v[cols.text[f.slot]] as Array<string | null>;
      if (col[s] === null) continue;
      if (this.field(f, col, s, 1, w) === 0) continue;
      const m = res[0]!;
      for (let j = 0; j < n; j++) ed.add(s + j, cols.text[f.slot], m.value);
      writer.add(m.type, m.subtype, docId, null, f.name, col[s], m.value, m.description);
    }

    // Line-level fields: one stream per (entry, field, injector), consumed line by line.
    if (this.amountRates[0] > 0 || this.amountRates[1] > 0) {
      const currency = (v[cols.currency] as Array<string | null>)[s]!;
      for (let k = 0; k < AMOUNT_FIELDS.length; k++) {
        const field = AMOUNT_FIELDS[k];
        const rate = this.amountRates[k];
        const ci = cols.amount[k];
        if (!(rate > 0) || outSchema.columns[ci].type !== 'string' || batch.schema.columns[ci].type !== 'money') continue;
        const cents = v[ci] as Float64Array;
        const rng = this.sDup.fromMix(w, SALT_AMOUNT[k]);
        for (let j = 0; j < n; j++) {
          if (!(rng.float() < rate)) continue;
          const av = amountVariation(cents[s + j], currency, rng);
          if (!av) continue;
          ed.add(s + j, ci, av.value);
          writer.add('format_variation', av.subtype, docId, lineNo[s + j], field, formatCents(cents[s + j]), av.value, `${field} spelt as ${av.subtype}`);
        }
      }
    }
    for (let k = 0; k < this.linePlans.length; k++) {
      const f = this.linePlans[k];
      const ci = cols.text[f.slot];
      const col = v[ci] as Array<string | null>;
      if (this.field(f, col, s, n, w) === 0) continue;
      for (let j = 0; j < n; j++) {
        const m = res[j];
        if (m === null) continue;
        ed.add(s + j, ci, m.value);
        writer.add(m.type, m.subtype, docId, lineNo[s + j], f.name, col[s + j], m.value, m.description);
      }
    }
  }

  /** Plans the duplicate of the entry at rows [s, s + n) (kind, near changes, copy id) and labels it. */
  private duplicate(batch: Batch, s: number, n: number, docId: string, rng: Stream, writer: DqLabelWriter, dups: Duplicate[]): void {
    const o = this.o;
    let kind = DUPLICATE_KINDS[rng.weightedIndex(o.duplicateSplit)];
    const near = kind === 'exact' ? null : this.near.plan(batch, s, n, kind, o.typoWeights, rng);
    if (near === null) kind = 'exact';
    const copyId = deriveUuid(this.ctx.seed, this.componentId, batch.partition, `${docId}:1`);
    dups.push({ start: s, count: n, kind, copyId, near });
    writer.add('duplicate', kind, copyId, null, null, docId, copyId, `${kind} duplicate of ${docId}${near ? `: ${near.description}` : ''}`);
  }

  /**
   * The issues of one field over its `count` values at rows [s, s + count) into `this.res[0..count)`
   * (null = untouched); returns how many values changed. Missing, format and encoding hits are
   * drawn by geometric skipping over the values (Bernoulli(rate) per non-null value), typos over the
   * characters of the values one after another (Bernoulli(rate) per letter or digit); precedence
   * missing > typo > format > encoding picks the one issue of a value (domain.md §9.3).
   */
  private field(f: FieldPlan, col: ArrayLike<string | null>, s: number, count: number, w: Int32Array): number {
    const res = this.res;
    if (res.length < count) for (let j = res.length; j < count; j++) res.push(null);
    const sm = this.sMissing;
    const st = this.sTypo;
    const sf = this.sFormat;
    const se = this.sEncoding;
    let nm = f.mr > 0 ? sm.fromMix(w, f.saltMissing).gapWithin(f.lm, count, f.tm) : count;
    let nf = f.fr > 0 ? sf.fromMix(w, f.saltFormat).gapWithin(f.lf, count, f.tf) : count;
    let ne = f.er > 0 ? se.fromMix(w, f.saltEncoding).gapWithin(f.le, count, f.te) : count;
    let tp = NO_TYPO;
    if (f.tr > 0) {
      let chars = 0;
      for (let j = 0; j < count; j++) chars += col[s + j]?.length ?? 0;
      tp = st.fromMix(w, f.saltTypo).gapWithin(f.lt, chars, f.tt);
      if (tp >= chars) tp = NO_TYPO;
    }
    if (nm >= count && nf >= count && ne >= count && tp === NO_TYPO) return 0;
    let hits = 0;
    for (let j = 0; j < count; j++) {
      const value = col[s + j];
      let m: Mutation | null = null;
      if (j === nm) {
        if (value !== null) m = f.missing;
        nm = j + 1 + sm.gapWithin(f.lm, count - j - 1, f.tm);
      }
      if (value !== null && tp !== NO_TYPO) {
        if (tp < value.length) {
          const t = typosFrom(value, tp, f.lt, this.o.typoWeights, st, this.carry);
          tp = this.carry.carry;
          // Bounded subtypes (label filters, manifest counts): the kind, or `multiple` when a value got several kinds.
          if (t && m === null) m = typoMutation(t, f.name);
        } else tp -= value.length;
      }
      if (j === nf) {
        if (value !== null) {
          const x = f.identifier ? identifierVariation(value, sf) : textVariation(value, sf);
          if (x && m === null) m = { type: 'format_variation', subtype: x.subtype, value: x.value, description: described(f.formatDescriptions, x.subtype, f.name, 'format') };
        }
        nf = j + 1 + sf.gapWithin(f.lf, count - j - 1, f.tf);
      }
      if (j === ne) {
        if (value !== null) {
          const e = encodingIssue(value, se);
          if (e && m === null) m = { type: 'encoding_issue', subtype: e.subtype, value: e.value, description: described(f.encodingDescriptions, e.subtype, f.name, 'encoding') };
        }
        ne = j + 1 + se.gapWithin(f.le, count - j - 1, f.te);
      }
      res[j] = m;
      if (m !== null) hits++;
    }
    return hits;
  }

  private formatDay(day: number): string {
    let s = this.dateCache.get(day);
    if (s === undefined) {
      if (this.dateCache.size > 4096) this.dateCache = new Map();
      s = formatDate(day);
      this.dateCache.set(day, s);
    }
    return s;
  }

  /** The output batch: re-typed columns converted, duplicates inserted after their originals, edits applied. */
  private build(batch: Batch, outSchema: TableSchema, shift: number, editRows: readonly number[], editCols: readonly number[], editVals: ReadonlyArray<string | null>, dups: readonly Duplicate[]): Batch {
    const n = batch.length;
    const extra = dups.reduce((a, d) => a + d.count, 0);
    const len = n + extra;
    let rowMap: Int32Array | null = null;
    let outOf: Int32Array | null = null;
    // Segments [from, to) of input rows in output order: kept rows up to each duplicated entry's end, then its copy.
    const segs: number[] = [];
    if (dups.length > 0) {
      rowMap = new Int32Array(len);
      outOf = new Int32Array(n);
      let cursor = 0;
      for (const d of dups) {
        segs.push(cursor, d.start + d.count, d.start, d.start + d.count);
        cursor = d.start + d.count;
      }
      segs.push(cursor, n);
      let k = 0;
      for (let i = 0; i < segs.length; i += 2) {
        const copy = (i / 2) % 2 === 1;
        for (let r = segs[i]; r < segs[i + 1]; r++) {
          rowMap[k] = r;
          if (!copy) outOf[r] = k;
          k++;
        }
      }
    }
    const edited = new Set(editCols);
    const values: ColumnValues[] = [];
    const nulls: Array<Uint8Array | null> = [];
    outSchema.columns.forEach((def, ci) => {
      const inType = batch.schema.columns[ci].type;
      const v = batch.values[ci];
      const mask = batch.nulls[ci];
      if (def.type === 'string' && inType !== 'string') {
        const out = new Array<string | null>(len);
        for (let k = 0; k < len; k++) {
          const r = rowMap ? rowMap[k] : k;
          if (mask && mask[r] === 1) out[k] = null;
          else out[k] = inType === 'date' ? this.formatDay((v as Int32Array)[r]) : formatCents((v as Float64Array)[r]);
        }
        values.push(out);
        nulls.push(null);
      } else if (rowMap) {
        // Range copies (memcpy for typed arrays): duplicates are a few entries per batch.
        if (Array.isArray(v) && this.exclusive) {
          // An exclusive input's string column takes the copies in place (native splices, last first).
          for (let i = dups.length - 1; i >= 0; i--) {
            const d = dups[i];
            v.splice(d.start + d.count, 0, ...v.slice(d.start, d.start + d.count));
          }
          values.push(v);
        } else if (Array.isArray(v)) {
          // One preallocated array, no temporary slices (less garbage to collect).
          const out = new Array<string | null>(len);
          let k = 0;
          for (let i = 0; i < segs.length; i += 2) for (let r = segs[i]; r < segs[i + 1]; r++) out[k++] = v[r];
          values.push(out);
        } else {
          const out = new (v.constructor as new (n: number) => Int32Array | Float64Array | Uint8Array)(len);
          let k = 0;
          for (let i = 0; i < segs.length; i += 2) {
            out.set(v.subarray(segs[i], segs[i + 1]), k);
            k += segs[i + 1] - segs[i];
          }
          values.push(out);
        }
        if (mask) {
          const m = new Uint8Array(len);
          let k = 0;
          for (let i = 0; i < segs.length; i += 2) {
            m.set(mask.subarray(segs[i], segs[i + 1]), k);
            k += segs[i + 1] - segs[i];
          }
          nulls.push(m);
        } else nulls.push(null);
      } else {
        // Copy-on-write: only edited columns are copied; the others are shared (never mutated).
        // An exclusive input is nobody else's: its columns take the edits as they are.
        values.push(edited.has(ci) && !this.exclusive ? v.slice() : v);
        nulls.push(mask);
      }
    });
    for (let i = 0; i < editRows.length; i++) {
      const k = outOf ? outOf[editRows[i]] : editRows[i];
      (values[editCols[i]] as Array<string | null>)[k] = editVals[i];
    }
    for (const d of dups) this.writeCopy(batch, outSchema, values, nulls, outOf![d.start + d.count - 1] + 1, d);
    return { schema: outSchema, partition: batch.partition, firstRow: batch.firstRow + shift, length: len, values, nulls };
  }

  /** Writes the duplicate's changes into its rows (already gathered as copies of the original) at output rows [k0, k0 + count). */
  private writeCopy(batch: Batch, outSchema: TableSchema, values: ColumnValues[], nulls: Array<Uint8Array | null>, k0: number, d: Duplicate): void {
    const ox = outSchema.index;
    const set = (field: string, j: number, value: number | string | null): void => {
      const ci = ox.get(field)!;
      const col = values[ci];
      if (Array.isArray(col)) {
        col[k0 + j] = value === null ? null : typeof value === 'string' ? value : outSchema.columns[ci].type === 'string' && batch.schema.columns[ci].type === 'date' ? this.formatDay(value) : formatCents(value);
      } else if (value === null) {
        nulls[ci]![k0 + j] = 1;
      } else {
        col[k0 + j] = value as number;
      }
    };
    const ix = batch.schema.index;
    const near = d.near;
    const ref = this.ctx.reference.period;
    for (let j = 0; j < d.count; j++) {
      const r = d.start + j;
      set('document_id', j, d.copyId);
      if (!near) continue;
      const posting = (batch.values[ix.get('posting_date')!] as Int32Array)[r];
      set('posting_date', j, near.postingDay);
      const dateCol = ix.get('document_date')!;
      if (batch.schema.columns[dateCol].type === 'date') {
        const docDay = (batch.values[dateCol] as Int32Array)[r];
        const moved = docDay === posting ? near.postingDay : Math.min(ref.endDay - 1, Math.max(ref.startDay, docDay + near.dayDelta));
        set('document_date', j, moved);
      }
      set('created_at', j, near.createdAt);
      set('created_by', j, near.createdBy);
      set('exchange_rate', j, near.rateMicros);
      set('is_post_close', j, near.isPostClose ? 1 : 0);
      const apCol = ix.get('approval_date')!;
      const apNull = batch.nulls[apCol];
      if (!(apNull && apNull[r] === 1)) {
        // From the copy's own row (= the original's): an exclusive input's string columns have moved.
        const status = (values[ox.get('approval_status')!] as Array<string | null>)[k0 + j];
        const ap = (batch.values[apCol] as Int32Array)[r];
        set('approval_date', j, status === 'auto_approved' ? near.postingDay : ap + near.dayDelta);
      }
      const vdCol = ix.get('value_date')!;
      const vdNull = batch.nulls[vdCol];
      if (!(vdNull && vdNull[r] === 1)) set('value_date', j, (batch.values[vdCol] as Int32Array)[r] + near.dayDelta);
      set('debit_amount', j, near.debit[j]);
      set('credit_amount', j, near.credit[j]);
      set('local_amount', j, near.local[j]);
      set('group_amount', j, near.group[j]);
      if (near.headerText !== undefined) set('header_text', j, near.headerText);
      const lt = near.lineTexts?.[j];
      if (lt !== undefined) set('line_text', j, lt);
    }
  }
}

export const dataQualityTransform: TransformPlugin = {
  type: 'data_quality',
  description: 'Labelled data-quality issues in journal_entry_lines (domain.md §9): missing values, typos, format variations, encoding issues, duplicates; writes dq_labels.',
  optionsSchema: dataQualityOptionsSchema,
  tables(options: JsonObject, inputTables: readonly TableSchema[], config: PipelineConfig): readonly TableSchema[] {
    const o = resolveDqOptions(options, config);
    const out = inputTables.map((t) => (t.name === JEL ? outputLinesSchema(t, o.retyped) : t));
    if (!out.some((t) => t.name === dqLabels.name)) out.push(dqLabels);
    return out;
  },
  create(componentId: string, options: JsonObject, ctx: GenerationContext, input?: TransformInput): DataQualityPartition {
    return new DataQualityPartition(componentId, resolveDqOptions(options, ctx.config), ctx, input?.partitionOffset ?? 0, input?.exclusive ?? false);
  },
};
