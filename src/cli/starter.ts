/** The pipeline `datasynth-pipe init` writes: small, commented, runs as is. */
export const STARTER_PIPELINE = `# datasynth-pipe pipeline — see README.md for every key.
# Run:  npx datasynth-pipe run pipeline.yaml
version: 1
seed: 42                       # same seed + same config = byte-identical data
period: { start: 2025-01-01, months: 12 }
companies:
  - { code: "1000", name: Acme US, currency: USD, country: US, volume: 20000 }
  - { code: "2000", name: Acme DE, currency: EUR, country: DE, volume: 8000 }
sources:
  companies: { type: companies }
  coa: { type: chart_of_accounts, complexity: small }
  gl: { type: journal_entries }
sinks:
  out: { type: file, inputs: [companies, coa, gl], path: ./out, format: csv }
`;
