"""The staff report of the end-to-end run in a real browser (Debian's Chromium through
Playwright, headless): at a desktop and a phone width no console error, nothing wider than
the screen, every chart drawn with its text alternative, figures equal the published marts;
the PDF written beside it holds every section."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from support.browser import artifacts, console_errors, launch
from support.warehouse import query

from monev.evaluation.period import EvaluationPeriod
from monev.report.formats import angka
from monev.report.html import report_path

PERIOD = EvaluationPeriod.of(2025)
SECTIONS = ["Ringkasan", "Cara membaca skor", "Sebaran kategori", "Perbandingan dengan tahun",
            "Peringatan dini", "Perjanjian tidur", "Peringkat mitra",
            "Target dan capaian per bidang", "Kegiatan per provinsi", "Peluang kolaborasi",
            "Kendala yang paling sering dilaporkan", "Nilai seluruh perjanjian"]


@pytest.fixture(scope="module")
def report(e2e):
    path = report_path(PERIOD)
    assert path.exists() and path.with_suffix(".pdf").exists()
    return path


def expected_charts(url: str) -> int:
    """The category chart, one per bidang, one for provinces with counted activities (and
    one for the early warning when a monitoring date is published)."""
    [(bidang,)] = query(url, "SELECT count(DISTINCT coalesce(bidang, '')) FROM"
                             " evaluation.bidang_progress WHERE tahun = %s AND as_of = %s",
                        [PERIOD.year, PERIOD.as_of])
    [(provinces,)] = query(url, "SELECT count(*) FROM evaluation_staging.eval_counted_outcomes"
                                " WHERE kode_provinsi IS NOT NULL")
    [(monitoring,)] = query(url, "SELECT count(*) FROM audit.monitoring_publication")
    return 1 + bidang + (provinces > 0) + (monitoring > 0)


@pytest.mark.parametrize("width", [1280, 390])
def test_report_reads_well_at_desktop_and_phone_width(report, e2e, width):
    from playwright.sync_api import sync_playwright

    url = e2e["url"]
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport={"width": width, "height": 900})
        errors = console_errors(page)
        page.goto(report.as_uri())
        page.screenshot(path=artifacts() / f"laporan_{width}px.png", full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        charts = page.eval_on_selector_all("figure.chart svg", """svgs => svgs.map(s => ({
            width: s.getBoundingClientRect().width,
            title: s.querySelector('title').textContent,
            desc: s.querySelector('desc').textContent,
            bars: s.querySelectorAll('rect.bar').length}))""")
        skor = dict(page.eval_on_selector_all(
            "#perjanjian tbody tr", """rows => rows.map(r => [r.dataset.nomor,
                r.querySelector('[data-field=skor]').textContent])"""))
        ranks = dict(page.eval_on_selector_all(
            "#mitra tbody tr", """rows => rows.map(r => [r.dataset.kode,
                Number(r.querySelector('[data-field=rank]').dataset.value)])"""))
        provinces = dict(page.eval_on_selector_all(
            "#provinsi tbody tr", """rows => rows.map(r => [r.dataset.kode,
                Number(r.querySelector('[data-field=activities]').dataset.value)])"""))
        headers = page.eval_on_selector_all("table th[scope]", "ths => ths.length")
        captions = page.eval_on_selector_all("table", "ts => ts.map(t => !!t.caption)")
        browser.close()
    assert errors == []
    assert overflow <= 0, f"the page is {overflow}px wider than a {width}px screen"
    assert len(charts) == expected_charts(url)
    assert all(c["width"] > 0 and c["bars"] > 0 and c["title"] and ":" in c["desc"]
               for c in charts), charts
    assert headers > 0 and all(captions)
    published = query(url, "SELECT nomor_perjanjian, skor FROM evaluation.agreement_scorecard"
                           " WHERE tahun = %s AND as_of = %s", [PERIOD.year, PERIOD.as_of])
    assert skor == {nomor: angka(value, 1) for nomor, value in published}
    # ties share a rank: the rank is one plus the number of partners with a higher mean
    assert ranks == dict(query(url, """SELECT kode_mitra,
        (rank() OVER (ORDER BY mean_skor DESC))::int FROM evaluation.partner_scorecard
        WHERE tahun = %s AND as_of = %s""", [PERIOD.year, PERIOD.as_of]))
    counted = dict(query(url, """SELECT r.kode_provinsi, count(DISTINCT c.source_record_key)::int
        FROM marts.dim_region AS r LEFT JOIN evaluation_staging.eval_counted_outcomes AS c
        USING (kode_provinsi) GROUP BY r.kode_provinsi"""))
    assert provinces == counted and len(provinces) == 38


def test_report_pdf_holds_every_section(report):
    from pypdf import PdfReader

    pdf = PdfReader(io.BytesIO(report.with_suffix(".pdf").read_bytes()))
    # the title, and nested under it each section
    [title, sections] = pdf.outline
    assert title.title.startswith("Laporan Evaluasi Kerja Sama P4GN Tahun 2025")
    assert len(sections) == len(SECTIONS)
    assert all(item.title.startswith(section) for item, section in zip(sections, SECTIONS,
                                                                         strict=True))
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "Skor = 100 × (0,5 × realisasi" in text and len(pdf.pages) >= 2


def test_report_headline_in_indonesian_formats(report, e2e):
    import re

    html = report.read_text()
    shown = dict(re.findall(r'data-figure="(\w+)" data-value="[^"]*">([^<]*)<', html))
    [(mean, komitmen)] = query(e2e["url"], """SELECT avg(skor), (SELECT sum(anggaran_komitmen)
        FROM evaluation.partner_scorecard WHERE tahun = %s AND as_of = %s)
        FROM evaluation.agreement_scorecard WHERE tahun = %s AND as_of = %s""",
                               [PERIOD.year, PERIOD.as_of] * 2)
    assert shown["mean_skor"] == angka(Decimal(mean), 1)
    assert shown["anggaran_komitmen"] == "Rp" + angka(komitmen)
    assert "." in shown["anggaran_komitmen"]  # thousands grouped with dots
    assert "dalam tahun ini" not in html and 'lang="id"' in html
