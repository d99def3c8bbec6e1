/** docs/anomalies-and-data-quality.md: its generated blocks match the taxonomy and DQ presets the transforms run. */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  APPLIES_TEXT, MUTATION_TEXT, renderAnomaliesDoc, typesMarkdown, categoriesMarkdown, dqPresetsMarkdown,
} from '../../src/docs/anomalies-markdown.js';
import { ANOMALY_TYPES, CATEGORIES } from '../../src/transforms/anomalies/types.js';
import { PRESETS } from '../../src/transforms/data-quality/options.js';

const ROOT = join(import.meta.dirname, '../..');
const DOC = join(ROOT, 'docs/anomalies-and-data-quality.md');

describe('docs/anomalies-and-data-quality.md', () => {
  it('has up-to-date generated blocks (regenerate: see src/docs/anomalies-markdown.ts)', () => {
    const committed = readFileSync(DOC, 'utf8');
    expect(renderAnomaliesDoc(committed)).toBe(committed);
  });

  it('describes the mutation of every injector type, and only of those', () => {
    expect(Object.keys(MUTATION_TEXT).sort()).toEqual(ANOMALY_TYPES.map((a) => a.name).sort());
    for (const a of ANOMALY_TYPES) expect(APPLIES_TEXT[a.applies], a.applies).toBeTruthy();
  });

  it('lists every type once, with the weight, severity and difficulty of the code', () => {
    const rows = typesMarkdown().split('\n').filter((l) => l.startsWith('| `'));
    expect(rows).toHaveLength(ANOMALY_TYPES.length);
    for (const a of ANOMALY_TYPES) {
      expect(rows).toContainEqual(expect.stringContaining(`| \`${a.name}\` | ${a.category} | ${a.weight} | ${a.severity} | ${a.difficulty} |`));
    }
    // The balance flag of the code reaches the page: exactly the affects-balance types say so.
    const unbalanced = rows.filter((r) => r.includes('**unbalanced**')).map((r) => r.split('`')[1]);
    expect(unbalanced.sort()).toEqual(ANOMALY_TYPES.filter((a) => a.affectsBalance).map((a) => a.name).sort());
  });

  it('has one category row per category and one preset row per preset other than none', () => {
    const cats = categoriesMarkdown().split('\n').filter((l) => /^\| [a-z_]+ \|/.test(l));
    expect(cats.map((r) => r.split(' | ')[0].slice(2))).toEqual([...CATEGORIES]);
    const presets = dqPresetsMarkdown().split('\n').filter((l) => l.startsWith('| `'));
    expect(presets.map((r) => r.split('`')[1])).toEqual(PRESETS.filter((p) => p !== 'none'));
    // normal: missing 0.02 per field, typo 0.002 per character, duplicates 0.005 per entry (domain.md §9.1).
    expect(presets.find((r) => r.startsWith('| `normal`'))).toMatch(/^\| `normal` \| 0\.02 \| 0\.002 \| 0\.005 \|/);
  });

  it('fails loudly when a generated block is missing', () => {
    expect(() => renderAnomaliesDoc('# no markers')).toThrow(/block anomaly-categories/);
  });
});
