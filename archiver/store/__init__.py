"""The archive database: with its schema (archiver/schema.py), the only code that speaks SQL.

`Store` opens one connection and composes the parts that share it, one concern each:

    store.bodies        raw bodies, content-addressed (sha256) and zlib-compressed   bodies.py
    store.captures      every fetch of a URL                                         captures.py
    store.articles      articles, their URLs, the one save of an article             articles.py
    store.related       related lists, tags, comments                                related.py
    store.versions      an article's text versions, removals, revisit schedule       versions.py
    store.frontier      URLs to fetch per site                                       frontier.py
    store.runs          crawl runs                                                   runs.py
    store.search_index  full-text search and the archive's counts                    search.py
    store.dedup_index   the near-duplicate index (archiver.dedup.DedupIndex)         dedup_index.py
    store.boilerplate   blocks learned as each site's boilerplate                    boilerplate.py
    store.clusters      the near-duplicate decisions over it (archiver.dedup.clusters)

An article and everything hanging off it is written in one transaction, and
`store.transaction()` groups several calls into one. Store's own methods below are the
earlier one-class API, kept as one-line delegations to the parts.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from .search import SEARCH_ORDERS, SearchIndex

TYPE_CHECKING = False  # typing.TYPE_CHECKING without loading typing: `archiver search` passes through here
if TYPE_CHECKING:
    from typing import Callable, Iterable, Iterator

    from ..config import DedupConfig
    from ..dedup.sketch import Params, TextSketch
    from ..models import FetchedPage, ParsedArticle
    from .articles import Outcome, SavedArticle
    from .captures import SavedCapture

__all__ = ["Outcome", "SavedArticle", "SavedCapture", "Store"]

# The parts load with the first Store, not with the package: `archiver search` reads through
# search.open_search alone and never loads sqlite-utils, numpy or the near-duplicate code.
_LOADED_WITH_PARTS = {"Outcome": ".articles", "SavedArticle": ".articles", "SavedCapture": ".captures"}


def __getattr__(name: str):
    if name in _LOADED_WITH_PARTS:
        return getattr(importlib.import_module(_LOADED_WITH_PARTS[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class Store:
    SEARCH_ORDERS = SEARCH_ORDERS

    def __init__(self, path: str | Path, readonly: bool = False, dedup: DedupConfig | None = None):
        from ..config import DedupConfig
        from ..dedup.clusters import Clusterer
        from .articles import Articles
        from .bodies import Bodies
        from .boilerplate import Boilerplate
        from .captures import Captures
        from .connection import open_database
        from .dedup_index import SqlDedupIndex
        from .frontier import Frontier
        from .related import Related
        from .runs import Runs
        from .versions import Versions

        self.path = Path(path)
        self.dedup_config = dedup or DedupConfig()
        self.db = open_database(self.path, readonly)
        self.bodies = Bodies(self.db)
        self.captures = Captures(self.db, self.bodies)
        self.related = Related(self.db)
        self.dedup_index = SqlDedupIndex(self.db, self.dedup_config)
        self.clusters = Clusterer(self.dedup_index)
        self.versions = Versions(self.db)
        self.articles = Articles(self.db, self.captures, self.related, self.dedup_index, self.clusters, self.versions)
        self.frontier = Frontier(self.db)
        self.runs = Runs(self.db)
        self.search_index = SearchIndex(self.db)
        self.boilerplate = Boilerplate(self.db)

    def close(self) -> None:
        self.db.conn.close()

    def transaction(self):
        """Group several store calls into one transaction (nested calls become savepoints)."""
        return self.db.atomic()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the database file (before copying the file)."""
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # -- near duplicates: the index and its rebuild ---------------------------------------
    def dedup_params(self) -> Params:
        """The near-duplicate index's parameters, for dedup.sketch.prepare on another thread."""
        return self.dedup_index.params

    def stored_dedup_params(self) -> Params | None:
        return self.dedup_index.stored_params()

    def dedup_status(self) -> dict:
        return self.dedup_index.status()

    def rebuild_dedup(self, progress: Callable[[int, int], None] | None = None) -> dict:
        """Recompute every signature, band key and cluster from stored text with the configured
        parameters, in first-seen order. One transaction: an interrupted rebuild keeps the old index."""
        from ..dedup.sketch import Params, prepare

        params = Params.from_config(self.dedup_config)
        ids = self.articles.ids_first_seen_first()
        with self.db.atomic():
            self.dedup_index.reset(params)
            for done, article_id in enumerate(ids, start=1):
                text, text_sha = self.articles.text_of(article_id)
                self.clusters.place(article_id, prepare(text, params, text_sha))
                if progress:
                    progress(done, len(ids))
        return self.dedup_status()

    # -- the earlier API, delegated ------------------------------------------------------
    def raw_body(self, sha256: str) -> bytes:
        return self.bodies.get(sha256)

    def save_capture(self, site: str, page: FetchedPage, kind: str, run_id: int | None = None,
                     encoding: str | None = None, error: str | None = None, store_body: bool = True) -> SavedCapture:
        return self.captures.save(site, page, kind, run_id, encoding, error, store_body)

    def record_failure(self, site: str, url: str, reason: str, status: int | None, run_id: int | None) -> int:
        return self.captures.record_failure(site, url, reason, status, run_id)

    def note_capture_error(self, capture_id: int, reason: str) -> None:
        self.captures.note_error(capture_id, reason)

    def last_validators(self, url: str) -> dict[str, str]:
        return self.captures.last_validators(url)

    def latest_capture_sha(self, url: str) -> str | None:
        return self.captures.latest_sha(url)

    def latest_capture(self, url: str) -> dict | None:
        return self.captures.latest(url)

    def has_capture(self, url: str, fetched_at: str) -> bool:
        return self.captures.has(url, fetched_at)

    def page_from_capture(self, row: dict) -> FetchedPage:
        return self.captures.page(row)

    def link_capture(self, capture_id: int, article_id: int, sha256: str | None) -> None:
        self.captures.link_not_modified(capture_id, article_id, sha256)

    def iter_captures(self, sites: Iterable[str] | None = None, kind: str | None = "article") -> Iterator[dict]:
        return self.captures.stored(sites, kind)

    def article_id_for_url(self, url: str) -> int | None:
        return self.articles.id_for_url(url)

    def widen_seen(self, article_id: int, moment: str) -> None:
        self.articles.widen_seen(article_id, moment)

    def save_article(self, site: str, article: ParsedArticle, capture_id: int | None, fetched_at: str,
                     raw_sha256: str | None, also_urls: Iterable[str] = (),
                     prepared: TextSketch | None = None) -> SavedArticle:
        return self.articles.save(site, article, capture_id, fetched_at, raw_sha256, also_urls, prepared)

    def find_article(self, id_or_url: str) -> int | None:
        return self.articles.find(id_or_url)

    def article_ids(self) -> Iterator[int]:
        return self.articles.ids()

    def article(self, article_id: int) -> dict:
        return self.articles.get(article_id)

    def start_run(self, site: str) -> int:
        return self.runs.start(site)

    def finish_run(self, run_id: int, status: str, counts: dict[str, int], errors: dict[str, int]) -> None:
        self.runs.finish(run_id, status, counts, errors)

    def close_stale_runs(self, site: str) -> int:
        return self.runs.close_stale(site)

    def last_run(self, site: str) -> dict | None:
        return self.runs.last(site)

    def last_successful_run(self, site: str) -> str | None:
        return self.runs.last_successful(site)

    def frontier_add(self, site: str, urls: Iterable[str], kind: str, depth: int = 0) -> int:
        return self.frontier.add(site, urls, kind, depth)

    def frontier_requeue(self, site: str, urls: Iterable[str]) -> None:
        self.frontier.requeue(site, urls)

    def frontier_recheck(self, site: str, urls: Iterable[str]) -> int:
        return self.frontier.recheck(site, urls)

    def frontier_next(self, site: str, now: str, limit: int) -> list[dict]:
        return self.frontier.next(site, now, limit)

    def frontier_mark(self, url: str, state: str, error: str | None = None, next_attempt: str | None = None,
                      attempted: bool = False) -> None:
        self.frontier.mark(url, state, error, next_attempt, attempted)

    def frontier_state(self, url: str) -> dict | None:
        return self.frontier.state(url)

    def search(self, match: str, site: str | None = None, since: str | None = None, until: str | None = None,
               limit: int = 20, all_duplicates: bool = False, order: str = "relevance") -> list[dict]:
        return self.search_index.search(match, site, since, until, limit, all_duplicates, order)

    def stats(self) -> dict:
        return self.search_index.stats()
