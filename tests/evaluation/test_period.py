"""The evaluation period: one default, parsed once at each edge, with errors that say
what to type."""

from __future__ import annotations

import datetime as dt

import pytest

from monev.evaluation.period import EvaluationPeriod, InvalidPeriod


def test_the_default_cut_off_is_31_january_of_the_next_year():
    assert EvaluationPeriod.of(2025) == EvaluationPeriod(2025, dt.date(2026, 1, 31))
    assert EvaluationPeriod.of("2024", "") == EvaluationPeriod(2024, dt.date(2025, 1, 31))
    assert EvaluationPeriod.of(2025, "2026-03-01").as_of == dt.date(2026, 3, 1)


def test_the_same_period_whichever_edge_it_comes_from():
    period = EvaluationPeriod.of(2025, dt.date(2026, 2, 1))
    assert EvaluationPeriod.from_xcom(period.to_xcom()) == period
    assert EvaluationPeriod.for_run({"year": 2025, "as_of": "2026-02-01"}, None) == period
    assert period.dbt_vars() == {"year": 2025, "as_of": "2026-02-01"}


def test_a_run_without_a_year_evaluates_the_year_before_its_date_in_jakarta():
    # 1 January 2026 00:30 in Jakarta is still 31 December 2025 in UTC
    run_at = dt.datetime(2025, 12, 31, 17, 30, tzinfo=dt.UTC)
    assert EvaluationPeriod.for_run({"year": None}, run_at).year == 2025


@pytest.mark.parametrize("year, as_of, says", [
    ("2025", "31-01-2026", "YYYY-MM-DD"),
    ("2025", "2026-02-30", "YYYY-MM-DD"),
    ("2025", "2026-1-31", "YYYY-MM-DD"),
    ("-5", None, "outside 2000-2100"),
    ("dua ribu", None, "not a number"),
    ("2025", "2024-12-31", "falls before the year"),
])
def test_a_bad_year_or_date_names_what_to_type(year, as_of, says):
    with pytest.raises(InvalidPeriod, match=says):
        EvaluationPeriod.of(year, as_of)


def test_the_cli_reports_a_bad_date_without_a_traceback(capsys):
    from monev.cli import main

    assert main(["export", "--year", "2025", "--as-of", "31-01-2026", "--out", "x"]) == 2
    err = capsys.readouterr().err
    assert "YYYY-MM-DD" in err and "Traceback" not in err


def test_options_go_anywhere_and_errors_say_what_to_type(capsys, tmp_path):
    from monev.cli import main

    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    assert main(["--quiet", "run", "--drop", str(tmp_path / "none"), "--year", "2025"]) == 2
    assert "no such folder" in capsys.readouterr().err  # an option before the command
    assert main(["run", "--year", "2025", "--drop", str(tmp_path), "--kobo-url", "http://x",
                 "-q"]) == 2
    assert "--kobo-asset" in capsys.readouterr().err
    assert main(["export", "--year", "2025", "--out", str(a_file), "-v"]) == 2
    assert "names a folder" in capsys.readouterr().err
    with pytest.raises(SystemExit) as version:
        main(["--version"])
    assert version.value.code == 0 and "monev 0." in capsys.readouterr().out
