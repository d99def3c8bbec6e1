import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson, sha256Hex } from '../../src/config/hash.js';
import { loadConfigText, type LoadOptions } from '../../src/config/load.js';
import { redactUrlPassword } from '../../src/config/redact.js';
import { BASE_YAML, fakeRegistries } from './config-fixtures.js';

const registry = fakeRegistries();
const load = (text: string, opts: LoadOptions = {}) => loadConfigText(text, { env: {}, registry, ...opts });
const baseHash = load(BASE_YAML).hash;

describe('canonicalJson (RFC 8785)', () => {
  it('matches the RFC 8785 number example', () => {
    const parsed = JSON.parse('{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001]}');
    expect(canonicalJson(parsed)).toBe('{"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27]}');
  });

  it('sorts keys by UTF-16 code units and drops whitespace', () => {
    expect(canonicalJson({ b: [1, { z: true, a: null }], a: 'x', A: 'é' })).toBe('{"A":"é","a":"x","b":[1,{"a":null,"z":true}]}');
    // U+1F600 (surrogates D83D…) sorts before U+FB01 by code unit, though after it by code point.
    expect(canonicalJson({ '\ufb01': 1, '\u{1f600}': 2 })).toBe('{"\u{1f600}":2,"\ufb01":1}');
  });

  it('rejects NaN and Infinity', () => {
    expect(() => canonicalJson({ x: NaN })).toThrow();
    expect(() => canonicalJson([Infinity])).toThrow();
  });
});

describe('sha256Hex', () => {
  it('hashes bytes and UTF-8 strings', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex(Buffer.from('abc'))).toBe(sha256Hex('abc'));
  });
});

describe('config_hash', () => {
  it('is SHA-256 of the canonical snapshot', () => {
    const loaded = load(BASE_YAML);
    expect(loaded.canonical).toBe(canonicalJson(loaded.snapshot));
    expect(loaded.hash).toBe(sha256Hex(loaded.canonical));
    expect(loaded.canonical).toContain('"sinks":{"lake":{"format":"parquet","inputs":["fraud"],"type":"file"}}');
  });

  it('does not change when YAML keys are reordered', () => {
    const reordered = `sinks:
  lake: { format: parquet, path: ./out, inputs: [fraud], type: file }
transforms:
  fraud: { rate: 0.02, inputs: [gl], type: anomalies }
sources:
  gl: { rows: 100, type: journal_entries }
companies:
  - { volume: 200000, country: US, currency: USD, name: Acme US, code: "1000" }
  - { volume_weight: 0.5, volume: ten_k, code: "2000", country: DE, name: Acme DE, currency: EUR }
period: { months: 12, start: 2025-01-01 }
seed: 42
version: 1
`;
    expect(load(reordered).hash).toBe(baseHash);
  });

  it('hashes `rows: ${ROWS}` from the environment like `rows: 100`', () => {
    expect(load(BASE_YAML.replace('rows: 100', 'rows: "${ROWS}"'), { env: { ROWS: '100' } }).hash).toBe(baseHash);
  });

  it('ignores the seed, sink location/transport and runtime-only sections', () => {
    expect(load(BASE_YAML.replace('seed: 42', 'seed: 7')).hash).toBe(baseHash);
    expect(load(BASE_YAML, { seed: 99n }).hash).toBe(baseHash);
    expect(load(BASE_YAML.replace('path: ./out', 'path: /data/elsewhere')).hash).toBe(baseHash);
    expect(load(`${BASE_YAML}runtime: { batch_rows: 4096 }\ncontrol: { uri: ./ctl }\n`).hash).toBe(baseHash);
    const withPg = BASE_YAML.replace(
      '  lake: { type: file, inputs: [fraud], path: ./out, format: parquet }\n',
      '  lake: { type: file, inputs: [fraud], path: ./out, format: parquet }\n  pg: { type: postgres, inputs: [gl], url: "postgres://u:a@h/db", mode: replace, password: a, pool_size: 4, table_prefix: dsp_ }\n',
    );
    const other = withPg.replace('u:a@h/db', 'v:b@other/db').replace('mode: replace', 'mode: append').replace('password: a', 'password: b').replace('pool_size: 4', 'pool_size: 16');
    expect(load(other).hash).toBe(load(withPg).hash);
  });

  it('changes with any data-affecting key', () => {
    expect(load(BASE_YAML.replace('rows: 100', 'rows: 101')).hash).not.toBe(baseHash);
    expect(load(BASE_YAML.replace('format: parquet', 'format: csv')).hash).not.toBe(baseHash);
    expect(load(BASE_YAML.replace('volume: 200000', 'volume: 200001')).hash).not.toBe(baseHash);
    expect(load(`${BASE_YAML}industry: retail\n`).hash).not.toBe(baseHash);
  });

  it('moves runtime-only keys to `runtime`, with secrets and URL passwords redacted', () => {
    const text = `${BASE_YAML.replace(
      '  lake: { type: file, inputs: [fraud], path: ./out, format: parquet }\n',
      '  lake: { type: file, inputs: [fraud], path: ./out, format: parquet }\n  pg: { type: postgres, inputs: [gl], url: "postgres://loader:s3cret@db:5432/x", mode: replace, password: hunter2, pool_size: 4, table_prefix: dsp_ }\n',
    )}runtime: { batch_rows: 4096 }\n`;
    const loaded = load(text);
    expect(loaded.runtime).toEqual({
      seed: '42',
      runtime: { batch_rows: 4096 },
      sinks: {
        lake: { path: './out' },
        pg: { url: 'postgres://loader:***@db:5432/x', mode: 'replace', password: '***', pool_size: 4 },
      },
    });
    expect(loaded.canonical).not.toContain('s3cret');
    expect(loaded.canonical).not.toContain('hunter2');
    expect(loaded.snapshot.sinks).toEqual({
      lake: { type: 'file', inputs: ['fraud'], format: 'parquet' },
      pg: { type: 'postgres', inputs: ['gl'], table_prefix: 'dsp_' },
    });
    // The validated config keeps the real values: the sink needs them.
    expect(loaded.config.sinks?.pg.url).toBe('postgres://loader:s3cret@db:5432/x');
  });

  it('records the resolved seed as a decimal string in runtime', () => {
    expect(load(BASE_YAML, { seed: '18446744073709551615' }).runtime.seed).toBe('18446744073709551615');
    expect(load(BASE_YAML.replace('seed: 42\n', '')).runtime.seed).toBe('0');
  });

  it('hashes x-dsp-file options by file content', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dsp-hash-'));
    writeFileSync(join(dir, 'coa.csv'), 'number,name\n1000,Cash\n');
    writeFileSync(join(dir, 'coa-copy.csv'), 'number,name\n1000,Cash\n');
    writeFileSync(join(dir, 'coa-other.csv'), 'number,name\n1000,Bank\n');
    const text = (file: string) =>
      BASE_YAML.replace('  gl: { type: journal_entries, rows: 100 }\n', `  gl: { type: journal_entries, rows: 100 }\n  coa: { type: chart_of_accounts, custom_file: ${file} }\n`)
        .replace('inputs: [fraud]', 'inputs: [fraud, coa]');
    const a = load(text('coa.csv'), { cwd: dir });
    expect(a.snapshot.sources).toMatchObject({ coa: { type: 'chart_of_accounts', custom_file: { sha256: sha256Hex('number,name\n1000,Cash\n') } } });
    expect(a.runtime.sources).toEqual({ coa: { custom_file: 'coa.csv' } });
    expect(a.config.sources.coa.custom_file).toBe('coa.csv');
    expect(load(text('coa-copy.csv'), { cwd: dir }).hash).toBe(a.hash);
    expect(load(text('coa-other.csv'), { cwd: dir }).hash).not.toBe(a.hash);
    expect(() => load(text('missing.csv'), { cwd: dir })).toThrow(/sources\.coa\.custom_file: cannot read file 'missing\.csv' \(ENOENT\)/);
  });
});

describe('redactUrlPassword', () => {
  it('replaces the password of URLs, leaving the rest', () => {
    expect(redactUrlPassword('postgres://u:pw@h')).toBe('postgres://u:***@h');
    expect(redactUrlPassword('see s3://key:secret@bucket/x and https://h/p')).toBe('see s3://key:***@bucket/x and https://h/p');
    expect(redactUrlPassword('postgres://u@h/db')).toBe('postgres://u@h/db');
  });
});
