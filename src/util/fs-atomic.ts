/**
 * Atomic control-file writes (controls.md §0, §8.2): temp file in the same
 * directory, fsync, rename; `_SUCCESS` create-only via link(2).
 */
import { promises as fs } from 'node:fs';
import { dirname, basename, join } from 'node:path';

function tempName(path: string, tag: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${tag}`);
}

async function writeAndSync(path: string, data: string | Buffer): Promise<void> {
  const handle = await fs.open(path, 'wx');
  try {
    await handle.writeFile(data);
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

/** fsync a directory so a rename survives a crash; unsupported on some platforms (ignored there). */
export async function fsyncDir(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF') throw err;
  } finally {
    await handle?.close();
  }
}

/** Replaces `path` atomically with `data`. */
export async function writeFileAtomic(path: string, data: string | Buffer, tag: string): Promise<void> {
  const temp = tempName(path, tag);
  try {
    await writeAndSync(temp, data);
    await fs.rename(temp, path);
  } catch (err) {
    await fs.unlink(temp).catch(() => undefined);
    throw err;
  }
  await fsyncDir(dirname(path));
}

/** Creates `path` with `data` only if it does not exist (EEXIST otherwise); never a partial file. */
export async function createExclusive(path: string, data: string | Buffer, tag: string): Promise<void> {
  const temp = tempName(path, tag);
  await writeAndSync(temp, data);
  try {
    await fs.link(temp, path);
  } finally {
    await fs.unlink(temp).catch(() => undefined);
  }
  await fsyncDir(dirname(path));
}

/** JSON as control files are written: 2-space indent, final newline. */
export function controlJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}
