/**
 * Turns parsed YAML (ints as BigInt) or an embedding object into plain JSON
 * values, enforcing controls.md §1.2: integers above 2^53−1, NaN and Infinity
 * are rejected (they cannot be hashed faithfully); `-0` becomes `0`.
 */
import type { IssueCollector } from './issues.js';
import type { PathSegment } from './paths.js';
import type { JsonValue } from './types.js';

/** Seeds may exceed 2^53−1; they are the one place a big integer is kept, as a decimal string. */
const BIG_INTEGER_OK = (path: readonly PathSegment[]): boolean => path.length === 1 && path[0] === 'seed';

export function toJsonValue(value: unknown, issues: IssueCollector, path: PathSegment[] = []): JsonValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') {
    if (value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(value);
    if (BIG_INTEGER_OK(path) && value >= 0n) {
      // A YAML integer this large has already lost nothing (BigInt), but JSON numbers would; keep it exact.
      issues.add(path, `integer ${value} is above 2^53−1 and cannot be represented exactly as a number`, {
        hint: `Quote it: seed: "${value}".`,
        final: true,
      });
      return String(value);
    }
    issues.add(path, `integer ${value} is outside ±(2^53−1) and cannot be represented exactly`, { hint: `Quote it if it is meant as text: "${value}".`, final: true });
    return Number(value);
  }
  if (typeof value === 'number') {
    if (Number.isNaN(value)) {
      issues.add(path, 'NaN is not allowed', { final: true });
      return null;
    }
    if (!Number.isFinite(value)) {
      issues.add(path, `${value > 0 ? '' : '-'}Infinity is not allowed`, { final: true });
      return null;
    }
    if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
      issues.add(path, `number ${value} is an integer above 2^53−1 and cannot be represented exactly`, { hint: 'Write it as a quoted decimal string.', final: true });
      return value;
    }
    return Object.is(value, -0) ? 0 : value;
  }
  if (Array.isArray(value)) return value.map((v, i) => toJsonValue(v, issues, [...path, i]));
  if (typeof value === 'object' && isPlainObject(value)) {
    const out: { [k: string]: JsonValue } = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      out[k] = toJsonValue(v, issues, [...path, k]);
    }
    return out;
  }
  issues.add(path, `unsupported value of type ${typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value}; use strings, numbers, booleans, lists and mappings`);
  return null;
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}
