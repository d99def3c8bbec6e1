/**
 * The quality report page (issue 6, part 5): one self-contained HTML file — inline CSS and SVG, no
 * script, no network — with the run's identity, the gate results and the charts a reviewer looks
 * at: first digits vs Benford, amounts (log scale), lines per entry, entries per day and month with
 * period ends marked, the anomaly and data-quality mix, and the document-chain funnel.
 */
import type { Manifest } from '../provenance/manifest.js';
import { barChart, esc, horizontalBars, lineChart, type BarDatum } from './svg.js';
import type { ProfileJson } from './profile.js';

export interface GateResultRow {
  gate: string;
  metric: string;
  comparison: string;
  threshold: number | null;
  upper_threshold?: number | null;
  value: number | null;
  n: number;
  status: string;
  required?: boolean;
  message?: string;
}
export interface GatesJson {
  profile: string;
  passed: boolean;
  summary?: string;
  enforce?: boolean;
  results: GateResultRow[];
}

export interface ReportInput {
  readonly manifest: Manifest;
  readonly gates: GatesJson | null;
  readonly profile: ProfileJson | null;
}

const CSS = `
:root { --fg:#1d2733; --muted:#5b6b7c; --bar:#3b7dd8; --ref:#d8573b; --pass:#1f8a4c; --fail:#c62828; --grid:#e3e8ee; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); margin: 0; background: #f6f8fa; }
header { background: #1d2733; color: #fff; padding: 20px 32px; }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 0; color: #c9d3de; }
main { max-width: 1100px; margin: 0 auto; padding: 16px 32px 48px; }
section { background: #fff; border: 1px solid #dde3ea; border-radius: 8px; padding: 16px 20px; margin: 16px 0; }
h2 { font-size: 17px; margin: 0 0 8px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid #eef1f4; font-variant-numeric: tabular-nums; }
th { color: var(--muted); font-weight: 600; }
td.num { text-align: right; }
.status { font-weight: 700; text-transform: uppercase; font-size: 12px; }
.status-pass { color: var(--pass); } .status-fail { color: var(--fail); } .status-not_evaluated, .status-not_applicable, .status-skipped { color: var(--muted); }
.badge { display: inline-block; padding: 2px 10px; border-radius: 12px; font-weight: 700; }
.badge.pass { background: #e3f4ea; color: var(--pass); } .badge.fail { background: #fde7e7; color: var(--fail); } .badge.none { background: #eef1f4; color: var(--muted); }
figure.chart { margin: 8px 0 0; }
figure.chart figcaption { color: var(--muted); margin-bottom: 4px; }
figure.chart.empty p { color: var(--muted); font-style: italic; }
svg .bar { fill: var(--bar); } svg .bar.highlight { fill: #1d4f99; }
svg .reference { fill: none; stroke: var(--ref); stroke-width: 2; } svg .reference-point { fill: var(--ref); }
svg .series { fill: none; stroke: var(--bar); stroke-width: 1.5; } svg .marker { fill: var(--ref); }
svg .grid { stroke: var(--grid); } svg .tick, svg .legend text { font-size: 11px; fill: var(--muted); } svg .axis-label { font-size: 12px; fill: var(--muted); }
svg .bar.group-p2p { fill: #3b7dd8; } svg .bar.group-o2c { fill: #2e9e8f; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.note { color: var(--muted); font-size: 12px; }
`;

function fmt(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined) return '—';
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  return v.toFixed(digits);
}

function figure(id: string, title: string, svg: string | null, empty: string, note = ''): string {
  if (svg === null) return `<figure class="chart empty" id="${id}" data-chart="${id}"><figcaption>${esc(title)}</figcaption><p>${esc(empty)}</p></figure>`;
  return `<figure class="chart" id="${id}" data-chart="${id}"><figcaption>${esc(title)}</figcaption>${svg}${note ? `<p class="note">${esc(note)}</p>` : ''}</figure>`;
}

function benford(p: ProfileJson | null): string {
  const counts = p?.journal.first_digit ?? [];
  const n = counts.reduce((a, b) => a + b, 0);
  if (!p || n === 0) return figure('chart-benford', 'First significant digit vs Benford', null, 'No journal-entry amounts in this run.');
  const data: BarDatum[] = counts.map((c, i) => ({ label: String(i + 1), value: c / n, reference: Math.log10(1 + 1 / (i + 1)) }));
  const mad = data.reduce((a, d) => a + Math.abs(d.value - d.reference!), 0) / 9;
  return figure('chart-benford', 'First significant digit vs Benford', barChart(data, {
    aria: 'First-digit distribution of line amounts compared with Benford\'s law', yLabel: 'share of amounts', valueLabel: 'observed', referenceLabel: 'Benford', fmt: (v) => v.toFixed(3), labelEvery: 1,
  }), '', `${n.toLocaleString('en-US')} non-zero debit/credit amounts · MAD ${mad.toFixed(4)}`);
}

function amounts(p: ProfileJson | null): string {
  const h = p?.journal.amount_log10;
  const total = h ? h.counts.reduce((a, b) => a + b, 0) : 0;
  if (!h || total === 0) return figure('chart-amounts', 'Amount distribution (log scale)', null, 'No journal-entry amounts in this run.');
  let first = h.counts.findIndex((c) => c > 0);
  let last = h.counts.length - 1 - [...h.counts].reverse().findIndex((c) => c > 0);
  first = Math.max(0, first - 1);
  last = Math.min(h.counts.length - 1, last + 1);
  const data: BarDatum[] = [];
  for (let i = first; i <= last; i++) {
    const lo = 10 ** (h.min + i * h.width);
    const label = lo >= 1e6 ? `${+(lo / 1e6).toPrecision(2)}M` : lo >= 1000 ? `${+(lo / 1000).toPrecision(2)}k` : `${+lo.toPrecision(2)}`;
    data.push({ label, value: h.counts[i] });
  }
  return figure('chart-amounts', 'Amount distribution (log scale)', barChart(data, { aria: 'Histogram of line amounts on a log10 scale', yLabel: 'lines', valueLabel: 'lines per amount bin (lower bound)' }), '', 'Bins are quarter decades of the amount in company currency.');
}

function linesPerEntry(p: ProfileJson | null): string {
  const m = p?.journal.lines_per_entry ?? {};
  const keys = Object.keys(m).map(Number).sort((a, b) => a - b);
  if (keys.length === 0) return figure('chart-lines', 'Lines per entry', null, 'No journal entries in this run.');
  const data: BarDatum[] = keys.map((k) => ({ label: k >= 20 ? '20+' : String(k), value: m[String(k)], highlight: k % 2 === 0 }));
  return figure('chart-lines', 'Lines per entry', barChart(data, { aria: 'Number of entries by line count', yLabel: 'entries', valueLabel: 'entries (even line counts darker)', labelEvery: 1 }), '');
}

function isPeriodEnd(date: string, next: string | undefined): boolean {
  return next === undefined || next.slice(0, 7) !== date.slice(0, 7);
}

function postings(p: ProfileJson | null): string {
  const days = Object.entries(p?.journal.entries_per_day ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  if (days.length === 0) return figure('chart-days', 'Entries per posting day', null, 'No journal entries in this run.') + figure('chart-months', 'Entries per month', null, 'No journal entries in this run.');
  // Mark the busiest day of the last 5 calendar days of each month (the period-end peak).
  const marks = new Set<number>();
  for (let i = 0; i < days.length; i++) {
    if (!isPeriodEnd(days[i][0], days[i + 1]?.[0])) continue;
    let best = i;
    for (let k = i; k >= 0 && k > i - 5 && days[k][0].slice(0, 7) === days[i][0].slice(0, 7); k--) if (days[k][1] > days[best][1]) best = k;
    marks.add(best);
  }
  const daySvg = lineChart(days.map(([d, n], i) => ({ label: d.slice(5), value: n, highlight: marks.has(i) })), { aria: 'Journal entries per posting day; month-end peaks marked', yLabel: 'entries' });
  const months = new Map<string, number>();
  for (const [d, n] of days) months.set(d.slice(0, 7), (months.get(d.slice(0, 7)) ?? 0) + n);
  const monthData: BarDatum[] = [...months].map(([m, n]) => ({ label: m, value: n, highlight: ['03', '06', '09', '12'].includes(m.slice(5)) }));
  return figure('chart-days', 'Entries per posting day', daySvg, '', 'Markers: the peak of the last days of each month (period-end close).')
    + figure('chart-months', 'Entries per month', barChart(monthData, { aria: 'Journal entries per month; quarter ends darker', yLabel: 'entries', valueLabel: 'entries (quarter ends darker)' }), '');
}

function mix(p: ProfileJson | null): string {
  const anomalies = Object.entries(p?.anomalies.by_type ?? {}).sort((a, b) => b[1] - a[1]);
  const dq = Object.entries(p?.data_quality.by_subtype ?? {}).sort((a, b) => b[1] - a[1]);
  const cats = Object.entries(p?.anomalies.by_category ?? {}).sort((a, b) => b[1] - a[1]);
  const dqTypes = Object.entries(p?.data_quality.by_type ?? {}).sort((a, b) => b[1] - a[1]);
  const aSvg = anomalies.length > 0 ? horizontalBars(anomalies.slice(0, 25).map(([label, value]) => ({ label, value })), { aria: 'Anomaly labels by type' }) : null;
  const dSvg = dq.length > 0 ? horizontalBars(dq.slice(0, 25).map(([label, value]) => ({ label, value })), { aria: 'Data-quality labels by subtype' }) : null;
  return figure('chart-anomalies', 'Anomaly mix (labels by type)', aSvg, 'No anomaly labels in this run.', cats.map(([c, n]) => `${c} ${n}`).join(' · '))
    + figure('chart-dq', 'Data-quality mix (labels by subtype)', dSvg, 'No data-quality labels in this run.', dqTypes.map(([c, n]) => `${c} ${n}`).join(' · '));
}

const FLOW_STEPS: Record<'p2p' | 'o2c', string[]> = {
  p2p: ['purchase_order', 'goods_receipt', 'vendor_invoice', 'ap_payment'],
  o2c: ['sales_order', 'delivery', 'customer_invoice', 'ar_receipt'],
};

function funnel(p: ProfileJson | null): string {
  const rows: Array<{ label: string; value: number; group: string }> = [];
  for (const flow of ['p2p', 'o2c'] as const) {
    for (const step of FLOW_STEPS[flow]) {
      const s = p?.chains[flow][step];
      if (s) rows.push({ label: `${flow.toUpperCase()} ${step.replace(/_/g, ' ')}`, value: s.chains, group: flow });
    }
  }
  if (rows.length === 0) return figure('chart-funnel', 'Document-chain completion funnel', null, 'No document chains (p2p / o2c sources) in this run.');
  return figure('chart-funnel', 'Document-chain completion funnel', horizontalBars(rows, { aria: 'Chains reaching each document step' }), '', 'Chains that reached each step (distinct purchase / sales orders); chains still open at the end of the range stop early.');
}

function gatesSection(g: GatesJson | null): string {
  if (!g) return '<section id="gates"><h2>Quality gates</h2><p><span class="badge none">not evaluated</span> This run has no gates.json (gates off, or written by a version without gates).</p></section>';
  const rows = g.results.map((r) => `<tr class="gate gate-${esc(r.status)}" data-gate="${esc(r.gate)}"><td>${esc(r.gate)}</td><td>${esc(r.comparison)} ${fmt(r.threshold)}${r.upper_threshold != null ? `…${fmt(r.upper_threshold)}` : ''}</td><td class="num">${fmt(r.value)}</td><td class="num">${fmt(r.n, 0)}</td><td class="status status-${esc(r.status)}">${esc(r.status.replace(/_/g, ' '))}</td><td>${esc(r.message ?? '')}</td></tr>`).join('');
  return `<section id="gates"><h2>Quality gates <span class="badge ${g.passed ? 'pass' : 'fail'}">${g.passed ? 'passed' : 'failed'}</span></h2>`
    + `<p>${esc(g.summary ?? '')} Profile <b>${esc(g.profile)}</b>${g.enforce === false ? ' (not enforced)' : ''}.</p>`
    + `<table><thead><tr><th>gate</th><th>threshold</th><th>value</th><th>n</th><th>status</th><th>message</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

function identity(m: Manifest): string {
  const snapshot = (m.config.snapshot ?? {}) as { period?: { start?: string; months?: number }; companies?: Array<{ code: string }> };
  const tables = Object.entries(m.tables).sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([t, s]) => `<tr><td>${esc(t)}</td><td class="num">${s.rows.toLocaleString('en-US')}</td><td class="num">${s.partitions}</td><td>${esc(s.sinks.join(', '))}</td></tr>`).join('');
  const marking = m.marking?.enabled ? `Marked as synthetic (EU AI Act Art. 50): ${esc((m.marking.placements ?? []).join(', ') || 'credential in manifest')}.` : 'Content marking is <b>off</b> for this run.';
  return `<section id="run"><h2>Run</h2><table>`
    + `<tr><th>status</th><td><span class="badge ${m.status === 'complete' ? 'pass' : 'fail'}">${esc(m.status)}</span></td></tr>`
    + `<tr><th>run id</th><td>${esc(m.run_id)}</td></tr><tr><th>config hash</th><td><code>${esc(m.config.hash)}</code></td></tr>`
    + `<tr><th>seed</th><td>${esc(m.seed)}</td></tr><tr><th>generator</th><td>${esc(m.tool.name)} ${esc(m.tool.version)}</td></tr>`
    + `<tr><th>period</th><td>${esc(snapshot.period?.start ?? '?')} + ${snapshot.period?.months ?? '?'} months · companies ${esc((snapshot.companies ?? []).map((c) => c.code).join(', '))}</td></tr>`
    + `</table><p class="note">${marking}</p>`
    + `<h2>Tables</h2><table><thead><tr><th>table</th><th>rows</th><th>partitions</th><th>sinks</th></tr></thead><tbody>${tables}</tbody></table></section>`;
}

/** The whole page. */
export function renderReport(input: ReportInput): string {
  const { manifest: m, gates, profile } = input;
  return '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
    + '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; img-src data:">'
    + `<meta name="viewport" content="width=device-width, initial-scale=1"><title>datasynth-pipe report · ${esc(m.run_id)}</title><style>${CSS}</style></head><body>`
    + `<header><h1>Synthetic data quality report</h1><p>${esc(m.tool.name)} ${esc(m.tool.version)} · run ${esc(m.run_id)} · ${esc(m.ended_at ?? m.started_at)}</p></header><main>`
    + identity(m)
    + gatesSection(gates)
    + `<section id="amounts-section"><h2>Amounts</h2>${benford(profile)}${amounts(profile)}</section>`
    + `<section id="entries-section"><h2>Entries</h2>${linesPerEntry(profile)}${postings(profile)}</section>`
    + `<section id="labels-section"><h2>Injected anomalies and data-quality issues</h2>${mix(profile)}</section>`
    + `<section id="chains-section"><h2>Document chains</h2>${funnel(profile)}</section>`
    + '</main></body></html>\n';
}
