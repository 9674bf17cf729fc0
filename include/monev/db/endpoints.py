"""The PostgreSQL servers monev talks to: an external one named by ``MONEV_PG_*``
variables, else the instance's embedded cluster (``db.cluster``)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from monev.config import ALL_ROLES, OWNER_ROLE, WAREHOUSE_DB, env_int


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
    return Endpoint(host=host, port=env_int("MONEV_PG_PORT", 5432, 1, 65535),
                    passwords=passwords, embedded=False)
