"""``make airflow``: Airflow's real services against the instance's embedded database.

With ``MONEV_AIRFLOW_EXECUTOR=CeleryExecutor`` (and a broker in
``AIRFLOW__CELERY__BROKER_URL``), ``MONEV_CELERY_WORKERS`` Celery workers start too, each
named ``worker-<n>``: that name is the hostname Airflow records for the tasks it ran.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from monev import config
from monev.orchestration import airflow_env

SERVICES = ("api-server", "scheduler", "dag-processor", "triggerer")


def worker_hostname() -> str:
    """Airflow's ``hostname_callable``: a Celery worker's own name, so that the tasks each
    worker ran can be told apart on one machine."""
    import socket

    return os.environ.get("MONEV_WORKER_NAME") or socket.getfqdn()


def service_commands(env: dict[str, str]) -> list[tuple[str, list[str], dict[str, str]]]:
    """(name, airflow arguments, extra environment) of every service to start."""
    commands = [(service, [service], {}) for service in SERVICES]
    if env.get("AIRFLOW__CORE__EXECUTOR") == "CeleryExecutor":
        for n in range(1, int(env.get("MONEV_CELERY_WORKERS", "2")) + 1):
            name = f"worker-{n}"
            commands.append((name, ["celery", "worker", "--celery-hostname", f"{name}@%h",
                                    "--concurrency", "2"], {"MONEV_WORKER_NAME": name}))
    return commands


def start_services() -> list[subprocess.Popen]:
    """Start every service in the background, logging to ``MONEV_HOME/logs/<service>.log``."""
    env = {**os.environ, **airflow_env.environment()}
    logs = config.private_dir(config.monev_home() / "logs")
    airflow = str(Path(sys.executable).with_name("airflow"))
    procs = []
    for name, args, extra in service_commands(env):
        log = open(logs / f"{name}.log", "ab")
        procs.append(subprocess.Popen([airflow, *args], env={**env, **extra}, stdout=log,
                                      stderr=subprocess.STDOUT, start_new_session=True))
    return procs


def stop_services(procs: list[subprocess.Popen], timeout: float = 30) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for proc in procs:
        try:
            proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()


def run_services() -> int:
    """Start the database and the services; run until interrupted, then stop them all."""
    from monev.db.server import ensure_running

    ensure_running()
    airflow_env.migrate()
    env = {**os.environ, **airflow_env.environment()}
    procs = start_services()
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    print(f"Airflow UI: {env['AIRFLOW__API__BASE_URL']}  (user admin; password in "
          f"{env['AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE']})")
    print(f"DAGs from {config.DAGS_DIR}; logs in {config.monev_home() / 'logs'}. Ctrl-C stops.")
    try:
        while not stopping and all(p.poll() is None for p in procs):
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        stop_services(procs)
    names = [name for name, _, _ in service_commands(env)]
    failed = [s for s, p in zip(names, procs, strict=True) if p.returncode not in (0, -15, None)]
    if failed:
        print(f"services that stopped on their own: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0
