"""Fixtures: a real PostgreSQL (started here if `make test` did not), an isolated scratch
cluster for ingestion tests, and one end-to-end Airflow run on the samples per session."""

from __future__ import annotations

import os

import pytest
from support.mail import Inbox
from support.warehouse import MONITORING_DATE, empty_scratch

from monev import config
from monev.db.cluster import EmbeddedPostgres
from monev.db.endpoints import Endpoint, external_endpoint
from monev.evaluation.period import EvaluationPeriod


@pytest.fixture(scope="session")
def endpoint() -> Endpoint:
    """The instance's warehouse (``make test`` starts it under a throwaway MONEV_HOME)."""
    if external_endpoint() is not None:
        return external_endpoint()
    return EmbeddedPostgres(config.monev_home()).start()


@pytest.fixture(scope="session")
def scratch(tmp_path_factory) -> Endpoint:
    """A second, independent cluster for tests that need an empty raw layer."""
    home = tmp_path_factory.mktemp("scratch_home")
    os.chmod(home, 0o755)
    cluster = EmbeddedPostgres(home)
    endpoint = cluster.start()
    yield endpoint
    cluster.remove()


@pytest.fixture
def clean_scratch(scratch) -> Endpoint:
    """The scratch warehouse with raw and audit load tables emptied."""
    empty_scratch(scratch, "reconciliation")
    return scratch


@pytest.fixture(scope="session")
def e2e(endpoint, tmp_path_factory) -> dict:
    """The whole chain through Airflow on the samples, once per session: ``monev
    monitor``'s DAG for 20 July 2025 (drop folder, form API sweep, warehouse, early
    warning, letters e-mailed to a local SMTP server), then ``monev run``'s pipeline (the
    same inputs again, evaluation of 2025, the staff report with that early warning) and
    ``monev export``. The form API stand-in keeps serving until the session ends."""
    from monev.cli import main
    from monev.orchestration.demo import serve_sample_form_records, stage_samples
    from monev.orchestration.local import run_monitoring, run_pipeline

    work = tmp_path_factory.mktemp("e2e")
    drop = stage_samples(work / "drop")
    server = serve_sample_form_records()
    inbox = Inbox()  # the letters go out by e-mail to a local SMTP server
    inbox.controller.start()
    os.environ["AIRFLOW_CONN_MONEV_SMTP"] = inbox.connection()
    try:
        monitor = run_monitoring(drop, MONITORING_DATE, server.base_url, server.asset_uid)
    finally:
        del os.environ["AIRFLOW_CONN_MONEV_SMTP"]
        inbox.controller.stop()
    runs = run_pipeline(drop, EvaluationPeriod.of(2025), kobo_url=server.base_url,
                        kobo_asset=server.asset_uid)
    assert main(["export", "--year", "2025", "--out", str(work / "export")]) == 0
    yield {"drop": drop, "runs": runs, "monitor": monitor, "inbox": inbox,
           "url": endpoint.url(), "endpoint": endpoint, "export": work / "export",
           "kobo": server, "work": work}
    server.stop()
