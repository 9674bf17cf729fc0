"""Apache Superset for Directorate staff, provisioned as code (``make bi``).

Superset lives in its own virtualenv (``.venv-bi``; its pins conflict with Airflow's) and
is driven here through its command line. Its metadata is database ``superset`` (role
``monev_superset``) on the warehouse's server; it reads the warehouse as ``monev_bi`` (schemas
marts and evaluation, read-only, bounded), whose password it takes from a libpq password
file, never from its own metadata. The datasets, charts and the dashboard are YAML under
``bi/superset/assets`` (Superset's export format), imported by :func:`setup` with overwrite
(``bi/superset/provision.py``, which also makes the admin): running it again changes
nothing. :func:`export`
writes what an analyst changed in the UI back to that folder.
"""

from __future__ import annotations

import io
import json
import os
import re
import secrets
import shutil
import subprocess
import zipfile
from pathlib import Path

from monev import config
from monev.db.endpoints import Endpoint

BI_DIR = config.REPO_ROOT / "bi" / "superset"
ASSETS_DIR = BI_DIR / "assets"
CONFIG_FILE = BI_DIR / "superset_config.py"
WAREHOUSE_URI_PLACEHOLDER = "postgresql+psycopg2://monev_bi@WAREHOUSE/warehouse"
DASHBOARD_SLUG = "monev"
ADMIN_USER = "admin"
STAFF_USER = "staf"  # read-only: the dashboard and monev's datasets (bi/superset/provision.py)
DEFAULT_PORT = 8088


class SupersetFailed(RuntimeError):
    """A Superset command failed; the message carries the end of its output."""


def venv() -> Path:
    """Superset's own virtualenv (``make bi`` creates it from ``bi/requirements.txt``)."""
    return Path(os.environ.get("MONEV_SUPERSET_VENV") or config.REPO_ROOT / ".venv-bi")


def home() -> Path:
    return config.private_dir(config.monev_home() / "superset")


def _password(user: str) -> str:
    """A user's password: ``MONEV_SUPERSET_<USER>_PASSWORD`` (compose), else made once and
    kept 0600 as ``MONEV_HOME/superset/<user>_password``."""
    path = home() / f"{user}_password"
    variable = f"MONEV_SUPERSET_{'STAFF' if user == STAFF_USER else user.upper()}_PASSWORD"
    if os.environ.get(variable):
        config.write_private(path, os.environ[variable])
    elif not path.exists():
        config.write_private(path, secrets.token_urlsafe(18))
    return path.read_text().strip()


def admin_password() -> str:
    return _password(ADMIN_USER)


def staff_password() -> str:
    return _password(STAFF_USER)


def _pgpass_field(value: str) -> str:
    return value.replace("\\", "\\\\").replace(":", "\\:")


def warehouse_uri(endpoint: Endpoint) -> str:
    """How Superset reaches the warehouse: as monev_bi, no password in the URI."""
    return WAREHOUSE_URI_PLACEHOLDER.replace("WAREHOUSE", f"{endpoint.host}:{endpoint.port}")


def environment(endpoint: Endpoint) -> dict[str, str]:
    """The environment of every Superset process: its settings, its secrets file (0600) and
    a libpq password file holding monev_bi's password only (0600)."""
    folder = home()
    secrets_file = folder / "secrets.json"
    stored = json.loads(secrets_file.read_text()) if secrets_file.exists() else {}
    stored.setdefault("secret_key", secrets.token_urlsafe(42))
    stored["metadata_uri"] = endpoint.url(config.SUPERSET_ROLE, config.SUPERSET_DB,
                                          driver="postgresql+psycopg2")
    config.write_private(secrets_file, json.dumps(stored, indent=2))
    pgpass = config.write_private(folder / "pgpass", ":".join(
        _pgpass_field(v) for v in (endpoint.host, str(endpoint.port), config.WAREHOUSE_DB,
                                   "monev_bi", endpoint.passwords["monev_bi"])) + "\n")
    return {
        **os.environ,
        "SUPERSET_CONFIG_PATH": str(CONFIG_FILE),
        "MONEV_SUPERSET_SECRETS": str(secrets_file),
        "PGPASSFILE": str(pgpass),
        "FLASK_APP": "superset",
        "SUPERSET_HOME": str(folder),
        "PYTHONWARNINGS": "ignore",
    }


def _run(command: list[str], env: dict[str, str]) -> str:
    if not Path(command[0]).exists():
        raise SupersetFailed(f"no {command[0]}: run `make bi` (it creates {venv()})")
    proc = subprocess.run(command, env=env, text=True, capture_output=True)
    if proc.returncode != 0:
        raise SupersetFailed(f"{' '.join(Path(c).name for c in command[:3])} failed:\n"
                             f"{proc.stdout[-3000:]}{proc.stderr[-3000:]}")
    return proc.stdout + proc.stderr


def superset(args: list[str], env: dict[str, str]) -> str:
    """``superset <args>`` from Superset's virtualenv; raises with its output on failure."""
    return _run([str(venv() / "bin" / "superset"), *args], env)


def bundle(endpoint: Endpoint) -> bytes:
    """The assets as the ZIP Superset imports, with the warehouse's address filled in."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for path in sorted(ASSETS_DIR.rglob("*.yaml")):
            text = path.read_text(encoding="utf-8")
            if path.parent.name == "databases":
                text = text.replace(WAREHOUSE_URI_PLACEHOLDER, warehouse_uri(endpoint))
            zf.writestr(f"monev_dashboard/{path.relative_to(ASSETS_DIR)}", text)
    return buffer.getvalue()


def setup(endpoint: Endpoint) -> Path:
    """Bring Superset's metadata up to date, make its admin, import the assets. Idempotent.
    Returns the folder of its files under ``MONEV_HOME``."""
    env = environment(endpoint)
    superset(["db", "upgrade"], env)
    superset(["init"], env)
    archive = home() / "assets.zip"
    config.write_private(archive, bundle(endpoint))
    _run([str(venv() / "bin" / "python"), str(BI_DIR / "provision.py"), str(archive),
          ADMIN_USER], {**env, "MONEV_SUPERSET_ADMIN_PASSWORD": admin_password(),
                        "MONEV_SUPERSET_STAFF_PASSWORD": staff_password()})
    return home()


def serve(endpoint: Endpoint, host: str = "127.0.0.1", port: int = DEFAULT_PORT,
          workers: int = 2) -> subprocess.Popen:
    """Superset's web server (gunicorn, as Superset's own images run it)."""
    env = environment(endpoint)
    return subprocess.Popen(
        [str(venv() / "bin" / "gunicorn"), "--workers", str(workers), "--threads", "4",
         "--worker-class", "gthread", "--timeout", "120", "--bind", f"{host}:{port}",
         "--access-logfile", str(home() / "access.log"), "superset.app:create_app()"],
        env=env)


def export(endpoint: Endpoint, folder: Path = ASSETS_DIR) -> list[Path]:
    """Write the dashboards as they now are in Superset to ``folder`` (by default
    ``bi/superset/assets``, replaced whole), the warehouse's address replaced by the
    placeholder; returns the files written."""
    env = environment(endpoint)
    archive = home() / "export.zip"
    superset(["export-dashboards", "--dashboard-file", str(archive)], env)
    shutil.rmtree(folder, ignore_errors=True)
    written = []
    with zipfile.ZipFile(archive) as zf:
        for name in zf.namelist():
            # Superset names files after row ids (Peringkat_mitra_3.yaml): not stable
            relative = Path(*Path(re.sub(r"_\d+(\.yaml)$", r"\1", name)).parts[1:])
            text = zf.read(name).decode("utf-8").replace(warehouse_uri(endpoint),
                                                         WAREHOUSE_URI_PLACEHOLDER)
            target = folder / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            written.append(target)
    archive.unlink()
    return written
