"""``monev run``: ingestion, warehouse and evaluation through Airflow, in order.

The same DAGs the scheduler runs, each executed with ``dag.test()``; the Asset-triggered
warehouse DAG is run explicitly after the ingestion DAGs.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from monev.runner import prepare_airflow, run_dag


def run_pipeline(drop: Path, year: int, as_of: dt.date | None = None,
                 kobo_url: str | None = None, kobo_asset: str | None = None) -> dict:
    """Ingest the drop folder (and sweep the form API when a URL is given), build the
    warehouse, evaluate and publish ``year``; returns the run of each DAG."""
    if not drop.is_dir():
        raise FileNotFoundError(f"drop folder {drop} does not exist or is not a folder")
    prepare_airflow()
    runs = {"ingest_drop": run_dag("monev_ingest_drop", {"drop_url": drop.resolve().as_uri()})}
    if kobo_url:
        runs["ingest_kobo"] = run_dag("monev_ingest_kobo", {
            "kobo_url": kobo_url, "asset_uid": kobo_asset, "full_sweep": True})
    runs["warehouse"] = run_dag("monev_warehouse")
    runs["evaluate"] = run_dag("monev_evaluate", {
        "year": year, "as_of": as_of.isoformat() if as_of else None,
        "refresh_inputs": False})  # the DAGs above just did
    return runs
