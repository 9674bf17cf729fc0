"""The production path under Airflow's real services (``make test-stack``): the scheduler
runs the ingestion DAGs on their schedule, the warehouse DAG on their Assets, and the
evaluation triggered through the REST API publishes the expected marts. Once with the
LocalExecutor, once with the CeleryExecutor and two workers on a local Redis."""

from __future__ import annotations

import json
import os

import pytest
from support.stack import Airflow, Redis
from support.warehouse import EXPECTED, query

from monev.db.cluster import EmbeddedPostgres
from monev.evaluation.export import export
from monev.evaluation.period import EvaluationPeriod
from monev.orchestration.demo import serve_sample_form_records, stage_samples

pytestmark = pytest.mark.stack
DAGS = {"monev_ingest_drop", "monev_ingest_kobo", "monev_warehouse", "monev_evaluate",
        "monev_backup", "monev_monitor"}


@pytest.fixture
def instance(tmp_path, monkeypatch):
    """A MONEV_HOME of its own (warehouse and Airflow metadata), the samples in its drop
    folder, and the form API stand-in as its ``monev_kobo`` connection."""
    home = tmp_path / "home"
    home.mkdir()
    os.chmod(tmp_path, 0o755)
    os.chmod(home, 0o755)
    monkeypatch.setenv("MONEV_HOME", str(home))
    cluster = EmbeddedPostgres(home)
    endpoint = cluster.start()
    drop = stage_samples(tmp_path / "drop")
    server = serve_sample_form_records()  # sets MONEV_KOBO_TOKEN
    # the templates through worker processes, as at national scale, in the task processes
    # of the scheduler's executor and of the Celery workers
    env = {"MONEV_HOME": str(home), "MONEV_DROP_URL": drop.as_uri(),
           "MONEV_TEMPLATE_POOL_FROM": "1",
           "AIRFLOW_CONN_MONEV_KOBO": json.dumps({
               "conn_type": "http", "host": server.base_url,
               "extra": {"asset_uid": server.asset_uid}})}
    yield {"endpoint": endpoint, "env": env, "work": tmp_path}
    server.stop()
    cluster.remove()


def run_chain(airflow: Airflow, instance: dict, trigger_through_api: bool) -> dict:
    """Let the scheduler work: the ingestion DAGs on their schedule, the warehouse on their
    Assets, the annual evaluation on its own (unpaused, it runs its latest slot: 1 February
    2026, 02:00 WIB, the year 2025, inputs refreshed first), and, when asked, an evaluation
    triggered through the REST API after it. Returns the runs checked."""
    airflow.wait_ready(DAGS)
    airflow.unpause("monev_warehouse")  # a paused DAG is not queued for Asset events
    for dag_id in ("monev_ingest_drop", "monev_ingest_kobo"):
        airflow.unpause(dag_id)  # their latest slot runs at once
    for dag_id in ("monev_ingest_drop", "monev_ingest_kobo"):
        airflow.wait_run(dag_id, 600, run_type="scheduled")
        airflow.pause(dag_id)  # once is enough here: the next slot would build again
    # each Asset event starts a run or queues one: the last run, once none is left to
    # start, has seen both inputs
    warehouse = airflow.wait_settled("monev_warehouse", 2400)
    airflow.pause("monev_warehouse")
    templates = list((instance["work"] / "home" / "outbox").glob("*/Laporan_*_S?_*.xlsx"))
    assert templates and all(p.stat().st_size > 0 for p in templates)
    airflow.unpause("monev_evaluate")
    runs = {"monev_warehouse": warehouse["dag_run_id"]}
    if trigger_through_api:
        run_id = airflow.trigger("monev_evaluate", {"year": 2025, "refresh_inputs": False})
    annual = airflow.wait_run("monev_evaluate", 2400, run_type="scheduled")
    assert annual["logical_date"].startswith("2026-01-31T19:00:00")
    runs["monev_evaluate"] = annual["dag_run_id"]
    # what runs on 1 February: an ingestion pass and a full form sweep first (the
    # connection from the environment), then warehouse, evaluation, gate, publish, report
    states = {t["task_id"]: t["state"]
              for t in airflow.task_instances("monev_evaluate", annual["dag_run_id"])}
    assert states["sweep_form_records"] == "success" and states["inputs_current"] == "skipped"
    assert states["gate"] == "success" and states["report"] == "success"
    assert query(instance["endpoint"].url(), "SELECT mode, complete FROM raw.kobo_sync"
                 " WHERE airflow_run_id = %s", [annual["dag_run_id"]]) == [("full", True)]
    if trigger_through_api:
        airflow.wait_run("monev_evaluate", 1800, run_id=run_id)
        runs["monev_evaluate (API)"] = run_id
    url = instance["endpoint"].url()
    for name, run_id in runs.items():
        if name.startswith("monev_evaluate"):
            [(published,)] = query(url, "SELECT count(*) FROM audit.publication"
                                        " WHERE airflow_run_id = %s", [run_id])
            assert published == 1, name
    out = instance["work"] / "export"
    export(instance["endpoint"].url("monev_auditor"), EvaluationPeriod.of(2025), out)
    for path in sorted(EXPECTED.glob("*_2025.csv")):
        assert (out / path.name).read_bytes() == path.read_bytes(), path.name
    return runs


def tasks_by_host(airflow: Airflow, runs: dict) -> dict[str, list[str]]:
    ran_on: dict[str, list[str]] = {}
    for name, run_id in runs.items():
        dag_id = name.split()[0]
        for t in airflow.task_instances(dag_id, run_id):
            if t["state"] == "success":
                ran_on.setdefault(t["hostname"], []).append(f"{dag_id}.{t['task_id']}")
    return ran_on


def test_the_scheduler_runs_the_chain_with_the_local_executor(instance):
    airflow = Airflow(instance["env"])
    try:
        runs = run_chain(airflow, instance, trigger_through_api=True)
        assert len(runs) == 3  # the warehouse, the annual evaluation, the API's
    finally:
        airflow.stop()


def test_celery_workers_share_the_chain(instance):
    redis = Redis(instance["work"])
    airflow = Airflow({**instance["env"], "MONEV_AIRFLOW_EXECUTOR": "CeleryExecutor",
                       "AIRFLOW__CELERY__BROKER_URL": redis.url, "MONEV_CELERY_WORKERS": "2"})
    try:
        runs = run_chain(airflow, instance, trigger_through_api=False)
        ran_on = tasks_by_host(airflow, runs)
        print({host: len(tasks) for host, tasks in ran_on.items()})  # which worker ran what
        assert set(ran_on) == {"worker-1", "worker-2"}, ran_on
    finally:
        airflow.stop()
        redis.stop()
