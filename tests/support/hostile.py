"""Hostile inputs for ingestion tests: workbooks that cost too much, and parse functions
that hang or die (run inside monev's parsing processes)."""

from __future__ import annotations

import os
import time
import zipfile
from collections.abc import Iterable
from pathlib import Path

import openpyxl

from support import workbooks as wbk


def with_member(source: Path, target: Path, member: str, chunks: Iterable[bytes]) -> Path:
    """A copy of an xlsx with one member's content replaced, written as it streams."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename == member:
                with out.open(member, "w", force_zip64=True) as stream:
                    for chunk in chunks:
                        stream.write(chunk)
            else:
                out.writestr(info, src.read(info.filename))
    return target


def realisasi_member(path: Path) -> str:
    wb = openpyxl.load_workbook(path)
    return f"xl/worksheets/sheet{wb.sheetnames.index('Realisasi') + 1}.xml"


def stray_cell_report(path: Path) -> Path:
    """A small valid report whose Realisasi sheet holds one stray cell at XFD1048576."""
    wbk.report(path, realisasi=[[1, 1, "2025-03-01", "x", "", "", 1, 1, 1, "", "", ""]])
    wb = openpyxl.load_workbook(path)
    wb["Realisasi"]["XFD1048576"] = "x"
    wb.save(path)
    return path


def million_row_report(path: Path, rows: int = 1_000_000) -> Path:
    """A report whose Realisasi sheet really has ``rows`` data rows."""
    base = wbk.report(path.with_suffix(".base.xlsx"))
    member = realisasi_member(base)

    def xml():
        yield (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
               b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
        batch = []
        for r in range(1, rows + 1):
            batch.append(b'<row r="%d"><c r="A%d"><v>1</v></c><c r="B%d"><v>1</v></c></row>'
                         % (r, r, r))
            if len(batch) == 10_000:
                yield b"".join(batch)
                batch = []
        yield b"".join(batch) + b"</sheetData></worksheet>"

    with_member(base, path, member, xml())
    base.unlink()
    return path


def zip_bomb_report(path: Path, megabytes: int = 400) -> Path:
    """A report of a few hundred KB whose Realisasi sheet unpacks to ``megabytes`` MB."""
    base = wbk.report(path.with_suffix(".base.xlsx"))
    block = b" " * (1024 * 1024)
    with_member(base, path, realisasi_member(base), (block for _ in range(megabytes)))
    base.unlink()
    return path


def ambiguous_sheets_report(path: Path) -> Path:
    """Sheets 'Realisasi' and 'Realisasi ' (trailing space): which one holds the rows?"""
    wbk.report(path, realisasi=[[1, 1, "2025-03-01", "x", "", "", 1, 1, 1, "", "", ""]])
    wb = openpyxl.load_workbook(path)
    wbk.sheet(wb, "Realisasi ", [wbk.REAL_HEADER, [2, 1, "2025-04-01", "y", "", "", 2, 1, 1,
                                                     "", "", ""]])
    wb.save(path)
    return path


# -- parse functions run inside a parsing process ----------------------------------------
def hang(kind: str, data: bytes):
    while True:
        time.sleep(1)


def die(kind: str, data: bytes):
    os.abort()


def hog(kind: str, data: bytes):
    return bytearray(4 * 1024 ** 3)  # more than the process's address space


def echo(kind: str, data: bytes):
    return (kind, len(data))
