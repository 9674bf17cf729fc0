"""Drop-folder ingestion against a real PostgreSQL: messy files in, nothing lost."""

import datetime as dt
import os
import shutil
import uuid
import zipfile
from pathlib import Path

import psycopg
import pytest
from support import workbooks as wbk
from support.warehouse import query

from monev.load import drop
from monev.load.drop import JAKARTA, TABLE_COLUMNS, ingest_folder
from monev.load.raw import (
    RAW_TABLES,
    Provenance,
    ReconciliationError,
    Writes,
    assert_reconciled,
)
from monev.load.reconcile import assert_run_reconciled


def put(folder: Path, path: Path, when: str = "2025-07-10T10:00:00+07:00") -> Path:
    folder.mkdir(exist_ok=True)
    target = folder / path.name if path.parent != folder else path
    if target != path:
        shutil.copyfile(path, target)
    t = dt.datetime.fromisoformat(when).timestamp()
    os.utime(target, (t, t))
    return target


def ingest(endpoint, folder, run_id="test-run"):
    results = ingest_folder(endpoint.url("monev_loader"), folder, run_id)
    assert_run_reconciled(endpoint.url("monev_loader"), run_id)
    return {r.file_name: r for r in results}


def rows(endpoint, sql, params=None):
    return query(endpoint.url(), sql, params)


def test_messy_report_is_read_and_reconciled(clean_scratch, tmp_path):
    folder = tmp_path / "drop"
    folder.mkdir()
    wbk.report(
        folder / "Laporan_KL005_2025_S2.xlsx",
        identitas={"Tahun": "2025", "Semester": 2.0},
        labels={"Nomor Perjanjian": "Nomor\nPerjanjian*", "Tahun": "TAHUN :"},
        ra_header=["no", "BIDANG", "Kegiatan", "Indikator", "Satuan *", "Target\n",
                   "Anggaran (Rp)", "Provinsi"],
        rencana=[
            [1, "P2M", "Sosialisasi", "orang", " Orang ", "1.250", "Rp 15.000.000", "Jabar"],
            [None] * 8,
            [2, "pencegahan", "Penyuluhan", "x", "Materi", None, "15.000.000,-", "DKI"],
            ["Jumlah", None, None, None, None, 1250, 30000000, None],
        ],
        realisasi=[
            [1, 1, "16 Nop 2025", "  Kegiatan A  ", "Prov. Jawa Barat", "", "1.250,5", 10,
             "Rp 1.000", "Kendala X", "", "=HYPERLINK(\"x\")"],
            [2, 2, "31/02/2025", "Kegiatan B", "", "", "5", 10, 0, "", "", ""],
            [3, 1, "2025-08-01", "Kegiatan C", "", "", "-1", 10, 0, "", "", ""],
            [4, "", "2025-08-01", "Kegiatan D", "", "", "2", 10, 0, "", "", ""],
            ["TOTAL CAPAIAN", None, None, None, None, None, 9, None, None, None, None, None],
        ],
        titles=2,
    )
    put(folder, folder / "Laporan_KL005_2025_S2.xlsx")
    result = ingest(clean_scratch, folder)["Laporan_KL005_2025_S2.xlsx"]
    assert result.status == "loaded"
    report = rows(clean_scratch, "SELECT nomor_perjanjian, tahun, semester, rencana_aksi_readable,"
                                 " realisasi_readable FROM raw.report")
    assert report == [("NK/5/IX/2025/BNN", 2025, 2, True, True)]
    ra = rows(clean_scratch, "SELECT row_number, no, bidang, satuan, target, anggaran, accepted"
                             " FROM raw.rencana_aksi_row ORDER BY row_number")
    assert [r[1:] for r in ra] == [
        (1, "Pencegahan", "orang", 1250, 15000000, True),
        (2, "Pencegahan", "materi", 0, 15000000, True),  # blank Target is 0
    ]
    assert [r[0] for r in ra] == [4, 6]  # true Excel row numbers below two titles + header
    real = rows(clean_scratch, "SELECT row_number, accepted, capaian, tanggal_kegiatan,"
                               " uraian_kegiatan, tautan_bukti FROM raw.realisasi_row"
                               " ORDER BY row_number")
    # the =HYPERLINK cell is a formula without a stored value: nothing, never formula text
    assert real[0][1:] == (True, 1250.5, dt.date(2025, 11, 16), "Kegiatan A", None)
    assert [r[1] for r in real] == [True, False, False, False]
    reasons = rows(clean_scratch, "SELECT sheet, row_number, column_name, reason_code, reason"
                                  " FROM raw.quarantine ORDER BY row_number")
    assert [(r[1], r[2], r[3]) for r in reasons] == [
        (5, "Tanggal Kegiatan", "unparseable_date"),
        (6, "Capaian", "negative_number"),
        (7, "No Rencana Aksi", "missing_value"),
    ]
    assert "Laporan_KL005_2025_S2.xlsx" in reasons[0][4] and "row 5" in reasons[0][4]
    recon = rows(clean_scratch, "SELECT sheet, rows_arrived, rows_accepted, rows_quarantined,"
                                " rows_skipped FROM audit.reconciliation ORDER BY sheet")
    assert recon == [("Identitas", 1, 1, 0, 0), ("Realisasi", 4, 1, 3, 4),
                     ("Rencana Aksi", 2, 2, 0, 5)]


def test_bad_commitment_rows_and_repeated_item_numbers(clean_scratch, tmp_path):
    folder = tmp_path / "drop"
    folder.mkdir()
    wbk.report(folder / "Laporan_X_2025_S1.xlsx", rencana=[
        [1, "Pencegahan", "", "", "orang", 10, 0, ""],
        [1, "Pencegahan", "", "", "orang", 20, 0, ""],
        [2.5, "Pencegahan", "", "", "orang", 5, 0, ""],
        [3, "Pencegahan", "", "", "orang", "1.5", 0, ""],
        [4, "Pencegahan", "", "", "orang", 5, "-100", ""],
        [5, "Hukum", "", "", "orang", 5, None, ""],
    ])
    put(folder, folder / "Laporan_X_2025_S1.xlsx")
    ingest(clean_scratch, folder)
    got = rows(clean_scratch, "SELECT row_number, accepted, bidang FROM raw.rencana_aksi_row"
                              " ORDER BY row_number")
    assert [(r[1], r[2]) for r in got] == [(False, "Pencegahan")] * 5 + [(True, "Hukum")]
    codes = rows(clean_scratch, "SELECT reason_code FROM raw.quarantine ORDER BY row_number")
    assert [c[0] for c in codes] == ["duplicate_item_no", "duplicate_item_no", "not_an_integer",
                                     "unparseable_number", "negative_number"]


@pytest.mark.parametrize("name,content,code", [
    ("Laporan_A_2025_S1.xlsx", b"this is not a workbook", "not_a_workbook"),
    ("notes.txt", b"hello", "unknown_file_kind"),
    ("daftar_kerja_sama_x.xlsx", None, "missing_sheet"),
    ("Laporan_B_2025_S1.xlsx", "no_identitas", "missing_sheet"),
    ("Laporan_C_2025_S1.xlsx", "no_tahun", "identitas_unreadable"),
    ("Laporan_D_2025_S1.xlsx", "truncated", "not_a_workbook"),
    ("mitra_bad.csv", b"\xff\xfe\x00garbage", "not_utf8"),
    ("mitra_headers.csv", b"a,b,c\n1,2,3\n", "missing_headers"),
])
def test_unreadable_files_are_quarantined_whole(clean_scratch, tmp_path, name, content, code):
    folder = tmp_path / "drop"
    folder.mkdir()
    path = folder / name
    if content is None:
        wbk.register(path, [], sheet_name="Lembar1")
    elif content == "no_identitas":
        wbk.report(path, skip=("Identitas",))
    elif content == "no_tahun":
        wbk.report(path, identitas={"Tahun": ...})
    elif content == "truncated":
        data = wbk.report(tmp_path / "ok.xlsx").read_bytes()
        path.write_bytes(data[: len(data) // 2])
    else:
        path.write_bytes(content)
    put(folder, path)
    result = ingest(clean_scratch, folder)[name]
    assert result.status == "quarantined"
    q = rows(clean_scratch, "SELECT file_name, scope, reason_code, reason FROM raw.quarantine")
    assert [(r[0], r[1], r[2]) for r in q] == [(name, "file", code)]
    assert name in q[0][3]
    assert rows(clean_scratch, "SELECT count(*) FROM raw.report")[0][0] == 0
    assert rows(clean_scratch, "SELECT status FROM raw.file_receipt") == [("quarantined",)]


def test_missing_or_headerless_sheets_mean_no_rows_but_the_report_counts(clean_scratch, tmp_path):
    folder = tmp_path / "drop"
    folder.mkdir()
    wbk.report(folder / "Laporan_E_2025_S1.xlsx", skip=("Realisasi",),
               ra_header=["No", "Kegiatan", "Target"])  # Bidang and Satuan headers missing
    put(folder, folder / "Laporan_E_2025_S1.xlsx")
    assert ingest(clean_scratch, folder)["Laporan_E_2025_S1.xlsx"].status == "loaded"
    assert rows(clean_scratch, "SELECT rencana_aksi_readable, realisasi_readable"
                               " FROM raw.report") == [(False, False)]
    notes = rows(clean_scratch, "SELECT sheet, scope, reason_code FROM raw.quarantine"
                                " ORDER BY sheet")
    assert notes == [("Realisasi", "sheet", "missing_sheet"),
                     ("Rencana Aksi", "sheet", "missing_headers")]


def test_register_rows_quarantined_for_number_jenis_and_dates(clean_scratch, tmp_path):
    folder = tmp_path / "drop"
    folder.mkdir()
    wbk.register(folder / "Daftar_Kerja_Sama_2025.xlsx", [
        [1, " NK/1/I/2025/BNN ", " mou ", "ignored", "Kemensos", "16 Januari 2025",
         "15/01/2030", "Pencegahan", "Deputi", " aktif "],
        [2, "", "PKS", "NK/1/I/2025/BNN", "Kemensos", "2025-01-01", "2026-01-01", "", "", ""],
        [3, "PKS/2/I/2025/BNN", "Nota", "", "Kemensos", "2025-01-01", "2026-01-01", "", "", ""],
        [4, "PKS/3/I/2025/BNN", "PKS", "NK/1/I/2025/BNN", "Kemensos", "", "2026-01-01", "", "",
         ""],
        [5, "PKS/4/I/2025/BNN", "PKS", "NK/1/I/2025/BNN", "Kemensos", "2025-01-01",
         "30/02/2026", "", "", "Aktif"],
    ])
    put(folder, folder / "Daftar_Kerja_Sama_2025.xlsx")
    ingest(clean_scratch, folder)
    got = rows(clean_scratch, "SELECT nomor_perjanjian, jenis, nomor_induk, status, accepted,"
                              " tanggal_tanda_tangan FROM raw.register_row ORDER BY row_number")
    assert got[0] == ("NK/1/I/2025/BNN", "MoU", None, "Aktif", True, dt.date(2025, 1, 16))
    assert [r[4] for r in got] == [True, False, False, False, False]
    codes = rows(clean_scratch, "SELECT row_number, reason_code FROM raw.quarantine"
                                " ORDER BY row_number")
    assert codes == [(4, "missing_value"), (5, "invalid_jenis"), (6, "missing_value"),
                     (7, "unparseable_date")]


def test_duplicate_drop_is_recorded_not_loaded(clean_scratch, tmp_path):
    folder = tmp_path / "drop"
    folder.mkdir()
    wbk.report(folder / "Laporan_F_2025_S1.xlsx", rencana=[[1, "Pencegahan", "", "", "orang",
                                                            1, 0, ""]])
    put(folder, folder / "Laporan_F_2025_S1.xlsx", "2025-07-10T10:00:00+07:00")
    shutil.copyfile(folder / "Laporan_F_2025_S1.xlsx", folder / "Laporan_F_2025_S1 (1).xlsx")
    put(folder, folder / "Laporan_F_2025_S1 (1).xlsx", "2025-07-12T10:00:00+07:00")
    results = ingest(clean_scratch, folder)
    assert results["Laporan_F_2025_S1.xlsx"].status == "loaded"
    assert results["Laporan_F_2025_S1 (1).xlsx"].status == "duplicate"
    assert rows(clean_scratch, "SELECT count(*) FROM raw.rencana_aksi_row")[0][0] == 1
    assert rows(clean_scratch, "SELECT count(*) FROM raw.file_receipt")[0][0] == 2
    # a third copy in a later run (its own batch): a duplicate of the same first copy
    shutil.copyfile(folder / "Laporan_F_2025_S1.xlsx", folder / "Laporan_F_2025_S1 (2).xlsx")
    put(folder, folder / "Laporan_F_2025_S1 (2).xlsx", "2025-07-13T10:00:00+07:00")
    assert ingest(clean_scratch, folder, "run-again")["Laporan_F_2025_S1 (2).xlsx"].status == \
        "duplicate"
    first = results["Laporan_F_2025_S1.xlsx"].load_id
    assert rows(clean_scratch, "SELECT file_name, duplicate_of FROM raw.file_receipt"
                               " ORDER BY received_at") == [
        ("Laporan_F_2025_S1.xlsx", None), ("Laporan_F_2025_S1 (1).xlsx", first),
        ("Laporan_F_2025_S1 (2).xlsx", first)]


def test_corrected_workbook_is_loaded_beside_the_first(clean_scratch, tmp_path):
    folder = tmp_path / "drop"
    folder.mkdir()
    first = wbk.report(tmp_path / "Laporan_G_2025_S1.xlsx",
                       rencana=[[1, "Pencegahan", "", "", "orang", 1, 0, ""]])
    put(folder, first, "2025-07-10T10:00:00+07:00")
    ingest(clean_scratch, folder, "run-1")
    wbk.report(folder / "Laporan_G_2025_S1.xlsx",
               rencana=[[1, "Pencegahan", "", "", "orang", 7, 0, ""]])
    put(folder, folder / "Laporan_G_2025_S1.xlsx", "2025-07-20T10:00:00+07:00")
    ingest(clean_scratch, folder, "run-2")
    got = rows(clean_scratch, "SELECT target, received_at FROM raw.rencana_aksi_row"
                              " ORDER BY received_at")
    assert [r[0] for r in got] == [1, 7]  # raw keeps both; which counts is decided downstream
    assert got[1][1] == dt.datetime(2025, 7, 20, 10, tzinfo=JAKARTA)


def test_rerun_loads_nothing_new(clean_scratch, tmp_path):
    folder = tmp_path / "drop"
    folder.mkdir()
    wbk.report(folder / "Laporan_H_2025_S1.xlsx")
    put(folder, folder / "Laporan_H_2025_S1.xlsx")
    assert len(ingest(clean_scratch, folder, "run-1")) == 1
    before = rows(clean_scratch, "SELECT count(*) FROM raw.file_receipt")
    assert ingest(clean_scratch, folder, "run-2") == {}
    assert rows(clean_scratch, "SELECT count(*) FROM raw.file_receipt") == before


def test_connection_killed_before_commit_leaves_nothing_and_retry_completes(
        clean_scratch, tmp_path, monkeypatch):
    folder = tmp_path / "drop"
    folder.mkdir()
    wbk.report(folder / "Laporan_I_2025_S1.xlsx",
               realisasi=[[1, 1, "2025-03-01", "x", "", "", 1, 1, 1, "", "", ""]])
    put(folder, folder / "Laporan_I_2025_S1.xlsx")

    def kill(conn, file_name):
        with psycopg.connect(clean_scratch.url(), autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [conn.info.backend_pid])

    monkeypatch.setattr(drop, "before_commit", kill)
    with pytest.raises(psycopg.OperationalError):
        ingest_folder(clean_scratch.url("monev_loader"), folder, "run-killed")
    for table in ("file_receipt", "report", "realisasi_row", "quarantine"):
        assert rows(clean_scratch, f"SELECT count(*) FROM raw.{table}")[0][0] == 0, table
    assert rows(clean_scratch, "SELECT count(*) FROM audit.reconciliation")[0][0] == 0

    monkeypatch.setattr(drop, "before_commit", None)
    assert ingest(clean_scratch, folder, "run-retry")["Laporan_I_2025_S1.xlsx"].status == "loaded"
    assert rows(clean_scratch, "SELECT count(*) FROM raw.realisasi_row")[0][0] == 1


def test_a_file_failing_inside_a_batch_rolls_back_alone_and_the_files_before_it_stay(
        clean_scratch, tmp_path, monkeypatch):
    """Files share a commit (drop.BATCH_FILES) but not their fate: the one that fails
    leaves nothing, the ones before it are in, the run stops with its error, and the next
    run loads the rest."""
    folder = tmp_path / "drop"
    folder.mkdir()
    for n in (1, 2, 3):
        path = wbk.report(folder / f"Laporan_P{n}_2025_S1.xlsx",
                          identitas={"Nomor Perjanjian": f"NK/{n}/2025"},
                          realisasi=[[1, 1, "2025-03-01", "x", "", "", 1, 1, 1, "", "", ""]])
        put(folder, path, f"2025-07-10T10:0{n}:00+07:00")

    def fail_on_the_second(conn, file_name):
        if file_name == "Laporan_P2_2025_S1.xlsx":
            raise RuntimeError("the second file fails before it ends")

    monkeypatch.setattr(drop, "before_commit", fail_on_the_second)
    with pytest.raises(RuntimeError, match="second file"):
        ingest_folder(clean_scratch.url("monev_loader"), folder, "run-batch")
    assert rows(clean_scratch, "SELECT file_name FROM raw.file_receipt") == [
        ("Laporan_P1_2025_S1.xlsx",)]
    assert rows(clean_scratch, "SELECT DISTINCT file_name FROM raw.realisasi_row") == [
        ("Laporan_P1_2025_S1.xlsx",)]
    assert rows(clean_scratch, "SELECT DISTINCT file_name FROM audit.reconciliation") == [
        ("Laporan_P1_2025_S1.xlsx",)]

    monkeypatch.setattr(drop, "before_commit", None)
    assert sorted(ingest(clean_scratch, folder, "run-batch-retry")) == [
        "Laporan_P2_2025_S1.xlsx", "Laporan_P3_2025_S1.xlsx"]
    assert rows(clean_scratch, "SELECT count(*) FROM raw.realisasi_row")[0][0] == 3


def test_a_reconciliation_that_raw_does_not_hold_stops_the_load(clean_scratch, tmp_path):
    """The check before every commit: claims beside what raw holds, for each sheet."""
    folder = tmp_path / "drop"
    folder.mkdir()
    put(folder, wbk.report(folder / "Laporan_R_2025_S1.xlsx",
                           realisasi=[[1, 1, "2025-03-01", "x", "", "", 1, 1, 1, "", "", ""]]))
    [result] = ingest_folder(clean_scratch.url("monev_loader"), folder, "run-r")
    assert set(TABLE_COLUMNS) | {"kobo_record"} == set(RAW_TABLES)
    with psycopg.connect(clean_scratch.url("monev_loader")) as conn:
        assert_reconciled(conn, result.load_id)  # as loaded: it holds
        prov = Provenance(result.load_id, "run-r", "drop", "Laporan_R_2025_S1.xlsx", "x", None)
        claim = Writes()
        claim.reconciliation(prov, "Lain", "realisasi_row", 2, 1, 1, 0)
        with pytest.raises(ReconciliationError,
                           match=r"sheet 'Lain': .* 2 stored / 1 accepted, raw.realisasi_row "
                                 r"holds 0 / 0"):
            claim.write(conn)  # what writes a batch checks it before the commit
        conn.rollback()
        other = uuid.uuid4()  # a claim about rows that never arrived, beside a load that holds
        claim = Writes()
        claim.reconciliation(Provenance(other, None, "kobo", None, None, None, "p"),
                             "results", "kobo_record", 1, 1, 0, 0)
        with pytest.raises(ReconciliationError,
                           match=f"load {other} sheet 'results': .*raw.kobo_record holds 0 / 0"):
            claim.write(conn)
        with pytest.raises(ReconciliationError, match=f"load {other} "):
            assert_reconciled(conn, result.load_id, other)
        conn.rollback()


def test_formula_cells_never_become_formula_text(clean_scratch, tmp_path):
    """openpyxl writes formulas without a stored value: such a cell reads as nothing."""
    folder = tmp_path / "drop"
    folder.mkdir()
    wbk.report(folder / "Laporan_J_2025_S1.xlsx",
               rencana=[[1, "Pencegahan", "", "", "orang", "=2+3", "=SUM(A1:A2)", ""]])
    put(folder, folder / "Laporan_J_2025_S1.xlsx")
    ingest(clean_scratch, folder)
    got = rows(clean_scratch, "SELECT target, anggaran, raw_values::text FROM raw.rencana_aksi_row")
    assert got[0][:2] == (0, 0)
    assert "=2+3" not in got[0][2] and "SUM" not in got[0][2]


def test_files_share_a_commit_until_fifty_or_their_rows_reach_the_bound():
    """Many small files share a commit; large ones nearly have their own (flat memory)."""
    from types import SimpleNamespace

    def parsed(*row_counts):
        return [(n, SimpleNamespace(sheets={"realisasi_row": SimpleNamespace(rows=[0] * rows)}))
                for n, rows in enumerate(row_counts)]

    def sizes(items):
        return [len(batch) for batch in drop._batches(iter(items))]

    assert sizes(parsed(*[55] * 120)) == [drop.BATCH_FILES, drop.BATCH_FILES, 20]
    assert sizes(parsed(3_000, 3_000, 3_000, 10)) == [2, 2]  # 6,000 rows >= 5,000
    unreadable = [(n, None) for n in range(3)]  # nothing parsed: no rows
    assert sizes(parsed(4_999) + unreadable + parsed(1, 7)) == [5, 1]
    assert sizes([]) == []


def _with_nul(source: Path, target: Path, marker: bytes = b"ZNULZ") -> Path:
    """A copy of the workbook in which ``marker`` is the escape ``_x0000_``, which a
    reader decodes to NUL (openpyxl refuses to write one)."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item.filename).replace(marker, b"_x0000_"))
    source.unlink()
    return target


def test_a_nul_character_in_a_cell_is_quarantined_and_the_file_loads(clean_scratch, tmp_path):
    """PostgreSQL's text and jsonb refuse NUL: a data cell with one is quarantined and
    U+FFFD kept in its place in raw_values; an Identitas cell with one quarantines its
    file, as any unreadable Identitas does; the files beside them load."""
    folder = tmp_path / "drop"
    folder.mkdir()
    wbk.report(tmp_path / "row.xlsx",
               realisasi=[[1, 1, "01/03/2025", "KegiatanZNULZSatu", "Prov. Jawa Barat",
                           "Bandung", "1", 30, "15.000.000,-", "", "", "https://e.id/b"],
                          [2, 1, "02/03/2025", "Kegiatan Dua", "Prov. Jawa Barat",
                           "Bandung", "2", 30, "1.000.000,-", "", "", "https://e.id/c"]])
    put(folder, _with_nul(tmp_path / "row.xlsx", folder / "Laporan_N_2025_S1.xlsx"))
    wbk.report(tmp_path / "identitas.xlsx", identitas={"Nama Pelapor": "PetugasZNULZ"})
    put(folder, _with_nul(tmp_path / "identitas.xlsx", folder / "Laporan_I_2025_S1.xlsx"))
    wbk.report(folder / "Laporan_M_2025_S1.xlsx")
    put(folder, folder / "Laporan_M_2025_S1.xlsx")
    result = ingest(clean_scratch, folder)
    assert {name: r.status for name, r in result.items()} == {
        "Laporan_N_2025_S1.xlsx": "loaded", "Laporan_I_2025_S1.xlsx": "quarantined",
        "Laporan_M_2025_S1.xlsx": "loaded"}
    got = rows(clean_scratch, "SELECT no, accepted, uraian_kegiatan,"
                              " raw_values->>'uraian_kegiatan' FROM raw.realisasi_row"
                              " WHERE file_name = 'Laporan_N_2025_S1.xlsx' ORDER BY row_number")
    assert got == [("1", False, None, "Kegiatan\ufffdSatu"),
                   ("2", True, "Kegiatan Dua", "Kegiatan Dua")]
    quarantined = rows(clean_scratch, "SELECT file_name, sheet, column_name, reason_code, value"
                                      " FROM raw.quarantine ORDER BY file_name")
    assert quarantined[0][:4] == ("Laporan_I_2025_S1.xlsx", None, None, "identitas_unreadable")
    assert quarantined[1:] == [("Laporan_N_2025_S1.xlsx", "Realisasi", "Uraian Kegiatan",
                                "nul_character", "Kegiatan\ufffdSatu")]
    [(reason,)] = rows(clean_scratch, "SELECT reason FROM raw.quarantine"
                                      " WHERE file_name = 'Laporan_I_2025_S1.xlsx'")
    assert "Nama Pelapor: nul_character" in reason
