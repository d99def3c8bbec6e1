import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { decodePipesParam, PipesSession } from '../../src/scale/dagster-pipes.js';
import type { Manifest } from '../../src/provenance/manifest.js';

// Messages are loosely typed JSON; the assertions below check their shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Params = Record<string, any>;

const encode = (v: unknown): string => deflateSync(Buffer.from(JSON.stringify(v))).toString('base64');

function manifest(): Manifest {
  return {
    status: 'complete', run_id: 'r-1', seed: '42', config: { hash: 'c0ffee' },
    tables: { journal_entry_lines: { rows: 10 }, je_approvals: { rows: 4 } },
    outputs: [
      { id: 'out/journal_entry_lines/all', role: 'data', table: 'journal_entry_lines', uri: 'file:///o/jel.csv', rows: 10, bytes: 100, sha256: 'a'.repeat(64) },
      { id: 'out/je_approvals/all', role: 'data', table: 'je_approvals', uri: 'file:///o/a.csv', rows: 4, bytes: 40, sha256: 'b'.repeat(64) },
      { id: 'out/je_approvals/all/marking', role: 'marking', table: 'je_approvals', uri: 'file:///o/a.csv.marking.json', rows: 0, bytes: 5, sha256: 'c'.repeat(64) },
    ],
  } as unknown as Manifest;
}

describe('Dagster Pipes (controls.md §10.4)', () => {
  it('is a no-op outside Dagster', () => {
    const s = PipesSession.fromEnv({});
    expect(s.active).toBe(false);
    s.opened();
    s.close();
    expect(s.shardHint()).toBeNull();
  });

  it('decodes the bootstrap env (context by path or data) and writes protocol JSON lines to the messages file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dsp-pipes-'));
    const ctxPath = join(dir, 'context.json');
    const msgPath = join(dir, 'messages.jsonl');
    writeFileSync(ctxPath, JSON.stringify({ asset_keys: ['journal_entry_lines', 'synthetic_ledger'], partition_key: '1', run_id: 'dagster-run', extras: { shard_index: 1, shard_count: 3 } }));
    expect(decodePipesParam(encode({ path: ctxPath }))).toEqual({ path: ctxPath });
    const s = PipesSession.fromEnv({ DAGSTER_PIPES_CONTEXT: encode({ path: ctxPath }), DAGSTER_PIPES_MESSAGES: encode({ path: msgPath }) });
    expect(s.active).toBe(true);
    expect(s.shardHint()).toEqual({ shardIndex: 1, shardCount: 3, partitionKey: '1' });
    expect(s.runIdHint()).toBe('dagster-run');
    s.opened();
    s.log('guard: reduced', 'WARNING');
    s.progress({ type: 'progress', rows: 5 }, 20_000);
    s.progress({ type: 'progress', rows: 6 }, 25_000); // throttled (< 10 s)
    s.reportMaterializations(manifest(), 'file:///o/manifest.json');
    s.close();
    s.log('after close');
    const lines = readFileSync(msgPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { __dagster_pipes_version: string; method: string; params: Params });
    expect(lines.every((l) => l.__dagster_pipes_version === '0.1')).toBe(true);
    expect(lines.map((l) => l.method)).toEqual(['opened', 'log', 'report_custom_message', 'report_asset_materialization', 'report_asset_materialization', 'closed']);
    expect(lines[1].params).toEqual({ message: 'guard: reduced', level: 'WARNING' });
    const table = lines[3].params;
    expect(table.asset_key).toBe('journal_entry_lines');
    expect(table.metadata.rows).toEqual({ raw_value: 10, type: 'int' });
    expect(table.metadata.outputs.raw_value).toHaveLength(1);
    expect(table.data_version).toMatch(/^[0-9a-f]{64}$/);
    const whole = lines[4].params;
    expect(whole.asset_key).toBe('synthetic_ledger');
    expect(whole.metadata.rows.raw_value).toBe(14);
    expect(whole.metadata.outputs.raw_value).toHaveLength(2); // sidecars are not data
    expect(whole.metadata.config_hash).toEqual({ raw_value: 'c0ffee', type: 'text' });
    expect(lines[5].params).toEqual({});
  });

  it('reports a failure as the closed exception and no materialization for an incomplete run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dsp-pipes-'));
    const msgPath = join(dir, 'm.jsonl');
    const s = PipesSession.fromEnv({ DAGSTER_PIPES_CONTEXT: encode({ data: { asset_keys: ['x'] } }), DAGSTER_PIPES_MESSAGES: encode({ path: msgPath }) });
    s.opened();
    s.reportMaterializations({ ...manifest(), status: 'failed' } as Manifest, 'file:///m');
    s.close({ name: 'DspError', message: 'gate failed' });
    const lines = readFileSync(msgPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.method)).toEqual(['opened', 'closed']);
    expect(lines[1].params.exception).toMatchObject({ name: 'DspError', message: 'gate failed' });
  });
});
