"""Title, authors and publication day of the generic adapter against trafilatura's metadata,
on the human annotations of trafilatura's evaluation pages.

Usage: python benchmarks/metadata_benchmark.py [CORPUS_TGZ] [--limit N] [--jobs N] [--show N]
                                               [--half odd|even]

trafilatura's corpus (../shared/corpora/trafilatura-eval.tgz, unpacked into a temporary
directory for the run only) annotates 851 of its real pages with their title, author and date
besides the text segments generic_extraction.py scores. Each page is read, under its own URL,
by the generic adapter (the whole parse, as a crawl stores it) and by
`trafilatura.bare_extraction(with_metadata=True)` in the same run.

Scoring (one rule for both, printed with the figures):
- title: the same text once white space is collapsed ("exact"), and also ignoring case;
- authors: the same set of names, each name case-folded with white space collapsed, both sides
  split the same way (",", ";", "&", "and", "und", "et", "y", leading "by"/"von"); an empty
  annotation expects no author, so naming one there is wrong;
- published: the same day, on the pages whose annotation gives one: the day in the zone the
  page states its time in (what its readers saw, and what the annotators wrote down), and the
  day of the stored UTC moment, which moves a story published after midnight local time to the
  day before. trafilatura (htmldate) gives the day as written: the same in both rows.

--half odd|even scores every other page only: a rule changed while looking at one half's
mistakes is checked on the other. --show N prints the adapter's first N mistakes per field.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import re
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from trafilatura.utils import decode_file

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generic_extraction import DEFAULT_CORPUS, captured  # noqa: E402
from generic_extraction import norm as collapse  # noqa: E402

_NAME_SPLIT = re.compile(r"\s*(?:[;,&]|\b(?:and|und|et|y)\b)\s*", re.IGNORECASE)
_BY = re.compile(r"^(?:by|von)\s+", re.IGNORECASE)
READERS = ("generic adapter", "trafilatura with metadata")


def names(value) -> frozenset[str]:
    parts = value if isinstance(value, list) else _NAME_SPLIT.split(value or "")
    return frozenset(n for p in parts if (n := _BY.sub("", collapse(p)).casefold()))


@dataclass
class Tally:
    right: int = 0
    pages: int = 0
    mistakes: list = field(default_factory=list)

    def add(self, ok: bool, mistake: tuple) -> None:
        self.pages += 1
        self.right += ok
        if not ok:
            self.mistakes.append(mistake)

    @property
    def share(self) -> float:
        return self.right / self.pages if self.pages else 0.0


FIELDS = ("title exact", "title ignoring case", "authors exact set", "authors, pages naming some",
          "published day, page's zone", "published day, UTC")


def load(root: Path, limit: int | None, half: str | None) -> list[tuple[str, dict, str]]:
    with open(root / "evaldata.json", encoding="utf-8") as f:
        evaldata = json.load(f)
    pages = []
    for url, item in evaldata.items():
        path = root / "eval" / item["file"]
        if path.is_file() and "title" in item:
            pages.append((url, item, decode_file(path.read_bytes())))
    if half is not None:
        pages = pages[half == "even"::2]
    return pages[:limit] if limit else pages


Reading = tuple[str | None, tuple[str, ...], str | None, str | None]  # title, authors, published UTC, as stated


def generic_reading(url: str, html: str) -> Reading:
    from archiver.errors import ParseError
    from archiver.sites.generic import Generic

    try:
        article = Generic(url).parse(captured(html, url))
    except ParseError:
        return None, (), None, None
    return article.title, tuple(article.authors), article.published, article.extra.get("published_local", article.published)


def trafilatura_reading(url: str, html: str) -> Reading:
    import trafilatura

    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    if doc is None:
        return None, (), None, None
    return doc.title, tuple(a for a in (doc.author or "").split("; ") if a), doc.date, doc.date


def read(page: tuple[str, dict, str]) -> tuple[str, dict, dict]:
    logging.disable(logging.CRITICAL)
    url, item, html = page
    out = {}
    for name, reader in zip(READERS, (generic_reading, trafilatura_reading)):
        try:
            out[name] = reader(url, html)
        except Exception as exc:  # a crash scores as a miss on every field
            out[name] = (None, (), None, None)
            print(f"{name}: {url}: {exc!r}", file=sys.stderr)
    return url, item, out


def score(results: list[tuple[str, dict, dict]]) -> dict[str, dict[str, Tally]]:
    tallies = {name: {f: Tally() for f in FIELDS} for name in READERS}
    for url, item, out in results:
        for name, (title, authors, published, as_stated) in out.items():
            t = tallies[name]
            expected_title = collapse(item.get("title"))
            if expected_title:
                got = collapse(title)
                t["title exact"].add(got == expected_title, (url, expected_title, got))
                t["title ignoring case"].add(got.casefold() == expected_title.casefold(), (url, expected_title, got))
            if "author" in item:
                expected, got = names(item["author"]), names(list(authors))
                t["authors exact set"].add(got == expected, (url, sorted(expected), sorted(got)))
                if expected:
                    t["authors, pages naming some"].add(got == expected, (url, sorted(expected), sorted(got)))
            if isinstance(item.get("date"), str) and item["date"]:
                for field, stamp in (("published day, page's zone", as_stated), ("published day, UTC", published)):
                    got_day = (stamp or "")[:10]
                    t[field].add(got_day == item["date"], (url, item["date"], got_day))
    return tallies


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS, help="trafilatura-eval.tgz")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--show", type=int, default=0, help="print the adapter's first N mistakes per field")
    parser.add_argument("--half", choices=("odd", "even"), default=None)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="metadata-benchmark-") as tmp:
        with tarfile.open(args.corpus) as tar:
            tar.extractall(tmp, filter="data")
        pages = load(Path(tmp), args.limit, args.half)
    with multiprocessing.get_context("spawn").Pool(max(1, args.jobs)) as pool:
        results = pool.map(read, pages, chunksize=8)
    tallies = score(results)
    print(f"{len(pages)} annotated pages{f' ({args.half} half)' if args.half else ''}\n")
    print(f"{'field':28} {'pages':>5} " + " ".join(f"{name:>26}" for name in READERS))
    for f in FIELDS:
        counts = tallies[READERS[0]][f].pages
        print(f"{f:28} {counts:5d} " + " ".join(f"{tallies[name][f].share:26.3f}" for name in READERS))
    for f in FIELDS if args.show else ():
        print(f"\n{f}: the adapter's mistakes (expected, got)")
        for mistake in tallies[READERS[0]][f].mistakes[:args.show]:
            print("  ", *mistake, sep=" | ")


if __name__ == "__main__":
    main()
