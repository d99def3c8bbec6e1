/**
 * `datasynth-pipe report <out>`: renders the run in `<out>` (manifest.json, gates.json and
 * profile.json of its control root) into one self-contained HTML page, `report.html` by default.
 */
import { promises as fs } from 'node:fs';
import { join, resolve } from 'node:path';
import { DspError, ExitCode } from '../errors.js';
import type { Manifest } from '../provenance/manifest.js';
import { renderReport, type GatesJson } from './html.js';
import type { ProfileJson } from './profile.js';

export const REPORT_FILE = 'report.html';

async function readOptional<T>(path: string): Promise<T | null> {
  try {
    return JSON.parse(await fs.readFile(path, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new DspError('DSP_REPORT_INPUT', `${path} is not valid JSON: ${(err as Error).message}`, ExitCode.InvalidInput, { path });
  }
}

/**
 * Writes the report; returns its path.
 *
 * @example
 * const path = await writeReport('./out');          // ./out/report.html
 * await writeReport('./out', { output: '/tmp/r.html' });
 */
export async function writeReport(controlRoot: string, options: { output?: string } = {}): Promise<{ path: string; bytes: number }> {
  const root = resolve(controlRoot);
  const manifestPath = join(root, 'manifest.json');
  const manifest = await readOptional<Manifest>(manifestPath);
  if (!manifest) {
    throw new DspError('DSP_REPORT_INPUT', `${manifestPath} not found: report needs the control root of a finished run (the --out directory, or a committed shard root)`, ExitCode.InvalidInput, { path: manifestPath });
  }
  const gates = await readOptional<GatesJson>(join(root, 'gates.json'));
  const profile = await readOptional<ProfileJson>(join(root, 'profile.json'));
  const html = renderReport({ manifest, gates, profile });
  const path = options.output ? resolve(options.output) : join(root, REPORT_FILE);
  await fs.writeFile(path, html);
  return { path, bytes: Buffer.byteLength(html) };
}
