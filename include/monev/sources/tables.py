"""Reading a table out of a messy sheet: header row found below titles, blank and total
rows skipped, every data row validated column by column.

Nothing here touches the database: a parser yields :class:`ParsedRow` objects whose
``problems`` say why a row is quarantined (empty = accepted).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from monev.sources.values import NUL, Unparseable, as_text, clean_text, is_blank, normalise_label


@dataclass(frozen=True)
class Column:
    """One column of a source table: its spec name, how it parses, whether it is required."""

    key: str
    header: str
    parse: Callable[[object], Any]
    required: bool = False
    aliases: tuple[str, ...] = ()

    @cached_property
    def labels(self) -> frozenset[str]:
        """The header and its aliases as a header row may spell them (worked out once:
        every row above the header is checked against them)."""
        return frozenset({normalise_label(self.header),
                          *(normalise_label(a) for a in self.aliases)})


@dataclass(frozen=True)
class Problem:
    """Why a row (or a whole file) is quarantined; ``code`` is one of
    :data:`monev.partners.reasons.REASONS`."""

    code: str
    column: str | None = None
    value: str | None = None
    detail: str | None = None


@dataclass
class ParsedRow:
    sheet: str
    row_number: int
    raw: dict[str, str | None]
    values: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return not self.problems


@dataclass
class SheetResult:
    """The data rows of one sheet and the rows skipped (titles, blanks, totals)."""

    sheet: str
    rows: list[ParsedRow]
    skipped: int


class MissingHeaders(Exception):
    def __init__(self, sheet: str, missing: list[str]):
        super().__init__(f"sheet {sheet!r}: no row holds the headers {', '.join(missing)}")
        self.sheet = sheet
        self.missing = missing


_TOTAL = re.compile(r"(jumlah|total)(\s.*)?", re.IGNORECASE | re.DOTALL)


def is_total_row(cells: list[object]) -> bool:
    first = next((c for c in cells if not is_blank(c)), None)
    return isinstance(first, str) and bool(_TOTAL.fullmatch(first.strip()))


def validate(cells: dict[str, object], columns: Iterable[Column]) -> tuple[dict, dict, list]:
    """Parse every column of one row: (raw text, typed values, problems)."""
    raw, values, problems = {}, {}, []
    for col in columns:
        key = col.key
        cell = cells.get(key)
        text = raw[key] = as_text(cell)
        if type(cell) is str and NUL in cell:  # no parser sees it, nothing stores it
            values[key] = None
            problems.append(Problem("nul_character", col.header, text))
            continue
        try:
            # free text is its raw text: the commonest column is not read twice
            value = values[key] = text if col.parse is clean_text else col.parse(cell)
        except Unparseable as exc:
            values[key] = None
            problems.append(Problem(exc.code, col.header, text))
            continue
        if value is None and col.required:
            problems.append(Problem("missing_value", col.header, text))
    return raw, values, problems


def read_table(sheet: str, rows: Iterable[tuple[int, list[object]]],
               columns: list[Column], header_keys: set[str] | None = None) -> SheetResult:
    """Find the header row (the first holding every required header), then read data rows.

    Required headers are those of required columns, or ``header_keys`` when given.
    ``rows`` yields (1-based row number, cells). Rows above the header are titles and,
    like blank and ``Jumlah``/``Total`` rows, are counted as skipped.
    """
    required = [c for c in columns
                if (c.key in header_keys if header_keys is not None else c.required)]
    skipped = 0
    positions: dict[str, int] | None = None
    parsed: list[ParsedRow] = []
    for row_number, cells in rows:
        if positions is None:
            labels = [normalise_label(c) if isinstance(c, str) else "" for c in cells]
            if all(any(lbl in col.labels for lbl in labels) for col in required):
                positions = {}
                for idx, lbl in enumerate(labels):
                    for col in columns:
                        if lbl in col.labels and col.key not in positions:
                            positions[col.key] = idx
                places = list(positions.items())
                width = max(positions.values(), default=-1) + 1
            skipped += 1  # a title row, or the header row itself
            continue
        if all(is_blank(c) for c in cells) or is_total_row(cells):
            skipped += 1
            continue
        if len(cells) < width:  # a short row: the cells it lacks are blank
            cells = [*cells, *(None,) * (width - len(cells))]
        by_key = {k: cells[i] for k, i in places}
        raw, values, problems = validate(by_key, columns)
        parsed.append(ParsedRow(sheet, row_number, raw, values, problems))
    if positions is None:
        raise MissingHeaders(sheet, [c.header for c in required])
    return SheetResult(sheet, parsed, skipped)


def numbered(rows: Iterable[list[object]], first_row: int = 1) -> Iterator[tuple[int, list]]:
    for offset, cells in enumerate(rows):
        yield first_row + offset, cells
