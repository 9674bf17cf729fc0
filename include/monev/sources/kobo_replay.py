"""A local HTTP server that behaves like the KoboToolbox API v2 data endpoint.

It stands in for the remote form API in tests, the demo and benchmarks: it serves
recorded records with paging (capped page size, ``next`` links), a MongoDB-style
``query`` on ``_id`` and ``_submission_time``, and a token check. Records can be edited
(``_id`` and ``_submission_time`` kept, ``_uuid`` changed), reviewed and deleted, and
the faults of a misbehaving API can be injected for the next requests:
``("status", 500)``, ``("retry_after", (429, 2))`` (a status with a Retry-After header),
``("delay", 2.0)`` (longer than the client's timeout), ``("raw", b'{"cou')`` (a body that
is not JSON), ``("reset", None)`` (the connection closed without an answer) and
``("page", f)`` (the real page passed through ``f``: an early ``next: null``, ``{}``, a
``next`` naming another host or the same page again). Every request is logged with its
Authorization header in ``requests_seen``.
"""

from __future__ import annotations

import copy
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

_OPERATORS = {
    "$gt": lambda a, b: a > b, "$gte": lambda a, b: a >= b,
    "$lt": lambda a, b: a < b, "$lte": lambda a, b: a <= b,
}


def matches(record: dict, query: dict) -> bool:
    for field, condition in query.items():
        value = record.get(field)
        if isinstance(condition, dict):
            for op, operand in condition.items():
                if value is None or not _OPERATORS[op](value, operand):
                    return False
        elif value != condition:
            return False
    return True


class KoboReplayServer:
    def __init__(self, records: list[dict], token: str, asset_uid: str = "aMonevDemo",
                 page_cap: int = 100):
        self.records = {int(r["_id"]): copy.deepcopy(r) for r in records}
        self.token = token
        self.asset_uid = asset_uid
        self.page_cap = page_cap
        self.faults: list[tuple[str, object]] = []
        self.requests: list[str] = []
        self.requests_seen: list[tuple[str, str | None]] = []  # (path, Authorization)
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._selections: dict[str, list[dict]] = {}  # query -> matching records, by _id

    # --- the records, as partners and reviewers change them -------------------------
    def edit(self, kobo_id: int, **fields) -> None:
        """An edit: new ``_uuid`` and instanceID; ``_id`` and ``_submission_time`` kept."""
        with self._lock:
            self._selections.clear()
            record = self.records[kobo_id]
            record.update(fields)
            new = str(uuid.uuid4())
            record["_uuid"] = new
            record["meta/instanceID"] = f"uuid:{new}"

    def review(self, kobo_id: int, status_uid: str) -> None:
        with self._lock:
            self._selections.clear()
            self.records[kobo_id]["_validation_status"] = {"uid": status_uid,
                                                           "label": status_uid}

    def delete(self, kobo_id: int) -> None:
        with self._lock:
            self._selections.clear()
            del self.records[kobo_id]

    def add(self, record: dict) -> None:
        with self._lock:
            self._selections.clear()
            self.records[int(record["_id"])] = copy.deepcopy(record)

    def fail_next(self, kind: str, value: object, times: int = 1) -> None:
        self.faults.extend([(kind, value)] * times)

    # --- serving ---------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> KoboReplayServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                server.requests.append(self.path)
                server.requests_seen.append((self.path, self.headers.get("Authorization")))
                status, body, headers = server.respond(self.path,
                                                       self.headers.get("Authorization"))
                if status is None:  # a reset: no answer at all
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                payload = body if isinstance(body, bytes) else json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            def log_message(self, *args):
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def respond(self, path: str, authorization: str | None) -> tuple[int | None, object, dict]:
        """(status, body as JSON-able or bytes, extra headers); status None: reset."""
        transform = None
        if self.faults:
            kind, value = self.faults.pop(0)
            if kind == "status":
                return int(value), {"detail": f"injected HTTP {int(value)}"}, {}
            if kind == "retry_after":
                status, seconds = value
                return status, {"detail": "slow down"}, {"Retry-After": str(seconds)}
            if kind == "raw":
                return 200, value, {}
            if kind == "reset":
                return None, b"", {}
            if kind == "delay":
                time.sleep(value)
            if kind == "page":
                transform = value
        status, body = self._page(path, authorization)
        if transform is not None and status == 200:
            body = transform(body)
        return status, body, {}

    def _page(self, path: str, authorization: str | None) -> tuple[int, dict]:
        if authorization != f"Token {self.token}":
            return 401, {"detail": "Invalid token."}
        url = urlparse(path)
        if url.path.rstrip("/") != f"/api/v2/assets/{self.asset_uid}/data":
            return 404, {"detail": "Not found."}
        params = {k: v[-1] for k, v in parse_qs(url.query).items()}
        query_text = params.get("query", "{}")
        start = int(params.get("start", 0))
        limit = min(int(params.get("limit", self.page_cap)), self.page_cap)
        with self._lock:  # one selection per query while the records do not change
            if query_text not in self._selections:
                query = json.loads(query_text)
                self._selections[query_text] = [r for _, r in sorted(self.records.items())
                                                if matches(r, query)]
            selected = self._selections[query_text]
            page = [copy.deepcopy(r) for r in selected[start:start + limit]]
        def link(offset):
            return f"{self.base_url}{url.path}?{urlencode({**params, 'start': offset})}"
        return 200, {
            "count": len(selected),
            "next": link(start + limit) if start + limit < len(selected) else None,
            "previous": link(max(start - limit, 0)) if start > 0 else None,
            "results": page,
        }
