"""``make demo``: the main job on the bundled sample data, through real Airflow."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
from pathlib import Path

import psycopg

from monev import config
from monev.evaluation.period import EvaluationPeriod


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
                                        " WHERE in_latest_register",
        "partner rows (dim_partner)": "SELECT count(*) FROM marts.dim_partner",
        "form record versions": "SELECT count(*) FROM raw.kobo_record",
        "outcome rows (fct_outcome)": "SELECT count(*) FROM marts.fct_outcome",
    }
    with psycopg.connect(conninfo) as conn:
        return {k: conn.execute(q).fetchone()[0] for k, q in queries.items()}


DEMO_YEAR = 2025
DEMO_MONITORING_DATE = "2025-07-20"  # one of the dates the monitoring rules give on the samples


def serve_sample_form_records(samples: Path = config.SAMPLES_DIR):
    """The bundled form records behind a local stand-in for the KoboToolbox API, with a
    throwaway token in ``MONEV_KOBO_TOKEN`` (how a real token reaches monev too)."""
    import secrets

    from monev.sources.kobo_replay import KoboReplayServer

    token = secrets.token_urlsafe(24)
    os.environ["MONEV_KOBO_TOKEN"] = token
    records = json.loads((samples / "kobo" / "records.json").read_text())
    return KoboReplayServer(records, token).start()


def run_demo() -> int:
    from monev.db.server import ensure_running
    from monev.evaluation.export import export
    from monev.monitoring.date import MonitoringDate
    from monev.monitoring.publish import export as export_monitoring
    from monev.orchestration.local import prepare_airflow, run_monitoring, run_pipeline
    from monev.quality.gate import data_docs_index
    from monev.report.html import report_path

    home = config.monev_home()
    endpoint = ensure_running()
    period = EvaluationPeriod.of(DEMO_YEAR)
    drop = stage_samples(home / "demo" / "drop")
    print(f"staged {len(list(drop.iterdir()))} sample files in {drop}")
    server = serve_sample_form_records()
    prepare_airflow()  # before Airflow is imported for the progress listener
    from monev.orchestration.console import RunConsole

    monitored = MonitoringDate.of(DEMO_MONITORING_DATE)
    try:
        with RunConsole() as console:
            # monitoring first: the staff report of the evaluation summarises the latest
            # published early warning
            run_monitoring(drop, str(monitored), server.base_url, server.asset_uid,
                           on_dag=console.dag)
            run_pipeline(drop, period, kobo_url=server.base_url, kobo_asset=server.asset_uid,
                         on_dag=console.dag)
    finally:
        server.stop()
    letters = sorted((home / "outbox").glob(f"*/surat_peringatan_{monitored}.html"))
    print(f"  log of the run (Airflow, dbt, GX): {console.log_file}")
    out = home / "exports" / f"{period.year}_{period.as_of}"
    files = export(endpoint.url("monev_auditor"), period, out)
    print("\nmonev demo finished")
    for key, value in warehouse_counts(endpoint.url("monev_auditor")).items():
        print(f"  {key:32} {value}")
    early_warning = export_monitoring(endpoint.url("monev_auditor"), monitored,
                                      home / "exports" / f"monitoring_{monitored}")
    print(f"\n  early warning of {monitored}:      {early_warning}")
    print(f"  letters to partners ({len(letters)}):     {home / 'outbox'}")
    receipts = sorted((home / "outbox").glob("*/tanda_terima_*.html"))
    templates = sorted((home / "outbox").glob("*/Laporan_*.xlsx"))
    cards = sorted((home / "outbox").glob(f"*/rapor_{period.year}.html"))
    partner = home / "outbox" / "<kode_mitra>"
    print(f"  receipts ({len(receipts)}):  {partner}/tanda_terima_*.html")
    print(f"  report cards ({len(cards)}):  {partner}/rapor_{period.year}.html")
    print(f"  pre-filled templates ({len(templates)}):  {partner}/Laporan_*.xlsx")
    print(f"\n  evaluation {period}, exported marts:")
    for path in files:
        print(f"    {path}")
    report = report_path(period)
    print(f"  report for Directorate staff:  {report}")
    if report.with_suffix(".pdf").exists():
        print(f"    and for print (PDF):         {report.with_suffix('.pdf')}")
    print(f"  gate results (GX Data Docs):   {data_docs_index()}")
    print("  staff dashboard (Superset):    `make bi`, then "
          "http://127.0.0.1:8088/superset/dashboard/monev/")
    print("  dbt docs (one file, offline):  `make docs` -> "
          f"{home / 'dbt_docs' / 'static_index.html'}")
    print(f"\n  warehouse (read-only, BI):  {endpoint.url('monev_bi')}")
    print(f"  schemas: raw, audit, staging, marts, evaluation, monitoring  |  MONEV_HOME: {home}")
    print(f"  Airflow logs: {home / 'logs'}")
    return 0
