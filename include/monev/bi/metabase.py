"""First-run set-up of a Metabase (docker-compose service ``metabase``): its admin user,
and the warehouse added as a data source connecting as ``monev_bi``, which reads only
schemas ``marts`` and ``evaluation``. Uses Metabase's set-up API (``GET
/api/session/properties`` for the one-time set-up token, ``POST /api/setup``); once
Metabase is set up it has no token and this does nothing, so it is safe to run again.
"""

from __future__ import annotations

import json
import logging
import os
import time
import urllib.error
import urllib.request

log = logging.getLogger(__name__)


def _call(url: str, payload: dict | None = None) -> dict:
    data = json.dumps(payload).encode() if payload is not None else None
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"{}")


def wait_until_up(base_url: str, timeout_s: float = 300) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if _call(f"{base_url}/api/health").get("status") == "ok":
                return
        except (urllib.error.URLError, OSError, ValueError):
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"Metabase at {base_url} not healthy after {timeout_s} s")
        time.sleep(5)


def setup_request(token: str, env: dict) -> dict:
    """The ``POST /api/setup`` body: admin user, site in Bahasa Indonesia, the warehouse."""
    return {
        "token": token,
        "user": {"email": env["MB_ADMIN_EMAIL"], "password": env["MB_ADMIN_PASSWORD"],
                 "first_name": "Admin", "last_name": "monev", "site_name": "monev"},
        "prefs": {"site_name": "monev", "site_locale": "id", "allow_tracking": False},
        "database": {
            "engine": "postgres",
            "name": "monev warehouse (monev_bi)",
            "details": {
                "host": env.get("MONEV_PG_HOST", "postgres"),
                "port": int(env.get("MONEV_PG_PORT", "5432")),
                "dbname": "warehouse",
                "user": "monev_bi",
                "password": env["MONEV_PG_PASSWORD_MONEV_BI"],
                "schema-filters-type": "inclusion",
                "schema-filters-patterns": "marts,evaluation",
                "ssl": False,
            },
        },
    }


def setup(base_url: str, env: dict | None = None) -> bool:
    """Set Metabase up if it is not yet; True when it did."""
    env = dict(os.environ if env is None else env)
    wait_until_up(base_url)
    token = _call(f"{base_url}/api/session/properties").get("setup-token")
    if not token:
        log.info("Metabase at %s is already set up: nothing to do", base_url)
        return False
    _call(f"{base_url}/api/setup", setup_request(token, env))
    log.info("Metabase at %s set up; warehouse added as monev_bi", base_url)
    return True
