"""Ingesting captures made elsewhere — WARC files (`archiver import-warc`) and the Wayback
Machine (wayback.py) — exactly as if archiver had fetched them, on their own dates.

Each capture goes through its site's SiteCrawl handling: raw body stored content-addressed, a
capture row dated at the original capture (so the parser version valid then is used), the
article parsed and saved with its related list, tags and comments; other pages stored as
captures. One crawl_runs row per site and import. A capture already in the archive (same URL,
same moment) is skipped, so importing the same file twice adds nothing.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from .config import Config
from .dedup import body_hash
from .errors import StoreError, UsageError
from .fetch import TRANSFER_HEADERS, Fetcher
from .models import FetchedPage
from .pipeline import RunReport, SiteCrawl, adapter_for_url, make_adapter
from .sites import adapter_names
from .sites.base import Adapter
from .urls import origin_of

log = logging.getLogger("archiver.ingest")

ARTICLE_OUTCOMES = ("new", "updated", "unchanged", "duplicate")
BATCH = 100  # WARC records stored per transaction: one commit per record made imports crawl


def utc_iso(moment: str | datetime) -> str:
    """A WARC-Date (`...Z`, maybe with fractions) or datetime as the archive's ISO 8601 UTC form."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment.strip().replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat()


class Ingest:
    """One import run: captures in, one SiteCrawl (and crawl_runs row) per site they belong to.
    Use as a context manager so every run is closed, also on Ctrl-C."""

    def __init__(self, store, config: Config, fetcher: Fetcher | None = None):
        self.store = store
        self.config = config
        self.fetcher = fetcher
        self.skipped: Counter = Counter()  # reason → captures not ingested (not failures)
        self._crawls: dict[str, SiteCrawl] = {}
        self._adapters: dict[tuple[str | None, str], Adapter] = {}

    def __enter__(self) -> "Ingest":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        for crawl in self._crawls.values():
            try:
                crawl.finish(interrupted=exc_type is not None)
            except Exception:
                # The run row may have been rolled back with the batch that failed; the
                # error already on its way out is the one to report.
                if exc_type is None:
                    raise
                log.warning("%s: the interrupted run could not be closed", crawl.site)

    @property
    def reports(self) -> list[RunReport]:
        return [crawl.report for crawl in self._crawls.values()]

    def adapter_for(self, url: str, site: str | None = None) -> Adapter:
        """The named site's adapter when SITE is a known one, else the adapter owning URL, else
        generic. A named site keeps its captures even from another origin (a mirror or test
        server it was crawled from), as `reparse` does."""
        key = (site if site in adapter_names() and site != "generic" else None, origin_of(url))
        if key not in self._adapters:
            name = key[0]
            if name is None:
                adapter = adapter_for_url(self.config, url)
            else:
                adapter = make_adapter(self.config, name)
                if not adapter.owns(url):
                    adapter = make_adapter(self.config, name, key[1])
            self._adapters[key] = adapter
        return self._adapters[key]

    def crawl_for(self, adapter: Adapter) -> SiteCrawl:
        crawl = self._crawls.get(adapter.name)
        if crawl is None:
            crawl = SiteCrawl(self.store, adapter, self.fetcher, max_pages=0)
            crawl.report.run_id = self.store.start_run(adapter.name)
            self._crawls[adapter.name] = crawl
        return crawl

    def add(self, page: FetchedPage, site: str | None = None) -> str:
        """Store one capture through its adapter; returns what became of it."""
        adapter = self.adapter_for(page.url, site)
        crawl = self.crawl_for(adapter)
        # One run per site, but a site's captures may come from several origins (generic
        # pages of many hosts, a mirror): links must be resolved against this page's own.
        crawl.adapter = adapter
        if self.store.has_capture(page.url, page.fetched_at):
            self.skipped["already in the archive"] += 1
            return "already in the archive"
        if 300 <= page.status < 400 and page.status != 304:
            # archiver stores the page a redirect leads to, under the URL asked for; a bare
            # redirect record has no page to store.
            self.skipped[f"HTTP {page.status} redirect"] += 1
            return "redirect"
        is_article = adapter.article_key(page.url) is not None
        counts = crawl.report.counts
        before = Counter(counts)
        counts["fetched"] += 1
        self.store.frontier_add(adapter.name, [page.url], "article" if is_article else "listing")
        # The same handling as a page the crawl just fetched (store raw, capture, parse, save).
        crawl._handle({"url": page.url, "kind": "article" if is_article else "listing", "attempts": 0, "depth": 0},
                      page, is_article)
        outcome = next((k for k in ARTICLE_OUTCOMES if counts[k] > before[k]), None)
        if outcome:
            article_id = self.store.article_id_for_url(page.url)
            if article_id:
                self.store.widen_seen(article_id, page.fetched_at)
            return outcome
        return "failed" if counts["failed"] > before["failed"] else "stored"

    def fail(self, adapter: Adapter, url: str, reason: str, status: int | None = None) -> None:
        """A capture that could not be obtained: recorded, and the import goes on."""
        crawl = self.crawl_for(adapter)
        self.store.record_failure(adapter.name, url, reason, status, crawl.report.run_id)
        crawl.report.counts["failed"] += 1
        crawl.report.errors[reason] += 1
        log.warning("%s: %s", url, reason)


# -- WARC ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class WarcCapture:
    page: FetchedPage
    site: str | None  # X-Archiver-Site, written by `archiver export`
    digest: str | None  # WARC-Payload-Digest: what a later revisit record points at
    revisit: bool = False


def warc_captures(path: Path, skipped: Counter | None = None) -> Iterator[WarcCapture]:
    """HTTP response and revisit records of a WARC (gzipped or not; ARC too), bodies decoded
    from their chunked / gzip transfer form. Other record types are counted in SKIPPED."""
    skipped = skipped if skipped is not None else Counter()
    try:
        stream = open(path, "rb")
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    with stream:
        try:
            for record in ArchiveIterator(stream, arc2warc=True):
                kind = record.rec_type
                if kind not in ("response", "revisit") or record.http_headers is None:
                    skipped[f"{kind} record"] += 1
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI") or ""
                if not url.startswith(("http://", "https://")):
                    skipped[f"{kind} record without an http(s) URL"] += 1
                    continue
                headers = {k.lower(): v for k, v in record.http_headers.headers if k.lower() not in TRANSFER_HEADERS}
                page = FetchedPage(
                    url=url, final_url=url, status=int(record.http_headers.get_statuscode() or 200), headers=headers,
                    body=record.content_stream().read() if kind == "response" else b"",
                    fetched_at=utc_iso(record.rec_headers.get_header("WARC-Date")),
                )
                yield WarcCapture(page, record.rec_headers.get_header("X-Archiver-Site"),
                                  record.rec_headers.get_header("WARC-Payload-Digest"), revisit=kind == "revisit")
        except ArchiveLoadFailed as exc:
            raise UsageError(f"{path} is not a readable WARC file: {str(exc).strip()}") from None


@dataclass
class ImportResult:
    reports: list[RunReport]
    skipped: Counter = field(default_factory=Counter)
    records: int = 0


def import_warc(store, config: Config, paths: Iterable[Path]) -> ImportResult:
    """Ingest every response (and resolvable revisit) record of PATHS through the adapters."""
    records = 0
    bodies: dict[str, str] = {}  # payload digest → sha256 of the body, for later revisits
    with Ingest(store, config) as ingest, _Batches(store, BATCH) as batches:
        for path in paths:
            for capture in warc_captures(path, ingest.skipped):
                page = capture.page
                if capture.revisit:
                    page = _resolve_revisit(store, capture, bodies)
                    if page is None:
                        ingest.skipped["revisit of a record not in the archive"] += 1
                        continue
                elif capture.digest:
                    bodies[capture.digest] = body_hash(page.body)
                records += 1
                ingest.add(page, capture.site)
                batches.tick()
    return ImportResult(ingest.reports, ingest.skipped, records)


class _Batches:
    """Commits every SIZE records; each record's own writes are savepoints inside."""

    def __init__(self, store, size: int):
        self.store = store
        self.size = size
        self._tx = None
        self._count = 0

    def __enter__(self) -> "_Batches":
        self._tx = self.store.transaction()
        self._tx.__enter__()
        return self

    def tick(self) -> None:
        self._count += 1
        if self._count >= self.size:
            self.__exit__(None, None, None)
            self.__enter__()
            self._count = 0

    def __exit__(self, *exc) -> None:
        tx, self._tx = self._tx, None
        tx.__exit__(*exc)


def _resolve_revisit(store, capture: WarcCapture, bodies: dict[str, str]) -> FetchedPage | None:
    """A revisit says "same payload as before": the body is one we stored earlier in this import
    or, for archiver's own sha256 digests, one the archive already holds."""
    digest = capture.digest or ""
    sha = bodies.get(digest) or (digest[7:] if digest.startswith("sha256:") else None)
    if not sha:
        return None
    try:
        body = store.raw_body(sha)
    except StoreError:
        return None
    return replace(capture.page, body=body)
