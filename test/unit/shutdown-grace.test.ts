/**
 * The graceful stop is bounded (controls.md §7.5 step 4): a sink that stops
 * accepting bytes cannot hold a stopped run past `shutdown.grace_ms`; the
 * manifest then says `incomplete` (DSP_SHUTDOWN_TIMEOUT) and lists the
 * outputs it could not abort (DSP_WARN_ABORT_INCOMPLETE).
 */
import { describe, it, expect, afterAll } from 'vitest';
import { Writable } from 'node:stream';
import '../../src/plugins.js';
import * as registry from '../../src/engine/registry.js';
import type { OutputWriter, SinkPlugin } from '../../src/engine/plugins.js';
import { loadConfigObject } from '../../src/config/load.js';
import { runPipeline } from '../../src/engine/runner.js';
import { tempDirs } from '../support/cli.js';

const { tmp, cleanup } = tempDirs('dsp-grace-');
afterAll(cleanup);

/** Called when a stalling sink stops answering. */
let onStall: () => void = () => undefined;

/** Accepts `accept` bytes, then never calls back again; `abort` hangs too when asked to. */
function stallingSink(type: string, accept: number, abortHangs: boolean): SinkPlugin {
  return {
    type, description: 'test: stalls', optionsSchema: { type: 'object', properties: {}, additionalProperties: false },
    defaultFormat: 'csv', formats: ['csv'],
    create: (id) => ({
      id, type,
      check: () => Promise.resolve(),
      open: (): Promise<OutputWriter> => {
        let taken = 0;
        const writable = new Writable({
          write(chunk: Buffer, _enc, cb) {
            taken += chunk.length;
            if (taken <= accept) cb();
            else onStall(); // and never call back: a destination that stopped answering
          },
        });
        return Promise.resolve({
          writable,
          commit: () => Promise.resolve({ uri: `test:${id}`, rel: null, committedAt: new Date().toISOString() }),
          abort: () => (abortHangs ? new Promise<void>(() => undefined) : Promise.resolve()),
          bufferedBytes: () => 0,
        });
      },
    }),
  };
}
registry.sinks.register('h8_stall', stallingSink('h8_stall', 1 << 20, false));
registry.sinks.register('h8_stall_abort', stallingSink('h8_stall_abort', 1 << 20, true));

const config = (sink: string): Record<string, unknown> => ({
  version: 1, seed: 1,
  period: { start: '2025-01-01', months: 3 },
  companies: [{ code: '1000', name: 'Acme', currency: 'USD', country: 'US', volume: 8000 }],
  sources: { gl: { type: 'journal_entries' } },
  sinks: { stuck: { type: sink, inputs: ['gl'] } },
  shutdown: { grace_ms: 300 },
  control: { uri: tmp() },
});

describe('shutdown.grace_ms bounds a graceful stop', { timeout: 30_000 }, () => {
  it('a stuck sink: stopped within the grace period, manifest incomplete with DSP_SHUTDOWN_TIMEOUT, exit 75', async () => {
    const ac = new AbortController();
    let stalledAt = 0;
    const loaded = loadConfigObject(config('h8_stall'));
    const started = Date.now();
    onStall = () => {
      if (stalledAt) return;
      stalledAt = Date.now();
      setTimeout(() => ac.abort({ code: 'DSP_SIGNAL_SIGTERM', message: 'stopped by SIGTERM' }), 100);
    };
    const r = await runPipeline({ loaded, signal: ac.signal, gates: { mode: 'off' } });
    const took = Date.now() - started;
    expect(stalledAt).toBeGreaterThan(0);
    expect(r.exitCode).toBe(75);
    expect(r.status).toBe('incomplete');
    expect(r.manifest.status_reason?.code).toBe('DSP_SHUTDOWN_TIMEOUT');
    expect(Date.now() - stalledAt).toBeLessThan(100 + 300 + 1000 + 2000); // abort delay + grace + abort budget + slack
    expect(took).toBeLessThan(20_000);
    expect(r.manifest.warnings.map((w) => w.code)).not.toContain('DSP_WARN_ABORT_INCOMPLETE');
  });

  it('an abort that hangs too is listed as DSP_WARN_ABORT_INCOMPLETE', async () => {
    const ac = new AbortController();
    let fired = false;
    const loaded = loadConfigObject(config('h8_stall_abort'));
    onStall = () => {
      if (fired) return;
      fired = true;
      setTimeout(() => ac.abort({ code: 'DSP_SIGNAL_SIGTERM', message: 'stopped by SIGTERM' }), 100);
    };
    const r = await runPipeline({ loaded, signal: ac.signal, gates: { mode: 'off' } });
    expect(r.exitCode).toBe(75);
    const w = r.manifest.warnings.find((x) => x.code === 'DSP_WARN_ABORT_INCOMPLETE');
    expect(w?.message).toMatch(/stuck\/journal_entry_lines/);
  });
});
