/** The exposition writer and the run metrics (controls.md §10.1, §10.3), read back with a strict parser. */
import { describe, it, expect, afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatExposition } from '../../src/metrics/prometheus.js';
import { RunMetrics } from '../../src/metrics/collector.js';
import { MetricsExporter, parseListen } from '../../src/metrics/exporter.js';
import type { RunEvent } from '../../src/engine/progress.js';
import { parseExposition, sampleValue } from '../support/prometheus-parse.js';
import { tempDirs } from '../support/cli.js';

const { tmp, cleanup } = tempDirs('dsp-metrics-');
afterAll(cleanup);

const comps = {
  gl: { kind: 'source' as const, type: 'journal_entries', recv: 0, sent: 1000448, bytes: 0, recvBytes: 0, sentBytes: 0, errors: 0 },
  out: { kind: 'sink' as const, type: 'file', recv: 1000448, sent: 1000448, bytes: 5_000_000, recvBytes: 0, sentBytes: 5_000_000, errors: 1 },
};
const run: RunEvent[] = [
  { type: 'start', runId: 'r', plannedRows: 1000448, plannedRowsByTable: { journal_entry_lines: 1000448 }, partitions: 3, configHash: 'h', seed: '1' },
  { type: 'ready' },
  { type: 'progress', rows: 10, bytes: 5, table: 'journal_entry_lines', elapsedMs: 1, components: comps, guardLevel: 2, paused: ['guard'], rssBytes: 123, diskFree: { path: '/out "x"\\y', bytes: 42 }, sinkBufferedBytes: { out: 7 } },
  { type: 'output', sink: 'out', uri: 'file:///x', table: 'journal_entry_lines', partitions: [0], rows: 1000448, bytes: 5_000_000, sha256: 'a' },
];

describe('formatExposition', () => {
  it('escapes label values and help, and parses strictly', () => {
    const text = formatExposition([
      { name: 'a_total', help: 'Line\nfeed \\ back', type: 'counter', samples: [{ labels: { k: 'q"u\\o\nte' }, value: 3 }] },
      { name: 'b', help: 'g', type: 'gauge', samples: [{ labels: {}, value: -Infinity }, { labels: { x: '1' }, value: NaN }] },
    ]);
    expect(text).toContain('a_total{k="q\\"u\\\\o\\nte"} 3\n');
    const f = parseExposition(text);
    expect(f.get('a_total')!.samples[0].labels.k).toBe('q"u\\o\nte');
    expect(f.get('a_total')!.help).toBe('Line\nfeed \\ back');
    expect(sampleValue(f, 'b')).toBe(-Infinity);
  });

  it('the strict parser rejects what the format forbids', () => {
    expect(() => parseExposition('x 1\n')).toThrow(/without a TYPE/);
    expect(() => parseExposition('# TYPE x gauge\nx{a="b} 1\n')).toThrow();
    expect(() => parseExposition('# TYPE x gauge\nx 1\nx 2\n')).toThrow(/duplicate/);
    expect(() => parseExposition('# TYPE x gauge\nx one\n')).toThrow(/bad value/);
    expect(() => parseExposition('# TYPE x gauge\nx 1')).toThrow(/line feed/);
  });
});

describe('RunMetrics', () => {
  it('has the Vector-style names and labels of controls.md §10.1', () => {
    const m = new RunMetrics();
    for (const e of run) m.onEvent(e);
    const f = parseExposition(formatExposition(m.families()));
    const gl = { component_id: 'gl', component_kind: 'source', component_type: 'journal_entries' };
    expect(sampleValue(f, 'component_sent_events_total', gl)).toBe(1000448);
    expect(f.get('component_sent_events_total')!.type).toBe('counter');
    expect(sampleValue(f, 'component_sent_bytes_total', { component_id: 'out' })).toBe(5_000_000);
    expect(sampleValue(f, 'component_errors_total', { component_id: 'out', error_type: 'processing' })).toBe(1);
    expect(sampleValue(f, 'pipeline_outputs_committed_total', { sink: 'out' })).toBe(1);
    expect(sampleValue(f, 'pipeline_rows_planned', { table: 'journal_entry_lines' })).toBe(1000448);
    expect(sampleValue(f, 'pipeline_guard_level')).toBe(2);
    expect(sampleValue(f, 'pipeline_paused', { reason: 'guard' })).toBe(1);
    expect(sampleValue(f, 'pipeline_paused', { reason: 'signal' })).toBe(0);
    expect(sampleValue(f, 'pipeline_disk_free_bytes', { path: '/out "x"\\y' })).toBe(42);
    expect(sampleValue(f, 'sink_buffered_bytes', { component_id: 'out' })).toBe(7);
    expect(sampleValue(f, 'process_resident_memory_bytes')).toBe(123);
    m.onEvent({ type: 'resume', at: 'x', reason: 'guard' });
    expect(sampleValue(parseExposition(formatExposition(m.families())), 'pipeline_paused', { reason: 'guard' })).toBe(0);
  });
});

describe('MetricsExporter', () => {
  it('serves /metrics and /ready, and rewrites the metrics file', async () => {
    const file = join(tmp(), 'dsp.prom');
    const ex = new MetricsExporter({ listen: '127.0.0.1:0', file, intervalMs: 20 });
    await ex.start();
    const { port } = ex.address()!;
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/ready`)).status).toBe(503);
    for (const e of run) ex.onEvent(e);
    expect((await fetch(`${base}/ready`)).status).toBe(200);
    const res = await fetch(`${base}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(sampleValue(parseExposition(await res.text()), 'pipeline_guard_level')).toBe(2);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    // The textfile is rewritten on its interval: wait for the rewrite (bounded), not a fixed sleep (loaded CI machines).
    const deadline = Date.now() + 5000;
    const current = (): number | undefined => {
      try {
        return sampleValue(parseExposition(readFileSync(file, 'utf8')), 'component_sent_events_total', { component_id: 'gl' });
      } catch {
        return undefined;
      }
    };
    while (current() !== 1000448 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(current()).toBe(1000448);
    ex.onEvent({ type: 'end', status: 'complete', exitCode: 0, durationMs: 1, manifestUri: null, rows: 1, bytes: 1, components: { ...comps, gl: { ...comps.gl, sent: 2000000 } }, guardLevel: 0 });
    await ex.close();
    const final = parseExposition(readFileSync(file, 'utf8'));
    expect(sampleValue(final, 'component_sent_events_total', { component_id: 'gl' })).toBe(2000000);
    expect(sampleValue(final, 'pipeline_guard_level')).toBe(0);
  });

  it('parseListen', () => {
    expect(parseListen('127.0.0.1:9464')).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(parseListen('[::1]:80')).toEqual({ host: '::1', port: 80 });
    expect(() => parseListen('9464')).toThrow(/host:port/);
  });
});
