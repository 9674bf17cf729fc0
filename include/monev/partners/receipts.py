"""Receipts (tanda terima): a partner hears at once what became of what it sent.

One receipt per received drop-folder file (its ``load_id``) and one per Jakarta submission
day and agreement of form records. Each says, in Bahasa Indonesia: what arrived and when,
which agreement, year and semester it reports, on time or late, whether it supersedes an
earlier copy, the rows arrived / accepted / quarantined, and for each quarantined row or
file where, what and how to fix it (``partners.reasons``). A file's receipt is written
once, a form day's again when one of its records changes (``audit.receipt``): a run
writes only what is new since the last one, and the same inputs make the same bytes."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from pathlib import Path

import psycopg

from monev.evaluation.period import JAKARTA, day_end, due_date
from monev.partners import outbox
from monev.partners.reasons import explain
from monev.report.formats import angka, angka_ringkas, tanggal
from monev.report.formats import semester as semester_text

log = logging.getLogger(__name__)
SHOWN_VALUE = 200  # characters of a quarantined value a receipt shows
KIND_LABEL = {"register": "Daftar kerja sama", "partner_master": "Daftar mitra",
              "partner_report": "Laporan semester mitra"}
SHEET_LABEL = {"results": "Formulir"}  # a form page's records, as partners know them
REPORT_NAME = re.compile(r"Laporan_([^_]+)_", re.IGNORECASE)


def waktu(at: dt.datetime) -> str:
    """A received time as partners read it: 12 Juli 2025 pukul 09.30 WIB."""
    local = at.astimezone(JAKARTA)
    return f"{tanggal(local.date())} pukul {local:%H.%M} WIB"


def timeliness(received_at: dt.datetime, tahun: int | None, semester: int | None) -> dict:
    """On time or late against the semester's due date (the end of that day in Jakarta)."""
    if tahun is None or semester is None:
        return {"batas": "", "tepat_waktu": None, "keterangan": ""}
    due = due_date(tahun, semester)
    if received_at < day_end(due):
        return {"batas": tanggal(due), "tepat_waktu": True, "keterangan": "Tepat waktu"}
    late = (received_at.astimezone(JAKARTA).date() - due).days
    return {"batas": tanggal(due), "tepat_waktu": False,
            "keterangan": f"Terlambat {angka(late)} hari"}


def _shown(value: str | None) -> str:
    if value is None:
        return ""
    return value if len(value) <= SHOWN_VALUE else value[:SHOWN_VALUE] + "…"


def _problems(conn, where: str, params: list) -> list[dict]:
    rows = conn.execute(
        "SELECT scope, sheet, row_number, kobo_id, column_name, value, reason_code"
        f" FROM raw.quarantine WHERE {where}"
        " ORDER BY sheet NULLS FIRST, row_number NULLS FIRST, kobo_id, quarantine_id",
        params).fetchall()
    problems = []
    for scope, sheet, row_number, kobo_id, column, value, code in rows:
        what, fix = explain(code)
        problems.append({"scope": scope, "lembar": SHEET_LABEL.get(sheet, sheet or ""),
                         "baris": row_number, "kobo_id": kobo_id, "kolom": column or "",
                         "nilai": _shown(value), "masalah": what, "perbaikan": fix})
    return problems


def agreement_partners(conn) -> dict[str, str]:
    """Agreement number -> the partner the warehouse resolved for it (its last build; empty
    before the first)."""
    if not conn.execute("SELECT to_regclass('marts.dim_agreement') IS NOT NULL").fetchone()[0]:
        return {}
    return dict(conn.execute("SELECT nomor_perjanjian, kode_mitra FROM marts.dim_agreement"
                             " WHERE is_current AND kode_mitra IS NOT NULL").fetchall())


def partner_of_file(partners: dict[str, str], kind: str | None, file_name: str,
                    nomor: str | None) -> str:
    """Whose outbox a file's receipt goes to: the Directorate's for its own lists, else the
    agreement's partner, else the code the file name gives, else 'tidak-dikenal'."""
    if kind in ("register", "partner_master"):
        return outbox.DIREKTORAT
    if nomor in partners:
        return partners[nomor]
    named = REPORT_NAME.match(file_name)
    if named and outbox.SAFE_FOLDER.fullmatch(named.group(1)):
        return named.group(1)
    return outbox.UNKNOWN


def _copy(row) -> dict | None:
    """Another copy as a receipt names it: (load_id, file_name, received_at)."""
    return {"berkas": row[1], "diterima": waktu(row[2])} if row else None


def file_context(conn, load_id) -> dict:
    """Everything a file's receipt says, from raw and audit tables."""
    (file_name, kind, sha256, size, received_at, status, duplicate_of) = conn.execute(
        "SELECT file_name, kind, sha256, size_bytes, received_at, status, duplicate_of"
        " FROM raw.file_receipt WHERE load_id = %s", [load_id]).fetchone()
    report = conn.execute(
        "SELECT nama_instansi, nomor_perjanjian, tahun, semester, nama_pelapor, email"
        " FROM raw.report WHERE load_id = %s", [load_id]).fetchone()
    nama, nomor, tahun, semester, pelapor, email = report or (None,) * 6
    sheets = [{"lembar": sheet, "datang": arrived, "diterima": accepted + unchanged,
               "ditolak": quarantined}
              for sheet, arrived, accepted, unchanged, quarantined in conn.execute(
                  "SELECT sheet, rows_arrived, rows_accepted, rows_unchanged,"
                  " rows_quarantined FROM audit.reconciliation"
                  " WHERE load_id = %s AND raw_table IS NOT NULL AND raw_table <> 'report'"
                  " ORDER BY sheet", [load_id]).fetchall()]
    copies = []
    if nomor is not None:
        copies = conn.execute(
            "SELECT load_id, file_name, received_at FROM raw.report"
            " WHERE nomor_perjanjian = %s AND tahun = %s AND semester = %s"
            " ORDER BY received_at, file_name COLLATE \"C\"",
            [nomor, tahun, semester]).fetchall()
    position = [c[0] for c in copies].index(load_id) if copies else 0
    earlier = copies[position - 1] if position > 0 else None
    later = copies[position + 1] if position + 1 < len(copies) else None
    duplicate = None
    if duplicate_of is not None:
        first = conn.execute("SELECT NULL, file_name, received_at FROM raw.file_receipt"
                             " WHERE load_id = %s", [duplicate_of]).fetchone()
        duplicate = _copy(first)
    return {
        "berkas": file_name, "jenis_berkas": KIND_LABEL.get(kind, "Tidak dikenali"),
        "sha256": sha256[:12], "ukuran": angka(size), "diterima": waktu(received_at),
        "status": status, "nama_instansi": nama or "", "nomor_perjanjian": nomor or "",
        "tahun": tahun or "", "semester": semester_text(semester),
        "pelapor": pelapor or "", "ketepatan": timeliness(received_at, tahun, semester),
        "menggantikan": _copy(earlier), "digantikan": _copy(later), "duplikat_dari": duplicate,
        "lembar": sheets, "masalah": _problems(conn, "load_id = %s", [load_id]),
        "kind": kind, "email": email,
    }


def form_context(conn, day: dt.date, nomor: str) -> dict:
    """A form receipt: the records first submitted on ``day`` (Jakarta) for ``nomor``, each
    as its latest version, with what became of it."""
    rows = conn.execute(
        """SELECT DISTINCT ON (kobo_id) kobo_id, version_id, load_id, accepted, tahun,
                  semester, tanggal_kegiatan, uraian_kegiatan, capaian, submission_time,
                  (SELECT count(*) FROM raw.kobo_record v WHERE v.kobo_id = r.kobo_id
                     AND v.asset_uid = r.asset_uid) AS versions
           FROM raw.kobo_record r
           WHERE (submission_time AT TIME ZONE 'Asia/Jakarta')::date = %s
             AND coalesce(nomor_perjanjian, '') = %s
           ORDER BY kobo_id, version_id DESC""", [day, nomor]).fetchall()
    records = []
    for (kobo_id, _, load_id, accepted, tahun, semester, tanggal_kegiatan, uraian, capaian,
         submitted, versions) in rows:
        records.append({
            "kobo_id": kobo_id, "versi": versions, "diterima": waktu(submitted),
            "tahun": tahun or "", "semester": semester_text(semester),
            "tanggal_kegiatan": tanggal(tanggal_kegiatan), "uraian": _shown(uraian),
            "capaian": angka_ringkas(capaian), "status": accepted,
            "ketepatan": timeliness(submitted, tahun, semester),
            "masalah": _problems(conn, "load_id = %s AND kobo_id = %s", [load_id, kobo_id]),
        })
    contact = conn.execute(
        "SELECT nama_instansi, email FROM raw.report WHERE nomor_perjanjian = %s"
        " ORDER BY received_at DESC, file_name COLLATE \"C\" DESC LIMIT 1",
        [nomor]).fetchone()
    return {"tanggal": tanggal(day), "nomor_perjanjian": nomor,
            "nama_instansi": contact[0] if contact and contact[0] else "",
            "email": contact[1] if contact else None, "catatan": records,
            "diterima_semua": sum(1 for r in records if r["status"]),
            "ditolak_semua": sum(1 for r in records if not r["status"])}


def _pending_files(conn) -> list:
    return [r[0] for r in conn.execute(
        "SELECT f.load_id FROM raw.file_receipt f WHERE NOT EXISTS (SELECT 1 FROM"
        " audit.receipt r WHERE r.source_key = f.load_id::text AND r.event = 'written')"
        " ORDER BY f.received_at, f.file_name COLLATE \"C\", f.load_id").fetchall()]


def _pending_form_days(conn) -> list[tuple[dt.date, str]]:
    """(day, agreement) groups with a record version loaded after their last receipt."""
    return [(day, nomor) for day, nomor in conn.execute(
        """SELECT g.day, g.nomor FROM (
               SELECT (submission_time AT TIME ZONE 'Asia/Jakarta')::date AS day,
                      coalesce(nomor_perjanjian, '') AS nomor, max(loaded_at) AS loaded_at
               FROM raw.kobo_record WHERE submission_time IS NOT NULL GROUP BY 1, 2) g
           WHERE g.loaded_at > coalesce((SELECT max(r.at) FROM audit.receipt r
                   WHERE r.source_key = 'kobo:' || g.day || ':' || g.nomor
                     AND r.event = 'written'), '-infinity')
           ORDER BY g.day, g.nomor COLLATE "C" """).fetchall()]


def _record(conn, root: Path, source_key: str, kode: str, name: str, html: str,
            subject: str, email: str | None) -> outbox.Document:
    return outbox.record(conn, root, "tanda_terima", source_key, kode, name, html, subject,
                         outbox.plain_addresses([email]))


def write_receipts(conninfo: str, root: Path) -> list[outbox.Document]:
    """Write the receipt of every file and form day not yet given one (as it now stands);
    returns them with their recipients: the plain address in the file's own Identitas, or
    for form records the address of the agreement's latest workbook."""
    environment = outbox.environment()
    file_template = environment.get_template("tanda_terima_berkas.html.j2")
    form_template = environment.get_template("tanda_terima_formulir.html.j2")
    receipts = []
    with psycopg.connect(conninfo) as conn:
        # one writer at a time (the ingestion DAGs may end together)
        conn.execute("SELECT pg_advisory_xact_lock(hashtextextended('monev.receipts', 0))")
        partners = agreement_partners(conn)
        for load_id in _pending_files(conn):
            context = file_context(conn, load_id)
            kode = partner_of_file(partners, context["kind"], context["berkas"],
                                   context["nomor_perjanjian"] or None)
            receipts.append(_record(
                conn, root, str(load_id), kode,
                f"tanda_terima_{context['sha256']}_{str(load_id)[:8]}.html",
                file_template.render(**context, contact=outbox.CONTACT),
                f"Tanda terima berkas {context['sha256']}", context["email"]))
        for day, nomor in _pending_form_days(conn):
            context = form_context(conn, day, nomor)
            receipts.append(_record(
                conn, root, f"kobo:{day}:{nomor}", partners.get(nomor, outbox.UNKNOWN),
                f"tanda_terima_formulir_{day}_{hashlib.sha256(nomor.encode()).hexdigest()[:8]}.html",
                form_template.render(**context, contact=outbox.CONTACT),
                f"Tanda terima formulir kegiatan {tanggal(day)}", context["email"]))
        conn.commit()
    log.info("%d receipts written", len(receipts))
    return receipts
