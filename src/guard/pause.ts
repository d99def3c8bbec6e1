/**
 * The source credit gate (controls.md §7.4): every source asks it before it
 * produces its next batch. A closed gate means the source simply does not call
 * its generator again, so a paused source holds no growing buffers, and resuming
 * continues the same generator exactly where it stopped (output identical).
 *
 * The interface is small so a worker-thread executor can ask the same gate
 * before it posts the next "produce a batch" credit to a worker.
 */

export type PauseReason = 'guard' | 'signal';

/** What an executor needs: a cheap synchronous check and a wait for the gate to open. */
export interface SourceCreditGate {
  /** True when the next batch may be produced now (the hot path: no promise). */
  ready(): boolean;
  /** Resolves once `ready()` holds; rejects with the signal's reason when it aborts first. */
  wait(signal?: AbortSignal): Promise<void>;
}

/** In-flight data the gate weighs against its budget (encoded bytes not yet at the destination). */
export type InFlightProbe = () => { bytes: number; rows: number };

/** `pauses[]` of the manifest (controls.md §2.3). */
export interface PauseRecord { from: string; to: string | null; reason: PauseReason }

/** How often a gate closed only by the in-flight budget looks again (data drains by itself). */
const BUDGET_POLL_MS = 5;

/**
 * @example
 * const gate = new CreditGate(() => ({ bytes: channelBytes(), rows: 0 }), { bytes: 64 << 20, rows: 65536 });
 * gate.pause('signal');   // SIGUSR1
 * if (!gate.ready()) await gate.wait(abortSignal);  // before each batch
 */
export class CreditGate implements SourceCreditGate {
  private readonly held = new Set<PauseReason>();
  private factor = 1;
  private waiters: Array<() => void> = [];
  private readonly records: PauseRecord[] = [];
  private readonly open = new Map<PauseReason, PauseRecord>();

  constructor(
    private readonly inFlight: InFlightProbe,
    private readonly budget: { bytes: number; rows: number },
    private readonly now: () => number = Date.now,
  ) {}

  /** Reduced halves the in-flight budget; Normal restores it (controls.md §7.4). */
  setBudgetFactor(factor: number): void {
    this.factor = factor;
    this.wake();
  }

  /** 1 at Normal, 0.5 from Reduced on: a worker executor scales its active slots by it (min 1). */
  get budgetFactor(): number {
    return this.factor;
  }

  get budgetBytes(): number {
    return Math.max(1, Math.floor(this.budget.bytes * this.factor));
  }

  get budgetRows(): number {
    return Math.max(1, Math.floor(this.budget.rows * this.factor));
  }

  /** Holds the gate for `reason`; true if that reason was not holding it yet. */
  pause(reason: PauseReason): boolean {
    if (this.held.has(reason)) return false;
    this.held.add(reason);
    const rec: PauseRecord = { from: new Date(this.now()).toISOString(), to: null, reason };
    this.records.push(rec);
    this.open.set(reason, rec);
    return true;
  }

  /** Releases `reason`; true if it was holding the gate. Sources run only when no reason holds it. */
  resume(reason: PauseReason): boolean {
    if (!this.held.delete(reason)) return false;
    const rec = this.open.get(reason);
    if (rec) rec.to = new Date(this.now()).toISOString();
    this.open.delete(reason);
    this.wake();
    return true;
  }

  isPaused(reason?: PauseReason): boolean {
    return reason ? this.held.has(reason) : this.held.size > 0;
  }

  /** The reasons holding the gate now. */
  reasons(): PauseReason[] {
    return [...this.held];
  }

  /** Every pause so far; an ongoing one has `to: null`. */
  pauses(): PauseRecord[] {
    return this.records.map((r) => ({ ...r }));
  }

  ready(): boolean {
    if (this.held.size > 0) return false;
    const f = this.inFlight();
    return f.bytes <= this.budgetBytes && f.rows <= this.budgetRows;
  }

  wait(signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      // A ref'd timer keeps the process alive while paused (signal handlers alone do not),
      // and re-checks a gate closed only by the in-flight budget.
      const timer = setInterval(() => check(), BUDGET_POLL_MS);
      const done = (fn: () => void): void => {
        clearInterval(timer);
        signal?.removeEventListener('abort', onAbort);
        this.waiters = this.waiters.filter((w) => w !== check);
        fn();
      };
      const onAbort = (): void => done(() => reject(signal!.reason));
      const check = (): void => {
        if (this.ready()) done(resolve);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(check);
      check();
    });
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}

/**
 * Wraps a source's batch iterator so the gate is asked before each batch is produced
 * (the generator body runs inside `next()`, so a closed gate means no work at all).
 */
export async function* gatedBatches<T>(batches: Iterable<T>, gate: SourceCreditGate, signal?: AbortSignal): AsyncGenerator<T> {
  const it = batches[Symbol.iterator]();
  try {
    for (;;) {
      if (!gate.ready()) await gate.wait(signal);
      const r = it.next();
      if (r.done) return;
      yield r.value;
    }
  } finally {
    it.return?.();
  }
}
