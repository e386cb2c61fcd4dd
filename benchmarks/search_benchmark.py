"""Search benchmark: archiver's search against the bare FTS5 floor on the same archive.

    python benchmarks/search_benchmark.py                 # 100k articles (~2 minutes to build)
    python benchmarks/search_benchmark.py --million       # also 1M articles (~20 minutes to build)
    python benchmarks/search_benchmark.py --sizes 20000   # a quick run
    python benchmarks/search_benchmark.py --keep DIR      # build into DIR and reuse it next time

The archives are built at run time with the project's own code: `Store` creates the schema
(its migrations: FTS5 table, triggers, the rank configuration), and the articles go in
through the store's articles part in big transactions. Texts are ~400 words drawn from a
Zipf vocabulary, with planted words at known document frequencies (a rare word in a dozen
articles, a word in 30%, one in 97%), a planted phrase, four sites of different sizes,
publication dates over five years and 5% copies of earlier articles on other sites (a
cluster of two, collapsed by search). Nothing is ever written into the repository.

Per query class, the median of alternating runs of:
  floor     `SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rank LIMIT 10`
            with the FTS5 expression archiver itself makes of the query;
  archiver  `run_search(...)` on an open store, top 10 (snippets, copies, filters, sorting);
  CLI       fresh processes: `python -m archiver search ... --format json --limit 10` against a
            fresh `python -c` process that opens the file and runs the floor query.
Figures are ratios to the floor measured in the same run; the target is 1.5x.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archiver.dedup import text_hash  # noqa: E402
from archiver.models import ParsedArticle  # noqa: E402
from archiver.search import date_bound, fts_query, run_search  # noqa: E402
from archiver.store import Store  # noqa: E402
from archiver.store.articles import article_fields  # noqa: E402

SITES = (("alpha", 0.45), ("beta", 0.30), ("gamma", 0.20), ("delta", 0.05))
YEARS = (2019, 2020, 2021, 2022, 2023)
WORDS_PER_ARTICLE = 400
COPY_SHARE = 0.05
# Planted words: (word, share of articles). The rare one is planted in a fixed number instead.
PLANTED = (("government", 0.97), ("military", 0.30), ("raqqa", 0.10), ("raqqawi", 0.05), ("latakia", 0.05),
           ("airbase", 0.08))
RARE_WORD, RARE_COUNT = "khanasser", 12
PHRASE, PHRASE_SHARE = ("tabqa", "airbase"), 0.03
FLOOR_SQL = "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rank LIMIT 10"


@dataclass(frozen=True)
class QueryClass:
    name: str
    query: str
    options: dict  # run_search keyword arguments beyond query and limit

    def cli_args(self) -> list[str]:
        args = ["search", self.query, "--format", "json", "--limit", "10"]
        for key, value in self.options.items():
            args += [f"--{key}", str(value)]
        return args


QUERIES = (
    QueryClass("rare", RARE_WORD, {}),
    QueryClass("mid", "military", {}),
    QueryClass("common", "government", {}),
    QueryClass("phrase", '"tabqa airbase"', {}),
    QueryClass("prefix", "raqq*", {}),
    QueryClass("OR", "latakia OR khanasser", {}),
    QueryClass("NOT", "military NOT raqqa", {}),
    QueryClass("column", "title:raqqa", {}),
    QueryClass("site", "military", {"site": "gamma"}),
    QueryClass("dates", "military", {"since": "2021", "until": "2021"}),
    QueryClass("newest", "military", {"sort": "newest"}),
)


def _vocabulary(rng: random.Random, size: int) -> list[str]:
    syllables = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    planted = {w for w, _ in PLANTED} | {RARE_WORD, *PHRASE}
    return sorted(words - planted)


class TextMaker:
    """Article texts: Zipf-distributed filler words with the planted words at their shares."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        vocabulary = _vocabulary(self.rng, 30_000)
        weights = [1 / (rank + 1) for rank in range(len(vocabulary))]
        self.rng.shuffle(vocabulary)
        self.filler = self.rng.choices(vocabulary, weights, k=2_000_000)
        self.position = 0

    def words(self, count: int) -> list[str]:
        if self.position + count > len(self.filler):
            self.position = self.rng.randrange(1000)
        chunk = self.filler[self.position:self.position + count]
        self.position += count + self.rng.randrange(50)
        return list(chunk)

    def article(self, number: int, rare: set[int]) -> tuple[str, str]:
        rng = self.rng
        text = self.words(WORDS_PER_ARTICLE)
        for word, share in PLANTED:
            if rng.random() < share:
                text[rng.randrange(len(text))] = word
        if rng.random() < PHRASE_SHARE:
            at = rng.randrange(len(text) - 1)
            text[at:at + 2] = PHRASE
        if number in rare:
            text[rng.randrange(len(text))] = RARE_WORD
        title = self.words(8)
        if rng.random() < 0.02:
            title[rng.randrange(len(title))] = "raqqa"
        paragraphs = [" ".join(text[i:i + 80]) for i in range(0, len(text), 80)]
        return " ".join(title).capitalize(), "\n\n".join(p.capitalize() + "." for p in paragraphs)


def build(path: Path, size: int, seed: int = 14) -> None:
    """An archive of SIZE articles at PATH, written through the store's articles part."""
    maker = TextMaker(seed)
    rng = random.Random(seed + 1)
    rare = set(rng.sample(range(size), RARE_COUNT))
    site_names = [s for s, _ in SITES]
    site_weights = [w for _, w in SITES]
    started = time.perf_counter()
    with Store(path) as store:
        store.db.execute("PRAGMA synchronous = OFF")
        originals: list[tuple[int, str, str, str]] = []
        for start in range(0, size, 20_000):
            with store.transaction():
                for number in range(start, min(size, start + 20_000)):
                    _insert_one(store, maker, rng, number, rare, site_names, site_weights, originals)
            print(f"  {min(size, start + 20_000):>9,} articles  {time.perf_counter() - started:6.0f} s", file=sys.stderr)
        store.db.execute("INSERT INTO articles_fts(articles_fts) VALUES ('optimize')")
        store.checkpoint()
        store.db.execute("ANALYZE")


def _insert_one(store: Store, maker: TextMaker, rng: random.Random, number: int, rare: set[int],
                site_names: list[str], site_weights: list[float], originals: list) -> None:
    site = rng.choices(site_names, site_weights)[0]
    year = rng.choice(YEARS)
    published = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:00:00+00:00"
    duplicate_of = None
    if originals and rng.random() < COPY_SHARE:
        duplicate_of, title, text, original_site = rng.choice(originals)
        site = next(s for s in site_names if s != original_site)
    else:
        title, text = maker.article(number, rare)
    url = f"https://{site}.example/news/{number}"
    article = ParsedArticle(url=url, canonical_url=url, key=str(number), title=title, text=text,
                            published=published, parser=f"{site}/1")
    fields = article_fields(site, article, text_hash(text), None)
    fields.update(first_seen=published, last_seen=published, duplicate_of=duplicate_of,
                  duplicate_kind="exact" if duplicate_of else None)
    article_id = store.articles.insert("articles", fields)
    store.articles.insert("article_urls", {"url": url, "article_id": article_id, "first_seen": published})
    if duplicate_of is None and len(originals) < 50_000:
        originals.append((article_id, title, text, site))


# -- measuring ---------------------------------------------------------------------------

def _floor_expression(store: Store, query: QueryClass) -> str:
    return fts_query(query.query)


def time_library(path: Path, queries, rounds: int) -> dict[str, tuple[float, float]]:
    """name -> (floor median, archiver median), seconds, alternating on one open store each."""
    out = {}
    with Store(path, readonly=True) as store:
        for query in queries:
            expression = _floor_expression(store, query)
            floor, ours = [], []
            for _ in range(rounds):
                started = time.perf_counter()
                store.db.execute(FLOOR_SQL, [expression]).fetchall()
                floor.append(time.perf_counter() - started)
                started = time.perf_counter()
                run_search(store, query.query, limit=10, **query.options)
                ours.append(time.perf_counter() - started)
            out[query.name] = (statistics.median(floor), statistics.median(ours))
    return out


FLOOR_PROGRAM = (
    "import sqlite3, sys; c = sqlite3.connect(f'file:{sys.argv[1]}?mode=ro', uri=True); "
    f"print(c.execute({FLOOR_SQL!r}, [sys.argv[2]]).fetchall())"
)


# Fresh processes run as from an installed package: with bytecode cached (an environment
# that sets PYTHONDONTWRITEBYTECODE would otherwise recompile archiver's modules every run).
_CACHE = Path(tempfile.mkdtemp(prefix="search-benchmark-pycache-"))
_ENV = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, "PYTHONPYCACHEPREFIX": str(_CACHE)}


def _run(argv: list[str], cwd: Path | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=_ENV, cwd=cwd)
    return time.perf_counter() - started


def time_cli(path: Path, queries, rounds: int) -> dict[str, tuple[float, float]]:
    out = {}
    for query in queries:
        with Store(path, readonly=True) as store:
            expression = _floor_expression(store, query)
        # Both run in the archive's directory, where no config.toml is read; a config file
        # costs its reading and checking on top (time_config_file).
        floor, ours = [], []
        _run([sys.executable, "-m", "archiver", "--db", str(path), *query.cli_args()], path.parent)  # warm: caches, bytecode
        for _ in range(rounds):
            floor.append(_run([sys.executable, "-c", FLOOR_PROGRAM, str(path), expression], path.parent))
            ours.append(_run([sys.executable, "-m", "archiver", "--db", str(path), *query.cli_args()], path.parent))
        out[query.name] = (statistics.median(floor), statistics.median(ours))
    return out


def time_config_file(path: Path, rounds: int) -> tuple[float, float]:
    """The rare-word search without and with a config.toml in the working directory naming
    the archive (read and checked as every command reads it), alternating."""
    with tempfile.TemporaryDirectory() as with_config:
        Path(with_config, "config.toml").write_text(f"[archive]\ndb = {str(path)!r}\n")
        args = QUERIES[0].cli_args()
        _run([sys.executable, "-m", "archiver", *args], Path(with_config))  # warm
        bare, configured = [], []
        for _ in range(rounds):
            bare.append(_run([sys.executable, "-m", "archiver", "--db", str(path), *args], path.parent))
            configured.append(_run([sys.executable, "-m", "archiver", *args], Path(with_config)))
    return statistics.median(bare), statistics.median(configured)


def time_startup(rounds: int) -> dict[str, float]:
    _run([sys.executable, "-m", "archiver", "--help"])  # warm: bytecode
    bare = statistics.median(_run([sys.executable, "-c", "pass"]) for _ in range(rounds))
    help_ = statistics.median(_run([sys.executable, "-m", "archiver", "--help"]) for _ in range(rounds))
    return {"python -c pass": bare, "archiver --help": help_}


def report(size: int, library: dict, cli: dict) -> None:
    print(f"\n{size:,} articles: median seconds (ratio to the floor; target 1.5x)")
    print(f"{'class':<8} {'floor':>8} {'archiver':>9} {'ratio':>6}   {'floor CLI':>9} {'archiver CLI':>12} {'ratio':>6}")
    for name, (floor, ours) in library.items():
        cli_floor, cli_ours = cli.get(name, (float("nan"), float("nan")))
        print(f"{name:<8} {floor:8.4f} {ours:9.4f} {ours / floor:5.2f}x   {cli_floor:9.4f} {cli_ours:12.4f} "
              f"{cli_ours / cli_floor:5.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000", help="comma-separated archive sizes (default 100000)")
    parser.add_argument("--million", action="store_true", help="also 1,000,000 articles")
    parser.add_argument("--rounds", type=int, default=7, help="alternating runs per class (default 7)")
    parser.add_argument("--keep", type=Path, help="build the archives in this directory and reuse them")
    parser.add_argument("--no-cli", action="store_true", help="skip the fresh-process measurements")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")] + ([1_000_000] if args.million else [])
    directory = args.keep or Path(tempfile.mkdtemp(prefix="search-benchmark-"))
    directory.mkdir(parents=True, exist_ok=True)
    try:
        print("start-up: " + ", ".join(f"{k} {v:.3f} s" for k, v in time_startup(args.rounds).items()))
        for size in sizes:
            path = directory / f"search-{size}.db"
            if not path.exists():
                print(f"building {size:,} articles in {path}", file=sys.stderr)
                build(path, size)
            library = time_library(path, QUERIES, args.rounds)
            cli = {} if args.no_cli else time_cli(path, QUERIES, args.rounds)
            report(size, library, cli)
            if not args.no_cli:
                bare, configured = time_config_file(path, args.rounds)
                print(f"CLI rare word with a config.toml read: {configured:.4f} s against {bare:.4f} s with --db alone")
    finally:
        shutil.rmtree(_CACHE, ignore_errors=True)
        if args.keep is None:
            shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
