"""DAG integrity: every DAG file imports, and carries tags, retries and an owner;
the Cosmos manifest is built from the current dbt project."""

import hashlib
import json
import os

import pytest

from monev import config


@pytest.fixture(scope="module")
def dagbag(endpoint):
    from monev.orchestration.local import prepare_airflow

    prepare_airflow()  # get_dag() reads the metadata database: migrated, whatever ran before
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(config.DAGS_DIR))


def test_every_dag_file_imports(dagbag):
    assert dagbag.import_errors == {}
    files = sorted(p.name for p in config.DAGS_DIR.glob("*.py"))
    assert {d.fileloc.rsplit("/", 1)[-1] for d in dagbag.dags.values()} == set(files)


# tasks whose failure is a verdict, not a transient fault, and the form API tasks, whose
# client retries transient faults itself (one retry policy, not two stacked)
NEVER_RETRIED = {("monev_evaluate", "gate"), ("monev_evaluate", "sweep_form_records"),
                 ("monev_ingest_kobo", "sync_form_records"), ("monev_monitor", "gate"),
                 ("monev_monitor", "sweep_form_records")}


def test_dags_have_tags_retries_owner_and_docs(dagbag):
    assert {"monev_ingest_drop", "monev_ingest_kobo", "monev_warehouse",
            "monev_evaluate", "monev_monitor"} <= set(dagbag.dag_ids)
    for dag in dagbag.dags.values():
        assert dag.tags, dag.dag_id
        assert dag.doc_md, dag.dag_id
        for t in dag.tasks:
            never = (dag.dag_id, t.task_id) in NEVER_RETRIED
            assert (t.retries == 0) if never else (t.retries >= 1), (dag.dag_id, t.task_id)
            assert t.owner == "monev", (dag.dag_id, t.task_id)
            assert t.execution_timeout is not None, (dag.dag_id, t.task_id)


def test_warehouse_is_scheduled_on_raw_assets(dagbag):
    from monev.orchestration import assets

    condition = str(dagbag.dags["monev_warehouse"].timetable.asset_condition)
    for table in ("file_receipt", "kobo_sync"):
        assert assets.raw(table).uri in condition


def test_asset_graph_runs_from_sources_to_published_marts(dagbag):
    """Declared inlets and outlets: drop folder and form API -> raw tables (ingestion);
    evaluation_staging -> evaluation (publish), named as dbt's lineage names tables."""
    from monev.orchestration import assets

    def uris(assets):
        return {a.uri for a in assets}

    load = dagbag.dags["monev_ingest_drop"].get_task("load_new_files")
    assert uris(load.inlets) == {assets.drop_folder().uri}
    assert assets.raw("realisasi_row").uri in uris(load.outlets)
    sync = dagbag.dags["monev_ingest_kobo"].get_task("sync_form_records")
    assert uris(sync.inlets) == {assets.form().uri}
    assert assets.raw("kobo_record").uri in uris(sync.outlets)
    publish = dagbag.dags["monev_evaluate"].get_task("publish")
    assert assets.table("evaluation_staging", "agreement_scorecard").uri in uris(publish.inlets)
    assert assets.table("evaluation", "agreement_scorecard").uri in uris(publish.outlets)
    assert assets.raw("file_receipt").uri.startswith(f"postgres://{assets.warehouse_netloc()}/")


def test_manifest_is_fresh():
    """Cosmos reads target/manifest.json; each node checksum (sha256 of the stripped file, as
    dbt computes it) must match the file on disk."""
    manifest_path = config.DBT_PROJECT_DIR / "target" / "manifest.json"
    assert manifest_path.exists(), "run `make manifest`"
    manifest = json.loads(manifest_path.read_text())
    nodes = [n for n in manifest["nodes"].values() if n["resource_type"] in ("model", "seed")]
    on_disk = {p.relative_to(config.DBT_PROJECT_DIR).as_posix()
               for p in (config.DBT_PROJECT_DIR / "models").rglob("*.sql")}
    in_manifest = {n["original_file_path"] for n in nodes if n["resource_type"] == "model"}
    assert on_disk == in_manifest, "models added or removed since `dbt parse`: run make"
    for node in nodes:
        if node["checksum"]["name"] != "sha256":
            continue
        data = (config.DBT_PROJECT_DIR / node["original_file_path"]).read_text().strip()
        assert hashlib.sha256(data.encode()).hexdigest() == node["checksum"]["checksum"], (
            f"{node['original_file_path']} changed since `dbt parse`: run make")


def test_cosmos_renders_no_exposure_or_analysis_node(caplog):
    """Exposures and analyses document the project; as tasks they only made warnings."""
    import logging

    from monev.orchestration.local import load_dag

    with caplog.at_level(logging.WARNING):
        dag = load_dag("monev_warehouse")
    assert "Unavailable conversion function" not in caplog.text
    assert not [t for t in dag.task_ids if "exposure" in t or "targets_vs_achieved" in t]
    assert any(t.startswith("fct_outcome") for t in dag.task_ids)


def test_every_dbt_task_freezes_what_is_alive_and_the_warehouse_skips_what_is_unchanged(dagbag):
    """Cosmos collects garbage after every dbt invocation, a full scan of the process;
    each dbt task first freezes what is alive, so that scan covers the task's own objects.
    ``monev_warehouse``'s tasks also skip a node unchanged since its last successful build,
    record each success, and run after a skipped task (not after a failed one)."""
    from cosmos.operators.local import DbtLocalBaseOperator

    from monev.orchestration.cosmos_config import (
        freeze_what_is_alive,
        record_successful_build,
        skip_when_unchanged,
    )

    dbt_tasks = [t for dag in dagbag.dags.values() for t in dag.tasks
                 if isinstance(t, DbtLocalBaseOperator)]
    # the hooks Airflow's task runner calls just before and after execute()
    hooks = {(t.dag_id, t._pre_execute_hook, t._post_execute_hook) for t in dbt_tasks}
    assert hooks == {("monev_warehouse", skip_when_unchanged, record_successful_build),
                     ("monev_evaluate", freeze_what_is_alive, None),
                     ("monev_monitor", freeze_what_is_alive, None)}
    assert {t.trigger_rule for t in dbt_tasks if t.dag_id == "monev_warehouse"} == {
        "none_failed"}
    warehouse = dagbag.dags["monev_warehouse"]
    assert warehouse.params["rebuild"] is False
    # the inputs every fingerprint of a run is taken from are read once, before any dbt task
    assert [t.task_id for t in warehouse.roots] == ["snapshot_inputs"]


def test_freezing_collects_garbage_first_and_takes_the_living_out_of_later_scans():
    import gc
    import weakref

    from monev.orchestration.cosmos_config import freeze_what_is_alive

    class Node:
        pass

    garbage, alive = Node(), Node()
    garbage.me, alive.me = garbage, alive  # cycles: only the collector frees them
    gone = weakref.ref(garbage)
    del garbage
    try:
        freeze_what_is_alive()
        assert gone() is None  # collected, never frozen in for good
        assert not any(o is alive for o in gc.get_objects())  # frozen: not scanned again
    finally:
        gc.unfreeze()


def test_monitoring_runs_the_day_after_each_due_date_and_monthly(dagbag):
    """16 January and 16 July at 02:00 in Jakarta (19:00 UTC the day before), and the 1st
    of every month."""
    import datetime as dt

    from airflow.timetables.base import DataInterval, TimeRestriction

    timetable = dagbag.get_dag("monev_monitor").timetable
    after, runs = None, []
    restriction = TimeRestriction(earliest=dt.datetime(2025, 1, 1, tzinfo=dt.UTC), latest=None,
                                  catchup=True)
    for _ in range(15):
        info = timetable.next_dagrun_info(last_automated_data_interval=after,
                                          restriction=restriction)
        runs.append(info.run_after.isoformat())
        after = DataInterval(info.run_after, info.run_after)
    assert runs[:4] == ["2025-01-15T19:00:00+00:00", "2025-01-31T19:00:00+00:00",
                        "2025-02-28T19:00:00+00:00", "2025-03-31T19:00:00+00:00"]
    assert "2025-07-15T19:00:00+00:00" in runs and "2025-06-30T19:00:00+00:00" in runs


def test_airflow_imported_before_it_is_prepared_runs_against_the_instance(endpoint, tmp_path):
    """A process that imported Airflow first (a connection looked up, a test file run
    alone) had it bound to Airflow's default SQLite file; prepare_airflow() re-points it
    at the instance's metadata database."""
    import subprocess
    import sys

    script = """
import airflow.settings as settings
assert settings.SQL_ALCHEMY_CONN.startswith("sqlite"), settings.SQL_ALCHEMY_CONN
from monev.orchestration.local import prepare_airflow
prepare_airflow()
from airflow.models.dag import DagModel
from airflow.utils.session import create_session
with create_session() as session:
    session.query(DagModel).count()  # no such table, on the SQLite file
print(settings.engine.url.get_backend_name())
"""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AIRFLOW__", "AIRFLOW_CONN_"))}
    env["AIRFLOW_HOME"] = str(tmp_path / "default_airflow_home")
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split()[-1] == "postgresql"
