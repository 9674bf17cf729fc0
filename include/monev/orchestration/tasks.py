"""The task wrappers DAG files call: Airflow context (connections, params, run ids, XCom)
in, plain calls of monev functions out. No rule of the evaluation lives here."""

from __future__ import annotations

import datetime as dt
import os

from monev import config
from monev.evaluation.period import EvaluationPeriod
from monev.orchestration.connections import (
    auditor_url,
    configured_drop_url,
    gate_url,
    kobo_client,
    loader_url,
    transformer_url,
)

START_DATE = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
DEFAULT_ARGS = {
    "owner": "monev",
    "retries": 2,
    "retry_delay": dt.timedelta(minutes=1),
    "retry_exponential_backoff": True,
    "execution_timeout": dt.timedelta(hours=2),  # no task runs unbounded
}
# The form API client retries transient faults itself (honouring Retry-After): its tasks
# are not retried by Airflow on top of that.
FORM_TASK_ARGS = {"retries": 0, "execution_timeout": dt.timedelta(hours=1)}


# tasks after one that may be skipped (a branch not taken, no form API configured)
AFTER_SKIPPABLE = {"trigger_rule": "none_failed_min_one_success"}


def ingest_drop_folder(drop_url: str | None, run_id: str | None) -> dict:
    """Load every new file of the drop folder; returns a summary for the logs/XCom."""
    from airflow.sdk import ObjectStoragePath

    from monev.load.drop import ingest_folder

    if not drop_url and not os.environ.get("MONEV_DROP_URL"):
        (config.monev_home() / "drop").mkdir(exist_ok=True)  # the default local folder
    folder = ObjectStoragePath(drop_url or configured_drop_url())
    return summarise(ingest_folder(loader_url(), folder, run_id))


def summarise(results) -> dict:
    summary = {"files": len(results), "by_status": {}, "rows": {}, "quarantined": []}
    for r in results:
        summary["by_status"][r.status] = summary["by_status"].get(r.status, 0) + 1
        for key, n in r.rows.items():
            summary["rows"][key] = summary["rows"].get(key, 0) + n
        summary["quarantined"].extend(r.reasons)
    return summary


def sync_form_records(params: dict, run_id: str | None) -> dict:
    """New form records by ``_id``, or a full sweep (when asked, or once a day)."""
    client = kobo_client(params.get("kobo_conn_id"), params.get("asset_uid"))
    return _sync(client, params.get("full_sweep"), run_id,
                 bool(params.get("confirm_deletions")))


def sweep_form_records_if_configured(run_id: str | None) -> dict:
    """A full sweep of the form API; skipped when no form API is configured."""
    from airflow.sdk.exceptions import AirflowSkipException

    try:
        client = kobo_client()
    except ValueError as exc:
        raise AirflowSkipException(f"no form API configured: {exc}") from exc
    return _sync(client, True, run_id)


def _sync(client, full_sweep: bool | None, run_id: str | None,
          confirm_deletions: bool = False) -> dict:
    from monev.load.kobo import sync

    result = sync(loader_url(), client, run_id, full_sweep, confirm_deletions)
    return {"mode": result.mode, "pages": result.pages, "rows": dict(result.rows),
            "deleted": result.deleted, "deletions_held": result.deletions_held,
            "quarantined": result.reasons}


def build_warehouse(ti) -> dict:
    """The warehouse models and their tests in one dbt build, as monev_transformer, before
    a DAG builds its own models on them; recorded with the task that ran it."""
    from monev.lineage.audit_trail import AirflowRun
    from monev.transform.dbt import build_warehouse as build

    return build(transformer_url(), AirflowRun.of(ti), name=f"warehouse_{ti.dag_id}")


def snapshot_warehouse_inputs() -> dict:
    """The code and raw tables' watermarks every dbt task of this warehouse run takes its
    fingerprint from (:func:`monev.transform.unchanged.inputs_now`), as monev_transformer."""
    import psycopg

    from monev.transform.unchanged import inputs_now

    with psycopg.connect(transformer_url()) as conn:
        return inputs_now(conn)


def check_reconciliation(run_id: str | None) -> dict:
    """Every load of this run reconciles (arrived = accepted + unchanged + quarantined)."""
    from monev.load.reconcile import assert_run_reconciled

    return assert_run_reconciled(loader_url(), run_id)


def resolve_period(params: dict, logical_date) -> dict:
    """The period to evaluate, as XCom (see :meth:`EvaluationPeriod.for_run`)."""
    return EvaluationPeriod.for_run(params, logical_date).to_xcom()


def check_gate(period: dict, run_id: str | None) -> str:
    """The gate (GX checkpoint + the evaluation's dbt tests) on what was just built.
    The verdict is stored either way; a failed gate fails the task: nothing is published."""
    from monev.quality.gate import GateFailed, run_gate

    result = run_gate(gate_url(), EvaluationPeriod.from_xcom(period), run_id)
    if not result.passed:
        raise GateFailed(result)
    return str(result.gate_id)


def publish_evaluation(period: dict, gate_id: str, run_id: str | None) -> dict:
    """Replace the published rows of the period with the build the gate passed."""
    from monev.evaluation.publish import publish

    return publish(transformer_url(), EvaluationPeriod.from_xcom(period), gate_id, run_id)


def resolve_monitoring_date(params: dict, logical_date) -> dict:
    """The monitoring date D as XCom: the ``as_of`` param, else the run's day in Jakarta
    (a scheduled run at 02:00 WIB on 16 July monitors 16 July)."""
    from monev.evaluation.period import JAKARTA
    from monev.monitoring.date import MonitoringDate

    day = params.get("as_of") or (logical_date.astimezone(JAKARTA).date() if logical_date
                                  else None)
    date = MonitoringDate.of(day)
    return {"year": date.year, "as_of": date.as_of.isoformat()}


def check_monitoring_gate(date: dict, run_id: str | None) -> str:
    """The monitoring's gate (reconciliation, register checks, its dbt tests) on the build
    of the date; a failed gate fails the task: D's published rows stay as they were."""
    from monev.monitoring.date import MonitoringDate
    from monev.quality.gate import MONITORING, GateFailed, run_gate

    result = run_gate(gate_url(), MonitoringDate.of(date["as_of"]).period, run_id,
                      scope=MONITORING)
    if not result.passed:
        raise GateFailed(result)
    return str(result.gate_id)


def publish_monitoring(date: dict, gate_id: str, run_id: str | None) -> int:
    """Replace D's rows of monitoring.early_warning with the build the gate passed."""
    from monev.monitoring.date import MonitoringDate
    from monev.monitoring.publish import publish

    return publish(transformer_url(), MonitoringDate.of(date["as_of"]), gate_id, run_id)


def write_and_send_letters(date: dict) -> dict:
    """The letters of the published date in MONEV_HOME/outbox, e-mailed when the
    ``monev_smtp`` connection exists."""
    from monev import config
    from monev.monitoring.date import MonitoringDate
    from monev.monitoring.letters import write_letters
    from monev.orchestration.mail import send_letters, smtp_configured

    day = MonitoringDate.of(date["as_of"])
    letters = write_letters(transformer_url(), day, config.monev_home() / "outbox")
    sent = send_letters(letters, day.as_of, transformer_url()) if smtp_configured() else []
    return {"letters": [str(letter.path) for letter in letters], "sent_to": sent}


def _sent(documents) -> list[str]:
    """Mail partner documents when the ``monev_smtp`` connection exists."""
    from monev.orchestration.mail import send_documents, smtp_configured

    return send_documents(documents, transformer_url()) if smtp_configured() else []


def write_and_send_receipts() -> dict:
    """A receipt for every file and form day not yet given one, in MONEV_HOME/outbox,
    e-mailed when the ``monev_smtp`` connection exists."""
    from monev.partners.outbox import outbox
    from monev.partners.receipts import write_receipts

    receipts = write_receipts(transformer_url(), outbox())
    return {"receipts": [str(r.path) for r in receipts], "sent": _sent(receipts)}


def write_and_send_rapor(period: dict) -> dict:
    """The partners' report cards of the published period in MONEV_HOME/outbox, e-mailed
    when the ``monev_smtp`` connection exists."""
    from monev.partners.outbox import outbox
    from monev.partners.rapor import write_rapor

    cards = write_rapor(transformer_url(), EvaluationPeriod.from_xcom(period), outbox())
    return {"rapor": [str(c.path) for c in cards], "sent": _sent(cards)}


def write_partner_templates(day: str | None, logical_date=None) -> dict:
    """Pre-filled templates of the semester due next after ``day`` (else the run's day in
    Jakarta) in MONEV_HOME/outbox, once per register copy."""
    from monev.evaluation.period import JAKARTA, parse_date
    from monev.partners.outbox import outbox
    from monev.partners.prefilled import write_templates_once

    when = parse_date(day) if day else (logical_date or dt.datetime.now(dt.UTC)).astimezone(
        JAKARTA).date()
    return write_templates_once(transformer_url(), when, outbox())


def write_report(period: dict) -> str:
    """The staff report (HTML, Bahasa Indonesia) of the published period."""
    from monev.report.html import write_report as write

    return str(write(transformer_url(), EvaluationPeriod.from_xcom(period)))


def back_up_warehouse() -> str:
    """A backup of the warehouse as the auditor, keeping the newest ``MONEV_BACKUP_KEEP``
    in ``MONEV_BACKUP_DIR`` (default ``MONEV_HOME/backups``)."""
    from pathlib import Path

    from monev.db.backup import backup

    folder = os.environ.get("MONEV_BACKUP_DIR")
    return str(backup(auditor_url(), keep=config.env_int("MONEV_BACKUP_KEEP", 14),
                      folder=Path(folder) if folder else None))
