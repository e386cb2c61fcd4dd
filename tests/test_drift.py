"""Layout drift: when a site's new templates stop matching the adapter's selectors, the run
says so (crawl summary, crawl_runs, stats) instead of silently archiving emptier articles."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner

from archiver.cli import cli
from archiver.drift import Coverage, departures, fields_of
from archiver.models import ParsedArticle, RelatedItem, Tag

from .localserver import LocalServer, Reply
from .test_revisits import rows, run
from .tinysite import TinySite, article_html

HTML = {"Content-Type": "text/html; charset=utf-8"}


def redesigned(number: int) -> bytes:
    """The same story after a redesign: the related box renamed, the date moved to visible text."""
    page = article_html(number).decode()
    page = re.sub(r'<meta property="article:published_time"[^>]*>', "", page)
    page = page.replace('<ul class="related">', '<div class="read-next"><ul>').replace("</ul></body>", "</ul></div></body>")
    return page.replace("<h1>", '<p class="dateline">1 March 2024</p><h1>').encode()


def test_selectors_that_stop_matching_a_new_layout_raise_a_warning(db_path, monkeypatch):
    site = TinySite(8)
    layout = {"new": False}

    def route(path, headers):
        if layout["new"] and (match := re.fullmatch(r"/news/(\d+)", path)):
            return Reply(body=redesigned(int(match.group(1))), headers=HTML)
        return site.route(path, {})

    with LocalServer(route) as server:
        first = run(db_path, server, monkeypatch)
        assert first.counts["new"] == 8 and first.warnings == []
        layout["new"] = True
        second = run(db_path, server, monkeypatch, revisit_all=True)
    assert second.counts["fetched"] >= 8
    warned = " | ".join(second.warnings)
    assert "a publication date on 0% of pages, was 100%" in warned
    assert "a related list on 0% of pages, was 88%" in warned  # story 1 has no earlier story to list
    assert "title" not in warned and "tags" not in warned  # what still matches is not flagged

    (stored,) = rows(db_path, "SELECT warnings FROM crawl_runs ORDER BY id DESC LIMIT 1")
    assert json.loads(stored["warnings"]) == second.warnings
    shown = CliRunner().invoke(cli, ["--db", str(db_path), "stats"]).output
    assert "warning: tinynews last run: tinynews/1: a publication date on 0% of pages" in shown


def article(text: str, **fields) -> ParsedArticle:
    return ParsedArticle(url="u", canonical_url="u", key="k", title=fields.get("title", "T"), text=text,
                         published=fields.get("published", "2024-03-01T00:00:00+00:00"), parser="site/1",
                         related=fields.get("related", (RelatedItem(key="r", url="r"),)),
                         tags=fields.get("tags", (Tag(name="x"),)))


def coverage(articles, failed=0) -> dict:
    found = Coverage()
    for a in articles:
        found.add(fields_of(a))
    for _ in range(failed):
        found.failed("site/1")
    return found.as_dict()


LONG = " ".join(["word"] * 300)


def test_a_run_like_its_history_says_nothing_and_small_samples_say_nothing():
    history = [coverage([article(LONG)] * 10)]
    assert departures(coverage([article(LONG)] * 10), history) == []
    assert departures(coverage([article("short")] * 3), history) == []  # three pages prove nothing


def test_texts_that_shrink_and_pages_that_stop_parsing_are_departures():
    history = [coverage([article(LONG)] * 10)]
    shrunk = departures(coverage([article(" ".join(["word"] * 60))] * 10), history)
    assert shrunk == ["site/1: texts average 60 words, were 300 - has the layout changed?"]
    broken = departures(coverage([article(LONG)] * 2, failed=8), history)
    assert broken == ["site/1: parsed as articles on 20% of pages, was 100% - has the layout changed?"]
