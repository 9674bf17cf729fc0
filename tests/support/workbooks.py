"""Build small messy workbooks for ingestion tests (openpyxl)."""

from __future__ import annotations

from pathlib import Path

import openpyxl

IDENTITAS = {"Nama Instansi": "Kementerian Sosial", "Nomor Perjanjian": "NK/5/IX/2025/BNN",
             "Tahun": 2025, "Semester": "II", "Nama Pelapor": "Petugas",
             "Jabatan": "Analis", "Email": "a@example.go.id", "Tanggal Laporan": "2026-01-10"}
RA_HEADER = ["No", "Bidang", "Kegiatan", "Indikator", "Satuan", "Target", "Anggaran (Rp)",
             "Provinsi"]
REAL_HEADER = ["No", "No Rencana Aksi", "Tanggal Kegiatan", "Uraian Kegiatan", "Provinsi",
               "Kabupaten/Kota", "Capaian", "Jumlah Peserta", "Realisasi Anggaran (Rp)",
               "Kendala", "Tindak Lanjut", "Tautan Bukti"]


def sheet(wb, title, rows, titles=0):
    ws = wb.create_sheet(title)
    for i in range(titles):
        ws.append([f"JUDUL {i + 1}"] + [None] * 3)
    if titles:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=4)
    for row in rows:
        ws.append(row)
    return ws


def report(path: Path, identitas=None, rencana=None, realisasi=None, *, ra_header=None,
           real_header=None, titles=1, labels=None, skip=()) -> Path:
    """A partner workbook; ``skip`` names sheets to leave out, ``labels`` renames labels."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    ident = dict(IDENTITAS, **(identitas or {}))
    if "Identitas" not in skip:
        rows = [[(labels or {}).get(k, k), v] for k, v in ident.items() if v is not ...]
        sheet(wb, "Identitas", rows, titles)
    if "Rencana Aksi" not in skip:
        sheet(wb, "Rencana Aksi", [ra_header or RA_HEADER, *(rencana or [])], titles)
    if "Realisasi" not in skip:
        sheet(wb, "Realisasi", [real_header or REAL_HEADER, *(realisasi or [])], titles)
    wb.save(path)
    return path


REG_HEADER = ["No", "Nomor Perjanjian", "Jenis", "Nomor Induk", "Mitra", "Tanggal Tanda Tangan",
              "Tanggal Berakhir", "Ruang Lingkup", "Unit Pelaksana", "Status"]


def register(path: Path, rows, header=None, sheet_name="Daftar", titles=1) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    sheet(wb, sheet_name, [header or REG_HEADER, *rows], titles)
    wb.save(path)
    return path
