"""Airflow DAG: generate a synthetic ledger on N parallel shards, then commit.

Dynamic task mapping (`.partial(...).expand(...)`, Airflow >= 2.3) runs one BashOperator per shard;
`{{ run_id }}` gives every shard the same run id (datasynth-pipe maps Airflow's non-UUID run ids to a
stable UUID). Keep N <= max_map_length (1024). The commit task runs once all shards succeeded; a failed
shard can be cleared and retried alone — it rewrites identical bytes.

Copy this file and datasynth_commands.py into your dags/ folder; the workers need Node >= 20 and the
package (`npm i datasynth-pipe`) or `npx`.
"""
from datetime import datetime

from airflow import DAG
from airflow.operators.bash import BashOperator

from datasynth_commands import commit_command, shard_command

PIPELINE = "/opt/datasynth/pipelines/p2p-o2c.yaml"
OUT = "/data/synthetic/{{ ds_nodash }}"
SHARDS = 8

with DAG(
    dag_id="datasynth_ledger",
    start_date=datetime(2026, 1, 1),
    schedule=None,
    catchup=False,
    tags=["synthetic-data"],
) as dag:
    shards = BashOperator.partial(
        task_id="generate_shard",
        retries=2,
    ).expand(
        bash_command=[shard_command(PIPELINE, OUT, i, SHARDS, "{{ run_id }}") for i in range(SHARDS)],
    )

    commit = BashOperator(
        task_id="commit",
        bash_command=commit_command(OUT, SHARDS),
    )

    shards >> commit
