"""The staff dashboard in Apache Superset as ``make bi`` provisions it: set up twice with
nothing changed the second time, served, opened in headless Chromium as a user would,
every chart drawn without error and its figures equal to the published marts."""

from __future__ import annotations

import time
import urllib.request
from pathlib import Path

import psycopg
import pytest
import yaml
from babel.numbers import format_decimal
from playwright.sync_api import sync_playwright
from support.browser import artifacts, console_errors, launch
from support.stack import free_port
from support.warehouse import query

from monev import config
from monev.bi import superset

pytestmark = pytest.mark.stack
CHARTS = {"Perjanjian dievaluasi", "Perjanjian tidur", "Rata-rata skor", "Mitra dievaluasi",
          "Sebaran kategori", "Daftar perjanjian tidur", "Peringkat mitra",
          "Target dan capaian per bidang", "Kegiatan per provinsi", "Tren antar tahun evaluasi"}


def metadata(endpoint) -> dict:
    """What the import writes into Superset's metadata database."""
    with psycopg.connect(endpoint.url(config.SUPERSET_ROLE, config.SUPERSET_DB)) as conn:
        return {table: conn.execute(f"SELECT {columns} FROM {table} ORDER BY 1").fetchall()
                for table, columns in (
                    ("dbs", "uuid, database_name, sqlalchemy_uri, password"),
                    ("tables", "uuid, table_name, schema, sql"),
                    ("slices", "uuid, slice_name, params"),
                    ("dashboards", "uuid, slug, position_json"))}


def assets(folder: Path) -> dict[str, object]:
    """The YAML of a folder of assets, without what names rows of one Superset instance
    (ids in `datasource`, `chartId`) or the moment of the export."""
    def clean(value):
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()
                    if k not in {"datasource", "chartId", "timestamp", "slice_id"}}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value
    return {str(p.relative_to(folder)): clean(yaml.safe_load(p.read_text(encoding="utf-8")))
            for p in sorted(folder.rglob("*.yaml"))}


@pytest.fixture(scope="module")
def dashboard(e2e, tmp_path_factory):
    endpoint = e2e["endpoint"]
    superset.setup(endpoint)
    first = metadata(endpoint)
    superset.setup(endpoint)
    assert metadata(endpoint) == first  # idempotent: nothing added, nothing changed
    # what Superset now holds is what the repository says, and `monev bi export` says so
    exported = tmp_path_factory.mktemp("superset_export")
    superset.export(endpoint, exported)
    assert assets(exported) == assets(superset.ASSETS_DIR)
    [(name, uri, password)] = [row[1:] for row in first["dbs"]]
    assert uri.startswith("postgresql+psycopg2://monev_bi@") and password is None
    assert len(first["slices"]) == len(CHARTS)
    port = free_port()
    server = superset.serve(endpoint, port=port, workers=1)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while True:
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=5) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        assert time.monotonic() < deadline, "Superset did not answer on /health"
        assert server.poll() is None, "Superset's web server exited"
        time.sleep(2)
    yield base
    server.terminate()
    server.wait(60)


def indonesian(value, decimals: int = 0) -> str:
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale="id")


def test_dashboard_draws_the_published_figures(dashboard, e2e):
    bi = e2e["endpoint"].url("monev_bi")
    [(year,)] = query(bi, "SELECT max(tahun) FROM evaluation.latest_publication")
    [(agreements, sleeping, mean)] = query(bi, """SELECT count(*), count(*) FILTER (WHERE
        tidur), round(avg(skor), 1) FROM evaluation.agreement_scorecard_latest
        WHERE tahun = %s""", [year])
    ranking = [name for (name,) in query(bi, """SELECT nama_mitra FROM
        evaluation.partner_scorecard_latest WHERE tahun = %s
        ORDER BY mean_skor DESC, nama_mitra""", [year])]
    tidur = sorted(n for (n,) in query(bi, """SELECT nomor_perjanjian FROM
        evaluation.sleeping_agreements_latest WHERE tahun = %s""", [year]))
    assert agreements > 0 and ranking and tidur

    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        errors = console_errors(page)
        page.goto(f"{dashboard}/login/")
        # as staff: a read-only role with monev's datasets only
        page.fill("[data-test=username-input]", superset.STAFF_USER)
        page.fill("[data-test=password-input]", superset.staff_password())
        page.click("[data-test=login-button]")
        page.wait_for_url(lambda url: "/login" not in url)
        page.goto(f"{dashboard}/superset/dashboard/{superset.DASHBOARD_SLUG}/")
        page.wait_for_function(
            """n => {
                const charts = document.querySelectorAll('[data-test=chart-grid-component]');
                return charts.length === n && [...charts].every(c =>
                    !c.querySelector('.loading') &&
                    (c.querySelector('svg, canvas, table, .header-line') !== null ||
                     c.innerText.includes('error')));
            }""", arg=len(CHARTS), timeout=120_000)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=artifacts() / "superset_dashboard.png", full_page=True)
        charts = {c.get_attribute("data-test-chart-name"): c
                  for c in page.locator("[data-test=chart-grid-component]").all()}
        assert set(charts) == CHARTS
        for name, chart in charts.items():
            text = chart.inner_text()
            assert "error" not in text.lower(), f"{name}: {text[:300]}"
            assert chart.locator("svg, canvas, table, .header-line").count() > 0, name
        assert indonesian(agreements) in charts["Perjanjian dievaluasi"].inner_text()
        assert indonesian(sleeping) in charts["Perjanjian tidur"].inner_text()
        assert indonesian(mean, 1) in charts["Rata-rata skor"].inner_text()  # e.g. 54,9
        rows = charts["Peringkat mitra"].locator("tbody tr").all()
        assert [r.locator("td").first.inner_text().strip() for r in rows] == ranking
        listed = charts["Daftar perjanjian tidur"].locator("tbody tr").all()
        assert sorted(r.locator("td").first.inner_text().strip() for r in listed) == tidur
        # what staff may not do: SQL Lab, the connection's settings, other datasets
        for api in ("/api/v1/sqllab/", "/api/v1/database/1/connection"):
            assert page.request.get(f"{dashboard}{api}").status in (401, 403, 404), api
        datasets = page.request.get(f"{dashboard}/api/v1/dataset/?q=(page_size:100)").json()
        assert datasets["count"] == len(list((superset.ASSETS_DIR / "datasets").rglob("*.yaml")))
        browser.close()
    # the only errors allowed: what our content security policy refuses to send out
    # (Superset's frontend carries a telemetry pixel that cannot be switched off)
    assert [e for e in errors if "Content Security Policy" not in e] == []
