/** Shipped pipelines validate, and the embedding example runs as documented. */
import { describe, it, expect } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, REPO } from '../support/cli.js';

describe('pipelines/', () => {
  for (const file of readdirSync(join(REPO, 'pipelines')).filter((f) => f.endsWith('.yaml'))) {
    it(`${file} validates`, async () => {
      const r = await runCli(['validate', join('pipelines', file)], { env: { DATABASE_URL: 'postgres://user:pw@127.0.0.1:5432/db', S3_ENDPOINT: 'http://127.0.0.1:9000', GCS_ENDPOINT: 'http://127.0.0.1:4443' } });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    });
  }
});

describe('examples/', () => {
  it('stream-journal-entries: a balanced trial balance from source()', async () => {
    const r = await runCli([], { command: [process.execPath, join(REPO, 'dist/examples/stream-journal-entries.js')] });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // Every entry is balanced, so the whole ledger nets to zero.
    expect(r.stdout).toMatch(/^\d+ lines, \d+ company\/account balances, total debit - credit = 0\.00$/m);
  });
});
