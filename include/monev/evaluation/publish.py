"""Publishing an evaluation: the (tahun, as_of) built in ``evaluation_staging`` replaces
that (tahun, as_of)'s rows in ``evaluation``, in one transaction, with a record in
``audit.publication`` and the trace of every published figure (``audit.published_trace``).
Other (tahun, as_of) rows are never touched."""

from __future__ import annotations

import json
import uuid

import psycopg

from monev.evaluation.marts import MARTS
from monev.evaluation.period import EvaluationPeriod

TRACE_COLUMNS = ("tahun, as_of, nomor_perjanjian, member_nomor, kind, channel, file_name,"
                 " sha256, sheet, row_number, kobo_id, kobo_uuid, received_at, load_id,"
                 " airflow_run_id, item_no, amount, counts, reason")


class NotBuilt(RuntimeError):
    """evaluation_staging holds another (tahun, as_of) than the one to publish."""


class NotPassed(RuntimeError):
    """No passed gate result for this build: nothing may be published."""


class NotPublished(LookupError):
    """The (tahun, as_of) asked for was never published; the message lists those that were."""


def built_period(conn: psycopg.Connection) -> EvaluationPeriod:
    """The period ``evaluation_staging`` was last built for."""
    return EvaluationPeriod(*conn.execute(
        "SELECT tahun, as_of FROM evaluation_staging.eval_period").fetchone())


def published_periods(conn: psycopg.Connection) -> list[EvaluationPeriod]:
    return [EvaluationPeriod(*row) for row in conn.execute(
        "SELECT DISTINCT tahun, as_of FROM audit.publication ORDER BY tahun, as_of")]


def is_published(conn: psycopg.Connection, period: EvaluationPeriod) -> bool:
    return period in published_periods(conn)


def require_published(conn: psycopg.Connection, period: EvaluationPeriod) -> None:
    """Raise :class:`NotPublished` naming what was published instead."""
    if not is_published(conn, period):
        published = ", ".join(f"--year {p.year} --as-of {p.as_of}"
                              for p in published_periods(conn)) or "none yet"
        raise NotPublished(f"the evaluation of {period} was never published; published: "
                           f"{published}")


def publish(conninfo: str, period: EvaluationPeriod, gate_id: uuid.UUID | str,
            airflow_run_id: str | None = None) -> dict[str, int]:
    """Replace the published rows of ``period`` with the build the gate ``gate_id``
    passed; returns the rows per mart."""
    year, as_of = period.year, period.as_of
    counts = {}
    with psycopg.connect(conninfo) as conn, conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(hashtextextended('monev.publish', 0))")
        built = built_period(conn)
        if built != period:
            raise NotBuilt(f"evaluation_staging holds {built}, not {period}: "
                           "build the evaluation for it first")
        verdict = conn.execute(
            "SELECT passed FROM audit.gate_result WHERE gate_id = %s AND tahun = %s"
            " AND as_of = %s", [gate_id, year, as_of]).fetchone()
        if not (verdict and verdict[0]):
            raise NotPassed(f"gate {gate_id} did not pass the evaluation of {period}: "
                            "nothing published")
        for mart in MARTS:
            cols = ", ".join(mart.columns)
            conn.execute(f"DELETE FROM evaluation.{mart.name} WHERE tahun = %s AND as_of = %s",
                         [year, as_of])
            counts[mart.name] = conn.execute(
                f"INSERT INTO evaluation.{mart.name} ({cols}) SELECT {cols}"
                f" FROM evaluation_staging.{mart.name} WHERE tahun = %s AND as_of = %s",
                [year, as_of]).rowcount
        publication_id = uuid.uuid4()
        conn.execute(
            "INSERT INTO audit.publication (publication_id, tahun, as_of, airflow_run_id,"
            " row_counts, gate_id) VALUES (%s, %s, %s, %s, %s, %s)",
            [publication_id, year, as_of, airflow_run_id, json.dumps(counts), gate_id])
        conn.execute(f"INSERT INTO audit.published_trace (publication_id, {TRACE_COLUMNS})"
                     f" SELECT %s, {TRACE_COLUMNS} FROM evaluation_staging.eval_trace",
                     [publication_id])
    return counts


def run_summary(conninfo: str, period: EvaluationPeriod) -> dict[str, int]:
    """What an operator checks after a run: agreements evaluated in the published period,
    files received, and files received after its cut-off (lost received times show here).
    ``conninfo``: the warehouse as monev_transformer (it reads the build's cut-off)."""
    with psycopg.connect(conninfo) as conn:
        evaluated, received, late = conn.execute(
            """SELECT (SELECT count(*) FROM evaluation.agreement_scorecard
                       WHERE tahun = %s AND as_of = %s),
                      (SELECT count(*) FROM raw.file_receipt),
                      (SELECT count(*) FROM raw.file_receipt AS f
                       JOIN evaluation_staging.eval_period AS p
                         ON p.tahun = %s AND p.as_of = %s AND f.received_at >= p.cutoff_at)""",
            [period.year, period.as_of, period.year, period.as_of]).fetchone()
    return {"agreements evaluated": evaluated, "files received": received,
            "files received after the cut-off": late}
