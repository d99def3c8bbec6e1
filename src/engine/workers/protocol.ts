/**
 * Messages between the main thread and partition workers (architecture.md §8, controls.md §1.4).
 * Workers run whole logical partitions — source plus the transforms downstream of it — and send,
 * in order, what the main thread would otherwise have routed to sinks: encoded bytes for text
 * formats, columnar batches for the others. The main thread orders by (source, partition, seq)
 * and writes, so files are byte-identical for any worker count.
 */
import type { JsonObject } from '../../config/types.js';
import type { ProfileJson } from '../../report/profile.js';
import type { GateCliOptions } from '../../quality/config.js';

/** How one (producing component, table) edge reaches the sinks. */
export interface RouteSpec {
  readonly fromId: string;
  readonly table: string;
  /**
   * Encodings the sinks of this edge need, keyed by `encodingKey()`; a `batch` entry means at least one
   * sink takes batches (binary formats: Parquet/Arrow row groups span batches, so the main thread encodes).
   */
  readonly encodings: ReadonlyArray<{ readonly key: string; readonly format: string; readonly options: JsonObject } | { readonly key: 'batch' }>;
}

export interface WorkerInit {
  readonly config: JsonObject;
  /** Decimal string (bigint does not cross postMessage as such everywhere we need it). */
  readonly seed: string;
  readonly routes: readonly RouteSpec[];
  /** Gate options of the run (null = gates off): workers observe sink-bound batches and return states per job. */
  readonly gates: GateCliOptions | null;
  /** Count the report profile per job. */
  readonly profile: boolean;
  /** The planner's sink settings (the worker rebuilds the same plan; it opens no sink). */
  readonly settings: { readonly outRoot: string | null; readonly cwd: string };
  /** Bytes a worker may send for a job before it waits for the main thread's acknowledgement. */
  readonly creditBytes: number;
}

export interface JobRequest {
  readonly type: 'job';
  readonly job: number;
  readonly sourceId: string;
  readonly partition: number;
}

export interface AckMessage {
  readonly type: 'ack';
  readonly job: number;
  readonly bytes: number;
}

/**
 * Chunk memory the main thread has finished writing, transferred back so the worker's encoders reuse it
 * (no fresh allocation per chunk on the worker, no garbage on the main thread).
 */
export interface RecycleMessage {
  readonly type: 'recycle';
  readonly buffers: ArrayBuffer[];
}

export type MainToWorker = JobRequest | AckMessage | RecycleMessage | { readonly type: 'close' };

/** A transferable columnar batch (schema by table name + producing component). */
export interface WireBatch {
  readonly table: string;
  readonly partition: number;
  readonly firstRow: number;
  readonly length: number;
  readonly values: ReadonlyArray<Int32Array | Float64Array | Uint8Array | Array<string | null>>;
  readonly nulls: ReadonlyArray<Uint8Array | null>;
}

export type WorkerToMain =
  | { readonly type: 'ready' }
  /** One encoded batch: `rows` rows as consecutive chunks, each the start of its own transferred ArrayBuffer. */
  | { readonly type: 'bytes'; readonly job: number; readonly fromId: string; readonly table: string; readonly key: string; readonly chunks: Uint8Array[]; readonly rows: number }
  | { readonly type: 'batch'; readonly job: number; readonly fromId: string; readonly batch: WireBatch }
  | {
    readonly type: 'done';
    readonly job: number;
    /** Per component: rows received and sent, and a transform's per-partition detail counts. */
    readonly counters: Record<string, { received: number; sent: number; details?: Record<string, number> }>;
    /** Quality-gate accumulator states of this partition (QualityGates.stateJSON), when gates are on. */
    readonly gates?: Record<string, unknown>;
    /** The report profile of this partition (RunProfile.toJSON), when profiling is on. */
    readonly profile?: ProfileJson;
    readonly heapRatio: number;
  }
  | { readonly type: 'error'; readonly job: number | null; readonly message: string; readonly stack?: string; readonly code?: string; readonly exitCode?: number };

/** Stable identity of an encoding (format + encoder options), so equal sinks share one worker-side encoding. */
export function encodingKey(format: string, options: JsonObject): string {
  const keys = Object.keys(options).sort();
  return `${format}|${keys.map((k) => `${k}=${JSON.stringify(options[k])}`).join('&')}`;
}

/** Formats whose encoder output for a batch depends only on that batch (after the header): workers may encode them. */
export const FRAGMENT_FORMATS: ReadonlySet<string> = new Set(['csv', 'ndjson']);
