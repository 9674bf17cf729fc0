"""A small client for the KoboToolbox API v2 data endpoint, that trusts nothing it is sent.

- Pages are followed through ``next``, but only on the configured scheme, host and port:
  the token is never sent anywhere else. A page that is not a well-formed page, a ``next``
  naming another host, a page that comes back again, or more pages than ``count`` allows
  end the paging with :class:`IncompletePaging`: whoever reads the pages learns that the
  records it saw are not all there are.
- Transient failures (5xx, 429, connection errors and resets, timeouts, a body that is not
  JSON) are retried by one policy (tenacity): exponential backoff, or the server's
  ``Retry-After`` when it sends one, within a number of retries and a deadline. Any other
  4xx fails at once with the status and the response body; redirects are not followed.
- The token goes only into the ``Authorization`` header: never into a URL, a message or a
  log line.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import logging
import math
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import requests
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    stop_after_delay,
)

log = logging.getLogger(__name__)
DEFAULT_PORTS = {"http": 80, "https": 443}


class KoboError(RuntimeError):
    """The API refused a request, or kept failing after every retry."""


class IncompletePaging(KoboError):
    """The API's paging cannot be trusted: the records read are not known to be all."""


class Transient(Exception):
    """A failure worth another try; ``retry_after``: the server's wish, in seconds."""

    def __init__(self, what: str, retry_after: float | None = None):
        super().__init__(what)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Page:
    url: str
    count: int | None
    results: list


def retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` as seconds: a number of seconds or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


def origin(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url)
    return (parts.scheme.lower(), (parts.hostname or "").lower(),
            parts.port or DEFAULT_PORTS.get(parts.scheme.lower(), 0))


class KoboClient:
    def __init__(self, base_url: str, asset_uid: str, token: str, *, page_size: int = 1000,
                 timeout: float = 30.0, retries: int = 5, backoff: float = 1.0,
                 max_backoff: float = 300.0, deadline: float = 1800.0,
                 sleep: Callable[[float], None] = time.sleep):
        scheme, host, _ = origin(base_url)
        if scheme not in DEFAULT_PORTS or not host:
            raise KoboError(f"form API base URL {base_url!r} is not an http(s) URL")
        self.base_url = base_url.rstrip("/")
        self.origin = origin(self.base_url)
        self.asset_uid = asset_uid
        self.page_size = page_size
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.deadline = deadline
        self.sleep = sleep
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
        """Every page of the records matching ``query`` (all records when None); raises
        :class:`IncompletePaging` when the paging cannot be trusted to have ended."""
        url, seen, most = self.first_url(query), set(), None
        while url:
            if url in seen:
                raise IncompletePaging(f"page {url} came back again: the paging loops")
            if most is not None and len(seen) >= most:
                raise IncompletePaging(f"more than {most} pages for the records the API "
                                       "counts: the paging does not end")
            seen.add(url)
            page, url = self._page(url, self._get(url))
            if most is None:  # the first page's count bounds the pages
                most = math.ceil(page.count / max(len(page.results), 1)) + 2
            yield page

    def _page(self, url: str, body: object) -> tuple[Page, str | None]:
        """A well-formed page and its next link, else :class:`IncompletePaging`."""
        if not isinstance(body, dict):
            raise IncompletePaging(f"GET {url}: the answer is not a page of records")
        count, results, following = body.get("count"), body.get("results"), body.get("next")
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise IncompletePaging(f"GET {url}: no record count in the answer")
        if not isinstance(results, list):
            raise IncompletePaging(f"GET {url}: no list of results in the answer")
        if following is not None:
            if not isinstance(following, str):
                raise IncompletePaging(f"GET {url}: 'next' is not a link")
            if origin(following) != self.origin:
                raise IncompletePaging(
                    f"GET {url}: the next page is on another host or port "
                    f"({origin(following)[1]}:{origin(following)[2]}); not followed: the "
                    f"token is sent to {self.origin[1]}:{self.origin[2]} only")
        return Page(url, count, results), following

    def _get(self, url: str) -> object:
        retrying = Retrying(
            retry=retry_if_exception_type(Transient),
            stop=stop_after_attempt(self.retries + 1) | stop_after_delay(self.deadline),
            wait=self._wait, sleep=self.sleep, before_sleep=self._log_retry, reraise=True)
        try:
            for attempt in retrying:
                with attempt:
                    return self._fetch(url)
        except Transient as exc:
            raise KoboError(f"GET {url}: {exc}, still failing after {self.retries} "
                            "retries") from None
        raise AssertionError("unreachable")

    def _fetch(self, url: str) -> object:
        try:
            response = self._session.get(url, timeout=self.timeout, allow_redirects=False)
        except (requests.ConnectionError, requests.Timeout,
                requests.exceptions.ChunkedEncodingError) as exc:
            raise Transient(type(exc).__name__) from None
        status = response.status_code
        if status == 429 or status >= 500:
            raise Transient(f"HTTP {status}",
                            retry_after_seconds(response.headers.get("Retry-After")))
        if status >= 300:
            raise KoboError(f"GET {url}: HTTP {status}: {response.text[:1000]}")
        try:
            return response.json()
        except ValueError:
            raise Transient("the answer is not valid JSON (cut short?)") from None

    def _wait(self, state: RetryCallState) -> float:
        """The server's Retry-After when it gives one, else exponential backoff."""
        wished = getattr(state.outcome.exception(), "retry_after", None)
        if wished is not None:
            return min(wished, self.max_backoff)
        return min(self.backoff * 2 ** (state.attempt_number - 1), self.max_backoff)

    def _log_retry(self, state: RetryCallState) -> None:
        log.warning("form API: %s; retry %d/%d in %.1fs", state.outcome.exception(),
                    state.attempt_number, self.retries, state.upcoming_sleep)


def read_ahead(pages: Iterator[Page]) -> Iterator[Page]:
    """The same pages in the same order, the next one fetched in a thread while the caller
    loads this one, so that the API's time and the database's overlap. One request at a
    time, as before; an error arrives where it happened in the sequence."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kobo-page") as pool:
        ahead = pool.submit(next, pages, None)
        while (page := ahead.result()) is not None:
            ahead = pool.submit(next, pages, None)
            yield page
