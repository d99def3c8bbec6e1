/**
 * RFC 8785 JSON Canonicalization Scheme and SHA-256, the two halves of
 * `config_hash` (controls.md §1.2 step 7).
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** Lowercase hex SHA-256 of bytes (strings are hashed as UTF-8). */
export function sha256Hex(data: Buffer | Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * RFC 8785 canonical JSON: keys sorted by UTF-16 code units, no whitespace,
 * ECMAScript number formatting. Throws on NaN, Infinity and lone surrogates.
 *
 * @example canonicalJson({ b: 1, a: [4.50, 1e30] }) // '{"a":[4.5,1e+30],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value has no JSON representation');
  return text;
}

/** SHA-256 hex of the canonical JSON bytes of `value`. */
export function canonicalHash(value: unknown): { canonical: string; hash: string } {
  const canonical = canonicalJson(value);
  return { canonical, hash: sha256Hex(Buffer.from(canonical, 'utf8')) };
}
