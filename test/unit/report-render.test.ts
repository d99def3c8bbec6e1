/**
 * The quality report page renders in headless Chromium without console errors and shows every
 * chart, from a profile counted over real generated journal entries.
 */
import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';
import { RunProfile } from '../../src/report/profile.js';
import { renderReport } from '../../src/report/html.js';
import { buildReferenceData } from '../../src/domain/reference.js';
import { journalEntriesSource } from '../../src/sources/journal-entries/index.js';
import { createBatch } from '../../src/engine/batch.js';
import { defineTable } from '../../src/engine/schema.js';
import type { Manifest } from '../../src/provenance/manifest.js';
import type { GenerationContext } from '../../src/engine/plugins.js';
import { makeConfig } from './journal-fixture.js';
import { requireChromium } from '../support/chromium.js';

function profileOfRealRun(): RunProfile {
  const config = makeConfig([{ code: '1000', name: 'Acme US', currency: 'USD', country: 'US', volume: 12_000 }], 3);
  const ctx: GenerationContext = { seed: 42n, config, reference: buildReferenceData(config, 42n), batchRows: 1024 };
  const prof = new RunProfile();
  for (const p of journalEntriesSource.partitions('gl', {}, ctx)) for (const b of journalEntriesSource.generate('gl', {}, p, ctx)) prof.observe(b, 'gl');
  // Label and chain tables as the transforms and flows would emit them.
  const dq = defineTable('dq_labels', 'dq', [['issue_type', { type: 'string', description: '' }], ['issue_subtype', { type: 'string', description: '' }]]);
  const b = createBatch(dq, 0, 0, 3);
  (b.values[0] as string[]).splice(0, 3, 'typo', 'typo', 'missing_value');
  (b.values[1] as string[]).splice(0, 3, 'substitution', 'transposition', 'mcar');
  prof.observe(b);
  const po = defineTable('purchase_orders', 'po', [['po_id', { type: 'string', description: '' }]]);
  const gr = defineTable('goods_receipts', 'gr', [['gr_id', { type: 'string', description: '' }], ['po_id', { type: 'string', description: '' }]]);
  const pb = createBatch(po, 0, 0, 3);
  (pb.values[0] as string[]).splice(0, 3, 'PO-1', 'PO-2', 'PO-3');
  prof.observe(pb, 'p2p');
  const gb = createBatch(gr, 0, 0, 3);
  (gb.values[0] as string[]).splice(0, 3, 'GR-1', 'GR-2', 'GR-3');
  (gb.values[1] as string[]).splice(0, 3, 'PO-1', 'PO-1', 'PO-2');
  prof.observe(gb, 'p2p');
  return prof;
}

const manifest = {
  status: 'complete', run_id: '0f2a64f4-7a3c-4b8e-9d1f-1234567890ab', seed: '42', started_at: '2026-12-01T00:00:00.000Z', ended_at: '2026-12-01T00:00:02.000Z',
  tool: { name: 'datasynth-pipe', version: '0.1.0' }, config: { hash: 'ab'.repeat(32), snapshot: { period: { start: '2025-01-01', months: 3 }, companies: [{ code: '1000' }] } },
  tables: { journal_entry_lines: { rows: 100, partitions: 3, sinks: ['out'] } }, marking: { enabled: true, placements: ['sidecar'] }, outputs: [],
} as unknown as Manifest;

describe('report profile', () => {
  it('counts entries, first digits, days and chain funnels, and merges by addition', () => {
    const p = profileOfRealRun().toJSON();
    expect(p.journal.entries).toBeGreaterThan(2500);
    expect(p.journal.first_digit.reduce((a, b) => a + b, 0)).toBe(p.journal.amount_log10.counts.reduce((a, b) => a + b, 0));
    expect(p.journal.first_digit[0]).toBeGreaterThan(p.journal.first_digit[8] * 3); // Benford-like
    expect(Object.values(p.journal.lines_per_entry).reduce((a, b) => a + b, 0)).toBe(p.journal.entries);
    expect(Object.values(p.journal.entries_per_day).reduce((a, b) => a + b, 0)).toBe(p.journal.entries);
    expect(p.chains.p2p.purchase_order).toEqual({ documents: 3, chains: 3 });
    expect(p.chains.p2p.goods_receipt).toEqual({ documents: 3, chains: 2 });
    const a = profileOfRealRun();
    a.merge(profileOfRealRun());
    const m = a.toJSON();
    expect(m.journal.entries).toBe(2 * p.journal.entries);
    expect(m.data_quality.by_type.typo).toBe(4);
    const empty = renderReport({ manifest, gates: null, profile: null });
    expect(empty).toContain('id="chart-funnel"');
    expect(empty).toMatch(/No document chains/);
    expect(empty).not.toMatch(/<script/);
  });
});

describe('report page in headless Chromium', () => {
  const exe = requireChromium();
  it.skipIf(exe === null)('renders without console errors and contains every chart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dsp-report-'));
    const file = join(dir, 'report.html');
    const gates = { profile: 'default', passed: true, summary: '2/2 gates passed.', results: [
      { gate: 'benford_mad', metric: 'benford_mad', comparison: 'lte', threshold: 0.015, value: 0.004, n: 9000, status: 'pass', message: 'ok' },
      { gate: 'ic_match_rate', metric: 'ic_match_rate', comparison: 'gte', threshold: 0.95, value: null, n: 0, status: 'not_applicable', message: 'no IC' },
    ] };
    writeFileSync(file, renderReport({ manifest, gates, profile: profileOfRealRun().toJSON() }));
    const browser = await puppeteer.launch({ executablePath: exe!, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warn') problems.push(m.text()); });
      page.on('pageerror', (e) => problems.push(String(e)));
      page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
      await page.setViewport({ width: 1200, height: 900 });
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      const charts = await page.$$eval('figure.chart', (els) => els.map((e) => ({ id: e.id, empty: e.classList.contains('empty'), marks: e.querySelectorAll('svg rect.bar, svg polyline, svg circle').length })));
      const byId = Object.fromEntries(charts.map((c) => [c.id, c]));
      // journal_entries labels its persona errors and SoD flags itself: the anomaly mix is not empty either.
      for (const id of ['chart-benford', 'chart-amounts', 'chart-lines', 'chart-days', 'chart-months', 'chart-anomalies', 'chart-dq', 'chart-funnel']) {
        expect(byId[id], id).toBeDefined();
        expect(byId[id].empty, id).toBe(false);
        expect(byId[id].marks, id).toBeGreaterThan(1);
      }
      expect(await page.$$eval('#chart-benford circle.reference-point', (e) => e.length)).toBe(9 + 1);
      expect(await page.$$eval('tr.gate', (e) => e.map((r) => r.getAttribute('data-gate')))).toEqual(['benford_mad', 'ic_match_rate']);
      const artifacts = join(process.cwd(), 'test-artifacts');
      mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: join(artifacts, 'report.png'), fullPage: true });
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
