"""Roles, databases, schemas, grants and raw/audit tables: created idempotently.

Run against the embedded cluster at every start, and by ``monev db migrate`` against an
external server (as a role with CREATEROLE and CREATEDB).
"""

from __future__ import annotations

from pathlib import Path

import psycopg
from psycopg import sql

from monev.config import AIRFLOW_DB, AIRFLOW_ROLE, ALL_ROLES, OWNER_ROLE, WAREHOUSE_DB
from monev.db.endpoints import Endpoint

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def _ensure_roles(conn: psycopg.Connection, endpoint: Endpoint) -> None:
    for role in ALL_ROLES:
        if role == OWNER_ROLE:
            continue
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone()
        verb = "ALTER" if exists else "CREATE"
        conn.execute(sql.SQL("{} ROLE {} LOGIN PASSWORD {}").format(
            sql.SQL(verb), sql.Identifier(role), sql.Literal(endpoint.passwords[role])))


def _ensure_databases(conn: psycopg.Connection) -> None:
    for name, owner in ((WAREHOUSE_DB, OWNER_ROLE), (AIRFLOW_DB, AIRFLOW_ROLE)):
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(
                sql.Identifier(name), sql.Identifier(owner)))
        conn.execute(sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(
            sql.Identifier(name)))


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
