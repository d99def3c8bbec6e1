/**
 * The typo process pinned draw for draw: typosFrom and forceTypo over 3 000 generated texts (words
 * with digits, capitals, one-letter words, non-ASCII letters, punctuation; separators: spaces, double
 * spaces, tabs, no-break and em spaces) at per-character rates .05, .2 and .5. The digest was made
 * with the code at commit a7b54fc, which indexed every word of a text up front; the code that looks
 * up only a hit's own word must give the same texts, kinds, positions and carries, so a config's
 * data does not change with it (architecture.md §4).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { forceTypo, typosFrom } from '../../src/transforms/data-quality/typos.js';
import { Rng } from '../../src/random/rng.js';

const GOLDEN = '0a4b3b054c2225cccf00db6de805d2142eb5b7bf9473588b5d8adce1a69982ba';
const WORDS = ['Vendor', 'invoice', 'a', 'I', 'Q3', '2025', 'Zürich', 'naïve', 'x', '-', 'Acme', 'GmbH', 'über', 'réf', '#12', 'A/B', 'ok'];
const SEPS = [' ', '  ', '\t', ' \u00a0 ', '\u2003', ' - '];
const WEIGHTS = [0.25, 0.2, 0.2, 0.1, 0.1, 0.1, 0.05];

describe('typo process (domain.md §9.3)', () => {
  it('gives the pinned texts, kinds, positions and carries', () => {
    const h = createHash('sha256');
    for (let i = 0; i < 3000; i++) {
      const r = Rng.for(11n, 'typo-golden', 0, `t${i}`);
      const n = r.int(1, 7);
      let text = r.chance(0.2) ? SEPS[r.int(0, SEPS.length - 1)] : '';
      for (let k = 0; k < n; k++) text += (k ? SEPS[r.int(0, SEPS.length - 1)] : '') + WORDS[r.int(0, WORDS.length - 1)];
      const logQ = Math.log1p(-[0.05, 0.2, 0.5][i % 3]);
      const out = { carry: 0 };
      const t = typosFrom(text, r.int(0, 3), logQ, WEIGHTS, r, out);
      const f = forceTypo(text, WEIGHTS, r);
      h.update(JSON.stringify([text, t, out.carry, f]) + '\n');
    }
    expect(h.digest('hex')).toBe(GOLDEN);
  });
});
