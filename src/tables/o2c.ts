/**
 * Order-to-cash document tables (domain.md §6.3, §10): sales orders, deliveries, customer invoices,
 * AR receipts and credit memos with their items — columns exactly in the listed order.
 * F = company_code, fiscal_year, fiscal_period; T = currency, status, created_by, created_at,
 * journal_entry_id (sales orders do not post and have no journal_entry_id).
 */
import { defineTable, type ColumnSpec, type TableSchema } from '../engine/schema.js';

const COMPANY = { table: 'companies', column: 'company_code' } as const;
const CUSTOMER = { table: 'customers', column: 'customer_id' } as const;
const MATERIAL = { table: 'materials', column: 'material_id' } as const;
const EMPLOYEE_USER = { table: 'employees', column: 'user_id' } as const;
const SO = { table: 'sales_orders', column: 'so_id' } as const;
const DELIVERY = { table: 'deliveries', column: 'delivery_id' } as const;
const INVOICE = { table: 'customer_invoices', column: 'ci_id' } as const;
const RECEIPT = { table: 'ar_receipts', column: 'receipt_id' } as const;
const JE = { table: 'journal_entry_lines', column: 'document_id' } as const;

type Col = readonly [string, ColumnSpec];

/** F: fiscal fields of the document's own date (domain.md I5). */
function fiscal(what: string): Col[] {
  return [
    ['company_code', { type: 'string', references: COMPANY, description: `Company of the ${what}` }],
    ['fiscal_year', { type: 'int', description: `Year of the ${what} date` }],
    ['fiscal_period', { type: 'int', description: `Month (1–12) of the ${what} date` }],
  ];
}

/** T: trailer columns (domain.md §6.1); `posts` adds journal_entry_id. */
function trailer(what: string, statuses: string, department: string, posts: boolean): Col[] {
  const cols: Col[] = [
    ['currency', { type: 'string', description: 'Company currency (ISO 4217)' }],
    ['status', { type: 'string', description: `Status as of the end of the range: ${statuses}` }],
    ['created_by', { type: 'string', references: EMPLOYEE_USER, description: `User id of the ${department} employee who created the ${what}` }],
    ['created_at', { type: 'timestamp', description: `${what[0].toUpperCase()}${what.slice(1)} date plus a keyed human intraday time (company-local wall time)` }],
  ];
  if (posts) cols.push(['journal_entry_id', { type: 'string', references: JE, description: `document_id of the ${what}'s journal entry (UUIDv8 keyed by the document id)` }]);
  return cols;
}

export const salesOrders: TableSchema = defineTable('sales_orders', 'Sales orders: the first document of an order-to-cash chain, with the credit check result (domain.md §6.3).', [
  ['so_id', { type: 'string', description: 'SO-{cc}-{chain:08}{seq:02} (domain.md §0.3)' }],
  ...fiscal('sales order'),
  ['customer_id', { type: 'string', references: CUSTOMER, description: 'Ordering customer' }],
  ['customer_name', { type: 'string', freeText: true, description: "Customer's name" }],
  ['so_date', { type: 'date', description: 'Order date: a business day of the chain start month' }],
  ['requested_delivery_date', { type: 'date', description: 'Order date + average_so_to_delivery_days, rolled to a business day (may lie after the range)' }],
  ['sales_org', { type: 'string', description: "Customer's sales organisation" }],
  ['distribution_channel', { type: 'string', description: "Customer's distribution channel" }],
  ['payment_terms', { type: 'string', description: "Customer's payment terms code (net30, two_ten_net30, …)" }],
  ['net_amount', { type: 'money', description: 'Σ item net amounts' }],
  ['tax_amount', { type: 'money', description: 'Σ item tax amounts' }],
  ['gross_amount', { type: 'money', description: 'net_amount + tax_amount' }],
  ['credit_check_status', { type: 'string', description: 'passed or failed' }],
  ['credit_block_reason', { type: 'string', nullableByDesign: true, description: 'credit_limit_exceeded or customer_blocked when the credit check failed, else null' }],
  ...trailer('sales order', 'completed, or blocked when the credit check failed', 'Sales', false),
], ['so_id']);

export const salesOrderItems: TableSchema = defineTable('sales_order_items', 'Sales order lines: distinct finished or trading goods at list price (domain.md §6.1, §6.3).', [
  ['so_id', { type: 'string', references: SO, description: 'Sales order' }],
  ['line_number', { type: 'int', description: '10, 20, 30, …' }],
  ['material_id', { type: 'string', references: MATERIAL, description: 'Material (finished_good or trading_good)' }],
  ['description', { type: 'string', freeText: true, description: "Material's description" }],
  ['quantity', { type: 'int', description: 'Ordered quantity, U{1..49}' }],
  ['uom', { type: 'string', description: "Material's base unit of measure" }],
  ['unit_price', { type: 'money', description: "Material's list price" }],
  ['net_amount', { type: 'money', description: 'quantity × unit_price' }],
  ['tax_amount', { type: 'money', description: 'net_amount × company tax_rate, rounded half away from zero' }],
  ['gross_amount', { type: 'money', description: 'net_amount + tax_amount' }],
  ['schedule_date', { type: 'date', description: "The order's requested delivery date" }],
], ['so_id', 'line_number']);

export const deliveries: TableSchema = defineTable('deliveries', 'Outbound deliveries (goods issues) of sales orders; a partial shipment has a second delivery 3–6 days later (domain.md §6.3).', [
  ['delivery_id', { type: 'string', description: 'DLV-{cc}-{chain:08}{seq:02}' }],
  ...fiscal('delivery'),
  ['so_id', { type: 'string', references: SO, description: 'Delivered sales order' }],
  ['customer_id', { type: 'string', references: CUSTOMER, description: 'Customer of the order' }],
  ['delivery_date', { type: 'date', description: 'Goods issue date (business day)' }],
  ['shipping_point', { type: 'string', description: 'SP{cc}' }],
  ['is_partial', { type: 'bool', description: 'True for both deliveries of a partial shipment' }],
  ['package_count', { type: 'int', description: 'Packages, U{1..9}' }],
  ['total_cogs', { type: 'money', description: 'Σ item cogs_amount (posted DR 5000 / CR 1200)' }],
  ...trailer('delivery', 'posted', 'Warehouse', true),
], ['delivery_id']);

export const deliveryItems: TableSchema = defineTable('delivery_items', 'Delivery lines: delivered quantity of a sales order line at standard cost (domain.md §6.3).', [
  ['delivery_id', { type: 'string', references: DELIVERY, description: 'Delivery' }],
  ['line_number', { type: 'int', description: '10, 20, 30, … within the delivery' }],
  ['so_id', { type: 'string', references: SO, description: 'Sales order' }],
  ['so_line_number', { type: 'int', description: 'Line number of the sales order line' }],
  ['material_id', { type: 'string', references: MATERIAL, description: 'Material' }],
  ['quantity', { type: 'int', description: 'Delivered quantity' }],
  ['unit_price', { type: 'money', description: 'Sales order unit price' }],
  ['net_amount', { type: 'money', description: 'quantity × unit_price' }],
  ['unit_cost', { type: 'money', description: "Material's standard cost" }],
  ['cogs_amount', { type: 'money', description: 'quantity × unit_cost' }],
], ['delivery_id', 'line_number']);

export const customerInvoices: TableSchema = defineTable('customer_invoices', 'Customer invoices for the delivered quantity, dated after the last delivery (domain.md §6.3).', [
  ['ci_id', { type: 'string', description: 'CI-{cc}-{chain:08}{seq:02}' }],
  ...fiscal('invoice'),
  ['customer_id', { type: 'string', references: CUSTOMER, description: 'Invoiced customer' }],
  ['so_id', { type: 'string', references: SO, description: 'Sales order' }],
  ['invoice_date', { type: 'date', description: 'Invoice date (business day)' }],
  ['payment_terms', { type: 'string', description: "Customer's payment terms code" }],
  ['due_date', { type: 'date', description: 'Due date from the terms, rolled to a business day (may lie after the range)' }],
  ['discount_due_date', { type: 'date', nullableByDesign: true, description: 'Last day of the cash-discount window; null without a discount' }],
  ['discount_percent', { type: 'decimal6', description: 'Cash discount as a fraction (0.020000 = 2 %); 0 without a discount' }],
  ['net_amount', { type: 'money', description: 'Σ item net amounts' }],
  ['tax_amount', { type: 'money', description: 'net_amount × company tax_rate, rounded half away from zero' }],
  ['gross_amount', { type: 'money', description: 'net_amount + tax_amount (posted DR 1100)' }],
  ...trailer('invoice', 'posted, or cleared when fully settled', 'Finance', true),
], ['ci_id']);

export const customerInvoiceItems: TableSchema = defineTable('customer_invoice_items', 'Customer invoice lines: one per delivery line (domain.md §6.3).', [
  ['ci_id', { type: 'string', references: INVOICE, description: 'Customer invoice' }],
  ['line_number', { type: 'int', description: '10, 20, 30, … within the invoice' }],
  ['so_id', { type: 'string', references: SO, description: 'Sales order' }],
  ['so_line_number', { type: 'int', description: 'Line number of the sales order line' }],
  ['delivery_id', { type: 'string', references: DELIVERY, description: 'Delivery of the invoiced quantity' }],
  ['material_id', { type: 'string', references: MATERIAL, description: 'Material' }],
  ['quantity', { type: 'int', description: 'Invoiced (= delivered) quantity' }],
  ['unit_price', { type: 'money', description: 'Sales order unit price' }],
  ['net_amount', { type: 'money', description: 'quantity × unit_price' }],
  ['cogs_amount', { type: 'money', description: 'Cost of the invoiced quantity at standard cost' }],
], ['ci_id', 'line_number']);

/** Values of `ar_receipts.receipt_kind` (domain.md §6.3, §10). */
export const RECEIPT_KINDS = Object.freeze(['full', 'partial', 'partial_remainder', 'short', 'on_account', 'correction'] as const);
export type ReceiptKind = (typeof RECEIPT_KINDS)[number];

export const arReceipts: TableSchema = defineTable('ar_receipts', 'Customer payments received against invoices: full, partial (+ remainder), short, on-account, and corrections of full receipts (domain.md §6.3).', [
  ['receipt_id', { type: 'string', description: 'REC-{cc}-{chain:08}{seq:02}' }],
  ...fiscal('receipt'),
  ['customer_id', { type: 'string', references: CUSTOMER, description: 'Paying customer' }],
  ['ci_id', { type: 'string', references: INVOICE, description: 'Invoice the payment relates to' }],
  ['receipt_date', { type: 'date', description: 'Receipt date (business day)' }],
  ['value_date', { type: 'date', description: 'Value date (= receipt date)' }],
  ['payment_method', { type: 'string', description: 'bank_transfer, check, wire or credit_card' }],
  ['receipt_kind', { type: 'string', description: RECEIPT_KINDS.join(', ') }],
  ['amount', { type: 'money', description: 'Amount received (corrections: the amount reversed)' }],
  ['discount_taken', { type: 'money', description: 'Cash discount taken (posted DR 4010); 0.00 when none' }],
  ['short_amount', { type: 'money', nullableByDesign: true, description: 'Amount short-paid (short receipts only)' }],
  ['short_reason', { type: 'string', nullableByDesign: true, description: 'pricing_dispute, quality_issue, quantity_discrepancy, unauthorized_deduction or incorrect_discount (short receipts only)' }],
  ['correction_reason', { type: 'string', nullableByDesign: true, description: 'nsf, chargeback, wrong_amount, wrong_customer or duplicate_payment (corrections only)' }],
  ['related_receipt_id', { type: 'string', nullableByDesign: true, references: RECEIPT, description: 'First receipt of a partial_remainder / the reversed receipt of a correction' }],
  ...trailer('receipt', 'posted', 'Finance', true),
], ['receipt_id']);

export const creditMemos: TableSchema = defineTable('credit_memos', 'Credit memos for returns, 5–30 days after the invoice (domain.md §6.3).', [
  ['memo_id', { type: 'string', description: 'CM-{cc}-{chain:08}{seq:02}' }],
  ...fiscal('credit memo'),
  ['customer_id', { type: 'string', references: CUSTOMER, description: 'Credited customer' }],
  ['ci_id', { type: 'string', references: INVOICE, description: 'Credited invoice' }],
  ['memo_date', { type: 'date', description: 'Memo date (business day)' }],
  ['reason', { type: 'string', description: 'return, damaged, quality_issue or price_error' }],
  ['net_amount', { type: 'money', description: 'Credited share of the invoice net amount' }],
  ['gross_amount', { type: 'money', description: 'Credited share of the invoice gross amount (posted DR 4020 / CR 1100)' }],
  ['approval_status', { type: 'string', description: 'auto_approved below 10 000 group-currency units, else approved' }],
  ...trailer('credit memo', 'posted', 'Finance', true),
], ['memo_id']);

/** The eight O2C document tables in emission order. */
export const o2cTables: readonly TableSchema[] = Object.freeze([
  salesOrders, salesOrderItems, deliveries, deliveryItems, customerInvoices, customerInvoiceItems, arReceipts, creditMemos,
]);
