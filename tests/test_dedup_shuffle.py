"""The near-duplicate shuffle across shard archives (archiver/dedup/shuffle.py) finds the
clusters one archive's index finds, on a LocalCluster."""

from __future__ import annotations

import sys
from collections import defaultdict

import numpy as np
import pytest

from archiver.config import DedupConfig
from archiver.dedup.shuffle import bucket_pairs, cross_shard_clusters, union_find
from archiver.dedup.sketch import Params
from archiver.store.shard_sketches import articles_in_seen_order

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from scale_simulation import Corpus, planted_groups, write_articles  # noqa: E402

pytest.importorskip("dask.distributed")

SIZE, SHARDS = 300, 3


def groups_by_url(path) -> set[frozenset[str]]:
    from archiver.store import Store

    with Store(path, readonly=True) as store:
        clusters = store.dedup_index.clusters()
        urls = {article_id: store.articles.row(article_id)["url"] for article_id in clusters}
    members = defaultdict(set)
    for article_id, (root, _, _) in clusters.items():
        members[root or article_id].add(urls[article_id])
    return {frozenset(m) for m in members.values() if len(m) > 1}


@pytest.fixture(scope="module")
def archives(tmp_path_factory):
    """The same corpus (copies planted across sites) as three shard archives and as one."""
    folder = tmp_path_factory.mktemp("shuffle")
    corpus = Corpus(SIZE, SHARDS, seed=3)
    shards = [folder / f"shard-{i}.db" for i in range(SHARDS)]
    for i, path in enumerate(shards):
        write_articles(path, corpus, corpus.numbers(i))
    single = folder / "single.db"
    write_articles(single, corpus, corpus.numbers())
    return corpus, shards, single


def test_the_shuffle_on_a_local_cluster_finds_the_clusters_of_one_archive(archives):
    from dask.distributed import Client, LocalCluster

    corpus, shards, single = archives
    # in-process workers talk over inproc:// (no host); the HTTP server on a free loopback port
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                      dashboard_address="127.0.0.1:0") as cluster, Client(cluster) as client:
        result = cross_shard_clusters(client, shards, Params.from_config(DedupConfig()), parts=3, verify_parts=2)
    urls = {}
    for shard, path in enumerate(shards):
        for article_id, _, url, _ in articles_in_seen_order(path):
            urls[(shard << 40) | article_id] = url
    found = {frozenset(urls[gid] for gid in members) for members in result.clusters.values()}
    expected = groups_by_url(single)
    assert len(expected) >= 10  # copies were planted, across shards
    assert any(len({corpus.shard_of(int(u.rsplit("/", 1)[1])) for u in g}) > 1 for g in expected)
    assert found == expected
    # each cluster's root is its first-seen member, as in the one archive
    for root, members in result.clusters.items():
        assert urls[root] == min((corpus.seen(int(urls[g].rsplit("/", 1)[1])), urls[g]) for g in members)[1]
    planted = {frozenset(g) for g in planted_groups(corpus)}
    assert len(found & planted) >= 0.9 * len(planted)
    assert set(result.seconds) == {"band rows", "shuffle", "verify", "union-find"}


def test_a_bucket_pairs_its_members_and_a_huge_one_only_with_neighbours():
    rows = np.array([[0, 7, 1], [0, 7, 2], [0, 7, 3], [1, 9, 4], [0, 8, 5], [-1, 7, 6]], dtype=np.int64)
    (pairs,) = bucket_pairs([rows[:3], rows[3:]], verify_parts=1)
    assert pairs.tolist() == [[1, 2], [1, 3], [2, 3]]
    big = np.array([[0, 1, i] for i in range(10)], dtype=np.int64)
    (pairs,) = bucket_pairs([big], verify_parts=1, max_bucket=2)
    assert len(pairs) == 9 + 8 and all(b - a <= 2 for a, b in pairs.tolist())
    assert [len(p) for p in bucket_pairs([], verify_parts=2)] == [0, 0]


def test_union_find_joins_chains_and_roots_them_at_the_first_seen():
    seen = {1: "2020-01-03", 2: "2020-01-01", 3: "2020-01-02", 7: "2020-01-01", 8: "2020-01-01"}
    clusters = union_find([(1, 2, 0.5), (2, 3, 0.6), (7, 8, 1.0)], seen)
    assert clusters == {2: [2, 3, 1], 7: [7, 8]}
