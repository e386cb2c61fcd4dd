"""The one write path: every outcome of `archive_page`, and the same article whichever way a
page comes in (crawl thread, prepared elsewhere, import, reparse)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from archiver.archive import Outcome, StoredCapture, archive_page
from archiver.parsing import prepare_page
from archiver.store import Store

from .tinysite import TinyNews, article_html, page

BASE = "http://tiny.test"
URL = f"{BASE}/news/7"


@pytest.fixture
def store(db_path):
    with Store(db_path) as store:
        yield store


@pytest.fixture
def adapter():
    return TinyNews(BASE)


def test_a_new_article_then_the_same_bytes_then_an_edit(store, adapter):
    first = archive_page(store, adapter, page(URL, article_html(7)))
    assert first.outcome is Outcome.NEW and first.article_id and first.capture_id

    again = archive_page(store, adapter, replace(page(URL, article_html(7)), fetched_at="2024-03-02T00:00:00+00:00"))
    assert (again.outcome, again.article_id) == (Outcome.UNCHANGED, first.article_id)
    assert again.capture_id != first.capture_id  # a capture is added, the body is stored once
    assert store.article(first.article_id)["last_seen"] == "2024-03-02T00:00:00+00:00"

    corrected = article_html(7).replace(b"</article>", b"<p>Correction: the council met on Tuesday.</p></article>")
    edited = archive_page(store, adapter, replace(page(URL, corrected), fetched_at="2024-03-03T00:00:00+00:00"))
    assert (edited.outcome, edited.article_id) == (Outcome.UPDATED, first.article_id)
    assert store.article(first.article_id)["text"].endswith("Correction: the council met on Tuesday.")


def test_a_page_that_gives_no_article_keeps_its_bytes_and_says_why(store, adapter):
    broken = page(URL, b"<html><body><p>nothing here</p></body></html>")
    archived = archive_page(store, adapter, broken)
    assert archived.outcome is Outcome.FAILED and archived.reason == "parse: no title or no paragraphs"
    row = store.latest_capture(URL)
    assert row["id"] == archived.capture_id and store.raw_body(row["sha256"]) == broken.body


def test_an_adapter_crash_is_a_failure_with_the_bytes_kept(store, adapter, monkeypatch):
    monkeypatch.setattr(TinyNews, "parse", lambda self, page: 1 / 0)
    archived = archive_page(store, adapter, page(URL, article_html(7)))
    assert archived.outcome is Outcome.FAILED and archived.reason.startswith("parser crashed: ZeroDivisionError")
    assert store.raw_body(store.latest_capture(URL)["sha256"]) == article_html(7)


def test_error_statuses_304s_and_bodies_not_parsed(store, adapter):
    stored = archive_page(store, adapter, page(URL, article_html(7)))
    not_modified = replace(page(URL, b""), status=304, fetched_at="2024-03-05T00:00:00+00:00")
    assert archive_page(store, adapter, not_modified).outcome is Outcome.UNCHANGED
    assert store.article(stored.article_id)["last_seen"] == "2024-03-05T00:00:00+00:00"

    gone = archive_page(store, adapter, replace(page(f"{BASE}/news/8", b"gone"), status=410))
    assert (gone.outcome, gone.reason, gone.http_error) == (Outcome.FAILED, "HTTP 410", True)

    pdf = archive_page(store, adapter, page(f"{BASE}/news/9", b"%PDF-1.4", "application/pdf"))
    assert (pdf.outcome, pdf.reason) == (Outcome.SKIPPED, "not HTML: application/pdf")


def test_a_listing_is_stored_with_its_links(store, adapter):
    listing = page(f"{BASE}/list/1", b'<ul><li><a href="/news/1">1</a></li><li><a href="/news/2">2</a></li></ul>'
                                     b'<a href="/list/2">older</a>')
    archived = archive_page(store, adapter, listing, discover=True)
    assert archived.outcome is Outcome.STORED and archived.article_id is None
    assert archived.links.articles == (f"{BASE}/news/1", f"{BASE}/news/2")
    assert archived.links.listings == (f"{BASE}/list/2",)


def test_prepared_elsewhere_or_here_or_reparsed_the_article_is_the_same(tmp_path, adapter):
    fetched = page(URL, article_html(7))
    articles = []
    for way in ("here", "prepared", "reparsed"):
        with Store(tmp_path / f"{way}.db") as store:
            prepared = prepare_page(adapter, fetched, store.dedup_params()) if way == "prepared" else None
            archived = archive_page(store, adapter, fetched, prepared=prepared)
            if way == "reparsed":
                row = store.latest_capture(URL)
                archived = archive_page(store, adapter, store.page_from_capture(row),
                                        stored=StoredCapture(row["id"], row["sha256"]))
                assert archived.outcome is Outcome.UNCHANGED  # same parser, same text
            article = store.article(archived.article_id)
            articles.append({k: article[k] for k in ("title", "text", "published", "related", "tags", "canonical_url")})
    assert articles[0] == articles[1] == articles[2]
    assert articles[0]["title"] == "Story 7" and [r["url"] for r in articles[0]["related"]] == [
        f"{BASE}/news/6", f"{BASE}/news/5"]


def test_a_page_is_stored_whole_or_not_at_all(store, adapter, monkeypatch):
    # A kill or a crash between the capture and its article must not leave bytes that a rerun
    # would take for "already archived": both are one transaction.
    def crash(*args, **kwargs):
        raise RuntimeError("killed")

    monkeypatch.setattr(store, "save_article", crash)
    with pytest.raises(RuntimeError):
        archive_page(store, adapter, page(URL, article_html(7)))
    assert store.latest_capture(URL) is None and not store.has_capture(URL, "2024-03-01T00:00:00+00:00")
    monkeypatch.undo()
    assert archive_page(store, adapter, page(URL, article_html(7))).outcome is Outcome.NEW
