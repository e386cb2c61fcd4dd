"""Scale simulation: shard archives, near-duplicates across them by a shuffle on LSH band keys
on Dask, then the merge -- measured against one writer doing it all (docs/scaling.md).

    python benchmarks/scale_simulation.py                        # 20k, 100k, 300k articles
    python benchmarks/scale_simulation.py --sizes 20000          # a quick run
    python benchmarks/scale_simulation.py --sizes 20000 --repeat 3 --json out.json

Per size, at run time, with the project's own code (nothing is written into the repository):

  shard build    S shard archives (default 4), one Dask task each on a LocalCluster of 2
                 worker processes: synthetic articles written through the store's one article
                 save (Articles.save: row, FTS, version, MinHash sketch, band rows, the shard's
                 own clusters), sharded by site as independent importers would be.
  band rows      the shuffle's map: each shard's dedup_bands rows and text hashes, split by
                 (band, key) (archiver/dedup/shuffle.py);
  shuffle        every part's rows of all shards brought together, buckets -> candidate pairs;
  verify         distinct pairs, signatures and fingerprints read from the shard files, the
                 exact-Jaccard test of clusters.py; then union-find on the client.
  single writer  the reference: one archive, every article saved through the same
                 Articles.save in first-seen order by one process -- the incremental clustering
                 `archiver merge` applies to each page (merge also re-parses every page; that
                 cost is the import benchmark's, not counted here).
  merge write    the planned bulk merge: one target archive, the shards' rows copied (articles
                 with FTS triggers, URLs, signatures, bands) with ids renumbered in first-seen
                 order and duplicate_of set from the shuffle's clusters.

Texts: 400 words drawn i.i.d. from a Zipf vocabulary of 30,000 words, a 12-word boilerplate
line per site; 5% of articles are copies of an earlier original on another site: a fifth exact,
the rest with the lead rewritten (half), a paragraph dropped (30%) and 0-8% of words replaced.
The shuffle's clusters are compared with the single writer's (pairs of articles put in one
cluster: precision and recall) and both with the planted copies. Timings are wall seconds on
a shared machine: medians of --repeat runs. Then each stage's time is fitted as a * n^k over
the sizes and extrapolated to 10M and 100M articles.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from itertools import combinations
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archiver.config import DedupConfig  # noqa: E402
from archiver.dedup.shuffle import cross_shard_clusters, global_id  # noqa: E402
from archiver.dedup.sketch import Params  # noqa: E402
from archiver.models import ParsedArticle  # noqa: E402
from archiver.store import Store  # noqa: E402
from archiver.store.shard_sketches import articles_in_seen_order  # noqa: E402

VOCABULARY, WORDS, PARAGRAPH, SITES = 30_000, 400, 80, 16
COPY_SHARE, EXACT_SHARE = 0.05, 0.2
BATCH = 2_000  # articles per transaction
START = datetime(2020, 1, 1, tzinfo=timezone.utc)


class Corpus:
    """Article N of a corpus of SIZE (seeded): its site, shard, text; the same on every worker."""

    def __init__(self, size: int, shards: int, seed: int = 15):
        self.size, self.shards, self.seed = size, shards, seed
        rng = np.random.default_rng(seed)
        syllables = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
        words: dict[str, None] = {}
        while len(words) < VOCABULARY:
            words["".join(rng.choice(syllables, rng.integers(2, 5)))] = None
        self.vocabulary = np.array(list(words))
        weights = 1.0 / np.arange(1, VOCABULARY + 1)
        self.cdf = np.cumsum(weights / weights.sum())
        self.boilerplate = [" ".join(self._draw(rng, 12)) for _ in range(SITES)]
        self.site = rng.integers(0, SITES, size)
        self.copy_of = np.full(size, -1, dtype=np.int64)
        copies = np.flatnonzero(rng.random(size) < COPY_SHARE)
        copies = copies[copies > 0]
        originals = np.setdiff1d(np.arange(size), copies)
        # each copy picks an original seen before it, and a site other than the original's
        before = np.searchsorted(originals, copies)
        keep = before > 0
        copies, before = copies[keep], before[keep]
        self.copy_of[copies] = originals[(rng.random(len(copies)) * before).astype(np.int64)]
        self.site[copies] = (self.site[self.copy_of[copies]] + rng.integers(1, SITES, len(copies))) % SITES
        self.exact = np.zeros(size, dtype=bool)
        self.exact[copies] = rng.random(len(copies)) < EXACT_SHARE

    def _draw(self, rng: np.random.Generator, count: int) -> list[str]:
        return list(self.vocabulary[np.searchsorted(self.cdf, rng.random(count))])

    def shard_of(self, n: int) -> int:
        return int(self.site[n]) % self.shards

    def site_name(self, n: int) -> str:
        return f"site{int(self.site[n]):02d}"

    def url(self, n: int) -> str:
        return f"https://{self.site_name(n)}.example/news/{n}"

    def seen(self, n: int) -> str:
        return (START + timedelta(seconds=60 * n)).isoformat()

    def body(self, n: int) -> list[str]:
        """The words of article N's text (before paragraphs)."""
        original = int(self.copy_of[n])
        if original < 0:
            return self._draw(np.random.default_rng([self.seed, n]), WORDS) + self.boilerplate[self.site[n]].split()
        words = self.body(original)
        if self.exact[n]:
            return words
        rng = np.random.default_rng([self.seed, n, 1])
        words = words[:WORDS]  # the original site's boilerplate line goes
        if rng.random() < 0.5:
            words[:20] = self._draw(rng, 20)  # the lead rewritten
        if rng.random() < 0.3:
            at = int(rng.integers(0, WORDS // PARAGRAPH)) * PARAGRAPH
            del words[at:at + PARAGRAPH]
        replaced = np.flatnonzero(rng.random(len(words)) < rng.uniform(0, 0.08))
        for position, word in zip(replaced, self._draw(rng, len(replaced))):
            words[position] = word
        return words + self.boilerplate[self.site[n]].split()

    def article(self, n: int) -> ParsedArticle:
        words = self.body(n)
        text = "\n\n".join(" ".join(words[i:i + PARAGRAPH]).capitalize() + "." for i in range(0, len(words), PARAGRAPH))
        rng = np.random.default_rng([self.seed, n, 2])
        url = self.url(n)
        return ParsedArticle(url=url, canonical_url=url, key=str(n), title=" ".join(self._draw(rng, 8)).capitalize(),
                             text=text, published=self.seen(n), parser=f"{self.site_name(n)}/1")

    def numbers(self, shard: int | None = None) -> list[int]:
        every = np.arange(self.size)
        return every.tolist() if shard is None else every[self.site % self.shards == shard].tolist()


def write_articles(path: str | Path, corpus: Corpus, numbers: list[int]) -> float:
    """Articles NUMBERS saved into the archive at PATH through Articles.save, in that order; seconds."""
    started = time.perf_counter()
    with Store(path, dedup=DedupConfig()) as store:
        for start in range(0, len(numbers), BATCH):
            with store.transaction():
                for n in numbers[start:start + BATCH]:
                    store.articles.save(corpus.site_name(n), corpus.article(n), None, corpus.seen(n), None)
        store.checkpoint()
    return time.perf_counter() - started


def build_shard(path: str, size: int, shards: int, shard: int, seed: int) -> tuple[int, float]:
    """On a worker: shard SHARD of the corpus, written at PATH. (articles, seconds)"""
    corpus = Corpus(size, shards, seed)
    numbers = corpus.numbers(shard)
    return len(numbers), write_articles(path, corpus, numbers)


# -- the merge write -----------------------------------------------------------------------

def merge_write(target: Path, shard_paths: list[Path], roots: dict[int, tuple[int, float]]) -> float:
    """The shards' rows copied into TARGET with ids renumbered in first-seen order; ROOTS:
    global id -> (root global id, similarity) for each non-root cluster member. Seconds."""
    started = time.perf_counter()
    order = sorted((seen, global_id(shard, article_id), shard, article_id)
                   for shard, path in enumerate(shard_paths) for article_id, seen, _, _ in articles_in_seen_order(path))
    new_id = {int(gid): number for number, (_, gid, _, _) in enumerate(order, start=1)}
    with Store(target, dedup=DedupConfig()) as store:
        store.dedup_params()  # the index's parameters recorded, as in every archive
        store.checkpoint()
    db = sqlite3.connect(target.resolve().as_uri(), uri=True, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode = WAL")
        columns = [row[1] for row in db.execute("PRAGMA table_info(articles)") if row[1] not in
                   ("id", "duplicate_of", "duplicate_kind", "similarity")]
        listed = ", ".join(f'"{c}"' for c in columns)
        selected = ", ".join(f'u."{c}"' for c in columns)
        db.execute("BEGIN")
        db.execute("CREATE TEMP TABLE idmap (shard INTEGER, old INTEGER, new INTEGER, root INTEGER, kind TEXT, "
                   "similarity REAL, PRIMARY KEY (shard, old))")
        rows = []
        for _, gid, shard, article_id in order:
            root = roots.get(int(gid))
            rows.append((shard, article_id, new_id[int(gid)], new_id[root[0]] if root else None,
                         ("exact" if root[1] == 1.0 else "near") if root else None, root[1] if root else None))
        db.executemany("INSERT INTO idmap VALUES (?, ?, ?, ?, ?, ?)", rows)
        db.execute("COMMIT")
        for shard, path in enumerate(shard_paths):
            db.execute(f"ATTACH DATABASE ? AS s{shard}", [f"{Path(path).resolve().as_uri()}?mode=ro"])
        db.execute("BEGIN")
        # first-seen order across shards: one INSERT over the shards' union, ordered by the new id
        union = " UNION ALL ".join(f"SELECT {shard} AS shard, id AS old, {listed} FROM s{shard}.articles"
                                   for shard in range(len(shard_paths)))
        db.execute(f"INSERT INTO articles (id, {listed}, duplicate_of, duplicate_kind, similarity) "
                   f"SELECT m.new, {selected}, m.root, m.kind, m.similarity "
                   f"FROM ({union}) u JOIN idmap m ON m.shard = u.shard AND m.old = u.old ORDER BY m.new")
        for table in ("article_urls", "article_versions", "dedup_signatures", "dedup_bands"):
            kept = [row[1] for row in db.execute(f"PRAGMA table_info({table})") if row[1] not in ("id", "article_id")]
            for shard in range(len(shard_paths)):
                db.execute(f"INSERT INTO {table} (article_id, {', '.join(kept)}) SELECT m.new, "
                           f"{', '.join('t.' + c for c in kept)} FROM s{shard}.{table} t "
                           f"JOIN idmap m ON m.shard = {shard} AND m.old = t.article_id")
        db.execute("COMMIT")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    return time.perf_counter() - started


# -- comparing clusterings ----------------------------------------------------------------

def pairs_of(groups) -> set[tuple[str, str]]:
    return {tuple(sorted(pair)) for group in groups for pair in combinations(group, 2)}


def single_writer_groups(path: Path) -> list[list[str]]:
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        groups: defaultdict[int, list[str]] = defaultdict(list)
        for article_id, url, root in db.execute("SELECT id, url, coalesce(duplicate_of, id) FROM articles"):
            groups[root].append(url)
    finally:
        db.close()
    return [g for g in groups.values() if len(g) > 1]


def shuffle_groups(result, shard_paths: list[Path]) -> list[list[str]]:
    urls = {}
    for shard, path in enumerate(shard_paths):
        for article_id, _, url, _ in articles_in_seen_order(path):
            urls[int(global_id(shard, article_id))] = url
    return [[urls[gid] for gid in members] for members in result.clusters.values()]


def planted_groups(corpus: Corpus) -> list[list[str]]:
    groups: defaultdict[int, list[str]] = defaultdict(list)
    for n in np.flatnonzero(corpus.copy_of >= 0).tolist():
        groups[int(corpus.copy_of[n])].append(corpus.url(n))
    return [[corpus.url(original), *copies] for original, copies in groups.items()]


def agreement(found: set, reference: set) -> dict:
    shared = len(found & reference)
    return {"pairs": len(found), "reference": len(reference), "shared": shared,
            "precision": shared / len(found) if found else 1.0, "recall": shared / len(reference) if reference else 1.0}


# -- one run --------------------------------------------------------------------------------

def run_once(client, size: int, shards: int, folder: Path, seed: int) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"shard-{i}.db" for i in range(shards)]
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    built = client.gather([client.submit(build_shard, str(p), size, shards, i, seed, pure=False)
                           for i, p in enumerate(paths)])
    seconds["shard build"] = time.perf_counter() - started
    params = Params.from_config(DedupConfig())
    result = cross_shard_clusters(client, paths, params)
    seconds.update(result.seconds)
    best: dict[int, float] = {}
    for a, b, similarity in result.edges:
        for gid in (a, b):
            best[gid] = max(best.get(gid, 0.0), similarity)
    roots = {gid: (root, best[gid]) for root, members in result.clusters.items() for gid in members[1:]}
    target = folder / "merged.db"
    seconds["merge write"] = merge_write(target, paths, roots)
    corpus = Corpus(size, shards, seed)
    single = folder / "single.db"
    seconds["single writer"] = write_articles(single, corpus, corpus.numbers())
    reference, ours, planted = (pairs_of(single_writer_groups(single)), pairs_of(shuffle_groups(result, paths)),
                                pairs_of(planted_groups(corpus)))
    merged_same = pairs_of(single_writer_groups(target)) == ours
    sizes = {"shards MB": sum(p.stat().st_size for p in paths) / 1e6, "merged MB": target.stat().st_size / 1e6,
             "single MB": single.stat().st_size / 1e6}
    return {"size": size, "shards": shards, "articles per shard": [n for n, _ in built], "seconds": seconds,
            "counts": result.counts, "files": sizes, "merged target has the shuffle's clusters": merged_same,
            "shuffle vs single writer": agreement(ours, reference), "shuffle vs planted": agreement(ours, planted),
            "single writer vs planted": agreement(reference, planted)}


# -- fitting and extrapolating ----------------------------------------------------------------

def fit(points: list[tuple[int, float]]) -> tuple[float, float]:
    """(a, k) of t = a * n^k, least squares in log-log space."""
    xs, ys = np.log([n for n, _ in points]), np.log([max(t, 1e-6) for _, t in points])
    k, log_a = np.polyfit(xs, ys, 1)
    return math.exp(log_a), k


def report(runs: dict[int, list[dict]], targets=(10_000_000, 100_000_000)) -> dict:
    stages = list(next(iter(runs.values()))[0]["seconds"])
    medians = {size: {stage: statistics.median(r["seconds"][stage] for r in rs) for stage in stages}
               for size, rs in runs.items()}
    print(f"\nmedian wall seconds ({', '.join(f'{s:,}: {len(rs)} run(s)' for s, rs in runs.items())}); 2 worker processes")
    largest = max(medians)
    print("k: the exponent of a * n^k fitted over the sizes, then its extrapolation; linear: the largest size's "
          "time per article times the target")
    print(f"{'stage':<14}" + "".join(f"{size:>12,}" for size in medians) + f"{'k':>7}" +
          "".join(f"{'fit ' + format(t, ','):>16}" for t in targets) + "".join(f"{'linear ' + format(t, ','):>19}" for t in targets))
    fits = {}
    for stage in stages:
        points = [(size, medians[size][stage]) for size in medians]
        a, k = fit(points) if len(points) > 1 else (points[0][1] / points[0][0], 1.0)
        fits[stage] = (a, k)
        print(f"{stage:<14}" + "".join(f"{medians[size][stage]:12.2f}" for size in medians) + f"{k:7.2f}" +
              "".join(f"{a * t ** k:16,.0f}" for t in targets) +
              "".join(f"{medians[largest][stage] / largest * t:19,.0f}" for t in targets))
    for size, rs in runs.items():
        last = rs[-1]
        print(f"\n{size:,} articles, {last['shards']} shards {last['articles per shard']}: {last['counts']}")
        print(f"  files: {', '.join(f'{k} {v:.1f}' for k, v in last['files'].items())}; "
              "merged target holds the shuffle's clusters: " + str(last["merged target has the shuffle's clusters"]))
        for name in ("shuffle vs single writer", "shuffle vs planted", "single writer vs planted"):
            a = last[name]
            print(f"  {name:<26} pairs {a['pairs']:>7,} reference {a['reference']:>7,} shared {a['shared']:>7,} "
                  f"precision {a['precision']:.4f} recall {a['recall']:.4f}")
    return {"medians": medians, "fits": fits}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="20000,100000,300000", help="articles in all shards (default 20000,100000,300000)")
    parser.add_argument("--shards", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="LocalCluster worker processes (default 2)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per size (medians are reported)")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--keep", type=Path, help="build the archives in this directory and leave them")
    parser.add_argument("--json", type=Path, help="write every run's figures here")
    args = parser.parse_args()
    from dask.distributed import Client, LocalCluster

    folder = args.keep or Path(tempfile.mkdtemp(prefix="scale-simulation-"))
    runs: dict[int, list[dict]] = defaultdict(list)
    try:
        with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address="127.0.0.1:0", memory_limit="8GiB") as cluster, Client(cluster) as client:
            for size in (int(s) for s in args.sizes.split(",")):
                for attempt in range(args.repeat):
                    where = folder / f"{size}-{attempt}"
                    print(f"{size:,} articles, run {attempt + 1}: {where}", file=sys.stderr)
                    one = run_once(client, size, args.shards, where, args.seed)
                    print(json.dumps(one), file=sys.stderr)
                    runs[size].append(one)
                    if args.keep is None:
                        shutil.rmtree(where, ignore_errors=True)
        summary = report(runs)
        if args.json:
            args.json.write_text(json.dumps({"runs": runs, **summary}, indent=1, default=str))
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
