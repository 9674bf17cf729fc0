"""Headless Chromium from Debian (``/usr/bin/chromium``, installed by ``make browsers``)
driven by Playwright (``monev.report.pdf.launch``), never Playwright's own browser
download. Screenshots and PDFs go to ``test-artifacts/`` (``MONEV_TEST_ARTIFACTS``),
kept after the run."""

from __future__ import annotations

import os
from pathlib import Path

from monev import config
from monev.report.pdf import chromium, launch  # noqa: F401 (the tests' browser)

CHROMIUM = chromium()


def artifacts() -> Path:
    folder = Path(os.environ.get("MONEV_TEST_ARTIFACTS") or config.REPO_ROOT / "test-artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def console_errors(page) -> list[str]:
    """Collects the page's console errors and uncaught exceptions as they happen."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
    return errors
