"""Peak memory of the build itself: a full warehouse build and the evaluation of a year,
each DAG run in this fresh process (``dag.test()``, dbt in-process), so that nothing
else the process did before (ingestion, a benchmark's own in-process baselines) counts.

    MONEV_HOME=<a world kept by scale.py --keep>/home .venv/bin/python benchmarks/build_memory.py

Needs that world's PostgreSQL running (``monev db start``). Drops the three facts first
so that the warehouse build is a full one (the run builds them again). ``scale.py`` runs
this after its incremental run. Prints one line per DAG: peak RSS (psutil, every 20 ms).
"""

from __future__ import annotations

import argparse
import threading
import time

import psutil
import psycopg


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--year", type=int, default=2025)
    year = parser.parse_args().year
    me, peak = psutil.Process(), [0]

    def sample() -> None:
        while True:
            peak[0] = max(peak[0], me.memory_info().rss)
            time.sleep(0.02)

    threading.Thread(target=sample, daemon=True).start()
    from monev.db.server import endpoint
    from monev.orchestration.local import prepare_airflow, run_dag

    with psycopg.connect(endpoint().url()) as conn:
        conn.execute("DROP TABLE IF EXISTS marts.fct_outcome, marts.fct_report,"
                     " marts.fct_commitment CASCADE")
    prepare_airflow()
    for dag_id, conf in (("monev_warehouse", {}),
                         ("monev_evaluate", {"year": year, "refresh_inputs": False})):
        peak[0] = 0
        started = time.perf_counter()
        run_dag(dag_id, conf)
        print(f"  {dag_id}: peak RSS {peak[0] / 2**20:,.0f} MiB "
              f"(wall {time.perf_counter() - started:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
