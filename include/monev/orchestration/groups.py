"""Tasks more than one DAG runs, defined once: refreshing the inputs before an evaluation
or a monitoring date is built (an ingestion pass of the drop folder, a full sweep of the
form API, then the warehouse models), and the partners' receipts after a load."""

from __future__ import annotations

from airflow.sdk import task

from monev.orchestration import assets, tasks

INPUT_TASK_IDS = ["ingest_drop_folder", "sweep_form_records"]


def receipts():
    """A task writing (and mailing) the receipts of what was loaded; it runs whatever
    became of the tasks before it: a file loaded is owed its receipt."""

    @task(task_id="receipts", trigger_rule="all_done", inlets=[assets.reconciliation()])
    def write_receipts() -> dict:
        return tasks.write_and_send_receipts()

    return write_receipts()


def refresh_inputs():
    """Adds the ingestion pass, the form sweep, the warehouse build and the receipts (after
    the warehouse, which resolves agreements to partners) to the DAG being defined;
    returns ([ingest, sweep], warehouse) to be wired by the DAG. The warehouse is one
    ``dbt build`` task here (``monev_warehouse`` shows it a task per model): no second
    render of the dbt graph when this DAG file is parsed, one dbt start-up when it runs."""

    @task(task_id=INPUT_TASK_IDS[0], inlets=[assets.drop_folder()],
          outlets=assets.drop_tables())
    def ingest_drop_folder(run_id=None) -> dict:
        return tasks.ingest_drop_folder(None, run_id)

    @task(task_id=INPUT_TASK_IDS[1], inlets=[assets.form()], outlets=assets.kobo_tables(),
          **tasks.FORM_TASK_ARGS)
    def sweep_form_records(run_id=None) -> dict:
        return tasks.sweep_form_records_if_configured(run_id)

    @task(task_id="warehouse", inlets=[*assets.drop_tables(), *assets.kobo_tables()],
          **tasks.AFTER_SKIPPABLE)
    def build_warehouse(ti=None) -> dict:
        return tasks.build_warehouse(ti)

    warehouse = build_warehouse()
    warehouse >> receipts()
    return [ingest_drop_folder(), sweep_form_records()], warehouse
