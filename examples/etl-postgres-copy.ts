/**
 * ETL embedding example: stream `journal_entries` lines from `source()` through your own transform
 * (here: expense lines only, reshaped to a narrow reporting row) into PostgreSQL with COPY — with
 * backpressure end to end (a slow database slows the generator; memory stays flat).
 *
 *   npm run build && DATABASE_URL=postgres://user@127.0.0.1:5432/db node dist/examples/etl-postgres-copy.js
 */
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { source, type Row } from 'datasynth-pipe';

/** COPY text format: `\N` is NULL; backslash, tab, newline and carriage return are escaped. */
function copyField(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  return String(v).replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/** Your transform: keeps expense lines (accounts 5xxx–7xxx) and writes COPY text rows. */
class ExpenseRows extends Transform {
  kept = 0;
  constructor() {
    super({ writableObjectMode: true, readableObjectMode: false, writableHighWaterMark: 1024 });
  }
  override _transform(line: Row, _enc: BufferEncoding, cb: TransformCallback): void {
    const account = String(line.gl_account);
    if (account < '5' || account >= '8') return cb();
    this.kept++;
    // A null cost center must become \N itself, not the escaped text "\\N" (which COPY stores as a string).
    const fields = [line.document_id, line.line_number, line.company_code, line.posting_date, account, line.cost_center, line.debit_amount, line.credit_amount];
    cb(null, fields.map(copyField).join('\t') + '\n');
  }
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('set DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/postgres');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS expense_lines (
      document_id text NOT NULL, line_number integer NOT NULL, company_code text NOT NULL, posting_date date NOT NULL,
      gl_account text NOT NULL, cost_center text, debit numeric(18,2) NOT NULL, credit numeric(18,2) NOT NULL)`);
    await client.query('TRUNCATE expense_lines');
    const lines = source('journal_entries', {
      id: 'gl',
      seed: 42,
      period: { start: '2025-01-01', months: 2 },
      companies: [{ code: '1000', name: 'Acme US', currency: 'USD', country: 'US', volume: 24000 }],
    });
    const expenses = new ExpenseRows();
    await pipeline(lines, expenses, client.query(copyFrom('COPY expense_lines FROM STDIN')));
    const { rows } = await client.query<{ n: string; debit: string; credit: string }>(
      'SELECT count(*) AS n, sum(debit) AS debit, sum(credit) AS credit FROM expense_lines');
    console.log(`${expenses.kept} expense lines copied; table holds ${rows[0].n} rows, debit ${rows[0].debit}, credit ${rows[0].credit}`);
  } finally {
    await client.end();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
