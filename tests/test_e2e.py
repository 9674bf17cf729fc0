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


def test_both_dag_runs_succeeded(e2e):
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
        assert run_id == e2e["runs"]["ingest"].run_id
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
