import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { OutputError } from '../../src/errors.js';
import type { OutputTarget, RunContext } from '../../src/engine/plugins.js';
import { defineTable } from '../../src/engine/schema.js';
import { createCompressor } from '../../src/formats/compression.js';
import { fileSink, resolveBaseDir, type FileSinkOptions } from '../../sinks/file/index.js';

const schema = defineTable('journal_entry_lines', 'test', [['id', { type: 'string', description: 'id' }]]);

function target(overrides: Partial<OutputTarget> = {}): OutputTarget {
  return { table: 'journal_entry_lines', partitions: [0, 1], partitionCount: 2, layout: 'single', format: 'csv', compression: 'none', schema, ...overrides };
}

let root: string;
function ctx(overrides: Partial<RunContext> = {}): RunContext {
  return { runId: 'run-1', attemptId: 'att-1', controlRoot: root, signal: new AbortController().signal, ifExists: 'fail', ...overrides };
}
function sinkAt(options: FileSinkOptions = {}) {
  return fileSink.create('lake', { path: 'data', ...options }, { outRoot: null, cwd: root });
}
async function write(w: { writable: NodeJS.WritableStream }, bytes: Buffer): Promise<void> {
  await new Promise<void>((res, rej) => w.writable.write(bytes, (err) => (err ? rej(err) : res())));
}
async function expectOutputError(p: Promise<unknown>, code: string): Promise<OutputError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(OutputError);
  expect((err as OutputError).code).toBe(code);
  expect((err as OutputError).exitCode).toBe(3);
  return err as OutputError;
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'dsp-sink-file-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('file sink', () => {
  it('publishes the exact bytes atomically on commit and leaves no temp', async () => {
    const w = await sinkAt().open(target(), ctx());
    const dir = join(root, 'data');
    const bytes = Buffer.from('id\nJE-1\n"a,b"\n');
    await write(w, bytes.subarray(0, 5));
    // Before commit only the hidden temp exists: nothing partial under the final name.
    expect(await readdir(dir)).toEqual(['.journal_entry_lines.csv.tmp-att-1']);
    w.writable.end(bytes.subarray(5));
    const committed = await w.commit();
    expect(await readdir(dir)).toEqual(['journal_entry_lines.csv']);
    expect((await readFile(join(dir, 'journal_entry_lines.csv'))).equals(bytes)).toBe(true);
    expect(committed.uri).toBe(pathToFileURL(join(dir, 'journal_entry_lines.csv')).href);
    expect(committed.rel).toBe('data/journal_entry_lines.csv');
    expect(Number.isNaN(Date.parse(committed.committedAt))).toBe(false);
    expect(await w.commit()).toBe(committed);
    await w.abort(new Error('late'));
    expect(await readdir(dir)).toEqual(['journal_entry_lines.csv']);
  });

  it('reports rel null for outputs outside the control root', async () => {
    const w = await sinkAt().open(target(), ctx({ controlRoot: join(root, 'elsewhere') }));
    w.writable.end('x\n');
    expect((await w.commit()).rel).toBeNull();
  });

  it('abort removes the temp, is idempotent, and blocks a later commit', async () => {
    const w = await sinkAt().open(target(), ctx());
    await write(w, Buffer.from('partial'));
    await w.abort(new Error('boom'));
    await w.abort(new Error('again'));
    expect(await readdir(join(root, 'data'))).toEqual([]);
    await expectOutputError(w.commit(), 'DSP_SINK_FILE_ABORTED');
  });

  it('fails when the output exists and if_exists is fail, telling what to do', async () => {
    await mkdir(join(root, 'data'));
    await writeFile(join(root, 'data', 'journal_entry_lines.csv'), 'old');
    const err = await expectOutputError(sinkAt().open(target(), ctx()), 'DSP_SINK_FILE_EXISTS');
    expect(err.message).toContain('--if-exists overwrite');
    expect(err.message).toContain(join(root, 'data', 'journal_entry_lines.csv'));
    expect(await readFile(join(root, 'data', 'journal_entry_lines.csv'), 'utf8')).toBe('old');
    expect(await readdir(join(root, 'data'))).toEqual(['journal_entry_lines.csv']);
  });

  it('does not clobber a file that appeared after open under if_exists fail', async () => {
    const w = await sinkAt().open(target(), ctx());
    await writeFile(join(root, 'data', 'journal_entry_lines.csv'), 'theirs');
    w.writable.end('ours');
    await expectOutputError(w.commit(), 'DSP_SINK_FILE_EXISTS');
    expect(await readFile(join(root, 'data', 'journal_entry_lines.csv'), 'utf8')).toBe('theirs');
    expect(await readdir(join(root, 'data'))).toEqual(['journal_entry_lines.csv']);
  });

  it('overwrite replaces an existing output (run flag or sink option)', async () => {
    await mkdir(join(root, 'data'));
    const final = join(root, 'data', 'journal_entry_lines.csv');
    await writeFile(final, 'old content that is longer');
    const w1 = await sinkAt().open(target(), ctx({ ifExists: 'overwrite' }));
    w1.writable.end('new\n');
    await w1.commit();
    expect(await readFile(final, 'utf8')).toBe('new\n');
    const w2 = await sinkAt({ if_exists: 'overwrite' }).open(target(), ctx());
    w2.writable.end('newer\n');
    await w2.commit();
    expect(await readFile(final, 'utf8')).toBe('newer\n');
    // The sink's own option (already overridden by --if-exists in the planner) beats the run default.
    await expectOutputError(sinkAt({ if_exists: 'fail' }).open(target(), ctx({ ifExists: 'overwrite' })), 'DSP_SINK_FILE_EXISTS');
  });

  it('names partitioned and compressed outputs per controls.md §8.2', async () => {
    const sink = sinkAt();
    const w = await sink.open(target({ layout: 'partitioned', partitions: [3], partitionCount: 12, compression: 'gzip' }), ctx());
    const gz = createCompressor('gzip')!;
    await pipeline(Readable.from([Buffer.from('id\n'), Buffer.from('JE-1\n')]), gz, w.writable);
    const committed = await w.commit();
    const file = join(root, 'data', 'journal_entry_lines', 'part-00003-of-00012.csv.gz');
    expect(committed.rel).toBe('data/journal_entry_lines/part-00003-of-00012.csv.gz');
    expect(gunzipSync(await readFile(file)).toString()).toBe('id\nJE-1\n');
    const w2 = await sink.open(target({ layout: 'partitioned', partitions: [11], partitionCount: 12, format: 'ndjson' }), ctx());
    w2.writable.end('{}\n');
    await w2.commit();
    expect((await readdir(join(root, 'data', 'journal_entry_lines'))).sort()).toEqual(['part-00003-of-00012.csv.gz', 'part-00011-of-00012.ndjson']);
    const w3 = await sink.open(target({ format: 'ndjson', compression: 'gzip' }), ctx());
    w3.writable.end('');
    expect((await w3.commit()).rel).toBe('data/journal_entry_lines.ndjson.gz');
  });

  it('sweeps temps of earlier attempts on commit', async () => {
    await mkdir(join(root, 'data'));
    await writeFile(join(root, 'data', '.journal_entry_lines.csv.tmp-att-0'), 'stale');
    await writeFile(join(root, 'data', '.other.csv.tmp-att-0'), 'not ours');
    const w = await sinkAt().open(target(), ctx());
    w.writable.end('x\n');
    await w.commit();
    expect((await readdir(join(root, 'data'))).sort()).toEqual(['.other.csv.tmp-att-0', 'journal_entry_lines.csv']);
  });

  it('maps an unwritable directory to DSP_SINK_FILE_OPEN with the path and OS message', async () => {
    await writeFile(join(root, 'file'), 'a regular file');
    const sink = fileSink.create('lake', { path: 'file/sub' }, { outRoot: null, cwd: root });
    const err = await expectOutputError(sink.open(target(), ctx()), 'DSP_SINK_FILE_OPEN');
    expect(err.message).toContain(join(root, 'file', 'sub'));
    expect(err.message).toMatch(/ENOTDIR|EEXIST/);
    await expectOutputError(sink.check(new AbortController().signal), 'DSP_SINK_FILE_OPEN');
  });

  it('check creates the directory and leaves no probe behind', async () => {
    const sink = sinkAt({ path: 'deep/er' });
    await sink.check(new AbortController().signal);
    expect(await readdir(join(root, 'deep', 'er'))).toEqual([]);
  });

  it('reports buffered bytes from the writable', async () => {
    const w = await sinkAt().open(target(), ctx());
    expect(w.bufferedBytes()).toBe(0);
    w.writable.write(Buffer.alloc(10));
    expect(w.bufferedBytes()).toBeGreaterThan(0);
    await w.abort(null);
    expect(await readdir(join(root, 'data'))).toEqual([]);
  });

  it('declares its type, formats and options schema', () => {
    expect(fileSink.type).toBe('file');
    expect(fileSink.defaultFormat).toBe('csv');
    expect(fileSink.formats).toEqual(['csv', 'ndjson', 'parquet', 'arrow']);
    const props = fileSink.optionsSchema.properties as Record<string, Record<string, unknown>>;
    expect(fileSink.optionsSchema.additionalProperties).toBe(false);
    expect(props.path['x-dsp-runtime']).toBe(true);
    expect(props.if_exists['x-dsp-runtime']).toBe(true);
    expect(props.format['x-dsp-runtime']).toBeUndefined();
    expect(Object.keys(props).sort()).toEqual(['compression', 'delimiter', 'format', 'if_exists', 'layout', 'path', 'row_group_rows', 'tables']);
  });
});

describe('file sink base directory', () => {
  const cwd = resolve('/work/project');
  it('resolves path under --out, lets --out replace the default, keeps absolute paths', () => {
    expect(resolveBaseDir({}, { outRoot: '/data/run1', cwd })).toBe(resolve('/data/run1'));
    expect(resolveBaseDir({ path: './out' }, { outRoot: '/data/run1', cwd })).toBe(resolve('/data/run1'));
    expect(resolveBaseDir({ path: 'lake/raw' }, { outRoot: '/data/run1', cwd })).toBe(resolve('/data/run1/lake/raw'));
    expect(resolveBaseDir({ path: '/srv/export' }, { outRoot: '/data/run1', cwd })).toBe(resolve('/srv/export'));
    expect(resolveBaseDir({ path: 'lake' }, { outRoot: 'rel-out', cwd })).toBe(resolve(cwd, 'rel-out/lake'));
  });
  it('resolves against cwd without --out', () => {
    expect(resolveBaseDir({}, { outRoot: null, cwd })).toBe(resolve(cwd, 'out'));
    expect(resolveBaseDir({ path: 'x/y' }, { outRoot: null, cwd })).toBe(resolve(cwd, 'x/y'));
    expect(fileSink.localRoot!({ path: '/abs' }, { outRoot: null, cwd })).toBe(resolve('/abs'));
  });
});
