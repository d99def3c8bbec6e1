import { describe, expect, it } from 'vitest';
import Ajv from 'ajv';
import { allocateLargestRemainder, roundToNice, roundToSignificant, significantDigits, splitLargestRemainder } from '../../src/random/distributions.js';
import { Rng } from '../../src/random/rng.js';
import { journalEntriesOptionsSchema, resolveOptions } from '../../src/sources/journal-entries/options.js';
import { companyDayWeights, periodEndFactor } from '../../src/sources/journal-entries/plan.js';
import { journalEntriesSource, meanLinesPerEntry } from '../../src/sources/journal-entries/index.js';
import { anomalyLabels, jeApprovals } from '../../src/tables/journal.js';
import { applyTypo } from '../../src/sources/journal-entries/texts.js';
import { contextFor, makeConfig } from './journal-fixture.js';
import type { JsonObject, JsonValue } from '../../src/config/types.js';

describe('largest-remainder split (domain.md §5.3)', () => {
  it('sums exactly, gives every part ≥ 1 cent, ties to the lower index', () => {
    const rng = Rng.for(1n, 't', 0, 'split');
    const out = new Float64Array(200);
    const w = new Float64Array(200);
    let bad = 0;
    for (let trial = 0; trial < 2000; trial++) {
      const k = rng.int(1, 150);
      const total = rng.int(k, k + 10_000_000);
      for (let i = 0; i < k; i++) w[i] = Math.max(rng.float(), 0.01);
      splitLargestRemainder(total, k, w, 0, out, 0);
      let sum = 0;
      for (let i = 0; i < k; i++) {
        if (!(out[i] >= 1) || !Number.isInteger(out[i])) bad++;
        sum += out[i];
      }
      if (sum !== total) bad++;
    }
    expect(bad).toBe(0);
    const eq = new Float64Array(3);
    splitLargestRemainder(10, 3, [1, 1, 1], 0, eq, 0);
    expect(Array.from(eq)).toEqual([4, 3, 3]);
  });

  it('month allocation ties go to the earlier month', () => {
    expect(allocateLargestRemainder(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(allocateLargestRemainder(7, [2, 1, 1])).toEqual([3, 2, 2]);
    expect(allocateLargestRemainder(5, [1, 1])).toEqual([3, 2]);
    expect(allocateLargestRemainder(0, [1, 2])).toEqual([0, 0]);
  });
});

describe('round-number bias (domain.md §5.4)', () => {
  it('matches the documented examples', () => {
    expect(roundToSignificant(453_721, 2)).toBe(450_000); // 4 537.21 → 4 500
    expect(roundToNice(453_721)).toBe(455_000); // 4 537.21 → 4 550
    expect(roundToNice(8_713)).toBe(8_700); // 87.13 → 87.0
    expect(significantDigits(450_000)).toBe(2);
    expect(significantDigits(8_713)).toBe(4);
  });
});

describe('options', () => {
  it('the schema is strict at every level and accepts every documented key', () => {
    const walk = (s: JsonValue): void => {
      if (s === null || typeof s !== 'object' || Array.isArray(s)) return;
      if (s.type === 'object') {
        expect(s.additionalProperties).toBe(false);
        expect(typeof s.description).toBe('string');
      }
      for (const v of Object.values(s)) walk(v);
    };
    walk(journalEntriesOptionsSchema);
    const ajv = new (Ajv as unknown as typeof Ajv.default)({ strict: false });
    const validate = ajv.compile(journalEntriesOptionsSchema);
    const full: JsonObject = {
      transactions: {
        line_item_distribution: { two_items: 0.6, thousand_plus: 0 },
        even_odd_distribution: { even: 0.9 },
        debit_credit_distribution: { equal: 0.8, more_debit: 0.1, more_credit: 0.1 },
        source_distribution: { manual: 0.3, automated: 0.6, recurring: 0.05, adjustment: 0.05 },
        amounts: { preset: 'medium', min_amount: 1, max_amount: 1e6, lognormal_mu: 8, lognormal_sigma: 2, round_number_probability: 0.2, nice_number_probability: 0.1, sampler: 'benford' },
        benford: { enabled: true, exempt_sources: ['recurring'], exempt_processes: ['H2R'] },
        seasonality: { holiday_activity: 0.05, weekend_activity: 0.2 },
        temporal_patterns: { period_end: { model: 'exponential' }, month_end_lead_days: 3 },
      },
      business_processes: { o2c_weight: 1, p2p_weight: 1, r2r_weight: 1, h2r_weight: 1, a2r_weight: 1 },
      user_personas: { human_persona_distribution: { junior_accountant: 1, senior_accountant: 1, controller: 1, manager: 1 } },
      approval: { auto_approve_threshold: 5000, revision_rate: 0.1 },
      internal_controls: { enabled: true, exception_rate: 0.01, sox_materiality_threshold: 20000, sod_violation_rate: 0.02 },
      fraud: { enabled: true, fraud_rate: 0.01, fraud_type_distribution: { split_transaction: 1, kickback_scheme: 0 }, approval_thresholds: [1000] },
      distributions: { industry_profile: true },
    };
    expect(validate(full)).toBe(true);
    expect(validate({ transactions: { amounts: { mu: 7 } } })).toBe(false);
    expect(validate({ fraud: { enabled: 'yes' } })).toBe(false);
    expect(validate({ unknown: 1 })).toBe(false);
  });

  it('applies the documented defaults, presets and overrides', () => {
    const d = resolveOptions({}, undefined, 'manufacturing');
    expect(d.processWeights).toEqual([0.35, 0.30, 0.20, 0.10, 0.05]);
    expect(d.amounts).toMatchObject({ minAmount: 0.01, maxAmount: 100_000_000, mu: 7, sigma: 2.5, roundNumberProbability: 0.25, niceNumberProbability: 0.15 });
    expect(d.fraudEnabled).toBe(false);
    expect(d.sodViolationRate).toBe(0.01);
    expect(d.autoApproveThreshold).toBe(10_000);
    expect(resolveOptions({}, 'retail', 'retail').processWeights).toEqual([0.50, 0.30, 0.10, 0.07, 0.03]);
    const small = resolveOptions({ transactions: { amounts: { preset: 'small', max_amount: 500 } } }, undefined, 'manufacturing');
    expect(small.amounts).toMatchObject({ mu: 4, sigma: 1.5, maxAmount: 500, roundNumberProbability: 0.30 });
    const onlySplit = resolveOptions({ fraud: { fraud_type_distribution: { split_transaction: 2 } } }, undefined, 'manufacturing');
    expect(onlySplit.fraudTypeWeights.filter((w) => w > 0)).toEqual([2]);
    expect(meanLinesPerEntry(d)).toBeGreaterThan(2);
  });
});

describe('day weights (domain.md §5.5)', () => {
  const config = makeConfig([{ code: '1000', name: 'US', currency: 'USD', country: 'US', volume: 1200 }]);
  const ctx = contextFor(config, 1n);
  const company = ctx.reference.companies[0];

  it('folds non-business days onto business days of the same month and keeps each month total', () => {
    const opts = resolveOptions({}, undefined, 'manufacturing');
    const w = companyDayWeights(ctx.reference, company, opts);
    const cal = ctx.reference.calendar('US');
    const p = ctx.reference.period;
    for (let m = 0; m < p.months; m++) {
      let raw = 0, folded = 0;
      for (let d = p.monthStart[m]; d < p.monthStart[m + 1]; d++) {
        raw += w.raw[d - p.startDay];
        folded += w.folded[d - p.startDay];
        if (!cal.isBusinessDay(d)) expect(w.folded[d - p.startDay]).toBe(0);
      }
      expect(folded).toBeCloseTo(raw, 9);
    }
    // 2025-01-06 is a Monday: 1.3 + the weekend 0.1 + 0.1.
    const mon = Date.UTC(2025, 0, 6) / 86_400_000 - p.startDay;
    expect(w.folded[mon]).toBeCloseTo(1.5, 12);
    // 2025-01-31 (Friday, last 5 days): 0.85 × 2.5.
    const fri = Date.UTC(2025, 0, 31) / 86_400_000 - p.startDay;
    expect(w.raw[fri]).toBeCloseTo(2.125, 12);
  });

  it('period-end factors: flat ×2.5 / ×4 / ×6; exponential from 1 to the peak', () => {
    const flat = resolveOptions({}, undefined, 'manufacturing');
    expect(periodEndFactor(1, 27, 31, flat)).toBe(2.5);
    expect(periodEndFactor(1, 26, 31, flat)).toBe(1);
    expect(periodEndFactor(3, 31, 31, flat)).toBe(4);
    expect(periodEndFactor(12, 28, 31, flat)).toBe(6);
    const exp = resolveOptions({ transactions: { temporal_patterns: { period_end: { model: 'exponential' } } } }, undefined, 'manufacturing');
    expect(periodEndFactor(1, 22, 31, exp)).toBeCloseTo(1, 12);
    expect(periodEndFactor(1, 31, 31, exp)).toBeCloseTo(2.0, 12);
    expect(periodEndFactor(6, 30, 30, exp)).toBeCloseTo(3.5, 12);
    expect(periodEndFactor(12, 31, 31, exp)).toBeCloseTo(5.0, 12);
    expect(periodEndFactor(1, 21, 31, exp)).toBe(1);
  });

  it('partitions: company × month with p = month × n_companies + company', () => {
    const two = makeConfig([
      { code: '1000', name: 'US', currency: 'USD', country: 'US', volume: 1200 },
      { code: '2000', name: 'DE', currency: 'EUR', country: 'DE', volume: 600, volume_weight: 0.5 },
    ], 3, '2025-11-01');
    const c2 = contextFor(two, 1n);
    const parts = journalEntriesSource.partitions('gl', {}, c2);
    expect(parts.map((p) => p.key)).toEqual(['1000:2025-11', '2000:2025-11', '1000:2025-12', '2000:2025-12', '1000:2026-01', '2000:2026-01']);
    expect(parts.map((p) => p.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(parts.every((p) => p.plannedRows.journal_entry_lines > 0)).toBe(true);
    expect(journalEntriesSource.tables({}, two).map((t) => t.name)).toEqual(['journal_entry_lines', 'je_approvals', 'anomaly_labels']);
    // References restart in the new year: the first January entry is seq 1.
    const jan = [...journalEntriesSource.generate('gl', {}, parts[4], c2)].find((b) => b.schema.name === 'journal_entry_lines')!;
    expect((jan.values[jan.schema.index.get('reference')!] as string[])[0]).toMatch(/-2026-000001$/);
    const dec = [...journalEntriesSource.generate('gl', {}, parts[2], c2)].find((b) => b.schema.name === 'journal_entry_lines')!;
    const novCount = journalEntriesSource.partitions('gl', {}, c2)[0];
    void novCount;
    expect(Number((dec.values[dec.schema.index.get('reference')!] as string[])[0].slice(-6))).toBeGreaterThan(1);
  });
});

describe('tables and texts', () => {
  it('je_approvals and anomaly_labels columns follow §10 and §8.4', () => {
    expect(jeApprovals.columns.map((c) => c.name)).toEqual(['document_id', 'action_seq', 'action', 'actor_id', 'actor_role', 'approval_level', 'action_timestamp']);
    expect(anomalyLabels.columns.map((c) => c.name)).toEqual([
      'anomaly_id', 'anomaly_category', 'anomaly_type', 'severity', 'detection_difficulty', 'injection_stage', 'document_id',
      'line_number', 'company_code', 'anomaly_date', 'detection_timestamp', 'is_injected', 'confidence', 'affects_balance',
      'monetary_impact', 'description', 'structured_strategy_type', 'related_document_id', 'related_entities', 'cluster_id',
      'parent_anomaly_id', 'child_anomaly_ids', 'causal_reason_type', 'causal_reason_json', 'original_document_hash',
      'metadata_json', 'generation_seed',
    ]);
  });

  it('typos replace the first listed word, else swap two adjacent letters', () => {
    const rng = Rng.for(1n, 't', 0, 'typo');
    expect(applyTypo('Payment with the invoice', rng)).toBe('Payment wiht the invoice');
    const t = applyTypo('Payroll - March 2025', rng)!;
    expect(t).not.toBe('Payroll - March 2025');
    expect(t.length).toBe('Payroll - March 2025'.length);
    expect([...t].sort().join('')).toBe([...'Payroll - March 2025'].sort().join(''));
  });
});
