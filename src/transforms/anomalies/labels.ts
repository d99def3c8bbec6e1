/**
 * Injector labels (domain.md §8.4): plain records (few per partition) written as `anomaly_labels`
 * batches at the partition end, after the input's own labels of that partition.
 */
import canonicalize from 'canonicalize';
import { createBatch, type Batch } from '../../engine/batch.js';
import { anomalyLabels } from '../../tables/journal.js';
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
  const out: Batch[] = [];
  const s = anomalyLabels.index;
  const seedText = seed.toString();
  for (let start = 0; start < records.length; start += batchRows) {
    const n = Math.min(batchRows, records.length - start);
    const b = createBatch(anomalyLabels, partition, firstRow + start, n);
    const v = b.values;
    const str = (name: string): Array<string | null> => v[s.get(name)!] as Array<string | null>;
    const i32 = (name: string): Int32Array => v[s.get(name)!] as Int32Array;
    const f64 = (name: string): Float64Array => v[s.get(name)!] as Float64Array;
    const u8 = (name: string): Uint8Array => v[s.get(name)!] as Uint8Array;
    const lineNull = b.nulls[s.get('line_number')!]!;
    const impactNull = b.nulls[s.get('monetary_impact')!]!;
    for (let k = 0; k < n; k++) {
      const r = records[start + k];
      const t = r.type;
      str('anomaly_id')[k] = r.anomalyId;
      str('anomaly_category')[k] = t.category;
      str('anomaly_type')[k] = t.name;
      i32('severity')[k] = t.severity;
      str('detection_difficulty')[k] = t.difficulty;
      str('injection_stage')[k] = 'injector';
      str('document_id')[k] = r.documentId;
      if (r.lineNumber === null) lineNull[k] = 1;
      else i32('line_number')[k] = r.lineNumber;
      str('company_code')[k] = r.companyCode;
      i32('anomaly_date')[k] = r.anomalyDate;
      f64('detection_timestamp')[k] = r.detectionTimestamp;
      u8('is_injected')[k] = 1;
      f64('confidence')[k] = 100;
      u8('affects_balance')[k] = t.affectsBalance ? 1 : 0;
      if (r.monetaryImpact === null) impactNull[k] = 1;
      else f64('monetary_impact')[k] = r.monetaryImpact;
      str('description')[k] = r.description;
      str('structured_strategy_type')[k] = t.strategy;
      str('related_document_id')[k] = r.relatedDocumentId;
      str('related_entities')[k] = JSON.stringify(r.relatedEntities);
      str('cluster_id')[k] = r.clusterId;
      str('parent_anomaly_id')[k] = r.parentAnomalyId;
      str('child_anomaly_ids')[k] = r.childAnomalyIds ? JSON.stringify(r.childAnomalyIds) : null;
      str('causal_reason_type')[k] = r.causalReasonType;
      str('causal_reason_json')[k] = canonicalize(r.causalReason) ?? '{}';
      str('original_document_hash')[k] = r.originalDocumentHash;
      str('metadata_json')[k] = canonicalize(r.metadata) ?? '{}';
      str('generation_seed')[k] = seedText;
    }
    out.push(b);
  }
  return out;
}
