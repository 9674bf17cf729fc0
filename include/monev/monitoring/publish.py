"""Publishing a monitoring date: the early warning built for D in monitoring_staging
replaces D's rows of ``monitoring.early_warning`` in one transaction, through
``audit.publish_monitoring`` (the publisher role), which refuses a build its gate did not
pass; and exporting a published date as ``early_warning_<D>.csv``."""

from __future__ import annotations

import csv
import io
import uuid
from pathlib import Path

import psycopg

from monev import config
from monev.evaluation.export import format_cell
from monev.evaluation.publish import NotPublished, call_publisher
from monev.monitoring.date import MonitoringDate

COLUMNS = ("as_of", "nomor_perjanjian", "jenis", "kode_mitra", "nama_mitra", "kode", "detail",
           "tanggal_berakhir", "nama_pelapor", "email")


def publish(conninfo: str, date: MonitoringDate, gate_id: uuid.UUID | str,
            airflow_run_id: str | None = None) -> int:
    """Replace the published rows of ``date`` with the build the gate passed; returns
    their number. ``conninfo``: the warehouse as monev_transformer."""
    with psycopg.connect(conninfo) as conn:
        return call_publisher(conn, "publish_monitoring", gate_id, airflow_run_id)


def export(conninfo: str, date: MonitoringDate, out: Path) -> Path:
    """Write ``early_warning_<D>.csv`` of a published date (the evaluation's CSV rules:
    UTF-8, LF, minimal quoting, byte order of nomor_perjanjian then kode, empty for none,
    no cell a spreadsheet would run as a formula)."""
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(f"{out} is a file: --out names a folder for the CSV file")
    config.private_dir(out)
    with psycopg.connect(conninfo) as conn:
        if not conn.execute("SELECT 1 FROM audit.monitoring_publication WHERE as_of = %s",
                            [date.as_of]).fetchone():
            raise NotPublished(f"the monitoring of {date} was never published")
        rows = conn.execute(f"SELECT {', '.join(COLUMNS)} FROM monitoring.early_warning"
                            " WHERE as_of = %s", [date.as_of]).fetchall()
    rows.sort(key=lambda r: (r[1].encode(), r[5].encode()))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows([format_cell(c, v) for c, v in zip(COLUMNS, row, strict=True)]
                     for row in rows)
    return config.write_private(out / f"early_warning_{date}.csv", buffer.getvalue())
