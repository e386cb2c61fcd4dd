"""robots.txt, as RFC 9309 says: fetched once per origin and cached, parsed by Protego.

    200            the rules apply (Disallow, Allow, Crawl-delay for our User-Agent)
    4xx            "unavailable": everything is allowed
    5xx, 429,      "unreachable": everything is disallowed for now; asked again after
    network error   `retry_after` seconds (the pages wait in the frontier, nothing is lost)

429 is a 4xx but it means "slow down", not "there are no rules": like Google, we treat it as
unreachable rather than as permission to crawl everything.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

from .errors import FetchError, RetryableFetch
from .fetch import Fetcher
from .urls import authority_of, origin_of

log = logging.getLogger("archiver.robots")

MAX_ROBOTS_BYTES = 500 * 1024  # RFC 9309: parse at least the first 500 KiB
MAX_CRAWL_DELAY = 60.0  # beyond this a site could stall a run for days; we log and cap
ROBOTS_ATTEMPTS = 3
ROBOTS_MAX_WAIT = 5.0  # seconds between robots.txt attempts; longer waits are the next run's job
CACHE_SECONDS = 24 * 3600  # RFC 9309: don't use a cached copy for more than 24 hours


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str | None = None
    retry_in: float | None = None  # set when robots.txt was unreachable: ask again later


@dataclass
class _Entry:
    rules: Protego | None  # None: no rules (allow all) or unreachable (see `unreachable`)
    unreachable: str | None
    expires: float


class RobotsPolicy:
    def __init__(self, fetcher: Fetcher, enabled: bool = True, retry_after: float = 600.0):
        self.fetcher = fetcher
        self.enabled = enabled
        self.retry_after = retry_after
        self.user_agent = fetcher.config.user_agent
        self._entries: dict[str, _Entry] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        if enabled:
            # The fetcher follows redirects itself and asks us about every hop.
            fetcher.robots = self

    def check(self, url: str) -> Verdict:
        if not self.enabled:
            return Verdict(True)
        if urlsplit(url).scheme not in ("http", "https"):
            return Verdict(True)
        entry = self._entry(origin_of(url))
        if entry.unreachable:
            return Verdict(False, f"robots.txt unreachable ({entry.unreachable})",
                           retry_in=max(1.0, entry.expires - time.monotonic()))
        if entry.rules is not None and not entry.rules.can_fetch(url, self.user_agent):
            return Verdict(False, "disallowed by robots.txt")
        return Verdict(True)

    def sitemaps(self, origin: str) -> list[str]:
        """The sitemaps ORIGIN's robots.txt names (fetched now if it was not yet)."""
        if not self.enabled:
            return []
        rules = self._entry(origin).rules
        return list(rules.sitemaps) if rules is not None else []

    def _entry(self, origin: str) -> _Entry:
        entry = self._entries.get(origin)
        if entry is not None and entry.expires > time.monotonic():
            # Every fetch asks: without taking two locks the fetch workers would contend for.
            return entry
        with self._guard:
            lock = self._locks.setdefault(origin, threading.Lock())
        # One fetch per origin even when many workers ask at once; other origins don't wait.
        with lock:
            entry = self._entries.get(origin)
            if entry is None or entry.expires <= time.monotonic():
                entry = self._entries[origin] = self._load(origin)
            return entry

    def _fetch_with_retries(self, url: str):
        """A server that hiccups once (a 503, a reset) must not close a whole site for the run:
        ask a few times, briefly, before calling robots.txt unreachable."""
        for attempt in range(ROBOTS_ATTEMPTS):
            try:
                return self.fetcher.fetch_once(url, max_bytes=MAX_ROBOTS_BYTES, check_robots=False)
            except RetryableFetch as exc:
                if attempt == ROBOTS_ATTEMPTS - 1:
                    raise
                wait = exc.retry_after if exc.retry_after is not None else 0.5 * 2 ** attempt
                time.sleep(min(wait, ROBOTS_MAX_WAIT))

    def _load(self, origin: str) -> _Entry:
        url = origin + "/robots.txt"
        now = time.monotonic()
        try:
            page = self._fetch_with_retries(url)
        except RetryableFetch as exc:
            log.warning("%s unreachable (%s): not crawling %s for now", url, exc.reason, origin)
            return _Entry(None, exc.reason, now + self.retry_after)
        except FetchError as exc:
            if exc.status is None:
                log.warning("%s unreachable (%s): not crawling %s for now", url, exc.reason, origin)
                return _Entry(None, exc.reason, now + self.retry_after)
            return _Entry(None, None, now + CACHE_SECONDS)
        if 400 <= page.status < 500:
            return _Entry(None, None, now + CACHE_SECONDS)
        if page.status >= 300:
            # Redirects were followed already; another 3xx here means a loop or a 304 we never asked for.
            return _Entry(None, f"HTTP {page.status}", now + self.retry_after)
        rules = Protego.parse(page.body.decode("utf-8", errors="replace"))
        delay = rules.crawl_delay(self.user_agent)
        if delay:
            if delay > MAX_CRAWL_DELAY:
                log.warning("%s asks for Crawl-delay %ss; using %ss", url, delay, MAX_CRAWL_DELAY)
            self.fetcher.pacer.set_delay(authority_of(origin), min(float(delay), MAX_CRAWL_DELAY))
        return _Entry(rules, None, now + CACHE_SECONDS)
