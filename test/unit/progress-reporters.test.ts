/** The stderr progress displays (controls.md §10.2): NDJSON event fields and the multi-line bar. */
import { describe, it, expect } from 'vitest';
import { createProgressReporter } from '../../src/cli/progress.js';
import type { RunEvent } from '../../src/engine/progress.js';

function capture(): { stream: NodeJS.WriteStream; text: () => string } {
  let out = '';
  const stream = { write: (s: string) => { out += s; return true; }, isTTY: true } as unknown as NodeJS.WriteStream;
  return { stream, text: () => out };
}

const comps = { gl: { kind: 'source' as const, type: 'journal_entries', recv: 0, sent: 5000, bytes: 0, recvBytes: 0, sentBytes: 0, errors: 0 } };
const events: RunEvent[] = [
  { type: 'start', runId: 'r1', plannedRows: 10000, plannedRowsByTable: { journal_entry_lines: 9000, je_approvals: 1000 }, partitions: 2, configHash: 'h', seed: '7' },
  { type: 'ready' },
  { type: 'guard', at: '2026-01-01T00:00:00.000Z', from: 'normal', to: 'reduced', level: 1, resource: 'memory', value: 0.72, threshold: 0.7, action: 'halve in-flight budget' },
  { type: 'pause', at: '2026-01-01T00:00:01.000Z', reason: 'signal' },
  { type: 'progress', rows: 5000, bytes: 1e6, table: 'journal_entry_lines', elapsedMs: 1000, tableRows: { journal_entry_lines: 4500, je_approvals: 500 }, components: comps, guardLevel: 1, paused: ['signal'] },
  { type: 'resume', at: '2026-01-01T00:00:02.000Z', reason: 'signal' },
  { type: 'end', status: 'complete', exitCode: 0, durationMs: 3000, manifestUri: 'file:///m', rows: 10000, bytes: 2e6, components: comps, guardLevel: 1 },
];

describe('ndjson progress', () => {
  it('one parseable object per line with the fields of controls.md §10.2; no ready event', () => {
    const c = capture();
    const r = createProgressReporter('ndjson', c.stream);
    for (const e of events) r.onEvent(e);
    r.close();
    const lines = c.text().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.type)).toEqual(['start', 'guard', 'pause', 'progress', 'resume', 'end']);
    for (const l of lines) expect(l).toMatchObject({ v: 1, run_id: 'r1', shard: '0/1' });
    expect(lines[1]).toMatchObject({ at: '2026-01-01T00:00:00.000Z', from: 'normal', to: 'reduced', resource: 'memory', value: 0.72, threshold: 0.7, action: 'halve in-flight budget' });
    expect(lines[2]).toMatchObject({ reason: 'signal' });
    expect(lines[3]).toMatchObject({ rows: 5000, rows_planned: 10000, guard_level: 1, paused: true, components: { gl: { recv: 0, sent: 5000, bytes: 0, errors: 0 } } });
    expect(lines[5]).toMatchObject({ status: 'complete', exit_code: 0, guard_level: 1 });
  });
});

describe('bar progress', () => {
  it('draws one line per table plus a total line with the guard level and the pause', () => {
    const c = capture();
    const r = createProgressReporter('bar', c.stream);
    for (const e of events.slice(0, 5)) r.onEvent(e);
    const drawn = c.text();
    expect(drawn).toMatch(/\[shard 0\/1\] journal_entry_lines 4,500\/9,000 .* rows\/s {2}ETA/);
    expect(drawn).toMatch(/je_approvals +500\/1,000/);
    expect(drawn).toMatch(/5,000\/10,000 .*guard: reduced {2}PAUSED \(signal\)/);
    r.onEvent(events[6]);
    r.close();
    // The end erases the drawing (cursor up over the lines, clear to end) and prints the summary.
    expect(c.text()).toContain('\u001b[2A\u001b[0Jcomplete: 10,000 rows');
  });
});
