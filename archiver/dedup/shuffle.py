"""Near-duplicate clusters across shard archives, by a shuffle on LSH band keys on Dask.

Past one writer, a backfill is imported into several shard archives by independent importers,
each with its own near-duplicate index (dedup_bands: one row per article and band). Two
articles of different shards that share a (band, key) are candidates exactly as they would be
in one archive's index, so the cross-shard step is a group-by on (band, key):

1. map, one task per shard: the shard's band rows, plus one row per article keyed on its
   normalised-text hash (band EXACT_BAND: exact copies, even of texts too short to sketch),
   ids made global (`global_id`); split by (band, key) into `parts` pieces.
2. shuffle and reduce, one task per part: that part's rows of every shard, sorted by
   (band, key, id); two members of one bucket are a candidate pair (a bucket over
   `max_bucket` members pairs each member with its next `max_bucket` members only, which
   bounds a boilerplate bucket's cost); pairs split by pair into `verify_parts` pieces.
3. verify, one task per piece: the distinct pairs; signatures and shingle fingerprints read
   from the shard files (archiver/store/shard_sketches.py); a pair is an edge when its texts
   have the same hash, or when the sketch estimate reaches `Params.estimate_floor` and the exact
   shingle Jaccard reaches the threshold: the test clusters.py applies to a candidate.
4. on the client, union-find over the edges; a cluster's root is its first-seen member.

Union-find is the transitive closure of the edges. The single-writer Clusterer places an
article once, in the cluster of its best-matching candidate, so an article that matches two
existing clusters joins one of them where union-find joins all three; and it checks only the
MAX_VERIFIED best estimates of MAX_CANDIDATES candidates. On planted copies the two agree (see
benchmarks/scale_simulation.py and docs/scaling.md for how well, measured).

The tasks are plain functions on numpy arrays and shard paths, submitted to a
dask.distributed Client: the shards must be readable at the same path on every worker.
"""

from __future__ import annotations

import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import getitem
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np

from ..store import shard_sketches
from .sketch import Params, fingerprint_jaccard, from_blob

SHARD_BITS = 40  # a global id is shard << SHARD_BITS | article id: 2^40 articles a shard, 2^23 shards
EXACT_BAND = -1  # the band of the rows keyed on a text hash
MAX_BUCKET = 200  # like clusters.MAX_CANDIDATES: a member is paired with at most this many others of one bucket


def global_id(shard: int, article_id: int | np.ndarray) -> int | np.ndarray:
    return (np.int64(shard) << SHARD_BITS) | article_id


def split_global(gid: int) -> tuple[int, int]:
    return int(gid) >> SHARD_BITS, int(gid) & ((1 << SHARD_BITS) - 1)


def _spread(values: np.ndarray, parts: int) -> np.ndarray:
    """A part number per value (a 64-bit mix, so keys that are already hashes and ids alike spread)."""
    mixed = values.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    return ((mixed >> np.uint64(33)) % np.uint64(parts)).astype(np.int64)


def _split(rows: np.ndarray, part: np.ndarray, parts: int) -> list[np.ndarray]:
    order = np.argsort(part, kind="stable")
    bounds = np.searchsorted(part[order], np.arange(parts + 1))
    return [rows[order[bounds[i]:bounds[i + 1]]] for i in range(parts)]


# -- 1. map: one shard's band rows -------------------------------------------------------

def shard_band_rows(path: str, shard: int) -> np.ndarray:
    """(band, key, global id) rows of one shard: its LSH bands and its text hashes."""
    bands = shard_band_rows_lsh(path, shard)
    hashed = shard_sketches.text_hashes(path)
    exact = np.empty((len(hashed), 3), dtype=np.int64)
    if hashed:
        ids, shas = zip(*hashed)
        exact[:, 0] = EXACT_BAND
        exact[:, 1] = [int.from_bytes(bytes.fromhex(sha[:16]), "little", signed=True) for sha in shas]
        exact[:, 2] = global_id(shard, np.asarray(ids, dtype=np.int64))
    return np.concatenate([bands, exact])


def shard_band_rows_lsh(path: str, shard: int) -> np.ndarray:
    rows = shard_sketches.band_rows(path)
    rows[:, 2] = global_id(shard, rows[:, 2])
    return rows


def split_band_rows(path: str, shard: int, parts: int) -> list[np.ndarray]:
    rows = shard_band_rows(path, shard)
    return _split(rows, _spread(rows[:, 1] ^ (rows[:, 0] * 0x51ED27), parts), parts)


# -- 2. reduce: a part's buckets become candidate pairs ----------------------------------

def bucket_pairs(pieces: Sequence[np.ndarray], verify_parts: int, max_bucket: int = MAX_BUCKET) -> list[np.ndarray]:
    """Candidate pairs (a < b) of every bucket in these rows, distinct, split by pair into VERIFY_PARTS."""
    rows = np.concatenate(pieces) if pieces else np.empty((0, 3), dtype=np.int64)
    if len(rows) < 2:
        return _split(np.empty((0, 2), dtype=np.int64), np.empty(0, dtype=np.int64), verify_parts)
    rows = rows[np.lexsort((rows[:, 2], rows[:, 1], rows[:, 0]))]
    same = (rows[1:, 0] == rows[:-1, 0]) & (rows[1:, 1] == rows[:-1, 1])
    bucket = np.concatenate([[0], np.cumsum(~same)])  # bucket number of each row
    shared = np.concatenate([[False], same]) | np.concatenate([same, [False]])
    ids, bucket = rows[shared, 2], bucket[shared]
    firsts, seconds = [], []
    for step in range(1, max_bucket + 1):
        if step >= len(ids):
            break
        paired = bucket[step:] == bucket[:-step]
        if not paired.any():
            break
        firsts.append(ids[:-step][paired])
        seconds.append(ids[step:][paired])
    pairs = np.column_stack([np.concatenate(firsts), np.concatenate(seconds)]) if firsts else np.empty((0, 2), np.int64)
    pairs = np.unique(pairs, axis=0) if len(pairs) else pairs
    return _split(pairs, _spread(pairs[:, 0] * 31 + pairs[:, 1], verify_parts), verify_parts)


# -- 3. verify: the exact test on each distinct pair ---------------------------------------

def verify_pairs(pieces: Sequence[np.ndarray], paths: Sequence[str], params: Params) -> dict:
    """Edges among these candidate pairs: {"edges": [(a, b, similarity)], "seen": {id: first_seen},
    "pairs": distinct pairs, "checked": exact Jaccard computations}."""
    pairs = np.concatenate(pieces) if pieces else np.empty((0, 2), dtype=np.int64)
    pairs = np.unique(pairs, axis=0) if len(pairs) else pairs
    wanted: defaultdict[int, set[int]] = defaultdict(set)
    for gid in np.unique(pairs):
        shard, article_id = split_global(gid)
        wanted[shard].add(article_id)
    sketched: dict[int, tuple] = {}
    for shard, ids in wanted.items():
        for article_id, row in shard_sketches.sketches(paths[shard], ids).items():
            sketched[int(global_id(shard, article_id))] = row
    edges, checked = [], 0
    for a, b in pairs.tolist():
        (seen_a, sha_a, sig_a, fp_a), (seen_b, sha_b, sig_b, fp_b) = sketched[a], sketched[b]
        if sha_a is not None and sha_a == sha_b:
            edges.append((a, b, 1.0))
            continue
        if not sig_a or len(sig_a) != len(sig_b):
            continue
        estimate = np.count_nonzero(from_blob(sig_a) == from_blob(sig_b)) / params.num_perm
        if estimate < params.estimate_floor:
            continue
        checked += 1
        score = fingerprint_jaccard(from_blob(fp_a), from_blob(fp_b))
        if score >= params.threshold:
            edges.append((a, b, round(score, 4)))
    seen = {gid: sketched[gid][0] for a, b, _ in edges for gid in (a, b)}
    return {"edges": edges, "seen": seen, "pairs": len(pairs), "checked": checked}


# -- 4. clusters -----------------------------------------------------------------------------

def union_find(edges: Sequence[tuple[int, int, float]], seen: dict[int, str]) -> dict[int, list[int]]:
    """root -> members (root included, first seen first) of every cluster of two or more;
    the root is the first-seen member (by first_seen, then global id)."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b, _ in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: defaultdict[int, list[int]] = defaultdict(list)
    for x in list(parent):
        groups[find(x)].append(x)
    clusters = {}
    for members in groups.values():
        members.sort(key=lambda gid: (seen[gid], gid))
        clusters[members[0]] = members
    return clusters


@dataclass
class ShuffleResult:
    clusters: dict[int, list[int]]  # root global id -> members, first seen first (clusters of 2+)
    edges: list[tuple[int, int, float]]
    seconds: dict[str, float] = field(default_factory=dict)  # stage -> wall seconds
    counts: dict[str, int] = field(default_factory=dict)  # band rows, shuffled bytes, pairs, checks, edges

    def root_of(self) -> dict[int, int]:
        """member global id -> its root, for every article in a cluster of two or more."""
        return {gid: root for root, members in self.clusters.items() for gid in members}


def cross_shard_clusters(client, paths: Sequence[str | Path], params: Params, parts: int | None = None,
                         verify_parts: int | None = None, max_bucket: int = MAX_BUCKET) -> ShuffleResult:
    """The near-duplicate clusters of the articles of all PATHS (shard archives whose indexes
    were built with PARAMS), computed on the Dask CLIENT's workers. Each stage is waited for
    before the next starts, so `seconds` times them apart."""
    paths = [str(Path(p).resolve()) for p in paths]
    parts = parts or max(2, 2 * len(paths))
    verify_parts = verify_parts or parts
    seconds, counts = {}, {}
    with _timed(seconds, "band rows"):
        maps = _run(client, [client.submit(split_band_rows, path, shard, parts, pure=False)
                             for shard, path in enumerate(paths)])
    counts["band rows"], counts["shuffled bytes"] = _counted(client, maps)
    with _timed(seconds, "shuffle"):
        reduced = _run(client, [client.submit(bucket_pairs, _pieces(client, maps, j), verify_parts, max_bucket,
                                              pure=False) for j in range(parts)])
    counts["candidate pairs"] = _counted(client, reduced)[0]
    del maps
    with _timed(seconds, "verify"):
        verified = client.gather([client.submit(verify_pairs, _pieces(client, reduced, j), paths, params, pure=False)
                                  for j in range(verify_parts)])
    del reduced
    with _timed(seconds, "union-find"):
        edges = [edge for part in verified for edge in part["edges"]]
        clusters = union_find(edges, {gid: moment for part in verified for gid, moment in part["seen"].items()})
    counts.update(pairs=sum(p["pairs"] for p in verified), checked=sum(p["checked"] for p in verified),
                  edges=len(edges), clusters=len(clusters))
    return ShuffleResult(clusters, edges, seconds, counts)


@contextmanager
def _timed(seconds: dict[str, float], stage: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    seconds[stage] = time.perf_counter() - started


def _run(client, futures: list) -> list:
    """FUTURES, once all are done (their results stay on the workers)."""
    from dask.distributed import wait

    wait(futures)
    return futures


def _pieces(client, futures: list, j: int) -> list:
    """Piece J of each task's output: the part of the shuffle that goes to task J of the next stage."""
    return [client.submit(getitem, future, j, pure=False) for future in futures]


def _counted(client, futures: list) -> tuple[int, int]:
    """Rows and bytes of these tasks' outputs, counted on the workers that hold them."""
    sizes = client.gather(client.map(_sizes, futures, pure=False))
    return sum(n for n, _ in sizes), sum(b for _, b in sizes)


def _sizes(pieces: list[np.ndarray]) -> tuple[int, int]:
    """Rows and bytes of one task's output pieces (counted where they are)."""
    return sum(len(p) for p in pieces), sum(p.nbytes for p in pieces)
