/**
 * Quality gates through the built CLI (controls.md §6, architecture.md §7): for each metric a
 * pipeline crafted to violate it exits 2 naming that metric, with no `_SUCCESS`; a clean run
 * passes the strict profile; `--gates warn` exits 0 with DSP_WARN_GATES_FAILED.
 *
 * Crafted violations (real data, default thresholds) for benford_mad, completion_rate,
 * duplicate_rate, referential_integrity, balance_coherence, document_chain_integrity and
 * ic_match_rate. temporal_consistency follows the generator's own day weights (r ≈ 1), so no
 * config can break it: that test uses an override threshold above what any run reaches.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, sha256File, tempDirs } from '../support/cli.js';
import type { Manifest } from '../../src/provenance/manifest.js';

const { tmp, cleanup } = tempDirs('dsp-gates-');
afterAll(cleanup);

interface Pipeline { gl?: string; sources?: string; transforms?: string; inputs?: string; sinkExtra?: string; gates?: string; volume?: [number, number] }

function pipeline(p: Pipeline): string {
  const [v1, v2] = p.volume ?? [6000, 1500];
  return `version: 1
seed: 7
period: { start: 2025-01-01, months: 2 }
companies:
  - { code: "1000", name: Acme US, currency: USD, country: US, volume: ${v1} }
  - { code: "2000", name: Acme DE, currency: EUR, country: DE, volume: ${v2} }
sources:
  companies: { type: companies }
  coa: { type: chart_of_accounts, complexity: small }
  users: { type: je_users }
  cost_centers: { type: cost_centers }
  gl: { type: journal_entries${p.gl ?? ''} }
${p.sources ?? ''}
${p.transforms ? `transforms:\n${p.transforms}` : ''}
sinks:
  out: { type: file, inputs: [${p.inputs ?? 'companies, coa, users, cost_centers, gl'}], path: ./out, format: csv${p.sinkExtra ?? ''} }
${p.gates ?? ''}
`;
}

interface GateResult { gate: string; metric: string; status: string; value: number | null; message: string; details: Record<string, unknown> }
interface Report { gates_version: string; run_id: string; profile: string; strategy: string; enforce: boolean; passed: boolean; counts: Record<string, number>; summary: string; results: GateResult[] }

async function run(p: Pipeline, args: string[] = []): Promise<{ code: number | null; stderr: string; dir: string; report: Report; manifest: Manifest }> {
  const dir = tmp();
  writeFileSync(join(dir, 'pipeline.yaml'), pipeline(p));
  const r = await runCli(['run', 'pipeline.yaml', '--progress', 'none', ...args], { cwd: dir });
  const out = join(dir, 'out');
  const report = JSON.parse(readFileSync(join(out, 'gates.json'), 'utf8')) as Report;
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
  return { code: r.code, stderr: r.stderr, dir: out, report, manifest };
}

const status = (report: Report): Record<string, string> => Object.fromEntries(report.results.map((r) => [r.gate, r.status]));

/** An enforced gate failure: exit 2, DSP_GATE_FAILED naming the metric, run failed, no _SUCCESS, table on stderr. */
function expectGateFailure(res: Awaited<ReturnType<typeof run>>, metric: string): void {
  expect(res.code, res.stderr).toBe(2);
  expect(res.stderr).toMatch(new RegExp(`DSP_GATE_FAILED: quality gates failed: .*${metric}`));
  expect(res.stderr).toMatch(new RegExp(`FAIL +${metric}`));
  expect(status(res.report)[metric]).toBe('fail');
  expect(res.report.passed).toBe(false);
  expect(res.manifest.status).toBe('failed');
  expect(res.manifest.status_reason?.code).toBe('DSP_GATE_FAILED');
  expect(res.manifest.gates).toMatchObject({ enabled: true, enforce: true, passed: false, report: 'gates.json' });
  expect(res.manifest.gates?.failed).toContain(metric);
  expect(existsSync(join(res.dir, '_SUCCESS'))).toBe(false);
}

describe('gates through the CLI', () => {
  it('a clean run passes the strict profile; gates.json, gate state and the manifest agree', async () => {
    const res = await run({ volume: [36000, 9000] }, ['--gates-profile', 'strict']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.report).toMatchObject({ gates_version: '1.0', profile: 'strict', strategy: 'collect_all', enforce: true, passed: true });
    expect(Object.keys(res.report)).toEqual(['gates_version', 'run_id', 'profile', 'strategy', 'enforce', 'passed', 'counts', 'summary', 'results']);
    expect(res.report.run_id).toBe(res.manifest.run_id);
    expect(status(res.report)).toEqual({
      benford_mad: 'pass', balance_coherence: 'pass', document_chain_integrity: 'not_applicable', temporal_consistency: 'pass',
      completion_rate: 'pass', duplicate_rate: 'pass', referential_integrity: 'pass', ic_match_rate: 'not_applicable',
    });
    expect(res.report.summary).toBe('6/6 gates passed, 2 not applicable (profile: strict)');
    for (const r of res.report.results) expect(Object.keys(r)).toEqual(['gate', 'metric', 'comparison', 'threshold', 'upper_threshold', 'value', 'n', 'status', 'required', 'message', 'details']);
    expect(res.manifest.gates).toEqual({
      enabled: true, profile: 'strict', enforce: true, strategy: 'collect_all', passed: true,
      counts: { pass: 6, fail: 0, not_evaluated: 0, not_applicable: 2, skipped: 0 }, failed: [], report: 'gates.json',
      report_sha256: sha256File(join(res.dir, 'gates.json')),
    });
    expect(res.stderr).toMatch(/quality gates: 6\/6 gates passed/);
    const state = JSON.parse(readFileSync(join(res.dir, '_manifests', 'shard-00000-of-00001.gates-state.json'), 'utf8'));
    expect(state.run_id).toBe(res.manifest.run_id);
    expect(Object.keys(state.states).sort()).toEqual(['balance_coherence', 'benford_mad', 'completion_rate', 'document_chain_integrity', 'duplicate_rate', 'ic_match_rate', 'referential_integrity', 'temporal_consistency']);
    expect(existsSync(join(res.dir, '_SUCCESS'))).toBe(true);
    const verify = await runCli(['verify', res.dir]);
    expect(verify.code, verify.stdout).toBe(0);
    expect(verify.stdout).toMatch(/\[PASS\] V11 gates\.json gates\.json sha256/);
    expect(verify.stdout).not.toMatch(/V12/);
  }, 120_000);

  it('benford_mad: amounts of one magnitude fail; --gates warn completes with DSP_WARN_GATES_FAILED', async () => {
    const gl = ', transactions: { line_item_distribution: { two_items: 1 }, amounts: { lognormal_mu: 8.0, lognormal_sigma: 0.02 } }';
    const res = await run({ gl });
    expectGateFailure(res, 'benford_mad');
    expect(res.report.results[0].details.band).toBe('nonconforming');
    const warn = await run({ gl }, ['--gates', 'warn']);
    expect(warn.code, warn.stderr).toBe(0);
    expect(warn.report).toMatchObject({ enforce: false, passed: false });
    expect(warn.manifest.status).toBe('complete');
    expect(warn.manifest.warnings.map((w) => w.code)).toContain('DSP_WARN_GATES_FAILED');
    expect(existsSync(join(warn.dir, '_SUCCESS'))).toBe(true);
    expect(warn.stderr).toMatch(/\[warn only\]/);
  }, 120_000);

  it('completion_rate, duplicate_rate: missing values and duplicated entries (data_quality)', async () => {
    const res = await run({
      transforms: '  noise: { type: data_quality, inputs: [gl], missing_values: { rate: 0.9 }, duplicates: { rate: 0.3 } }',
      inputs: 'companies, coa, users, cost_centers, noise',
    });
    for (const metric of ['completion_rate', 'duplicate_rate']) expectGateFailure(res, metric);
    expect(status(res.report)).toMatchObject({ benford_mad: 'pass', balance_coherence: 'pass', temporal_consistency: 'pass', referential_integrity: 'pass' });
  }, 120_000);

  it('referential_integrity: cost centers mangled by identifier format variations (data_quality)', async () => {
    const res = await run({
      transforms: '  noise: { type: data_quality, inputs: [gl], format_variations: { identifiers: { rate: 1.0 } } }',
      inputs: 'companies, coa, users, cost_centers, noise',
    });
    expectGateFailure(res, 'referential_integrity');
    const ri = res.report.results.find((r) => r.gate === 'referential_integrity')!;
    expect((ri.details.foreign_keys as Record<string, { invalid: number }>)['journal_entry_lines.cost_center->cost_centers.cost_center_id'].invalid).toBeGreaterThan(0);
  }, 120_000);

  it('balance_coherence: unbalancing anomalies whose labels are not written', async () => {
    const res = await run({
      transforms: '  fraud: { type: anomalies, inputs: [gl], rate: 0.5 }',
      inputs: 'companies, coa, users, cost_centers, fraud',
      sinkExtra: ', tables: [companies, chart_of_accounts, je_users, cost_centers, journal_entry_lines]',
    });
    expectGateFailure(res, 'balance_coherence');
    // With the labels written, the same entries are excluded and the gate passes.
    const labelled = await run({ transforms: '  fraud: { type: anomalies, inputs: [gl], rate: 0.5 }', inputs: 'companies, coa, users, cost_centers, fraud', gates: 'gates: { profile: none, custom: [{ name: balance, metric: balance_coherence, comparison: gte, threshold: 0.99 }] }' });
    expect(status(labelled.report)).toEqual({ balance: 'pass' });
    expect(labelled.code).toBe(0);
  }, 120_000);

  it('document_chain_integrity: receipts and invoices written without their purchase orders', async () => {
    const res = await run({
      sources: '  vendors: { type: vendors, count: 20 }\n  materials: { type: materials, count: 20 }\n  p2p: { type: p2p, chain_count: 40 }',
      inputs: 'companies, coa, users, cost_centers, vendors, materials, gl, p2p',
      sinkExtra: ', tables: [companies, chart_of_accounts, je_users, cost_centers, vendors, materials, journal_entry_lines, goods_receipts, vendor_invoices, ap_payments]',
    });
    expectGateFailure(res, 'document_chain_integrity');
    const d = res.report.results.find((r) => r.gate === 'document_chain_integrity')!.details as { p2p: { orphans: number } };
    expect(d.p2p.orphans).toBeGreaterThan(0);
  }, 120_000);

  it('ic_match_rate: anomalies on the intercompany entries break the pairs', async () => {
    const res = await run({
      sources: '  ic: { type: intercompany }',
      transforms: '  fraud: { type: anomalies, inputs: [ic], rate: 1.0 }',
      inputs: 'companies, coa, users, cost_centers, gl, fraud',
    });
    expectGateFailure(res, 'ic_match_rate');
  }, 120_000);

  it('temporal_consistency: an override threshold above any run (no config breaks the generator\'s day weights)', async () => {
    const res = await run({ gates: 'gates: { overrides: { temporal_consistency: { threshold: 0.99999 } } }' });
    expectGateFailure(res, 'temporal_consistency');
    expect(res.report.results.find((r) => r.gate === 'temporal_consistency')!.value!).toBeGreaterThan(0.99);
  }, 120_000);

  it('fail_fast ends the run early once duplicates exceed what the whole run may have', async () => {
    const res = await run({
      transforms: '  noise: { type: data_quality, inputs: [gl], duplicates: { rate: 0.3 } }',
      inputs: 'companies, coa, users, cost_centers, noise',
      sinkExtra: ', layout: partitioned',
      gates: 'gates: { strategy: fail_fast }',
    });
    expectGateFailure(res, 'duplicate_rate');
    const dup = res.report.results.find((r) => r.gate === 'duplicate_rate')!;
    expect(dup.message).toMatch(/stopping early \(fail_fast\)/);
    expect(dup.details.early_stop).toBe(true);
    expect(res.report.counts).toEqual({ pass: 0, fail: 1, not_evaluated: 0, not_applicable: 0, skipped: 7 });
    // The run stopped inside the journal partitions: none of them was committed.
    expect(res.manifest.outputs.filter((o) => o.table === 'journal_entry_lines')).toEqual([]);
  }, 120_000);

  it('--gates off writes no gates.json; bad flags exit 1', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'pipeline.yaml'), pipeline({ gl: ', transactions: { line_item_distribution: { two_items: 1 }, amounts: { lognormal_mu: 8.0, lognormal_sigma: 0.02 } }', volume: [3000, 1000] }));
    const off = await runCli(['run', 'pipeline.yaml', '--gates', 'off', '-q'], { cwd: dir });
    expect(off.code, off.stderr).toBe(0);
    expect(existsSync(join(dir, 'out', 'gates.json'))).toBe(false);
    expect(JSON.parse(readFileSync(join(dir, 'out', 'manifest.json'), 'utf8')).gates).toMatchObject({ enabled: false, passed: null, report: null });
    const bad = await runCli(['run', 'pipeline.yaml', '--gates', 'maybe'], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--gates must be off, warn or enforce/);
    const badProfile = await runCli(['run', 'pipeline.yaml', '--gates-profile', 'harsh'], { cwd: dir });
    expect(badProfile.code).toBe(1);
  }, 120_000);
});
