/**
 * Running big jobs from the CLI (controls.md §7, §10): SIGUSR1 pause/resume with
 * metrics scraped while paused, the real resource guard acting on configured
 * thresholds, a disk Emergency stopping the run, and the metrics file.
 * Runs the BUILT CLI (npx tsc -p tsconfig.json first).
 */
import { describe, it, expect, afterAll, beforeAll } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { REPO, runCli, sha256File, startCli, tempDirs } from '../support/cli.js';
import { parseExposition, sampleValue } from '../support/prometheus-parse.js';

const SMALL = join(REPO, 'test/fixtures/small.yaml');
const { tmp, cleanup } = tempDirs('dsp-guard-cli-');
afterAll(cleanup);

interface ManifestLike {
  status: string;
  status_reason: { code: string } | null;
  outputs: Array<{ rel: string; role: string; sha256: string }>;
  tables: Record<string, { rows: number }>;
  components: Record<string, { sent_events: number; received_events: number; sent_bytes: number }>;
  guard: { max_level: string; events: Array<{ to: string }> };
  pauses: Array<{ from: string; to: string | null; reason: string }>;
}
type Event = Record<string, unknown> & { type: string; ts: string };

const manifestOf = (dir: string): ManifestLike => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as ManifestLike;
const dataHashes = (dir: string): Record<string, string> => Object.fromEntries(manifestOf(dir).outputs.filter((o) => o.role === 'data').map((o) => [o.rel, o.sha256]));
/** stderr lines that are progress events (pino log lines have no `type`). */
const eventsOf = (stderr: string): Event[] => stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Event).filter((e) => typeof e.type === 'string');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let baseline: string;
beforeAll(async () => {
  baseline = tmp();
  const r = await runCli(['run', SMALL, '--out', baseline, '--gates', 'off', '-q']);
  expect(r.code).toBe(0);
});

describe('SIGUSR1 pauses and resumes the run', () => {
  let out: string;
  let stderr: string;
  let code: number | null;
  let whilePaused: { ready: number; metrics: string; rows: number[] };
  beforeAll(async () => {
    out = tmp();
    const port = await freePort();
    const { child, done } = startCli(['run', SMALL, '--out', out, '--gates', 'off', '--progress', 'ndjson', '--progress-interval', '50', '--metrics-listen', `127.0.0.1:${port}`]);
    let buf = '';
    const seen = (s: string): Promise<void> => new Promise((resolve) => {
      const check = (): void => {
        if (buf.includes(s)) resolve();
        else setTimeout(check, 10);
      };
      check();
    });
    child.stderr!.on('data', (d: Buffer) => (buf += d.toString()));
    await seen('"type":"progress"');
    child.kill('SIGUSR1');
    await seen('datasynth-pipe: paused (SIGUSR1)');
    await sleep(300); // the in-flight batch lands
    const from = eventsOf(buf).length;
    await sleep(700);
    const ready = (await fetch(`http://127.0.0.1:${port}/ready`)).status;
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const rows = eventsOf(buf).slice(from).filter((e) => e.type === 'progress').map((e) => e.rows as number);
    whilePaused = { ready, metrics, rows };
    child.kill('SIGUSR1');
    const r = await done;
    stderr = r.stderr;
    code = r.code;
  });

  it('says so on stderr and finishes exit 0 with output identical to an unpaused run', () => {
    expect(stderr).toContain('datasynth-pipe: paused (SIGUSR1); send SIGUSR1 again to resume');
    expect(stderr).toContain('datasynth-pipe: resumed');
    expect(code).toBe(0);
    expect(dataHashes(out)).toEqual(dataHashes(baseline));
    for (const [rel, sha] of Object.entries(dataHashes(out))) expect(sha256File(join(out, rel))).toBe(sha);
  });

  it('produces no rows while paused (progress keeps ticking with the same count)', () => {
    expect(whilePaused.rows.length).toBeGreaterThanOrEqual(5);
    expect(new Set(whilePaused.rows).size).toBe(1);
  });

  it('pause/resume are progress events, manifest pauses and run-log records', () => {
    const events = eventsOf(stderr);
    const pause = events.find((e) => e.type === 'pause')!;
    const resume = events.find((e) => e.type === 'resume')!;
    expect(pause.reason).toBe('signal');
    expect(resume.reason).toBe('signal');
    expect(events.filter((e) => e.type === 'progress' && e.ts > pause.ts && e.ts < resume.ts).every((e) => e.paused === true)).toBe(true);
    const m = manifestOf(out);
    expect(m.pauses).toHaveLength(1);
    expect(m.pauses[0].reason).toBe('signal');
    expect(Date.parse(m.pauses[0].to!) - Date.parse(m.pauses[0].from)).toBeGreaterThanOrEqual(900);
    const log = readdirSync(join(out, '_runlog')).map((f) => readFileSync(join(out, '_runlog', f), 'utf8')).join('').trim().split('\n').map((l) => JSON.parse(l) as { action: string; actor: string });
    expect(log.filter((r) => (r.action === 'pause' || r.action === 'resume') && r.actor === 'signal:SIGUSR1')).toHaveLength(2);
  });

  it('/ready and /metrics answer while paused; the exposition parses strictly', () => {
    expect(whilePaused.ready).toBe(200);
    const f = parseExposition(whilePaused.metrics);
    expect(sampleValue(f, 'pipeline_paused', { reason: 'signal' })).toBe(1);
    expect(sampleValue(f, 'pipeline_guard_level')).toBe(0);
    expect(sampleValue(f, 'pipeline_rows_planned', { table: 'journal_entry_lines' })).toBeGreaterThan(0);
    expect(sampleValue(f, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('progress NDJSON: every event parses, and the final counts equal the manifest', () => {
    const events = eventsOf(stderr);
    expect(events[0].type).toBe('start');
    const end = events.at(-1)!;
    expect(end.type).toBe('end');
    const m = manifestOf(out);
    const comps = end.components as Record<string, { recv: number; sent: number; bytes: number }>;
    for (const [id, c] of Object.entries(m.components)) {
      expect(comps[id].sent).toBe(c.sent_events);
      expect(comps[id].recv).toBe(c.received_events);
    }
    expect(comps.out.bytes).toBe(m.components.out.sent_bytes);
    expect(events.filter((e) => e.type === 'output')).toHaveLength(m.outputs.length);
  });
});

describe('SIGTERM while paused', () => {
  it('stops at once: exit 75, manifest aborted with the open pause, no temp files', async () => {
    const out = tmp();
    const { child, done } = startCli(['run', SMALL, '--out', out, '--gates', 'off', '--progress', 'ndjson', '--progress-interval', '0']);
    let buf = '';
    let termAt = 0;
    child.stderr!.on('data', (d: Buffer) => {
      const before = buf;
      buf += d.toString();
      if (!before.includes('"type":"progress"') && buf.includes('"type":"progress"')) child.kill('SIGUSR1');
      if (!termAt && buf.includes('paused (SIGUSR1)')) {
        termAt = Date.now();
        setTimeout(() => child.kill('SIGTERM'), 200);
      }
    });
    const r = await done;
    expect(termAt).toBeGreaterThan(0);
    expect(r.code).toBe(75);
    expect(Date.now() - termAt).toBeLessThan(10_000);
    const m = manifestOf(out);
    expect(m.status).toBe('aborted');
    expect(m.status_reason?.code).toBe('DSP_SIGNAL_SIGTERM');
    expect(m.pauses).toEqual([expect.objectContaining({ reason: 'signal', to: null })]);
    expect((readdirSync(out, { recursive: true }) as string[]).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});

describe('the real resource guard', () => {
  it('a low Reduced threshold: a guard event, level 1 in progress, same output', async () => {
    const out = tmp();
    const prom = join(out, 'dsp.prom');
    const r = await runCli(['run', SMALL, '--out', out, '--gates', 'off', '--progress', 'ndjson', '--progress-interval', '100', '-q',
      '--set', 'guard.memory.reduced=0.0001', '--set', 'guard.interval_ms=20', '--metrics-file', prom]);
    expect(r.code).toBe(0);
    const events = eventsOf(r.stderr);
    const g = events.find((e) => e.type === 'guard')!;
    expect(g).toMatchObject({ from: 'normal', to: 'reduced', level: 1, resource: 'memory', threshold: 0.0001, action: 'halve in-flight budget' });
    expect(events.at(-1)).toMatchObject({ type: 'end', status: 'complete', guard_level: 1 });
    expect(dataHashes(out)).toEqual(dataHashes(baseline));
    const m = manifestOf(out);
    expect(m.guard.max_level).toBe('reduced');
    // The metrics file's last rewrite holds the final counters of the manifest.
    const f = parseExposition(readFileSync(prom, 'utf8'));
    for (const [id, c] of Object.entries(m.components)) {
      expect(sampleValue(f, 'component_sent_events_total', { component_id: id })).toBe(c.sent_events);
      expect(sampleValue(f, 'component_received_events_total', { component_id: id })).toBe(c.received_events);
    }
    expect(sampleValue(f, 'pipeline_outputs_committed_total', { sink: 'out' })).toBe(m.outputs.length);
    expect(sampleValue(f, 'pipeline_guard_level')).toBe(1);
  });

  it('free disk below the Emergency threshold: exit 75, manifest aborted, nothing partial', async () => {
    const out = tmp();
    const r = await runCli(['run', SMALL, '--out', out, '--gates', 'off', '--progress', 'ndjson', '--progress-interval', '0',
      '--set', 'guard.disk_free_mb.reduced=300000000', '--set', 'guard.disk_free_mb.minimal=200000000',
      '--set', 'guard.disk_free_mb.emergency=100000000', '--set', 'guard.disk_interval_ms=20']);
    expect(r.code).toBe(75);
    expect(r.stderr).toContain('DSP_GUARD_EMERGENCY');
    const m = manifestOf(out);
    expect(m.status).toBe('aborted');
    expect(m.status_reason?.code).toBe('DSP_GUARD_EMERGENCY');
    expect(m.guard.events.map((e) => e.to)).toEqual(['minimal', 'emergency']);
    expect(existsSync(join(out, '_SUCCESS'))).toBe(false);
    expect(existsSync(join(out, 'journal_entry_lines.csv'))).toBe(false);
    expect((readdirSync(out, { recursive: true }) as string[]).filter((f) => f.includes('.tmp-'))).toEqual([]);
    for (const o of m.outputs) expect(sha256File(join(out, o.rel))).toBe(o.sha256);
    expect(eventsOf(r.stderr).at(-1)).toMatchObject({ type: 'end', status: 'aborted', exit_code: 75 });
  });

  it('misordered thresholds are a config error before anything is written', async () => {
    const out = tmp();
    const r = await runCli(['run', SMALL, '--out', out, '--gates', 'off', '-q', '--set', 'guard.disk_free_mb.emergency=100000000']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/guard\.disk_free_mb\.minimal: minimal \(500 MB\) must be above emergency \(100000000 MB\)/);
    expect(readdirSync(out)).toEqual([]);
  });

  it('--log-level info writes structured JSON log records; a bad level is a usage error', async () => {
    const out = tmp();
    const r = await runCli(['run', SMALL, '--out', out, '--gates', 'off', '-q', '--log-level', 'info']);
    expect(r.code).toBe(0);
    const logs = r.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level: number; event: string; msg: string });
    expect(logs.map((l) => l.event)).toEqual(expect.arrayContaining(['run.start', 'run.end']));
    expect(logs.every((l) => typeof l.level === 'number' && typeof l.msg === 'string')).toBe(true);
    const bad = await runCli(['run', SMALL, '--out', tmp(), '--log-level', 'loud']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--log-level must be one of/);
  });
});
