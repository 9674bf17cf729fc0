"""Lineage and the audit trail, on the session's end-to-end run through Airflow:
OpenLineage events from the tasks and from the dbt models Cosmos runs; each dbt
invocation, GX result and published trace kept, append-only, in schema audit."""

import hashlib
import json
from collections import defaultdict
from urllib.parse import urlsplit

import psycopg
import pytest
from support.warehouse import query

from monev import config
from monev.evaluation.period import EvaluationPeriod
from monev.orchestration.connections import configured_drop_url

PERIOD = EvaluationPeriod.of(2025)
AS_OF = PERIOD.as_of
SAMPLE = "NK/8/VI/2022/BNN"  # an MoU with outcomes from both channels and PKS members


def _lineage_graph() -> tuple[dict, dict]:
    """Edges dataset -> dataset through each COMPLETE job event, and each job's inputs."""
    from monev.orchestration.airflow_env import lineage_events_path

    edges, inputs = defaultdict(set), {}
    for line in lineage_events_path().read_text().splitlines():
        event = json.loads(line)
        if event.get("eventType") != "COMPLETE":
            continue
        ins = {d["name"] for d in event.get("inputs", [])}
        outs = {d["name"] for d in event.get("outputs", [])}
        if not ins and not outs:  # e.g. a dbt task skipped, its model unchanged: no lineage
            continue
        inputs[event["job"]["name"]] = ins
        for i in ins:
            edges[i] |= outs
    return edges, inputs


def _reachable(edges: dict, start: str) -> set:
    seen, todo = set(), [start]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def test_lineage_runs_from_the_drop_folder_and_form_tables_to_the_published_marts(e2e):
    edges, _ = _lineage_graph()
    # the configured folder (MONEV_DROP_URL, which `monev monitor` set to its --drop)
    drop_folder = urlsplit(configured_drop_url()).path
    assert drop_folder in edges, f"no lineage event reads the drop folder {drop_folder}"
    for start in (drop_folder, "warehouse.raw.kobo_record"):
        downstream = _reachable(edges, start)
        for mart in ("agreement_scorecard", "partner_scorecard", "bidang_progress",
                     "sleeping_agreements"):
            assert f"warehouse.evaluation.{mart}" in downstream, (start, mart)
    assert "warehouse.audit.published_trace" in _reachable(edges, drop_folder)


def test_lineage_events_name_each_marts_inputs_as_dbt_declares_them(e2e):
    """The dbt events Cosmos emits name exactly the relations each model refs; a model
    built with its tests (`dbt build`) also names what those tests read."""
    _, inputs = _lineage_graph()
    manifest = json.loads((config.DBT_PROJECT_DIR / "target" / "manifest.json").read_text())
    nodes = {**manifest["nodes"], **manifest["sources"]}

    def relations(ids) -> set[str]:
        return {f"{nodes[d]['database']}.{nodes[d]['schema']}."
                f"{nodes[d].get('identifier') or nodes[d].get('alias') or nodes[d]['name']}"
                for d in ids if d in nodes}

    for mart in ("agreement_scorecard", "fct_outcome", "stg_spreadsheet__realisasi_rows"):
        node = manifest["nodes"][f"model.monev.{mart}"]
        declared = relations(node["depends_on"]["nodes"])
        tested = relations(d for t in manifest["nodes"].values()
                           if t["resource_type"] == "test"
                           and t.get("attached_node") == node["unique_id"]
                           for d in t["depends_on"]["nodes"])
        # Cosmos names a model's task <model>_run, or <model>_model_build with its tests
        jobs = [job for job in inputs
                if job.split(".")[-1] in (f"{mart}_run", f"{mart}_model_build")]
        assert jobs, f"no lineage event for dbt model {mart}"
        for job in jobs:
            if job.endswith("_model_build"):
                assert declared <= inputs[job] <= declared | tested, (job, inputs[job])
            else:
                assert inputs[job] == declared, (job, inputs[job], declared)


def test_lineage_goes_to_an_http_backend_when_one_is_configured(monkeypatch):
    from monev.orchestration.airflow_env import openlineage_environment

    monkeypatch.setenv("MONEV_OPENLINEAGE_URL", "http://marquez:5000")
    transport = json.loads(openlineage_environment()["AIRFLOW__OPENLINEAGE__TRANSPORT"])
    assert transport == {"type": "http", "url": "http://marquez:5000",
                         "endpoint": "api/v1/lineage"}
    monkeypatch.delenv("MONEV_OPENLINEAGE_URL")
    transport = json.loads(openlineage_environment()["AIRFLOW__OPENLINEAGE__TRANSPORT"])
    assert transport["type"] == "file"
    assert transport["log_file_path"].startswith(str(config.monev_home()))


def test_every_dbt_invocation_of_a_run_is_in_the_audit_trail(e2e):
    run_id = e2e["runs"]["evaluate"].run_id
    invocations = query(e2e["url"], """
        SELECT i.airflow_task_id, i.command, i.manifest_sha256, i.run_results
        FROM audit.dbt_invocation AS i WHERE i.airflow_run_id = %s""", [run_id])
    by_task = {task: (command, sha, results) for task, command, sha, results in invocations}
    command, sha, results = by_task["build.agreement_scorecard_run"]
    assert command == "run"
    assert [(r["unique_id"], r["status"]) for r in results["results"]] == [
        ("model.monev.agreement_scorecard", "success")]
    project = (config.DBT_PROJECT_DIR / "target" / "manifest.json").read_bytes()
    assert sha == hashlib.sha256(project).hexdigest()
    [(stored,)] = query(e2e["url"], "SELECT manifest FROM audit.dbt_manifest"
                                    " WHERE manifest_sha256 = %s", [sha])
    assert "model.monev.agreement_scorecard" in stored["nodes"]
    # the gate's dbt tests (run outside Cosmos) are recorded with the run too
    gate_tests = [r for t, c, _, r in invocations if t is None and c == "test"]
    assert gate_tests and all(len(r["results"]) > 10 for r in gate_tests)
    # every model of the warehouse DAG built by its run, each task recorded once per try
    warehouse_run = e2e["runs"]["warehouse"].run_id
    built = {uid for (uid,) in query(e2e["url"], """
        SELECT r->>'unique_id'
        FROM audit.dbt_invocation AS i, jsonb_array_elements(i.run_results->'results') AS r
        WHERE i.airflow_run_id = %s AND r->>'unique_id' LIKE 'model.%%'""", [warehouse_run])}
    models = {uid for uid, n in json.loads(project)["nodes"].items()
              if n["resource_type"] == "model"
              and not {"evaluation", "monitoring"} & set(n["tags"])}
    assert built == models
    [(recorded, tasks)] = query(e2e["url"], """
        SELECT count(*), count(DISTINCT (airflow_task_id, try_number))
        FROM audit.dbt_invocation WHERE airflow_run_id = %s""", [warehouse_run])
    assert recorded == tasks >= len(models)


def test_gate_keeps_the_great_expectations_results(e2e):
    from monev.quality.checks import DATASETS

    [(gx_results, passed)] = query(e2e["url"], """
        SELECT g.gx_results, g.passed FROM audit.gate_result AS g
        JOIN audit.publication AS p USING (gate_id)
        WHERE p.airflow_run_id = %s""", [e2e["runs"]["evaluate"].run_id])
    assert passed and gx_results["success"] is True
    assert gx_results["statistics"]["evaluated_validations"] == len(DATASETS)


def _audit_tables(url: str) -> list[str]:
    return [t for (t,) in query(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'audit'"
                                     " ORDER BY 1")]


def test_every_audit_table_is_append_only_even_for_its_owner(e2e):
    tables = _audit_tables(e2e["url"])
    assert {"reconciliation", "gate_result", "publication", "dbt_invocation", "dbt_manifest",
            "published_trace"} <= set(tables)
    for table in tables:
        [(n,)] = query(e2e["url"], f"SELECT count(*) FROM audit.{table}")
        assert n > 0, f"audit.{table} is empty: the row trigger would not be exercised"
        for sql in (f"UPDATE audit.{table} SET {_first_column(e2e['url'], table)} = "
                    f"{_first_column(e2e['url'], table)}",
                    f"DELETE FROM audit.{table}", f"TRUNCATE audit.{table} CASCADE"):
            with psycopg.connect(e2e["url"]) as conn, pytest.raises(
                    psycopg.errors.InsufficientPrivilege, match="append-only"):
                conn.execute(sql)


def _first_column(url: str, table: str) -> str:
    [(column,)] = query(url, "SELECT column_name FROM information_schema.columns WHERE"
                             " table_schema = 'audit' AND table_name = %s AND ordinal_position = 1",
                        [table])
    return column


def test_published_trace_is_the_trace_of_the_latest_publication(e2e):
    [(latest,)] = query(e2e["url"], """SELECT publication_id FROM audit.publication
        WHERE tahun = 2025 AND as_of = %s ORDER BY published_at DESC LIMIT 1""", [AS_OF])
    shown = query(e2e["url"], "SELECT DISTINCT publication_id FROM audit.evaluation_trace"
                              " WHERE tahun = 2025 AND as_of = %s", [AS_OF])
    assert shown == [(latest,)]
    columns = "nomor_perjanjian, member_nomor, kind, channel, file_name, sheet, row_number," \
              " kobo_id, counts, reason"
    published = query(e2e["url"], f"SELECT {columns} FROM audit.evaluation_trace"
                                   f" WHERE tahun = 2025 AND as_of = %s", [AS_OF])
    built = query(e2e["url"], f"SELECT {columns} FROM evaluation_staging.eval_trace")
    assert published and sorted(published, key=str) == sorted(built, key=str)


def test_trace_of_a_sample_agreement_lists_exactly_its_source_rows(e2e):
    """Every realisasi / rencana aksi row of a 2025 workbook of the agreement or its PKS,
    and every version of its form records, counted or not, taken from raw directly."""
    from monev.lineage.trace import trace

    rows = trace(e2e["endpoint"].url("monev_transformer"), PERIOD, SAMPLE)
    members = [m for (m,) in query(e2e["url"], "SELECT member_nomor FROM"
                                   " evaluation_staging.eval_rollup WHERE nomor_perjanjian = %s",
                                   [SAMPLE])]
    expected_workbook = set(query(e2e["url"], """
        SELECT x.file_name, x.sheet, x.row_number
        FROM (SELECT load_id, file_name, sheet, row_number FROM raw.realisasi_row
              UNION ALL
              SELECT load_id, file_name, sheet, row_number FROM raw.rencana_aksi_row) AS x
        JOIN raw.report AS r USING (load_id)
        WHERE r.tahun = 2025 AND trim(r.nomor_perjanjian) = ANY(%s)""", [members]))
    expected_form = set(query(e2e["url"], """SELECT DISTINCT kobo_id FROM raw.kobo_record
        WHERE tahun = 2025 AND trim(nomor_perjanjian) = ANY(%s)""", [members]))
    got_workbook = {(r["file_name"], r["sheet"], r["row_number"])
                    for r in rows if r["channel"] == "workbook"}
    got_form = {(r["kobo_id"],) for r in rows if r["channel"] == "form"}
    assert got_workbook == expected_workbook and got_form == expected_form
    assert {r["counts"] for r in rows} == {True, False}  # counted and excluded, with reasons
    assert all(r["reason"] and r["received_at"] and r["load_id"] for r in rows)
    assert all(r["sha256"] for r in rows if r["channel"] == "workbook")
    assert all(r["kobo_uuid"] for r in rows if r["channel"] == "form")


def test_dbt_docs_site_has_the_lineage_graph_and_exposures(e2e):
    from monev.transform.dbt import generate_docs

    index = generate_docs(e2e["endpoint"])
    manifest = json.loads((index.parent / "manifest.json").read_text())
    catalog = json.loads((index.parent / "catalog.json").read_text())
    assert index.is_file() and str(index).startswith(str(config.monev_home()))
    # one file with the manifest and catalog inside: it opens from disk, no server
    assert index.name == "static_index.html" and '"exposure.monev.dasbor_bi_superset"' in \
        index.read_text(encoding="utf-8")
    bi = manifest["exposures"]["exposure.monev.dasbor_bi_superset"]
    assert "source.monev.evaluation.agreement_scorecard_latest" in bi["depends_on"]["nodes"]
    published = manifest["sources"]["source.monev.evaluation.agreement_scorecard"]
    assert published["columns"]["skor"]["description"].startswith("Score (skor) on a 0-100")
    assert "model.monev.agreement_scorecard" in catalog["nodes"]
