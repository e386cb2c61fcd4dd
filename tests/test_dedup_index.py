"""The near-duplicate decisions without SQL: a Clusterer over the in-memory index, and the
store's SQL index giving the very same clusters."""

from __future__ import annotations

import inspect
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from archiver.config import DedupConfig
from archiver.dedup import text_hash
from archiver.dedup.clusters import Clusterer
from archiver.dedup.index import DedupIndex, MemoryIndex
from archiver.dedup.sketch import Params, prepare
from archiver.store import Store
from archiver.store.dedup_index import SqlDedupIndex
from tests.test_dedup import OTHER_DAY, RAQQA, art, syndicated

SAMPLES = Path(__file__).parent / "fixtures" / "dedup"
PARAMS = Params.from_config(DedupConfig())


class Archive:
    """Articles placed through a Clusterer over a MemoryIndex, as the store would save them."""

    def __init__(self):
        self.index = MemoryIndex(PARAMS)
        self.clusters = Clusterer(self.index)
        self.next_id = 1

    def add(self, text: str, first_seen: str, article_id: int | None = None):
        replacing = article_id is not None
        if article_id is None:
            article_id, self.next_id = self.next_id, self.next_id + 1
        self.index.add_article(article_id, first_seen, text_hash(text))
        return article_id, self.clusters.place(article_id, prepare(text, PARAMS), replacing=replacing)

    def roots(self) -> dict[int, int | None]:
        return {article_id: root for article_id, (root, _, _) in self.index.clusters().items()}


def test_both_indexes_answer_every_question_of_the_interface(db_path):
    wanted = {name for name, _ in inspect.getmembers(DedupIndex) if not name.startswith("_")}
    with Store(db_path) as store:
        for index in (MemoryIndex(PARAMS), store.dedup_index):
            assert wanted <= set(dir(index)), index
        assert isinstance(store.dedup_index, SqlDedupIndex) and store.dedup_index.params == PARAMS


def test_a_copy_joins_its_original_and_another_report_stays_apart():
    archive = Archive()
    original, placed = archive.add(RAQQA, "2016-06-05")
    assert placed.root is None and placed.match is None
    copy, placed = archive.add(syndicated(RAQQA), "2016-06-06")
    assert placed.root == original and placed.match.kind == "near" and 0.35 <= placed.match.similarity < 1
    assert placed.checks >= 1
    other, placed = archive.add(OTHER_DAY, "2016-06-06")
    assert placed.root is None
    exact, placed = archive.add(RAQQA.upper(), "2016-06-07")
    assert placed.root == original and placed.match.kind == "exact" and placed.checks == 0
    assert archive.roots() == {original: None, copy: original, other: None, exact: original}
    assert archive.clusters.stats.placed == 4


def test_an_earlier_newcomer_takes_the_cluster_over():
    archive = Archive()
    late, _ = archive.add(syndicated(RAQQA), "2016-06-06")
    third, _ = archive.add(syndicated(RAQQA) + "\n\nOne more line.", "2016-06-07")
    early, placed = archive.add(RAQQA, "2016-06-05")
    assert placed.root is None
    assert archive.roots() == {late: early, third: early, early: None}


def test_a_changed_text_leaves_and_its_members_keep_together():
    archive = Archive()
    root, _ = archive.add(RAQQA, "2016-06-05")
    copy1, _ = archive.add(syndicated(RAQQA), "2016-06-06")
    copy2, _ = archive.add(RAQQA + "\n\nFNA", "2016-06-07")
    _, placed = archive.add(OTHER_DAY, "2016-06-08", article_id=root)
    assert placed.root is None
    assert archive.roots() == {root: None, copy1: None, copy2: copy1}
    # the old text's band keys are gone: a new copy of the old story finds the heir
    _, placed = archive.add(syndicated(RAQQA) + "\n\nAgain.", "2016-06-09")
    assert placed.root == copy1


def test_an_empty_text_is_indexed_but_never_matches():
    archive = Archive()
    a, placed_a = archive.add("", "2016-06-05")
    b, placed_b = archive.add("  ", "2016-06-05")
    assert placed_a.root is None and placed_b.root is None
    assert archive.index.contains(a) and archive.index.contains(b) and archive.index.bucket_mean() == 0.0


def sequence() -> list[tuple[str, str, str, str]]:
    """(site, key, text, moment): copies, other reports, a text change and an old capture."""
    samples = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    steps = [("alalam", "1", RAQQA, "2016-06-10"), ("sputnik", "5", syndicated(RAQQA), "2016-06-11"),
             ("alalam", "2", OTHER_DAY, "2016-06-11"), ("fars", "7", RAQQA + "\n\nFNA", "2016-06-12")]
    steps += [(f"s{i % 3}", f"x{i}", text, f"2016-06-{13 + i:02d}") for i, text in enumerate(samples)]
    steps += [(f"copies{i % 2}", f"c{i}", syndicated(text), f"2016-06-{20 + i:02d}") for i, text in enumerate(samples)]
    steps += [("alalam", "1", OTHER_DAY + "\n\nUpdated.", "2016-06-26"),  # a changed text
              ("wayback", "old", syndicated(samples[0]), "2016-06-01"),  # an older capture, archived last
              ("fars", "8", RAQQA, "2016-06-27")]
    return steps


def test_the_store_and_the_memory_index_cluster_alike(db_path):
    archive = Archive()
    ids: dict[tuple[str, str], int] = {}
    with Store(db_path) as store:
        for site, key, text, moment in sequence():
            saved = store.save_article(site, art(site, key, text), None, moment, None)
            known = ids.get((site, key))
            article_id, placed = archive.add(text, moment, article_id=known)
            ids[(site, key)] = article_id
            assert saved.article_id == article_id and saved.duplicate_of == placed.root, (site, key)
        assert store.dedup_index.clusters() == archive.index.clusters()
        assert store.dedup_index.bucket_mean() == pytest.approx(archive.index.bucket_mean())
        assert any(root is not None for root, _, _ in archive.index.clusters().values())


def test_the_store_counts_its_clustering_work(db_path):
    with Store(db_path) as store:
        store.save_article("alalam", art("alalam", "1", RAQQA), None, "2016-06-05", None)
        store.save_article("sputnik", art("sputnik", "5", syndicated(RAQQA)), None, "2016-06-06", None)
        store.save_article("sputnik", art("sputnik", "5", syndicated(RAQQA)), None, "2016-06-07", None)  # unchanged
        assert store.clusters.stats.placed == 2 and store.clusters.stats.checks >= 1


@settings(max_examples=12, deadline=None)
@given(st.permutations(range(len(sequence()))), st.lists(st.integers(min_value=1, max_value=28), min_size=30, max_size=30))
def test_in_any_order_and_on_any_dates_both_indexes_agree(order, days):
    steps = sequence()
    archive = Archive()
    ids: dict[tuple[str, str], int] = {}
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "archive.db") as store:
        for n, i in enumerate(order):
            site, key, text, _ = steps[i]
            moment = f"2016-06-{days[n]:02d}T00:00:00+00:00"
            saved = store.save_article(site, art(site, key, text), None, moment, None)
            if saved.article_id not in ids.values() or store.article(saved.article_id)["last_seen"] == moment:
                # The store ignores a capture older than the article's newest (it keeps the newer text).
                ids[(site, key)], placed = archive.add(text, moment, article_id=ids.get((site, key)))
                assert saved.duplicate_of == placed.root
        assert store.dedup_index.clusters() == archive.index.clusters()
