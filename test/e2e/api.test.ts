/** The embedding API as an ETL developer uses it: rows equal the CLI's output; backpressure holds. */
import { describe, it, expect, afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { parse as parseYaml } from 'yaml';
import { source, openPipeline } from '../../src/index.js';
import { runCli, tempDirs, REPO } from '../support/cli.js';

const { tmp, cleanup } = tempDirs();
afterAll(cleanup);

const SMALL = join(REPO, 'test/fixtures/small.yaml');
const cfg = parseYaml(readFileSync(SMALL, 'utf8')) as { seed: number; period: { start: string; months: number }; companies: never[] };

function csvCell(v: unknown, type: string): string {
  if (v === null) return '';
  if (type === 'money') return (v as number).toFixed(2);
  if (type === 'decimal6') return (v as number).toFixed(6);
  return String(v);
}

describe('source()', () => {
  it('streams the same journal_entry_lines rows the CLI writes for the same id and seed', async () => {
    const out = tmp();
    expect((await runCli(['run', SMALL, '--out', out, '-q'])).code).toBe(0);
    const records = parse(readFileSync(join(out, 'journal_entry_lines.csv')), { columns: true }) as Array<Record<string, string>>;
    const gl = source('journal_entries', { id: 'gl', seed: cfg.seed, period: cfg.period, companies: cfg.companies });
    const types = new Map<string, string>();
    let i = 0;
    for await (const batch of source('journal_entries', { id: 'gl', seed: cfg.seed, period: cfg.period, companies: cfg.companies }).batches()) {
      for (const c of batch.schema.columns) types.set(c.name, c.type);
      break;
    }
    for await (const row of gl) {
      const rec = records[i++];
      const ours = Object.entries(row).map(([k, v]) => `${k}=${csvCell(v, types.get(k)!)}`).join('|');
      const cli = Object.keys(row).map((k) => `${k}=${rec?.[k]}`).join('|');
      if (ours !== cli) expect(ours, `row ${i}`).toBe(cli);
    }
    expect(i).toBe(records.length);
    expect(i).toBeGreaterThan(10_000);
  });

  it('another id gives other rows (streams derive from the component id)', async () => {
    const first = async (id: string): Promise<unknown> => {
      for await (const row of source('journal_entries', { id, seed: 1, period: cfg.period, companies: cfg.companies })) return row;
      return null;
    };
    expect(await first('gl')).not.toEqual(await first('ledger'));
  });

  it('a slow consumer holds generation back (backpressure, bounded buffer)', async () => {
    const gl = source('journal_entries', { id: 'gl', seed: 1, period: { start: '2025-01-01', months: 12 }, companies: [{ code: '1000', name: 'A', currency: 'USD', country: 'US', volume: 200000 }] });
    let seen = 0;
    for await (const _row of gl) {
      if (++seen >= 10) break;
    }
    // After 10 rows, at most one batch plus the high-water mark were produced, not the ~2 M planned lines.
    expect(gl.readableLength).toBeLessThan(40_000);
    gl.destroy();
  });

  it('invalid options are a ConfigError with the key path', () => {
    expect(() => source('journal_entries', { seed: 1, period: { start: '2025-02-30', months: 1 }, companies: cfg.companies })).toThrow(/period\.start/);
    expect(() => source('journal_entriez', { seed: 1, period: cfg.period, companies: cfg.companies })).toThrow(/journal_entries/);
  });
});

describe('openPipeline()', () => {
  it('runs a pipeline file, emits output events and resolves with the manifest', async () => {
    const out = tmp();
    const run = openPipeline(SMALL, { out });
    const outputs: string[] = [];
    run.on('output', (o) => outputs.push(o.table));
    const result = await run.done;
    expect(result.exitCode).toBe(0);
    expect(result.status).toBe('complete');
    expect(run.manifest?.outputs.map((o) => o.table).sort()).toEqual([...outputs].sort());
    expect(outputs).toContain('journal_entry_lines');
  });
});
