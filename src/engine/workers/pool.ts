/**
 * Main-thread side of the worker threads (architecture.md §8): a fixed pool of partition workers,
 * jobs (source, partition) handed out in plan order, and per-job message queues the executor drains
 * strictly in job order — so the bytes written never depend on which worker finished first.
 */
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DspError, ExitCode, type ExitCodeValue } from '../../errors.js';
import type { MainToWorker, WorkerInit, WorkerToMain } from './protocol.js';

/** Young-generation size of a worker (MiB). */
const YOUNG_GENERATION_MB = 64;

type JobMessage = Exclude<WorkerToMain, { type: 'ready' }>;

/** One submitted partition: its messages in the order the worker sent them. */
export class PartitionJob {
  private readonly queue: JobMessage[] = [];
  private wake: (() => void) | null = null;
  private failure: Error | null = null;
  done = false;

  constructor(readonly id: number, readonly sourceId: string, readonly partition: number, private readonly worker: PoolWorker) {}

  /** @internal */
  push(msg: JobMessage): void {
    this.queue.push(msg);
    this.wake?.();
  }
  /** @internal */
  fail(err: Error): void {
    this.failure ??= err;
    this.wake?.();
  }

  /** The job's data messages, ending after `done`; throws the worker's error. */
  async *messages(): AsyncGenerator<JobMessage> {
    for (;;) {
      while (this.queue.length > 0) {
        const msg = this.queue.shift()!;
        if (msg.type === 'error') throw workerError(msg);
        yield msg;
        if (msg.type === 'done') {
          this.done = true;
          return;
        }
      }
      if (this.failure) throw this.failure;
      await new Promise<void>((r) => (this.wake = r));
      this.wake = null;
    }
  }

  /** Returns credit for bytes the main thread has written (lets the worker continue). */
  ack(bytes: number): void {
    if (bytes > 0) this.worker.post({ type: 'ack', job: this.id, bytes });
  }

  /** Hands chunk memory the main thread has finished with back to the worker (moved, not copied). */
  giveBack(buffer: ArrayBuffer): void {
    this.worker.post({ type: 'recycle', buffers: [buffer] }, [buffer]);
  }
}

function workerError(msg: Extract<WorkerToMain, { type: 'error' }>): Error {
  if (msg.code && typeof msg.exitCode === 'number') return new DspError(msg.code, msg.message, msg.exitCode as ExitCodeValue);
  const e = new DspError('DSP_SOURCE_ERROR', `worker: ${msg.stack ?? msg.message}`, ExitCode.OutputFailure);
  return e;
}

class PoolWorker {
  readonly jobs = new Map<number, PartitionJob>();
  private readonly worker: Worker;
  readonly ready: Promise<void>;
  private exited = false;

  constructor(script: URL, init: WorkerInit) {
    // Generation allocates many short-lived strings per batch: a young generation as large as the main
    // thread's keeps workers from spending their time in scavenges.
    this.worker = new Worker(script, { workerData: init, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
    this.ready = new Promise<void>((resolveReady, rejectReady) => {
      this.worker.on('message', (msg: WorkerToMain) => {
        if (msg.type === 'ready') {
          resolveReady();
          return;
        }
        if (msg.type === 'error' && msg.job === null) {
          this.failAll(workerError(msg));
          return;
        }
        if (msg.job === null) return;
        const job = this.jobs.get(msg.job);
        if (!job) return;
        job.push(msg);
        if (msg.type === 'done' || msg.type === 'error') this.jobs.delete(msg.job);
      });
      this.worker.on('error', (err) => {
        rejectReady(err);
        this.failAll(err);
      });
      this.worker.on('exit', (code) => {
        this.exited = true;
        if (code !== 0) {
          const err = new Error(`partition worker exited with code ${code}`);
          rejectReady(err);
          this.failAll(err);
        }
      });
    });
    this.ready.catch(() => undefined);
  }

  get load(): number {
    return this.jobs.size;
  }

  post(msg: MainToWorker, transfer: ArrayBuffer[] = []): void {
    if (!this.exited) this.worker.postMessage(msg, transfer);
  }

  submit(job: PartitionJob): void {
    this.jobs.set(job.id, job);
    this.post({ type: 'job', job: job.id, sourceId: job.sourceId, partition: job.partition });
  }

  private failAll(err: Error): void {
    for (const j of this.jobs.values()) j.fail(err);
    this.jobs.clear();
  }

  async terminate(): Promise<void> {
    if (this.exited) return;
    await this.worker.terminate();
  }
}

/** The compiled worker script next to this module (tests run from src/: fall back to dist/). */
export function workerScript(): URL {
  const here = new URL('./partition-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  const dist = fileURLToPath(here).replace(`${'/'}src${'/'}engine${'/'}`, '/dist/src/engine/');
  if (existsSync(dist)) return pathToFileURL(dist);
  throw new Error(`partition worker script not found at ${fileURLToPath(here)} (run npm run build)`);
}

export class PartitionPool {
  private nextJob = 1;
  private constructor(private readonly workers: PoolWorker[]) {}

  /** Starts `size` workers and waits until each has rebuilt the generation graph. */
  static async start(size: number, init: WorkerInit): Promise<PartitionPool> {
    const script = workerScript();
    const workers = Array.from({ length: size }, () => new PoolWorker(script, init));
    try {
      await Promise.all(workers.map((w) => w.ready));
    } catch (err) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw err;
    }
    return new PartitionPool(workers);
  }

  get size(): number {
    return this.workers.length;
  }

  /** Hands (source, partition) to the least-loaded worker (ties: lowest index). */
  submit(sourceId: string, partition: number): PartitionJob {
    let best = this.workers[0];
    for (const w of this.workers) if (w.load < best.load) best = w;
    const job = new PartitionJob(this.nextJob++, sourceId, partition, best);
    best.submit(job);
    return job;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
