"""A lean HTTP/1.1 server for the crawl benchmark: the synthetic tinysite, a fixed latency per
response, keep-alive, one asyncio loop in its own process.

    python -m benchmarks.latency_server --pages 20000 --latency 0.02   # prints its port

It shares the benchmark machine's cores with the crawler, so every microsecond it spends is
taken from the crawl being measured. `tests.localserver` (a thread per connection,
http.server's parsing) costs more CPU per response than the crawler spends on a page; an
asyncio streams server still ~0.4 ms. Here a request is an asyncio.Protocol callback: the
request line is split, headers are looked at only when the tinysite needs them (a conditional
GET), every answer is built once as bytes (the articles before the port is printed), and the
latency is a loop timer, which holds no thread. Only what the tinysite needs is understood:
GET, a request line and headers, no request body.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.tinysite import TinySite  # noqa: E402

REASONS = {200: "OK", 304: "Not Modified", 404: "Not Found"}
NOT_FOUND = (404, {"Content-Type": "text/plain"}, b"not found")


def _response(status: int, headers: dict[str, str], body: bytes) -> bytes:
    lines = [f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class Site:
    """The tinysite's answers as ready bytes. Only an answer that depends on request headers
    (a 304 for a matching If-None-Match) is worked out per request."""

    def __init__(self, pages: int):
        self.site = TinySite(pages)
        self._ready: dict[str, bytes] = {}
        for number in range(1, pages + 1):
            self.answer(f"/news/{number}", {})

    def answer(self, path: str, headers: dict[str, str]) -> bytes:
        if not headers and path in self._ready:
            return self._ready[path]
        reply = self.site.route(path, headers)
        response = _response(*NOT_FOUND) if reply is None else _response(reply.status, reply.headers, reply.body)
        if not headers:
            self._ready[path] = response
        return response


class Connection(asyncio.Protocol):
    def __init__(self, site: Site, latency: float):
        self.site = site
        self.latency = latency
        self.loop = asyncio.get_running_loop()
        self.transport: asyncio.Transport | None = None
        self.buffer = b""

    def connection_made(self, transport: asyncio.Transport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            head, sep, rest = self.buffer.partition(b"\r\n\r\n")
            if not sep:
                return
            self.buffer = rest
            request_line, _, header_block = head.decode("latin-1").partition("\r\n")
            path = request_line.split(" ")[1]
            lowered = header_block.lower()
            # What the tinysite looks at: a conditional GET. Everything else is the same bytes.
            headers = {}
            if "if-none-match" in lowered:
                for line in header_block.split("\r\n"):
                    name, sep, value = line.partition(":")
                    if sep:
                        headers[name.strip().lower()] = value.strip()
            close = "connection: close" in lowered
            response = self.site.answer(path, headers)
            if self.latency:
                self.loop.call_later(self.latency, self._send, response, close)
            else:
                self._send(response, close)

    def _send(self, response: bytes, close: bool) -> None:
        if self.transport is None or self.transport.is_closing():
            return
        self.transport.write(response)
        if close:
            self.transport.close()

    def connection_lost(self, exc) -> None:
        self.transport = None


async def _main(pages: int, latency: float, port: int) -> None:
    site = Site(pages)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: Connection(site, latency), "127.0.0.1", port, backlog=256)
    print(server.sockets[0].getsockname()[1], flush=True)
    # Serve until the parent closes our stdin (so a killed benchmark leaves no server behind).
    await loop.run_in_executor(None, sys.stdin.read)
    server.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="serve the synthetic tinysite with a fixed latency")
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    try:
        asyncio.run(_main(args.pages, args.latency, args.port))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
