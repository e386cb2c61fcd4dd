"""Fault injection against a real HTTP server on 127.0.0.1: each fault ends with the right
stored result, and every other page of the site is stored as well (nothing lost)."""

from __future__ import annotations

import gzip
import sqlite3
import tracemalloc

import pytest

from archiver.config import parse_config
from archiver.errors import FetchError
from archiver.fetch import Fetcher
from archiver.pipeline import crawl
from archiver.sites import adapter_names
from archiver.store import Store
from archiver.store.bodies import decompress

from .localserver import LocalServer, Reply
from .tinysite import TinySite, article_html, register

ARTICLES = 4
HTML = {"Content-Type": "text/html; charset=utf-8"}


def run_crawl(db, server, monkeypatch, **fetch):
    register(monkeypatch)
    settings = {"per_host_delay": 0.0, "timeout": 2, "max_retries": 2, "concurrency": 4, **fetch}
    config = parse_config({"fetch": settings, "sites": {"tinynews": {"base_url": server.origin, "max_pages": 100}}},
                          known_sites=adapter_names())
    with Store(db) as store, Fetcher(config.fetch) as fetcher:
        fetcher.backoff_base = 0.01
        (report,) = crawl(store, config, ["tinynews"], fetcher)
    return report


def query(db, sql, *params):
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def stored_keys(db):
    return sorted(int(r["key"]) for r in query(db, "SELECT key FROM articles"))


def frontier(db, path, server):
    (row,) = query(db, "SELECT * FROM frontier WHERE url = ?", server.url(path))
    return row


def test_429_with_retry_after_waits_then_stores(db_path, monkeypatch):
    site = TinySite(ARTICLES, {"/news/2": [Reply(429, b"slow down", {"Retry-After": "1"}), Reply(body=article_html(2), headers=HTML)]})
    with LocalServer(site.route) as server:
        report = run_crawl(db_path, server, monkeypatch)
    times = [t for path, _, t in server.log if path == "/news/2"]
    assert len(times) == 2 and times[1] - times[0] >= 0.8  # 1 s, less the local server's timestamp jitter under load
    assert stored_keys(db_path) == [1, 2, 3, 4] and report.counts["failed"] == 0 and report.status == "ok"


def test_503_then_success_and_503_forever_is_left_for_a_later_run(db_path, monkeypatch):
    site = TinySite(ARTICLES, {"/news/2": [Reply(503), Reply(503), Reply(body=article_html(2), headers=HTML)],
                               "/news/3": Reply(503, b"down")})
    with LocalServer(site.route) as server:
        report = run_crawl(db_path, server, monkeypatch)
        assert server.hits["/news/2"] == 3 and server.hits["/news/3"] == 3  # 1 + max_retries
        assert stored_keys(db_path) == [1, 2, 4]
        assert report.status == "partial" and report.counts["failed"] == 1 and report.errors["HTTP 503"] == 1
        row = frontier(db_path, "/news/3", server)
        assert row["state"] == "retry" and "HTTP 503" in row["last_error"] and row["attempts"] == 1
        (failure,) = query(db_path, "SELECT * FROM captures WHERE url = ? AND kind = 'failed'", server.url("/news/3"))
        assert failure["status"] == 503 and "gave up after 3 attempts" in failure["error"]

        run_crawl(db_path, server, monkeypatch)  # too early: the URL waits for its next_attempt
        assert server.hits["/news/3"] == 3

        site.overrides.pop("/news/3")
        conn = sqlite3.connect(db_path)
        conn.execute("UPDATE frontier SET next_attempt = '2000-01-01T00:00:00+00:00' WHERE url = ?", [server.url("/news/3")])
        conn.commit()
        conn.close()
        run_crawl(db_path, server, monkeypatch)
    assert stored_keys(db_path) == [1, 2, 3, 4]
    assert frontier(db_path, "/news/3", server)["state"] == "done"


def test_connection_closed_mid_body_is_retried_and_only_the_whole_body_stored(db_path, monkeypatch):
    body = article_html(2)
    site = TinySite(ARTICLES, {"/news/2": [Reply(body=body, headers=HTML, cut_after=60), Reply(body=body, headers=HTML)]})
    with LocalServer(site.route) as server:
        run_crawl(db_path, server, monkeypatch)
    assert server.hits["/news/2"] == 2 and stored_keys(db_path) == [1, 2, 3, 4]
    (capture,) = query(db_path, "SELECT c.sha256, r.content, r.compression FROM captures c JOIN raw_pages r USING (sha256) WHERE c.url LIKE '%/news/2'")
    assert decompress(capture["content"], capture["compression"]) == body


def test_response_slower_than_the_timeout_fails_with_reason(db_path, monkeypatch):
    site = TinySite(ARTICLES, {"/news/2": Reply(body=article_html(2), headers=HTML, delay=1.5)})
    with LocalServer(site.route) as server:
        report = run_crawl(db_path, server, monkeypatch, timeout=0.3, max_retries=1)
        row = frontier(db_path, "/news/2", server)
    assert server.hits["/news/2"] == 2 and stored_keys(db_path) == [1, 3, 4]
    assert row["state"] == "retry" and row["last_error"].startswith("timeout")
    assert report.errors["timeout"] == 1


def test_robots_disallow_means_zero_requests_to_those_paths(db_path, monkeypatch):
    robots = Reply(body=b"User-agent: *\nDisallow: /news/2\nDisallow: /news/3\n", headers={"Content-Type": "text/plain"})
    site = TinySite(ARTICLES, {"/robots.txt": robots})
    with LocalServer(site.route) as server:
        report = run_crawl(db_path, server, monkeypatch)
        row = frontier(db_path, "/news/3", server)
    assert server.hits["/news/2"] == 0 and server.hits["/news/3"] == 0 and server.hits["/robots.txt"] == 1
    assert stored_keys(db_path) == [1, 4]
    assert row["state"] == "retry" and row["last_error"] == "disallowed by robots.txt"
    assert report.errors["disallowed by robots.txt"] == 2 and report.status == "ok"


def test_robots_unreachable_means_nothing_fetched_for_now(db_path, monkeypatch):
    site = TinySite(ARTICLES, {"/robots.txt": Reply(503, b"down")})
    with LocalServer(site.route) as server:
        report = run_crawl(db_path, server, monkeypatch)
        row = frontier(db_path, "/", server)
    assert set(server.hits) == {"/robots.txt"}
    assert row["state"] == "retry" and row["last_error"].startswith("robots.txt unreachable")
    assert report.status == "failed" and stored_keys(db_path) == []


def test_robots_hiccup_is_retried_before_closing_the_site(db_path, monkeypatch):
    site = TinySite(ARTICLES, {"/robots.txt": [Reply(503, b"busy"), Reply(404, b"none")]})
    with LocalServer(site.route) as server:
        report = run_crawl(db_path, server, monkeypatch)
    assert server.hits["/robots.txt"] == 2
    assert stored_keys(db_path) == [1, 2, 3, 4] and report.status == "ok"


def test_wrong_charset_declarations_decode_right_and_raw_bytes_stay_untouched(db_path, monkeypatch):
    utf8_labelled_latin1 = article_html(2, title="Café Zürich — Ünïcode ☕")
    cp1252 = article_html(3, title="Crème brûlée").replace(b'<meta charset="utf-8">', b"")
    cp1252 = cp1252.decode("utf-8").encode("cp1252")
    site = TinySite(ARTICLES, {
        "/news/2": Reply(body=utf8_labelled_latin1, headers={"Content-Type": "text/html; charset=iso-8859-1"}),
        "/news/3": Reply(body=cp1252, headers={"Content-Type": "text/html; charset=utf-8"}),
    })
    with LocalServer(site.route) as server:
        run_crawl(db_path, server, monkeypatch)
    titles = {r["key"]: r["title"] for r in query(db_path, "SELECT key, title FROM articles")}
    assert titles["2"] == "Café Zürich — Ünïcode ☕" and titles["3"] == "Crème brûlée"
    raw = {r["url"].rsplit("/", 1)[1]: r for r in query(
        db_path, "SELECT c.url, r.content, r.compression, r.encoding FROM captures c JOIN raw_pages r USING (sha256) WHERE c.kind = 'article'")}
    assert decompress(raw["2"]["content"], raw["2"]["compression"]) == utf8_labelled_latin1 and raw["2"]["encoding"] == "utf-8"
    assert decompress(raw["3"]["content"], raw["3"]["compression"]) == cp1252 and raw["3"]["encoding"] == "cp1252"


def test_broken_html_is_stored_and_parsed(db_path, monkeypatch):
    broken = (b"<html><head><title>x</title><body><h1>Broken <b>story</h1><div><article><p>First part "
              b"<i>unclosed<p>Second part</div></span></article><ul class=related><li><a href=/news/1>one")
    site = TinySite(ARTICLES, {"/news/2": Reply(body=broken, headers=HTML)})
    with LocalServer(site.route) as server:
        run_crawl(db_path, server, monkeypatch)
    (article,) = query(db_path, "SELECT * FROM articles WHERE key = '2'")
    assert article["title"] == "Broken story"
    assert article["text"] == "First part unclosed\n\nSecond part"
    assert stored_keys(db_path) == [1, 2, 3, 4]


def test_redirect_is_followed_and_both_urls_recorded(db_path, monkeypatch):
    site = TinySite(ARTICLES, {"/news/3": Reply(301, b"", {"Location": "/moved/3"}),
                               "/moved/3": Reply(body=article_html(3), headers=HTML)})
    with LocalServer(site.route) as server:
        run_crawl(db_path, server, monkeypatch)
        (capture,) = query(db_path, "SELECT * FROM captures WHERE url = ?", server.url("/news/3"))
        assert capture["final_url"] == server.url("/moved/3") and capture["status"] == 200
        with Store(db_path, readonly=True) as store:
            assert store.find_article(server.url("/moved/3")) == store.find_article(server.url("/news/3")) == capture["article_id"]
    assert stored_keys(db_path) == [1, 2, 3, 4]


def test_gzip_bomb_is_refused_and_recorded(db_path, monkeypatch):
    bomb = gzip.compress(b"<html>" + b" " * 50_000_000, compresslevel=9)
    site = TinySite(ARTICLES, {"/news/2": Reply(body=bomb, headers={**HTML, "Content-Encoding": "gzip"})})
    with LocalServer(site.route) as server:
        report = run_crawl(db_path, server, monkeypatch, max_body_bytes=1_000_000)
        row = frontier(db_path, "/news/2", server)
        assert row["state"] == "failed" and "body too large" in row["last_error"]
        assert server.hits["/news/2"] == 1  # not retried: it would be as large next time
        config = parse_config({"fetch": {"max_body_bytes": 1_000_000}})
        with Fetcher(config.fetch) as fetcher:
            tracemalloc.start()
            with pytest.raises(FetchError, match="body too large"):
                fetcher.fetch(server.url("/news/2"))
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
    assert peak < 4_000_000  # the cap plus one decoding step, never the 50 MB
    assert stored_keys(db_path) == [1, 3, 4] and report.errors["body too large"] == 1


def test_binary_content_type_is_recorded_not_downloaded_or_parsed(db_path, monkeypatch):
    pdf = b"%PDF-1.4\n" + bytes(range(256)) * 100
    site = TinySite(ARTICLES, {"/news/2": Reply(body=pdf, headers={"Content-Type": "application/pdf"})})
    with LocalServer(site.route) as server:
        report = run_crawl(db_path, server, monkeypatch)
        (capture,) = query(db_path, "SELECT * FROM captures WHERE url = ?", server.url("/news/2"))
        row = frontier(db_path, "/news/2", server)
    assert capture["kind"] == "skipped" and capture["sha256"] is None and capture["error"] == "not HTML: application/pdf"
    assert row["state"] == "done" and report.errors["not HTML: application/pdf"] == 1 and report.counts["failed"] == 0
    assert stored_keys(db_path) == [1, 3, 4]


def test_recrawl_sends_validators_and_records_304_and_same_bytes_as_unchanged(db_path, monkeypatch):
    site = TinySite(ARTICLES)
    with LocalServer(site.route) as server:
        run_crawl(db_path, server, monkeypatch)
        # /news/1 will lie: no ETag, a 200 with the same bytes.
        site.overrides["/news/1"] = Reply(body=article_html(1), headers=HTML)
        report = run_crawl(db_path, server, monkeypatch)
        second = [(p, h) for p, h, _ in server.log[-(ARTICLES + 2):]]
    conditional = {p for p, h in second if h.get("if-none-match")}
    assert {"/news/2", "/news/3", "/news/4"} <= conditional
    assert report.counts["unchanged"] == ARTICLES and report.counts["new"] == 0
    captures = query(db_path, "SELECT url, status, sha256, article_id FROM captures WHERE kind = 'article' ORDER BY id")
    assert len(captures) == 2 * ARTICLES and all(c["article_id"] and c["sha256"] for c in captures)
    assert sorted(c["status"] for c in captures[ARTICLES:]) == [200, 304, 304, 304]
    assert query(db_path, "SELECT count(*) AS n FROM raw_pages WHERE content_type = 'text/html'")[0]["n"] <= ARTICLES + 2
