"""The warehouse and the samples as tests see them."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from monev import config
from monev.db.endpoints import Endpoint

SHARED = config.REPO_ROOT.parent / "shared"
SHARED_SAMPLES = SHARED / "samples"
EXPECTED = Path(__file__).parent / "expected"  # a copy of the shared samples' expected marts
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
WAREHOUSE_ONLY = ["--exclude", "tag:evaluation", "tag:monitoring"]
