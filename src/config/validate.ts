/**
 * JSON Schema validation with ajv (controls.md §1.2 step 4): all errors,
 * strings coerced to the schema's number / boolean (and numbers to strings),
 * no defaults inserted. Ajv's errors are rewritten into messages that say
 * what was expected and what was found, with "did you mean" for keys.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { didYouMeanSuffix } from './did-you-mean.js';
import type { Anchor, IssueCollector } from './issues.js';
import { KEYWORD_FILE, KEYWORD_MESSAGE, KEYWORD_RUNTIME, KEYWORD_SECRET } from './known-values.js';
import { getAt, pointerToPath, type PathSegment } from './paths.js';
import { redactUrlPassword } from './redact.js';
import type { JsonObject, JsonValue } from './types.js';

// ajv-formats is CommonJS; under NodeNext its default import may arrive wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

let shared: Ajv | undefined;

/** The one ajv instance, with our annotation keywords registered so strict mode accepts them. */
export function configAjv(): Ajv {
  if (shared) return shared;
  const ajv = new Ajv({
    allErrors: true,
    coerceTypes: true,
    useDefaults: false,
    verbose: true,
    strict: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    allowUnionTypes: true,
  });
  addFormats(ajv);
  for (const keyword of [KEYWORD_RUNTIME, KEYWORD_SECRET, KEYWORD_FILE]) ajv.addKeyword({ keyword, schemaType: 'boolean' });
  ajv.addKeyword({ keyword: KEYWORD_MESSAGE, schemaType: 'string' });
  shared = ajv;
  return ajv;
}

const compiled = new WeakMap<object, ValidateFunction>();

/** Compiles (once per schema object). Throws when the schema itself is invalid. */
export function compileSchema(schema: JsonObject): ValidateFunction {
  let fn = compiled.get(schema);
  if (!fn) {
    // Plugins may declare a 2020-12 `$schema`; the keywords we accept are the common subset.
    const { $schema: _ignored, ...body } = schema;
    fn = configAjv().compile(body);
    compiled.set(schema, fn);
  }
  return fn;
}

/**
 * Validates the mapping or list `data` in place (coercing its values) and
 * reports every problem under `basePath`. `siblingKeys` are keys allowed next
 * to the validated ones at the top (a component's `type` / `inputs`), offered
 * as "did you mean" targets too.
 */
export function validateInPlace(
  fn: ValidateFunction,
  data: JsonValue,
  basePath: readonly PathSegment[],
  issues: IssueCollector,
  siblingKeys: readonly string[] = [],
): void {
  const before = structuredClone(data);
  const nulls = nullPointers(before);
  fn(data);
  const errors = collapse(fn.errors ?? []);
  for (const err of errors) {
    const t = translate(err, data, before, siblingKeys);
    if (t) issues.add([...basePath, ...t.path], t.message, { at: t.at });
  }
  // ajv coerces an empty value (null) to 0 / "" / false; an empty value is a mistake, not a zero.
  for (const pointer of nulls) {
    const path = pointerToPath(pointer, before);
    const now = getAt(data, path);
    if (now !== null && now !== undefined && !issues.hasIssueAt([...basePath, ...path])) {
      issues.add([...basePath, ...path], `expected ${typeOfValue(now)}, got an empty value`);
    }
  }
}

function nullPointers(value: unknown, pointer = '', out: string[] = []): string[] {
  if (value === null) out.push(pointer);
  else if (Array.isArray(value)) value.forEach((v, i) => nullPointers(v, `${pointer}/${i}`, out));
  else if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value as object)) nullPointers(v, `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, out);
  }
  return out;
}

/** Keeps one message per failed anyOf/oneOf instead of one per branch; drops if/then bookkeeping. */
function collapse(errors: readonly ErrorObject[]): ErrorObject[] {
  const unions = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  return errors.filter((e) => {
    if (e.keyword === 'if') return false;
    if (e.propertyName !== undefined && e.keyword !== 'propertyNames') return false;
    return !unions.some(
      (u) =>
        u !== e &&
        e.schemaPath.startsWith(`${u.schemaPath}/`) &&
        (e.instancePath === u.instancePath || e.instancePath.startsWith(`${u.instancePath}/`)),
    );
  });
}

interface Translated {
  path: PathSegment[];
  message: string;
  at: Anchor;
}

function translate(err: ErrorObject, data: unknown, before: unknown, siblingKeys: readonly string[]): Translated | undefined {
  const path = pointerToPath(err.instancePath, data);
  const original = getAt(before, path);
  const got = original !== undefined ? original : err.data;
  const parent = (err.parentSchema ?? {}) as Record<string, unknown>;
  const custom = typeof parent[KEYWORD_MESSAGE] === 'string' ? (parent[KEYWORD_MESSAGE] as string) : undefined;
  const p = err.params as Record<string, unknown>;
  switch (err.keyword) {
    case 'required':
      return { path: [...path, String(p.missingProperty)], message: `missing required key '${String(p.missingProperty)}'`, at: 'parent' };
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      const allowed = [...(err.instancePath === '' ? siblingKeys : []), ...Object.keys((parent.properties as object | undefined) ?? {})];
      const hint = didYouMeanSuffix(key, allowed);
      const list = hint || allowed.length === 0 ? '' : `; allowed keys: ${allowed.join(', ')}`;
      return { path: [...path, key], message: `unknown key '${key}'${hint}${list}`, at: 'key' };
    }
    case 'propertyNames': {
      const key = String(p.propertyName);
      const sub = (err.schema ?? {}) as Record<string, unknown>;
      const why = typeof sub[KEYWORD_MESSAGE] === 'string' ? (sub[KEYWORD_MESSAGE] as string) : custom ?? 'not an allowed name';
      return { path: [...path, key], message: `invalid key '${key}': ${why}`, at: 'key' };
    }
    case 'type':
      return { path, message: `expected ${typeList(String(p.type))}, got ${describe(got)}`, at: 'value' };
    case 'enum': {
      const allowed = (p.allowedValues as unknown[]).map(String);
      const hint = typeof got === 'string' ? didYouMeanSuffix(got, allowed) : '';
      return { path, message: `expected one of ${allowed.join(', ')}, got ${describe(got)}${hint}`, at: 'value' };
    }
    case 'const':
      return { path, message: `must be ${JSON.stringify(p.allowedValue)}, got ${describe(got)}`, at: 'value' };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path, message: `must be ${String(p.comparison)} ${String(p.limit)}, got ${describe(got)}`, at: 'value' };
    case 'minLength':
      return { path, message: p.limit === 1 ? 'must not be empty' : `must be at least ${String(p.limit)} characters`, at: 'value' };
    case 'maxLength':
      return { path, message: `must be at most ${String(p.limit)} characters`, at: 'value' };
    case 'minItems':
      return { path, message: custom ?? (p.limit === 1 ? 'must not be empty' : `must list at least ${String(p.limit)} items`), at: 'value' };
    case 'maxItems':
      return { path, message: `must list at most ${String(p.limit)} items`, at: 'value' };
    case 'minProperties':
      return { path, message: custom ?? (p.limit === 1 ? 'must not be empty' : `must have at least ${String(p.limit)} entries`), at: 'value' };
    case 'uniqueItems':
      return { path, message: `must not repeat items (items ${String(p.j)} and ${String(p.i)} are equal)`, at: 'value' };
    case 'pattern':
      return { path, message: `${custom ?? `must match ${String(p.pattern)}`}, got ${describe(got)}`, at: 'value' };
    case 'format':
      return { path, message: `${custom ?? `must be a valid ${String(p.format)}`}, got ${describe(got)}`, at: 'value' };
    case 'anyOf':
    case 'oneOf':
      return { path, message: `${custom ?? 'does not match any allowed form'}, got ${describe(got)}`, at: 'value' };
    default:
      return { path, message: `${custom ?? err.message ?? 'is invalid'}`, at: 'value' };
  }
}

const TYPE_NAMES: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'a boolean',
  null: 'an empty value',
};

function typeList(types: string): string {
  return types
    .split(',')
    .map((t) => TYPE_NAMES[t] ?? t)
    .join(' or ');
}

function typeOfValue(v: unknown): string {
  if (Array.isArray(v)) return TYPE_NAMES.array;
  return TYPE_NAMES[typeof v] ?? typeof v;
}

/** A short rendering of a found value for "got …". */
export function describe(v: unknown): string {
  if (v === null || v === undefined) return 'an empty value';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') {
    const safe = redactUrlPassword(v);
    return JSON.stringify(safe.length > 60 ? `${safe.slice(0, 57)}...` : safe);
  }
  return String(v);
}
