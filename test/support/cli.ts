/** Runs the built CLI as a user would (node bin/datasynth-pipe.js …) and collects its output. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../..');
export const BIN = join(REPO, 'bin', 'datasynth-pipe.js');

export interface CliResult { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

export function startCli(args: string[], opts: { cwd?: string; env?: Record<string, string | undefined>; command?: string[] } = {}): { child: ChildProcess; done: Promise<CliResult> } {
  const [cmd, ...pre] = opts.command ?? [process.execPath, BIN];
  const child = spawn(cmd, [...pre, ...args], {
    cwd: opts.cwd ?? REPO,
    env: { ...process.env, NODE_NO_WARNINGS: '1', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<CliResult>((res) => child.on('close', (code, signal) => res({ code, signal, stdout, stderr })));
  return { child, done };
}

export function runCli(args: string[], opts: { cwd?: string; env?: Record<string, string | undefined>; command?: string[] } = {}): Promise<CliResult> {
  return startCli(args, opts).done;
}

export function tempDir(prefix = 'dsp-test-'): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Temp directories for one test file: `tmp()` makes one, `cleanup()` (in afterAll) removes them all. */
export function tempDirs(prefix = 'dsp-test-'): { tmp: () => string; cleanup: () => void } {
  const made: Array<() => void> = [];
  return {
    tmp: () => {
      const t = tempDir(prefix);
      made.push(t.cleanup);
      return t.path;
    },
    cleanup: () => made.splice(0).forEach((c) => c()),
  };
}
