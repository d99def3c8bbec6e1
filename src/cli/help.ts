/** `--help` texts: every option documented, with examples. */
export const HELP = `datasynth-pipe — deterministic synthetic accounting data, streamed to files

Usage: datasynth-pipe <command> [options]

Commands:
  run <pipeline.yaml>       generate the data and write outputs, manifest.json and _SUCCESS
  validate <pipeline.yaml>  check a pipeline file; report every error at once (exit 1 if invalid)
  verify <out-dir>          re-read every output and check size, SHA-256 and rows against the manifest
  init [path]               write a starter pipeline.yaml (default ./pipeline.yaml)
  inspect [plan|config] <pipeline.yaml>
                            show the plan (tables, partitions, planned rows) or the canonical config + hash
  schema                    print the JSON Schema of pipeline.yaml (for editor completion)

Global options:
  -h, --help                help for a command: datasynth-pipe run --help
  -V, --version             print the version

Examples:
  datasynth-pipe run pipelines/demo.yaml
  datasynth-pipe run pipelines/demo.yaml --seed 7 --out /tmp/run7 --progress ndjson
  datasynth-pipe validate pipeline.yaml
  datasynth-pipe verify ./out
  datasynth-pipe schema > pipeline.schema.json

Exit codes: 0 success · 1 invalid input (config, arguments, unreadable manifest) · 2 quality gate failed ·
            3 sink or I/O failure, verify mismatch · 75 stopped on purpose (signal; nothing partial left) ·
            130/143 second SIGINT/SIGTERM
`;

export const COMMAND_HELP: Record<string, string> = {
  run: `Usage: datasynth-pipe run <pipeline.yaml> [options]

Generates every source, streams it through the transforms into the sinks, hashes every output while
writing, commits each output atomically, then writes manifest.json and _SUCCESS (last).

Options:
  --seed N                 master seed 0…2^64−1 (overrides 'seed:' in the file; not part of config_hash)
  --set key.path=value     override one config value (repeatable), e.g. --set period.months=3
  --no-marking             do not mark outputs as synthetic (EU AI Act Art. 50 credential); same as
                           --set marking.enabled=false, so it changes config_hash; the manifest records it
  -o, --out DIR            output root: control files and file-sink paths land under it
                           (a sink path './out' or relative path is placed inside DIR)
  --if-exists MODE         fail (default) | overwrite: what to do when outputs of an earlier run exist
  --progress MODE          auto (default: bar on a terminal, none otherwise) | bar | ndjson | none
                           (always on stderr; ndjson = one JSON event per line for orchestrators)
  --progress-interval MS   interval of ndjson 'progress' events (default 1000)
  --run-id UUID            use this run id in the manifest (default: a random UUID)
  --audit-log PATH         also append the run log to PATH, a host log whose hash chain spans runs
                           (env DSP_AUDIT_LOG; one writer at a time via PATH.lock). Every run writes
                           its own chained log to <out>/_runlog/<start>-<attempt>.jsonl regardless
  -q, --quiet              no summary; progress 'auto' becomes 'none'
  -h, --help               this help

Signals: SIGINT/SIGTERM stop at the next batch: uncommitted outputs are removed, the manifest says
'aborted', exit 75. A second signal exits at once (130/143).

Examples:
  datasynth-pipe run pipelines/demo.yaml
  datasynth-pipe run pipelines/demo.yaml --out /tmp/demo --if-exists overwrite
  datasynth-pipe run big.yaml --seed 42 --set sinks.out.format=ndjson --progress ndjson 2> progress.ndjson
`,
  validate: `Usage: datasynth-pipe validate <pipeline.yaml> [options]

Parses, interpolates \${VAR} / \${VAR:-default}, validates keys, types and the source → transform → sink
graph, and reports every problem at once with its key path and file:line:col. Writes nothing.

Options:
  --seed N, --set key=value   as for 'run'
  --no-marking                as for 'run' (changes config_hash)
  --format text|json          output format (default text)
  -q, --quiet                 print nothing when valid
Exit codes: 0 valid · 1 invalid

Example:
  DATABASE_URL=postgres://localhost/dev datasynth-pipe validate pipeline.yaml
`,
  verify: `Usage: datasynth-pipe verify <out-dir> [options]

Checks a finished run against its manifest: V01 manifest readable, V02 _SUCCESS matches it, V03 status
complete, V04 config hash matches the snapshot, V05 output exists, V06 size, V07 SHA-256, V08 row count,
V12 files the manifest does not list (warning), V14 run log chain (_runlog/*.jsonl: every line parses,
seq contiguous, prev_hash links, hashes recompute, and the chain reaches the manifest's run_log anchor;
a changed, deleted or moved line is reported with its line number).

Options:
  --quick               existence and size only (no re-hashing)
  --strict              warnings fail too
  --allow-incomplete    accept a run without _SUCCESS / not complete (reported as warnings)
  --format text|json    report format on stdout (default text)
  --report PATH         also write the JSON report to PATH
  --audit-log PATH      check only the hash chain of a host audit log (no output directory)
  -q, --quiet           no text report
Exit codes: 0 all checks passed · 3 a check failed · 1 manifest unusable or bad arguments

Examples:
  datasynth-pipe verify ./out --format json --report verify.json
  datasynth-pipe verify --audit-log /var/log/datasynth/audit.jsonl
`,
  init: `Usage: datasynth-pipe init [path] [options]

Writes a commented starter pipeline (default ./pipeline.yaml) that runs as is.

Options:
  -f, --force   overwrite an existing file
Example:
  datasynth-pipe init my-pipeline.yaml && datasynth-pipe run my-pipeline.yaml
`,
  inspect: `Usage: datasynth-pipe inspect [plan|config] <pipeline.yaml> [options]

plan (default): sources with their logical partitions, sinks with their outputs, tables with planned rows.
config: the canonical config (RFC 8785 JSON of everything that can change a data byte) and its SHA-256.

Options:
  --seed N, --set key=value   as for 'run'
  --no-marking                as for 'run' (changes config_hash)
  -o, --out DIR               as for 'run' (affects where outputs would go)
  --format text|json          output format (default text)
Example:
  datasynth-pipe inspect pipelines/demo.yaml --format json
`,
  schema: `Usage: datasynth-pipe schema [options]

Prints the JSON Schema of pipeline.yaml, generated from the same schema the validator uses.
Point your editor at it (e.g. a '# yaml-language-server: $schema=./pipeline.schema.json' comment).

Options:
  --format json|markdown   json (default): the JSON Schema; markdown: the option reference (docs/options.md)
  -o, --out PATH           write to PATH instead of stdout
`,
};
