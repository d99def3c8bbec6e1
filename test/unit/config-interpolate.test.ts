import { describe, expect, it } from 'vitest';
import { interpolateString, interpolateTree } from '../../src/config/interpolate.js';
import { loadConfigText } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { BASE_YAML, fakeRegistries } from './config-fixtures.js';

describe('interpolateString', () => {
  const env = { HOST: 'db.local', EMPTY: '' };

  it('replaces ${VAR} and keeps surrounding text', () => {
    expect(interpolateString('postgres://${HOST}:5432/x', env)).toEqual({ value: 'postgres://db.local:5432/x', problems: [] });
  });

  it('uses the default when the variable is unset or empty', () => {
    expect(interpolateString('${MISSING:-fallback}', env).value).toBe('fallback');
    expect(interpolateString('${EMPTY:-fallback}', env).value).toBe('fallback');
    expect(interpolateString('${HOST:-fallback}', env).value).toBe('db.local');
    expect(interpolateString('${MISSING:-}', env).value).toBe('');
  });

  it('treats $${ as a literal ${', () => {
    expect(interpolateString('cost: $${HOST}', env)).toEqual({ value: 'cost: ${HOST}', problems: [] });
    expect(interpolateString('a $ b', env).value).toBe('a $ b');
  });

  it('reports missing variables and bad syntax', () => {
    expect(interpolateString('${NOPE}', env).problems).toEqual([{ kind: 'missing', variable: 'NOPE' }]);
    expect(interpolateString('${1BAD}', env).problems[0].kind).toBe('syntax');
    expect(interpolateString('x ${OPEN', env).problems[0].kind).toBe('syntax');
  });

  it('walks string scalars only, not keys', () => {
    const seen: string[] = [];
    const out = interpolateTree({ '${HOST}': ['${HOST}', 3, { deep: '${NOPE}' }] }, env, (path) => seen.push(path.join('/')));
    expect(out).toEqual({ '${HOST}': ['db.local', 3, { deep: '' }] });
    expect(seen).toEqual(['${HOST}/2/deep']);
  });
});

describe('interpolation in a config', () => {
  const registry = fakeRegistries();

  it('expands env values after parsing and coerces them to the schema type', () => {
    const text = BASE_YAML.replace('rows: 100', 'rows: "${ROWS}"').replace('path: ./out', 'path: "${OUT:-./default}"');
    const loaded = loadConfigText(text, { env: { ROWS: '100' }, registry });
    expect(loaded.config.sources.gl.rows).toBe(100);
    expect(loaded.config.sinks?.lake.path).toBe('./default');
    expect(loaded.hash).toBe(loadConfigText(BASE_YAML, { env: {}, registry }).hash);
  });

  it('reports a missing variable at its key with line:col and what to do', () => {
    const text = BASE_YAML.replace(
      '  lake: { type: file, inputs: [fraud], path: ./out, format: parquet }\n',
      '  lake: { type: file, inputs: [fraud], path: ./out, format: parquet }\n  pg:\n    type: postgres\n    inputs: [gl]\n    url: ${DATABASE_URL}\n',
    );
    let error: ConfigError | undefined;
    try {
      loadConfigText(text, { file: 'pipeline.yaml', env: {}, registry });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.issues).toHaveLength(1);
    expect(error!.issues[0]).toMatchObject({ path: 'sinks.pg.url', file: 'pipeline.yaml', line: 16, col: 10 });
    expect(error!.message).toContain(
      'sinks.pg.url: environment variable DATABASE_URL is not set (pipeline.yaml:16:10). Set it or use ${DATABASE_URL:-postgres://localhost/dev}.',
    );
  });

  it('reports a missing variable once, not again as the empty value it leaves', () => {
    try {
      loadConfigText(BASE_YAML.replace('format: parquet', 'format: "${FMT}"'), { env: {}, registry });
      throw new Error('expected a ConfigError');
    } catch (e) {
      expect((e as ConfigError).issues.map((i) => `${i.path}: ${i.message}`)).toEqual(['sinks.lake.format: environment variable FMT is not set']);
    }
  });

  it('reports a malformed reference', () => {
    expect(() => loadConfigText(BASE_YAML.replace('rows: 100', 'rows: "${ROWS"'), { env: { ROWS: '1' }, registry })).toThrow(
      /sources\.gl\.rows: unterminated '\$\{' in "\$\{ROWS"; close it with '\}' or write '\$\$\{' for a literal '\$\{' \(<text>:8:38\)\n?$/,
    );
  });

  it('keeps a literal ${ written as $${', () => {
    const text = BASE_YAML.replace('name: Acme US', () => 'name: "Acme $${US}"');
    expect(loadConfigText(text, { env: {}, registry }).config.companies[0].name).toBe('Acme ${US}');
  });
});
