/**
 * Exact integer-cent arithmetic (domain.md §0.1: integer cents, rounding half away from zero).
 */

/** Rounds half away from zero (Math.round rounds −2.5 to −2). */
export function roundHalfAwayFromZero(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

const SAFE = Number.MAX_SAFE_INTEGER;

/**
 * round(a × b / c) half away from zero, exact for integers a, b and positive integer c
 * (falls back to BigInt when the product exceeds 2^53).
 */
export function mulDivRound(a: number, b: number, c: number): number {
  if (!Number.isInteger(a) || !Number.isInteger(b) || !Number.isInteger(c) || c <= 0) {
    throw new RangeError(`mulDivRound needs integers and c > 0: ${a}, ${b}, ${c}`);
  }
  const p = a * b;
  const neg = p < 0;
  if (Math.abs(p) <= SAFE) {
    const ap = Math.abs(p);
    let q = Math.floor(ap / c);
    let r = ap - q * c;
    while (r < 0) { q--; r += c; }
    while (r >= c) { q++; r -= c; }
    if (2 * r >= c) q++;
    return neg ? -q : q;
  }
  const bp = BigInt(a) * BigInt(b);
  const abs = bp < 0n ? -bp : bp;
  const bc = BigInt(c);
  let q = abs / bc;
  if (2n * (abs % bc) >= bc) q++;
  return Number(neg ? -q : q);
}

/** Company-currency cents × `exchange_rate` (integer millionths) → group-currency cents (domain.md §3.2). */
export function localToGroupCents(localCents: number, rateMicros: number): number {
  return mulDivRound(localCents, rateMicros, 1_000_000);
}
