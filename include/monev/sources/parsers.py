"""Parsers for the three kinds of drop file (docs/sources.md sections 1-3).

Each takes a file's bytes and returns a :class:`ParsedFile`; a file that cannot be read
at all raises :class:`UnreadableFile`. Ingestion decides only what a file shows by itself; matching
agreements, partners and items is the warehouse's job.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field

from monev.sources.tables import (
    Column,
    MissingHeaders,
    ParsedRow,
    Problem,
    SheetResult,
    read_table,
    validate,
)
from monev.sources.values import (
    Unparseable,
    canonical_bidang,
    clean_text,
    normalise_label,
    parse_date,
    parse_integer,
    parse_non_negative,
    parse_semester,
)
from monev.sources.workbook import UnreadableFile, Workbook

KINDS = ("register", "partner_master", "partner_report")
_KIND_PATTERNS = (
    ("register", re.compile(r"daftar_kerja_sama.*\.xlsx", re.IGNORECASE)),
    ("partner_master", re.compile(r"mitra.*\.csv", re.IGNORECASE)),
    ("partner_report", re.compile(r"laporan_.*\.xlsx", re.IGNORECASE)),
)


def kind_of(file_name: str) -> str | None:
    """The kind a base name says (case-insensitive); None quarantines the file whole."""
    for kind, pattern in _KIND_PATTERNS:
        if pattern.fullmatch(file_name):
            return kind
    return None


@dataclass
class ParsedFile:
    kind: str
    sheets: dict[str, SheetResult] = field(default_factory=dict)  # raw table -> rows
    notes: list[tuple[str, Problem]] = field(default_factory=list)  # (sheet, problem)


def _choice(options: tuple[str, ...], code: str | None = None):
    """A value compared trimmed and ignoring case, written in its canonical spelling;
    an unknown value is kept as written when no reject ``code`` is given."""
    canonical = {o.lower(): o for o in options}

    def parse(value: object) -> str | None:
        text = clean_text(value)
        if text is None:
            return None
        if text.lower() in canonical:
            return canonical[text.lower()]
        if code is None:
            return text
        raise Unparseable(code, value)

    return parse


def _lower(value: object) -> str | None:
    text = clean_text(value)
    return text.lower() if text is not None else None


def _zero_if_blank(value: object):
    number = parse_non_negative(value)
    return 0 if number is None else number


# -- 1. Agreement register ----------------------------------------------------------------
JENIS = ("MoU", "PKS")
STATUS = ("Aktif", "Berakhir", "Diperpanjang", "Dibatalkan")
# Agreement numbers (here, Nomor Induk and Identitas) are compared trimmed, case-sensitively.
REGISTER_COLUMNS = [
    Column("no", "No", clean_text),
    Column("nomor_perjanjian", "Nomor Perjanjian", clean_text, required=True),
    Column("jenis", "Jenis", _choice(JENIS, "invalid_jenis"), required=True),
    Column("nomor_induk", "Nomor Induk", clean_text),
    Column("mitra", "Mitra", clean_text),
    Column("tanggal_tanda_tangan", "Tanggal Tanda Tangan", parse_date, required=True),
    Column("tanggal_berakhir", "Tanggal Berakhir", parse_date, required=True),
    Column("ruang_lingkup", "Ruang Lingkup", clean_text),
    Column("unit_pelaksana", "Unit Pelaksana", clean_text),
    Column("status", "Status", _choice(STATUS)),
]


def parse_register(data: bytes) -> ParsedFile:
    wb = Workbook(data)
    try:
        result = _read(wb, "Daftar", REGISTER_COLUMNS)
    finally:
        wb.close()
    for row in result.rows:
        if row.values["jenis"] == "MoU":
            row.values["nomor_induk"] = None  # an MoU's Nomor Induk is ignored
    return ParsedFile("register", {"register_row": result})


def _read(wb: Workbook, sheet: str, columns: list[Column]) -> SheetResult:
    try:
        return read_table(wb.sheet_name(sheet) or sheet, wb.rows(sheet), columns)
    except MissingHeaders as exc:
        raise UnreadableFile("missing_headers", str(exc)) from exc


# -- 2. Partner master --------------------------------------------------------------------
KATEGORI = ("Kementerian", "Lembaga", "BUMN", "Pemerintah Daerah", "Perguruan Tinggi",
            "Swasta", "Organisasi Masyarakat", "Internasional")
PARTNER_COLUMNS = [
    Column("kode_mitra", "kode_mitra", clean_text, required=True),
    Column("nama_resmi", "nama_resmi", clean_text, required=True),
    Column("singkatan", "singkatan", clean_text),
    Column("kategori", "kategori", _choice(KATEGORI, "unknown_kategori"), required=True),
    Column("induk", "induk", clean_text),
    Column("kode_provinsi", "kode_provinsi", clean_text),
    Column("berlaku_mulai", "berlaku_mulai", parse_date, required=True),
    Column("berlaku_sampai", "berlaku_sampai", parse_date),
    Column("alias", "alias", clean_text),
]


def parse_partner_master(data: bytes) -> ParsedFile:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile("not_utf8", str(exc)) from exc
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise UnreadableFile("unreadable_csv", str(exc)) from exc
    numbered = ((i + 1, cells) for i, cells in enumerate(rows))
    try:
        result = read_table("csv", numbered, PARTNER_COLUMNS)
    except MissingHeaders as exc:
        raise UnreadableFile("missing_headers", str(exc)) from exc
    return ParsedFile("partner_master", {"partner_master_row": result})


# -- 3. Partner report --------------------------------------------------------------------
IDENTITAS_FIELDS = [
    Column("nama_instansi", "Nama Instansi", clean_text),
    Column("nomor_perjanjian", "Nomor Perjanjian", clean_text, required=True),
    Column("tahun", "Tahun", parse_integer, required=True),
    Column("semester", "Semester", parse_semester, required=True),
    Column("nama_pelapor", "Nama Pelapor", clean_text),
    Column("jabatan", "Jabatan", clean_text),
    Column("email", "Email", clean_text),
    Column("tanggal_laporan", "Tanggal Laporan", clean_text),
]
RENCANA_AKSI_COLUMNS = [
    Column("no", "No", parse_integer, required=True),
    Column("bidang", "Bidang", canonical_bidang),
    Column("kegiatan", "Kegiatan", clean_text),
    Column("indikator", "Indikator", clean_text),
    Column("satuan", "Satuan", _lower),
    Column("target", "Target", _zero_if_blank),
    Column("anggaran", "Anggaran (Rp)", _zero_if_blank, aliases=("Anggaran",)),
    Column("provinsi", "Provinsi", clean_text),
]
# Bidang, Satuan and Target are required headers, not required values (blank Target is 0).
RENCANA_AKSI_HEADERS = {"no", "bidang", "satuan", "target"}
REALISASI_COLUMNS = [
    Column("no", "No", clean_text),
    Column("no_rencana_aksi", "No Rencana Aksi", parse_integer, required=True),
    Column("tanggal_kegiatan", "Tanggal Kegiatan", parse_date, required=True),
    Column("uraian_kegiatan", "Uraian Kegiatan", clean_text),
    Column("provinsi", "Provinsi", clean_text),
    Column("kabupaten_kota", "Kabupaten/Kota", clean_text),
    Column("capaian", "Capaian", parse_non_negative, required=True),
    Column("jumlah_peserta", "Jumlah Peserta", parse_non_negative),
    Column("realisasi_anggaran", "Realisasi Anggaran (Rp)", parse_non_negative,
           aliases=("Realisasi Anggaran",)),
    Column("kendala", "Kendala", clean_text),
    Column("tindak_lanjut", "Tindak Lanjut", clean_text),
    Column("tautan_bukti", "Tautan Bukti", clean_text),
]


def _read_identitas(wb: Workbook) -> ParsedRow:
    labels = {normalise_label(c.header): c for c in IDENTITAS_FIELDS}
    cells: dict[str, object] = {}
    sheet = wb.sheet_name("Identitas") or "Identitas"
    for _, row in wb.rows("Identitas"):
        if not row or not isinstance(row[0], str):
            continue
        col = labels.get(normalise_label(row[0]))
        if col is not None and col.key not in cells:
            cells[col.key] = row[1] if len(row) > 1 else None
    raw, values, problems = validate(cells, IDENTITAS_FIELDS)
    if problems:
        detail = "; ".join(f"{p.column}: {p.code} ({p.value!r})" for p in problems)
        raise UnreadableFile("identitas_unreadable", f"sheet {sheet!r}: {detail}")
    values["tanggal_laporan"] = _optional_date(raw["tanggal_laporan"])
    return ParsedRow(sheet, 0, raw, values)


def _optional_date(text: str | None):
    try:
        return parse_date(text)
    except Unparseable:
        return None


def _mark_duplicate_items(result: SheetResult) -> None:
    """When a ``No`` appears twice in the sheet, every row with it is quarantined."""
    counts = Counter(r.values["no"] for r in result.rows if r.values.get("no") is not None)
    for row in result.rows:
        if counts.get(row.values.get("no"), 0) > 1:
            row.problems.append(Problem("duplicate_item_no", "No", row.raw["no"]))


def parse_partner_report(data: bytes) -> ParsedFile:
    wb = Workbook(data)
    try:
        identitas = _read_identitas(wb)
        parsed = ParsedFile("partner_report", {
            "report": SheetResult(identitas.sheet, [identitas], 0)})
        for table, sheet, columns, headers in (
            ("rencana_aksi_row", "Rencana Aksi", RENCANA_AKSI_COLUMNS, RENCANA_AKSI_HEADERS),
            ("realisasi_row", "Realisasi", REALISASI_COLUMNS, None),
        ):
            try:
                result = read_table(wb.sheet_name(sheet) or sheet, wb.rows(sheet), columns,
                                    headers)
            except (UnreadableFile, MissingHeaders) as exc:
                code = exc.code if isinstance(exc, UnreadableFile) else "missing_headers"
                parsed.notes.append((sheet, Problem(code, detail=str(exc))))
                continue
            if table == "rencana_aksi_row":
                _mark_duplicate_items(result)
            parsed.sheets[table] = result
        return parsed
    finally:
        wb.close()


PARSERS = {
    "register": parse_register,
    "partner_master": parse_partner_master,
    "partner_report": parse_partner_report,
}
