/**
 * The stdout sink as users pipe it (controls.md §8.6): real child processes of
 * the built CLI, stdout read back byte for byte with independent readers
 * (csv-parse, JSON.parse, node:crypto), readers that close early (`| head`).
 */
import { describe, it, expect, afterAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync, openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { BIN, startCli, tempDir, sha256File } from '../support/cli.js';

const dirs: Array<() => void> = [];
function tmp(): string {
  const t = tempDir('dsp-stdout-');
  dirs.push(t.cleanup);
  return t.path;
}
afterAll(() => dirs.forEach((c) => c()));

const HEAD = `version: 1
seed: 42
period: { start: 2025-01-01, months: 3 }
companies:
  - { code: "1000", name: "Acme US, Inc.", currency: USD, country: US, volume: 8000 }
  - { code: "2000", name: Acme DE, currency: EUR, country: DE, volume: 4000 }
sources:
  gl: { type: journal_entries }
`;
const pipeline = (sinks: string): string => `${HEAD}sinks:\n${sinks}\n`;
const PIPE = pipeline('  pipe: { type: stdout, inputs: [gl], tables: [journal_entry_lines] }');

interface Run { code: number | null; signal: NodeJS.Signals | null; stdout: Buffer; stderr: string }

/** Runs the CLI in `cwd`, keeping stdout as raw bytes (a string would re-decode split UTF-8). */
async function run(cwd: string, yaml: string, args: string[] = []): Promise<Run> {
  writeFileSync(join(cwd, 'p.yaml'), yaml);
  const { child, done } = startCli(['run', 'p.yaml', ...args], { cwd });
  const chunks: Buffer[] = [];
  child.stdout!.on('data', (d: Buffer) => chunks.push(d));
  const r = await done;
  return { code: r.code, signal: r.signal, stdout: Buffer.concat(chunks), stderr: r.stderr };
}

interface ManifestLike {
  status: string;
  status_reason: { code: string; message: string } | null;
  outputs: Array<{ id: string; role: string; marking?: unknown; sink: string; table: string; format: string; media_type: string; uri: string; rel: string | null; rows: number; bytes: number; sha256: string; partitions: number[] }>;
  tables: Record<string, { rows: number; columns: string[]; sinks: string[] }>;
}
const manifestAt = (dir: string): ManifestLike => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as ManifestLike;
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** A stack frame line as Node prints it: "    at fn (file:line:col)". */
const STACK_FRAME = /^\s+at .+[:(]/m;

describe('stdout sink: CSV to a pipe', () => {
  it('writes exactly the table to stdout; the manifest under ./out records its rows, bytes and sha256', async () => {
    const cwd = tmp();
    const r = await run(cwd, PIPE, ['--progress', 'ndjson', '--progress-interval', '0']);
    expect(r.stderr).not.toMatch(STACK_FRAME);
    expect(r.code).toBe(0);

    const m = manifestAt(join(cwd, 'out'));
    expect(m.status).toBe('complete');
    // The data stream, and its content-marking sidecar in the control root (controls.md §5.2).
    expect(m.outputs.map((x) => x.role)).toEqual(['data', 'marking']);
    const o = m.outputs[0];
    expect(m.outputs[1]).toMatchObject({ id: 'pipe/journal_entry_lines/all/marking', rel: 'stdout.marking.json', rows: 0 });
    expect(o.marking).toEqual({ placement: ['sidecar'], sidecar: 'stdout.marking.json' });
    const side = JSON.parse(readFileSync(join(cwd, 'out', 'stdout.marking.json'), 'utf8')) as { credential: { synthetic: boolean }; target: string };
    expect(side).toMatchObject({ credential: { synthetic: true }, target: 'stdout:' });
    expect(o).toMatchObject({ id: 'pipe/journal_entry_lines/all', sink: 'pipe', table: 'journal_entry_lines', format: 'csv', media_type: 'text/csv', uri: 'stdout:', rel: null });
    expect(o.partitions).toEqual([...o.partitions].sort((a, b) => a - b));
    expect(o.bytes).toBe(r.stdout.length);
    expect(o.sha256).toBe(sha256(r.stdout));

    // stdout holds nothing but the CSV: a header of the table's columns, then one record per row.
    const records = parse(r.stdout, { columns: true }) as Array<Record<string, string>>;
    expect(records.length).toBe(o.rows);
    expect(records.length).toBeGreaterThan(10_000);
    expect(m.tables.journal_entry_lines.rows).toBe(o.rows);
    expect(Object.keys(records[0])).toEqual(m.tables.journal_entry_lines.columns);
    expect(r.stdout.subarray(-1).toString()).toBe('\n');

    // Progress events and the summary went to stderr.
    expect(r.stderr).toContain('"type":"progress"');
    expect(r.stderr).toContain('manifest:');

    // The control root holds the run's markers and the stream's marking sidecar, no data file.
    expect(existsSync(join(cwd, 'out', '_SUCCESS'))).toBe(true);
    // Control files only: the data went to stdout (gates, PROV and the report profile sit next to the manifest).
    expect(readdirSync(join(cwd, 'out')).sort()).toEqual(['_SUCCESS', '_manifests', '_runlog', 'gates.json', 'manifest.json', 'profile.json', 'prov.json', 'stdout.marking.json']);
    expect(readdirSync(cwd).sort()).toEqual(['out', 'p.yaml']);
  });

  it('marking.csv: preamble puts the two # lines first on stdout and writes no stdout.marking.json', async () => {
    const cwd = tmp();
    const r = await run(cwd, PIPE, ['--set', 'marking.csv=preamble']);
    expect(r.code).toBe(0);
    const m = manifestAt(join(cwd, 'out'));
    expect(m.outputs.map((x) => x.role)).toEqual(['data']);
    expect(m.outputs[0].marking).toEqual({ placement: ['csv_preamble'], preamble_lines: 2 });
    const lines = r.stdout.toString('utf8').split('\n');
    expect(lines[0]).toMatch(/^# SYNTHETIC DATA generated by datasynth-pipe /);
    expect(lines[1]).toMatch(/^# datasynth\.marking=\{"ai_act_article":"Article 50\(2\)",.*"synthetic":true\}$/);
    expect(lines[2]).toMatch(/^[a-z_]+(,[a-z_0-9]+)+$/);
    const records = parse(r.stdout, { columns: true, comment: '#' }) as unknown[];
    expect(records.length).toBe(m.outputs[0].rows);
    expect(existsSync(join(cwd, 'out', 'stdout.marking.json'))).toBe(false);
  });

  it('gives the same bytes as the file sink writes for that table', async () => {
    const cwd = tmp();
    const pipe = await run(cwd, PIPE, ['-q', '--out', join(cwd, 'a')]);
    const file = await run(cwd, pipeline('  f: { type: file, inputs: [gl], tables: [journal_entry_lines], path: ./b }'), ['-q']);
    expect(pipe.code).toBe(0);
    expect(file.code).toBe(0);
    expect(file.stdout.length).toBe(0);
    expect(sha256(pipe.stdout)).toBe(sha256File(join(cwd, 'b', 'journal_entry_lines.csv')));
  });

  it('--progress bar draws on stderr only', async () => {
    const cwd = tmp();
    const r = await run(cwd, PIPE, ['--progress', 'bar', '--progress-interval', '0']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('journal_entry_lines');
    expect(r.stdout.includes('\u001b')).toBe(false);
    expect(sha256(r.stdout)).toBe(manifestAt(join(cwd, 'out')).outputs[0].sha256);
  });

  it('stdout redirected to a file (synchronous writes on POSIX) holds the same bytes', async () => {
    const cwd = tmp();
    writeFileSync(join(cwd, 'p.yaml'), PIPE);
    const target = join(cwd, 'lines.csv');
    const fd = openSync(target, 'w');
    const code = await new Promise<number | null>((res) => {
      const child = spawn(process.execPath, [BIN, 'run', 'p.yaml', '-q', '--out', join(cwd, 'ctl')], { cwd, stdio: ['ignore', fd, 'ignore'], env: { ...process.env, NODE_NO_WARNINGS: '1' } });
      child.on('close', (c) => res(c));
    });
    closeSync(fd);
    expect(code).toBe(0);
    const o = manifestAt(join(cwd, 'ctl')).outputs[0];
    expect(sha256File(target)).toBe(o.sha256);
    expect(readFileSync(target).length).toBe(o.bytes);
  });
  it.skipIf(!existsSync('/dev/full'))('a write error that is not the reader leaving (`> /dev/full`) → exit 3 DSP_SINK_STDOUT_WRITE, manifest failed', () => {
    const cwd = tmp();
    writeFileSync(join(cwd, 'p.yaml'), PIPE);
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" run p.yaml > /dev/full`], { cwd, env: { ...process.env, NODE_NO_WARNINGS: '1' }, encoding: 'utf8' });
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('DSP_SINK_STDOUT_WRITE');
    expect(r.stderr).toContain('ENOSPC');
    expect(r.stderr).not.toMatch(STACK_FRAME);
    const m = manifestAt(join(cwd, 'out'));
    expect(m.status).toBe('failed');
    expect(m.status_reason?.code).toBe('DSP_SINK_STDOUT_WRITE');
  });
});

describe('stdout sink: NDJSON', () => {
  it('one JSON object per line in schema key order; manifest under --out', async () => {
    const cwd = tmp();
    const out = join(cwd, 'ctl');
    const r = await run(cwd, pipeline('  pipe: { type: stdout, inputs: [gl], tables: [je_approvals], format: ndjson }'), ['--out', out]);
    expect(r.code).toBe(0);
    const m = manifestAt(out);
    const o = m.outputs[0];
    expect(o.format).toBe('ndjson');
    expect(o.sha256).toBe(sha256(r.stdout));
    const text = r.stdout.toString('utf8');
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.slice(0, -1).split('\n');
    expect(lines.length).toBe(o.rows);
    expect(lines.length).toBe(m.tables.je_approvals.rows);
    for (const line of lines) {
      const row = JSON.parse(line) as Record<string, unknown>;
      expect(Object.keys(row)).toEqual(m.tables.je_approvals.columns);
    }
    expect(existsSync(join(cwd, 'out'))).toBe(false);
  });
});

describe('stdout sink: the reader closes early', () => {
  it('destroying the pipe after the first chunk stops the run: exit 75, manifest aborted, no _SUCCESS, no stack trace', async () => {
    const cwd = tmp();
    writeFileSync(join(cwd, 'p.yaml'), PIPE);
    const { child, done } = startCli(['run', 'p.yaml'], { cwd });
    let first = 0;
    child.stdout!.once('data', (d: Buffer) => {
      first = d.length;
      child.stdout!.destroy();
    });
    const r = await done;
    expect(first).toBeGreaterThan(0);
    expect(r.code, r.stderr).toBe(75);
    expect(r.stderr).toContain('DSP_STDOUT_CLOSED');
    expect(r.stderr).toContain('standard output was closed by the reader');
    expect(r.stderr).not.toMatch(STACK_FRAME);
    expect(r.stderr).not.toMatch(/Error: write EPIPE|Unhandled|internal error/);
    const m = manifestAt(join(cwd, 'out'));
    expect(m.status).toBe('aborted');
    expect(m.status_reason?.code).toBe('DSP_STDOUT_CLOSED');
    expect(m.outputs).toEqual([]);
    expect(existsSync(join(cwd, 'out', '_SUCCESS'))).toBe(false);
  });

  it('`| head -n 5` gets 5 lines and the CLI exits 75 quietly', () => {
    const cwd = tmp();
    writeFileSync(join(cwd, 'p.yaml'), PIPE);
    const script = `"${process.execPath}" "${BIN}" run p.yaml 2>err.txt | head -n 5 > head.txt; echo "\${PIPESTATUS[0]}" > rc.txt`;
    const r = spawnSync('bash', ['-c', script], { cwd, env: { ...process.env, NODE_NO_WARNINGS: '1' } });
    expect(r.status).toBe(0);
    expect(readFileSync(join(cwd, 'rc.txt'), 'utf8').trim()).toBe('75');
    const lines = readFileSync(join(cwd, 'head.txt'), 'utf8').split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(5);
    expect(lines[0].startsWith('document_id,line_number,')).toBe(true);
    const err = readFileSync(join(cwd, 'err.txt'), 'utf8');
    expect(err).toContain('DSP_STDOUT_CLOSED');
    expect(err).not.toMatch(STACK_FRAME);
    expect(err).not.toContain('EPIPE');
    const m = manifestAt(join(cwd, 'out'));
    expect(m.status).toBe('aborted');
    expect(m.status_reason?.code).toBe('DSP_STDOUT_CLOSED');
  });
});

describe('stdout sink: config errors', () => {
  it('inputs with several tables and no `tables` → exit 1 with the planner message, nothing written', async () => {
    const cwd = tmp();
    const r = await run(cwd, pipeline('  pipe: { type: stdout, inputs: [gl] }'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/sinks\.pipe: a stdout sink writes exactly one table, but its inputs emit \d+ \(journal_entry_lines, [^)]*\); choose one with tables: \[journal_entry_lines\]/);
    expect(r.stdout.length).toBe(0);
    expect(existsSync(join(cwd, 'out'))).toBe(false);
  });

  it('layout and compression are not options of a stdout sink', async () => {
    const cwd = tmp();
    const a = await run(cwd, pipeline('  pipe: { type: stdout, inputs: [gl], tables: [je_approvals], layout: partitioned }'));
    expect(a.code).toBe(1);
    expect(a.stderr).toMatch(/sinks\.pipe\.layout: unknown key 'layout'/);
    const b = await run(cwd, pipeline('  pipe: { type: stdout, inputs: [gl], tables: [je_approvals], compression: gzip }'));
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/sinks\.pipe\.compression: unknown key 'compression'/);
    expect(a.stdout.length + b.stdout.length).toBe(0);
  });

  it('two stdout sinks in one run → exit 3 DSP_SINK_STDOUT_BUSY, no interleaved bytes', async () => {
    const cwd = tmp();
    const r = await run(cwd, pipeline([
      '  a: { type: stdout, inputs: [gl], tables: [je_approvals] }',
      '  b: { type: stdout, inputs: [gl], tables: [journal_entry_lines] }',
    ].join('\n')));
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('DSP_SINK_STDOUT_BUSY');
    expect(r.stdout.length).toBe(0);
    expect(manifestAt(join(cwd, 'out')).status).toBe('failed');
  });
});
