/**
 * Built-in text formats (csv, ndjson) and the value formatters they share.
 * Parquet and Arrow join `builtinFormats` when they land.
 */
import type { FormatPlugin } from '../engine/plugins.js';
import { csvFormat } from './csv.js';
import { ndjsonFormat } from './ndjson.js';

export { csvFormat, csvDelimiter } from './csv.js';
export { ndjsonFormat } from './ndjson.js';
export { createCompressor, gzipExtension, withCompressionExtension, GZIP_LEVEL, type CompressionKind } from './compression.js';
export { formatMoney, formatDecimal6, formatDate, formatTimestamp, formatInt } from './values.js';
export { CHUNK_BYTES } from './chunk-buffer.js';

export const builtinFormats: FormatPlugin[] = [csvFormat, ndjsonFormat];
