"""A small client for the KoboToolbox API v2 data endpoint.

Pages are followed through ``next`` (the server may return fewer records than asked).
Transient failures (5xx, 429, connection errors, timeouts) are retried with exponential
backoff; any other 4xx fails at once with the status and the response body. The token
goes only into the ``Authorization`` header: never into a URL, a message or a log line.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlencode

import requests

log = logging.getLogger(__name__)


class KoboError(RuntimeError):
    """The API refused a request, or kept failing after every retry."""


@dataclass(frozen=True)
class Page:
    url: str
    count: int | None
    results: list[dict]


class KoboClient:
    def __init__(self, base_url: str, asset_uid: str, token: str, *, page_size: int = 1000,
                 timeout: float = 30.0, retries: int = 5, backoff: float = 1.0):
        self.base_url = base_url.rstrip("/")
        self.asset_uid = asset_uid
        self.page_size = page_size
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self._session = requests.Session()
        self._session.headers["Authorization"] = f"Token {token}"
        self._session.headers["Accept"] = "application/json"

    def first_url(self, query: dict | None = None) -> str:
        params = {"format": "json", "limit": self.page_size, "start": 0,
                  "sort": json.dumps({"_id": 1})}
        if query:
            params["query"] = json.dumps(query, separators=(",", ":"))
        return f"{self.base_url}/api/v2/assets/{self.asset_uid}/data/?{urlencode(params)}"

    def pages(self, query: dict | None = None) -> Iterator[Page]:
        """Every page of the records matching ``query`` (all records when None)."""
        url = self.first_url(query)
        while url:
            body = self._get(url)
            yield Page(url, body.get("count"), list(body.get("results") or []))
            url = body.get("next")

    def _get(self, url: str) -> dict:
        for attempt in range(self.retries + 1):
            try:
                response = self._session.get(url, timeout=self.timeout)
            except (requests.ConnectionError, requests.Timeout) as exc:
                failure = f"{type(exc).__name__}"
            else:
                if response.status_code < 400:
                    return response.json()
                if response.status_code != 429 and response.status_code < 500:
                    raise KoboError(f"GET {url}: HTTP {response.status_code}: "
                                    f"{response.text[:1000]}")
                failure = f"HTTP {response.status_code}"
            if attempt == self.retries:
                raise KoboError(f"GET {url}: {failure}, still failing after "
                                f"{self.retries} retries")
            delay = self.backoff * 2 ** attempt
            log.warning("GET %s: %s; retry %d/%d in %.1fs", url, failure, attempt + 1,
                        self.retries, delay)
            time.sleep(delay)
        raise AssertionError("unreachable")
