/**
 * Worker-thread entry (architecture.md §8): generates whole logical partitions — the source and
 * every transform downstream of it — and sends to the main thread, in order, exactly what the
 * in-process executor would route to sinks: bytes for fragment formats (CSV/NDJSON, encoded here),
 * batches for the others. Flow control is by credit: after `creditBytes` unacknowledged bytes of a
 * job the worker waits, so a paused or slow main thread bounds worker memory.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { getHeapStatistics } from 'node:v8';
import '../../plugins.js';
import type { PipelineConfig } from '../../config/types.js';
import type { LoadedConfig } from '../../config/types.js';
import type { Batch } from '../batch.js';
import { transformPartitionOffsets, type FormatEncoder, type PartitionTransform } from '../plugins.js';
import * as registry from '../registry.js';
import { buildPlan } from '../plan.js';
import { QualityGates } from '../../quality/gates.js';
import { createRunGates, gateContext } from '../../quality/commit.js';
import { RunProfile } from '../../report/profile.js';
import { adoptScratch, detachScratch } from '../../formats/chunk-buffer.js';
import type { MainToWorker, WireBatch, WorkerInit, WorkerToMain } from './protocol.js';

if (!parentPort) throw new Error('partition-worker must run in a worker thread');
const port = parentPort;
const init = workerData as WorkerInit;

const loaded = { config: init.config as unknown as PipelineConfig, seed: BigInt(init.seed) } as LoadedConfig;
// The same plan the main thread built (config alone decides partitions); its sinks are never opened here.
const plan = buildPlan(loaded, { outRoot: init.settings.outRoot, cwd: init.settings.cwd });
const graph = {
  context: plan.context,
  sources: new Map(plan.sources.map((s) => [s.id, s])),
  transforms: new Map(plan.transforms.map((t) => [t.id, t])),
};
const gateTemplate = init.gates ? await createRunGates(plan, init.gates) : null;
const gateCtx = gateTemplate?.gates ? gateContext(plan) : null;

/** (fromId \0 table) → encodings wanted by the sinks of that edge. */
const routes = new Map<string, WorkerInit['routes'][number]>();
for (const r of init.routes) routes.set(`${r.fromId}\u0000${r.table}`, r);
const offsets = transformPartitionOffsets([...graph.sources.values()], [...graph.transforms.values()]);
const consumersOf = new Map<string, string[]>();
for (const t of graph.transforms.values()) for (const i of t.inputs) consumersOf.set(i, [...(consumersOf.get(i) ?? []), t.id]);

let unacked = 0;
let waiting: (() => void) | null = null;
const queue: Array<{ job: number; sourceId: string; partition: number }> = [];
let busy = false;

function send(msg: WorkerToMain, transfer: ArrayBuffer[] = []): void {
  port.postMessage(msg, transfer);
}

port.on('message', (msg: MainToWorker) => {
  if (msg.type === 'ack') {
    unacked -= msg.bytes;
    if (waiting && unacked <= init.creditBytes) {
      const w = waiting;
      waiting = null;
      w();
    }
  } else if (msg.type === 'recycle') {
    for (const ab of msg.buffers) adoptScratch(ab);
  } else if (msg.type === 'job') {
    queue.push(msg);
    void pump();
  } else if (msg.type === 'close') {
    port.close();
  }
});

async function pump(): Promise<void> {
  if (busy) return;
  busy = true;
  try {
    while (queue.length > 0) {
      const job = queue.shift()!;
      try {
        await runJob(job.job, job.sourceId, job.partition);
      } catch (err) {
        const e = err as Error & { code?: string; exitCode?: number };
        send({ type: 'error', job: job.job, message: e?.message ?? String(err), stack: e?.stack, code: e?.code, exitCode: e?.exitCode });
      }
    }
  } finally {
    busy = false;
  }
}

/**
 * A chunk's memory as a transferable ArrayBuffer: an encoder's scratch buffer moves whole, without a copy
 * (the main thread sends it back once written, see `recycle`); other memory (e.g. a small chunk in Node's
 * shared pool) is copied.
 */
function transferable(chunk: Buffer): { view: Uint8Array; buffer: ArrayBuffer } {
  const scratch = detachScratch(chunk);
  if (scratch) return { view: new Uint8Array(scratch, 0, chunk.byteLength), buffer: scratch };
  const ab = chunk.buffer as ArrayBuffer;
  if (chunk.byteOffset === 0 && ab.byteLength === chunk.byteLength && !(ab instanceof SharedArrayBuffer)) return { view: chunk, buffer: ab };
  const copy = new Uint8Array(chunk.byteLength);
  copy.set(chunk);
  return { view: copy, buffer: copy.buffer };
}

async function runJob(job: number, sourceId: string, partitionIndex: number): Promise<void> {
  const source = graph.sources.get(sourceId);
  if (!source) throw new Error(`worker: unknown source ${sourceId}`);
  const partition = source.partitions[partitionIndex];
  if (!partition) throw new Error(`worker: source ${sourceId} has no partition ${partitionIndex}`);
  const counters: Record<string, { received: number; sent: number; details?: Record<string, number> }> = {};
  const count = (id: string): { received: number; sent: number; details?: Record<string, number> } => (counters[id] ??= { received: 0, sent: 0 });
  const encoders = new Map<string, FormatEncoder>();
  const instances = new Map<string, PartitionTransform>();
  // Per-partition gate and profile states; the main thread merges them (states add up, controls.md §6.4).
  const gates = gateTemplate?.gates && gateCtx ? await QualityGates.create(gateTemplate.settings, gateCtx) : null;
  const profile = init.profile ? new RunProfile() : null;

  const deliver = async (fromId: string, batch: Batch): Promise<void> => {
    const route = routes.get(`${fromId}\u0000${batch.schema.name}`);
    if (route) {
      gates?.observe(batch, sourceId);
      profile?.observe(batch, sourceId);
      for (const enc of route.encodings) {
        if (!('format' in enc)) {
          const values = batch.values;
          const transfer: ArrayBuffer[] = [];
          for (const v of values) if (!Array.isArray(v)) transfer.push(v.buffer as ArrayBuffer);
          for (const m of batch.nulls) if (m) transfer.push(m.buffer as ArrayBuffer);
          // Transferring detaches the arrays here: only safe when no other consumer still needs them.
          const wire: WireBatch = { table: batch.schema.name, partition: batch.partition, firstRow: batch.firstRow, length: batch.length, values, nulls: batch.nulls };
          const needsCopy = route.encodings.length > 1 || (consumersOf.get(fromId)?.length ?? 0) > 0;
          send({ type: 'batch', job, fromId, batch: needsCopy ? structuredClone(wire) : wire }, needsCopy ? [] : dedupe(transfer));
          unacked += batchBytes(batch);
          continue;
        }
        let encoder = encoders.get(`${fromId}\u0000${batch.schema.name}\u0000${enc.key}`);
        if (!encoder) {
          encoder = registry.formats.require(enc.format).createEncoder(batch.schema, enc.options);
          encoders.set(`${fromId}\u0000${batch.schema.name}\u0000${enc.key}`, encoder);
        }
        const out = encoder.encode(batch);
        const chunks = out instanceof Promise ? await out : out;
        // One message per encoded batch (its ~256 KiB chunks moved, not copied): fewer messages for both threads.
        const views: Uint8Array[] = [];
        const buffers: ArrayBuffer[] = [];
        for (const c of chunks) {
          if (c.length === 0) continue;
          const { view, buffer } = transferable(c);
          views.push(view);
          buffers.push(buffer);
          unacked += c.length;
        }
        if (views.length > 0 || batch.length > 0) send({ type: 'bytes', job, fromId, table: batch.schema.name, key: enc.key, chunks: views, rows: batch.length }, buffers);
      }
    }
    for (const tid of consumersOf.get(fromId) ?? []) {
      const t = graph.transforms.get(tid)!;
      let inst = instances.get(tid);
      if (!inst) {
        inst = t.plugin.create(tid, t.options, graph.context, { sourceId, partitionOffset: offsets.get(tid)?.get(sourceId) ?? 0, exclusive: t.inputs.every((i) => !init.routes.some((r) => r.fromId === i) && (consumersOf.get(i)?.length ?? 0) === 1) });
        instances.set(tid, inst);
      }
      count(tid).received += batch.length;
      for (const out of inst.transform(batch)) {
        count(tid).sent += out.length;
        await deliver(tid, out);
      }
    }
    if (unacked > init.creditBytes) await new Promise<void>((r) => (waiting = r));
  };

  for (const batch of source.plugin.generate(source.id, source.options, partition, graph.context)) {
    count(sourceId).sent += batch.length;
    await deliver(sourceId, batch);
  }
  for (const [tid, inst] of instances) {
    for (const out of inst.endPartition?.(partition.index) ?? []) {
      count(tid).sent += out.length;
      await deliver(tid, out);
    }
    const details = inst.details?.();
    if (details) count(tid).details = { ...details };
  }
  const heap = getHeapStatistics();
  send({
    type: 'done', job, counters, heapRatio: heap.used_heap_size / heap.heap_size_limit,
    ...(gates ? { gates: gates.stateJSON('') } : {}),
    ...(profile ? { profile: profile.toJSON() } : {}),
  });
}

function dedupe(list: ArrayBuffer[]): ArrayBuffer[] {
  return [...new Set(list)];
}

function batchBytes(b: Batch): number {
  let n = 0;
  for (const v of b.values) n += Array.isArray(v) ? v.length * 16 : v.byteLength;
  return n;
}

send({ type: 'ready' });
