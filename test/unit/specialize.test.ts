/**
 * formats/specialize.ts: a per-use copy of plain functions compiled from their own source text,
 * with explicit dependencies; null (so callers keep the shared original) when the text is not a
 * plain function, names a bundler helper, or does not compile. The CSV encoder's use of it is
 * checked end to end in test/e2e/csv-specialize.test.ts (copy and shared code write equal bytes).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { specialize } from '../../src/formats/specialize.js';
import { doubleArray, objectArray } from '../../src/util/arrays.js';

// Declared as plain functions so their text stands alone (`scale` is a dependency, passed in).
const scale = 3;
function inner(x: number): number {
  return x * scale;
}
function outer(xs: readonly number[]): number {
  let t = 0;
  for (const x of xs) t += inner(x);
  return t;
}

describe('specialize', () => {
  afterEach(() => {
    delete process.env.DSP_NO_SPECIALIZE;
  });

  it('compiles a fresh copy that computes what the original does, with its dependencies', () => {
    // Under vitest the module text may be rewritten; the copy is then refused (null), never wrong.
    const copy = specialize<typeof outer>('test outer', [inner, outer], 'outer', { scale });
    if (copy === null) {
      expect(outer.toString() + inner.toString()).toMatch(/__vite_ssr_|__vi_|cov_|__name\(/);
      return;
    }
    expect(copy).not.toBe(outer);
    expect(copy([1, 2, 3])).toBe(outer([1, 2, 3]));
    expect(copy([1, 2, 3])).toBe(18);
  });

  it('refuses what it cannot copy: no function text, bundler helpers, compile errors, a non-function entry', () => {
    expect(specialize('native', [Math.max as never], 'max', {})).toBeNull();
    const rewritten = { toString: () => 'function f() { return __vite_ssr_import_0__.x; }' } as unknown as () => number;
    expect(specialize('rewritten', [rewritten], 'f', {})).toBeNull();
    const broken = { toString: () => 'function f( { return 1; }' } as unknown as () => number;
    expect(specialize('broken', [broken], 'f', {})).toBeNull();
    const plain = { toString: () => 'function f() { return 1; }' } as unknown as () => number;
    expect(specialize('entry missing', [plain], 'g', {})).toBeNull();
    expect(specialize<() => number>('plain', [plain], 'f', {})?.()).toBe(1);
  });

  it('DSP_NO_SPECIALIZE=1 turns copies off', () => {
    const plain = { toString: () => 'function f() { return 1; }' } as unknown as () => number;
    process.env.DSP_NO_SPECIALIZE = '1';
    expect(specialize('off', [plain], 'f', {})).toBeNull();
  });
});

describe('pre-kinded arrays', () => {
  it('start empty, take any values, and stay reusable after length = 0', () => {
    const a = objectArray<string | null>();
    expect(a).toEqual([]);
    a.push('x', null);
    expect(a).toEqual(['x', null]);
    a.length = 0;
    a.push('y');
    expect(a).toEqual(['y']);
    const d = doubleArray();
    expect(d).toEqual([]);
    d.push(1.5, 2);
    expect(d).toEqual([1.5, 2]);
  });
});
