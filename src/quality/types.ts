/**
 * The contract of a quality-gate accumulator (controls.md §6.4): a read-only tap on its input
 * edge with `observe(batch)`, `merge(other)`, `toJSON()` / `fromJSON()` and
 * `finalize() → {value, n, details}`. States merge by addition, so shards merged at commit
 * evaluate like one process.
 */
import type { Batch } from '../engine/batch.js';

export const METRICS = [
  'benford_mad', 'balance_coherence', 'document_chain_integrity', 'temporal_consistency',
  'completion_rate', 'duplicate_rate', 'referential_integrity', 'ic_match_rate',
] as const;
export type MetricName = (typeof METRICS)[number];

/** What `finalize()` returns: the metric value, or null with the reason it could not be evaluated. */
export interface MetricResult {
  value: number | null;
  n: number;
  details: Record<string, unknown>;
  /** Set when value is null: why the metric is `not_evaluated` (controls.md §6.3 last column). */
  notEvaluated?: string;
  /**
   * Set when the inputs were produced but hold nothing the metric is defined on (e.g. only
   * document-derived journal entries for benford_mad): the gate is `not_applicable` (controls.md §6.1).
   */
  notApplicable?: string;
}

export interface Accumulator {
  readonly metric: MetricName;
  /**
   * Observes one batch. `producer` names the producing source (partition states are keyed by
   * producer and partition: documents, chains and IC pairs never span partitions).
   */
  observe(batch: Batch, producer?: string): void;
  /** Closes every open partition state into counters (called at finalize and before toJSON). */
  flush(): void;
  /** Adds another accumulator's state of the same metric into this one. */
  merge(other: Accumulator): void;
  toJSON(): unknown;
  finalize(): MetricResult;
}

/** Per-metric evaluation parameters that change what the accumulator counts. */
export interface MetricParams {
  /** balance_coherence / ic_match_rate tolerance in cents. */
  toleranceCents?: number;
}

/** The partition key of a batch: producer and logical partition. */
export function partitionKey(batch: Batch, producer: string | undefined): string {
  return `${producer ?? ''}#${batch.partition}`;
}
