"""Airflow's real services (``monev airflow``) driven through the REST API (``/api/v2``),
and a Redis broker on 127.0.0.1, for the stack tests."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from monev import config


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Redis:
    """A throwaway redis-server on 127.0.0.1 (Debian's package, installed by ``make``)."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.proc = subprocess.Popen(
            [shutil.which("redis-server") or "/usr/bin/redis-server", "--bind", "127.0.0.1",
             "--port", str(self.port), "--save", "", "--appendonly", "no", "--dir",
             str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), 1).close()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("redis-server did not start")

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(20)


class Airflow:
    """``monev airflow`` in its own process group, and its REST API."""

    def __init__(self, env: dict[str, str]):
        self.port = free_port()
        self.env = {**os.environ, **env, "MONEV_AIRFLOW_PORT": str(self.port),
                    "MONEV_SCHEDULER_HEALTH_PORT": str(free_port())}
        monev = str(Path(sys.executable).with_name("monev"))
        self.proc = subprocess.Popen([monev, "airflow"], env=self.env, start_new_session=True,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.base = f"http://127.0.0.1:{self.port}"
        self.token = None

    def request(self, method: str, path: str, body: dict | None = None) -> dict:
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        req = urllib.request.Request(f"{self.base}{path}", method=method, headers=headers,
                                     data=json.dumps(body).encode() if body is not None else None)
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.loads(resp.read() or b"{}")

    def wait_ready(self, dag_ids: set[str], seconds: float = 300) -> None:
        """Until the API answers and has parsed every DAG."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.output()
            try:
                if self.token is None:
                    pw = json.loads((config.airflow_home() / "passwords.json").read_text())
                    self.token = self.request("POST", "/auth/token", {
                        "username": "admin", "password": pw["admin"]})["access_token"]
                dags = {d["dag_id"] for d in self.request("GET", "/api/v2/dags?limit=100")["dags"]}
                if dag_ids <= dags:
                    return
            except (OSError, KeyError, ValueError, urllib.error.HTTPError):
                pass
            time.sleep(3)
        raise TimeoutError(f"Airflow did not serve {dag_ids}:\n{self.output()}")

    def unpause(self, dag_id: str) -> None:
        self.request("PATCH", f"/api/v2/dags/{dag_id}", {"is_paused": False})

    def pause(self, dag_id: str) -> None:
        self.request("PATCH", f"/api/v2/dags/{dag_id}", {"is_paused": True})

    def trigger(self, dag_id: str, conf: dict) -> str:
        run = self.request("POST", f"/api/v2/dags/{dag_id}/dagRuns",
                           {"logical_date": None, "conf": conf})
        return run["dag_run_id"]

    def runs(self, dag_id: str) -> list[dict]:
        return self.request("GET", f"/api/v2/dags/{dag_id}/dagRuns?limit=50")["dag_runs"]

    def wait_run(self, dag_id: str, seconds: float, run_id: str | None = None,
                 run_type: str | None = None) -> dict:
        """Until a run (that one, or the first of that type) ends; it must end in success."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.output()
            for run in self.runs(dag_id):
                if (run_id and run["dag_run_id"] != run_id) or \
                        (run_type and run["run_type"] != run_type):
                    continue
                if run["state"] in ("success", "failed"):
                    assert run["state"] == "success", (dag_id, run, self.failed_tasks(
                        dag_id, run["dag_run_id"]))
                    return run
            time.sleep(5)
        raise TimeoutError(f"no {run_type or run_id or ''} run of {dag_id} ended in time")

    def wait_settled(self, dag_id: str, seconds: float, quiet: float = 45) -> dict:
        """Until the DAG has run at least once and no run has been queued or running for
        ``quiet`` seconds; every run must have succeeded. Returns the last one."""
        deadline, still_since = time.monotonic() + seconds, None
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.output()
            runs = self.runs(dag_id)
            failed = [r for r in runs if r["state"] == "failed"]
            assert not failed, (dag_id, [self.failed_tasks(dag_id, r["dag_run_id"])
                                         for r in failed])
            busy = any(r["state"] in ("queued", "running") for r in runs)
            if runs and not busy:
                still_since = still_since or time.monotonic()
                if time.monotonic() - still_since >= quiet:
                    return max(runs, key=lambda r: r["start_date"])
            else:
                still_since = None
            time.sleep(5)
        raise TimeoutError(f"{dag_id} did not settle in time")

    def task_instances(self, dag_id: str, run_id: str) -> list[dict]:
        return self.request("GET", f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances"
                                   "?limit=500")["task_instances"]

    def failed_tasks(self, dag_id: str, run_id: str) -> list[str]:
        return [t["task_id"] for t in self.task_instances(dag_id, run_id)
                if t["state"] not in ("success", "skipped")]

    def output(self) -> str:
        logs = config.monev_home() / "logs"
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-1500:]}"
                         for p in sorted(logs.glob("*.log")) if not p.name.startswith("run-"))

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(90)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
