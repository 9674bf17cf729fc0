"""The star schema on a small hand-written world: exact rows of dims and facts, the
incremental build equal to a full refresh, and the BI example query."""

from __future__ import annotations

import datetime as dt
import json
import os
from decimal import Decimal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import psycopg
import pytest
from support.rules_world import form_record
from support.warehouse import WAREHOUSE_ONLY, empty_scratch, query
from support.workbooks import register, report

from monev import config
from monev.lineage.audit_trail import AirflowRun
from monev.load.drop import ingest_folder
from monev.load.kobo import sync
from monev.sources.kobo_client import KoboClient
from monev.sources.kobo_replay import KoboReplayServer
from monev.sources.parsers import KINDS
from monev.transform.dbt import DbtFailed, build_warehouse, dbt
from monev.transform.unchanged import (
    inputs_now,
    manifest,
    record_build,
    source_watermarks,
    unchanged_since_last_build,
)

JKT = ZoneInfo("Asia/Jakarta")
PARTNERS = """kode_mitra,nama_resmi,singkatan,kategori,induk,kode_provinsi,berlaku_mulai,\
berlaku_sampai,alias
A1,Alpha Kementerian,AK,Kementerian,,,2015-01-01,2024-06-30,
A1,Alpha Baru,AB,Kementerian,,,2024-07-01,,Alpha Kementerian
B2,Beta Daerah,,Pemerintah Daerah,,32,2015-01-01,,
"""
NK_A = ["NK/A", "MoU", None, "Alpha Kementerian", "2024-01-01", "2028-12-31", "Pencegahan",
        "Deputi Pencegahan", "Aktif"]
PKS_A1 = ["PKS/A1", "PKS", "NK/A", "AB", "2024-02-01", "2026-12-31", "Pencegahan",
          "Deputi Pencegahan", "Aktif"]
NK_B = ["NK/B", "MoU", None, "Beta Daerah", "2025-03-01", "2029-12-31", "Rehabilitasi",
        "Deputi Rehabilitasi", "Aktif"]
ITEMS = [[1, "Pencegahan", "Sosialisasi", "Peserta", "Orang", 100, "Rp 1.000.000",
          "Prov. Jawa Barat"],
         [2, "P2M", "Materi", "Materi", "materi", 5, None, "DKI Jakarta"]]


def outcome(no_ra, date, capaian):
    return [1, no_ra, date, "Kegiatan", "Jawa Barat", "Bandung", capaian, 10, "100.000",
            None, None, None]


def at(path, *when):
    stamp = dt.datetime(*when, tzinfo=JKT).timestamp()
    os.utime(path, (stamp, stamp))
    return path


@pytest.fixture(scope="module")
def world(scratch, tmp_path_factory):
    """Stage 1 of the world, loaded and built (full); stage 2 is added by a test."""
    empty_scratch(scratch, "reconciliation")
    drop = tmp_path_factory.mktemp("warehouse") / "drop"
    drop.mkdir()
    (drop / "mitra.csv").write_text(PARTNERS)
    at(drop / "mitra.csv", 2025, 1, 1, 9)
    at(register(drop / "daftar_kerja_sama_1.xlsx", [[1, *NK_A], [2, *PKS_A1]]), 2025, 1, 5, 9)
    pks_extended = PKS_A1[:5] + ["2027-12-31"] + PKS_A1[6:8] + ["Diperpanjang"]
    at(register(drop / "daftar_kerja_sama_2.xlsx", [[1, *NK_A], [2, *pks_extended],
                                                    [3, *NK_B]]), 2025, 6, 1, 9)
    at(report(drop / "Laporan_A1_2025_S1.xlsx",
              identitas={"Nomor Perjanjian": "PKS/A1", "Tahun": 2025, "Semester": "I"},
              rencana=ITEMS, realisasi=[outcome(1, "2025-03-01", 40),
                                        outcome(2, "31/02/2025", 2)]), 2025, 7, 10, 9)
    server = KoboReplayServer([
        form_record(1, "validation_status_approved", "3", "2025-05-01T01:00:00", nomor="NK/B",
                    tanggal="2025-04-30"),
        form_record(2, "validation_status_not_approved", "9", "2025-05-02T01:00:00",
                    nomor="NK/B")], "tok").start()
    client = KoboClient(server.base_url, server.asset_uid, "tok")
    sync(scratch.url("monev_loader"), client)
    # the forms first: the facts' newest row is then a workbook row, so the incremental
    # test below must find changed form records by their change time, not by luck
    ingest_folder(scratch.url("monev_loader"), drop, "stage-1")
    dbt(["seed", "--quiet"], scratch)
    # raw was emptied: rebuild the incremental facts from scratch
    dbt(["run", "--quiet", "--full-refresh", *WAREHOUSE_ONLY], scratch)
    yield {"endpoint": scratch, "url": scratch.url(), "drop": drop, "server": server,
           "client": client}
    server.stop()


def jkt(*args):
    return dt.datetime(*args, tzinfo=JKT)


def test_one_build_of_the_warehouse_is_recorded_and_a_failure_raises(world):
    """What monev_evaluate and monev_monitor run to refresh the warehouse: every warehouse
    model and its tests in one `dbt build`, recorded in the audit trail with its task; a
    build that cannot run raises, naming the warehouse."""
    endpoint = world["endpoint"]
    airflow = AirflowRun("a_dag", "build-once", "warehouse", 1)
    counts = build_warehouse(endpoint.url("monev_transformer"), airflow, name="test_once")
    [(results,)] = query(world["url"], "SELECT run_results FROM audit.dbt_invocation"
                                       " WHERE airflow_run_id = 'build-once'"
                                       " AND airflow_task_id = 'warehouse'")
    statuses = [(r["unique_id"].split(".")[0], r["status"]) for r in results["results"]]
    assert counts == {f"{kind}s_{status}": statuses.count((kind, status))
                      for kind, status in set(statuses)}
    assert counts["models_success"] >= 10 and counts["tests_pass"] >= 10
    assert all(key.endswith(("_success", "_pass", "_no-op")) for key in counts), counts
    right = endpoint.url("monev_transformer")
    wrong = right.replace("@", "x@", 1)  # a wrong password
    with pytest.raises(DbtFailed, match="dbt build of the warehouse failed") as failed:
        build_warehouse(wrong, airflow, name="test_once")
    # dbt's output is in the message (what failed), the password is not
    assert "monev_transformer" in str(failed.value)
    for url in (right, wrong):
        assert urlsplit(url).password not in str(failed.value)


def test_dim_agreement_keeps_the_register_history(world):
    rows = query(world["url"], """SELECT nomor_perjanjian, jenis, nomor_induk, status,
        tanggal_berakhir::text, valid_from, valid_to, is_current, in_latest_register
        FROM marts.dim_agreement WHERE NOT is_inferred ORDER BY valid_from, nomor_perjanjian""")
    first, second = jkt(2025, 1, 5, 9), jkt(2025, 6, 1, 9)
    assert rows == [
        ("NK/A", "MoU", None, "Aktif", "2028-12-31", first, second, False, False),
        ("PKS/A1", "PKS", "NK/A", "Aktif", "2026-12-31", first, second, False, False),
        ("NK/A", "MoU", None, "Aktif", "2028-12-31", second, None, True, True),
        ("NK/B", "MoU", None, "Aktif", "2029-12-31", second, None, True, True),
        ("PKS/A1", "PKS", "NK/A", "Diperpanjang", "2027-12-31", second, None, True, True),
    ]


def test_facts_point_at_the_current_agreement_row(world):
    """One current row per number; every fact's agreement_key finds it (no history fan-out)."""
    current = query(world["url"], """SELECT nomor_perjanjian, count(*) FROM marts.dim_agreement
        WHERE is_current GROUP BY 1 HAVING count(*) > 1""")
    assert current == []
    for fact in ("fct_outcome", "fct_commitment", "fct_report"):
        joined = query(world["url"], f"""SELECT f.nomor_perjanjian, a.nomor_perjanjian,
            a.is_current FROM marts.{fact} AS f
            LEFT JOIN marts.dim_agreement AS a USING (agreement_key)""")
        assert joined and all(f == a and current for f, a, current in joined), fact


FOREIGN_KEYS = {  # (fact, column, dimension, the constraint's name in the fact's yml)
    ("fct_commitment", "agreement_key", "dim_agreement", "fct_commitment_agreement_fk"),
    ("fct_commitment", "bidang", "dim_bidang", "fct_commitment_bidang_fk"),
    ("fct_commitment", "indicator_key", "dim_indicator", "fct_commitment_indicator_fk"),
    ("fct_commitment", "kode_provinsi", "dim_region", "fct_commitment_region_fk"),
    ("fct_outcome", "agreement_key", "dim_agreement", "fct_outcome_agreement_fk"),
    ("fct_outcome", "kode_provinsi", "dim_region", "fct_outcome_region_fk"),
    ("fct_report", "agreement_key", "dim_agreement", "fct_report_agreement_fk"),
}
EXPECTED_FOREIGN_KEYS = {(f"marts.{f}", c, f"marts.{d}", name) for f, c, d, name in FOREIGN_KEYS}
# dim_agreement and the facts whose foreign keys point at it
AGREEMENTS_AND_FACTS = ["--select", "dim_agreement", "fct_report", "fct_outcome",
                        "fct_commitment"]


def dim_agreement_rows(url: str) -> list:
    return query(url, "SELECT to_jsonb(a) FROM marts.dim_agreement AS a ORDER BY agreement_key")


def foreign_keys(url: str) -> set[tuple[str, str, str, str]]:
    return set(query(url, """SELECT c.conrelid::regclass::text, a.attname,
        c.confrelid::regclass::text, c.conname::text FROM pg_constraint AS c
        JOIN pg_attribute AS a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
        WHERE c.contype = 'f' AND c.connamespace = 'marts'::regnamespace"""))


def test_facts_have_foreign_keys_that_survive_a_dimension_rebuild(world):
    """BI tools auto-join along them; rebuilding a dimension (dim_region) drops the keys
    pointing at it (cascade) and the post-hook `add_foreign_keys()` puts them back,
    incremental runs included. The keys are added after the rows, under the names the yml
    gives them; dbt's contract would create them with the table, unnamed, and check every
    row as it goes in (macros/foreign_keys.sql)."""
    expected = EXPECTED_FOREIGN_KEYS
    assert foreign_keys(world["url"]) == expected
    dbt(["run", "--quiet", "--select", "dim_agreement", "dim_region"], world["endpoint"])
    left = foreign_keys(world["url"])  # dim_agreement is changed in place (its own test)
    assert left == {k for k in expected if k[2] != "marts.dim_region"}
    dbt(["run", "--quiet", "--select", "fct_report", "fct_outcome", "fct_commitment"],
        world["endpoint"])
    assert foreign_keys(world["url"]) == expected
    dbt(["run", "--quiet", "--full-refresh", "--select", "fct_report"], world["endpoint"])
    assert foreign_keys(world["url"]) == expected
    fan_out = query(world["url"], """SELECT (SELECT count(*) FROM marts.fct_outcome),
        (SELECT count(*) FROM marts.fct_outcome JOIN marts.dim_agreement USING (agreement_key)
         LEFT JOIN marts.dim_region USING (kode_provinsi))""")
    assert fan_out[0][0] == fan_out[0][1] > 0


def dbt_relations(schema: str) -> list[str]:
    """The relations dbt builds in ``schema`` (other tests create tables there too)."""
    manifest = json.loads((config.DBT_PROJECT_DIR / "target" / "manifest.json").read_text())
    return sorted(n["alias"] for n in manifest["nodes"].values()
                  if n["resource_type"] == "model" and n["schema"] == schema)


def test_marts_explain_themselves(world):
    """persist_docs: every table, view and column of marts has the yml's description."""
    relations = dbt_relations("marts")
    assert len(relations) >= 10
    missing = query(world["url"], """SELECT c.relname, a.attname FROM pg_class AS c
        JOIN pg_attribute AS a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        WHERE c.relnamespace = 'marts'::regnamespace AND c.relname = ANY(%s)
          AND coalesce(col_description(c.oid, a.attnum), '') = ''""", [relations])
    assert missing == []
    described = query(world["url"], """SELECT c.relname, obj_description(c.oid, 'pg_class')
        FROM pg_class AS c WHERE c.relnamespace = 'marts'::regnamespace
          AND c.relname = ANY(%s)""", [relations])
    assert sorted(r for r, _ in described) == relations and all(t for _, t in described)
    flag = query(world["url"], """SELECT col_description('marts.fct_outcome'::regclass,
        attnum) FROM pg_attribute WHERE attrelid = 'marts.fct_outcome'::regclass
        AND attname = 'is_latest_copy'""")[0][0]
    assert flag.startswith("True when this row comes from the copy that stands now")
    # doc blocks render as text, not as quoted Jinja
    assert not query(world["url"], """SELECT 1 FROM pg_description
        WHERE strpos(description, '\\"') > 0 OR strpos(description, '{{') > 0""")


def test_dim_partner_is_type_2_by_validity_interval(world):
    rows = query(world["url"], """SELECT kode_mitra, nama_resmi, berlaku_mulai::text,
        berlaku_sampai::text, is_latest_copy FROM marts.dim_partner
        ORDER BY kode_mitra, berlaku_mulai""")
    assert rows == [("A1", "Alpha Kementerian", "2015-01-01", "2024-06-30", True),
                    ("A1", "Alpha Baru", "2024-07-01", None, True),
                    ("B2", "Beta Daerah", "2015-01-01", None, True)]


def test_fct_commitment_rows(world):
    rows = query(world["url"], """SELECT nomor_perjanjian, tahun, semester, item_no, bidang,
        satuan, target, anggaran, kode_provinsi, received_at, passed_ingestion
        FROM marts.fct_commitment ORDER BY item_no""")
    received = jkt(2025, 7, 10, 9)
    assert rows == [
        ("PKS/A1", 2025, 1, 1, "Pencegahan", "orang", Decimal(100), Decimal(1000000), "32",
         received, True),
        ("PKS/A1", 2025, 1, 2, "Pencegahan", "materi", Decimal(5), Decimal(0), "31",
         received, True),
    ]


def test_fct_outcome_rows(world):
    rows = query(world["url"], """SELECT channel, nomor_perjanjian, coalesce(row_number::text,
        kobo_id::text), no_rencana_aksi, tanggal_kegiatan::text, capaian, passed_ingestion,
        quarantine_reasons, is_not_approved, is_latest_version, is_deleted
        FROM marts.fct_outcome ORDER BY channel, 3""")
    assert rows == [
        ("form", "NK/B", "1", 1, "2025-04-30", Decimal(3), True, None, False, True, False),
        ("form", "NK/B", "2", 1, "2025-08-01", Decimal(9), True, None, True, True, False),
        ("workbook", "PKS/A1", "3", 1, "2025-03-01", Decimal(40), True, None, False, True,
         False),
        ("workbook", "PKS/A1", "4", 2, None, Decimal(2), False, "unparseable_date", False,
         True, False),
    ]


def test_fct_report_rows(world):
    rows = query(world["url"], """SELECT channel, nomor_perjanjian, tahun, semester,
        received_at, is_not_approved FROM marts.fct_report ORDER BY channel, received_at""")
    assert rows == [
        ("form", "NK/B", 2025, 2, dt.datetime(2025, 5, 1, 1, tzinfo=dt.UTC), False),
        ("form", "NK/B", 2025, 2, dt.datetime(2025, 5, 2, 1, tzinfo=dt.UTC), True),
        ("workbook", "PKS/A1", 2025, 1, jkt(2025, 7, 10, 9), False),
    ]


def test_bi_example_targets_vs_achieved(world):
    proc = dbt(["compile", "--quiet", "--select", "targets_vs_achieved"], world["endpoint"])
    assert proc.returncode == 0
    compiled = next((config.monev_home() / "dbt_target" / "compiled").rglob(
        "targets_vs_achieved.sql")).read_text()
    rows = query(world["endpoint"].url("monev_bi"), compiled)
    assert rows == [(2025, "Pencegahan", "materi", "DKI Jakarta", Decimal(5), Decimal(0)),
                    (2025, "Pencegahan", "orang", "Jawa Barat", Decimal(100), Decimal(40))]


def test_every_table_the_build_makes_is_analysed_at_once(world):
    """What runs next over a table dbt has just built (the next models, the gate) is
    planned on its statistics, not on guesses: the build analyses it itself (post-hook
    analyze_built), not autovacuum a minute later."""
    tables = query(world["url"], """SELECT n.nspname || '.' || c.relname,
            pg_stat_get_last_analyze_time(c.oid) IS NOT NULL
        FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r' AND n.nspname IN ('intermediate', 'marts')
          AND c.relname ~ '^(int|dim|fct)_'""")  # the models, not other tests' tables
    assert len(tables) >= 10
    assert [name for name, analysed in tables if not analysed] == []


def test_source_freshness_is_declared_and_checked(world):
    proc = dbt(["source", "freshness"], world["endpoint"])
    assert "raw.kobo_record" in proc.stdout and "raw.realisasi_row" in proc.stdout


def snapshot(url: str) -> dict:
    return {t: query(url, f"SELECT * FROM marts.{t} ORDER BY 1")
            for t in ("fct_outcome", "fct_commitment", "fct_report")}


def test_incremental_build_equals_full_refresh(world):
    url, drop, server = world["url"], world["drop"], world["server"]
    at(report(drop / "Laporan_A1_2025_S2.xlsx",
              identitas={"Nomor Perjanjian": "PKS/A1", "Tahun": 2025, "Semester": "II"},
              rencana=ITEMS, realisasi=[outcome(1, "2025-09-01", 15)]), 2026, 1, 10, 9)
    # a corrected copy of semester I supersedes the first one
    at(report(drop / "Laporan_A1_2025_S1_revisi.xlsx",
              identitas={"Nomor Perjanjian": "PKS/A1", "Tahun": 2025, "Semester": "I"},
              rencana=ITEMS, realisasi=[outcome(1, "2025-03-01", 41)]), 2025, 7, 20, 9)
    ingest_folder(world["endpoint"].url("monev_loader"), drop, "stage-2")
    server.edit(1, **{"kegiatan/capaian": "4"})
    server.delete(2)
    sync(world["endpoint"].url("monev_loader"), world["client"], full=True)
    # only what is not yet in the facts is read: the new workbooks, the one they supersede
    # (fct_report: every workbook of their agreement and year), the edited and deleted
    # records (all their versions)
    dbt(["run", "--quiet", "--select", "fct_report", "fct_outcome", "fct_commitment"],
        world["endpoint"])
    incremental = snapshot(url)
    forms = query(url, """SELECT kobo_id, capaian, is_latest_version, is_deleted,
        is_latest_copy, is_superseded
        FROM marts.fct_outcome WHERE channel = 'form' ORDER BY kobo_id, version_id""")
    assert forms == [(1, Decimal(3), False, False, False, True),
                     (1, Decimal(4), True, False, True, False),
                     (2, Decimal(9), True, True, False, False)]
    workbooks = query(url, """SELECT file_name, capaian, is_latest_copy, is_superseded
        FROM marts.fct_outcome WHERE channel = 'workbook' AND passed_ingestion
        ORDER BY received_at""")
    assert workbooks == [("Laporan_A1_2025_S1.xlsx", Decimal(40), False, True),
                         ("Laporan_A1_2025_S1_revisi.xlsx", Decimal(41), True, False),
                         ("Laporan_A1_2025_S2.xlsx", Decimal(15), True, False)]
    plans = query(url, """SELECT file_name, bool_and(is_latest_copy) FROM marts.fct_commitment
        GROUP BY file_name ORDER BY file_name""")
    assert plans == [("Laporan_A1_2025_S1.xlsx", False), ("Laporan_A1_2025_S1_revisi.xlsx",
                     False), ("Laporan_A1_2025_S2.xlsx", True)]
    assert len(incremental["fct_outcome"]) == 7 and len(incremental["fct_commitment"]) == 6
    reports = query(url, """SELECT coalesce(file_name, kobo_id::text), is_latest_copy,
        is_superseded, is_deleted, is_latest_action_plan FROM marts.fct_report
        WHERE nomor_perjanjian = 'PKS/A1' OR channel = 'form' ORDER BY 1""")
    assert reports == [("1", True, False, False, False), ("2", False, False, True, False),
                       ("Laporan_A1_2025_S1.xlsx", False, True, False, False),
                       ("Laporan_A1_2025_S1_revisi.xlsx", True, False, False, False),
                       ("Laporan_A1_2025_S2.xlsx", True, False, False, True)]
    dbt(["run", "--quiet", "--full-refresh", "--select", "fct_report", "fct_outcome",
         "fct_commitment"], world["endpoint"])
    assert snapshot(url) == incremental


def test_incremental_fct_report_follows_a_received_time_that_moved_back(world):
    """An earlier copy of a loaded workbook's bytes, arriving late, moves that workbook's
    received time back; the incremental run re-reads its agreement and year, so the copy
    it superseded stands again. A form record with no agreement or year (NULL) is read,
    and re-read when an edit gives it both, exactly as a full refresh reads them."""
    url, drop, server, endpoint = (world["url"], world["drop"], world["server"],
                                   world["endpoint"])
    first, second = drop / "Laporan_B_2025_S1.xlsx", drop / "Laporan_B_2025_S1_b.xlsx"
    for path, capaian, day in ((first, 10, 1), (second, 11, 5)):
        at(report(path, identitas={"Nomor Perjanjian": "NK/B", "Tahun": 2025,
                                   "Semester": "I"},
                  rencana=ITEMS, realisasi=[outcome(1, "2025-03-01", capaian)]),
           2025, 8, day, 9)
    record = form_record(7, "validation_status_approved", "1", "2025-08-02T01:00:00",
                         nomor=None)
    record["identitas/tahun"] = None
    server.add(record)
    loader = endpoint.url("monev_loader")
    ingest_folder(loader, drop, "moved-1")
    sync(loader, world["client"])
    selected = ["--select", "fct_report", "fct_outcome", "fct_commitment"]
    dbt(["run", "--quiet", *selected], endpoint)

    def standing():
        return query(url, """SELECT coalesce(file_name, kobo_id::text), nomor_perjanjian,
            tahun, is_latest_copy, is_superseded FROM marts.fct_report
            WHERE nomor_perjanjian = 'NK/B' AND channel = 'workbook' OR kobo_id = 7
            ORDER BY 1""")

    assert standing() == [("7", None, None, True, False),
                          ("Laporan_B_2025_S1.xlsx", "NK/B", 2025, False, True),
                          ("Laporan_B_2025_S1_b.xlsx", "NK/B", 2025, True, False)]
    # the same bytes as the second copy, received before the first: a duplicate, and the
    # second copy now counts from 25 July
    copy = drop / "Laporan_B_2025_S1_c.xlsx"
    copy.write_bytes(second.read_bytes())
    at(copy, 2025, 7, 25, 9)
    server.edit(7, **{"identitas/nomor_perjanjian": "NK/B", "identitas/tahun": "2025"})
    ingest_folder(loader, drop, "moved-2")
    sync(loader, world["client"], full=True)
    dbt(["run", "--quiet", *selected], endpoint)
    assert standing() == [("7", "NK/B", 2025, True, False),
                          ("Laporan_B_2025_S1.xlsx", "NK/B", 2025, True, False),
                          ("Laporan_B_2025_S1_b.xlsx", "NK/B", 2025, False, True)]
    [(moved,)] = query(url, "SELECT received_at FROM marts.fct_report"
                            " WHERE file_name = 'Laporan_B_2025_S1_b.xlsx'")
    assert moved == jkt(2025, 7, 25, 9)
    incremental = snapshot(url)
    dbt(["run", "--quiet", "--full-refresh", *selected], endpoint)
    assert snapshot(url) == incremental


def test_a_fct_report_from_before_version_id_gets_it_on_the_next_run(world):
    """A warehouse built before fct_report kept each form record's standing version: the
    next incremental run appends the column and re-reads the rows lacking it, and the
    table equals a full refresh (no manual step on upgrade)."""
    url, endpoint = world["url"], world["endpoint"]
    selected = ["--select", "fct_report", "fct_outcome", "fct_commitment"]

    def reports():
        return query(url, "SELECT to_jsonb(r) FROM marts.fct_report AS r ORDER BY report_key")

    dbt(["run", "--quiet", "--full-refresh", *selected], endpoint)
    refreshed = reports()
    assert all(r["version_id"] for (r,) in refreshed if r["channel"] == "form")
    with psycopg.connect(url) as conn:  # the table as an earlier release left it
        conn.execute("ALTER TABLE marts.fct_report DROP COLUMN version_id")
    dbt(["run", "--quiet", *selected], endpoint)
    assert reports() == refreshed


def test_two_form_assets_sharing_a_record_id_stay_two_records(world):
    """Two forms (assets) number their records independently: record 1 of a second asset
    is its own report, and an edit to it, read incrementally, changes that report only,
    exactly as a full refresh reads them."""
    url, endpoint = world["url"], world["endpoint"]
    selected = ["--select", "fct_report", "fct_outcome", "fct_commitment"]
    second = KoboReplayServer([form_record(1, "validation_status_approved", "6",
                                           "2025-06-01T01:00:00", nomor="NK/B")],
                              "tok", asset_uid="aSecondForm").start()
    try:
        client = KoboClient(second.base_url, second.asset_uid, "tok")
        sync(endpoint.url("monev_loader"), client)
        dbt(["run", "--quiet", *selected], endpoint)

        def record_1():
            return query(url, """SELECT k.asset_uid, o.capaian, r.report_key
                FROM marts.fct_outcome o JOIN raw.kobo_record k USING (version_id)
                JOIN marts.fct_report r USING (version_id)
                WHERE o.channel = 'form' AND o.kobo_id = 1 AND o.is_latest_version
                ORDER BY 1""")

        first = {asset: rest for asset, *rest in record_1()}
        assert first.keys() == {world["client"].asset_uid, "aSecondForm"}
        assert len({key for _, key in first.values()}) == 2  # two reports
        second.edit(1, **{"kegiatan/capaian": "8"})
        sync(endpoint.url("monev_loader"), client, full=True)
        dbt(["run", "--quiet", *selected], endpoint)
        after = {asset: rest for asset, *rest in record_1()}
        assert after == first | {"aSecondForm": [Decimal(8), first["aSecondForm"][1]]}
        # by name: the test before this one left fct_report's columns in another order
        facts = {t: query(url, f"SELECT to_jsonb(f) FROM marts.{t} AS f ORDER BY 1")
                 for t in ("fct_outcome", "fct_commitment", "fct_report")}
        dbt(["run", "--quiet", "--full-refresh", *selected], endpoint)
        assert {t: query(url, f"SELECT to_jsonb(f) FROM marts.{t} AS f ORDER BY 1")
                for t in facts} == facts
    finally:
        second.stop()


def test_a_model_is_unchanged_only_while_its_inputs_and_relation_stay(world):
    """On a built warehouse: a build recorded on a snapshot of the inputs holds until a raw
    table the model reads grows or its relation goes; each change is made in a transaction
    rolled back."""
    partner, region = "model.monev.dim_partner", "model.monev.dim_region"

    def unchanged(conn, uid, inputs=None) -> bool:
        return unchanged_since_last_build(conn, uid, inputs or inputs_now(conn))[1]

    with psycopg.connect(world["endpoint"].url("monev_transformer"), autocommit=True) as conn:
        assert unchanged(conn, partner) is False  # never recorded
        snapshot = inputs_now(conn)
        for uid in (partner, region):
            fingerprint, _ = unchanged_since_last_build(conn, uid, snapshot)
            record_build(conn, uid, fingerprint, AirflowRun("test", "r1", uid))
        assert unchanged(conn, partner) is True and unchanged(conn, region) is True
    with psycopg.connect(world["endpoint"].url()) as conn:  # the owner, to write raw
        # a load that commits late may hold lower ids than one committed before it
        conn.execute("INSERT INTO raw.file_receipt (receipt_id, load_id, file_name, file_path,"
                     " kind, sha256, size_bytes, received_at, status) VALUES (-1,"
                     " gen_random_uuid(), 'mitra_2.csv', '/mitra_2.csv', 'partner_master', 'x',"
                     " 1, now(), 'quarantined')")
        # a row that landed after the run's snapshot: the next run builds again
        assert unchanged(conn, partner, snapshot) is True
        assert unchanged(conn, partner) is False
        assert unchanged(conn, region) is True  # reads no receipt
        conn.rollback()
        conn.execute("ALTER TABLE marts.dim_region RENAME TO dim_region_gone")
        assert unchanged(conn, region) is False
        conn.rollback()
        assert unchanged(conn, region) is True
        before = source_watermarks(conn)
        conn.execute("SET session_replication_role = replica")
        conn.execute("TRUNCATE raw.kobo_deletion CASCADE")
        assert source_watermarks(conn)["raw.kobo_deletion"] != before["raw.kobo_deletion"]
        conn.rollback()


def test_a_view_is_replaced_in_place_unless_its_columns_change(world):
    """A view built again with the same columns keeps the views built on it (macro
    view_in_place: `monev_warehouse` then need not build them again); one whose columns
    differ from its new query's (a code change) is built anew, taking them along."""
    receipts, on_it = ("staging.stg_spreadsheet__file_receipts",
                       "staging.stg_spreadsheet__register_rows")

    def oids() -> tuple:
        [row] = query(world["url"], "SELECT to_regclass(%s)::oid, to_regclass(%s)::oid",
                      (receipts, on_it))
        return row

    def columns() -> list[str]:
        return [name for (name,) in query(
            world["url"], "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass"
            " AND attnum > 0 ORDER BY attnum", (receipts,))]

    before, names = oids(), columns()
    assert None not in before
    dbt(["run", "--quiet", "--select", "stg_spreadsheet__file_receipts"], world["endpoint"])
    assert oids() == before
    # the view there has a column more than the model's query: swapped, the views on it gone
    with psycopg.connect(world["url"], autocommit=True) as conn:
        [(definition,)] = conn.execute("SELECT pg_get_viewdef(%s::regclass)", (receipts,))
        conn.execute(f"CREATE OR REPLACE VIEW {receipts} AS SELECT *, 1 AS extra FROM"
                     f" ({definition.rstrip().rstrip(';')}) AS d")
    assert columns() == [*names, "extra"]
    dbt(["run", "--quiet", "--select", "stg_spreadsheet__file_receipts"], world["endpoint"])
    swapped, gone = oids()
    assert swapped not in (None, before[0]) and gone is None
    assert columns() == names
    dbt(["run", "--quiet", "--select", "stg_spreadsheet__file_receipts+,config.materialized:view"],
        world["endpoint"])
    assert None not in oids()


def test_a_model_that_reads_the_receipts_of_some_kinds_reads_no_other(world, tmp_path):
    """`receipt_kinds` in a model's yml (monev.transform.unchanged) holds for its SQL: new
    receipts of every other kind change none of its rows; a receipt of another kind with the
    bytes of one of its files (whose earliest received time counts for that file) changes
    them, and moves the watermark of that kind. Each model's compiled SQL is run on the
    built warehouse, in a transaction rolled back."""
    declared = {node["name"]: node["config"]["meta"]["receipt_kinds"]
                for node in manifest()["nodes"].values()
                if node["config"].get("meta", {}).get("receipt_kinds")}
    assert {"dim_partner", "dim_agreement", "stg_spreadsheet__register_rows"} <= set(declared)
    dbt(["compile", "--quiet", "--select", *declared], world["endpoint"], target=tmp_path)
    compiled = {path.stem: path.read_text() for path in (tmp_path / "compiled").rglob("*.sql")
                if path.parent.suffix != ".yml"}  # not the models' tests
    assert set(compiled) == set(declared)

    def rows(conn, model):
        return conn.execute(f"SELECT count(*), md5(string_agg(t::text, '|' ORDER BY t::text))"
                            f" FROM ({compiled[model]}) AS t").fetchone()

    def receive(conn, kind, sha256, when):
        conn.execute("INSERT INTO raw.file_receipt (load_id, file_name, file_path, kind, sha256,"
                     " size_bytes, received_at, status) VALUES (gen_random_uuid(), 'f', %s,"
                     " %s, %s, 1, %s, 'loaded')", (f"/{sha256}/{when}", kind, sha256, when))

    with psycopg.connect(world["url"]) as conn:  # the owner, to write raw
        for model, kinds in declared.items():
            before, marks = rows(conn, model), source_watermarks(conn)
            assert before[0] > 0, model
            for kind in (*[k for k in KINDS if k not in kinds], None):
                for when in (jkt(2000, 1, 1), jkt(2999, 1, 1)):
                    receive(conn, kind, f"new bytes of {kind} at {when}", when)
            assert rows(conn, model) == before, model
            assert all(source_watermarks(conn)[f"raw.file_receipt:{kind}"]
                       == marks[f"raw.file_receipt:{kind}"] for kind in kinds), model
            conn.rollback()
            [(sha256,)] = conn.execute("SELECT sha256 FROM raw.file_receipt WHERE kind = %s"
                                       " AND status = 'loaded' LIMIT 1", (kinds[0],))
            receive(conn, None, sha256, jkt(2000, 1, 1))  # the same bytes, named as no kind
            assert rows(conn, model) != before, model
            assert source_watermarks(conn)[f"raw.file_receipt:{kinds[0]}"] \
                != marks[f"raw.file_receipt:{kinds[0]}"], model
            conn.rollback()


def test_dim_agreement_is_changed_in_place_and_equals_a_full_refresh(world):
    """A new form record naming an unregistered number, then a register copy that lists
    it, changes a status and leaves an agreement out, then an earlier copy of a register
    that makes an older row current again: each increment changes dim_agreement
    in place (incremental strategy `sync`), so the facts' foreign keys to it are the same
    constraints throughout, never dropped and added again; and its rows are those of a
    full refresh."""
    url, drop, server, endpoint = (world["url"], world["drop"], world["server"],
                                   world["endpoint"])
    loader = endpoint.url("monev_loader")
    models = AGREEMENTS_AND_FACTS

    def keys_to_agreements():
        return query(url, """SELECT conrelid::regclass::text, oid::bigint FROM pg_constraint
            WHERE contype = 'f' AND confrelid = 'marts.dim_agreement'::regclass ORDER BY 1""")

    before = keys_to_agreements()
    assert len(before) == 3
    server.add(form_record(8, "validation_status_approved", "2", "2025-09-01T01:00:00",
                           nomor="NK/Z"))
    sync(loader, world["client"])
    dbt(["run", "--quiet", *models], endpoint)
    assert query(url, """SELECT is_inferred, is_current FROM marts.dim_agreement
        WHERE nomor_perjanjian = 'NK/Z'""") == [(True, True)]
    nk_b = NK_B[:8] + ["Diperpanjang"]
    nk_z = ["NK/Z", "MoU", None, "Beta Daerah", "2025-01-01", "2027-12-31", "Pencegahan",
            "Deputi Pencegahan", "Aktif"]
    at(register(drop / "daftar_kerja_sama_3.xlsx", [[1, *NK_A], [2, *nk_b], [3, *nk_z]]),
       2025, 10, 1, 9)
    ingest_folder(loader, drop, "in-place")
    dbt(["run", "--quiet", *models], endpoint)
    assert keys_to_agreements() == before
    current = query(url, """SELECT nomor_perjanjian, status, is_inferred, in_latest_register
        FROM marts.dim_agreement WHERE is_current ORDER BY 1""")
    assert current == [("NK/A", "Aktif", False, True), ("NK/B", "Diperpanjang", False, True),
                       ("NK/Z", "Aktif", False, True),
                       ("PKS/A1", "Diperpanjang", False, False)]
    # the second copy's bytes again, received before the first copy: the first copy is now
    # the latest that lists PKS/A1, so its row takes the current key and the key it had
    # goes (a row deleted)
    again = drop / "daftar_kerja_sama_2_lagi.xlsx"
    again.write_bytes((drop / "daftar_kerja_sama_2.xlsx").read_bytes())
    at(again, 2025, 1, 2, 9)
    ingest_folder(loader, drop, "in-place-2")
    dbt(["run", "--quiet", *models], endpoint)
    assert keys_to_agreements() == before
    assert query(url, """SELECT status, valid_from FROM marts.dim_agreement
        WHERE is_current AND nomor_perjanjian = 'PKS/A1'""") == [("Aktif", jkt(2025, 1, 5, 9))]
    in_place = dim_agreement_rows(url)
    dbt(["run", "--quiet", "--full-refresh", *models], endpoint)
    assert dim_agreement_rows(url) == in_place


def test_dim_agreement_follows_a_code_change_that_removes_or_retypes_a_column(world):
    """A column the code no longer makes, and one of another type, as an earlier release
    would leave them: the next run builds the table again (as a table would be), and the
    facts add their keys back."""
    url, endpoint = world["url"], world["endpoint"]
    models = AGREEMENTS_AND_FACTS
    dbt(["run", "--quiet", "--full-refresh", *models], endpoint)
    refreshed = dim_agreement_rows(url)
    with psycopg.connect(url) as conn:
        conn.execute("ALTER TABLE marts.dim_agreement ADD COLUMN gone text DEFAULT 'x'")
        conn.execute("ALTER TABLE marts.dim_agreement ALTER COLUMN jenis TYPE varchar(40)")
    dbt(["run", "--quiet", *models], endpoint)
    assert dim_agreement_rows(url) == refreshed
    assert query(url, """SELECT data_type FROM information_schema.columns
        WHERE table_schema = 'marts' AND table_name = 'dim_agreement'
          AND column_name = 'jenis'""") == [("text",)]
    assert foreign_keys(url) == EXPECTED_FOREIGN_KEYS
