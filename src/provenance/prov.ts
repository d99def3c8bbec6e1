/**
 * W3C PROV-JSON lineage of a run (controls.md §3): the config entity, one entity per manifest
 * output (location, table, partitions, format, counts, sha256, producing components), the gates
 * report, the run activity, the software agent and the relations between them. Written after all
 * hashing, before manifest.json, into the control root.
 */
import type { Manifest, ManifestOutput } from './manifest.js';

export const PROV_FILE = 'prov.json';
export const DSP_NS = 'urn:datasynth-pipe:ns#';

type Typed = { $: string; type: string };
type Attrs = Record<string, string | boolean | Typed>;
export interface ProvDocument {
  prefix: Record<string, string>;
  entity?: Record<string, Attrs>;
  activity?: Record<string, Attrs>;
  agent?: Record<string, Attrs>;
  used?: Record<string, Attrs>;
  wasGeneratedBy?: Record<string, Attrs>;
  wasAssociatedWith?: Record<string, Attrs>;
  wasAttributedTo?: Record<string, Attrs>;
  wasDerivedFrom?: Record<string, Attrs>;
  wasInformedBy?: Record<string, Attrs>;
}

/** What the PROV document is built from (all facts of the run that already happened). */
export interface ProvInput {
  manifest: Pick<Manifest, 'run_id' | 'seed' | 'started_at' | 'outputs' | 'config' | 'tool'>;
  status: string;
  endedAt: string;
  shardCount: number;
  /** Output id → source components whose partitions the output holds (lineage component → output). */
  producers?: ReadonlyMap<string, readonly string[]>;
  /** The gates report, when one was written. */
  gates?: { uri: string; sha256: string; passed: boolean; at: string } | null;
}

const qname = (v: string): Typed => ({ $: v, type: 'xsd:QName' });
const int = (v: number): Typed => ({ $: String(v), type: 'xsd:int' });
const long = (v: number): Typed => ({ $: String(v), type: 'xsd:long' });
const uri = (v: string): Typed => ({ $: v, type: 'xsd:anyURI' });

/** Local names use `[A-Za-z0-9_.-]` (controls.md §3.1). */
export function localName(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]/g, '_');
}

/** `out:<sink>.<table>.p00003` / `out:<sink>.<table>` (+ `.marking` for a sidecar) from a manifest output id. */
export function outputEntityId(out: Pick<ManifestOutput, 'id'>): string {
  const parts = out.id.split('/').filter((p) => p !== 'all');
  return `out:${parts.map(localName).join('.')}`;
}

/** Compact partition list: `0-11` or `0,2,5`. */
function partitionText(ps: readonly number[]): string {
  if (ps.length === 0) return '';
  const sorted = [...ps].sort((a, b) => a - b);
  const contiguous = sorted.every((p, i) => i === 0 || p === sorted[i - 1] + 1);
  return contiguous && sorted.length > 1 ? `${sorted[0]}-${sorted.at(-1)}` : sorted.join(',');
}

const byKey = <V>(entries: Array<[string, V]>): Record<string, V> =>
  Object.fromEntries(entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));

/**
 * Builds prov.json for an unsharded run (shard 0/1 committed in-process).
 *
 * @example
 * const doc = buildProv({ manifest, status: 'complete', endedAt: new Date().toISOString(), shardCount: 1 });
 * doc.entity['out:gl_files.journal_entry_lines.p00000']['dsp:sha256']; // the output's hash
 */
export function buildProv(input: ProvInput): ProvDocument {
  const m = input.manifest;
  const run = `run:${m.run_id}`;
  const version = m.tool.version;
  const agent = `dsp:datasynth-pipe-${localName(version)}`;
  const config = `dsp:config-${m.config.hash.slice(0, 16)}`;
  const label = m.config.source[0]?.path.split(/[\\/]/).pop() ?? 'pipeline.yaml';

  const entities: Array<[string, Attrs]> = [[config, {
    'prov:type': qname('dsp:PipelineConfig'), 'prov:label': label,
    'dsp:configSha256': m.config.hash, 'dsp:canonicalization': 'RFC8785',
  }]];
  const outputs = [...m.outputs].sort((a, b) => (outputEntityId(a) < outputEntityId(b) ? -1 : 1));
  for (const o of outputs) {
    const a: Attrs = { 'prov:type': qname('dsp:DataOutput'), 'prov:location': uri(o.uri), 'dsp:table': o.table };
    if (o.partitions.length === 1) a['dsp:partition'] = int(o.partitions[0]);
    else a['dsp:partitions'] = partitionText(o.partitions);
    a['dsp:format'] = o.format;
    a['dsp:mediaType'] = o.media_type;
    a['dsp:recordCount'] = long(o.rows);
    a['dsp:sizeBytes'] = long(o.bytes);
    a['dsp:sha256'] = o.sha256;
    a['dsp:role'] = o.role;
    a['dsp:sink'] = o.sink;
    const producers = input.producers?.get(o.id);
    if (producers && producers.length > 0) a['dsp:components'] = producers.join(',');
    // Row ranges: rows of a table concatenate in partition order; a partitioned output holds rows 0…rows−1 of its partition.
    if (o.role === 'data' && o.rows > 0) a['dsp:rowRange'] = `0-${o.rows - 1}`;
    entities.push([outputEntityId(o), a]);
  }
  if (input.gates) {
    entities.push(['out:gates.json', {
      'prov:type': qname('dsp:QualityReport'), 'prov:location': uri(input.gates.uri),
      'dsp:sha256': input.gates.sha256, 'dsp:passed': input.gates.passed,
    }]);
  }

  const doc: ProvDocument = {
    prefix: { dsp: DSP_NS, run: 'urn:uuid:', out: `urn:datasynth-pipe:run:${m.run_id}:` },
    entity: byKey(entities),
    activity: {
      [run]: {
        'prov:type': qname('dsp:GenerationRun'), 'prov:startTime': m.started_at, 'prov:endTime': input.endedAt,
        'dsp:seed': { $: m.seed, type: 'xsd:unsignedLong' }, 'dsp:status': input.status, 'dsp:shardCount': int(input.shardCount),
      },
    },
    agent: { [agent]: { 'prov:type': qname('prov:SoftwareAgent'), 'prov:label': `datasynth-pipe ${version}`, 'dsp:version': version } },
    used: { '_:u1': { 'prov:activity': run, 'prov:entity': config, 'prov:time': m.started_at } },
  };
  const generated: Record<string, Attrs> = {};
  const attributed: Record<string, Attrs> = {};
  const derived: Record<string, Attrs> = {};
  let i = 0;
  for (const o of outputs) {
    i++;
    const id = outputEntityId(o);
    generated[`_:g${i}`] = { 'prov:entity': id, 'prov:activity': run, 'prov:time': o.committed_at };
    attributed[`_:t${i}`] = { 'prov:entity': id, 'prov:agent': agent };
    derived[`_:d${i}`] = { 'prov:generatedEntity': id, 'prov:usedEntity': config, 'prov:activity': run };
  }
  if (input.gates) generated[`_:g${i + 1}`] = { 'prov:entity': 'out:gates.json', 'prov:activity': run, 'prov:time': input.gates.at };
  if (Object.keys(generated).length > 0) doc.wasGeneratedBy = generated;
  doc.wasAssociatedWith = { '_:a1': { 'prov:activity': run, 'prov:agent': agent, 'prov:plan': config } };
  if (Object.keys(attributed).length > 0) doc.wasAttributedTo = attributed;
  if (Object.keys(derived).length > 0) doc.wasDerivedFrom = derived;
  return doc;
}

/** prov.json text: 2-space indent, final newline (controls.md §0). */
export function provText(doc: ProvDocument): string {
  return JSON.stringify(doc, null, 2) + '\n';
}

const ID = /^[A-Za-z_][A-Za-z0-9_]*:[A-Za-z0-9_.-]+$/;
const BLANK = /^_:[A-Za-z0-9_.-]+$/;
const ZONED = /(Z|[+-]\d{2}:\d{2})$/;

/** Relation → [attribute, kind it must name]. */
const ENDPOINTS: Record<string, Array<[string, 'entity' | 'activity' | 'agent']>> = {
  used: [['prov:activity', 'activity'], ['prov:entity', 'entity']],
  wasGeneratedBy: [['prov:entity', 'entity'], ['prov:activity', 'activity']],
  wasAssociatedWith: [['prov:activity', 'activity'], ['prov:agent', 'agent'], ['prov:plan', 'entity']],
  wasAttributedTo: [['prov:entity', 'entity'], ['prov:agent', 'agent']],
  wasDerivedFrom: [['prov:generatedEntity', 'entity'], ['prov:usedEntity', 'entity'], ['prov:activity', 'activity']],
  wasInformedBy: [['prov:informed', 'activity'], ['prov:informant', 'activity']],
};

/**
 * Our own checks of controls.md §3.6 item 3 (the JSON Schema cannot express them): endpoints
 * declared with the right kind, prefixes declared, times zoned and inside the run, typed literals
 * with string `$`, ids well-formed, no wasEndedBy/wasStartedBy/bundle, and — given the manifest —
 * one entity per output with the same sha256, sizeBytes and recordCount. Returns the problems.
 */
export function checkProv(doc: ProvDocument, manifest?: Pick<Manifest, 'outputs'>): string[] {
  const problems: string[] = [];
  const raw = doc as unknown as Record<string, unknown>;
  for (const forbidden of ['wasEndedBy', 'wasStartedBy', 'bundle']) if (forbidden in raw) problems.push(`${forbidden} must not be emitted`);
  const prefixes = new Set(['prov', 'xsd', ...Object.keys(doc.prefix ?? {})]);
  const kinds = new Map<string, 'entity' | 'activity' | 'agent'>();
  for (const kind of ['entity', 'activity', 'agent'] as const) {
    for (const id of Object.keys(doc[kind] ?? {})) {
      if (!ID.test(id)) problems.push(`${kind} id ${id} is not a qualified name`);
      else if (!prefixes.has(id.split(':')[0])) problems.push(`${kind} id ${id}: prefix not declared`);
      kinds.set(id, kind);
    }
  }
  const check = (where: string, attrs: Attrs): void => {
    for (const [k, v] of Object.entries(attrs)) {
      if (k.includes(':') && !prefixes.has(k.split(':')[0])) problems.push(`${where}: attribute ${k} has an undeclared prefix`);
      if (typeof v === 'object' && v !== null) {
        if (typeof v.$ !== 'string') problems.push(`${where}.${k}: typed literal $ must be a string`);
        if (v.type === 'xsd:QName' && !prefixes.has(String(v.$).split(':')[0])) problems.push(`${where}.${k}: QName ${v.$} has an undeclared prefix`);
      }
    }
  };
  for (const kind of ['entity', 'activity', 'agent'] as const) for (const [id, a] of Object.entries(doc[kind] ?? {})) check(id, a);
  const activities = Object.values(doc.activity ?? {});
  const start = activities.map((a) => Date.parse(String(a['prov:startTime']))).filter(Number.isFinite);
  const end = activities.map((a) => Date.parse(String(a['prov:endTime']))).filter(Number.isFinite);
  const runStart = start.length ? Math.min(...start) : -Infinity;
  const runEnd = end.length ? Math.max(...end) : Infinity;
  for (const a of activities) {
    for (const t of ['prov:startTime', 'prov:endTime']) if (typeof a[t] === 'string' && !ZONED.test(a[t] as string)) problems.push(`activity ${t} ${String(a[t])} has no time zone`);
  }
  for (const [rel, endpoints] of Object.entries(ENDPOINTS)) {
    const block = (doc as unknown as Record<string, Record<string, Attrs> | undefined>)[rel];
    for (const [id, attrs] of Object.entries(block ?? {})) {
      if (!BLANK.test(id) && !ID.test(id)) problems.push(`${rel} id ${id} is malformed`);
      check(`${rel}.${id}`, attrs);
      for (const [attr, kind] of endpoints) {
        const ref = attrs[attr];
        if (ref === undefined) continue;
        if (typeof ref !== 'string' || kinds.get(ref) !== kind) problems.push(`${rel}.${id}.${attr}: ${String(ref)} is not a declared ${kind}`);
      }
      const time = attrs['prov:time'];
      if (typeof time === 'string') {
        const ms = Date.parse(time);
        if (!ZONED.test(time) || !Number.isFinite(ms)) problems.push(`${rel}.${id}: prov:time ${time} is not a zoned date-time`);
        else if (ms < runStart || ms > runEnd) problems.push(`${rel}.${id}: prov:time ${time} is outside the run (${new Date(runStart).toISOString()} … ${new Date(runEnd).toISOString()})`);
      }
    }
  }
  if (manifest) {
    const outputEntities = Object.entries(doc.entity ?? {}).filter(([, a]) => (a['prov:type'] as Typed | undefined)?.$ === 'dsp:DataOutput');
    if (outputEntities.length !== manifest.outputs.length) problems.push(`${outputEntities.length} output entities for ${manifest.outputs.length} manifest outputs`);
    for (const o of manifest.outputs) {
      const e = doc.entity?.[outputEntityId(o)];
      if (!e) {
        problems.push(`no entity for output ${o.id}`);
        continue;
      }
      if (e['dsp:sha256'] !== o.sha256) problems.push(`${o.id}: sha256 differs`);
      if ((e['dsp:sizeBytes'] as Typed | undefined)?.$ !== String(o.bytes)) problems.push(`${o.id}: sizeBytes differs`);
      if ((e['dsp:recordCount'] as Typed | undefined)?.$ !== String(o.rows)) problems.push(`${o.id}: recordCount differs`);
    }
  }
  return problems;
}
