/**
 * Schemas of the procure-to-pay document tables (domain.md §6.2, §10): purchase orders, goods
 * receipts, vendor invoices (headers and items) and AP payments — columns exactly in the listed
 * order. Shorthands of §10: F = company_code, fiscal_year, fiscal_period (of the document's own
 * date); T = currency, status, created_by, created_at, journal_entry_id (POs have no JE).
 */
import { defineTable, type ColumnSpec, type TableSchema } from '../engine/schema.js';

type Col = readonly [string, ColumnSpec];

const COMPANY_FK = { table: 'companies', column: 'company_code' } as const;
const VENDOR_FK = { table: 'vendors', column: 'vendor_id' } as const;
const MATERIAL_FK = { table: 'materials', column: 'material_id' } as const;
const USER_FK = { table: 'employees', column: 'user_id' } as const;
const PO_FK = { table: 'purchase_orders', column: 'po_id' } as const;
const GR_FK = { table: 'goods_receipts', column: 'gr_id' } as const;
const VI_FK = { table: 'vendor_invoices', column: 'vi_id' } as const;
const PAY_FK = { table: 'ap_payments', column: 'payment_id' } as const;
const JE_FK = { table: 'journal_entry_lines', column: 'document_id' } as const;

/** F: company and fiscal period of the document date (domain.md §11 I5). */
function fiscal(what: string): Col[] {
  return [
    ['company_code', { type: 'string', references: COMPANY_FK, description: `Company of the ${what}` }],
    ['fiscal_year', { type: 'int', description: `Year of the ${what} date` }],
    ['fiscal_period', { type: 'int', description: `Month (1–12) of the ${what} date` }],
  ];
}

/** T: currency, status, creator, creation time and (for posting documents) the JE id (domain.md §6.1). */
function trailer(what: string, statuses: string, department: string, posts: boolean): Col[] {
  const cols: Col[] = [
    ['currency', { type: 'string', description: 'Company currency, ISO 4217' }],
    ['status', { type: 'string', description: `Status as of the end of the range: ${statuses}` }],
    ['created_by', { type: 'string', references: USER_FK, description: `user_id of the ${department} employee who created the ${what}` }],
    ['created_at', { type: 'timestamp', description: `${what[0].toUpperCase()}${what.slice(1)} date + human intraday time (company-local)` }],
  ];
  if (posts) {
    cols.push(['journal_entry_id', { type: 'string', references: JE_FK, description: `document_id of the ${what}'s journal entry (UUIDv8 keyed by the ${what} id)` }]);
  }
  return cols;
}

export const purchaseOrders: TableSchema = defineTable('purchase_orders', 'Purchase orders: the first document of a P2P chain (domain.md §6.2).', [
  ['po_id', { type: 'string', description: 'PO-{cc}-{chain:08}{seq:02}' }],
  ...fiscal('purchase order'),
  ['vendor_id', { type: 'string', references: VENDOR_FK, description: 'Vendor (active, non-reserve, non-intercompany)' }],
  ['vendor_name', { type: 'string', freeText: true, description: "The vendor's name" }],
  ['po_date', { type: 'date', description: 'Order date: a business day of the chain start month' }],
  ['po_type', { type: 'string', description: 'standard' }],
  ['purchasing_org', { type: 'string', description: 'Purchasing organisation (= company code)' }],
  ['purchasing_group', { type: 'string', description: 'Purchasing group (001)' }],
  ['payment_terms', { type: 'string', description: "The vendor's payment terms code (net30, two_ten_net30 …)" }],
  ['net_amount', { type: 'money', description: 'Σ item net amounts' }],
  ['tax_amount', { type: 'money', description: 'Σ item tax amounts' }],
  ['gross_amount', { type: 'money', description: 'net_amount + tax_amount' }],
  ...trailer('purchase order', 'released, or completed once fully received', 'Procurement', false),
], ['po_id']);

export const purchaseOrderItems: TableSchema = defineTable('purchase_order_items', 'Purchase order lines: distinct materials, line numbers 10, 20, 30 … (domain.md §6.1, §6.2).', [
  ['po_id', { type: 'string', references: PO_FK, description: 'Purchase order' }],
  ['line_number', { type: 'int', description: '10, 20, 30 …' }],
  ['material_id', { type: 'string', references: MATERIAL_FK, description: 'Material (raw, semi-finished, trading good, operating supplies or packaging)' }],
  ['description', { type: 'string', freeText: true, description: "The material's description" }],
  ['quantity', { type: 'int', description: 'Ordered quantity U{1..99}' }],
  ['uom', { type: 'string', description: "The material's base unit of measure" }],
  ['unit_price', { type: 'money', description: "The material's standard cost" }],
  ['net_amount', { type: 'money', description: 'quantity × unit_price' }],
  ['tax_amount', { type: 'money', description: 'net_amount × company tax_rate' }],
  ['gross_amount', { type: 'money', description: 'net_amount + tax_amount' }],
  ['item_category', { type: 'string', description: 'GOODS' }],
  ['gr_based_iv', { type: 'bool', description: 'Goods-receipt-based invoice verification (true)' }],
  ['delivery_date', { type: 'date', description: 'Planned delivery: PO date + 14 days, rolled to a business day (may fall after the range)' }],
  ['plant', { type: 'string', description: 'P{cc}' }],
  ['storage_location', { type: 'string', description: '0001' }],
], ['po_id', 'line_number']);

export const goodsReceipts: TableSchema = defineTable('goods_receipts', 'Goods receipts against purchase orders: one, or two for a partial delivery (domain.md §6.2).', [
  ['gr_id', { type: 'string', description: 'GR-{cc}-{chain:08}{seq:02}' }],
  ...fiscal('goods receipt'),
  ['po_id', { type: 'string', references: PO_FK, description: 'Purchase order received against' }],
  ['vendor_id', { type: 'string', references: VENDOR_FK, description: "The PO's vendor" }],
  ['gr_date', { type: 'date', description: 'Receipt date (business day, in range)' }],
  ['gr_type', { type: 'string', description: 'purchase_order (receipt against a PO)' }],
  ['plant', { type: 'string', description: 'P{cc}' }],
  ['storage_location', { type: 'string', description: '0001' }],
  ['is_partial', { type: 'bool', description: 'True for both receipts of a split (partial) delivery' }],
  ['total_value', { type: 'money', description: 'Σ received quantity × PO unit price' }],
  ...trailer('goods receipt', 'posted', 'Warehouse', true),
], ['gr_id']);

export const goodsReceiptItems: TableSchema = defineTable('goods_receipt_items', 'Goods receipt lines, one per received PO line (domain.md §6.2).', [
  ['gr_id', { type: 'string', references: GR_FK, description: 'Goods receipt' }],
  ['line_number', { type: 'int', description: '10, 20, 30 … within the receipt' }],
  ['po_id', { type: 'string', references: PO_FK, description: 'Purchase order' }],
  ['po_line_number', { type: 'int', description: 'line_number of the PO item received' }],
  ['material_id', { type: 'string', references: MATERIAL_FK, description: 'Material' }],
  ['quantity', { type: 'int', description: 'Received quantity' }],
  ['uom', { type: 'string', description: 'Unit of measure' }],
  ['unit_price', { type: 'money', description: 'PO unit price' }],
  ['net_amount', { type: 'money', description: 'quantity × unit_price' }],
  ['movement_type', { type: 'string', description: 'gr_for_po' }],
  ['stock_type', { type: 'string', description: 'unrestricted' }],
], ['gr_id', 'line_number']);

export const vendorInvoices: TableSchema = defineTable('vendor_invoices', 'Vendor invoices: one per chain for the received quantity, with the three-way match result (domain.md §6.2).', [
  ['vi_id', { type: 'string', description: 'VI-{cc}-{chain:08}{seq:02}' }],
  ...fiscal('vendor invoice'),
  ['vendor_id', { type: 'string', references: VENDOR_FK, description: "The PO's vendor" }],
  ['vendor_invoice_number', { type: 'string', description: "The vendor's own invoice number INV-{8 digits}" }],
  ['invoice_date', { type: 'date', description: 'Invoice date (business day, in range)' }],
  ['po_id', { type: 'string', references: PO_FK, description: 'Purchase order invoiced' }],
  ['payment_terms', { type: 'string', description: 'Payment terms code (the vendor\'s)' }],
  ['due_date', { type: 'date', description: 'Net due date from the terms, rolled to a business day (may fall after the range)' }],
  ['discount_due_date', { type: 'date', nullableByDesign: true, description: 'Last day of the cash-discount window; null without discount terms' }],
  ['discount_percent', { type: 'decimal6', description: 'Cash discount as a fraction (0.020000), 0 without discount terms' }],
  ['cash_discount_amount', { type: 'money', description: 'net_amount × discount_percent' }],
  ['net_amount', { type: 'money', description: 'Σ item net amounts (invoiced quantity × invoiced price)' }],
  ['tax_amount', { type: 'money', description: 'net_amount × company tax_rate' }],
  ['gross_amount', { type: 'money', description: 'net_amount + tax_amount' }],
  ['withholding_tax_amount', { type: 'money', description: 'net_amount × vendor withholding rate (0 unless applicable)' }],
  ['payable_amount', { type: 'money', description: 'gross_amount − withholding_tax_amount' }],
  ['price_variance_amount', { type: 'money', description: 'Σ item price variances (posted to 5400)' }],
  ['three_way_match_passed', { type: 'bool', description: 'PO / GR / invoice agree within tolerances (price 5 %, quantity 2 %, absolute 0.01, over-delivery ≤ 10 %)' }],
  ['match_variance_types', { type: 'string', nullableByDesign: true, description: 'Variance types found, `;`-joined in this order: quantity_po_gr, quantity_gr_invoice, price_po_invoice, total_amount; null when none' }],
  ...trailer('vendor invoice', 'posted, or cleared once fully settled', 'Finance', true),
], ['vi_id']);

export const vendorInvoiceItems: TableSchema = defineTable('vendor_invoice_items', 'Vendor invoice lines, one per goods receipt line invoiced (domain.md §6.2).', [
  ['vi_id', { type: 'string', references: VI_FK, description: 'Vendor invoice' }],
  ['line_number', { type: 'int', description: '10, 20, 30 … within the invoice' }],
  ['po_id', { type: 'string', references: PO_FK, description: 'Purchase order' }],
  ['po_line_number', { type: 'int', description: 'line_number of the PO item' }],
  ['gr_id', { type: 'string', references: GR_FK, description: 'Goods receipt whose line is invoiced' }],
  ['material_id', { type: 'string', references: MATERIAL_FK, description: 'Material' }],
  ['quantity', { type: 'int', description: 'Invoiced quantity (= received unless a quantity exception)' }],
  ['unit_price', { type: 'money', description: 'Invoiced unit price' }],
  ['po_unit_price', { type: 'money', description: 'PO unit price' }],
  ['net_amount', { type: 'money', description: 'quantity × unit_price' }],
  ['price_variance', { type: 'money', description: '(unit_price − po_unit_price) × quantity' }],
  ['match_status', { type: 'string', description: 'matched, price_variance or quantity_variance' }],
], ['vi_id', 'line_number']);

export const apPayments: TableSchema = defineTable('ap_payments', 'Payments of vendor invoices: one, or a partial payment and its remainder (domain.md §6.2).', [
  ['payment_id', { type: 'string', description: 'PAY-{cc}-{chain:08}{seq:02}' }],
  ...fiscal('payment'),
  ['vendor_id', { type: 'string', references: VENDOR_FK, description: 'Vendor paid' }],
  ['vi_id', { type: 'string', references: VI_FK, description: 'Vendor invoice paid' }],
  ['payment_date', { type: 'date', description: 'Payment date (business day, in range)' }],
  ['value_date', { type: 'date', description: 'payment_date + 1 business day (may fall after the range)' }],
  ['payment_method', { type: 'string', description: 'bank_transfer, check, wire or credit_card' }],
  ['amount', { type: 'money', description: 'Amount paid (company currency)' }],
  ['discount_taken', { type: 'money', description: 'Cash discount deducted (0 unless paid in the discount window)' }],
  ['is_partial', { type: 'bool', description: 'True for both payments of a partial payment (first and remainder)' }],
  ['parent_payment_id', { type: 'string', nullableByDesign: true, references: PAY_FK, description: 'The first payment, on a remainder payment; else null' }],
  ...trailer('payment', 'posted', 'Finance', true),
], ['payment_id']);

/** The seven P2P document tables in emission order. */
export const P2P_TABLES: readonly TableSchema[] = Object.freeze([
  purchaseOrders, purchaseOrderItems, goodsReceipts, goodsReceiptItems, vendorInvoices, vendorInvoiceItems, apPayments,
]);
