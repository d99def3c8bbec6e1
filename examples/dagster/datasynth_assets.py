"""Dagster: a partitioned asset whose partitions are datasynth-pipe shards, launched with Pipes.

datasynth-pipe implements the Dagster Pipes protocol natively: launched by a PipesSubprocessClient it
reads the shard from `extras` (shard_index / shard_count), logs warnings and guard changes, reports
progress as custom messages and, after the commit, one asset materialization per asset key with row
counts, byte counts, config hash, seed, run id and output checksums. Outside Dagster it is a no-op.

    dagster dev -f datasynth_assets.py
"""
import os

from dagster import (
    AssetExecutionContext,
    Definitions,
    PipesSubprocessClient,
    StaticPartitionsDefinition,
    asset,
)

PIPELINE = "pipelines/p2p-o2c.yaml"
OUT = "/data/synthetic/ledger"
SHARDS = 4
shards = StaticPartitionsDefinition([str(i) for i in range(SHARDS)])


def shard_args(index: int, count: int, run_id: str) -> list:
    """The command each partition runs (also used by the tests)."""
    return ["npx", "datasynth-pipe", "run", PIPELINE, "--shard", f"{index}/{count}", "--run-id", run_id,
            "--out", OUT, "--if-exists", "overwrite"]


def commit_args(count: int) -> list:
    return ["npx", "datasynth-pipe", "commit", OUT, "--expect-shards", str(count)]


@asset(partitions_def=shards)
def ledger_shard(context: AssetExecutionContext, pipes_subprocess_client: PipesSubprocessClient):
    index = int(context.partition_key)
    return pipes_subprocess_client.run(
        command=shard_args(index, SHARDS, context.run_id),
        context=context,
        extras={"shard_index": index, "shard_count": SHARDS},
    ).get_materialize_result()


@asset(deps=[ledger_shard])
def synthetic_ledger(context: AssetExecutionContext, pipes_subprocess_client: PipesSubprocessClient):
    return pipes_subprocess_client.run(command=commit_args(SHARDS), context=context).get_materialize_result()


defs = Definitions(
    assets=[ledger_shard, synthetic_ledger],
    resources={"pipes_subprocess_client": PipesSubprocessClient(env={"PATH": os.environ.get("PATH", "")})},
)
