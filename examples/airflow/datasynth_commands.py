"""Command lines for fanning datasynth-pipe out over N shards and committing them.

Kept free of Airflow imports so the same builders serve Airflow, a shell script or a test:
every shard runs `datasynth-pipe run PIPELINE --shard i/N` into the same output root with the
same run id; one downstream `datasynth-pipe commit ROOT --expect-shards N` verifies the shard
manifests and objects and publishes manifest.json and _SUCCESS.
"""
import shlex

DATASYNTH = "npx datasynth-pipe"


def shard_command(pipeline: str, out: str, index: int, count: int, run_id: str, cli: str = DATASYNTH) -> str:
    """One shard: partitions p = index (mod count) of every source; a retry rewrites identical bytes."""
    return (
        f"{cli} run {shlex.quote(pipeline)} --shard {index}/{count} --run-id {shlex.quote(run_id)}"
        f" --out {shlex.quote(out)} --if-exists overwrite --progress ndjson"
    )


def shard_commands(pipeline: str, out: str, count: int, run_id: str, cli: str = DATASYNTH) -> list:
    return [shard_command(pipeline, out, i, count, run_id, cli) for i in range(count)]


def commit_command(out: str, count: int, cli: str = DATASYNTH) -> str:
    """The downstream step: checks every shard, merges manifests, writes _SUCCESS last."""
    return f"{cli} commit {shlex.quote(out)} --expect-shards {count}"
