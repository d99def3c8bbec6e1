/**
 * Value formatting for text formats (domain.md §0.1), as byte writers for the
 * encoders' hot loops and as pure string functions for everyone else. All
 * arithmetic is on integers held in doubles (exact below 2^53): money is never
 * formatted with `toFixed` on a float (controls.md §1.5), dates come from UTC
 * day numbers through integer civil-calendar arithmetic (no Date, no TZ).
 */

/** `'00'…'99'` as ASCII pairs, so two digits cost one table read each. */
const DIGIT_PAIRS = new Uint8Array(200);
for (let i = 0; i < 100; i++) {
  DIGIT_PAIRS[i * 2] = 48 + ((i / 10) | 0);
  DIGIT_PAIRS[i * 2 + 1] = 48 + (i % 10);
}

const MAX_EXACT = Number.MAX_SAFE_INTEGER;

/** Most bytes any fixed-width writer below emits for one value (`-9007199254740991` plus point). */
export const MAX_NUMBER_BYTES = 24;
export const DATE_BYTES = 10;
export const TIMESTAMP_BYTES = 19;

function digitCount(n: number): number {
  if (n < 10) return 1;
  if (n < 100) return 2;
  if (n < 1000) return 3;
  if (n < 10000) return 4;
  if (n < 100000) return 5;
  if (n < 1000000) return 6;
  if (n < 10000000) return 7;
  if (n < 100000000) return 8;
  if (n < 1000000000) return 9;
  let d = 10;
  let limit = 1e10;
  while (n >= limit) {
    d++;
    limit *= 10;
  }
  return d;
}

/** Writes a non-negative integer `n` (< 2^53) in decimal at `pos`; returns the new position. */
export function writeUint(buf: Uint8Array, pos: number, n: number): number {
  if (n < 10) {
    buf[pos] = 48 + n;
    return pos + 1;
  }
  const end = pos + digitCount(n);
  let p = end;
  // Above int32 range `| 0` would wrap: peel digits with exact double division first.
  while (n > 0x7fffffff) {
    const q = Math.floor(n / 100);
    const r = (n - q * 100) * 2;
    buf[--p] = DIGIT_PAIRS[r + 1];
    buf[--p] = DIGIT_PAIRS[r];
    n = q;
  }
  let m = n | 0;
  while (m >= 100) {
    const q = (m / 100) | 0;
    const r = (m - q * 100) * 2;
    buf[--p] = DIGIT_PAIRS[r + 1];
    buf[--p] = DIGIT_PAIRS[r];
    m = q;
  }
  if (m >= 10) {
    buf[--p] = DIGIT_PAIRS[m * 2 + 1];
    buf[--p] = DIGIT_PAIRS[m * 2];
  } else {
    buf[--p] = 48 + m;
  }
  return end;
}

/** Writes a signed integer (an `int` column value). */
export function writeInt(buf: Uint8Array, pos: number, n: number): number {
  if (n < 0) {
    buf[pos++] = 45;
    n = -n;
  }
  return writeUint(buf, pos, n);
}

function notExact(kind: string, v: number): Error {
  return new RangeError(`${kind} value ${v} is not an integer below 2^53 (columns hold integer units, never fractions)`);
}

/**
 * Writes integer cents as `1234.50` / `-0.05` / `0.00` (domain.md §0.1: exactly
 * two places). `-0` is written `0.00`.
 */
export function writeMoney(buf: Uint8Array, pos: number, cents: number): number {
  let a = cents;
  if (a < 0) {
    buf[pos++] = 45;
    a = -a;
  }
  let units: number;
  let frac: number;
  if ((a | 0) === a) {
    // int32 fast path (almost every amount); `| 0` also turns -0 into 0.
    units = (a / 100) | 0;
    frac = (a - units * 100) | 0;
  } else {
    if (!(a <= MAX_EXACT) || Math.floor(a) !== a) throw notExact('money', cents);
    units = Math.floor(a / 100);
    frac = a - units * 100;
    // Guards the division's rounding near 2^53 so the split is always exact.
    if (frac < 0) { units -= 1; frac += 100; } else if (frac >= 100) { units += 1; frac -= 100; }
  }
  pos = writeUint(buf, pos, units);
  buf[pos] = 46;
  buf[pos + 1] = DIGIT_PAIRS[frac * 2];
  buf[pos + 2] = DIGIT_PAIRS[frac * 2 + 1];
  return pos + 3;
}

/** Writes integer millionths as `1.234567` (exchange rates: 6 places). */
export function writeDecimal6(buf: Uint8Array, pos: number, micros: number): number {
  let a = micros;
  if (a < 0) {
    buf[pos++] = 45;
    a = -a;
  }
  let units: number;
  let frac: number;
  if ((a | 0) === a) {
    units = (a / 1e6) | 0;
    frac = (a - units * 1e6) | 0;
  } else {
    if (!(a <= MAX_EXACT) || Math.floor(a) !== a) throw notExact('decimal6', micros);
    units = Math.floor(a / 1e6);
    frac = a - units * 1e6;
    if (frac < 0) { units -= 1; frac += 1e6; } else if (frac >= 1e6) { units += 1; frac -= 1e6; }
  }
  pos = writeUint(buf, pos, units);
  buf[pos] = 46;
  const hi = (frac / 10000) | 0;
  const rest = frac - hi * 10000;
  const mid = (rest / 100) | 0;
  const lo = rest - mid * 100;
  buf[pos + 1] = DIGIT_PAIRS[hi * 2];
  buf[pos + 2] = DIGIT_PAIRS[hi * 2 + 1];
  buf[pos + 3] = DIGIT_PAIRS[mid * 2];
  buf[pos + 4] = DIGIT_PAIRS[mid * 2 + 1];
  buf[pos + 5] = DIGIT_PAIRS[lo * 2];
  buf[pos + 6] = DIGIT_PAIRS[lo * 2 + 1];
  return pos + 7;
}

/**
 * Civil date of a day number (days since 1970-01-01), proleptic Gregorian,
 * integer-only (H. Hinnant's `civil_from_days`). Writes `YYYY-MM-DD`.
 */
function writeCivilDate(buf: Uint8Array, pos: number, day: number): number {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  if (y < 0 || y > 9999) throw new RangeError(`day number ${day} is outside years 0000-9999`);
  const yh = (y / 100) | 0;
  const yl = y - yh * 100;
  buf[pos] = DIGIT_PAIRS[yh * 2];
  buf[pos + 1] = DIGIT_PAIRS[yh * 2 + 1];
  buf[pos + 2] = DIGIT_PAIRS[yl * 2];
  buf[pos + 3] = DIGIT_PAIRS[yl * 2 + 1];
  buf[pos + 4] = 45;
  buf[pos + 5] = DIGIT_PAIRS[m * 2];
  buf[pos + 6] = DIGIT_PAIRS[m * 2 + 1];
  buf[pos + 7] = 45;
  buf[pos + 8] = DIGIT_PAIRS[d * 2];
  buf[pos + 9] = DIGIT_PAIRS[d * 2 + 1];
  return pos + 10;
}

/*
 * Per-day cache of the 10 date bytes for 1870…2170 (birth dates to far due
 * dates), filled lazily: a date column repeats few distinct days per batch.
 */
const CACHE_FIRST_DAY = -36525; // 1870-01-01
const CACHE_DAYS = 109574; // through 2169-12-31
let dateCache: Uint8Array | null = null;
let dateCached: Uint8Array | null = null;

/** Writes a day number as `YYYY-MM-DD`. */
export function writeDate(buf: Uint8Array, pos: number, day: number): number {
  const k = day - CACHE_FIRST_DAY;
  if (k >= 0 && k < CACHE_DAYS && (k | 0) === k) {
    if (dateCache === null || dateCached === null) {
      dateCache = new Uint8Array(CACHE_DAYS * 10);
      dateCached = new Uint8Array(CACHE_DAYS);
    }
    const o = k * 10;
    if (dateCached[k] === 0) {
      writeCivilDate(dateCache, o, day);
      dateCached[k] = 1;
    }
    const c = dateCache;
    buf[pos] = c[o];
    buf[pos + 1] = c[o + 1];
    buf[pos + 2] = c[o + 2];
    buf[pos + 3] = c[o + 3];
    buf[pos + 4] = c[o + 4];
    buf[pos + 5] = c[o + 5];
    buf[pos + 6] = c[o + 6];
    buf[pos + 7] = c[o + 7];
    buf[pos + 8] = c[o + 8];
    buf[pos + 9] = c[o + 9];
    return pos + 10;
  }
  if (Math.floor(day) !== day) throw new RangeError(`day number ${day} is not an integer`);
  return writeCivilDate(buf, pos, day);
}

/** Writes seconds since 1970-01-01T00:00:00 (wall time, no zone) as `YYYY-MM-DDTHH:MM:SS`. */
export function writeTimestamp(buf: Uint8Array, pos: number, seconds: number): number {
  if (Math.floor(seconds) !== seconds || !(Math.abs(seconds) <= MAX_EXACT)) {
    throw new RangeError(`timestamp ${seconds} is not a whole number of seconds (no fractions, domain.md §0.1)`);
  }
  const day = Math.floor(seconds / 86400);
  const sod = seconds - day * 86400;
  pos = writeDate(buf, pos, day);
  const h = (sod / 3600) | 0;
  const rem = sod - h * 3600;
  const mi = (rem / 60) | 0;
  const s = rem - mi * 60;
  buf[pos] = 84; // 'T'
  buf[pos + 1] = DIGIT_PAIRS[h * 2];
  buf[pos + 2] = DIGIT_PAIRS[h * 2 + 1];
  buf[pos + 3] = 58;
  buf[pos + 4] = DIGIT_PAIRS[mi * 2];
  buf[pos + 5] = DIGIT_PAIRS[mi * 2 + 1];
  buf[pos + 6] = 58;
  buf[pos + 7] = DIGIT_PAIRS[s * 2];
  buf[pos + 8] = DIGIT_PAIRS[s * 2 + 1];
  return pos + 9;
}

const scratch = Buffer.allocUnsafe(64);

function viaBytes(write: (buf: Uint8Array, pos: number, v: number) => number, v: number): string {
  const n = write(scratch, 0, v);
  return scratch.toString('latin1', 0, n);
}

/**
 * Integer cents → `1234.50`, `-0.05`, `0.00`.
 * @example formatMoney(123450) === '1234.50'
 */
export function formatMoney(cents: number): string {
  return viaBytes(writeMoney, cents);
}

/**
 * Integer millionths → `1.234567`.
 * @example formatDecimal6(1234567) === '1.234567'
 */
export function formatDecimal6(micros: number): string {
  return viaBytes(writeDecimal6, micros);
}

/**
 * Day number since 1970-01-01 → `YYYY-MM-DD`.
 * @example formatDate(19723) === '2024-01-01'
 */
export function formatDate(day: number): string {
  return viaBytes(writeDate, day);
}

/**
 * Seconds since 1970-01-01T00:00:00 → `YYYY-MM-DDTHH:MM:SS`.
 * @example formatTimestamp(86399) === '1970-01-01T23:59:59'
 */
export function formatTimestamp(seconds: number): string {
  return viaBytes(writeTimestamp, seconds);
}

/** Signed integer → decimal. */
export function formatInt(n: number): string {
  if (Math.floor(n) !== n || !(Math.abs(n) <= MAX_EXACT)) throw notExact('int', n);
  return viaBytes(writeInt, n);
}
