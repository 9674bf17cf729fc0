"""Publishing an evaluation: the (tahun, as_of) built in ``evaluation_staging`` replaces
that (tahun, as_of)'s rows in ``evaluation``, in one transaction, with a record in
``audit.publication`` and the trace of every published figure (``audit.published_trace``).
Other (tahun, as_of) rows are never touched."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import psycopg

from monev.evaluation.marts import MARTS

TRACE_COLUMNS = ("tahun, as_of, nomor_perjanjian, member_nomor, kind, channel, file_name,"
                 " sha256, sheet, row_number, kobo_id, kobo_uuid, received_at, load_id,"
                 " airflow_run_id, item_no, amount, counts, reason")


class NotBuilt(RuntimeError):
    """evaluation_staging holds another (tahun, as_of) than the one to publish."""


class NotPassed(RuntimeError):
    """No passed gate result for this build: nothing may be published."""


def built_period(conn: psycopg.Connection) -> tuple[int, dt.date]:
    return conn.execute("SELECT tahun, as_of FROM evaluation_staging.eval_period").fetchone()


def publish(conninfo: str, year: int, as_of: dt.date, gate_id: uuid.UUID | str,
            airflow_run_id: str | None = None) -> dict[str, int]:
    """Replace the published rows of (year, as_of) with the build the gate ``gate_id``
    passed; returns the rows per mart."""
    counts = {}
    with psycopg.connect(conninfo) as conn, conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(hashtextextended('monev.publish', 0))")
        built = built_period(conn)
        if built != (year, as_of):
            raise NotBuilt(f"evaluation_staging holds {built}, not ({year}, {as_of}): "
                           "build the evaluation for it first")
        verdict = conn.execute(
            "SELECT passed FROM audit.gate_result WHERE gate_id = %s AND tahun = %s"
            " AND as_of = %s", [gate_id, year, as_of]).fetchone()
        if not (verdict and verdict[0]):
            raise NotPassed(f"gate {gate_id} did not pass the evaluation of {year} as of "
                            f"{as_of}: nothing published")
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
