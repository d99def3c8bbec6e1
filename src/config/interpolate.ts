/**
 * `${VAR}` / `${VAR:-default}` in string scalars, applied after parsing so it
 * can never change the YAML structure (controls.md §1.2 step 3). `$${` is a
 * literal `${`. Like the shell, `:-` uses the default when the variable is
 * unset or empty.
 */
import type { JsonValue } from './types.js';
import type { PathSegment } from './paths.js';

export type Env = Readonly<Record<string, string | undefined>>;

export type InterpolationProblem =
  | { kind: 'missing'; variable: string }
  | { kind: 'syntax'; detail: string };

export interface InterpolationResult {
  value: string;
  problems: InterpolationProblem[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Expands one string.
 *
 * @example interpolateString('${HOST:-localhost}:5432', {}).value // 'localhost:5432'
 */
export function interpolateString(text: string, env: Env): InterpolationResult {
  const problems: InterpolationProblem[] = [];
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i)) {
      out += '${';
      i += 3;
      continue;
    }
    if (!text.startsWith('${', i)) {
      out += text[i];
      i++;
      continue;
    }
    const close = text.indexOf('}', i + 2);
    if (close < 0) {
      problems.push({ kind: 'syntax', detail: `unterminated '\${' in "${text}"; close it with '}' or write '$\${' for a literal '\${'` });
      out += text.slice(i);
      break;
    }
    const body = text.slice(i + 2, close);
    const sep = body.indexOf(':-');
    const name = sep < 0 ? body : body.slice(0, sep);
    if (!NAME.test(name)) {
      problems.push({ kind: 'syntax', detail: `'\${${body}}' is not a variable reference; names are letters, digits and _ (write '$\${' for a literal '\${')` });
      out += text.slice(i, close + 1);
    } else {
      const value = env[name];
      if (sep >= 0) out += value === undefined || value === '' ? body.slice(sep + 2) : value;
      else if (value === undefined) problems.push({ kind: 'missing', variable: name });
      else out += value;
    }
    i = close + 1;
  }
  return { value: out, problems };
}

/**
 * Expands every string scalar in `value` (keys are left alone), reporting
 * problems with the path of the string they are in. Returns a new tree.
 */
export function interpolateTree(
  value: JsonValue,
  env: Env,
  report: (path: PathSegment[], problem: InterpolationProblem) => void,
  path: PathSegment[] = [],
): JsonValue {
  if (typeof value === 'string') {
    if (!value.includes('${')) return value;
    const r = interpolateString(value, env);
    for (const p of r.problems) report(path, p);
    return r.value;
  }
  if (Array.isArray(value)) return value.map((item, i) => interpolateTree(item, env, report, [...path, i]));
  if (value !== null && typeof value === 'object') {
    const out: { [k: string]: JsonValue } = {};
    for (const [k, v] of Object.entries(value)) out[k] = interpolateTree(v, env, report, [...path, k]);
    return out;
  }
  return value;
}
