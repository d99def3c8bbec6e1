/**
 * Column-wise row appending for the document tables (P2P, O2C, intercompany): one batch of
 * `batchRows` rows at a time, no per-row objects. Column indices are resolved once.
 *
 * @example
 * const po = new TableAppender(purchaseOrders, partition, ctx.batchRows);
 * const C = po.cols; // { po_id: 0, company_code: 1, … }
 * const r = po.next();
 * po.str(C.po_id, 'PO-1000-0000000101'); po.int(C.fiscal_year, 2025); po.nul(C.journal_entry_id);
 * yield* po.take();   // full batches so far
 * yield* po.finish(); // at the end of the partition
 */
import { createBatch, type Batch, type StringValues } from '../../engine/batch.js';
import type { TableSchema } from '../../engine/schema.js';

export class TableAppender {
  /** Column name → schema index. */
  readonly cols: Readonly<Record<string, number>>;
  private batch: Batch | null = null;
  private len = 0;
  private firstRow = 0;
  private done: Batch[] = [];
  /** Rows appended so far in this partition. */
  rows = 0;

  constructor(readonly schema: TableSchema, readonly partition: number, private readonly batchRows: number) {
    const cols: Record<string, number> = {};
    schema.columns.forEach((c, i) => (cols[c.name] = i));
    this.cols = Object.freeze(cols);
    this.batchRows = Math.max(1, Math.floor(batchRows));
  }

  /**
   * Makes room for `n` rows in the current batch (flushing it first when they would not fit), so a
   * group of rows — the lines of one journal entry — never straddles two batches.
   */
  reserve(n: number): void {
    if (this.batch !== null && this.len + n > this.batch.length) {
      // Grow towards batchRows before cutting a batch: small partitions never pay for a full batch per table.
      if (this.batch.length < this.batchRows) this.grow(Math.max(this.len + n, Math.min(this.batchRows, this.batch.length * 4)));
      else this.flush();
    }
    if (this.batch === null) {
      this.batch = createBatch(this.schema, this.partition, this.firstRow, Math.max(Math.min(this.batchRows, INITIAL_ROWS), n));
      this.len = 0;
    }
  }

  /** Reallocates the current batch with room for `rows` rows, keeping the rows so far. */
  private grow(rows: number): void {
    const old = this.batch!;
    const next = createBatch(this.schema, this.partition, this.firstRow, rows);
    for (let c = 0; c < old.values.length; c++) {
      const v = old.values[c];
      const w = next.values[c];
      if (Array.isArray(v)) for (let i = 0; i < this.len; i++) (w as StringValues)[i] = v[i];
      else (w as Int32Array).set((v as Int32Array).subarray(0, this.len));
      const m = old.nulls[c];
      if (m) next.nulls[c]!.set(m.subarray(0, this.len));
    }
    this.batch = next;
  }

  /** Starts a new row; the setters below write into it. Returns its index within the current batch. */
  next(): number {
    this.reserve(1);
    this.rows++;
    return this.len++;
  }

  /** string column (null allowed). */
  str(col: number, v: string | null): void {
    (this.batch!.values[col] as StringValues)[this.len - 1] = v;
  }
  /** int, date, money (cents), decimal6 (micros), timestamp (seconds) column. */
  num(col: number, v: number): void {
    (this.batch!.values[col] as Int32Array | Float64Array)[this.len - 1] = v;
  }
  bool(col: number, v: boolean): void {
    (this.batch!.values[col] as Uint8Array)[this.len - 1] = v ? 1 : 0;
  }
  /** Numeric value or null (the column must be nullable). */
  numOrNull(col: number, v: number | null): void {
    if (v === null) this.nul(col);
    else this.num(col, v);
  }
  /** Sets the current row's value to null (string or nullable numeric column). */
  nul(col: number): void {
    const b = this.batch!;
    const v = b.values[col];
    if (Array.isArray(v)) v[this.len - 1] = null;
    else {
      const m = b.nulls[col];
      if (!m) throw new Error(`${this.schema.name}.${this.schema.columns[col].name} is not nullable`);
      m[this.len - 1] = 1;
    }
  }

  /** Completed batches since the last call (yield them to keep memory bounded). */
  take(): Batch[] {
    if (this.done.length === 0) return EMPTY;
    const out = this.done;
    this.done = [];
    return out;
  }

  /** Flushes the current partial batch and returns every pending batch. */
  finish(): Batch[] {
    this.flush();
    return this.take();
  }

  private flush(): void {
    const b = this.batch;
    if (b === null || this.len === 0) return;
    this.done.push(this.len === b.length ? b : truncateBatch(b, this.len));
    this.firstRow += this.len;
    this.batch = null;
    this.len = 0;
  }
}

const EMPTY: Batch[] = [];
/** First allocation per table and partition; grows ×4 up to batchRows. */
const INITIAL_ROWS = 64;

/** The first `n` rows of a batch allocated with spare capacity (views, no copy). */
export function truncateBatch(b: Batch, n: number): Batch {
  return {
    schema: b.schema,
    partition: b.partition,
    firstRow: b.firstRow,
    length: n,
    values: b.values.map((v) => {
      if (Array.isArray(v)) {
        v.length = n;
        return v;
      }
      return v.subarray(0, n);
    }),
    nulls: b.nulls.map((m) => (m ? m.subarray(0, n) : null)),
  };
}
