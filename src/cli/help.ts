/** `--help` texts: every option documented, with examples. */
export const HELP = `datasynth-pipe — deterministic synthetic accounting data, streamed to files

Usage: datasynth-pipe <command> [options]

Commands:
  run <pipeline.yaml>       generate the data and write outputs, manifest.json and _SUCCESS
  validate <pipeline.yaml>  check a pipeline file; report every error at once (exit 1 if invalid)
  verify <out-dir>          re-read every output and check size, SHA-256 and rows against the manifest
  commit <out-dir> --expect-shards N
                            after 'run --shard i/N' on N machines: check every shard and object, merge the
                            shard manifests, write manifest.json and _SUCCESS (last)
  report <out-dir>          write report.html: gate results and charts of a finished run (offline page)
  init [path]               write a starter pipeline.yaml (default ./pipeline.yaml)
  inspect [plan|config] <pipeline.yaml> | inspect gates <out>
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
  datasynth-pipe run big.yaml --workers 2                 # all cores of one machine
  datasynth-pipe run big.yaml --shard 3/8 --run-id $RUN   # one of 8 machines; then:
  datasynth-pipe commit ./out --expect-shards 8
  datasynth-pipe report ./out && xdg-open out/report.html
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
  --run-id ID              the run id in the manifest (default: DSP_RUN_ID, Dagster's, AWS Batch's, else a
                           random UUID; shards without one derive a shared id and warn). Non-UUID ids
                           (e.g. Airflow's) map to a stable UUID v8
  --audit-log PATH         also append the run log to PATH, a host log whose hash chain spans runs
                           (env DSP_AUDIT_LOG; one writer at a time via PATH.lock). Every run writes
                           its own chained log to <out>/_runlog/<start>-<attempt>.jsonl regardless
  --metrics-listen H:P     serve Prometheus metrics at http://H:P/metrics and readiness at /ready
                           (e.g. 127.0.0.1:9464; config 'metrics.listen')
  --metrics-file PATH      rewrite PATH atomically with the metrics each interval (node-exporter
                           textfile collector; config 'metrics.file')
  --log-level LEVEL        structured JSON logs on stderr: fatal | error | warn (default) | info |
                           debug | trace | silent
  --no-signal-pause        do not treat SIGUSR1 as pause/resume (leave it to Node's inspector)
  --gates MODE             enforce (default) | warn | off: quality gates after the run. enforce: a failed
                           gate fails the run (exit 2, no _SUCCESS); warn: only DSP_WARN_GATES_FAILED
                           (exit 0); off: no gates. Results in <out>/gates.json and a table on stderr
  -w, --workers N          generate and encode whole partitions on N worker threads (0 = in-process,
                           default; config 'runtime.workers'); the files are byte-identical for any N
  --shard I/N              run only the logical partitions p ≡ I (mod N) of every source, as shard I of N
                           machines or pods; writes <out>/_manifests/shard-I-of-N.json, never manifest.json
                           or _SUCCESS (run 'datasynth-pipe commit <out> --expect-shards N' afterwards).
                           Needs layout: partitioned. Detected without the flag from DSP_SHARD_INDEX +
                           DSP_SHARD_COUNT, JOB_COMPLETION_INDEX (Kubernetes Indexed Job) + DSP_SHARD_COUNT,
                           AWS_BATCH_JOB_ARRAY_INDEX (+ _SIZE) or Dagster Pipes extras; sources that disagree
                           fail with DSP_SHARD_CONFLICT (exit 1)
  --shard-index I, --shard-count N
                           the same as --shard I/N, in two flags (--shard-count also completes
                           JOB_COMPLETION_INDEX)
  --gates-profile NAME     default (default) | strict | lenient | none (only custom gates): the
                           thresholds of config 'gates:' (overrides and custom gates still apply)
  -q, --quiet              no summary; progress 'auto' becomes 'none'
  -h, --help               this help

Signals: SIGINT/SIGTERM stop at the next batch: uncommitted outputs are removed, the manifest says
'aborted', exit 75 (in-flight work gets 'shutdown.grace_ms', default 20 s). A second signal exits at
once (130/143). SIGUSR1 pauses the sources; a second SIGUSR1 resumes them (the data is the same).

Resource guard ('guard:' in the file): when memory or disk get tight the run first halves its
in-flight budget, then pauses the sources until the pressure falls, and at Emergency stops gracefully
(exit 75, DSP_GUARD_EMERGENCY). See docs/running-big-jobs.md.

Examples:
  datasynth-pipe run pipelines/demo.yaml
  datasynth-pipe run pipelines/demo.yaml --out /tmp/demo --if-exists overwrite
  datasynth-pipe run pipelines/demo.yaml --gates-profile strict --gates warn
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
V09 content marking in place (sidecar, Parquet footer, Arrow metadata, CSV preamble), V10 prov.json matches
the manifest and passes the PROV checks, V11 gates.json matches the manifest, V12 files the manifest does
not list (warning), V14 run log chain (_runlog/*.jsonl: every line parses,
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
  commit: `Usage: datasynth-pipe commit <out-dir> --expect-shards N [options]

The downstream step after a fan-out ('run … --shard i/N' on N machines or pods, all into the same output
root). Checks that shards 0…N−1 all wrote a complete shard manifest (_manifests/shard-*-of-*.json) with the
same run id, config hash, seed, tool version and partition plan; that every logical partition of every table
is covered exactly once; that every listed local object exists with its size and SHA-256; and that no
unlisted file sits among the outputs. Then merges the shard manifests into manifest.json and writes _SUCCESS
last (create-only). Nothing is published when a check fails. Committing the same shards again is a no-op.

Options:
  --expect-shards N     the shard count the runs used (required)
  --allow-partial       merge what is complete into an 'incomplete' manifest; no _SUCCESS
  --allow-extra         publish despite unlisted files among the outputs (warning DSP_WARN_EXTRA_FILES)
  --no-check-outputs    skip re-hashing the listed local objects (existence and size are still checked
                        by 'verify' later)
  --format text|json    summary format on stdout (default text)
  -q, --quiet           no summary
Exit codes: 0 committed (or already committed) · 3 a check failed, nothing published
            (DSP_SHARDS_MISSING, DSP_COMMIT_CHECK_FAILED, DSP_NONDETERMINISM, DSP_ALREADY_COMMITTED) · 1 bad arguments

Examples:
  for i in 0 1 2; do datasynth-pipe run big.yaml --shard $i/3 --run-id $RUN --out /data/run; done
  datasynth-pipe commit /data/run --expect-shards 3
`,
  report: `Usage: datasynth-pipe report <out-dir> [options]

Renders a finished run (manifest.json, gates.json and profile.json of its control root) into one
self-contained HTML page: the run's identity and tables, the quality-gate results, the first-digit
distribution against Benford, the amount distribution (log scale), lines per entry, entries per day and
month with period-end peaks, the anomaly and data-quality mix and the document-chain funnel. Inline SVG and
CSS, no script, no network.

Options:
  -o, --output PATH     where to write the page (default <out-dir>/report.html)
  -q, --quiet           no summary
Exit codes: 0 written · 1 no manifest.json in <out-dir>

Example:
  datasynth-pipe run pipelines/demo.yaml && datasynth-pipe report out
`,
  init: `Usage: datasynth-pipe init [path] [options]

Writes a commented starter pipeline (default ./pipeline.yaml) that runs as is.

Options:
  -f, --force   overwrite an existing file
Example:
  datasynth-pipe init my-pipeline.yaml && datasynth-pipe run my-pipeline.yaml
`,
  inspect: `Usage: datasynth-pipe inspect [plan|config] <pipeline.yaml> [options]
       datasynth-pipe inspect gates <out> [--gates-profile P] [--gates warn|enforce] [--format text|json]

plan (default): sources with their logical partitions, sinks with their outputs, tables with planned rows.
config: the canonical config (RFC 8785 JSON of everything that can change a data byte) and its SHA-256.
gates: re-evaluates the quality-gate states a finished run stored (_manifests/*.gates-state.json; a
  committed sharded run's merged state) under another profile, without reading the data again or writing
  anything. Exit 2 when a gate fails (unless --gates warn), 1 when the run stored no state (gates off).

Options:
  --seed N, --set key=value   as for 'run'
  --no-marking                as for 'run' (changes config_hash)
  -o, --out DIR               as for 'run' (affects where outputs would go)
  --format text|json          output format (default text)
  --gates-profile P           gates: strict | default | lenient | none (default: the run's profile)
  --gates warn|enforce        gates: enforce (default) exits 2 on a failure; warn only reports
Examples:
  datasynth-pipe inspect pipelines/demo.yaml --format json
  datasynth-pipe inspect gates ./out --gates-profile strict
`,
  schema: `Usage: datasynth-pipe schema [options]

Prints the JSON Schema of pipeline.yaml, generated from the same schema the validator uses.
Point your editor at it (e.g. a '# yaml-language-server: $schema=./pipeline.schema.json' comment).

Options:
  --format json|markdown   json (default): the JSON Schema; markdown: the option reference (docs/options.md)
  -o, --out PATH           write to PATH instead of stdout
`,
};
