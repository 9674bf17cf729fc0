"""The benchmark scripts run, at a tiny scale, so that none rots unnoticed between two
`make bench` runs (their figures are in BENCHMARKS.md; nothing here times anything).
The national-scale script has its own, slower check in tests/stack."""

from __future__ import annotations

import re
import subprocess
import sys

from monev import config

BENCHMARKS = config.REPO_ROOT / "benchmarks"


def run(script: str, *args: str) -> str:
    done = subprocess.run([sys.executable, str(BENCHMARKS / script), *args],
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def figures(out: str, heading: str, columns: int) -> dict[str, list[str]]:
    """The table under ``heading``: each line's name and its ``columns`` figures."""
    lines = out.split(heading, 1)[1].strip().splitlines()
    table = {}
    for line in lines:
        parts = line.rsplit(None, columns)
        if len(parts) != columns + 1 or not re.fullmatch(r"[0-9.]+", parts[-1]):
            break
        table[parts[0].strip()] = parts[1:]
    return table


def test_dag_parse_benchmark_times_every_dag_file_beside_an_empty_one():
    out = run("dag_parse.py", "--repeat", "1")
    timed = figures(out, "fresh process)", 1)
    assert set(timed) == {"(empty DAG file)", *(p.name for p in config.DAGS_DIR.glob("*.py"))}
    assert all(float(seconds) > 0 for [seconds] in timed.values())


def test_ingest_benchmark_loads_its_files_and_prints_each_figure_beside_its_baseline():
    out = run("ingest.py", "--files", "3", "--rows", "5")
    table = figures(out, "rows/s", 3)
    assert table["monev ingest (parse+validate+COPY+reconcile)"][0] == str(3 * (5 + 11))
    assert table["bare COPY of the same Realisasi rows"][0] == str(3 * 5)
    assert "bare pandas.read_excel(engine=calamine)" in table
    assert "bare python_calamine read (no pandas)" in table
    assert "monev ingest rate / bare calamine rate:" in out
    assert "same files, time of the bare read / time of monev ingest:" in out
    assert "peak RSS of the loader process" in out


def test_ingest_benchmark_loads_a_generated_world():
    out = run("ingest.py", "--world", "0.005")
    table = figures(out, "rows/s", 3)
    files = int(re.search(r"at scale 0.005: (\d+) files", out)[1])
    assert files > 10 and int(table["monev ingest (parse+validate+COPY+reconcile)"][0]) > files
