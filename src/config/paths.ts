/**
 * Key paths inside a config, as segments (`['companies', 1, 'currency']`)
 * and as the text users see in messages and pass to `--set`
 * (`companies[1].currency`).
 */

export type PathSegment = string | number;
export type KeyPath = readonly PathSegment[];

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `['sinks', 'pg', 'url']` → `sinks.pg.url`; `['companies', 1]` → `companies[1]`. */
export function formatPath(path: KeyPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (PLAIN_KEY.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/**
 * Parses a `--set` path: dotted keys, `[n]` list indices and `["any key"]`.
 * Returns undefined when the text is not a path.
 *
 * @example parsePath('companies[0].volume') // ['companies', 0, 'volume']
 */
export function parsePath(text: string): PathSegment[] | undefined {
  const out: PathSegment[] = [];
  let i = 0;
  let expectKey = true;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '[') {
      const close = text.indexOf(']', i);
      if (close < 0) return undefined;
      const inner = text.slice(i + 1, close);
      if (/^\d+$/.test(inner)) out.push(Number(inner));
      else if (/^"(?:[^"\\]|\\.)*"$/.test(inner)) out.push(JSON.parse(inner) as string);
      else return undefined;
      i = close + 1;
      expectKey = false;
    } else if (ch === '.') {
      if (expectKey) return undefined;
      i++;
      expectKey = true;
    } else {
      if (!expectKey) return undefined;
      const m = /^[A-Za-z0-9_-]+/.exec(text.slice(i));
      if (!m) return undefined;
      out.push(m[0]);
      i += m[0].length;
      expectKey = false;
    }
  }
  return out.length > 0 && !expectKey ? out : undefined;
}

/** An ajv `instancePath` (JSON Pointer) as segments; indices become numbers where `root` holds a list. */
export function pointerToPath(pointer: string, root: unknown): PathSegment[] {
  if (pointer === '') return [];
  const out: PathSegment[] = [];
  let node: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node) && /^\d+$/.test(key)) {
      out.push(Number(key));
      node = node[Number(key)];
    } else {
      out.push(key);
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
    }
  }
  return out;
}

/** True when `path` is `prefix` or lies below it. */
export function isUnder(path: KeyPath, prefix: KeyPath): boolean {
  if (path.length < prefix.length) return false;
  return prefix.every((seg, i) => seg === path[i]);
}

/** The value at `path`, or undefined. */
export function getAt(root: unknown, path: KeyPath): unknown {
  let node = root;
  for (const seg of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[seg];
  }
  return node;
}
