"""Crawl throughput and memory against local servers with a fixed latency per response.

    python benchmarks/crawl_benchmark.py --pages 20000                      # unthrottled, one host
    python benchmarks/crawl_benchmark.py --pages 4000 --hosts 2 --delay 0.05 # politeness-bound
    python benchmarks/crawl_benchmark.py --suite                            # the README's table
    python benchmarks/crawl_benchmark.py --compare-clients                  # threads vs asyncio, fetch only

Each host is a server process of its own (its own GIL) serving the synthetic tinysite on
127.0.0.1: `benchmarks/latency_server.py` (asyncio, keep-alive; the default) or, with
`--server threaded`, `tests.localserver` (the tests' fault-injection server, whose own CPU per
response caps it near 120 responses/s on 2 cores). The bound is what concurrency, latency and
the per-host delay allow: min(concurrency / latency, hosts / per_host_delay) pages per second.
The ceiling is what this machine attains fetching alone (archiver's Fetcher, the same workers,
no store, no parsing) against the same servers: the crawl cannot beat it, so the rate is also
given as a ratio of min(bound, ceiling). Memory is the resident set of the crawl process and
of the processes it started (its parse workers, not the servers), sampled every second; it
should stay flat as the archive grows.
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


def rss_mb(field: str = "VmRSS", pid: int | str = "self") -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:  # gone meanwhile
        return 0.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 if pid == "self" else 0.0


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


def crawl_benchmark(args) -> dict:
    from archiver.config import parse_config
    from archiver.fetch import Fetcher
    from archiver.pipeline import crawl
    from archiver.sites import REGISTRY, adapter_names
    from archiver.store import Store
    from tests.localserver import descendants
    from tests.tinysite import host_adapter

    adapter_names()
    per_host = args.pages // args.hosts
    servers = [start_server(per_host, args.latency, args.server) for _ in range(args.hosts)]
    names = []
    for i in range(args.hosts):
        adapter = host_adapter(i)
        REGISTRY[adapter.name] = adapter
        names.append(adapter.name)
    config = parse_config({
        "fetch": {"concurrency": args.concurrency, "per_host_delay": args.delay, "respect_robots": True},
        "sites": {name: {"base_url": f"http://127.0.0.1:{port}", "max_pages": 2 * per_host + 10}
                  for name, (_, port) in zip(names, servers)},
    }, known_sites=adapter_names())
    samples: list[tuple[float, int, float, float, float, int]] = []  # time, pages, crawl RSS, anonymous, others' RSS, others
    stop = threading.Event()
    fetched = [0]
    servers_pids = {process.pid for process, _ in servers}
    workers_seen: set[int] = set()

    def progress(site, url, done, total):
        fetched[0] += 1

    def sample():
        start = time.monotonic()
        while not stop.wait(1.0):
            others = sorted(descendants(os.getpid(), servers_pids))
            for pid in others:
                try:
                    if b"archiver.parsing" in Path(f"/proc/{pid}/cmdline").read_bytes():
                        workers_seen.add(pid)
                except OSError:
                    pass
            # RssAnon apart: the store memory-maps the database, whose pages count in RSS but are
            # the OS's file cache (reclaimable), not memory the crawl holds.
            samples.append((time.monotonic() - start, fetched[0], rss_mb(), rss_mb("RssAnon"),
                            sum(rss_mb(pid=pid) for pid in others), len(others)))

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
    attainable = min(bound, ceiling)
    print(f"pages fetched {pages} (articles stored {new}) in {elapsed:.1f}s: {rate:.1f} pages/s"
          f" (parse worker processes: {len(workers_seen)})")
    print(f"bound min(concurrency/latency = {args.concurrency / args.latency:.0f}"
          + (f", hosts/per_host_delay = {args.hosts / args.delay:.0f}" if args.delay else "") + f") = {bound:.0f} pages/s;"
          f" ratio {rate / bound:.2f} (target >= 0.8)")
    print(f"fetch-only ceiling here ({args.server} server, {args.requests} requests, no store): {ceiling:.0f} pages/s;"
          f" ratio to min(bound, ceiling) = {attainable:.0f}: {rate / attainable:.2f}")
    quarter = [samples[max(0, int(len(samples) * q) - 1)] for q in (0.25, 0.5, 0.75, 1.0)] if samples else []
    peak = max((crawler + others for _, _, crawler, _, others, _ in samples), default=0.0)
    print("resident memory, crawl process + the processes it started: "
          + ", ".join(f"{crawler + others:.0f} MB ({crawler:.0f} + {others:.0f} in {n} other; {anon:.0f} anonymous in the crawl)"
                      f" at {done} pages" for _, done, crawler, anon, others, n in quarter)
          + f"; peak {peak:.0f} MB (crawl process alone {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)"
          " (target: flat, < 300 MB)")
    print(f"database {size / 1e6:.1f} MB")
    return {"pages": pages, "rate": rate, "bound": bound, "ceiling": ceiling, "peak_mb": peak,
            "workers": len(workers_seen)}


SUITE = (
    ("2 hosts, `per_host_delay` 0.05 s", {"hosts": 2, "delay": 0.05}),
    ("1 host, no delay", {}),
    ("1 host, no delay, concurrency 4", {"concurrency": 4}),
)


def suite(args) -> None:
    """The scenarios of the README's table, one after the other, then the table's rows."""
    rows = []
    for name, overrides in SUITE:
        scenario = argparse.Namespace(**{**vars(args), **overrides})
        print(f"== {name}, {scenario.pages:,} pages, concurrency {scenario.concurrency}", flush=True)
        figures = crawl_benchmark(scenario)
        rows.append((f"{name}, {figures['pages']:,} pages", figures))
    print("\n| scenario | pages/s | bound | ratio to bound | fetch-only ceiling | ratio to min(bound, ceiling) | peak memory |")
    print("|---|---|---|---|---|---|---|")
    for name, f in rows:
        attainable = min(f["bound"], f["ceiling"])
        print(f"| {name} | {f['rate']:.1f} | {f['bound']:.0f} | {f['rate'] / f['bound']:.2f} | {f['ceiling']:.0f} |"
              f" {f['rate'] / attainable:.2f} | {f['peak_mb']:.0f} MB |")


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
    parser.add_argument("--pages", type=int, help="articles in total, over all hosts (default 20000)")
    parser.add_argument("--hosts", type=int, default=1)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--delay", type=float, default=0.0, help="per_host_delay")
    parser.add_argument("--compare-clients", action="store_true")
    parser.add_argument("--suite", action="store_true", help="run the README's scenarios (default --pages 4000)")
    parser.add_argument("--requests", type=int, default=2000, help="fetches for the ceiling / --compare-clients")
    parser.add_argument("--server", choices=sorted(SERVERS), default="asyncio", help="the local server (see above)")
    args = parser.parse_args()
    os.chdir(ROOT)
    if args.pages is None:
        args.pages = 4000 if args.suite else 20000
    if args.compare_clients:
        compare_clients(args)
    elif args.suite:
        suite(args)
    else:
        crawl_benchmark(args)


if __name__ == "__main__":
    main()
