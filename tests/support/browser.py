"""Headless Chromium from Debian (``/usr/bin/chromium``, installed by ``make test-stack``)
driven by Playwright: never Playwright's own browser download. Screenshots and PDFs go to
``test-artifacts/`` (``MONEV_TEST_ARTIFACTS``), kept after the run."""

from __future__ import annotations

import os
from pathlib import Path

from monev import config

CHROMIUM = os.environ.get("MONEV_CHROMIUM", "/usr/bin/chromium")
# no network beyond this machine: without these Chromium calls Google at every start
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def artifacts() -> Path:
    folder = Path(os.environ.get("MONEV_TEST_ARTIFACTS") or config.REPO_ROOT / "test-artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def console_errors(page) -> list[str]:
    """Collects the page's console errors and uncaught exceptions as they happen."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
    return errors
