"""Bare baselines the benchmark scripts set monev's figures beside (one home for each)."""

from __future__ import annotations

import time
from pathlib import Path


def python_calamine_read(folder: Path) -> tuple[int, float]:
    """The reader itself, with no DataFrame: every sheet of every workbook in ``folder``
    as Python lists. Returns (rows, seconds)."""
    from python_calamine import CalamineWorkbook

    t, rows = time.perf_counter(), 0
    for path in sorted(folder.glob("*.xlsx")):
        wb = CalamineWorkbook.from_path(str(path))
        for name in wb.sheet_names:
            rows += len(wb.get_sheet_by_name(name).to_python())
    return rows, time.perf_counter() - t
