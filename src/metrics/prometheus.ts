/**
 * Prometheus text exposition format 0.0.4 (controls.md §10.3), written by hand:
 * `# HELP`, `# TYPE`, then one `name{label="value"} number` line per sample.
 */

export type MetricType = 'counter' | 'gauge';

export interface MetricSample {
  labels: Record<string, string>;
  value: number;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: MetricType;
  samples: MetricSample[];
}

/** The Content-Type of `GET /metrics`. */
export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Serializes families in the given order; samples keep their order too.
 *
 * @example
 * formatExposition([{ name: 'pipeline_guard_level', help: 'Guard level 0-3.', type: 'gauge', samples: [{ labels: {}, value: 1 }] }])
 * // '# HELP pipeline_guard_level Guard level 0-3.\n# TYPE pipeline_guard_level gauge\npipeline_guard_level 1\n'
 */
export function formatExposition(families: readonly MetricFamily[]): string {
  const out: string[] = [];
  for (const f of families) {
    if (!NAME.test(f.name)) throw new Error(`internal: invalid metric name ${f.name}`);
    out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) out.push(`${f.name}${formatLabels(s.labels)} ${formatValue(s.value)}`);
  }
  return out.length > 0 ? out.join('\n') + '\n' : '';
}

function formatLabels(labels: Record<string, string>): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return '';
  return `{${keys.map((k) => {
    if (!LABEL.test(k) || k.startsWith('__')) throw new Error(`internal: invalid label name ${k}`);
    return `${k}="${escapeLabel(labels[k])}"`;
  }).join(',')}}`;
}

/** Label values escape backslash, double quote and line feed. */
function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text escapes backslash and line feed. */
function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}
