"""Running dbt outside Cosmos's rendering (tests, benchmarks, the gate's dbt tests).

Airflow builds models through Cosmos with the ``monev_transformer`` connection; this runs
the same project with the same role from a libpq URL, writing its artifacts under
``MONEV_HOME`` so the manifest Cosmos parses is never touched.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlsplit

from monev import config
from monev.db.endpoints import Endpoint
from monev.db.server import endpoint as configured_endpoint
from monev.evaluation.period import EvaluationPeriod
from monev.lineage.audit_trail import AirflowRun, record_dbt_invocation


class DbtFailed(RuntimeError):
    pass


def target_dir() -> Path:
    return config.monev_home() / "dbt_target"


def docs_dir() -> Path:
    return config.monev_home() / "dbt_docs"


class RunningDbt:
    """A dbt process started by :func:`start_dbt`. What it prints goes to a temporary
    file, not a pipe: a pipe nobody reads while the caller works would fill and stall it."""

    def __init__(self, command: list[str], env: dict[str, str]):
        self._output = tempfile.TemporaryFile("w+", encoding="utf-8")
        self._proc = subprocess.Popen(command, cwd=config.DBT_PROJECT_DIR, env=env,
                                      stdout=self._output, stderr=subprocess.STDOUT)

    def wait(self) -> subprocess.CompletedProcess:
        """Wait for dbt to end; its output (stdout and stderr together) as ``stdout``."""
        returncode = self._proc.wait()
        with self._output:
            self._output.seek(0)
            return subprocess.CompletedProcess(self._proc.args, returncode,
                                               self._output.read(), "")


def start_dbt(args: list[str], endpoint: Endpoint | None = None,
              dbt_vars: dict | None = None, *, url: str | None = None,
              target: Path | None = None) -> RunningDbt:
    """``dbt <args>`` started as monev_transformer (``url``, else the endpoint's), artifacts
    in ``target`` (default :func:`target_dir`); the caller works on while it runs."""
    parts = urlsplit(url or (endpoint or configured_endpoint()).url("monev_transformer"))
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(config.DBT_PROJECT_DIR),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        "MONEV_DBT_HOST": parts.hostname,
        "MONEV_DBT_PORT": str(parts.port or 5432),
        "MONEV_DBT_USER": unquote(parts.username),
        "MONEV_DBT_PASSWORD": unquote(parts.password or ""),
        "MONEV_DBT_DATABASE": parts.path.lstrip("/") or config.WAREHOUSE_DB,
    }
    target = target or target_dir()
    command = [str(Path(sys.executable).with_name("dbt")), *args, "--target-path", str(target),
               "--log-path", str(target / "logs")]
    if dbt_vars:
        command += ["--vars", json.dumps(dbt_vars)]
    return RunningDbt(command, env)


def dbt(args: list[str], endpoint: Endpoint | None = None, dbt_vars: dict | None = None,
        *, url: str | None = None, check: bool = True,
        target: Path | None = None) -> subprocess.CompletedProcess:
    """``dbt <args>`` to its end, as :func:`start_dbt` starts it; raises on failure unless
    ``check`` is false."""
    proc = start_dbt(args, endpoint, dbt_vars, url=url, target=target).wait()
    if check and proc.returncode != 0:
        raise DbtFailed(f"dbt {' '.join(args)} failed:\n{proc.stdout[-8000:]}")
    return proc


def generate_docs(endpoint: Endpoint | None = None,
                  period: EvaluationPeriod | None = None) -> Path:
    """The dbt docs site (``dbt docs generate --static``: manifest, catalog of the built
    warehouse, lineage graph with sources and exposures) in ``MONEV_HOME/dbt_docs``; returns
    ``static_index.html``, one file with everything inlined that opens from disk without a
    server. The evaluation models are compiled for ``period`` (default: last year's)."""
    period = period or EvaluationPeriod.for_run({}, None)
    dbt(["docs", "generate", "--static", "--quiet"], endpoint, period.dbt_vars(),
        target=docs_dir())
    return docs_dir() / "static_index.html"


# what the warehouse is: every model but the evaluation's and the monitoring's (each has
# its own build, with its dbt vars and its gate)
WAREHOUSE_EXCLUDE = ["tag:evaluation", "tag:monitoring"]


def build_warehouse(url: str, airflow: AirflowRun, name: str) -> dict:
    """The warehouse models and their tests in one ``dbt build``, for the DAGs that refresh
    their inputs before building their own models: one dbt start-up instead of one per model
    (``monev_warehouse`` keeps a task per model). Artifacts in ``dbt_target/<name>``, so that
    two DAGs never share them; the invocation goes to the audit trail, also when it fails.
    Returns the count of models and tests by status; raises :class:`DbtFailed` when a model
    or a test failed (what reads it was skipped)."""
    target = target_dir() / name
    (target / "run_results.json").unlink(missing_ok=True)  # never an earlier build's
    proc = dbt(["build", "--exclude", *WAREHOUSE_EXCLUDE, "--quiet"], url=url, check=False,
               target=target)
    # recorded with the project's manifest, as the Cosmos tasks are (one stored copy)
    run_results = record_dbt_invocation(url, target / "run_results.json", config.DBT_MANIFEST,
                                        airflow)
    if proc.returncode != 0:
        raise DbtFailed(f"dbt build of the warehouse failed:\n{proc.stdout[-8000:]}")
    return dict(Counter(f"{r['unique_id'].split('.')[0]}s_{r['status']}"
                        for r in run_results["results"]))
