import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/config/hash.js';
import { loadConfigFile, loadConfigObject, loadConfigText, type LoadOptions } from '../../src/config/load.js';
import { ConfigError, ExitCode, formatIssue, type ConfigIssue } from '../../src/errors.js';
import { BASE_YAML, fakeRegistries } from './config-fixtures.js';

const registry = fakeRegistries();

function load(text: string, opts: LoadOptions = {}) {
  return loadConfigText(text, { file: 'pipeline.yaml', env: {}, registry, ...opts });
}

/** The issues of a config that must fail. */
function issuesOf(text: string, opts: LoadOptions = {}): ConfigIssue[] {
  try {
    load(text, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).exitCode).toBe(ExitCode.InvalidInput);
    return [...(e as ConfigError).issues];
  }
  throw new Error('expected the config to be rejected');
}

function only(text: string, opts: LoadOptions = {}): ConfigIssue {
  const issues = issuesOf(text, opts);
  expect(issues.map(formatIssue), issues.map(formatIssue).join('\n')).toHaveLength(1);
  return issues[0];
}

describe('loading a valid config', () => {
  it('returns the validated config, hash and seed', () => {
    const loaded = load(BASE_YAML);
    expect(loaded.config.version).toBe(1);
    expect(loaded.config.period).toEqual({ start: '2025-01-01', months: 12 });
    expect(loaded.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(loaded.seed).toBe(42n);
    expect(loaded.seedDefaulted).toBe(false);
    expect(loaded.source).toEqual([{ path: 'pipeline.yaml', sha256: sha256Hex(Buffer.from(BASE_YAML)) }]);
    expect(loaded.overrides).toEqual([]);
  });

  it('keeps dates as strings (YAML 1.2 core schema)', () => {
    expect(typeof load(BASE_YAML).config.period.start).toBe('string');
  });

  it('inserts no defaults', () => {
    const { config } = load(BASE_YAML);
    expect('group_currency' in config).toBe(false);
    expect('volume_weight' in config.companies[0]).toBe(false);
    expect('runtime' in config).toBe(false);
  });

  it('resolves aliases and merge keys', () => {
    const merged = load(BASE_YAML.replace(
      /companies:\n.*\n.*\n/,
      'companies:\n  - &us { code: "1000", name: Acme US, currency: USD, country: US, volume: 200000 }\n  - <<: *us\n    code: "2000"\n    name: Acme DE\n    currency: EUR\n    country: DE\n    volume: ten_k\n    volume_weight: 0.5\n',
    ));
    expect(merged.config.companies[1]).toEqual({ code: '2000', name: 'Acme DE', currency: 'EUR', country: 'DE', volume: 'ten_k', volume_weight: 0.5 });
    expect(merged.hash).toBe(load(BASE_YAML).hash);
  });

  it('coerces scalars to the schema types', () => {
    const loaded = load(BASE_YAML.replace('code: "1000"', 'code: 1000').replace('rows: 100', 'rows: "100", fraud: "true"'));
    expect(loaded.config.companies[0].code).toBe('1000');
    expect(loaded.config.sources.gl.rows).toBe(100);
    expect(loaded.config.sources.gl.fraud).toBe(true);
    expect(loaded.hash).toBe(load(BASE_YAML.replace('rows: 100', 'rows: 100, fraud: true')).hash);
  });

  it('normalizes `inputs: a` to `[a]`', () => {
    const loaded = load(BASE_YAML.replace('inputs: [gl]', 'inputs: gl'));
    expect(loaded.config.transforms?.fraud.inputs).toEqual(['gl']);
    expect(loaded.hash).toBe(load(BASE_YAML).hash);
  });

  it('turns -0 into 0', () => {
    const loaded = load(BASE_YAML.replace('volume: 200000', 'volume: -0.0'));
    expect(Object.is(loaded.config.companies[0].volume, 0)).toBe(true);
  });

  it('checks reference rate keys and values', () => {
    expect(issuesOf(`${BASE_YAML}fx: { reference_rates: { sek: 1, NOK: -1 } }\n`).map((i) => `${i.path}@${i.line}:${i.col} ${i.message}`)).toEqual([
      "fx.reference_rates.sek@13:26 invalid key 'sek': must be an ISO 4217 currency code: 3 upper-case letters",
      'fx.reference_rates.NOK@13:39 must be > 0, got -1',
    ]);
  });

  it('accepts currencies with a configured reference rate', () => {
    const loaded = load(`${BASE_YAML.replace('currency: EUR', 'currency: SEK')}fx: { reference_rates: { SEK: 10.5 } }\n`);
    expect(loaded.config.fx?.reference_rates).toEqual({ SEK: 10.5 });
  });

  it('reads a file and records the SHA-256 of its bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dsp-config-'));
    const file = join(dir, 'pipeline.yaml');
    writeFileSync(file, BASE_YAML);
    const loaded = await loadConfigFile(file, { env: {}, registry });
    expect(loaded.source).toEqual([{ path: file, sha256: sha256Hex(Buffer.from(BASE_YAML)) }]);
    expect(loaded.hash).toBe(load(BASE_YAML).hash);
  });

  it('reports an unreadable file as a ConfigError', async () => {
    await expect(loadConfigFile('/nonexistent/pipeline.yaml', { registry })).rejects.toMatchObject({
      code: 'DSP_CONFIG_UNREADABLE',
      exitCode: ExitCode.InvalidInput,
    });
  });

  it('loads an object (embedding API) with the same hash as the YAML', () => {
    const obj = {
      version: 1,
      seed: 42,
      period: { start: '2025-01-01', months: 12 },
      companies: [
        { code: '1000', name: 'Acme US', currency: 'USD', country: 'US', volume: 200000 },
        { code: '2000', name: 'Acme DE', currency: 'EUR', country: 'DE', volume: 'ten_k', volume_weight: 0.5 },
      ],
      sources: { gl: { type: 'journal_entries', rows: 100 } },
      transforms: { fraud: { type: 'anomalies', inputs: ['gl'], rate: 0.02 } },
      sinks: { lake: { type: 'file', inputs: ['fraud'], path: './out', format: 'parquet' } },
    };
    const loaded = loadConfigObject(obj, { registry });
    expect(loaded.hash).toBe(load(BASE_YAML).hash);
    expect(loaded.source).toEqual([]);
    expect(obj.companies[0].code).toBe('1000');
  });

  it('reports object-API issues with key paths and no positions', () => {
    try {
      loadConfigObject({ version: 1, period: { start: '2025-01-01', months: 12 }, companies: [], sources: {} }, { registry });
      throw new Error('expected a ConfigError');
    } catch (e) {
      const issues = (e as ConfigError).issues;
      expect(issues.map((i) => i.path)).toEqual(['companies', 'sources']);
      expect(issues.every((i) => i.line === undefined && i.file === undefined)).toBe(true);
    }
  });
});

describe('collected errors', () => {
  it('reports five different mistakes at once, each with path and line:col', () => {
    const text = [
      'version: 1',
      'sorces: {}',
      'period:',
      '  start: 2025-01-01',
      '  months: 200',
      'companies:',
      '  - code: "1000"',
      '    name: Acme',
      '    currency: usd',
      '    country: US',
      '    volume: 1000',
      '  - code: "2000"',
      '    name: Beta',
      '    currency: EUR',
      '    volume: 1000',
      'sources:',
      '  gl: { type: journal_entires }',
      'sinks:',
      '  out: { type: file, inputs: [gl], format: parquet }',
      '',
    ].join('\n');
    const issues = issuesOf(text);
    expect(issues.map((i) => [i.path, i.line, i.col])).toEqual([
      ['sorces', 2, 1],
      ['period.months', 5, 11],
      ['companies[0].currency', 9, 15],
      ['companies[1].country', 12, 5],
      ['sources.gl.type', 17, 15],
    ]);
    expect(issues.map((i) => i.message)).toEqual([
      "unknown key 'sorces'; did you mean 'sources'?",
      'must be <= 120, got 200',
      'must be an ISO 4217 currency code: 3 upper-case letters, got "usd"',
      "missing required key 'country'",
      "unknown source type 'journal_entires'; did you mean 'journal_entries'?",
    ]);
    expect(issues[4].hint).toBe('Registered source types: chart_of_accounts, journal_entries, vendors.');
    expect(issues.every((i) => i.file === 'pipeline.yaml')).toBe(true);
  });

  it('reports YAML syntax errors with line:col', () => {
    const issue = issuesOf('version: 1\nperiod: { start: 2025-01-01, months: 12\ncompanies: []\n')[0];
    expect(issue.message).toMatch(/^YAML syntax error: Flow map .* must .* end with a \}/);
    expect(issue).toMatchObject({ file: 'pipeline.yaml', line: 3, col: 1 });
  });

  it('treats duplicate keys as errors', () => {
    const issue = only(BASE_YAML.replace('seed: 42\n', 'seed: 42\nseed: 43\n'));
    expect(issue).toMatchObject({ message: "duplicate key 'seed'", line: 3, col: 1 });
  });

  it('says expected vs got for type errors', () => {
    expect(only(BASE_YAML.replace('months: 12', 'months: twelve'))).toMatchObject({
      path: 'period.months',
      message: 'expected an integer, got "twelve"',
      line: 3,
      col: 38,
    });
    expect(only(BASE_YAML.replace('period: { start: 2025-01-01, months: 12 }', 'period: [2025]'))).toMatchObject({
      path: 'period',
      message: 'expected a mapping, got a list',
    });
  });

  it('does not turn an empty value into 0', () => {
    expect(only(BASE_YAML.replace('volume: 200000', 'volume:'))).toMatchObject({
      path: 'companies[0].volume',
      message: 'expected a number, got an empty value',
    });
  });

  it('rejects integers above 2^53−1, NaN and Infinity', () => {
    expect(only(BASE_YAML.replace('volume: 200000', 'volume: 9007199254740993')).message).toMatch(/cannot be represented exactly/);
    expect(only(BASE_YAML.replace('volume: 200000', 'volume: .nan')).message).toBe('NaN is not allowed');
    expect(only(BASE_YAML.replace('volume: 200000', 'volume: .inf')).message).toBe('Infinity is not allowed');
  });

  it('checks company rules', () => {
    const text = BASE_YAML
      .replace('code: "2000"', 'code: "1000"')
      .replace('name: Acme DE', 'name: " "')
      .replace('country: DE', 'country: de')
      .replace('volume_weight: 0.5', 'volume_weight: -1, fiscal_year_variant: V3');
    const issues = issuesOf(text);
    expect(issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      "companies[1].code: duplicate company code '1000' (already used by companies[0])",
      'companies[1].name: must not be blank',
      'companies[1].country: must be an ISO 3166-1 alpha-2 country code: 2 upper-case letters, got "de"',
      'companies[1].volume_weight: must be >= 0, got -1',
      'companies[1].fiscal_year_variant: expected one of K4, got "V3"',
    ]);
  });

  it('accepts volume presets and {custom: N}, rejects anything else', () => {
    expect(load(BASE_YAML.replace('volume: 200000', 'volume: { custom: 5000 }')).config.companies[0].volume).toEqual({ custom: 5000 });
    expect(only(BASE_YAML.replace('volume: ten_k', 'volume: ten_thousand')).message).toBe(
      'must be a number ≥ 0, one of ten_k, hundred_k, one_m, ten_m, hundred_m, or {custom: N} with N ≥ 0, got "ten_thousand"',
    );
  });

  it('requires a reference rate for every currency', () => {
    const issue = only(BASE_YAML.replace('currency: EUR', 'currency: SEK'));
    expect(issue).toMatchObject({ path: 'companies[1].currency', line: 6, col: 46 });
    expect(issue.message).toMatch(/^no reference rate for currency 'SEK'/);
    expect(issue.hint).toBe('Add fx.reference_rates.SEK: <units per 1 USD>.');
    expect(only(`${BASE_YAML}group_currency: NOK\n`).path).toBe('group_currency');
  });

  it('checks version, period, industry and seed', () => {
    expect(only(BASE_YAML.replace('version: 1', 'version: 2')).message).toBe('unsupported config version 2; this release reads version 1');
    expect(only(BASE_YAML.replace('2025-01-01', '2025-02-30')).message).toBe("'2025-02-30' is not a calendar date");
    expect(only(BASE_YAML.replace('2025-01-01', '2025/01/01')).message).toBe('must be a date YYYY-MM-DD, got "2025/01/01"');
    expect(only(BASE_YAML.replace('months: 12', 'months: 1.5')).message).toBe('expected an integer, got 1.5');
    expect(only(`${BASE_YAML}industry: retial\n`).message).toBe(
      "expected one of manufacturing, retail, financial_services, healthcare, technology, got \"retial\"; did you mean 'retail'?",
    );
    expect(only(BASE_YAML.replace('seed: 42', 'seed: -1')).message).toMatch(/^must be an integer 0…2\^64−1/);
    expect(only(BASE_YAML.replace('seed: 42', 'seed: "18446744073709551616"')).message).toMatch(/above 2\^64−1/);
    expect(only(BASE_YAML.replace(/companies:\n.*\n.*\n/, 'companies: []\n'))).toMatchObject({ path: 'companies', message: 'must not be empty' });
  });

  it('requires large seeds as strings and reads them exactly', () => {
    const issue = only(BASE_YAML.replace('seed: 42', 'seed: 18446744073709551615'));
    expect(issue.path).toBe('seed');
    expect(issue.hint).toBe('Quote it: seed: "18446744073709551615".');
    expect(load(BASE_YAML.replace('seed: 42', 'seed: "18446744073709551615"')).seed).toBe(18446744073709551615n);
  });

  it('validates component options against the plugin schema with prefixed paths', () => {
    const issues = issuesOf(BASE_YAML.replace('rate: 0.02', 'raet: 0.02, inptus: [gl]').replace('rows: 100', 'rows: 0'));
    expect(issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'sources.gl.rows: must be >= 1, got 0',
      "transforms.fraud.raet: unknown key 'raet'; did you mean 'rate'?",
      "transforms.fraud.inptus: unknown key 'inptus'; did you mean 'inputs'?",
    ]);
    expect(issues[1]).toMatchObject({ line: 10, col: 43 });
  });

  it('lists registered types for an unknown transform type', () => {
    const issue = only(BASE_YAML.replace('type: anomalies', 'type: anomolies'));
    expect(issue.message).toBe("unknown transform type 'anomolies'; did you mean 'anomalies'?");
    expect(issue.hint).toBe('Registered transform types: anomalies, data_quality.');
  });
});

describe('--seed and --set', () => {
  it('lets --seed override the config seed', () => {
    expect(load(BASE_YAML, { seed: '7' }).seed).toBe(7n);
    expect(load(BASE_YAML, { seed: 18446744073709551615n }).seed).toBe(18446744073709551615n);
    expect(only(BASE_YAML, { seed: '-3' }).message).toBe('--seed must be an integer 0…2^64−1, got "-3"');
  });

  it('defaults an absent seed to 0 and says so', () => {
    const loaded = load(BASE_YAML.replace('seed: 42\n', ''));
    expect(loaded.seed).toBe(0n);
    expect(loaded.seedDefaulted).toBe(true);
  });

  it('applies overrides as YAML scalars before validation', () => {
    const loaded = load(BASE_YAML, { overrides: ['period.months=6', 'companies[1].volume=5000', 'sinks.lake.format=csv'] });
    expect(loaded.config.period.months).toBe(6);
    expect(loaded.config.companies[1].volume).toBe(5000);
    expect(loaded.config.sinks?.lake.format).toBe('csv');
    expect(loaded.overrides).toEqual(['period.months=6', 'companies[1].volume=5000', 'sinks.lake.format=csv']);
    expect(loaded.hash).not.toBe(load(BASE_YAML).hash);
  });

  it('interpolates override values', () => {
    expect(load(BASE_YAML, { overrides: ['period.months=${M}'], env: { M: '3' } }).config.period.months).toBe(3);
  });

  it('reports bad overrides and blames --set, not the file', () => {
    const issues = issuesOf(BASE_YAML, { overrides: ['period.months=999', 'no-equals-sign', 'companies[5].code=x', 'sources.gl.rows=[1'] });
    expect(issues.map(formatIssue)).toEqual([
      "invalid --set 'no-equals-sign': expected path=value, e.g. --set period.months=6 or --set companies[0].volume=1000",
      "sources.gl.rows: invalid --set value '[1': Flow sequence must end with a ]",
      'cannot apply --set companies[5].code=x: companies[5] is past the end of the list (2 items)',
      'period.months: must be <= 120, got 999 (set by --set period.months=999)',
    ]);
  });
});
