"""An evaluation with nothing in it never publishes: files copied without their received
times all "arrive" today, after the cut-off; the gate says so and names them. A held
wave of form deletions fails the gate too."""

from __future__ import annotations

import shutil
import uuid

import psycopg
import pytest
from support.warehouse import WAREHOUSE_ONLY, query

from monev import config
from monev.evaluation.period import EvaluationPeriod
from monev.evaluation.publish import NotPassed, publish
from monev.load.drop import ingest_folder
from monev.quality.gate import run_gate
from monev.transform.dbt import dbt


def test_files_that_lost_their_received_times_fail_the_gate_naming_them(clean_scratch,
                                                                         tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    samples = sorted((config.SAMPLES_DIR / "drop").iterdir())
    for source in samples:
        shutil.copy(source, drop / source.name)  # a copy made today: every file is late
    ingest_folder(clean_scratch.url("monev_loader"), drop, "no-times")
    with psycopg.connect(clean_scratch.url("monev_loader")) as conn:
        conn.execute("INSERT INTO raw.kobo_sync (sync_id, asset_uid, mode, started_at, pages,"
                     " records_read, new_versions, deleted, complete, deletions_held)"
                     " VALUES (%s, 'aForm', 'full', now(), 1, 40, 0, 0, true, 25)",
                     [uuid.uuid4()])
    period = EvaluationPeriod.of(2025)
    dbt(["seed", "--quiet"], clean_scratch)
    dbt(["run", "--quiet", "--full-refresh", *WAREHOUSE_ONLY], clean_scratch)
    dbt(["run", "--quiet", "--select", "tag:evaluation"], clean_scratch, period.dbt_vars())

    result = run_gate(clean_scratch.url("monev_gate"), period, "no-times",
                      dbt_tests=False)
    failed = {c.name: c.examples for c in result.failed}
    assert not result.passed
    assert set(failed) == {"agreements_evaluated", "form_deletions_within_limits"}
    (empty,) = failed["agreements_evaluated"]
    assert f"{len(samples)} file(s) were received after the cut-off" in empty
    assert samples[0].name in empty
    assert "25 deletions held back" in failed["form_deletions_within_limits"][0]
    published = "SELECT count(*), max(published_at) FROM audit.publication"
    before = query(clean_scratch.url(), published)
    with pytest.raises(NotPassed):
        publish(clean_scratch.url("monev_transformer"), period, result.gate_id)
    assert query(clean_scratch.url(), published) == before  # nothing published
