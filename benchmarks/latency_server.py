"""A lean HTTP/1.1 server for the crawl benchmark: the synthetic tinysite, a fixed latency per
response, keep-alive, one asyncio loop in its own process.

    python -m benchmarks.latency_server --pages 20000 --latency 0.02   # prints its port

`tests.localserver` (a thread per connection, http.server's parsing) costs the server more CPU
per response than the crawler spends on a page, so on a 2-core machine it, not the archiver,
set the benchmark's ceiling. Here a response costs a few dozen microseconds and the latency is
an `asyncio.sleep`, which holds no thread. Only what the tinysite needs is understood: GET, a
request line and headers, no request body.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.tinysite import TinySite  # noqa: E402

REASONS = {200: "OK", 304: "Not Modified", 404: "Not Found"}


def _response(status: int, headers: dict[str, str], body: bytes) -> bytes:
    lines = [f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


async def _serve(site: TinySite, latency: float, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            request_line, *header_lines = head.decode("latin-1").split("\r\n")
            path = request_line.split(" ")[1]
            headers = {}
            for line in header_lines:
                name, sep, value = line.partition(":")
                if sep:
                    headers[name.strip().lower()] = value.strip()
            reply = site.route(path, headers)
            if latency:
                await asyncio.sleep(latency)
            if reply is None:
                writer.write(_response(404, {"Content-Type": "text/plain"}, b"not found"))
            else:
                writer.write(_response(reply.status, reply.headers, reply.body))
            await writer.drain()
            if headers.get("connection", "").lower() == "close":
                break
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def _main(pages: int, latency: float, port: int) -> None:
    site = TinySite(pages)
    server = await asyncio.start_server(lambda r, w: _serve(site, latency, r, w), "127.0.0.1", port, backlog=256)
    print(server.sockets[0].getsockname()[1], flush=True)
    loop = asyncio.get_running_loop()
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
