"""Fixtures: a real PostgreSQL (started here if `make test` did not), an isolated scratch
cluster for ingestion tests, and one end-to-end Airflow run on the samples per session."""

from __future__ import annotations

import os
from pathlib import Path

import psycopg
import pytest

from monev import config
from monev.db.cluster import EmbeddedPostgres

REPO = config.REPO_ROOT
SHARED = REPO.parent / "shared"
SHARED_SAMPLES = SHARED / "samples"
RAW_TABLES = ("file_receipt", "quarantine", "register_row", "partner_master_row", "report",
              "rencana_aksi_row", "realisasi_row", "kobo_record", "kobo_sync", "kobo_deletion")


@pytest.fixture(scope="session")
def endpoint() -> config.Endpoint:
    """The instance's warehouse (``make test`` starts it under a throwaway MONEV_HOME)."""
    if config.external_endpoint() is not None:
        return config.external_endpoint()
    return EmbeddedPostgres(config.monev_home()).start()


@pytest.fixture(scope="session")
def scratch(tmp_path_factory) -> config.Endpoint:
    """A second, independent cluster for tests that need an empty raw layer."""
    home = tmp_path_factory.mktemp("scratch_home")
    os.chmod(home, 0o755)
    cluster = EmbeddedPostgres(home)
    endpoint = cluster.start()
    yield endpoint
    cluster.remove()


def empty_scratch(endpoint: config.Endpoint, *audit_tables: str) -> None:
    """Empty the raw tables and the audit tables named (append-only for every role: the
    superuser's replica mode skips their triggers; only tests do this, on a scratch
    cluster)."""
    tables = [f"raw.{t}" for t in RAW_TABLES] + [f"audit.{t}" for t in audit_tables]
    with psycopg.connect(endpoint.url()) as conn:
        conn.execute("SET session_replication_role = replica")
        conn.execute(f"TRUNCATE {', '.join(tables)} CASCADE")


@pytest.fixture
def clean_scratch(scratch) -> config.Endpoint:
    """The scratch warehouse with raw and audit load tables emptied."""
    empty_scratch(scratch, "reconciliation")
    return scratch


@pytest.fixture(scope="session")
def e2e(endpoint, tmp_path_factory) -> dict:
    """The whole chain through Airflow on the samples, once per session: ``monev run``'s
    pipeline (drop folder, form API sweep, warehouse, evaluation of 2025) and ``monev
    export``. The form API stand-in keeps serving until the session ends."""
    from monev.cli import main
    from monev.demo import serve_sample_form_records, stage_samples
    from monev.pipeline import run_pipeline

    work = tmp_path_factory.mktemp("e2e")
    drop = stage_samples(work / "drop")
    server = serve_sample_form_records()
    runs = run_pipeline(drop, 2025, kobo_url=server.base_url, kobo_asset=server.asset_uid)
    assert main(["export", "--year", "2025", "--out", str(work / "export")]) == 0
    yield {"drop": drop, "runs": runs, "url": endpoint.url(), "endpoint": endpoint,
           "export": work / "export", "kobo": server, "work": work}
    server.stop()


def query(url: str, sql: str, params=None) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(sql, params).fetchall()


def shared_samples() -> Path:
    if not SHARED_SAMPLES.exists():
        pytest.skip("../shared/samples is not beside the checkout")
    return SHARED_SAMPLES
