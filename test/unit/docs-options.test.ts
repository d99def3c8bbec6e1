/** docs/options.md is generated from the plugin schemas; it must match what the code accepts. */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import '../../src/plugins.js';
import { optionsMarkdown } from '../../src/docs/options-markdown.js';

describe('docs/options.md', () => {
  it('is up to date (regenerate: node bin/datasynth-pipe.js schema --format markdown -o docs/options.md)', () => {
    const committed = readFileSync(join(import.meta.dirname, '../../docs/options.md'), 'utf8');
    expect(committed).toBe(optionsMarkdown());
  });
  it('documents every registered source and sink type', () => {
    const md = optionsMarkdown();
    for (const t of ['journal_entries', 'chart_of_accounts', 'companies', 'calendar', 'fx', 'cost_centers', 'je_users', 'file']) {
      expect(md).toContain(`### \`type: ${t}\``);
    }
  });
});
