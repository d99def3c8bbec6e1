import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutputError } from '../../src/errors.js';
import { createExclusive, writeFileAtomic } from '../../sinks/file/atomic.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'dsp-atomic-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('writes, replaces, creates parents and leaves no temp', async () => {
    const path = join(root, 'ctl', 'manifest.json');
    await writeFileAtomic(path, '{"status":"running"}\n');
    expect(await readFile(path, 'utf8')).toBe('{"status":"running"}\n');
    await writeFileAtomic(path, Buffer.from('{"status":"committed"}\n'));
    expect(await readFile(path, 'utf8')).toBe('{"status":"committed"}\n');
    expect(await readdir(join(root, 'ctl'))).toEqual(['manifest.json']);
  });

  it('fails with DSP_SINK_FILE_WRITE under a regular file', async () => {
    await writeFile(join(root, 'f'), 'x');
    const err = await writeFileAtomic(join(root, 'f', 'manifest.json'), 'y').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutputError);
    expect((err as OutputError).code).toBe('DSP_SINK_FILE_WRITE');
  });
});

describe('createExclusive', () => {
  it('creates once, then refuses with EEXIST and keeps the first content', async () => {
    const path = join(root, '_SUCCESS');
    await createExclusive(path, 'first\n');
    const err = await createExclusive(path, 'second\n').catch((e: unknown) => e);
    expect((err as NodeJS.ErrnoException).code).toBe('EEXIST');
    expect(await readFile(path, 'utf8')).toBe('first\n');
    expect(await readdir(root)).toEqual(['_SUCCESS']);
  });

  it('lets exactly one of two racing writers win', async () => {
    const path = join(root, '_SUCCESS');
    const results = await Promise.allSettled([createExclusive(path, 'a'), createExclusive(path, 'b')]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(['a', 'b']).toContain(await readFile(path, 'utf8'));
    expect(await readdir(root)).toEqual(['_SUCCESS']);
  });

  it('wraps other failures in DSP_SINK_FILE_WRITE', async () => {
    await writeFile(join(root, 'f'), 'x');
    const err = await createExclusive(join(root, 'f', '_SUCCESS'), '').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutputError);
    expect((err as OutputError).code).toBe('DSP_SINK_FILE_WRITE');
  });
});
