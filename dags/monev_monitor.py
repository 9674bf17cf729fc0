"""
### monev_monitor — early warning during the year (docs/monitoring.md), write-audit-publish

On 16 January and 16 July at 02:00 Asia/Jakarta (the day after each due date), on the 1st
of every month, and on demand for any date `as_of` (default: the run's day in Jakarta):
1. an ingestion pass of the drop folder and a full sweep of the form API, then the
   warehouse models, then `templates`: the pre-filled report workbooks of the semester due
   next after D in each partner's outbox (once per register copy);
2. `build`: the monitoring's models and the evaluation models they read, for the year of
   D with cut-off D, in schema `monitoring_staging` (an evaluation in progress is not
   touched);
3. `gate`: reconciliation, the register checks and the monitoring's dbt tests; the verdict
   is stored in `audit.gate_result` (scope monitoring); if a check fails nothing changes;
4. `publish`: D's rows of `monitoring.early_warning` are replaced in one transaction;
5. `letters`: one letter per partner with a warning in `MONEV_HOME/outbox/<kode_mitra>/`,
   e-mailed to the reporters on file when the `monev_smtp` connection exists.
"""

from airflow.sdk import Param, dag, task
from airflow.timetables.trigger import MultipleCronTriggerTimetable
from cosmos import DbtTaskGroup

from monev.orchestration import assets, groups, tasks
from monev.orchestration.cosmos_config import MONITORING_MODELS, MONITORING_VARS, cosmos_configs


@dag(
    schedule=MultipleCronTriggerTimetable("0 2 16 1,7 *", "0 2 1 * *",
                                          timezone="Asia/Jakarta"),
    start_date=tasks.START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=tasks.DEFAULT_ARGS,
    tags=["monev", "monitoring"],
    doc_md=__doc__,
    params={
        "as_of": Param(None, type=["null", "string"], format="date",
                       description="the monitoring date; default the run's day in Jakarta"),
    },
)
def monev_monitor():
    @task
    def resolve_date(params=None, logical_date=None) -> dict:
        return tasks.resolve_monitoring_date(params, logical_date)

    inputs, warehouse = groups.refresh_inputs()
    build = DbtTaskGroup(group_id="build", **cosmos_configs(
        select=MONITORING_MODELS, tests=False,
        operator_args={"vars": MONITORING_VARS}))

    # a verdict, not a transient failure: never retried
    @task(retries=0, outlets=[assets.gate_result()])
    def gate(date: dict, run_id=None) -> str:
        return tasks.check_monitoring_gate(date, run_id)

    @task(inlets=[assets.gate_result()],
          outlets=[assets.table("monitoring", "early_warning")])
    def publish(date: dict, gate_id: str, run_id=None) -> int:
        return tasks.publish_monitoring(date, gate_id, run_id)

    @task(inlets=[assets.table("monitoring", "early_warning")])
    def letters(date: dict) -> dict:
        return tasks.write_and_send_letters(date)

    @task
    def templates(date: dict) -> dict:
        return tasks.write_partner_templates(date["as_of"])

    date = resolve_date()
    date >> inputs >> warehouse >> build
    warehouse >> templates(date)
    verdict = gate(date)
    build >> verdict
    publish(date, verdict) >> letters(date)


monev_monitor()
