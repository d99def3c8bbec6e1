import { beforeAll, describe, expect, it } from 'vitest';
import { makeConfig, runSource, tol4, type RunResult } from './journal-fixture.js';
import type { JsonObject } from '../../src/config/types.js';
import { resolveTemplates } from '../../src/sources/journal-entries/index.js';
import { mulDivRound } from '../../src/domain/money.js';

const CONFIG = makeConfig([
  { code: '1000', name: 'Acme US', currency: 'USD', country: 'US', volume: 30_000 },
  { code: '2000', name: 'Acme GB', currency: 'GBP', country: 'GB', volume: 15_000 },
]);
const OPTIONS: JsonObject = { fraud: { enabled: true, fraud_rate: 0.05 }, internal_controls: { enabled: true, exception_rate: 0.05 } };
let r: RunResult;
let entryOf: Map<string, number>;
interface Label { id: string; type: string; category: string; doc: string; line: number | null; parent: string | null; children: string[] | null; related: string | null; stage: string }
let labels: Label[];

beforeAll(() => {
  r = runSource(CONFIG, 99n, OPTIONS);
  const ids = r.jel.col<string>('document_id');
  entryOf = new Map();
  for (let e = 0; e < r.entryStart.length; e++) entryOf.set(ids[r.entryStart[e]], e);
  const L = r.labels;
  labels = Array.from({ length: L.n }, (_, i) => ({
    id: L.col<string>('anomaly_id')[i],
    type: L.col<string>('anomaly_type')[i],
    category: L.col<string>('anomaly_category')[i],
    doc: L.col<string>('document_id')[i],
    line: L.isNull('line_number', i) ? null : L.col<number>('line_number')[i],
    parent: L.col<string | null>('parent_anomaly_id')[i],
    children: L.col<string | null>('child_anomaly_ids')[i] === null ? null : JSON.parse(L.col<string>('child_anomaly_ids')[i]) as string[],
    related: L.col<string | null>('related_document_id')[i],
    stage: L.col<string>('injection_stage')[i],
  }));
});

function entryTotal(e: number): number {
  const d = r.jel.col<number>('debit_amount');
  let t = 0;
  for (let i = r.entryStart[e]; i < r.entryStart[e] + r.entryCount[e]; i++) t += d[i];
  return t;
}
const s = (e: number): number => r.entryStart[e];

describe('generation-time fraud (domain.md §5.10)', () => {
  it('I15: labels resolve, one label per entry, is_fraud / fraud_type agree, groups link parent and children', () => {
    const byId = new Map(labels.map((l) => [l.id, l]));
    const perDoc = new Map<string, number>();
    let bad = 0;
    for (const l of labels) {
      perDoc.set(l.doc, (perDoc.get(l.doc) ?? 0) + 1);
      if (!entryOf.has(l.doc)) bad++;
      if (l.related !== null && !entryOf.has(l.related)) bad++;
      if (l.parent !== null) {
        const p = byId.get(l.parent);
        if (!p || !p.children?.includes(l.id) || p.type !== l.type || l.related !== p.doc) bad++;
      }
      for (const c of l.children ?? []) if (byId.get(c)?.parent !== l.id) bad++;
      if (l.category === 'fraud' && l.stage !== 'generation') bad++;
    }
    const isFraud = r.jel.col<number>('is_fraud');
    const ft = r.jel.col<string | null>('fraud_type');
    const isAnomaly = r.jel.col<number>('is_anomaly');
    const ids = r.jel.col<string>('document_id');
    const fraudByDoc = new Map(labels.filter((l) => l.category === 'fraud').map((l) => [l.doc, l.type]));
    for (let i = 0; i < r.jel.n; i++) {
      const c = perDoc.get(ids[i]) ?? 0;
      if (c > 1 || (isAnomaly[i] === 1) !== (c === 1)) bad++;
      const f = fraudByDoc.get(ids[i]) ?? null;
      if ((isFraud[i] === 1) !== (f !== null) || ft[i] !== f) bad++;
    }
    expect(bad).toBe(0);
    const types = new Set(labels.filter((l) => l.category === 'fraud').map((l) => l.type));
    expect([...types].sort()).toEqual([
      'duplicate_payment', 'expense_capitalization', 'fictitious_transaction', 'revenue_manipulation',
      'split_transaction', 'suspense_account_abuse', 'timing_anomaly', 'unauthorized_access',
    ]);
  });

  it('fraud decisions ≈ fraud_rate of standalone non-batch entries (group parents counted once)', () => {
    const batch = r.jel.col<string | null>('batch_id');
    const ids = r.jel.col<string>('document_id');
    const followers = new Set(labels.filter((l) => l.parent !== null).map((l) => l.doc));
    let eligible = 0;
    for (let e = 0; e < r.entryStart.length; e++) {
      const b = batch[s(e)];
      if ((b === null || b === ids[s(e)]) && !followers.has(ids[s(e)])) eligible++;
    }
    const decided = labels.filter((l) => l.category === 'fraud' && l.parent === null).length;
    expect(Math.abs(decided / eligible - 0.05)).toBeLessThan(tol4(0.05, eligible));
  });

  it('each fraud type has its effect', () => {
    const ref = r.ctx.reference;
    const templates = resolveTemplates(ref.coa);
    const fa = new Set(Array.from(templates.pools.get('FA')!, (i) => ref.coa.accounts[i].number));
    const acct = r.jel.col<string>('gl_account');
    const d = r.jel.col<number>('debit_amount');
    const tpl = r.jel.col<string>('transaction_template');
    const src = r.jel.col<string>('source');
    const pd = r.jel.col<number>('posting_date');
    const ca = r.jel.col<number>('created_at');
    const by = r.jel.col<string>('created_by');
    const cc = r.jel.col<string>('company_code');
    const ref_ = r.jel.col<string>('reference');
    const vendor = r.jel.col<string | null>('vendor_id');
    const g = r.jel.col<number>('group_amount');
    const users = new Map(ref.jeUsers.map((u) => [u.userId, u]));
    const byId = new Map(labels.map((l) => [l.id, l]));
    const round = (t: number) => t % 100_000 === 0 || (t + 1) % 100_000 === 0;
    let bad = 0;
    const seen = new Map<string, number>();
    for (const l of labels.filter((x) => x.category === 'fraud')) {
      const e = entryOf.get(l.doc)!;
      const i = s(e);
      seen.set(l.type, (seen.get(l.type) ?? 0) + 1);
      const cal = ref.calendar(ref.companyByCode.get(cc[i])!.country);
      const wd = new Date(pd[i] * 86400000).getUTCDay();
      if (l.type !== 'timing_anomaly' && !cal.isBusinessDay(pd[i])) bad++;
      switch (l.type) {
        case 'suspense_account_abuse': {
          let nd = 0;
          while (d[i + nd] > 0) nd++;
          if (acct[i + nd] !== '9000' || l.line !== nd + 1 || !round(entryTotal(e))) bad++;
          break;
        }
        case 'fictitious_transaction':
          if (src[i] !== 'manual' || tpl[i] !== 'r2r_accrual' || !round(entryTotal(e))) bad++;
          break;
        case 'revenue_manipulation': {
          if (tpl[i] !== 'o2c_customer_invoice') bad++;
          let later = 0;
          for (let x = pd[i] + 1; new Date(x * 86400000).getUTCMonth() === new Date(pd[i] * 86400000).getUTCMonth(); x++) if (cal.isBusinessDay(x)) later++;
          if (later > 2) bad++;
          break;
        }
        case 'expense_capitalization':
          if (tpl[i] !== 'p2p_expense_invoice') bad++;
          for (let k = i; k < i + r.entryCount[e]; k++) if (d[k] > 0 && !fa.has(acct[k])) bad++;
          break;
        case 'timing_anomaly': {
          const h = Math.floor((ca[i] % 86400) / 3600);
          if (!(wd === 0 || wd === 6 || h >= 22 || h <= 4)) bad++;
          break;
        }
        case 'unauthorized_access':
          if (users.get(by[i])!.companyCode === cc[i] || users.get(by[i])!.isAutomated) bad++;
          break;
        case 'split_transaction': {
          const parent = l.parent === null ? l : byId.get(l.parent)!;
          const pe = entryOf.get(parent.doc)!;
          let gt = 0;
          for (let k = i; k < i + r.entryCount[e]; k++) if (g[k] > 0) gt += g[k];
          const md = JSON.parse(r.labels.col<string>('metadata_json')[labels.indexOf(parent)]) as { threshold: string };
          if (gt >= Math.round(Number(md.threshold) * 100)) bad++;
          if (by[i] !== by[s(pe)] || pd[i] !== pd[s(pe)]) bad++;
          break;
        }
        case 'duplicate_payment': {
          if (tpl[i] !== 'p2p_vendor_payment') bad++;
          if (l.parent !== null) {
            const oe = entryOf.get(byId.get(l.parent)!.doc)!;
            const o = s(oe);
            if (ref_[i] !== ref_[o] || vendor[i] !== vendor[o] || entryTotal(e) !== entryTotal(oe) || pd[i] === pd[o]) bad++;
            if (!cal.isBusinessDay(pd[i])) bad++;
          }
          break;
        }
      }
    }
    expect(bad).toBe(0);
    expect(seen.get('split_transaction')! > seen.get('revenue_manipulation')!).toBe(true);
  });

  it('control exceptions ≈ exception_rate of SOX-relevant entries when internal controls are enabled', () => {
    const sox = r.jel.col<number>('sox_relevant');
    const control = r.jel.col<string>('control_status');
    const ids = r.jel.col<string>('document_id');
    const labelled = new Map(labels.map((l) => [l.doc, l.type]));
    let eligible = 0, exceptions = 0, bad = 0;
    for (let e = 0; e < r.entryStart.length; e++) {
      const i = s(e);
      const t = labelled.get(ids[i]);
      if (t === 'control_exception') {
        exceptions++;
        eligible++;
        if (control[i] !== 'exception' || sox[i] !== 1) bad++;
      } else if (sox[i] === 1 && t === undefined) eligible++;
      else if (t === undefined && control[i] === 'exception') bad++;
    }
    expect(bad).toBe(0);
    expect(Math.abs(exceptions / eligible - 0.05)).toBeLessThan(tol4(0.05, eligible));
  });

  it('fraud entries stay balanced and group amounts follow the rate', () => {
    const d = r.jel.col<number>('debit_amount');
    const c = r.jel.col<number>('credit_amount');
    const g = r.jel.col<number>('group_amount');
    const x = r.jel.col<number>('exchange_rate');
    let bad = 0;
    for (const l of labels) {
      const e = entryOf.get(l.doc)!;
      let sd = 0, sc = 0, sg = 0, off = 0;
      for (let i = s(e); i < s(e) + r.entryCount[e]; i++) {
        sd += d[i]; sc += c[i]; sg += g[i];
        if (g[i] !== mulDivRound(d[i] - c[i], x[i], 1_000_000)) off++;
      }
      if (sd !== sc || sg !== 0 || off > 1) bad++;
    }
    expect(bad).toBe(0);
  });
});

describe('option variants', () => {
  it('single company with industry profile, Benford sampler and exponential period end stays balanced; unauthorized_access uses an automated user on a manual entry', () => {
    const cfg = makeConfig([{ code: '1000', name: 'Shop', currency: 'USD', country: 'US', volume: 12_000 }], 12, '2025-01-01', { industry: 'retail' });
    const run = runSource(cfg, 3n, {
      fraud: { enabled: true, fraud_rate: 0.2, fraud_type_distribution: { unauthorized_access: 1, split_transaction: 1 } },
      distributions: { industry_profile: true },
      transactions: { amounts: { sampler: 'benford' }, temporal_patterns: { period_end: { model: 'exponential' } } },
    });
    const d = run.jel.col<number>('debit_amount');
    const c = run.jel.col<number>('credit_amount');
    const by = run.jel.col<string>('created_by');
    const src = run.jel.col<string>('source');
    const proc = run.jel.col<string>('business_process');
    const users = new Map(run.ctx.reference.jeUsers.map((u) => [u.userId, u]));
    const ft = run.jel.col<string | null>('fraud_type');
    let bad = 0, unauthorized = 0, o2c = 0;
    for (let e = 0; e < run.entryStart.length; e++) {
      const i = run.entryStart[e];
      let sd = 0, sc = 0;
      for (let k = i; k < i + run.entryCount[e]; k++) { sd += d[k]; sc += c[k]; }
      if (sd !== sc) bad++;
      if (proc[i] === 'O2C') o2c++;
      if (ft[i] === 'unauthorized_access') {
        unauthorized++;
        if (src[i] !== 'manual' || !users.get(by[i])!.isAutomated) bad++;
      }
    }
    expect(bad).toBe(0);
    expect(unauthorized).toBeGreaterThan(100);
    // retail preset: O2C .50 of the process mix (explicit industry).
    expect(o2c / run.entryStart.length).toBeGreaterThan(0.4);
    // Retail seasonality: December gets more entries than February.
    const counts = run.partitions.map((p) => p.plannedRows.journal_entry_lines);
    expect(counts[11]).toBeGreaterThan(counts[1]);
  });
});
