"""Running monev's DAGs through real Airflow from a plain process (``dag.test()``):
``monev run`` and the tests.

The same DAG files the scheduler runs are executed in order; the Asset-triggered
warehouse DAG is run explicitly after the ingestion DAGs.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

from monev import config
from monev.evaluation.period import EvaluationPeriod
from monev.orchestration import airflow_env
from monev.orchestration.connections import kobo_connection_json

log = logging.getLogger(__name__)


class DagRunFailed(RuntimeError):
    pass


_prepared: set[str] = set()


def prepare_airflow() -> None:
    """Configure this process for the instance's Airflow and migrate its metadata DB
    (once per process and instance)."""
    env = airflow_env.apply()
    home = str(config.monev_home())
    if home not in _prepared:
        airflow_env.migrate()
        _prepared.add(home)
    _point_airflow_at(env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"])


def _point_airflow_at(metadata_url: str) -> None:
    """Airflow reads its database setting once, when first imported. A process that
    imported it before :func:`prepare_airflow` (a connection looked up, a test run alone)
    would otherwise run DAGs against Airflow's default SQLite file, which has no tables."""
    settings = sys.modules.get("airflow.settings")
    if settings is not None and settings.SQL_ALCHEMY_CONN != metadata_url:
        log.info("Airflow was imported before its configuration: pointing it at the "
                 "instance's metadata database")
        settings.configure_vars()
        settings.reconfigure_orm()


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
    # dag.test() runs every task in this process: what is loaded so far is frozen once
    # here, and each dbt task freezes again what its predecessors left (see there)
    from monev.orchestration.cosmos_config import freeze_what_is_alive

    freeze_what_is_alive()
    run = dag.test(run_conf=conf or {})
    # dag.test() calls a run whose tasks could not run (an upstream skipped, say) a success
    failed = [ti.task_id for ti in (run.get_task_instances() if run else [])
              if str(ti.state) not in ("success", "skipped")]
    if run is None or str(run.state) != "success" or failed:
        raise DagRunFailed(f"DAG {dag_id} ended {getattr(run, 'state', None)}; "
                           f"tasks not successful: {', '.join(failed) or 'unknown'}")
    return run


def run_pipeline(drop: Path, period: EvaluationPeriod, kobo_url: str | None = None,
                 kobo_asset: str | None = None, confirm_deletions: bool = False,
                 on_dag: Callable[[str], None] = lambda dag_id: None) -> dict:
    """``monev run``: ingest the drop folder (and sweep the form API when a URL is given:
    it becomes this run's ``monev_kobo`` connection, the token from ``MONEV_KOBO_TOKEN``),
    build the warehouse, evaluate and publish ``period``; returns the run of each DAG."""
    if not drop.is_dir():
        raise FileNotFoundError(f"drop folder {drop} does not exist or is not a folder")
    if kobo_url:
        os.environ["AIRFLOW_CONN_MONEV_KOBO"] = kobo_connection_json(kobo_url, kobo_asset)
    prepare_airflow()
    steps = [("ingest_drop", "monev_ingest_drop", {"drop_url": drop.resolve().as_uri()})]
    if kobo_url:
        steps.append(("ingest_kobo", "monev_ingest_kobo",
                      {"full_sweep": True, "confirm_deletions": confirm_deletions}))
    steps += [("warehouse", "monev_warehouse", {}),
              ("evaluate", "monev_evaluate",  # the DAGs above just refreshed the inputs
               {**period.to_xcom(), "refresh_inputs": False})]
    runs = {}
    for name, dag_id, conf in steps:
        on_dag(dag_id)
        runs[name] = run_dag(dag_id, conf)
    return runs


def run_monitoring(drop: Path, as_of: str | None = None, kobo_url: str | None = None,
                   kobo_asset: str | None = None,
                   on_dag: Callable[[str], None] = lambda dag_id: None):
    """``monev monitor``: the DAG ``monev_monitor`` for the date ``as_of`` (default today
    in Jakarta), reading ``drop`` (and the form API when a URL is given, as ``monev run``
    does); returns its run."""
    if not drop.is_dir():
        raise FileNotFoundError(f"drop folder {drop} does not exist or is not a folder")
    if kobo_url:
        os.environ["AIRFLOW_CONN_MONEV_KOBO"] = kobo_connection_json(kobo_url, kobo_asset)
    os.environ["MONEV_DROP_URL"] = drop.resolve().as_uri()
    prepare_airflow()
    on_dag("monev_monitor")
    return run_dag("monev_monitor", {"as_of": as_of})
