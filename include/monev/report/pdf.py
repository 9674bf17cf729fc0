"""The report's PDF, printed by headless Chromium from Debian (``/usr/bin/chromium``,
``MONEV_CHROMIUM``) through Playwright, never Playwright's own browser download. The
page prints with its print styles (A4, one column, tables unclipped) and a document
outline from its headings. Without Chromium the HTML stands alone and the log says why."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from monev import config

log = logging.getLogger(__name__)

# no network beyond this machine: without these Chromium calls Google at every start
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def chromium() -> str:
    return os.environ.get("MONEV_CHROMIUM", "/usr/bin/chromium")


def launch(playwright):
    """Debian's Chromium, headless, kept off the network."""
    return playwright.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)


def write_pdfs(pages: list[tuple[Path, Path]]) -> list[Path]:
    """Prints each (html, pdf) pair (owner-only files) with one browser; returns the PDFs
    written: none, with a warning, without Chromium."""
    if not pages:
        return []
    if not Path(chromium()).exists():
        log.warning("no PDF beside %s: Chromium is not at %s (apt-get install chromium,"
                    " or set MONEV_CHROMIUM)", pages[0][0].parent, chromium())
        return []
    from playwright.sync_api import sync_playwright

    written = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page()
            for html, pdf in pages:
                page.goto(html.resolve().as_uri())
                data = page.pdf(format="A4", print_background=True, outline=True,
                                tagged=True, margin={"top": "15mm", "bottom": "15mm",
                                                     "left": "12mm", "right": "12mm"})
                written.append(config.write_private(pdf, data))
        finally:
            browser.close()
    return written


def write_pdf(html: Path, pdf: Path) -> Path | None:
    """Prints one page to ``pdf``; None, with a warning, without Chromium."""
    written = write_pdfs([(html, pdf)])
    return written[0] if written else None
