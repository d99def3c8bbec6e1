/**
 * `--set path=value` (controls.md §1.2 step 2): applied after parsing and
 * before interpolation and validation, so an override is checked like any
 * other value. The value is read as YAML (`--set period.months=6` sets the
 * number 6; `--set sinks.out.inputs=[gl]` a list); an empty value is "".
 */
import { parse as parseYaml } from 'yaml';
import type { IssueCollector, OverrideOrigin } from './issues.js';
import { toJsonValue } from './json-values.js';
import { formatPath, parsePath, type PathSegment } from './paths.js';
import type { JsonObject, JsonValue } from './types.js';

export interface ParsedOverride extends OverrideOrigin {
  value: JsonValue;
}

/** Parses each `path=value`; bad ones are reported and skipped. */
export function parseOverrides(list: readonly string[], issues: IssueCollector): ParsedOverride[] {
  const out: ParsedOverride[] = [];
  for (const text of list) {
    const eq = text.indexOf('=');
    const path = eq > 0 ? parsePath(text.slice(0, eq).trim()) : undefined;
    if (!path) {
      issues.add([], `invalid --set '${text}': expected path=value, e.g. --set period.months=6 or --set companies[0].volume=1000`, { at: 'none' });
      continue;
    }
    const raw = text.slice(eq + 1);
    let parsed: unknown;
    try {
      parsed = raw.trim() === '' ? '' : parseYaml(raw, { version: '1.2', schema: 'core', intAsBigInt: true, uniqueKeys: true });
    } catch (e) {
      const reason = (e as Error).message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      issues.add(path, `invalid --set value '${raw}': ${reason}`, { at: 'none' });
      continue;
    }
    issues.noteOverride({ path, text });
    out.push({ path, text, value: toJsonValue(parsed, issues, path) });
  }
  return out;
}

/** Applies overrides in order, creating missing mappings on the way. */
export function applyOverrides(root: JsonObject, overrides: readonly ParsedOverride[], issues: IssueCollector): void {
  for (const o of overrides) {
    const problem = setAt(root, o.path, o.value);
    if (problem) issues.add([], `cannot apply --set ${o.text}: ${problem}`, { at: 'none' });
  }
}

function setAt(root: JsonObject, path: readonly PathSegment[], value: JsonValue): string | undefined {
  let node: JsonValue = root;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const last = i === path.length - 1;
    const here = formatPath(path.slice(0, i)) || 'the top level';
    if (typeof seg === 'number') {
      if (!Array.isArray(node)) return `${here} is not a list`;
      if (seg > node.length) return `${formatPath(path.slice(0, i + 1))} is past the end of the list (${node.length} items)`;
      if (last) node[seg] = value;
      else {
        if (node[seg] === undefined || node[seg] === null) node[seg] = typeof path[i + 1] === 'number' ? [] : {};
        node = node[seg];
      }
    } else {
      if (node === null || typeof node !== 'object' || Array.isArray(node)) return `${here} is not a mapping`;
      const map: { [k: string]: JsonValue } = node;
      if (last) map[seg] = value;
      else {
        if (map[seg] === undefined || map[seg] === null) map[seg] = typeof path[i + 1] === 'number' ? [] : {};
        node = map[seg];
      }
    }
  }
  return undefined;
}
