"""`make airflow`'s services start against the embedded database and serve every DAG."""

import json
import os
import re
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from monev import config


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _request(url, data=None, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url, data=json.dumps(data).encode() if data else None,
                                 headers=headers)
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())


def _compose_healthcheck(service: str, port: int) -> list[str]:
    import yaml

    compose = yaml.safe_load((config.REPO_ROOT / "docker-compose.yml").read_text())
    kind, *command = compose["services"][service]["healthcheck"]["test"]
    assert kind == "CMD" and command[0] == "python"
    return [sys.executable, *(re.sub(r"localhost:\d+", f"127.0.0.1:{port}", c)
                              for c in command[1:])]


def test_services_serve_every_dag_through_the_rest_api(endpoint):
    port, health_port = _free_port(), _free_port()
    env = {**os.environ, "MONEV_AIRFLOW_PORT": str(port),
           "MONEV_SCHEDULER_HEALTH_PORT": str(health_port)}
    monev = str(Path(sys.executable).with_name("monev"))
    proc = subprocess.Popen([monev, "airflow"], env=env, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    wanted = {p.stem for p in config.DAGS_DIR.glob("*.py")}
    found: set[str] = set()
    try:
        deadline = time.monotonic() + 240
        token = None
        while time.monotonic() < deadline and found != wanted:
            assert proc.poll() is None, proc.stdout.read().decode()[-3000:]
            time.sleep(3)
            try:
                if token is None:
                    pw_file = config.airflow_home() / "passwords.json"
                    password = json.loads(pw_file.read_text())["admin"]
                    token = _request(f"{base}/auth/token",
                                     {"username": "admin", "password": password})["access_token"]
                dags = _request(f"{base}/api/v2/dags?limit=100", token=token)["dags"]
                found = {d["dag_id"] for d in dags}
            except (OSError, KeyError, ValueError):
                continue
        assert found == wanted
        # docker-compose's healthchecks, run here against these services
        for service, its_port in (("airflow-apiserver", port), ("airflow-scheduler",
                                                                 health_port)):
            check = _compose_healthcheck(service, its_port)
            for _ in range(20):
                if subprocess.run(check, capture_output=True).returncode == 0:
                    break
                time.sleep(3)
            else:
                raise AssertionError(f"{service} healthcheck fails: {check}")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        output = proc.communicate(timeout=60)[0].decode()
    # the admin's password stays in its 0600 file: never printed, never in a log
    pw_file = config.airflow_home() / "passwords.json"
    assert stat.S_IMODE(pw_file.stat().st_mode) == 0o600
    password = json.loads(pw_file.read_text())["admin"]
    logs = "".join(p.read_text(errors="replace")
                   for p in (config.monev_home() / "logs").glob("*.log"))
    assert password not in output and password not in logs
    assert "Password for user" not in logs
