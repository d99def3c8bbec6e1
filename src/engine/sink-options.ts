/** Option schemas every sink shares (one definition, so they cannot drift apart). */
import type { JsonObject } from '../config/types.js';

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
