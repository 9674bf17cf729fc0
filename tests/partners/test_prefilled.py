"""Pre-filled templates on the samples: one per agreement in force, Identitas and Rencana
Aksi filled from the warehouse, validation and locked headers in place; filled in by a
test (openpyxl), a template parses exactly as the same values in a hand-made workbook,
ingests with no quarantined row, and its activities count in the evaluation."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal

import openpyxl
import pytest
from support.warehouse import WAREHOUSE_ONLY, empty_scratch, load_samples, query

from monev.evaluation.period import EvaluationPeriod
from monev.generate.xlsx import write_workbook
from monev.load.drop import ingest_folder
from monev.partners import prefilled
from monev.partners.prefilled import file_name, semester_due_next, write_templates
from monev.sources.parsers import REALISASI_COLUMNS, parse_partner_report
from monev.transform.dbt import dbt

YEAR, SEMESTER = 2025, 2


@pytest.fixture(scope="module")
def world(scratch, tmp_path_factory):
    empty_scratch(scratch, "reconciliation", "receipt")
    work = tmp_path_factory.mktemp("templates")
    load_samples(scratch, work / "drop", "templates")
    written, unresolved = write_templates(scratch.url("monev_auditor"), YEAR, SEMESTER,
                                          work / "out")
    return {"endpoint": scratch, "work": work, "written": written, "unresolved": unresolved}


def _in_force(url):
    return query(url, """SELECT nomor_perjanjian, kode_mitra FROM marts.dim_agreement
        WHERE is_current AND in_latest_register AND coalesce(status, '') <> 'Dibatalkan'
          AND tanggal_tanda_tangan <= '2025-12-31' AND tanggal_berakhir >= '2025-07-01'""")


def test_one_template_per_agreement_in_force_in_its_partners_folder(world):
    expected = _in_force(world["endpoint"].url())
    plans = [openpyxl.load_workbook(p)["Rencana Aksi"]["A2"].value for p in world["written"]]
    assert any(plans)  # pre-filled from the warehouse, from the first row under the header
    assert len(world["written"]) == sum(1 for _, k in expected if k) > 0
    assert sorted(world["unresolved"]) == sorted(n for n, k in expected if not k)
    for path in world["written"]:
        assert path.name.startswith(f"Laporan_{path.parent.name}_{YEAR}_S{SEMESTER}_")
        assert oct(path.stat().st_mode & 0o777) == "0o600"


def _cells(path) -> dict:
    """Every sheet's values, state and protection, and its data validations."""
    wb = openpyxl.load_workbook(path)
    return {ws.title: (ws.sheet_state, ws.protection.sheet,
                       [[(c.value, c.protection.locked) for c in row] for row in ws.iter_rows()],
                       sorted((str(v.sqref), v.type, v.formula1) for v in
                              ws.data_validations.dataValidation))
            for ws in wb.worksheets}


def test_templates_written_by_worker_processes_are_those_written_here(world, monkeypatch):
    """Many templates are written by a pool of processes (``POOL_FROM``): the same files,
    the same contents, owner-only, as when they are written one by one in this process."""
    monkeypatch.setenv("MONEV_TEMPLATE_POOL_FROM", "1")
    pooled, unresolved = write_templates(world["endpoint"].url("monev_auditor"), YEAR,
                                         SEMESTER, world["work"] / "pooled")
    here = world["work"] / "out"
    assert unresolved == world["unresolved"]
    assert [p.relative_to(world["work"] / "pooled") for p in pooled] == [
        p.relative_to(here) for p in world["written"]]
    for path, serial in zip(pooled, world["written"], strict=True):
        assert oct(path.stat().st_mode & 0o777) == "0o600"
        assert _cells(path) == _cells(serial), path.name


def test_a_worker_that_fails_fails_the_templates_saying_why(tmp_path):
    from monev.partners.prefilled import Agreement

    job = (Agreement("NK/1/2025", "KL001", "Alpha"), 2025, 1, [], ["Aceh"],
           tmp_path / "no-such-folder" / "t.xlsx")
    with pytest.raises(RuntimeError, match="FileNotFoundError"):
        prefilled._write_in_workers([job], 1)


def test_a_worker_that_dies_before_reading_its_jobs_says_why(monkeypatch):
    """Its share (larger than a pipe holds) cannot be written to it: the task fails with
    what the worker wrote to stderr, not with a broken pipe."""
    monkeypatch.setenv("PYTHONIOENCODING", "no-such-codec")  # it stops at start-up
    with pytest.raises(RuntimeError, match="(?s)failed.*Fatal Python error"):
        prefilled._write_in_workers([("x" * 1_000_000,)], 1)


def test_a_pool_threshold_that_is_not_a_number_is_named(world, monkeypatch):
    monkeypatch.setenv("MONEV_TEMPLATE_POOL_FROM", "banyak")
    with pytest.raises(ValueError, match="MONEV_TEMPLATE_POOL_FROM='banyak'"):
        write_templates(world["endpoint"].url("monev_auditor"), YEAR, SEMESTER,
                        world["work"] / "never")
    assert not (world["work"] / "never").exists()


def test_identitas_and_rencana_aksi_come_from_the_warehouse(world):
    url = world["endpoint"].url()
    for nomor, kode in _in_force(url):
        if not kode:
            continue
        [path] = [p for p in world["written"] if p.parent.name == kode
                  and openpyxl.load_workbook(p)["Identitas"]["B2"].value == nomor]
        wb = openpyxl.load_workbook(path)
        identitas = {r[0].value: r[1].value for r in wb["Identitas"].iter_rows()}
        assert (identitas["Tahun"], identitas["Semester"]) == (YEAR, "II")
        plan = query(url, """SELECT item_no, bidang, target FROM marts.fct_commitment
            WHERE nomor_perjanjian = %s AND tahun = %s AND is_latest_copy AND passed_ingestion
            ORDER BY item_no""", [nomor, YEAR])
        rows = [(r[0].value, r[1].value, Decimal(str(r[5].value)))
                for r in wb["Rencana Aksi"].iter_rows(min_row=2) if r[0].value is not None]
        assert rows == [(n, b, Decimal(t)) for n, b, t in plan], nomor


def test_validation_protection_and_petunjuk(world):
    wb = openpyxl.load_workbook(world["written"][0])
    assert wb.sheetnames[0] == "Petunjuk"
    assert any("15 Januari 2026" in (c.value or "") for c in wb["Petunjuk"]["A"])
    realisasi = wb["Realisasi"]
    rules = {str(v.sqref).split(":")[0]: v for v in realisasi.data_validations.dataValidation}
    assert rules["B2"].type == "list" and rules["B2"].formula1.startswith("'Rencana Aksi'!$A$2")
    assert rules["C2"].type == "date" and rules["E2"].type == "list"
    assert all(rules[c].type == "decimal" and rules[c].operator == "greaterThanOrEqual"
               and rules[c].formula1 == "0" for c in ("G2", "H2", "I2"))
    assert len(wb["Pilihan"]["A"]) - 1 == 38 and wb["Pilihan"].sheet_state == "hidden"
    bidang = {str(v.sqref).split(":")[0]: v
              for v in wb["Rencana Aksi"].data_validations.dataValidation}["B2"]
    assert "Rehabilitasi" in bidang.formula1
    for name in ("Identitas", "Rencana Aksi", "Realisasi"):
        assert wb[name].protection.sheet, name
    # below the header every column is open (the column's style, which the rows a partner
    # fills inherit); the header cells are locked; the plan's pre-filled cells are open
    assert realisasi["A1"].protection.locked
    assert all(not realisasi.column_dimensions[c].protection.locked for c in "ABCDEFGHIJKL")
    assert realisasi.column_dimensions["C"].number_format == "DD/MM/YYYY"
    rencana = wb["Rencana Aksi"]
    assert rencana["A1"].protection.locked and not rencana["C2"].protection.locked
    assert rencana["C2"].value  # a pre-filled plan item, still the partner's to change
    assert wb["Identitas"]["B2"].protection.locked  # the agreement number is monev's
    assert not wb["Identitas"]["B5"].protection.locked  # the reporter fills in his name


def _activities(items: list[int]) -> list[list]:
    return [[str(i + 1), item, dt.datetime(2025, 8, 1 + i), f"Kegiatan {i}", "Jawa Barat",
             "Kota Bandung", 3 + i, 40, 1500000, None, None, "https://bukti.example/1"]
            for i, item in enumerate(items)]


def test_a_filled_template_parses_as_a_hand_made_workbook_and_counts(world, tmp_path):
    endpoint = world["endpoint"]
    with_plan = [p for p in world["written"]
                 if openpyxl.load_workbook(p)["Rencana Aksi"]["A2"].value is not None]
    path = with_plan[0]
    wb = openpyxl.load_workbook(path)
    items = [r[0].value for r in wb["Rencana Aksi"].iter_rows(min_row=2)
             if r[0].value is not None]
    activities = _activities(items)
    for row, values in enumerate(activities, start=2):
        for col, value in enumerate(values, start=1):
            wb["Realisasi"].cell(row=row, column=col, value=value)
    for row, value in ((5, "Pelapor Uji"), (6, "Kepala Bagian"), (7, "pelapor@mitra.go.id")):
        wb["Identitas"].cell(row=row, column=2, value=value)
    drop = tmp_path / "drop"
    drop.mkdir()
    filled = drop / path.name
    wb.save(filled)
    parsed = parse_partner_report(filled.read_bytes())
    assert parsed.notes == []
    for sheet in parsed.sheets.values():
        assert all(r.accepted for r in sheet.rows), [r.problems for r in sheet.rows]
    # the same values in a workbook made by hand (no template) parse to the same rows
    plain = {ws.title: [[c.value for c in r] for r in ws.iter_rows()]
             for ws in wb.worksheets if ws.title in ("Identitas", "Rencana Aksi", "Realisasi")}
    hand_made = tmp_path / "Laporan_hand.xlsx"
    write_workbook(hand_made, {
        "Identitas": plain["Identitas"], "Rencana Aksi": plain["Rencana Aksi"],
        "Realisasi": [[c.header for c in REALISASI_COLUMNS]] + [
            [v.strftime("%d/%m/%Y") if isinstance(v, dt.datetime) else v for v in a]
            for a in activities]})
    by_hand = parse_partner_report(hand_made.read_bytes())
    for table in ("report", "rencana_aksi_row", "realisasi_row"):
        assert [r.values for r in parsed.sheets[table].rows] == \
            [r.values for r in by_hand.sheets[table].rows], table
    # ingested: nothing quarantined; built and evaluated: every activity counted
    # after the samples' S2 copies of the agreement (13 January), before the due date
    stamp = dt.datetime(2026, 1, 14, 9, tzinfo=dt.UTC).timestamp()
    os.utime(filled, (stamp, stamp))
    ingest_folder(endpoint.url("monev_loader"), drop, "template-round-trip")
    [(load_id,)] = query(endpoint.url(), "SELECT load_id FROM raw.file_receipt"
                                         " WHERE file_name = %s", [path.name])
    assert query(endpoint.url(), "SELECT reason FROM raw.quarantine WHERE load_id = %s",
                 [load_id]) == []
    dbt(["run", "--quiet", *WAREHOUSE_ONLY], endpoint)
    dbt(["run", "--quiet", "--select", "tag:evaluation"], endpoint,
        EvaluationPeriod.of(YEAR).dbt_vars())
    trace = query(endpoint.url(), """SELECT DISTINCT row_number, counts, reason
        FROM evaluation_staging.eval_trace WHERE load_id = %s AND kind = 'outcome'""",
                  [str(load_id)])
    assert sorted(trace) == [(row, True, "good, counted")
                             for row in range(2, 2 + len(activities))]


def test_the_semester_due_next_and_file_names():
    assert semester_due_next(dt.date(2025, 7, 15)) == (2025, 1)
    assert semester_due_next(dt.date(2025, 7, 16)) == (2025, 2)
    assert semester_due_next(dt.date(2026, 1, 15)) == (2025, 2)
    assert semester_due_next(dt.date(2026, 1, 16)) == (2026, 1)
    from monev.partners.prefilled import Agreement

    hostile = Agreement("../../B/123<x>/2025", "../etc", "")
    name = file_name(hostile, 2025, 1)
    assert "/" not in name and "<" not in name and name.startswith("Laporan_mitra-")


def test_partner_text_starting_with_equals_stays_text_never_a_formula(tmp_path):
    import zipfile

    from monev.partners.prefilled import Agreement, build

    hostile = "=HYPERLINK(\"http://evil.example\",\"klik\")"
    agreement = Agreement("NK/1/2025", "KL001", "=cmd|' /C calc'!A0")
    plan = [(1, "Pencegahan", hostile, "=1+1", "orang", Decimal(10), Decimal(0), "=A1")]
    path = tmp_path / "t.xlsx"
    build(agreement, 2025, 1, plan, ["Aceh"]).save(path)
    with zipfile.ZipFile(path) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        assert not any(b"<f>" in z.read(n) for n in sheets)
    wb = openpyxl.load_workbook(path)
    assert wb["Identitas"]["B1"].value == "=cmd|' /C calc'!A0"
    assert wb["Identitas"]["B1"].data_type == "s"
    assert [c.value for c in wb["Rencana Aksi"][2]][2:4] == [hostile, "=1+1"]


@pytest.mark.parametrize("args", [["--year", "20x5", "--semester", "1"],
                                  ["--year", "2025", "--semester", "3"],
                                  ["--year", "2025", "--semester", "1; DROP TABLE x"],
                                  ["--year", "1899", "--semester", "2"]])
def test_a_broken_year_or_semester_is_a_usage_error_and_writes_nothing(args, tmp_path, capsys):
    from monev.cli import main

    assert main(["template", *args, "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and ("year" in err or "semester" in err)
    assert not (tmp_path / "out").exists()


def test_a_control_character_in_partner_text_is_shown_not_fatal(tmp_path):
    """An xlsx can carry control characters (``_x0001_``) that calamine reads as sent; a
    cell of openpyxl refuses them. In a template they show as U+FFFD, and the other
    templates are written."""
    from monev.partners.prefilled import Agreement, build

    agreement = Agreement("NK/\x02/2025", "KL001", "Kementerian\x0bAlpha")
    plan = [(1, "Pencegahan", "Sosialisasi\x01", "Peserta", "orang", Decimal(10),
             Decimal(0), "Aceh")]
    path = tmp_path / "t.xlsx"
    build(agreement, 2025, 1, plan, ["Aceh"]).save(path)
    wb = openpyxl.load_workbook(path)
    assert wb["Rencana Aksi"]["C2"].value == "Sosialisasi\ufffd"
    assert wb["Identitas"]["B1"].value == "Kementerian\ufffdAlpha"
    assert "NK/\ufffd/2025" in wb["Petunjuk"]["A1"].value
