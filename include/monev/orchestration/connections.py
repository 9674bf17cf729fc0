"""Airflow connections as monev needs them: libpq URLs per role, the form API client."""

from __future__ import annotations

import json
import os
from urllib.parse import quote, urlsplit

from monev import config

LOADER_CONN_ID = "monev_loader"
TRANSFORMER_CONN_ID = "monev_transformer"
KOBO_CONN_ID = "monev_kobo"


def connection_from_env(conn_id: str) -> dict:
    """A connection's fields from its ``AIRFLOW_CONN_*`` variable (JSON or URI), read at
    parse time without the metadata database; empty when it is defined elsewhere."""
    value = os.environ.get(f"AIRFLOW_CONN_{conn_id.upper()}", "")
    if value.startswith("{"):
        return json.loads(value)
    if value:
        parts = urlsplit(value)
        return {"host": parts.hostname, "port": parts.port}
    return {}


def warehouse_url(conn_id: str) -> str:
    """A libpq URL from an Airflow connection (env ``AIRFLOW_CONN_*`` or a secrets backend)."""
    from airflow.sdk import BaseHook

    conn = BaseHook.get_connection(conn_id)
    return (f"postgresql://{quote(conn.login or '', safe='')}:"
            f"{quote(conn.password or '', safe='')}@{conn.host}:{conn.port or 5432}/"
            f"{conn.schema or config.WAREHOUSE_DB}")


def loader_url() -> str:
    return warehouse_url(LOADER_CONN_ID)


def transformer_url() -> str:
    return warehouse_url(TRANSFORMER_CONN_ID)


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
