"""
### monev_warehouse — the dbt star schema

Runs when the ingestion DAGs update raw tables (Assets), and on demand: Cosmos renders
the dbt project (staging, intermediate, marts; the evaluation has its own DAG) as one
Airflow task per model (a `dbt build` of the model and its tests) and one per test of two
models, loaded from the manifest `make` builds with
`dbt parse`, connecting as `monev_transformer`. First `snapshot_inputs` reads how far
each raw table has grown; a dbt task whose node is unchanged since its last successful
build (same code, no new rows in the raw tables it reads) is skipped; param `rebuild`
builds everything. Then `templates`: after a new register
copy, the pre-filled report workbooks of the semester due next, in each partner's outbox.
"""

from airflow.sdk import Param, task
from cosmos import DbtDag

from monev.orchestration import assets, tasks
from monev.orchestration.cosmos_config import INPUTS_TASK_ID, WAREHOUSE_EXCLUDE, cosmos_configs

monev_warehouse = DbtDag(
    dag_id="monev_warehouse",
    # every drop-folder load writes a receipt; every form sync a sync record
    schedule=(assets.raw("file_receipt") | assets.raw("kobo_sync")),
    start_date=tasks.START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=tasks.DEFAULT_ARGS,
    tags=["monev", "warehouse", "dbt"],
    doc_md=__doc__,
    params={"rebuild": Param(False, type="boolean",
                             description="Build every model, even those whose inputs did "
                                         "not change since their last build.")},
    **cosmos_configs(exclude=WAREHOUSE_EXCLUDE, skip_unchanged=True),
)


with monev_warehouse:
    # before every model: what the fingerprints of this run are taken from
    roots = list(monev_warehouse.roots)
    # after every model: the templates read the agreements and plans just built
    leaves = list(monev_warehouse.leaves)

    @task(task_id=INPUTS_TASK_ID)
    def snapshot_inputs() -> dict:
        return tasks.snapshot_warehouse_inputs()

    @task(trigger_rule="all_done")
    def templates(logical_date=None) -> dict:
        return tasks.write_partner_templates(None, logical_date)

    snapshot_inputs() >> roots
    leaves >> templates()
