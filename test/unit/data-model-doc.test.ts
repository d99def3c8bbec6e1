/** docs/data-model.md: its generated blocks match the table schemas, and they cover every table. */
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TableSchema } from '../../src/engine/schema.js';
import { renderDataModelDoc, TABLE_GROUPS, TYPED_LINKS, keysMarkdown } from '../../src/docs/data-model-markdown.js';

const ROOT = join(import.meta.dirname, '../..');

/** Every TableSchema exported by a module of src/tables. */
async function schemasInSource(): Promise<Map<string, TableSchema>> {
  const out = new Map<string, TableSchema>();
  const dir = join(ROOT, 'src', 'tables');
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
    for (const v of Object.values((await import(join(dir, f))) as Record<string, unknown>)) {
      const s = v as TableSchema;
      if (s && typeof s === 'object' && typeof s.name === 'string' && Array.isArray(s.columns) && s.index instanceof Map) out.set(s.name, s);
    }
  }
  return out;
}

describe('docs/data-model.md', () => {
  it('has up-to-date generated blocks (regenerate: see src/docs/data-model-markdown.ts)', () => {
    const committed = readFileSync(join(ROOT, 'docs/data-model.md'), 'utf8');
    expect(renderDataModelDoc(committed)).toBe(committed);
  });

  it('groups every table of src/tables exactly once', async () => {
    const names = TABLE_GROUPS.flatMap((g) => g.tables.map((t) => t.name));
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual([...(await schemasInSource()).keys()].sort());
  });

  it('lists every schema FK and only links between existing columns', async () => {
    const schemas = await schemasInSource();
    const keys = keysMarkdown();
    let fks = 0;
    for (const s of schemas.values()) {
      for (const c of s.columns) {
        if (!c.references) continue;
        fks++;
        expect(keys).toContain(`| \`${s.name}.${c.name}\` | \`${c.references.table}.${c.references.column}\` |`);
      }
    }
    expect(fks).toBeGreaterThanOrEqual(40);
    const has = (ref: string): boolean => {
      const m = /^([a-z_]+)\.(?:\(([a-z_, ]+)\)|([a-z_]+))/.exec(ref);
      if (!m) return false;
      const s = schemas.get(m[1]);
      const cols = m[2] ? m[2].split(', ') : [m[3]];
      return s !== undefined && cols.every((c) => s.index.has(c));
    };
    for (const l of TYPED_LINKS) {
      expect(has(l.from), l.from).toBe(true);
      if (l.to !== 'group_currency') expect(has(l.to), l.to).toBe(true);
    }
  });

  it('fails loudly when a generated block is missing', () => {
    expect(() => renderDataModelDoc('# no markers')).toThrow(/block tables/);
  });
});
