"""Opening workbooks with calamine: stored values only (never a formula), true row numbers."""

from __future__ import annotations

import io

from python_calamine import CalamineWorkbook

from monev.sources.tables import numbered
from monev.sources.values import normalise_label


class UnreadableFile(Exception):
    """A file that cannot be read at all; ``code`` is the quarantine reason code."""

    def __init__(self, code: str, detail: str):
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail

    def __reduce__(self):  # crosses from a parsing process to the loader
        return (UnreadableFile, (self.code, self.detail))


class Workbook:
    def __init__(self, data: bytes):
        try:
            self._wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        except Exception as exc:  # calamine raises several kinds for non-workbooks
            raise UnreadableFile("not_a_workbook", f"{type(exc).__name__}: {exc}") from exc
        self._names = {}
        for name in self._wb.sheet_names:
            seen = self._names.setdefault(normalise_label(name), name)
            if seen != name:
                raise UnreadableFile("ambiguous_sheets", f"sheets {seen!r} and {name!r} have "
                                     "the same name once spaces and case are set aside")

    def sheet_name(self, wanted: str) -> str | None:
        """The workbook's own name of a sheet, matched like headers are."""
        return self._names.get(normalise_label(wanted))

    def rows(self, wanted: str):
        """(row number, cells) of a sheet; raises UnreadableFile if it cannot be read."""
        name = self.sheet_name(wanted)
        if name is None:
            raise UnreadableFile("missing_sheet", f"no sheet {wanted!r}")
        try:
            grid = self._wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as exc:
            raise UnreadableFile("unreadable_sheet", f"sheet {name!r}: {exc}") from exc
        return numbered(grid)

    def close(self) -> None:
        self._wb.close()
