/**
 * Shared sampling and integer-cent allocation helpers (domain.md §5.3–§5.4).
 * Every function draws from the Rng it is given, in a fixed order, so callers
 * keep their streams aligned row by row (D4).
 */
import type { Rng } from './rng.js';

/** exp(μ + σ·z), z standard normal (domain.md §5.4). */
export function logNormal(rng: Rng, mu: number, sigma: number): number {
  return Math.exp(mu + sigma * rng.normal());
}

/** Pareto(α, x_min) by inversion: x_min / U^(1/α), U ∈ (0, 1]. */
export function pareto(rng: Rng, alpha: number, xMin: number): number {
  const u = 1 - rng.float();
  return xMin / Math.pow(u, 1 / alpha);
}

/** A mixture component of log-normals (weight, μ, σ). */
export interface LogNormalComponent {
  readonly weight: number;
  readonly mu: number;
  readonly sigma: number;
}

/** Draws a component by weight (cumulative walk), then a log-normal from it. */
export function logNormalMixture(rng: Rng, components: readonly LogNormalComponent[]): number {
  let total = 0;
  for (const c of components) total += c.weight;
  const x = rng.float() * total;
  let acc = 0;
  let chosen = components[components.length - 1];
  for (let i = 0; i < components.length - 1; i++) {
    acc += components[i].weight;
    if (x < acc) {
      chosen = components[i];
      break;
    }
  }
  return logNormal(rng, chosen.mu, chosen.sigma);
}

/** Benford first-digit probabilities P(d) = log10(1 + 1/d), d = 1..9 (index 0 unused). */
export const BENFORD_P: readonly number[] = [0, ...Array.from({ length: 9 }, (_, i) => Math.log10(1 + 1 / (i + 1)))];

/**
 * Explicit first-digit sampler (domain.md §5.4 `sampler = benford`): digit by P(d), decade uniform
 * over the decades of [min, max], mantissa d + U[0, 1); the result is clamped to [min, max].
 */
export function benfordAmount(rng: Rng, min: number, max: number): number {
  const d = 1 + rng.weightedIndex(BENFORD_WEIGHTS);
  const lo = Math.floor(Math.log10(Math.max(min, 1e-2)));
  const hi = Math.max(lo, Math.ceil(Math.log10(max)) - 1);
  const k = rng.int(lo, hi);
  const x = (d + rng.float()) * Math.pow(10, k);
  return x < min ? min : x > max ? max : x;
}
const BENFORD_WEIGHTS = BENFORD_P.slice(1);

/** Number of decimal digits of a positive integer (1 for 0). */
export function digitCount(n: number): number {
  let d = 1;
  let x = n;
  while (x >= 10) {
    x = Math.floor(x / 10);
    d++;
  }
  return d;
}

/** Rounds a positive integer to `digits` significant digits, half away from zero (never below 1 unit of its magnitude). */
export function roundToSignificant(n: number, digits: number): number {
  const dc = digitCount(n);
  if (dc <= digits) return n;
  const unit = Math.pow(10, dc - digits);
  return Math.round(n / unit) * unit;
}

/** 3 significant digits with the last one 0 or 5 (domain.md §5.4 "nice number"): nearest multiple of 5 units of the 3rd digit. */
export function roundToNice(n: number): number {
  const dc = digitCount(n);
  if (dc < 3) return n;
  const unit = 5 * Math.pow(10, dc - 3);
  const r = Math.round(n / unit) * unit;
  return r > 0 ? r : n;
}

/** Count of significant digits of a positive integer (trailing zeros stripped). */
export function significantDigits(n: number): number {
  let x = Math.abs(n);
  if (x === 0) return 0;
  while (x % 10 === 0) x /= 10;
  return digitCount(x);
}

const scratchFrac = { values: new Float64Array(16), order: new Int32Array(16) };

function ensureScratch(k: number): void {
  if (scratchFrac.values.length < k) {
    let n = scratchFrac.values.length;
    while (n < k) n *= 2;
    scratchFrac.values = new Float64Array(n);
    scratchFrac.order = new Int32Array(n);
  }
}

/**
 * Largest-remainder split of integer `total` into `k` parts written to `out[offset..offset+k)`,
 * proportional to `weights[wOffset..wOffset+k)` (domain.md §5.3): each part first gets `minEach`,
 * the rest `total − k·minEach` is distributed ∝ weights, leftover units by the largest fractional
 * part, ties to the lower index. Requires `total ≥ k·minEach` and positive weights.
 */
export function splitLargestRemainder(
  total: number, k: number, weights: ArrayLike<number>, wOffset: number,
  out: Float64Array | Int32Array, offset: number, minEach = 1,
): void {
  if (k === 1) {
    out[offset] = total;
    return;
  }
  let wSum = 0;
  for (let i = 0; i < k; i++) wSum += weights[wOffset + i];
  const rest = total - k * minEach;
  if (rest < 0) throw new RangeError(`cannot split ${total} into ${k} parts of at least ${minEach}`);
  ensureScratch(k);
  const frac = scratchFrac.values;
  let assigned = 0;
  for (let i = 0; i < k; i++) {
    const share = wSum > 0 ? (rest * weights[wOffset + i]) / wSum : rest / k;
    const f = Math.floor(share);
    out[offset + i] = minEach + f;
    frac[i] = share - f;
    assigned += f;
  }
  let left = rest - assigned;
  while (left < 0) {
    // Floating-point shares summed above `rest`: take units back from the smallest fractions.
    let worst = -1;
    let worstF = 3;
    for (let i = 0; i < k; i++) {
      if (out[offset + i] > minEach && frac[i] < worstF) {
        worstF = frac[i];
        worst = i;
      }
    }
    out[offset + worst] -= 1;
    frac[worst] = 3;
    left++;
  }
  if (left === 0) return;
  if (left === 1 || k <= 8) {
    // Small k: repeated selection of the largest remaining fraction (ties → lower index).
    while (left > 0) {
      let best = -1;
      let bestF = -1;
      for (let i = 0; i < k; i++) {
        if (frac[i] > bestF) {
          bestF = frac[i];
          best = i;
        }
      }
      out[offset + best] += 1;
      frac[best] = -2;
      left--;
    }
    return;
  }
  const order = scratchFrac.order.subarray(0, k);
  for (let i = 0; i < k; i++) order[i] = i;
  order.sort((a, b) => (frac[b] - frac[a]) || (a - b));
  for (let j = 0; j < left; j++) out[offset + order[j]] += 1;
}

/**
 * Largest-remainder allocation of `total` units over `weights` with no minimum (domain.md §1.3 month
 * allocation): floors first, leftover units by the largest remainder, ties to the earlier index.
 * Zero total weight gives all zeros (or everything to index 0 when total > 0).
 */
export function allocateLargestRemainder(total: number, weights: readonly number[]): number[] {
  const n = weights.length;
  const out = new Array<number>(n).fill(0);
  if (n === 0 || total <= 0) return out;
  let wSum = 0;
  for (const w of weights) wSum += w;
  if (!(wSum > 0)) {
    out[0] = total;
    return out;
  }
  const frac = new Array<number>(n);
  let assigned = 0;
  for (let i = 0; i < n; i++) {
    const share = (total * weights[i]) / wSum;
    const f = Math.floor(share);
    out[i] = f;
    frac[i] = share - f;
    assigned += f;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (frac[b] - frac[a]) || (a - b));
  for (let j = 0; j < total - assigned; j++) out[order[j % n]] += 1;
  return out;
}
