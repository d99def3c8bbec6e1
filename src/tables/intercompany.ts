/**
 * Intercompany tables (domain.md §7, §10): `ic_matched_pairs`, one row per IC pair, columns in the
 * listed order. The pair's journal entries live in `journal_entry_lines` (seller `…:seller`, buyer
 * `…:buyer`; domain.md §0.3).
 */
import { defineTable, type TableSchema } from '../engine/schema.js';

const COMPANY = { table: 'companies', column: 'company_code' } as const;
const JE = { table: 'journal_entry_lines', column: 'document_id' } as const;

/** Transaction types of domain.md §7, in table order (the order of the weighted choice). */
export const IC_TRANSACTION_TYPES = Object.freeze([
  'goods_sale', 'service_provided', 'management_fee', 'royalty', 'loan_interest', 'dividend', 'cost_sharing', 'expense_recharge',
] as const);
export type IcTransactionType = (typeof IC_TRANSACTION_TYPES)[number];

export const icMatchedPairs: TableSchema = defineTable('ic_matched_pairs', 'One row per intercompany pair: the seller and buyer journal entries that match by ic_reference (domain.md §7).', [
  ['ic_reference', { type: 'string', description: 'IC{YYYYMM}{n:06}: n = pair ordinal in the month (domain.md §0.3)' }],
  ['transaction_type', { type: 'string', description: 'goods_sale, service_provided, management_fee, royalty, loan_interest, dividend, cost_sharing or expense_recharge' }],
  ['seller_company', { type: 'string', references: COMPANY, description: 'Selling (revenue-booking) company' }],
  ['buyer_company', { type: 'string', references: COMPANY, description: 'Buying (expense-booking) company' }],
  ['amount', { type: 'money', description: "Transfer price (gross, incl. markup) in the seller's currency at the transaction-date rate" }],
  ['currency', { type: 'string', description: "Seller's company currency (ISO 4217)" }],
  ['group_amount', { type: 'money', description: 'Transfer price in group currency (fixed; both journal entries carry it)' }],
  ['transaction_date', { type: 'date', description: 'Posting date of both journal entries (a business day of both companies)' }],
  ['seller_document', { type: 'string', description: 'ICS{YYYYMM}{n:06}: the seller-side document number' }],
  ['buyer_document', { type: 'string', description: 'ICB{YYYYMM}{n:06}: the buyer-side document number' }],
  ['seller_journal_entry_id', { type: 'string', references: JE, description: "document_id of the seller's journal entry" }],
  ['buyer_journal_entry_id', { type: 'string', references: JE, description: "document_id of the buyer's journal entry" }],
  ['description', { type: 'string', freeText: true, description: 'IC {type} from {seller} to {buyer}' }],
  ['transfer_pricing_method', { type: 'string', description: 'Transfer-pricing method (cost_plus)' }],
  ['withholding_tax', { type: 'money', description: "Withholding tax in the seller's currency (0.00 for types without WHT)" }],
  ['settlement_status', { type: 'string', description: 'open (settlement and netting are deferred)' }],
], ['ic_reference']);
