"""Cell values as partners write them: Indonesian numbers, dates and labels.

Each parser returns ``None`` for a blank value and raises :class:`Unparseable` (with a
reason code) for a value it cannot read: ingestion turns that into a quarantine row.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

BIDANG = ("Pencegahan", "Pemberdayaan Masyarakat", "Rehabilitasi", "Pemberantasan",
          "Penelitian dan Pengembangan")
BIDANG_ALIASES = {b.lower(): b for b in BIDANG} | {"p2m": "Pencegahan"}

MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "maret": 3, "mar": 3, "april": 4,
    "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "agustus": 8, "agt": 8,
    "agu": 8, "ags": 8, "september": 9, "sep": 9, "oktober": 10, "okt": 10, "november": 11,
    "nov": 11, "nop": 11, "desember": 12, "des": 12,
}


class Unparseable(ValueError):
    """A value that does not parse; ``code`` is the quarantine reason code."""

    def __init__(self, code: str, value: object):
        super().__init__(f"{code}: {value!r}")
        self.code = code
        self.value = value


def is_blank(value: object) -> bool:
    if type(value) is str:
        return not value.strip()
    return value is None


NUL = "\x00"


def storable(text: str | None) -> str | None:
    """Text PostgreSQL can hold: its text and jsonb refuse NUL, kept as U+FFFD instead
    (:func:`monev.sources.tables.validate` quarantines the cell that had one)."""
    return text.replace(NUL, "\ufffd") if text and NUL in text else text


def as_text(value: object) -> str | None:
    """A cell as the text it arrived as (for the raw layer); blank is None."""
    if type(value) is str:  # the common case, first
        return storable(value).strip() or None
    if value is None:
        return None
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def clean_text(value: object) -> str | None:
    """Free text: trimmed, otherwise kept as sent."""
    return as_text(value)


_SPACES = re.compile(r"\s+")
_LABEL_END = re.compile(r"\s*[*:]+$")


def normalise_label(value: object) -> str:
    """Header names, sheet names and labels: case, spacing, line breaks, trailing * or :."""
    text = _SPACES.sub(" ", str(value or "")).strip().lower()
    return _LABEL_END.sub("", text).strip()


_THOUSANDS = re.compile(r"-?\d{1,3}(\.\d{3})+(,\d+)?")
_PLAIN = re.compile(r"-?\d+(,\d+)?")
_NUMBER_DRESS = re.compile(r"^rp\.?|,-$|\s+", re.IGNORECASE)  # "Rp", ",-" and spaces


def parse_number(value: object) -> Decimal | None:
    """The Indonesian number rule of docs/sources.md; a number cell is taken as it is."""
    if value is None or isinstance(value, bool):
        if value is None:
            return None
        raise Unparseable("unparseable_number", value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise Unparseable("unparseable_number", value)
        return Decimal(repr(value))
    if not isinstance(value, str):
        raise Unparseable("unparseable_number", value)
    text = _NUMBER_DRESS.sub("", value.strip())
    if text in ("", "-"):
        return None
    if not (_THOUSANDS.fullmatch(text) or _PLAIN.fullmatch(text)):
        raise Unparseable("unparseable_number", value)
    return Decimal(text.replace(".", "").replace(",", "."))


def parse_integer(value: object) -> int | None:
    """A whole number (item numbers, years)."""
    number = parse_number(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise Unparseable("not_an_integer", value)
    return int(number)


def parse_non_negative(value: object) -> Decimal | None:
    number = parse_number(value)
    if number is not None and number < 0:
        raise Unparseable("negative_number", value)
    return number


_DMY = re.compile(r"(\d{1,2})[/-](\d{1,2})[/-](\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?")
_NAMED = re.compile(r"(\d{1,2})\s+([A-Za-z]+)\.?\s+(\d{4})")


def parse_date(value: object) -> dt.date | None:
    """Excel date cells and the text forms of docs/sources.md; nothing else is a date."""
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise Unparseable("unparseable_date", value)
    text = value.strip()
    try:
        if m := _DMY.fullmatch(text):
            return dt.date(int(m[3]), int(m[2]), int(m[1]))
        if m := _ISO.fullmatch(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if (m := _NAMED.fullmatch(text)) and m[2].lower() in MONTHS:
            return dt.date(int(m[3]), MONTHS[m[2].lower()], int(m[1]))
    except ValueError:
        pass
    raise Unparseable("unparseable_date", value)


def parse_semester(value: object) -> int | None:
    """``I``/``II``/``1``/``2``, as text or number."""
    if is_blank(value):
        return None
    text = as_text(value).strip().upper()
    semester = {"I": 1, "1": 1, "II": 2, "2": 2}.get(text)
    if semester is None:
        raise Unparseable("unparseable_semester", value)
    return semester


def canonical_bidang(value: object) -> str | None:
    """A known bidang in its canonical spelling (``P2M`` is Pencegahan); else as written."""
    text = clean_text(value)
    if text is None:
        return None
    return BIDANG_ALIASES.get(re.sub(r"\s+", " ", text).lower(), text)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    """Text for one log line: control characters (a newline in a file name) shown as
    escapes, so partner text cannot forge or split a line."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode(), text)
