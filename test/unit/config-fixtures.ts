/** Fake plugins and a minimal valid pipeline.yaml for the config tests (no real plugins involved). */
import type { ComponentRegistries, JsonObject } from '../../src/config/types.js';

interface FakePlugin {
  optionsSchema: JsonObject;
  description: string;
}

function plugins(entries: Record<string, JsonObject>): Map<string, FakePlugin> {
  return new Map(Object.entries(entries).map(([type, properties]) => [
    type,
    { description: `fake ${type}`, optionsSchema: { type: 'object', additionalProperties: false, properties } },
  ]));
}

export function fakeRegistries(): ComponentRegistries {
  return {
    sources: plugins({
      journal_entries: { rows: { type: 'integer', minimum: 1, description: 'rows per month' }, fraud: { type: 'boolean' } },
      vendors: { count: { type: 'integer' } },
      chart_of_accounts: { complexity: { type: 'string', enum: ['small', 'medium', 'large'] }, custom_file: { type: 'string', 'x-dsp-file': true } },
    }),
    transforms: plugins({
      anomalies: { rate: { type: 'number', minimum: 0, maximum: 1 } },
      data_quality: { preset: { type: 'string' } },
    }),
    sinks: plugins({
      file: { path: { type: 'string' }, format: { type: 'string', enum: ['csv', 'ndjson', 'parquet'] }, compression: { type: 'string' } },
      postgres: {
        url: { type: 'string' },
        mode: { type: 'string' },
        password: { type: 'string', 'x-dsp-secret': true },
        pool_size: { type: 'integer', 'x-dsp-runtime': true },
        table_prefix: { type: 'string' },
      },
    }),
  };
}

/** A valid config; `extra` lines are appended at the top level. */
export const BASE_YAML = `version: 1
seed: 42
period: { start: 2025-01-01, months: 12 }
companies:
  - { code: "1000", name: Acme US, currency: USD, country: US, volume: 200000 }
  - { code: "2000", name: Acme DE, currency: EUR, country: DE, volume: ten_k, volume_weight: 0.5 }
sources:
  gl: { type: journal_entries, rows: 100 }
transforms:
  fraud: { type: anomalies, inputs: [gl], rate: 0.02 }
sinks:
  lake: { type: file, inputs: [fraud], path: ./out, format: parquet }
`;
