"""Numbers and dates as staff and partners read them (Bahasa Indonesia, through babel):
``1.234.567,5``, ``102,5%``, ``8 September 2027``. Rounding is half away from zero, as
the evaluation rounds, before babel formats the digits."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date
from babel.numbers import format_decimal

LOCALE = "id_ID"


def tanggal(day: dt.date | None) -> str:
    """8 September 2027 (empty for no date)."""
    return "" if day is None else format_date(day, "d MMMM y", locale=LOCALE)


def semester(value: int | None) -> str:
    """A semester as reports write it: I or II (empty for none)."""
    return {1: "I", 2: "II"}.get(value, "")


def angka(value, places: int = 0) -> str:
    """1.234.567,5 with exactly ``places`` decimals (empty for no value)."""
    if value is None:
        return ""
    number = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(number, format=pattern, locale=LOCALE, decimal_quantization=False)


def angka_ringkas(value) -> str:
    """A quantity without trailing zeros: 12,5 and 12 (targets and capaian)."""
    if value is None:
        return ""
    number = Decimal(value).normalize()
    places = max(0, -number.as_tuple().exponent)
    return angka(number, min(places, 2))


def persen(fraction, places: int = 1) -> str:
    """A fraction as a percentage: 1.025 -> 102,5% (empty for no value)."""
    return "" if fraction is None else angka(Decimal(fraction) * 100, places) + "%"
