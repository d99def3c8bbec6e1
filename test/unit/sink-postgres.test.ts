/** The PostgreSQL sink's own logic, without a server: record counting, DDL, type checks, URLs, options. */
import { describe, expect, it } from 'vitest';
import '../../src/plugins.js';
import { CsvRecordCounter } from '../../src/provenance/verify.js';
import { loadConfigText } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { defineTable } from '../../src/engine/schema.js';
import { journalEntryLines } from '../../src/tables/journal.js';
import { Rng } from '../../src/random/rng.js';
import {
  FastCsvRecordCounter, compatibilityProblems, createTableSql, outputUri, pgLocation, postgresSinkOptionsSchema, redactPgText, shadowTableName, typeAccepts,
} from '../../sinks/postgres/index.js';

describe('FastCsvRecordCounter', () => {
  it('counts exactly like verify\'s CsvRecordCounter for quoted fields, embedded LFs/CRs and any chunking', () => {
    const rng = new Rng(new Uint8Array(32).fill(7));
    const alphabet = ['a', 'b', ',', '"', '\n', '\r', 'é', ' '];
    for (let trial = 0; trial < 300; trial++) {
      let text = '';
      const len = rng.int(0, 400);
      for (let i = 0; i < len; i++) text += alphabet[rng.int(0, alphabet.length - 1)];
      const bytes = Buffer.from(text);
      const ref = new CsvRecordCounter();
      ref.push(bytes);
      const fast = new FastCsvRecordCounter();
      for (let i = 0; i < bytes.length;) {
        const n = rng.int(1, 40);
        fast.push(bytes.subarray(i, i + n));
        i += n;
      }
      expect(fast.finish(), JSON.stringify(text)).toBe(ref.finish());
    }
  });

  it('counts header + rows of real CSV (quotes around embedded newlines do not end records)', () => {
    const c = new FastCsvRecordCounter();
    c.push(Buffer.from('id,text\n1,"a\nb"\n2,""\n3,\n'));
    expect(c.finish()).toBe(4);
  });
});

describe('DDL and compatibility', () => {
  it('maps each type and nullability, adds run columns, no key constraint', () => {
    const sql = createTableSql('synth', journalEntryLines, true).join(';\n');
    expect(sql).toMatch(/CREATE TABLE "synth"\."journal_entry_lines"/);
    expect(sql).toMatch(/"debit_amount" NUMERIC\(18,2\) NOT NULL/);
    expect(sql).toMatch(/"exchange_rate" NUMERIC\(18,6\) NOT NULL/);
    expect(sql).toMatch(/"created_at" TIMESTAMP NOT NULL/);
    expect(sql).toMatch(/"posting_date" DATE NOT NULL/);
    expect(sql).toMatch(/"is_manual" BOOLEAN NOT NULL/);
    expect(sql).toMatch(/"line_number" INTEGER NOT NULL/);
    expect(sql).toMatch(/"vendor_id" TEXT,/);
    expect(sql).toMatch(/"_dsp_run_id" UUID NOT NULL/);
    expect(sql).not.toMatch(/PRIMARY KEY|UNIQUE/);
    expect(createTableSql('s', journalEntryLines, false).join(';')).not.toMatch(/_dsp_/);
  });

  it('accepts exact targets and refuses lossy ones', () => {
    const col = (type: 'money' | 'decimal6' | 'timestamp' | 'string' | 'int' | 'bool' | 'date') => ({ name: 'x', type, nullable: false, nullableByDesign: false, freeText: false, description: '' });
    expect(typeAccepts(col('money'), 'numeric(18,2)')).toBe(true);
    expect(typeAccepts(col('money'), 'numeric')).toBe(true);
    expect(typeAccepts(col('money'), 'numeric(10,0)')).toBe(false);
    expect(typeAccepts(col('money'), 'double precision')).toBe(false);
    expect(typeAccepts(col('money'), 'money')).toBe(false);
    expect(typeAccepts(col('decimal6'), 'numeric(18,2)')).toBe(false);
    expect(typeAccepts(col('timestamp'), 'timestamp with time zone')).toBe(true);
    expect(typeAccepts(col('timestamp'), 'date')).toBe(false);
    expect(typeAccepts(col('string'), 'uuid')).toBe(true);
    expect(typeAccepts(col('string'), 'integer')).toBe(false);
    expect(typeAccepts(col('int'), 'bigint')).toBe(true);
    expect(typeAccepts(col('bool'), 'text')).toBe(true);
    expect(typeAccepts(col('date'), 'character varying(10)')).toBe(true);
  });

  it('reports missing columns, wrong types, missing run columns and unfillable extra columns', () => {
    const t = defineTable('t', 'd', [['a', { type: 'int', description: '' }], ['b', { type: 'money', description: '' }]]);
    const problems = compatibilityProblems(t, [
      { name: 'b', type: 'date', notNull: false, hasDefault: false, defaultExpr: null },
      { name: 'extra', type: 'text', notNull: true, hasDefault: false, defaultExpr: null },
    ], true);
    expect(problems.join('\n')).toMatch(/missing column a/);
    expect(problems.join('\n')).toMatch(/column b is date, which cannot hold money values/);
    expect(problems.join('\n')).toMatch(/missing run columns _dsp_run_id, _dsp_partition/);
    expect(problems.join('\n')).toMatch(/column extra is NOT NULL without a default/);
    expect(compatibilityProblems(t, [
      { name: 'a', type: 'integer', notNull: true, hasDefault: false, defaultExpr: null },
      { name: 'b', type: 'numeric(18,2)', notNull: true, hasDefault: false, defaultExpr: null },
      { name: 'note', type: 'text', notNull: false, hasDefault: false, defaultExpr: null },
    ], false)).toEqual([]);
  });

  it('names the replace shadow <table>__dsp_<8 hex of the run id>', () => {
    expect(shadowTableName('gl', '0A1B2C3D-0000-4000-8000-000000000000')).toBe('gl__dsp_0a1b2c3d');
  });
});

describe('URLs and secrets', () => {
  it('redacts userinfo passwords, password= parameters and the literal password', () => {
    expect(redactPgText('postgres://u:pw1@h/db')).toBe('postgres://u:***@h/db');
    expect(redactPgText('postgresql://h/db?sslmode=require&password=abc&x=1')).toBe('postgresql://h/db?sslmode=require&password=***&x=1');
    expect(redactPgText('auth failed for secretpw', ['secretpw'])).toBe('auth failed for ***');
  });

  it('builds a credential-free output URI with libpq defaults', () => {
    const loc = pgLocation('postgresql://user:pw@db.example:6432/finance?sslmode=require');
    expect(outputUri(loc, 'synth', 'journal_entry_lines')).toBe('postgresql://db.example:6432/finance#synth.journal_entry_lines');
    expect(pgLocation('postgres://alice@localhost').database).toBe('alice');
    expect(pgLocation('postgres://h/db').port).toBe(5432);
  });

  it('marks url secret and runtime-only; mode, schema runtime-only; format, tables, layout hashed', () => {
    const p = postgresSinkOptionsSchema.properties as Record<string, Record<string, unknown>>;
    expect(p.url['x-dsp-secret']).toBe(true);
    expect(p.url['x-dsp-runtime']).toBe(true);
    expect(p.mode['x-dsp-runtime']).toBe(true);
    expect(p.schema['x-dsp-runtime']).toBe(true);
    expect(p.format['x-dsp-runtime']).toBeUndefined();
    expect(p.tables).toMatchObject({ minItems: 1, uniqueItems: true });
    expect(postgresSinkOptionsSchema.additionalProperties).toBe(false);
  });

  const yaml = (sink: string): string => `version: 1
seed: 1
period: { start: 2025-01-01, months: 1 }
companies:
  - { code: "1000", name: Acme, currency: USD, country: US, volume: 100 }
sources:
  gl: { type: journal_entries }
sinks:
  pg: { type: postgres, inputs: [gl], ${sink} }
`;

  it('the config loader requires url and records it as *** (never in the hashed snapshot)', () => {
    expect(() => loadConfigText(yaml('mode: append'), { file: 'p.yaml', env: {} })).toThrow(ConfigError);
    const loaded = loadConfigText(yaml('url: "${DATABASE_URL}", mode: replace'), { file: 'p.yaml', env: { DATABASE_URL: 'postgresql://u:hunter22@h/db' } });
    expect(JSON.stringify({ s: loaded.snapshot, r: loaded.runtime, c: loaded.canonical })).not.toContain('hunter22');
    expect((loaded.runtime as { sinks: { pg: { url: string } } }).sinks.pg.url).toBe('***');
    const other = loadConfigText(yaml('url: "postgresql://other/db", mode: append'), { file: 'p.yaml', env: {} });
    // Where and how to load is runtime-only: the same data hashes the same.
    expect(other.hash).toBe(loaded.hash);
  });
});
