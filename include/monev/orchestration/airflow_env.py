"""Airflow's configuration for one ``MONEV_HOME``, as environment variables.

Airflow reads its configuration when it is first imported, so every entry point that
runs Airflow (``monev run``, ``make airflow``, the tests) calls :func:`apply` first.
Connections come from ``AIRFLOW_CONN_*`` variables built here from the warehouse
endpoint; nothing secret is written into the repository.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

from monev import config
from monev.db.endpoints import Endpoint
from monev.db.server import endpoint as configured_endpoint

API_PORT_DEFAULT = 8080
# Airflow conn id = role name; the auditor takes the nightly backup
CONNECTION_ROLES = ("monev_loader", "monev_transformer", "monev_gate", "monev_auditor")


def _persistent_secret(name: str, make=lambda: secrets.token_urlsafe(32)) -> str:
    """A random secret kept in ``MONEV_HOME`` so that every Airflow service agrees on it."""
    path = config.monev_home() / "airflow_secrets.json"
    stored = json.loads(path.read_text()) if path.exists() else {}
    if name not in stored:
        stored[name] = make()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(stored, f, indent=2)
    return stored[name]


def simple_auth_passwords() -> Path:
    """The local admin's password file (``make airflow``), 0600, made here so that Airflow
    never generates a password and prints it to its log."""
    path = config.airflow_home() / "passwords.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        config.write_private(path, json.dumps({"admin": secrets.token_urlsafe(18)}) + "\n")
    os.chmod(path, 0o600)
    return path


def _new_fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


def connection_json(endpoint: Endpoint, role: str) -> str:
    return json.dumps({
        "conn_type": "postgres", "host": endpoint.host, "port": endpoint.port,
        "login": role, "password": endpoint.passwords[role], "schema": config.WAREHOUSE_DB,
    })


def environment(endpoint: Endpoint | None = None) -> dict[str, str]:
    """Every variable Airflow (and dbt under Cosmos) needs for this instance."""
    endpoint = endpoint or configured_endpoint()
    home = config.monev_home()
    af_home = config.airflow_home()
    af_home.mkdir(parents=True, exist_ok=True)
    env = {
        "AIRFLOW_HOME": str(af_home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(config.DAGS_DIR),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__EXECUTOR": os.environ.get("MONEV_AIRFLOW_EXECUTOR", "LocalExecutor"),
        "AIRFLOW__CORE__HOSTNAME_CALLABLE": "monev.orchestration.services.worker_hostname",
        # the scheduler's health endpoint (docker-compose's healthcheck reads it)
        "AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK": "True",
        "AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_PORT": os.environ.get(
            "MONEV_SCHEDULER_HEALTH_PORT", "8974"),
        "AIRFLOW__CORE__PARALLELISM": "4",
        "AIRFLOW__CORE__MAX_ACTIVE_TASKS_PER_DAG": "4",
        "AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT": "60",
        "AIRFLOW__CORE__FERNET_KEY": _persistent_secret("fernet_key", _new_fernet_key),
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "admin:admin",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(simple_auth_passwords()),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": endpoint.url(
            config.AIRFLOW_ROLE, config.AIRFLOW_DB, driver="postgresql+psycopg2"),
        "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(home / "logs"),
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": os.environ.get("MONEV_AIRFLOW_PORT", str(API_PORT_DEFAULT)),
        "AIRFLOW__API__BASE_URL": "http://127.0.0.1:"
        + os.environ.get("MONEV_AIRFLOW_PORT", str(API_PORT_DEFAULT)),
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": "http://127.0.0.1:"
        + os.environ.get("MONEV_AIRFLOW_PORT", str(API_PORT_DEFAULT)) + "/execution/",
        "AIRFLOW__API_AUTH__JWT_SECRET": _persistent_secret("jwt_secret"),
        "AIRFLOW__USAGE_DATA_COLLECTION__ENABLED": "False",
        "SCARF_ANALYTICS": "false",
        "DO_NOT_TRACK": "true",
        "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
        "AIRFLOW__COSMOS__PROPAGATE_LOGS": "False",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        "MONEV_HOME": str(home),
        # Cosmos runs dbt from this venv (it insists on the dbt found on PATH)
        "PATH": os.pathsep.join([str(Path(sys.executable).parent),
                                 os.environ.get("PATH", "")]),
    }
    for role in CONNECTION_ROLES:
        env[f"AIRFLOW_CONN_{role.upper()}"] = connection_json(endpoint, role)
    env.update(openlineage_environment())
    return env


def lineage_events_path() -> Path:
    return config.monev_home() / "lineage" / "events.jsonl"


def openlineage_environment() -> dict[str, str]:
    """Where Airflow's (and Cosmos's dbt) OpenLineage events go: the HTTP backend named
    by ``MONEV_OPENLINEAGE_URL`` (e.g. Marquez), else one JSON event per line in
    ``MONEV_HOME/lineage/events.jsonl``."""
    url = os.environ.get("MONEV_OPENLINEAGE_URL")
    if url:
        transport = {"type": "http", "url": url, "endpoint": "api/v1/lineage"}
    else:
        path = lineage_events_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        transport = {"type": "file", "log_file_path": str(path), "append": True}
    # Lineage comes from the tasks' declared inlets/outlets (and dbt's own events), not
    # from hooks: a task's declared tables are what an auditor needs to follow.
    policy = [{"scope": {}, "controls": {"hook_lineage": False, "include_source_code": False}}]
    return {
        "AIRFLOW__OPENLINEAGE__NAMESPACE": os.environ.get("MONEV_OPENLINEAGE_NAMESPACE", "monev"),
        "AIRFLOW__OPENLINEAGE__TRANSPORT": json.dumps(transport),
        "AIRFLOW__OPENLINEAGE__EMISSION_POLICY": json.dumps(policy),
        # each event from a thread of the task's process, not from a fork of it: a fork of a
        # task process that holds dbt and Cosmos cost about 45 ms per event, two events per
        # task (BENCHMARKS.md, item 24), and a forked child shares the task's connection to
        # its supervisor (Airflow's own reason for the option)
        "AIRFLOW__OPENLINEAGE__EXECUTE_IN_THREAD": "True",
    }


def apply(endpoint: Endpoint | None = None) -> dict[str, str]:
    """Put the instance's Airflow configuration into this process's environment."""
    env = environment(endpoint)
    os.environ.update(env)
    return env


def airflow_cli(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run the ``airflow`` command of this venv with the instance's configuration."""
    env = {**os.environ, **environment()}
    exe = Path(sys.executable).with_name("airflow")
    return subprocess.run([str(exe), *args], env=env, check=check, text=True,
                          capture_output=True)


def migrate() -> None:
    """Create or upgrade Airflow's metadata database (idempotent)."""
    proc = airflow_cli("db", "migrate", check=False)
    if proc.returncode != 0:
        raise RuntimeError(
            f"airflow db migrate failed:\n{proc.stdout[-2000:]}{proc.stderr[-4000:]}")
