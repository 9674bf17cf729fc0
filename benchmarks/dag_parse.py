"""Parse time of each DAG file, beside an empty DAG file (the floor).

    .venv/bin/python benchmarks/dag_parse.py [--repeat 3]

Each parse is a fresh process (as the dag-processor's are); Airflow is imported before
the clock starts. Needs the instance's database (`monev db start`).
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from monev import config
from monev.orchestration import airflow_env

EMPTY_DAG = '''
import datetime as dt
from airflow.sdk import dag
@dag(schedule=None, start_date=dt.datetime(2025, 1, 1), tags=["bench"])
def empty():
    pass
empty()
'''
PROBE = '''
import sys, time
from airflow.dag_processing.dagbag import DagBag
t = time.perf_counter(); bag = DagBag(dag_folder=sys.argv[1]); dt = time.perf_counter() - t
assert not bag.import_errors, bag.import_errors
print(dt)
'''


def parse_seconds(path: Path, repeat: int = 3) -> float:
    env = {**__import__("os").environ, **airflow_env.environment()}
    runs = [float(subprocess.run([sys.executable, "-c", PROBE, str(path)], env=env, check=True,
                                 capture_output=True, text=True).stdout.strip().splitlines()[-1])
            for _ in range(repeat)]
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    heading = f"parse s (median of {repeat}, fresh process)"
    with tempfile.TemporaryDirectory() as tmp:
        empty = Path(tmp) / "empty_dag.py"
        empty.write_text(EMPTY_DAG)
        print(f"{'file':32} {heading:>38}")
        print(f"{'(empty DAG file)':32} {parse_seconds(empty, repeat):38.3f}")
    for path in sorted(config.DAGS_DIR.glob("*.py")):
        print(f"{path.name:32} {parse_seconds(path, repeat):38.3f}")


if __name__ == "__main__":
    main()
