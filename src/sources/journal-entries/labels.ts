/**
 * Labels of generation-stage deviations (domain.md §8.2 taxonomy of labels created outside the
 * injector, §8.4 label rows). Few per partition, so plain records are fine here.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { createBatch, type Batch } from '../../engine/batch.js';
import { anomalyLabels } from '../../tables/journal.js';

export type LabelCategory = 'fraud' | 'error' | 'process_issue' | 'statistical' | 'relational';
export type InjectionStage = 'generation' | 'persona' | 'controls' | 'injector';

export interface LabelTaxon {
  readonly category: LabelCategory;
  readonly severity: number;
  readonly difficulty: 'trivial' | 'easy' | 'moderate' | 'hard' | 'expert';
  readonly strategy: string;
  readonly affectsBalance: boolean;
}

/** domain.md §8.2 "Labels created outside the injector". */
export const GENERATION_TAXONOMY: Readonly<Record<string, LabelTaxon>> = {
  suspense_account_abuse: { category: 'fraud', severity: 4, difficulty: 'moderate', strategy: 'account_misclassification', affectsBalance: false },
  fictitious_transaction: { category: 'fraud', severity: 4, difficulty: 'hard', strategy: 'round_numbering', affectsBalance: false },
  revenue_manipulation: { category: 'fraud', severity: 5, difficulty: 'hard', strategy: 'amount_manipulation', affectsBalance: false },
  expense_capitalization: { category: 'fraud', severity: 4, difficulty: 'hard', strategy: 'account_misclassification', affectsBalance: false },
  split_transaction: { category: 'fraud', severity: 4, difficulty: 'moderate', strategy: 'split_transaction', affectsBalance: false },
  timing_anomaly: { category: 'fraud', severity: 4, difficulty: 'easy', strategy: 'timing_manipulation', affectsBalance: false },
  unauthorized_access: { category: 'fraud', severity: 4, difficulty: 'moderate', strategy: 'custom', affectsBalance: false },
  duplicate_payment: { category: 'fraud', severity: 3, difficulty: 'moderate', strategy: 'exact_duplicate', affectsBalance: false },
  segregation_of_duties_conflict: { category: 'process_issue', severity: 3, difficulty: 'easy', strategy: 'sod_violation', affectsBalance: false },
  control_exception: { category: 'process_issue', severity: 2, difficulty: 'easy', strategy: 'custom', affectsBalance: false },
  transposed_digits: { category: 'error', severity: 2, difficulty: 'moderate', strategy: 'amount_manipulation', affectsBalance: false },
  decimal_error: { category: 'error', severity: 3, difficulty: 'easy', strategy: 'amount_manipulation', affectsBalance: false },
  description_typo: { category: 'error', severity: 1, difficulty: 'moderate', strategy: 'custom', affectsBalance: false },
  manual_rounding: { category: 'error', severity: 1, difficulty: 'hard', strategy: 'amount_manipulation', affectsBalance: false },
  late_posting: { category: 'process_issue', severity: 2, difficulty: 'moderate', strategy: 'date_shift', affectsBalance: false },
};

export interface LabelRecord {
  anomalyId: string;
  type: string;
  stage: InjectionStage;
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
  parentAnomalyId: string | null;
  childAnomalyIds: readonly string[] | null;
  causalReasonType: string;
  causalReason: Record<string, unknown>;
  originalDocumentHash: string;
  metadata: Record<string, unknown>;
}

/** `ANO-{component}-{p:05}-{seq:06}` (domain.md §0.3), seq 1-based in stream order. */
export function anomalyId(componentId: string, partition: number, seq: number): string {
  return `ANO-${componentId}-${String(partition).padStart(5, '0')}-${String(seq).padStart(6, '0')}`;
}

/** SHA-256 hex of the RFC 8785 canonical JSON of a value. */
export function canonicalHash(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('cannot canonicalize value');
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The fields every `anomaly_labels` row carries, whichever stage made the label. */
export type LabelRowBase = Omit<LabelRecord, 'type' | 'stage'>;

/** A label's class from its stage's taxonomy (domain.md §8.2, §8.4). */
export interface LabelClass {
  readonly category: string;
  readonly type: string;
  readonly severity: number;
  readonly difficulty: string;
  readonly stage: string;
  readonly affectsBalance: boolean;
  readonly strategy: string;
  readonly clusterId: string | null;
}

/**
 * `anomaly_labels` batches of at most `batchRows` rows, numbered from `firstRow`: the one writer of
 * the table, shared by the generation stage and the injector (each classifies its own records).
 */
export function writeAnomalyLabelBatches<T extends LabelRowBase>(records: readonly T[], classify: (r: T) => LabelClass, partition: number, seed: bigint, batchRows: number, firstRow = 0): Batch[] {
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
      const t = classify(r);
      str('anomaly_id')[k] = r.anomalyId;
      str('anomaly_category')[k] = t.category;
      str('anomaly_type')[k] = t.type;
      i32('severity')[k] = t.severity;
      str('detection_difficulty')[k] = t.difficulty;
      str('injection_stage')[k] = t.stage;
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
      str('cluster_id')[k] = t.clusterId;
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

/** Builds `anomaly_labels` batches of at most `batchRows` rows from generation-stage records in stream order. */
export function labelBatches(records: readonly LabelRecord[], partition: number, seed: bigint, batchRows: number): Batch[] {
  return writeAnomalyLabelBatches(records, (r) => {
    const t = GENERATION_TAXONOMY[r.type];
    if (!t) throw new Error(`no taxonomy entry for label type ${r.type}`);
    return { category: t.category, type: r.type, severity: t.severity, difficulty: t.difficulty, stage: r.stage, affectsBalance: t.affectsBalance, strategy: t.strategy, clusterId: null };
  }, partition, seed, batchRows);
}
