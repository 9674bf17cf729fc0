"""``make demo``: the main job on the bundled sample data, through real Airflow."""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
from pathlib import Path

import psycopg

from monev import config


def stage_samples(target: Path, samples: Path = config.SAMPLES_DIR) -> Path:
    """Copy the sample drop files to ``target`` with their received times (received.csv):
    git keeps no file times, and a copy made today would fall after every cut-off."""
    target.mkdir(parents=True, exist_ok=True)
    with open(samples / "received.csv", newline="") as f:
        received = {row["file"]: dt.datetime.fromisoformat(row["received_at"])
                    for row in csv.DictReader(f)}
    for source in sorted((samples / "drop").iterdir()):
        copy = target / source.name
        shutil.copyfile(source, copy)
        when = received.get(source.name)
        if when is None:
            raise ValueError(f"received.csv has no time for {source.name}")
        os.utime(copy, (when.timestamp(), when.timestamp()))
    return target


def warehouse_counts(conninfo: str) -> dict[str, int]:
    queries = {
        "files received": "SELECT count(*) FROM raw.file_receipt",
        "rows quarantined": "SELECT count(DISTINCT (load_id, sheet, row_number))"
                            " FROM raw.quarantine WHERE scope = 'row'",
        "agreements (latest register)": "SELECT count(*) FROM marts.dim_agreement"
                                        " WHERE is_current",
        "partner rows (dim_partner)": "SELECT count(*) FROM marts.dim_partner",
    }
    with psycopg.connect(conninfo) as conn:
        return {k: conn.execute(q).fetchone()[0] for k, q in queries.items()}


def run_demo() -> int:
    from monev.db.cluster import EmbeddedPostgres
    from monev.runner import prepare_airflow, run_dag

    home = config.monev_home()
    if config.external_endpoint() is None:
        EmbeddedPostgres(home).start()
    drop = stage_samples(home / "demo" / "drop")
    print(f"staged {len(list(drop.iterdir()))} sample files in {drop}")
    prepare_airflow()
    run_dag("monev_ingest_drop", {"drop_url": drop.as_uri()})
    run_dag("monev_warehouse")
    endpoint = config.endpoint()
    print("\nmonev demo finished")
    for key, value in warehouse_counts(endpoint.url("monev_auditor")).items():
        print(f"  {key:32} {value}")
    print(f"\n  warehouse (read-only, BI):  {endpoint.url('monev_bi')}")
    print(f"  schemas: raw, audit, staging, marts  |  MONEV_HOME: {home}")
    print(f"  Airflow logs: {home / 'logs'}")
    return 0
