/**
 * FileHandleWritable (sinks/file): every byte reaches the file in order, background write-back
 * requests start once WRITE_BACK_BYTES were written (at most one in flight), and `_final` waits for
 * the one in flight before its own datasync — so 'finish' still means "on disk".
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { FileHandleWritable } from '../../sinks/file/handle-writable.js';

const dir = mkdtempSync(join(tmpdir(), 'dsp-hw-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('FileHandleWritable write-back', () => {
  it('writes every byte, requests write-back in the background every N bytes, and finishes after the last datasync', async () => {
    const path = join(dir, 'a.bin');
    const handle = await open(path, 'w');
    const events: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const realSync = handle.datasync.bind(handle);
    handle.datasync = async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      events.push('sync-start');
      await new Promise((r) => setTimeout(r, 5));
      await realSync();
      inFlight--;
      events.push('sync-end');
    };
    const w = new FileHandleWritable(handle, 64 * 1024, 100_000);
    const expected: Buffer[] = [];
    for (let i = 0; i < 40; i++) {
      const chunk = Buffer.alloc(30_000, i);
      expected.push(chunk);
      if (!w.write(chunk)) await new Promise((r) => w.once('drain', r));
    }
    w.end();
    await finished(w);
    events.push('finish');
    await handle.close();
    expect(readFileSync(path).equals(Buffer.concat(expected))).toBe(true);
    const starts = events.filter((e) => e === 'sync-start').length;
    // 1.2 MB at a 100 kB threshold: at least one background request (none while one is in flight) + the final one.
    expect(starts).toBeGreaterThanOrEqual(2);
    expect(maxInFlight).toBe(1);
    // Every datasync ended before 'finish'.
    expect(events.at(-1)).toBe('finish');
    expect(events.at(-2)).toBe('sync-end');
  });

  it('without reaching the threshold only the final datasync runs', async () => {
    const handle = await open(join(dir, 'b.bin'), 'w');
    let syncs = 0;
    const realSync = handle.datasync.bind(handle);
    handle.datasync = async () => { syncs++; await realSync(); };
    const w = new FileHandleWritable(handle, 64 * 1024);
    w.end(Buffer.alloc(1000, 7));
    await finished(w);
    await handle.close();
    expect(syncs).toBe(1);
  });
});
