"""Raw-body compression: zlib level 6 (what raw_pages held) against zstd levels, with and
without a trained dictionary, on the bodies an archive really stores.

Usage: python benchmarks/compression_benchmark.py [CORPUS_TGZ ...] [--rounds R]

Bodies: every cassette body (cassettes/*/bodies/) and the real pages of the corpora given
(default: trafilatura's evaluation set), unpacked into a temporary directory for the run only.
Each body is compressed on its own, as raw_pages stores it. For each method it prints the
total compressed size, the ratio, the change against zlib 6, and the best-of-R CPU time to
compress and to decompress every body (ms per MB of HTML). Dictionaries are trained on every
other page and measured on the pages not trained on, so they are not flattered by having seen
the bodies they compress.
"""

from __future__ import annotations

import argparse
import sys
import tarfile
import tempfile
import time
import zlib
from pathlib import Path
from typing import Callable

import zstandard

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = Path("/work/shared/corpora/trafilatura-eval.tgz")


def bodies(corpora: list[Path]) -> list[bytes]:
    found = [p.read_bytes() for p in sorted((ROOT / "cassettes").glob("*/bodies/*")) if p.is_file()]
    with tempfile.TemporaryDirectory() as folder:
        for corpus in corpora:
            with tarfile.open(corpus) as tar:
                tar.extractall(folder, filter="data")
        found += [p.read_bytes() for p in sorted(Path(folder).rglob("*.htm*")) if p.is_file()]
    return [b for b in found if b]


def methods(training: list[bytes]) -> dict[str, tuple[Callable[[bytes], bytes], Callable[[bytes], bytes]]]:
    table = {"zlib 6": (lambda b: zlib.compress(b, 6), zlib.decompress)}
    for level in (3, 6, 9, 12, 19):
        table[f"zstd {level}"] = (zstandard.ZstdCompressor(level=level).compress,
                                  zstandard.ZstdDecompressor().decompress)
    for size in (64 * 1024, 112 * 1024):
        trained = zstandard.train_dictionary(size, training)
        for level in (3, 9):
            table[f"zstd {level} + {size // 1024} KB dict"] = (
                zstandard.ZstdCompressor(level=level, dict_data=trained).compress,
                zstandard.ZstdDecompressor(dict_data=trained).decompress)
    return table


def best_time(work: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpora", nargs="*", type=Path, default=[DEFAULT_CORPUS])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    pages = bodies(args.corpora)
    training, measured = pages[0::2], pages[1::2]
    raw = sum(map(len, measured))
    print(f"{len(pages)} bodies, {sum(map(len, pages)) / 1e6:.1f} MB; measured on {len(measured)} "
          f"({raw / 1e6:.1f} MB) not used for training")
    print(f"{'method':26} {'bytes':>11} {'ratio':>6} {'vs zlib':>8} {'compress':>12} {'decompress':>12}")
    baseline = None
    for name, (compress, decompress) in methods(training).items():
        packed = [compress(b) for b in measured]
        assert all(decompress(p) == b for p, b in zip(packed, measured))
        size = sum(map(len, packed))
        baseline = baseline or size
        put = best_time(lambda: [compress(b) for b in measured], args.rounds) * 1000 / (raw / 1e6)
        get = best_time(lambda: [decompress(p) for p in packed], args.rounds) * 1000 / (raw / 1e6)
        print(f"{name:26} {size:11,} {raw / size:6.2f} {size / baseline - 1:+8.1%} "
              f"{put:8.1f} ms/MB {get:8.1f} ms/MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
