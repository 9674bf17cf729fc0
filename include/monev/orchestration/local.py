"""Running monev's DAGs through real Airflow from a plain process (``dag.test()``):
``monev run`` and the tests.

The same DAG files the scheduler runs are executed in order; the Asset-triggered
warehouse DAG is run explicitly after the ingestion DAGs.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from monev import config
from monev.evaluation.period import EvaluationPeriod
from monev.orchestration import airflow_env
from monev.orchestration.connections import kobo_connection_json

log = logging.getLogger(__name__)


class DagRunFailed(RuntimeError):
    pass


def prepare_airflow() -> None:
    """Configure this process for the instance's Airflow and migrate its metadata DB."""
    airflow_env.apply()
    airflow_env.migrate()


def load_dag(dag_id: str):
    """The DAG object defined in ``dags/<dag_id>.py``, parsed as the dag-processor would."""
    from airflow.dag_processing.dagbag import DagBag

    path = config.DAGS_DIR / f"{dag_id}.py"
    bag = DagBag(dag_folder=str(path))
    if bag.import_errors:
        raise DagRunFailed(f"{path} does not import: {bag.import_errors}")
    if dag_id not in bag.dags:
        raise LookupError(f"{path} defines no DAG {dag_id!r}")
    return bag.dags[dag_id]


def run_dag(dag_id: str, conf: dict | None = None):
    """Run one DAG to completion in this process; raises DagRunFailed naming failed tasks."""
    dag = load_dag(dag_id)
    log.info("running DAG %s with %s", dag_id, conf or {})
    run = dag.test(run_conf=conf or {})
    if run is None or str(run.state) != "success":
        failed = [ti.task_id for ti in (run.get_task_instances() if run else [])
                  if str(ti.state) not in ("success", "skipped")]
        raise DagRunFailed(f"DAG {dag_id} ended {getattr(run, 'state', None)}; "
                           f"tasks not successful: {', '.join(failed) or 'unknown'}")
    return run


def run_pipeline(drop: Path, period: EvaluationPeriod, kobo_url: str | None = None,
                 kobo_asset: str | None = None, confirm_deletions: bool = False) -> dict:
    """``monev run``: ingest the drop folder (and sweep the form API when a URL is given:
    it becomes this run's ``monev_kobo`` connection, the token from ``MONEV_KOBO_TOKEN``),
    build the warehouse, evaluate and publish ``period``; returns the run of each DAG."""
    if not drop.is_dir():
        raise FileNotFoundError(f"drop folder {drop} does not exist or is not a folder")
    if kobo_url:
        os.environ["AIRFLOW_CONN_MONEV_KOBO"] = kobo_connection_json(kobo_url, kobo_asset)
    prepare_airflow()
    runs = {"ingest_drop": run_dag("monev_ingest_drop", {"drop_url": drop.resolve().as_uri()})}
    if kobo_url:
        runs["ingest_kobo"] = run_dag("monev_ingest_kobo", {
            "full_sweep": True, "confirm_deletions": confirm_deletions})
    runs["warehouse"] = run_dag("monev_warehouse")
    runs["evaluate"] = run_dag("monev_evaluate", {
        **period.to_xcom(), "refresh_inputs": False})  # the DAGs above just did
    return runs
