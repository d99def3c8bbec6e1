/**
 * Splits a validated config into the hashed snapshot and the runtime-only
 * part (controls.md §1.2 steps 5–6). A key is runtime-only iff it cannot
 * change a data byte; secrets are runtime-only and shown as "***".
 */
import { COMPONENT_KINDS, componentEntries } from './components.js';
import { KEYWORD_FILE, KEYWORD_RUNTIME, KEYWORD_SECRET, RUNTIME_TOP_LEVEL_KEYS, SINK_TRANSPORT_KEYS } from './known-values.js';
import { formatPath, getAt, type KeyPath, type PathSegment } from './paths.js';
import { REDACTED, redactUrlPassword } from './redact.js';
import type { ComponentRegistries, JsonObject, JsonValue } from './types.js';

/** Option paths (relative to the component) whose schema carries `keyword: true`, following nested `properties`. */
export function markedOptionPaths(schema: JsonObject | undefined, keyword: string, prefix: PathSegment[] = []): PathSegment[][] {
  const out: PathSegment[][] = [];
  const props = schema?.properties;
  if (!props || typeof props !== 'object' || Array.isArray(props)) return out;
  for (const [key, sub] of Object.entries(props)) {
    if (!sub || typeof sub !== 'object' || Array.isArray(sub)) continue;
    if (sub[keyword] === true) out.push([...prefix, key]);
    else out.push(...markedOptionPaths(sub, keyword, [...prefix, key]));
  }
  return out;
}

export interface SplitResult {
  snapshot: JsonObject;
  runtime: JsonObject;
}

/**
 * @param fileHashes SHA-256 of each `x-dsp-file` value's content, keyed by formatted key path.
 */
export function splitConfig(
  config: JsonObject,
  registries: ComponentRegistries,
  seed: bigint,
  fileHashes: ReadonlyMap<string, string>,
): SplitResult {
  const snapshot = structuredClone(config);
  const runtime: JsonObject = {};

  for (const key of RUNTIME_TOP_LEVEL_KEYS) {
    if (key in snapshot) {
      runtime[key] = snapshot[key] as JsonValue;
      delete snapshot[key];
    }
  }
  // controls.md §1.3: seeds are recorded as decimal strings; the resolved one (config, --seed or default 0).
  runtime.seed = seed.toString();

  for (const kind of COMPONENT_KINDS) {
    const lookup = registries[kind.registry];
    for (const [id, component] of componentEntries(snapshot, kind.section)) {
      const schema = typeof component.type === 'string' ? lookup.get(component.type)?.optionsSchema : undefined;
      const base: PathSegment[] = [kind.section, id];
      for (const rel of markedOptionPaths(schema, KEYWORD_FILE)) {
        const sha = fileHashes.get(formatPath([...base, ...rel]));
        const value = getAt(component, rel);
        if (sha === undefined || value === undefined) continue;
        putAt(runtime, [...base, ...rel], value as JsonValue);
        replaceAt(component, rel, { sha256: sha });
      }
      const secret = markedOptionPaths(schema, KEYWORD_SECRET);
      const moved: PathSegment[][] = [...markedOptionPaths(schema, KEYWORD_RUNTIME), ...secret];
      if (kind.section === 'sinks') moved.push(...SINK_TRANSPORT_KEYS.map((k) => [k]));
      for (const rel of moved) {
        const value = takeAt(component, rel);
        if (value === undefined) continue;
        const isSecret = secret.some((s) => samePath(s, rel));
        putAt(runtime, [...base, ...rel], isSecret ? REDACTED : value);
      }
    }
  }
  return { snapshot, runtime: redactTree(runtime) as JsonObject };
}

function samePath(a: KeyPath, b: KeyPath): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

function redactTree(v: JsonValue): JsonValue {
  if (typeof v === 'string') return redactUrlPassword(v);
  if (Array.isArray(v)) return v.map(redactTree);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redactTree(x)]));
  return v;
}

function takeAt(root: JsonObject, path: KeyPath): JsonValue | undefined {
  const parent = getAt(root, path.slice(0, -1));
  if (parent === null || typeof parent !== 'object' || Array.isArray(parent)) return undefined;
  const map = parent as JsonObject;
  const key = String(path[path.length - 1]);
  if (!(key in map)) return undefined;
  const value = map[key];
  delete map[key];
  return value;
}

function replaceAt(root: JsonObject, path: KeyPath, value: JsonValue): void {
  const parent = getAt(root, path.slice(0, -1)) as JsonObject;
  parent[String(path[path.length - 1])] = value;
}

function putAt(root: JsonObject, path: KeyPath, value: JsonValue): void {
  let node = root;
  for (const seg of path.slice(0, -1)) {
    const key = String(seg);
    const next = node[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
    node = node[key] as JsonObject;
  }
  node[String(path[path.length - 1])] = value;
}
