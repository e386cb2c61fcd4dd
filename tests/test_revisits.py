"""Edits over time: stored articles re-checked against a real local server, every text version
kept, chrome changes ignored, removals and returns recorded; the revisit schedule's rule."""

from __future__ import annotations

import itertools
import json
import sqlite3
import time
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

from click.testing import CliRunner
from hypothesis import given, strategies as st

from archiver.archive import archive_page
from archiver.cli import cli
from archiver.config import parse_config
from archiver.fetch import Fetcher
from archiver.pipeline import crawl
from archiver.revisit import is_due, next_check, parse_schedule
from archiver.sites import adapter_names
from archiver.store import Store

from .localserver import LocalServer, Reply
from .test_faults import query as rows
from .tinysite import TinyNews, TinyNewsV1, article_html, page, register

BASE = "http://tiny.test"


def replace_class(cls, **attributes):
    return type(cls.__name__, (cls,), attributes)

HTML = {"Content-Type": "text/html; charset=utf-8"}
# The home page links the listing only, so articles are fetched again only when revisited
# (links on a start page are re-checked every run anyway).
HOME = Reply(body=b'<html><body><a href="/list/1">all stories</a></body></html>', headers=HTML)
LISTING = Reply(body=b'<html><body><ul><li><a href="/news/1">One</a></li></ul></body></html>', headers=HTML)


def story(title: str, paragraphs: list[str], chrome: str = "") -> Reply:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return Reply(body=(
        f'<html><head><title>{title}</title><meta property="article:published_time" content="2024-03-01T10:00:00Z">'
        f'</head><body><aside class="most-read">{chrome}</aside><h1>{title}</h1><article>{body}</article></body></html>'
    ).encode(), headers=HTML)


FIRST = ["The council met on Monday to discuss the harbour.", "Ministers agreed to rebuild the bridge."]
EDITED = ["The council met on Tuesday to discuss the harbour.", "Ministers agreed to rebuild the bridge.",
          "Correction: an earlier version gave the wrong day."]


def run(db, server, monkeypatch, revisit_all=False, schedule=("1h", "1d")):
    register(monkeypatch)
    config = parse_config({"fetch": {"per_host_delay": 0.0, "timeout": 2, "max_retries": 1, "concurrency": 2},
                           "sites": {"tinynews": {"base_url": server.origin, "revisit": list(schedule)}}},
                          known_sites=adapter_names())
    with Store(db) as store, Fetcher(config.fetch) as fetcher:
        fetcher.backoff_base = 0.01
        (report,) = crawl(store, config, ["tinynews"], fetcher, revisit_all=revisit_all)
    return report


def site(article) -> dict:
    return {"/": HOME, "/list/1": LISTING, "/news/1": article}


def test_an_edited_article_has_two_versions_search_finds_the_new_words_history_shows_the_diff(db_path, monkeypatch):
    with LocalServer(site([story("Harbour plan", FIRST), story("Harbour plan approved", EDITED)])) as server:
        assert run(db_path, server, monkeypatch).counts["new"] == 1
        report = run(db_path, server, monkeypatch, revisit_all=True)
        url = server.url("/news/1")
    assert report.counts["updated"] == 1
    versions = rows(db_path, "SELECT title, text FROM article_versions ORDER BY fetched_at, id")
    assert [v["title"] for v in versions] == ["Harbour plan", "Harbour plan approved"]
    assert "Monday" in versions[0]["text"] and "Tuesday" in versions[1]["text"]
    with Store(db_path, readonly=True) as store:
        assert [r["title"] for r in store.search("Tuesday")] == ["Harbour plan approved"]
        assert store.search("Monday") == []

    runner = CliRunner()
    old_words = runner.invoke(cli, ["--db", str(db_path), "search", "Monday", "--all-versions", "--format", "json"])
    assert [(r["title"], r["version_seen"] is not None) for r in json.loads(old_words.output)] == [("Harbour plan", True)]
    assert "<mark>Monday</mark>" in json.loads(old_words.output)[0]["snippet"]
    both = runner.invoke(cli, ["--db", str(db_path), "search", "harbour", "--all-versions", "--format", "json"])
    assert sorted(r["title"] for r in json.loads(both.output)) == ["Harbour plan", "Harbour plan approved"]
    shown = runner.invoke(cli, ["--db", str(db_path), "history", url, "--format", "json"])
    assert shown.exit_code == 0, shown.output
    second = json.loads(shown.output)["versions"][1]
    assert second["title_changed"] and second["previous_title"] == "Harbour plan"
    assert second["diff"]["removed"] == ["Monday"]
    assert second["diff"]["added"] == ["Tuesday", "Correction: an earlier version gave the wrong day."]
    assert 0 < second["diff"]["share_changed"] < 0.5
    text = runner.invoke(cli, ["--db", str(db_path), "history", url]).output
    assert "[-Monday-]" in text and "{+Tuesday+}" in text and "Harbour plan  →  Harbour plan approved" in text


def test_chrome_that_changes_on_every_visit_adds_captures_never_versions(db_path, monkeypatch):
    visits = itertools.count()

    def article(path, headers):
        n = next(visits)  # a clock, a view counter and a most-read list that differ on every hit
        return story("Harbour plan", FIRST, chrome=f"<time>12:{n:02d}</time> {1000 + 37 * n} views <a href='/news/{n}'>Top {n}</a>")

    with LocalServer({"/": HOME, "/list/1": LISTING, "/news/1": article}) as server:
        run(db_path, server, monkeypatch)
        for _ in range(5):
            assert run(db_path, server, monkeypatch, revisit_all=True).counts["unchanged"] == 1
    assert len(rows(db_path, "SELECT * FROM article_versions")) == 1
    captures = rows(db_path, "SELECT DISTINCT sha256 FROM captures WHERE url LIKE '%/news/1'")
    assert len(captures) == 6  # every visit's bytes kept: the chrome did change


def test_a_503_on_revisit_removes_nothing_a_404_marks_removed_and_a_later_200_restores(db_path, monkeypatch):
    answers = {"now": story("Harbour plan", FIRST)}
    with LocalServer({"/": HOME, "/list/1": LISTING, "/news/1": lambda path, headers: answers["now"]}) as server:
        run(db_path, server, monkeypatch)

        answers["now"] = Reply(503, b"busy")  # every retry too
        run(db_path, server, monkeypatch, revisit_all=True)
        (article,) = rows(db_path, "SELECT * FROM articles")
        assert article["removed_at"] is None

        answers["now"] = Reply(404, b"gone")
        run(db_path, server, monkeypatch, revisit_all=True)
        (article,) = rows(db_path, "SELECT * FROM articles")
        assert article["removed_at"] is not None
        assert "removed since" in CliRunner().invoke(cli, ["--db", str(db_path), "history", "1"]).output

        answers["now"] = story("Harbour plan", FIRST)
        run(db_path, server, monkeypatch, revisit_all=True)
    (article,) = rows(db_path, "SELECT * FROM articles")
    assert article["removed_at"] is None
    events = [e["event"] for e in rows(db_path, "SELECT event FROM article_events ORDER BY at, id")]
    assert events == ["removed", "restored"]
    assert len(rows(db_path, "SELECT * FROM article_versions")) == 1


def test_a_due_article_is_revisited_in_an_ordinary_crawl_and_not_before(db_path, monkeypatch):
    schedule = ("2s", "1h")
    with LocalServer(site(story("Harbour plan", FIRST))) as server:
        started = time.monotonic()
        run(db_path, server, monkeypatch, schedule=schedule)
        assert server.hits["/news/1"] == 1
        run(db_path, server, monkeypatch, schedule=schedule)
        if time.monotonic() - started < 1.5:  # a loaded machine may take longer than the first mark
            assert server.hits["/news/1"] == 1  # not due yet: the first mark is 2 s after it was seen
        time.sleep(max(0.0, 2.2 - (time.monotonic() - started)))
        run(db_path, server, monkeypatch, schedule=schedule)
        hits = server.hits["/news/1"]
        assert hits >= 2
        run(db_path, server, monkeypatch, schedule=schedule)
        assert server.hits["/news/1"] == hits  # checked after the 2 s mark: next due at 1 h
    (article,) = rows(db_path, "SELECT first_seen, revisit_due FROM articles")
    due = datetime.fromisoformat(article["revisit_due"]) - datetime.fromisoformat(article["first_seen"])
    assert due == timedelta(hours=1)


def test_no_schedule_means_no_revisits(db_path, monkeypatch):
    with LocalServer(site(story("Harbour plan", FIRST))) as server:
        run(db_path, server, monkeypatch, schedule=())
        (article,) = rows(db_path, "SELECT revisit_due FROM articles")
    assert article["revisit_due"] is None


T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)
ages = st.lists(st.integers(min_value=1, max_value=60 * 24 * 40), min_size=1, max_size=6, unique=True)


@given(ages, st.integers(min_value=0, max_value=60 * 24 * 60), st.integers(min_value=0, max_value=60 * 24 * 60))
def test_schedule_due_exactly_when_a_mark_passed_since_the_last_check(minutes, checked_after, now_after):
    schedule = parse_schedule(f"{m}m" for m in minutes)
    checked = T0 + timedelta(minutes=checked_after)
    now = checked + timedelta(minutes=now_after)
    marks = [T0 + age for age in schedule]
    assert is_due(schedule, T0, checked, now) == any(checked < mark <= now for mark in marks)
    due = next_check(schedule, T0, checked)
    assert due is None or (due > checked and due in marks and all(not checked < m < due for m in marks))
    # old and stable: checked past the last mark, never due again
    assert next_check(schedule, T0, marks[-1]) is None


class _HeadlineInText(TinyNewsV1):
    """A later layout era whose parser also keeps the headline as the text's first line."""

    version = "2"

    def parse(self, ctx):
        article = super().parse(ctx)
        return replace(article, text=f"{article.title}\n\n{article.text}", parser="tinynews/2")


class _TwoEras(TinyNews):
    parsers = (replace_class(TinyNewsV1, valid_until=date(2024, 3, 15)), _HeadlineInText)


def test_a_parser_change_between_two_captures_is_not_an_edit_but_a_real_edit_is(db_path):
    adapter = _TwoEras(BASE)
    url = f"{BASE}/news/3"
    with Store(db_path) as store:
        archive_page(store, adapter, page(url, article_html(3)))  # 2024-03-01: era 1
        later = replace(page(url, article_html(3) + b"<!-- served later -->"), fetched_at="2024-03-20T00:00:00+00:00")
        archive_page(store, adapter, later)  # era 2, the same words
        (article,) = rows(db_path, "SELECT id FROM articles")
        versions = store.versions.of_article(article["id"])
        assert [(v["parser"], v["fetched_at"][:10]) for v in versions] == [("tinynews/2", "2024-03-01")]

        edited = article_html(3).replace(b"</article>", b"<p>Update: the ferry resumed service.</p></article>")
        archive_page(store, adapter, replace(page(url, edited), fetched_at="2024-03-25T00:00:00+00:00"))
        versions = store.versions.of_article(article["id"])
    assert len(versions) == 2 and versions[1]["text"].endswith("Update: the ferry resumed service.")


def test_a_version_differing_by_soft_hyphens_alone_is_trivial(db_path):
    # Texts read before break hints were taken out keep them; the same words without them (or
    # a page that starts hyphenating its long words) is no edit a reader sees.
    adapter = TinyNews(BASE)
    url = f"{BASE}/news/4"
    with Store(db_path) as store:
        archive_page(store, adapter, page(url, article_html(4)))
        (article,) = rows(db_path, "SELECT id FROM articles")
        parsed = adapter.parse(page(url, article_html(4)))
        words = parsed.text.split()
        long_word = max(words, key=len)
        hyphenated = parsed.text.replace(long_word, long_word[:3] + "\u00ad" + long_word[3:], 1)
        later = "2024-04-01T00:00:00+00:00"
        assert store.versions.record(article["id"], replace(parsed, text=hyphenated), later, None, None) == "trivial"
        reworded = parsed.text.replace(long_word, long_word[:3] + " " + long_word[3:], 1)
        assert store.versions.record(article["id"], replace(parsed, text=reworded), "2024-05-01T00:00:00+00:00",
                                     None, None) == "added"
