"""The audit trail of dbt: each invocation's ``run_results.json`` in
``audit.dbt_invocation``, with the project manifest it ran from (``audit.dbt_manifest``,
stored once per version), so an auditor can say which model code built a figure and
which tests passed on it, per Airflow run.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import psycopg

from monev import config


@dataclass(frozen=True)
class AirflowRun:
    dag_id: str | None = None
    run_id: str | None = None
    task_id: str | None = None
    try_number: int | None = None

    @classmethod
    def of(cls, ti) -> AirflowRun:
        """The run of an Airflow task instance (``ti`` of a task's context)."""
        return cls(ti.dag_id, ti.run_id, ti.task_id, ti.try_number)


def project_manifest() -> Path:
    """The manifest ``make`` builds with ``dbt parse``: the project Cosmos renders and runs."""
    return config.DBT_MANIFEST


class UnreadableRunResults(ValueError):
    """A ``run_results.json`` that is not whole (dbt killed while writing it); the message
    names the file and why."""


def record_dbt_invocation(url: str, run_results: Path, manifest: Path,
                          airflow: AirflowRun = AirflowRun()) -> dict | None:
    """Append one dbt invocation (and its manifest, if new); returns its run results, read
    once here for the caller too, or None when dbt wrote none (it failed before running
    anything). Results that cannot be read raise :class:`UnreadableRunResults`; nothing
    is recorded from them."""
    if not run_results.is_file():
        return None
    try:
        results = json.loads(run_results.read_text())
        invocation_id = results["metadata"]["invocation_id"]
    except (ValueError, KeyError, TypeError) as exc:
        raise UnreadableRunResults(f"{run_results}: {exc!r}") from None
    if not isinstance(results.get("results"), list):
        raise UnreadableRunResults(f"{run_results}: no list of results")
    manifest_bytes = manifest.read_bytes()
    sha256 = hashlib.sha256(manifest_bytes).hexdigest()
    command = (results.get("args") or {}).get("which") or "unknown"
    with psycopg.connect(url) as conn:
        # sent only when new: parsing 1 MB of JSON per dbt invocation is not free
        if not conn.execute("SELECT 1 FROM audit.dbt_manifest WHERE manifest_sha256 = %s",
                            [sha256]).fetchone():
            conn.execute("INSERT INTO audit.dbt_manifest (manifest_sha256, manifest)"
                         " VALUES (%s, %s) ON CONFLICT DO NOTHING",
                         [sha256, manifest_bytes.decode()])
        conn.execute(
            "INSERT INTO audit.dbt_invocation (invocation_id, airflow_dag_id, airflow_run_id,"
            " airflow_task_id, try_number, command, manifest_sha256, run_results)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
            [invocation_id, airflow.dag_id, airflow.run_id, airflow.task_id,
             airflow.try_number, command, sha256, json.dumps(results)])
    return results
