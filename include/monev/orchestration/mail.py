"""E-mail through Airflow's SMTP provider (connection ``monev_smtp``). A letter goes to the
reporters' addresses on file for its partner's agreements, a receipt or report card to the
addresses its document names, and to nobody else (no cc, no bcc); the same bytes to the
same addresses are never sent twice (``audit.letter_sent``, ``audit.receipt``).
"""

from __future__ import annotations

import hashlib
import logging

import psycopg

from monev.monitoring.letters import Letter
from monev.partners.outbox import Document
from monev.report.formats import tanggal

log = logging.getLogger(__name__)
SMTP_CONN_ID = "monev_smtp"


def smtp_configured() -> bool:
    from airflow.sdk import BaseHook

    try:
        BaseHook.get_connection(SMTP_CONN_ID)
    except Exception:  # noqa: BLE001 - any lookup failure means: not configured
        return False
    return True


def send_letters(letters: list[Letter], as_of, conninfo: str) -> list[str]:
    """Send each letter that has recipients and was not sent as it is; returns the partner
    codes sent to. ``conninfo``: the warehouse as monev_transformer (the record)."""
    from airflow.providers.smtp.hooks.smtp import SmtpHook

    sent = []
    with SmtpHook(smtp_conn_id=SMTP_CONN_ID) as hook, psycopg.connect(conninfo) as conn:
        for letter in letters:
            if not letter.recipients:
                log.info("letter to %s written, not sent: no reporter address on file",
                         letter.kode_mitra)
                continue
            body = letter.path.read_bytes()
            digest = hashlib.sha256(body).hexdigest()
            if conn.execute("SELECT 1 FROM audit.letter_sent WHERE sha256 = %s AND"
                            " recipients = %s", [digest, letter.recipients]).fetchone():
                continue
            hook.send_email_smtp(
                to=letter.recipients, html_content=body.decode("utf-8"),
                files=[str(letter.pdf)] if letter.pdf else None,
                subject=f"Pemberitahuan pemantauan kerja sama per {tanggal(as_of)}")
            conn.execute("INSERT INTO audit.letter_sent (as_of, kode_mitra, recipients,"
                         " sha256) VALUES (%s, %s, %s, %s)",
                         [as_of, letter.kode_mitra, letter.recipients, digest])
            conn.commit()
            sent.append(letter.kode_mitra)
    return sent


def send_documents(documents: list[Document], conninfo: str) -> list[str]:
    """Send each receipt or report card that has recipients and was not sent as it is;
    returns the source keys sent. Each sending is recorded in ``audit.receipt``."""
    from airflow.providers.smtp.hooks.smtp import SmtpHook

    sent = []
    addressed = [d for d in documents if d.recipients]
    if not addressed:
        return sent
    with SmtpHook(smtp_conn_id=SMTP_CONN_ID) as hook, psycopg.connect(conninfo) as conn:
        for doc in addressed:
            if conn.execute("SELECT 1 FROM audit.receipt WHERE event = 'sent' AND sha256 = %s"
                            " AND recipients = %s", [doc.sha256, doc.recipients]).fetchone():
                continue
            hook.send_email_smtp(to=doc.recipients, subject=doc.subject,
                                 html_content=doc.path.read_text(encoding="utf-8"),
                                 files=[str(doc.pdf)] if doc.pdf else None)
            conn.execute("INSERT INTO audit.receipt (document, source_key, event, kode_mitra,"
                         " path, sha256, recipients) VALUES (%s, %s, 'sent', %s, %s, %s, %s)",
                         [doc.document, doc.source_key, doc.kode_mitra, str(doc.path),
                          doc.sha256, doc.recipients])
            conn.commit()
            sent.append(doc.source_key)
    return sent
