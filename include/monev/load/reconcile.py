"""Row-count reconciliation after a load: per file and sheet, and against raw itself."""

from __future__ import annotations

import psycopg

from monev.load.raw import ReconciliationError, assert_reconciled


def assert_run_reconciled(conninfo: str, airflow_run_id: str | None) -> dict:
    """Re-check every load of a run (all loads when ``airflow_run_id`` is None)."""
    with psycopg.connect(conninfo) as conn:
        load_ids = [r[0] for r in conn.execute(
            "SELECT DISTINCT load_id FROM audit.reconciliation"
            " WHERE %(run)s::text IS NULL OR airflow_run_id = %(run)s",
            {"run": airflow_run_id})]
        for load_id in load_ids:
            assert_reconciled(conn, load_id)
        totals = conn.execute(
            """SELECT coalesce(sum(rows_arrived), 0), coalesce(sum(rows_accepted), 0),
                      coalesce(sum(rows_unchanged), 0), coalesce(sum(rows_quarantined), 0),
                      coalesce(sum(rows_skipped), 0)
               FROM audit.reconciliation
               WHERE %(run)s::text IS NULL OR airflow_run_id = %(run)s""",
            {"run": airflow_run_id}).fetchone()
    arrived, accepted, unchanged, quarantined, skipped = (int(x) for x in totals)
    if arrived != accepted + unchanged + quarantined:
        raise ReconciliationError(f"run {airflow_run_id}: {arrived} arrived != {accepted} "
                                  f"accepted + {unchanged} unchanged + {quarantined} quarantined")
    return {"loads": len(load_ids), "arrived": arrived, "accepted": accepted,
            "unchanged": unchanged, "quarantined": quarantined, "skipped": skipped}
