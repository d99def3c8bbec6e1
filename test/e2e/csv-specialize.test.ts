/**
 * The CSV encoder's per-table copies of its row loop (formats/csv.ts `rowEncoderFor`, built CLI):
 * a run with copies and a run with DSP_NO_SPECIALIZE=1 (the one shared loop) write identical
 * bytes, on data the transforms made hard to encode — typos, HTML entities and missing characters,
 * quoted fields, missing values, emitted duplicates, label tables (non-ASCII text is in the
 * encoder's own probe, csv.ts `sameBytes`).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, runCli, sha256File, tempDirs } from '../support/cli.js';

const { tmp, cleanup } = tempDirs('dsp-csvspec-');
afterAll(cleanup);

const CONFIG = `version: 1
seed: 7
period: { start: 2025-11-01, months: 2 }
companies:
  - { code: "1000", name: "Acme US", currency: USD, country: US, volume: 3000 }
  - { code: "2000", name: Acme DE, currency: EUR, country: DE, volume: 1500 }
gates: { enforce: false }
sources:
  gl: { type: journal_entries }
transforms:
  fraud: { type: anomalies, inputs: [gl], rate: 0.05 }
  noise: { type: data_quality, inputs: [fraud], preset: legacy, format_variations: { dates: { enabled: true }, amounts: { enabled: true } } }
sinks:
  out: { type: file, inputs: [noise], format: csv }
`;

async function run(env: Record<string, string | undefined>): Promise<Record<string, string>> {
  const dir = tmp();
  const cfg = join(dir, 'pipeline.yaml');
  writeFileSync(cfg, CONFIG);
  const out = join(dir, 'run');
  const r = await runCli(['run', cfg, '--out', out, '-q'], { env });
  expect(r.code, r.stderr).toBe(0);
  const sums: Record<string, string> = {};
  for (const f of readdirSync(out).filter((n) => n.endsWith('.csv')).sort()) sums[f] = sha256File(join(out, f));
  return sums;
}

/** Whether the built encoders of two tables run different row loops (copies) or the one shared loop. */
function distinctLoops(env: Record<string, string>): boolean {
  const script = `const csv = await import('./dist/src/formats/csv.js');
const { journalEntryLines } = await import('./dist/src/tables/journal.js');
const { dqLabels } = await import('./dist/src/tables/dq.js');
const a = csv.csvFormat.createEncoder(journalEntryLines, {});
const b = csv.csvFormat.createEncoder(dqLabels, {});
console.log(a.rows !== b.rows ? 'copies' : 'shared');`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO, env: { ...process.env, ...env } }).toString().trim();
  return out === 'copies';
}

describe('CSV row-encoder copies', () => {
  it('are made per table in the built CLI, and not with DSP_NO_SPECIALIZE=1', () => {
    expect(distinctLoops({ DSP_NO_SPECIALIZE: '' })).toBe(true);
    expect(distinctLoops({ DSP_NO_SPECIALIZE: '1' })).toBe(false);
  });

  it('write the same bytes as the shared encoder', async () => {
    const copies = await run({ DSP_NO_SPECIALIZE: undefined });
    const shared = await run({ DSP_NO_SPECIALIZE: '1' });
    expect(Object.keys(copies)).toEqual(expect.arrayContaining(['journal_entry_lines.csv', 'dq_labels.csv', 'anomaly_labels.csv', 'je_approvals.csv']));
    expect(copies).toEqual(shared);
  });

  it('the data exercises quoting and encoding issues', async () => {
    const dir = tmp();
    const cfg = join(dir, 'pipeline.yaml');
    writeFileSync(cfg, CONFIG);
    const out = join(dir, 'run');
    expect((await runCli(['run', cfg, '--out', out, '-q'])).code).toBe(0);
    const labels = readFileSync(join(out, 'dq_labels.csv'), 'utf8');
    expect(labels).toMatch(/"[^"\n]*,[^"\n]*"/); // a quoted field with a comma
    expect(labels).toMatch(/,encoding_issue,html_entities,/);
    expect(labels).toMatch(/,duplicate,/);
  });
});
