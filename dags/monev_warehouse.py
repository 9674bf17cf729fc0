"""
### monev_warehouse — the dbt star schema

Runs when the ingestion DAGs update raw tables (Assets), and on demand: Cosmos renders
the dbt project (staging, intermediate, marts; the evaluation has its own DAG) as one
Airflow task per model, seed and test, loaded from the manifest `make` builds with
`dbt parse`, connecting as `monev_transformer`.
"""

from cosmos import DbtDag

from monev.orchestration import assets, tasks
from monev.orchestration.cosmos_config import cosmos_configs

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
    **cosmos_configs(exclude=["tag:evaluation", "tag:monitoring"]),
)
