"""
### monev_backup — the warehouse backed up every night

At 01:00 Asia/Jakarta: `pg_dump` of database `warehouse` (custom format, with its grants)
as `monev_auditor` into `MONEV_HOME/backups` (or `MONEV_BACKUP_DIR`), keeping the newest
`MONEV_BACKUP_KEEP` (default 14). Restore one with `monev db restore FILE`.
"""

from airflow.sdk import dag, task
from airflow.timetables.trigger import CronTriggerTimetable

from monev.orchestration import tasks


@dag(
    schedule=CronTriggerTimetable("0 1 * * *", timezone="Asia/Jakarta"),
    start_date=tasks.START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=tasks.DEFAULT_ARGS,
    tags=["monev", "operations"],
    doc_md=__doc__,
)
def monev_backup():
    @task
    def back_up_warehouse() -> str:
        return tasks.back_up_warehouse()

    back_up_warehouse()


monev_backup()
