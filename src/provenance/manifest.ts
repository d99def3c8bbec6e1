/**
 * manifest.json and shard manifests (controls.md §2). Field order follows the
 * spec's tables; control JSON is written atomically.
 */
import { createHash } from 'node:crypto';
import type { LoadedConfig } from '../config/types.js';
import type { OutputMarking, OutputRecord } from '../engine/output.js';
import type { ManifestMarking } from './marking.js';
import type { ManifestGates } from '../quality/commit.js';
import { toolInfo } from '../util/tool.js';

export type ManifestStatus = 'complete' | 'incomplete' | 'aborted' | 'failed';

export interface StatusReason { code: string; message: string; at: string }

export interface ManifestOutput {
  id: string;
  sink: string;
  table: string;
  role: 'data' | 'marking';
  format: string;
  media_type: string;
  compression: string;
  uri: string;
  rel: string | null;
  partitions: number[];
  rows: number;
  bytes: number;
  sha256: string;
  marking?: OutputMarking;
  attempt_id: string;
  committed_at: string;
  extra?: Record<string, unknown>;
}

export interface ComponentCounters {
  kind: 'source' | 'transform' | 'sink';
  type: string;
  method?: 'rule_based' | 'ml_based';
  received_events: number;
  sent_events: number;
  received_bytes: number;
  sent_bytes: number;
  errors: number;
  details: Record<string, unknown>;
}

export interface TableSummary { rows: number; partitions: number; columns: string[]; schema_sha256: string; sinks: string[] }

export interface Manifest {
  manifest_version: '1.0';
  kind: 'run' | 'shard';
  status: ManifestStatus;
  status_reason: StatusReason | null;
  run_id: string;
  seed: string;
  tool: ReturnType<typeof toolInfo>;
  shard?: { index: number; count: number; attempt_id: string; resolved_from: string; host: string };
  started_at: string;
  ended_at: string | null;
  duration_ms: number | null;
  config: {
    hash: string;
    hash_algorithm: 'sha256/jcs-rfc8785';
    source: Array<{ path: string; sha256: string }>;
    overrides: string[];
    snapshot: unknown;
    runtime: unknown;
  };
  partitions: Record<string, { count: number; keys_sha256: string }>;
  shards: { count: number; attempts: Array<{ index: number; attempt_id: string; status: ManifestStatus; started_at: string; ended_at: string | null; host: string; resolved_from: string; manifest_sha256: string | null; superseded: boolean }> };
  outputs: ManifestOutput[];
  tables: Record<string, TableSummary>;
  components: Record<string, ComponentCounters>;
  /** controls.md §2.3 `gates` (absent in manifests written before quality gates). */
  gates?: ManifestGates;
  /** controls.md §2.3 (absent in manifests written before content marking). */
  marking?: ManifestMarking;
  /** controls.md §2.3 `prov`: prov.json in the control root (absent before PROV-JSON). */
  prov?: { uri: string; sha256: string };
  /**
   * controls.md §2.3: one entry per run-log file; `records` / `last_hash` are the chain as of just
   * before this manifest's own `manifest.write` record (which, and `run.end`, follow it). Absent in
   * manifests written before the run log.
   */
  run_log?: Array<{ uri: string; records: number; last_hash: string }>;
  warnings: Array<{ code: string; message: string; at: string }>;
}

export function partitionKeysSha256(keys: readonly string[]): string {
  return createHash('sha256').update(keys.join('\n')).digest('hex');
}

export function toManifestOutput(rec: OutputRecord, attemptId: string): ManifestOutput {
  return {
    id: rec.id,
    sink: rec.sink,
    table: rec.table,
    role: rec.role,
    format: rec.format,
    media_type: rec.mediaType,
    compression: rec.compression,
    uri: rec.committed.uri,
    rel: rec.committed.rel,
    partitions: [...rec.partitions],
    rows: rec.rows,
    bytes: rec.bytes,
    sha256: rec.sha256,
    ...(rec.marking ? { marking: rec.marking } : {}),
    attempt_id: attemptId,
    committed_at: rec.committed.committedAt,
    ...(rec.committed.extra ? { extra: rec.committed.extra } : {}),
  };
}

export function configSection(loaded: LoadedConfig): Manifest['config'] {
  return {
    hash: loaded.hash,
    hash_algorithm: 'sha256/jcs-rfc8785',
    source: loaded.source,
    overrides: loaded.overrides,
    snapshot: loaded.snapshot,
    runtime: loaded.runtime,
  };
}

/** `_SUCCESS`: one line, `{"run_id", "manifest_sha256", "committed_at"}`. */
export function successMarker(runId: string, manifestSha256: string, committedAt: string): string {
  return JSON.stringify({ run_id: runId, manifest_sha256: manifestSha256, committed_at: committedAt }) + '\n';
}

export function shardManifestName(index: number, count: number): string {
  return `shard-${String(index).padStart(5, '0')}-of-${String(count).padStart(5, '0')}.json`;
}
