"""Publication dates of the generic adapter against plain htmldate, on htmldate's evaluation pages.

Usage: python benchmarks/dates_benchmark.py [CORPUS_TGZ] [--limit N] [--jobs N]

The corpus (1,000 pages with their publication day, see ../shared/corpora/README.md) is unpacked
into a temporary directory for the run only. A page counts as right when the day given equals the
annotated day; accuracy is over all pages (no date given counts as wrong), precision over the
pages given a date. The generic adapter's reading is sites.metadata.publication: what the page
states (JSON-LD, metas, the article's <time>), else what it writes for readers (a labelled date,
a <time>'s text, the dateline by the headline), else htmldate's guess; htmldate extensive
(original date) runs on the same decoded page in the same run. Target (issue 13): accuracy >= 0.92.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpora" / "htmldate-eval.tgz"
SETS = (("eval_default.json", ("eval", "cache")), ("eval_mediacloud_2020.json", ("test_set",)))


@dataclass
class Tally:
    right: int = 0
    given: int = 0
    pages: int = 0
    seconds: float = 0.0
    wrong: list = field(default_factory=list)

    def add(self, got: str | None, expected: str, seconds: float, url: str) -> None:
        self.pages += 1
        self.seconds += seconds
        if got:
            self.given += 1
        if got == expected:
            self.right += 1
        elif len(self.wrong) < 400:
            self.wrong.append((url, expected, got))

    def line(self, name: str) -> str:
        accuracy = self.right / self.pages if self.pages else 0.0
        precision = self.right / self.given if self.given else 0.0
        recall = self.given / self.pages if self.pages else 0.0  # share of pages given any date
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return (f"{name:<24} accuracy {accuracy:.3f}  precision {precision:.3f}  dated {recall:.3f}  F1 {f1:.3f}"
                f"  {1000 * self.seconds / max(self.pages, 1):6.1f} ms/page")


def cases(root: Path) -> list[tuple[str, Path, str]]:
    found = []
    for name, folders in SETS:
        for url, item in json.loads((root / "tests" / name).read_text(encoding="utf-8")).items():
            path = next((p for f in folders if (p := root / "tests" / f / item["file"]).exists()), None)
            if path is not None:
                found.append((url, path, item["date"]))
    return found


def read_page(path: Path) -> str:
    from trafilatura.utils import decode_file

    return decode_file(path.read_bytes())


def generic_day(html: str, url: str) -> str | None:
    from archiver import html as H
    from archiver.sites import metadata as M

    tree = H.parse_html(html)
    stamp = M.publication(tree, H.ld_article(tree), url, html)
    # A guess known to the month or year only (htmldate's padded 1st) gives no day.
    return stamp.day.isoformat() if stamp and stamp.precision not in ("month", "year") else None


def htmldate_day(html: str, url: str) -> str | None:
    from htmldate import find_date

    try:
        return find_date(html, url=url, extensive_search=True, original_date=True, outputformat="%Y-%m-%d")
    except Exception:
        return None


def score(case: tuple[str, Path, str]) -> list[tuple[str, str | None, float]]:
    url, path, _ = case
    html = read_page(path)
    out = []
    for name, extract in (("generic adapter", generic_day), ("htmldate extensive", htmldate_day)):
        started = time.perf_counter()
        got = extract(html, url)
        out.append((name, got, time.perf_counter() - started))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS))
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=max(1, min(4, multiprocessing.cpu_count() - 1)))
    parser.add_argument("--show-wrong", type=int, default=0, help="list this many pages the generic adapter got wrong")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(args.corpus) as tar:
            tar.extractall(tmp, filter="data")
        todo = cases(Path(tmp))[: args.limit or None]
        with multiprocessing.Pool(args.jobs) as pool:
            results = pool.map(score, todo, chunksize=8)
    tallies: dict[str, Tally] = {}
    for (url, _, expected), found in zip(todo, results):
        for name, got, seconds in found:
            tallies.setdefault(name, Tally()).add(got, expected, seconds, url)
    print(f"{len(todo)} pages (htmldate's eval_default + eval_mediacloud_2020), day precision")
    for name, tally in tallies.items():
        print(tally.line(name))
    for url, expected, got in tallies["generic adapter"].wrong[: args.show_wrong]:
        print(f"  {expected} got {got}  {url}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
