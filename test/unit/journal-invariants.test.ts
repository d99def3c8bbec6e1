import { beforeAll, describe, expect, it } from 'vitest';
import { BASE_CONFIG, labelledDocs, runSource, type RunResult } from './journal-fixture.js';
import { plannedEntryCounts, resolveTemplates, standaloneEntryCount } from '../../src/sources/journal-entries/index.js';
import { journalEntryLines } from '../../src/tables/journal.js';
import { ymdOf, weekday } from '../../src/domain/dates.js';
import { monthIndexOf } from '../../src/domain/period.js';
import { mulDivRound } from '../../src/domain/money.js';
import { sourceContext } from '../../src/sources/journal-entries/context.js';

const SEED = 20250101n;
let r: RunResult;
let labelled: Set<string>;

beforeAll(() => {
  r = runSource(BASE_CONFIG, SEED);
  labelled = labelledDocs(r);
});

describe('journal_entry_lines schema', () => {
  it('has exactly the 50 columns of domain.md §5.1 in order', () => {
    expect(journalEntryLines.columns.map((c) => c.name)).toEqual([
      'document_id', 'line_number', 'company_code', 'fiscal_year', 'fiscal_period', 'posting_date', 'document_date', 'created_at',
      'document_type', 'business_process', 'transaction_template', 'source', 'source_system', 'is_manual', 'created_by',
      'user_persona', 'currency', 'exchange_rate', 'reference', 'header_text', 'source_document_type', 'source_document_id',
      'batch_id', 'ledger', 'is_post_close', 'is_elimination', 'approval_status', 'approved_by', 'approval_date',
      'approval_levels_required', 'sox_relevant', 'control_status', 'sod_violation', 'sod_conflict_type', 'gl_account',
      'account_description', 'debit_amount', 'credit_amount', 'local_amount', 'group_amount', 'cost_center', 'profit_center',
      'vendor_id', 'customer_id', 'trading_partner', 'line_text', 'value_date', 'is_fraud', 'fraud_type', 'is_anomaly',
    ]);
    const type = (n: string) => journalEntryLines.columns[journalEntryLines.index.get(n)!].type;
    expect(type('debit_amount')).toBe('money');
    expect(type('exchange_rate')).toBe('decimal6');
    expect(type('created_at')).toBe('timestamp');
    expect(type('posting_date')).toBe('date');
    expect(type('is_fraud')).toBe('bool');
    expect(journalEntryLines.columns.find((c) => c.name === 'vendor_id')!.nullableByDesign).toBe(true);
  });
});

describe('journal_entries invariants (domain.md §11)', () => {
  it('generates at least 20 000 entries', () => {
    expect(r.entryStart.length).toBeGreaterThanOrEqual(20_000);
  });

  it('I1 balance: Σ debit = Σ credit and Σ group_amount = 0 per document', () => {
    const d = r.jel.col<number>('debit_amount');
    const c = r.jel.col<number>('credit_amount');
    const g = r.jel.col<number>('group_amount');
    let bad = 0;
    for (let e = 0; e < r.entryStart.length; e++) {
      let sd = 0, sc = 0, sg = 0;
      for (let i = r.entryStart[e]; i < r.entryStart[e] + r.entryCount[e]; i++) {
        sd += d[i]; sc += c[i]; sg += g[i];
      }
      if (sd !== sc || sg !== 0) bad++;
    }
    expect(bad).toBe(0);
  });

  it('I2 line shape: ≥ 2 lines, one side > 0, local = debit − credit, group = round(local × rate) but one residual line', () => {
    const d = r.jel.col<number>('debit_amount');
    const c = r.jel.col<number>('credit_amount');
    const l = r.jel.col<number>('local_amount');
    const g = r.jel.col<number>('group_amount');
    const x = r.jel.col<number>('exchange_rate');
    let bad = 0;
    let foreignEntries = 0;
    for (let e = 0; e < r.entryStart.length; e++) {
      const n = r.entryCount[e];
      if (n < 2) bad++;
      let residualLines = 0;
      for (let i = r.entryStart[e]; i < r.entryStart[e] + n; i++) {
        if (!((d[i] > 0 && c[i] === 0) || (c[i] > 0 && d[i] === 0))) bad++;
        if (!Number.isInteger(d[i]) || !Number.isInteger(c[i])) bad++;
        if (l[i] !== d[i] - c[i]) bad++;
        const expected = mulDivRound(l[i], x[i], 1_000_000);
        if (g[i] !== expected) {
          residualLines++;
          if (Math.abs(g[i] - expected) > n) bad++;
        }
      }
      if (residualLines > 1) bad++;
      if (x[r.entryStart[e]] !== 1_000_000) foreignEntries++;
    }
    expect(bad).toBe(0);
    expect(foreignEntries).toBeGreaterThan(1000);
  });

  it('I3 numbering 1..n, debit lines before credit lines, (document_id, line_number) unique', () => {
    const ln = r.jel.col<number>('line_number');
    const d = r.jel.col<number>('debit_amount');
    const ids = r.jel.col<string>('document_id');
    const seen = new Set<string>();
    let bad = 0;
    for (let e = 0; e < r.entryStart.length; e++) {
      const s = r.entryStart[e];
      if (seen.has(ids[s])) bad++;
      seen.add(ids[s]);
      let inCredit = false;
      for (let k = 0; k < r.entryCount[e]; k++) {
        if (ln[s + k] !== k + 1) bad++;
        if (d[s + k] === 0) inCredit = true;
        else if (inCredit && !labelled.has(ids[s])) bad++;
      }
    }
    expect(bad).toBe(0);
  });

  it('I4 header columns are identical on every line of an entry', () => {
    const header = journalEntryLines.columns.map((c) => c.name).filter((n) => ![
      'line_number', 'gl_account', 'account_description', 'debit_amount', 'credit_amount', 'local_amount', 'group_amount',
      'cost_center', 'profit_center', 'vendor_id', 'customer_id', 'trading_partner', 'line_text', 'value_date',
    ].includes(n));
    expect(header).toContain('approval_status');
    let bad = 0;
    for (const name of header) {
      const v = r.jel.col<unknown>(name);
      for (let e = 0; e < r.entryStart.length; e++) {
        const s = r.entryStart[e];
        for (let i = s + 1; i < s + r.entryCount[e]; i++) if (v[i] !== v[s]) bad++;
      }
    }
    expect(bad).toBe(0);
  });

  it('I5 fiscal_year / fiscal_period = year / month of posting_date; I6 dates in range', () => {
    const pd = r.jel.col<number>('posting_date');
    const dd = r.jel.col<number>('document_date');
    const fy = r.jel.col<number>('fiscal_year');
    const fp = r.jel.col<number>('fiscal_period');
    const { startDay, endDay } = r.ctx.reference.period;
    let bad = 0;
    for (let e = 0; e < r.entryStart.length; e++) {
      const i = r.entryStart[e];
      const ymd = ymdOf(pd[i]);
      if (fy[i] !== ymd.year || fp[i] !== ymd.month) bad++;
      if (pd[i] < startDay || pd[i] >= endDay || dd[i] < startDay || dd[i] >= endDay) bad++;
      if (dd[i] > pd[i]) bad++;
    }
    expect(bad).toBe(0);
  });

  it('I7 posting and document dates are business days in the partition month', () => {
    const pd = r.jel.col<number>('posting_date');
    const dd = r.jel.col<number>('document_date');
    const cc = r.jel.col<string>('company_code');
    const ref = r.ctx.reference;
    const nC = ref.companies.length;
    let bad = 0;
    let lateDocs = 0;
    for (let e = 0; e < r.entryStart.length; e++) {
      const i = r.entryStart[e];
      const cal = ref.calendar(ref.companyByCode.get(cc[i])!.country);
      if (!cal.isBusinessDay(pd[i]) || !cal.isBusinessDay(dd[i])) bad++;
      if (monthIndexOf(ref.period, pd[i]) !== Math.floor(r.entryPartition[e] / nC)) bad++;
      if (ref.companies[r.entryPartition[e] % nC].code !== cc[i]) bad++;
      if (dd[i] !== pd[i]) lateDocs++;
    }
    expect(bad).toBe(0);
    expect(lateDocs).toBeGreaterThan(0); // persona late_posting exists and is labelled
    const post = r.jel.col<number>('is_post_close');
    let postClose = 0;
    for (let e = 0; e < r.entryStart.length; e++) {
      const i = r.entryStart[e];
      const expected = monthIndexOf(ref.period, pd[i]) === ref.period.months - 1 && ymdOf(pd[i]).day > 25;
      if ((post[i] === 1) !== expected) bad++;
      if (expected) postClose++;
    }
    expect(bad).toBe(0);
    expect(postClose).toBeGreaterThan(0);
  });

  it('I8 exact volumes per company and per month', () => {
    const cc = r.jel.col<string>('company_code');
    const pd = r.jel.col<number>('posting_date');
    const ref = r.ctx.reference;
    const planned = plannedEntryCounts({}, BASE_CONFIG, ref);
    for (const company of ref.companies) {
      const perMonth = new Array<number>(ref.period.months).fill(0);
      for (let e = 0; e < r.entryStart.length; e++) {
        const i = r.entryStart[e];
        if (cc[i] === company.code) perMonth[monthIndexOf(ref.period, pd[i])]++;
      }
      const expectedTotal = Math.floor((company.annualVolume * company.volumeWeight * 12) / 12);
      expect(standaloneEntryCount(company, 12)).toBe(expectedTotal);
      expect(perMonth.reduce((a, b) => a + b, 0)).toBe(expectedTotal);
      expect(perMonth).toEqual(planned.get(company.code));
    }
    // Partition plans agree with the counts.
    expect(r.partitions.length).toBe(24);
    expect(r.partitions[1].key).toBe('2000:2025-01');
    expect(r.partitions[2].key).toBe('1000:2025-02');
  });

  it('I13 amounts: no line below 0.01, totals ≥ max(lines per side) × 1.00, ≥ 25 % totals with ≤ 2 significant digits', () => {
    const d = r.jel.col<number>('debit_amount');
    const ids = r.jel.col<string>('document_id');
    let bad = 0;
    let round = 0;
    let n = 0;
    for (let e = 0; e < r.entryStart.length; e++) {
      const s = r.entryStart[e];
      let total = 0, nd = 0;
      for (let i = s; i < s + r.entryCount[e]; i++) if (d[i] > 0) { total += d[i]; nd++; }
      const nc = r.entryCount[e] - nd;
      if (total < Math.max(nd, nc) * 100) bad++;
      if (labelled.has(ids[s])) continue;
      n++;
      let x = total;
      while (x % 10 === 0) x /= 10;
      if (String(x).length <= 2) round++;
    }
    const c = r.jel.col<number>('credit_amount');
    for (let i = 0; i < r.jel.n; i++) if (d[i] + c[i] < 1) bad++;
    expect(bad).toBe(0);
    expect(round / n).toBeGreaterThanOrEqual(0.25 - 4 * Math.sqrt(0.25 * 0.75 / n));
  });

  it('I20 ids: UUIDv8 document ids unique; references {PFX}-{YYYY}-{seq:06} numbered 1..N per (company, year)', () => {
    const ids = r.jel.col<string>('document_id');
    const ref = r.jel.col<string>('reference');
    const cc = r.jel.col<string>('company_code');
    const tpl = r.jel.col<string>('transaction_template');
    const proc = r.jel.col<string>('business_process');
    const pfx: Record<string, string> = { O2C: 'SO', P2P: 'PO', R2R: 'DOC', H2R: 'EXP', A2R: 'FA' };
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    const seen = new Set<string>();
    const seqs = new Map<string, number[]>();
    let bad = 0;
    for (let e = 0; e < r.entryStart.length; e++) {
      const i = r.entryStart[e];
      if (!uuid.test(ids[i]) || seen.has(ids[i])) bad++;
      seen.add(ids[i]);
      const m = /^(SO|INV|PO|DOC|EXP|FA)-(\d{4})-(\d{6})$/.exec(ref[i]);
      if (!m) { bad++; continue; }
      if (m[1] !== (tpl[i] === 'o2c_customer_invoice' ? 'INV' : pfx[proc[i]])) bad++;
      const k = `${cc[i]}:${m[2]}`;
      if (!seqs.has(k)) seqs.set(k, []);
      seqs.get(k)!.push(Number(m[3]));
    }
    expect(bad).toBe(0);
    for (const [, list] of seqs) {
      const sorted = [...list].sort((a, b) => a - b);
      expect(sorted[0]).toBe(1);
      expect(sorted[sorted.length - 1]).toBe(sorted.length);
      expect(new Set(sorted).size).toBe(sorted.length);
    }
  });

  it('batches end at entry boundaries and stay near batchRows', () => {
    let boundaryBreaks = 0;
    for (let k = 1; k < r.jelBatches.length; k++) {
      const [p0, , , last] = r.jelBatches[k - 1];
      const [p1, len, first] = r.jelBatches[k];
      if (p0 === p1 && last === first) boundaryBreaks++;
      void len;
    }
    expect(boundaryBreaks).toBe(0);
    const oversize = r.jelBatches.filter(([, len]) => len > 4096);
    // Only a single entry larger than batchRows may exceed it.
    for (const [, len, first, last] of oversize) {
      expect(first).toBe(last);
      expect(len).toBeGreaterThan(4096);
    }
    // firstRow is the running line index within the partition.
    const next = new Map<number, number>();
    for (const [p, len, , , firstRow] of r.jelBatches) {
      expect(firstRow).toBe(next.get(p) ?? 0);
      next.set(p, firstRow + len);
    }
  });
});

describe('accounts, partners, cost centers and texts (domain.md §5.6)', () => {
  it('every line of an unlabelled entry uses an account of its template', () => {
    const templates = resolveTemplates(r.ctx.reference.coa);
    const tpl = r.jel.col<string>('transaction_template');
    const acct = r.jel.col<string>('gl_account');
    const ids = r.jel.col<string>('document_id');
    const d = r.jel.col<number>('debit_amount');
    let bad = 0;
    const usedTemplates = new Set<string>();
    for (let i = 0; i < r.jel.n; i++) {
      if (labelled.has(ids[i])) continue;
      const t = templates.byId.get(tpl[i]);
      if (!t || !t.allowed.has(acct[i])) bad++;
      usedTemplates.add(tpl[i]);
    }
    expect(bad).toBe(0);
    expect(usedTemplates.size).toBe(templates.templates.length);
    // Line 1 of the debit side uses the primary account (swap templates: either primary).
    const coaNumbers = r.ctx.reference.coa.accounts.map((a) => a.number);
    let primaryBad = 0;
    for (let e = 0; e < r.entryStart.length; e++) {
      const s = r.entryStart[e];
      if (labelled.has(ids[s])) continue;
      const t = templates.byId.get(tpl[s])!;
      const dp = Array.from(t.debitPrimary, (x) => coaNumbers[x]);
      const cp = Array.from(t.creditPrimary, (x) => coaNumbers[x]);
      if (!dp.includes(acct[s]) && !(t.special === 'swap' && cp.includes(acct[s]))) primaryBad++;
      if (d[s] === 0) primaryBad++;
    }
    expect(primaryBad).toBe(0);
  });

  it('cost center iff the account requires one, from the process pool of the company; partners on AR/AP lines only', () => {
    const ref = r.ctx.reference;
    const sc = sourceContext(ref);
    const acct = r.jel.col<string>('gl_account');
    const cc = r.jel.col<string>('company_code');
    const ccenter = r.jel.col<string | null>('cost_center');
    const proc = r.jel.col<string>('business_process');
    const vendor = r.jel.col<string | null>('vendor_id');
    const customer = r.jel.col<string | null>('customer_id');
    const pc = r.jel.col<string>('profit_center');
    const vdate = r.jel.col<number>('value_date');
    const pd = r.jel.col<number>('posting_date');
    const desc = r.jel.col<string>('account_description');
    const lineText = r.jel.col<string>('line_text');
    const procIdx: Record<string, number> = { O2C: 0, P2P: 1, R2R: 2, H2R: 3, A2R: 4 };
    const vendorSets = sc.companies.map((p) => new Set(p.vendors.map((v) => v.id)));
    const customerSets = sc.companies.map((p) => new Set(p.customers.map((v) => v.id)));
    let bad = 0;
    for (let i = 0; i < r.jel.n; i++) {
      const a = ref.coa.byNumber.get(acct[i]);
      if (!a || !a.isPostable) { bad++; continue; }
      if (desc[i] !== a.shortDescription) bad++;
      const ci = ref.companyByCode.get(cc[i])!.index;
      const pools = sc.companies[ci];
      if (a.requiresCostCenter) {
        if (ccenter[i] === null || !pools.costCenters[procIdx[proc[i]]].includes(ccenter[i]!)) bad++;
      } else if (ccenter[i] !== null) bad++;
      const vendors = vendorSets[ci];
      const customers = customerSets[ci];
      if (acct[i] === '2000' ? !vendors.has(vendor[i]!) : vendor[i] !== null) bad++;
      if (acct[i] === '1100' ? !customers.has(customer[i]!) : customer[i] !== null) bad++;
      if (pc[i] !== (proc[i] === 'A2R' ? `PC-${cc[i]}` : `PC-${cc[i]}-${proc[i]}`)) bad++;
      const hasVd = ['1000', '1010', '1100', '2000'].includes(acct[i]);
      if (hasVd ? r.jel.isNull('value_date', i) || vdate[i] !== pd[i] : !r.jel.isNull('value_date', i)) bad++;
      if (!lineText[i]) bad++;
    }
    expect(bad).toBe(0);
  });

  it('header texts have no unfilled placeholders; cost allocation uses two different cost centers', () => {
    const ht = r.jel.col<string>('header_text');
    const tpl = r.jel.col<string>('transaction_template');
    const d = r.jel.col<number>('debit_amount');
    const ccenter = r.jel.col<string | null>('cost_center');
    const ids = r.jel.col<string>('document_id');
    let bad = 0;
    let allocations = 0;
    for (let e = 0; e < r.entryStart.length; e++) {
      const s = r.entryStart[e];
      if (/[{}]/.test(ht[s]) || ht[s].length === 0) bad++;
      if (tpl[s] === 'r2r_cost_allocation' && !labelled.has(ids[s])) {
        allocations++;
        const debitCc = new Set<string | null>();
        const creditCc = new Set<string | null>();
        for (let i = s; i < s + r.entryCount[e]; i++) (d[i] > 0 ? debitCc : creditCc).add(ccenter[i]);
        if (debitCc.size !== 1 || creditCc.size !== 1 || [...debitCc][0] === [...creditCc][0]) bad++;
      }
    }
    expect(bad).toBe(0);
    expect(allocations).toBeGreaterThan(100);
  });
});

describe('users, times and approvals (domain.md §5.5, §5.7, §5.8)', () => {
  it('automated-like sources post as automated users of the company, human ones as human users', () => {
    const ref = r.ctx.reference;
    const users = new Map(ref.jeUsers.map((u) => [u.userId, u]));
    const src = r.jel.col<string>('source');
    const by = r.jel.col<string>('created_by');
    const persona = r.jel.col<string>('user_persona');
    const cc = r.jel.col<string>('company_code');
    const man = r.jel.col<number>('is_manual');
    let bad = 0;
    for (let e = 0; e < r.entryStart.length; e++) {
      const i = r.entryStart[e];
      const u = users.get(by[i]);
      if (!u || u.companyCode !== cc[i] || u.persona !== persona[i]) { bad++; continue; }
      const human = src[i] === 'manual' || src[i] === 'adjustment';
      if (human === u.isAutomated) bad++;
      if ((man[i] === 1) !== (src[i] === 'manual')) bad++;
    }
    expect(bad).toBe(0);
  });

  it('created_at lies on the posting date; automated entries mostly in the batch window', () => {
    const ca = r.jel.col<number>('created_at');
    const pd = r.jel.col<number>('posting_date');
    const src = r.jel.col<string>('source');
    let bad = 0, auto = 0, window = 0;
    for (let e = 0; e < r.entryStart.length; e++) {
      const i = r.entryStart[e];
      if (Math.floor(ca[i] / 86400) !== pd[i]) bad++;
      if (src[i] === 'automated' || src[i] === 'recurring') {
        auto++;
        const h = Math.floor((ca[i] % 86400) / 3600);
        if (h <= 6 || h >= 20) window++;
      }
    }
    expect(bad).toBe(0);
    // P(hour in 00–06 ∪ 20–23) = .7 + .3 × 11/24 ≈ .8375.
    expect(Math.abs(window / auto - 0.8375)).toBeLessThan(4 * Math.sqrt(0.8375 * 0.1625 / auto));
  });

  it('approval rows agree with the header fields', () => {
    const a = r.approvals;
    const adoc = a.col<string>('document_id');
    const seq = a.col<number>('action_seq');
    const action = a.col<string>('action');
    const actor = a.col<string>('actor_id');
    const level = a.col<number>('approval_level');
    const ts = a.col<number>('action_timestamp');
    const byDoc = new Map<string, number[]>();
    for (let i = 0; i < a.n; i++) {
      if (!byDoc.has(adoc[i])) byDoc.set(adoc[i], []);
      byDoc.get(adoc[i])!.push(i);
    }
    const ids = r.jel.col<string>('document_id');
    const status = r.jel.col<string>('approval_status');
    const approvedBy = r.jel.col<string>('approved_by');
    const approvalDate = r.jel.col<number>('approval_date');
    const levels = r.jel.col<number>('approval_levels_required');
    const createdBy = r.jel.col<string>('created_by');
    const createdAt = r.jel.col<number>('created_at');
    const pd = r.jel.col<number>('posting_date');
    const g = r.jel.col<number>('group_amount');
    const sox = r.jel.col<number>('sox_relevant');
    const control = r.jel.col<string>('control_status');
    const sod = r.jel.col<number>('sod_violation');
    const users = new Map(r.ctx.reference.jeUsers.map((u) => [u.userId, u]));
    let bad = 0;
    let approved = 0, revisions = 0;
    expect(byDoc.size).toBe(r.entryStart.length);
    for (let e = 0; e < r.entryStart.length; e++) {
      const s = r.entryStart[e];
      const rows = byDoc.get(ids[s]) ?? [];
      rows.forEach((row, k) => { if (seq[row] !== k + 1) bad++; });
      let groupTotal = 0;
      for (let i = s; i < s + r.entryCount[e]; i++) if (g[i] > 0) groupTotal += g[i];
      if ((sox[s] === 1) !== (groupTotal > 1_000_000)) bad++;
      if (sod[s] === 1) {
        if (approvedBy[s] !== createdBy[s] || control[s] !== 'exception' || rows.length !== 2) bad++;
        continue;
      }
      if (control[s] !== (sox[s] ? 'effective' : 'not_tested')) bad++;
      if (groupTotal <= 1_000_000) {
        if (status[s] !== 'auto_approved' || approvedBy[s] !== 'SYSTEM' || approvalDate[s] !== pd[s] || levels[s] !== 0) bad++;
        if (rows.length !== 1 || action[rows[0]] !== 'auto_approve' || actor[rows[0]] !== 'SYSTEM' || ts[rows[0]] !== createdAt[s]) bad++;
      } else {
        approved++;
        const expLevels = groupTotal <= 5_000_000 ? 1 : groupTotal <= 10_000_000 ? 2 : 3;
        if (status[s] !== 'approved' || levels[s] !== expLevels) bad++;
        if (action[rows[0]] !== 'submit' || actor[rows[0]] !== createdBy[s] || ts[rows[0]] !== createdAt[s]) bad++;
        const approves = rows.filter((x) => action[x] === 'approve');
        if (approves.length !== expLevels) bad++;
        const roles = ['manager', 'controller', 'executive'];
        approves.forEach((x, k) => {
          if (level[x] !== k + 1 || users.get(actor[x])?.persona !== roles[k] || actor[x] === createdBy[s]) bad++;
          const wd = weekday(Math.floor(ts[x] / 86400));
          if (wd === 0 || wd === 6) bad++;
        });
        const last = approves[approves.length - 1];
        if (approvedBy[s] !== actor[last] || approvalDate[s] !== Math.floor(ts[last] / 86400)) bad++;
        for (let k = 1; k < rows.length; k++) if (ts[rows[k]] <= ts[rows[k - 1]]) bad++;
        if (rows.some((x) => action[x] === 'request_revision')) {
          revisions++;
          const kinds = rows.map((x) => action[x]);
          if (kinds[1] !== 'request_revision' || kinds[2] !== 'resubmit' || actor[rows[2]] !== createdBy[s]) bad++;
        }
      }
    }
    expect(bad).toBe(0);
    expect(approved).toBeGreaterThan(1000);
    expect(Math.abs(revisions / approved - 0.05)).toBeLessThan(4 * Math.sqrt(0.05 * 0.95 / approved));
  });
});

describe('generation labels (domain.md §5.8–§5.9, §8.4, I15)', () => {
  it('every label references an existing entry/line and the flags agree', () => {
    const L = r.labels;
    expect(L.n).toBeGreaterThan(100);
    const lines = new Map<string, number>();
    const ids = r.jel.col<string>('document_id');
    for (let e = 0; e < r.entryStart.length; e++) lines.set(ids[r.entryStart[e]], e);
    const ldoc = L.col<string>('document_id');
    const lline = L.col<number>('line_number');
    const lid = L.col<string>('anomaly_id');
    const ltype = L.col<string>('anomaly_type');
    const lcat = L.col<string>('anomaly_category');
    const ldate = L.col<number>('anomaly_date');
    const lts = L.col<number>('detection_timestamp');
    const stage = L.col<string>('injection_stage');
    const seedCol = L.col<string>('generation_seed');
    const hash = L.col<string>('original_document_hash');
    const pd = r.jel.col<number>('posting_date');
    const ca = r.jel.col<number>('created_at');
    const isAnomaly = r.jel.col<number>('is_anomaly');
    const isFraud = r.jel.col<number>('is_fraud');
    const sod = r.jel.col<number>('sod_violation');
    const count = new Map<string, number>();
    let bad = 0;
    const anoIds = new Set<string>();
    for (let i = 0; i < L.n; i++) {
      const e = lines.get(ldoc[i]);
      if (e === undefined) { bad++; continue; }
      const s = r.entryStart[e];
      if (!L.isNull('line_number', i) && (lline[i] < 1 || lline[i] > r.entryCount[e])) bad++;
      if (ldate[i] !== pd[s] || lts[i] !== ca[s]) bad++;
      if (!/^ANO-gl-\d{5}-\d{6}$/.test(lid[i]) || anoIds.has(lid[i])) bad++;
      if (Number(lid[i].slice(7, 12)) !== r.entryPartition[e]) bad++;
      anoIds.add(lid[i]);
      if (seedCol[i] !== SEED.toString() || !/^[0-9a-f]{64}$/.test(hash[i])) bad++;
      count.set(ldoc[i], (count.get(ldoc[i]) ?? 0) + 1);
      if (lcat[i] === 'fraud') bad++; // fraud is off by default
      if (ltype[i] === 'segregation_of_duties_conflict' && (sod[s] !== 1 || stage[i] !== 'controls')) bad++;
      if (['transposed_digits', 'decimal_error', 'description_typo', 'manual_rounding', 'late_posting'].includes(ltype[i]) && stage[i] !== 'persona') bad++;
    }
    expect(bad).toBe(0);
    for (let j = 0; j < r.jel.n; j++) {
      const c = count.get(ids[j]) ?? 0;
      if ((isAnomaly[j] === 1) !== (c === 1) || c > 1 || isFraud[j] !== 0) bad++;
      if (sod[j] === 1 && c !== 1) bad++;
    }
    expect(bad).toBe(0);
    // Labels are numbered 1.. in stream order per partition.
    const byPart = new Map<string, number[]>();
    for (let i = 0; i < L.n; i++) {
      const p = lid[i].slice(7, 12);
      if (!byPart.has(p)) byPart.set(p, []);
      byPart.get(p)!.push(Number(lid[i].slice(13)));
    }
    for (const [, seqs] of byPart) expect(seqs).toEqual(seqs.map((_, k) => k + 1));
  });

  it('SoD labels ≈ sod_violation_rate of human standalone entries; persona-error labels exist per kind', () => {
    const src = r.jel.col<string>('source');
    let humans = 0;
    for (let e = 0; e < r.entryStart.length; e++) {
      const s = src[r.entryStart[e]];
      if (s === 'manual' || s === 'adjustment') humans++;
    }
    const types = r.labels.col<string>('anomaly_type');
    const counts = new Map<string, number>();
    for (let i = 0; i < r.labels.n; i++) counts.set(types[i], (counts.get(types[i]) ?? 0) + 1);
    const sod = counts.get('segregation_of_duties_conflict') ?? 0;
    // Fraud is off, so only SoD precedes: rate .01 of human entries.
    expect(Math.abs(sod / humans - 0.01)).toBeLessThan(4 * Math.sqrt(0.01 * 0.99 / humans));
    for (const t of ['transposed_digits', 'decimal_error', 'description_typo', 'manual_rounding', 'late_posting']) {
      expect(counts.get(t) ?? 0).toBeGreaterThan(0);
    }
    expect(counts.has('control_exception')).toBe(false); // internal_controls.enabled defaults to false
  });
});
