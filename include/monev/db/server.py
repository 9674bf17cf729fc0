"""Which server this instance uses: the external one when ``MONEV_PG_HOST`` is set, else
the embedded cluster under ``MONEV_HOME``."""

from __future__ import annotations

from monev.config import monev_home
from monev.db.cluster import EmbeddedPostgres
from monev.db.endpoints import Endpoint, external_endpoint


def endpoint() -> Endpoint:
    """The configured warehouse server (its passwords; the embedded one need not run)."""
    return external_endpoint() or EmbeddedPostgres(monev_home()).endpoint()


def ensure_running() -> Endpoint:
    """The configured server, starting the embedded cluster when it is not running."""
    return external_endpoint() or EmbeddedPostgres(monev_home()).start()
