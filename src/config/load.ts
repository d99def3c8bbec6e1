/**
 * Loads pipeline.yaml v1 (architecture.md §6, controls.md §1.2): parse with
 * positions, `--set`, `${ENV}`, schema validation with coercion, plugin
 * options, semantic and DAG checks — every problem collected into one
 * ConfigError — then the canonical snapshot and `config_hash`.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { LineCounter, parseDocument, type YAMLError } from 'yaml';
import * as registry from '../engine/registry.js';
import { ConfigError, type ConfigIssue, type SourceLocation } from '../errors.js';
import { COMPONENT_KINDS, checkComponents, componentEntries, normalizeInputs } from './components.js';
import { checkDag } from './dag.js';
import { canonicalHash, sha256Hex } from './hash.js';
import { interpolateTree, type InterpolationProblem } from './interpolate.js';
import { IssueCollector } from './issues.js';
import { toJsonValue } from './json-values.js';
import { KEYWORD_FILE, MAX_SEED } from './known-values.js';
import { applyOverrides, parseOverrides } from './overrides.js';
import { formatPath, getAt, type KeyPath, type PathSegment } from './paths.js';
import { PositionIndex } from './positions.js';
import { configSchema } from './schema.js';
import { checkSemantics } from './semantic.js';
import { markedOptionPaths, splitConfig } from './snapshot.js';
import type { ComponentRegistries, JsonObject, LoadedConfig, PipelineConfig } from './types.js';
import { compileSchema, validateInPlace } from './validate.js';

export interface LoadOptions {
  /** Variables for `${VAR}` (default: process.env). */
  env?: Record<string, string | undefined>;
  /** `--set path=value` overrides, applied in order; values are read as YAML. */
  overrides?: string[];
  /** `--seed`: replaces the config's seed. */
  seed?: string | bigint;
  /** Plugin registries to validate components against (default: the global ones). */
  registry?: ComponentRegistries;
  /** Directory `x-dsp-file` paths resolve against (default: process.cwd()). */
  cwd?: string;
  /** `--no-marking`: applied like `--set marking.enabled=false` before hashing (controls.md §1.2 step 2). */
  noMarking?: boolean;
}

/**
 * Reads, validates and hashes a config file.
 *
 * @example
 * const loaded = await loadConfigFile('pipeline.yaml', { overrides: ['period.months=3'] });
 * console.log(loaded.hash, loaded.seed);
 * @throws ConfigError with every problem found (exit code 1)
 */
export async function loadConfigFile(path: string, opts: LoadOptions = {}): Promise<LoadedConfig> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new ConfigError([{ path: '', file: path, message: `cannot read the config file (${code})` }], 'DSP_CONFIG_UNREADABLE');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ConfigError([{ path: '', file: path, message: 'the config file is not valid UTF-8' }]);
  }
  return loadParsed(text, { path, sha256: sha256Hex(bytes) }, opts);
}

/**
 * Validates and hashes config text (`file` names it in messages and `source`).
 *
 * @example
 * loadConfigText('version: 1\n…', { file: 'inline.yaml', env: {} });
 */
export function loadConfigText(text: string, opts: LoadOptions & { file?: string }): LoadedConfig {
  const { file, ...rest } = opts;
  const source = { path: file ?? '<text>', sha256: sha256Hex(Buffer.from(text, 'utf8')) };
  return loadParsed(text, source, rest, file);
}

/**
 * Validates and hashes a config given as an object (the embedding API); issues carry key paths but no positions.
 *
 * @example
 * loadConfigObject({ version: 1, period: { start: '2025-01-01', months: 1 }, companies: [...], sources: { gl: { type: 'journal_entries' } } });
 */
export function loadConfigObject(obj: unknown, opts: LoadOptions = {}): LoadedConfig {
  const issues = new IssueCollector(PositionIndex.empty(), undefined);
  const data = toJsonValue(obj, issues);
  return finish(data, issues, [], opts, () => undefined);
}

function loadParsed(text: string, source: { path: string; sha256: string }, opts: LoadOptions, file: string | undefined = source.path): LoadedConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    version: '1.2',
    schema: 'core',
    merge: true,
    uniqueKeys: true,
    intAsBigInt: true,
    prettyErrors: false,
    lineCounter,
  });
  if (doc.errors.length > 0) throw new ConfigError(yamlIssues(doc.errors, text, lineCounter, file));
  const positions = PositionIndex.fromDocument(doc, lineCounter);
  const issues = new IssueCollector(positions, file);
  let js: unknown;
  try {
    js = doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    issues.add([], `cannot resolve the YAML: ${(e as Error).message}`);
    throw new ConfigError(issues.issues());
  }
  if (js === null || js === undefined) {
    issues.add([], 'the config is empty', { hint: 'Start from `datasynth-pipe init` or pipelines/demo.yaml.' });
    throw new ConfigError(issues.issues());
  }
  const locate = (path: KeyPath): SourceLocation | undefined => {
    const at = positions.key(path) ?? positions.nearest(path);
    return at ? { ...(file !== undefined ? { file } : {}), line: at.line, col: at.col } : undefined;
  };
  return finish(toJsonValue(js, issues), issues, [source], opts, locate);
}

/** The key written at `offset` (quoted or plain), for duplicate-key messages. */
function keyAt(text: string, offset: number): string {
  const m = /^(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([^:,{}[\]\n]*[^:,{}[\]\s]))/.exec(text.slice(offset));
  return m ? (m[1] ?? m[2] ?? m[3]) : text.slice(offset, offset + 1);
}

/** Most YAML syntax errors cascade; one per line and at most this many keep the first (real) one visible. */
const MAX_YAML_ISSUES = 5;

function yamlIssues(errors: readonly YAMLError[], text: string, lc: LineCounter, file: string | undefined): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const lines = new Set<number>();
  const sourceLines = text.split(/\r?\n/);
  for (const err of errors) {
    const { line, col } = lc.linePos(err.pos[0]);
    if (lines.has(line) && err.code !== 'DUPLICATE_KEY') continue;
    lines.add(line);
    const issue: ConfigIssue = { path: '', message: '', line, col };
    if (file !== undefined) issue.file = file;
    if (err.code === 'DUPLICATE_KEY') issue.message = `duplicate key '${keyAt(text, err.pos[0])}'`;
    else {
      issue.message = `YAML syntax error: ${err.message.split('\n')[0]}`;
      // `{` in `${VAR}` opens a flow mapping when written unquoted inside `{ … }` or `[ … ]`.
      if ((sourceLines[line - 1] ?? '').includes('${')) issue.hint = 'Inside { } or [ ], quote values that use ${…}: rows: "${ROWS}".';
    }
    out.push(issue);
    if (out.length === MAX_YAML_ISSUES) break;
  }
  return out;
}

function finish(data: unknown, issues: IssueCollector, source: LoadedConfig['source'], opts: LoadOptions, locate: LoadedConfig['locate']): LoadedConfig {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    issues.add([], `the config must be a mapping of keys (version, period, companies, sources, …), got ${Array.isArray(data) ? 'a list' : 'a single value'}`);
    throw new ConfigError(issues.issues());
  }
  const registries = opts.registry ?? { sources: registry.sources, transforms: registry.transforms, sinks: registry.sinks };
  const overrides = [...(opts.overrides ?? []), ...(opts.noMarking ? [NO_MARKING_OVERRIDE] : [])];
  let config = data as JsonObject;

  applyOverrides(config, parseOverrides(overrides, issues), issues);
  config = interpolateTree(config, opts.env ?? process.env, (path, problem) => reportInterpolation(issues, path, problem)) as JsonObject;
  normalizeInputs(config);
  validateInPlace(compileSchema(configSchema), config, [], issues);
  checkComponents(config, registries, issues);
  checkSemantics(config, issues);
  checkDag(config, issues);
  const { seed, seedDefaulted } = resolveSeed(config, opts.seed, issues);
  const fileHashes = hashReferencedFiles(config, registries, opts.cwd ?? process.cwd(), issues);

  if (issues.count > 0) throw new ConfigError(issues.issues());

  const { snapshot, runtime } = splitConfig(config, registries, seed, fileHashes);
  const { canonical, hash } = canonicalHash(snapshot);
  return {
    config: config as unknown as PipelineConfig,
    canonical,
    hash,
    snapshot,
    runtime,
    source,
    overrides: [...overrides],
    seed,
    seedDefaulted,
    locate,
    ...(opts.noMarking ? { markingDisabledByCli: true } : {}),
  };
}

/** What `--no-marking` stands for (it appears in `config.overrides` as this text). */
export const NO_MARKING_OVERRIDE = 'marking.enabled=false';

function reportInterpolation(issues: IssueCollector, path: PathSegment[], problem: InterpolationProblem): void {
  if (problem.kind === 'syntax') {
    issues.add(path, problem.detail, { final: true });
    return;
  }
  const name = problem.variable;
  issues.add(path, `environment variable ${name} is not set`, {
    hint: `Set it or use \${${name}:-${exampleDefault(path, name)}}.`,
    final: true,
  });
}

/** A plausible default to show in the hint (conventions.md: DATABASE_URL → postgres://localhost/dev). */
function exampleDefault(path: readonly PathSegment[], name: string): string {
  const key = String(path[path.length - 1] ?? '').toLowerCase();
  if (/DATABASE|POSTGRES|^PG/.test(name) || key === 'url') return 'postgres://localhost/dev';
  if (key === 'path' || key === 'uri') return './out';
  return 'value';
}

/** controls.md §1.3: `--seed` beats `seed:`; absent → 0 (the CLI warns DSP_WARN_SEED_DEFAULT). */
function resolveSeed(config: JsonObject, cli: string | bigint | undefined, issues: IssueCollector): { seed: bigint; seedDefaulted: boolean } {
  if (cli !== undefined) {
    const text = typeof cli === 'bigint' ? cli.toString() : cli.trim();
    if (!/^\d+$/.test(text) || BigInt(text) > MAX_SEED) {
      issues.add(['seed'], `--seed must be an integer 0…2^64−1, got ${JSON.stringify(String(cli))}`);
      return { seed: 0n, seedDefaulted: false };
    }
    const seed = BigInt(text);
    config.seed = seed.toString();
    return { seed, seedDefaulted: false };
  }
  const value = config.seed;
  if (typeof value === 'string' && /^\d+$/.test(value) && BigInt(value) <= MAX_SEED) return { seed: BigInt(value), seedDefaulted: false };
  return { seed: 0n, seedDefaulted: value === undefined };
}

/** controls.md §1.2 step 5: files named by `x-dsp-file` options enter the hash by content. */
function hashReferencedFiles(config: JsonObject, registries: ComponentRegistries, cwd: string, issues: IssueCollector): Map<string, string> {
  const hashes = new Map<string, string>();
  for (const kind of COMPONENT_KINDS) {
    const lookup = registries[kind.registry];
    for (const [id, component] of componentEntries(config, kind.section)) {
      const schema = typeof component.type === 'string' ? lookup.get(component.type)?.optionsSchema : undefined;
      for (const rel of markedOptionPaths(schema, KEYWORD_FILE)) {
        const value = getAt(component, rel);
        const path = [kind.section, id, ...rel];
        if (typeof value !== 'string' || issues.hasIssueAt(path)) continue;
        try {
          hashes.set(formatPath(path), sha256Hex(readFileSync(resolve(cwd, value))));
        } catch (e) {
          issues.add(path, `cannot read file '${value}' (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, {
            hint: `Paths resolve against ${cwd}.`,
          });
        }
      }
    }
  }
  return hashes;
}
