/**
 * Embedding example: stream journal-entry lines from the `journal_entries`
 * generator into your own code (here: a trial balance per company and account),
 * with backpressure — nothing is written to disk.
 *
 *   npm run build && node dist/examples/stream-journal-entries.js
 */
import { source } from 'datasynth-pipe';

async function main(): Promise<void> {
  const lines = source('journal_entries', {
    id: 'gl', // the id a pipeline.yaml would give it: random streams derive from it
    seed: 42,
    period: { start: '2025-01-01', months: 1 },
    companies: [
      { code: '1000', name: 'Acme US', currency: 'USD', country: 'US', volume: 12000 },
      { code: '2000', name: 'Acme DE', currency: 'EUR', country: 'DE', volume: 6000 },
    ],
  });

  // Trial balance in integer cents (row values are JS numbers with 2 decimals).
  const balances = new Map<string, number>();
  let count = 0;
  for await (const line of lines) {
    const key = `${line.company_code} ${line.gl_account}`;
    const cents = Math.round(Number(line.debit_amount) * 100) - Math.round(Number(line.credit_amount) * 100);
    balances.set(key, (balances.get(key) ?? 0) + cents);
    count++;
  }
  const total = [...balances.values()].reduce((a, b) => a + b, 0);
  console.log(`${count} lines, ${balances.size} company/account balances, total debit - credit = ${(total / 100).toFixed(2)}`);
  for (const [key, cents] of [...balances].sort(([a], [b]) => (a < b ? -1 : 1)).slice(0, 5)) {
    console.log(`${key.padEnd(12)} ${(cents / 100).toFixed(2).padStart(16)}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
