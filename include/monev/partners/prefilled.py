"""Pre-filled report templates: one workbook per agreement in force in a semester, made so
that a partner can hardly send a bad one.

``Laporan_<kode_mitra>_<Y>_S<S>_<nomor>.xlsx`` (the drop folder's naming rule) with
``Identitas`` filled and locked where monev knows the answer, ``Rencana Aksi`` pre-filled
from the agreement's latest plan of the year, ``Realisasi`` with Excel data validation
(item numbers of its Rencana Aksi, dates of the year, numbers >= 0, the 38 provinces), header
rows locked, and a ``Petunjuk`` sheet in Bahasa Indonesia. Every sheet satisfies the
sources' rules as written (headers, labels, value forms): a filled template parses with
no problem (tests/partners/test_prefilled.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from monev import config
from monev.evaluation.period import due_date
from monev.partners import outbox
from monev.report.formats import semester as semester_text
from monev.report.formats import tanggal
from monev.sources.parsers import IDENTITAS_FIELDS, REALISASI_COLUMNS, RENCANA_AKSI_COLUMNS
from monev.sources.values import BIDANG

# from how many templates on (unless MONEV_TEMPLATE_POOL_FROM says otherwise) they are
# written by worker processes: fewer are written sooner than the processes start
POOL_FROM = 200
POOL_WORKERS = 4         # at most; one per core
BLANK_ROWS = 50          # rows offered for new items / activities
REALISASI_ROWS = 500     # rows of Realisasi carrying validation
HEADER = PatternFill("solid", fgColor="DDDDDD")
UNLOCKED = Protection(locked=False)


@dataclass(frozen=True)
class Agreement:
    nomor_perjanjian: str
    kode_mitra: str
    nama_instansi: str


def semester_bounds(tahun: int, semester: int) -> tuple[dt.date, dt.date]:
    return ((dt.date(tahun, 1, 1), dt.date(tahun, 6, 30)) if semester == 1
            else (dt.date(tahun, 7, 1), dt.date(tahun, 12, 31)))


def semester_due_next(day: dt.date) -> tuple[int, int]:
    """The (year, semester) whose report falls due next on or after ``day``."""
    for tahun, semester in ((day.year - 1, 2), (day.year, 1), (day.year, 2)):
        if due_date(tahun, semester) >= day:
            return tahun, semester
    raise AssertionError("unreachable: 15 January of the next year is always ahead")


def file_name(agreement: Agreement, tahun: int, semester: int) -> str:
    """Laporan_<kode>_<Y>_S<S>_<nomor>.xlsx: the nomor as letters, digits and dashes."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", agreement.nomor_perjanjian).strip("-")[:48]
    if not slug:
        slug = hashlib.sha256(agreement.nomor_perjanjian.encode()).hexdigest()[:12]
    return (f"Laporan_{outbox.folder_name(agreement.kode_mitra)}_{tahun}_S{semester}_"
            f"{slug}.xlsx")


def agreements_in_force(conn, tahun: int, semester: int) -> tuple[list[Agreement], list[str]]:
    """The register's agreements in force at least one day of the semester (not cancelled),
    with their partner; and the numbers left out because no partner could be resolved."""
    start, end = semester_bounds(tahun, semester)
    rows = conn.execute(
        """SELECT a.nomor_perjanjian, a.kode_mitra, coalesce(p.nama_resmi, a.mitra_name)
           FROM marts.dim_agreement a
           LEFT JOIN marts.dim_partner_current p ON p.kode_mitra = a.kode_mitra
           WHERE a.is_current AND a.in_latest_register
             AND coalesce(a.status, '') <> 'Dibatalkan'
             AND a.tanggal_tanda_tangan <= %s AND a.tanggal_berakhir >= %s
           ORDER BY a.nomor_perjanjian COLLATE "C" """, [end, start]).fetchall()
    found = [Agreement(n, k, nama or "") for n, k, nama in rows if k]
    return found, [n for n, k, _ in rows if not k]


def latest_plans(conn, tahun: int) -> dict[str, list[tuple]]:
    """The items of each agreement's latest readable Rencana Aksi of the year, as accepted
    (one query for all agreements, not one per template)."""
    plans: dict[str, list[tuple]] = {}
    for nomor, *item in conn.execute(
            """SELECT nomor_perjanjian, item_no, bidang, kegiatan, indikator, satuan, target,
                      anggaran, provinsi
               FROM marts.fct_commitment
               WHERE tahun = %s AND is_latest_copy AND passed_ingestion
               ORDER BY nomor_perjanjian, item_no""", [tahun]):
        plans.setdefault(nomor, []).append(tuple(item))
    return plans


def provinces(conn) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT nama_provinsi FROM marts.dim_region ORDER BY kode_provinsi").fetchall()]


def _put(sheet, row: int, column: int, value):
    """A cell holding ``value`` as data: text from the warehouse is partner text, so text
    starting with ``=`` stays text, never a formula, and a control character that a cell
    cannot hold shows as U+FFFD (openpyxl refuses it, which would stop every template)."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    return cell


def _header(sheet, headers: list[str], row: int = 1) -> None:
    for col, text in enumerate(headers, start=1):
        cell = sheet.cell(row=row, column=col, value=text)
        cell.font = Font(bold=True)
        cell.fill = HEADER
    sheet.freeze_panes = sheet.cell(row=row + 1, column=1)


def _unlock(sheet, first_row: int, columns: int, number_formats: dict | None = None) -> None:
    """Open to the partner below the header: each column's own style (rows the partner
    fills or adds inherit it, as when a column is unlocked in Excel), and each cell already
    written. Column styles, not thousands of empty styled cells: a template is written in a
    fraction of the time."""
    for col in range(1, columns + 1):
        dimension = sheet.column_dimensions[get_column_letter(col)]
        dimension.protection = UNLOCKED
        if col in (number_formats or {}):
            dimension.number_format = number_formats[col]
    if sheet.max_row >= first_row:
        for row in sheet.iter_rows(min_row=first_row, max_col=columns):
            for cell in row:
                cell.protection = UNLOCKED


def _protect(sheet) -> None:
    """Headers locked (no password: protection guards against slips, not people)."""
    sheet.protection.sheet = True
    sheet.protection.formatRows = False
    sheet.protection.formatColumns = False


def _validation(sheet, rule: DataValidation, ref: str) -> None:
    rule.showErrorMessage = True
    rule.errorTitle = "Isian tidak sesuai"
    sheet.add_data_validation(rule)
    rule.add(ref)


def build(agreement: Agreement, tahun: int, semester: int, plan: list[tuple],
          province_names: list[str]) -> Workbook:
    wb = Workbook()
    petunjuk = wb.active
    petunjuk.title = "Petunjuk"
    for row, line in enumerate(_instructions(agreement, tahun, semester), start=1):
        _put(petunjuk, row, 1, line)
    petunjuk.column_dimensions["A"].width = 110

    identitas = wb.create_sheet("Identitas")
    known = {"nama_instansi": agreement.nama_instansi,
             "nomor_perjanjian": agreement.nomor_perjanjian, "tahun": tahun,
             "semester": semester_text(semester)}
    for row, field in enumerate(IDENTITAS_FIELDS, start=1):
        identitas.cell(row=row, column=1, value=field.header).font = Font(bold=True)
        value = _put(identitas, row, 2, known.get(field.key))
        if field.key not in known:
            value.protection = UNLOCKED
        if field.key == "tanggal_laporan":
            value.number_format = "DD/MM/YYYY"
    identitas.column_dimensions["A"].width = 20
    identitas.column_dimensions["B"].width = 50
    _protect(identitas)

    rencana = wb.create_sheet("Rencana Aksi")
    _header(rencana, [c.header for c in RENCANA_AKSI_COLUMNS])
    for row, item in enumerate(plan, start=2):
        for col, value in enumerate(item, start=1):
            _put(rencana, row, col, value)
    last_plan_row = len(plan) + 1 + BLANK_ROWS
    _unlock(rencana, 2, len(RENCANA_AKSI_COLUMNS))
    bidang = DataValidation(type="list", formula1='"' + ",".join(BIDANG) + '"',
                            allow_blank=True)
    bidang.error = "Pilih bidang dari daftar."
    _validation(rencana, bidang, f"B2:B{last_plan_row}")
    for column in ("F", "G"):
        number = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0",
                                allow_blank=True)
        number.error = "Tulis angka 0 atau lebih."
        _validation(rencana, number, f"{column}2:{column}{last_plan_row}")
    _protect(rencana)

    pilihan = wb.create_sheet("Pilihan")
    _put(pilihan, 1, 1, "Provinsi")
    for row, name in enumerate(province_names, start=2):
        _put(pilihan, row, 1, name)
    pilihan.sheet_state = "hidden"

    realisasi = wb.create_sheet("Realisasi")
    _header(realisasi, [c.header for c in REALISASI_COLUMNS])
    last = REALISASI_ROWS + 1
    _unlock(realisasi, 2, len(REALISASI_COLUMNS), {3: "DD/MM/YYYY"})
    # the item numbers of the Rencana Aksi sheet, those pre-filled and those added
    item = DataValidation(type="list", formula1=f"'Rencana Aksi'!$A$2:$A${last_plan_row}",
                          allow_blank=False)
    item.error = "Pilih No Rencana Aksi dari butir pada lembar Rencana Aksi."
    _validation(realisasi, item, f"B2:B{last}")
    start, end = dt.date(tahun, 1, 1), dt.date(tahun, 12, 31)
    day = DataValidation(type="date", operator="between", formula1=f"DATE({start.year},1,1)",
                         formula2=f"DATE({end.year},12,31)")
    day.error = f"Tulis tanggal kegiatan pada tahun {tahun}."
    _validation(realisasi, day, f"C2:C{last}")
    province = DataValidation(type="list",
                              formula1=f"Pilihan!$A$2:$A${len(province_names) + 1}",
                              allow_blank=True)
    province.error = "Pilih provinsi dari daftar 38 provinsi."
    _validation(realisasi, province, f"E2:E{last}")
    for column in ("G", "H", "I"):
        number = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0",
                                allow_blank=column != "G")
        number.error = "Tulis angka 0 atau lebih."
        _validation(realisasi, number, f"{column}2:{column}{last}")
    _protect(realisasi)
    stamp = dt.datetime.combine(semester_bounds(tahun, semester)[0], dt.time())
    wb.properties.created = wb.properties.modified = stamp
    wb.properties.creator = "monev — Direktorat Kerja Sama BNN"
    return wb


def _instructions(agreement: Agreement, tahun: int, semester: int) -> list[str]:
    due = due_date(tahun, semester)
    return [
        f"Laporan semester {semester_text(semester)} tahun {tahun} — perjanjian "
        f"{agreement.nomor_perjanjian}",
        "",
        "1. Lembar Identitas sudah terisi nomor perjanjian, tahun, dan semester; lengkapi "
        "Nama Pelapor, Jabatan, Email, dan Tanggal Laporan.",
        "2. Lembar Rencana Aksi berisi rencana aksi terakhir yang kami terima untuk tahun "
        "ini. Perbarui bila ada perubahan; setiap butir harus memiliki No yang berbeda.",
        "3. Lembar Realisasi: satu baris untuk setiap kegiatan. No Rencana Aksi, Tanggal "
        "Kegiatan, dan Capaian wajib diisi. Capaian ditulis dalam satuan butir rencana aksi.",
        "4. Angka ditulis tanpa satuan; bila diketik sebagai teks, gunakan koma untuk desimal "
        "dan titik untuk ribuan (1.250 atau 1,5).",
        "5. Pilih Provinsi dari daftar 38 provinsi.",
        "6. Jangan mengubah nama lembar atau judul kolom.",
        f"7. Kirim berkas paling lambat {tanggal(due)} tanpa mengubah "
        "nama berkasnya. Berkas yang dikirim ulang menggantikan berkas sebelumnya.",
        "8. Setiap berkas yang diterima mendapat tanda terima yang menyebut baris yang "
        "perlu diperbaiki.",
        "",
        f"Pertanyaan: {outbox.CONTACT['unit']}, {outbox.CONTACT['email']}.",
    ]


def write_templates(conninfo: str, tahun: int, semester: int,
                    out: Path) -> tuple[list[Path], list[str]]:
    """Write a template per agreement in force into ``out/<kode_mitra>/``; returns the
    paths written and the agreement numbers left out (no partner resolved).

    openpyxl takes about 10 ms a template, all of it Python; at national scale (some 1,300
    agreements in force) that is most of a core for 13 s. From ``POOL_FROM`` templates on
    (``MONEV_TEMPLATE_POOL_FROM``), they are written by one process per core
    (:func:`_write_in_workers`)."""
    pool_from = config.env_int("MONEV_TEMPLATE_POOL_FROM", POOL_FROM)
    with psycopg.connect(conninfo) as conn:
        agreements, unresolved = agreements_in_force(conn, tahun, semester)
        names = provinces(conn)
        plans = latest_plans(conn, tahun)
    jobs = [(agreement, tahun, semester, plans.get(agreement.nomor_perjanjian, []), names,
             config.private_dir(out / outbox.folder_name(agreement.kode_mitra))
             / file_name(agreement, tahun, semester))
            for agreement in agreements]
    if len(jobs) < pool_from:
        return [_write_template(job) for job in jobs], unresolved
    _write_in_workers(jobs, min(os.cpu_count() or 1, POOL_WORKERS))
    return [job[-1] for job in jobs], unresolved


def _write_template(job: tuple) -> Path:
    agreement, tahun, semester, plan, names, path = job
    build(agreement, tahun, semester, plan, names).save(path)
    path.chmod(0o600)
    return path


def _write_in_workers(jobs: list[tuple], workers: int) -> None:
    """Each worker is ``python -m monev.partners.prefilled``, its share of the jobs pickled
    on its stdin: a fresh interpreter. Not ``multiprocessing``: a fork would copy a task
    process's threads in whatever state they are in, and ``spawn`` imports the parent's
    main script again, which in an Airflow task process is ``airflow`` itself and fails
    there (tests/stack/test_scheduler.py runs this under both executors)."""
    env, workers = config.python_child_env(), min(workers, len(jobs))
    running = []
    for share in (jobs[i::workers] for i in range(workers)):
        errors = tempfile.TemporaryFile()
        proc = subprocess.Popen([sys.executable, "-m", "monev.partners.prefilled"],
                                stdin=subprocess.PIPE, stderr=errors, env=env)
        try:
            with proc.stdin:
                pickle.dump(share, proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        except BrokenPipeError:  # it died before reading: its stderr says why, below
            pass
        running.append((proc, errors))
    failed = []
    for proc, errors in running:
        with errors:
            if proc.wait() != 0:
                errors.seek(0)
                failed.append(errors.read().decode(errors="replace")[-2000:])
    if failed:
        raise RuntimeError("a process writing templates failed:\n" + "\n".join(failed))


def write_templates_once(conninfo: str, day: dt.date, root: Path) -> dict:
    """After a register load: the templates of the semester due next after ``day``, unless
    they were written from this register copy already (recorded in ``audit.receipt``)."""
    tahun, semester = semester_due_next(day)
    with psycopg.connect(conninfo) as conn:
        latest = conn.execute(
            "SELECT load_id FROM raw.file_receipt WHERE kind = 'register' AND status = 'loaded'"
            " ORDER BY received_at DESC, file_name COLLATE \"C\" DESC LIMIT 1").fetchone()
        if latest is None:
            return {"written": [], "note": "no register loaded"}
        key = f"templat:{tahun}:S{semester}:{latest[0]}"
        if conn.execute("SELECT 1 FROM audit.receipt WHERE source_key = %s LIMIT 1",
                        [key]).fetchone():
            return {"written": [], "note": f"templates of {tahun} S{semester} are current"}
    written, unresolved = write_templates(conninfo, tahun, semester, root)
    with psycopg.connect(conninfo) as conn:
        for path in written:
            conn.execute(
                "INSERT INTO audit.receipt (document, source_key, event, kode_mitra, path,"
                " sha256) VALUES ('templat', %s, 'written', %s, %s, %s)",
                [key, path.parent.name, str(path),
                 hashlib.sha256(path.read_bytes()).hexdigest()])
    return {"written": [str(p) for p in written], "unresolved": unresolved,
            "semester": f"{tahun} S{semester}"}


if __name__ == "__main__":  # a worker of _write_in_workers
    for job in pickle.load(sys.stdin.buffer):
        _write_template(job)
