"""Exporting published marts as CSV in the spec's format (docs/evaluation.md, "Exported as CSV").

UTF-8, header row, LF line ends, minimal quoting; rows in byte order of the mart's keys;
fractions with 6 decimals, scores with 1, money and counts as integers (half away from
zero), target/capaian as integers when whole; booleans true/false; dates YYYY-MM-DD;
empty for none. A text cell beginning with ``=``, ``+``, ``-`` or ``@`` gets a leading
``'`` so no spreadsheet runs it as a formula.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import psycopg

from monev import config
from monev.evaluation.marts import MARTS, Mart
from monev.evaluation.period import EvaluationPeriod
from monev.evaluation.publish import require_published

FRACTIONS = {"realisasi", "kepatuhan", "kualitas_data", "persen"}
SCORES = {"skor", "mean_skor"}
MONEY = {"anggaran_komitmen", "anggaran_realisasi"}
QUANTITIES = {"target", "capaian"}
FORMULA_STARTS = ("=", "+", "-", "@")


def _round(value: Decimal, places: str) -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def format_cell(column: str, value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if column in FRACTIONS:
        return str(_round(Decimal(value), "0.000001"))
    if column in SCORES:
        return str(_round(Decimal(value), "0.1"))
    if column in MONEY:
        return str(_round(Decimal(value), "1"))
    if column in QUANTITIES:
        number = Decimal(value)
        if number == number.to_integral_value():
            return str(_round(number, "1"))
        return format(number.normalize(), "f")
    if isinstance(value, int | Decimal):
        return str(value)
    return spreadsheet_safe(str(value))


def spreadsheet_safe(text: str) -> str:
    """Text a spreadsheet shows as text: one beginning with ``=``, ``+``, ``-`` or ``@``
    gets a leading ``'`` so that it never runs as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _sort_key(mart: Mart, row: dict) -> tuple:
    return tuple((row[k] or "").encode() for k in mart.sort_by)


def export(conninfo: str, period: EvaluationPeriod, out: Path) -> list[Path]:
    """Write ``<mart>_<year>.csv`` for the four published marts of ``period``."""
    year, as_of = period.year, period.as_of
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(f"{out} is a file: --out names a folder for the CSV files")
    if not out.exists():
        config.private_dir(out)
    written = []
    with psycopg.connect(conninfo) as conn:
        require_published(conn, period)
        for mart in MARTS:
            cur = conn.execute(
                f"SELECT {', '.join(mart.columns)} FROM evaluation.{mart.name}"
                " WHERE tahun = %s AND as_of = %s", [year, as_of])
            rows = [dict(zip(mart.columns, r, strict=True)) for r in cur]
            rows.sort(key=lambda r: _sort_key(mart, r))
            text = io.StringIO()
            writer = csv.writer(text, lineterminator="\n")
            writer.writerow(mart.columns)
            for row in rows:
                writer.writerow([format_cell(c, row[c]) for c in mart.columns])
            written.append(config.write_private(out / f"{mart.name}_{year}.csv",
                                                text.getvalue()))
    return written
