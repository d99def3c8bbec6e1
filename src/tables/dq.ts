/**
 * The data-quality label table (domain.md §9.4, columns in the order listed there): one row per
 * changed field value or emitted duplicate, so a cleaning pipeline can be scored field by field.
 */
import { defineTable } from '../engine/schema.js';

/** `dq_labels` (domain.md §9.4). */
export const dqLabels = defineTable('dq_labels', 'Labels of every injected data-quality issue: which record and field changed, from what to what.', [
  ['issue_id', { type: 'string', description: 'QI-{component}-{p:05}-{seq:07}, seq in stream order within the partition (domain.md §0.3)' }],
  ['issue_type', { type: 'string', description: 'missing_value, typo, format_variation, encoding_issue or duplicate' }],
  ['issue_subtype', { type: 'string', description: 'Variant, e.g. mcar, substitution, us_date, us_comma, mojibake, near (a value with typos of several kinds: multiple, the kinds listed in description)' }],
  ['severity', { type: 'int', description: 'missing_value 3, typo 2, format_variation 1, duplicate 4, encoding_issue 3' }],
  ['table_name', { type: 'string', description: 'Table of the record (journal_entry_lines)' }],
  ['record_id', { type: 'string', references: { table: 'journal_entry_lines', column: 'document_id' }, description: 'document_id of the changed entry; for duplicates the copy' }],
  ['line_number', { type: 'int', nullableByDesign: true, description: 'Changed line; null for header-level fields (changed identically on every line) and duplicates' }],
  ['field_name', { type: 'string', nullableByDesign: true, description: 'Changed column; null for duplicates' }],
  ['original_value', { type: 'string', nullable: true, freeText: true, description: 'Value before the change as text (dates YYYY-MM-DD, money 1234.50); duplicates: the original document_id' }],
  ['modified_value', { type: 'string', nullable: true, freeText: true, description: 'Value after the change as text; null for missing values; duplicates: the copy document_id' }],
  ['description', { type: 'string', freeText: true, description: 'Deterministic text saying what changed' }],
], ['issue_id']);
