"""Publishing an evaluation: the (tahun, as_of) built in ``evaluation_staging`` replaces
that (tahun, as_of)'s rows in ``evaluation``, in one transaction, with a record in
``audit.publication`` and the trace of every published figure (``audit.published_trace``).
Other (tahun, as_of) rows are never touched."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import psycopg
from psycopg.types.json import Jsonb

from monev.evaluation.period import EvaluationPeriod
from monev.lineage.audit_trail import project_manifest


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


def published_descriptions(manifest: Path | None = None) -> dict[str, dict]:
    """The descriptions of schema ``evaluation`` (the dbt sources of
    ``models/published``), as ``audit.describe_published()`` takes them: BI tools read them
    as table and column comments."""
    nodes = json.loads((manifest or project_manifest()).read_text())["sources"].values()
    return {node["name"]: {"description": node["description"].strip(),
                           "columns": {name: column["description"].strip()
                                       for name, column in node["columns"].items()}}
            for node in nodes if node["source_name"] == "evaluation"}


def call_publisher(conn: psycopg.Connection, function: str, gate_id: uuid.UUID | str,
                   airflow_run_id: str | None):
    """``SELECT audit.<function>(gate_id, run_id)``, its refusals as exceptions: MN001 no
    passing verdict (:class:`NotPassed`), MN002 not the build it checked (:class:`NotBuilt`)."""
    try:
        (result,) = conn.execute(f"SELECT audit.{function}(%s, %s)",
                                 [str(gate_id), airflow_run_id]).fetchone()
    except psycopg.Error as exc:
        if exc.sqlstate == "MN001":
            raise NotPassed(exc.diag.message_primary) from None
        if exc.sqlstate == "MN002":
            raise NotBuilt(exc.diag.message_primary) from None
        raise
    return result


def publish(conninfo: str, period: EvaluationPeriod, gate_id: uuid.UUID | str,
            airflow_run_id: str | None = None) -> dict[str, int]:
    """Replace the published rows of ``period`` with the build the gate ``gate_id``
    passed; returns the rows per mart. The database does it (``audit.publish_evaluation``,
    as the publisher role) and refuses unless that verdict passed for exactly this build.
    The comments of the published relations are set in the same transaction."""
    with psycopg.connect(conninfo) as conn:
        built = built_period(conn)
        if built != period:
            raise NotBuilt(f"evaluation_staging holds {built}, not {period}: "
                           "build the evaluation for it first")
        counts = call_publisher(conn, "publish_evaluation", gate_id, airflow_run_id)
        conn.execute("SELECT audit.describe_published(%s)", [Jsonb(published_descriptions())])
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
