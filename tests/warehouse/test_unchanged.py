"""The fingerprints by which ``monev_warehouse`` leaves a model as it is: the code, and the
raw tables it reads unless it is a view without tests (the database side, with the check
that the relation is there: ``test_warehouse.py``)."""

from __future__ import annotations

from monev import config
from monev.transform.unchanged import COUNTED_BY, code_fingerprint, fingerprints, manifest

WATERMARKS = {"raw.a": "1:10", "raw.b": "2:20"}


def toy_manifest() -> dict:
    """raw.a → view v (no tests) → table t → view w (no tests); raw.b → view x (tested);
    table u reads v and raw.b; test y on t."""
    def node(kind, materialized=None):
        return {"resource_type": kind, "config": {"materialized": materialized}}

    nodes = {"model.p.v": node("model", "view"), "model.p.t": node("model", "table"),
             "model.p.w": node("model", "view"), "model.p.x": node("model", "view"),
             "model.p.u": node("model", "incremental"), "test.p.y": node("test", "test"),
             "test.p.on_x": node("test", "test")}
    parents = {"model.p.v": ["source.p.raw.a"], "model.p.t": ["model.p.v"],
               "model.p.w": ["model.p.t"], "model.p.x": ["source.p.raw.b"],
               "model.p.u": ["model.p.v", "source.p.raw.b"], "test.p.y": ["model.p.t"],
               "test.p.on_x": ["model.p.x"]}
    children: dict[str, list[str]] = {}
    for child, of in parents.items():
        for parent in of:
            children.setdefault(parent, []).append(child)
    sources = {f"source.p.raw.{t}": {"schema": "raw", "identifier": t} for t in "ab"}
    return {"nodes": nodes, "sources": sources, "parent_map": parents, "child_map": children}


def moved(before: dict, after: dict) -> set[str]:
    return {uid.split(".")[-1] for uid in before if before[uid] != after[uid]}


def test_new_rows_move_the_tables_and_tested_views_that_read_them_not_untested_views():
    graph = toy_manifest()
    before = fingerprints(graph, WATERMARKS, "code")
    assert None not in before.values()
    # raw.a grew: the rows of v and w follow by themselves (w, dropped with t's old copy, is
    # built again because it is gone: the relation check, test_warehouse.py)
    assert moved(before, fingerprints(graph, {**WATERMARKS, "raw.a": "1:11"}, "code")) \
        == {"t", "u", "y"}
    # raw.b grew: x's tests must read the new rows, u reads them
    assert moved(before, fingerprints(graph, {**WATERMARKS, "raw.b": "2:21"}, "code")) \
        == {"x", "u", "on_x"}
    # TRUNCATE gives a table a new file node
    assert moved(before, fingerprints(graph, {**WATERMARKS, "raw.b": "9:20"}, "code")) \
        == {"x", "u", "on_x"}
    assert moved(before, fingerprints(graph, WATERMARKS, "other code")) == set(
        uid.split(".")[-1] for uid in before)
    assert fingerprints(graph, WATERMARKS, "code") == before


def test_a_source_without_a_watermark_is_never_taken_as_unchanged():
    after = fingerprints(toy_manifest(), {"raw.a": "1:10"}, "code")
    assert {uid for uid, fingerprint in after.items() if fingerprint is None} == {
        "model.p.x", "model.p.u", "test.p.on_x"}


def watermarks_of(counts: dict[str, int]) -> dict[str, str]:
    """Each raw table's watermark, as source_watermarks gives it, for these counts."""
    return {table: f"1:{counts.get(counted, 1)}" for table, counted in COUNTED_BY.items()}


def test_on_the_project_new_form_records_leave_the_workbook_and_reference_models_alone():
    graph = manifest()
    before = fingerprints(graph, watermarks_of({}), "code")
    after = fingerprints(graph, watermarks_of({"raw.kobo_record": 2}), "code")
    assert {"dim_partner", "dim_partner_current", "dim_region", "dim_date", "dim_bidang",
            "dim_indicator", "provinsi", "stg_spreadsheet__register_rows",
            "int_outcomes_unioned"}.isdisjoint(moved(before, after))
    assert {"stg_kobo__record_versions", "dim_agreement", "fct_report", "fct_outcome",
            "fct_commitment"} <= moved(before, after)


def test_on_the_project_a_new_report_leaves_the_partner_master_models_alone():
    graph = manifest()
    before = fingerprints(graph, watermarks_of({}), "code")
    report = fingerprints(graph, watermarks_of({"raw.file_receipt": 2,
                                                "raw.file_receipt:partner_report": 2}), "code")
    assert {"dim_partner", "dim_partner_current", "int_partner_names", "dim_region",
            "stg_spreadsheet__register_rows", "int_outcomes_unioned"}.isdisjoint(
        moved(before, report))
    assert {"stg_spreadsheet__file_receipts", "stg_spreadsheet__reports", "dim_agreement",
            "dim_bidang", "dim_indicator", "fct_report", "fct_outcome", "fct_commitment",
            "eval_latest_copies"} <= moved(before, report)
    # a new partner-master copy, or a receipt of no kind with a copy's bytes
    master = fingerprints(graph, watermarks_of({"raw.file_receipt": 2,
                                                "raw.file_receipt:partner_master": 2}), "code")
    assert {"dim_partner", "int_partner_names", "dim_partner_current", "dim_agreement",
            "stg_spreadsheet__file_receipts"} <= moved(before, master)
    assert {"stg_spreadsheet__reports", "dim_bidang"}.isdisjoint(moved(before, master))


def test_the_code_fingerprint_follows_every_file_dbt_reads(tmp_path):
    project = tmp_path / "p"
    (project / "models").mkdir(parents=True)
    (project / "dbt_project.yml").write_text("name: p\n")
    (project / "models" / "a.sql").write_text("select 1")
    first = code_fingerprint(project)
    (project / "models" / "a.sql").write_text("select 2")
    second = code_fingerprint(project)
    (project / "macros").mkdir()
    (project / "macros" / "m.sql").write_text("{% macro m() %}{% endmacro %}")
    assert len({first, second, code_fingerprint(project)}) == 3
    assert code_fingerprint(config.DBT_PROJECT_DIR) == code_fingerprint(config.DBT_PROJECT_DIR)
