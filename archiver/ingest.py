"""Pages that arrive from outside a crawl: WARC files (`archiver import-warc`), the Wayback
Machine (wayback.py) and `archiver fetch` — archived exactly as if a crawl had fetched them, on
their own dates.

Each page goes through the one write path (archive.archive_page): raw body stored
content-addressed, a capture row dated at the original capture (so the parser version valid
then is used), the article parsed and saved with its related list, tags and comments; other
pages stored as captures. One crawl_runs row per site and import. A capture already in the
archive (same URL, same moment) is skipped, so importing the same file twice adds nothing.
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

from .adapters import adapter_for_url, make_adapter
from .archive import Archived, Batch, Outcome, archive_page
from .config import Config
from .dedup import body_hash
from .errors import FetchError, StoreError, UsageError
from .fetch import TRANSFER_HEADERS, Fetcher
from .models import FetchedPage, utc_now
from .runs import RunReport
from .sites import adapter_names
from .sites.base import Adapter
from .urls import origin_of

log = logging.getLogger("archiver.ingest")

BATCH = 100  # WARC records stored per transaction: one commit per record made imports crawl


def utc_iso(moment: str | datetime) -> str:
    """A WARC-Date (`...Z`, maybe with fractions) or datetime as the archive's ISO 8601 UTC form."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment.strip().replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat()


class Ingest:
    """One import run: pages in, one RunReport (and crawl_runs row) per site they belong to.
    Use as a context manager so every run is closed, also on Ctrl-C."""

    def __init__(self, store, config: Config, fetcher: Fetcher | None = None):
        self.store = store
        self.config = config
        self.fetcher = fetcher
        self.skipped: Counter = Counter()  # reason → captures not ingested (not failures)
        self._reports: dict[str, RunReport] = {}
        self._adapters: dict[tuple[str | None, str], Adapter] = {}

    def __enter__(self) -> "Ingest":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        for report in self._reports.values():
            try:
                report.finish(self.store, interrupted=exc_type is not None)
            except Exception:
                # The run row may have been rolled back with the batch that failed; the
                # error already on its way out is the one to report.
                if exc_type is None:
                    raise
                log.warning("%s: the interrupted run could not be closed", report.site)

    @property
    def reports(self) -> list[RunReport]:
        return list(self._reports.values())

    def adapter_for(self, url: str, site: str | None = None) -> Adapter:
        """The named site's adapter when SITE is a known one, else the adapter owning URL, else
        generic. A named site keeps its captures even from another origin (a mirror or test
        server it was crawled from), as `reparse` does. One adapter per origin: links are
        resolved against the page's own."""
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

    def report_for(self, site: str) -> RunReport:
        report = self._reports.get(site)
        if report is None:
            report = self._reports[site] = RunReport(site)
            report.begin(self.store)
        return report

    def add(self, page: FetchedPage, site: str | None = None) -> Archived | None:
        """Archive one page through its adapter; None when it was not ingested (see `skipped`)."""
        adapter = self.adapter_for(page.url, site)
        report = self.report_for(adapter.name)
        if self.store.has_capture(page.url, page.fetched_at):
            self.skipped["already in the archive"] += 1
            return None
        if 300 <= page.status < 400 and page.status != 304:
            # archiver stores the page a redirect leads to, under the URL asked for; a bare
            # redirect record has no page to store.
            self.skipped[f"HTTP {page.status} redirect"] += 1
            return None
        is_article = adapter.article_key(page.url) is not None
        kind = "article" if is_article else "listing"
        with self.store.transaction():
            self.store.frontier_add(adapter.name, [page.url], kind)
            archived = archive_page(self.store, adapter, page, run_id=report.run_id, is_article=is_article,
                                    discover=True)
            report.count(archived)
            if archived.links is not None:
                # What imported pages link to is there for a later crawl to fetch.
                self.store.frontier_add(adapter.name, archived.links.articles, "article", 1)
                self.store.frontier_add(adapter.name, [u for u in archived.links.listings if u != page.url],
                                        "listing", 1)
            reason = archived.reason if archived.outcome in (Outcome.FAILED, Outcome.SKIPPED) else None
            self.store.frontier_mark(page.url, "failed" if archived.http_error else "done", reason, attempted=True)
        return archived

    def fail(self, adapter: Adapter, url: str, reason: str, status: int | None = None) -> None:
        """A page that could not be obtained: recorded, and the import goes on."""
        report = self.report_for(adapter.name)
        self.store.record_failure(adapter.name, url, reason, status, report.run_id)
        report.failed(reason)
        log.warning("%s: %s", url, reason)


def fetch_urls(store, config: Config, targets: Iterable[str], fetcher: Fetcher) -> list[dict]:
    """Archive the given URLs (or local files) through their site's adapter, else the generic one."""
    results = []
    with Ingest(store, config, fetcher) as ingest:
        for target in targets:
            page, error = _load_target(target, fetcher)
            adapter = ingest.adapter_for(page.url if page else target)
            if error:
                ingest.fail(adapter, target, error.reason, error.status)
                results.append({"url": target, "site": adapter.name, "status": "failed", "reason": error.reason})
                continue
            archived = ingest.add(page)
            if archived is None:
                results.append({"url": target, "site": adapter.name, "status": "already in the archive"})
                continue
            status = archived.outcome.value if archived.outcome is not Outcome.STORED else "not an article"
            results.append({"url": target, "site": adapter.name, "status": status, "reason": archived.reason,
                            "article_id": archived.article_id or store.article_id_for_url(page.url)})
    return results


def _load_target(target: str, fetcher: Fetcher) -> tuple[FetchedPage | None, FetchError | None]:
    if not target.startswith(("http://", "https://")):
        path = Path(target[7:] if target.startswith("file://") else target)
        if not path.is_file():
            return None, FetchError(target, "no such file or URL")
        body = path.read_bytes()
        return FetchedPage(url=path.resolve().as_uri(), final_url=path.resolve().as_uri(), status=200,
                           headers={"content-type": "text/html"}, body=body, fetched_at=utc_now()), None
    try:
        return fetcher.fetch(target), None
    except FetchError as exc:
        return None, exc


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
    with Ingest(store, config) as ingest, Batch(store, pages=BATCH, seconds=5.0) as batch:
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
                batch.open()
                ingest.add(page, capture.site)
                batch.added()
    return ImportResult(ingest.reports, ingest.skipped, records)


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
