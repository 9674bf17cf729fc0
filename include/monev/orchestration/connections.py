"""Airflow connections as monev needs them: libpq URLs per role, the form API client."""

from __future__ import annotations

import json
import os
from urllib.parse import quote, urlsplit

from monev import config

LOADER_CONN_ID = "monev_loader"
TRANSFORMER_CONN_ID = "monev_transformer"
GATE_CONN_ID = "monev_gate"
AUDITOR_CONN_ID = "monev_auditor"
KOBO_CONN_ID = "monev_kobo"


def configured_drop_url() -> str:
    """The drop folder: ``MONEV_DROP_URL`` (e.g. ``s3://bucket/drop``), else the local
    folder ``MONEV_HOME/drop``."""
    return os.environ.get("MONEV_DROP_URL") or (config.monev_home() / "drop").as_uri()


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


def gate_url() -> str:
    return warehouse_url(GATE_CONN_ID)


def auditor_url() -> str:
    return warehouse_url(AUDITOR_CONN_ID)


KOBO_CONN_PATTERN = r"^monev_kobo[a-z0-9_]{0,40}$"  # the connections a param may choose


def kobo_client(conn_id: str | None = None, asset_uid: str | None = None):
    """A form API client from a ``monev_kobo*`` connection (host = base URL, extra
    ``asset_uid``, password = token; ``MONEV_KOBO_TOKEN`` overrides the token). A param may
    choose the connection and the form, never the host: the token goes only where an
    operator configured it to go."""
    import re

    from airflow.sdk import BaseHook
    from airflow.sdk.exceptions import AirflowNotFoundException

    from monev.sources.kobo_client import KoboClient

    conn_id = conn_id or KOBO_CONN_ID
    if not re.fullmatch(KOBO_CONN_PATTERN, conn_id):
        raise ValueError(f"form API: {conn_id!r} is not a form API connection (monev_kobo*)")
    try:
        conn = BaseHook.get_connection(conn_id)
    except AirflowNotFoundException:
        conn = None
    token = os.environ.get("MONEV_KOBO_TOKEN") or (conn.password if conn else None)
    base_url = conn.host if conn else None
    asset_uid = asset_uid or (conn.extra_dejson.get("asset_uid") if conn else None)
    if not (base_url and asset_uid and token):
        raise ValueError(f"form API: need a base URL, an asset uid and a token (connection "
                         f"{conn_id!r}, param asset_uid, MONEV_KOBO_TOKEN)")
    return KoboClient(base_url, asset_uid, token)


def kobo_connection_json(base_url: str, asset_uid: str) -> str:
    """The ``monev_kobo`` connection for a form API the operator names (``monev run
    --kobo-url``); the token is read from ``MONEV_KOBO_TOKEN`` when the client is made."""
    return json.dumps({"conn_type": "http", "host": base_url.rstrip("/"),
                       "extra": {"asset_uid": asset_uid}})
