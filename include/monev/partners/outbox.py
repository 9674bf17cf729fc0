"""The partners' outbox (``MONEV_HOME/outbox/<folder>/``) and whom a document may go to.

A partner code or an e-mail address comes from a spreadsheet cell: a code names a folder
only when it is a plain name, and a cell becomes a recipient only when it is one plain
address. One home for both rules, used by letters, receipts and report cards."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from monev import config

CONTACT = {"unit": "Direktorat Kerja Sama, Deputi Hukum dan Kerja Sama, Badan Narkotika "
                   "Nasional Republik Indonesia", "email": "kerjasama@bnn.go.id"}
DIREKTORAT = "direktorat"      # files the Directorate itself sends (register, partner master)
UNKNOWN = "tidak-dikenal"      # files whose partner cannot be told
SAFE_FOLDER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
# one plain address: no list, no display name, no header line
ADDRESS = re.compile(r"[^@\s<>\"',;:]+@[^@\s<>\"',;:]+\.[^@\s<>\"',;:]+")


@dataclass
class Document:
    """A document written for a partner (a receipt, a report card): where it is, its
    sha256, and whom it may be mailed to (``document`` is its kind in ``audit.receipt``)."""

    source_key: str
    kode_mitra: str
    path: Path
    sha256: str
    subject: str
    recipients: list[str] = field(default_factory=list)
    pdf: Path | None = None
    document: str = "tanda_terima"


def outbox() -> Path:
    return config.monev_home() / "outbox"


def folder_name(kode_mitra: str) -> str:
    """The partner's outbox folder: its code when that is a plain name, else a digest of
    it (a code from a spreadsheet never names a path)."""
    if SAFE_FOLDER.fullmatch(kode_mitra) and ".." not in kode_mitra:
        return kode_mitra
    return "mitra-" + hashlib.sha256(kode_mitra.encode()).hexdigest()[:16]


def is_address(value: str | None) -> bool:
    return bool(value) and ADDRESS.fullmatch(value.strip()) is not None


def plain_addresses(values) -> list[str]:
    """The addresses a document may go to: each value that is one plain address (an
    Identitas cell is partner text: a list, a display name or a header line is refused)."""
    return sorted({v.strip() for v in values if is_address(v)})


def write(root: Path, kode_mitra: str, name: str, content: str | bytes) -> Path:
    """Write one document into the partner's folder (private to monev's user)."""
    folder = config.private_dir(root / folder_name(kode_mitra))
    return config.write_private(folder / name, content)


def record(conn, root: Path, document: str, source_key: str, kode_mitra: str, name: str,
           html: str, subject: str, recipients: list[str]) -> Document:
    """Write one document into the partner's folder and record it in ``audit.receipt``
    (the caller's transaction)."""
    path = write(root, kode_mitra, name, html)
    digest = hashlib.sha256(html.encode()).hexdigest()
    conn.execute(
        "INSERT INTO audit.receipt (document, source_key, event, kode_mitra, path, sha256)"
        " VALUES (%s, %s, 'written', %s, %s, %s)",
        [document, source_key, kode_mitra, str(path), digest])
    return Document(source_key, kode_mitra, path, digest, subject, recipients,
                    document=document)


def environment() -> jinja2.Environment:
    """Jinja2 for partner documents: every value escaped, a missing one an error."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).with_name("templates")),
        autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
        trim_blocks=True, lstrip_blocks=True)
