from __future__ import annotations


import pytest

from archiver.errors import QueryError, StoreError
from archiver.models import FetchedPage, ParsedArticle, RelatedItem, Tag
from archiver.store import Outcome, Store
from archiver.store.bodies import decompress


def page(url="https://example.org/news/1", body=b"<html>one</html>", at="2026-01-01T00:00:00+00:00"):
    return FetchedPage(url=url, final_url=url, status=200, headers={"content-type": "text/html"}, body=body, fetched_at=at)


def article(key="1", text="Syrian army advances near Raqqa.\n\nSecond paragraph.", related=(), tags=(), title="Title"):
    return ParsedArticle(url=f"https://example.org/news/{key}", canonical_url=f"https://example.org/news/{key}", key=key,
                         title=title, text=text, published="2016-06-05T16:35:12+00:00", related=related, tags=tags)


def test_schema_has_contract_tables_and_wal(db_path):
    store = Store(db_path)
    names = set(store.db.table_names())
    assert {"raw_pages", "captures", "articles", "articles_fts", "related_items", "article_related", "tags",
            "article_tags", "crawl_runs"} <= names
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    columns = set(store.db["articles"].columns_dict)
    assert {"id", "site", "url", "canonical_url", "title", "authors", "published", "section", "text", "text_sha256",
            "duplicate_of", "first_seen", "last_seen"} <= columns
    store.close()
    Store(db_path).close()  # migrations are applied once, reopening is harmless


def test_identical_bodies_are_stored_once_compressed(db_path):
    store = Store(db_path)
    a = store.save_capture("s", page("https://example.org/a"), "article")
    b = store.save_capture("s", page("https://example.org/b"), "article")
    assert a.sha256 == b.sha256 and a.new_body and not b.new_body
    assert store.db["raw_pages"].count == 1 and store.db["captures"].count == 2
    raw = store.db.execute("SELECT content, size, compression FROM raw_pages").fetchone()
    assert decompress(raw[0], raw[2]) == b"<html>one</html>" and raw[1] == 16 and raw[2] in ("zlib", "zstd")
    assert store.raw_body(a.sha256) == b"<html>one</html>"


def test_article_with_related_tags_comments_and_reuse(db_path):
    store = Store(db_path)
    items = (RelatedItem(key="7", url="https://example.org/news/7", title="Seven", kind="video"),
             RelatedItem(key="8", url="https://example.org/news/8", title="Eight"))
    saved = store.save_article("s", article(related=items, tags=(Tag("Syria", "region"),)), None, "2026-01-01T00:00:00+00:00", None)
    assert saved.outcome is Outcome.INSERTED
    second = store.save_article("s", article(key="2", text="Other story entirely.", related=items[::-1]), None, "2026-01-01T00:00:00+00:00", None)
    assert store.db["related_items"].count == 2  # one row per (site, key) however many lists
    order = [r["key"] for r in store.article(second.article_id)["related"]]
    assert order == ["8", "7"]
    seven = store.save_article("s", article(key="7", text="The seventh story."), None, "2026-01-02T00:00:00+00:00", None)
    linked = store.db.execute("SELECT article_id FROM related_items WHERE key = '7'").fetchone()[0]
    assert linked == seven.article_id  # a related item that turns out to be archived links to it
    assert store.article(saved.article_id)["tags"] == [{"name": "Syria", "kind": "region"}]


def test_resaving_same_text_is_unchanged_and_new_text_updates(db_path):
    store = Store(db_path)
    first = store.save_article("s", article(), None, "2026-01-01T00:00:00+00:00", None)
    again = store.save_article("s", article(), None, "2026-01-02T00:00:00+00:00", None)
    assert again.outcome is Outcome.UNCHANGED and again.article_id == first.article_id
    changed = store.save_article("s", article(text="A corrected text about Raqqa."), None, "2026-01-03T00:00:00+00:00", None)
    assert changed.outcome is Outcome.UPDATED
    row = store.article(first.article_id)
    assert row["text"] == "A corrected text about Raqqa." and row["first_seen"].startswith("2026-01-01") and row["last_seen"].startswith("2026-01-03")
    older = store.save_article("s", article(text="Stale text"), None, "2025-12-01T00:00:00+00:00", None)
    assert older.outcome is Outcome.UNCHANGED and store.article(first.article_id)["text"] == "A corrected text about Raqqa."


def test_exact_duplicate_text_points_at_first_seen(db_path):
    store = Store(db_path)
    first = store.save_article("a", article(key="1", text="Same story, “quoted”."), None, "2026-01-01T00:00:00+00:00", None)
    copy = store.save_article("b", article(key="9", text="same STORY, \"quoted\""), None, "2026-01-02T00:00:00+00:00", None)
    assert copy.outcome is Outcome.DUPLICATE and copy.duplicate_of == first.article_id


def test_fts_search_and_triggers(db_path):
    store = Store(db_path)
    saved = store.save_article("s", article(), None, "2026-01-01T00:00:00+00:00", None)
    hits = store.search("raqqa")
    assert [h["id"] for h in hits] == [saved.article_id] and "<mark>Raqqa</mark>" in hits[0]["snippet"]
    store.save_article("s", article(text="Now about Palmyra only."), None, "2026-02-01T00:00:00+00:00", None)
    assert store.search("raqqa") == [] and len(store.search("palmyra")) == 1
    with pytest.raises(QueryError):
        store.search('"unclosed')


def test_one_transaction_per_article(db_path, monkeypatch):
    store = Store(db_path)
    bad = article(related=(RelatedItem(key="7", url="u", title="x"),))

    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(store.related, "replace_tags", explode)
    with pytest.raises(RuntimeError):
        store.save_article("s", bad, None, "2026-01-01T00:00:00+00:00", None)
    for table in ("articles", "related_items", "article_related", "article_urls"):
        assert store.db[table].count == 0, table


def test_readonly_open_of_missing_db_is_clear(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        Store(tmp_path / "none.db", readonly=True)


def test_not_a_database(tmp_path):
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot be opened"):
        Store(path)


def test_bookkeeping_updates_keep_the_index_in_sync(db_path):
    store = Store(db_path)
    saved = store.save_article("s", article(), None, "2026-01-01T00:00:00+00:00", None)
    store.widen_seen(saved.article_id, "2026-03-01T00:00:00+00:00")
    assert store.article(saved.article_id)["last_seen"] == "2026-03-01T00:00:00+00:00"
    assert [h["id"] for h in store.search("raqqa")] == [saved.article_id]
    store.save_article("s", article(title="Palmyra news", text="Only Palmyra now."), None, "2026-04-01T00:00:00+00:00", None)
    assert store.search("raqqa") == [] and [h["id"] for h in store.search("palmyra")] == [saved.article_id]
    assert store.db.execute("INSERT INTO articles_fts(articles_fts) VALUES('integrity-check')") is not None


def test_find_article_by_id_url_or_site_key(db_path):
    store = Store(db_path)
    first = store.save_article("alalam", article(key="1825441"), None, "2026-01-01T00:00:00+00:00", None)
    store.save_article("sputnik", article(key="77", text="Another story."), None, "2026-01-01T00:00:00+00:00", None)
    assert store.find_article(str(first.article_id)) == first.article_id
    assert store.find_article("https://example.org/news/1825441") == first.article_id
    assert store.find_article("1825441") == first.article_id
    assert store.find_article("alalam:1825441") == first.article_id
    assert store.find_article("sputnik:1825441") is None and store.find_article("999999") is None


def test_changed_text_replaces_its_band_keys(db_path):
    store = Store(db_path)
    long_text = " ".join(f"word{i} about the front near Raqqa" for i in range(60))
    saved = store.save_article("s", article(text=long_text), None, "2026-01-01T00:00:00+00:00", None)
    before = set(store.db.execute("SELECT band, key FROM dedup_bands WHERE article_id = ?", [saved.article_id]).fetchall())
    bands, _ = store.dedup_params().bands
    assert len(before) == bands
    store.save_article("s", article(text=long_text.replace("Raqqa", "Palmyra")), None, "2026-01-02T00:00:00+00:00", None)
    after = set(store.db.execute("SELECT band, key FROM dedup_bands WHERE article_id = ?", [saved.article_id]).fetchall())
    assert len(after) == bands and not (before & after)
    assert store.db.execute("SELECT count(*) FROM dedup_bands").fetchone()[0] == bands
