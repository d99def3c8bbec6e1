/**
 * Resource monitors (controls.md §7.1): memory against the configured or detected
 * limit, free disk at every local output directory, CPU as event-loop or host
 * utilization. They read host facts, which only ever steer speed, never data.
 */
import { promises as fs } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import type { ResourceSample } from './controller.js';
import type { CpuSource } from './levels.js';

/**
 * Where the guard's samples come from. The runner calls `memory`/`cpu` every
 * `interval_ms` and `disk` every `disk_interval_ms`; tests inject a scripted one.
 */
export interface GuardSampler {
  memory(): { ratio: number; rssBytes: number } | null;
  disk(): Promise<{ freeBytes: number; path: string } | null>;
  cpu(): number | null;
}

/** The memory limit and where it came from (recorded in the manifest's `guard.limits`). */
export interface MemoryLimit { bytes: number; from: 'config' | 'cgroup' | 'host' }

/**
 * `guard.memory_limit_mb`, else the cgroup limit (`process.constrainedMemory()`, which
 * Node 20 reports as ~2^64 when unconstrained, so only a value below total memory
 * counts), else the host's total memory (controls.md §7.1).
 *
 * @example
 * detectMemoryLimit(256 * 1024 * 1024) // { bytes: 268435456, from: 'config' }
 */
export function detectMemoryLimit(configured: number | null): MemoryLimit {
  if (configured !== null) return { bytes: configured, from: 'config' };
  const total = totalmem();
  const constrained = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory?.();
  if (typeof constrained === 'number' && constrained > 0 && constrained < total) return { bytes: constrained, from: 'cgroup' };
  return { bytes: total, from: 'host' };
}

/** Memory pressure: max(rss / limit, used heap / heap limit). */
export function memoryRatio(limitBytes: number): { ratio: number; rssBytes: number } {
  const rss = process.memoryUsage.rss();
  const heap = getHeapStatistics();
  return { ratio: Math.max(rss / limitBytes, heap.used_heap_size / heap.heap_size_limit), rssBytes: rss };
}

/**
 * Least free bytes (`bavail × bsize`) over `dirs`, one statfs per directory; a directory
 * not created yet is measured at its nearest existing parent.
 */
export async function minFreeDisk(dirs: readonly string[]): Promise<{ freeBytes: number; path: string } | null> {
  let best: { freeBytes: number; path: string } | null = null;
  for (const dir of dirs) {
    const free = await freeBytesAt(dir);
    if (free !== null && (best === null || free < best.freeBytes)) best = { freeBytes: free, path: dir };
  }
  return best;
}

async function freeBytesAt(dir: string): Promise<number | null> {
  let d = dir;
  for (let i = 0; i < 64; i++) {
    try {
      const s = await fs.statfs(d);
      return Number(s.bavail) * Number(s.bsize);
    } catch {
      const up = dirname(d);
      if (up === d) return null;
      d = up;
    }
  }
  return null;
}

/** Mean of the last 4 event-loop-utilization deltas (controls.md §7.1 `elu`). */
class EluMeter {
  private last: EventLoopUtilization = performance.eventLoopUtilization();
  private readonly window: number[] = [];
  read(): number {
    const now = performance.eventLoopUtilization();
    const d = performance.eventLoopUtilization(now, this.last);
    this.last = now;
    this.window.push(d.utilization);
    if (this.window.length > 4) this.window.shift();
    return this.window.reduce((a, b) => a + b, 0) / this.window.length;
  }
}

/** 1 − Δidle/Δtotal over all cores (controls.md §7.1 `host`). */
class HostCpuMeter {
  private last = totals();
  read(): number {
    const now = totals();
    const dTotal = now.total - this.last.total;
    const dIdle = now.idle - this.last.idle;
    this.last = now;
    return dTotal > 0 ? 1 - dIdle / dTotal : 0;
  }
}

function totals(): { idle: number; total: number } {
  let idle = 0;
  let total = 0;
  for (const c of cpus()) {
    idle += c.times.idle;
    total += c.times.idle + c.times.user + c.times.nice + c.times.sys + c.times.irq;
  }
  return { idle, total };
}

/**
 * The real sampler. `cpuSource: 'auto'` is off for in-process generation (the loop is
 * busy by design); it becomes `elu` once worker threads exist (`workers ≥ 1`).
 *
 * @example
 * const s = systemSampler({ memoryLimitBytes: detectMemoryLimit(null).bytes, diskDirs: ['/tmp'], cpuSource: 'auto', workers: 0 });
 * s.memory(); // { ratio: 0.03, rssBytes: 81_000_000 }
 */
export function systemSampler(opts: { memoryLimitBytes: number; diskDirs: readonly string[]; cpuSource: CpuSource; workers: number }): GuardSampler {
  const source = opts.cpuSource === 'auto' ? (opts.workers >= 1 ? 'elu' : 'off') : opts.cpuSource;
  const meter = source === 'elu' ? new EluMeter() : source === 'host' ? new HostCpuMeter() : null;
  return {
    memory: () => memoryRatio(opts.memoryLimitBytes),
    disk: () => minFreeDisk(opts.diskDirs),
    cpu: () => meter?.read() ?? null,
  };
}

/** Converts sampler readings into one controller sample. */
export function toSample(mem: { ratio: number; rssBytes: number } | null, disk: { freeBytes: number; path: string } | null | undefined, cpu: number | null): ResourceSample {
  return { memory: mem?.ratio ?? null, ...(mem ? { rssBytes: mem.rssBytes } : {}), ...(disk !== undefined ? { disk } : {}), cpu };
}
