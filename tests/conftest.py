"""Fixtures: a real PostgreSQL (the instance's embedded cluster, started here), an isolated scratch
cluster for ingestion tests, and one end-to-end Airflow run on the samples per session.

``make test`` runs the tests on two pytest-xdist workers. Each worker is an instance of its
own (a ``MONEV_HOME`` beneath the one ``make test`` made: its own cluster, Airflow home and
outputs), and every test that reads the end-to-end run goes to one worker, which runs the
chain once, starting with it: the longest piece of work."""

from __future__ import annotations

import os

import pytest
from support.mail import Inbox
from support.warehouse import MONITORING_DATE, empty_scratch

from monev import config
from monev.db.cluster import EmbeddedPostgres
from monev.db.endpoints import Endpoint, external_endpoint
from monev.evaluation.period import EvaluationPeriod

E2E_GROUP = pytest.mark.xdist_group("e2e")


def pytest_configure() -> None:
    """Under xdist, this worker's own instance, before anything reads ``MONEV_HOME``."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        home = config.monev_home() / worker
        home.mkdir(parents=True, exist_ok=True)
        os.chmod(home, 0o755)  # the cluster's unprivileged user walks through it
        os.environ["MONEV_HOME"] = str(home)


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the groups
def pytest_collection_modifyitems(items) -> None:
    """The tests that read the end-to-end run: one xdist group (xdist queues the group of
    most tests first)."""
    for item in items:
        if "e2e" in item.fixturenames:
            item.add_marker(E2E_GROUP)


@pytest.fixture(scope="session")
def endpoint():
    """The instance's warehouse: MONEV_HOME's embedded cluster (``make test`` makes a
    throwaway MONEV_HOME), or the external server of ``MONEV_PG_HOST``."""
    if external_endpoint() is not None:
        yield external_endpoint()
        return
    cluster = EmbeddedPostgres(config.monev_home())
    yield cluster.start()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        cluster.stop()  # a worker's own cluster (make test stops the one it names)


@pytest.fixture(scope="session")
def scratch() -> Endpoint:
    """A second, independent cluster for tests that need an empty raw layer, in the
    instance's home (``make test`` stops it there if a killed run left it up)."""
    home = config.monev_home() / "scratch"
    home.mkdir(exist_ok=True)
    os.chmod(home, 0o755)
    cluster = EmbeddedPostgres(home)
    cluster.remove()  # fresh each session, never a killed run's leftover
    endpoint = cluster.start()
    yield endpoint
    cluster.remove()


@pytest.fixture
def clean_scratch(scratch) -> Endpoint:
    """The scratch warehouse with raw and audit load tables emptied."""
    empty_scratch(scratch, "reconciliation")
    return scratch


@pytest.fixture(scope="session")
def e2e(endpoint, tmp_path_factory, request) -> dict:
    """The whole chain through Airflow on the samples, once per session: ``monev
    monitor``'s DAG for 20 July 2025 (drop folder, form API sweep, warehouse, early
    warning, letters e-mailed to a local SMTP server), then ``monev run``'s pipeline (the
    same inputs again, evaluation of 2025, the staff report with that early warning) and
    ``monev export``. The form API stand-in keeps serving until the session ends."""
    from monev.cli import main
    from monev.orchestration.demo import serve_sample_form_records, stage_samples
    from monev.orchestration.local import run_monitoring, run_pipeline

    if getattr(request.config.option, "loadgroup", False):  # set in each xdist worker
        lost = [i.nodeid for i in request.session.items
                if "e2e" in i.fixturenames and not i.nodeid.endswith("@e2e")]
        # a pytest whose node ids xdist cannot mark (pytest-xdist#1386) would run the
        # chain once per worker: twice the time, silently
        assert not lost, f"pytest-xdist did not group {lost[0]} with the other e2e tests"
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
