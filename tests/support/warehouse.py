"""The warehouse and the samples as tests see them."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from monev import config
from monev.db.endpoints import Endpoint
from monev.transform.dbt import WAREHOUSE_EXCLUDE

SHARED = config.REPO_ROOT.parent / "shared"
SHARED_SAMPLES = SHARED / "samples"
EXPECTED = Path(__file__).parent / "expected"  # a copy of the shared samples' expected marts
MONITORING_DATE = "2025-07-20"  # the e2e monitoring date (the rules give it on the samples)
RAW_TABLES = ("file_receipt", "quarantine", "register_row", "partner_master_row", "report",
              "rencana_aksi_row", "realisasi_row", "kobo_record", "kobo_sync", "kobo_deletion")


def empty_scratch(endpoint: Endpoint, *audit_tables: str) -> None:
    """Empty the raw tables and the audit tables named (append-only for every role: the
    superuser's replica mode skips their triggers; only tests do this, on a scratch
    cluster)."""
    tables = [f"raw.{t}" for t in RAW_TABLES] + [f"audit.{t}" for t in audit_tables]
    with psycopg.connect(endpoint.url()) as conn:
        conn.execute("SET session_replication_role = replica")
        conn.execute(f"TRUNCATE {', '.join(tables)} CASCADE")


def query(url: str, sql: str, params=None) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(sql, params).fetchall()


def shared_samples() -> Path:
    if not SHARED_SAMPLES.exists():
        pytest.skip("../shared/samples is not beside the checkout")
    return SHARED_SAMPLES


# the warehouse's models alone: the evaluation and the monitoring are built for a period
WAREHOUSE_ONLY = ["--exclude", *WAREHOUSE_EXCLUDE]


def load_samples(endpoint, drop: Path, run_id: str) -> None:
    """The bundled samples into ``endpoint``: the drop folder staged at ``drop`` and the form
    records through the form API stand-in, then the warehouse built from scratch."""
    import json

    from monev.load.drop import ingest_folder
    from monev.load.kobo import sync
    from monev.orchestration.demo import stage_samples
    from monev.sources.kobo_client import KoboClient
    from monev.sources.kobo_replay import KoboReplayServer
    from monev.transform.dbt import dbt

    ingest_folder(endpoint.url("monev_loader"), stage_samples(drop), run_id)
    records = json.loads((config.SAMPLES_DIR / "kobo" / "records.json").read_text())
    with KoboReplayServer(records, "tok") as server:
        sync(endpoint.url("monev_loader"), KoboClient(server.base_url, server.asset_uid, "tok"))
    dbt(["seed", "--quiet"], endpoint)
    dbt(["run", "--quiet", "--full-refresh", *WAREHOUSE_ONLY], endpoint)
