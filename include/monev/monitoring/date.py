"""The monitoring date D: a day in Asia/Jakarta (default today there), handed to dbt as
the evaluation's vars for Y = the year of D and cut-off D, with ``build: monitoring`` so
that the build lands in monitoring_staging."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from monev.evaluation.period import JAKARTA, EvaluationPeriod, InvalidPeriod, parse_date


@dataclass(frozen=True, order=True)
class MonitoringDate:
    as_of: dt.date

    @classmethod
    def of(cls, as_of: dt.date | str | None = None) -> MonitoringDate:
        """From a date or ``YYYY-MM-DD`` text; none: today in Jakarta."""
        if isinstance(as_of, str):
            as_of = parse_date(as_of) if as_of.strip() else None
        as_of = as_of or dt.datetime.now(JAKARTA).date()
        EvaluationPeriod.of(as_of.year, as_of)  # the same bounds on the year
        return cls(as_of)

    @property
    def year(self) -> int:
        return self.as_of.year

    @property
    def period(self) -> EvaluationPeriod:
        """The evaluation's period its build uses: Y = the year of D, cut-off D."""
        return EvaluationPeriod.of(self.year, self.as_of)

    def dbt_vars(self) -> dict:
        return {**self.period.dbt_vars(), "build": "monitoring"}

    def __str__(self) -> str:
        return self.as_of.isoformat()


# what a monitoring build builds: the monitoring's models and the evaluation models they
# read (not the evaluation's marts, scores or trace, which monitoring never shows)
MONITORING_MODELS = ["tag:monitoring", "+tag:monitoring,tag:evaluation"]

__all__ = ["MONITORING_MODELS", "InvalidPeriod", "MonitoringDate"]
