"""
### monev_evaluate — the annual evaluation (docs/evaluation.md), write-audit-publish

On 1 February (02:00 Asia/Jakarta) for the previous year, and on demand for any `year`
and cut-off `as_of` (default 31 January of year + 1):
1. `refresh_inputs` (default true): an ingestion pass of the drop folder and a full sweep
   of the form API (files that arrived on 31 January are in), then the warehouse models;
2. `build`: dbt builds the evaluation in schema `evaluation_staging` (Cosmos, dbt vars);
3. `gate`: a Great Expectations checkpoint and the evaluation's dbt tests; the verdict is
   stored in `audit.gate_result`; if any check fails the run fails and nothing changes;
4. `publish`: the (year, as_of)'s rows in schema `evaluation` are replaced in one
   transaction (`audit.publication`);
5. `report`: the HTML report for Directorate staff, in Bahasa Indonesia; `rapor`: a report
   card for each partner with an evaluated agreement, in its outbox (e-mailed when SMTP
   is set).
"""

from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.sdk import Param, dag, task
from airflow.timetables.trigger import CronTriggerTimetable
from cosmos import DbtTaskGroup

from monev.orchestration import assets, groups, tasks
from monev.orchestration.cosmos_config import EVALUATION_VARS, cosmos_configs


@dag(
    schedule=CronTriggerTimetable("0 2 1 2 *", timezone="Asia/Jakarta"),
    start_date=tasks.START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=tasks.DEFAULT_ARGS,
    tags=["monev", "evaluation"],
    doc_md=__doc__,
    params={
        "year": Param(None, type=["null", "integer"], description="default: previous year"),
        "as_of": Param(None, type=["null", "string"], format="date",
                       description="cut-off date; default 31 January of year + 1"),
        "refresh_inputs": Param(True, type="boolean",
                                description="ingest and rebuild the warehouse first"),
    },
)
def monev_evaluate():
    @task
    def resolve_period(params=None, logical_date=None) -> dict:
        return tasks.resolve_period(params, logical_date)

    @task.branch
    def refresh_inputs(params=None) -> list[str]:
        if params["refresh_inputs"]:
            return groups.INPUT_TASK_IDS
        return ["inputs_current"]

    inputs, warehouse = groups.refresh_inputs()
    build = DbtTaskGroup(group_id="build", **cosmos_configs(
        select=["tag:evaluation"], tests=False,
        operator_args={"vars": EVALUATION_VARS, **tasks.AFTER_SKIPPABLE}))

    # a verdict, not a transient failure: never retried
    @task(retries=0, inlets=assets.evaluation_marts("evaluation_staging"),
          outlets=[assets.gate_result()])
    def gate(period: dict, run_id=None) -> str:
        return tasks.check_gate(period, run_id)

    @task(inlets=[*assets.evaluation_marts("evaluation_staging"), assets.gate_result(),
                  assets.table("evaluation_staging", "eval_trace")],
          outlets=[*assets.evaluation_marts(), assets.publication(),
                   assets.table("audit", "published_trace")])
    def publish(period: dict, gate_id: str, run_id=None) -> dict:
        return tasks.publish_evaluation(period, gate_id, run_id)

    @task(inlets=assets.evaluation_marts())
    def report(period: dict) -> str:
        return tasks.write_report(period)

    @task(inlets=assets.evaluation_marts())
    def rapor(period: dict) -> dict:
        return tasks.write_and_send_rapor(period)

    period = resolve_period()
    branch = refresh_inputs()
    current = EmptyOperator(task_id="inputs_current")
    period >> branch >> inputs >> warehouse >> build
    branch >> current >> build
    verdict = gate(period)
    build >> verdict
    publish(period, verdict) >> [report(period), rapor(period)]


monev_evaluate()
