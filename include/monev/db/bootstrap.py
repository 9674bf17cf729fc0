"""Roles, databases, schemas, grants and raw/audit tables: created idempotently.

Run against the embedded cluster at every start, and by ``monev db migrate`` against an
external server (as a role with CREATEROLE and CREATEDB).
"""

from __future__ import annotations

import logging
from pathlib import Path

import psycopg
from psycopg import sql

from monev.config import ALL_ROLES, APP_DATABASES, OWNER_ROLE, READER_ROLES, WAREHOUSE_DB
from monev.db.endpoints import Endpoint

log = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


READER_CONNECTIONS = 20  # per reader role (BI tools, auditors)
READER_TIMEOUTS = {"statement_timeout": "5min", "idle_in_transaction_session_timeout": "10min"}


def _ensure_roles(conn: psycopg.Connection, endpoint: Endpoint) -> None:
    for role in ALL_ROLES:
        if role == OWNER_ROLE:
            continue
        if not endpoint.passwords.get(role):
            log.warning("no password for role %s (MONEV_PG_PASSWORD_%s): left as it is",
                        role, role.upper())
            continue
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone()
        verb = "ALTER" if exists else "CREATE"
        conn.execute(sql.SQL("{} ROLE {} LOGIN PASSWORD {}").format(
            sql.SQL(verb), sql.Identifier(role), sql.Literal(endpoint.passwords[role])))
    for role in READER_ROLES:  # a BI tool's runaway query or pool cannot take the server
        conn.execute(sql.SQL("ALTER ROLE {} CONNECTION LIMIT {}").format(
            sql.Identifier(role), sql.Literal(READER_CONNECTIONS)))
        for setting, value in READER_TIMEOUTS.items():
            conn.execute(sql.SQL("ALTER ROLE {} SET {} = {}").format(
                sql.Identifier(role), sql.Identifier(setting), sql.Literal(value)))


def _ensure_databases(conn: psycopg.Connection) -> None:
    for name, owner in APP_DATABASES:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(
                sql.Identifier(name), sql.Identifier(owner)))
        conn.execute(sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(
            sql.Identifier(name)))
    # the server's own databases are nobody else's to connect to or fill with temp tables
    for name in ("postgres", "template1"):
        try:
            with conn.transaction():
                conn.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
                    sql.Identifier(name), sql.Identifier(OWNER_ROLE)))
                conn.execute(sql.SQL("REVOKE CONNECT, TEMPORARY ON DATABASE {} FROM PUBLIC")
                             .format(sql.Identifier(name)))
        except psycopg.errors.InsufficientPrivilege:
            log.warning("cannot restrict database %s (not its owner): ask its owner to "
                        "REVOKE CONNECT, TEMPORARY ON DATABASE %s FROM PUBLIC", name, name)


def migrations() -> list[Path]:
    return sorted(MIGRATIONS_DIR.glob("*.sql"))


def apply_migrations(endpoint: Endpoint) -> list[str]:
    """Apply every ``migrations/NNN_*.sql`` not yet recorded in ``audit.schema_migrations``."""
    applied: list[str] = []
    with psycopg.connect(endpoint.url(OWNER_ROLE, WAREHOUSE_DB), autocommit=False) as conn:
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('monev-migrations'))")
        conn.execute("CREATE SCHEMA IF NOT EXISTS audit")
        conn.execute("""CREATE TABLE IF NOT EXISTS audit.schema_migrations (
                            name text PRIMARY KEY,
                            applied_at timestamptz NOT NULL DEFAULT now())""")
        done = {r[0] for r in conn.execute("SELECT name FROM audit.schema_migrations")}
        for path in migrations():
            if path.name in done:
                continue
            conn.execute(path.read_text())
            conn.execute("INSERT INTO audit.schema_migrations (name) VALUES (%s)", [path.name])
            applied.append(path.name)
        conn.commit()
    return applied


def bootstrap(endpoint: Endpoint) -> list[str]:
    """Make the server ready for monev; returns the migrations applied now."""
    with psycopg.connect(endpoint.url(OWNER_ROLE, "postgres"), autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(hashtext('monev-bootstrap'))")
        _ensure_roles(conn, endpoint)
        _ensure_databases(conn)
        conn.execute("SELECT pg_advisory_unlock(hashtext('monev-bootstrap'))")
    return apply_migrations(endpoint)
