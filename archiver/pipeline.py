"""The crawl: discover → fetch → store raw → parse (adapter) → store article, per site.

Fetching runs in a pool of `concurrency` worker threads sharing one httpx client; so does the
pure work on a fetched page (link discovery, the adapter's parse, the text's near-duplicate
sketch), which needs no database, unless the run is big and fast enough for that work to
move to worker processes (archiver.parsing), off the GIL that fetching and storing share.
Everything that touches the database (the frontier, captures, articles) runs on the calling
thread, in the same order as before: the raw capture is stored before the article parsed
from it, and a parse failure still leaves the raw bytes. An SQLite connection is not
thread-safe and one writer is all WAL allows anyway. Several sites are crawled at once, each
held to its share of the workers, so a per-host delay on one site does not idle the others.

The frontier lives in the database, so a crawl killed at any moment resumes where it stopped.
Each step that must not be half-done is one transaction: a capture with its frontier state
'fetched'; an article with everything hanging off it and its frontier state 'done'. A URL
whose raw body was stored but not yet parsed ('fetched') is parsed from the stored bytes on
the next run, never fetched again. Each page's failure is recorded with its reason and the
crawl goes on; a retryable failure waits in the frontier for a later run.
"""

from __future__ import annotations

import logging
import queue
import time
from collections import Counter, deque
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from typing import Callable, Iterable

from .dedup import sketch
from .adapters import make_adapter
from .archive import PARSED_TYPES, Archived, Batch, Outcome, StoredCapture, archive_page, parses
from .cassettes import Recorder
from .config import Config
from .errors import FetchError
from .fetch import Fetcher, is_retryable
from .models import FetchedPage, PageLinks, utc_now
from .parsing import ParsePool, Prepared, default_workers, portable, prepare_page
from .revisit import next_check, parse_schedule
from .robots import RobotsPolicy, Verdict
from .runs import COUNT_KEYS, RunReport
from .sites.base import Adapter
from .store import Store
from .url_shapes import ShapeBook
from .urls import origin_of

log = logging.getLogger("archiver.crawl")

RETRY_BASE = timedelta(minutes=10)
MAX_ATTEMPTS = 10  # runs in which a retryable URL is tried before it is given up (~4 days)
ROBOTS_RECHECK = timedelta(days=1)  # a disallowed URL is looked at again (locally) after this
FAILED_RUN_PAUSE = 1800.0  # seconds before `crawl --due` tries again a site whose last run failed
# When the pure work on pages moves to worker processes (see CrawlScheduler). A worker costs
# about a second of CPU to start and ~90 MB, and each page's trip to it ~0.4 ms of CPU, so it
# pays off only when parsing holds the crawl process's GIL a good share of the time, and for
# long enough: a polite crawl (1 s per-host delay) parses a few pages a second and never starts one.
PROCESS_SAMPLE = 200  # pages prepared in the fetch threads before deciding...
PROCESS_SAMPLE_CPU = 2.0  # ...or CPU seconds they took, if that comes first (heavy pages)
PROCESS_SHARE = 0.2  # of the run's wall time that preparing pages took (CPU seconds per second)
PROCESS_MIN_WORK = 5.0  # CPU seconds of preparing still to come (pages max_pages allows, at the measured cost)


Progress = Callable[[str, str, int, int], None]  # site, url, done, total


def _at(delay: timedelta) -> str:
    return (datetime.now(timezone.utc) + delay).replace(microsecond=0).isoformat()


def _later(attempts: int) -> str:
    return _at(min(RETRY_BASE * (2 ** max(0, attempts - 1)), timedelta(days=1)))


class SiteCrawl:
    """One site's run. `next_job`, `complete` and everything storing run on the crawl's
    thread; only `fetch_job` and `prepare` run in a fetch worker (or `prepare`'s work in a
    parse worker process)."""

    def __init__(self, store: Store, adapter: Adapter, fetcher: Fetcher, max_pages: int,
                 progress: Progress | None = None, recorder: Recorder | None = None,
                 robots: RobotsPolicy | None = None, revisit: tuple[timedelta, ...] = (),
                 revisit_all: bool = False):
        self.store = store
        self.adapter = adapter
        self.site = adapter.name
        self.fetcher = fetcher
        self.max_pages = max_pages
        self.progress = progress
        self.recorder = recorder
        self.robots = robots
        self.revisit = revisit  # the site's schedule (archiver.revisit); () = articles are never re-checked
        self.revisit_all = revisit_all
        self.stopping = False  # set when the run ends early: in-flight fetches end quietly
        self.report = RunReport(self.site)
        self.attempted: set[str] = set()
        self.accept = PARSED_TYPES
        self.dedup_params: sketch.Params | None = None  # the index's, for sketches made off this thread
        self._queue: deque[dict] = deque()
        self._submitted = 0  # fetches started this run; max_pages caps it
        self._done = 0
        self._unreachable = 0
        self._starts: set[str] = set()
        self.shapes: ShapeBook | None = None  # what the site's URL shapes proved to be (archiver.url_shapes)

    @property
    def pages_left(self) -> int:
        return max(0, self.max_pages - self._submitted)

    def run(self) -> RunReport:
        return CrawlScheduler([self], self.fetcher.config.concurrency).run()[0]

    # -- the run's frame ----------------------------------------------------------------
    def begin(self) -> None:
        stale = self.store.close_stale_runs(self.site)
        if stale:
            log.info("%s: %d earlier run(s) were interrupted; resuming their frontier", self.site, stale)
        self.report.begin(self.store)
        self.dedup_params = self.store.dedup_params()
        if self.adapter.learns_shapes:
            self.shapes = ShapeBook.from_captures(self.store.iter_captures([self.site], kind=None))
        starts = self.adapter.start_urls() + self._robots_sitemaps()
        self._starts = set(starts)
        self.store.frontier_add(self.site, starts, "listing")
        self.store.frontier_requeue(self.site, starts)
        self._queue_revisits()

    def _robots_sitemaps(self) -> list[str]:
        """The site's own sitemaps its robots.txt names: where a site declares them, discovery
        starts there too."""
        if self.robots is None:
            return []
        return self.adapter.named_sitemaps(self.robots.sitemaps(origin_of(self.adapter.base_url)))

    def _queue_revisits(self) -> None:
        """Stored articles due for a re-check join the frontier, most overdue first: up to half
        of the run's pages, so discovery goes on; all of them (within max_pages) with --revisit."""
        versions = self.store.versions
        if self.revisit_all:
            urls = versions.every_url(self.site, self.max_pages)
        elif self.revisit:
            urls = versions.due(self.site, utc_now(), max(1, self.max_pages // 2))
        else:
            return
        if urls:
            log.info("%s: %d stored article(s) to re-check for edits", self.site, len(urls))
            self.store.frontier.revisit(self.site, urls)

    def finish(self, interrupted: bool = False) -> None:
        if self.progress:
            self.progress(self.site, "", self._done, self._done)
        if not interrupted and (self.report.counts["new"] or self.report.counts["updated"]):
            # What now recurs across the site's articles is boilerplate for the next run's pages
            # (and for `reparse`, which also removes it from those already stored).
            self.store.boilerplate.learn(self.site)
        self.report.finish(self.store, interrupted, unreachable=bool(self._unreachable))

    # -- scheduling (crawl thread) ------------------------------------------------------
    def next_job(self) -> dict | None:
        """The next frontier entry to fetch, or None. Entries fetched by an earlier, killed
        run are parsed here from their stored bytes instead of being handed out."""
        while True:
            if self._submitted >= self.max_pages:
                return None
            if not self._queue:
                # Attempted URLs can still be eligible (in flight, missing from a cassette): look past them.
                rows = self.store.frontier_next(self.site, utc_now(), 200 + len(self.attempted))
                self._queue.extend(r for r in rows if r["url"] not in self.attempted)
                if not self._queue:
                    return None
            entry = self._queue.popleft()
            if entry["url"] in self.attempted:
                continue
            self.attempted.add(entry["url"])
            if entry["state"] == "fetched":
                self._resume_parse(entry)
                continue
            self._submitted += 1
            return entry

    def validators_for(self, entry: dict) -> dict[str, str]:
        return self.store.last_validators(entry["url"])

    def fetch_job(self, url: str, validators: dict[str, str]):
        """Worker thread: robots.txt, then the fetch. Returns a FetchedPage, a FetchError or a
        robots Verdict; never touches the database."""
        try:
            if self.robots is not None:
                verdict = self.robots.check(url)
                if not verdict.allowed:
                    return verdict
            return self.fetcher.fetch(url, validators, accept=self.accept)
        except FetchError as exc:
            return exc
        except Exception as exc:  # a bug in one fetch must not kill the run; it is logged in full
            if self.stopping:  # the run is over (Ctrl-C, SIGTERM) and its client closed under this fetch
                return FetchError(url, "interrupted")
            log.exception("%s: unexpected error while fetching", url)
            return FetchError(url, f"unexpected error: {type(exc).__name__}: {exc}")

    def worth_preparing(self, page: FetchedPage) -> bool:
        """Whether `archive_page` will parse this page (not an error, a 304 or a skipped body)."""
        return parses(page, self.accept)

    def prepare(self, page: FetchedPage) -> Prepared | None:
        """Worker thread: what `archive_page` would work out from a page it is going to parse."""
        if not self.worth_preparing(page):
            return None
        return prepare_page(self.adapter, page, self.dedup_params)

    def complete(self, entry: dict, result) -> None:
        url = entry["url"]
        if isinstance(result, Verdict):
            self._submitted -= 1  # no request was made for this page
            self._defer(url, result)
        elif isinstance(result, FetchError):
            self._fetch_failed(entry, result)
        else:
            prepared = result if isinstance(result, Prepared) else None
            page = prepared.page if prepared else result
            if self.recorder:
                self.recorder.add(self.site, self.adapter.base_url, page)
            self._archive(entry, page, prepared)
        self._done += 1
        if self.progress:
            self.progress(self.site, url, self._done, self.max_pages)

    # -- outcomes (crawl thread) --------------------------------------------------------
    def _defer(self, url: str, verdict: Verdict) -> None:
        if verdict.retry_in is not None:
            self._unreachable += 1
            self.report.errors["robots.txt unreachable"] += 1
            when = _at(timedelta(seconds=verdict.retry_in))
        else:
            self.report.errors["disallowed by robots.txt"] += 1
            when = _at(ROBOTS_RECHECK)
        self.store.frontier_mark(url, "retry", verdict.reason, next_attempt=when)

    def _fetch_failed(self, entry: dict, error: FetchError) -> None:
        if not error.attempted:
            # A replay without this page says nothing about the site: leave it for a live run.
            self.report.errors[error.reason] += 1
            return
        with self.store.transaction():
            self.store.record_failure(self.site, entry["url"], error.reason, error.status, self.report.run_id)
            self._fail(entry["url"], error.reason, entry["attempts"], is_retryable(error))

    def _fail(self, url: str, reason: str, attempts: int, retry: bool) -> None:
        self.report.failed(reason)
        log.warning("%s: %s", url, reason)
        if retry and attempts + 1 >= MAX_ATTEMPTS:
            retry = False
            reason = f"{reason}; given up after {attempts + 1} runs"
        state = "retry" if retry else "failed"
        self.store.frontier_mark(url, state, reason, next_attempt=_later(attempts + 1), attempted=True)

    def _archive(self, entry: dict, page: FetchedPage, prepared: Prepared | None) -> None:
        with self.store.transaction():
            archived = archive_page(self.store, self.adapter, page, run_id=self.report.run_id,
                                    is_article=self._is_article(entry["url"], prepared and prepared.links),
                                    prepared=prepared, accept=self.accept, discover=True)
            self._record(entry, archived)
            if archived.article_id is not None:
                self._checked(archived.article_id, page.fetched_at)

    def _is_article(self, url: str, links: PageLinks | Exception | None = None) -> bool:
        """Whether the page at URL is stored as an article: its URL says so by the adapter's
        rules, or, where shapes are learned, the page or its shape does, or it is one already."""
        if self.adapter.article_key(url) is not None:
            return True
        if self.shapes is None:
            return False
        says = links.says_article if isinstance(links, PageLinks) else None
        return self.shapes.stores(url, says) or self.store.article_id_for_url(url) is not None

    def _checked(self, article_id: int, at: str) -> None:
        """The article was just looked at: when it is next due (its schedule counts from its
        last change, so an edit makes it young again)."""
        versions = self.store.versions
        due = None
        if self.revisit:
            due = next_check(self.revisit, datetime.fromisoformat(versions.last_change(article_id)),
                             datetime.fromisoformat(at))
        versions.checked(article_id, at, due.isoformat() if due else None)

    def _record(self, entry: dict, archived: Archived) -> None:
        """Count the page, queue what it links to, and settle its frontier entry."""
        url = entry["url"]
        if archived.http_error:
            self.report.counts["fetched"] += 1
            self._fail(url, archived.reason, entry["attempts"], retry=False)
            return
        self.report.count(archived)
        self._learn(url, archived)
        if archived.links is not None:
            self._discover(entry, archived.links)
        reason = archived.reason if archived.outcome in (Outcome.FAILED, Outcome.SKIPPED) else None
        self.store.frontier_mark(url, "done", reason, attempted=True)

    def _learn(self, url: str, archived: Archived) -> None:
        """A page parsed (or kept as a listing) is evidence about its URL's shape."""
        if self.shapes is not None and archived.outcome is not Outcome.SKIPPED:
            self.shapes.learn(url, archived.article_id is not None)

    def _discover(self, entry: dict, links: PageLinks) -> None:
        depth = (entry.get("depth") or 0) + 1
        if self.shapes is not None:
            links, probes = self.shapes.route(links)
            # A few links of an undecided shape are fetched early (as listings) to learn what it is.
            self.store.frontier_add(self.site, probes, "listing", depth)
        new_articles = self.store.frontier_add(self.site, links.articles, "article", depth)
        listings = [u for u in links.listings if u != entry["url"]]
        if entry["kind"] == "listing" and listings:
            # Pagination goes on only while pages still bring something new; what a start
            # page links (sections, archives) is always followed.
            if new_articles or entry["url"] in self._starts:
                self.store.frontier_add(self.site, listings, "listing", depth)
                self.store.frontier_requeue(self.site, [u for u in listings if u not in self.attempted])
        elif listings:
            self.store.frontier_add(self.site, listings, "listing", depth)
        if entry["url"] in self._starts:
            # What the front page and feeds link is where stories change: re-check those
            # articles every run (conditional GET, so usually a cheap 304).
            self.store.frontier_recheck(self.site, [u for u in links.articles if u not in self.attempted])

    def _resume_parse(self, entry: dict) -> None:
        """A page fetched by a run that died before parsing it: archive the stored bytes."""
        url = entry["url"]
        row = self.store.latest_capture(url)
        if row is None or not row.get("sha256"):
            self.store.frontier_mark(url, "pending")
            self.attempted.discard(url)
            return
        page = self.store.page_from_capture(row)
        with self.store.transaction():
            archived = archive_page(self.store, self.adapter, page, run_id=self.report.run_id, discover=True,
                                    is_article=self._is_article(url),
                                    stored=StoredCapture(row["id"], row["sha256"]))
            self._learn(url, archived)
            if archived.links is not None:
                self._discover({**entry, "depth": 0}, archived.links)
            self.report.count(archived, fetched=False)
            self.store.frontier_mark(url, "done")


class _Crash:
    """A fetch worker's unexpected exception, re-raised on the crawl thread."""

    def __init__(self, exc: BaseException):
        self.exc = exc


_WORKER_DONE = object()


class CrawlScheduler:
    """Hands frontier entries of several sites to `concurrency` fetch workers and stores the
    results as they come back, on the calling thread. Each site with work gets an equal
    share of the workers, so a slow or delayed host cannot take them all; the per-host delay
    itself is enforced by the fetcher's HostPacer.

    A fetch worker serves one site: it fetches its entry, then the next one this thread has
    queued for that site, and so on, so it never waits for this thread (busy storing) between
    two fetches; one entry per worker is queued ahead. Results come back on one queue.

    A fetched page's pure work runs in its fetch worker until the run has shown, over its
    first PROCESS_SAMPLE pages, that this work holds the GIL for a PROCESS_SHARE of the time or
    more and that the pages max_pages still allows would take PROCESS_MIN_WORK CPU seconds of
    it; from then on a ParsePool of worker processes does it (fetch workers hand it the page
    and go on). A polite crawl (per-host delays of a second) or a small one never starts one."""

    def __init__(self, crawls: list[SiteCrawl], concurrency: int, ordered: bool = False):
        self.crawls = crawls
        # ORDERED: one page at a time, stored before the next is handed out, no parse processes,
        # so the same recordings always give the same archive, ids included (a replay).
        self.ordered = ordered
        self.concurrency = 1 if ordered else max(1, concurrency)
        self.parsers: ParsePool | None = None
        self._portable: set[SiteCrawl] = set()
        self._results: queue.SimpleQueue = queue.SimpleQueue()  # (crawl, entry, result)
        self._stopping = False
        self._decided = ordered  # an ordered run never hands pages to worker processes
        self._sampled = 0
        self._sample_cpu = 0.0
        self._started = time.monotonic()

    def run(self) -> list[RunReport]:
        for crawl in self.crawls:
            crawl.adapter.load()
            crawl.begin()
        pool = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="archiver-fetch")
        batch = Batch(self.crawls[0].store) if self.crawls else None
        for crawl in self.crawls:
            crawl.report.checkpoint()
            if batch is not None:
                batch.on_commit.append(crawl.report.checkpoint)
        finished = False
        self._started = time.monotonic()
        try:
            self._loop(pool, batch)
            batch and batch.commit()
            finished = True
        except BaseException as exc:
            batch and batch.abort(exc)
            for crawl in self.crawls:
                crawl.report.rollback()  # the pages of the batch rolled back are not stored: not counted
            raise
        finally:
            # On Ctrl-C or SIGTERM, start no more fetches; those in flight end by their timeout.
            self._stopping = True
            for crawl in self.crawls:
                crawl.stopping = True
            pool.shutdown(wait=finished, cancel_futures=True)
            if self.parsers is not None:
                self.parsers.close(wait=finished)
            for crawl in self.crawls:
                crawl.finish(interrupted=not finished)
        return [crawl.report for crawl in self.crawls]

    def _loop(self, pool: ThreadPoolExecutor, batch: Batch) -> None:
        dispatch = _Dispatch(self, pool, batch)
        while True:
            dispatch.fill()
            if dispatch.idle():
                return
            results = self._next_results(batch.time_left())
            if not results:
                batch.commit()  # nothing came back in time: don't sit on stored pages
                continue
            for crawl, _, result in results:
                if result is _WORKER_DONE:
                    dispatch.workers[crawl] -= 1
            if not self.ordered:
                # Keep the fetch workers going before storing (a finished one is replaced);
                # an ordered run hands out the next page only once this one is stored.
                dispatch.fill()
            for crawl, entry, result in results:
                if result is _WORKER_DONE:
                    continue
                if isinstance(result, _Crash):
                    raise result.exc
                dispatch.held[crawl] -= 1
                if isinstance(result, Prepared):
                    self._sample(result, dispatch.live)
                batch.open()  # the one before may have filled the batch: every page is stored in one
                crawl.complete(entry, result)
                batch.added()

    def _next_results(self, timeout: float | None) -> list[tuple]:
        """The results that came back: at least one, unless TIMEOUT passed first."""
        try:
            results = [self._results.get(timeout=timeout)]
        except queue.Empty:
            return []
        while True:
            try:
                results.append(self._results.get_nowait())
            except queue.Empty:
                return results

    def fetch_worker(self, crawl: SiteCrawl, queued: deque, entry: dict, validators: dict) -> None:
        """A fetch worker: ENTRY, then the site's entries queued meanwhile, until none is left."""
        try:
            while True:
                try:
                    self._fetch(crawl, entry, validators)
                except BaseException as exc:
                    self._results.put((crawl, entry, _Crash(exc)))
                    return
                if self._stopping:
                    return
                try:
                    entry, validators = queued.popleft()
                except IndexError:
                    return
        finally:
            self._results.put((crawl, None, _WORKER_DONE))

    def _fetch(self, crawl: SiteCrawl, entry: dict, validators: dict) -> None:
        result = crawl.fetch_job(entry["url"], validators)
        if isinstance(result, FetchedPage) and crawl.worth_preparing(result):
            parsers = self.parsers
            if parsers is not None and crawl in self._portable \
                    and parsers.submit(crawl.adapter, result, crawl.dedup_params, (crawl, entry)):
                return  # _parsed delivers it
            result = crawl.prepare(result) or result
        self._results.put((crawl, entry, result))

    def _parsed(self, tag: tuple[SiteCrawl, dict], page: FetchedPage, prepared: Prepared | None) -> None:
        # None (a worker failed): the crawl thread works the page out itself.
        self._results.put((*tag, prepared or page))

    def _sample(self, prepared: Prepared, live: list[SiteCrawl]) -> None:
        """Counts what preparing pages in the fetch threads costs, and once enough pages were
        seen decides (once) whether worker processes would pay off."""
        if self._decided:
            return
        self._sampled += 1
        self._sample_cpu += prepared.cpu
        if self._sampled < PROCESS_SAMPLE and self._sample_cpu < PROCESS_SAMPLE_CPU:
            return
        self._decided = True
        share = self._sample_cpu / max(1e-6, time.monotonic() - self._started)
        left = sum(crawl.pages_left for crawl in live)
        work = left * self._sample_cpu / self._sampled
        workers = default_workers()
        if share < PROCESS_SHARE or work < PROCESS_MIN_WORK or workers < 1:
            return
        self._portable = {crawl for crawl in live if portable(crawl.adapter)}
        if self._portable:
            log.info("parsing took %.0f%% of the crawl's time, %d pages may follow: %d parse worker process(es)",
                     100 * share, left, workers)
            self.parsers = ParsePool(workers, self._parsed, backlog=2 * self.concurrency)


class _Dispatch:
    """Which site's entries go to the fetch workers next: each site with work held to an equal
    share of them, taking turns, with one entry per worker queued ahead."""

    def __init__(self, scheduler: CrawlScheduler, pool: ThreadPoolExecutor, batch: Batch):
        self.scheduler = scheduler
        self.pool = pool
        self.batch = batch
        self.ahead: dict[SiteCrawl, deque] = {crawl: deque() for crawl in scheduler.crawls}  # (entry, validators)
        self.workers: Counter = Counter()  # fetch workers serving each site, held to its share
        self.held: Counter = Counter()  # entries per site handed out and not stored yet: they may bring more work
        self.live = list(scheduler.crawls)
        self.drained: set[SiteCrawl] = set()  # sites whose frontier had nothing due when last asked
        self.turn = 0

    def idle(self) -> bool:
        return not sum(self.workers.values()) and not sum(self.held.values())

    def take(self, crawl: SiteCrawl) -> tuple[dict, dict] | None:
        self.batch.open()  # resuming a killed run's pages writes too
        entry = crawl.next_job()
        if entry is None:
            self.drained.add(crawl)
            return None
        self.drained.discard(crawl)
        self.held[crawl] += 1
        return entry, crawl.validators_for(entry)

    def fill(self) -> None:
        if not self.live:
            return
        concurrency = self.scheduler.concurrency
        share = -(-concurrency // len(self.live))
        if not self.scheduler.ordered or not sum(self.workers.values()):
            # Sites take turns; in an ordered run a turn is a page, never a tick of the clock.
            self.turn = (self.turn + 1) % len(self.live)
        for crawl in self.live[self.turn:] + self.live[:self.turn]:
            queued = self.ahead[crawl]
            while self.workers[crawl] < share and sum(self.workers.values()) < concurrency:
                job = queued.popleft() if queued else self.take(crawl)
                if job is None:
                    break
                self.workers[crawl] += 1
                self.pool.submit(self.scheduler.fetch_worker, crawl, queued, *job)
            while not self.scheduler.ordered and len(queued) < self.workers[crawl]:
                job = self.take(crawl)
                if job is None:
                    break
                queued.append(job)
            if not self.held[crawl] and crawl in self.drained:
                self.live.remove(crawl)  # nothing left, nothing queued or in flight to discover more


def crawl(store: Store, config: Config, sites: Iterable[str], fetcher: Fetcher, max_pages: int | None = None,
          progress: Progress | None = None, recorder: Recorder | None = None,
          base_urls: dict[str, str] | None = None, robots: RobotsPolicy | None = None,
          revisit_all: bool = False, ordered: bool = False) -> list[RunReport]:
    """Crawl SITES together (sharing `fetch.concurrency` workers); one report per site.
    REVISIT_ALL re-checks every stored article of the sites now (within max_pages); ORDERED
    works one page at a time, so the same recordings give the same archive, ids included."""
    if robots is None and config.fetch.respect_robots:
        robots = RobotsPolicy(fetcher)
    crawls = []
    for site in sites:
        adapter = make_adapter(config, site, (base_urls or {}).get(site))
        limit = max_pages if max_pages is not None else config.site(site).max_pages
        crawls.append(SiteCrawl(store, adapter, fetcher, limit, progress, recorder, robots,
                                revisit=parse_schedule(config.site(site).revisit), revisit_all=revisit_all))
    return CrawlScheduler(crawls, config.fetch.concurrency, ordered=ordered).run()


def due_sites(store: Store, config: Config, sites: Iterable[str], now: datetime | None = None) -> list[str]:
    """Sites whose `every` has elapsed since their last successful run. A site whose last run
    failed outright waits FAILED_RUN_PAUSE (or `every`, if shorter) before the next try, so a
    cron line every few minutes does not knock on a dead site every few minutes."""
    now = now or datetime.now(timezone.utc)
    due = []
    for site in sites:
        every = config.site(site).every_seconds
        last_ok = store.last_successful_run(site)
        if last_ok and (now - datetime.fromisoformat(last_ok)).total_seconds() < every:
            continue
        last = store.last_run(site)
        if last and last["status"] == "failed" and \
                (now - datetime.fromisoformat(last["started"])).total_seconds() < min(every, FAILED_RUN_PAUSE):
            continue
        due.append(site)
    return due
