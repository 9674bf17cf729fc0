"""Report cards (rapor): after each publication, every partner with an evaluated agreement
reads its own score and why, in Bahasa Indonesia.

Per agreement: skor, kategori and the three components as published
(``evaluation.agreement_scorecard``), each commitment item's target, capaian and percentage
(``eval_item_realisasi``), each expected semester on time, late or missing
(``eval_semester_reports``), the rows that could not be counted (``eval_kualitas_data``),
last year's latest published skor and the change, and one plain line on what to improve
for each component below 1. The details come from ``evaluation_staging``, which holds the
build just published: a rapor is written only when it holds the publication's period.
A partner's rapor holds its own agreements only; the same publication makes the same bytes.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from pathlib import Path

import psycopg

from monev.evaluation.period import JAKARTA, EvaluationPeriod, due_date
from monev.partners import outbox
from monev.partners.receipts import timeliness
from monev.report.formats import angka, angka_ringkas, persen, tanggal
from monev.report.formats import semester as semester_text

log = logging.getLogger(__name__)
WEIGHTS = {"realisasi": Decimal("0.5"), "kepatuhan": Decimal("0.3"),
           "kualitas_data": Decimal("0.2")}
IMPROVE = {
    "realisasi": "Realisasi: capaian belum memenuhi target rencana aksi. Laporkan setiap "
                 "kegiatan yang telah dilaksanakan pada lembar Realisasi, dengan No Rencana "
                 "Aksi yang sesuai nomor butirnya dan Capaian dalam satuan butir tersebut.",
    "tanpa_rencana_aksi": "Realisasi: tidak ada butir rencana aksi dengan target. Kirimkan "
                          "rencana aksi (lembar Rencana Aksi) dengan target setiap butir.",
    "kepatuhan": "Kepatuhan: ada laporan semester yang terlambat atau belum diterima. Kirim "
                 "laporan semester I paling lambat 15 Juli dan semester II paling lambat "
                 "15 Januari tahun berikutnya.",
    "kualitas_data": "Kualitas data: ada baris laporan yang tidak dapat dihitung. Perbaiki "
                     "baris yang disebut pada tanda terima berkas, lalu kirim ulang berkasnya.",
}


class StagingMismatch(RuntimeError):
    """evaluation_staging holds another period than the one published."""


def _semester(tahun: int, row) -> dict:
    semester, received_at = row
    ketepatan = timeliness(received_at, tahun, semester) if received_at else {
        "batas": tanggal(due_date(tahun, semester)), "tepat_waktu": False,
        "keterangan": "Belum diterima"}
    return {"semester": semester_text(semester), "batas": ketepatan["batas"],
            "diterima": tanggal(received_at.astimezone(JAKARTA).date()) if received_at else "",
            "status": ketepatan["keterangan"], "tepat": ketepatan["tepat_waktu"]}


def _agreement(conn, card: dict, previous: dict) -> dict:
    nomor = card["nomor_perjanjian"]
    items = [{"nomor": member, "no": no, "bidang": bidang or "",
              "kegiatan": kegiatan or indikator or "", "satuan": satuan or "",
              "target": angka_ringkas(target), "capaian": angka_ringkas(capaian),
              "persen": persen(capaian / target) if target else ""}
             for member, no, bidang, kegiatan, indikator, satuan, target, capaian
             in conn.execute(
                 "SELECT member_nomor, item_no, bidang, kegiatan, indikator, satuan, target,"
                 " capaian FROM evaluation_staging.eval_item_realisasi"
                 " WHERE nomor_perjanjian = %s ORDER BY member_nomor <> %s,"
                 " member_nomor COLLATE \"C\", item_no", [nomor, nomor]).fetchall()]
    semesters = [_semester(card["tahun"], r) for r in conn.execute(
        "SELECT semester, first_received_at"
        " FROM evaluation_staging.eval_semester_reports WHERE nomor_perjanjian = %s"
        " ORDER BY semester", [nomor]).fetchall()]
    [(bad_rows,)] = conn.execute(
        "SELECT bad_rows FROM evaluation_staging.eval_kualitas_data"
        " WHERE nomor_perjanjian = %s", [nomor]).fetchall()
    components = [{"nama": label, "nilai": persen(card[key]), "bobot": persen(WEIGHTS[key], 0)}
                  for key, label in (("realisasi", "Realisasi"), ("kepatuhan", "Kepatuhan"),
                                     ("kualitas_data", "Kualitas data"))]
    improve = []
    if card["tanpa_rencana_aksi"]:
        improve.append(IMPROVE["tanpa_rencana_aksi"])
    elif card["realisasi"] < 1:
        improve.append(IMPROVE["realisasi"])
    improve += [IMPROVE[key] for key in ("kepatuhan", "kualitas_data") if card[key] < 1]
    last = previous.get(nomor)
    change = None
    if last is not None:
        delta = card["skor"] - last
        change = ("+" if delta > 0 else "") + angka(delta, 1)
    return {"nomor": nomor, "jenis": card["jenis"], "skor": angka(card["skor"], 1),
            "kategori": card["kategori"], "komponen": components, "butir": items,
            "semester": semesters, "baris_ditolak": angka(bad_rows),
            "skor_lalu": angka(last, 1) if last is not None else None, "perubahan": change,
            "perbaikan": improve}


def write_rapor(conninfo: str, period: EvaluationPeriod, root: Path) -> list[outbox.Document]:
    """One rapor per partner with an evaluated agreement in the published ``period``;
    returns them with the reporters' addresses on file for their agreements."""
    template = outbox.environment().get_template("rapor.html.j2")
    with psycopg.connect(conninfo) as conn:
        staged = conn.execute("SELECT tahun, as_of FROM evaluation_staging.eval_period"
                              ).fetchone()
        if staged != (period.year, period.as_of):
            raise StagingMismatch(f"evaluation_staging holds {staged}, not {period}: "
                                  "report cards are written right after publishing it")
        cur = conn.execute(
            "SELECT * FROM evaluation.agreement_scorecard WHERE tahun = %s AND as_of = %s"
            " AND kode_mitra IS NOT NULL ORDER BY kode_mitra COLLATE \"C\","
            " nomor_perjanjian COLLATE \"C\"", [period.year, period.as_of])
        names = [c.name for c in cur.description]
        cards = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
        previous = dict(conn.execute(
            "SELECT nomor_perjanjian, skor FROM evaluation.agreement_scorecard_latest"
            " WHERE tahun = %s", [period.year - 1]).fetchall())
        partners: dict[str, list[dict]] = {}
        for card in cards:
            partners.setdefault(card["kode_mitra"], []).append(card)
        documents = []
        for kode, own in partners.items():
            agreements = [_agreement(conn, card, previous) for card in own]
            html = template.render(
                kode_mitra=kode, nama_mitra=own[0]["nama_mitra"] or kode, tahun=period.year,
                as_of=tanggal(period.as_of), agreements=agreements, contact=outbox.CONTACT)
            emails = [r[0] for r in conn.execute(
                "SELECT DISTINCT ON (nomor_perjanjian) email FROM raw.report"
                " WHERE nomor_perjanjian = ANY(%s)"
                " ORDER BY nomor_perjanjian, received_at DESC, file_name COLLATE \"C\" DESC",
                [[c["nomor_perjanjian"] for c in own]]).fetchall()]
            doc = outbox.record(conn, root, "rapor", f"rapor:{period.year}:{period.as_of}:{kode}",
                                kode, f"rapor_{period.year}.html", html,
                                f"Rapor kerja sama tahun {period.year}",
                                outbox.plain_addresses(emails))
            documents.append(doc)
        conn.commit()
    log.info("%d report cards written for %s", len(documents), period)
    return documents
