/** The degradation controller (controls.md §7.2–7.3) and the source credit gate (§7.4), sample by sample. */
import { describe, it, expect } from 'vitest';
import { GuardController, type ResourceSample } from '../../src/guard/controller.js';
import { DegradationLevel, guardSettings, guardThresholdIssues } from '../../src/guard/levels.js';
import { CreditGate, gatedBatches } from '../../src/guard/pause.js';
import { detectMemoryLimit, minFreeDisk } from '../../src/guard/monitors.js';
import { tmpdir, totalmem } from 'node:os';

const MB = 1024 * 1024;

/** Feeds samples one per millisecond; returns the level after each. */
function walk(c: GuardController, samples: ResourceSample[], t0 = 0): number[] {
  return samples.map((s, i) => {
    c.observe(s, t0 + i);
    return c.level;
  });
}

describe('GuardController: memory (default preset 0.70 / 0.85 / 0.95, hysteresis 0.05)', () => {
  it('rises at once, may skip a level, falls one step per sample only past threshold − 0.05', () => {
    const c = new GuardController(guardSettings({}));
    const levels = walk(c, [0.5, 0.72, 0.9, 0.82, 0.81, 0.79, 0.66, 0.64].map((memory) => ({ memory })));
    expect(levels).toEqual([0, 1, 2, 2, 2, 1, 1, 0]);
  });

  it('jumps Normal → Minimal directly, and falls Minimal → Reduced → Normal on two low samples', () => {
    const c = new GuardController(guardSettings({}));
    expect(walk(c, [0.1, 0.9, 0.1, 0.1, 0.1].map((memory) => ({ memory })))).toEqual([0, 2, 1, 0, 0]);
  });

  it('Emergency needs 2 consecutive raw samples and is terminal', () => {
    const c = new GuardController(guardSettings({}));
    // 0.96 once counts as Minimal; 0.5 breaks the run (and falls one step); two in a row stop it.
    expect(walk(c, [0.96, 0.5, 0.96, 0.96, 0.1, 0.1].map((memory) => ({ memory })))).toEqual([2, 1, 2, 3, 3, 3]);
    const s = c.summary(10);
    expect(s.max_level).toBe('emergency');
    expect(s.events.map((e) => `${e.from}>${e.to}`)).toEqual(['normal>minimal', 'minimal>reduced', 'reduced>minimal', 'minimal>emergency']);
  });

  it('emergency_confirm_samples: 1 stops at the first sample', () => {
    const c = new GuardController(guardSettings({ emergency_confirm_samples: 1 }));
    expect(walk(c, [{ memory: 0.97 }])).toEqual([3]);
  });

  it('records {at, from, to, resource, value, threshold, action} and time in each level', () => {
    const c = new GuardController(guardSettings({}));
    c.observe({ memory: 0.5 }, 1000);
    c.observe({ memory: 0.75 }, 1250);
    c.observe({ memory: 0.5 }, 1500);
    const s = c.summary(2000);
    expect(s.events).toEqual([
      { at: new Date(1250).toISOString(), from: 'normal', to: 'reduced', resource: 'memory', value: 0.75, threshold: 0.7, action: 'halve in-flight budget' },
      { at: new Date(1500).toISOString(), from: 'reduced', to: 'normal', resource: 'memory', value: 0.5, threshold: 0.7, action: 'full in-flight budget' },
    ]);
    expect(s.time_in_level_ms).toEqual({ normal: 750, reduced: 250, minimal: 0, emergency: 0 });
    expect(s.peak.memory_ratio).toBe(0.75);
  });
});

describe('GuardController: disk free (1000 / 500 / 100 MB), cpu, presets', () => {
  it('disk falls back only above threshold × 1.05', () => {
    const c = new GuardController(guardSettings({}));
    const d = (mb: number): ResourceSample => ({ disk: { freeBytes: mb * MB, path: '/out' } });
    expect(walk(c, [d(5000), d(900), d(1040), d(1060), d(450), d(99), d(99)])).toEqual([0, 1, 1, 0, 2, 2, 3]);
    const e = c.summary(10).events.at(-1)!;
    expect(e).toMatchObject({ resource: 'disk', to: 'emergency', value: 99 * MB, threshold: 100 * MB });
  });

  it('an unsampled resource keeps its level; the run level is the max over resources', () => {
    const c = new GuardController(guardSettings({}));
    c.observe({ memory: 0.2, disk: { freeBytes: 800 * MB, path: '/o' } }, 0);
    expect(c.level).toBe(DegradationLevel.Reduced);
    c.observe({ memory: 0.2 }, 1); // disk not re-sampled: still 800 MB
    expect(c.level).toBe(DegradationLevel.Reduced);
    c.observe({ memory: 0.88 }, 2);
    expect(c.level).toBe(DegradationLevel.Minimal);
    c.observe({ memory: 0.2 }, 3);
    c.observe({ memory: 0.2 }, 4);
    expect(c.level).toBe(DegradationLevel.Reduced); // held by disk
  });

  it('cpu has no Emergency level', () => {
    const c = new GuardController(guardSettings({}));
    expect(walk(c, [0.85, 0.99, 0.99, 0.99].map((cpu) => ({ cpu })))).toEqual([1, 2, 2, 2]);
  });

  it('presets and per-threshold overrides', () => {
    expect(guardSettings({ preset: 'conservative' }).thresholds).toEqual({ memory: [null, 0.6, 0.75, 0.9], diskFreeMb: [null, 2000, 1000, 500], cpu: [null, 0.7, 0.85, null] });
    expect(guardSettings({ preset: 'aggressive' }).thresholds.diskFreeMb).toEqual([null, 500, 200, 50]);
    const s = guardSettings({ preset: 'conservative', memory: { reduced: 0.5 }, disk_free_mb: { emergency: 10 }, memory_limit_mb: 256 });
    expect(s.thresholds.memory).toEqual([null, 0.5, 0.75, 0.9]);
    expect(s.thresholds.diskFreeMb).toEqual([null, 2000, 1000, 10]);
    expect(s.memoryLimitBytes).toBe(256 * MB);
    const c = new GuardController(s);
    expect(walk(c, [{ memory: 0.55 }])).toEqual([1]);
  });
});

describe('guardThresholdIssues', () => {
  it('accepts the presets and flags thresholds that do not rise (memory, cpu) or fall (disk) with the level', () => {
    for (const preset of ['default', 'conservative', 'aggressive']) expect(guardThresholdIssues(guardSettings({ preset }))).toEqual([]);
    const issues = guardThresholdIssues(guardSettings({ memory: { minimal: 0.6 }, disk_free_mb: { emergency: 800 }, cpu: { reduced: 0.95 } }));
    expect(issues.map((i) => i.path)).toEqual(['guard.memory.reduced', 'guard.disk_free_mb.minimal', 'guard.cpu.reduced']);
    expect(issues[0].message).toBe('reduced (0.7) must be below minimal (0.6)');
  });
});

describe('monitors', () => {
  it('memory limit: configured, else cgroup below total memory, else total memory', () => {
    expect(detectMemoryLimit(256 * MB)).toEqual({ bytes: 256 * MB, from: 'config' });
    const auto = detectMemoryLimit(null);
    expect(auto.bytes).toBeLessThanOrEqual(totalmem());
    expect(['cgroup', 'host']).toContain(auto.from);
  });

  it('free disk is measured at the nearest existing parent of a directory not created yet', async () => {
    const r = await minFreeDisk([`${tmpdir()}/not/yet/there`]);
    expect(r).not.toBeNull();
    expect(r!.freeBytes).toBeGreaterThan(0);
  });
});

describe('CreditGate', () => {
  it('a paused gate does not call the generator; resuming continues where it stopped', async () => {
    const gate = new CreditGate(() => ({ bytes: 0, rows: 0 }), { bytes: 1000, rows: 1000 });
    let produced = 0;
    function* gen(): Generator<number> {
      for (let i = 0; i < 5; i++) {
        produced++;
        yield i;
      }
    }
    const it = gatedBatches(gen(), gate);
    expect((await it.next()).value).toBe(0);
    gate.pause('signal');
    const next = it.next();
    await new Promise((r) => setTimeout(r, 30));
    expect(produced).toBe(1); // nothing produced while paused
    gate.resume('signal');
    expect((await next).value).toBe(1);
    const rest: number[] = [];
    for await (const v of it) rest.push(v);
    expect(rest).toEqual([2, 3, 4]);
    expect(gate.pauses()).toHaveLength(1);
    expect(gate.pauses()[0].to).not.toBeNull();
  });

  it('runs only when no reason holds it', () => {
    const gate = new CreditGate(() => ({ bytes: 0, rows: 0 }), { bytes: 1, rows: 1 });
    expect(gate.pause('guard')).toBe(true);
    expect(gate.pause('guard')).toBe(false);
    gate.pause('signal');
    gate.resume('guard');
    expect(gate.ready()).toBe(false);
    gate.resume('signal');
    expect(gate.ready()).toBe(true);
  });

  it('the in-flight budget halves at Reduced and closes the gate until data drains', async () => {
    let inFlight = 600;
    const gate = new CreditGate(() => ({ bytes: inFlight, rows: 0 }), { bytes: 1000, rows: 100 });
    expect(gate.ready()).toBe(true);
    gate.setBudgetFactor(0.5);
    expect(gate.budgetBytes).toBe(500);
    expect(gate.ready()).toBe(false);
    const waited = gate.wait();
    setTimeout(() => { inFlight = 100; }, 20);
    await waited;
    expect(gate.ready()).toBe(true);
  });

  it('wait() rejects with the abort reason', async () => {
    const gate = new CreditGate(() => ({ bytes: 0, rows: 0 }), { bytes: 1, rows: 1 });
    gate.pause('guard');
    const ac = new AbortController();
    const w = gate.wait(ac.signal);
    ac.abort({ code: 'DSP_SIGNAL_SIGTERM' });
    await expect(w).rejects.toEqual({ code: 'DSP_SIGNAL_SIGTERM' });
  });
});
