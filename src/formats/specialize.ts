/**
 * Private copies of hot functions, one per use, each with its own V8 type feedback.
 *
 * V8 keeps one feedback vector per function: a CSV encoder loop that writes four tables learns
 * every table's column kinds, array shapes and string representations (sequential, cons,
 * sliced, two-byte), and its optimised code turns polymorphic — or deoptimises and compiles
 * again each time a table brings something new. Measured on the transforms benchmark
 * (bench/results/transforms.md): the journal-lines loop ran ≈ 30 % slower once the label
 * tables shared it. A copy compiled from the same source text for each table keeps each loop
 * monomorphic; the text is the function's own (`Function.prototype.toString`), so the copy is
 * the same code, and tests compare the bytes of copy and original.
 *
 * @example
 * const rows = specialize<typeof encodeRows>('csv rows of dq_labels', [writeField, encodeRows], 'encodeRows', { writeInt }) ?? encodeRows;
 */

/**
 * Source text that names what a bundler or coverage tool put around module code (vite-node's
 * import rewriting, istanbul counters): such a copy would call helpers that are not in `deps`.
 */
const FOREIGN = /__vite_ssr_|__vi_|\bcov_[0-9a-z]+\b|__name\(/;

/**
 * Compiles `fns` (plain function declarations whose free variables are all in `deps` or global)
 * into a fresh scope and returns the one named `entry`; `null` when the source cannot be
 * compiled that way (e.g. a test runner or coverage tool rewrote the module's code) — the caller
 * then uses the shared original. Callers also check the copy against the original once
 * (see csv.ts `rowEncoderFor`).
 */
export function specialize<F>(tag: string, fns: ReadonlyArray<(...args: never[]) => unknown>, entry: string, deps: Readonly<Record<string, unknown>>): F | null {
  if (process.env.DSP_NO_SPECIALIZE === '1') return null;
  const texts = fns.map((f) => f.toString());
  if (texts.some((t) => FOREIGN.test(t) || !t.startsWith('function '))) return null;
  const names = Object.keys(deps);
  // The tag makes every copy's source text unique, so no compilation cache hands back a shared function.
  const source = `"use strict";\n// ${tag.replace(/[\r\n]/g, ' ')}\n${texts.join('\n')}\nreturn ${entry};`;
  try {
    const made = new Function(...names, source)(...names.map((n) => deps[n])) as unknown;
    return typeof made === 'function' ? (made as F) : null;
  } catch {
    return null;
  }
}
