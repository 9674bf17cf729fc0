"""Each rule of evaluation.md on a small hand-written world (tests/rules_fixture.py),
through ingestion and a real dbt build of the evaluation on the scratch warehouse."""

from __future__ import annotations

import datetime as dt

import pytest
from support.rules_world import EXPECTED, FORM_RECORDS, build_drop
from support.warehouse import WAREHOUSE_ONLY, empty_scratch, query

from monev.evaluation.export import export
from monev.evaluation.period import EvaluationPeriod
from monev.evaluation.publish import publish
from monev.load.drop import ingest_folder
from monev.load.kobo import sync
from monev.quality.gate import run_gate
from monev.sources.kobo_client import KoboClient
from monev.sources.kobo_replay import KoboReplayServer
from monev.transform.dbt import dbt

PERIOD = EvaluationPeriod.of(2025)

COLUMNS = ("days_in_force, activities, round(realisasi, 6)::text, round(kepatuhan, 6)::text,"
           " round(kualitas_data, 6)::text, skor::text, kategori, tidur, tanpa_rencana_aksi")


@pytest.fixture(scope="module")
def world(scratch, tmp_path_factory):
    empty_scratch(scratch, "reconciliation")
    drop = build_drop(tmp_path_factory.mktemp("rules") / "drop")
    ingest_folder(scratch.url("monev_loader"), drop, "rules")
    with KoboReplayServer(FORM_RECORDS, "tok") as server:
        sync(scratch.url("monev_loader"), KoboClient(server.base_url, server.asset_uid, "tok"))
    dbt(["seed", "--quiet"], scratch)
    # raw was emptied: rebuild the incremental facts from scratch
    dbt(["run", "--quiet", "--full-refresh", *WAREHOUSE_ONLY], scratch)
    dbt(["run", "--quiet", "--select", "tag:evaluation"], scratch, PERIOD.dbt_vars())
    return scratch


def scorecard(url: str) -> dict:
    rows = query(url, f"SELECT nomor_perjanjian, {COLUMNS}"
                      " FROM evaluation_staging.agreement_scorecard")
    return {r[0]: tuple(r[1:]) for r in rows}


def test_every_rule_edge_gives_the_hand_computed_figures(world):
    got = scorecard(world.url())
    assert set(got) == set(EXPECTED)  # T/89 (89 days) and the cancelled T/ROLL-2 are out
    for nomor, expected in EXPECTED.items():
        assert got[nomor] == expected, nomor


def test_default_cut_off_is_31_january_of_the_next_year(world):
    assert query(world.url(), "SELECT tahun, as_of FROM evaluation_staging.eval_period") == \
        [(2025, dt.date(2026, 1, 31))]


def test_a_later_cut_off_sees_the_correction(world):
    dbt(["run", "--quiet", "--select", "tag:evaluation"], world,
        {"year": 2025, "as_of": "2026-02-01"})
    try:
        got = scorecard(world.url())
        # the correction (capaian 10) replaces the S2 workbook: R 1 -> 50 + 22.5 + 20
        assert got["T/ASOF"][1:6] == (1, "1.000000", "0.750000", "1.000000", "92.5")
    finally:
        dbt(["run", "--quiet", "--select", "tag:evaluation"], world, PERIOD.dbt_vars())


def test_cancelled_agreements_are_out_of_bidang_progress_but_feed_their_mou(world):
    items = query(world.url(), "SELECT nomor_perjanjian FROM evaluation_staging"
                               ".eval_commitment_items WHERE nomor_perjanjian = 'T/ROLL-2'")
    assert items  # its commitments exist (and feed T/ROLL) ...
    [(target,)] = query(world.url(), "SELECT target FROM evaluation_staging.bidang_progress"
                                     " WHERE bidang = 'Pencegahan' AND satuan = 'orang'")
    # ... but bidang_progress counts only agreements that are not cancelled, each once:
    # T/DUE, T/ASOF, T/SUPER, T/FORM, T/EQUAL have item 1 with target 10.
    assert target == 50


def test_outcome_judgements_say_why(world):
    rows = dict(query(world.url(), """SELECT file_name || ':' || row_number, judgement
        FROM evaluation_staging.eval_submitted_outcomes WHERE channel = 'workbook'"""))
    assert rows["Laporan_PX_2025_S1_SUPER_S1_v2.xlsx:4"].startswith("good, not counted")
    assert rows["Laporan_PX_2025_S1_NOPLAN_S1.xlsx:3"].startswith("bad: No Rencana Aksi 1")
    assert not any("SUPER_S1_v1" in key for key in rows)  # superseded


def test_partner_names_resolve_and_are_as_of_31_december(world):
    rows = dict(query(world.url(), "SELECT nomor_perjanjian, kode_mitra || ' ' || nama_mitra"
                                   " FROM evaluation_staging.agreement_scorecard"))
    assert rows["T/90"] == "P1 Kementerian Satu"  # 'kemsatu' is the singkatan
    assert rows["T/180"] == "P2 Lembaga Dua"  # spacing and case do not matter
    assert rows["T/EQUAL"] == "P3 PT. Tiga (Persero)"
    assert rows["T/ROLL"] == "P4 Pemprov Empat Baru"  # renamed in July 2025


def test_publish_replaces_only_its_period_and_export_is_neutralised_and_stable(world,
                                                                               tmp_path):
    url = world.url("monev_transformer")
    gate = run_gate(world.url("monev_gate"), PERIOD, "rules", dbt_tests=False)
    assert gate.passed, gate.summary()
    publish(url, PERIOD, gate.gate_id, "rules-1")
    first = export(world.url("monev_auditor"), PERIOD, tmp_path / "a")
    publish(url, PERIOD, gate.gate_id, "rules-2")
    second = export(world.url("monev_auditor"), PERIOD, tmp_path / "b")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    text = (tmp_path / "a" / "agreement_scorecard_2025.csv").read_text()
    assert ",'@cmd; Hujan\n" in text  # a formula-looking Kendala is written as text
    [(n,)] = query(world.url(), "SELECT count(*) FROM evaluation.agreement_scorecard"
                                " WHERE tahun = 2025 AND as_of = '2026-01-31'")
    assert n == len(EXPECTED)


def test_trace_lists_every_source_row_with_why_it_counts_or_not(world, tmp_path, monkeypatch):
    from monev.cli import main
    from monev.lineage.trace import trace

    rows = trace(world.url("monev_transformer"), PERIOD, "T/SUPER")
    got = sorted((r["kind"], r["file_name"].split("_", 4)[-1], r["row_number"], r["counts"],
                  r["reason"].split(":")[0]) for r in rows)
    assert got == [
        ("commitment", "SUPER_S1_v1.xlsx", 3, False, "superseded"),
        ("commitment", "SUPER_S1_v2.xlsx", 3, False, "superseded"),
        ("commitment", "SUPER_S2.xlsx", 3, True, "commitment item (latest action plan of "
                                                  "the year)"),
        ("outcome", "SUPER_S1_v1.xlsx", 3, False, "superseded"),
        ("outcome", "SUPER_S1_v1.xlsx", 4, False, "superseded"),
        ("outcome", "SUPER_S1_v1.xlsx", 5, False, "superseded"),
        ("outcome", "SUPER_S1_v2.xlsx", 3, True, "good, counted"),
        ("outcome", "SUPER_S1_v2.xlsx", 4, False, "good, not counted"),
    ]
    assert all(r["sha256"] and r["load_id"] and r["airflow_run_id"] == "rules" for r in rows)
    forms = {r["kobo_id"]: r["reason"] for r in trace(
        world.url("monev_transformer"), PERIOD, "T/FORM")
        if r["channel"] == "form"}
    assert forms == {1: "good, counted", 2: "good, counted",
                     3: "not approved by reviewers: never counted"}
    # the MoU's trace holds its cancelled PKS's rows too
    roll = trace(world.url("monev_transformer"), PERIOD, "T/ROLL")
    assert {r["member_nomor"] for r in roll} == {"T/ROLL-2"}
    # the CLI: a table, and CSV
    monkeypatch.setenv("MONEV_PG_HOST", world.host)
    monkeypatch.setenv("MONEV_PG_PORT", str(world.port))
    monkeypatch.setenv("MONEV_PG_PASSWORD_MONEV_TRANSFORMER", world.passwords["monev_transformer"])
    out = tmp_path / "trace.csv"
    assert main(["trace", "--year", "2025", "--agreement", "T/FORM", "--csv", str(out)]) == 0
    assert out.read_text().splitlines()[0].startswith("nomor_perjanjian,member_nomor,kind")
