/**
 * prov.json (controls.md §3) from a real CLI run: it validates against a vendored PROV-JSON
 * JSON Schema (draft-04, ajv-draft-04 + ajv-formats, §3.6 item 2), passes our own checks
 * (§3.6 item 3) and its output entities match the manifest outputs one to one. Negative cases
 * (§3.6 item 4) must fail.
 *
 * Schemas: `test/fixtures/provtoolbox-prov-json-schema-v4.json` (ProvToolbox, vendored verbatim,
 * see test/fixtures/PROVENANCE.md) always; the W3C Member Submission schema
 * `test/fixtures/prov-json.schema.json` when it is vendored (its root `additionalProperties:
 * false` with the `wasEndedby` spelling then also proves we emit no wasEndedBy block).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv04Module from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { runCli, sha256File, tempDirs, REPO } from '../support/cli.js';
import { checkProv, outputEntityId, type ProvDocument } from '../../src/provenance/prov.js';
import type { Manifest } from '../../src/provenance/manifest.js';

type Validator = ((data: unknown) => boolean) & { errors?: unknown };
const Ajv04 = ((Ajv04Module as unknown as { default?: unknown }).default ?? Ajv04Module) as new (o: object) => { compile: (s: object) => Validator };
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (ajv: unknown) => void;

const PROVTOOLBOX = join(REPO, 'test', 'fixtures', 'provtoolbox-prov-json-schema-v4.json');
const W3C = join(REPO, 'test', 'fixtures', 'prov-json.schema.json');

function compile(path: string): Validator {
  const ajv = new Ajv04({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(path, 'utf8')));
}

const { tmp, cleanup } = tempDirs('dsp-prov-');
afterAll(cleanup);

let dir: string;
let doc: ProvDocument;
let manifest: Manifest;

beforeAll(async () => {
  const root = tmp();
  writeFileSync(join(root, 'pipeline.yaml'), `version: 1
seed: 42
period: { start: 2025-01-01, months: 2 }
companies:
  - { code: "1000", name: Acme US, currency: USD, country: US, volume: 6000 }
  - { code: "2000", name: Acme DE, currency: EUR, country: DE, volume: 1500 }
sources:
  companies: { type: companies }
  coa: { type: chart_of_accounts, complexity: small }
  users: { type: je_users }
  cost_centers: { type: cost_centers }
  gl: { type: journal_entries }
sinks:
  lake: { type: file, inputs: [gl], path: ./out, format: csv, layout: partitioned, tables: [journal_entry_lines] }
  ref: { type: file, inputs: [companies, coa, users, cost_centers], path: ./out/ref, format: ndjson }
`);
  const r = await runCli(['run', 'pipeline.yaml', '-q', '--progress', 'none'], { cwd: root });
  expect(r.code, r.stderr).toBe(0);
  dir = join(root, 'out');
  doc = JSON.parse(readFileSync(join(dir, 'prov.json'), 'utf8')) as ProvDocument;
  manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
}, 120_000);

describe('prov.json of a run', () => {
  it('validates against the vendored PROV-JSON JSON Schema (draft-04)', () => {
    const validate = compile(PROVTOOLBOX);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
  });

  it.skipIf(!existsSync(W3C))('validates against the W3C PROV-JSON submission schema (when vendored)', () => {
    const validate = compile(W3C);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
  });

  it('one output entity per manifest output, with its sha256, size and row count; our own checks pass', () => {
    const outputs = Object.entries(doc.entity!).filter(([, a]) => (a['prov:type'] as { $: string }).$ === 'dsp:DataOutput');
    expect(outputs.length).toBe(manifest.outputs.length);
    expect(manifest.outputs.some((o) => o.id.endsWith('/p00001'))).toBe(true); // partitioned layout: one output per partition
    for (const o of manifest.outputs) {
      const e = doc.entity![outputEntityId(o)];
      expect(e, o.id).toBeDefined();
      expect(e['dsp:sha256']).toBe(o.sha256);
      expect(e['dsp:sizeBytes']).toEqual({ $: String(o.bytes), type: 'xsd:long' });
      expect(e['dsp:recordCount']).toEqual({ $: String(o.rows), type: 'xsd:long' });
      expect(e['prov:location']).toEqual({ $: o.uri, type: 'xsd:anyURI' });
      expect(e['dsp:table']).toBe(o.table);
    }
    expect(checkProv(doc, manifest)).toEqual([]);
    expect(doc.entity!['out:lake.journal_entry_lines.p00001']).toMatchObject({ 'dsp:partition': { $: '1', type: 'xsd:int' }, 'dsp:components': 'gl', 'dsp:format': 'csv' });
  });

  it('records the run, agent, config and gates report with the relations of controls.md §3.2', () => {
    const run = `run:${manifest.run_id}`;
    const config = `dsp:config-${manifest.config.hash.slice(0, 16)}`;
    const agent = `dsp:datasynth-pipe-${manifest.tool.version}`;
    expect(Object.keys(doc)).toEqual(['prefix', 'entity', 'activity', 'agent', 'used', 'wasGeneratedBy', 'wasAssociatedWith', 'wasAttributedTo', 'wasDerivedFrom']);
    expect(doc.prefix).toEqual({ dsp: 'urn:datasynth-pipe:ns#', run: 'urn:uuid:', out: `urn:datasynth-pipe:run:${manifest.run_id}:` });
    expect(doc.activity![run]).toMatchObject({ 'prov:startTime': manifest.started_at, 'dsp:seed': { $: '42', type: 'xsd:unsignedLong' }, 'dsp:status': 'complete', 'dsp:shardCount': { $: '1', type: 'xsd:int' } });
    expect(doc.entity![config]).toMatchObject({ 'dsp:configSha256': manifest.config.hash, 'dsp:canonicalization': 'RFC8785', 'prov:label': 'pipeline.yaml' });
    expect(doc.agent![agent]).toMatchObject({ 'prov:label': `datasynth-pipe ${manifest.tool.version}` });
    expect(doc.entity!['out:gates.json']).toMatchObject({ 'dsp:sha256': manifest.gates!.report_sha256, 'dsp:passed': true });
    expect(doc.used).toEqual({ '_:u1': { 'prov:activity': run, 'prov:entity': config, 'prov:time': manifest.started_at } });
    expect(doc.wasAssociatedWith).toEqual({ '_:a1': { 'prov:activity': run, 'prov:agent': agent, 'prov:plan': config } });
    const n = manifest.outputs.length;
    expect(Object.keys(doc.wasGeneratedBy!).length).toBe(n + 1); // outputs + the gates report
    expect(Object.keys(doc.wasAttributedTo!).length).toBe(n);
    expect(Object.keys(doc.wasDerivedFrom!).length).toBe(n);
    expect(Object.keys(doc.wasGeneratedBy!)[0]).toBe('_:g1');
    // The ids of each block are sorted; PROV is listed in the manifest with its hash.
    for (const block of [doc.entity!, doc.activity!, doc.agent!]) expect(Object.keys(block)).toEqual([...Object.keys(block)].sort());
    expect(manifest.prov).toEqual({ uri: expect.stringMatching(/^file:\/\/.*\/prov\.json$/), sha256: sha256File(join(dir, 'prov.json')) });
    expect('wasEndedBy' in doc || 'wasStartedBy' in doc || 'bundle' in doc).toBe(false);
  });

  it('verify checks prov.json (V10)', async () => {
    const v = await runCli(['verify', dir]);
    expect(v.code, v.stdout).toBe(0);
    expect(v.stdout).toMatch(/\[PASS\] V10 prov\.json prov\.json sha256/);
    expect(v.stdout).toMatch(/\[PASS\] V10 prov\.json PROV checks/);
  });

  it('negative cases fail: numeric $, zoneless time, undeclared endpoint, wrong hash', () => {
    const mutate = (f: (d: ProvDocument) => void): ProvDocument => {
      const d = structuredClone(doc);
      f(d);
      return d;
    };
    const gen = Object.keys(doc.wasGeneratedBy!)[0];
    const out = outputEntityId(manifest.outputs[0]);
    const numeric = mutate((d) => { (d.entity![out] as Record<string, unknown>)['dsp:recordCount'] = { $: 5, type: 'xsd:long' }; });
    const zoneless = mutate((d) => { d.wasGeneratedBy![gen]['prov:time'] = '2026-01-01T10:00:00'; });
    const undeclared = mutate((d) => { d.wasGeneratedBy![gen]['prov:entity'] = 'out:nope.p00000'; });
    const rehashed = mutate((d) => { d.entity![out]['dsp:sha256'] = '0'.repeat(64); });
    const ended = mutate((d) => { (d as unknown as Record<string, unknown>).wasEndedBy = { '_:e1': { 'prov:activity': `run:${manifest.run_id}` } }; });
    expect(checkProv(numeric, manifest).join()).toMatch(/typed literal \$ must be a string/);
    expect(checkProv(zoneless, manifest).join()).toMatch(/not a zoned date-time/);
    expect(checkProv(undeclared, manifest).join()).toMatch(/is not a declared entity/);
    expect(checkProv(rehashed, manifest).join()).toMatch(/sha256 differs/);
    expect(checkProv(ended, manifest).join()).toMatch(/wasEndedBy must not be emitted/);
    // The JSON Schema itself rejects the zoneless time (format date-time needs a zone).
    expect(compile(PROVTOOLBOX)(zoneless)).toBe(false);
    if (existsSync(W3C)) {
      const w3c = compile(W3C);
      expect(w3c(numeric)).toBe(false); // typedLiteral $ is a string there
      expect(w3c(ended)).toBe(false); // root additionalProperties: false, only `wasEndedby` listed
    }
  });
});
