"""Partner text never becomes a formula, markup or a forged log line."""

from __future__ import annotations

import csv
import io

from support.warehouse import query

from monev.lineage.trace import COLUMNS, as_csv
from monev.quality.checks import DATASETS, _html_escaped, gx_query
from monev.sources.values import printable


def test_trace_csv_cells_never_start_a_formula():
    row = dict.fromkeys(COLUMNS)
    row.update(nomor_perjanjian="NK/1", file_name='=HYPERLINK("http://x","y")',
               reason="+cmd", sheet="@SUM(A1)", kind="-1", row_number=3)
    got = next(csv.DictReader(io.StringIO(as_csv([row]))))
    assert got["file_name"].startswith("'=") and got["reason"] == "'+cmd"
    assert got["sheet"] == "'@SUM(A1)" and got["kind"] == "'-1" and got["row_number"] == "3"


def test_control_characters_cannot_split_a_log_line():
    name = "Laporan_X.xlsx\nCRITICAL forged line\r\x1b[31m"
    shown = printable(name)
    assert "\n" not in shown and "\r" not in shown and "\x1b" not in shown
    assert "\\n" in shown and "forged line" in shown


def test_partner_text_reaches_gx_html_escaped(endpoint):
    evil = """<script>alert('x')</script> & "q\""""
    (got,) = query(endpoint.url(), f"SELECT {_html_escaped('%s::text')}", [evil])[0]
    assert got == ("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;")
    for dataset in DATASETS:  # every dataset GX reads escapes its text columns
        sql = gx_query(dataset)
        assert ("problem" not in sql.split("FROM")[0]) or "replace(" in sql.split("FROM")[0]
