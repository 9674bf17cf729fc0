"""The drop folder under hostile input: one bad file never blocks the rest, nothing is
lost, the process never dies, and memory stays bounded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
from support import hostile
from support import workbooks as wbk
from support.warehouse import query

from monev.load.drop import WHOLE_FILE, ingest_folder
from monev.load.reconcile import assert_run_reconciled
from monev.sources.bounded import Job, Limits, ParserPool

GOOD_ROW = [1, 1, "2025-03-01", "x", "", "", 1, 1, 1, "", "", ""]


def at(path, when: float):
    os.utime(path, (when, when))
    return path


def test_hostile_files_between_good_ones_are_quarantined_and_the_rest_loads(
        clean_scratch, tmp_path):
    drop, outside = tmp_path / "drop", tmp_path / "outside"
    drop.mkdir()
    outside.mkdir()
    t = 1_751_000_000.0
    good = [wbk.report(drop / f"Laporan_G{i}_2025_S1.xlsx", realisasi=[GOOD_ROW] * 3,
                       identitas={"Nomor Perjanjian": f"G/{i}"}) for i in range(4)]
    hostile_files = {
        "Laporan_STRAY_2025_S1.xlsx": ("sheet_too_large", hostile.stray_cell_report),
        "Laporan_BOMB_2025_S1.xlsx": ("file_too_large", hostile.zip_bomb_report),
        "Laporan_BIG_2025_S1.xlsx": ("sheet_too_large", hostile.million_row_report),
        "Laporan_TWIN_2025_S1.xlsx": ("ambiguous_sheets", hostile.ambiguous_sheets_report),
    }
    for i, (name, (_, make)) in enumerate(hostile_files.items()):
        at(make(drop / name), t + 2 * i + 1)
    for i, path in enumerate(good):
        at(path, t + 2 * i)
    (outside / "mitra.csv").write_text("kode_mitra,nama_resmi,kategori\nX1,Luar,BUMN\n")
    os.symlink(outside / "mitra.csv", drop / "mitra_link.csv")
    os.symlink("/etc/passwd", drop / "mitra_passwd.csv")
    misnamed = at(wbk.report(drop / "Laporan-RNM_2025_S1.xlsx", realisasi=[GOOD_ROW]), t + 20)

    url = clean_scratch.url("monev_loader")
    first = {r.file_name: r for r in ingest_folder(url, drop, "hostile-1")}
    assert_run_reconciled(url, "hostile-1")
    for path in good:
        assert first[path.name].status == "loaded", path.name
        assert first[path.name].rows["accepted"] == 1 + 3  # Identitas and three outcomes
    for name, (code, _) in hostile_files.items():
        assert (first[name].status, first[name].reasons[0].split(" — ")[0]) == (
            "quarantined", f"{name}: {code}"), first[name].reasons
    for name in ("mitra_link.csv", "mitra_passwd.csv"):
        assert first[name].status == "quarantined"
        assert "not_a_regular_file" in first[name].reasons[0]
    assert first["Laporan-RNM_2025_S1.xlsx"].status == "quarantined"  # unknown_file_kind
    assert not query(clean_scratch.url(), "SELECT 1 FROM raw.partner_master_row")  # never read

    # renamed correctly, the same bytes load: a quarantined copy makes no duplicate
    at(misnamed.rename(drop / "Laporan_RNM_2025_S1.xlsx"), t + 30)
    second = {r.file_name: r for r in ingest_folder(url, drop, "hostile-2")}
    assert set(second) == {"Laporan_RNM_2025_S1.xlsx"}  # nothing else is read again
    assert second["Laporan_RNM_2025_S1.xlsx"].status == "loaded"
    assert second["Laporan_RNM_2025_S1.xlsx"].rows["accepted"] == 1 + 1
    assert ingest_folder(url, drop, "hostile-3") == []

    # every received file has its receipt and its reconciliation; whole-file refusals too
    unaccounted = query(clean_scratch.url(), """
        SELECT f.file_name FROM raw.file_receipt AS f
        WHERE NOT EXISTS (SELECT 1 FROM audit.reconciliation AS r WHERE r.load_id = f.load_id)""")
    assert unaccounted == []
    whole = query(clean_scratch.url(), "SELECT count(*) FROM audit.reconciliation WHERE sheet = %s",
                  [WHOLE_FILE])[0][0]
    assert whole == len(hostile_files) + 3


def test_an_empty_csv_is_no_duplicate_of_an_empty_workbook(clean_scratch, tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "Laporan_E_2025_S1.xlsx").write_bytes(b"")
    (drop / "mitra_x.csv").write_bytes(b"")
    at(drop / "Laporan_E_2025_S1.xlsx", 1_751_000_000)
    at(drop / "mitra_x.csv", 1_751_000_100)
    results = {r.file_name: r for r in ingest_folder(clean_scratch.url("monev_loader"), drop, "e")}
    assert results["mitra_x.csv"].status == "quarantined"  # its own reason, not "duplicate"
    assert "duplicate" not in {r.status for r in results.values()}


def test_the_real_reader_dying_on_a_file_costs_only_that_file(tmp_path):
    """Without the size checks, the stray cell makes the Excel reader ask for 512 GiB: its
    process dies; the files after it are still parsed."""
    stray = hostile.stray_cell_report(tmp_path / "stray.xlsx").read_bytes()
    good = wbk.report(tmp_path / "good.xlsx", realisasi=[GOOD_ROW]).read_bytes()
    unchecked = Limits(max_rows=10**9, max_columns=10**6, memory_bytes=768 * 1024 ** 2)
    with ParserPool(unchecked) as pool:
        out = [r for _, r in pool.map(
            [Job(i, "partner_report", d) for i, d in enumerate([good, stray, good, good])])]
    assert [type(r).__name__ for r in out] == ["ParsedFile", "UnreadableFile", "ParsedFile",
                                               "ParsedFile"]
    assert out[1].code == "parser_crashed"


@pytest.mark.parametrize("parse, code", [
    ("support.hostile:hang", "parser_timeout"),
    ("support.hostile:die", "parser_crashed"),
    ("support.hostile:hog", "parser_crashed"),
])
def test_a_parser_that_hangs_or_dies_is_refused_and_replaced(parse, code):
    with ParserPool(Limits(seconds=2, memory_bytes=1024 ** 3), parse=parse) as pool:
        jobs = [Job(1, "x", b"a"), Job(2, None, b""), Job(3, "x", b"b")]
        results = [r for _, r in pool.map(jobs)]
    assert [getattr(r, "code", r) for r in results] == [code, None, code]


def test_peak_memory_of_ingesting_hostile_files_stays_under_1_gib(scratch, tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    hostile.zip_bomb_report(drop / "Laporan_BOMB_2025_S1.xlsx")
    hostile.million_row_report(drop / "Laporan_BIG_2025_S1.xlsx")
    hostile.stray_cell_report(drop / "Laporan_STRAY_2025_S1.xlsx")
    wbk.report(drop / "Laporan_OK_2025_S1.xlsx", realisasi=[GOOD_ROW])
    script = textwrap.dedent(f"""
        import json, resource, sys
        from pathlib import Path
        from monev.load.drop import ingest_folder
        results = ingest_folder({scratch.url("monev_loader")!r}, Path({str(drop)!r}), "mem")
        print(json.dumps({{"statuses": sorted(r.status for r in results),
            "self": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            "children": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}}))""")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert out.returncode == 0, out.stderr[-3000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["statuses"] == ["loaded", "quarantined", "quarantined", "quarantined"]
    assert got["self"] < 1024 * 1024 and got["children"] < 1024 * 1024, got  # KiB
