/**
 * Shared pieces of the document tables (domain.md §6.4, §10): the `document_references` edge table
 * and the document type names used by `source_document_type` and `*_doc_type`.
 */
import { defineTable } from '../engine/schema.js';

export const DOCUMENT_TYPES = Object.freeze([
  'purchase_order', 'goods_receipt', 'vendor_invoice', 'ap_payment',
  'sales_order', 'delivery', 'customer_invoice', 'ar_receipt', 'credit_memo', 'ic_pair',
] as const);
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

/** Table holding each document type, and its id column (referential checks, I16). */
export const DOCUMENT_TABLES: Readonly<Record<DocumentType, { table: string; column: string }>> = Object.freeze({
  purchase_order: { table: 'purchase_orders', column: 'po_id' },
  goods_receipt: { table: 'goods_receipts', column: 'gr_id' },
  vendor_invoice: { table: 'vendor_invoices', column: 'vi_id' },
  ap_payment: { table: 'ap_payments', column: 'payment_id' },
  sales_order: { table: 'sales_orders', column: 'so_id' },
  delivery: { table: 'deliveries', column: 'delivery_id' },
  customer_invoice: { table: 'customer_invoices', column: 'ci_id' },
  ar_receipt: { table: 'ar_receipts', column: 'receipt_id' },
  credit_memo: { table: 'credit_memos', column: 'memo_id' },
  ic_pair: { table: 'ic_matched_pairs', column: 'ic_reference' },
});

export type ReferenceType = 'follow_on' | 'payment' | 'partial' | 'reversal' | 'credit_memo';

/** `document_references`: one canonical edge per relation, emitted with the target document (domain.md §6.4). */
export const documentReferences = defineTable('document_references', 'One canonical edge per document relation (follow_on, payment, partial, reversal, credit_memo), emitted with the target document (domain.md §6.4).', [
  ['reference_id', { type: 'string', description: 'UUIDv8 of (source id, target id, reference type)' }],
  ['source_doc_type', { type: 'string', description: 'Document type of the source (purchase_order … credit_memo)' }],
  ['source_doc_id', { type: 'string', description: 'Id of the source document' }],
  ['target_doc_type', { type: 'string', description: 'Document type of the target' }],
  ['target_doc_id', { type: 'string', description: 'Id of the target document' }],
  ['reference_type', { type: 'string', description: 'follow_on, payment, partial, reversal or credit_memo' }],
  ['company_code', { type: 'string', references: { table: 'companies', column: 'company_code' }, description: 'Company of both documents' }],
  ['reference_date', { type: 'date', description: "The target document's date" }],
  ['reference_amount', { type: 'money', description: "The target document's amount (company currency)" }],
], ['reference_id']);
