/** The tool's own identity (manifest `tool`, marking, PROV agent). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

interface PackageJson { name: string; version: string; dependencies?: Record<string, string> }

function findPackageJson(): PackageJson {
  // src/util/tool.ts → dist/src/util/tool.js: walk up to the package root.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
      if (pkg.name === 'datasynth-pipe') return pkg;
    } catch { /* keep walking */ }
    dir = dirname(dir);
  }
  throw new Error('datasynth-pipe: package.json not found');
}

const pkg = findPackageJson();

export const TOOL_NAME = 'datasynth-pipe';
export const TOOL_VERSION: string = pkg.version;

export function toolInfo(): { name: string; version: string; node: string; dependencies: Record<string, string> } {
  return { name: TOOL_NAME, version: TOOL_VERSION, node: process.version, dependencies: { ...(pkg.dependencies ?? {}) } };
}
