/**
 * The pipeline.yaml v1 JSON Schema (architecture.md §6). One description
 * serves two uses: the loader validates the top level with it (components as
 * `{type, inputs, …}`, their options then checked against each plugin's
 * optionsSchema), and `buildConfigJsonSchema` expands it into a complete
 * draft-07 schema for editors (`datasynth-pipe schema`).
 */
import * as registry from '../engine/registry.js';
import {
  COMPONENT_ID_PATTERN,
  FISCAL_YEAR_VARIANTS,
  INDUSTRIES,
  KEYWORD_MESSAGE,
  VOLUME_PRESETS,
} from './known-values.js';
import type { ComponentRegistries, JsonObject, JsonValue } from './types.js';
import { GATES_SCHEMA } from '../quality/config.js';

const CURRENCY: JsonObject = {
  type: 'string',
  pattern: '^[A-Z]{3}$',
  [KEYWORD_MESSAGE]: 'must be an ISO 4217 currency code: 3 upper-case letters',
};

const VOLUME: JsonObject = {
  description:
    'Standalone journal entries per year before weighting: a number, a preset (ten_k = 10 000, hundred_k, one_m, ten_m, hundred_m) or {custom: N}.',
  anyOf: [
    { type: 'number', minimum: 0 },
    { type: 'string', enum: Object.keys(VOLUME_PRESETS) },
    {
      type: 'object',
      required: ['custom'],
      additionalProperties: false,
      properties: { custom: { type: 'number', minimum: 0 } },
    },
  ],
  [KEYWORD_MESSAGE]: `must be a number ≥ 0, one of ${Object.keys(VOLUME_PRESETS).join(', ')}, or {custom: N} with N ≥ 0`,
};

const COMPANY: JsonObject = {
  type: 'object',
  description: 'A company of the group; the first one is the parent (domain.md §3.1).',
  required: ['code', 'name', 'currency', 'country', 'volume'],
  additionalProperties: false,
  properties: {
    code: { type: 'string', minLength: 1, description: 'Company code, unique, e.g. "1000".' },
    name: { type: 'string', minLength: 1, description: 'Company name, unique.' },
    currency: { ...CURRENCY, description: 'Local currency (ISO 4217).' },
    functional_currency: { ...CURRENCY, description: 'Functional currency; defaults to `currency`.' },
    country: {
      type: 'string',
      pattern: '^[A-Z]{2}$',
      [KEYWORD_MESSAGE]: 'must be an ISO 3166-1 alpha-2 country code: 2 upper-case letters',
      description: 'Country (ISO 3166-1 alpha-2, upper case).',
    },
    volume: VOLUME,
    volume_weight: { type: 'number', minimum: 0, description: 'Multiplier on `volume` (default 1.0).' },
    tax_rate: { type: 'number', minimum: 0, maximum: 1, description: 'VAT / sales-tax rate applied to document flows (default 0).' },
    fiscal_year_variant: {
      type: 'string',
      enum: [...FISCAL_YEAR_VARIANTS],
      description: 'Fiscal year variant; only K4 (calendar year, periods 1–12) is generated.',
    },
  },
};

/** A component as the top level sees it: options are checked against the plugin afterwards. */
function componentEntry(kind: 'source' | 'transform' | 'sink'): JsonObject {
  const properties: JsonObject = {
    type: { type: 'string', minLength: 1, description: `The ${kind} type (a registered plugin).` },
  };
  if (kind !== 'source') {
    properties.inputs = {
      type: 'array',
      items: { type: 'string' },
      description: 'Ids of the sources / transforms this component reads.',
    };
  }
  return { type: 'object', required: ['type'], properties };
}

function componentMap(kind: 'source' | 'transform' | 'sink', description: string): JsonObject {
  return {
    type: 'object',
    description,
    additionalProperties: componentEntry(kind),
  };
}

const RATIO = { type: 'number', minimum: 0, maximum: 1 };
const THRESHOLDS = (unit: string, levels: string[], schema: JsonObject): JsonObject => ({
  type: 'object',
  additionalProperties: false,
  description: `Thresholds (${unit}) overriding the preset.`,
  properties: Object.fromEntries(levels.map((l) => [l, { ...schema, description: `${l[0].toUpperCase()}${l.slice(1)} level (${unit}).` }])),
});

/** controls.md §7: the resource guard (runtime-only; it never changes data). */
const GUARD_SCHEMA: JsonObject = {
  type: 'object',
  description: 'Resource guard: slows down, pauses or stops the run gracefully when memory, disk or CPU get tight (not part of config_hash).',
  additionalProperties: false,
  properties: {
    enabled: { type: 'boolean', default: true, description: 'Sample resources and act on them (default true).' },
    preset: { enum: ['default', 'conservative', 'aggressive'], default: 'default', description: 'Threshold set; each threshold below overrides it.' },
    memory_limit_mb: { type: 'integer', minimum: 16, description: 'Memory limit the memory ratio is taken against; default the cgroup limit, else total memory.' },
    interval_ms: { type: 'integer', minimum: 10, maximum: 60000, default: 250, description: 'Memory/CPU sampling period.' },
    disk_interval_ms: { type: 'integer', minimum: 10, maximum: 600000, default: 1000, description: 'Free-disk sampling period.' },
    hysteresis: { type: 'number', minimum: 0, maximum: 0.5, default: 0.05, description: 'A level falls one step only once the value cleared its threshold by this much (disk: × (1 + hysteresis)).' },
    emergency_confirm_samples: { type: 'integer', minimum: 1, maximum: 100, default: 2, description: 'Consecutive samples beyond the Emergency threshold before the run stops.' },
    memory: THRESHOLDS('ratio of the limit', ['reduced', 'minimal', 'emergency'], RATIO),
    disk_free_mb: THRESHOLDS('free MB, lowest over the local output directories', ['reduced', 'minimal', 'emergency'], { type: 'integer', minimum: 0 }),
    cpu: {
      type: 'object',
      additionalProperties: false,
      description: 'CPU utilization thresholds (no Emergency level).',
      properties: {
        source: { enum: ['auto', 'elu', 'host', 'off'], default: 'auto', description: 'elu = event-loop utilization; host = all cores; auto = elu with worker threads, else off.' },
        reduced: { ...RATIO, description: 'Reduced level (ratio).' },
        minimal: { ...RATIO, description: 'Minimal level (ratio).' },
      },
    },
  },
};

/**
 * The top-level schema the loader validates with. Later issues add keys
 * (marking, gates, guard, …) here.
 */
export const configSchema: JsonObject = {
  type: 'object',
  title: 'datasynth-pipe pipeline.yaml v1',
  required: ['version', 'period', 'companies', 'sources'],
  additionalProperties: false,
  properties: {
    version: { type: 'integer', description: 'Config format version; must be 1.' },
    seed: {
      type: 'string',
      pattern: '^[0-9]+$',
      [KEYWORD_MESSAGE]: 'must be an integer 0…2^64−1 (write values above 2^53−1 as a quoted string)',
      description: 'Master seed 0…2^64−1 (not part of config_hash); `--seed` overrides it. Absent → 0.',
    },
    period: {
      type: 'object',
      description: 'The generated date range.',
      required: ['start', 'months'],
      additionalProperties: false,
      properties: {
        start: {
          type: 'string',
          pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$',
          [KEYWORD_MESSAGE]: 'must be a date YYYY-MM-DD',
          description: 'First day of the period, YYYY-MM-DD.',
        },
        months: { type: 'integer', minimum: 1, maximum: 120, description: 'Number of months, 1–120.' },
      },
    },
    group_currency: { ...CURRENCY, description: 'Group / presentation currency (default USD).' },
    industry: { type: 'string', enum: [...INDUSTRIES], description: 'Industry preset (seasonality, names).' },
    companies: { type: 'array', minItems: 1, items: COMPANY, description: 'The companies of the group, parent first.' },
    fx: {
      type: 'object',
      description: 'Foreign exchange settings.',
      additionalProperties: false,
      properties: {
        reference_rates: {
          type: 'object',
          description: 'Reference rates, units of the currency per 1 USD; needed for currencies without a built-in rate.',
          propertyNames: { pattern: '^[A-Z]{3}$', [KEYWORD_MESSAGE]: 'must be an ISO 4217 currency code: 3 upper-case letters' },
          additionalProperties: { type: 'number', exclusiveMinimum: 0 },
        },
      },
    },
    sources: {
      ...componentMap('source', 'Generators, keyed by component id.'),
      minProperties: 1,
      [KEYWORD_MESSAGE]: 'must define at least one source',
    },
    transforms: componentMap('transform', 'Transforms (anomalies, data quality, …), keyed by component id.'),
    sinks: componentMap('sink', 'Destinations, keyed by component id. None → local files.'),
    marking: {
      type: 'object',
      description: 'Content marking (EU AI Act Art. 50(2) as good practice): a credential saying the data is synthetic, placed per format and sink. Part of config_hash.',
      additionalProperties: false,
      properties: {
        enabled: { type: 'boolean', default: true, description: 'Mark outputs (default true). false (or --no-marking) records the opt-out in the manifest with DSP_WARN_MARKING_DISABLED.' },
        csv: {
          enum: ['sidecar', 'preamble', 'both'],
          default: 'sidecar',
          description: "CSV: sidecar <file>.marking.json (default), preamble = two '#' lines before the header (read with comment '#'), or both.",
        },
        object_metadata: { type: 'boolean', default: true, description: 'S3 / GCS: put synthetic, digital-source-type and datasynth-marking into the object metadata.' },
        postgres_comment: { type: 'boolean', default: true, description: 'PostgreSQL: COMMENT ON TABLE with the credential, in the load transaction.' },
      },
    },
    gates: GATES_SCHEMA,
    control: {
      type: 'object',
      description: 'Where manifest, PROV and run log go (not part of config_hash).',
      additionalProperties: false,
      properties: { uri: { type: 'string', minLength: 1, description: 'Control root; default: first file sink path, else ./out.' } },
    },
    guard: GUARD_SCHEMA,
    shutdown: {
      type: 'object',
      description: 'Graceful stop on SIGTERM/SIGINT or guard Emergency (not part of config_hash).',
      additionalProperties: false,
      properties: {
        grace_ms: { type: 'integer', minimum: 0, default: 20000, description: 'How long in-flight work may take to finish or abort after a stop (default 20000, under Kubernetes\' 30 s).' },
      },
    },
    progress: {
      type: 'object',
      description: 'Progress on stderr (not part of config_hash); --progress / --progress-interval override.',
      additionalProperties: false,
      properties: {
        mode: { enum: ['auto', 'bar', 'ndjson', 'none'], default: 'auto', description: 'auto = bar on a terminal, else none.' },
        interval_ms: { type: 'integer', minimum: 0, default: 1000, description: "Interval of ndjson 'progress' events (0 = every batch)." },
      },
    },
    metrics: {
      type: 'object',
      description: 'Prometheus metrics (not part of config_hash); --metrics-listen / --metrics-file override.',
      additionalProperties: false,
      properties: {
        listen: { type: 'string', pattern: '^(\\[[^\\]]+\\]|[^:]+):[0-9]{1,5}$', description: 'host:port serving GET /metrics and GET /ready, e.g. 127.0.0.1:9464.' },
        file: { type: 'string', minLength: 1, description: 'A file rewritten atomically each interval (node-exporter textfile collector).' },
        interval_ms: { type: 'integer', minimum: 100, default: 1000, description: 'Rewrite interval of the metrics file.' },
      },
    },
    dagster: {
      type: 'object',
      description: 'Dagster Pipes (not part of config_hash; only used when launched by Dagster, controls.md §10.4).',
      additionalProperties: false,
      properties: {
        report_gates_as_checks: { type: 'boolean', default: false, description: 'Also report every quality gate as a Dagster asset check (report_asset_check: passed, severity ERROR when enforced else WARN, value/threshold metadata) where the run commits.' },
      },
    },
    runtime: {
      type: 'object',
      description: 'Execution settings that never change data bytes (not part of config_hash).',
      additionalProperties: false,
      properties: {
        batch_rows: { type: 'integer', minimum: 256, maximum: 1_048_576, default: 1024, description: 'Target rows per columnar batch (a batch ends at an entry boundary). Never changes the data; smaller batches use less memory.' },
        workers: { type: 'integer', minimum: 0, maximum: 999, default: 0, description: 'Worker threads that generate and encode whole logical partitions (0 = in-process); --workers overrides. Never changes the data: the main thread writes partitions in order.' },
        max_in_flight_bytes: { type: 'integer', minimum: 65_536, default: 67_108_864, description: 'In-flight budget: encoded bytes not yet at their destination before sources wait (default 64 MiB; halved at guard level Reduced).' },
        max_in_flight_rows: { type: 'integer', minimum: 1024, default: 65_536, description: 'In-flight budget in rows (default 65,536; halved at guard level Reduced).' },
      },
    },
  },
};

type Kind = 'source' | 'transform' | 'sink';

function clone<T extends JsonValue>(v: T): T {
  return structuredClone(v);
}

/** One registered type's full entry: `{type, inputs}` merged with its optionsSchema. */
function typedEntry(kind: Kind, type: string, optionsSchema: JsonObject, description: string | undefined): JsonObject {
  const opts = clone(optionsSchema);
  const properties: JsonObject = {
    type: { const: type, description: description ?? `${kind} type ${type}` },
    ...((opts.properties as JsonObject | undefined) ?? {}),
  };
  if (kind !== 'source') {
    properties.inputs = {
      description: 'Ids of the sources / transforms this component reads (one id or a list).',
      anyOf: [
        { type: 'string', pattern: COMPONENT_ID_PATTERN.source },
        { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', pattern: COMPONENT_ID_PATTERN.source } },
      ],
    };
  }
  const required = ['type', ...(kind !== 'source' ? ['inputs'] : []), ...((opts.required as string[] | undefined) ?? [])];
  const { properties: _p, required: _r, $schema: _s, ...rest } = opts;
  return { ...rest, type: 'object', properties, required: [...new Set(required)], additionalProperties: false };
}

function typedMap(kind: Kind, lookup: ComponentRegistries[`${Kind}s`], base: JsonObject): JsonObject {
  const types = [...lookup.keys()].sort();
  const branches: JsonObject[] = types.map((t) => {
    const plugin = lookup.get(t);
    return {
      if: { properties: { type: { const: t } }, required: ['type'] },
      then: typedEntry(kind, t, plugin?.optionsSchema ?? { type: 'object' }, plugin?.description),
    };
  });
  return {
    ...base,
    propertyNames: { pattern: COMPONENT_ID_PATTERN.source },
    additionalProperties: {
      type: 'object',
      required: ['type'],
      properties: { type: { type: 'string', enum: types, description: `The ${kind} type. Registered: ${types.join(', ') || '(none)'}.` } },
      allOf: branches,
    },
  };
}

function defaultRegistries(): ComponentRegistries {
  return { sources: registry.sources, transforms: registry.transforms, sinks: registry.sinks };
}

/**
 * A complete draft-07 JSON Schema of pipeline.yaml for editors: every
 * registered source / transform / sink type with its options and hover
 * descriptions.
 *
 * @example
 * writeFileSync('pipeline.schema.json', JSON.stringify(buildConfigJsonSchema(), null, 2));
 * // then in pipeline.yaml: # yaml-language-server: $schema=./pipeline.schema.json
 */
export function buildConfigJsonSchema(registries: ComponentRegistries = defaultRegistries()): JsonObject {
  const top = clone(configSchema);
  const props = top.properties as JsonObject;
  props.seed = {
    description: (props.seed as JsonObject).description as string,
    anyOf: [
      { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
      { type: 'string', pattern: '^[0-9]+$' },
    ],
  };
  props.sources = typedMap('source', registries.sources, props.sources as JsonObject);
  props.transforms = typedMap('transform', registries.transforms, props.transforms as JsonObject);
  props.sinks = typedMap('sink', registries.sinks, props.sinks as JsonObject);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    ...top,
  };
}
