/**
 * Built-in formats: text (csv, ndjson) with the value formatters they share,
 * and binary (parquet, arrow) from one TableSchema → Arrow mapping.
 */
import type { FormatPlugin } from '../engine/plugins.js';
import { csvFormat } from './csv.js';
import { ndjsonFormat } from './ndjson.js';
import { parquetFormat } from './parquet.js';
import { arrowFormat } from './arrow.js';

export { csvFormat, csvDelimiter } from './csv.js';
export { ndjsonFormat } from './ndjson.js';
export { parquetFormat, PARQUET_COMPRESSIONS, DEFAULT_ROW_GROUP_ROWS, type ParquetCompression } from './parquet.js';
export { arrowFormat } from './arrow.js';
export { arrowSchema, arrowType, toArrowRecordBatch, type BatchSegment } from './arrow-schema.js';
export { createCompressor, gzipExtension, withCompressionExtension, GZIP_LEVEL, type CompressionKind } from './compression.js';
export { formatMoney, formatDecimal6, formatDate, formatTimestamp, formatInt } from './values.js';
export { CHUNK_BYTES } from './chunk-buffer.js';

export const builtinFormats: FormatPlugin[] = [csvFormat, ndjsonFormat, parquetFormat, arrowFormat];
