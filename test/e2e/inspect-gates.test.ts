/**
 * `datasynth-pipe inspect gates <out>` (controls.md §6.4): the stored accumulator states of a finished
 * run, re-evaluated under another profile without reading data — same values as the run's gates.json
 * under the run's profile, a different outcome under another one, exit 2 on an enforced failure, exit 1
 * with DSP_GATES_NO_STATE when the run had gates off.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDirs } from '../support/cli.js';

const { tmp, cleanup } = tempDirs('dsp-inspect-gates-');
afterAll(cleanup);

/** One company, two months; `amounts` of a single magnitude break Benford (a real violation, not a mock). */
function pipeline(gl = ''): string {
  return `version: 1
seed: 11
period: { start: 2025-01-01, months: 2 }
companies: [{ code: "1000", name: Acme US, currency: USD, country: US, volume: 6000 }]
sources:
  coa: { type: chart_of_accounts, complexity: small }
  gl: { type: journal_entries${gl} }
sinks:
  out: { type: file, inputs: [coa, gl], path: ./out, format: csv }
`;
}

interface Result { gate: string; status: string; value: number | null; threshold: number }
interface Report { profile: string; enforce: boolean; passed: boolean; summary: string; results: Result[] }

async function runIn(yaml: string, args: string[]): Promise<string> {
  const dir = tmp();
  writeFileSync(join(dir, 'pipeline.yaml'), yaml);
  const r = await runCli(['run', 'pipeline.yaml', '--progress', 'none', '-q', ...args], { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
  return dir;
}

const byGate = (report: Report): Record<string, Result> => Object.fromEntries(report.results.map((r) => [r.gate, r]));

describe('inspect gates', () => {
  it('re-evaluates a run: same values under its profile, other thresholds under another, exit 2 on failure', async () => {
    const dir = await runIn(pipeline(', transactions: { line_item_distribution: { two_items: 1 }, amounts: { lognormal_mu: 8.0, lognormal_sigma: 0.02 } }'), ['--gates', 'warn']);
    const stored = JSON.parse(readFileSync(join(dir, 'out', 'gates.json'), 'utf8')) as Report;
    expect(stored.passed).toBe(false);

    // --out directory (the control root is found below it) and the control root itself both work.
    const same = await runCli(['inspect', 'gates', dir, '--format', 'json']);
    expect(same.code, same.stderr).toBe(2);
    const again = JSON.parse(same.stdout) as Report;
    expect(again.profile).toBe(stored.profile);
    for (const [gate, r] of Object.entries(byGate(stored))) {
      expect(byGate(again)[gate]).toMatchObject({ status: r.status, value: r.value, threshold: r.threshold });
    }

    const text = await runCli(['inspect', 'gates', join(dir, 'out'), '--gates-profile', 'lenient']);
    expect(text.code).toBe(2);
    expect(text.stdout).toMatch(/FAIL +benford_mad/);
    expect(text.stdout).toMatch(/profile: lenient/);
    expect(text.stdout).toContain('_manifests/shard-00000-of-00001.gates-state.json');

    const warn = await runCli(['inspect', 'gates', dir, '--gates', 'warn', '--format', 'json']);
    expect(warn.code, warn.stderr).toBe(0);
    expect(JSON.parse(warn.stdout)).toMatchObject({ enforce: false, passed: false });

    // Profile none: no built-in gates, so nothing can fail.
    const none = await runCli(['inspect', 'gates', dir, '--gates-profile', 'none', '--format', 'json']);
    expect(none.code, none.stderr).toBe(0);
    expect(JSON.parse(none.stdout)).toMatchObject({ profile: 'none', passed: true, results: [] });
  }, 120_000);

  it('a clean run passes strict; strict thresholds are tighter than lenient ones on the same values', async () => {
    const dir = await runIn(pipeline(), ['--gates', 'enforce']);
    const strict = JSON.parse((await runCli(['inspect', 'gates', dir, '--gates-profile', 'strict', '--format', 'json'])).stdout) as Report;
    const lenient = JSON.parse((await runCli(['inspect', 'gates', dir, '--gates-profile', 'lenient', '--format', 'json'])).stdout) as Report;
    expect(strict.passed).toBe(true);
    const s = byGate(strict);
    const l = byGate(lenient);
    expect(s.benford_mad.value).toBe(l.benford_mad.value);
    expect(s.benford_mad.threshold).toBeLessThan(l.benford_mad.threshold);
    expect(s.completion_rate.threshold).toBeGreaterThan(l.completion_rate.threshold);
  }, 120_000);

  it('--progress ndjson carries one gates event before end (passed, failed gate names, report URI)', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'pipeline.yaml'), pipeline(', transactions: { line_item_distribution: { two_items: 1 }, amounts: { lognormal_mu: 8.0, lognormal_sigma: 0.02 } }'));
    const r = await runCli(['run', 'pipeline.yaml', '--progress', 'ndjson', '--progress-interval', '0', '-q'], { cwd: dir });
    expect(r.code, r.stderr).toBe(2);
    const events = r.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { type: string; [k: string]: unknown });
    const gates = events.filter((e) => e.type === 'gates');
    expect(gates).toHaveLength(1);
    expect(gates[0]).toMatchObject({ v: 1, passed: false, enforce: true, failed: ['benford_mad'], profile: 'default' });
    expect(String(gates[0].report)).toMatch(/^file:.*\/out\/gates\.json$/);
    expect(events.findIndex((e) => e.type === 'gates')).toBeLessThan(events.findIndex((e) => e.type === 'end'));
  }, 120_000);

  it('a run with gates off has no state: exit 1 with DSP_GATES_NO_STATE; bad flags are usage errors', async () => {
    const dir = await runIn(pipeline(), ['--gates', 'off']);
    const r = await runCli(['inspect', 'gates', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/DSP_GATES_NO_STATE: no quality-gate state .*--gates warn or --gates enforce/);
    const bad = await runCli(['inspect', 'gates', dir, '--gates-profile', 'tough']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--gates-profile must be strict, default, lenient or none/);
  }, 120_000);
});
