"""import-warc throughput against a bare single-process trafilatura.extract loop.

Usage: python benchmarks/import_benchmark.py [CORPUS_TGZ] [--limit N] [--rounds R]
                                             [--workers N] [--scheduler local|tcp://HOST:PORT]

The real pages of trafilatura's evaluation corpus (unpacked into a temporary directory for
the run only, never kept) are written into one gzipped WARC, each under its own URL. Then,
alternating in the same run so both see the same machine state:

- bare: `trafilatura.extract` on each page, one after the other, in this process;
- import: `import_warc` of the WARC into a fresh archive (worker processes as the command
  uses them by default, or --workers / --scheduler), everything a real import does: read,
  decode, parse, links, near-duplicate sketch, store, frontier.

It prints pages/s of each round and their ratio, the median of those per-round ratios (the
figure to read: this machine's speed drifts by a quarter between minutes, and a round's two
runs follow each other), the best of each, and the CPU time per page of each (the import's:
its own process plus what its workers report). Extraction quality is
scored as in benchmarks/generic_extraction.py (the corpus authors' with/without segments) on
the texts the import stored and on the bare loop's output, so a faster import that reads
worse shows it.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import sqlite3
import statistics
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import trafilatura
from trafilatura.utils import decode_file
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generic_extraction import DEFAULT_CORPUS, Score  # noqa: E402

from archiver.config import Config  # noqa: E402
from archiver.store import Store  # noqa: E402


def load_corpus(root: Path, limit: int | None) -> list[tuple[str, dict, bytes]]:
    """(url, annotation, raw bytes) of each page the corpus ships."""
    with open(root / "evaldata.json", encoding="utf-8") as f:
        evaldata = json.load(f)
    pages = []
    for url, item in evaldata.items():
        path = root / "eval" / item["file"]
        if path.is_file() and url.startswith(("http://", "https://")):
            pages.append((url, item, path.read_bytes()))
    return pages[:limit] if limit else pages


def write_warc(pages: list[tuple[str, dict, bytes]], path: Path) -> None:
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for n, (url, _, body) in enumerate(pages):
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            date = f"2024-01-01T{n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d}Z"
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                          http_headers=http, warc_headers_dict={"WARC-Date": date}))


def bare_round(pages: list[tuple[str, dict, bytes]]) -> tuple[float, float, dict[str, str | None]]:
    """Wall and CPU seconds, and each page's text."""
    started, cpu = time.perf_counter(), time.process_time()
    texts = {}
    for url, _, body in pages:
        try:
            texts[url] = trafilatura.extract(decode_file(body))
        except Exception:  # a crash scores as a miss
            texts[url] = None
    return time.perf_counter() - started, time.process_time() - cpu, texts


def import_round(warc: Path, db: Path, workers: int | None, scheduler: str | None
                 ) -> tuple[float, float, dict[str, str]]:
    """Wall and CPU seconds (this process's and the workers' on the shards), and the texts stored."""
    from archiver.bulk import dask_import
    from archiver.ingest import import_warc

    started, cpu = time.perf_counter(), time.process_time()
    with Store(db) as store:
        if scheduler:
            result = dask_import(store, Config(), [warc], scheduler, workers)
        else:
            result = import_warc(store, Config(), [warc], workers)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu + result.worker_cpu
    conn = sqlite3.connect(db)
    try:
        texts = dict(conn.execute("SELECT url, text FROM articles"))
    finally:
        conn.close()
    return seconds, cpu, texts


def score(pages: list[tuple[str, dict, bytes]], texts: dict[str, str | None]) -> Score:
    total = Score()
    for url, item, _ in pages:
        total.add(item, texts.get(url))
    return total


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS, help="trafilatura-eval.tgz")
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of each (default 3)")
    parser.add_argument("--workers", type=int, default=None, help="import worker processes (default: the command's)")
    parser.add_argument("--scheduler", default=None, help="import on Dask: local or tcp://HOST:PORT")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)  # every page without a date would log a line

    with tempfile.TemporaryDirectory(prefix="import-benchmark-") as tmp:
        root = Path(tmp)
        with tarfile.open(args.corpus) as tar:
            tar.extractall(root / "corpus", filter="data")
        pages = load_corpus(root / "corpus", args.limit)
        warc = root / "pages.warc.gz"
        write_warc(pages, warc)
        trafilatura.extract("<html><body><article><p>warm up</p></article></body></html>")
        print(f"{len(pages)} pages, WARC {warc.stat().st_size / 1e6:.1f} MB, trafilatura {trafilatura.__version__}")
        bare_best = import_best = float("inf")
        ratios = []
        for n in range(args.rounds):
            bare_seconds, cpu, bare_texts = bare_round(pages)
            bare_best = min(bare_best, bare_seconds)
            print(f"round {n + 1}: bare trafilatura.extract {len(pages) / bare_seconds:7.1f} pages/s, "
                  f"{1000 * cpu / len(pages):6.1f} CPU ms/page", flush=True)
            seconds, cpu, import_texts = import_round(warc, root / f"round{n}.db", args.workers, args.scheduler)
            import_best = min(import_best, seconds)
            ratios.append(bare_seconds / seconds)
            print(f"round {n + 1}: import-warc             {len(pages) / seconds:7.1f} pages/s, "
                  f"{1000 * cpu / len(pages):6.1f} CPU ms/page ({len(import_texts)} articles); "
                  f"ratio import/bare {ratios[-1]:.2f}x", flush=True)
    bare_rate, import_rate = len(pages) / bare_best, len(pages) / import_best
    print(f"\nratio import/bare, median of the rounds: {statistics.median(ratios):.2f}x "
          f"({', '.join(f'{ratio:.2f}' for ratio in ratios)})")
    print(f"best: bare {bare_rate:.1f} pages/s, import-warc {import_rate:.1f} pages/s, "
          f"ratio of the bests {import_rate / bare_rate:.2f}x")
    bare_score, import_score = score(pages, bare_texts), score(pages, import_texts)
    print(f"quality (F1, corpus authors' scoring): bare {bare_score.f1:.4f}, import-warc texts {import_score.f1:.4f}")


if __name__ == "__main__":
    main()
