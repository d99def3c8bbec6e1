import { describe, expect, it } from 'vitest';
import { findCycles } from '../../src/config/dag.js';
import { loadConfigText } from '../../src/config/load.js';
import { ConfigError, type ConfigIssue } from '../../src/errors.js';
import { fakeRegistries } from './config-fixtures.js';

const HEAD = `version: 1
period: { start: 2025-01-01, months: 1 }
companies: [{ code: "1000", name: Acme, currency: USD, country: US, volume: 1000 }]
`;

function issuesOf(body: string): ConfigIssue[] {
  try {
    loadConfigText(HEAD + body, { file: 'p.yaml', env: {}, registry: fakeRegistries() });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return [...(e as ConfigError).issues];
  }
  throw new Error('expected the config to be rejected');
}

const lines = (issues: ConfigIssue[]) => issues.map((i) => `${i.path}@${i.line}:${i.col} ${i.message}`);

describe('component graph', () => {
  it('reports a dangling input with did-you-mean', () => {
    expect(lines(issuesOf(`sources:
  gl: { type: journal_entries }
sinks:
  out: { type: file, inputs: [gll] }
`))).toEqual([
      'sources.gl@5:3 source \'gl\' is not consumed by any transform or sink',
      "sinks.out.inputs[0]@7:31 input 'gll' is not a source or transform; did you mean 'gl'?",
    ]);
  });

  it('lists known ids when nothing is close, and rejects a sink as input', () => {
    expect(lines(issuesOf(`sources:
  gl: { type: journal_entries }
sinks:
  out: { type: file, inputs: [gl] }
  other: { type: file, inputs: [zzz, out] }
`))).toEqual([
      "sinks.other.inputs[0]@8:33 input 'zzz' is not a source or transform; known sources and transforms: gl",
      "sinks.other.inputs[1]@8:38 'out' is a sink; inputs name sources or transforms",
    ]);
  });

  it('reports an input listed twice', () => {
    expect(lines(issuesOf(`sources:
  gl: { type: journal_entries }
sinks:
  out: { type: file, inputs: [gl, gl] }
`))).toEqual(["sinks.out.inputs[1]@7:35 input 'gl' is listed twice"]);
  });

  it('reports a cycle among transforms with its path', () => {
    expect(lines(issuesOf(`sources:
  gl: { type: journal_entries }
transforms:
  a: { type: anomalies, inputs: [gl, c] }
  b: { type: anomalies, inputs: [a] }
  c: { type: data_quality, inputs: [b] }
  selfish: { type: anomalies, inputs: [selfish, gl] }
sinks:
  out: { type: file, inputs: [c, selfish] }
`))).toEqual([
      'transforms.a.inputs@7:33 transforms form a cycle: a → c → b → a (each reads the next)',
      'transforms.selfish.inputs@10:39 transforms form a cycle: selfish → selfish (each reads the next)',
    ]);
  });

  it('reports components nothing consumes once a sink exists', () => {
    expect(lines(issuesOf(`sources:
  gl: { type: journal_entries }
  ap: { type: vendors }
transforms:
  fraud: { type: anomalies, inputs: [gl] }
sinks:
  out: { type: file, inputs: [gl] }
`))).toEqual([
      "sources.ap@6:3 source 'ap' is not consumed by any transform or sink",
      "transforms.fraud@8:3 transform 'fraud' is not consumed by any transform or sink",
    ]);
  });

  it('allows unconsumed components when no sink is configured (default local files)', () => {
    const loaded = loadConfigText(`${HEAD}sources:\n  gl: { type: journal_entries }\n  ap: { type: vendors }\n`, { env: {}, registry: fakeRegistries() });
    expect(Object.keys(loaded.config.sources)).toEqual(['gl', 'ap']);
  });

  it('requires inputs on transforms and sinks, and none on sources', () => {
    expect(lines(issuesOf(`sources:
  gl: { type: journal_entries, inputs: [gl] }
transforms:
  fraud: { type: anomalies }
sinks:
  out: { type: file, inputs: [] }
`))).toEqual([
      "sources.gl@5:3 source 'gl' is not consumed by any transform or sink",
      'sources.gl.inputs@5:32 a source takes no inputs; remove this key',
      "transforms.fraud@7:3 transform 'fraud' is not consumed by any transform or sink",
      "transforms.fraud.inputs@7:10 missing required key 'inputs'",
      'sinks.out.inputs@9:30 must list at least one source or transform',
    ]);
  });

  it('requires ids to be unique across sections and snake_case', () => {
    expect(lines(issuesOf(`sources:
  gl: { type: journal_entries }
  Bad-Id: { type: vendors }
sinks:
  gl: { type: file, inputs: [Bad-Id] }
`))).toEqual([
      "sources.gl@5:3 source 'gl' is not consumed by any transform or sink",
      "sources.Bad-Id@6:3 invalid component id 'Bad-Id': ids are lower-case letters, digits and _, starting with a letter",
      "sinks.gl@8:3 component id 'gl' is already used by sources.gl; ids must be unique across sources, transforms and sinks",
    ]);
  });

  it('requires at least one source', () => {
    expect(lines(issuesOf('sources: {}\n'))).toEqual(['sources@4:10 must define at least one source']);
  });
});

describe('findCycles', () => {
  it('finds each cycle once, starting at its first-declared member', () => {
    const edges = new Map([
      ['x', ['y']],
      ['y', ['z']],
      ['z', ['x']],
      ['free', ['x']],
      ['p', ['q']],
      ['q', ['p']],
    ]);
    expect(findCycles(edges)).toEqual([['x', 'y', 'z'], ['p', 'q']]);
    expect(findCycles(new Map([['a', ['b']], ['b', []]]))).toEqual([]);
  });
});
