"""Where monev keeps its state, and how it reaches its warehouse.

Everything an instance owns lives under ``MONEV_HOME`` (default ``.monev/`` in the
checkout): another ``MONEV_HOME`` is a fresh, independent instance.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent.parent
DBT_PROJECT_DIR = Path(os.environ.get("MONEV_DBT_PROJECT_DIR", REPO_ROOT / "dbt_project"))
DAGS_DIR = REPO_ROOT / "dags"
SAMPLES_DIR = PACKAGE_DIR / "sample_data"

WAREHOUSE_DB = "warehouse"
AIRFLOW_DB = "airflow"
OWNER_ROLE = "monev"
AIRFLOW_ROLE = "monev_airflow"
PIPELINE_ROLES = ("monev_loader", "monev_transformer", "monev_bi", "monev_auditor")
ALL_ROLES = (OWNER_ROLE, AIRFLOW_ROLE, *PIPELINE_ROLES)


def monev_home() -> Path:
    """The instance folder; created on first use."""
    home = Path(os.environ.get("MONEV_HOME") or REPO_ROOT / ".monev").expanduser().resolve()
    home.mkdir(parents=True, exist_ok=True)
    return home


def airflow_home() -> Path:
    return monev_home() / "airflow"
