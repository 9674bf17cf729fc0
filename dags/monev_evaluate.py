"""
### monev_evaluate — the annual evaluation (evaluation.md)

On 1 February (Asia/Jakarta) for the previous year, and on demand for any `year` and
cut-off `as_of` (default 31 January of year + 1): dbt builds the four marts in schema
`evaluation_staging` (Cosmos, with the dbt tests), then `publish` replaces that
(year, as_of)'s rows in schema `evaluation` in one transaction and records it in
`audit.publication`.
"""

from airflow.sdk import Param, dag, task
from airflow.timetables.trigger import CronTriggerTimetable
from cosmos import DbtTaskGroup

from monev import orchestration as o


@dag(
    schedule=CronTriggerTimetable("0 2 1 2 *", timezone="Asia/Jakarta"),
    start_date=o.START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=o.DEFAULT_ARGS,
    tags=["monev", "evaluation"],
    doc_md=__doc__,
    params={
        "year": Param(None, type=["null", "integer"], description="default: previous year"),
        "as_of": Param(None, type=["null", "string"], format="date",
                       description="cut-off date; default 31 January of year + 1"),
    },
)
def monev_evaluate():
    @task
    def resolve_period(params=None, logical_date=None) -> dict:
        return o.evaluation_period(params, logical_date)

    build = DbtTaskGroup(
        group_id="build",
        operator_args={"vars": o.EVALUATION_VARS},
        **o.cosmos_configs(select=["tag:evaluation"]),
    )

    @task(outlets=o.evaluation_assets())
    def publish(period: dict, run_id=None) -> dict:
        return o.publish_evaluation(period, run_id)

    period = resolve_period()
    period >> build >> publish(period)


monev_evaluate()
