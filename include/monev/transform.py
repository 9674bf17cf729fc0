"""Running dbt outside Airflow (tests, benchmarks, operators' one-off builds).

Airflow runs dbt through Cosmos with the ``monev_transformer`` connection; this runs the
same project with the same role, from the same profile, writing its artifacts under
``MONEV_HOME`` so the manifest Cosmos parses is never touched.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from monev import config


class DbtFailed(RuntimeError):
    pass


def dbt(args: list[str], endpoint: config.Endpoint | None = None, dbt_vars: dict | None = None,
        ) -> subprocess.CompletedProcess:
    """``dbt <args>`` against the warehouse as monev_transformer; raises on failure."""
    endpoint = endpoint or config.endpoint()
    target = config.monev_home() / "dbt_target"
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(config.DBT_PROJECT_DIR),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        "MONEV_DBT_HOST": endpoint.host,
        "MONEV_DBT_PORT": str(endpoint.port),
        "MONEV_DBT_USER": "monev_transformer",
        "MONEV_DBT_PASSWORD": endpoint.passwords["monev_transformer"],
    }
    command = [str(Path(sys.executable).with_name("dbt")), *args, "--target-path", str(target),
               "--log-path", str(target / "logs")]
    if dbt_vars:
        command += ["--vars", json.dumps(dbt_vars)]
    proc = subprocess.run(command, cwd=config.DBT_PROJECT_DIR, env=env, text=True,
                          capture_output=True)
    if proc.returncode != 0:
        raise DbtFailed(f"dbt {' '.join(args)} failed:\n{proc.stdout[-6000:]}{proc.stderr[-2000:]}")
    return proc
