/**
 * The per-partition injector (domain.md §8): selection keyed by document_id (D7), temporal uplift,
 * clusters, type choice among applicable types, copy-on-write mutation of `journal_entry_lines`
 * batches, emitted entries directly after their source (§1.1), approval rewrites on `je_approvals`
 * and the label rows at the partition end.
 *
 * Input assumptions (asserted): an entry's lines never straddle two `journal_entry_lines` batches
 * (the journal_entries generator and the document JE writer cut batches at entry boundaries).
 * Approval actions of an entry come in the same partition, possibly before its lines (the
 * journal_entries generator flushes a full approvals batch while the lines batch is still open):
 * approval batches are held until every entry they mention passed as lines — at most one lines
 * batch of lag, so memory stays bounded by a batch.
 */
import type { Batch, ColumnValues } from '../../engine/batch.js';
import { createBatch } from '../../engine/batch.js';
import type { GenerationContext, PartitionTransform } from '../../engine/plugins.js';
import type { CompanyCalendar } from '../../domain/types.js';
import { ymdOf } from '../../domain/dates.js';
import { deriveUuid } from '../../random/derive.js';
import { Rng } from '../../random/rng.js';
import { logNormal } from '../../random/distributions.js';
import { jelColumns, type JelColumns } from '../../sources/journal-entries/generator.js';
import { sourceContext, type CompanyPools, type SourceContext } from '../../sources/journal-entries/context.js';
import { anomalyId } from '../../sources/journal-entries/labels.js';
import { jeApprovals } from '../../tables/journal.js';
import { EntryKeys, Stream } from '../data-quality/streams.js';
import { EntryOps, entryHash } from './entry-ops.js';
import { clusterId, injectorLabelBatches, type InjectorLabel } from './labels.js';
import { applies, emissionShape, mutate, mutateEmitted, type ApprovalPlan, type Decision, type LabelDraft, type MutationEnv, type PartitionFacts } from './mutations.js';
import type { ResolvedAnomalyOptions } from './options.js';
import { ANOMALY_TYPES, CATEGORIES, type AnomalyType } from './types.js';
import { doubleArray, objectArray } from '../../util/arrays.js';

const JEL = 'journal_entry_lines';
const APPROVALS = 'je_approvals';
const LABELS = 'anomaly_labels';
const CLUSTER_OPEN_P = 0.30;
const CLUSTER_JOIN_P = 0.70;
const CLUSTER_WINDOW_DAYS = 7;
/** Width of a category's slot on the selection draw (domain.md D7, see `selectCategory`). */
const SLOT = 1 / CATEGORIES.length;
const MAX_UPLIFT = 5;

/** Period-end uplift m (domain.md §8.1) of a posting date. */
export function upliftMultiplier(day: number): number {
  const { month, day: dom } = ymdOf(day);
  if (dom < 28) return 1;
  if (month === 12) return 5;
  if (month === 3 || month === 6 || month === 9) return 3;
  return 2;
}

interface Cluster {
  readonly id: string;
  readonly target: number;
  readonly windowEnd: number;
  type: AnomalyType | null;
  members: number;
}

interface Pending extends Decision {
  readonly docId: string;
  readonly clusterId: string | null;
  readonly causalType: string;
  readonly causal: Record<string, unknown>;
  readonly hashBefore: string;
}

/**
 * A batch of the input rows in `segs` ([from, to) pairs, in order), `len` rows in all. With
 * `inPlace` (an exclusive input) the string columns are laid out in place, and a batch whose rows
 * all stay where they are (no emitted or dropped lines) is passed on itself: zero copy.
 */
function gather(src: Batch, segs: readonly number[], firstRow: number, len: number, inPlace: readonly Decision[] | null): Batch {
  if (inPlace && segs.length === 2 && segs[0] === 0 && segs[1] === src.length && len === src.length && hasTypedMasks(src)) {
    return firstRow === src.firstRow ? src : rebase(src, firstRow - src.firstRow);
  }
  const values: ColumnValues[] = [];
  const nulls: Array<Uint8Array | null> = [];
  for (let c = 0; c < src.values.length; c++) {
    const sv = src.values[c];
    if (Array.isArray(sv) && inPlace) {
      spliceRows(sv, inPlace);
      values.push(sv);
    } else if (Array.isArray(sv)) {
      // One preallocated array, no temporary slices (garbage is what a copy costs most, GC).
      const dv = new Array<string | null>(len);
      let k = 0;
      for (let i = 0; i < segs.length; i += 2) for (let r = segs[i]; r < segs[i + 1]; r++) dv[k++] = sv[r];
      values.push(dv);
    } else {
      const dv = new (sv.constructor as new (n: number) => Int32Array | Float64Array | Uint8Array)(len);
      let k = 0;
      for (let i = 0; i < segs.length; i += 2) {
        dv.set(sv.subarray(segs[i], segs[i + 1]), k);
        k += segs[i + 1] - segs[i];
      }
      values.push(dv);
    }
    const sm = src.nulls[c];
    if (sm) {
      const dm = new Uint8Array(len);
      let k = 0;
      for (let i = 0; i < segs.length; i += 2) {
        dm.set(sm.subarray(segs[i], segs[i + 1]), k);
        k += segs[i + 1] - segs[i];
      }
      nulls.push(dm);
    } else {
      const def = src.schema.columns[c];
      // Same masks as createBatch: readers (jelColumns) expect one on every nullable typed column.
      nulls.push(def.nullable && def.type !== 'string' ? new Uint8Array(len) : null);
    }
  }
  return { schema: src.schema, partition: src.partition, firstRow, length: len, values, nulls };
}

/** True when every nullable typed column of `b` has its null mask (what `createBatch` gives and readers expect). */
function hasTypedMasks(b: Batch): boolean {
  const cols = b.schema.columns;
  for (let c = 0; c < cols.length; c++) if (cols[c].nullable && cols[c].type !== 'string' && !b.nulls[c]) return false;
  return true;
}

/**
 * The same layout as `gather`'s segments, in place on a string column of an exclusive input
 * (TransformInput.exclusive): from the last decision to the first, its emitted rows are inserted
 * after the entry and its dropped lines removed (native splices, no new array).
 */
function spliceRows(sv: Array<string | null>, decisions: readonly Decision[]): void {
  for (let i = decisions.length - 1; i >= 0; i--) {
    const d = decisions[i];
    if (d.emitRows.length > 0) {
      const ins: Array<string | null> = [];
      for (const rows of d.emitRows) for (const r of rows) ins.push(sv[r]);
      sv.splice(d.inStart + d.n, 0, ...ins);
    }
    if (d.keep < d.n) sv.splice(d.inStart + d.keep, d.n - d.keep);
  }
}

/** Lines of the entry starting at row `st`. */
function countRun(o: JelColumns, st: number): number {
  let m = 1;
  while (o.documentId[st + m] === o.documentId[st]) m++;
  return m;
}

/** `b` moved by `shift` rows (a batch literal of createBatch's shape: one hidden class for every batch). */
function rebase(b: Batch, shift: number): Batch {
  return shift === 0 ? b : { schema: b.schema, partition: b.partition, firstRow: b.firstRow + shift, length: b.length, values: b.values, nulls: b.nulls };
}

/** Rewritten `je_approvals` rows of one batch, column by column (no tuple per row); reused. */
class ApprovalRows {
  private readonly doc = objectArray<string>();
  private readonly seq: number[] = [];
  private readonly action = objectArray<string>();
  private readonly actor = objectArray<string>();
  private readonly role = objectArray<string>();
  private readonly level: number[] = [];
  private readonly ts = doubleArray();

  clear(): void {
    this.doc.length = 0;
    this.seq.length = 0;
    this.action.length = 0;
    this.actor.length = 0;
    this.role.length = 0;
    this.level.length = 0;
    this.ts.length = 0;
  }

  push(doc: string, seq: number, action: string, actor: string, role: string, level: number, ts: number): void {
    this.doc.push(doc);
    this.seq.push(seq);
    this.action.push(action);
    this.actor.push(actor);
    this.role.push(role);
    this.level.push(level);
    this.ts.push(ts);
  }

  /** The rows as a batch of `like`'s schema and partition starting at `firstRow`. */
  toBatch(like: Batch, firstRow: number): Batch {
    const ix = jeApprovals.index;
    const nb = createBatch(like.schema, like.partition, firstRow, this.doc.length);
    const v = nb.values;
    const str = (name: string, src: readonly string[]): void => {
      const col = v[ix.get(name)!] as Array<string | null>;
      for (let k = 0; k < src.length; k++) col[k] = src[k];
    };
    str('document_id', this.doc);
    (v[ix.get('action_seq')!] as Int32Array).set(this.seq);
    str('action', this.action);
    str('actor_id', this.actor);
    str('actor_role', this.role);
    (v[ix.get('approval_level')!] as Int32Array).set(this.level);
    (v[ix.get('action_timestamp')!] as Float64Array).set(this.ts);
    return nb;
  }
}

export class AnomalyInjector implements PartitionTransform {
  private readonly active: boolean;
  private readonly slotLayout: boolean;
  private readonly sc: SourceContext;
  private readonly poolByCode: ReadonlyMap<string, CompanyPools>;
  private readonly typesByCategory: readonly (readonly number[])[];
  private readonly typeWeights = new Float64Array(16);
  private env: MutationEnv | null = null;
  private keys: EntryKeys | null = null;
  private readonly stream = new Stream();
  private partition = -1;
  private upliftTable: Uint8Array | null = null;

  private lastDocId: string | null = null;
  // exact_duplicate_amount look-back (domain.md D8): the last entry and the latest one with other accounts.
  private hasLast = false;
  private lastTotal = 0;
  private lastDebit: string | null = null;
  private lastCredit: string | null = null;
  private otherTotal = 0;

  /** IC buyer entry changed with its seller's injection (next entry in the stream). */
  private claimed: string | null = null;
  private cluster: Cluster | null = null;
  private clusterSeq = 0;
  private readonly labels = objectArray<InjectorLabel>();
  private labelRowsIn = 0;
  private jelShift = 0;
  private apprShift = 0;

  private readonly plans = new Map<string, ApprovalPlan>();
  /** Source entry → its emitted copies (id, created_at shift in seconds) awaiting the source's actions. */
  private readonly copies = new Map<string, Array<{ id: string; shift: number }>>();
  private readonly seen = new Set<string>();
  private readonly replaced = new Set<string>();
  private readonly held = objectArray<Batch>();
  private carryDoc: string | null = null;
  private seqDoc: string | null = null;
  private seqNext = 1;
  private readonly apprRows = new ApprovalRows();

  /**
   * @param partitionOffset added to the source partition in label and cluster ids, so a transform fed
   *   by several sources never repeats an id (the runner passes the source's offset, TransformInput).
   */
  constructor(
    private readonly componentId: string, private readonly opts: ResolvedAnomalyOptions, private readonly ctx: GenerationContext, private readonly partitionOffset = 0,
    /** The only reader of its input batches (TransformInput.exclusive): string columns are laid out in place. */
    private readonly exclusive = false,
  ) {
    this.active = opts.enabled && opts.totalRate > 0;
    const maxM = opts.temporalUplift ? MAX_UPLIFT : 1;
    // Slot layout: category c fires iff u ∈ [c/5, c/5 + m·r_c), so retuning one category never moves
    // another's interval (D7). It needs m·r_c ≤ 1/5; larger rates fall back to contiguous intervals.
    this.slotLayout = opts.categoryRates.every((r) => r * maxM <= SLOT);
    this.sc = sourceContext(ctx.reference);
    this.poolByCode = new Map(this.sc.companies.map((c) => [c.company.code, c]));
    this.typesByCategory = CATEGORIES.map((c) => ANOMALY_TYPES.map((t, i) => (t.category === c ? i : -1)).filter((i) => i >= 0));
  }

  private setup(partition: number): MutationEnv {
    if (this.env && this.partition === partition) return this.env;
    if (this.partition >= 0 && this.partition !== partition) throw new Error(`anomalies ${this.componentId}: one instance got partitions ${this.partition} and ${partition}`);
    this.partition = partition;
    this.keys = new EntryKeys(this.ctx.seed, this.componentId, partition);
    const ref = this.ctx.reference;
    const acct = this.sc.accounts;
    const usable = ref.coa.accounts
      .map((a, i) => ({ a, i }))
      .filter(({ a }) => (a.origin === 'canonical' || a.origin === 'generated') && a.isPostable && !a.isBlocked && !a.isControlAccount && !a.isSuspenseAccount);
    const sameType = new Map<string, number[]>();
    for (const { a, i } of usable) {
      let l = sameType.get(a.accountType);
      if (!l) sameType.set(a.accountType, (l = []));
      l.push(i);
    }
    const balanceSheet = usable.filter(({ a }) => a.accountClass === 1 || a.accountClass === 2).map(({ i }) => i);
    const r = Rng.for(this.ctx.seed, this.componentId, partition, 'partition_facts');
    const idx = (n: string): number => acct.indexOf.get(n)!;
    const facts: PartitionFacts = {
      repeatingAmount: Math.max(100, Math.round(logNormal(r, 7, 1) * 100)),
      trendDebit: idx(r.pick(['6300', '6400', '6500', '6700', '6800'])),
      trendCredit: idx(r.pick(['2200', '1010'])),
      hub: r.pick(balanceSheet),
    };
    const calendars = new Map<string, CompanyCalendar>();
    this.env = {
      ref, sc: this.sc, facts,
      thresholdCents: Math.round(this.opts.approvalThreshold * 100),
      sameTypeAccounts: sameType,
      balanceSheetAccounts: balanceSheet,
      approvalPlans: this.plans,
      poolsOf: (code) => this.poolByCode.get(code),
      calendarOf: (code) => {
        let c = calendars.get(code);
        if (!c) {
          const company = ref.companyByCode.get(code);
          c = ref.calendar(company ? company.country : 'US');
          calendars.set(code, c);
        }
        return c;
      },
    };
    return this.env;
  }

  transform(batch: Batch): Iterable<Batch> {
    if (!this.active) return [batch];
    switch (batch.schema.name) {
      case JEL: {
        const out = this.lines(batch);
        return this.held.length > 0 ? [out, ...this.release(false)] : [out];
      }
      case APPROVALS:
        this.held.push(batch);
        return this.release(false);
      case LABELS:
        this.labelRowsIn += batch.length;
        return [batch];
      default:
        return [batch];
    }
  }

  endPartition(partition: number): Iterable<Batch> {
    if (!this.active) return [];
    const out = this.release(true);
    if (this.labels.length > 0) out.push(...injectorLabelBatches(this.labels, partition, this.ctx.seed, this.ctx.batchRows, this.labelRowsIn));
    return out;
  }

  // ---- selection ----

  /** upliftMultiplier(day), from a per-day table over the run's period (one civil-date split per day, not per entry). */
  private upliftOf(day: number): number {
    const { startDay, endDay } = this.ctx.reference.period;
    if (day < startDay || day >= endDay) return upliftMultiplier(day);
    let t = this.upliftTable;
    if (t === null) {
      t = new Uint8Array(endDay - startDay);
      for (let d = startDay; d < endDay; d++) t[d - startDay] = upliftMultiplier(d);
      this.upliftTable = t;
    }
    return t[day - startDay];
  }

  /** Category index for the selection draw u at uplift m, or -1 (domain.md §8.1). */
  private selectCategory(u: number, m: number): number {
    const rates = this.opts.categoryRates;
    if (this.slotLayout) {
      const c = Math.floor(u / SLOT);
      if (c >= rates.length) return -1;
      return u - c * SLOT < rates[c] * m ? c : -1;
    }
    const p = Math.min(1, this.opts.totalRate * m);
    if (u >= p) return -1;
    const x = (u / p) * this.opts.totalRate;
    let acc = 0;
    for (let c = 0; c < rates.length; c++) {
      acc += rates[c];
      if (x < acc) return c;
    }
    return rates.length - 1;
  }

  private chooseType(env: MutationEnv, ops: EntryOps, o: JelColumns, c: number, rng: Rng, s: number, n: number, prevTotal: number): AnomalyType | null {
    const list = this.typesByCategory[c];
    const w = this.typeWeights;
    let sum = 0;
    for (let k = 0; k < list.length; k++) {
      const t = ANOMALY_TYPES[list[k]];
      const wt = this.opts.typeWeights[list[k]];
      w[k] = wt > 0 && applies(env, ops, o, t, s, n, prevTotal) ? wt : 0;
      sum += w[k];
    }
    if (sum <= 0) return null;
    return ANOMALY_TYPES[list[rng.weightedIndex(w.subarray(0, list.length))]];
  }

  // ---- journal_entry_lines ----

  private lines(batch: Batch): Batch {
    const env = this.setup(batch.partition);
    const ic = jelColumns(batch);
    const inOps = new EntryOps(ic, env.ref, this.sc.accounts);
    const n = batch.length;
    if (n > 0 && ic.documentId[0] === this.lastDocId) {
      throw new Error(`anomalies ${this.componentId}: entry ${this.lastDocId} straddles two journal_entry_lines batches (sources must cut batches at entry boundaries)`);
    }
    const decisions: Pending[] = [];
    let s = 0;
    while (s < n) {
      const doc = ic.documentId[s]!;
      let e = s + 1;
      while (e < n && ic.documentId[e] === doc) e++;
      this.consider(env, inOps, ic, doc, s, e - s, decisions);
      s = e;
    }
    if (n > 0) this.lastDocId = ic.documentId[n - 1];
    if (decisions.length === 0) return rebase(batch, this.jelShift);
    return this.inject(env, batch, ic, decisions);
  }

  /**
   * The output batch of `batch` with its decisions applied (the rare path of `lines`, kept out of
   * the per-entry scan so that loop compiles small and alone).
   */
  private inject(env: MutationEnv, batch: Batch, ic: JelColumns, decisions: readonly Pending[]): Batch {
    const n = batch.length;
    // Lay out the output: kept rows, then each entry's emitted copies right after it (§1.1).
    let outLen = n;
    for (const d of decisions) {
      outLen += d.keep - d.n;
      for (const rows of d.emitRows) outLen += rows.length;
    }
    // Segments [from, to) of input rows in output order, copied in ranges (typed-array set).
    const segs: number[] = [];
    const seg = (from: number, to: number): void => {
      if (to <= from) return;
      const k = segs.length;
      if (k > 0 && segs[k - 1] === from) segs[k - 1] = to;
      else segs.push(from, to);
    };
    let cursor = 0;
    let at = 0;
    for (const d of decisions) {
      seg(cursor, d.inStart + d.keep);
      at += d.inStart + d.keep - cursor;
      d.outStart = at - d.keep;
      cursor = d.inStart + d.n;
      for (const rows of d.emitRows) {
        d.emitStarts.push(at);
        for (const r of rows) {
          seg(r, r + 1);
          at++;
        }
      }
    }
    seg(cursor, n);
    // Read before an in-place layout moves the input's string columns.
    const sourceStatus = decisions.map((d) => ic.approvalStatus[d.inStart]);
    const out = gather(batch, segs, batch.firstRow + this.jelShift, outLen, this.exclusive ? decisions : null);
    this.jelShift += outLen - n;

    const oc = jelColumns(out);
    const ops = new EntryOps(oc, env.ref, this.sc.accounts);
    for (let di = 0; di < decisions.length; di++) {
      const d = decisions[di];
      if (!d.type.emits) {
        const drafts = mutate(env, ops, oc, d);
        this.addLabels(oc, d, drafts, false);
        continue;
      }
      d.emitStarts.forEach((st, k) => {
        const m = d.emitRows[k].length;
        const id = deriveUuid(this.ctx.seed, this.componentId, batch.partition, `${d.docId}:${k + 1}`);
        for (let j = 0; j < m; j++) {
          oc.documentId[st + j] = id;
          oc.lineNumber[st + j] = j + 1;
          oc.batchId[st + j] = null;
        }
      });
      this.addLabels(oc, d, mutateEmitted(env, ops, oc, d, d.docId), true);
      // Emitted copies repeat the source's approval actions, moved with their created_at (domain.md §5.8).
      if (sourceStatus[di] !== 'not_required') {
        this.copies.set(d.docId, d.emitStarts.map((st) => {
          const shift = oc.createdAt[st] - ic.createdAt[d.inStart];
          if (shift % 86_400 === 0 && oc.approvalStatus[st] === 'approved') {
            for (let r = st; r < st + countRun(oc, st); r++) oc.approvalDate[r] += shift / 86_400;
          }
          return { id: oc.documentId[st]!, shift };
        }));
      }
    }
    return out;
  }

  /** Selection, cluster and type decision of one input entry (draw order fixed per entry, D4/D7). */
  private consider(env: MutationEnv, ops: EntryOps, o: JelColumns, doc: string, s: number, n: number, decisions: Pending[]): void {
    if (o.approvalStatus[s] !== 'not_required') this.seen.add(doc);
    const total = ops.debitTotal(s, n);
    const dr = ops.firstOfSide(s, n, true);
    const cr = ops.firstOfSide(s, n, false);
    const da = dr >= 0 ? o.glAccount[dr] : null;
    const ca = cr >= 0 ? o.glAccount[cr] : null;
    const differs = this.lastDebit !== da || this.lastCredit !== ca;
    const prevTotal = !this.hasLast ? 0 : differs ? this.lastTotal : this.otherTotal;
    if (this.hasLast && differs) this.otherTotal = this.lastTotal;
    this.hasLast = true;
    this.lastTotal = total;
    this.lastDebit = da;
    this.lastCredit = ca;

    // Eligible (domain.md §8.1): not an elimination, no label from an earlier stage, not the IC
    // counterpart of an entry injected just before (one label per entry).
    if (this.claimed === doc) {
      this.claimed = null;
      return;
    }
    if (o.isAnomaly[s] !== 0 || o.isElimination[s] !== 0 || n < 2 || dr < 0 || cr < 0) return;
    // The entry's stream keyed by (seed, component, p, document_id) (D7; the fast entry key of streams.ts
    // `EntryKeys`), from a reused stream: no allocation for the ~97 % not selected.
    const rng = this.stream.fromWords(this.keys!.words(doc));
    const u = rng.float();
    const day = o.postingDate[s];
    const m = this.opts.temporalUplift ? this.upliftOf(day) : 1;
    const c = this.selectCategory(u, m);
    if (c < 0) return;

    let cid: string | null = null;
    let type: AnomalyType | null = null;
    let opened: Cluster | null = null;
    if (this.opts.clustering) {
      const cl = this.cluster;
      if (cl && (day >= cl.windowEnd || cl.members >= cl.target)) this.cluster = null;
      if (this.cluster) {
        if (rng.chance(CLUSTER_JOIN_P)) {
          cid = this.cluster.id;
          const ct = this.cluster.type;
          if (ct && this.opts.typeWeights[ANOMALY_TYPES.indexOf(ct)] > 0 && applies(env, ops, o, ct, s, n, prevTotal)) type = ct;
        }
      } else if (rng.chance(CLUSTER_OPEN_P)) {
        opened = { id: clusterId(this.componentId, this.partitionOffset + this.partition, this.clusterSeq + 1), target: rng.int(2, 10), windowEnd: day + CLUSTER_WINDOW_DAYS, type: null, members: 0 };
        cid = opened.id;
      }
    }
    if (type === null) type = this.chooseType(env, ops, o, c, rng, s, n, prevTotal);
    if (type === null) return;
    if (opened) {
      this.clusterSeq++;
      opened.type = type;
      this.cluster = opened;
    }
    if (cid !== null) this.cluster!.members++;
    if (type.name === 'unmatched_intercompany' || type.name === 'transfer_pricing_anomaly') this.claimed = o.documentId[s + n];
    const causalType = cid !== null ? 'cluster_membership' : m > 1 ? 'temporal_pattern' : 'random_rate';
    const causal = cid !== null ? { cluster_id: cid } : m > 1 ? { pattern: 'period_end_spike', multiplier: m } : { base_rate: this.opts.totalRate };
    const emitRows = type.emits ? emissionShape(type, rng, ops, s, n) : [];
    decisions.push({
      // The decision's own copy at this position: the mutation draws on after the batch scan.
      type, rng: rng.clone(), inStart: s, n, keep: type.name === 'fictitious_entry' ? 2 : n,
      emitRows,
      prevTotal, sourceTotal: total, outStart: -1, emitStarts: [],
      docId: doc, clusterId: cid, causalType, causal, hashBefore: entryHash(o, s, n),
    });
  }

  /** Completes label drafts: ids, dates, flags on the lines, group parent/children (domain.md §8.4–§8.5). */
  private addLabels(o: JelColumns, d: Pending, drafts: readonly LabelDraft[], emitted: boolean): void {
    const fraud = d.type.category === 'fraud';
    const group: InjectorLabel[] = [];
    drafts.forEach((dr, k) => {
      for (let r = dr.row; r < dr.row + dr.n; r++) {
        o.isAnomaly[r] = 1;
        if (fraud) {
          o.isFraud[r] = 1;
          o.fraudType[r] = d.type.name;
        }
      }
      const label: InjectorLabel = {
        anomalyId: anomalyId(this.componentId, this.partitionOffset + this.partition, this.labels.length + 1),
        type: d.type,
        documentId: o.documentId[dr.row]!,
        lineNumber: dr.lineNumber,
        companyCode: o.companyCode[dr.row]!,
        anomalyDate: o.postingDate[dr.row],
        detectionTimestamp: o.createdAt[dr.row],
        monetaryImpact: dr.monetaryImpact,
        description: dr.description,
        relatedDocumentId: emitted ? d.docId : dr.relatedDocumentId,
        relatedEntities: dr.relatedEntities,
        // A cluster counts injections: an emitted group joins through its first label only (≤ 10 members, I15).
        clusterId: k === 0 ? d.clusterId : null,
        parentAnomalyId: null,
        childAnomalyIds: null,
        causalReasonType: d.causalType,
        causalReason: d.causal,
        originalDocumentHash: dr.originalHash ?? d.hashBefore,
        metadata: { ...dr.metadata, ...(emitted ? { emitted_from: d.docId, emitted_index: k + 1 } : {}) },
      };
      this.labels.push(label);
      group.push(label);
    });
    if (group.length > 1) {
      group[0].childAnomalyIds = group.slice(1).map((l) => l.anomalyId);
      for (const l of group.slice(1)) l.parentAnomalyId = group[0].anomalyId;
    }
  }

  // ---- je_approvals ----

  private release(force: boolean): Batch[] {
    const out: Batch[] = [];
    while (this.held.length > 0) {
      const b = this.held[0];
      if (!force && !this.allSeen(b)) break;
      this.held.shift();
      out.push(this.applyApprovals(b));
    }
    return out;
  }

  private allSeen(b: Batch): boolean {
    const ids = b.values[jeApprovals.index.get('document_id')!] as Array<string | null>;
    let prev: string | null = null;
    for (let i = 0; i < b.length; i++) {
      const d = ids[i]!;
      if (d !== prev && !this.seen.has(d)) return false;
      prev = d;
    }
    return true;
  }

  private applyApprovals(b: Batch): Batch {
    const ix = jeApprovals.index;
    const ids = b.values[ix.get('document_id')!] as Array<string | null>;
    let touched = false;
    if (this.plans.size > 0 || this.copies.size > 0) {
      for (let i = 0; i < b.length && !touched; i++) if (this.plans.has(ids[i]!) || this.copies.has(ids[i]!)) touched = true;
    }
    const result = touched ? this.rewriteApprovals(b) : rebase(b, this.apprShift);
    // Forget entries whose actions are complete; the batch's last entry may continue in the next one.
    const last = b.length > 0 ? ids[b.length - 1]! : null;
    if (this.carryDoc !== null && this.carryDoc !== last) this.forget(this.carryDoc);
    let prev: string | null = null;
    for (let i = 0; i < b.length; i++) {
      const d = ids[i]!;
      if (d !== prev && d !== last) this.forget(d);
      prev = d;
    }
    this.carryDoc = last;
    return result;
  }

  /** The batch's actions with the approval plans and emitted copies applied (the rare path of applyApprovals). */
  private rewriteApprovals(b: Batch): Batch {
    const ix = jeApprovals.index;
    const ids = b.values[ix.get('document_id')!] as Array<string | null>;
    const seq = b.values[ix.get('action_seq')!] as Int32Array;
    const action = b.values[ix.get('action')!] as Array<string | null>;
    const actor = b.values[ix.get('actor_id')!] as Array<string | null>;
    const role = b.values[ix.get('actor_role')!] as Array<string | null>;
    const level = b.values[ix.get('approval_level')!] as Int32Array;
    const ts = b.values[ix.get('action_timestamp')!] as Float64Array;
    const rows = this.apprRows;
    rows.clear();
    const pushRow = (doc: string, a: string, who: string, r: string, lv: number, t: number): void => {
      if (this.seqDoc !== doc) {
        this.seqDoc = doc;
        this.seqNext = 1;
      }
      rows.push(doc, this.seqNext++, a, who, r, lv, t);
    };
    const pendingCopies: number[] = [];
    for (let i = 0; i < b.length; i++) {
      const doc = ids[i]!;
      const p = this.plans.get(doc);
      const cp = this.copies.get(doc);
      if (cp) {
        rows.push(doc, seq[i], action[i]!, actor[i]!, role[i]!, level[i], ts[i]);
        pendingCopies.push(i);
        // The copies' actions follow once the source's run of actions ends in this batch.
        if (i + 1 === b.length || ids[i + 1] !== doc) {
          for (const c of cp) for (const k of pendingCopies) rows.push(c.id, seq[k], action[k]!, actor[k]!, role[k]!, level[k], ts[k] + c.shift);
          pendingCopies.length = 0;
        }
        continue;
      }
      if (!p) {
        rows.push(doc, seq[i], action[i]!, actor[i]!, role[i]!, level[i], ts[i]);
        continue;
      }
      if (p.kind === 'replace') {
        if (this.replaced.has(doc)) continue;
        this.replaced.add(doc);
        for (const a of p.rows) pushRow(doc, a.action, a.actor, a.role, a.level, a.ts);
        continue;
      }
      const act = action[i]!;
      if (p.dropLevel !== undefined && act === 'approve' && level[i] === p.dropLevel) continue;
      let who = actor[i]!;
      let r = role[i]!;
      if (p.creator && (act === 'submit' || act === 'resubmit')) {
        who = p.creator.userId;
        r = p.creator.persona;
      }
      if (p.actor && p.actorLevel !== undefined && level[i] === p.actorLevel && act !== 'submit' && act !== 'resubmit') {
        who = p.actor.userId;
        r = p.actor.persona;
      }
      let t = ts[i] + (p.shift ?? 0);
      if (p.shiftApprovals !== undefined && act !== 'submit') t += p.shiftApprovals;
      if (p.rushedBase !== undefined) t = p.rushedBase + (seq[i] - 1) * 90;
      pushRow(doc, act, who, r, level[i], t);
    }
    const nb = rows.toBatch(b, b.firstRow + this.apprShift);
    this.apprShift += nb.length - b.length;
    return nb;
  }

  private forget(doc: string): void {
    // Most entries have no plan: skip the lookups on empty maps.
    this.seen.delete(doc);
    if (this.plans.size > 0) this.plans.delete(doc);
    if (this.copies.size > 0) this.copies.delete(doc);
    if (this.replaced.size > 0) this.replaced.delete(doc);
  }
}
