/**
 * A strict parser of the Prometheus text exposition format 0.0.4, independent of
 * src/metrics: it throws on anything the format does not allow (bad names,
 * unescaped label values, samples before their TYPE, duplicate series, a missing
 * final newline, bad numbers).
 */
export interface ParsedFamily {
  name: string;
  type: string;
  help: string | null;
  samples: Array<{ labels: Record<string, string>; value: number }>;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

export function parseExposition(text: string): Map<string, ParsedFamily> {
  if (text.length > 0 && !text.endsWith('\n')) throw new Error('exposition must end with a line feed');
  const families = new Map<string, ParsedFamily>();
  const seen = new Set<string>();
  const lines = text.split('\n');
  lines.pop();
  lines.forEach((line, i) => {
    const where = `line ${i + 1}: ${line}`;
    if (line.startsWith('#')) {
      const m = new RegExp(`^# (HELP|TYPE) (${NAME}) (.*)$`).exec(line);
      if (!m) {
        if (/^# (HELP|TYPE)/.test(line)) throw new Error(`malformed ${where}`);
        return; // a plain comment
      }
      const [, kind, name, rest] = m;
      const f = families.get(name) ?? { name, type: 'untyped', help: null, samples: [] };
      if (kind === 'TYPE') {
        if (!TYPES.has(rest)) throw new Error(`unknown type ${where}`);
        if (f.samples.length > 0) throw new Error(`TYPE after samples ${where}`);
        f.type = rest;
      } else {
        if (/\\[^\\n]/.test(rest.replace(/\\\\/g, ''))) throw new Error(`bad HELP escape ${where}`);
        f.help = rest.replace(/\\n/g, '\n').replace(/\\\\/g, '\\');
      }
      families.set(name, f);
      return;
    }
    if (line.trim() === '') throw new Error(`blank ${where}`);
    const m = new RegExp(`^(${NAME})(\\{(.*)\\})? ([^ ]+)( -?[0-9]+)?$`).exec(line);
    if (!m) throw new Error(`malformed sample ${where}`);
    const [, name, , labelText, valueText] = m;
    const f = families.get(name);
    if (!f || f.type === 'untyped') throw new Error(`sample without a TYPE ${where}`);
    const labels = labelText !== undefined ? parseLabels(labelText, where) : {};
    const value = parseValue(valueText, where);
    if (f.type === 'counter' && !(value >= 0)) throw new Error(`negative counter ${where}`);
    const series = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seen.has(series)) throw new Error(`duplicate series ${where}`);
    seen.add(series);
    f.samples.push({ labels, value });
  });
  return families;
}

function parseLabels(text: string, where: string): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    const m = /^([a-zA-Z_][a-zA-Z0-9_]*)="/.exec(text.slice(i));
    if (!m) throw new Error(`bad label at ${i} in ${where}`);
    i += m[0].length;
    let v = '';
    for (;;) {
      if (i >= text.length) throw new Error(`unterminated label value in ${where}`);
      const c = text[i];
      if (c === '\\') {
        const n = text[i + 1];
        if (n === 'n') v += '\n';
        else if (n === '\\' || n === '"') v += n;
        else throw new Error(`bad escape in ${where}`);
        i += 2;
        continue;
      }
      if (c === '\n') throw new Error(`raw line feed in ${where}`);
      if (c === '"') break;
      v += c;
      i++;
    }
    i++;
    if (m[1] in out) throw new Error(`duplicate label ${m[1]} in ${where}`);
    out[m[1]] = v;
    if (i < text.length) {
      if (text[i] !== ',') throw new Error(`expected ',' in ${where}`);
      i++;
    }
  }
  return out;
}

function parseValue(v: string, where: string): number {
  if (v === 'NaN') return NaN;
  if (v === '+Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v)) throw new Error(`bad value ${where}`);
  return Number(v);
}

/** The value of one series (labels must match exactly the given subset). */
export function sampleValue(families: Map<string, ParsedFamily>, name: string, labels: Record<string, string> = {}): number | undefined {
  return families.get(name)?.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}
