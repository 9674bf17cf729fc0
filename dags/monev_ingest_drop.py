"""
### monev_ingest_drop — drop-folder ingestion

Every 15 minutes (and on demand) every new file of the drop folder is recorded with its
received time (last-modified, Asia/Jakarta), size and sha256, parsed, and loaded into
`raw` in one transaction per file; bad rows and unreadable files go to `raw.quarantine`
with a reason. A file whose bytes were already received is recorded as a duplicate.
Then every load of the run is reconciled (arrived = accepted + quarantined), and each
file gets its receipt (tanda terima) in the partner's outbox, e-mailed when SMTP is set.
Publishes the raw tables as Assets: the warehouse build is scheduled on them.
"""

from airflow.sdk import Param, dag, task

from monev.orchestration import assets, groups, tasks


@dag(
    schedule="*/15 * * * *",
    start_date=tasks.START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=tasks.DEFAULT_ARGS,
    tags=["monev", "ingestion"],
    doc_md=__doc__,
    params={"drop_url": Param(None, type=["null", "string"],
                              description="drop folder URL; default MONEV_DROP_URL")},
)
def monev_ingest_drop():
    @task(inlets=[assets.drop_folder()], outlets=assets.drop_tables())
    def load_new_files(params=None, run_id=None) -> dict:
        return tasks.ingest_drop_folder(params.get("drop_url"), run_id)

    @task(inlets=assets.drop_tables(), outlets=[assets.reconciliation()])
    def reconcile(summary: dict, run_id=None) -> dict:
        return tasks.check_reconciliation(run_id)

    reconcile(load_new_files()) >> groups.receipts()


monev_ingest_drop()
