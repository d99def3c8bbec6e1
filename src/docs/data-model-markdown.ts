/**
 * The generated parts of docs/data-model.md: the table list (what a row is, its key) and the join
 * keys (from table.column → to table.column), built from the table schemas in src/tables so the
 * document cannot drift from the code. Links the schemas cannot express as a single-column
 * `references` (typed links chosen by a doc-type column, composite item links, currency and
 * country links) are listed in {@link TYPED_LINKS}; test/e2e/referential-integrity.test.ts checks
 * every one of them on generated data.
 *
 * Regenerate after a schema change (build first):
 *   node --input-type=module -e "import('./dist/src/docs/data-model-markdown.js').then((m) => m.updateDataModelDoc('docs/data-model.md'))"
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { TableSchema } from '../engine/schema.js';
import { referenceTables } from '../tables/reference.js';
import { masterTables } from '../tables/master.js';
import { journalEntryLines, jeApprovals, anomalyLabels } from '../tables/journal.js';
import { P2P_TABLES } from '../tables/p2p.js';
import { o2cTables } from '../tables/o2c.js';
import { documentReferences, DOCUMENT_TABLES, DOCUMENT_TYPES, type DocumentType } from '../tables/documents.js';
import { icMatchedPairs } from '../tables/intercompany.js';
import { dqLabels } from '../tables/dq.js';

/** Every table, grouped as docs/data-model.md presents them. */
export const TABLE_GROUPS: ReadonlyArray<{ readonly title: string; readonly tables: readonly TableSchema[] }> = Object.freeze([
  { title: 'Reference', tables: referenceTables },
  { title: 'Master data', tables: masterTables },
  { title: 'Journal', tables: [journalEntryLines, jeApprovals] },
  { title: 'Procure-to-pay (P2P)', tables: P2P_TABLES },
  { title: 'Order-to-cash (O2C)', tables: o2cTables },
  { title: 'Document links (P2P and O2C)', tables: [documentReferences] },
  { title: 'Intercompany', tables: [icMatchedPairs] },
  { title: 'Labels', tables: [anomalyLabels, dqLabels] },
]);

/** A join the schemas cannot declare as a single-column `references`. */
export interface TypedLink {
  readonly from: string;
  readonly to: string;
  readonly when: string;
}

const docLinks = (column: string, typeColumn: string, types: readonly DocumentType[]): TypedLink[] =>
  types.map((t) => ({ from: column, to: `${DOCUMENT_TABLES[t].table}.${DOCUMENT_TABLES[t].column}`, when: `${typeColumn} = '${t}'` }));

/** Document types that post a journal entry (purchase and sales orders do not, domain.md §10 T). */
const POSTING: readonly DocumentType[] = DOCUMENT_TYPES.filter((t) => t !== 'purchase_order' && t !== 'sales_order');
/** Ends of the canonical document_references edges (domain.md §6.4; IC pairs have none). */
const EDGE_SOURCES: readonly DocumentType[] = ['purchase_order', 'goods_receipt', 'vendor_invoice', 'ap_payment', 'sales_order', 'delivery', 'customer_invoice', 'ar_receipt'];
const EDGE_TARGETS: readonly DocumentType[] = ['goods_receipt', 'vendor_invoice', 'ap_payment', 'delivery', 'customer_invoice', 'ar_receipt', 'credit_memo'];

/** Typed, composite and value links (checked by test/e2e/referential-integrity.test.ts). */
export const TYPED_LINKS: readonly TypedLink[] = Object.freeze([
  ...docLinks('journal_entry_lines.source_document_id', 'source_document_type', POSTING),
  { from: 'journal_entry_lines.reference', to: 'ic_matched_pairs.ic_reference', when: "is_elimination = true (eliminations have no source document)" },
  ...docLinks('document_references.source_doc_id', 'source_doc_type', EDGE_SOURCES),
  ...docLinks('document_references.target_doc_id', 'target_doc_type', EDGE_TARGETS),
  { from: 'goods_receipt_items.(po_id, po_line_number)', to: 'purchase_order_items.(po_id, line_number)', when: 'always' },
  { from: 'vendor_invoice_items.(po_id, po_line_number)', to: 'purchase_order_items.(po_id, line_number)', when: 'always' },
  { from: 'vendor_invoice_items.(gr_id, po_line_number)', to: 'goods_receipt_items.(gr_id, po_line_number)', when: 'always' },
  { from: 'delivery_items.(so_id, so_line_number)', to: 'sales_order_items.(so_id, line_number)', when: 'always' },
  { from: 'customer_invoice_items.(so_id, so_line_number)', to: 'sales_order_items.(so_id, line_number)', when: 'always' },
  { from: 'customer_invoice_items.(delivery_id, so_line_number)', to: 'delivery_items.(delivery_id, so_line_number)', when: 'always' },
  { from: 'anomaly_labels.(document_id, line_number)', to: 'journal_entry_lines.(document_id, line_number)', when: 'line_number not null' },
  { from: 'dq_labels.(record_id, line_number)', to: 'journal_entry_lines.(document_id, line_number)', when: 'line_number not null' },
  { from: 'fx_rates.from_currency', to: 'companies.currency', when: 'always (never the group currency)' },
  { from: 'fx_rates.to_currency', to: 'group_currency', when: "always (the config's group_currency)" },
  { from: 'holidays.country', to: 'companies.country', when: 'always' },
]);

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The table list: one row per table with what a row is and its key. */
export function tablesMarkdown(): string {
  const out: string[] = [];
  for (const g of TABLE_GROUPS) {
    out.push(`#### ${g.title}`, '', '| Table | A row is | Key |', '|---|---|---|');
    for (const t of g.tables) out.push(`| \`${t.name}\` | ${cell(t.description)} | ${t.key.map((k) => `\`${k}\``).join(', ')} |`);
    out.push('');
  }
  return out.join('\n');
}

/** The join keys: every schema-declared FK, then the typed links. */
export function keysMarkdown(): string {
  const out: string[] = ['| From | To | Null allowed |', '|---|---|---|'];
  for (const g of TABLE_GROUPS) {
    for (const t of g.tables) {
      for (const c of t.columns) {
        if (c.references) out.push(`| \`${t.name}.${c.name}\` | \`${c.references.table}.${c.references.column}\` | ${c.nullable ? 'yes' : 'no'} |`);
      }
    }
  }
  out.push('', '| From | To | When |', '|---|---|---|');
  for (const l of TYPED_LINKS) out.push(`| \`${l.from}\` | \`${l.to}\` | ${cell(l.when)} |`);
  return out.join('\n');
}

const BLOCKS: ReadonlyArray<readonly [string, () => string]> = [['tables', tablesMarkdown], ['keys', keysMarkdown]];

/**
 * Replaces the generated blocks (`<!-- generated:NAME -->` … `<!-- /generated:NAME -->`) of the
 * data-model document with freshly rendered ones; everything else is kept.
 *
 * @example
 * const doc = renderDataModelDoc(readFileSync('docs/data-model.md', 'utf8'));
 */
export function renderDataModelDoc(text: string): string {
  let out = text;
  for (const [name, render] of BLOCKS) {
    const open = `<!-- generated:${name} -->`;
    const close = `<!-- /generated:${name} -->`;
    const a = out.indexOf(open);
    const b = out.indexOf(close);
    if (a < 0 || b < a) throw new Error(`data-model doc: block ${name} (${open} … ${close}) not found`);
    out = `${out.slice(0, a + open.length)}\n${render()}\n${out.slice(b)}`;
  }
  return out;
}

/** Rewrites the generated blocks of the file at `path` in place. @example updateDataModelDoc('docs/data-model.md') */
export function updateDataModelDoc(path: string): void {
  writeFileSync(path, renderDataModelDoc(readFileSync(path, 'utf8')));
}
