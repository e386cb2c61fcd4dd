"""A real HTTP server on 127.0.0.1 for fault injection: real sockets, real timeouts.

    with LocalServer({"/": Reply(body=b"<html>...")}) as server:
        server.url("/")            # http://127.0.0.1:PORT/
        server.hits["/"]           # how many requests that path got

A route is a Reply, a list of Replies (one per hit, the last one repeats), or a callable
(path, headers) -> Reply. A Reply can be slow (`delay` before the status line), cut off
(`cut_after`: close the socket after that many body bytes), or gzip its body. `block_at=N`
holds the Nth request of the whole server until the test releases or kills the client.

`python -m tests.localserver --pages N --latency S` serves the synthetic tinysite in its own
process (for benchmarks, so the server does not share the crawler's GIL) and prints its port.
"""

from __future__ import annotations

import argparse
import gzip
import os
import socket
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Union


def descendants(pid: int, exclude: set[int] = frozenset()) -> set[int]:
    """A process's descendants (from /proc), without the EXCLUDEd ones and theirs."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parents[int(entry)] = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue  # gone meanwhile
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found - set(exclude)
        found |= frontier
    return found


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})
    delay: float = 0.0  # seconds before the status line
    cut_after: int | None = None  # close the connection after this many body bytes
    gzip: bool = False


Route = Union[Reply, list, Callable[[str, dict], Reply]]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 128

    def handle_error(self, request, client_address):  # a client killed mid-request is the point of a test
        pass


class LocalServer:
    def __init__(self, routes: dict[str, Route] | Callable[[str, dict], Reply | None] | None = None,
                 latency: float = 0.0, block_at: int | None = None, port: int = 0):
        self.routes = routes if routes is not None else {}
        self.latency = latency
        self.block_at = block_at
        self.hits: Counter = Counter()
        self.log: list[tuple[str, dict, float]] = []  # (path, request headers, monotonic time) in arrival order
        self.total = 0
        self.blocked = threading.Event()  # set when the block_at-th request arrived
        self.release = threading.Event()
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", port), self._handler_class())
        self.port = self._server.server_address[1]
        self._thread: threading.Thread | None = None

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.origin + path

    def __enter__(self) -> "LocalServer":
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()

    def _reply_for(self, path: str, headers: dict) -> Reply:
        with self._lock:
            self.hits[path] += 1
            self.total += 1
            self.log.append((path, headers, time.monotonic()))
            number, hit = self.total, self.hits[path]
        if self.block_at is not None and number >= self.block_at:
            release = self.release  # a test may swap in a fresh Event for the next block
            self.blocked.set()
            release.wait()
        routes = self.routes
        route = routes(path, headers) if callable(routes) else routes.get(path)
        if route is None:
            return Reply(404, b"not found", {"Content-Type": "text/plain"})
        if isinstance(route, list):
            route = route[min(hit, len(route)) - 1]
        if callable(route):
            route = route(path, headers)
        return route

    def _handler_class(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                reply = server._reply_for(self.path, {k.lower(): v for k, v in self.headers.items()})
                time.sleep(server.latency + reply.delay)
                body = gzip.compress(reply.body) if reply.gzip else reply.body
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    if reply.gzip:
                        self.send_header("Content-Encoding", "gzip")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    if reply.cut_after is not None:
                        self.wfile.write(body[: reply.cut_after])
                        self.wfile.flush()
                        self.connection.shutdown(socket.SHUT_RDWR)
                        self.close_connection = True
                        return
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError, OSError):
                    self.close_connection = True

        return Handler


def main(argv: list[str] | None = None) -> None:
    from .tinysite import TinySite

    parser = argparse.ArgumentParser(description="serve the synthetic tinysite")
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    site = TinySite(args.pages)
    with LocalServer(site.route, latency=args.latency, port=args.port) as server:
        print(server.port, flush=True)
        try:
            sys.stdin.read()  # serve until the parent closes our stdin
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
