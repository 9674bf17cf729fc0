"""The evaluation period: a year Y and a cut-off date ``as_of``.

One type from the edge to dbt: the CLI, DAG params and XCom are parsed into an
:class:`EvaluationPeriod` once, and dbt receives it as :meth:`EvaluationPeriod.dbt_vars`.
The default cut-off (31 January of Y + 1) is written here and nowhere else: the dbt
macros ``eval_year()``/``eval_as_of()`` require both vars.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

JAKARTA = ZoneInfo("Asia/Jakarta")
FIRST_YEAR, LAST_YEAR = 2000, 2100  # agreements outside these years are typing errors


class InvalidPeriod(ValueError):
    """A year or cut-off that cannot be an evaluation period; the message says what to type."""


def parse_date(text: str, what: str = "as_of") -> dt.date:
    """A calendar date written ``YYYY-MM-DD`` (the only form monev accepts at its edges)."""
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        raise InvalidPeriod(f"{what} {text!r} is not a date: write it as YYYY-MM-DD, "
                            "e.g. 2026-01-31") from None


def parse_year(value: object) -> int:
    """A four-digit year between 2000 and 2100."""
    try:
        year = int(str(value).strip())
    except ValueError:
        raise InvalidPeriod(f"year {value!r} is not a number: write it as e.g. 2025") from None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidPeriod(f"year {year} is outside {FIRST_YEAR}-{LAST_YEAR}: write the "
                            "year evaluated, e.g. 2025")
    return year


@dataclass(frozen=True, order=True)
class EvaluationPeriod:
    year: int
    as_of: dt.date

    @staticmethod
    def default_as_of(year: int) -> dt.date:
        """The cut-off when none is given: 31 January of the following year."""
        return dt.date(year + 1, 1, 31)

    @classmethod
    def of(cls, year: object, as_of: dt.date | str | None = None) -> EvaluationPeriod:
        """From a year and an optional cut-off (a date or ``YYYY-MM-DD`` text)."""
        year = parse_year(year)
        if isinstance(as_of, str):
            as_of = parse_date(as_of) if as_of.strip() else None
        as_of = as_of or cls.default_as_of(year)
        if as_of.year < year:
            raise InvalidPeriod(f"as_of {as_of} falls before the year {year} it would cut off")
        return cls(year, as_of)

    @classmethod
    def for_run(cls, params: dict, logical_date: dt.datetime | None) -> EvaluationPeriod:
        """From a DAG run's params; without a year, the year before the run's date in
        Jakarta (the 1 February run evaluates the previous year)."""
        year = params.get("year")
        if year is None:
            when = logical_date or dt.datetime.now(dt.UTC)
            year = when.astimezone(JAKARTA).year - 1
        return cls.of(year, params.get("as_of"))

    @classmethod
    def from_xcom(cls, value: dict) -> EvaluationPeriod:
        return cls.of(value["year"], value["as_of"])

    def to_xcom(self) -> dict:
        """JSON for XCom (and the dbt vars templated from it)."""
        return {"year": self.year, "as_of": self.as_of.isoformat()}

    def dbt_vars(self) -> dict:
        return self.to_xcom()

    def __str__(self) -> str:
        return f"{self.year} as of {self.as_of}"


def due_date(tahun: int, semester: int) -> dt.date:
    """A semester report's due date: 15 July of Y for semester I, 15 January of Y+1 for II."""
    return dt.date(tahun, 7, 15) if semester == 1 else dt.date(tahun + 1, 1, 15)


def day_end(day: dt.date) -> dt.datetime:
    """The end of ``day`` in Jakarta (a report received before it is received that day)."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), JAKARTA)
