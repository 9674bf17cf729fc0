"""``make airflow``: Airflow's real services against the instance's embedded database."""

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


def start_services() -> list[subprocess.Popen]:
    """Start every service in the background, logging to ``MONEV_HOME/logs/<service>.log``."""
    env = {**os.environ, **airflow_env.environment()}
    logs = config.monev_home() / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    airflow = str(Path(sys.executable).with_name("airflow"))
    procs = []
    for service in SERVICES:
        log = open(logs / f"{service}.log", "ab")
        procs.append(subprocess.Popen([airflow, service], env=env, stdout=log,
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
    env = airflow_env.environment()
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
    failed = [s for s, p in zip(SERVICES, procs, strict=True) if p.returncode not in (0, -15, None)]
    if failed:
        print(f"services that stopped on their own: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0
