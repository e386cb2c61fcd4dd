"""Crawl throughput and memory against local servers with a fixed latency per response.

    python benchmarks/crawl_benchmark.py --pages 20000                      # unthrottled, one host
    python benchmarks/crawl_benchmark.py --pages 4000 --hosts 2 --delay 0.05 # politeness-bound
    python benchmarks/crawl_benchmark.py --compare-clients                  # threads vs asyncio, fetch only

Each host is a server process of its own (its own GIL) serving the synthetic tinysite on
127.0.0.1: `benchmarks/latency_server.py` (asyncio, keep-alive; the default) or, with
`--server threaded`, `tests.localserver` (the tests' fault-injection server, whose own CPU per
response caps it near 120 responses/s on 2 cores). The bound is what concurrency, latency and
the per-host delay allow: min(concurrency / latency, hosts / per_host_delay) pages per second.
The ceiling is what this machine attains fetching alone (archiver's Fetcher, the same workers,
no store, no parsing) against the same servers: the crawl cannot beat it, so the rate is also
given as a ratio of min(bound, ceiling). Memory is the crawl process's resident set, sampled
every second; it should stay flat as the archive grows.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def rss_mb(field: str = "VmRSS") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


SERVERS = {"asyncio": "benchmarks.latency_server", "threaded": "tests.localserver"}


def start_server(pages: int, latency: float, kind: str = "asyncio") -> tuple[subprocess.Popen, int]:
    process = subprocess.Popen([sys.executable, "-m", SERVERS[kind], "--pages", str(pages), "--latency", str(latency)],
                               cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    return process, int(process.stdout.readline())


def fetch_ceiling(ports: list[int], pages: int, concurrency: int, requests: int) -> float:
    """Article fetches per second with the crawl's own fetch path and nothing else."""
    from archiver.config import FetchConfig
    from archiver.fetch import Fetcher

    urls = [f"http://127.0.0.1:{ports[i % len(ports)]}/news/{1 + i % pages}" for i in range(requests)]
    with Fetcher(FetchConfig(concurrency=concurrency, per_host_delay=0.0)) as fetcher, \
            ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(fetcher.fetch, urls[:concurrency * 4]))  # connections open, code warm
        started = time.monotonic()
        list(pool.map(fetcher.fetch, urls))
        return len(urls) / (time.monotonic() - started)


def crawl_benchmark(args) -> None:
    from archiver.config import parse_config
    from archiver.fetch import Fetcher
    from archiver.pipeline import crawl
    from archiver.sites import REGISTRY, adapter_names
    from archiver.store import Store
    from tests.tinysite import TinyNews

    adapter_names()
    per_host = args.pages // args.hosts
    servers = [start_server(per_host, args.latency, args.server) for _ in range(args.hosts)]
    names = []
    for i in range(args.hosts):
        name = f"tiny{i}"
        REGISTRY[name] = type(f"TinyNews{i}", (TinyNews,), {"name": name})
        names.append(name)
    config = parse_config({
        "fetch": {"concurrency": args.concurrency, "per_host_delay": args.delay, "respect_robots": True},
        "sites": {name: {"base_url": f"http://127.0.0.1:{port}", "max_pages": 2 * per_host + 10}
                  for name, (_, port) in zip(names, servers)},
    }, known_sites=adapter_names())
    samples: list[tuple[float, float, int, float]] = []
    stop = threading.Event()
    fetched = [0]

    def progress(site, url, done, total):
        fetched[0] += 1

    def sample():
        start = time.monotonic()
        while not stop.wait(1.0):
            # RssAnon apart: the store memory-maps the database, whose pages count in RSS but are
            # the OS's file cache (reclaimable), not memory the crawl holds.
            samples.append((time.monotonic() - start, rss_mb(), fetched[0], rss_mb("RssAnon")))

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        sampler = threading.Thread(target=sample, daemon=True)
        try:
            ceiling = fetch_ceiling([port for _, port in servers], per_host, args.concurrency, args.requests)
            with Store(db) as store, Fetcher(config.fetch) as fetcher:
                sampler.start()
                started = time.monotonic()
                reports = crawl(store, config, names, fetcher, progress=progress)
                elapsed = time.monotonic() - started
                stop.set()
            size = db.stat().st_size + (Path(f"{db}-wal").stat().st_size if Path(f"{db}-wal").exists() else 0)
        finally:
            for process, _ in servers:
                process.stdin.close()
                process.wait()
    pages = sum(r.counts["fetched"] for r in reports)
    new = sum(r.counts["new"] + r.counts["duplicate"] for r in reports)
    bounds = [args.concurrency / args.latency] + ([args.hosts / args.delay] if args.delay else [])
    bound = min(bounds)
    rate = pages / elapsed
    print(f"pages fetched {pages} (articles stored {new}) in {elapsed:.1f}s: {rate:.1f} pages/s")
    print(f"bound min(concurrency/latency = {args.concurrency / args.latency:.0f}"
          + (f", hosts/per_host_delay = {args.hosts / args.delay:.0f}" if args.delay else "") + f") = {bound:.0f} pages/s;"
          f" ratio {rate / bound:.2f} (target >= 0.8)")
    attainable = min(bound, ceiling)
    print(f"fetch-only ceiling here ({args.server} server, {args.requests} requests, no store): {ceiling:.0f} pages/s;"
          f" ratio to min(bound, ceiling) = {attainable:.0f}: {rate / attainable:.2f}")
    quarter = [samples[int(len(samples) * q) - 1] for q in (0.25, 0.5, 0.75, 1.0)] if samples else []
    print("resident memory: " + ", ".join(f"{mb:.0f} MB ({anon:.0f} anonymous) at {n} pages" for _, mb, n, anon in quarter)
          + f"; peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB (target: flat, < 300 MB)")
    print(f"database {size / 1e6:.1f} MB")


def compare_clients(args) -> None:
    """Fetch-only: a thread pool sharing one httpx.Client vs asyncio with one AsyncClient."""
    import httpx

    process, port = start_server(args.pages, args.latency, args.server)
    urls = [f"http://127.0.0.1:{port}/news/{1 + i % args.pages}" for i in range(args.requests)]
    limits = httpx.Limits(max_connections=args.concurrency * 2)
    try:
        with httpx.Client(limits=limits) as client, ThreadPoolExecutor(args.concurrency) as pool:
            started = time.monotonic()
            list(pool.map(lambda u: client.get(u).content, urls))
            threaded = len(urls) / (time.monotonic() - started)

        async def run_async() -> float:
            semaphore = asyncio.Semaphore(args.concurrency)
            async with httpx.AsyncClient(limits=limits) as client:
                async def one(url):
                    async with semaphore:
                        return (await client.get(url)).content
                started = time.monotonic()
                await asyncio.gather(*(one(u) for u in urls))
                return len(urls) / (time.monotonic() - started)

        asynchronous = asyncio.run(run_async())
    finally:
        process.stdin.close()
        process.wait()
    bound = args.concurrency / args.latency
    print(f"fetch only, {len(urls)} requests, concurrency {args.concurrency}, latency {args.latency * 1000:.0f} ms "
          f"(bound {bound:.0f}/s): threads {threaded:.0f}/s ({threaded / bound:.2f}), asyncio {asynchronous:.0f}/s "
          f"({asynchronous / bound:.2f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=20000, help="articles in total, over all hosts")
    parser.add_argument("--hosts", type=int, default=1)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--delay", type=float, default=0.0, help="per_host_delay")
    parser.add_argument("--compare-clients", action="store_true")
    parser.add_argument("--requests", type=int, default=2000, help="fetches for the ceiling / --compare-clients")
    parser.add_argument("--server", choices=sorted(SERVERS), default="asyncio", help="the local server (see above)")
    args = parser.parse_args()
    os.chdir(ROOT)
    if args.compare_clients:
        compare_clients(args)
    else:
        crawl_benchmark(args)


if __name__ == "__main__":
    main()
