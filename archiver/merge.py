"""`archiver merge A.db B.db ... --into C.db`: archives made on several machines, or one per
shard of a backfill, become one.

A merge is an import whose records are the sources' captures: every capture of every source,
all sources interleaved in capture-time order, is archived into the target through the one
write path (ingest.Ingest.add -> archive.archive_page), on its own date. So the target holds
what one archive fetching all those pages in that order would hold: raw bodies stored once by
content hash, articles identified by (site, key) whichever source saw them, an article's
versions rebuilt from all its captures in date order, near-duplicate clusters computed across
sources. A capture the target already holds (same URL, same moment) is skipped, so merging a
source twice adds nothing. Captures without a body (a failed fetch, a skipped image, a 304)
are carried as captures too.

The sources' run rows are not copied: the merge is one import run per site in the target.
With WORKERS >= 2 the pages are parsed in that many processes (bulk.py's pure map step),
still written by this one process in the same order, so the target is the same.
"""

from __future__ import annotations

import heapq
import itertools
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .archive import Batch
from .config import Config
from .dedup.sketch import Params
from .errors import UsageError
from .ingest import BATCH, AdapterChoice, Ingest, WarcCapture
from .models import FetchedPage
from .parsing import Prepared
from .runs import RunReport
from .store import Store
from .store.capture_log import CaptureLog


@dataclass(frozen=True)
class SourceCapture:
    """One capture of a source archive as recorded there, with its page (body b"" when none)."""

    source: int  # index of the source archive in the merge's list
    site: str
    kind: str
    error: str | None
    page: FetchedPage


@dataclass
class MergeResult:
    reports: list[RunReport]
    captures: Counter = field(default_factory=Counter)  # source path -> captures read
    skipped: Counter = field(default_factory=Counter)  # reason -> captures not added


PAGES_PER_TASK = 50  # captures a worker process prepares per hand-off


def merge_archives(target: Store, config: Config, sources: Iterable[str | Path], workers: int = 0) -> MergeResult:
    """Archive every capture of SOURCES into TARGET, in capture-time order across sources;
    WORKERS >= 2: parsed in that many processes (spawned: a calling script needs a main guard)."""
    paths = _checked_sources(target, sources)
    result = MergeResult([])
    stores = [Store(path, readonly=True, dedup=config.dedup) for path in paths]
    try:
        with Ingest(target, config, generic_links=False) as ingest, Batch(target, pages=BATCH, seconds=5.0) as batch, \
                _preparer(config, target.dedup_params(), workers) as prepare:
            for capture, prepared in prepare(interleaved(stores)):
                result.captures[str(paths[capture.source])] += 1
                batch.open()
                _carry(target, ingest, capture, prepared)
                batch.added()
        result.reports = ingest.reports
        result.skipped = ingest.skipped
    finally:
        for store in stores:
            store.close()
    return result


def interleaved(stores: list[Store]) -> Iterator[SourceCapture]:
    """The captures of all STORES in capture-time order (ties: by source, then as recorded)."""
    def captures(index: int, store: Store) -> Iterator[tuple[str, int, int, SourceCapture]]:
        for row, page in CaptureLog(store.db, store.bodies).every():
            yield row["fetched_at"], index, row["id"], SourceCapture(index, row["site"], row["kind"], row["error"], page)

    for *_, capture in heapq.merge(*(captures(i, s) for i, s in enumerate(stores)), key=lambda item: item[:3]):
        yield capture


def _carry(target: Store, ingest: Ingest, capture: SourceCapture, prepared: Prepared | None = None) -> None:
    if capture.kind != "failed":
        ingest.add(capture.page, capture.site, prepared=prepared)
        return
    # A fetch that got no page: recorded on its own date, not the merge's (Ingest.fail's).
    page = capture.page
    if CaptureLog(target.db, target.bodies).has_failure(page.url, page.fetched_at, capture.error):
        ingest.skipped["already in the archive"] += 1
        return
    adapter = ingest.adapter_for(page.url, capture.site)
    report = ingest.report_for(adapter.name)
    target.save_capture(adapter.name, page, "failed", report.run_id, error=capture.error, store_body=False)
    report.failed(capture.error or "failed")


Prepare = Callable[[Iterable[SourceCapture]], Iterator[tuple[SourceCapture, Prepared | None]]]


@contextmanager
def _preparer(config: Config, params: Params, workers: int) -> Iterator[Prepare]:
    """Pairs each capture with its pure work done in a worker process, in the captures' order;
    with fewer than two workers, with None (the writer parses it itself)."""
    if workers < 2:
        yield lambda captures: ((capture, None) for capture in captures)
        return
    import concurrent.futures
    import multiprocessing

    from .bulk import in_order

    # spawn: a forked worker would inherit the database connections and locks other threads hold.
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        def prepare(captures: Iterable[SourceCapture]) -> Iterator[tuple[SourceCapture, Prepared | None]]:
            tasks = iter(lambda: list(itertools.islice(captures, PAGES_PER_TASK)), [])
            for task, outcome in in_order(tasks, lambda task: pool.submit(prepare_captures, task, config, params),
                                          window=2 * workers):
                ready = outcome if not isinstance(outcome, Exception) else [None] * len(task)
                yield from zip(task, ready)

        yield prepare


def prepare_captures(captures: list[SourceCapture], config: Config, params: Params) -> list[Prepared | None]:
    """In a worker process: each capture's pure work, as an import's worker does it (None
    for what the writer does not parse: a failure, an error status, a non-HTML body)."""
    from .bulk import _prepare

    choose = AdapterChoice(config)
    return [None if c.kind == "failed" else _prepare(choose, WarcCapture(c.page, c.site, None), params, False)
            for c in captures]


def _checked_sources(target: Store, sources: Iterable[str | Path]) -> list[Path]:
    paths = [Path(p) for p in sources]
    if not paths:
        raise UsageError("merge needs at least one source archive")
    into = target.path.resolve()
    for path in paths:
        if not path.is_file():
            raise UsageError(f"cannot merge {path}: no such file")
        if path.resolve() == into:
            raise UsageError(f"cannot merge {path} into itself")
    return paths
