"""Writing parsed rows into ``raw`` with COPY, and checking the counts before commit.

Every function here runs inside the caller's transaction: a file (or a form page) is
written whole or not at all.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import psycopg

from monev.sources.tables import ParsedRow

PROVENANCE = ("load_id", "airflow_run_id", "file_name", "sha256", "sheet", "row_number",
              "received_at", "accepted", "raw_values")


@dataclass(frozen=True)
class Provenance:
    load_id: uuid.UUID
    airflow_run_id: str | None
    source: str  # drop | kobo
    file_name: str | None
    sha256: str | None
    received_at: object
    page_url: str | None = None


class ReconciliationError(RuntimeError):
    pass


def copy_rows(conn: psycopg.Connection, table: str, columns: Sequence[str],
              prov: Provenance, rows: Iterable[ParsedRow],
              extra: dict | None = None) -> int:
    """COPY data rows (accepted and quarantined alike) into ``raw.<table>``."""
    extra = extra or {}
    names = [*PROVENANCE, *columns, *extra]
    count = 0
    with conn.cursor().copy(f"COPY raw.{table} ({', '.join(names)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([
                prov.load_id, prov.airflow_run_id, prov.file_name, prov.sha256, row.sheet,
                row.row_number, prov.received_at, row.accepted,
                json.dumps(row.raw, ensure_ascii=False),
                *(row.values.get(c) for c in columns), *extra.values(),
            ])
            count += 1
    return count


def quarantine(conn: psycopg.Connection, prov: Provenance, problems: Iterable[tuple],
               ) -> list[str]:
    """Record (scope, sheet, row_number, kobo_id, problem) tuples; returns their reasons,
    each naming file (or page), sheet, row and what is wrong."""
    records = []
    for scope, sheet, row_number, kobo_id, problem in problems:
        where = [prov.file_name or prov.page_url or "form"]
        if sheet:
            where.append(f"sheet {sheet!r}")
        if row_number:
            where.append(f"row {row_number}")
        if kobo_id is not None:
            where.append(f"record _id {kobo_id}")
        what = problem.code if not problem.column else f"{problem.column}: {problem.code}"
        if problem.value is not None:
            what += f" ({problem.value!r})"
        if problem.detail:
            what += f" — {problem.detail}"
        records.append((prov.load_id, prov.airflow_run_id, prov.source, prov.file_name,
                        prov.sha256, sheet, row_number, kobo_id, prov.page_url, problem.column,
                        problem.value, problem.code, f"{', '.join(where)}: {what}", scope,
                        prov.received_at))
    if records:
        with conn.cursor() as cur:
            cur.executemany(
                """INSERT INTO raw.quarantine (load_id, airflow_run_id, source, file_name,
                       sha256, sheet, row_number, kobo_id, page_url, column_name, value,
                       reason_code, reason, scope, received_at)
                   VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)""",
                records)
    return [r[12] for r in records]


def row_problems(rows: Iterable[ParsedRow]) -> list[tuple]:
    return [("row", r.sheet, r.row_number, None, p) for r in rows for p in r.problems]


def record_reconciliation(conn: psycopg.Connection, prov: Provenance, sheet: str,
                          raw_table: str | None, arrived: int, accepted: int,
                          quarantined: int, skipped: int, unchanged: int = 0) -> None:
    conn.execute(
        """INSERT INTO audit.reconciliation (load_id, airflow_run_id, source, file_name,
               page_url, sheet, raw_table, rows_arrived, rows_accepted, rows_unchanged,
               rows_quarantined, rows_skipped)
           VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)""",
        [prov.load_id, prov.airflow_run_id, prov.source, prov.file_name, prov.page_url, sheet,
         raw_table, arrived, accepted, unchanged, quarantined, skipped])


# every raw table a reconciliation row may name (drop-folder sheets and form pages)
RAW_TABLES = ("register_row", "partner_master_row", "report", "rencana_aksi_row",
              "realisasi_row", "kobo_record")


def assert_reconciled(conn: psycopg.Connection, load_id: uuid.UUID) -> None:
    """What the reconciliation claims must be what raw holds for this load (else roll back).

    Unchanged rows (a form record re-read with the same payload) are counted, not stored.
    One statement for all of a load's sheets: it runs once per file and per page."""
    held = " UNION ALL ".join(
        f"SELECT '{table}' AS raw_table, sheet, count(*) AS n,"
        f" count(*) FILTER (WHERE accepted) AS accepted"
        f" FROM raw.{table} WHERE load_id = %(load)s GROUP BY sheet" for table in RAW_TABLES)
    checks = conn.execute(
        f"""WITH held AS ({held})
            SELECT r.sheet, r.raw_table, r.rows_arrived - r.rows_unchanged, r.rows_accepted,
                   coalesce(h.n, 0), coalesce(h.accepted, 0)
            FROM audit.reconciliation AS r LEFT JOIN held AS h USING (raw_table, sheet)
            WHERE r.load_id = %(load)s AND r.raw_table IS NOT NULL""",
        {"load": load_id}).fetchall()
    for sheet, table, stored, accepted, held_rows, held_accepted in checks:
        if (held_rows, held_accepted) != (stored, accepted):
            raise ReconciliationError(
                f"load {load_id} sheet {sheet!r}: reconciliation says {stored} stored / "
                f"{accepted} accepted, raw.{table} holds {held_rows} / {held_accepted}")
