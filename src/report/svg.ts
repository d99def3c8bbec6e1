/**
 * Small, dependency-free SVG charts for the self-contained report page: vertical bars (with an
 * optional reference series drawn as points and a line), a line chart over days with highlighted
 * points, and horizontal bars. Output is plain SVG markup with <title> tooltips; every value is
 * escaped. Scales are linear or log10 as asked; axes carry tick labels.
 */

export interface BarDatum {
  readonly label: string;
  readonly value: number;
  /** Optional reference value (e.g. the Benford expectation), drawn as a point on a line. */
  readonly reference?: number;
  readonly highlight?: boolean;
}

const W = 720;
const H = 280;
const M = { top: 16, right: 16, bottom: 48, left: 64 };

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function fmtNum(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e9) return `${(v / 1e9).toFixed(1)}G`;
  if (a >= 1e6) return `${(v / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${(v / 1e3).toFixed(0)}k`;
  if (Number.isInteger(v) || a >= 100) return v.toFixed(0);
  if (a >= 1) return v.toFixed(a >= 10 ? 0 : 1);
  return v.toFixed(3);
}

/** "Nice" ticks for [0, max]. */
function ticks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let t = 0; t <= max + step * 1e-9; t += step) out.push(t);
  return out;
}

function frame(inner: string, aria: string, yLabel: string, extra = ''): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${esc(aria)}">`
    + `<text class="axis-label" x="14" y="${M.top + (H - M.top - M.bottom) / 2}" transform="rotate(-90 14 ${M.top + (H - M.top - M.bottom) / 2})" text-anchor="middle">${esc(yLabel)}</text>`
    + inner + extra + '</svg>';
}

function yAxis(max: number, fmt: (v: number) => string = fmtNum): string {
  const ih = H - M.top - M.bottom;
  return ticks(max).map((t) => {
    const y = M.top + ih - (max > 0 ? (t / max) * ih : 0);
    return `<line class="grid" x1="${M.left}" x2="${W - M.right}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}"/>`
      + `<text class="tick" x="${M.left - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end">${esc(fmt(t))}</text>`;
  }).join('');
}

/** Vertical bars; `reference` values are drawn as a polyline with points (legend labels given). */
export function barChart(data: readonly BarDatum[], opts: { aria: string; yLabel: string; valueLabel: string; referenceLabel?: string; fmt?: (v: number) => string; labelEvery?: number }): string {
  const iw = W - M.left - M.right;
  const ih = H - M.top - M.bottom;
  const max = Math.max(1e-12, ...data.map((d) => Math.max(d.value, d.reference ?? 0))) * 1.08;
  const bw = iw / Math.max(1, data.length);
  const every = opts.labelEvery ?? Math.max(1, Math.ceil(data.length / 16));
  const fmt = opts.fmt ?? fmtNum;
  let bars = '';
  let labels = '';
  const ref: string[] = [];
  data.forEach((d, i) => {
    const x = M.left + i * bw;
    const h = (d.value / max) * ih;
    bars += `<rect class="bar${d.highlight ? ' highlight' : ''}" data-label="${esc(d.label)}" data-value="${d.value}" x="${(x + bw * 0.1).toFixed(1)}" y="${(M.top + ih - h).toFixed(1)}" width="${(bw * 0.8).toFixed(1)}" height="${h.toFixed(1)}"><title>${esc(`${d.label}: ${fmt(d.value)}`)}</title></rect>`;
    if (i % every === 0) labels += `<text class="tick" x="${(x + bw / 2).toFixed(1)}" y="${H - M.bottom + 16}" text-anchor="middle">${esc(d.label)}</text>`;
    if (d.reference !== undefined) ref.push(`${(x + bw / 2).toFixed(1)},${(M.top + ih - (d.reference / max) * ih).toFixed(1)}`);
  });
  let refSvg = '';
  if (ref.length > 0) {
    refSvg = `<polyline class="reference" points="${ref.join(' ')}"/>`
      + ref.map((p, i) => { const [x, y] = p.split(','); return `<circle class="reference-point" cx="${x}" cy="${y}" r="3.5"><title>${esc(`${data[i].label}: ${opts.referenceLabel ?? 'reference'} ${fmt(data[i].reference!)}`)}</title></circle>`; }).join('');
  }
  const legend = `<g class="legend"><rect class="bar" x="${W - 230}" y="6" width="12" height="12"/><text x="${W - 212}" y="16">${esc(opts.valueLabel)}</text>`
    + (ref.length > 0 ? `<circle class="reference-point" cx="${W - 120}" cy="12" r="4"/><text x="${W - 110}" y="16">${esc(opts.referenceLabel ?? 'reference')}</text>` : '') + '</g>';
  return frame(yAxis(max, fmt) + bars + refSvg + labels, opts.aria, opts.yLabel, legend);
}

/** A line over ordered points; highlighted points (period ends) get markers. */
export function lineChart(points: ReadonlyArray<{ label: string; value: number; highlight?: boolean }>, opts: { aria: string; yLabel: string }): string {
  const iw = W - M.left - M.right;
  const ih = H - M.top - M.bottom;
  const max = Math.max(1, ...points.map((p) => p.value)) * 1.08;
  const step = points.length > 1 ? iw / (points.length - 1) : 0;
  const xy = points.map((p, i) => [M.left + i * step, M.top + ih - (p.value / max) * ih] as const);
  const line = `<polyline class="series" points="${xy.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')}"/>`;
  const marks = points.map((p, i) => (p.highlight ? `<circle class="marker" data-label="${esc(p.label)}" cx="${xy[i][0].toFixed(1)}" cy="${xy[i][1].toFixed(1)}" r="3"><title>${esc(`${p.label}: ${fmtNum(p.value)}`)}</title></circle>` : '')).join('');
  const every = Math.max(1, Math.ceil(points.length / 8));
  const labels = points.map((p, i) => (i % every === 0 ? `<text class="tick" x="${xy[i][0].toFixed(1)}" y="${H - M.bottom + 16}" text-anchor="middle">${esc(p.label)}</text>` : '')).join('');
  return frame(yAxis(max) + line + marks + labels, opts.aria, opts.yLabel);
}

/** Horizontal bars, largest first. */
export function horizontalBars(data: ReadonlyArray<{ label: string; value: number; group?: string }>, opts: { aria: string }): string {
  const rowH = 20;
  const left = 220;
  const width = W - left - 70;
  const h = Math.max(40, data.length * rowH + 20);
  const max = Math.max(1, ...data.map((d) => d.value));
  const rows = data.map((d, i) => {
    const y = 10 + i * rowH;
    const w = (d.value / max) * width;
    return `<text class="tick" x="${left - 8}" y="${y + 14}" text-anchor="end">${esc(d.label)}</text>`
      + `<rect class="bar${d.group ? ` group-${esc(d.group)}` : ''}" data-label="${esc(d.label)}" data-value="${d.value}" x="${left}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 6}"><title>${esc(`${d.label}: ${d.value}`)}</title></rect>`
      + `<text class="tick" x="${(left + w + 6).toFixed(1)}" y="${y + 14}">${esc(fmtNum(d.value))}</text>`;
  }).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${h}" width="100%" role="img" aria-label="${esc(opts.aria)}">${rows}</svg>`;
}
