"""Ingesting the drop folder: every new file recorded, parsed and loaded in one transaction.

The folder is anything path-like with ``iterdir``/``stat``/``open`` (a ``pathlib.Path``
or an Airflow ``ObjectStoragePath`` over a local folder or a bucket). Loaded files stay
where they are; a file already recorded (same path, bytes and time) is not read again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import psycopg

from monev.load.raw import (
    Provenance,
    assert_reconciled,
    copy_rows,
    quarantine,
    record_reconciliation,
    row_problems,
)
from monev.sources.parsers import (
    IDENTITAS_FIELDS,
    PARSERS,
    PARTNER_COLUMNS,
    REALISASI_COLUMNS,
    REGISTER_COLUMNS,
    RENCANA_AKSI_COLUMNS,
    kind_of,
)
from monev.sources.tables import Problem
from monev.sources.workbook import UnreadableFile

log = logging.getLogger(__name__)
JAKARTA = ZoneInfo("Asia/Jakarta")
TABLE_COLUMNS = {
    "register_row": [c.key for c in REGISTER_COLUMNS],
    "partner_master_row": [c.key for c in PARTNER_COLUMNS],
    "report": [c.key for c in IDENTITAS_FIELDS],
    "rencana_aksi_row": [c.key for c in RENCANA_AKSI_COLUMNS],
    "realisasi_row": [c.key for c in REALISASI_COLUMNS],
}

# Test hook: called inside the file's transaction just before commit.
before_commit: Callable[[psycopg.Connection], None] | None = None


@dataclass
class FileResult:
    file_name: str
    status: str  # loaded | quarantined | duplicate
    kind: str | None
    load_id: uuid.UUID
    rows: Counter = field(default_factory=Counter)  # arrived/accepted/quarantined/skipped
    reasons: list[str] = field(default_factory=list)


def modified_time(stat) -> dt.datetime:
    """Last-modified time of a local file or an object (LastModified), in Jakarta time."""
    for key in ("st_mtime", "mtime", "LastModified", "last_modified", "updated"):
        value = getattr(stat, key, None)
        if value is None and hasattr(stat, "get"):
            value = stat.get(key)
        if value is None:
            continue
        if isinstance(value, dt.datetime):
            return value.astimezone(JAKARTA)
        return dt.datetime.fromtimestamp(float(value), JAKARTA)
    raise ValueError(f"no modification time in {stat!r}")


def _files(folder) -> list[tuple[object, dt.datetime]]:
    """(path, received time) of the folder's files, oldest first, then by name."""
    found = []
    for path in folder.iterdir():
        if path.is_file():
            found.append((path, modified_time(path.stat())))
    return sorted(found, key=lambda f: (f[1], f[0].name.encode()))


def ingest_folder(conninfo: str, folder, airflow_run_id: str | None = None) -> list[FileResult]:
    """Load every file of the folder not recorded before; returns what happened to each."""
    results = []
    with psycopg.connect(conninfo) as conn:
        known = {(p, t) for p, t in conn.execute(
            "SELECT file_path, received_at FROM raw.file_receipt")}
        conn.commit()
        for path, received_at in _files(folder):
            if (str(path), received_at) in known:
                continue
            with path.open("rb") as f:
                data = f.read()
            result = load_file(conn, path.name, str(path), data, received_at, airflow_run_id)
            if result is not None:
                results.append(result)
    return results


def load_file(conn: psycopg.Connection, name: str, path: str, data: bytes,
              received_at: dt.datetime, airflow_run_id: str | None) -> FileResult | None:
    """One file, one transaction: receipt, rows, quarantine and reconciliation, or nothing."""
    sha = hashlib.sha256(data).hexdigest()
    kind = kind_of(name)
    load_id = uuid.uuid4()
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [sha])
        if conn.execute("SELECT 1 FROM raw.file_receipt WHERE file_path = %s AND sha256 = %s"
                        " AND received_at = %s", [path, sha, received_at]).fetchone():
            return None  # recorded by a concurrent or earlier run
        first = conn.execute(
            "SELECT load_id FROM raw.file_receipt WHERE sha256 = %s AND status <> 'duplicate'"
            " ORDER BY received_at, receipt_id LIMIT 1", [sha]).fetchone()
        prov = Provenance(load_id, airflow_run_id, "drop", name, sha, received_at)
        result = FileResult(name, "loaded", kind, load_id)
        parsed, problem = None, None
        if first:
            result.status = "duplicate"
        elif kind is None:
            problem = Problem("unknown_file_kind",
                              detail="name fits none of daftar_kerja_sama*.xlsx, mitra*.csv, "
                                     "Laporan_*.xlsx")
        else:
            try:
                parsed = PARSERS[kind](data)
            except UnreadableFile as exc:
                problem = Problem(exc.code, detail=exc.detail)
        if problem is not None:
            result.status = "quarantined"
            result.reasons += quarantine(conn, prov, [("file", None, None, None, problem)])
        conn.execute(
            """INSERT INTO raw.file_receipt (load_id, airflow_run_id, file_name, file_path, kind,
                   sha256, size_bytes, received_at, status, duplicate_of)
               VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)""",
            [load_id, airflow_run_id, name, path, kind, sha, len(data), received_at,
             result.status, first[0] if first else None])
        if parsed is not None:
            _write_parsed(conn, prov, parsed, result)
            assert_reconciled(conn, load_id)
        if before_commit is not None:
            before_commit(conn)
    for reason in result.reasons:
        log.warning("quarantined: %s", reason)
    return result


def _write_parsed(conn, prov: Provenance, parsed, result: FileResult) -> None:
    extra = None
    if parsed.kind == "partner_report":
        extra = {"rencana_aksi_readable": "rencana_aksi_row" in parsed.sheets,
                 "realisasi_readable": "realisasi_row" in parsed.sheets}
    for table, sheet_result in parsed.sheets.items():
        rows = sheet_result.rows
        copy_rows(conn, table, TABLE_COLUMNS[table], prov, rows,
                  extra if table == "report" else None)
        result.reasons += quarantine(conn, prov, row_problems(rows))
        accepted = sum(r.accepted for r in rows)
        record_reconciliation(conn, prov, sheet_result.sheet, table, len(rows), accepted,
                              len(rows) - accepted, sheet_result.skipped)
        result.rows.update(arrived=len(rows), accepted=accepted,
                           quarantined=len(rows) - accepted, skipped=sheet_result.skipped)
    notes = [("sheet", sheet, None, None, problem) for sheet, problem in parsed.notes]
    result.reasons += quarantine(conn, prov, notes)
