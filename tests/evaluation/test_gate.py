"""The gate: each check failing on its own blocks publication and leaves the published
marts (and so their export) byte-identical; a passing re-run publishes."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from urllib.parse import urlsplit

import psycopg
import pytest
from support.warehouse import empty_scratch, load_samples, query
from support.workbooks import REG_HEADER, register

from monev.evaluation.export import export
from monev.evaluation.period import EvaluationPeriod
from monev.evaluation.publish import NotBuilt, NotPassed, publish
from monev.load.drop import ingest_folder
from monev.quality.checks import CHECKS, DATASETS
from monev.quality.gate import (
    EVALUATION,
    data_docs_index,
    dbt_test_results,
    dbt_tests_target,
    run_gate,
    start_dbt_tests,
)
from monev.sources.parsers import parse_register
from monev.transform.dbt import dbt

PERIOD = EvaluationPeriod.of(2025)
LATEST_REGISTER = "daftar_kerja_sama_2026-01-20.xlsx"


@pytest.fixture(scope="module")
def world(scratch, tmp_path_factory):
    """The bundled samples, evaluated for 2025, gated and published once."""
    empty_scratch(scratch, "reconciliation", "publication", "gate_result")
    with psycopg.connect(scratch.url()) as conn:
        conn.execute("DELETE FROM evaluation.agreement_scorecard")
    work = tmp_path_factory.mktemp("gate")
    drop = work / "drop"
    load_samples(scratch, drop, "gate")
    evaluate(scratch)
    result = run_gate(scratch.url("monev_gate"), PERIOD, "baseline")
    assert result.passed, result.summary()
    publish(scratch.url("monev_transformer"), PERIOD, result.gate_id, "baseline")
    baseline = exported(scratch, work / "baseline")
    return {"endpoint": scratch, "drop": drop, "work": work, "baseline": baseline,
            "result": result, "copies": 0}


def evaluate(endpoint) -> None:
    dbt(["run", "--quiet", "--select", "tag:evaluation"], endpoint, PERIOD.dbt_vars())


def exported(endpoint, out) -> dict[str, bytes]:
    return {p.name: p.read_bytes()
            for p in export(endpoint.url("monev_auditor"), PERIOD, out)}


def register_rows(drop) -> list[list]:
    parsed = parse_register((drop / LATEST_REGISTER).read_bytes())
    keys = ["no", "nomor_perjanjian", "jenis", "nomor_induk", "mitra", "tanggal_tanda_tangan",
            "tanggal_berakhir", "ruang_lingkup", "unit_pelaksana", "status"]
    assert len(keys) == len(REG_HEADER)
    return [[r.raw[k] for k in keys] for r in parsed.sheets["register_row"].rows]


def drop_register(world, rows) -> None:
    """A new register copy, received after every earlier one and before the cut-off."""
    import os

    world["copies"] += 1
    n = world["copies"]
    path = register(world["drop"] / f"daftar_kerja_sama_copy_{n:02d}.xlsx", rows, titles=n)
    when = dt.datetime(2026, 1, 21, tzinfo=dt.UTC) + dt.timedelta(hours=n)
    os.utime(path, (when.timestamp(), when.timestamp()))
    ingest_folder(world["endpoint"].url("monev_loader"), world["drop"], f"copy-{n}")
    evaluate(world["endpoint"])


def assert_blocked(world, check: str, tmp_path) -> dict:
    endpoint = world["endpoint"]
    result = run_gate(endpoint.url("monev_gate"), PERIOD, "fault",
                      dbt_tests=False)
    failed = {c.name: c for c in result.failed}
    assert not result.passed and check in failed, result.summary()
    assert failed[check].count >= 1 and failed[check].examples
    with pytest.raises(NotPassed):
        publish(endpoint.url("monev_transformer"), PERIOD, result.gate_id, "fault")
    assert exported(endpoint, tmp_path / "after") == world["baseline"]
    [(stored,)] = query(endpoint.url(), "SELECT checks FROM audit.gate_result"
                                        " WHERE gate_id = %s", [result.gate_id])
    assert any(c["name"] == check and not c["passed"] for c in stored)
    return failed[check].__dict__


def assert_passes_and_publishes(world) -> None:
    endpoint = world["endpoint"]
    result = run_gate(endpoint.url("monev_gate"), PERIOD, "fixed",
                      dbt_tests=False)
    assert result.passed, result.summary()
    publish(endpoint.url("monev_transformer"), PERIOD, result.gate_id, "fixed")


def test_baseline_gate_ran_gx_and_dbt_checks(world):
    sources = {c.source for c in world["result"].checks}
    assert sources == {"great_expectations", "dbt"}
    assert world["result"].data_docs.endswith("index.html")


LOADED = re.compile(r'<(?:link|script|img)\b[^>]*?\b(?:href|src)="([^"]+)"')


def test_data_docs_open_offline_and_say_what_each_check_means(world):
    """Nothing a page loads comes from the network (styles, scripts, fonts, images are in
    the site), and each check reads as its rule, not as GX's "values must be null"."""
    site = data_docs_index().parent
    pages = list(site.rglob("*.html"))
    assert len(pages) > len(DATASETS)
    for page in pages:
        for address in LOADED.findall(page.read_text(encoding="utf-8")):
            assert "://" not in address and not address.startswith("//"), (page, address)
            local = (page.parent / address.split("?")[0]).resolve()
            assert local.is_file(), (page.name, address)
    fonts = site / "static" / "vendor" / "@fortawesome" / "fontawesome-free" / "webfonts"
    assert list(fonts.glob("*.woff2"))
    validations = "".join(p.read_text(encoding="utf-8")
                          for p in (site / "validations").rglob("*.html"))
    for check in CHECKS:
        assert check.rule in html.unescape(validations), check.name
    assert "values must be null" not in validations


@pytest.mark.parametrize("check, fault", [
    ("register_numbers_unique", lambda rows: rows + [rows[0]]),
    ("register_end_not_before_signing",
     lambda rows: [rows[0][:6] + ["2000-01-01"] + rows[0][7:]] + rows[1:]),
    ("register_pks_parent_is_mou", lambda rows: [
        r[:3] + ["NK/999/BNN"] + r[4:] if r[2] == "PKS" else r for r in rows]),
    ("register_mitra_resolves",
     lambda rows: [rows[0][:4] + ["Mitra Tak Dikenal"] + rows[0][5:]] + rows[1:]),
])
def test_a_bad_register_blocks_publication(world, tmp_path, check, fault):
    rows = register_rows(world["drop"])
    drop_register(world, fault([list(r) for r in rows]))
    assert_blocked(world, check, tmp_path)
    drop_register(world, rows)  # a corrected copy arrives
    assert_passes_and_publishes(world)


def test_a_negative_value_reaching_the_marts_blocks_publication(world, tmp_path):
    with psycopg.connect(world["endpoint"].url()) as conn:  # simulated corruption
        conn.execute("UPDATE evaluation_staging.eval_commitment_items SET target = -5"
                     " WHERE ctid = (SELECT min(ctid) FROM evaluation_staging"
                     ".eval_commitment_items)")
    assert_blocked(world, "commitment_items.target_non_negative", tmp_path)
    evaluate(world["endpoint"])
    assert_passes_and_publishes(world)


def test_a_broken_reconciliation_blocks_publication(world, tmp_path):
    with psycopg.connect(world["endpoint"].url()) as conn:  # a row lost after loading
        row = conn.execute("DELETE FROM raw.realisasi_row WHERE ctid = (SELECT min(ctid)"
                           " FROM raw.realisasi_row) RETURNING *").fetchone()
    failure = assert_blocked(world, "reconciliation", tmp_path)
    assert "raw holds" in failure["examples"][0]
    with psycopg.connect(world["endpoint"].url()) as conn:
        conn.execute("INSERT INTO raw.realisasi_row VALUES (" + ", ".join(["%s"] * len(row))
                     + ")", [json.dumps(v) if isinstance(v, dict) else v for v in row])
    assert_passes_and_publishes(world)


def test_a_source_record_counted_twice_blocks_publication(world, tmp_path):
    with psycopg.connect(world["endpoint"].url()) as conn:  # a modelling bug, simulated
        conn.execute("INSERT INTO evaluation_staging.eval_submitted_outcomes SELECT * FROM"
                     " evaluation_staging.eval_submitted_outcomes WHERE is_counted LIMIT 1")
    assert_blocked(world, "source_records_once", tmp_path)
    evaluate(world["endpoint"])
    assert_passes_and_publishes(world)


def test_dbt_tests_that_could_not_run_are_an_error_never_an_earlier_runs_results(world):
    """dbt that ends before writing its results (here: the database unreachable) stops the
    gate naming why; results an earlier invocation left behind are never read as its own."""
    url = world["endpoint"].url("monev_gate")
    stale = dbt_tests_target(EVALUATION) / "run_results.json"
    stale.parent.mkdir(parents=True, exist_ok=True)
    stale.write_text(json.dumps({"metadata": {"invocation_id": "0"}, "results": [
        {"unique_id": "test.monev.not_null_x", "status": "pass", "failures": 0}]}))
    unreachable = re.sub(r":\d+/", ":1/", url)
    with pytest.raises(RuntimeError, match=r"ended without results(?s:.*)port 1 failed") as error:
        dbt_test_results(start_dbt_tests(unreachable, PERIOD), url)
    assert not stale.exists()
    assert urlsplit(url).password not in str(error.value)  # dbt gets it in its environment


def test_dbt_results_cut_short_are_an_error_naming_the_file(world):
    """A run_results.json that dbt left cut short (killed while writing it) stops the gate
    naming the file; nothing is recorded or read from it."""
    url = world["endpoint"].url("monev_gate")
    unreachable = re.sub(r":\d+/", ":1/", url)
    running = start_dbt_tests(unreachable, PERIOD)  # ends without writing results
    cut_short = dbt_tests_target(EVALUATION) / "run_results.json"
    invocation = "00000000-0000-4000-8000-00000000c0de"
    whole = json.dumps({"metadata": {"invocation_id": invocation}, "results": [
        {"unique_id": "test.monev.not_null_x", "status": "pass", "failures": 0}]})
    cut_short.write_text(whole[:len(whole) // 2])
    with pytest.raises(RuntimeError, match=r"left results that cannot be read \(.*"
                                           r"run_results\.json: JSONDecodeError"):
        dbt_test_results(running, url)
    assert not query(world["endpoint"].url(), "SELECT 1 FROM audit.dbt_invocation"
                                              " WHERE invocation_id = %s", [invocation])


def test_the_database_refuses_a_forged_verdict_and_a_build_changed_after_the_gate(world,
                                                                                   tmp_path):
    endpoint = world["endpoint"]
    with psycopg.connect(endpoint.url("monev_transformer")) as conn, \
            pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("INSERT INTO audit.gate_result (gate_id, tahun, as_of, passed, checks)"
                     " VALUES (gen_random_uuid(), 2025, '2026-01-31', true, '[]')")
    result = run_gate(endpoint.url("monev_gate"), PERIOD, "then-changed", dbt_tests=False)
    assert result.passed, result.summary()
    with psycopg.connect(endpoint.url("monev_transformer")) as conn:  # after the verdict
        conn.execute("UPDATE evaluation_staging.agreement_scorecard SET skor = 100")
    with pytest.raises(NotBuilt, match="changed since gate"):
        publish(endpoint.url("monev_transformer"), PERIOD, result.gate_id, "then-changed")
    assert exported(endpoint, tmp_path / "after") == world["baseline"]
    evaluate(endpoint)  # the build the gate checked, again
    publish(endpoint.url("monev_transformer"), PERIOD, result.gate_id, "same-again")
    assert exported(endpoint, tmp_path / "again") == world["baseline"]
