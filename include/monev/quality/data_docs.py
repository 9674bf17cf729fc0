"""GX Data Docs that open without a network: GX's pages load Bootstrap, jQuery, Font
Awesome and Vega from CDNs (and GX's logo from its bucket, with the data context's id),
which a closed network (or an auditor's laptop on a plane) never reaches, and render
unstyled. After each build the pages are pointed at copies in
the site's own ``static/vendor`` folder, taken from the npm packages that ``make`` installs
in ``vendor/data_docs`` (pinned by its package-lock.json)."""

from __future__ import annotations

import logging
import os
import re
import shutil
from pathlib import Path

from monev import config

log = logging.getLogger(__name__)

PACKAGES = config.REPO_ROOT / "vendor" / "data_docs" / "node_modules"

# each CDN address GX's templates use -> the file of the pinned npm package
CDN_FILES = {
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/"
    "bootstrap-prefers-dark.css": "@forevolve/bootstrap-dark/dist/css/bootstrap-prefers-dark.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/"
    "bootstrap-datepicker.min.css": "bootstrap-datepicker/dist/css/bootstrap-datepicker.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/"
    "bootstrap-datepicker.min.js": "bootstrap-datepicker/dist/js/bootstrap-datepicker.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css":
        "@fortawesome/fontawesome-free/css/all.min.css",
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css":
        "bootstrap/dist/css/bootstrap.min.css",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js":
        "bootstrap/dist/js/bootstrap.min.js",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.css":
        "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.css",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.min.css":
        "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css":
        "bootstrap-table/dist/bootstrap-table.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js":
        "bootstrap-table/dist/bootstrap-table.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.min.js":
        "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.min.js",
    "https://cdn.jsdelivr.net/npm/vega@5": "vega/build/vega.min.js",
    "https://cdn.jsdelivr.net/npm/vega-lite@5": "vega-lite/build/vega-lite.min.js",
    "https://cdn.jsdelivr.net/npm/vega-embed@6": "vega-embed/build/vega-embed.min.js",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery/dist/jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js":
        "popper.js/dist/umd/popper.min.js",
}
# files a stylesheet loads by a relative address (Font Awesome's fonts)
EXTRA_FOLDERS = ("@fortawesome/fontawesome-free/webfonts",)
# the CDN copies carried integrity hashes of their own bytes: not of these
_INTEGRITY = re.compile(r'\s+(integrity|crossorigin)="[^"]*"')
# GX's logo, fetched from its bucket with the data context's id in the address: the site
# ships the same logo
_LOGO = re.compile(r'"https://great-expectations-web-assets\.s3[^"]*/logo-long\.png[^"]*"')
# the site's own files, addressed relative to the page (GX gets the depth of validation
# pages one level short for their favicon)
_STATIC = re.compile(r'((?:href|src)=")(?:\./|(?:\.\./)*)static/([^"]+)"')


class AssetsMissing(RuntimeError):
    """The npm packages are not installed (``make vendor``)."""


def _copy_assets(site: Path) -> Path:
    vendor = site / "static" / "vendor"
    missing = [f for f in CDN_FILES.values() if not (PACKAGES / f).is_file()]
    if missing:
        raise AssetsMissing(f"{len(missing)} Data Docs assets missing under {PACKAGES} "
                            f"(first: {missing[0]}): run `make vendor`")
    for relative in CDN_FILES.values():
        target = vendor / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(PACKAGES / relative, target)
    for folder in EXTRA_FOLDERS:
        shutil.copytree(PACKAGES / folder, vendor / folder, dirs_exist_ok=True)
    return vendor


def make_offline(site: Path) -> int:
    """Point every page of the Data Docs site at local copies; returns the pages changed.
    Safe to run again (a page already rewritten has no CDN address left)."""
    _copy_assets(site)
    changed = 0
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        new = text
        for url, relative in CDN_FILES.items():
            new = new.replace(f'"{url}"', f'"static/vendor/{relative}"')
        new = _LOGO.sub('"static/images/logo-long.png"', new)
        new = _STATIC.sub(rf'\g<1>{os.path.relpath(site, page.parent)}/static/\g<2>"', new)
        if new != text:
            page.write_text(_INTEGRITY.sub("", new), encoding="utf-8")
            changed += 1
    return changed
