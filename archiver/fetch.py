"""Fetching: one polite HTTP client with timeouts, a per-host delay and tenacity retries.

A fetch returns the exchange exactly as the server answered (FetchedPage) or raises FetchError
with a reason once its retries are spent. Bodies are read as a stream and refused past
`max_body_bytes`, so an oversized or decompression-bomb body is never held whole.
"""

from __future__ import annotations

import random
import threading
import time
from email.utils import parsedate_to_datetime
from datetime import datetime, timezone
from urllib.parse import urlsplit

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt

from .config import FetchConfig
from .errors import FetchError
from .models import FetchedPage, utc_now

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504, 522, 524})


class RetryableFetch(FetchError):
    """A failure worth another attempt; `retry_after` is the server's wish, in seconds."""

    def __init__(self, url: str, reason: str, status: int | None = None, retry_after: float | None = None):
        super().__init__(url, reason, status)
        self.retry_after = retry_after


def parse_retry_after(value: str | None, cap: float) -> float | None:
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        seconds = (moment - datetime.now(timezone.utc)).total_seconds()
    return max(0.0, min(seconds, cap))


class HostPacer:
    """Spaces request starts to each host by at least `delay` seconds (thread-safe)."""

    def __init__(self, delay: float):
        self.delay = delay
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, url: str) -> None:
        host = urlsplit(url).netloc.lower()
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next.get(host, now))
            self._next[host] = start + self.delay
        if start > now:
            time.sleep(start - now)


class Fetcher:
    def __init__(self, config: FetchConfig, client: httpx.Client | None = None, sleep=time.sleep):
        self.config = config
        self.client = client or httpx.Client(
            headers={"User-Agent": config.user_agent, "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"},
            timeout=httpx.Timeout(config.timeout),
            follow_redirects=True,
            max_redirects=10,
        )
        self.pacer = HostPacer(config.per_host_delay)
        self._sleep = sleep

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, RetryableFetch) and error.retry_after is not None:
            return error.retry_after
        backoff = min(60.0, 0.5 * 2 ** (state.attempt_number - 1))
        return backoff + random.uniform(0, backoff / 2)

    def fetch(self, url: str, validators: dict[str, str] | None = None) -> FetchedPage:
        retrying = Retrying(
            retry=retry_if_exception_type(RetryableFetch),
            stop=stop_after_attempt(self.config.max_retries + 1),
            wait=self._wait,
            sleep=self._sleep,
            reraise=True,
        )
        try:
            return retrying(self._fetch_once, url, validators or {})
        except RetryableFetch as exc:
            raise FetchError(url, f"{exc.reason} (gave up after {self.config.max_retries + 1} attempts)", exc.status) from None

    def _fetch_once(self, url: str, validators: dict[str, str]) -> FetchedPage:
        self.pacer.wait(url)
        headers = {}
        if "etag" in validators:
            headers["If-None-Match"] = validators["etag"]
        if "last-modified" in validators:
            headers["If-Modified-Since"] = validators["last-modified"]
        fetched_at = utc_now()
        try:
            with self.client.stream("GET", url, headers=headers) as response:
                status = response.status_code
                if status in RETRY_STATUSES:
                    retry_after = parse_retry_after(response.headers.get("retry-after"), self.config.max_retry_after)
                    raise RetryableFetch(url, f"HTTP {status}", status, retry_after)
                body = self._read_capped(url, response)
                return FetchedPage(
                    url=url,
                    final_url=str(response.url),
                    status=status,
                    headers={k.lower(): v for k, v in response.headers.items()},
                    body=body,
                    fetched_at=fetched_at,
                    redirects=tuple(str(r.url) for r in response.history),
                )
        except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
            raise RetryableFetch(url, f"{type(exc).__name__}: {exc or 'no detail'}") from None
        except httpx.TooManyRedirects:
            raise FetchError(url, "too many redirects") from None
        except httpx.HTTPError as exc:
            raise FetchError(url, f"{type(exc).__name__}: {exc}") from None

    def _read_capped(self, url: str, response: httpx.Response) -> bytes:
        limit = self.config.max_body_bytes
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise FetchError(url, f"body of {declared} bytes exceeds max_body_bytes ({limit})", response.status_code)
        chunks: list[bytes] = []
        size = 0
        # iter_bytes decodes Content-Encoding as it goes: the cap applies to the expanded body.
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise FetchError(url, f"body exceeds max_body_bytes ({limit}) after decompression", response.status_code)
            chunks.append(chunk)
        return b"".join(chunks)
