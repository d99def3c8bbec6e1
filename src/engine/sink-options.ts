/** Option schemas every sink shares (one definition, so they cannot drift apart). */
import type { JsonObject } from '../config/types.js';
import type { ConfigIssue } from '../errors.js';

/** `tables: [..]`: write only some of the tables the sink's inputs emit (applied by the planner). */
export const TABLES_OPTION: JsonObject = {
  type: 'array',
  items: { type: 'string' },
  minItems: 1,
  uniqueItems: true,
  description: 'Write only these tables of the inputs (default: every table the inputs emit).',
};

/** CSV field delimiter: one ASCII byte that cannot be confused with quoting or record ends. */
export const DELIMITER_OPTION: JsonObject = {
  type: 'string',
  minLength: 1,
  maxLength: 1,
  pattern: '^[^"\\r\\n\\u0080-\\uffff]$',
  default: ',',
  description: 'CSV field delimiter: one ASCII character other than a double quote, CR or LF.',
};

/** `layout`: where `<base>` is how the sink names its location (`<path>/`, `<prefix>`). */
export function layoutOption(base: string): JsonObject {
  return {
    enum: ['single', 'partitioned'],
    default: 'single',
    description: `single: ${base}<table>.<ext>; partitioned: ${base}<table>/part-PPPPP-of-QQQQQ.<ext>.`,
  };
}

/** `compression`: the union over formats; {@link compressionIssue} checks the pair. */
export const COMPRESSION_OPTION: JsonObject = {
  enum: ['none', 'gzip', 'zstd', 'snappy'],
  description: 'csv/ndjson: none (default) or gzip, which adds .gz (deterministic header). parquet: zstd (default), snappy or none (the Parquet codec inside the file). arrow: none.',
};

/** Which `compression` values each format takes. */
export const COMPRESSIONS_BY_FORMAT: Readonly<Record<string, readonly string[]>> = {
  csv: ['none', 'gzip'],
  ndjson: ['none', 'gzip'],
  parquet: ['zstd', 'snappy', 'none'],
  arrow: ['none'],
};

/** The problem with a sink's `compression` for its `format`, if any (the schema cannot say it). */
export function compressionIssue(sinkId: string, format: string, compression: string | undefined): ConfigIssue | null {
  const allowed = COMPRESSIONS_BY_FORMAT[format];
  if (compression === undefined || !allowed || allowed.includes(compression)) return null;
  return {
    path: `sinks.${sinkId}.compression`,
    message: `compression ${compression} does not apply to format ${format}`,
    hint: `Use one of ${allowed.join(', ')} (gzip is for csv/ndjson, zstd and snappy for parquet)`,
  };
}
