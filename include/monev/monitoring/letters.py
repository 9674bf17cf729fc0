"""Letters to partners (docs/monitoring.md, "Letters to partners"): for each partner with a
warning on the monitoring date D, one self-contained HTML letter in Bahasa Indonesia with
its agreements and warnings, what is expected of it and by when, and whom to contact. It
is written to ``MONEV_HOME/outbox/<kode_mitra>/`` and addressed only to the reporters'
addresses on file for its agreements, with its PDF beside it (``monev.report.pdf``).
Partner text is escaped (Jinja2 autoescape); the same published rows make the same HTML
bytes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import psycopg

from monev.evaluation.period import due_date
from monev.monitoring.date import MonitoringDate
from monev.partners.outbox import CONTACT, plain_addresses, write
from monev.report.formats import tanggal
from monev.report.pdf import write_pdfs

# what each warning asks of the partner, in the letter's words
EXPECTED = {
    "rencana_aksi_belum_ada": "Kirimkan rencana aksi tahun {tahun} (lembar Rencana Aksi pada "
                              "berkas laporan).",
    "laporan_belum_masuk": "Kirimkan laporan semester yang belum diterima.",
    "berisiko_tidur": "Laporkan kegiatan yang telah dilaksanakan tahun {tahun}; tanpa kegiatan "
                      "yang dilaporkan, perjanjian dinilai Tidur pada evaluasi tahunan.",
    "segera_berakhir": "Bila kerja sama akan dilanjutkan, ajukan perpanjangan sebelum "
                       "perjanjian berakhir.",
    "data_perlu_perbaikan": "Perbaiki baris laporan yang ditolak, lalu kirim ulang berkasnya.",
}


def next_due_date(day: dt.date) -> dt.date:
    """The next semester due date on or after ``day`` (15 January, 15 July)."""
    return min(due for due in (due_date(day.year - 1, 2), due_date(day.year, 1),
                               due_date(day.year, 2)) if due >= day)


@dataclass
class Letter:
    kode_mitra: str
    nama_mitra: str | None
    path: Path
    recipients: list[str] = field(default_factory=list)
    pdf: Path | None = None


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).with_name("templates")),
        autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def write_letters(conninfo: str, date: MonitoringDate, outbox: Path) -> list[Letter]:
    """One letter per partner with a warning published for ``date``; returns them, each
    with the reporters' addresses on file (empty: written, not to be sent)."""
    with psycopg.connect(conninfo) as conn:
        rows = conn.execute(
            "SELECT kode_mitra, nama_mitra, nomor_perjanjian, jenis, kode, detail,"
            " tanggal_berakhir, nama_pelapor, email FROM monitoring.early_warning"
            " WHERE as_of = %s AND kode_mitra IS NOT NULL", [date.as_of]).fetchall()
    partners: dict[str, dict] = {}
    for kode_mitra, nama, nomor, jenis, kode, detail, berakhir, pelapor, email in rows:
        partner = partners.setdefault(kode_mitra, {"nama": nama, "agreements": {}})
        agreement = partner["agreements"].setdefault(nomor, {
            "nomor": nomor, "jenis": jenis, "berakhir": tanggal(berakhir),
            "pelapor": pelapor, "email": email, "warnings": []})
        agreement["warnings"].append({
            "detail": detail, "expected": EXPECTED[kode].format(tahun=date.year)})
    template = _environment().get_template("surat_peringatan.html.j2")
    letters = []
    for kode_mitra in sorted(partners, key=str.encode):
        partner = partners[kode_mitra]
        agreements = sorted(partner["agreements"].values(), key=lambda a: a["nomor"].encode())
        html = template.render(
            tanggal=tanggal(date.as_of), batas=tanggal(next_due_date(date.as_of)),
            nama_mitra=partner["nama"] or kode_mitra, kode_mitra=kode_mitra,
            agreements=agreements, contact=CONTACT)
        path = write(outbox, kode_mitra, f"surat_peringatan_{date}.html", html)
        recipients = plain_addresses(a["email"] for a in agreements)
        letters.append(Letter(kode_mitra, partner["nama"], path, recipients))
    printed = set(write_pdfs([(letter.path, letter.path.with_suffix(".pdf"))
                              for letter in letters]))
    for letter in letters:
        if letter.path.with_suffix(".pdf") in printed:
            letter.pdf = letter.path.with_suffix(".pdf")
    return letters
