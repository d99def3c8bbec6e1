/**
 * anomalies transform options (domain.md §1.2, §8.1): both shapes (rate + categories, rates.*),
 * sub-rate normalisation, config errors with key paths, type weights, the approval threshold
 * taken from the journal source, the schema and the emitted tables.
 */
import { describe, expect, it } from 'vitest';
import type { PipelineConfig } from '../../src/config/types.js';
import { ConfigError } from '../../src/errors.js';
import { anomaliesTransform, ANOMALY_TYPES, resolveAnomalyOptions } from '../../src/transforms/anomalies/index.js';
import { anomalyLabels, jeApprovals, journalEntryLines } from '../../src/tables/journal.js';
import * as registry from '../../src/engine/registry.js';
import { configAjv } from '../../src/config/validate.js';
import '../../src/plugins.js';

const close = (a: readonly number[], b: readonly number[]): void => {
  expect(a.length).toBe(b.length);
  a.forEach((x, i) => expect(x).toBeCloseTo(b[i], 12));
};

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('no ConfigError');
}

describe('anomalies options', () => {
  it('defaults: total 0.03 split .25/.35/.20/.15/.05, clustering and uplift on, threshold 10 000', () => {
    const o = resolveAnomalyOptions({});
    close(o.categoryRates, [0.0075, 0.0105, 0.006, 0.0045, 0.0015]);
    expect(o.totalRate).toBeCloseTo(0.03, 12);
    expect(o).toMatchObject({ enabled: true, clustering: true, temporalUplift: true, approvalThreshold: 10_000 });
  });

  it('rate + categories: proportions of the total, normalised by their sum; unset categories weigh 0', () => {
    close(resolveAnomalyOptions({ rate: 0.02, categories: { fraud: 0.25, error: 0.35, process: 0.2, statistical: 0.15, relational: 0.05 } }).categoryRates,
      [0.005, 0.007, 0.004, 0.003, 0.001]);
    close(resolveAnomalyOptions({ rate: 0.02, categories: { fraud: 1, error: 3 } }).categoryRates, [0.005, 0.015, 0, 0, 0]);
  });

  it('rates: configured sub-rates as given, the others share the rest in default proportions; no total → Σ', () => {
    const o = resolveAnomalyOptions({ rates: { total_rate: 0.05, fraud_rate: 0.03 } });
    close(o.categoryRates, [0.03, 0.02 * 0.35 / 0.75, 0.02 * 0.2 / 0.75, 0.02 * 0.15 / 0.75, 0.02 * 0.05 / 0.75]);
    const s = resolveAnomalyOptions({ rates: { fraud_rate: 0.01, error_rate: 0.02 } });
    close(s.categoryRates, [0.01, 0.02, 0, 0, 0]);
    expect(s.totalRate).toBeCloseTo(0.03, 12);
    expect(resolveAnomalyOptions({ rate: 0.04 }).totalRate).toBeCloseTo(0.04, 12);
  });

  it('Σ configured sub-rates > total → ConfigError with the key path', () => {
    const config = { version: 1, transforms: { fraud: { type: 'anomalies', inputs: ['gl'] } } } as unknown as PipelineConfig;
    const e = configError(() => resolveAnomalyOptions({ rates: { total_rate: 0.01, fraud_rate: 0.008, error_rate: 0.005 } }, config));
    expect(e.issues[0].path).toBe('transforms.fraud.rates');
    expect(e.message).toMatch(/0\.013.*more than total_rate 0\.01/);
    // Also at plan time, through the plugin's tables().
    expect(() => anomaliesTransform.tables({ rates: { total_rate: 0.01, fraud_rate: 0.02 } }, [journalEntryLines], config)).toThrow(ConfigError);
  });

  it('conflicting shapes and all-zero types are config errors', () => {
    expect(configError(() => resolveAnomalyOptions({ rate: 0.02, rates: { total_rate: 0.03 } })).issues[0].path).toMatch(/\.rate$/);
    expect(configError(() => resolveAnomalyOptions({ categories: { fraud: 1 }, rates: { fraud_rate: 0.01 } })).issues[0].path).toMatch(/\.categories$/);
    const zero = Object.fromEntries(ANOMALY_TYPES.filter((t) => t.category === 'relational').map((t) => [t.name, 0]));
    expect(configError(() => resolveAnomalyOptions({ types: zero })).issues[0].message).toMatch(/relational/);
    expect(() => resolveAnomalyOptions({ types: zero, categories: { fraud: 1 } })).not.toThrow();
  });

  it('types: weight overrides in taxonomy order; 0 disables', () => {
    const o = resolveAnomalyOptions({ types: { vague_description: 0, duplicate_entry: 7 } });
    expect(o.typeWeights[ANOMALY_TYPES.findIndex((t) => t.name === 'vague_description')]).toBe(0);
    expect(o.typeWeights[ANOMALY_TYPES.findIndex((t) => t.name === 'duplicate_entry')]).toBe(7);
  });

  it('approval threshold: option, else the input journal source’s auto_approve_threshold, else 10 000', () => {
    const config = {
      version: 1,
      sources: { gl: { type: 'journal_entries', approval: { auto_approve_threshold: 5000 } } },
      transforms: { fraud: { type: 'anomalies', inputs: ['gl'] }, more: { type: 'anomalies', inputs: ['fraud'] } },
    } as unknown as PipelineConfig;
    expect(resolveAnomalyOptions({}, config, 'fraud').approvalThreshold).toBe(5000);
    expect(resolveAnomalyOptions({}, config, 'more').approvalThreshold).toBe(5000);
    expect(resolveAnomalyOptions({ thresholds: { approval: 20_000 } }, config, 'fraud').approvalThreshold).toBe(20_000);
  });

  it('the JSON schema is closed, accepts the issue example and the domain.md form', () => {
    const validate = configAjv().compile(anomaliesTransform.optionsSchema);
    expect(validate({ rate: 0.02, categories: { fraud: 0.25, error: 0.35, process: 0.2, statistical: 0.15, relational: 0.05 } })).toBe(true);
    expect(validate({ rates: { total_rate: 0.03, fraud_rate: 0.01 }, clustering: { enabled: false }, max_anomalies_per_document: 1, temporal_uplift: false, types: { kickback_scheme: 1 } })).toBe(true);
    expect(validate({ rate: 0.02, bogus: 1 })).toBe(false);
    expect(validate({ types: { no_such_type: 1 } })).toBe(false);
    expect(validate({ max_anomalies_per_document: 2 })).toBe(false);
  });

  it('tables: inputs pass through, anomaly_labels added once; registered as a built-in', () => {
    const config = { version: 1 } as unknown as PipelineConfig;
    expect(anomaliesTransform.tables({}, [journalEntryLines, jeApprovals], config).map((t) => t.name)).toEqual(['journal_entry_lines', 'je_approvals', 'anomaly_labels']);
    expect(anomaliesTransform.tables({}, [journalEntryLines, anomalyLabels], config).map((t) => t.name)).toEqual(['journal_entry_lines', 'anomaly_labels']);
    expect(registry.transforms.require('anomalies')).toBe(anomaliesTransform);
  });
});
