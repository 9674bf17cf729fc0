"""National scale: generated data through the real pipeline, each figure beside a bare
baseline from the same run.

    .venv/bin/python benchmarks/scale.py [--scale 1.0] [--year 2025]

``--scale 1`` is 600 partners, 3,000 agreements, 5 years, about 1 million outcome rows
(workbooks and form records). Starts its own PostgreSQL under a throwaway MONEV_HOME,
serves the form records from a replay server (its own process), and prints:
ingestion rows/s (workbooks, forms) beside a bare calamine read and bare COPY; the full
build and evaluation of one year through Airflow, wall time and dbt/SQL time (from the
audit trail's run_results); the same after 1% new submissions; peak memory of every
process; plans and times of the BI queries; the peak memory of the build alone, each DAG
in a fresh process (``build_memory.py``).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import psutil
import psycopg
from baselines import python_calamine_read
from psycopg.types.string import TextLoader

BI_QUERIES = {
    "scorecards of a year": "SELECT * FROM evaluation.agreement_scorecard"
                            " WHERE tahun = %(year)s ORDER BY skor DESC",
    "partner scorecards of a year": "SELECT * FROM evaluation.partner_scorecard"
                                    " WHERE tahun = %(year)s",
    "targets vs achieved by bidang and province": None,  # analyses/targets_vs_achieved.sql
}


FIGURES: list[str] = []


def say(line: str = "") -> None:
    """A figure for the summary printed at the end (Airflow and dbt log a lot meanwhile)."""
    FIGURES.append(line)
    print(line, flush=True)


class MemorySampler(threading.Thread):
    """Peak RSS per process group (this process, its children, PostgreSQL) and per phase
    of the run, sampled every 0.2 s; phase None (the bare baselines, which run in this
    process) is not sampled."""

    def __init__(self, groups: dict[str, callable]):
        super().__init__(daemon=True)
        self.groups, self.peak, self.peak_total = groups, defaultdict(int), defaultdict(int)
        self.running, self.phase = True, "ingestion"
        self.timeline: list[tuple[float, int]] = []  # (time, RSS of this process)

    def run(self):
        me = psutil.Process()
        while self.running:
            if self.phase is not None:
                self.timeline.append((time.time(), me.memory_info().rss))
            for name, processes in self.groups.items():
                phase = self.phase
                if phase is None:
                    break
                total = 0
                for p in processes():
                    try:
                        rss = p.memory_info().rss
                    except psutil.Error:
                        continue
                    total += rss
                    self.peak[phase, name] = max(self.peak[phase, name], rss)
                self.peak_total[phase, name] = max(self.peak_total[phase, name], total)
            time.sleep(0.2)


def serve(records_path: Path, token: str, asset: str, queue) -> None:
    from monev.sources.kobo_replay import KoboReplayServer

    records = json.loads(records_path.read_text())
    server = KoboReplayServer(records, token, asset, page_cap=1000).start()
    queue.put(server.base_url)
    threading.Event().wait()


def start_replay(records_path: Path, token: str, asset: str):
    """The replay server in a fresh interpreter ("spawn": nothing inherited from Airflow,
    whose signal handlers would keep it alive); stop it with ``kill()``."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=serve, args=(records_path, token, asset, queue),
                              daemon=True)
    process.start()
    base_url = queue.get(timeout=600)
    # the DAG reaches it through its monev_kobo connection, as `monev run --kobo-url` does
    from monev.orchestration.connections import kobo_connection_json

    os.environ["AIRFLOW_CONN_MONEV_KOBO"] = kobo_connection_json(base_url, asset)
    return process, base_url


def bare_copy(url: str, table: str) -> tuple[int, float]:
    with psycopg.connect(url) as conn:
        conn.adapters.register_loader("jsonb", TextLoader)
        data = conn.execute(f"SELECT * FROM raw.{table}").fetchall()
        conn.execute(f"CREATE TEMP TABLE copy_probe (LIKE raw.{table})")
        t = time.perf_counter()
        with conn.cursor().copy("COPY copy_probe FROM STDIN") as copy:
            for row in data:
                copy.write_row(row)
        return len(data), time.perf_counter() - t


def bare_fetch(base_url: str, asset: str, token: str) -> tuple[int, float]:
    from monev.sources.kobo_client import KoboClient

    t, rows = time.perf_counter(), 0
    for page in KoboClient(base_url, asset, token).pages():
        rows += len(page.results)
    return rows, time.perf_counter() - t


def dbt_time(url: str, run_id: str) -> dict:
    """dbt's own timing of one Airflow run, from the audit trail: the SQL of models and of
    tests (each node's execution_time), and whole invocations (elapsed_time, which adds
    dbt's start-up, parse and connection per task)."""
    nodes = query(url, """
        SELECT r->>'unique_id', (r->>'execution_time')::numeric
        FROM audit.dbt_invocation AS i, jsonb_array_elements(i.run_results->'results') AS r
        WHERE i.airflow_run_id = %s""", [run_id])
    [(elapsed,)] = query(url, "SELECT coalesce(sum((run_results->>'elapsed_time')::numeric),"
                              " 0) FROM audit.dbt_invocation WHERE airflow_run_id = %s",
                         [run_id])
    models = [(float(t), n) for n, t in nodes if not n.startswith(("test.", "unit_test."))]
    tests = [float(t) for n, t in nodes if n.startswith(("test.", "unit_test."))]
    top = ", ".join(f"{n.split('.')[-1]} {t:.1f}s" for t, n in sorted(models, reverse=True)[:4])
    return {"models": sum(t for t, _ in models), "tests": sum(tests),
            "invocations": float(elapsed), "top": top}


def task_memory(run, timeline: list[tuple[float, int]]) -> str:
    """The tasks after which this process held most memory: its RSS just after each task
    less just before it (``dag.test`` runs tasks one after another in this process), and
    its peak during the task. Coarser than tracemalloc, but it sees dbt's C extensions and
    PostgreSQL's client buffers too."""
    held = []
    for ti in run.get_task_instances():
        if not (ti.start_date and ti.end_date):
            continue
        start, end = ti.start_date.timestamp(), ti.end_date.timestamp()
        before = [rss for t, rss in timeline if t <= start]
        during = [rss for t, rss in timeline if start <= t <= end + 0.5]
        if before and during:
            held.append((during[-1] - before[-1], max(during), ti.task_id))
    if not held:
        return "(no samples)"
    _, peak, task = max(held, key=lambda h: h[1])
    return ", ".join(f"{task} {grew / 2**20:+,.0f} MiB (peak {peak / 2**20:,.0f})"
                     for grew, peak, task in sorted(held, reverse=True)[:5]) + \
        f"; highest peak: {task} {peak / 2**20:,.0f} MiB"


def describe(name: str, run, t: dict, timeline: list, full: dict | None = None) -> str:
    """A DAG run's wall time beside dbt's own time, and where the rest of it went."""
    share = f" = {100 * t['models'] / full['models']:.0f}% of the full build's " \
            f"{full['models']:.1f} s" if full else ""
    skipped = {ti.task_id for ti in run.get_task_instances() if str(ti.state) == "skipped"}
    tasks = sorted((secs, task) for task, secs in task_seconds(run).items()
                   if task not in skipped)
    slowest = ", ".join(f"{task} {secs:.1f}s" for secs, task in reversed(tasks[-5:]))
    return (f"  {name}: wall {seconds(run):.0f} s | dbt models' SQL {t['models']:.1f} s{share} | "
            f"dbt tests {t['tests']:.1f} s | dbt invocations in all {t['invocations']:.0f} s"
            f"\n    slowest models: {t['top']}"
            f"\n    slowest tasks ({len(tasks)} ran, {len(skipped)} skipped): "
            f"{slowest}"
            f"\n    memory held after a task (this process): {task_memory(run, timeline)}")


def query(url: str, sql: str, params=None) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(sql, params).fetchall()


def task_seconds(run) -> dict[str, float]:
    """Wall time of each task of a DAG run that ran."""
    return {ti.task_id: (ti.end_date - ti.start_date).total_seconds()
            for ti in run.get_task_instances() if ti.start_date and ti.end_date}


def seconds(run, task_id: str | None = None) -> float:
    """Wall time of a DAG run, or of one of its tasks."""
    if task_id is None:
        return (run.end_date - run.start_date).total_seconds()
    return task_seconds(run)[task_id]


def explain(url: str, year: int) -> list[str]:
    from monev.transform.dbt import dbt, target_dir

    out = []
    dbt(["compile", "--quiet", "--select", "targets_vs_achieved"])
    analysis = target_dir() / "compiled" / "monev" / "analyses" / "targets_vs_achieved.sql"
    with psycopg.connect(url) as conn:
        for name, sql in BI_QUERIES.items():
            sql = sql or analysis.read_text().replace("%", "%%")
            plan = conn.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, {"year": year}) \
                .fetchone()[0][0]
            nodes, stack = [], [plan["Plan"]]
            while stack:
                node = stack.pop()
                nodes.append(node["Node Type"] + (f" on {node['Relation Name']}"
                                                  if "Relation Name" in node else "")
                             + (f" using {node['Index Name']}" if "Index Name" in node else ""))
                stack.extend(node.get("Plans", []))
            out.append(f"  {name}: {plan['Execution Time']:.1f} ms; "
                       f"{'; '.join(n for n in nodes if 'Scan' in n)}")
    return out


def fresh_build_memory(year: int) -> str:
    """The peak RSS of the full build and of the evaluation, each in a process that did
    nothing before: this process's own peaks include its ingestion and its baselines."""
    done = subprocess.run([sys.executable, str(Path(__file__).with_name("build_memory.py")),
                           "--year", str(year)], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"build_memory.py failed: {done.stderr[-3000:]}")
    return "\n".join(line for line in done.stdout.splitlines() if "peak RSS" in line)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="monev-scale-"))
    os.chmod(work, 0o755)
    os.environ["MONEV_HOME"] = str(work / "home")
    (work / "home").mkdir()
    from monev.db.cluster import EmbeddedPostgres
    from monev.generate.world import generate
    from monev.orchestration.cosmos_config import INPUTS_TASK_ID
    from monev.orchestration.local import prepare_airflow, run_dag

    say(f"machine: {os.cpu_count()} cores, "
          f"{psutil.virtual_memory().total / 2**30:.1f} GiB RAM; scale {args.scale}")
    t = time.perf_counter()
    data = work / "data"
    made = generate(data, round(600 * args.scale), round(3000 * args.scale), 5, seed=1,
                    outcomes=round(1_000_000 * args.scale))
    say(f"generated in {time.perf_counter() - t:.0f} s: {made['drop_files']} files, "
          f"{made['workbook_rows']} workbook outcome rows, {made['form_records']} form "
          f"records ({made['increment_files']} files and {made['increment_form_records']} "
          f"records held back for the incremental run)")

    cluster = EmbeddedPostgres(work / "home")
    endpoint = cluster.start()
    url = endpoint.url()
    token, asset = "bench-token", "aBench"
    os.environ["MONEV_KOBO_TOKEN"] = token
    replay, kobo_url = start_replay(data / "kobo" / "records.json", token, asset)
    me = psutil.Process()
    postmaster = psutil.Process(int((Path(cluster.data_dir) / "postmaster.pid")
                                    .read_text().split()[0]))
    sampler = MemorySampler({
        "monev (Airflow dag.test, tasks, dbt in-process)": lambda: [me],
        "subprocesses (dbt, OpenLineage forks, the form replay server)":
            lambda: me.children(recursive=True),
        "PostgreSQL (server and backends)": lambda: [postmaster, *postmaster.children()],
    })
    sampler.start()
    try:
        prepare_airflow()
        drop = data / "drop"
        runs = {"ingest_drop": run_dag("monev_ingest_drop", {"drop_url": drop.as_uri()}),
                "ingest_kobo": run_dag("monev_ingest_kobo", {"full_sweep": True})}
        [(wb_rows,)] = query(url, "SELECT sum(rows_arrived) FROM audit.reconciliation"
                                  " WHERE source = 'drop'")
        [(form_rows,)] = query(url, "SELECT sum(rows_arrived) FROM audit.reconciliation"
                                    " WHERE source = 'kobo'")
        sampler.phase = None
        cal_rows, cal_s = python_calamine_read(drop)
        copy_rows, copy_s = bare_copy(url, "realisasi_row")
        fetch_rows, fetch_s = bare_fetch(kobo_url, asset, token)
        kcopy_rows, kcopy_s = bare_copy(url, "kobo_record")
        sampler.phase = "full build and evaluation"
        say("\ningestion (through Airflow: dag.test, monev_loader; the loading task):")
        drop_s = seconds(runs["ingest_drop"], "load_new_files")
        form_s = seconds(runs["ingest_kobo"], "sync_form_records")
        say(f"  workbooks: {wb_rows} data rows in {drop_s:.1f} s = {wb_rows / drop_s:,.0f} "
            f"rows/s | bare calamine read of every sheet: {cal_rows / cal_s:,.0f} rows/s = "
            f"{wb_rows / drop_s / (cal_rows / cal_s):.0%} | bare COPY: "
            f"{copy_rows / copy_s:,.0f} rows/s")
        say(f"  forms: {form_rows} records in {form_s:.1f} s = {form_rows / form_s:,.0f} "
            f"rows/s | bare API fetch: {fetch_rows / fetch_s:,.0f} rows/s = "
            f"{form_rows / form_s / (fetch_rows / fetch_s):.0%} | bare COPY: "
            f"{kcopy_rows / kcopy_s:,.0f} rows/s")
        say(f"  whole DAG runs (with reconciliation and the partners' receipts): drop folder "
            f"{seconds(runs['ingest_drop']):.0f} s, forms {seconds(runs['ingest_kobo']):.0f} s")

        full = {"warehouse": run_dag("monev_warehouse"),
                "evaluate": run_dag("monev_evaluate", {"year": args.year,
                                                       "refresh_inputs": False})}
        say(f"\nfull build + evaluation of {args.year} (through Airflow):")
        full_time = {name: dbt_time(url, run.run_id) for name, run in full.items()}
        for name, run in full.items():
            say(describe(name, run, full_time[name], sampler.timeline))
        total = sum(seconds(r) for r in full.values())
        say(f"  total {total:.0f} s ({total / 60:.1f} min; target <= 10 min)")
        [(size,)] = query(url, "SELECT pg_size_pretty(pg_database_size('warehouse'))")
        [(outcomes,)] = query(url, "SELECT count(*) FROM marts.fct_outcome")
        say(f"  warehouse database {size}; marts.fct_outcome {outcomes:,} rows")

        for path in (data / "increment" / "drop").iterdir():
            shutil.copy2(path, drop / path.name)
        replay.kill()
        combined = json.loads((data / "kobo" / "records.json").read_text()) + json.loads(
            (data / "increment" / "kobo" / "records.json").read_text())
        (data / "all_records.json").write_text(json.dumps(combined))
        del combined
        replay, kobo_url = start_replay(data / "all_records.json", token, asset)
        sampler.phase = "incremental run"
        incremental = {
            "ingest_drop": run_dag("monev_ingest_drop", {"drop_url": drop.as_uri()}),
            "ingest_kobo": run_dag("monev_ingest_kobo", {}),
            "warehouse": run_dag("monev_warehouse"),
            "evaluate": run_dag("monev_evaluate", {"year": args.year,
                                                   "refresh_inputs": False})}
        say("\nincremental run after 1% new submissions:")
        for name in ("warehouse", "evaluate"):
            say(describe(name, incremental[name], dbt_time(url, incremental[name].run_id),
                         sampler.timeline, full_time[name]))
        again = run_dag("monev_warehouse")
        dbt_tasks = [ti for ti in again.get_task_instances()
                     if ti.task_id not in (INPUTS_TASK_ID, "templates")]  # not dbt's
        skipped = sum(str(ti.state) == "skipped" for ti in dbt_tasks)
        say(f"  warehouse again, nothing new: wall {seconds(again):.0f} s, {skipped} of "
            f"{len(dbt_tasks)} dbt tasks skipped as unchanged")
        sampler.phase = None
        say("\nBI queries (EXPLAIN ANALYZE, as the owner):")
        say("\n".join(explain(url, args.year)))
        say("\nthe build alone, each DAG in a fresh process (benchmarks/build_memory.py;"
            " the facts dropped, so a full build):")
        say(fresh_build_memory(args.year))
    finally:
        sampler.running = False
        sampler.join()
        replay.kill()
        from airflow import settings

        settings.dispose_orm()  # before its database goes away
        cluster.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    say("\npeak memory (RSS), MiB: largest process / all processes of the group")
    for phase in ("ingestion", "full build and evaluation", "incremental run"):
        say(f"  {phase}:")
        for name in sampler.groups:
            say(f"    {name}: {sampler.peak[phase, name] / 2**20:,.0f} / "
                f"{sampler.peak_total[phase, name] / 2**20:,.0f}")
    print("\n" + "=" * 30 + " summary " + "=" * 30 + "\n" + "\n".join(FIGURES))


if __name__ == "__main__":
    main()
