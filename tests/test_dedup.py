"""Clustering: syndicated copies merge, different same-topic reports stay apart, in either order."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from archiver.config import DedupConfig
from archiver.dedup import normalize_text, text_hash
from archiver.models import ParsedArticle
from archiver.dedup.sketch import Params, fingerprint_jaccard, fingerprints, jaccard, shingles, sketch
from archiver.store import Outcome, Store

SAMPLES = Path(__file__).parent / "fixtures" / "dedup"
RAQQA = (SAMPLES / "alalam-2016-06-05-raqqa-advance.txt").read_text(encoding="utf-8").strip()
DAY1, DAY2, DAY3 = "2016-06-05T21:05:12+00:00", "2016-06-06T08:00:00+00:00", "2016-06-07T08:00:00+00:00"


def art(site: str, key: str, text: str, title: str = "Syrian Army advances in Raqqa") -> ParsedArticle:
    url = f"https://{site}.example/news/{key}"
    return ParsedArticle(url=url, canonical_url=url, key=key, title=title, text=text, published=DAY1)


def syndicated(text: str) -> str:
    """Sputnik-style retelling: first sentence rewritten, a paragraph dropped, another site's furniture."""
    paras = text.split("\n\n")
    paras[0] = ("Syrian government troops and allied militia have pushed deep into Daesh-held territory in "
                "western Raqqa province, Iran's Fars news agency reported.")
    del paras[3]
    return "\n\n".join([
        "MOSCOW (Sputnik) —",
        *paras,
        "Daesh (also known as ISIS/ISIL) is a terrorist group banned in Russia and many other countries.",
        "Follow Sputnik on Telegram for the latest updates from the Middle East.",
    ])


# Another day's report from the same front: same places, same actors, same stock phrases.
OTHER_DAY = """The Syrian Army troops and National Defense Forces repelled a heavy attack by ISIS (Daesh / ISIL) terrorists on their positions near Ithriya and inflicted heavy losses on the attackers.

The ISIS militants, backed by suicide car bombs, attacked the army's checkpoints along the road to Tabaqa, but the Syrian soldiers, backed up by the Russian fighter jets, pushed them back after hours of clashes.

Military sources said that at least 35 ISIS members were killed and several vehicles of the terrorists were destroyed in the battle near the crossroad of Abu Alaj.

The army units also shelled ISIS gatherings in Western Raqqa, killing a number of the militants and destroying their equipment.

"Backed up by the Russian air force, the Syrian army and its allies keep the ISIS under pressure in the Southeastern border of Raqqa province," the sources said.

"In the meantime, their have been tough battles the Syrian Democratic Forces (SDF) and ISIS in Northern Raqqa, where the Kurdish-led SDF has recaptured dozens of villages and farms over the past few days," they added."""


@pytest.fixture
def store(db_path):
    with Store(db_path) as s:
        yield s


def test_the_constructed_pairs_are_what_they_claim():
    # The copy keeps most of the story; the other day's report shares vocabulary, even two sentences.
    k = DedupConfig().shingle_size
    assert jaccard(shingles(RAQQA, k), shingles(syndicated(RAQQA), k)) >= DedupConfig().threshold
    assert jaccard(shingles(RAQQA, k), shingles(OTHER_DAY, k)) < DedupConfig().threshold
    shared_words = set(normalize_text(RAQQA).split()) & set(normalize_text(OTHER_DAY).split())
    assert len(shared_words) / len(set(normalize_text(OTHER_DAY).split())) > 0.5


@pytest.mark.parametrize("copy_first", [False, True])
def test_syndicated_copy_joins_the_first_seen_member(store, copy_first):
    original, copy = art("alalam", "1825428", RAQQA), art("sputnik", "1040874411", syndicated(RAQQA))
    first, second = (copy, original) if copy_first else (original, copy)
    a = store.save_article(first.url.split("/")[2].split(".")[0], first, None, DAY1, None)
    b = store.save_article(second.url.split("/")[2].split(".")[0], second, None, DAY2, None)
    assert a.outcome is Outcome.INSERTED
    assert b.outcome is Outcome.DUPLICATE and b.duplicate_of == a.article_id
    row = store.article(b.article_id)
    assert row["duplicate_kind"] == "near" and 0.35 <= row["similarity"] < 1.0
    # the cluster keeps who published first
    assert [(c["id"], c["site"], c["first_seen"]) for c in row["copies"]] == [(a.article_id, first.url.split("/")[2].split(".")[0], DAY1)]


@pytest.mark.parametrize("reverse", [False, True])
def test_different_same_topic_reports_stay_apart(store, reverse):
    pair = [art("alalam", "1", RAQQA), art("alalam", "2", OTHER_DAY)]
    if reverse:
        pair.reverse()
    for i, a in enumerate(pair):
        saved = store.save_article("alalam", a, None, [DAY1, DAY2][i], None)
        assert saved.outcome is Outcome.INSERTED and saved.duplicate_of is None


def test_five_samples_are_five_clusters(store):
    texts = sorted(SAMPLES.glob("*.txt"))
    assert len(texts) == 5
    for i, path in enumerate(texts):
        site = path.name.split("-")[0]
        store.save_article(site, art(site, str(i), path.read_text(encoding="utf-8")), None, DAY1, None)
    assert store.db.execute("SELECT count(DISTINCT coalesce(duplicate_of, id)) FROM articles").fetchone()[0] == 5
    # and each sample's syndicated copy finds its own original
    for i, path in enumerate(texts):
        site = "copies"
        saved = store.save_article(site, art(site, f"c{i}", syndicated(path.read_text(encoding="utf-8"))), None, DAY2, None)
        original = store.db.execute("SELECT id FROM articles WHERE key = ?", [str(i)]).fetchone()[0]
        assert saved.duplicate_of == original, path.name


def test_exact_copy_elsewhere_is_exact(store):
    a = store.save_article("alalam", art("alalam", "1", RAQQA), None, DAY1, None)
    b = store.save_article("fars", art("fars", "9", RAQQA.upper().replace("\n\n", "\n")), None, DAY2, None)
    assert b.duplicate_of == a.article_id and store.article(b.article_id)["duplicate_kind"] == "exact"
    assert text_hash(RAQQA) == store.article(b.article_id)["text_sha256"]


def test_older_capture_takes_the_cluster_over(store):
    """duplicate_of names the first-seen member even when that member is archived last (a Wayback import)."""
    late = store.save_article("sputnik", art("sputnik", "5", syndicated(RAQQA)), None, DAY2, None)
    third = store.save_article("other", art("other", "6", syndicated(RAQQA) + "\n\nOne more line."), None, DAY3, None)
    assert third.duplicate_of == late.article_id
    early = store.save_article("alalam", art("alalam", "1", RAQQA), None, DAY1, None)
    assert early.duplicate_of is None and early.outcome is Outcome.INSERTED
    roots = {r[0]: r[1] for r in store.db.execute("SELECT id, duplicate_of FROM articles")}
    assert roots == {late.article_id: early.article_id, third.article_id: early.article_id, early.article_id: None}


def test_changed_text_leaves_the_cluster_and_members_keep_together(store):
    root = store.save_article("alalam", art("alalam", "1", RAQQA), None, DAY1, None)
    copy1 = store.save_article("sputnik", art("sputnik", "5", syndicated(RAQQA)), None, DAY2, None)
    copy2 = store.save_article("fars", art("fars", "7", RAQQA + "\n\nFNA"), None, DAY3, None)
    assert copy1.duplicate_of == copy2.duplicate_of == root.article_id
    updated = store.save_article("alalam", art("alalam", "1", OTHER_DAY), None, "2016-06-08T00:00:00+00:00", None)
    assert updated.outcome is Outcome.UPDATED and updated.duplicate_of is None
    rows = dict(store.db.execute("SELECT id, duplicate_of FROM articles").fetchall())
    assert rows == {root.article_id: None, copy1.article_id: None, copy2.article_id: copy1.article_id}
    # its band keys are the new text's: the old story's copies no longer find it
    params = store.stored_dedup_params()
    keys = set(sketch(OTHER_DAY, params).keys)
    stored = set(store.db.execute("SELECT band, key FROM dedup_bands WHERE article_id = ?", [root.article_id]).fetchall())
    assert stored == keys


def test_signature_bands_and_cluster_are_one_transaction(store, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(store.related, "replace_tags", explode)
    with pytest.raises(RuntimeError):
        store.save_article("alalam", art("alalam", "1", RAQQA), None, DAY1, None)
    for table in ("articles", "dedup_signatures", "dedup_bands"):
        assert store.db[table].count == 0, table


def test_rebuild_applies_a_new_threshold_without_refetching(db_path):
    with Store(db_path) as store:
        a = store.save_article("alalam", art("alalam", "1", RAQQA), None, DAY1, None)
        b = store.save_article("sputnik", art("sputnik", "5", syndicated(RAQQA)), None, DAY2, None)
        assert b.duplicate_of == a.article_id
    strict = DedupConfig(threshold=0.9)
    with Store(db_path, dedup=strict) as store:
        # until the rebuild the index keeps the parameters it was built with
        assert store.dedup_status()["stale"] is True
        status = store.rebuild_dedup()
        assert status["stale"] is False and status["index"]["threshold"] == 0.9
        assert status["near_duplicates"] == 0 and status["stories"] == 2
        assert store.db.execute("SELECT count(*) FROM dedup_bands").fetchone()[0] == 2 * status["index"]["bands"]
    with Store(db_path) as store:
        status = store.rebuild_dedup()
        assert status["near_duplicates"] == 1 and store.article(b.article_id)["duplicate_of"] == a.article_id


def test_rebuild_is_what_incremental_saving_gives(db_path):
    texts = [RAQQA, syndicated(RAQQA), OTHER_DAY, RAQQA, *(p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt")))]
    with Store(db_path) as store:
        for i, text in enumerate(texts):
            store.save_article(f"s{i % 3}", art(f"s{i % 3}", str(i), text), None, f"2016-06-{10 + i:02d}T00:00:00+00:00", None)
        before = store.db.execute("SELECT id, duplicate_of, duplicate_kind FROM articles ORDER BY id").fetchall()
        store.rebuild_dedup()
        assert store.db.execute("SELECT id, duplicate_of, duplicate_kind FROM articles ORDER BY id").fetchall() == before


def test_search_groups_clusters_and_stats_count_kinds(store):
    a = store.save_article("alalam", art("alalam", "1", RAQQA), None, DAY1, None)
    store.save_article("sputnik", art("sputnik", "5", syndicated(RAQQA)), None, DAY2, None)
    store.save_article("fars", art("fars", "7", RAQQA), None, DAY3, None)
    store.save_article("alalam", art("alalam", "2", OTHER_DAY), None, DAY2, None)
    hits = store.search("Raqqa")
    assert len(hits) == 2 and {h["copies"] for h in hits} == {3, 1}
    assert next(h for h in hits if h["copies"] == 3)["id"] == a.article_id
    assert len(store.search("Raqqa", all_duplicates=True)) == 4
    sites = {row["site"]: row for row in store.stats()["sites"]}
    assert (sites["sputnik"]["near_duplicates"], sites["fars"]["exact_duplicates"]) == (1, 1)
    assert sites["fars"]["copies_of_other_sites"] == 1 and sites["alalam"]["duplicate_rate"] == 0.0
    view = store.db.execute("SELECT copies, sites, first_seen FROM clusters WHERE cluster_id = ?", [a.article_id]).fetchone()
    assert view == (3, 3, DAY1)


def test_empty_text_is_indexed_but_never_matches(store):
    a = store.save_article("s", art("s", "1", ""), None, DAY1, None)
    b = store.save_article("s", art("s", "2", "  "), None, DAY1, None)
    assert a.duplicate_of is None and b.duplicate_of is None
    assert store.db["dedup_signatures"].count == 2 and store.db["dedup_bands"].count == 0


def test_params_come_from_the_config_until_the_index_exists(db_path):
    with Store(db_path, dedup=DedupConfig(threshold=0.6, shingle_size=3)) as store:
        store.save_article("s", art("s", "1", RAQQA), None, DAY1, None)
        assert store.stored_dedup_params() == Params(0.6, 3, 128)
    with Store(db_path, dedup=replace(DedupConfig(), num_perm=64)) as store:
        store.save_article("s", art("s", "2", OTHER_DAY), None, DAY1, None)
        assert store.stored_dedup_params() == Params(0.6, 3, 128)  # the index's, not the new config's


def test_fingerprint_jaccard_is_the_shingle_jaccard():
    k = DedupConfig().shingle_size
    texts = [RAQQA, syndicated(RAQQA), OTHER_DAY, *(p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt")))]
    for a in texts:
        for b in texts:
            assert fingerprint_jaccard(fingerprints(a, k), fingerprints(b, k)) == pytest.approx(
                jaccard(shingles(a, k), shingles(b, k)), abs=1e-3)
    assert fingerprint_jaccard(fingerprints("", k), fingerprints(RAQQA, k)) == 0.0


def test_signatures_are_those_datasketch_gives_for_the_encoded_shingles():
    # Persisted signatures must compare with those of every earlier version of archiver.
    from datasketch import MinHash

    params = Params.from_config(DedupConfig())
    for text in (RAQQA, OTHER_DAY, "one two three"):
        reference = MinHash(num_perm=params.num_perm, seed=1, scheme="affine32")
        reference.update_batch([g.encode("utf-8") for g in shingles(text, params.shingle_size)])
        assert list(sketch(text, params).signature) == list(reference.hashvalues)


def test_index_rows_without_fingerprints_still_match_and_are_filled(store):
    # An archive indexed before fingerprints were stored (migration m007) keeps finding copies.
    a = store.save_article("alalam", art("alalam", "1", RAQQA), None, DAY1, None)
    store.db.execute("UPDATE dedup_signatures SET fingerprints = NULL")
    b = store.save_article("sputnik", art("sputnik", "5", syndicated(RAQQA)), None, DAY2, None)
    assert b.duplicate_of == a.article_id
    blob = store.db.execute("SELECT fingerprints FROM dedup_signatures WHERE article_id = ?", [a.article_id]).fetchone()[0]
    assert list(np.frombuffer(blob, dtype="<u4")) == list(fingerprints(RAQQA, DedupConfig().shingle_size))
