"""A revisit pass over stored, unchanged articles: does it run at the politeness bound, with flat
memory, when every article answers 304 Not Modified?

    python benchmarks/revisit_benchmark.py                    # 10,000 articles, per_host_delay 0.005 s
    python benchmarks/revisit_benchmark.py --pages 2000 --delay 0.01

First a crawl stores every article of a synthetic site (benchmarks/latency_server.py, its own
process on 127.0.0.1, which answers a matching If-None-Match with a 304); then
`crawl --revisit` re-checks them all. The bound is what the per-host delay and concurrency
allow, min(concurrency / latency, 1 / per_host_delay) pages per second, and the fetch-only
ceiling (archiver's Fetcher alone, no store) is measured in the same run against the same
server: the ratio is the revisit rate over min(bound, ceiling). Memory is the crawl process's
resident set, sampled every second during the pass: it should stay flat.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.crawl_benchmark import fetch_ceiling, rss_mb, start_server  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--latency", type=float, default=0.005, help="server seconds per response")
    parser.add_argument("--delay", type=float, default=0.005, help="per_host_delay during the revisit pass")
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args(argv)

    from archiver.config import parse_config
    from archiver.fetch import Fetcher
    from archiver.pipeline import crawl
    from archiver.sites import REGISTRY, adapter_names
    from archiver.store import Store
    from tests.tinysite import host_adapter

    adapter_names()
    adapter = host_adapter(0)
    REGISTRY[adapter.name] = adapter
    process, port = start_server(args.pages, args.latency)
    site = {"base_url": f"http://127.0.0.1:{port}", "max_pages": 2 * args.pages + 10, "revisit": ["1d"]}
    fill = parse_config({"fetch": {"concurrency": args.concurrency, "per_host_delay": 0.0, "respect_robots": False},
                         "sites": {adapter.name: site}}, known_sites=adapter_names())
    polite = parse_config({"fetch": {"concurrency": args.concurrency, "per_host_delay": args.delay, "respect_robots": False},
                           "sites": {adapter.name: site}}, known_sites=adapter_names())
    samples: list[tuple[int, float]] = []
    done = [0]
    stop = threading.Event()

    def sample():
        while not stop.wait(1.0):
            samples.append((done[0], rss_mb("RssAnon")))

    try:
        with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.db") as store:
            with Fetcher(fill.fetch) as fetcher:
                started = time.monotonic()
                (first,) = crawl(store, fill, [adapter.name], fetcher)
                print(f"stored {first.counts['new']} articles in {time.monotonic() - started:.0f} s")
            ceiling = fetch_ceiling([port], args.pages, args.concurrency, 2000)
            with Fetcher(polite.fetch) as fetcher:
                threading.Thread(target=sample, daemon=True).start()
                started = time.monotonic()
                (again,) = crawl(store, polite, [adapter.name], fetcher, revisit_all=True,
                                 progress=lambda *a: done.__setitem__(0, done[0] + 1))
                elapsed = time.monotonic() - started
                stop.set()
    finally:
        process.stdin.close()
        process.wait()
    pages = again.counts["fetched"]
    bound = min(args.concurrency / args.latency, 1 / args.delay)
    rate = pages / elapsed
    attainable = min(bound, ceiling)
    print(f"revisit pass: {pages} pages ({again.counts['unchanged']} unchanged, {again.counts['updated']} updated) "
          f"in {elapsed:.1f} s: {rate:.0f} pages/s")
    print(f"bound min(concurrency/latency, 1/per_host_delay) = {bound:.0f} pages/s; fetch-only ceiling {ceiling:.0f} pages/s;"
          f" ratio to min(bound, ceiling) = {attainable:.0f}: {rate / attainable:.2f} (target >= 0.8)")
    if samples:
        quarters = [samples[max(0, int(len(samples) * q) - 1)] for q in (0.25, 0.5, 0.75, 1.0)]
        print("anonymous memory of the crawl process: " + ", ".join(f"{mb:.0f} MB at {n} pages" for n, mb in quarters)
              + " (target: flat)")


if __name__ == "__main__":
    main()
