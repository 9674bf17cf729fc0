"""The national-scale benchmark runs at a tiny scale, end to end, so that it cannot rot
unnoticed between two `make bench` runs: generated data through the real DAGs, a full
build and evaluation, then the held-back submissions and the incremental run, then the
build alone in a fresh process (build_memory.py). Nothing
here times anything; BENCHMARKS.md holds the figures."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from monev import config

pytestmark = pytest.mark.stack


def test_scale_benchmark_runs_the_whole_chain_twice_and_prints_every_figure():
    done = subprocess.run([sys.executable, str(config.REPO_ROOT / "benchmarks" / "scale.py"),
                           "--scale", "0.005"], capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stderr[-3000:]
    summary = done.stdout.split(" summary ", 1)[1]
    workbooks = re.search(r"workbooks: (\d+) data rows", summary)
    forms = re.search(r"forms: (\d+) records", summary)
    assert workbooks and int(workbooks[1]) > 0 and forms and int(forms[1]) > 0
    for heading in ("bare calamine read", "bare API fetch", "full build + evaluation of 2025",
                    "incremental run after 1% new submissions", "BI queries",
                    "peak memory (RSS)", "the build alone, each DAG in a fresh process"):
        assert heading in summary, heading
    # build_memory.py: the full build and the evaluation again, each in a fresh process
    fresh = summary.split("each DAG in a fresh process", 1)[1]
    assert re.search(r"monev_warehouse: peak RSS [\d,]+ MiB", fresh)
    assert re.search(r"monev_evaluate: peak RSS [\d,]+ MiB", fresh)
    # each DAG's wall time beside its dbt time, in the full and the incremental run
    assert len(re.findall(r"warehouse: wall \d+ s", summary)) == 2
    assert len(re.findall(r"evaluate: wall \d+ s", summary)) == 2
    # and the warehouse once more with nothing new: every dbt task skipped
    again = re.search(r"nothing new: wall \d+ s, (\d+) of (\d+) dbt tasks skipped", summary)
    assert again and again[1] == again[2] != "0"
