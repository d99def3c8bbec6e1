/**
 * The resource guard inside a real run (controls.md §7), with a scripted sampler:
 * Normal → Reduced → Minimal pauses the sources, the level recovers with
 * hysteresis, and the output is byte-identical to an unguarded run; a disk
 * Emergency stops the run gracefully (exit 75, `aborted`, nothing partial).
 */
import { describe, it, expect, afterAll, beforeAll } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import '../../src/plugins.js';
import { loadConfigFile } from '../../src/config/load.js';
import { runPipeline, type RunResult } from '../../src/engine/runner.js';
import type { RunEvent } from '../../src/engine/progress.js';
import type { GuardSampler } from '../../src/guard/monitors.js';
import type { LoadedConfig } from '../../src/config/types.js';
import { REPO, sha256File, tempDirs } from '../support/cli.js';

const { tmp, cleanup } = tempDirs('dsp-guard-');
afterAll(cleanup);
const SMALL = join(REPO, 'test/fixtures/small.yaml');
const MB = 1024 * 1024;
const FAST = { intervalMs: 5, diskIntervalMs: 5 };

function dataHashes(r: RunResult): Record<string, string> {
  return Object.fromEntries(r.manifest.outputs.filter((o) => o.role === 'data').map((o) => [o.rel, o.sha256]));
}

/** A sampler whose memory ratio follows `script` once `armed()` holds (one value per sample, last one repeats). */
function scripted(script: number[], armed: () => boolean, disk: () => number = () => 1e12): GuardSampler & { samples: number } {
  const s = {
    samples: 0,
    memory: () => {
      if (!armed()) return { ratio: 0.3, rssBytes: 100 * MB };
      const v = script[Math.min(s.samples++, script.length - 1)];
      return { ratio: v, rssBytes: Math.round(v * 256 * MB) };
    },
    disk: () => Promise.resolve({ freeBytes: disk(), path: '/scripted' }),
    cpu: () => null,
  };
  return s;
}

let loaded: LoadedConfig;
let baseline: RunResult;
beforeAll(async () => {
  loaded = await loadConfigFile(SMALL);
  baseline = await runPipeline({ loaded, outRoot: tmp(), gates: { mode: 'off' }, guard: { settings: { enabled: false } } });
  expect(baseline.status).toBe('complete');
});

describe('guard walks Normal → Reduced → Minimal and back (memory, scripted)', () => {
  let result: RunResult;
  const events: RunEvent[] = [];
  let rows = 0;
  let rowsAtPause = -1;
  let rowsAtResume = -1;
  beforeAll(async () => {
    // Reduced, Minimal held 10 samples, 0.82 (Minimal still: not < 0.85 − 0.05), 0.79 → Reduced,
    // 0.66 (Reduced still: not < 0.70 − 0.05), 0.60 → Normal.
    const script = [0.75, ...Array(10).fill(0.9), 0.82, 0.82, 0.82, 0.79, 0.66, 0.66, 0.6];
    const sampler = scripted(script, () => rows > 5000);
    result = await runPipeline({
      loaded, outRoot: tmp(), progressIntervalMs: 0, gates: { mode: 'off' },
      guard: { sampler, settings: FAST },
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'progress') rows = e.rows;
        if (e.type === 'pause') rowsAtPause = rows;
        if (e.type === 'resume') rowsAtResume = rows;
      },
    });
  });

  it('completes with output byte-identical to the unguarded run', () => {
    expect(result.status).toBe('complete');
    expect(result.exitCode).toBe(0);
    expect(dataHashes(result)).toEqual(dataHashes(baseline));
    for (const o of result.manifest.outputs) expect(sha256File(o.uri.replace('file://', ''))).toBe(o.sha256);
  });

  it('emits the level changes in order, one step down at a time', () => {
    const guard = events.filter((e) => e.type === 'guard');
    expect(guard.map((e) => `${e.from}>${e.to}`)).toEqual(['normal>reduced', 'reduced>minimal', 'minimal>reduced', 'reduced>normal']);
    expect(guard[2]).toMatchObject({ resource: 'memory', value: 0.79, threshold: 0.85, action: 'halve in-flight budget' });
  });

  it('Minimal pauses the sources: the source produced nothing between pause and resume', () => {
    const kinds = events.map((e) => e.type);
    expect(kinds.filter((k) => k === 'pause')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'resume')).toHaveLength(1);
    expect(kinds.indexOf('pause')).toBeLessThan(kinds.indexOf('resume'));
    // Only what was already generated when the gate closed is delivered after it: the batch being
    // written, one in the router's buffer (highWaterMark 1) and one read ahead — at most 3 batches
    // (a batch is ~1024 rows, ending at an entry boundary), however long the pause lasts.
    expect(rowsAtResume - rowsAtPause).toBeLessThanOrEqual(3 * 1100);
    const m = result.manifest as unknown as { pauses: Array<{ from: string; to: string }> };
    expect(Date.parse(m.pauses[0].to) - Date.parse(m.pauses[0].from)).toBeGreaterThanOrEqual(40); // ≥ 10 samples × 5 ms
    const i = kinds.indexOf('pause');
    const j = kinds.indexOf('resume');
    const during = events.slice(i, j).filter((e) => e.type === 'progress').map((e) => (e as { components?: Record<string, { sent: number }> }).components?.gl?.sent);
    expect(new Set(during.slice(1)).size).toBeLessThanOrEqual(1);
    expect(rows).toBeGreaterThan(rowsAtResume); // and it went on afterwards
  });

  it('records guard and pauses in the manifest and the run log', () => {
    const m = result.manifest as unknown as { guard: { max_level: string; events: unknown[]; time_in_level_ms: Record<string, number>; peak: { memory_ratio: number } }; pauses: Array<{ from: string; to: string; reason: string }> };
    expect(m.guard.max_level).toBe('minimal');
    expect(m.guard.events).toHaveLength(4);
    expect(m.guard.time_in_level_ms.minimal).toBeGreaterThan(0);
    expect(m.guard.peak.memory_ratio).toBe(0.9);
    expect(m.pauses).toHaveLength(1);
    expect(m.pauses[0].reason).toBe('guard');
    expect(Date.parse(m.pauses[0].to)).toBeGreaterThanOrEqual(Date.parse(m.pauses[0].from));
    const log = readdirSync(join(result.controlRoot, '_runlog')).map((f) => readFileSync(join(result.controlRoot, '_runlog', f), 'utf8')).join('');
    const actions = log.trim().split('\n').map((l) => JSON.parse(l) as { action: string; actor: string });
    expect(actions.filter((a) => a.action === 'guard.level')).toHaveLength(4);
    expect(actions.filter((a) => a.action === 'pause' && a.actor === 'system:guard')).toHaveLength(1);
    expect(actions.filter((a) => a.action === 'resume')).toHaveLength(1);
  });
});

describe('disk below the Emergency threshold stops the run gracefully', () => {
  let result: RunResult;
  const events: RunEvent[] = [];
  beforeAll(async () => {
    let rows = 0;
    const sampler = scripted([0.3], () => false, () => (rows > 5000 ? 50 * MB : 1e12));
    result = await runPipeline({
      loaded, outRoot: tmp(), progressIntervalMs: 0, gates: { mode: 'off' },
      guard: { sampler, settings: FAST },
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'progress') rows = e.rows;
      },
    });
  });

  it('exit 75, manifest aborted with DSP_GUARD_EMERGENCY', () => {
    expect(result.exitCode).toBe(75);
    expect(result.status).toBe('aborted');
    expect(result.manifest.status_reason?.code).toBe('DSP_GUARD_EMERGENCY');
    expect(result.manifest.status_reason?.message).toMatch(/disk/);
    const guard = events.filter((e) => e.type === 'guard').map((e) => e.to);
    expect(guard.at(-1)).toBe('emergency');
    expect(events.at(-1)).toMatchObject({ type: 'end', status: 'aborted', exitCode: 75 });
  });

  it('no partial output: uncommitted files removed, committed ones complete, no _SUCCESS', () => {
    const root = result.controlRoot;
    expect(existsSync(join(root, '_SUCCESS'))).toBe(false);
    expect(existsSync(join(root, 'journal_entry_lines.csv'))).toBe(false);
    const all = readdirSync(root, { recursive: true }) as string[];
    expect(all.filter((f) => f.includes('.tmp-'))).toEqual([]);
    for (const o of result.manifest.outputs) expect(sha256File(join(root, o.rel!))).toBe(o.sha256);
    const shard = JSON.parse(readFileSync(join(root, '_manifests', 'shard-00000-of-00001.json'), 'utf8')) as { status: string };
    expect(shard.status).toBe('aborted');
  });
});
