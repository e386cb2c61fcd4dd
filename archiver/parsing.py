"""The pure work on a fetched page, and where it runs.

Before the crawl thread stores a page, the page is decoded, its links discovered, the
adapter's parse run and the text's near-duplicate sketch computed. None of it touches the
database, so it can run anywhere: in the fetch worker thread that fetched the page (the
default), or in a small pool of worker processes once a crawl shows that this work takes a
real share of the crawl process's single GIL, which fetching and storing need too.

Fetching stays in the crawl process (replays and tests mock HTTP there, in-process); only the
fetched page travels to a worker, and plain results come back. What cannot come back (an
adapter crash, whose traceback belongs in the crawl's log) is left for the crawl thread to
work out again, so a page has the same outcome wherever it was prepared.

Workers import this module, so it imports no more than parsing needs.
"""

from __future__ import annotations

import itertools
import logging
import os
import pickle
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait as wait_for
from typing import Callable

from .dedup import sketch
from .errors import ParseError
from .html import decode_body
from .models import FetchedPage, PageLinks, ParsedArticle
from .sites.base import Adapter, context_for

log = logging.getLogger("archiver.crawl")


@dataclass(frozen=True)
class Prepared:
    """A fetched page's pure work, done off the crawl thread, which only stores. An exception
    stands where a result would, to be raised on the crawl thread as if raised there; None
    leaves that part to the crawl thread."""

    page: FetchedPage
    encoding: str | None
    links: PageLinks | Exception | None
    article: ParsedArticle | Exception | None  # None: not an article page (or not parsed yet)
    dedup: sketch.TextSketch | None
    cpu: float = 0.0  # CPU seconds the work took, so the crawl can tell what it costs


def _attempt(work: Callable[[], object]) -> object:
    try:
        return work()
    except Exception as exc:
        return exc


def prepare_page(adapter: Adapter, page: FetchedPage, dedup_params: sketch.Params | None,
                 discover: bool = True) -> Prepared:
    """DISCOVER: find the page's links too (a crawl queues them; an import may not want them)."""
    started = time.thread_time()
    _, encoding = decode_body(page.body, page.header("content-type"))
    links = _attempt(lambda: adapter.links(context_for(page, adapter))) if discover else None
    article = dedup = None
    # A page that says it is an article may be stored as one where shapes are learned (archiver.url_shapes).
    says = adapter.learns_shapes and isinstance(links, PageLinks) and links.says_article
    if adapter.article_key(page.url) is not None or says:
        article = _attempt(lambda: adapter.parse(page))
        if isinstance(article, ParsedArticle) and dedup_params is not None:
            # On failure the store computes it again, and raises there if it must.
            dedup = _attempt(lambda: sketch.prepare(article.text, dedup_params))
            dedup = dedup if isinstance(dedup, sketch.TextSketch) else None
    return Prepared(page, encoding, links, article, dedup, time.thread_time() - started)


def _prepare_remote(adapter: Adapter, page: FetchedPage, dedup_params: sketch.Params | None) -> tuple:
    """In a worker process. The page is not sent back: the fetch thread still holds it."""
    prepared = prepare_page(adapter, page, dedup_params)
    links = prepared.links if isinstance(prepared.links, PageLinks) else None
    article = prepared.article if isinstance(prepared.article, (ParsedArticle, ParseError)) else None
    return prepared.encoding, links, article, prepared.dedup, prepared.cpu


# A worker is a plain `python -c` child, not a multiprocessing one: multiprocessing's spawn
# re-imports the parent's __main__ in the child (a script without a main guard would crawl
# again there) and adds a resource-tracker process; fork would also hand the worker the crawl
# lock's descriptor (keeping the lock after a kill -9 of the crawl) and locks other threads held.
# The parent's sys.path comes first on stdin, so the worker finds the same adapters.
_WORKER = "import pickle, sys; sys.path[:] = pickle.load(sys.stdin.buffer); from archiver.parsing import _serve; _serve()"


def _serve() -> None:
    """A worker process: answers each page the crawl sends on stdin, until the crawl sends an
    empty request or goes away. Only the crawl holds the other ends of the pipes, so even a
    kill -9 of the crawl ends the worker (at EOF) instead of leaving it behind."""
    requests = Connection(os.dup(0), writable=False)
    answers = Connection(os.dup(1), readable=False)
    os.dup2(2, 1)  # whatever a parser prints must not end up in the answers
    try:
        answers.send_bytes(b"")  # up: imports done
    except OSError:  # the crawl is gone already
        return
    while True:
        try:
            request = requests.recv_bytes()
        except (EOFError, OSError):
            return
        if not request:
            return
        try:
            reply = pickle.dumps(_prepare_remote(*pickle.loads(request[8:])), pickle.HIGHEST_PROTOCOL)
        except Exception:  # the crawl thread prepares this page itself
            reply = b""
        try:
            answers.send_bytes(request[:8] + reply)
        except OSError:
            return


def portable(adapter: Adapter) -> bool:
    """Whether the adapter can be sent to a worker: its class must be importable by name
    there (not one made at run time, nor one of a script's, whose __main__ the worker lacks)."""
    if type(adapter).__module__ == "__main__":
        return False
    try:
        pickle.loads(pickle.dumps(adapter))
    except Exception:
        return False
    return True


def default_workers() -> int:
    if os.name != "posix" or not sys.executable:  # the worker's pipes are POSIX file descriptors
        return 0
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cpus = os.cpu_count() or 1
    # One core stays with the crawl process: fetching and storing keep it busy.
    return max(0, min(cpus - 1, 4))


Deliver = Callable[[object, FetchedPage, "Prepared | None"], None]


class ParsePool:
    """Worker processes preparing pages handed over by the fetch threads.

    A fetch thread sends its page down a worker's pipe and goes on fetching; one receiver
    thread reads the answers and passes each to `deliver` with the caller's tag. That is the
    whole machinery: concurrent.futures' ProcessPoolExecutor moves each task through two
    helper threads and back, and on 2 cores those hand-offs cost the crawl process ~0.7 ms
    of its GIL per page, about what the parse it took away cost.

    `submit` says False (and the caller prepares the page itself) until the workers are up,
    while `backlog` pages already wait for them, and once a worker has failed. A page lost
    with a failed worker is delivered with None: the crawl thread works it out."""

    def __init__(self, workers: int, deliver: Deliver, backlog: int):
        self.broken = False
        self._closed = False
        self._deliver = deliver
        self._room = threading.Semaphore(backlog)
        self._lock = threading.Lock()
        self._pending: dict[int, tuple[object, FetchedPage, Connection]] = {}
        self._ids = itertools.count()
        self._ready = threading.Event()
        self._answers: list[Connection] = []  # one per worker, read by the receiver thread
        self._requests: dict[Connection, Connection] = {}  # a worker's answers -> its requests
        self._send_locks: dict[Connection, threading.Lock] = {}
        self._processes: list[subprocess.Popen] = []
        self._answered = self._unprepared = 0
        try:
            for _ in range(max(1, workers)):
                self._start_worker()
        except OSError as exc:
            self._break(exc)
        self._receiver = threading.Thread(target=self._receive, daemon=True, name="archiver-parse-results")
        if not self.broken:
            self._receiver.start()

    def _start_worker(self) -> None:
        # Its own session: Ctrl-C on the terminal is the crawl's to handle; the worker ends
        # when the crawl closes its pipe.
        process = subprocess.Popen([sys.executable, "-c", _WORKER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   start_new_session=True)
        self._processes.append(process)
        process.stdin.write(pickle.dumps(sys.path))
        process.stdin.flush()
        requests = Connection(os.dup(process.stdin.fileno()), readable=False)
        answers = Connection(os.dup(process.stdout.fileno()), writable=False)
        process.stdin.close()
        process.stdout.close()
        self._answers.append(answers)
        self._requests[answers] = requests
        self._send_locks[requests] = threading.Lock()

    def submit(self, adapter: Adapter, page: FetchedPage, dedup_params: sketch.Params | None, tag: object) -> bool:
        if self.broken or self._closed or not self._ready.is_set():
            return False
        if not self._room.acquire(blocking=False):
            return False  # the workers are behind: the fetch threads help
        try:
            payload = pickle.dumps((adapter, page, dedup_params), pickle.HIGHEST_PROTOCOL)
        except Exception:
            self._room.release()
            return False
        with self._lock:
            request = next(self._ids)
            answers = self._answers[request % len(self._answers)]
            self._pending[request] = (tag, page, answers)
        try:
            requests = self._requests[answers]
            with self._send_locks[requests]:
                requests.send_bytes(request.to_bytes(8, "little") + payload)
        except (OSError, ValueError) as exc:
            self._break(exc)
            with self._lock:
                mine = self._pending.pop(request, None)
            if mine is None:
                return True  # the receiver has already handed it back
            self._room.release()
            return False
        return True

    def _receive(self) -> None:
        # Starting Python and importing the parsers takes a worker about a second; the crawl
        # goes on meanwhile.
        for conn in self._answers:
            try:
                conn.recv_bytes()
            except (EOFError, OSError) as exc:
                self._break(exc)
                return
        self._ready.set()
        live = list(self._answers)
        while live:
            for conn in wait_for(live):
                try:
                    reply = conn.recv_bytes()
                except (EOFError, OSError) as exc:
                    live.remove(conn)
                    self._break(exc)
                    self._give_back(conn)
                    continue
                with self._lock:
                    tag, page, _ = self._pending.pop(int.from_bytes(reply[:8], "little"))
                self._room.release()
                try:
                    encoding, links, article, dedup, cpu = pickle.loads(reply[8:])
                    prepared = Prepared(page, encoding, links, article, dedup, cpu)
                except Exception:  # an empty answer, or one that would not load here
                    prepared = None
                self._answered += 1
                self._unprepared += prepared is None
                if self._unprepared > 20 and self._unprepared > self._answered / 2:
                    # Pages the workers cannot prepare (an adapter they cannot import?) would
                    # all be prepared on the crawl thread: better in the fetch threads.
                    self._break(RuntimeError(f"{self._unprepared} of {self._answered} pages came back unprepared"))
                self._deliver(tag, page, prepared)
        for conn in self._answers:
            conn.close()

    def _give_back(self, conn: Connection) -> None:
        """A worker's pipe broke: what it was preparing goes back unprepared."""
        with self._lock:
            lost = [key for key, (_, _, c) in self._pending.items() if c is conn]
            entries = [self._pending.pop(key) for key in lost]
        for tag, page, _ in entries:
            self._room.release()
            self._deliver(tag, page, None)

    def _break(self, exc: BaseException) -> None:
        if not self.broken and not self._closed:
            self.broken = True
            log.warning("a parse worker failed (%s); pages are parsed in the fetch threads", exc or type(exc).__name__)

    def close(self, wait: bool = True) -> None:
        """Each worker ends after the pages sent before (their answers still get delivered).
        WAIT: for the workers to end (a finished run; an interrupted one just leaves)."""
        self._closed = True
        for requests, lock in self._send_locks.items():
            try:
                with lock:
                    requests.send_bytes(b"")
                    requests.close()
            except (OSError, ValueError):
                pass
        if wait:
            if self._receiver.is_alive():
                self._receiver.join(timeout=10)
            for process in self._processes:
                try:
                    process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
