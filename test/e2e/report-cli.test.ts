/**
 * `datasynth-pipe report <out>` (issue 6, part 5) on a real run: the page is written next to the
 * manifest from gates.json and profile.json, renders in headless Chromium without console errors and
 * shows every chart; a sharded run's report comes from the merged shard profiles.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';
import { runCli, tempDirs, REPO } from '../support/cli.js';
import { requireChromium } from '../support/chromium.js';

const dirs = tempDirs('dsp-report-');
afterAll(() => dirs.cleanup());

describe('report command', () => {
  const exe = requireChromium();

  it('writes a self-contained page whose charts come from the run', async () => {
    const root = dirs.tmp();
    const run = await runCli(['run', join(REPO, 'test/fixtures/small.yaml'), '--out', root, '--progress', 'none', '--set', 'sources.gl.fraud.enabled=true']);
    expect(run.code, run.stderr).toBe(0);
    const control = root; // the sink path ./out maps onto --out itself
    const profile = JSON.parse(readFileSync(join(control, 'profile.json'), 'utf8'));
    const manifest = JSON.parse(readFileSync(join(control, 'manifest.json'), 'utf8'));
    // The profile counted exactly the entries and lines that were written.
    expect(profile.journal.lines).toBe(manifest.tables.journal_entry_lines.rows);
    expect(Object.values(profile.anomalies.by_type as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(manifest.tables.anomaly_labels.rows);
    const r = await runCli(['report', root]);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(join(control, 'report.html'), 'utf8');
    expect(html).not.toMatch(/<script|(src|href)="https?:/); // nothing to fetch: it works offline
    expect(html).toContain(manifest.run_id);
    // The page is a derived view: verify does not flag it or the profile as unlisted files.
    const v = await runCli(['verify', control, '--strict']);
    expect(v.code, v.stdout).toBe(0);
    if (exe === null) return;
    const browser = await puppeteer.launch({ executablePath: exe, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warn') problems.push(m.text()); });
      page.on('pageerror', (e) => problems.push(String(e)));
      await page.goto(pathToFileURL(join(control, 'report.html')).href, { waitUntil: 'load' });
      const charts = await page.$$eval('figure.chart', (els) => els.map((e) => ({ id: e.id, empty: e.classList.contains('empty'), bars: e.querySelectorAll('svg rect.bar[data-value]').length })));
      const byId = Object.fromEntries(charts.map((c) => [c.id, c]));
      for (const id of ['chart-benford', 'chart-amounts', 'chart-lines', 'chart-days', 'chart-months', 'chart-anomalies']) {
        expect(byId[id]?.empty, id).toBe(false);
      }
      expect(byId['chart-benford'].bars).toBe(9);
      expect(byId['chart-funnel'].empty).toBe(true); // no document flows in this pipeline
      const gates = await page.$$eval('tr.gate', (rows) => rows.map((row) => row.getAttribute('data-gate')));
      expect(gates).toContain('benford_mad');
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);

  it('fails clearly without a finished run', async () => {
    const r = await runCli(['report', dirs.tmp()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/manifest\.json not found/);
    expect(existsSync(join(REPO, 'report.html'))).toBe(false);
  });
});
