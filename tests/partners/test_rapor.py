"""Report cards after the end-to-end publication of 2025 (the DAG's rapor task): figures
read back from the HTML equal the exported marts, a partner's rapor holds only its own
agreements, none for a partner without an evaluated agreement, the same bytes on a second
writing, mailed once to the reporters on file through a real SMTP server."""

from __future__ import annotations

import csv
import html
import re
from decimal import Decimal
from pathlib import Path

from support.mail import Inbox
from support.warehouse import query

from monev import config
from monev.evaluation.period import EvaluationPeriod
from monev.partners.outbox import folder_name
from monev.partners.rapor import write_rapor
from monev.report.formats import angka, persen

PERIOD = EvaluationPeriod.of(2025)


def _scorecard(e2e) -> dict[str, dict]:
    with open(e2e["export"] / "agreement_scorecard_2025.csv", newline="") as f:
        return {row["nomor_perjanjian"]: row for row in csv.DictReader(f)}


def _sections(path: Path) -> dict[str, str]:
    content = path.read_text()
    found = re.findall(r'<section class="perjanjian" data-nomor="([^"]*)">(.*?)</section>',
                       content, re.S)
    return {html.unescape(nomor): body for nomor, body in found}


def _cell(body: str, css: str) -> str:
    return html.unescape(re.search(rf'class="{css}">([^<]*)<', body).group(1))


def _rapor_files() -> dict[str, Path]:
    return {p.parent.name: p for p in (config.monev_home() / "outbox").glob("*/rapor_2025.html")}


def test_a_rapor_for_every_partner_with_an_evaluated_agreement_and_no_other(e2e):
    cards = _scorecard(e2e)
    partners = {row["kode_mitra"] for row in cards.values() if row["kode_mitra"]}
    assert partners and set(_rapor_files()) == {folder_name(k) for k in partners}
    everyone = {k for (k,) in query(e2e["url"], "SELECT kode_mitra FROM marts.dim_partner")}
    assert everyone - partners  # the samples have partners with nothing evaluated ...
    assert not {folder_name(k) for k in everyone - partners} & set(_rapor_files())  # ... none


def test_figures_in_the_rapor_equal_the_exported_scorecard(e2e):
    cards = _scorecard(e2e)
    for kode, path in _rapor_files().items():
        sections = _sections(path)
        own = {n for n, row in cards.items() if folder_name(row["kode_mitra"] or "") == kode}
        assert set(sections) == own, kode  # nothing of another partner's
        for nomor, body in sections.items():
            row = cards[nomor]
            assert _cell(body, "skor") == angka(Decimal(row["skor"]), 1)
            assert _cell(body, "kategori") == row["kategori"]
            komponen = re.findall(r'<th scope="row">([^<]*)</th><td class="n">([^<]*)</td>',
                                  body.split('class="komponen"')[1].split("</table>")[0])
            assert komponen == [("Realisasi", persen(Decimal(row["realisasi"]))),
                                ("Kepatuhan", persen(Decimal(row["kepatuhan"]))),
                                ("Kualitas data", persen(Decimal(row["kualitas_data"])))]
            below = [Decimal(row[k]) < 1 for k in ("realisasi", "kepatuhan", "kualitas_data")]
            assert body.count("<li>") == sum(below), nomor  # one line per component below 1


def test_items_and_rows_to_fix_equal_the_evaluation(e2e):
    items = query(e2e["url"], """SELECT nomor_perjanjian, count(*) FROM
        evaluation_staging.eval_item_realisasi GROUP BY 1""")
    bad = dict(query(e2e["url"], "SELECT nomor_perjanjian, bad_rows FROM"
                                 " evaluation_staging.eval_kualitas_data"))
    counts = dict(items)
    for path in _rapor_files().values():
        for nomor, body in _sections(path).items():
            table = body.split('class="butir"')[1].split("</table>")[0]
            assert table.count("<tr>") - 1 == max(counts.get(nomor, 0), 1)
            assert _cell(body, "baris-ditolak") == angka(bad[nomor])


def test_writing_again_gives_the_same_bytes_and_mails_once(e2e, tmp_path, monkeypatch):
    from monev.orchestration.local import prepare_airflow
    from monev.orchestration.mail import send_documents

    url = e2e["endpoint"].url("monev_transformer")
    again = write_rapor(url, PERIOD, tmp_path)
    dag_written = _rapor_files()
    assert {d.path.parent.name for d in again} == set(dag_written)
    for doc in again:
        assert doc.path.read_bytes() == dag_written[doc.path.parent.name].read_bytes()
    inbox = Inbox()
    inbox.controller.start()
    monkeypatch.setenv("AIRFLOW_CONN_MONEV_SMTP", inbox.connection())
    prepare_airflow()
    try:
        first = send_documents(again, url)
        second = send_documents(again, url)
    finally:
        inbox.controller.stop()
    assert first and second == []
    assert sorted(to for to, _ in inbox.messages) == \
        sorted(d.recipients for d in again if d.recipients)
    assert all("Subject: Rapor kerja sama tahun 2025" in m for _, m in inbox.messages)
