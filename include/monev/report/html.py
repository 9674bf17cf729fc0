"""The evaluation report for Directorate staff: one self-contained HTML file per
(year, as_of), in Bahasa Indonesia, from the published marts and the counted outcomes
behind them, with a PDF beside it for print (``report.pdf``). Jinja2 renders it with
autoescape (partner text stays text); charts are inline SVG (``report.charts``); numbers
and dates are Indonesian (``report.formats``). Every figure carries its machine value in
``data-value`` so that tests compare it with the marts."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import jinja2
import psycopg
from psycopg.rows import dict_row

from monev import config
from monev.evaluation.period import EvaluationPeriod
from monev.evaluation.publish import built_period, require_published
from monev.report.charts import Bar, bar_chart
from monev.report.formats import angka, angka_ringkas, persen, tanggal

KATEGORI = ("Baik", "Cukup", "Kurang", "Tidur")
WARNING_NAMES = {
    "rencana_aksi_belum_ada": "Rencana aksi belum diterima",
    "laporan_belum_masuk": "Laporan semester belum diterima",
    "berisiko_tidur": "Berisiko tidur (belum ada kegiatan)",
    "segera_berakhir": "Berakhir dalam 180 hari",
    "data_perlu_perbaikan": "Baris laporan perlu diperbaiki",
}


def load(conninfo: str, period: EvaluationPeriod) -> dict:
    """Everything the report shows, read from the published marts of ``period`` (and
    the previous year's latest publication), the counted outcomes behind them, and the
    latest published monitoring date."""
    with psycopg.connect(conninfo) as conn:
        require_published(conn, period)
        if built_period(conn) != period:
            raise RuntimeError(f"the counted outcomes behind {period} are no longer"
                               " in evaluation_staging: evaluate it again to report it")
    year, as_of = period.year, period.as_of
    with psycopg.connect(conninfo, row_factory=dict_row) as conn:
        def rows(sql: str, params=()) -> list[dict]:
            return conn.execute(sql, params).fetchall()

        data = {}
        for mart, order in (("agreement_scorecard", "skor DESC, nomor_perjanjian"),
                            ("partner_scorecard", "mean_skor DESC, kode_mitra"),
                            ("bidang_progress", "bidang, satuan"),
                            ("sleeping_agreements", "nomor_perjanjian")):
            data[mart] = rows(f"SELECT * FROM evaluation.{mart} WHERE tahun = %s AND as_of = %s"
                              f" ORDER BY {order}", (year, as_of))
        data["previous"] = rows(
            """SELECT nomor_perjanjian, skor, kategori, as_of
               FROM evaluation.agreement_scorecard_latest WHERE tahun = %s""", (year - 1,))
        # each counted outcome once (an MoU's roll-up is not a repeat): by source record
        data["kendala"] = rows(
            """SELECT kendala, count(DISTINCT source_record_key) AS outcomes
               FROM evaluation_staging.eval_counted_outcomes
               WHERE nullif(trim(kendala), '') IS NOT NULL
               GROUP BY kendala ORDER BY outcomes DESC, kendala COLLATE "C" """)
        data["provinsi"] = rows(
            """SELECT r.kode_provinsi, r.nama_provinsi,
                      count(DISTINCT c.source_record_key) AS activities,
                      count(DISTINCT a.kode_mitra) AS partners,
                      count(DISTINCT c.nomor_perjanjian) AS agreements
               FROM marts.dim_region AS r
               LEFT JOIN evaluation_staging.eval_counted_outcomes AS c
                 ON c.kode_provinsi = r.kode_provinsi
               LEFT JOIN evaluation_staging.eval_agreements AS a
                 ON a.nomor_perjanjian = c.nomor_perjanjian
               GROUP BY r.kode_provinsi, r.nama_provinsi
               ORDER BY activities DESC, r.kode_provinsi""")
        data["kolaborasi"] = rows(
            """SELECT r.kode_provinsi, r.nama_provinsi, c.bidang, a.kode_mitra,
                      min(p.nama_resmi) AS nama_mitra,
                      count(DISTINCT c.source_record_key) AS activities
               FROM evaluation_staging.eval_counted_outcomes AS c
               JOIN evaluation_staging.eval_agreements AS a
                 ON a.nomor_perjanjian = c.nomor_perjanjian
               JOIN marts.dim_region AS r ON r.kode_provinsi = c.kode_provinsi
               LEFT JOIN evaluation_staging.eval_partners AS p ON p.kode_mitra = a.kode_mitra
               WHERE c.bidang IS NOT NULL AND a.kode_mitra IS NOT NULL
               GROUP BY r.kode_provinsi, r.nama_provinsi, c.bidang, a.kode_mitra
               ORDER BY r.kode_provinsi, c.bidang COLLATE "C", a.kode_mitra COLLATE "C" """)
        latest = conn.execute(
            "SELECT max(as_of) AS as_of FROM audit.monitoring_publication").fetchone()
        data["monitoring_as_of"] = latest["as_of"]
        data["early_warning"] = rows(
            """SELECT kode, count(*) AS agreements, count(DISTINCT kode_mitra) AS partners
               FROM monitoring.early_warning WHERE as_of = %s GROUP BY kode""",
            (latest["as_of"],)) if latest["as_of"] else []
    return data


def competition_ranks(values: list) -> list[int]:
    """Ranks of values sorted best first, ties sharing a rank: 1, 2, 2, 4."""
    ranks, previous = [], object()
    for position, value in enumerate(values, start=1):
        ranks.append(ranks[-1] if value == previous else position)
        previous = value
    return ranks


def collaboration_leads(rows: list[dict]) -> list[dict]:
    """Places and fields where two or more partners had counted activities in the year."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        groups[(row["kode_provinsi"], row["nama_provinsi"], row["bidang"])].append(row)
    return [{"nama_provinsi": nama, "bidang": bidang, "partners": members,
             "activities": sum(m["activities"] for m in members)}
            for (_, nama, bidang), members in groups.items() if len(members) >= 2]


def context(data: dict, period: EvaluationPeriod) -> dict:
    """What the template shows, figures formatted, charts drawn."""
    agreements = data["agreement_scorecard"]
    partners = data["partner_scorecard"]
    counts = {k: sum(a["kategori"] == k for a in agreements) for k in KATEGORI}
    komitmen = sum((p["anggaran_komitmen"] for p in partners), Decimal(0))
    realisasi = sum((p["anggaran_realisasi"] for p in partners), Decimal(0))
    mean = (sum(a["skor"] for a in agreements) / len(agreements)) if agreements else None
    previous = {p["nomor_perjanjian"]: p for p in data.get("previous", [])}
    comparison = [{"agreement": a, "before": previous[a["nomor_perjanjian"]],
                   "change": a["skor"] - previous[a["nomor_perjanjian"]]["skor"]}
                  for a in agreements if a["nomor_perjanjian"] in previous]
    progress = data["bidang_progress"]
    bidang_charts = []
    for index, bidang in enumerate(sorted({b["bidang"] or "" for b in progress}), start=1):
        bars = []
        for b in (b for b in progress if (b["bidang"] or "") == bidang):
            label = b["satuan"] or "-"
            bars += [Bar(label, float(b["target"]), angka_ringkas(b["target"]), "target"),
                     Bar(label, float(b["capaian"]), angka_ringkas(b["capaian"]), "capaian")]
        bidang_charts.append(bar_chart(f"grafik-bidang-{index}",
                                       f"Target dan capaian: {bidang or '-'}", bars,
                                       {"target": "Target", "capaian": "Capaian"}))
    provinces = data.get("provinsi", [])
    active = [p for p in provinces if p["activities"]]
    warnings = {w["kode"]: w for w in data.get("early_warning", [])}
    charts = {
        "kategori": bar_chart("grafik-kategori", "Jumlah perjanjian per kategori", [
            Bar(k, counts[k], angka(counts[k]), k.lower()) for k in KATEGORI]),
        "bidang": bidang_charts,
        "provinsi": bar_chart("grafik-provinsi", "Kegiatan yang dihitung per provinsi", [
            Bar(p["nama_provinsi"], p["activities"], angka(p["activities"]))
            for p in active]) if active else None,
        "peringatan": bar_chart("grafik-peringatan", "Perjanjian per jenis peringatan", [
            Bar(name, warnings[kode]["agreements"], angka(warnings[kode]["agreements"]))
            for kode, name in WARNING_NAMES.items() if kode in warnings]) if warnings else None,
    }
    return {
        "year": period.year, "as_of": period.as_of, "counts": counts, "kategori": KATEGORI,
        "headline": [
            ("agreements_evaluated", "Perjanjian yang dievaluasi", len(agreements),
             angka(len(agreements))),
            ("agreements_tidur", "Perjanjian tidur", counts["Tidur"], angka(counts["Tidur"])),
            ("partners", "Mitra dengan perjanjian yang dievaluasi", len(partners),
             angka(len(partners))),
            ("mean_skor", "Rata-rata skor perjanjian", mean, angka(mean, 1)),
            ("anggaran_komitmen", "Anggaran komitmen", komitmen, "Rp" + angka(komitmen)),
            ("anggaran_realisasi", "Realisasi anggaran", realisasi, "Rp" + angka(realisasi)),
        ],
        "agreements": agreements, "sleeping": data["sleeping_agreements"],
        "partners": list(zip(competition_ranks([p["mean_skor"] for p in partners]), partners,
                             strict=True)),
        "progress": progress, "kendala": data["kendala"], "provinces": provinces,
        "leads": collaboration_leads(data.get("kolaborasi", [])),
        "previous_year": period.year - 1, "comparison": comparison,
        "previous_as_of": next(iter(previous.values()))["as_of"] if previous else None,
        "monitoring_as_of": data.get("monitoring_as_of"),
        "warnings": [(kode, name, warnings.get(kode)) for kode, name in WARNING_NAMES.items()],
        "charts": charts,
    }


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).with_name("templates")),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
        lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(angka=angka, angka_ringkas=angka_ringkas, persen=persen,
                       tanggal=tanggal)
    return env


def render(data: dict, period: EvaluationPeriod) -> str:
    return _environment().get_template("laporan.html.j2").render(context(data, period))


def report_path(period: EvaluationPeriod) -> Path:
    return (config.monev_home() / "reports"
            / f"laporan_evaluasi_{period.year}_{period.as_of}.html")


def write_report(conninfo: str, period: EvaluationPeriod) -> Path:
    """Writes the HTML report (owner-only) and its PDF beside it."""
    from monev.report.pdf import write_pdf

    path = report_path(period)
    config.private_dir(path.parent)
    config.write_private(path, render(load(conninfo, period), period))
    write_pdf(path, path.with_suffix(".pdf"))
    return path

