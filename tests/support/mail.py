"""A local SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives, and the
Airflow connection (``monev_smtp``) that points at it."""

from __future__ import annotations

import json

from support.stack import free_port


class Inbox:
    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages: list[tuple[list[str], str]] = []
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append((list(envelope.rcpt_tos), envelope.content.decode()))
        return "250 OK"

    def connection(self) -> str:
        """``AIRFLOW_CONN_MONEV_SMTP`` for this server (plain SMTP on loopback)."""
        return json.dumps({"conn_type": "smtp", "host": "127.0.0.1", "port": self.port,
                           "extra": {"from_email": "kerjasama@bnn.go.id",
                                     "disable_ssl": True, "disable_tls": True}})
