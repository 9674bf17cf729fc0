"""
### monev_ingest_kobo — form records from the KoboToolbox API

Hourly (and on demand): records with an `_id` above the highest held are read; once a day
(or when `full_sweep` is true) every record is re-read, so edits, review decisions and
deletions reach the warehouse too. A record version is stored only when its payload
changed; one transaction per API page, reconciled (arrived = accepted + unchanged +
quarantined). A sweep counts only when complete (every page well formed, as many records
as the API counts); a wave of deletions waits for `confirm_deletions`. The API is a
`monev_kobo*` connection (host = base URL, extra `asset_uid`, password = token;
`MONEV_KOBO_TOKEN` overrides the token): params choose the connection, never the host.
Each submission day of an agreement's records gets its receipt (tanda terima) in the
partner's outbox, e-mailed when SMTP is set.
"""

from airflow.sdk import Param, dag, task

from monev.orchestration import assets, groups, tasks
from monev.orchestration.connections import KOBO_CONN_PATTERN


@dag(
    schedule="@hourly",
    start_date=tasks.START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=tasks.DEFAULT_ARGS,
    tags=["monev", "ingestion"],
    doc_md=__doc__,
    params={
        "kobo_conn_id": Param("monev_kobo", type="string", pattern=KOBO_CONN_PATTERN,
                              description="the form API connection (monev_kobo*)"),
        "asset_uid": Param(None, type=["null", "string"], pattern="^[A-Za-z0-9]{1,64}$",
                           description="form asset; default: the connection's"),
        "full_sweep": Param(None, type=["null", "boolean"],
                            description="true: re-read every record; empty: once a day"),
        "confirm_deletions": Param(False, type="boolean",
                                   description="apply a held wave of deletions"),
    },
)
def monev_ingest_kobo():
    @task(inlets=[assets.form()], outlets=assets.kobo_tables(), **tasks.FORM_TASK_ARGS)
    def sync_form_records(params=None, run_id=None) -> dict:
        return tasks.sync_form_records(params, run_id)

    @task(inlets=assets.kobo_tables(), outlets=[assets.reconciliation()])
    def reconcile(summary: dict, run_id=None) -> dict:
        return tasks.check_reconciliation(run_id)

    reconcile(sync_form_records()) >> groups.receipts()


monev_ingest_kobo()
