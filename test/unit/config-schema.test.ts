import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildConfigJsonSchema, configSchema } from '../../src/config/schema.js';
import type { JsonObject } from '../../src/config/types.js';
import { BASE_YAML, fakeRegistries } from './config-fixtures.js';

const schema = buildConfigJsonSchema(fakeRegistries());
const props = schema.properties as Record<string, JsonObject>;

/** An editor-like validator: plain draft-07, custom keywords ignored. */
function editorValidate(doc: unknown) {
  const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
  const ok = validate(doc);
  return { ok, errors: validate.errors ?? [] };
}

describe('buildConfigJsonSchema', () => {
  it('is a draft-07 schema with descriptions for hover help', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    for (const key of ['version', 'seed', 'period', 'companies', 'sources', 'transforms', 'sinks']) {
      expect(typeof props[key].description, key).toBe('string');
    }
  });

  it('lists every registered type with its options', () => {
    const sinkEntry = props.sinks.additionalProperties as JsonObject;
    expect(((sinkEntry.properties as JsonObject).type as JsonObject).enum).toEqual(['file', 'postgres']);
    const branches = sinkEntry.allOf as JsonObject[];
    const pg = branches.find((b) => JSON.stringify(b.if).includes('"postgres"'))!.then as JsonObject;
    expect(Object.keys(pg.properties as object)).toEqual(['type', 'url', 'mode', 'password', 'pool_size', 'table_prefix', 'inputs']);
    expect(pg.required).toEqual(['type', 'inputs']);
    expect(pg.additionalProperties).toBe(false);
    const sourceTypes = ((props.sources.additionalProperties as JsonObject).properties as JsonObject).type as JsonObject;
    expect(sourceTypes.enum).toEqual(['chart_of_accounts', 'journal_entries', 'vendors']);
  });

  it('accepts the example config and rejects unknown types and options', () => {
    expect(editorValidate(parse(BASE_YAML)).ok).toBe(true);
    expect(editorValidate(parse(BASE_YAML.replace('type: anomalies', 'type: nope'))).ok).toBe(false);
    expect(editorValidate(parse(BASE_YAML.replace('rate: 0.02', 'rat: 0.02'))).ok).toBe(false);
    expect(editorValidate(parse(BASE_YAML.replace('inputs: [gl]', 'inputs: gl'))).ok).toBe(true);
  });

  it('does not modify the loader schema', () => {
    expect(((configSchema.properties as JsonObject).sources as JsonObject).propertyNames).toBeUndefined();
  });
});
