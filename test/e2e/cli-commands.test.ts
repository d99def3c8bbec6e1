/** validate / init / inspect / schema / help, and config errors as a user meets them. */
import { describe, it, expect, afterAll } from 'vitest';
import { readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDirs, REPO } from '../support/cli.js';

const { tmp, cleanup } = tempDirs();
afterAll(cleanup);

const BROKEN = `version: 1
seed: 42
period: { start: 2025-13-01, months: 12 }
companies:
  - { code: "1000", name: Acme, currency: usd, country: US, volume: 1000 }
sorces:
  gl: { type: journal_entries }
sinks:
  out: { type: file, inputs: [gll], format: xlsx }
`;

describe('config errors: all at once, with line:col, exit 1, nothing written', () => {
  it('reports every problem of a broken file in one go', async () => {
    const dir = tmp();
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, BROKEN);
    const out = join(dir, 'out');
    const r = await runCli(['run', file, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/did you mean 'sources'/);
    expect(r.stderr).toMatch(/broken\.yaml:6:1/);
    expect(r.stderr).toMatch(/period\.start/);
    expect(r.stderr).toMatch(/companies\[0\]\.currency/);
    expect(r.stderr).toMatch(/broken\.yaml:5:/);
    expect(r.stderr).toMatch(/sinks\.out\.format/);
    expect(existsSync(out)).toBe(false);
  });

  it('YAML syntax errors give line:col', async () => {
    const dir = tmp();
    const file = join(dir, 'syntax.yaml');
    writeFileSync(file, 'version: 1\nseed: [1, 2\nperiod: x\n');
    const r = await runCli(['validate', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/syntax\.yaml:\d+:\d+/);
  });

  it('a missing ${VAR} names the variable and the key; ${VAR:-default} works', async () => {
    const dir = tmp();
    const file = join(dir, 'env.yaml');
    writeFileSync(file, readFileSync(join(REPO, 'test/fixtures/small.yaml'), 'utf8').replace('path: ./out', 'path: "${OUT_DIR}"'));
    const r = await runCli(['validate', file], { env: { OUT_DIR: undefined } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/OUT_DIR/);
    expect(r.stderr).toMatch(/sinks\.out\.path/);
    const ok = await runCli(['validate', file], { env: { OUT_DIR: join(dir, 'o') } });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/valid \(config_hash [0-9a-f]{64}/);
  });

  it('a missing pipeline file is exit 1 with its path', async () => {
    const r = await runCli(['run', '/nonexistent/pipeline.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/nonexistent\/pipeline\.yaml/);
  });

  it('bad arguments are exit 1 with a pointer to --help', async () => {
    const r = await runCli(['run', 'pipelines/demo.yaml', '--bogus']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--help/);
    const r2 = await runCli(['frobnicate']);
    expect(r2.code).toBe(1);
  });
});

describe('sink option tables', () => {
  it('writes only the listed tables; an unknown table is exit 1 with a did-you-mean', async () => {
    const out = tmp();
    const r = await runCli(['run', 'test/fixtures/small.yaml', '--out', out, '-q', '--set', 'sinks.out.tables=[journal_entry_lines]']);
    expect(r.code).toBe(0);
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { outputs: Array<{ table: string; role: string }> };
    expect(m.outputs.filter((o) => o.role === 'data').map((o) => o.table)).toEqual(['journal_entry_lines']);
    // Its content-marking sidecar belongs to the same table.
    expect(m.outputs.filter((o) => o.role === 'marking').map((o) => o.table)).toEqual(['journal_entry_lines']);
    const bad = await runCli(['run', 'test/fixtures/small.yaml', '--out', tmp(), '-q', '--set', 'sinks.out.tables=[journal_entry_linez]']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/sinks\.out\.tables: table 'journal_entry_linez'.*did you mean 'journal_entry_lines'/);
  });
});

describe('planner errors', () => {
  it('are reported together, with file:line:col, exit 1', async () => {
    const dir = tmp();
    const file = join(dir, 'plan.yaml');
    writeFileSync(file, [
      'version: 1', 'seed: 1', 'period: { start: 2025-01-01, months: 1 }', 'companies:',
      '  - { code: "1000", name: A, currency: USD, country: US, volume: 100 }',
      'sources:', '  gl: { type: journal_entries }', 'sinks:', '  out:', '    type: file', '    inputs: [gl]',
      '    tables: [journal_entry_lines, je_aprovals]', '  pipe: { type: stdout, inputs: [gl] }', '',
    ].join('\n'));
    const r = await runCli(['validate', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/2 problems/);
    expect(r.stderr).toMatch(/sinks\.out\.tables: table 'je_aprovals'.*did you mean 'je_approvals'\? \(.*plan\.yaml:12:35\)/);
    expect(r.stderr).toMatch(/sinks\.pipe: a stdout sink writes exactly one table.*plan\.yaml:13:3\)/);
  });
});

describe('commands', () => {
  it('--help lists the commands with examples; each command has its own help', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['run', 'validate', 'verify', 'init', 'inspect', 'schema']) expect(r.stdout).toContain(`  ${c}`);
    expect(r.stdout).toMatch(/Examples:/);
    const rr = await runCli(['run', '--help']);
    expect(rr.stdout).toMatch(/--if-exists/);
    expect(rr.stdout).toMatch(/--progress/);
  });

  it('init writes a starter that validates and runs, and refuses to overwrite', async () => {
    const dir = tmp();
    const r = await runCli(['init', 'p.yaml'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, 'p.yaml'))).toBe(true);
    expect((await runCli(['init', 'p.yaml'], { cwd: dir })).code).toBe(1);
    expect((await runCli(['init', 'p.yaml', '--force'], { cwd: dir })).code).toBe(0);
    const run = await runCli(['run', 'p.yaml', '-q'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(existsSync(join(dir, 'out', '_SUCCESS'))).toBe(true);
  });

  it('inspect shows partitions and planned rows without writing anything', async () => {
    const dir = tmp();
    const r = await runCli(['inspect', join(REPO, 'test/fixtures/small.yaml'), '--format', 'json', '--out', join(dir, 'o')]);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as { sources: Array<{ id: string; partitions: number; first_partition: string }>; tables: Record<string, { planned_rows: number }> };
    const gl = plan.sources.find((s) => s.id === 'gl')!;
    expect(gl.partitions).toBe(6); // 2 companies × 3 months
    expect(gl.first_partition).toBe('1000:2025-01');
    expect(plan.tables.journal_entry_lines.planned_rows).toBeGreaterThan(0);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('inspect config prints the canonical JSON and its hash (seed excluded)', async () => {
    const a = await runCli(['inspect', 'config', 'test/fixtures/small.yaml']);
    const b = await runCli(['inspect', 'config', 'test/fixtures/small.yaml', '--seed', '99']);
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/config_hash [0-9a-f]{64}/);
    expect(a.stdout).toBe(b.stdout);
    const c = await runCli(['inspect', 'config', 'test/fixtures/small.yaml', '--set', 'period.months=2']);
    expect(c.stdout).not.toBe(a.stdout);
  });

  it('schema prints a JSON Schema that knows the registered types', async () => {
    const r = await runCli(['schema']);
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(String(schema.$schema)).toMatch(/json-schema\.org/);
    expect(r.stdout).toContain('journal_entries');
    expect(r.stdout).toContain('chart_of_accounts');
  });
});
