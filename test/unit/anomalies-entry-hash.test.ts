/**
 * entryHash (anomalies original_document_hash, domain.md §8.4) writes the entry's canonical JSON
 * straight into bytes; the oracle is canonicalHash (the `canonicalize` library, RFC 8785) of the
 * same entry as an object — the journal_entries generator's own hash — including text that
 * JSON must escape (quotes, backslashes, control characters, non-ASCII, lone surrogates).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createBatch } from '../../src/engine/batch.js';
import { formatDate } from '../../src/domain/dates.js';
import { formatCents, formatTime, jelColumns } from '../../src/sources/journal-entries/generator.js';
import { canonicalHash } from '../../src/sources/journal-entries/labels.js';
import { journalEntryLines } from '../../src/tables/journal.js';
import { entryHash } from '../../src/transforms/anomalies/entry-ops.js';
import { makeConfig, runSource } from './journal-fixture.js';

type Cols = ReturnType<typeof jelColumns>;

function oracle(o: Cols, s: number, n: number): string {
  const lines = [];
  for (let r = s; r < s + n; r++) {
    lines.push({ line_number: o.lineNumber[r], gl_account: o.glAccount[r], debit_amount: formatCents(o.debit[r]), credit_amount: formatCents(o.credit[r]), cost_center: o.costCenter[r] });
  }
  return canonicalHash({
    document_id: o.documentId[s], company_code: o.companyCode[s], posting_date: formatDate(o.postingDate[s]),
    document_date: formatDate(o.documentDate[s]), created_at: formatTime(o.createdAt[s]), created_by: o.createdBy[s],
    source: o.source[s], business_process: o.businessProcess[s], transaction_template: o.transactionTemplate[s],
    reference: o.reference[s], header_text: o.headerText[s], currency: o.currency[s], lines,
  });
}

/** The former implementation: the same canonical text built from JSON.stringify pieces (accepts lone surrogates). */
function stringifyOracle(o: Cols, s: number, n: number): string {
  const q = (v: string | null): string => (v === null ? 'null' : JSON.stringify(v));
  let lines = '';
  for (let r = s; r < s + n; r++) {
    lines += `${r > s ? ',' : ''}{"cost_center":${q(o.costCenter[r])},"credit_amount":${q(formatCents(o.credit[r]))},"debit_amount":${q(formatCents(o.debit[r]))},"gl_account":${q(o.glAccount[r])},"line_number":${o.lineNumber[r]}}`;
  }
  const text = `{"business_process":${q(o.businessProcess[s])},"company_code":${q(o.companyCode[s])},"created_at":${q(formatTime(o.createdAt[s]))},"created_by":${q(o.createdBy[s])},"currency":${q(o.currency[s])},"document_date":${q(formatDate(o.documentDate[s]))},"document_id":${q(o.documentId[s])},"header_text":${q(o.headerText[s])},"lines":[${lines}],"posting_date":${q(formatDate(o.postingDate[s]))},"reference":${q(o.reference[s])},"source":${q(o.source[s])},"transaction_template":${q(o.transactionTemplate[s])}}`;
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

describe('entryHash', () => {
  it('equals the canonical-JSON hash of every generated entry', () => {
    const config = makeConfig([{ code: '1000', name: 'Acme US', currency: 'USD', country: 'US', volume: 4000 }], 1);
    const r = runSource(config, 42n);
    const b = createBatch(journalEntryLines, 0, 0, r.jel.n);
    journalEntryLines.columns.forEach((c, i) => {
      const src = r.jel.col<unknown>(c.name);
      const v = b.values[i] as unknown as unknown[];
      const m = b.nulls[i];
      for (let k = 0; k < r.jel.n; k++) {
        if (m && r.jel.isNull(c.name, k)) m[k] = 1;
        else v[k] = src[k] ?? (Array.isArray(v) ? null : 0);
      }
    });
    const o = jelColumns(b);
    expect(r.entryStart.length).toBeGreaterThan(300);
    for (let e = 0; e < r.entryStart.length; e++) {
      expect(entryHash(o, r.entryStart[e], r.entryCount[e])).toBe(oracle(o, r.entryStart[e], r.entryCount[e]));
      expect(entryHash(o, r.entryStart[e], r.entryCount[e])).toBe(stringifyOracle(o, r.entryStart[e], r.entryCount[e]));
    }
  });

  it('escapes text exactly as JSON.stringify does', () => {
    const b = createBatch(journalEntryLines, 0, 0, 2);
    const o = jelColumns(b);
    const texts = ['say "hi"', 'back\\slash', 'tab\tand\nnewline\u0001', 'Müller – Café 😀', 'lone \ud800 surrogate', '', 'plain'];
    for (const t of texts) {
      for (let r = 0; r < 2; r++) {
        o.documentId[r] = 'doc-1';
        o.lineNumber[r] = r + 1;
        o.headerText[r] = t;
        o.reference[r] = t === '' ? null : `${t}/ref`;
        o.glAccount[r] = '1000';
        o.costCenter[r] = r === 0 ? t : null;
      }
      o.debit[0] = 12345;
      o.credit[1] = 12345;
      expect(entryHash(o, 0, 2)).toBe(stringifyOracle(o, 0, 2));
      // canonicalize (RFC 8785) refuses lone surrogates; everything else must match it too.
      if (!t.includes('\ud800')) expect(entryHash(o, 0, 2)).toBe(oracle(o, 0, 2));
    }
  });
});
