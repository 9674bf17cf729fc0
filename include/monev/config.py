"""Where monev keeps its state, and how it reaches its warehouse.

Everything an instance owns lives under ``MONEV_HOME`` (default ``.monev/`` in the
checkout): another ``MONEV_HOME`` is a fresh, independent instance.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent.parent
DBT_PROJECT_DIR = Path(os.environ.get("MONEV_DBT_PROJECT_DIR", REPO_ROOT / "dbt_project"))
DAGS_DIR = REPO_ROOT / "dags"
SAMPLES_DIR = PACKAGE_DIR / "sample_data"

WAREHOUSE_DB = "warehouse"
AIRFLOW_DB = "airflow"
OWNER_ROLE = "monev"
AIRFLOW_ROLE = "monev_airflow"
PIPELINE_ROLES = ("monev_loader", "monev_transformer", "monev_bi", "monev_auditor")
ALL_ROLES = (OWNER_ROLE, AIRFLOW_ROLE, *PIPELINE_ROLES)


def monev_home() -> Path:
    """The instance folder; created on first use."""
    home = Path(os.environ.get("MONEV_HOME") or REPO_ROOT / ".monev").expanduser().resolve()
    home.mkdir(parents=True, exist_ok=True)
    return home


def airflow_home() -> Path:
    return monev_home() / "airflow"


@dataclass(frozen=True)
class Endpoint:
    """A PostgreSQL server monev talks to, with one password per role."""

    host: str
    port: int
    passwords: dict[str, str]
    embedded: bool

    def url(self, role: str = OWNER_ROLE, database: str = WAREHOUSE_DB,
            driver: str = "postgresql") -> str:
        from urllib.parse import quote

        return (f"{driver}://{quote(role, safe='')}:{quote(self.passwords[role], safe='')}"
                f"@{self.host}:{self.port}/{database}")


def external_endpoint() -> Endpoint | None:
    """An existing server named by ``MONEV_PG_HOST`` (nothing embedded starts then).

    Passwords come from ``MONEV_PG_PASSWORD_<ROLE>`` (e.g. ``MONEV_PG_PASSWORD_MONEV_LOADER``);
    the owner is ``MONEV_PG_PASSWORD_MONEV``.
    """
    host = os.environ.get("MONEV_PG_HOST")
    if not host:
        return None
    passwords = {
        role: os.environ.get(f"MONEV_PG_PASSWORD_{role.upper()}", "") for role in ALL_ROLES
    }
    return Endpoint(host=host, port=int(os.environ.get("MONEV_PG_PORT", "5432")),
                    passwords=passwords, embedded=False)


def endpoint() -> Endpoint:
    """The configured warehouse server: external if ``MONEV_PG_HOST`` is set, else embedded."""
    ext = external_endpoint()
    if ext is not None:
        return ext
    from monev.db.cluster import EmbeddedPostgres

    return EmbeddedPostgres(monev_home()).endpoint()
