"""Backups of the warehouse, the Directorate's system of record.

A backup is ``pg_dump --create`` in custom format of database ``warehouse``: the
database with its grants, every schema, row, owner and grant (the roles themselves are
made by bootstrap, with their own passwords, wherever it is restored). Restoring replaces
the warehouse of the target instance whole: it is for a fresh ``MONEV_HOME`` or a
disaster. Backups are taken as ``monev_auditor``, who reads everything and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import psycopg
from psycopg import sql

from monev import config
from monev.db.cluster import pg_bin
from monev.db.endpoints import Endpoint

PREFIX = "warehouse-"


class BackupFailed(RuntimeError):
    pass


def _libpq_env(url: str) -> dict[str, str]:
    """The connection as libpq variables: no password on a command line."""
    parts = urlsplit(url)
    return {**os.environ, "PGHOST": parts.hostname, "PGPORT": str(parts.port or 5432),
            "PGUSER": unquote(parts.username), "PGPASSWORD": unquote(parts.password or ""),
            "PGDATABASE": parts.path.lstrip("/")}


def default_folder() -> Path:
    return config.private_dir(config.monev_home() / "backups")


def backup(url: str, out: Path | None = None, keep: int | None = None,
           folder: Path | None = None) -> Path:
    """Dump the warehouse to ``out`` (default ``<folder>/warehouse-<time>.dump``, the
    folder ``MONEV_HOME/backups`` by default; 0600); with ``keep``, only the newest
    ``keep`` backups of that folder stay (at least 1: this one)."""
    if keep is not None and keep < 1:
        raise ValueError(f"keep={keep}: at least the backup being written is kept")
    if out is None:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        out = config.private_dir(folder or default_folder()) / f"{PREFIX}{stamp}.dump"
    partial = out.with_name(out.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    proc = subprocess.run([pg_bin("pg_dump"), "--format=custom", "--create",
                           "--file", str(partial)],
                          env=_libpq_env(url), capture_output=True, text=True)
    if proc.returncode != 0:
        partial.unlink(missing_ok=True)
        raise BackupFailed(f"pg_dump failed: {proc.stderr.strip()[-2000:]}")
    os.replace(partial, out)  # a backup is whole or absent
    if keep is not None:
        prune(out.parent, keep)
    return out


def prune(folder: Path, keep: int) -> list[Path]:
    """Remove all but the newest ``keep`` (at least 1) backups; returns what was removed."""
    if keep < 1:
        raise ValueError(f"keep={keep}: at least the newest backup is kept")
    dumps = sorted(folder.glob(f"{PREFIX}*.dump"))
    removed = dumps[:-keep]
    for path in removed:
        path.unlink()
    return removed


def restore(endpoint: Endpoint, dump: Path) -> None:
    """Replace the warehouse of ``endpoint`` with the backup ``dump``. The roles must exist
    (bootstrap makes them); as the owner."""
    if not dump.is_file():
        raise BackupFailed(f"{dump}: no such backup file")
    listing = subprocess.run([pg_bin("pg_restore"), "--list", str(dump)],
                             capture_output=True, text=True)
    if listing.returncode != 0:
        raise BackupFailed(f"{dump} is not a monev backup: {listing.stderr.strip()[-500:]}")
    with psycopg.connect(endpoint.url(config.OWNER_ROLE, "postgres"), autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                     " WHERE datname = %s AND pid <> pg_backend_pid()", [config.WAREHOUSE_DB])
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(
            sql.Identifier(config.WAREHOUSE_DB)))
    # --create: the database as it was, with its own grants (CONNECT, TEMPORARY)
    proc = subprocess.run([pg_bin("pg_restore"), "--exit-on-error", "--create",
                           "--dbname", "postgres", str(dump)],
                          env=_libpq_env(endpoint.url(config.OWNER_ROLE, "postgres")),
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise BackupFailed(f"pg_restore failed: {proc.stderr.strip()[-2000:]}")
