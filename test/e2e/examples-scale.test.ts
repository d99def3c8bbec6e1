/**
 * The scale-out examples (issue 8, part 5): the Airflow DAG and the Dagster asset parse, the
 * Kubernetes manifests parse, and their command lines — taken from the files, with the pipeline
 * and output root pointed at a small fixture — run against the built CLI and commit cleanly.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { parseAllDocuments } from 'yaml';
import { runCli, tempDirs, REPO, BIN } from '../support/cli.js';

const dirs = tempDirs('dsp-examples-');
afterAll(() => dirs.cleanup());
const FIXTURE = join(REPO, 'test/fixtures/scale.yaml');
const python = spawnSync('python3', ['--version']).status === 0;
if (!python && process.env.CI) throw new Error('python3 is needed to parse the Airflow/Dagster examples (bash .ci/run installs it)');

function py(code: string): string {
  const r = spawnSync('python3', ['-c', code], { cwd: REPO, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
}

/** Splits a shell command the way the examples write them (no quoting beyond shlex.quote of plain paths). */
function argv(command: string): string[] {
  return command.trim().split(/\s+/).map((a) => a.replace(/^'(.*)'$/, '$1'));
}

/** Runs `npx datasynth-pipe …` as the built CLI. */
async function runExampleCommand(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const i = args.indexOf('datasynth-pipe');
  expect(i, args.join(' ')).toBeGreaterThanOrEqual(0);
  return runCli(args.slice(i + 1), { env });
}

describe.skipIf(!python)('Airflow example', () => {
  it('parses, and its mapped shard commands + commit command run against the CLI', async () => {
    py("import ast; ast.parse(open('examples/airflow/datasynth_dag.py').read()); ast.parse(open('examples/airflow/datasynth_commands.py').read())");
    const dag = readFileSync(join(REPO, 'examples/airflow/datasynth_dag.py'), 'utf8');
    expect(dag).toMatch(/\.partial\(/);
    expect(dag).toMatch(/\.expand\(/);
    expect(dag).toMatch(/shards >> commit/);
    const out = dirs.tmp();
    const cmds = JSON.parse(py(`import json, sys; sys.path.insert(0, 'examples/airflow')
from datasynth_commands import shard_commands, commit_command
print(json.dumps({'shards': shard_commands(${JSON.stringify(FIXTURE)}, ${JSON.stringify(out)}, 2, 'scheduled__2026-12-01T00:00:00+00:00'), 'commit': commit_command(${JSON.stringify(out)}, 2)}))`)) as { shards: string[]; commit: string };
    expect(cmds.shards).toHaveLength(2);
    for (const c of cmds.shards) {
      const r = await runExampleCommand(argv(c));
      expect(r.code, r.stderr).toBe(0);
      // --progress ndjson: the JSON event lines (the summary after them is for people) end with `end`.
      const events = r.stderr.split('\n').filter((l) => l.startsWith('{')).map((line) => JSON.parse(line) as { type: string; status?: string });
      expect(events[events.length - 1]).toMatchObject({ type: 'end', status: 'complete' });
    }
    const commit = await runExampleCommand(argv(cmds.commit));
    expect(commit.code, commit.stderr).toBe(0);
    const m = JSON.parse(readFileSync(join(out, 'data', 'manifest.json'), 'utf8'));
    expect(m.status).toBe('complete');
    expect(m.run_id).toMatch(/^[0-9a-f-]{36}$/); // Airflow's run id mapped to a UUID
  }, 180_000);
});

const encode = (v: unknown): string => deflateSync(Buffer.from(JSON.stringify(v))).toString('base64');

describe.skipIf(!python)('Dagster example', () => {
  it('parses; each partition runs its shard under Pipes (valid protocol messages), then the commit asset', async () => {
    py("import ast; ast.parse(open('examples/dagster/datasynth_assets.py').read())");
    // Build the argument lists with the example's own functions, without importing dagster.
    const args = JSON.parse(py(`import ast, json
src = open('examples/dagster/datasynth_assets.py').read()
tree = ast.parse(src)
keep = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name in ('shard_args', 'commit_args') or isinstance(n, ast.Assign) and getattr(n.targets[0], 'id', '') in ('PIPELINE', 'OUT', 'SHARDS')]
ns = {}
exec(compile(ast.Module(body=keep, type_ignores=[]), 'assets', 'exec'), ns)
print(json.dumps({'shards': [ns['shard_args'](i, 2, 'dagster-run-1') for i in range(2)], 'commit': ns['commit_args'](2), 'pipeline': ns['PIPELINE'], 'out': ns['OUT']}))`)) as { shards: string[][]; commit: string[]; pipeline: string; out: string };
    const out = dirs.tmp();
    const swap = (a: string[]): string[] => a.map((x) => (x === args.pipeline ? FIXTURE : x === args.out ? out : x));
    for (let i = 0; i < 2; i++) {
      const msgs = join(out, `pipes-${i}.jsonl`);
      // What PipesSubprocessClient sets: context (with extras) and a messages file.
      const r = await runExampleCommand(swap(args.shards[i]), {
        DAGSTER_PIPES_CONTEXT: encode({ data: { asset_keys: ['ledger_shard'], partition_key: String(i), run_id: 'dagster-run-1', extras: { shard_index: i, shard_count: 2 } } }),
        DAGSTER_PIPES_MESSAGES: encode({ path: msgs }),
      });
      expect(r.code, r.stderr).toBe(0);
      const lines = readFileSync(msgs, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { __dagster_pipes_version: string; method: string; params: unknown });
      expect(lines.every((l) => l.__dagster_pipes_version === '0.1')).toBe(true);
      expect(lines[0].method).toBe('opened');
      expect(lines[lines.length - 1].method).toBe('closed');
      // A shard does not commit: no materialization yet.
      expect(lines.some((l) => l.method === 'report_asset_materialization')).toBe(false);
    }
    const msgs = join(out, 'pipes-commit.jsonl');
    const c = await runExampleCommand(swap(args.commit), {
      DAGSTER_PIPES_CONTEXT: encode({ data: { asset_keys: ['synthetic_ledger'], run_id: 'dagster-run-1' } }),
      DAGSTER_PIPES_MESSAGES: encode({ path: msgs }),
    });
    expect(c.code, c.stderr).toBe(0);
    const lines = readFileSync(msgs, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { method: string; params: { asset_key?: string; metadata?: Record<string, { raw_value: unknown; type: string }>; data_version?: string } });
    const mat = lines.filter((l) => l.method === 'report_asset_materialization');
    expect(mat).toHaveLength(1);
    expect(mat[0].params.asset_key).toBe('synthetic_ledger');
    const m = JSON.parse(readFileSync(join(out, 'data', 'manifest.json'), 'utf8'));
    expect(mat[0].params.metadata!.run_id.raw_value).toBe(m.run_id);
    expect(mat[0].params.metadata!.rows.raw_value).toBe(Object.values(m.tables as Record<string, { rows: number }>).reduce((a, t) => a + t.rows, 0));
    expect(mat[0].params.data_version).toMatch(/^[0-9a-f]{64}$/);
  }, 180_000);
});

describe('Kubernetes example', () => {
  it('the Indexed Job and commit Job parse, and each index runs its shard from JOB_COMPLETION_INDEX', async () => {
    const job = parseAllDocuments(readFileSync(join(REPO, 'examples/kubernetes/indexed-job.yaml'), 'utf8'))[0].toJS();
    const commitJob = parseAllDocuments(readFileSync(join(REPO, 'examples/kubernetes/commit-job.yaml'), 'utf8'))[0].toJS();
    expect(job.kind).toBe('Job');
    expect(job.spec.completionMode).toBe('Indexed');
    const container = job.spec.template.spec.containers[0];
    const env = Object.fromEntries(container.env.filter((e: { value?: string }) => e.value !== undefined).map((e: { name: string; value: string }) => [e.name, e.value]));
    expect(Number(env.DSP_SHARD_COUNT)).toBe(job.spec.completions);
    expect(container.env.find((e: { name: string }) => e.name === 'DSP_RUN_ID').valueFrom.fieldRef.fieldPath).toMatch(/controller-uid/);
    const n = job.spec.completions as number;
    const out = dirs.tmp();
    const pipeline = container.command[container.command.indexOf('run') + 1] as string;
    const outArg = container.command[container.command.indexOf('--out') + 1] as string;
    const swap = (a: string[]): string[] => a.map((x) => (x === pipeline ? FIXTURE : x === outArg ? out : x));
    for (let i = 0; i < n; i++) {
      const r = await runExampleCommand(swap(container.command), { JOB_COMPLETION_INDEX: String(i), DSP_SHARD_COUNT: env.DSP_SHARD_COUNT, DSP_RUN_ID: '7e4b1f0c-2d3a-4b5c-8d9e-0f1a2b3c4d5e' });
      expect(r.code, r.stderr).toBe(0);
    }
    const commitCmd = commitJob.spec.template.spec.containers[0].command as string[];
    const c = await runExampleCommand(commitCmd.map((x: string) => (x === outArg ? out : x)));
    expect(c.code, c.stderr).toBe(0);
    expect(existsSync(join(out, 'data', '_SUCCESS'))).toBe(true);
  }, 240_000);
});

void writeFileSync;
void BIN;
