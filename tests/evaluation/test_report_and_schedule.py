"""The report escapes partners' text; the evaluation runs on 1 February for the year
before."""

import datetime as dt
import re
from decimal import Decimal

from monev.evaluation.period import EvaluationPeriod
from monev.orchestration import tasks
from monev.report.html import render


def test_partner_text_is_escaped_in_the_report():
    evil = '<script>alert("x")</script>'
    data = {
        "agreement_scorecard": [{
            "nomor_perjanjian": "NK/1", "jenis": "MoU", "nama_mitra": evil, "activities": 1,
            "realisasi": Decimal("0.5"), "kepatuhan": Decimal(1), "kualitas_data": Decimal(1),
            "skor": Decimal("75.0"), "kategori": "Baik"}],
        "partner_scorecard": [{
            "kode_mitra": "P1", "nama_mitra": evil, "kategori_mitra": "BUMN",
            "agreements_evaluated": 1, "agreements_tidur": 0, "mean_skor": Decimal("75.0"),
            "anggaran_komitmen": Decimal(10), "anggaran_realisasi": Decimal(5)}],
        "bidang_progress": [],
        "sleeping_agreements": [],
        "kendala": [{"kendala": evil, "outcomes": 2}],
    }
    html = render(data, EvaluationPeriod.of(2025))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "31 Januari 2026" in html


def test_the_annual_run_evaluates_the_previous_year():
    # 02:00 on 1 February 2026 in Jakarta is 19:00 UTC on 31 January
    run_at = dt.datetime(2026, 1, 31, 19, 0, tzinfo=dt.UTC)
    assert tasks.resolve_period({}, run_at) == {"year": 2025,
                                                            "as_of": "2026-01-31"}
    assert tasks.resolve_period({"year": 2023, "as_of": "2024-03-01"}, run_at) == \
        {"year": 2023, "as_of": "2024-03-01"}


def test_the_evaluation_dag_is_scheduled_on_1_february_in_jakarta():
    from monev.orchestration.local import load_dag

    timetable = load_dag("monev_evaluate").timetable
    assert timetable._expression == "0 2 1 2 *"
    assert str(timetable._timezone.name) == "Asia/Jakarta"


def test_monev_run_fails_with_a_readable_summary(tmp_path, capsys):
    from monev.cli import main

    assert main(["run", "--drop", str(tmp_path / "missing"), "--year", "2025"]) == 2
    assert "monev run: --drop" in capsys.readouterr().err  # a usage error, no traceback


def test_partner_text_in_charts_is_svg_text_never_markup():
    data = {"agreement_scorecard": [], "partner_scorecard": [], "sleeping_agreements": [],
            "kendala": [], "bidang_progress": [
                {"bidang": 'Biaya $5 <b onmouseover="x()">', "satuan": r"$\frac{1}{$",
                 "target": Decimal(4), "capaian": Decimal(1), "persen": Decimal("0.25")}]}
    html = render(data, EvaluationPeriod.of(2025))
    assert html.count("<svg") == 2  # the categories and the one bidang
    assert "<b onmouseover" not in html and "Biaya $5 &lt;b onmouseover=" in html


def test_ties_share_a_rank_and_changes_are_signed():
    def partner(kode, mean):
        return {"kode_mitra": kode, "nama_mitra": kode, "kategori_mitra": "BUMN",
                "agreements_evaluated": 1, "agreements_tidur": 0, "mean_skor": Decimal(mean),
                "anggaran_komitmen": Decimal(0), "anggaran_realisasi": Decimal(0)}

    agreement = {"nomor_perjanjian": "NK/1", "jenis": "MoU", "nama_mitra": "A",
                 "activities": 1, "realisasi": Decimal("0.5"), "kepatuhan": Decimal(1),
                 "kualitas_data": Decimal(1), "skor": Decimal("82.0"), "kategori": "Baik"}
    data = {"agreement_scorecard": [agreement], "sleeping_agreements": [], "kendala": [],
            "bidang_progress": [],
            "partner_scorecard": [partner("A", "80.0"), partner("B", "75.5"),
                                  partner("C", "75.5"), partner("D", "70.0")],
            "previous": [{"nomor_perjanjian": "NK/1", "skor": Decimal("74.5"),
                          "kategori": "Cukup", "as_of": dt.date(2025, 1, 31)}]}
    html = render(data, EvaluationPeriod.of(2025))
    ranks = re.findall(r'data-kode="(\w)"><td class="num" data-field="rank" data-value="(\d)"',
                       html)
    assert ranks == [("A", "1"), ("B", "2"), ("C", "2"), ("D", "4")]
    assert 'data-field="perubahan" data-value="7.5">+7,5<' in html
    assert "31 Januari 2025" in html and "<td>Cukup</td><td>Baik</td>" in html


def test_collaboration_needs_two_partners_in_one_province_and_bidang():
    from monev.report.html import collaboration_leads

    def row(provinsi, bidang, kode, n):
        return {"kode_provinsi": provinsi, "nama_provinsi": provinsi, "bidang": bidang,
                "kode_mitra": kode, "nama_mitra": kode, "activities": n}

    leads = collaboration_leads([row("31", "P2M", "A", 2), row("31", "P2M", "B", 1),
                                 row("31", "Rehabilitasi", "C", 5), row("32", "P2M", "A", 1)])
    assert [(lead["nama_provinsi"], lead["bidang"], lead["activities"],
             [m["kode_mitra"] for m in lead["partners"]]) for lead in leads] == \
        [("31", "P2M", 3, ["A", "B"])]


def test_indonesian_formats():
    from monev.report.formats import angka, angka_ringkas, persen, tanggal

    assert angka(Decimal("1234567.45"), 1) == "1.234.567,5"
    assert angka(Decimal("-0.04"), 2) == "-0,04" and angka(8000) == "8.000"
    assert persen(Decimal("1.025")) == "102,5%" and angka_ringkas(Decimal("12.50")) == "12,5"
    assert tanggal(dt.date(2027, 9, 8)) == "8 September 2027"
