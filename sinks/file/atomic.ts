/**
 * Atomic local-file publishing (controls.md §8.2): write a dot-temp in the
 * same directory (rename across filesystems fails with EXDEV), make it durable,
 * then rename (replace) or link (create-only) it into place and fsync the
 * directory so the new name survives a crash.
 */
import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { OutputError } from '../../src/errors.js';

let tempCounter = 0;

/** A hidden temp name next to `finalPath`; `tag` identifies the writer (attempt id, pid). */
export function tempPathFor(finalPath: string, tag: string): string {
  return join(dirname(finalPath), `.${basename(finalPath)}.tmp-${tag}`);
}

function localTag(): string {
  tempCounter += 1;
  return `${process.pid}-${tempCounter}`;
}

/** Platforms (Windows) and filesystems that cannot fsync a directory say so with these codes. */
const DIR_FSYNC_UNSUPPORTED = new Set(['EISDIR', 'EPERM', 'EINVAL', 'EBADF', 'ENOTSUP', 'EACCES']);

/** fsyncs a directory so a rename/link inside it is durable; a no-op where unsupported. */
export async function fsyncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | null = null;
  try {
    handle = await fsp.open(dir, 'r');
    await handle.sync();
  } catch (err) {
    if (!DIR_FSYNC_UNSUPPORTED.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

export async function unlinkIfExists(path: string): Promise<void> {
  try {
    await fsp.unlink(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

async function writeDurableTemp(temp: string, data: string | Uint8Array): Promise<void> {
  const handle = await fsp.open(temp, 'wx');
  try {
    await handle.writeFile(data);
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

function writeFailure(path: string, err: unknown): OutputError {
  const e = err as NodeJS.ErrnoException;
  return new OutputError('DSP_SINK_FILE_WRITE', `cannot write ${path}: ${e.message ?? String(err)}`, { path, errno: e.code }, { cause: err });
}

/**
 * Writes `data` to `path` atomically, replacing any existing file: readers see
 * the old content or the new, never a mix. Creates missing parent directories.
 *
 * @example await writeFileAtomic('/out/manifest.json', JSON.stringify(manifest, null, 2) + '\n');
 * @throws OutputError `DSP_SINK_FILE_WRITE` with the path and the OS message.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temp = tempPathFor(path, localTag());
  try {
    await fsp.mkdir(dirname(path), { recursive: true });
    await writeDurableTemp(temp, data);
    await fsp.rename(temp, path);
    await fsyncDirectory(dirname(path));
  } catch (err) {
    await unlinkIfExists(temp).catch(() => undefined);
    throw writeFailure(path, err);
  }
}

/**
 * Creates `path` with `data` only if it does not exist yet (the `_SUCCESS`
 * recipe): the content is complete before the name appears, and of two racing
 * writers exactly one wins. Creates missing parent directories.
 *
 * @example
 * try { await createExclusive(join(root, '_SUCCESS'), '') }
 * catch (e) { if ((e as NodeJS.ErrnoException).code === 'EEXIST') alreadyCommitted() else throw e }
 * @throws the fs error with `code === 'EEXIST'` when `path` exists; OutputError `DSP_SINK_FILE_WRITE` otherwise.
 */
export async function createExclusive(path: string, data: string | Uint8Array): Promise<void> {
  const temp = tempPathFor(path, localTag());
  try {
    await fsp.mkdir(dirname(path), { recursive: true });
    await writeDurableTemp(temp, data);
  } catch (err) {
    await unlinkIfExists(temp).catch(() => undefined);
    throw writeFailure(path, err);
  }
  try {
    await fsp.link(temp, path);
    await fsyncDirectory(dirname(path));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw err;
    throw writeFailure(path, err);
  } finally {
    await unlinkIfExists(temp).catch(() => undefined);
  }
}
