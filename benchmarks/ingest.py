"""Drop-folder ingestion speed and memory, each beside a bare baseline from the same run.

    .venv/bin/python benchmarks/ingest.py [--files 100] [--rows 1000] [--world SCALE]

Makes its own data (partner workbooks of `--rows` Realisasi rows each), starts a scratch
PostgreSQL, and prints: workbook-to-raw rows/s beside bare `pandas.read_excel(engine=
"calamine")`, a bare python_calamine read, and bare COPY of the same rows, and peak
memory (RSS) of the loader at 10% and 100% of the files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import openpyxl
import pandas as pd
import psycopg
from psycopg.types.string import TextLoader

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from baselines import python_calamine_read  # noqa: E402
from support import workbooks as wbk  # noqa: E402

from monev.db.cluster import EmbeddedPostgres  # noqa: E402


def make_files(folder: Path, files: int, rows: int) -> int:
    folder.mkdir(parents=True)
    template = folder / "template.xlsx"
    wbk.report(template, rencana=[[i, "Pencegahan", "Sosialisasi", "x", "orang", 100,
                                   "Rp 1.000.000", "Jawa Barat"] for i in range(1, 11)],
               realisasi=[[n, n % 10 + 1, f"{n % 28 + 1:02d}/03/2025", f"Kegiatan {n}",
                           "Prov. Jawa Barat", "Bandung", "1.250", 30, "15.000.000,-",
                           "Keterbatasan anggaran", "", "https://example.go.id/b"]
                          for n in range(1, rows + 1)])
    when = dt.datetime(2025, 7, 1).timestamp()
    for i in range(files):
        target = folder / f"Laporan_B{i:04d}_2025_S1.xlsx"
        data = bytearray(template.read_bytes())
        target.write_bytes(bytes(data))
        # distinct bytes per file, so none is a duplicate: rewrite with a new Identitas
        wb = openpyxl.load_workbook(target)
        wb["Identitas"]["B3"] = f"NK/{i}/I/2025/BNN"  # row 3: Nomor Perjanjian
        wb.save(target)
        os.utime(target, (when + i, when + i))
    template.unlink()
    return files * (rows + 11)


LOADER = """
import resource, sys, time
from pathlib import Path
from monev.load.drop import ingest_folder
t = time.perf_counter()
results = ingest_folder(sys.argv[1], Path(sys.argv[2]), "bench")
secs = time.perf_counter() - t
rows = sum(r.rows["arrived"] for r in results)
print(rows, secs, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
      resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def run_loader(url: str, folder: Path) -> tuple[int, float, int, int]:
    """rows, seconds, peak RSS (KiB) of the loader and of its largest parsing process."""
    out = subprocess.run([sys.executable, "-c", LOADER, url, str(folder)], check=True,
                         capture_output=True, text=True).stdout.split()
    return int(out[0]), float(out[1]), int(out[2]), int(out[3])


def bare_calamine(folder: Path) -> tuple[int, float]:
    t = time.perf_counter()
    rows = 0
    for path in sorted(folder.glob("*.xlsx")):
        for frame in pd.read_excel(path, sheet_name=None, engine="calamine",
                                   header=None).values():
            rows += len(frame)
    return rows, time.perf_counter() - t


def bare_copy(url: str) -> tuple[int, float]:
    with psycopg.connect(url) as conn:
        conn.adapters.register_loader("jsonb", TextLoader)  # keep raw_values as text
        data = conn.execute("SELECT * FROM raw.realisasi_row").fetchall()
        conn.execute("CREATE TEMP TABLE copy_probe (LIKE raw.realisasi_row)")
        cols = len(data[0])
        t = time.perf_counter()
        with conn.cursor().copy("COPY copy_probe FROM STDIN") as copy:
            for row in data:
                copy.write_row(row[:cols])
        secs = time.perf_counter() - t
    return len(data), secs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--world", type=float, metavar="SCALE",
                        help="load the drop folder of a generated world at this scale (1 = "
                             "national) instead of --files workbooks of --rows rows")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="monev-bench-"))
    os.chmod(tmp, 0o755)
    cluster = EmbeddedPostgres(tmp / "home")
    (tmp / "home").mkdir()
    try:
        url_owner = cluster.start().url()
        url = cluster.endpoint().url("monev_loader")
        t = time.perf_counter()
        if args.world:
            from monev.generate.world import generate

            made = generate(tmp / "world", round(600 * args.world), round(3000 * args.world),
                            5, seed=1, outcomes=round(1_000_000 * args.world))
            (tmp / "world" / "drop").rename(tmp / "all")
            print(f"generated a world at scale {args.world}: {made['drop_files']} files "
                  f"in {time.perf_counter() - t:.1f}s")
        else:
            expected = make_files(tmp / "all", args.files, args.rows)
            print(f"generated {args.files} workbooks, {expected} data rows "
                  f"in {time.perf_counter() - t:.1f}s")
        tenth = tmp / "tenth"
        tenth.mkdir()
        every = sorted((tmp / "all").iterdir())
        for path in every[: max(1, len(every) // 10)]:
            shutil.copy2(path, tenth / path.name)

        calamine_rows, calamine_s = bare_calamine(tmp / "all")
        reader_rows, reader_s = python_calamine_read(tmp / "all")
        rows10, secs10, rss10, child10 = run_loader(url, tenth)
        with psycopg.connect(url_owner) as conn:  # start the 100% run from empty raw tables
            conn.execute("SET session_replication_role = replica")  # audit is append-only
            conn.execute("TRUNCATE raw.file_receipt, raw.quarantine, raw.report,"
                         " raw.rencana_aksi_row, raw.realisasi_row, audit.reconciliation")
        rows, secs, rss, child = run_loader(url, tmp / "all")
        copy_rows, copy_s = bare_copy(url_owner)
        print(f"\n{'measure':44} {'rows':>9} {'seconds':>9} {'rows/s':>10}")
        print(f"{'monev ingest (parse+validate+COPY+reconcile)':44} {rows:9d} {secs:9.2f} "
              f"{rows / secs:10.0f}")
        print(f"{'bare pandas.read_excel(engine=calamine)':44} {calamine_rows:9d} "
              f"{calamine_s:9.2f} {calamine_rows / calamine_s:10.0f}")
        print(f"{'bare python_calamine read (no pandas)':44} {reader_rows:9d} "
              f"{reader_s:9.2f} {reader_rows / reader_s:10.0f}")
        print(f"{'bare COPY of the same Realisasi rows':44} {copy_rows:9d} {copy_s:9.2f} "
              f"{copy_rows / copy_s:10.0f}")
        print(f"\nmonev ingest rate / bare calamine rate: "
              f"{(rows / secs) / (calamine_rows / calamine_s):.0%} (pandas), "
              f"{(rows / secs) / (reader_rows / reader_s):.0%} (python_calamine)")
        print(f"same files, time of the bare read / time of monev ingest: "
              f"{calamine_s / secs:.0%} (pandas), {reader_s / secs:.0%} (python_calamine; "
              "the workbooks only, every sheet)")
        print(f"peak RSS of the loader process: {rss10 / 1024:.0f} MiB at 10% of files "
              f"({rows10} rows), {rss / 1024:.0f} MiB at 100% ({rows} rows); of a parsing "
              f"process: {child10 / 1024:.0f} MiB, {child / 1024:.0f} MiB")
        print(f"(this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}"
              " MiB)")
    finally:
        cluster.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
