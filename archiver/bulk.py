"""Bulk imports: WARC shards prepared in parallel, applied by one writer in file order.

A shard is a run of records of one WARC file (a whole file, a WARC inside a WACZ, or a record
range of a large file). Its map step, `prepare_shard`, is pure: it reads the records, decodes
the bodies, and for each page runs the adapter's parse, link discovery and near-duplicate
sketch (parsing.prepare_page), touching no database. It runs in worker processes of this
machine (`import-warc` with enough records) or on a Dask cluster (`import-warc --scheduler`).

The results come back to the one writer, which applies them through the one write path
(archive.archive_page with `prepared=`) shard after shard in the order a single-process import
reads them, so both build the same archive: the same first-seen article of each duplicate
cluster, the same versions. A shard whose worker fails is tried again; one that keeps failing
is recorded (in the journal beside the database, and in the import's result) and the import
goes on; a rerun skips the shards the journal lists as done and tries the failed ones again.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import time
from collections import Counter, deque
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .archive import PARSED_TYPES, Batch
from .config import Config
from .errors import ArchiverError, ParseError, UsageError
from .html import decode_body
from .ingest import (BATCH, AdapterChoice, ImportResult, Ingest, Shard, WarcCapture, WarcItem, WarcWriter,
                     file_shards, read_shard, record_offsets, split_shard)
from .models import PageLinks, ParsedArticle
from .dedup import sketch
from .dedup.sketch import Params
from .parsing import Prepared, prepare_page

log = logging.getLogger("archiver.bulk")

LOCAL_MIN_RECORDS = 200  # below this, starting worker processes costs more than it saves
MIN_SHARD_RECORDS = 25  # smaller record ranges cost more in hand-offs than they spread
MAX_SHARD_RECORDS = 1000  # a shard's results are held in memory until the writer applies them
# Many small record ranges rather than one per worker: the workers finish within a short shard
# of each other, and the writer's work after the last one arrives is short.
SHARDS_PER_SLOT = 16
RETRIES = 2  # further attempts at a shard whose worker failed
DASK_HINT = "pip install 'archiver[dask]'"


# -- the map step (in a worker) -----------------------------------------------------------
@dataclass(frozen=True)
class ShardResult:
    shard: Shard
    items: list[tuple[WarcItem, Prepared | None]]
    skipped: Counter
    cpu: float  # CPU seconds the worker spent


def prepare_shard(shard: Shard, config: Config, dedup_params: Params | None,
                  generic_links: bool = False) -> ShardResult:
    """Read SHARD's records and do each page's pure work. Runs in a worker: no database.
    GENERIC_LINKS: whether the writer queues the links of pages of no configured site."""
    started = time.process_time()
    choose = AdapterChoice(config)
    skipped: Counter = Counter()
    items = [(item, _prepare(choose, item, dedup_params, generic_links))
             for item in read_shard(shard, skipped, config.fetch.max_body_bytes)]
    return ShardResult(shard, items, skipped, time.process_time() - started)


def _prepare(choose: AdapterChoice, item: WarcItem, dedup_params: Params | None,
             generic_links: bool) -> Prepared | None:
    """The page's pure work, when the writer would parse it: a 2xx page of a parsed type. A
    revisit's body is found by the writer, which parses it itself if it must."""
    if not isinstance(item, WarcCapture) or item.revisit:
        return None
    page = item.page
    if not 200 <= page.status < 300 or not PARSED_TYPES(page.content_type):
        return None
    adapter = choose(page.url, item.site)
    if adapter.name == "generic" and not generic_links:
        prepared = _prepare_without_links(adapter, page, dedup_params)
    else:
        prepared = prepare_page(adapter, page, dedup_params)
    # What cannot travel (an adapter crash, whose traceback belongs in the writer's log) is
    # left for the writer to work out again, so the page ends the same wherever it was prepared.
    links = prepared.links if isinstance(prepared.links, PageLinks) else None
    article = prepared.article if isinstance(prepared.article, (ParsedArticle, ParseError)) else None
    return replace(prepared, links=links, article=article)


def _prepare_without_links(adapter, page, dedup_params: Params | None) -> Prepared:
    """prepare_page less link discovery, which the writer will not ask for: ~30% of a generic
    page's work is finding and normalising its links. (Requested as a flag of prepare_page.)"""
    started = time.thread_time()
    _, encoding = decode_body(page.body, page.header("content-type"))
    article = dedup = None
    if adapter.article_key(page.url) is not None:
        try:
            article = adapter.parse(page)
        except ParseError as exc:
            article = exc
        except Exception:  # the writer parses again and logs the crash with its traceback
            article = None
        if isinstance(article, ParsedArticle) and dedup_params is not None:
            try:
                dedup = sketch.prepare(article.text, dedup_params)
            except Exception:  # the store computes it again, and raises there if it must
                dedup = None
    return Prepared(page, encoding, None, article, dedup, time.thread_time() - started)


# -- shards: planning, the journal, running them in order ---------------------------------
def plan_shards(paths: Iterable[Path], slots: int, records_per_shard: int | None = None) -> list[Shard]:
    """The files' WARCs as shards; when there are fewer than two per worker slot (or
    RECORDS_PER_SHARD is given), each is cut into record ranges."""
    shards = [shard for path in paths for shard in file_shards(Path(path))]
    if records_per_shard is not None:
        return [part for shard in shards for part in split_shard(shard, records_per_shard)]
    if len(shards) >= 2 * slots:
        return shards
    return cut_shards({shard: record_offsets(shard) for shard in shards}, slots)


def cut_shards(offsets: dict[Shard, list[int]], slots: int) -> list[Shard]:
    """The shards (with their record offsets) cut into about SHARDS_PER_SLOT record ranges per
    worker slot, each within MIN_SHARD_RECORDS..MAX_SHARD_RECORDS."""
    total = sum(len(found) for found in offsets.values())
    per = max(MIN_SHARD_RECORDS, min(MAX_SHARD_RECORDS, math.ceil(total / (SHARDS_PER_SLOT * slots))))
    return [part for shard, found in offsets.items()
            for part in (split_shard(shard, per, found) if len(found) > per else [shard])]


class ShardJournal:
    """Which shards earlier bulk imports into this archive finished or gave up on: JSON lines
    in `<database>.shards.jsonl`. A shard is named by its file's path, size and modification
    time, so a changed file is read again. Losing the file costs only time: records already
    archived are skipped by their URL and date."""

    def __init__(self, db_path: Path):
        self.path = Path(f"{db_path}.shards.jsonl")
        self._done: set[str] = set()
        if self.path.exists():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                try:
                    entry = json.loads(line)
                except ValueError:  # a line cut short by a kill
                    continue
                if entry.get("status") == "done":
                    self._done.add(entry["shard"])
                else:
                    self._done.discard(entry.get("shard"))

    @staticmethod
    def key(shard: Shard) -> str:
        stat = os.stat(shard.path)
        return f"{os.path.abspath(shard.path)}|{shard.member or ''}|{shard.start}|{shard.records}|{stat.st_size}|{stat.st_mtime_ns}"

    def done(self, shard: Shard) -> bool:
        return self.key(shard) in self._done

    def record(self, shard: Shard, status: str, error: str | None = None) -> None:
        entry = {"shard": self.key(shard), "label": shard.label, "status": status, "error": error,
                 "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        with open(self.path, "a", encoding="utf-8") as out:
            out.write(json.dumps(entry) + "\n")
        if status == "done":
            self._done.add(entry["shard"])


Submit = Callable[[Shard], object]  # a shard -> a future (concurrent.futures or Dask) of its ShardResult


def in_order(shards: list[Shard], submit: Submit, window: int, retries: int = RETRIES
             ) -> Iterator[tuple[Shard, ShardResult | Exception]]:
    """Each shard's result (or its last failure), in the order of SHARDS, while up to WINDOW
    shards are being prepared ahead. A failed shard is submitted again up to RETRIES times."""
    waiting = iter(shards)
    pending: deque = deque()

    def top_up() -> None:
        while len(pending) < window and (shard := next(waiting, None)) is not None:
            pending.append((shard, submit(shard), 0))

    top_up()
    while pending:
        shard, future, retried = pending.popleft()
        try:
            outcome = future.result()
        except Exception as exc:  # the worker's error (or its death) arrives here as raised
            if retried < retries:
                log.warning("%s: shard failed (%s: %s); trying again", shard.label, type(exc).__name__, exc)
                pending.appendleft((shard, submit(shard), retried + 1))
                continue
            outcome = exc
        del future  # a Dask future released: the worker may forget the result
        yield shard, outcome
        top_up()


def write_shards(store, config: Config, shards: list[Shard], submit: Submit, window: int,
                 retries: int = RETRIES, generic_links: bool = False) -> ImportResult:
    """The one writer: applies the shards' results in order, records each shard in the journal."""
    journal = ShardJournal(store.path)
    todo = [shard for shard in shards if not journal.done(shard)]
    failed: list[str] = []
    cpu = 0.0
    with Ingest(store, config, generic_links=generic_links) as ingest, Batch(store, pages=BATCH, seconds=5.0) as batch:
        if len(todo) < len(shards):
            ingest.skipped["shard finished by an earlier import"] += len(shards) - len(todo)
        writer = WarcWriter(store, ingest, batch)
        for shard, result in in_order(todo, submit, window, retries):
            if isinstance(result, Exception):
                reason = f"{type(result).__name__}: {result}"
                log.error("%s: shard failed after %d attempts: %s", shard.label, retries + 1, reason)
                failed.append(f"{shard.label}: {reason}")
                journal.record(shard, "failed", reason)
                continue
            ingest.skipped.update(result.skipped)
            cpu += result.cpu
            for item, prepared in result.items:
                writer.apply(item, prepared)
            batch.commit()  # the shard is in the archive before the journal says so
            journal.record(shard, "done")
    log.info("%d shards, %.1f worker CPU seconds", len(todo), cpu)
    return ImportResult(ingest.reports, ingest.skipped, writer.records, failed, cpu)


# -- on this machine: a process pool ------------------------------------------------------
def local_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def worker_context():
    """Where local workers come from: a fork server that imports and warms the parsing code
    once (archiver.worker_start), so each worker forks from it ready instead of paying that
    itself (854 pages, 2 workers, four alternations: imports 0.4-9.7% faster than with spawned
    workers, median 27.8 -> 26.8 s).
    Never a fork of this process, which holds the database connection and locks other
    threads may hold. Spawned where there is no fork."""
    import multiprocessing

    try:
        context = multiprocessing.get_context("forkserver")
    except ValueError:  # not POSIX
        return multiprocessing.get_context("spawn")
    context.set_forkserver_preload(["archiver.worker_start"])
    return context


def local_import(store, config: Config, shards: list[Shard], workers: int | None = None,
                 min_records: int = LOCAL_MIN_RECORDS, generic_links: bool = False) -> ImportResult | None:
    """Prepare the shards in worker processes when it pays: at least two workers and
    MIN_RECORDS records. None: not worth it, the caller imports in this process."""
    import concurrent.futures

    workers = local_workers() if workers is None else workers
    if workers < 2:
        return None
    offsets = {shard: record_offsets(shard) for shard in shards}
    if sum(len(found) for found in offsets.values()) < min_records:
        return None
    context = worker_context()
    parts = cut_shards(offsets, workers)
    params = store.dedup_params()
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
        def submit(shard: Shard):
            return pool.submit(prepare_shard, shard, config, params, generic_links)

        return write_shards(store, config, parts, submit, window=2 * workers, generic_links=generic_links)


# -- on Dask -------------------------------------------------------------------------------
SCHEDULER_ADDRESS = re.compile(r"(tcp|tls)://\[?[\w.:-]+\]?:\d+")


def check_scheduler(scheduler: str) -> None:
    """A usage error, before any work, when Dask is missing or SCHEDULER is no address."""
    try:
        import dask.distributed  # noqa: F401
    except ImportError:
        raise UsageError(f"--scheduler needs Dask, which is not installed: {DASK_HINT}") from None
    if scheduler != "local" and not SCHEDULER_ADDRESS.fullmatch(scheduler):
        raise UsageError(f"--scheduler {scheduler!r}: expected tcp://HOST:PORT (a Dask scheduler) or local")


@contextmanager
def dask_client(scheduler: str, workers: int | None = None) -> Iterator[object]:
    """A Dask client: of an in-process LocalCluster on 127.0.0.1 for "local" (WORKERS
    processes of one thread; stopped on the way out), else of the cluster whose
    scheduler listens at SCHEDULER (tcp://HOST:PORT)."""
    check_scheduler(scheduler)
    from dask.distributed import Client, LocalCluster

    if scheduler == "local":
        # Port 0, not None: without an address the scheduler's HTTP server (there even with no
        # dashboard) takes 8787, and warns when another cluster holds it.
        with LocalCluster(n_workers=workers or local_workers(), threads_per_worker=1, processes=True,
                          host="127.0.0.1", dashboard_address="127.0.0.1:0") as cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(scheduler, timeout="10s")
    except (OSError, TimeoutError) as exc:
        raise ArchiverError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    with client:
        yield client


def dask_import(store, config: Config, paths: Iterable[Path], scheduler: str, workers: int | None = None,
                records_per_shard: int | None = None, retries: int = RETRIES, generic_links: bool = False) -> ImportResult:
    """`import-warc --scheduler`: shards prepared on a Dask cluster's workers, which must be
    able to read the files at the same paths (a shared file system) and import archiver."""
    check_scheduler(scheduler)
    paths = [Path(p).resolve() for p in paths]
    for path in paths:
        file_shards(path)  # a missing or unreadable file is a usage error before any work
    with dask_client(scheduler, workers) as client:
        slots = sum(client.nthreads().values()) or 1
        shards = plan_shards(paths, slots, records_per_shard)
        params = store.dedup_params()
        log.info("%d shards on %d worker threads", len(shards), slots)

        def submit(shard: Shard):
            # pure=False: a retried shard is computed again, not served from the failed key.
            return client.submit(prepare_shard, shard, config, params, generic_links, pure=False)

        return write_shards(store, config, shards, submit, window=2 * slots, retries=retries,
                            generic_links=generic_links)
