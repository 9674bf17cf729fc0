"""The Airflow Assets tasks declare as inlets and outlets (OpenLineage datasets too).

Tables are named like dbt's own OpenLineage datasets (``postgres://host:port`` plus
``warehouse/schema/table``), so the Python tasks and the dbt models meet in one graph.
Every Asset is named by its URI: another warehouse, folder or form is another Asset.
"""

from __future__ import annotations

import json

from airflow.sdk import Asset

from monev import config
from monev.evaluation.marts import MARTS
from monev.orchestration.connections import (
    KOBO_CONN_ID,
    TRANSFORMER_CONN_ID,
    configured_drop_url,
    connection_from_env,
)

DROP_TABLES = ("file_receipt", "register_row", "partner_master_row", "report",
               "rencana_aksi_row", "realisasi_row", "quarantine")
KOBO_TABLES = ("kobo_record", "kobo_sync", "kobo_deletion", "quarantine")


def warehouse_netloc() -> str:
    """``host:port`` of the warehouse, as dbt's OpenLineage events name it."""
    conn = connection_from_env(TRANSFORMER_CONN_ID)
    return f"{conn.get('host') or 'monev-warehouse'}:{conn.get('port') or 5432}"


def table(schema: str, name: str) -> Asset:
    """The Asset of one warehouse table."""
    return Asset(f"postgres://{warehouse_netloc()}/{config.WAREHOUSE_DB}/{schema}/{name}")


def raw(name: str) -> Asset:
    """The Asset of one raw table (drop and form DAGs write them; dbt reads them)."""
    return table("raw", name)


def drop_tables() -> list[Asset]:
    return [raw(t) for t in DROP_TABLES]


def kobo_tables() -> list[Asset]:
    return [raw(t) for t in KOBO_TABLES]


def drop_folder() -> Asset:
    """The drop folder, where the graph of the spreadsheet channel starts."""
    return Asset(configured_drop_url())


def form() -> Asset:
    """The KoboToolbox form (data API) where the graph of the form channel starts."""
    conn = connection_from_env(KOBO_CONN_ID)
    extra = conn.get("extra") or {}
    extra = json.loads(extra) if isinstance(extra, str) else extra
    base = (conn.get("host") or "https://kf.kobotoolbox.org").rstrip("/")
    uid = extra.get("asset_uid") or "form"
    return Asset(f"{base}/api/v2/assets/{uid}/data/")


def reconciliation() -> Asset:
    return table("audit", "reconciliation")


def evaluation_marts(schema: str = "evaluation") -> list[Asset]:
    """The evaluation marts: built in ``evaluation_staging``, published in ``evaluation``."""
    return [table(schema, m.name) for m in MARTS]


def gate_result() -> Asset:
    return table("audit", "gate_result")


def publication() -> Asset:
    return table("audit", "publication")
