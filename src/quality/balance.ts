/**
 * `balance_coherence` (controls.md §6.3): per group (company_code, fiscal_year, fiscal_period)
 * over the lines of entries without an `affects_balance` anomaly label, balanced iff
 * |Σdebit − Σcredit| ≤ tolerance and, when the chart of accounts is produced, every line's
 * account has a type.
 *
 * Bounded memory: lines of an entry are contiguous inside one partition, so each entry closes
 * into its group at once; only entries with a non-zero net (normally the labelled ones) are kept
 * by id, with the accounts used per group (bounded by the chart of accounts).
 */
import type { Batch } from '../engine/batch.js';
import type { Accumulator, MetricResult } from './types.js';
import { partitionKey } from './types.js';
import { col, readBool, readCents, readString } from './read.js';

interface Group { documents: number; accounts: Set<string>; net: number }
interface OpenDoc { id: string; group: string; net: number; g: Group; lastAccount: string | null }

/**
 * @example
 * const acc = new BalanceAccumulator(1);
 * acc.observe(lines); acc.observe(anomalyLabels); acc.observe(chartOfAccounts);
 * acc.finalize().value; // 1 when every (company, year, period) balances
 */
export class BalanceAccumulator implements Accumulator {
  readonly metric = 'balance_coherence' as const;
  readonly groups = new Map<string, Group>();
  /** Entries whose debit ≠ credit: id → [group, net cents]. */
  readonly unbalanced = new Map<string, [string, number]>();
  /** document_ids with an `affects_balance` label. */
  readonly labelled = new Set<string>();
  /** account_number → has a type; null until chart_of_accounts is observed. */
  typedAccounts: Map<string, boolean> | null = null;
  private open: OpenDoc | null = null;
  private openKey = '';

  constructor(readonly toleranceCents = 1) {}

  observe(batch: Batch, producer?: string): void {
    const name = batch.schema.name;
    if (name === 'anomaly_labels') return this.observeLabels(batch);
    if (name === 'chart_of_accounts') return this.observeAccounts(batch);
    if (name !== 'journal_entry_lines') return;
    const key = partitionKey(batch, producer);
    if (key !== this.openKey) {
      this.closeDoc();
      this.openKey = key;
    }
    const doc = col(batch, 'document_id');
    const cc = col(batch, 'company_code');
    const fy = col(batch, 'fiscal_year');
    const fp = col(batch, 'fiscal_period');
    const acct = col(batch, 'gl_account');
    const debit = col(batch, 'debit_amount');
    const credit = col(batch, 'credit_amount');
    if (this.observeNative(batch, doc, cc, fy, fp, acct, debit, credit)) return;
    for (let r = 0; r < batch.length; r++) {
      const id = readString(batch, doc, r) ?? '';
      if (!this.open || this.open.id !== id) {
        this.closeDoc();
        const group = `${readString(batch, cc, r) ?? ''}|${readString(batch, fy, r) ?? ''}|${readString(batch, fp, r) ?? ''}`;
        const g = this.groupOf(group);
        g.documents++;
        this.open = { id, group, net: 0, g, lastAccount: null };
      }
      const a = readString(batch, acct, r);
      if (a !== null && a !== this.open.lastAccount) {
        this.open.lastAccount = a;
        this.open.g.accounts.add(a);
      }
      this.open.net += (readCents(batch, debit, r) ?? 0) - (readCents(batch, credit, r) ?? 0);
    }
  }

  /**
   * The same counting as `observe` over the columns as the generator stores them (strings,
   * Int32 year/period, Float64 cents), without a typed read per cell (issue 6); false (nothing
   * counted) when a column is missing, re-typed or has a null mask, for the generic loop.
   */
  private observeNative(batch: Batch, doc: number, cc: number, fy: number, fp: number, acct: number, debit: number, credit: number): boolean {
    if (doc < 0 || cc < 0 || fy < 0 || fp < 0 || acct < 0 || debit < 0 || credit < 0) return false;
    const v = batch.values, nulls = batch.nulls;
    const ids = v[doc], ccs = v[cc], fys = v[fy], fps = v[fp], accts = v[acct], dr = v[debit], cr = v[credit];
    if (!Array.isArray(ids) || !Array.isArray(ccs) || !Array.isArray(accts)) return false;
    if (!(fys instanceof Int32Array) || !(fps instanceof Int32Array) || !(dr instanceof Float64Array) || !(cr instanceof Float64Array)) return false;
    if (nulls[fy] || nulls[fp] || nulls[debit] || nulls[credit]) return false;
    let open = this.open;
    // The group of the previous entry, reused while (company, year, period) stays the same.
    let lastCc: string | null | undefined, lastFy = 0, lastFp = 0, group = '', g: Group | null = null;
    for (let r = 0; r < batch.length; r++) {
      const id = ids[r] ?? '';
      if (open === null || open.id !== id) {
        this.closeDoc();
        const c = ccs[r];
        if (g === null || c !== lastCc || fys[r] !== lastFy || fps[r] !== lastFp) {
          lastCc = c;
          lastFy = fys[r];
          lastFp = fps[r];
          group = `${c ?? ''}|${lastFy}|${lastFp}`;
          g = this.groupOf(group);
        }
        g.documents++;
        open = this.open = { id, group, net: 0, g, lastAccount: null };
      }
      const a = accts[r];
      if (a !== null && a !== open.lastAccount) {
        open.lastAccount = a;
        open.g.accounts.add(a);
      }
      open.net += dr[r] - cr[r];
    }
    return true;
  }

  private groupOf(key: string): Group {
    let g = this.groups.get(key);
    if (!g) {
      g = { documents: 0, accounts: new Set(), net: 0 };
      this.groups.set(key, g);
    }
    return g;
  }

  private closeDoc(): void {
    const d = this.open;
    this.open = null;
    if (!d || d.net === 0) return;
    const prev = this.unbalanced.get(d.id);
    this.unbalanced.set(d.id, [d.group, (prev?.[1] ?? 0) + d.net]);
  }

  private observeLabels(batch: Batch): void {
    const doc = col(batch, 'document_id');
    const affects = col(batch, 'affects_balance');
    for (let r = 0; r < batch.length; r++) {
      if (readBool(batch, affects, r) === true) {
        const id = readString(batch, doc, r);
        if (id !== null) this.labelled.add(id);
      }
    }
  }

  private observeAccounts(batch: Batch): void {
    this.typedAccounts ??= new Map();
    const num = col(batch, 'account_number');
    const type = col(batch, 'account_type');
    for (let r = 0; r < batch.length; r++) {
      const n = readString(batch, num, r);
      if (n !== null) this.typedAccounts.set(n, (readString(batch, type, r) ?? '').trim() !== '');
    }
  }

  flush(): void {
    this.closeDoc();
    this.openKey = '';
  }

  merge(other: Accumulator): void {
    const o = other as BalanceAccumulator;
    o.flush();
    this.flush();
    for (const [k, g] of o.groups) {
      const mine = this.groupOf(k);
      mine.documents += g.documents;
      for (const a of g.accounts) mine.accounts.add(a);
    }
    for (const [id, [group, net]] of o.unbalanced) {
      const prev = this.unbalanced.get(id);
      this.unbalanced.set(id, [group, (prev?.[1] ?? 0) + net]);
    }
    for (const id of o.labelled) this.labelled.add(id);
    if (o.typedAccounts) {
      this.typedAccounts ??= new Map();
      for (const [a, t] of o.typedAccounts) this.typedAccounts.set(a, t);
    }
  }

  toJSON(): unknown {
    this.flush();
    return {
      tolerance_cents: this.toleranceCents,
      groups: [...this.groups].map(([k, g]) => [k, g.documents, [...g.accounts].sort()]),
      unbalanced: [...this.unbalanced].map(([id, [g, net]]) => [id, g, net]),
      labelled: [...this.labelled].sort(),
      typed_accounts: this.typedAccounts ? [...this.typedAccounts] : null,
    };
  }

  static fromJSON(json: unknown, toleranceCents?: number): BalanceAccumulator {
    const j = json as { tolerance_cents: number; groups: Array<[string, number, string[]]>; unbalanced: Array<[string, string, number]>; labelled: string[]; typed_accounts: Array<[string, boolean]> | null };
    const acc = new BalanceAccumulator(toleranceCents ?? j.tolerance_cents);
    for (const [k, documents, accounts] of j.groups) acc.groups.set(k, { documents, accounts: new Set(accounts), net: 0 });
    for (const [id, g, net] of j.unbalanced) acc.unbalanced.set(id, [g, net]);
    for (const id of j.labelled) acc.labelled.add(id);
    if (j.typed_accounts) acc.typedAccounts = new Map(j.typed_accounts);
    return acc;
  }

  finalize(): MetricResult {
    this.flush();
    const net = new Map<string, number>();
    let unbalancedDocs = 0;
    let labelledDocs = 0;
    for (const [id, [group, value]] of this.unbalanced) {
      if (this.labelled.has(id)) {
        labelledDocs++;
        continue;
      }
      if (Math.abs(value) > this.toleranceCents) unbalancedDocs++;
      net.set(group, (net.get(group) ?? 0) + value);
    }
    let balanced = 0;
    let untyped = 0;
    const failed: string[] = [];
    for (const [key, g] of this.groups) {
      let ok = Math.abs(net.get(key) ?? 0) <= this.toleranceCents;
      if (ok && this.typedAccounts) {
        for (const a of g.accounts) {
          if (this.typedAccounts.get(a) !== true) {
            ok = false;
            untyped++;
            break;
          }
        }
      }
      if (ok) balanced++;
      else if (failed.length < 20) failed.push(key);
    }
    const groups = this.groups.size;
    let documents = 0;
    for (const g of this.groups.values()) documents += g.documents;
    const considered = documents - labelledDocs;
    const details = {
      groups, balanced_groups: balanced, tolerance_cents: this.toleranceCents,
      documents: considered, balanced_document_share: considered > 0 ? (considered - unbalancedDocs) / considered : null,
      excluded_labelled_documents: labelledDocs, account_types_checked: this.typedAccounts !== null,
      groups_with_untyped_accounts: untyped, failed_groups: failed,
    };
    if (groups === 0) return { value: null, n: 0, details, notEvaluated: 'no (company, year, period) groups' };
    return { value: balanced / groups, n: groups, details };
  }
}
