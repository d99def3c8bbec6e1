import { describe, expect, it } from 'vitest';
import { didYouMean, didYouMeanSuffix, editDistance } from '../../src/config/did-you-mean.js';

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('sorces', 'sources')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });

  it('counts a swap of adjacent characters as one edit (Damerau)', () => {
    expect(editDistance('inptus', 'inputs')).toBe(1);
    expect(editDistance('ab', 'ba')).toBe(1);
  });
});

describe('didYouMean', () => {
  const top = ['version', 'seed', 'period', 'companies', 'sources', 'transforms', 'sinks'];

  it('suggests the closest key within two edits', () => {
    expect(didYouMean('sorces', top)).toBe('sources');
    expect(didYouMean('snks', top)).toBe('sinks');
    expect(didYouMean('verison', top)).toBe('version');
  });

  it('suggests by prefix', () => {
    expect(didYouMean('trans', top)).toBe('transforms');
    expect(didYouMean('compan', top)).toBe('companies');
  });

  it('ignores case and stays quiet when nothing is close', () => {
    expect(didYouMean('SOURCES_', top)).toBe('sources');
    expect(didYouMean('zzzzzz', top)).toBeUndefined();
    expect(didYouMean('ab', ['xy', 'cd'])).toBeUndefined();
  });

  it('formats the suffix', () => {
    expect(didYouMeanSuffix('sorces', top)).toBe("; did you mean 'sources'?");
    expect(didYouMeanSuffix('zzzzzz', top)).toBe('');
  });
});
