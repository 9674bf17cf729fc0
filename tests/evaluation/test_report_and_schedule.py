"""The report escapes partners' text; the evaluation runs on 1 February for the year
before."""

import datetime as dt
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


def test_dollar_signs_in_partner_text_are_text_in_the_charts():
    """'$' starts maths in matplotlib labels: 'Biaya $5 dan $' used to end the report."""
    data = {"agreement_scorecard": [], "partner_scorecard": [], "sleeping_agreements": [],
            "kendala": [], "bidang_progress": [
                {"bidang": r"Biaya $5 dan $", "satuan": r"$\frac{1}{$", "target": Decimal(4),
                 "capaian": Decimal(1), "persen": Decimal("0.25")}]}
    html = render(data, EvaluationPeriod.of(2025))
    assert "Biaya $5 dan $" in html and "data:image/png" in html
