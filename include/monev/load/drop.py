"""Ingesting the drop folder: every new file recorded, parsed and loaded whole or not at all.

The folder is anything path-like with ``iterdir``/``stat``/``open`` (a ``pathlib.Path``
or an Airflow ``ObjectStoragePath`` over a local folder or a bucket). Loaded files stay
where they are; a file already recorded (same path, bytes and time) is not read again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import stat
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from zoneinfo import ZoneInfo

import psycopg

from monev.load.raw import Provenance, Writes, row_problems
from monev.sources.bounded import DEFAULT_LIMITS, Job, Limits, ParserPool
from monev.sources.parsers import (
    IDENTITAS_FIELDS,
    PARTNER_COLUMNS,
    REALISASI_COLUMNS,
    REGISTER_COLUMNS,
    RENCANA_AKSI_COLUMNS,
    kind_of,
)
from monev.sources.tables import Problem
from monev.sources.values import printable
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

WHOLE_FILE = "(whole file)"  # the reconciliation row of a file refused whole
BATCH_FILES = 50  # files per commit, written together...
BATCH_ROWS = 5_000  # ...or fewer, once their rows reach this (memory stays flat)

# Test hook: called with each file's name inside the transaction that commits it.
before_commit: Callable[[psycopg.Connection, str], None] | None = None


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


@dataclass
class Arrival:
    """A file seen in the drop folder: where, when, and what it holds (if it may be read)."""

    path: object  # as the folder gave it (pathlib.Path or ObjectStoragePath)
    received_at: dt.datetime
    problem: Problem | None = None  # refused before reading: not a regular file, too large
    data: bytes = b""
    sha256: str = ""
    size: int = 0

    @property
    def name(self) -> str:
        return self.path.name


def _local_path(path) -> str | None:
    """The path on this machine's file system, if the folder is local."""
    if isinstance(path, PurePath):
        return str(path)
    if getattr(path, "protocol", None) in ("file", "local"):
        return path.path
    return None


def _arrivals(folder) -> list[Arrival]:
    """The folder's files, oldest first, then by name. Symbolic links and anything that is
    not a regular file are refused unread (never followed); sub-folders are not files."""
    found = []
    for path in folder.iterdir():
        local = _local_path(path)
        if local is None:  # object storage: no links, no devices
            if path.is_file():
                found.append(Arrival(path, modified_time(path.stat())))
            continue
        st = os.lstat(local)
        if stat.S_ISDIR(st.st_mode):
            continue
        arrival = Arrival(path, modified_time(st))
        if not stat.S_ISREG(st.st_mode):
            what = "a symbolic link" if stat.S_ISLNK(st.st_mode) else "not a regular file"
            arrival.problem = Problem("not_a_regular_file", detail=f"{what}; never followed")
        found.append(arrival)
    return sorted(found, key=lambda a: (a.received_at, a.name.encode()))


def _read(arrival: Arrival, limits: Limits) -> None:
    """Hash the file as it streams; keep its bytes only when they are within the limit.
    A local file is opened without following links and must still be a regular file."""
    local = _local_path(arrival.path)
    if local is not None:
        handle = os.fdopen(os.open(local, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK), "rb")
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            handle.close()
            arrival.problem = Problem("not_a_regular_file", detail="changed while read")
            return
    else:
        handle = arrival.path.open("rb")
    digest, kept = hashlib.sha256(), []
    with handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
            arrival.size += len(chunk)
            if arrival.size <= limits.max_file_bytes:
                kept.append(chunk)
    arrival.sha256 = digest.hexdigest()
    if arrival.size > limits.max_file_bytes:
        arrival.problem = Problem("file_too_large", detail=f"{arrival.size:,} bytes; at most "
                                  f"{limits.max_file_bytes:,} are read")
    else:
        arrival.data = b"".join(kept)


def _jobs(arrivals: list[Arrival], limits: Limits) -> Iterator[Job]:
    """Read each file; what it would cost to parse is checked in the parsing process.
    The bytes go with the job, not with the arrival that outlives it."""
    for arrival in arrivals:
        kind = kind_of(arrival.name)
        if arrival.problem is None:
            _read(arrival, limits)
        data, arrival.data = arrival.data, b""
        parse = arrival.problem is None and kind is not None
        yield Job(arrival, kind if parse else None, data if parse else b"")


def ingest_folder(conninfo: str, folder, airflow_run_id: str | None = None,
                  limits: Limits = DEFAULT_LIMITS) -> list[FileResult]:
    """Load every file of the folder not recorded before; returns what happened to each.
    Files are parsed ahead in bounded child processes and loaded in order, BATCH_FILES
    files per commit (see :func:`_load_batch`)."""
    results = []
    with psycopg.connect(conninfo) as conn:
        known = {(p, t) for p, t in conn.execute(
            "SELECT file_path, received_at FROM raw.file_receipt")}
        conn.commit()
        arrivals = [a for a in _arrivals(folder) if (str(a.path), a.received_at) not in known]
        with ParserPool(limits) as pool:
            for batch in _batches(pool.map(_jobs(arrivals, limits))):
                results += _load_batch(conn, batch, airflow_run_id)
    return results


def _batches(parsed: Iterator[tuple[Job, object]]) -> Iterator[list[tuple[Job, object]]]:
    """Parsed files in the folder's order, BATCH_FILES at a time, or fewer once their data
    rows reach BATCH_ROWS: many small files share a commit, a large one nearly has its own."""
    batch, rows = [], 0
    for job, outcome in parsed:
        batch.append((job, outcome))
        rows += sum(len(s.rows) for s in getattr(outcome, "sheets", {}).values())
        if len(batch) == BATCH_FILES or rows >= BATCH_ROWS:
            yield batch
            batch, rows = [], 0
    if batch:
        yield batch


def _load_batch(conn: psycopg.Connection, batch: list, airflow_run_id: str | None,
                ) -> list[FileResult]:
    """Parsed files in one commit, with one COPY per table for all of them. When that
    fails, the batch is written again file by file, each in a savepoint of its own: the
    file that fails rolls back alone, the files before it are committed, then its error
    is raised."""
    try:
        with conn.transaction():
            results = write_files(conn, batch, airflow_run_id)
    except Exception:
        if conn.closed or conn.broken:
            raise
        results, failure = [], None
        with conn.transaction():
            for job in batch:
                try:
                    with conn.transaction():
                        results += write_files(conn, [job], airflow_run_id)
                except Exception as exc:  # noqa: BLE001 - raised once the others are in
                    failure = exc
                    break
        if failure is not None:
            raise failure from None
    for result in results:
        for reason in result.reasons:
            log.warning("quarantined: %s", printable(reason))
    return results


def write_files(conn: psycopg.Connection, batch: list, airflow_run_id: str | None,
                ) -> list[FileResult]:
    """Receipts, rows, quarantine and reconciliation of ``(job, outcome)`` pairs, inside
    the caller's transaction, checked against the reconciliation before it ends. A file
    recorded meanwhile (by a concurrent run) is left out; a file whose bytes were loaded
    before (from another name or time) is a duplicate of the first such copy.
    ``outcome``: the parsed file, the reason it could not be read, or None (not parsed)."""
    shas = [job.key.sha256 for job, _ in batch]
    conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(sha, 0))"
                 " FROM unnest(%s::text[]) AS sha", [shas])  # in the folder's order
    recorded = set(conn.execute(
        "SELECT file_path, sha256, received_at FROM raw.file_receipt"
        " WHERE sha256 = ANY(%s)", [shas]).fetchall())
    # only a file that was loaded makes a later copy of its bytes a duplicate
    first = {(sha, kind): load_id for sha, kind, load_id in conn.execute(
        """SELECT DISTINCT ON (sha256, kind) sha256, kind, load_id FROM raw.file_receipt
           WHERE sha256 = ANY(%s) AND status = 'loaded'
           ORDER BY sha256, kind, received_at, receipt_id""", [shas])}
    writes, results = Writes(), []
    for job, outcome in batch:
        arrival = job.key
        if (str(arrival.path), arrival.sha256, arrival.received_at) in recorded:
            continue  # recorded by a concurrent or earlier run
        result = _plan_file(writes, arrival, outcome, first, airflow_run_id)
        if result.status == "loaded":
            first.setdefault((arrival.sha256, result.kind), result.load_id)
        results.append(result)
        if before_commit is not None:
            before_commit(conn, arrival.name)
    writes.write(conn)
    return results


def _plan_file(writes: Writes, arrival: Arrival, outcome, first: dict,
               airflow_run_id: str | None) -> FileResult:
    """What one file writes: its receipt, and its rows or why it is quarantined whole."""
    name, kind = arrival.name, kind_of(arrival.name)
    load_id = uuid.uuid4()
    original = None if arrival.problem else first.get((arrival.sha256, kind))
    prov = Provenance(load_id, airflow_run_id, "drop", name, arrival.sha256,
                      arrival.received_at)
    result = FileResult(name, "loaded", kind, load_id)
    parsed, problem = None, arrival.problem
    if problem is not None:
        pass
    elif original:
        result.status = "duplicate"
    elif kind is None:
        problem = Problem("unknown_file_kind",
                          detail="name fits none of daftar_kerja_sama*.xlsx, mitra*.csv, "
                                 "Laporan_*.xlsx")
    elif isinstance(outcome, UnreadableFile):
        problem = Problem(outcome.code, detail=outcome.detail)
    else:
        parsed = outcome
    if problem is not None:
        result.status = "quarantined"
        result.reasons += writes.quarantine(prov, [("file", None, None, None, problem)])
        writes.reconciliation(prov, WHOLE_FILE, None, 0, 0, 0, 0)
    writes.insert("raw.file_receipt", RECEIPT_COLUMNS, (
        load_id, airflow_run_id, name, str(arrival.path), kind, arrival.sha256, arrival.size,
        arrival.received_at, result.status, original))
    if parsed is not None:
        _plan_parsed(writes, prov, parsed, result)
    return result


RECEIPT_COLUMNS = ("load_id", "airflow_run_id", "file_name", "file_path", "kind", "sha256",
                   "size_bytes", "received_at", "status", "duplicate_of")


def _plan_parsed(writes: Writes, prov: Provenance, parsed, result: FileResult) -> None:
    extra = None
    if parsed.kind == "partner_report":
        extra = {"rencana_aksi_readable": "rencana_aksi_row" in parsed.sheets,
                 "realisasi_readable": "realisasi_row" in parsed.sheets}
    for table, sheet_result in parsed.sheets.items():
        rows = sheet_result.rows
        writes.rows(table, TABLE_COLUMNS[table], prov, rows,
                    extra if table == "report" else None)
        result.reasons += writes.quarantine(prov, row_problems(rows))
        accepted = sum(r.accepted for r in rows)
        writes.reconciliation(prov, sheet_result.sheet, table, len(rows), accepted,
                              len(rows) - accepted, sheet_result.skipped)
        result.rows.update(arrived=len(rows), accepted=accepted,
                           quarantined=len(rows) - accepted, skipped=sheet_result.skipped)
    notes = [("sheet", sheet, None, None, problem) for sheet, problem in parsed.notes]
    result.reasons += writes.quarantine(prov, notes)
