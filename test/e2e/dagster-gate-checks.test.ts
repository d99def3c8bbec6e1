/**
 * Quality gates as Dagster asset checks (controls.md §10.4, `dagster.report_gates_as_checks`): a run
 * launched through the Pipes bootstrap env reports one `report_asset_check` per gate and asset key —
 * only when the config asks for it — and the failing gate says so with severity ERROR under enforce.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { runCli, tempDirs } from '../support/cli.js';

const { tmp, cleanup } = tempDirs('dsp-dagster-checks-');
afterAll(cleanup);

const encode = (v: unknown): string => deflateSync(Buffer.from(JSON.stringify(v))).toString('base64');

function pipeline(dagster: string): string {
  return `version: 1
seed: 5
period: { start: 2025-01-01, months: 1 }
companies: [{ code: "1000", name: Acme US, currency: USD, country: US, volume: 6000 }]
sources:
  gl: { type: journal_entries, transactions: { line_item_distribution: { two_items: 1 }, amounts: { lognormal_mu: 8.0, lognormal_sigma: 0.02 } } }
sinks:
  out: { type: file, inputs: [gl], path: ./out, format: csv }
${dagster}
`;
}

interface Msg { __dagster_pipes_version: string; method: string; params: Record<string, unknown> & { metadata?: Record<string, { raw_value: unknown; type: string }> } }

async function launch(dagster: string, gates: string): Promise<{ code: number | null; messages: Msg[] }> {
  const dir = tmp();
  writeFileSync(join(dir, 'pipeline.yaml'), pipeline(dagster));
  const msgPath = join(dir, 'messages.jsonl');
  const env = { DAGSTER_PIPES_CONTEXT: encode({ data: { asset_keys: ['ledger'], run_id: 'dagster-run-1' } }), DAGSTER_PIPES_MESSAGES: encode({ path: msgPath }) };
  const r = await runCli(['run', 'pipeline.yaml', '--progress', 'none', '-q', '--gates', gates], { cwd: dir, env });
  const messages = readFileSync(msgPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Msg);
  return { code: r.code, messages };
}

describe('gates as Dagster asset checks', () => {
  it('one report_asset_check per gate when report_gates_as_checks is on; the failed gate is not passed, severity ERROR', async () => {
    const { code, messages } = await launch('dagster: { report_gates_as_checks: true }', 'enforce');
    expect(code).toBe(2);
    expect(messages.every((m) => m.__dagster_pipes_version === '0.1')).toBe(true);
    const checks = messages.filter((m) => m.method === 'report_asset_check');
    expect(checks.map((c) => c.params.check_name)).toEqual(['benford_mad', 'balance_coherence', 'document_chain_integrity', 'temporal_consistency', 'completion_rate', 'duplicate_rate', 'referential_integrity', 'ic_match_rate']);
    const benford = checks.find((c) => c.params.check_name === 'benford_mad')!;
    expect(benford.params).toMatchObject({ asset_key: 'ledger', passed: false, severity: 'ERROR' });
    expect(benford.params.metadata?.status).toEqual({ raw_value: 'fail', type: 'text' });
    expect(benford.params.metadata?.value.type).toBe('float');
    expect(Number(benford.params.metadata?.value.raw_value)).toBeGreaterThan(Number(benford.params.metadata?.threshold.raw_value));
    expect(checks.find((c) => c.params.check_name === 'balance_coherence')!.params).toMatchObject({ passed: true });
    // A failed run materializes nothing and closes with the exception, after the checks.
    expect(messages.map((m) => m.method).filter((m) => !['report_asset_check', 'log', 'report_custom_message'].includes(m))).toEqual(['opened', 'closed']);
    expect(messages.at(-1)!.params.exception).toMatchObject({ name: 'DSP_GATE_FAILED' });
  }, 120_000);

  it('no checks without the setting; --gates warn reports them with severity WARN', async () => {
    const off = await launch('', 'enforce');
    expect(off.messages.some((m) => m.method === 'report_asset_check')).toBe(false);
    const warn = await launch('dagster: { report_gates_as_checks: true }', 'warn');
    expect(warn.code).toBe(0);
    const checks = warn.messages.filter((m) => m.method === 'report_asset_check');
    expect(checks).toHaveLength(8);
    expect(new Set(checks.map((c) => c.params.severity))).toEqual(new Set(['WARN']));
    expect(warn.messages.some((m) => m.method === 'report_asset_materialization')).toBe(true);
  }, 120_000);
});
