"""The one write path: a page, however it arrived, becomes raw bytes, a capture and an article.

A crawl, `fetch`, `import-warc`, `wayback`, `reparse` and a resumed run all hand their pages to
`archive_page` and get back an `Archived` saying what became of the page. Nothing else writes
captures or articles, so every way into the archive stores a page the same way: the raw body
content-addressed and kept even when the parse fails, the article with its related list, tags
and comments all-or-nothing, and an unchanged body recognised without parsing it again.

What to fetch next (the frontier) and how a run is counted stay with the caller; the page's
links are returned for it to queue.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from enum import Enum
from typing import Callable

from .boilerplate import without_learned
from .dedup import text_hash
from .drift import fields_of
from .errors import ParseError
from .fetch import accept_types
from .html import decode_body
from .interrupts import held
from .models import FetchedPage, PageLinks, ParsedArticle
from .parsing import Prepared
from .sites.base import Adapter, context_for

log = logging.getLogger("archiver.archive")

HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml")
PARSED_TYPES = accept_types(HTML_TYPES + FEED_TYPES)  # what is parsed; other bodies are only recorded
GONE = (404, 410)


class Outcome(str, Enum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    DUPLICATE = "duplicate"
    STORED = "stored"  # a page that is not an article (a listing, a feed), kept as a capture
    SKIPPED = "skipped"  # not a page we parse (an image, a PDF): recorded, body not kept
    FAILED = "failed"  # an HTTP error, or bytes kept that gave no article (`reason` says why)


ARTICLE_OUTCOMES = (Outcome.NEW, Outcome.UPDATED, Outcome.UNCHANGED, Outcome.DUPLICATE)


@dataclass(frozen=True)
class Archived:
    url: str
    outcome: Outcome
    reason: str | None = None
    article_id: int | None = None
    capture_id: int | None = None
    links: PageLinks | None = None  # what the page links to, when asked for and found
    http_error: bool = False  # FAILED because the server answered with an error status
    fields: dict | None = None  # which fields the article had (drift.fields_of), for the run's coverage
    parser: str | None = None  # the parser that read (or failed to read) the page

    @property
    def is_article(self) -> bool:
        return self.outcome in ARTICLE_OUTCOMES


@dataclass(frozen=True)
class StoredCapture:
    """A capture already in the archive whose bytes are to be (re)parsed: reparse, resume."""

    capture_id: int
    sha256: str


def archive_page(store, adapter: Adapter, page: FetchedPage, *, run_id: int | None = None,
                 is_article: bool | None = None, prepared: Prepared | None = None,
                 accept: Callable[[str], bool] = PARSED_TYPES, discover: bool = False,
                 stored: StoredCapture | None = None) -> Archived:
    """Store PAGE (fetched by ADAPTER's site) and the article parsed from it.

    `is_article` defaults to whether the URL matches the adapter's article pattern; `prepared`
    is the page's pure work done elsewhere (a fetch thread, a worker process); `accept` says
    which content types are parsed; `discover` asks for the page's links; `stored` names the
    capture the bytes already are (nothing new is captured, the article is rebuilt)."""
    url = page.url
    if is_article is None:
        is_article = adapter.article_key(url) is not None
    if stored is None:
        early = _capture_without_parse(store, adapter, page, run_id, is_article, accept)
        if early is not None:
            return early
    links = _links(adapter, page, prepared) if discover else None
    with store.transaction():
        if stored is None:
            previous_sha = store.latest_capture_sha(url) if is_article else None
            encoding = prepared.encoding if prepared else decode_body(page.body, page.header("content-type"))[1]
            capture = store.save_capture(adapter.name, page, "article" if is_article else "listing", run_id,
                                         encoding=encoding)
            stored = StoredCapture(capture.capture_id, capture.sha256)
            if is_article and previous_sha == capture.sha256 and (article_id := store.article_id_for_url(url)):
                # The very bytes we hold (no validators, or a server ignoring them): nothing to parse.
                _link_unchanged(store, stored, article_id, page.fetched_at)
                return Archived(url, Outcome.UNCHANGED, article_id=article_id, capture_id=stored.capture_id, links=links)
        if not is_article:
            return Archived(url, Outcome.STORED, capture_id=stored.capture_id, links=links)
        return _save_article(store, adapter, page, stored, prepared, links)


def parses(page: FetchedPage, accept: Callable[[str], bool] = PARSED_TYPES) -> bool:
    """Whether `archive_page` parses PAGE: not a 304, an error status or a body it only records."""
    return not (page.status == 304 or page.status >= 400 or _only_recorded(page, accept))


def _only_recorded(page: FetchedPage, accept: Callable[[str], bool]) -> bool:
    return page.header("x-archiver-body") == "skipped" or not accept(page.content_type)


def _capture_without_parse(store, adapter: Adapter, page: FetchedPage, run_id: int | None, is_article: bool,
                           accept: Callable[[str], bool]) -> Archived | None:
    """A 304, an error status or a body we do not parse: stored as a capture, never parsed."""
    url, site = page.url, adapter.name
    if page.status == 304:
        sha = store.latest_capture_sha(url)
        with store.transaction():
            capture = store.save_capture(site, page, "article" if is_article else "listing", run_id)
            article_id = store.article_id_for_url(url)
            if article_id:
                _link_unchanged(store, StoredCapture(capture.capture_id, sha), article_id, page.fetched_at)
        return Archived(url, Outcome.UNCHANGED, article_id=article_id, capture_id=capture.capture_id)
    if page.status in GONE and url in adapter.guessed_urls():
        # An address tried by convention, not one the site links: its absence is recorded (the
        # capture keeps what the server said) but is no failure, or a site without a
        # /sitemap.xml would end every run "partial".
        with store.transaction():
            capture = store.save_capture(site, page, "absent", run_id)
        return Archived(url, Outcome.SKIPPED, f"not at a conventional address (HTTP {page.status})",
                        capture_id=capture.capture_id)
    if page.status >= 400:
        reason = f"HTTP {page.status}"
        with store.transaction():
            capture = store.save_capture(site, page, "error", run_id, error=reason)
            article_id = store.article_id_for_url(url)
            if article_id and page.status in GONE:
                # Only a page that says it is gone removes an article; a 5xx, a timeout or a
                # refused connection says nothing about it.
                store.versions.mark_removed(article_id, page.fetched_at, capture.capture_id)
        return Archived(url, Outcome.FAILED, reason, article_id=article_id, capture_id=capture.capture_id,
                        http_error=True)
    if _only_recorded(page, accept):
        content_type = page.content_type
        with store.transaction():
            capture = store.save_capture(site, page, "skipped", run_id, error=f"not HTML: {content_type}",
                                         store_body=False)
        return Archived(url, Outcome.SKIPPED, f"not HTML: {content_type}", capture_id=capture.capture_id)
    return None


def _link_unchanged(store, capture: StoredCapture, article_id: int, fetched_at: str) -> None:
    store.link_capture(capture.capture_id, article_id, capture.sha256)
    store.widen_seen(article_id, fetched_at)
    store.versions.mark_present(article_id, fetched_at, capture.capture_id)


def _links(adapter: Adapter, page: FetchedPage, prepared: Prepared | None) -> PageLinks | None:
    found = prepared.links if prepared is not None else None
    try:
        if isinstance(found, Exception):
            raise found
        return found if found is not None else adapter.links(context_for(page, adapter))
    except Exception as exc:  # discovery degrades, it never stops the page being stored
        log.warning("%s: link discovery failed: %s", page.url, exc)
        return None


def _parsed(adapter: Adapter, page: FetchedPage, prepared: Prepared | None) -> ParsedArticle:
    if prepared is not None and prepared.article is not None:
        if isinstance(prepared.article, Exception):
            raise prepared.article
        return prepared.article
    return adapter.parse(page)


def _save_article(store, adapter: Adapter, page: FetchedPage, stored: StoredCapture, prepared: Prepared | None,
                  links: PageLinks | None) -> Archived:
    url = page.url
    try:
        # the site's learned boilerplate (issue 12) goes the same way whoever parsed the page
        article = without_learned(_parsed(adapter, page, prepared), store.boilerplate.learned(adapter.name))
    except ParseError as exc:
        reason = f"parse: {exc.reason}"
        log.warning("%s: not stored as an article: %s", url, exc.reason)
        store.note_capture_error(stored.capture_id, reason)
        return Archived(url, Outcome.FAILED, reason, capture_id=stored.capture_id, links=links,
                        parser=_parser_name(adapter, page))
    except Exception as exc:  # an adapter bug must not lose the page: the raw bytes are stored
        reason = f"parser crashed: {type(exc).__name__}: {exc}"
        log.exception("%s: %s", url, reason)
        store.note_capture_error(stored.capture_id, reason)
        return Archived(url, Outcome.FAILED, reason, capture_id=stored.capture_id, links=links)
    _same_parser_as_before(store, adapter, article, url, page.fetched_at)
    urls = dict.fromkeys(u for u in (url, page.final_url, *page.redirects) if u)
    saved = store.save_article(adapter.name, article, stored.capture_id, page.fetched_at, stored.sha256,
                               also_urls=list(urls), prepared=prepared.dedup if prepared else None)
    store.widen_seen(saved.article_id, page.fetched_at)
    old_keys = {key for u in urls if (key := adapter.article_key(u)) and key != article.key}
    if old_keys:  # reached at an old id that redirects here: one related item, not two
        store.related.merge_keys(adapter.name, old_keys, article.key, article.canonical_url, saved.article_id)
    for warning in article.warnings:
        log.info("%s: %s", url, warning)
    return Archived(url, Outcome(saved.outcome.value), article_id=saved.article_id, capture_id=stored.capture_id,
                    links=links, fields=fields_of(article), parser=article.parser)


def _parser_name(adapter: Adapter, page: FetchedPage) -> str | None:
    try:
        return f"{adapter.name}/{adapter.parser_for(page).version}"
    except Exception:  # an adapter without parser versions
        return None


def _same_parser_as_before(store, adapter: Adapter, article: ParsedArticle, url: str, fetched_at: str) -> None:
    """Versions compare texts made by one parser. When the version in effect was extracted by
    another parser version (the site changed layout between the two captures), its capture is
    read again by this article's parser: if that gives these very words, the change was the
    parser's, not the article's, and the old version is rewritten in the new parser's words."""
    article_id = store.article_id_for_url(url)
    previous = store.versions.in_effect(article_id, fetched_at) if article_id else None
    if previous is None or previous["parser"] in (None, article.parser) \
            or (previous["title"], previous["text"]) == (article.title, article.text):
        return
    parser = next((p for p in adapter.parsers if f"{adapter.name}/{p.version}" == article.parser), None)
    if parser is None:
        return
    try:
        again = adapter.parse(store.page_from_capture(previous), parser=parser, boilerplate=store.boilerplate.learned(adapter.name))
    except Exception:  # the old bytes may not suit the new parser: then they stay as they were read
        return
    if (again.title, again.text) == (article.title, article.text):
        store.versions.record(article_id, again, previous["fetched_at"], previous["capture_id"], text_hash(again.text))


class Batch:
    """Groups the writes of consecutive pages into one transaction, committed every `pages`
    pages or `seconds` seconds. Each page's writes stay all-or-nothing (a savepoint inside);
    a kill loses at most the open batch, whose pages are fetched (or read) again on resume.
    A commit per page made the single writer the bottleneck of crawls and imports."""

    def __init__(self, store, pages: int = 50, seconds: float = 0.5):
        self.store = store
        self.pages = pages
        self.seconds = seconds
        self.on_commit: list[Callable[[], None]] = []  # told after each commit (what is now durable)
        self._tx = None
        self._count = 0
        self._deadline = 0.0

    def __enter__(self) -> "Batch":
        self.open()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc is None:
            self.commit()
        else:
            self.abort(exc)

    def open(self) -> None:
        if self._tx is None:
            self._tx = self.store.transaction()
            self._tx.__enter__()
            self._count = 0
            self._deadline = time.monotonic() + self.seconds

    def added(self) -> None:
        """One page stored; commits when the batch is full or old enough (the caller opens the
        next one before its next writes)."""
        self._count += 1
        if self._count >= self.pages or time.monotonic() >= self._deadline:
            self.commit()

    def time_left(self) -> float | None:
        return None if self._tx is None else max(0.0, self._deadline - time.monotonic())

    def commit(self) -> None:
        if self._tx is not None:
            tx, self._tx = self._tx, None
            with held():  # the commit and the note of it, or neither
                tx.__exit__(None, None, None)
                for told in self.on_commit:
                    told()

    def abort(self, exc: BaseException) -> None:
        if self._tx is not None:
            tx, self._tx = self._tx, None
            tx.__exit__(type(exc), exc, exc.__traceback__)
