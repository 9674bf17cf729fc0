"""What the DAG files wire together: schedules' shared settings, Assets, and the task
wrappers that turn Airflow context (connections, params, run ids) into plain calls of
monev functions. DAG files import from here and contain no logic of their own.
"""

from __future__ import annotations

import datetime as dt
import os

from monev import config

START_DATE = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
DEFAULT_ARGS = {
    "owner": "monev",
    "retries": 2,
    "retry_delay": dt.timedelta(minutes=1),
    "retry_exponential_backoff": True,
}
LOADER_CONN_ID = "monev_loader"
TRANSFORMER_CONN_ID = "monev_transformer"
KOBO_CONN_ID = "monev_kobo"


def _connection_from_env(conn_id: str) -> dict:
    """A connection's fields from its ``AIRFLOW_CONN_*`` variable (JSON or URI), read at
    parse time without the metadata database; empty when it is defined elsewhere."""
    import json
    from urllib.parse import urlsplit

    value = os.environ.get(f"AIRFLOW_CONN_{conn_id.upper()}", "")
    if value.startswith("{"):
        return json.loads(value)
    if value:
        parts = urlsplit(value)
        return {"host": parts.hostname, "port": parts.port}
    return {}


def warehouse_netloc() -> str:
    """``host:port`` of the warehouse, as dbt's OpenLineage events name it, so that the
    Assets of the Python tasks and the dbt models meet in one lineage graph."""
    conn = _connection_from_env(TRANSFORMER_CONN_ID)
    return f"{conn.get('host') or 'monev-warehouse'}:{conn.get('port') or 5432}"


def table_asset(schema: str, table: str):
    """The Airflow Asset of one warehouse table (an OpenLineage dataset too). Its name is
    its URI: a warehouse moved to another host is a new set of Assets, not a name clash."""
    from airflow.sdk import Asset

    return Asset(f"postgres://{warehouse_netloc()}/{config.WAREHOUSE_DB}/{schema}/{table}")


def raw_asset(table: str):
    """The Airflow Asset of one raw table (drop and form DAGs write them; dbt reads them)."""
    return table_asset("raw", table)


DROP_TABLES = ("file_receipt", "register_row", "partner_master_row", "report",
               "rencana_aksi_row", "realisasi_row", "quarantine")


def drop_assets() -> list:
    return [raw_asset(t) for t in DROP_TABLES]


KOBO_TABLES = ("kobo_record", "kobo_sync", "kobo_deletion", "quarantine")


def kobo_assets() -> list:
    return [raw_asset(t) for t in KOBO_TABLES]


def drop_folder_asset():
    """The drop folder, where the graph of the spreadsheet channel starts."""
    from airflow.sdk import Asset

    url = os.environ.get("MONEV_DROP_URL") or (config.monev_home() / "drop").as_uri()
    return Asset(url)  # named by its URI, like the tables: another folder, another Asset


def form_asset():
    """The KoboToolbox form (data API) where the graph of the form channel starts."""
    import json

    from airflow.sdk import Asset

    conn = _connection_from_env(KOBO_CONN_ID)
    extra = conn.get("extra") or {}
    extra = json.loads(extra) if isinstance(extra, str) else extra
    base = (conn.get("host") or "https://kf.kobotoolbox.org").rstrip("/")
    uid = extra.get("asset_uid") or "form"
    return Asset(f"{base}/api/v2/assets/{uid}/data/")


def reconciliation_asset():
    return table_asset("audit", "reconciliation")


def default_drop_url() -> str:
    """The drop folder: ``MONEV_DROP_URL`` (e.g. ``s3://bucket/drop``) or a local folder."""
    if os.environ.get("MONEV_DROP_URL"):
        return os.environ["MONEV_DROP_URL"]
    local = config.monev_home() / "drop"
    local.mkdir(exist_ok=True)
    return local.as_uri()


def warehouse_url(conn_id: str) -> str:
    """A libpq URL from an Airflow connection (env ``AIRFLOW_CONN_*`` or a secrets backend)."""
    from urllib.parse import quote

    from airflow.sdk import BaseHook

    conn = BaseHook.get_connection(conn_id)
    return (f"postgresql://{quote(conn.login or '', safe='')}:"
            f"{quote(conn.password or '', safe='')}@{conn.host}:{conn.port or 5432}/"
            f"{conn.schema or config.WAREHOUSE_DB}")


def ingest_drop_folder(drop_url: str, run_id: str | None) -> dict:
    """Task: load every new file of the drop folder; returns a summary for the logs/XCom."""
    from airflow.sdk import ObjectStoragePath

    from monev.load.drop import ingest_folder

    folder = ObjectStoragePath(drop_url)
    results = ingest_folder(warehouse_url(LOADER_CONN_ID), folder, run_id)
    return summarise(results)


def kobo_client(base_url: str | None = None, asset_uid: str | None = None):
    """A form API client from the ``monev_kobo`` connection (host = base URL, extra
    ``asset_uid``, password = token); params override URL and asset, ``MONEV_KOBO_TOKEN``
    overrides the token. The token is never a parameter: params are shown in the UI."""
    from airflow.sdk import BaseHook
    from airflow.sdk.exceptions import AirflowNotFoundException

    from monev.sources.kobo_client import KoboClient

    try:
        conn = BaseHook.get_connection(KOBO_CONN_ID)
    except AirflowNotFoundException:
        conn = None
    token = os.environ.get("MONEV_KOBO_TOKEN") or (conn.password if conn else None)
    base_url = base_url or (conn.host if conn else None)
    asset_uid = asset_uid or (conn.extra_dejson.get("asset_uid") if conn else None)
    if not (base_url and asset_uid and token):
        raise ValueError(f"form API: need a base URL, an asset uid and a token (connection "
                         f"{KOBO_CONN_ID!r}, params kobo_url/asset_uid, MONEV_KOBO_TOKEN)")
    return KoboClient(base_url, asset_uid, token)


def sync_form_records(params: dict, run_id: str | None) -> dict:
    """Task: new form records by ``_id``, or a full sweep (when asked, or once a day)."""
    client = kobo_client(params.get("kobo_url"), params.get("asset_uid"))
    return _sync(client, params.get("full_sweep"), run_id)


def sweep_form_records_if_configured(run_id: str | None) -> dict:
    """Task: a full sweep of the form API; skipped when no form API is configured."""
    from airflow.sdk.exceptions import AirflowSkipException

    try:
        client = kobo_client()
    except ValueError as exc:
        raise AirflowSkipException(f"no form API configured: {exc}") from exc
    return _sync(client, True, run_id)


def _sync(client, full_sweep: bool | None, run_id: str | None) -> dict:
    from monev.load.kobo import sync

    result = sync(warehouse_url(LOADER_CONN_ID), client, run_id, full_sweep)
    return {"mode": result.mode, "pages": result.pages, "rows": dict(result.rows),
            "deleted": result.deleted, "quarantined": result.reasons}


def summarise(results) -> dict:
    summary = {"files": len(results), "by_status": {}, "rows": {}, "quarantined": []}
    for r in results:
        summary["by_status"][r.status] = summary["by_status"].get(r.status, 0) + 1
        for key, n in r.rows.items():
            summary["rows"][key] = summary["rows"].get(key, 0) + n
        summary["quarantined"].extend(r.reasons)
    return summary


def check_reconciliation(run_id: str | None) -> dict:
    """Task: every load of this run reconciles (arrived = accepted + unchanged + quarantined)."""
    from monev.load.reconcile import assert_run_reconciled

    return assert_run_reconciled(warehouse_url(LOADER_CONN_ID), run_id)


def evaluation_assets(schema: str = "evaluation") -> list:
    """The evaluation marts: built in ``evaluation_staging``, published in ``evaluation``."""
    from monev.evaluation.marts import MARTS

    return [table_asset(schema, m.name) for m in MARTS]


def gate_asset():
    return table_asset("audit", "gate_result")


def publication_asset():
    return table_asset("audit", "publication")


def evaluation_period(params: dict, logical_date) -> dict:
    """Task: the (year, as_of) to evaluate: the params, else the year before the run's
    date in Jakarta (the 1 February run evaluates the previous year) and 31 January."""
    from zoneinfo import ZoneInfo

    from monev.evaluation.export import default_as_of

    year = params.get("year")
    if year is None:
        when = logical_date or dt.datetime.now(dt.UTC)
        year = when.astimezone(ZoneInfo("Asia/Jakarta")).year - 1
    as_of = params.get("as_of") or default_as_of(int(year)).isoformat()
    return {"year": int(year), "as_of": dt.date.fromisoformat(str(as_of)).isoformat()}


# dbt vars of the evaluation build, templated from the period task's XCom
EVALUATION_VARS = {
    "year": "{{ ti.xcom_pull(task_ids='resolve_period')['year'] }}",
    "as_of": "{{ ti.xcom_pull(task_ids='resolve_period')['as_of'] }}",
}


def check_gate(period: dict, run_id: str | None) -> str:
    """Task: the gate (GX checkpoint + the evaluation's dbt tests) on what was just built.
    The verdict is stored either way; a failed gate fails the task: nothing is published."""
    from monev.quality.gate import GateFailed, run_gate

    result = run_gate(warehouse_url(TRANSFORMER_CONN_ID), period["year"],
                      dt.date.fromisoformat(period["as_of"]), run_id)
    if not result.passed:
        raise GateFailed(result)
    return str(result.gate_id)


def publish_evaluation(period: dict, gate_id: str, run_id: str | None) -> dict:
    """Task: replace the published rows of (year, as_of) with the build the gate passed."""
    from monev.evaluation.publish import publish

    return publish(warehouse_url(TRANSFORMER_CONN_ID), period["year"],
                   dt.date.fromisoformat(period["as_of"]), gate_id, run_id)


def write_report(period: dict) -> str:
    """Task: the staff report (HTML, Bahasa Indonesia) of the published (year, as_of)."""
    from monev.report.html import write_report as write

    return str(write(warehouse_url(TRANSFORMER_CONN_ID), period["year"],
                     dt.date.fromisoformat(period["as_of"])))


def record_dbt_invocation(project_dir: str, context=None, **_) -> None:
    """Cosmos callback after every dbt invocation (also a failed one): its run results
    go to the audit trail with the Airflow run that caused them."""
    from pathlib import Path

    from monev.lineage.audit_trail import AirflowRun, project_manifest
    from monev.lineage.audit_trail import record_dbt_invocation as record

    ti = (context or {}).get("ti")
    airflow = AirflowRun(ti.dag_id, ti.run_id, ti.task_id, ti.try_number) if ti else AirflowRun()
    record(warehouse_url(TRANSFORMER_CONN_ID), Path(project_dir) / "target" / "run_results.json",
           project_manifest(), airflow)


def cosmos_configs(select: list[str] | None = None, exclude: list[str] | None = None,
                   tests: bool = True, operator_args: dict | None = None) -> dict:
    """ProjectConfig/ProfileConfig/RenderConfig/ExecutionConfig (and operator args) for a
    Cosmos DAG or group.

    The project is loaded from the manifest `make` builds with ``dbt parse``; the profile
    comes from the ``monev_transformer`` Airflow connection. ``tests=False`` leaves the
    dbt tests to the caller (the evaluation's gate runs them). Every dbt invocation is
    recorded in the audit trail.
    """
    from cosmos import ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
    from cosmos.constants import InvocationMode, LoadMode, TestBehavior
    from cosmos.profiles import PostgresUserPasswordProfileMapping

    project_dir = config.DBT_PROJECT_DIR
    return {
        "project_config": ProjectConfig(
            dbt_project_path=project_dir,
            manifest_path=project_dir / "target" / "manifest.json",
            install_dbt_deps=False,
        ),
        "profile_config": ProfileConfig(
            profile_name="monev",
            target_name="warehouse",
            profile_mapping=PostgresUserPasswordProfileMapping(
                conn_id=TRANSFORMER_CONN_ID, profile_args={"schema": "staging", "threads": 2}),
        ),
        "render_config": RenderConfig(
            load_method=LoadMode.DBT_MANIFEST,
            select=select or [],
            exclude=exclude or [],
            test_behavior=TestBehavior.AFTER_EACH if tests else TestBehavior.NONE,
            # a relationships test runs once both its models are built
            should_detach_multiple_parents_tests=True,
        ),
        "execution_config": ExecutionConfig(invocation_mode=InvocationMode.DBT_RUNNER),
        "operator_args": {"callback": record_dbt_invocation, **(operator_args or {})},
    }
