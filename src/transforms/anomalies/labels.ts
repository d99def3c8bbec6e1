/**
 * Injector labels (domain.md §8.4): plain records (few per partition) written as `anomaly_labels`
 * batches at the partition end, after the input's own labels of that partition.
 */
import type { Batch } from '../../engine/batch.js';
import { writeAnomalyLabelBatches } from '../../sources/journal-entries/labels.js';
import type { AnomalyType } from './types.js';

export interface InjectorLabel {
  anomalyId: string;
  type: AnomalyType;
  documentId: string;
  lineNumber: number | null;
  companyCode: string;
  anomalyDate: number;
  detectionTimestamp: number;
  /** Company-currency cents, or null when non-monetary. */
  monetaryImpact: number | null;
  description: string;
  relatedDocumentId: string | null;
  relatedEntities: readonly string[];
  clusterId: string | null;
  parentAnomalyId: string | null;
  childAnomalyIds: string[] | null;
  causalReasonType: string;
  causalReason: Record<string, unknown>;
  originalDocumentHash: string;
  metadata: Record<string, unknown>;
}

/** `CLU-{component}-{p:05}-{seq:04}` (domain.md §0.3). */
export function clusterId(componentId: string, partition: number, seq: number): string {
  return `CLU-${componentId}-${String(partition).padStart(5, '0')}-${String(seq).padStart(4, '0')}`;
}

/**
 * `anomaly_labels` batches of at most `batchRows` rows, rows numbered from `firstRow`.
 *
 * @example
 * const batches = injectorLabelBatches(labels, 0, 42n, 4096, inputLabelRows);
 */
export function injectorLabelBatches(records: readonly InjectorLabel[], partition: number, seed: bigint, batchRows: number, firstRow: number): Batch[] {
  return writeAnomalyLabelBatches(records, (r) => ({
    category: r.type.category, type: r.type.name, severity: r.type.severity, difficulty: r.type.difficulty,
    stage: 'injector', affectsBalance: r.type.affectsBalance, strategy: r.type.strategy, clusterId: r.clusterId,
  }), partition, seed, batchRows, firstRow);
}
