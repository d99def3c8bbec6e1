/**
 * Journal-entry tables (domain.md §5.1, §5.8, §8.4, §10): the flat line table, its approval
 * actions and the anomaly label table shared by every stage that labels entries.
 */
import { defineTable } from '../engine/schema.js';

const COMPANY = { table: 'companies', column: 'company_code' } as const;
const USER = { table: 'je_users', column: 'user_id' } as const;
const JE = { table: 'journal_entry_lines', column: 'document_id' } as const;

/** `journal_entry_lines`: one row per line, header fields repeated on every line (domain.md §5.1, 50 columns). */
export const journalEntryLines = defineTable('journal_entry_lines', 'Journal entry lines: one row per line, header fields repeated and identical on every line of a document_id.', [
  ['document_id', { type: 'string', description: 'UUIDv8 of the entry (domain.md §0.3)' }],
  ['line_number', { type: 'int', description: '1..n contiguous; debit lines first, then credit lines' }],
  ['company_code', { type: 'string', references: COMPANY, description: 'Company of the entry (GROUP for eliminations)' }],
  ['fiscal_year', { type: 'int', description: 'Year of posting_date' }],
  ['fiscal_period', { type: 'int', description: 'Month (1–12) of posting_date' }],
  ['posting_date', { type: 'date', description: 'Posting date (a business day of the company calendar)' }],
  ['document_date', { type: 'date', description: 'Document date: posting_date unless a late-posting deviation applies' }],
  ['created_at', { type: 'timestamp', description: 'posting_date plus a keyed intraday time (company-local wall time)' }],
  ['document_type', { type: 'string', description: 'SAP-style document type per template (DR, DZ, KR, SA, …)' }],
  ['business_process', { type: 'string', description: 'O2C, P2P, R2R, H2R, A2R or INTERCOMPANY' }],
  ['transaction_template', { type: 'string', description: 'Template id (domain.md §5.6, §6.5, §7)' }],
  ['source', { type: 'string', description: 'manual, automated, recurring, adjustment or reversal' }],
  ['source_system', { type: 'string', description: 'Posting system (SAP-SD, SAP-MM, SAP-FI, SAP-HR, interface, manual, spreadsheet)' }],
  ['is_manual', { type: 'bool', description: 'source = manual' }],
  ['created_by', { type: 'string', references: USER, description: 'Posting user (je_users)' }],
  ['user_persona', { type: 'string', nullable: true, description: 'Persona of created_by' }],
  ['currency', { type: 'string', description: 'Company currency (ISO 4217)' }],
  ['exchange_rate', { type: 'decimal6', description: 'Group-currency units per 1 unit of company currency on the posting date' }],
  ['reference', { type: 'string', nullable: true, description: 'Standalone {PFX}-{YYYY}-{seq:06}; document JEs: the document id; IC: ic_reference' }],
  ['header_text', { type: 'string', nullable: true, freeText: true, description: 'Header text from the template (domain.md §5.6)' }],
  ['source_document_type', { type: 'string', nullableByDesign: true, description: 'Type of the originating document; null for standalone entries' }],
  ['source_document_id', { type: 'string', nullableByDesign: true, description: 'Id of the originating document; null for standalone entries' }],
  ['batch_id', { type: 'string', nullableByDesign: true, description: 'document_id of the batch starter for batch entries (starter included)' }],
  ['ledger', { type: 'string', description: 'Ledger (0L)' }],
  ['is_post_close', { type: 'bool', description: 'Posting month is the last month in range and day > 25' }],
  ['is_elimination', { type: 'bool', description: 'Consolidation elimination entry' }],
  ['approval_status', { type: 'string', description: 'auto_approved, approved or not_required' }],
  ['approved_by', { type: 'string', nullableByDesign: true, references: USER, description: 'Last approver (SYSTEM for auto-approvals); null when not required' }],
  ['approval_date', { type: 'date', nullableByDesign: true, description: 'Date of the last approval; null when not required' }],
  ['approval_levels_required', { type: 'int', description: '0 (auto / not required), 1, 2 or 3' }],
  ['sox_relevant', { type: 'bool', description: 'Group-currency total above internal_controls.sox_materiality_threshold' }],
  ['control_status', { type: 'string', description: 'effective, not_tested or exception' }],
  ['sod_violation', { type: 'bool', description: 'Segregation-of-duties conflict on the entry' }],
  ['sod_conflict_type', { type: 'string', nullableByDesign: true, description: 'Conflict type when sod_violation' }],
  ['gl_account', { type: 'string', references: { table: 'chart_of_accounts', column: 'account_number' }, description: 'G/L account number' }],
  ['account_description', { type: 'string', freeText: true, description: 'Short description of gl_account' }],
  ['debit_amount', { type: 'money', description: 'Debit in company currency (0.00 on credit lines)' }],
  ['credit_amount', { type: 'money', description: 'Credit in company currency (0.00 on debit lines)' }],
  ['local_amount', { type: 'money', description: 'debit_amount − credit_amount' }],
  ['group_amount', { type: 'money', description: 'local_amount × exchange_rate in group currency; the rounding residual sits on the largest-magnitude line' }],
  ['cost_center', { type: 'string', nullableByDesign: true, references: { table: 'cost_centers', column: 'cost_center_id' }, description: 'Leaf cost center iff the account requires one' }],
  ['profit_center', { type: 'string', nullable: true, description: 'PC-{cc}-{process} for P2P/O2C/R2R/H2R, else PC-{cc}' }],
  ['vendor_id', { type: 'string', nullableByDesign: true, references: { table: 'vendors', column: 'vendor_id' }, description: 'Vendor on AP (2000) lines' }],
  ['customer_id', { type: 'string', nullableByDesign: true, references: { table: 'customers', column: 'customer_id' }, description: 'Customer on AR (1100) lines' }],
  ['trading_partner', { type: 'string', nullableByDesign: true, references: COMPANY, description: 'Counterparty company on intercompany lines' }],
  ['line_text', { type: 'string', nullable: true, freeText: true, description: 'Line text by account class' }],
  ['value_date', { type: 'date', nullableByDesign: true, description: 'posting_date on lines of 1000, 1010, 1100, 2000; else null' }],
  ['is_fraud', { type: 'bool', description: 'The entry carries a fraud-category label' }],
  ['fraud_type', { type: 'string', nullableByDesign: true, description: 'Type of the fraud label, when is_fraud' }],
  ['is_anomaly', { type: 'bool', description: 'The entry carries an anomaly label' }],
], ['document_id', 'line_number']);

/** `je_approvals`: one row per approval action (domain.md §5.8). */
export const jeApprovals = defineTable('je_approvals', 'Approval workflow actions of journal entries, one row per action.', [
  ['document_id', { type: 'string', references: JE, description: 'The approved entry' }],
  ['action_seq', { type: 'int', description: '1-based order of the action within the entry' }],
  ['action', { type: 'string', description: 'auto_approve, submit, approve, request_revision or resubmit' }],
  ['actor_id', { type: 'string', references: USER, description: 'Acting user (je_users)' }],
  ['actor_role', { type: 'string', description: 'Persona of the actor (system for SYSTEM)' }],
  ['approval_level', { type: 'int', description: 'Approval level of the action (0 for submit, resubmit, auto_approve)' }],
  ['action_timestamp', { type: 'timestamp', description: 'Time of the action (derived from created_at, never wall clock)' }],
], ['document_id', 'action_seq']);

/** `anomaly_labels` (domain.md §8.4, columns in the order listed there). */
export const anomalyLabels = defineTable('anomaly_labels', 'Labels of every deliberate deviation in the journal entries (generation, persona, controls, injector stages).', [
  ['anomaly_id', { type: 'string', description: 'ANO-{component}-{p:05}-{seq:06}' }],
  ['anomaly_category', { type: 'string', description: 'fraud, error, process_issue, statistical or relational' }],
  ['anomaly_type', { type: 'string', description: 'Anomaly type (domain.md §8.2)' }],
  ['severity', { type: 'int', description: 'Severity 1–5' }],
  ['detection_difficulty', { type: 'string', description: 'trivial, easy, moderate, hard or expert' }],
  ['injection_stage', { type: 'string', description: 'generation, persona, controls or injector' }],
  ['document_id', { type: 'string', references: JE, description: 'The labelled entry (emitted entries: the emitted one)' }],
  ['line_number', { type: 'int', nullableByDesign: true, description: 'Affected line; null when header-level or whole-entry' }],
  ['company_code', { type: 'string', references: COMPANY, description: 'Company of the entry' }],
  ['anomaly_date', { type: 'date', description: 'posting_date of the entry after mutation' }],
  ['detection_timestamp', { type: 'timestamp', description: 'created_at of the entry after mutation (derived, never wall clock)' }],
  ['is_injected', { type: 'bool', description: 'Always true' }],
  ['confidence', { type: 'money', description: 'Label confidence, 1.00 (two decimals)' }],
  ['affects_balance', { type: 'bool', description: 'The deviation leaves the entry unbalanced (domain.md §8.3)' }],
  ['monetary_impact', { type: 'money', nullableByDesign: true, description: '|total after − total before| in company currency; null when non-monetary' }],
  ['description', { type: 'string', freeText: true, description: 'Deterministic text from old and new values' }],
  ['structured_strategy_type', { type: 'string', description: 'amount_manipulation, threshold_avoidance, date_shift, …, custom' }],
  ['related_document_id', { type: 'string', nullableByDesign: true, references: JE, description: 'Source entry of an emitted entry / group counterpart' }],
  ['related_entities', { type: 'string', freeText: true, description: 'JSON array of related ids (users, accounts, partners, documents)' }],
  ['cluster_id', { type: 'string', nullableByDesign: true, description: 'CLU-{component}-{p:05}-{seq:04} for clustered labels' }],
  ['parent_anomaly_id', { type: 'string', nullableByDesign: true, description: 'First label of a multi-entry group' }],
  ['child_anomaly_ids', { type: 'string', nullableByDesign: true, freeText: true, description: 'JSON array of the group members (on the parent label)' }],
  ['causal_reason_type', { type: 'string', description: 'random_rate, temporal_pattern, cluster_membership, persona_error or control_rate' }],
  ['causal_reason_json', { type: 'string', freeText: true, description: 'Causal reason parameters as JSON' }],
  ['original_document_hash', { type: 'string', description: 'SHA-256 hex of the canonical JSON of the entry before mutation' }],
  ['metadata_json', { type: 'string', freeText: true, description: 'Type-specific details as JSON' }],
  ['generation_seed', { type: 'string', description: 'The run seed as a decimal string' }],
], ['anomaly_id']);
