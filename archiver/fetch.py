"""Fetching: one polite HTTP client with timeouts, a per-host delay and tenacity retries.

A fetch returns the exchange exactly as the server answered (FetchedPage) or raises FetchError
with a reason once its retries are spent. `Fetcher.fetch` is thread-safe: the crawl calls it
from a pool of worker threads sharing one httpx.Client (connection pool) and one HostPacer.

Bodies are read raw and decompressed here, in bounded steps, so the `max_body_bytes` cap
applies to the expanded size and a decompression bomb is refused after at most the cap plus
one step, never held whole (httpx's own decoder inflates a whole network chunk at once). A
compressed body that ends before its stream does is a failed attempt, never a page.

Redirects are followed here, hop by hop, not by httpx: every hop is paced like a request of
its own, asked of robots.txt (when a RobotsPolicy watches the fetcher) and refused when it
leaves the first URL's host for a loopback, private or link-local address, so a hostile page
cannot make the crawler request an internal service. A hop to a URL that is not http(s), or
not a URL at all, fails that one fetch.
"""

from __future__ import annotations

import ipaddress
import random
import socket
import threading
import time
import zlib
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import Callable, Iterable, Iterator, Protocol
from urllib.parse import urljoin, urlsplit

import httpx
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt

from .config import FetchConfig
from .errors import FetchError, RetryableFetch
from .models import FetchedPage, utc_now
from .urls import authority_of, host_of

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504, 522, 524})
# Headers that describe the transfer, not the stored bytes (which are decoded): keeping them
# would make a replayed capture claim a gzip body that is not gzip.
TRANSFER_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})
DECODE_STEP = 256 * 1024
MAX_BACKOFF = 60.0
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 10
LOCATION_ASIDE = "x-archiver-location"


def is_retryable(error: FetchError) -> bool:
    """Worth trying again in a later run: network trouble, timeouts, 408, 429 and 5xx."""
    return error.status is None or error.status >= 500 or error.status in (408, 429)


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
    """Spaces request starts to each host by at least its delay (thread-safe).

    Hosts are keyed by `authority_of` (host and port). A host's delay is the configured one
    unless robots.txt asked for more (Crawl-delay), and a longer delay counts from the last
    request already made (the robots.txt fetch itself). A 429/503 with Retry-After holds back
    every request to the host, also those already waiting for their turn."""

    def __init__(self, delay: float, sleep: Callable[[float], None] = time.sleep):
        self.delay = delay
        self._delays: dict[str, float] = {}
        self._last: dict[str, float] = {}  # the start of the latest request, per host
        self._next: dict[str, float] = {}  # the earliest start of the next one
        self._held: dict[str, float] = {}  # Retry-After: no start before this
        self._lock = threading.Lock()
        self._sleep = sleep

    def set_delay(self, host: str, delay: float) -> None:
        with self._lock:
            self._delays[host] = max(self.delay, delay)
            if host in self._last:
                self._next[host] = max(self._next[host], self._last[host] + self._delays[host])

    def delay_for(self, host: str) -> float:
        return self._delays.get(host, self.delay)

    def defer(self, host: str, seconds: float) -> None:
        with self._lock:
            self._held[host] = max(self._held.get(host, 0.0), time.monotonic() + seconds)

    def wait(self, url: str) -> None:
        host = authority_of(url)
        while True:
            with self._lock:
                now = time.monotonic()
                held = self._held.get(host, 0.0)
                start = max(now, self._next.get(host, now), held)
                self._last[host] = start
                self._next[host] = start + self._delays.get(host, self.delay)
            if start <= now:
                return
            self._sleep(start - now)
            with self._lock:
                # A Retry-After that came while this request slept holds it back too.
                if self._held.get(host, 0.0) <= held:
                    return


class _Inflater:
    """Content-Encoding decoding in steps of at most DECODE_STEP output bytes."""

    def __init__(self, url: str, coding: str):
        coding = coding.strip().lower()
        if coding in ("", "identity"):
            self._new = None
        elif coding in ("gzip", "x-gzip"):
            self._new = lambda: zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif coding == "deflate":
            self._new = lambda: zlib.decompressobj(zlib.MAX_WBITS)
        else:
            raise FetchError(url, f"unsupported content-encoding {coding!r}")
        self.url = url
        self.coding = coding
        self._obj = self._new() if self._new else None
        self._fed = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._obj is None:
            yield data
            return
        self._fed = self._fed or bool(data)
        try:
            while True:
                out = self._obj.decompress(data, DECODE_STEP)
                if out:
                    yield out
                data = self._obj.unconsumed_tail
                if self._obj.eof and self._obj.unused_data:
                    data = self._obj.unused_data  # the next member of a multi-member gzip
                    self._obj = self._new()
                    continue
                if not data and len(out) < DECODE_STEP:
                    return
        except zlib.error as exc:
            if self.coding == "deflate" and self._new is not None and not getattr(self, "_raw", False):
                # Some servers send raw deflate without the zlib wrapper.
                self._raw = True
                self._new = lambda: zlib.decompressobj(-zlib.MAX_WBITS)
                self._obj = self._new()
                yield from self.feed(data)
                return
            raise FetchError(self.url, f"corrupt {self.coding} body: {exc}") from None

    def finish(self) -> None:
        """The body is over: a compressed stream must be over too (a server that stopped early
        while claiming a matching Content-Length sent half a page)."""
        if self._obj is not None and self._fed and not self._obj.eof:
            raise RetryableFetch(self.url, f"incomplete {self.coding} body: the compressed stream ends early")


class _Cookies(httpx.Cookies):
    """The client's cookie jar. httpx runs every response through urllib's cookie machinery,
    ~0.1 ms of the crawl process's GIL per fetch, although most responses set no cookie."""

    def extract_cookies(self, response: httpx.Response) -> None:
        if "set-cookie" in response.headers:
            super().extract_cookies(response)


class Fetcher:
    backoff_base = 0.5  # seconds before the second attempt; doubles each time, plus jitter

    def __init__(self, config: FetchConfig, client: httpx.Client | None = None, sleep=time.sleep):
        self.config = config
        self.client = client or httpx.Client(
            headers={
                "User-Agent": config.user_agent,
                "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
                # Only what _Inflater can decode in bounded steps.
                "Accept-Encoding": "gzip, deflate",
            },
            timeout=httpx.Timeout(config.timeout),
            follow_redirects=False,  # followed hop by hop in fetch_once
            limits=httpx.Limits(max_connections=max(10, config.concurrency * 2), max_keepalive_connections=max(10, config.concurrency)),
        )
        if client is None and isinstance(getattr(self.client, "_cookies", None), httpx.Cookies):
            self.client._cookies = _Cookies(self.client._cookies)
        # httpx resolves a Location even when not following it, and raises on a bad one before
        # we see the answer: the hook moves it aside, _redirect_target reads it from there.
        self.client.event_hooks["response"].append(_set_location_aside)
        self.pacer = HostPacer(config.per_host_delay, sleep)
        self._sleep = sleep
        # Asked about every redirect hop; a RobotsPolicy sets itself here.
        self.robots: HopPolicy | None = None

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _backoff(self, error: BaseException | None, attempt: int) -> float:
        """Seconds to wait after failed attempt number ATTEMPT: the server's Retry-After, else
        exponential backoff with jitter."""
        if isinstance(error, RetryableFetch) and error.retry_after is not None:
            return error.retry_after
        backoff = min(MAX_BACKOFF, self.backoff_base * 2 ** (attempt - 1))
        return backoff + random.uniform(0, backoff / 2)

    def fetch(self, url: str, validators: dict[str, str] | None = None,
              accept: Callable[[str], bool] | None = None) -> FetchedPage:
        """GET url with retries. `accept(content_type)` False: the body is not downloaded
        (the page comes back with an empty body and `x-archiver-body: skipped`)."""
        attempts = self.config.max_retries + 1
        validators = validators or {}
        try:
            # Most fetches succeed at once: only a failed one pays for tenacity (~0.1 ms of the
            # crawl process's GIL per fetch).
            return self.fetch_once(url, validators, accept)
        except RetryableFetch as exc:
            if attempts == 1:
                raise FetchError(url, f"{exc.reason} (gave up after 1 attempts)", exc.status) from None
            self._sleep(self._backoff(exc, 1))
        retrying = Retrying(
            retry=retry_if_exception_type(RetryableFetch),
            stop=stop_after_attempt(attempts - 1),
            # Tenacity counts from the second attempt, the first having been made above.
            wait=lambda state: self._backoff(state.outcome.exception() if state.outcome else None, state.attempt_number + 1),
            sleep=self._sleep,
            reraise=True,
        )
        try:
            return retrying(self.fetch_once, url, validators, accept)
        except RetryableFetch as exc:
            raise FetchError(url, f"{exc.reason} (gave up after {attempts} attempts)", exc.status) from None

    def fetch_once(self, url: str, validators: dict[str, str] | None = None,
                   accept: Callable[[str], bool] | None = None, max_bytes: int | None = None,
                   check_robots: bool = True) -> FetchedPage:
        """One attempt, each redirect hop paced and checked (`check_robots` False: robots.txt
        itself, whose redirects RFC 9309 follows unasked); RetryableFetch for what deserves another."""
        headers = _conditional_headers(validators or {})
        fetched_at = utc_now()
        hops: list[str] = []
        current = _checked_url(url, url)
        while True:
            self.pacer.wait(current)
            deadline = time.monotonic() + self.config.timeout
            try:
                with self.client.stream("GET", current, headers=headers, follow_redirects=False) as response:
                    self._raise_for_retry_status(url, response)
                    target = _redirect_target(url, current, response)
                    if target is None:
                        return self._page(url, response, fetched_at, deadline, accept, max_bytes, hops)
            except httpx.HTTPError as exc:
                raise self._failure(url, exc) from None
            hops.append(current)
            if len(hops) > MAX_REDIRECTS:
                raise FetchError(url, "too many redirects", response.status_code)
            self._check_hop(url, target, response.status_code, check_robots)
            current = target

    def _check_hop(self, url: str, target: str, status: int, check_robots: bool) -> None:
        """Refuse a redirect into the local network (unless the site lives there) or one that
        robots.txt of its origin disallows."""
        host = host_of(target)
        if host != host_of(url) and (address := internal_address(host)):
            raise FetchError(url, f"redirect to {target} refused: {host} is a local or private address ({address})", status)
        if check_robots and self.robots is not None:
            verdict = self.robots.check(target)
            if not verdict.allowed:
                # An unreachable robots.txt is worth another try later (no status: retryable).
                raise FetchError(url, f"redirect to {target}: {verdict.reason}", None if verdict.retry_in else status)

    def _raise_for_retry_status(self, url: str, response: httpx.Response) -> None:
        """A status worth another attempt (RETRY_STATUSES) as RetryableFetch; a Retry-After
        with it holds back every request to the host, not only this one."""
        status = response.status_code
        if status not in RETRY_STATUSES:
            return
        retry_after = parse_retry_after(response.headers.get("retry-after"), self.config.max_retry_after)
        if retry_after:
            self.pacer.defer(authority_of(str(response.url)), retry_after)
        raise RetryableFetch(url, f"HTTP {status}", status, retry_after)

    def _page(self, url: str, response: httpx.Response, fetched_at: datetime, deadline: float,
              accept: Callable[[str], bool] | None, max_bytes: int | None, hops: list[str]) -> FetchedPage:
        headers = {k.lower(): v for k, v in response.headers.items() if k.lower() not in TRANSFER_HEADERS}
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if accept is not None and response.status_code == 200 and not accept(content_type):
            body = b""
            headers["x-archiver-body"] = "skipped"
        else:
            body = self._read_capped(url, response, deadline, max_bytes)
        return FetchedPage(
            url=url,
            final_url=str(response.url),
            status=response.status_code,
            headers=headers,
            body=body,
            fetched_at=fetched_at,
            redirects=tuple(hops),
        )

    def _failure(self, url: str, exc: httpx.HTTPError) -> FetchError:
        """The FetchError an httpx error stands for: timeouts and network trouble are retryable."""
        if isinstance(exc, httpx.TimeoutException):
            return RetryableFetch(url, f"timeout (no answer within {self.config.timeout:g}s)")
        if isinstance(exc, httpx.RemoteProtocolError):
            return RetryableFetch(url, f"connection broken: {exc or 'no detail'}")
        if isinstance(exc, httpx.NetworkError):
            return RetryableFetch(url, f"connection failed: {exc or type(exc).__name__}")
        return FetchError(url, f"{type(exc).__name__}: {exc}")

    def _read_capped(self, url: str, response: httpx.Response, deadline: float, max_bytes: int | None) -> bytes:
        limit = self.config.max_body_bytes
        truncate = max_bytes is not None
        if truncate:
            limit = max_bytes
        coding = response.headers.get("content-encoding", "")
        declared = response.headers.get("content-length")
        if not truncate and not coding and declared and declared.isdigit() and int(declared) > limit:
            raise FetchError(url, f"body too large: {declared} bytes, max_body_bytes is {limit}", response.status_code)
        if response.is_stream_consumed:
            # An in-memory response (MockTransport, respx replay) arrives already decoded.
            raws: Iterable[bytes] = [response.content]
            inflater = _Inflater(url, "")
        else:
            raws = response.iter_raw()
            inflater = _Inflater(url, coding.split(",")[-1] if coding else "")
        chunks: list[bytes] = []
        size = 0
        for raw in raws:
            for chunk in inflater.feed(raw):
                size += len(chunk)
                if size > limit:
                    if truncate:
                        chunks.append(chunk[: len(chunk) - (size - limit)])
                        return b"".join(chunks)
                    raise FetchError(url, f"body too large: over max_body_bytes ({limit}) after decompression", response.status_code)
                chunks.append(chunk)
            # httpx's timeout is per read: a server trickling bytes would never trip it.
            if time.monotonic() > deadline:
                raise RetryableFetch(url, f"timeout (body not complete within {self.config.timeout:g}s)")
        inflater.finish()
        return b"".join(chunks)


class HopPolicy(Protocol):
    """What the fetcher asks about each redirect hop (robots.RobotsPolicy)."""

    def check(self, url: str): ...


def _checked_url(url: str, target: str, status: int | None = None) -> str:
    """TARGET if it is an http(s) URL httpx can request, else the FetchError of URL (STATUS:
    that of the redirect that pointed to TARGET, None for URL itself)."""
    what = "invalid URL" if status is None else "redirect to an invalid URL"
    try:
        parts = urlsplit(target)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
        httpx.URL(target)
    except (ValueError, httpx.InvalidURL) as exc:
        raise FetchError(url, f"{what} {target!r}: {exc}", status) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(url, f"{what} {target!r}: not an http(s) URL with a host", status)
    return target


def _set_location_aside(response: httpx.Response) -> None:
    if response.status_code in REDIRECT_STATUSES and "location" in response.headers:
        response.headers[LOCATION_ASIDE] = response.headers.pop("location")


def _redirect_target(url: str, current: str, response: httpx.Response) -> str | None:
    """Where a redirect answer points (checked), or None when RESPONSE is the page itself."""
    location = response.headers.get(LOCATION_ASIDE)
    if location is None:
        return None
    try:
        target = urljoin(current, location.strip())
    except ValueError as exc:
        raise FetchError(url, f"redirect to an invalid URL {location!r}: {exc}", response.status_code) from None
    return _checked_url(url, target.split("#", 1)[0], response.status_code)


@lru_cache(maxsize=1024)
def internal_address(host: str) -> str | None:
    """The loopback, private, link-local or otherwise non-public address HOST is or resolves
    to, or None (also when it does not resolve: the request will fail on its own)."""
    try:
        addresses = [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        try:
            infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
        except (OSError, UnicodeError):
            return None
        addresses = [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]
    for address in addresses:
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if not address.is_global or address.is_multicast:
            return str(address)
    return None


def _conditional_headers(validators: dict[str, str]) -> dict[str, str]:
    """Request headers that let the server answer 304 for a page we already hold."""
    headers = {}
    if "etag" in validators:
        headers["If-None-Match"] = validators["etag"]
    if "last-modified" in validators:
        headers["If-Modified-Since"] = validators["last-modified"]
    return headers


def accept_types(types: Iterable[str]) -> Callable[[str], bool]:
    """A predicate for Fetcher.fetch(accept=...): the given types, any +xml type, or none declared."""
    allowed = frozenset(types)
    return lambda content_type: not content_type or content_type in allowed or content_type.endswith("+xml")
