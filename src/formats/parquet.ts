/**
 * Parquet encoder on parquet-wasm 0.8's streaming writer
 * (`transformParquetStream`: a ReadableStream of wasm RecordBatches in, a
 * ReadableStream of file bytes out; inside it is parquet-rs's AsyncArrowWriter,
 * which writes each row group out as soon as it is complete).
 *
 * Data path: each engine batch becomes an Arrow record batch (arrow-schema.ts)
 * and its Arrow IPC message at once (so its JS values die young); once FEED_ROWS
 * rows are pending, or a row group is complete, the messages go into wasm memory
 * in one `Table.fromIPCStream` and their batches are handed to the writer.
 * The writer's `max_row_group_size` is `rowGroupRows`; it keeps the row group
 * in progress as encoded, compressed pages and writes it out when full — so
 * every row group but the last holds exactly `rowGroupRows` rows, and memory
 * is one encoded row group plus one feed, never the table (conventions.md).
 * Feeding whole raw row groups instead would hold ~65 536 rows three times
 * over (JS columns, IPC copy, WASM copy).
 *
 * Determinism: writer properties are built fresh per file from the options
 * only; parquet-rs writes a fixed `created_by` ("parquet-rs version …", no
 * time), the Arrow schema under `ARROW:schema`, and nothing time-dependent, so
 * the same batches give the same bytes (test/unit/format-parquet.test.ts).
 *
 * Footer key-value metadata: `options.metadata` (string → string, written in
 * key order) is the seam for content marking (issue 6: `datasynth.marking`).
 *
 * @example
 * const enc = parquetFormat.createEncoder(schema, { compression: 'zstd', rowGroupRows: 65536 });
 * const chunks = [...(await enc.begin()), ...(await enc.encode(batch)), ...(await enc.end())];
 */
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import type { RecordBatchStreamWriter, Schema } from 'apache-arrow';
import type * as Wasm from 'parquet-wasm';
import type { Batch } from '../engine/batch.js';
import type { FormatEncoder, FormatOptions, FormatPlugin } from '../engine/plugins.js';
import type { TableSchema } from '../engine/schema.js';
import { arrowSchema, loadArrow, scratchQueue, toArrowRecordBatch, type ArrowModule, type BatchSegment } from './arrow-schema.js';

export type ParquetCompression = 'zstd' | 'snappy' | 'none';
export const PARQUET_COMPRESSIONS: readonly ParquetCompression[] = ['zstd', 'snappy', 'none'];
export const DEFAULT_ROW_GROUP_ROWS = 65536;

/** Rows per batch handed to the WASM writer (bounds the raw data in flight; row groups are cut by the writer). */
export const FEED_ROWS = 8192;

type WasmModule = typeof Wasm;
let wasmModule: Promise<WasmModule> | null = null;
/** parquet-wasm (its node build instantiates the WASM module on import), loaded on first use only. */
function loadWasm(): Promise<WasmModule> {
  wasmModule ??= import('parquet-wasm');
  return wasmModule;
}

const MAGIC = Buffer.from('PAR1');

function writerProperties(wasm: WasmModule, compression: ParquetCompression, rowGroupRows: number, metadata: Readonly<Record<string, string>> | undefined): Wasm.WriterProperties {
  const codec = { zstd: wasm.Compression.ZSTD, snappy: wasm.Compression.SNAPPY, none: wasm.Compression.UNCOMPRESSED }[compression];
  let b = new wasm.WriterPropertiesBuilder().setCompression(codec).setMaxRowGroupSize(rowGroupRows);
  const keys = metadata ? Object.keys(metadata).sort() : [];
  if (metadata && keys.length > 0) b = b.setKeyValueMetadata(new Map(keys.map((k) => [k, metadata[k]])));
  return b.build();
}

/** The writer's input: a pull-only stream, so each pull means "the previous row group is written". */
class BatchFeed {
  readonly stream: ReadableStream<Wasm.RecordBatch>;
  private supply: ((b: Wasm.RecordBatch | null) => void) | null = null;
  private pullWaiter: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor() {
    this.stream = new ReadableStream<Wasm.RecordBatch>({
      pull: (controller) => new Promise<void>((resolve) => {
        this.supply = (b) => {
          this.supply = null;
          if (b) controller.enqueue(b);
          else controller.close();
          resolve();
        };
        const w = this.pullWaiter;
        this.pullWaiter = null;
        if (this.timer) clearTimeout(this.timer);
        this.timer = null;
        w?.();
      }),
    }, { highWaterMark: 0 });
  }

  /** Resolves once the writer asks for its next batch (it has written the one before). */
  async requested(failed: () => unknown): Promise<void> {
    while (this.supply === null) {
      const err = failed();
      if (err) throw err;
      await new Promise<void>((res) => {
        this.pullWaiter = res;
        // Wakes up to look at failures too: the writer reports errors only through its output stream.
        this.timer = setTimeout(res, 50).unref();
      });
    }
  }

  give(b: Wasm.RecordBatch | null): void {
    const s = this.supply;
    if (!s) throw new Error('parquet writer did not ask for a batch');
    s(b);
  }
}

/** Arrow IPC end-of-stream marker (continuation token, zero length). */
const IPC_EOS = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);

class ParquetEncoder implements FormatEncoder {
  private A: ArrowModule | null = null;
  private wasm: WasmModule | null = null;
  private arrow: Schema | null = null;
  /** Encodes each engine batch to IPC as it arrives, so the batch's JS values die young. */
  private ipc: RecordBatchStreamWriter | null = null;
  private ipcSink: ReturnType<typeof scratchQueue> | null = null;
  private schemaMessage: Buffer | null = null;
  /** Rows encoded into `ipcSink` and not yet handed to the writer. */
  private pending = 0;
  /** Rows handed or pending in the row group in progress. */
  private inGroup = 0;
  private feed: BatchFeed | null = null;
  private drained: Promise<void> | null = null;
  private out: Buffer[] = [];
  private failure: unknown = null;
  /** The output stream ended; before end() handed over `null` that means the writer task died. */
  private outputDone = false;
  private started = false;
  private ended = false;

  constructor(
    private readonly schema: TableSchema,
    private readonly compression: ParquetCompression,
    private readonly rowGroupRows: number,
    private readonly metadata: Readonly<Record<string, string>> | undefined,
  ) {}

  private readonly failed = (): unknown => this.failure ?? (this.outputDone ? new Error(`parquet writer for table ${this.schema.name} stopped before the end of the data`) : null);

  async begin(): Promise<Buffer[]> {
    const [A, wasm] = await Promise.all([loadArrow(), loadWasm()]);
    this.A = A;
    this.wasm = wasm;
    this.arrow = arrowSchema(A, this.schema);
    // The writer emits the schema message once, on reset; every hand-over to WASM is
    // "schema + record batches + EOS", so the schema bytes are kept as the scratch prefix.
    this.ipcSink = scratchQueue(A);
    this.ipc = new A.RecordBatchStreamWriter({ autoDestroy: false });
    this.ipc.reset(this.ipcSink, this.arrow);
    this.schemaMessage = Buffer.from(this.ipcSink.view());
    // The magic goes out with the first row group (parquet-rs writes it), so nothing here.
    return [];
  }

  async encode(batch: Batch): Promise<Buffer[]> {
    if (this.ended) throw new Error(`parquet encoder for ${this.schema.name} already ended`);
    if (!this.A) throw new Error('parquet encoder: encode() before begin()');
    let start = 0;
    while (start < batch.length) {
      // A piece never crosses a row-group boundary, so a completed group is handed over at once.
      const n = Math.min(batch.length - start, this.rowGroupRows - this.inGroup);
      this.encodeRows({ batch, start, end: start + n });
      start += n;
      this.inGroup += n;
      if (this.inGroup === this.rowGroupRows) {
        this.inGroup = 0;
        await this.handOver(true);
      } else if (this.pending >= FEED_ROWS) {
        await this.handOver(false);
      }
    }
    return this.take();
  }

  async end(): Promise<Buffer[]> {
    if (this.ended) return [];
    if (!this.A) throw new Error('parquet encoder: end() before begin()');
    this.ended = true;
    // An empty table still hands over one empty batch: the writer takes its schema from the first batch.
    if (!this.started && this.pending === 0) this.encodeRows(null);
    if (this.pending > 0 || !this.started) await this.handOver(false);
    const feed = this.feed!;
    await feed.requested(this.failed);
    feed.give(null);
    await this.drained;
    if (this.failure) throw this.failure;
    const chunks = this.take();
    const last = chunks.length > 0 ? chunks[chunks.length - 1] : null;
    // parquet-wasm drops writer errors inside its task; a file without its closing magic is the sign.
    if (!last || last.length < MAGIC.length || !last.subarray(last.length - MAGIC.length).equals(MAGIC)) {
      throw new Error(`parquet writer for table ${this.schema.name} ended without a footer (the WASM writer failed)`);
    }
    return chunks;
  }

  /** Converts rows to an Arrow record batch and appends its IPC message (`null`: an empty batch). */
  private encodeRows(segment: BatchSegment | null): void {
    const rb = toArrowRecordBatch(this.A!, this.schema, segment ? [segment] : [], this.arrow!);
    this.ipc!.write(rb);
    this.pending += rb.numRows;
  }

  /** Hands the pending rows to the writer; `groupDone`: they complete a row group, so wait for its bytes. */
  private async handOver(groupDone: boolean): Promise<void> {
    const sink = this.ipcSink!;
    this.pending = 0;
    // fromIPCStream copies the bytes into WASM memory, so the scratch buffer is free again right after.
    const table = this.wasm!.Table.fromIPCStream(sink.view(IPC_EOS));
    sink.clear(this.schemaMessage!);
    let batches: Wasm.RecordBatch[];
    try {
      batches = table.recordBatches();
    } finally {
      table.free();
    }
    for (const rb of batches) {
      if (!this.started) {
        this.started = true;
        const feed = new BatchFeed();
        this.feed = feed;
        const output = this.wasm!.transformParquetStream(feed.stream, writerProperties(this.wasm!, this.compression, this.rowGroupRows, this.metadata));
        // The writer peeks the first batch for the schema before `output` resolves.
        await feed.requested(this.failed);
        feed.give(rb);
        const readable = await output;
        this.drained = this.drain(readable as ReadableStream<Uint8Array>);
      } else {
        await this.feed!.requested(this.failed);
        this.feed!.give(rb);
      }
    }
    if (!groupDone) return;
    // The writer asks for its next batch only after it wrote the completed row group out;
    // then let the drain pick up the bytes (promise jobs only: one macrotask turn is enough).
    await this.feed!.requested(this.failed);
    await nextMacrotask();
    if (this.failure) throw this.failure;
  }

  private async drain(readable: ReadableStream<Uint8Array>): Promise<void> {
    const reader = readable.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          this.outputDone = true;
          return;
        }
        // A copy out of the JS view of the chunk: the engine keeps it after the writer moved on.
        if (value.byteLength > 0) this.out.push(Buffer.from(value));
      }
    } catch (err) {
      this.failure ??= err;
      this.outputDone = true;
    }
  }

  private take(): Buffer[] {
    const out = this.out;
    this.out = [];
    return out;
  }
}

function compressionOf(options: FormatOptions): ParquetCompression {
  const c = options.compression ?? 'zstd';
  if (!(PARQUET_COMPRESSIONS as readonly string[]).includes(c)) {
    throw new Error(`Parquet compression must be one of ${PARQUET_COMPRESSIONS.join(', ')}, got ${c}`);
  }
  return c as ParquetCompression;
}

function rowGroupRowsOf(options: FormatOptions): number {
  const n = options.rowGroupRows ?? DEFAULT_ROW_GROUP_ROWS;
  if (!Number.isInteger(n) || n < 1) throw new Error(`Parquet rowGroupRows must be a positive integer, got ${String(n)}`);
  return n;
}

function metadataOf(options: FormatOptions): Readonly<Record<string, string>> | undefined {
  const m = options.metadata;
  if (m === undefined || m === null) return undefined;
  if (typeof m !== 'object' || Object.values(m).some((v) => typeof v !== 'string')) {
    throw new Error('Parquet metadata must be a map of strings');
  }
  return m as Record<string, string>;
}

/**
 * Options: `compression` (`zstd` default, `snappy`, `none`), `rowGroupRows`
 * (default 65 536), `metadata` (footer key-value pairs; the seam for issue 6's
 * `datasynth.marking`). No preamble: Parquet marking lives in the footer.
 */
export const parquetFormat: FormatPlugin = {
  name: 'parquet',
  extension: 'parquet',
  mediaType: 'application/vnd.apache.parquet',
  createEncoder(schema: TableSchema, options: FormatOptions): FormatEncoder {
    if (options.preamble && options.preamble.length > 0) throw new Error('Parquet has no preamble: marking goes to the footer metadata');
    return new ParquetEncoder(schema, compressionOf(options), rowGroupRowsOf(options), metadataOf(options));
  },
};
