"""``monev trace``: every source row and form record behind one scorecard row.

A published (year, as_of) is traced as published, from the view
``audit.evaluation_trace``. Otherwise from ``evaluation_staging.eval_trace``, built with
the evaluation; if the staging schema holds another (year, as_of), the evaluation models
are rebuilt for the one asked (nothing is published by tracing).
"""

from __future__ import annotations

import csv
import io

import psycopg

from monev.evaluation.export import spreadsheet_safe
from monev.evaluation.period import EvaluationPeriod
from monev.evaluation.publish import built_period, is_published

COLUMNS = ("nomor_perjanjian", "member_nomor", "kind", "channel", "file_name", "sha256",
           "sheet", "row_number", "kobo_id", "kobo_uuid", "received_at", "load_id",
           "airflow_run_id", "item_no", "amount", "counts", "reason")


ORDER = ('kind, member_nomor, channel, file_name COLLATE "C", sheet, row_number, kobo_id,'
         ' received_at')


def trace(url: str, period: EvaluationPeriod, nomor: str) -> list[dict]:
    """``url``: the warehouse as monev_transformer (it may rebuild the evaluation)."""
    with psycopg.connect(url) as conn:
        if is_published(conn, period):
            _require(conn, "SELECT 1 FROM evaluation.agreement_scorecard WHERE tahun = %s"
                     " AND as_of = %s AND nomor_perjanjian = %s",
                     [period.year, period.as_of, nomor])
            return _rows(conn, "audit.evaluation_trace", period, nomor)
        current = built_period(conn)
    if current != period:
        from monev.transform.dbt import dbt

        dbt(["run", "--quiet", "--select", "tag:evaluation"], url=url,
            dbt_vars=period.dbt_vars())
    with psycopg.connect(url) as conn:
        _require(conn, "SELECT 1 FROM evaluation_staging.eval_agreements"
                 " WHERE nomor_perjanjian = %s", [nomor])
        return _rows(conn, "evaluation_staging.eval_trace", period, nomor)


def _require(conn: psycopg.Connection, query: str, params: list) -> None:
    """The agreement is in the evaluation (a scorecard row may have no source rows)."""
    if not conn.execute(query, params).fetchone():
        raise LookupError(f"{params[-1]} is not an agreement of the evaluation traced")


def _rows(conn: psycopg.Connection, relation: str, period: EvaluationPeriod,
          nomor: str) -> list[dict]:
    cur = conn.execute(
        f"SELECT {', '.join(COLUMNS)} FROM {relation} WHERE tahun = %s AND as_of = %s"
        f" AND nomor_perjanjian = %s ORDER BY {ORDER}", [period.year, period.as_of, nomor])
    return [dict(zip(COLUMNS, row, strict=True)) for row in cur]


def as_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: spreadsheet_safe(v) if isinstance(v, str) else v for k, v in r.items()}
                     for r in rows)
    return out.getvalue()


def as_table(rows: list[dict]) -> str:
    shown = ("member_nomor", "kind", "channel", "file_name", "sheet", "row_number", "kobo_id",
             "received_at", "item_no", "amount", "counts", "reason")
    cells = [[("" if r[c] is None else str(r[c])) for c in shown] for r in rows]
    widths = [min(max([len(c)] + [len(row[i]) for row in cells]), 48)
              for i, c in enumerate(shown)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(shown, widths, strict=True))]
    for row in cells:
        lines.append("  ".join(v[:w].ljust(w) for v, w in zip(row, widths, strict=True)))
    return "\n".join(lines)
