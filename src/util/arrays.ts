/**
 * Empty arrays that already have the V8 elements kind of what they will hold.
 *
 * A `[]` literal starts with small-integer elements; the first string, object, null or
 * fractional number pushed into it changes the array's hidden class, and optimised code that
 * pushed into an array of the old class deoptimises and is compiled again. Column builders
 * that are cleared and refilled per batch (label writers, edit lists) used to pay that
 * once per batch in TurboFan compile time (bench/results/transforms.md). An array made here
 * keeps its kind when emptied with `length = 0`.
 *
 * @example
 * const ids = objectArray<string>(); // push strings without an elements-kind transition
 * ids.length = 0;                    // reuse: the kind stays
 */
export function objectArray<T>(): T[] {
  const a: unknown[] = [null];
  a.length = 0;
  return a as T[];
}

/** An empty array of doubles (PACKED_DOUBLE_ELEMENTS); see {@link objectArray}. */
export function doubleArray(): number[] {
  const a = [0.5];
  a.length = 0;
  return a;
}
