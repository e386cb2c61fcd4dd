"""The crawl: discover → fetch → store raw → parse (adapter) → store article, per site.

The frontier lives in the database, so a crawl killed at any moment resumes where it
stopped: a URL whose raw body was stored but not yet parsed ('fetched') is parsed from the
stored bytes, never fetched again in that run. Each page's failure is recorded with its reason
and the crawl goes on.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Iterable
from urllib.parse import urlsplit

from .cassettes import Recorder
from .config import Config
from .errors import ArchiverError, FetchError, ParseError
from .fetch import Fetcher
from .html import decode_body
from .models import FetchedPage, utc_now
from .sites import adapter_class
from .sites.base import Adapter, context_for
from .store import Outcome, Store

log = logging.getLogger("archiver.crawl")

HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml")
RETRY_BASE = timedelta(minutes=10)


@dataclass
class RunReport:
    site: str
    run_id: int | None = None
    status: str = "ok"
    counts: Counter = field(default_factory=Counter)  # fetched, new, updated, unchanged, duplicate, failed
    errors: Counter = field(default_factory=Counter)  # reason → pages

    def as_dict(self) -> dict:
        return {"site": self.site, "run_id": self.run_id, "status": self.status, **{
            k: self.counts.get(k, 0) for k in ("fetched", "new", "updated", "unchanged", "duplicate", "failed")
        }, "errors": dict(self.errors)}


Progress = Callable[[str, str, int, int], None]  # site, url, done, total


def _later(attempts: int) -> str:
    delay = min(RETRY_BASE * (2 ** max(0, attempts - 1)), timedelta(days=1))
    return (datetime.now(timezone.utc) + delay).replace(microsecond=0).isoformat()


def _reason_class(reason: str) -> str:
    """A short bucket for the summary: 'HTTP 404', 'timeout', 'parse: no date line', ..."""
    head = reason.split(" (gave up")[0]
    return head if len(head) <= 60 else head[:57] + "..."


class SiteCrawl:
    def __init__(self, store: Store, adapter: Adapter, fetcher: Fetcher, max_pages: int,
                 progress: Progress | None = None, recorder: Recorder | None = None):
        self.store = store
        self.adapter = adapter
        self.site = adapter.name
        self.fetcher = fetcher
        self.max_pages = max_pages
        self.progress = progress
        self.recorder = recorder
        self.report = RunReport(self.site)
        self.attempted: set[str] = set()

    def run(self) -> RunReport:
        report = self.report
        report.run_id = self.store.start_run(self.site)
        starts = self.adapter.start_urls()
        self.store.frontier_add(self.site, starts, "listing")
        self.store.frontier_requeue(self.site, starts)
        try:
            while report.counts["fetched"] < self.max_pages:
                batch = [e for e in self.store.frontier_next(self.site, utc_now(), 50) if e["url"] not in self.attempted]
                if not batch:
                    break
                for entry in batch:
                    if report.counts["fetched"] >= self.max_pages and entry["state"] != "fetched":
                        continue
                    self.attempted.add(entry["url"])
                    self._visit(entry)
        finally:
            failed, fetched = report.counts["failed"], report.counts["fetched"]
            if failed and not fetched:
                report.status = "failed"
            elif failed:
                report.status = "partial"
            self.store.finish_run(report.run_id, report.status, {
                k: report.counts.get(k, 0) for k in ("fetched", "new", "updated", "unchanged", "duplicate", "failed")
            }, dict(report.errors))
        return report

    def _fail(self, url: str, reason: str, attempts: int, retry: bool) -> None:
        self.report.counts["failed"] += 1
        self.report.errors[_reason_class(reason)] += 1
        log.warning("%s: %s", url, reason)
        state = "retry" if retry else "failed"
        self.store.frontier_mark(url, state, reason, next_attempt=_later(attempts + 1), attempted=True)

    def _visit(self, entry: dict) -> None:
        url = entry["url"]
        if entry["state"] == "fetched":
            self._resume_parse(url)
            return
        if self.progress:
            self.progress(self.site, url, self.report.counts["fetched"], self.max_pages)
        is_article = self.adapter.article_key(url) is not None
        validators = self.store.last_validators(url) if is_article else {}
        try:
            page = self.fetcher.fetch(url, validators)
        except FetchError as exc:
            self.store.record_failure(self.site, url, exc.reason, exc.status, self.report.run_id)
            retry = exc.status is None or exc.status >= 500 or exc.status in (408, 429)
            self._fail(url, exc.reason, entry["attempts"], retry)
            return
        self.report.counts["fetched"] += 1
        if self.recorder:
            self.recorder.add(self.site, self.adapter.base_url, page)
        self._handle(entry, page, is_article)

    def _handle(self, entry: dict, page: FetchedPage, is_article: bool) -> None:
        url = page.url
        if page.status == 304:
            self._unchanged_304(url, page)
            return
        if page.status >= 400:
            self.store.save_capture(self.site, page, "error", self.report.run_id, error=f"HTTP {page.status}")
            self._fail(url, f"HTTP {page.status}", entry["attempts"], retry=False)
            return
        kind = "article" if is_article else "listing"
        content_type = page.content_type
        if content_type and not (content_type in HTML_TYPES or content_type in FEED_TYPES or content_type.endswith("+xml")):
            self.store.save_capture(self.site, page, "skipped", self.report.run_id, error=f"not HTML: {content_type}")
            self.report.errors[f"skipped: {content_type}"] += 1
            self.store.frontier_mark(url, "done", f"not HTML: {content_type}", attempted=True)
            return
        _, encoding = decode_body(page.body, page.header("content-type"))
        capture = self.store.save_capture(self.site, page, kind, self.report.run_id, encoding=encoding)
        self.store.frontier_mark(url, "fetched", attempted=True)
        self._discover(entry, page)
        if is_article:
            self._parse_and_save(url, page, capture.capture_id, capture.sha256)
        self.store.frontier_mark(url, "done")

    def _discover(self, entry: dict, page: FetchedPage) -> None:
        try:
            links = self.adapter.links(context_for(page, self.adapter))
        except Exception as exc:  # discovery degrades, it never stops the crawl
            log.warning("%s: link discovery failed: %s", page.url, exc)
            return
        depth = (entry.get("depth") or 0) + 1
        new_articles = self.store.frontier_add(self.site, links.articles, "article", depth)
        listings = [u for u in links.listings if u != page.url]
        if entry["kind"] == "listing" and listings:
            # Pagination goes on only while pages still bring something new.
            if new_articles:
                self.store.frontier_add(self.site, listings, "listing", depth)
                self.store.frontier_requeue(self.site, [u for u in listings if u not in self.attempted])
        elif listings:
            self.store.frontier_add(self.site, listings, "listing", depth)

    def _parse_and_save(self, url: str, page: FetchedPage, capture_id: int | None, sha256: str | None) -> None:
        try:
            article = self.adapter.parse(page)
        except ParseError as exc:
            if capture_id:
                self.store.note_capture_error(capture_id, f"parse: {exc.reason}")
            self.report.counts["failed"] += 1
            self.report.errors[_reason_class(f"parse: {exc.reason}")] += 1
            self.store.frontier_mark(url, "done", f"parse: {exc.reason}")
            log.warning("%s: not stored as an article: %s", url, exc.reason)
            return
        except Exception as exc:  # an adapter bug must not lose the page: raw bytes are stored
            reason = f"parser crashed: {type(exc).__name__}: {exc}"
            if capture_id:
                self.store.note_capture_error(capture_id, reason)
            self.report.counts["failed"] += 1
            self.report.errors["parser crashed"] += 1
            log.exception("%s: %s", url, reason)
            return
        urls = [url, page.final_url, *page.redirects]
        saved = self.store.save_article(self.site, article, capture_id, page.fetched_at, sha256, also_urls=urls)
        self.report.counts[saved.outcome.value] += 1
        for warning in article.warnings:
            log.info("%s: %s", url, warning)

    def _unchanged_304(self, url: str, page: FetchedPage) -> None:
        sha = self.store.latest_capture_sha(url)
        capture = self.store.save_capture(self.site, page, "article", self.report.run_id)
        article_id = self.store.article_id_for_url(url)
        if article_id:
            self.store.link_capture(capture.capture_id, article_id, sha)
        self.report.counts["unchanged"] += 1
        self.store.frontier_mark(url, "done")

    def _resume_parse(self, url: str) -> None:
        """A page fetched by a run that died before parsing it: parse the stored bytes."""
        row = self.store.latest_capture(url)
        if row is None or not row.get("sha256"):
            self.store.frontier_mark(url, "pending")
            self.attempted.discard(url)
            return
        page = self.store.page_from_capture(row)
        self._discover({"kind": self.store.frontier_state(url)["kind"], "depth": 0}, page)
        if self.adapter.article_key(url):
            self._parse_and_save(url, page, row["id"], row["sha256"])
        self.store.frontier_mark(url, "done")


def make_adapter(config: Config, site: str, base_url: str | None = None) -> Adapter:
    cls = adapter_class(site)
    return cls(base_url or config.site(site).base_url)


def crawl(store: Store, config: Config, sites: Iterable[str], fetcher: Fetcher, max_pages: int | None = None,
          progress: Progress | None = None, recorder: Recorder | None = None,
          base_urls: dict[str, str] | None = None) -> list[RunReport]:
    reports = []
    for site in sites:
        adapter = make_adapter(config, site, (base_urls or {}).get(site))
        limit = max_pages if max_pages is not None else config.site(site).max_pages
        reports.append(SiteCrawl(store, adapter, fetcher, limit, progress, recorder).run())
    return reports


def reparse(store: Store, config: Config, sites: Iterable[str] | None = None) -> Counter:
    """Rebuild articles from stored raw bytes with the parser valid at each capture's date."""
    counts: Counter = Counter()
    adapters: dict[str, Adapter] = {}
    for row in store.iter_captures(sites):
        site = row["site"]
        if site not in adapters:
            try:
                adapters[site] = make_adapter(config, site, _origin(row["url"]))
            except ArchiverError:
                counts["unknown site"] += 1
                continue
        adapter = adapters[site]
        page = store.page_from_capture(row)
        try:
            article = adapter.parse(page)
        except ParseError as exc:
            counts["failed"] += 1
            store.note_capture_error(row["id"], f"parse: {exc.reason}")
            continue
        saved = store.save_article(site, article, row["id"], page.fetched_at, row["sha256"], also_urls=[page.url])
        counts[saved.outcome.value] += 1
    return counts


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def fetch_urls(store: Store, config: Config, urls: Iterable[str], fetcher: Fetcher) -> list[dict]:
    """Archive the given URLs (or local files) through their site's adapter, else the generic one."""
    results = []
    run_ids: dict[str, int] = {}
    for raw in urls:
        page, error = _load_target(raw, fetcher)
        adapter = adapter_for_url(config, page.url if page else raw)
        site = adapter.name
        if site not in run_ids:
            run_ids[site] = store.start_run(site)
        if error:
            store.record_failure(site, raw, error.reason, error.status, run_ids[site])
            results.append({"url": raw, "site": site, "status": "failed", "reason": error.reason})
            continue
        crawl = SiteCrawl(store, adapter, fetcher, max_pages=1)
        crawl.report.run_id = run_ids[site]
        store.frontier_add(site, [page.url], "article")
        is_article = adapter.article_key(page.url) is not None
        crawl.report.counts["fetched"] += 1
        crawl._handle({"url": page.url, "kind": "article", "attempts": 0, "depth": 0}, page, is_article)
        outcome = next((k for k in ("new", "updated", "unchanged", "duplicate") if crawl.report.counts[k]), None)
        reason = next(iter(crawl.report.errors), None)
        article_id = store.article_id_for_url(page.url)
        results.append({"url": raw, "site": site, "status": outcome or ("not an article" if not reason else "failed"),
                        "reason": reason, "article_id": article_id})
        store.finish_run(run_ids[site], "ok" if outcome else "partial", {
            k: crawl.report.counts.get(k, 0) for k in ("fetched", "new", "updated", "unchanged", "duplicate", "failed")
        }, dict(crawl.report.errors))
    return results


def adapter_for_url(config: Config, url: str) -> Adapter:
    from .sites import adapter_names

    for name in adapter_names():
        if name == "generic":
            continue
        adapter = make_adapter(config, name)
        if adapter.owns(url):
            return adapter
    return make_adapter(config, "generic", _origin(url) if url.startswith("http") else "http://localhost")


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
