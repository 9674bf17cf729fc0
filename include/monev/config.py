"""Where monev keeps its state, and how it reaches its warehouse.

Everything an instance owns lives under ``MONEV_HOME`` (default ``.monev/`` in the
checkout): another ``MONEV_HOME`` is a fresh, independent instance.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent.parent
DBT_PROJECT_DIR = Path(os.environ.get("MONEV_DBT_PROJECT_DIR", REPO_ROOT / "dbt_project"))
# the manifest `make` builds with `dbt parse`: the project Cosmos renders and runs
DBT_MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"
DAGS_DIR = REPO_ROOT / "dags"
SAMPLES_DIR = PACKAGE_DIR / "sample_data"

WAREHOUSE_DB = "warehouse"
AIRFLOW_DB = "airflow"
SUPERSET_DB = "superset"  # Superset's own metadata (make bi); it reads the warehouse as monev_bi
OWNER_ROLE = "monev"
AIRFLOW_ROLE = "monev_airflow"
SUPERSET_ROLE = "monev_superset"
PIPELINE_ROLES = ("monev_loader", "monev_transformer", "monev_gate", "monev_bi", "monev_auditor")
READER_ROLES = ("monev_bi", "monev_auditor")  # people's tools: bounded, read-only
ALL_ROLES = (OWNER_ROLE, AIRFLOW_ROLE, SUPERSET_ROLE, *PIPELINE_ROLES)
# each application database and its owner (nothing else of monev's is in them)
APP_DATABASES = ((WAREHOUSE_DB, OWNER_ROLE), (AIRFLOW_DB, AIRFLOW_ROLE),
                 (SUPERSET_DB, SUPERSET_ROLE))


def whole_number(raw: str, minimum: int = 1, maximum: int | None = None) -> int:
    """``raw`` as a whole number in range; otherwise a ValueError saying what is allowed
    (``int()`` alone would accept any range and name no bounds)."""
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or value < minimum or (maximum is not None and value > maximum):
        bounds = f"from {minimum}" + (f" to {maximum}" if maximum is not None else " up")
        raise ValueError(f"{raw!r}: must be a whole number {bounds}")
    return value


def env_int(name: str, default: int, minimum: int = 1, maximum: int | None = None) -> int:
    """A whole-number setting from the environment; a wrong one stops naming the setting
    and its value."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return whole_number(raw, minimum, maximum)
    except ValueError as exc:
        raise ValueError(f"{name}={exc}") from None


def python_child_env() -> dict[str, str]:
    """The environment of a ``python -m monev...`` child process: this one's, with this
    process's import path, so that the child imports the same monev."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}


def monev_home() -> Path:
    """The instance folder; created on first use, readable by its owner only (reports name
    reporters; the folder holds the instance's passwords)."""
    home = Path(os.environ.get("MONEV_HOME") or REPO_ROOT / ".monev").expanduser().resolve()
    if not home.exists():
        home.mkdir(parents=True, mode=0o700, exist_ok=True)
        os.chmod(home, 0o700)  # whatever the umask
    return home


def private_dir(path: Path) -> Path:
    """A folder of outputs for the instance's owner only (0700)."""
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def write_private(path: Path, content: str | bytes) -> Path:
    """Write a file only its owner may read (0600), replacing it whole."""
    data = content.encode() if isinstance(content, str) else content
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return path


def airflow_home() -> Path:
    return monev_home() / "airflow"
