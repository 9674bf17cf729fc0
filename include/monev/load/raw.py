"""Writing parsed rows into ``raw`` with COPY, and checking the counts before commit.

Everything here runs inside the caller's transaction: a file (or a batch of files, or a
form page) is written whole or not at all.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import psycopg

from monev.sources.tables import ParsedRow
from monev.sources.values import storable

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


QUARANTINE_COLUMNS = ("load_id", "airflow_run_id", "source", "file_name", "sha256", "sheet",
                      "row_number", "kobo_id", "page_url", "column_name", "value",
                      "reason_code", "reason", "scope", "received_at")
RECONCILIATION_COLUMNS = ("load_id", "airflow_run_id", "source", "file_name", "page_url",
                          "sheet", "raw_table", "rows_arrived", "rows_accepted",
                          "rows_unchanged", "rows_quarantined", "rows_skipped")


@dataclass
class Writes:
    """What one or many loads put into raw and audit, gathered first and written with one
    COPY per table, then checked against the reconciliation: a batch of fifty files costs
    a handful of statements instead of twenty per file. Written inside the caller's
    transaction, so it all goes in or none of it."""

    tables: dict[str, tuple[Sequence[str], list]] = field(default_factory=dict)
    load_ids: dict[uuid.UUID, None] = field(default_factory=dict)  # in order

    def _table(self, table: str, columns: Sequence[str]) -> list:
        """The rows gathered for ``table``, which always get the same columns."""
        held_columns, rows = self.tables.setdefault(table, (tuple(columns), []))
        if held_columns != tuple(columns):
            raise ValueError(f"{table}: columns {columns} beside {held_columns}")
        return rows

    def rows(self, table: str, columns: Sequence[str], prov: Provenance,
             rows: Iterable[ParsedRow], extra: dict | None = None) -> None:
        """Data rows (accepted and quarantined alike) for ``raw.<table>``."""
        extra = extra or {}
        self._table(f"raw.{table}", (*PROVENANCE, *columns, *extra)).extend(
            (prov.load_id, prov.airflow_run_id, prov.file_name, prov.sha256, row.sheet,
             row.row_number, prov.received_at, row.accepted,
             json.dumps(row.raw, ensure_ascii=False),
             *(row.values.get(c) for c in columns), *extra.values())
            for row in rows)

    def insert(self, table: str, columns: Sequence[str], values: Sequence) -> None:
        """One row of any other table (a file's receipt, a form record version)."""
        self._table(table, columns).append(values)

    def quarantine(self, prov: Provenance, problems: Iterable[tuple]) -> list[str]:
        """Quarantine rows for (scope, sheet, row_number, kobo_id, problem) tuples; returns
        their reasons, each naming file (or page), sheet, row and what is wrong."""
        reasons = []
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
            reasons.append(f"{', '.join(where)}: {what}")
            self.insert("raw.quarantine", QUARANTINE_COLUMNS, (
                prov.load_id, prov.airflow_run_id, prov.source, prov.file_name, prov.sha256,
                storable(sheet), row_number, kobo_id, prov.page_url, storable(problem.column),
                storable(problem.value),
                problem.code, reasons[-1], scope, prov.received_at))
        return reasons

    def reconciliation(self, prov: Provenance, sheet: str, raw_table: str | None,
                       arrived: int, accepted: int, quarantined: int, skipped: int,
                       unchanged: int = 0) -> None:
        self.load_ids[prov.load_id] = None
        self.insert("audit.reconciliation", RECONCILIATION_COLUMNS, (
            prov.load_id, prov.airflow_run_id, prov.source, prov.file_name, prov.page_url,
            sheet, raw_table, arrived, accepted, unchanged, quarantined, skipped))

    def write(self, conn: psycopg.Connection) -> None:
        """COPY every table, then raise unless raw holds what the reconciliation claims."""
        for table, (columns, values) in self.tables.items():
            with conn.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        assert_reconciled(conn, *self.load_ids)


def row_problems(rows: Iterable[ParsedRow]) -> list[tuple]:
    return [("row", r.sheet, r.row_number, None, p) for r in rows for p in r.problems]


# every raw table a reconciliation row may name (drop-folder sheets and form pages)
RAW_TABLES = ("register_row", "partner_master_row", "report", "rencana_aksi_row",
              "realisasi_row", "kobo_record")


def assert_reconciled(conn: psycopg.Connection, *load_ids: uuid.UUID) -> None:
    """What the reconciliation claims must be what raw holds for these loads (else roll
    back). Unchanged rows (a form record re-read with the same payload) are counted, not
    stored. One statement for every sheet of every load given: once per batch of files,
    per form page, per run's check."""
    if not load_ids:
        return
    held = " UNION ALL ".join(
        f"SELECT load_id, '{table}' AS raw_table, sheet, count(*) AS n,"
        f" count(*) FILTER (WHERE accepted) AS accepted"
        f" FROM raw.{table} WHERE load_id = ANY(%(loads)s) GROUP BY load_id, sheet"
        for table in RAW_TABLES)
    checks = conn.execute(
        f"""WITH held AS ({held})
            SELECT r.load_id, r.sheet, r.raw_table, r.rows_arrived - r.rows_unchanged,
                   r.rows_accepted, coalesce(h.n, 0), coalesce(h.accepted, 0)
            FROM audit.reconciliation AS r
            LEFT JOIN held AS h USING (load_id, raw_table, sheet)
            WHERE r.load_id = ANY(%(loads)s) AND r.raw_table IS NOT NULL""",
        {"loads": list(load_ids)}).fetchall()
    for load_id, sheet, table, stored, accepted, held_rows, held_accepted in checks:
        if (held_rows, held_accepted) != (stored, accepted):
            raise ReconciliationError(
                f"load {load_id} sheet {sheet!r}: reconciliation says {stored} stored / "
                f"{accepted} accepted, raw.{table} holds {held_rows} / {held_accepted}")
