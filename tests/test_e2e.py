"""End to end: the samples through real Airflow (one run per session, see conftest)."""

import csv
import filecmp

import pytest
from conftest import query, shared_samples

from monev import config

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
        assert all(str(ti.state) == "success" for ti in run.get_task_instances())


def test_every_drop_file_was_received_with_its_time(e2e):
    received = {r["file"]: r["received_at"] for r in csv.DictReader(
        open(config.SAMPLES_DIR / "received.csv"))}
    rows = query(e2e["url"], "SELECT file_name, received_at, airflow_run_id, status"
                             " FROM raw.file_receipt")
    assert {r[0] for r in rows} == set(received)
    from datetime import datetime
    for name, at, run_id, status in rows:
        assert at == datetime.fromisoformat(received[name])
        assert run_id == e2e["runs"]["ingest_drop"].run_id
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
                                " WHERE is_current")
    assert sorted(current) == expected
    older = query(e2e["url"], "SELECT count(*) FROM marts.dim_agreement WHERE NOT is_current"
                              " AND register_file_name = 'daftar_kerja_sama_2025-01-20.xlsx'")
    assert older[0][0] > 0  # the register's history is kept


def test_dbt_tests_ran_and_passed(e2e):
    test_tasks = [ti for ti in e2e["runs"]["warehouse"].get_task_instances()
                  if ti.task_id.endswith(".test")]
    assert test_tasks and all(str(ti.state) == "success" for ti in test_tasks)


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


def test_export_equals_the_expected_marts_byte_for_byte(e2e):
    expected = shared_samples() / "expected"
    names = sorted(p.name for p in expected.glob("*_2025.csv"))
    assert sorted(p.name for p in e2e["export"].iterdir()) == names
    for name in names:
        assert (e2e["export"] / name).read_bytes() == (expected / name).read_bytes(), name


def test_form_records_reached_the_warehouse_through_their_dag(e2e):
    run_id = e2e["runs"]["ingest_kobo"].run_id
    rows = query(e2e["url"], "SELECT count(*), count(*) FILTER (WHERE NOT accepted)"
                             " FROM raw.kobo_record WHERE airflow_run_id = %s", [run_id])
    assert rows == [(15, 1)]
    [(mode,)] = query(e2e["url"], "SELECT mode FROM raw.kobo_sync WHERE airflow_run_id = %s",
                      [run_id])
    assert mode == "full"


def test_publication_is_recorded(e2e):
    rows = query(e2e["url"], "SELECT tahun, as_of::text, row_counts FROM audit.publication"
                             " WHERE airflow_run_id = %s", [e2e["runs"]["evaluate"].run_id])
    assert rows == [(2025, "2026-01-31", {"agreement_scorecard": 15, "partner_scorecard": 10,
                      "bidang_progress": 8, "sleeping_agreements": 3})]


def test_monev_run_again_changes_nothing_and_exports_the_same_bytes(e2e):
    """The CLI, in its own process, on the same inputs: nothing new is loaded, the
    evaluation is published again with identical marts."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    monev = str(Path(sys.executable).with_name("monev"))
    counts = "SELECT (SELECT count(*) FROM raw.kobo_record), (SELECT count(*) FROM" \
             " raw.realisasi_row), (SELECT count(*) FROM raw.quarantine)"
    before = query(e2e["url"], counts)
    server = e2e["kobo"]
    run = subprocess.run([monev, "run", "--drop", str(e2e["drop"]), "--kobo-url",
                          server.base_url, "--kobo-asset", server.asset_uid, "--year", "2025"],
                         capture_output=True, text=True, env=dict(os.environ))
    assert run.returncode == 0, run.stderr[-3000:]
    out = e2e["work"] / "export-again"
    exp = subprocess.run([monev, "export", "--year", "2025", "--as-of", "2026-01-31",
                          "--out", str(out)], capture_output=True, text=True)
    assert exp.returncode == 0, exp.stderr
    assert query(e2e["url"], counts) == before
    for path in e2e["export"].iterdir():
        assert (out / path.name).read_bytes() == path.read_bytes(), path.name
    assert len(query(e2e["url"], "SELECT 1 FROM audit.publication")) == 2


def test_export_of_a_period_never_published_is_an_error(e2e, tmp_path):
    from monev.cli import main

    assert main(["export", "--year", "2024", "--out", str(tmp_path)]) == 1
    assert not list(tmp_path.iterdir())
