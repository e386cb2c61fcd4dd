"""Parse worker processes: a big, fast crawl hands its pages' pure work (links, parse,
near-duplicate sketch) to them. The archive must be the one the fetch threads would have
built, a worker that dies must lose no page, and a crawl killed with SIGKILL must leave no
worker behind."""

from __future__ import annotations

import logging
import pickle
import signal
import time
from pathlib import Path

from archiver import parsing, pipeline
from archiver.config import parse_config
from archiver.errors import ParseError
from archiver.fetch import Fetcher
from archiver.sites import adapter_names
from archiver.store import Store

from . import tinysite
from .localserver import LocalServer, Reply, descendants
from .test_resume import snapshot, start_crawl, write_config
from .tinysite import TinyNews, TinySite

ARTICLES = 120


def crawl_site(db: Path, origin: str) -> list:
    config = parse_config({"fetch": {"per_host_delay": 0.0, "concurrency": 4, "timeout": 5, "max_retries": 1},
                           "sites": {"tinynews": {"base_url": origin, "max_pages": 1000}}}, known_sites=adapter_names())
    with Store(db) as store, Fetcher(config.fetch) as fetcher:
        return pipeline.crawl(store, config, ["tinynews"], fetcher)


def count_handed_over(monkeypatch, then=None) -> list[int]:
    """Counts the pages ParsePool.submit took; THEN(pool, count) runs after each. The crawl
    waits for the workers to be up (a second or so), or a small crawl would be over first."""
    taken = [0]
    submit, start = parsing.ParsePool.submit, parsing.ParsePool.__init__

    def started(self, *args, **kwargs):
        start(self, *args, **kwargs)
        assert self._ready.wait(timeout=30)

    monkeypatch.setattr(parsing.ParsePool, "__init__", started)

    def counting(self, *args):
        accepted = submit(self, *args)
        if accepted:
            taken[0] += 1
            if then:
                then(self, taken[0])
        return accepted

    monkeypatch.setattr(parsing.ParsePool, "submit", counting)
    return taken


def test_parse_workers_build_the_archive_the_fetch_threads_build_even_when_one_dies(tmp_path, monkeypatch, caplog):
    tinysite.register(monkeypatch)
    broken = Reply(body=b"<html><body><p>no title here</p></body></html>")  # a ParseError, in a worker too
    site = TinySite(ARTICLES, {"/news/7": broken, "/news/77": broken})
    with LocalServer(site.route) as server:
        threads = crawl_site(tmp_path / "threads.db", server.origin)[0]
        assert threads.status == "partial" and threads.errors == {"parse: no title or no paragraphs": 2}
        tinysite.use_parse_workers_early(monkeypatch)

        def kill_worker(pool, count):
            if count == ARTICLES // 2:
                pool._processes[0].kill()

        taken = count_handed_over(monkeypatch, kill_worker)
        with caplog.at_level(logging.WARNING, "archiver.crawl"):
            reports = crawl_site(tmp_path / "workers.db", server.origin)
    assert taken[0] >= ARTICLES // 2  # the worker prepared pages until it was killed
    assert "a parse worker failed" in caplog.text  # then the fetch threads took over
    assert (reports[0].status, reports[0].counts, reports[0].errors) == (threads.status, threads.counts, threads.errors)
    articles, check, repeated, runs, orphans = snapshot(tmp_path / "workers.db")
    assert (articles, check, repeated, runs, orphans) == snapshot(tmp_path / "threads.db")
    assert len(articles) == ARTICLES - 2


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")  # a zombie is dead, only not reaped yet (by init here)


def test_sigkill_of_a_crawl_with_parse_workers_leaves_no_process_and_resumes(tmp_path, monkeypatch):
    if not Path("/proc/self/stat").exists():
        import pytest

        pytest.skip("needs /proc to find the crawl's processes")
    tinysite.register(monkeypatch)
    monkeypatch.setenv("TINYSITE_PARSE_WORKERS", "1")
    site = TinySite(ARTICLES)
    db = tmp_path / "archive.db"
    with LocalServer(site.route, latency=0.02) as server:
        config = write_config(tmp_path / "crawl.toml", server.origin, concurrency=2)
        process = start_crawl(config, db)
        deadline = time.monotonic() + 30
        workers: set[int] = set()
        while not workers and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
            workers = {pid for pid in descendants(process.pid)
                       if b"archiver.parsing" in Path(f"/proc/{pid}/cmdline").read_bytes()}
        assert workers, "the crawl started no parse worker"
        time.sleep(1.0)  # the worker is up (imports take about a second) and parsing
        children = descendants(process.pid)
        assert process.poll() is None, "the crawl ended before it could be killed"
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=10) == -signal.SIGKILL
        deadline = time.monotonic() + 10
        while any(alive(pid) for pid in children) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [pid for pid in children if alive(pid)], "processes outlived the killed crawl"
        reports = crawl_site(db, server.origin)
    assert reports[0].status == "ok"
    articles, check, repeated, runs, orphans = snapshot(db)
    assert len(articles) == ARTICLES and check == "ok" and repeated == [] and orphans == 0
    assert runs == ["interrupted", "ok"]


def test_what_travels_to_and_from_a_worker_pickles():
    error = pickle.loads(pickle.dumps(ParseError("http://x/news/1", "no date line")))
    assert isinstance(error, ParseError) and (error.url, error.reason) == ("http://x/news/1", "no date line")
    assert str(error) == "http://x/news/1: no date line"
    assert parsing.portable(TinyNews("http://127.0.0.1:1"))
    assert parsing.portable(tinysite.host_adapter(2)("http://127.0.0.1:1"))  # the benchmark's per-host adapters
    made_here = type("Elsewhere", (TinyNews,), {"name": "elsewhere"})
    assert not parsing.portable(made_here("http://127.0.0.1:1"))  # stays with the fetch threads
    in_a_script = type("Scripted", (TinyNews,), {"name": "scripted", "__module__": "__main__"})
    assert not parsing.portable(in_a_script("http://127.0.0.1:1"))  # a worker has no such __main__


class _Site:
    def __init__(self, max_pages: int, submitted: int):
        self.max_pages, self._submitted = max_pages, submitted
        self.adapter = TinyNews("http://127.0.0.1:1")

    @property
    def pages_left(self) -> int:
        return max(0, self.max_pages - self._submitted)


def decide(monkeypatch, *, pages: int, cpu_per_page: float, seconds: float, max_pages: int, workers: int = 1):
    """What the scheduler decides after PAGES prepared in SECONDS, each taking CPU_PER_PAGE."""
    started = []
    monkeypatch.setattr(pipeline, "ParsePool", lambda *args, **kwargs: started.append(args) or "pool")
    monkeypatch.setattr(pipeline, "default_workers", lambda: workers)
    site = _Site(max_pages, pages)
    scheduler = pipeline.CrawlScheduler([site], concurrency=8)
    scheduler._started = time.monotonic() - seconds
    for _ in range(pages):
        scheduler._sample(parsing.Prepared(None, None, None, None, None, cpu_per_page), [site])
    return scheduler.parsers


def test_only_a_big_crawl_whose_parsing_takes_a_good_share_starts_parse_workers(monkeypatch):
    # Unthrottled: 200 pages of 2 ms in 1.5 s (27% of the time), 20,000 allowed.
    assert decide(monkeypatch, pages=200, cpu_per_page=0.002, seconds=1.5, max_pages=20_000) == "pool"
    # Polite: the same pages over 20 s (a per-host delay): 2% of the time.
    assert decide(monkeypatch, pages=200, cpu_per_page=0.002, seconds=20, max_pages=20_000) is None
    # Fast but about to end: 800 more pages would take 1.6 s of parsing, less than a worker is worth.
    assert decide(monkeypatch, pages=200, cpu_per_page=0.002, seconds=1.5, max_pages=1000) is None
    # Heavy pages (the generic adapter's ~0.3 s) decide early, and few of them are worth a worker.
    assert decide(monkeypatch, pages=8, cpu_per_page=0.3, seconds=4, max_pages=100) == "pool"
    # One core: nowhere to put a worker.
    assert decide(monkeypatch, pages=200, cpu_per_page=0.002, seconds=1.5, max_pages=20_000, workers=0) is None
    # Too few pages seen yet to tell.
    assert decide(monkeypatch, pages=100, cpu_per_page=0.002, seconds=0.5, max_pages=20_000) is None
