"""How Cosmos renders and runs the dbt project: from the manifest ``make`` builds with
``dbt parse`` (never ``dbt ls`` at parse time), as the ``monev_transformer`` connection,
every invocation recorded in the audit trail."""

from __future__ import annotations

from pathlib import Path

from monev import config
from monev.monitoring.date import MONITORING_MODELS  # noqa: F401 (re-exported for the DAG)
from monev.orchestration.connections import TRANSFORMER_CONN_ID, transformer_url
from monev.transform.dbt import WAREHOUSE_EXCLUDE  # noqa: F401 (re-exported for the DAG)

# dbt vars of the evaluation build, templated from the period task's XCom
EVALUATION_VARS = {
    "year": "{{ ti.xcom_pull(task_ids='resolve_period')['year'] }}",
    "as_of": "{{ ti.xcom_pull(task_ids='resolve_period')['as_of'] }}",
}
# a monitoring build: the monitoring's models and the evaluation models they read, for
# the date's year and cut-off, in schema monitoring_staging (docs/monitoring.md)
MONITORING_VARS = {
    "year": "{{ ti.xcom_pull(task_ids='resolve_date')['year'] }}",
    "as_of": "{{ ti.xcom_pull(task_ids='resolve_date')['as_of'] }}",
    "build": "monitoring",
}


def record_dbt_invocation(project_dir: str, context=None, **_) -> None:
    """Cosmos callback after every dbt invocation (also a failed one): its run results
    go to the audit trail with the Airflow run that caused them."""
    from monev.lineage.audit_trail import AirflowRun, project_manifest
    from monev.lineage.audit_trail import record_dbt_invocation as record

    ti = (context or {}).get("ti")
    airflow = AirflowRun.of(ti) if ti else AirflowRun()
    record(transformer_url(), Path(project_dir) / "target" / "run_results.json",
           project_manifest(), airflow)


def freeze_what_is_alive(context=None) -> None:
    """Before a dbt task: collect garbage, then freeze what is alive. Cosmos runs a full
    collection after every dbt invocation, which scans every object not frozen. Under
    ``dag.test()`` (every task in one process) the modules a run imported on the way and
    what outlived each task were scanned again by every task: 0.4 s per task on a first
    run in a process, 0.04 s with this. Collecting first keeps garbage out of the frozen
    set; in a task process of its own, the one full scan merely comes earlier.
    ``context``: what Airflow passes a ``pre_execute`` hook, not needed here. ``run_dag``
    calls this too, once before a whole run."""
    import gc

    gc.collect()
    gc.freeze()


# the task of monev_warehouse that reads its inputs once, before every dbt task
INPUTS_TASK_ID = "snapshot_inputs"


def _node_id(context) -> str:
    return context["task"].extra_context["dbt_node_config"]["unique_id"]


def skip_when_unchanged(context) -> None:
    """``pre_execute`` of monev_warehouse's dbt tasks: freeze what is alive (as every dbt
    task), then skip the task when its node's inputs, as task ``snapshot_inputs`` read them
    at the start of the run, did not change since its last successful build
    (:mod:`monev.transform.unchanged`), unless the run's param ``rebuild`` asks for every
    node. A skipped task does not stop what comes after it. Without that snapshot the task
    runs and records nothing."""
    import psycopg
    from airflow.sdk.exceptions import AirflowSkipException

    from monev.transform.unchanged import unchanged_since_last_build

    freeze_what_is_alive()
    inputs = context["ti"].xcom_pull(task_ids=INPUTS_TASK_ID)
    if not inputs:
        return
    uid = _node_id(context)
    with psycopg.connect(transformer_url()) as conn:
        fingerprint, unchanged = unchanged_since_last_build(conn, uid, inputs)
    if unchanged and not context["params"].get("rebuild"):
        raise AirflowSkipException(f"{uid} is unchanged since its last build: its code and "
                                   f"the raw tables it reads are as they were ({fingerprint})")


def record_successful_build(context, result=None) -> None:
    """``post_execute`` of monev_warehouse's dbt tasks (only after a success): the node was
    built and tested from the run's inputs, or newer ones. ``result``: what Airflow passes a
    ``post_execute`` hook, not needed here."""
    import psycopg

    from monev.lineage.audit_trail import AirflowRun
    from monev.transform.unchanged import fingerprint_of, record_build

    ti, uid = context["ti"], _node_id(context)
    inputs = ti.xcom_pull(task_ids=INPUTS_TASK_ID)
    fingerprint = fingerprint_of(uid, inputs) if inputs else None
    if fingerprint is None:
        return
    with psycopg.connect(transformer_url()) as conn:
        record_build(conn, uid, fingerprint, AirflowRun.of(ti))


def cosmos_configs(select: list[str] | None = None, exclude: list[str] | None = None,
                   tests: bool = True, operator_args: dict | None = None,
                   skip_unchanged: bool = False) -> dict:
    """ProjectConfig/ProfileConfig/RenderConfig/ExecutionConfig (and operator args) for a
    Cosmos DAG or group: one task per model (its tests included) and per test of several
    models. ``tests=False`` leaves the dbt tests to the caller (the evaluation's gate runs
    them). ``skip_unchanged``: each task is skipped when its node is unchanged since its
    last successful build (:func:`skip_when_unchanged`); what comes after runs unless
    something before it failed."""
    from cosmos import ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
    from cosmos.constants import InvocationMode, LoadMode, TestBehavior
    from cosmos.profiles import PostgresUserPasswordProfileMapping

    skip_operator_args = {"pre_execute": skip_when_unchanged,
                          "post_execute": record_successful_build,
                          "trigger_rule": "none_failed"}
    project_dir = config.DBT_PROJECT_DIR
    project_config = ProjectConfig(dbt_project_path=project_dir,
                                   manifest_path=config.DBT_MANIFEST, install_dbt_deps=False)
    # ProjectConfig wraps the path in Airflow's ObjectStoragePath, whose first use loads
    # every plugin (Cosmos's own imports FastAPI): 0.4 s of each DAG file's parse. The
    # manifest is a local file that Cosmos opens with `.open()` and `.exists()`.
    project_config.manifest_path = config.DBT_MANIFEST
    return {
        "project_config": project_config,
        "profile_config": ProfileConfig(
            profile_name="monev",
            target_name="warehouse",
            profile_mapping=PostgresUserPasswordProfileMapping(
                conn_id=TRANSFORMER_CONN_ID, profile_args={"schema": "staging", "threads": 2}),
        ),
        "render_config": RenderConfig(
            load_method=LoadMode.DBT_MANIFEST,
            select=select or [],
            # exposures and analyses are documentation, not tasks
            exclude=[*(exclude or []), "resource_type:exposure", "resource_type:analysis"],
            # a model and its tests in one `dbt build` task (a dbt start-up costs more than
            # most of our models' SQL); a model whose tests fail still stops what reads it
            test_behavior=TestBehavior.BUILD if tests else TestBehavior.NONE,
            # a relationships test runs once both its models are built
            should_detach_multiple_parents_tests=True,
        ),
        "execution_config": ExecutionConfig(invocation_mode=InvocationMode.DBT_RUNNER),
        "operator_args": {"callback": record_dbt_invocation,
                          "pre_execute": freeze_what_is_alive,
                          **(skip_operator_args if skip_unchanged else {}),
                          **(operator_args or {})},
    }
