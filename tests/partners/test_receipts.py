"""Receipts (tanda terima) on the samples plus hostile files: a late file, a corrected copy
superseding an earlier one, quarantined rows with where/what/how-to-fix, an unreadable
file, a hostile file name, form records per day, written once, and mailed through a real
SMTP server on 127.0.0.1 only to the file's own Identitas address."""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from support.mail import Inbox
from support.warehouse import empty_scratch, load_samples, query

from monev import config
from monev.load.drop import ingest_folder
from monev.partners.reasons import REASONS, explain
from monev.partners.receipts import write_receipts

HOSTILE_NAME = "Laporan_KL001_2025_S2_<script src=x.js>.xlsx"
CORRECTED = "Laporan_KL001_2025_S1_0004_revisi.xlsx"
BROKEN = "Laporan_KL001_2025_S2_rusak.xlsx"
HOSTILE_VALUE = "<img src=x onerror=alert(1)>" + "9" * 400


def _touch(path: Path, when: str) -> None:
    stamp = dt.datetime.fromisoformat(when).timestamp()
    import os

    os.utime(path, (stamp, stamp))


@pytest.fixture(scope="module")
def world(scratch, tmp_path_factory):
    empty_scratch(scratch, "reconciliation", "receipt")
    work = tmp_path_factory.mktemp("receipts")
    load_samples(scratch, work / "drop", "receipts")
    extra = work / "extra"
    extra.mkdir()
    # a corrected copy of a sample workbook: one activity added, its Capaian hostile text
    wb = openpyxl.load_workbook(config.SAMPLES_DIR / "drop" / "Laporan_KL001_2025_S1_0004.xlsx")
    for column, value in enumerate(["1", 1, "01/07/2025", "Sosialisasi", "Aceh", "Banda Aceh",
                                    HOSTILE_VALUE], start=1):
        wb["Realisasi"].cell(row=3, column=column, value=value)
    wb.save(extra / CORRECTED)
    _touch(extra / CORRECTED, "2025-07-12T10:00:00+07:00")
    (extra / BROKEN).write_bytes(b"PK\x03\x04 this is no workbook")
    _touch(extra / BROKEN, "2026-01-10T08:00:00+07:00")
    shutil.copyfile(config.SAMPLES_DIR / "drop" / "Laporan_KL008_2025_S2_0009.xlsx",
                    extra / HOSTILE_NAME)
    _touch(extra / HOSTILE_NAME, "2026-01-11T08:00:00+07:00")
    ingest_folder(scratch.url("monev_loader"), extra, "receipts-extra")
    outbox = work / "outbox"
    receipts = write_receipts(scratch.url("monev_transformer"), outbox)
    return {"endpoint": scratch, "outbox": outbox, "receipts": receipts}


def _text(path: Path) -> str:
    """The receipt as a reader sees it: tags dropped, entities decoded, spaces collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", path.read_text())))


def _receipt_of(world, file_name: str) -> Path:
    [(load_id,)] = query(world["endpoint"].url(), "SELECT load_id::text FROM raw.file_receipt"
                                                  " WHERE file_name = %s", [file_name])
    [receipt] = [r for r in world["receipts"] if r.source_key == load_id]
    return receipt.path


def test_every_file_and_form_day_gets_one_receipt_recorded(world):
    url = world["endpoint"].url()
    [(files,)] = query(url, "SELECT count(*) FROM raw.file_receipt")
    [(form_days,)] = query(url, """SELECT count(DISTINCT ((submission_time AT TIME ZONE
        'Asia/Jakarta')::date, coalesce(nomor_perjanjian, ''))) FROM raw.kobo_record""")
    assert len(world["receipts"]) == files + form_days
    assert all(r.path.exists() for r in world["receipts"])
    recorded = query(url, "SELECT source_key, sha256, path FROM audit.receipt"
                          " WHERE event = 'written' ORDER BY receipt_id")
    assert sorted(recorded) == sorted((r.source_key, r.sha256, str(r.path))
                                      for r in world["receipts"])


def test_a_second_pass_writes_nothing_new(world):
    again = write_receipts(world["endpoint"].url("monev_transformer"), world["outbox"])
    assert again == []


def test_rows_arrived_accepted_and_quarantined_equal_the_reconciliation(world):
    url = world["endpoint"].url()
    for name in ("Laporan_BU001_2025_S1_0015.xlsx", "Laporan_KL008_2025_S1_0008.xlsx"):
        text = _text(_receipt_of(world, name))
        for sheet, arrived, accepted, quarantined in query(url, """
                SELECT r.sheet, r.rows_arrived, r.rows_accepted + r.rows_unchanged,
                       r.rows_quarantined
                FROM audit.reconciliation r JOIN raw.file_receipt f USING (load_id)
                WHERE f.file_name = %s AND r.raw_table IN ('rencana_aksi_row', 'realisasi_row')
                """, [name]):
            assert f"{sheet} {arrived} {accepted} {quarantined}" in text, (name, sheet)


def test_a_late_file_says_how_late_and_an_early_one_says_on_time(world):
    late = _text(_receipt_of(world, "Laporan_KL001_2025_S1_0002.xlsx"))
    # received 16 July 2025 21.38 WIB; semester I is due 15 July 2025
    assert "Diterima 16 Juli 2025 pukul 21.38 WIB" in late
    assert "Batas penyampaian 15 Juli 2025" in late and "Terlambat 1 hari" in late
    on_time = _text(_receipt_of(world, "Laporan_KL008_2025_S1_0008.xlsx"))
    assert "pukul 19.04 WIB" in on_time and "Tepat waktu" in on_time


def test_a_corrected_copy_names_the_copy_it_supersedes(world):
    text = _text(_receipt_of(world, CORRECTED))
    # of the S1 copies of KL001's agreement received before 12 July, 0004 is the latest
    assert "menggantikan berkas Laporan_KL001_2025_S1_0004.xlsx" in text
    replaced = _text(_receipt_of(world, "Laporan_KL001_2025_S1_0004.xlsx"))
    assert f"Berkas {CORRECTED} (diterima 12 Juli 2025 pukul 10.00 WIB) menggantikan" \
        " berkas ini" in replaced


def test_each_quarantined_row_is_named_with_its_reason_and_fix(world):
    url = world["endpoint"].url()
    rows = query(url, """SELECT q.file_name, q.sheet, q.row_number, q.column_name, q.value,
                                q.reason_code
                         FROM raw.quarantine q JOIN raw.file_receipt f USING (load_id)
                         WHERE q.scope = 'row' AND q.source = 'drop'""")
    assert rows, "the samples hold quarantined rows"
    for file_name, sheet, row_number, column, value, code in rows:
        text = _text(_receipt_of(world, file_name))
        what, fix = explain(code)
        assert what != explain("no_such_code")[0], code  # every sample code is explained
        assert f"{sheet} {row_number} {column} {(value or '')[:200]}".strip() in text, file_name
        assert what in text and fix in text


def test_an_unreadable_file_gets_a_receipt_saying_so_and_why(world):
    text = _text(_receipt_of(world, BROKEN))
    what, fix = explain("not_a_workbook")
    assert "Berkas tidak dapat dibaca" in text and what in text and fix in text
    assert "belum dihitung" in text


def test_a_hostile_file_name_is_text_in_the_receipt_and_never_a_path(world):
    path = _receipt_of(world, HOSTILE_NAME)
    content = path.read_text()
    assert "<script" not in content and "&lt;script src=x.js&gt;" in content
    assert path.parent.parent == world["outbox"] and "<" not in path.name


def test_receipts_go_to_the_partners_outbox_and_the_directorate_keeps_its_own(world):
    url = world["endpoint"].url()
    partner = dict(query(url, "SELECT nomor_perjanjian, kode_mitra FROM marts.dim_agreement"
                              " WHERE is_current"))
    for receipt in world["receipts"]:
        assert receipt.path.parent.name == receipt.kode_mitra
    for load_id, kind, nomor in query(url, """SELECT f.load_id::text, f.kind, r.nomor_perjanjian
            FROM raw.file_receipt f LEFT JOIN raw.report r USING (load_id)"""):
        [receipt] = [r for r in world["receipts"] if r.source_key == load_id]
        if kind in ("register", "partner_master"):
            assert receipt.kode_mitra == "direktorat"
        elif partner.get(nomor):
            assert receipt.kode_mitra == partner[nomor]


def test_form_records_get_a_receipt_per_day_and_agreement_with_their_problems(world):
    url = world["endpoint"].url()
    quarantined = query(url, """SELECT q.kobo_id, q.reason_code, k.nomor_perjanjian,
            (k.submission_time AT TIME ZONE 'Asia/Jakarta')::date
        FROM raw.quarantine q JOIN raw.kobo_record k
          ON k.load_id = q.load_id AND k.kobo_id = q.kobo_id
        WHERE q.source = 'kobo'""")
    assert quarantined, "the sample form records hold a quarantined one"
    for kobo_id, code, nomor, day in quarantined:
        [receipt] = [r for r in world["receipts"]
                     if r.source_key == f"kobo:{day}:{nomor or ''}"]
        text = _text(receipt.path)
        assert str(kobo_id) in text and explain(code)[0] in text and "Ditolak" in text


def test_receipts_are_mailed_once_only_to_the_files_own_identitas_address(world, monkeypatch):
    from monev.orchestration.local import prepare_airflow
    from monev.orchestration.mail import send_documents

    endpoint = world["endpoint"]
    inbox = Inbox()
    inbox.controller.start()
    monkeypatch.setenv("AIRFLOW_CONN_MONEV_SMTP", inbox.connection())
    prepare_airflow()
    try:
        first = send_documents(world["receipts"], endpoint.url("monev_transformer"))
        again = send_documents(world["receipts"], endpoint.url("monev_transformer"))
    finally:
        inbox.controller.stop()
    assert first and again == []
    by_key = {r.source_key: r for r in world["receipts"]}
    emails = dict(query(endpoint.url(), "SELECT load_id::text, email FROM raw.report"))
    for key in first:
        receipt = by_key[key]
        if key in emails:  # a file: its own Identitas address, nobody else
            assert receipt.recipients == [emails[key].strip()]
    assert sorted(to for to, _ in inbox.messages) == sorted(by_key[k].recipients for k in first)
    assert all("Subject: Tanda terima" in content for _, content in inbox.messages)
    [(sent,)] = query(endpoint.url(), "SELECT count(*) FROM audit.receipt WHERE event = 'sent'")
    assert sent == len(first)


def test_every_quarantine_reason_of_the_readme_is_explained_in_bahasa_indonesia():
    readme = (config.REPO_ROOT / "README.md").read_text()
    table = readme[readme.index("Quarantine reason codes"):]
    codes = set(re.findall(r"^\| `([a-z_]+)` \|", table, re.MULTILINE))
    assert len(codes) >= 20 and codes <= set(REASONS)


def test_a_hostile_cell_is_shown_escaped_and_cut_short(world):
    content = _receipt_of(world, CORRECTED).read_text()
    assert "<img" not in content
    assert "&lt;img src=x onerror=alert(1)&gt;" + "9" * (200 - 28) + "…" in content
    assert "9" * 201 not in content
