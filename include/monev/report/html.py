"""The evaluation report for Directorate staff: one self-contained HTML file per
(year, as_of), in Bahasa Indonesia, from the published marts and the counted outcomes
behind them. Charts are embedded PNGs (no network needed); partners' text is escaped.
Every figure carries its machine value in ``data-value`` so tests can compare it."""

from __future__ import annotations

import base64
import datetime as dt
import io
from decimal import ROUND_HALF_UP, Decimal
from html import escape
from pathlib import Path

import psycopg
from psycopg.rows import dict_row

from monev import config
from monev.evaluation.period import EvaluationPeriod
from monev.evaluation.publish import built_period, require_published

BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
         "September", "Oktober", "November", "Desember")
KATEGORI = ("Baik", "Cukup", "Kurang", "Tidur")


def tanggal(day: dt.date | None) -> str:
    return "" if day is None else f"{day.day} {BULAN[day.month - 1]} {day.year}"


def angka(value, places: int = 0) -> str:
    """Indonesian number format: 1.234.567,5."""
    if value is None:
        return ""
    number = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    whole, _, frac = f"{abs(number):f}".partition(".")
    groups = f"{int(whole):,}".replace(",", ".")
    return ("-" if number < 0 else "") + groups + ("," + frac if frac else "")


def persen(value) -> str:
    return "" if value is None else angka(Decimal(value) * 100, 1) + "%"


def cell(text, value=None, field=None) -> str:
    attrs = ""
    if field:
        attrs += f' data-field="{escape(field)}"'
    if value is not None:
        attrs += f' data-value="{escape(str(value))}"'
    return f"<td{attrs}>{escape(str(text))}</td>"


def table(table_id: str, headers: list[str], rows: list[str]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    return (f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>'
            + "".join(rows) + "</tbody></table>")


def chart_png(draw) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # partner text is text: "$" never starts maths, whatever a Bidang holds
    with matplotlib.rc_context({"text.parse_math": False, "text.usetex": False}):
        fig, ax = plt.subplots(figsize=(7, 3.2), dpi=100)
        draw(ax)
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
        plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode()
    return f'<img alt="grafik" src="data:image/png;base64,{data}">'


def load(conninfo: str, period: EvaluationPeriod) -> dict:
    with psycopg.connect(conninfo) as conn:
        require_published(conn, period)
        if built_period(conn) != period:
            raise RuntimeError(f"the counted outcomes behind {period} are no longer"
                               " in evaluation_staging: evaluate it again to report it")
    with psycopg.connect(conninfo, row_factory=dict_row) as conn:
        data = {}
        for mart, order in (("agreement_scorecard", "skor DESC, nomor_perjanjian"),
                            ("partner_scorecard", "mean_skor DESC, kode_mitra"),
                            ("bidang_progress", "bidang, satuan"),
                            ("sleeping_agreements", "nomor_perjanjian")):
            data[mart] = conn.execute(
                f"SELECT * FROM evaluation.{mart} WHERE tahun = %s AND as_of = %s"
                f" ORDER BY {order}", [period.year, period.as_of]).fetchall()
        # each counted outcome once (an MoU's roll-up is not a repeat): by source record
        data["kendala"] = conn.execute(
            """SELECT kendala, count(DISTINCT source_record_key) AS outcomes
               FROM evaluation_staging.eval_counted_outcomes
               WHERE nullif(trim(kendala), '') IS NOT NULL
               GROUP BY kendala ORDER BY outcomes DESC, kendala COLLATE "C" """).fetchall()
    return data


def render(data: dict, period: EvaluationPeriod) -> str:
    year, as_of = period.year, period.as_of
    agreements = data["agreement_scorecard"]
    counts = {k: sum(a["kategori"] == k for a in agreements) for k in KATEGORI}
    komitmen = sum(p["anggaran_komitmen"] for p in data["partner_scorecard"])
    realisasi = sum(p["anggaran_realisasi"] for p in data["partner_scorecard"])
    mean = (sum(a["skor"] for a in agreements) / len(agreements)) if agreements else None
    headline = [
        ("agreements_evaluated", "Perjanjian yang dievaluasi", len(agreements),
         angka(len(agreements))),
        ("agreements_tidur", "Perjanjian tidur (tidak ada kegiatan)", counts["Tidur"],
         angka(counts["Tidur"])),
        ("partners", "Mitra dengan perjanjian yang dievaluasi", len(data["partner_scorecard"]),
         angka(len(data["partner_scorecard"]))),
        ("mean_skor", "Rata-rata skor perjanjian", mean, angka(mean, 1)),
        ("anggaran_komitmen", "Anggaran komitmen (Rp)", komitmen, angka(komitmen)),
        ("anggaran_realisasi", "Realisasi anggaran (Rp)", realisasi, angka(realisasi)),
    ]
    parts = [f"<h1>Laporan Evaluasi Kerja Sama P4GN Tahun {year}</h1>",
             f"<p>Data yang diterima sampai dengan {tanggal(as_of)} (WIB). Disusun otomatis "
             f"oleh monev, Direktorat Kerja Sama BNN RI.</p>",
             "<h2>Ringkasan</h2><ul>"]
    for key, label, value, shown in headline:
        parts.append(f'<li>{escape(label)}: <strong data-figure="{key}" data-value="'
                     f'{"" if value is None else value}">{shown}</strong></li>')
    parts.append("</ul><h2>Sebaran kategori</h2>")
    parts.append(table("kategori", ["Kategori", "Jumlah perjanjian"],
                       [f"<tr>{cell(k)}{cell(counts[k], counts[k], 'jumlah')}</tr>"
                        for k in KATEGORI]))
    parts.append(chart_png(lambda ax: (ax.bar(KATEGORI, [counts[k] for k in KATEGORI],
                                              color=["#2e7d32", "#f9a825", "#c62828", "#616161"]),
                                       ax.set_ylabel("perjanjian"))))
    parts.append("<h2>Perjanjian tidur</h2><p>Berlaku sedikitnya 180 hari dalam tahun ini "
                 "tanpa satu pun kegiatan yang dihitung.</p>")
    parts.append(table("tidur", ["Nomor perjanjian", "Jenis", "Mitra", "Hari berlaku",
                                 "Berakhir", "Pelapor", "Jabatan", "Email"], [
        f'<tr data-nomor="{escape(s["nomor_perjanjian"])}">{cell(s["nomor_perjanjian"])}'
        f'{cell(s["jenis"])}{cell(s["nama_mitra"] or "")}'
        f'{cell(s["days_in_force"], s["days_in_force"], "days_in_force")}'
        f'{cell(tanggal(s["tanggal_berakhir"]))}{cell(s["nama_pelapor"] or "-")}'
        f'{cell(s["jabatan"] or "-")}{cell(s["email"] or "-")}</tr>'
        for s in data["sleeping_agreements"]]))
    parts.append("<h2>Peringkat mitra</h2>")
    parts.append(table("mitra", ["Peringkat", "Kode", "Mitra", "Kategori mitra",
                                 "Perjanjian dievaluasi", "Tidur", "Rata-rata skor"], [
        f'<tr data-kode="{escape(p["kode_mitra"])}">{cell(i + 1)}{cell(p["kode_mitra"])}'
        f'{cell(p["nama_mitra"] or "")}{cell(p["kategori_mitra"] or "")}'
        f'{cell(p["agreements_evaluated"], p["agreements_evaluated"], "agreements_evaluated")}'
        f'{cell(p["agreements_tidur"], p["agreements_tidur"], "agreements_tidur")}'
        f'{cell(angka(p["mean_skor"], 1), p["mean_skor"], "mean_skor")}</tr>'
        for i, p in enumerate(data["partner_scorecard"])]))
    parts.append("<h2>Target dan capaian per bidang</h2>")
    progress = data["bidang_progress"]
    parts.append(table("bidang", ["Bidang", "Satuan", "Target", "Capaian", "Persen"], [
        f"<tr>{cell(b['bidang'] or '')}{cell(b['satuan'] or '')}"
        f"{cell(angka(b['target'], 2).rstrip('0').rstrip(','), b['target'], 'target')}"
        f"{cell(angka(b['capaian'], 2).rstrip('0').rstrip(','), b['capaian'], 'capaian')}"
        f"{cell(persen(b['persen']), b['persen'], 'persen')}</tr>" for b in progress]))
    for bidang in sorted({b["bidang"] or "" for b in progress}):
        rows = [b for b in progress if (b["bidang"] or "") == bidang]

        def draw(ax, rows=rows, bidang=bidang):
            units = [b["satuan"] or "" for b in rows]
            x = range(len(units))
            ax.bar([i - 0.2 for i in x], [float(b["target"]) for b in rows], 0.4,
                   label="target", color="#90a4ae")
            ax.bar([i + 0.2 for i in x], [float(b["capaian"]) for b in rows], 0.4,
                   label="capaian", color="#1565c0")
            ax.set_xticks(list(x), units)
            ax.set_title(bidang)
            ax.legend()
        parts.append(f'<h3>{escape(bidang)}</h3>' + chart_png(draw))
    parts.append("<h2>Kendala yang paling sering dilaporkan</h2><p>Jumlah kegiatan yang "
                 "dihitung tahun ini yang menyebut kendala tersebut.</p>")
    parts.append(table("kendala", ["Kendala", "Jumlah kegiatan"], [
        f"<tr>{cell(k['kendala'])}{cell(k['outcomes'], k['outcomes'], 'outcomes')}</tr>"
        for k in data["kendala"]]))
    parts.append("<h2>Nilai seluruh perjanjian</h2>")
    parts.append(table("perjanjian", ["Nomor perjanjian", "Jenis", "Mitra", "Kegiatan",
                                      "Realisasi", "Kepatuhan", "Kualitas data", "Skor",
                                      "Kategori"], [
        f'<tr data-nomor="{escape(a["nomor_perjanjian"])}">{cell(a["nomor_perjanjian"])}'
        f'{cell(a["jenis"])}{cell(a["nama_mitra"] or "")}'
        f'{cell(a["activities"], a["activities"], "activities")}'
        f'{cell(persen(a["realisasi"]), a["realisasi"], "realisasi")}'
        f'{cell(persen(a["kepatuhan"]), a["kepatuhan"], "kepatuhan")}'
        f'{cell(persen(a["kualitas_data"]), a["kualitas_data"], "kualitas_data")}'
        f'{cell(angka(a["skor"], 1), a["skor"], "skor")}{cell(a["kategori"])}</tr>'
        for a in agreements]))
    style = ("body{font-family:sans-serif;margin:2em;max-width:70em}table{border-collapse:"
             "collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:.3em .6em;"
             "font-size:.9em}th{background:#eee}")
    return ('<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">'
            f"<title>Evaluasi Kerja Sama {year}</title><style>{style}</style></head><body>"
            + "\n".join(parts) + "</body></html>\n")


def report_path(period: EvaluationPeriod) -> Path:
    return (config.monev_home() / "reports"
            / f"laporan_evaluasi_{period.year}_{period.as_of}.html")


def write_report(conninfo: str, period: EvaluationPeriod) -> Path:
    path = report_path(period)
    config.private_dir(path.parent)
    config.write_private(path, render(load(conninfo, period), period))
    return path
