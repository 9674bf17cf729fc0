"""End to end: the samples through real Airflow (one run per session, see conftest)."""

import csv
import datetime as dt
import filecmp
import json
from decimal import Decimal
from pathlib import Path

import pytest
from support.warehouse import EXPECTED, MONITORING_DATE, query, shared_samples

from monev import config
from monev.evaluation.period import EvaluationPeriod

pytestmark = pytest.mark.e2e


def test_bundled_samples_equal_shared_samples():
    shared = shared_samples()
    ours = config.SAMPLES_DIR
    assert filecmp.cmp(shared / "received.csv", ours / "received.csv", shallow=False)
    for sub in ("drop", "kobo"):
        cmp = filecmp.dircmp(shared / sub, ours / sub)
        assert not (cmp.left_only or cmp.right_only), (sub, cmp.left_only, cmp.right_only)
        _, mismatch, errors = filecmp.cmpfiles(shared / sub, ours / sub, cmp.common_files,
                                               shallow=False)
        assert not mismatch and not errors, (mismatch, errors)


def test_every_dag_run_succeeded(e2e):
    for run in e2e["runs"].values():
        assert str(run.state) == "success"
        states = {ti.task_id: str(ti.state) for ti in run.get_task_instances()}
        assert set(states.values()) <= {"success", "skipped"}, states
    evaluate = {ti.task_id: str(ti.state) for ti in e2e["runs"]["evaluate"].get_task_instances()}
    # `monev run` ingested and built the warehouse just before: the evaluation skips that
    assert evaluate["inputs_current"] == "success" and evaluate["sweep_form_records"] == "skipped"
    assert all(evaluate[t] == "success" for t in ("gate", "publish", "report"))


def test_monitoring_dag_publishes_the_early_warning_and_writes_letters(e2e, tmp_path):
    """``monev_monitor`` through Airflow on the samples: every task ran, the published
    early warning exports byte for byte as the rules give it, a letter (and its PDF) for
    each partner warned."""
    from monev.cli import main

    run = e2e["monitor"]
    states = {ti.task_id: str(ti.state) for ti in run.get_task_instances()}
    assert str(run.state) == "success" and set(states.values()) == {"success"}, states
    assert main(["export", "--monitoring", "--as-of", MONITORING_DATE,
                 "--out", str(tmp_path)]) == 0
    written = tmp_path / f"early_warning_{MONITORING_DATE}.csv"
    assert written.read_bytes() == (EXPECTED / written.name).read_bytes()
    partners = {k for (k,) in query(e2e["url"], "SELECT DISTINCT kode_mitra FROM"
                                    " monitoring.early_warning WHERE as_of = %s",
                                    [MONITORING_DATE])}
    letters = list((config.monev_home() / "outbox").glob(
        f"*/surat_peringatan_{MONITORING_DATE}.html"))
    assert len(letters) == len(partners) > 0
    assert all(p.with_suffix(".pdf").read_bytes().startswith(b"%PDF-") for p in letters)
    # e-mailed by the DAG's letters task, to the reporters on file only
    on_file = {e for (e,) in query(e2e["url"], "SELECT DISTINCT email FROM"
                                   " monitoring.early_warning WHERE as_of = %s AND email"
                                   " IS NOT NULL", [MONITORING_DATE])}
    sent_to = {to for recipients, content in e2e["inbox"].messages for to in recipients
               if "Subject: Pemberitahuan pemantauan" in content}  # receipts went out too
    assert sent_to == on_file and on_file


def test_every_drop_file_was_received_with_its_time(e2e):
    received = {r["file"]: r["received_at"] for r in csv.DictReader(
        open(config.SAMPLES_DIR / "received.csv"))}
    rows = query(e2e["url"], "SELECT file_name, received_at, airflow_run_id, status"
                             " FROM raw.file_receipt")
    assert {r[0] for r in rows} == set(received)
    from datetime import datetime
    for name, at, run_id, status in rows:
        assert at == datetime.fromisoformat(received[name])
        # the monitoring run read the folder first; `monev run` found nothing new
        assert run_id == e2e["monitor"].run_id
        assert status == "loaded"


def test_dim_partner_holds_every_row_of_the_partner_master(e2e):
    with open(config.SAMPLES_DIR / "drop" / "mitra.csv", newline="") as f:
        master = [(r["kode_mitra"], r["nama_resmi"], r["berlaku_mulai"]) for r in csv.DictReader(f)]
    dim = query(e2e["url"], "SELECT kode_mitra, nama_resmi, berlaku_mulai::text"
                            " FROM marts.dim_partner WHERE is_latest_copy")
    assert sorted(dim) == sorted(master)


def test_dim_agreement_current_rows_are_the_latest_register_copy(e2e):
    from monev.sources.parsers import parse_register

    latest = parse_register((config.SAMPLES_DIR / "drop" /
                             "daftar_kerja_sama_2026-01-20.xlsx").read_bytes())
    expected = sorted((r.values["nomor_perjanjian"], r.values["jenis"], r.values["status"])
                      for r in latest.sheets["register_row"].rows)
    current = query(e2e["url"], "SELECT nomor_perjanjian, jenis, status FROM marts.dim_agreement"
                                " WHERE in_latest_register")
    assert sorted(current) == expected
    older = query(e2e["url"], "SELECT count(*) FROM marts.dim_agreement"
                              " WHERE NOT in_latest_register"
                              " AND register_file_name = 'daftar_kerja_sama_2025-01-20.xlsx'")
    assert older[0][0] > 0  # the register's history is kept


def test_dbt_tests_ran_and_passed(e2e):
    """Each warehouse model's tests run in its own `dbt build` task of ``monev_warehouse``,
    and all of them again in the one `dbt build` with which ``monev_monitor`` refreshes the
    warehouse: every warehouse model built and every test of them passing, in each run's
    audit trail."""
    run = e2e["runs"]["warehouse"]
    assert all(str(ti.state) == "success" for ti in run.get_task_instances())
    manifest = json.loads((config.DBT_PROJECT_DIR / "target" / "manifest.json").read_text())
    warehouse_models = {uid for uid, node in manifest["nodes"].items()
                        if node["resource_type"] in ("model", "seed")
                        and not {"evaluation", "monitoring"} & set(node["tags"])}
    expected = {uid for uid, node in manifest["nodes"].items()
                if node["resource_type"] == "test"
                and set(node["depends_on"]["nodes"]) <= warehouse_models}

    def ran(run_id: str, kind: str, task: str = "%") -> dict:
        return dict(query(e2e["url"], """
            SELECT r->>'unique_id', r->>'status'
            FROM audit.dbt_invocation i, jsonb_array_elements(i.run_results->'results') r
            WHERE i.airflow_run_id = %s AND i.airflow_task_id LIKE %s
              AND r->>'unique_id' LIKE %s""", [run_id, task, f"{kind}.%"]))

    tests = ran(run.run_id, "test")
    assert expected and set(tests) == expected
    # each task's success recorded with the fingerprint of its inputs (skipped next time)
    recorded = query(e2e["url"], "SELECT airflow_task_id FROM audit.model_build"
                                 " WHERE airflow_run_id = %s", [run.run_id])
    assert sorted(t for (t,) in recorded) == sorted(
        ti.task_id for ti in run.get_task_instances()
        if ti.task_id not in ("snapshot_inputs", "templates"))  # the tasks that are not dbt's
    assert set(tests.values()) == {"pass"}
    refresh = e2e["monitor"].run_id
    [(invocations,)] = query(e2e["url"], "SELECT count(*) FROM audit.dbt_invocation"
                                         " WHERE airflow_run_id = %s AND airflow_task_id ="
                                         " 'warehouse'", [refresh])
    assert invocations == 1
    assert ran(refresh, "test", "warehouse") == tests
    models = ran(refresh, "model", "warehouse")
    assert set(models) == {m for m in warehouse_models if m.startswith("model.")}
    assert set(models.values()) == {"success"}


def test_reconciliation_holds_for_every_file(e2e):
    bad = query(e2e["url"], "SELECT file_name, sheet FROM audit.reconciliation WHERE"
                            " rows_arrived <> rows_accepted + rows_unchanged + rows_quarantined")
    assert bad == []
    loaded = query(e2e["url"], "SELECT count(*) FROM raw.file_receipt WHERE status = 'loaded'"
                               " AND load_id NOT IN (SELECT load_id FROM audit.reconciliation)")
    assert loaded[0][0] == 0


def test_bi_role_reads_the_dimensions(e2e):
    rows = query(e2e["endpoint"].url("monev_bi"), "SELECT count(*) FROM marts.dim_agreement")
    assert rows[0][0] > 0


def test_published_evaluation_explains_itself(e2e):
    """As monev_bi: every relation and column of schema evaluation has its comment; the
    flags give the warehouse's figure without DISTINCT ON, outcome_status_latest the
    evaluation's, and the *_latest views the latest cut-off of each year."""
    bi = e2e["endpoint"].url("monev_bi")
    undescribed = query(bi, """SELECT c.relname, a.attname FROM pg_class AS c
        JOIN pg_attribute AS a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        WHERE c.relnamespace = 'evaluation'::regnamespace AND c.relkind IN ('r', 'v')
          AND (coalesce(col_description(c.oid, a.attnum), '') = ''
               OR coalesce(obj_description(c.oid, 'pg_class'), '') = '')""")
    assert undescribed == []
    [(persen,)] = query(bi, """SELECT col_description('evaluation.bidang_progress'::regclass,
        attnum) FROM pg_attribute WHERE attrelid = 'evaluation.bidang_progress'::regclass
        AND attname = 'persen'""")
    assert "fraction" in persen and "102.5 %" in persen
    [(naive, standing)] = query(bi, """SELECT sum(capaian), sum(capaian) FILTER (WHERE
        is_latest_copy AND passed_ingestion AND NOT is_not_approved) FROM marts.fct_outcome
        WHERE tahun = 2025""")
    [(counted, rows, outcomes)] = query(bi, """SELECT sum(o.capaian) FILTER (WHERE
        s.counted_in_latest_evaluation), count(*), count(DISTINCT s.outcome_key)
        FROM evaluation.outcome_status_latest AS s JOIN marts.fct_outcome AS o
        USING (outcome_key) WHERE s.tahun = 2025""")
    assert (naive, standing, counted) == (3770, 3748, 3739)  # issue 20's figures
    assert rows == outcomes  # one row per outcome
    latest = query(bi, "SELECT DISTINCT tahun, as_of FROM evaluation.agreement_scorecard_latest")
    assert latest == [(2025, dt.date(2026, 1, 31))]


def test_bundled_expected_marts_equal_the_shared_ones():
    shared = shared_samples() / "expected"
    names = sorted(p.name for p in shared.glob("*.csv"))
    assert names == sorted(p.name for p in EXPECTED.glob("*.csv"))
    for name in names:
        assert (EXPECTED / name).read_bytes() == (shared / name).read_bytes(), name


def test_export_equals_the_expected_marts_byte_for_byte(e2e):
    expected = EXPECTED
    names = sorted(p.name for p in expected.glob("*_2025.csv"))
    assert sorted(p.name for p in e2e["export"].iterdir()) == names
    for name in names:
        assert (e2e["export"] / name).read_bytes() == (expected / name).read_bytes(), name


def test_form_records_reached_the_warehouse_through_their_dag(e2e):
    # the monitoring run swept the form API first; `monev run`'s sweep found nothing new
    first, again = e2e["monitor"].run_id, e2e["runs"]["ingest_kobo"].run_id
    rows = query(e2e["url"], "SELECT count(*), count(*) FILTER (WHERE NOT accepted)"
                             " FROM raw.kobo_record WHERE airflow_run_id = %s", [first])
    assert rows == [(15, 1)]
    syncs = query(e2e["url"], "SELECT airflow_run_id, mode, records_read, new_versions"
                              " FROM raw.kobo_sync ORDER BY finished_at")
    assert syncs == [(first, "full", 15, 15), (again, "full", 15, 0)]


def test_publication_is_recorded(e2e):
    rows = query(e2e["url"], "SELECT tahun, as_of::text, row_counts FROM audit.publication"
                             " WHERE airflow_run_id = %s", [e2e["runs"]["evaluate"].run_id])
    assert rows == [(2025, "2026-01-31", {"agreement_scorecard": 15, "partner_scorecard": 10,
                      "bidang_progress": 8, "sleeping_agreements": 3})]


def test_monev_run_again_changes_nothing_and_exports_the_same_bytes(e2e):
    """The CLI, in its own process, on the same inputs: nothing new is loaded, every dbt
    task of the warehouse is skipped (its inputs unchanged), the evaluation is published
    again with identical marts."""
    import os
    import subprocess
    import sys

    monev = str(Path(sys.executable).with_name("monev"))
    counts = "SELECT (SELECT count(*) FROM raw.kobo_record), (SELECT count(*) FROM" \
             " raw.realisasi_row), (SELECT count(*) FROM raw.quarantine)"
    before = query(e2e["url"], counts)
    builds = "SELECT (SELECT count(*) FROM audit.model_build), (SELECT count(*) FROM" \
             " audit.dbt_invocation WHERE airflow_dag_id = 'monev_warehouse')"
    builds_before = query(e2e["url"], builds)
    server = e2e["kobo"]
    run = subprocess.run([monev, "run", "--drop", str(e2e["drop"]), "--kobo-url",
                          server.base_url, "--kobo-asset", server.asset_uid, "--year", "2025"],
                         capture_output=True, text=True, env=dict(os.environ))
    assert run.returncode == 0, run.stderr[-3000:]
    # the terminal: one line per DAG and task on stderr, a summary on stdout, the rest logged
    lines = run.stdout.splitlines()
    assert lines[0] == "evaluation 2025 as of 2026-01-31 published" and len(lines) < 15
    summary = dict(line.strip().split("  ", 1) for line in lines[1:-1])
    assert int(summary["agreements evaluated"]) > 0
    assert int(summary["files received after the cut-off"]) == 0
    log_file = Path(summary["log of this run"].strip())
    assert "monev_evaluate" in log_file.read_text()  # Airflow's own output went there
    assert "✓ monev_ingest_drop · load_new_files" in run.stderr
    assert "✓ monev_evaluate · publish" in run.stderr
    # the raw tables are as the chain's warehouse run left them: every dbt task is skipped,
    # none invokes dbt or records a build
    assert query(e2e["url"], builds) == builds_before
    assert "dim_agreement_model_build (skipped)" in " ".join(run.stderr.split())
    assert "dbt" not in run.stdout and "INFO" not in run.stderr
    out = e2e["work"] / "export-again"
    exp = subprocess.run([monev, "export", "--year", "2025", "--as-of", "2026-01-31",
                          "--out", str(out)], capture_output=True, text=True)
    assert exp.returncode == 0, exp.stderr
    assert query(e2e["url"], counts) == before
    for path in e2e["export"].iterdir():
        assert (out / path.name).read_bytes() == path.read_bytes(), path.name
    assert len(query(e2e["url"], "SELECT 1 FROM audit.publication")) >= 2


def test_export_of_a_period_never_published_is_an_error(e2e, tmp_path, capsys):
    from monev.cli import main

    assert main(["export", "--year", "2024", "--out", str(tmp_path)]) == 1
    assert not list(tmp_path.iterdir())
    assert "published: --year 2025 --as-of 2026-01-31" in capsys.readouterr().err


def test_reports_and_exports_are_readable_by_their_owner_only(e2e):
    import stat

    from monev.report.html import report_path

    report = report_path(EvaluationPeriod.of(2025))
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    assert stat.S_IMODE(report.parent.stat().st_mode) == 0o700
    for path in e2e["export"].iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


def test_report_figures_equal_the_published_marts(e2e):
    from html.parser import HTMLParser

    from monev.report.html import report_path

    class Figures(HTMLParser):
        def __init__(self):
            super().__init__()
            self.table, self.key, self.values, self.charts = None, None, {}, 0

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "table":
                self.table = a.get("id")
            if tag == "tr":
                self.key = a.get("data-nomor") or a.get("data-kode")
            assert tag not in ("img", "script", "link")  # self-contained, no network
            if tag == "svg":
                self.charts += 1
            if "data-figure" in a:
                self.values[("headline", a["data-figure"])] = a["data-value"]
            if "data-field" in a and self.key:
                self.values[(self.table, self.key, a["data-field"])] = a["data-value"]

    html = report_path(EvaluationPeriod.of(2025)).read_text()
    assert '<html lang="id">' in html and "Perjanjian tidur" in html
    parser = Figures()
    parser.feed(html)
    v = parser.values
    for nomor, skor, activities in query(e2e["url"], "SELECT nomor_perjanjian, skor,"
                                         " activities FROM evaluation.agreement_scorecard"):
        assert Decimal(v[("perjanjian", nomor, "skor")]) == skor
        assert int(v[("perjanjian", nomor, "activities")]) == activities
    for kode, mean in query(e2e["url"], "SELECT kode_mitra, mean_skor"
                                        " FROM evaluation.partner_scorecard"):
        assert Decimal(v[("mitra", kode, "mean_skor")]) == mean
    sleeping = query(e2e["url"], "SELECT nomor_perjanjian FROM evaluation.sleeping_agreements")
    assert {k[1] for k in v if k[0] == "tidur"} == {s[0] for s in sleeping}
    assert int(v[("headline", "agreements_evaluated")]) == 15
    assert int(v[("headline", "agreements_tidur")]) == len(sleeping)
    assert parser.charts >= 2  # the category chart and one chart per bidang


def test_report_counts_each_counted_outcome_once_per_obstacle(e2e):
    rows = query(e2e["url"], """SELECT kendala, count(DISTINCT source_record_key)
        FROM evaluation_staging.eval_counted_outcomes WHERE kendala IS NOT NULL
        GROUP BY kendala ORDER BY 2 DESC, kendala COLLATE "C" LIMIT 1""")
    from monev.report.html import report_path

    html = report_path(EvaluationPeriod.of(2025)).read_text()
    kendala, n = rows[0]
    assert f'<td>{kendala}</td><td class="num" data-field="outcomes" data-value="{n}">' in html
