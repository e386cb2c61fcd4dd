"""The README's first command, end to end: `archiver crawl --replay cassettes/` with the shipped
config.toml, as a fresh clone runs it. The demo shows every feature: three sites with adapters of
their own, South Front followed by three lines of config (the generic adapter), a story copied
across sites (Global Research's republication of South Front's report), an address tried by
convention that is not there (recorded, no failure), and rows in every canned Datasette query
that one crawl of recordings can fill."""

from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from archiver.cli import cli
from archiver.serve import datasette_metadata

from .conftest import CASSETTES, ROOT

REPORT = "ISIS terrorists have lost large chunks of territories"
ORIGINAL_URL = "https://southfront.org/syrian-army-advancing-in-raqqa-province-withdrawal-of-isis/"
# One crawl reads each page once: an edit or a removal needs a later reading of a stored
# article (a revisit), so "recently edited or removed" stays empty on a first crawl.
NEEDS_A_SECOND_READING = {"recently_edited"}
# The recordings hold no page that fails: South Front's /sitemap.xml answers 404, but that is an
# address tried by convention, recorded and no failure (test_a_conventional_address_not_there...).
NEEDS_A_FAILING_PAGE = {"crawl_failures"}


def run(db, *args):
    result = CliRunner().invoke(cli, ["--config", str(ROOT / "config.toml"), "--db", str(db), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    db = tmp_path_factory.mktemp("demo") / "archive.db"
    run(db, "crawl", "--replay", str(CASSETTES))
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    yield db, conn
    conn.close()


def the_report(conn, site: str) -> sqlite3.Row:
    [row] = conn.execute("SELECT * FROM articles WHERE site = ? AND text LIKE ?", [site, f"%{REPORT}%"]).fetchall()
    return row


def test_the_demo_archives_every_site_with_the_counts_the_readme_gives(demo):
    _, conn = demo
    per_site = dict(conn.execute("SELECT site, count(*) FROM articles GROUP BY site").fetchall())
    assert per_site == {"alalam": 14, "globalresearch": 12, "southfront": 3, "sputnik": 10}


def test_the_config_only_site_is_read_by_the_generic_adapter(demo):
    db, conn = demo
    rows = conn.execute("SELECT url, title, published, parser FROM articles WHERE site = 'southfront' ORDER BY published").fetchall()
    assert [(r["url"], r["published"]) for r in rows] == [
        (ORIGINAL_URL, "2017-06-09T16:40:00+00:00"),
        ("https://southfront.org/syrian-forces-move-into-strategic-town-as-turkey-vows-to-keep-hammering-assads-troops/",
         "2020-03-02T22:04:04+00:00"),
        ("https://southfront.org/azerbaijan-launches-counteroffensive-to-restore-its-territorial-integrity-pakistani-envoy-says/",
         "2020-10-13T14:29:00+00:00"),
    ]
    assert {r["parser"] for r in rows} == {"generic/11"} and all(r["title"] for r in rows)
    # Reached through the sitemap index the footer links (a replay reads no robots.txt), and the feed the pages announce.
    fetched = {r[0] for r in conn.execute("SELECT url FROM captures WHERE site = 'southfront' AND status = 200")}
    assert {"https://southfront.org/sitemap_index.xml", "https://southfront.org/post-sitemap.xml",
            "https://southfront.org/news-sitemap.xml", "https://southfront.org/feed/"} <= fetched
    listed = run(db, "sites").output
    assert any(line.startswith("southfront") and "adapter=generic" in line and "https://southfront.org" in line
               for line in listed.splitlines())


def test_the_republication_and_the_original_are_one_story_across_sites(demo):
    db, conn = demo
    republished, original = the_report(conn, "globalresearch"), the_report(conn, "southfront")
    # Global Research's page is crawled first, so it is the first-seen member the original points at.
    assert original["duplicate_of"] == republished["id"] and republished["duplicate_of"] is None
    assert original["duplicate_kind"] == "near" and original["similarity"] >= 0.8
    found = json.loads(run(db, "search", "Raqqa", "--format", "json", "--limit", "100").stdout)
    [story] = [r for r in found if r["id"] in (republished["id"], original["id"])]
    assert story["copies"] == 2
    shown = json.loads(run(db, "show", str(republished["id"]), "--format", "json").stdout)
    assert [(c["site"], c["url"]) for c in shown["copies"]] == [("southfront", ORIGINAL_URL)]
    assert "copies (1)" in run(db, "show", str(republished["id"])).output


def canned(conn, name: str, **params) -> list[sqlite3.Row]:
    sql = datasette_metadata()["databases"]["archive"]["queries"][name]["sql"]
    return conn.execute(sql, params).fetchall()


def test_every_canned_datasette_query_has_rows_on_the_demo(demo):
    _, conn = demo
    [with_lists] = conn.execute("SELECT id FROM articles WHERE text LIKE '%advanced around 8 kilometers into the depth of ISIS%'")
    queries = datasette_metadata()["databases"]["archive"]["queries"]
    empty = [name for name in queries
             if name not in NEEDS_A_SECOND_READING | NEEDS_A_FAILING_PAGE and not canned(conn, name, id=with_lists[0])]
    assert empty == []
    parts = {r["part"] for r in canned(conn, "article_with_related", id=with_lists[0])}
    assert parts == {"article", "related"}
    [story] = canned(conn, "stories_on_several_sites")
    assert (story["copies"], story["site_list"], story["first_site"], story["first_published"]) == (
        2, "globalresearch,southfront", "southfront", "2017-06-09T16:40:00+00:00")


def test_the_failures_query_agrees_with_the_last_runs(demo):
    _, conn = demo
    last_runs = {r["site"]: r["failed"] for r in canned(conn, "crawl_last_runs")}
    in_last_run = {site: 0 for site in last_runs}
    for r in canned(conn, "crawl_failures"):
        in_last_run[r["site"]] += r["in_last_run"]
    assert in_last_run == last_runs == {"alalam": 0, "globalresearch": 0, "southfront": 0, "sputnik": 0}
    assert canned(conn, "crawl_failures") == []


def test_a_conventional_address_not_there_is_recorded_and_no_failure(demo):
    # South Front names its sitemaps in robots.txt (/sitemap_index.xml); /sitemap.xml, which
    # archiver tries on every configured site, answers 404. A site without one must not end
    # every run "partial".
    _, conn = demo
    status, failed, errors = conn.execute("SELECT status, failed, errors FROM crawl_runs WHERE site = 'southfront'").fetchone()
    assert (status, failed) == ("ok", 0)
    assert json.loads(errors)["not at a conventional address (HTTP 404)"] == 1
    kind, code, error, kept = conn.execute("SELECT kind, status, error, sha256 IS NOT NULL FROM captures "
                                           "WHERE url = 'https://southfront.org/sitemap.xml'").fetchone()
    assert (kind, code, error, kept) == ("absent", 404, None, 1)  # what the server said is kept


def test_a_cassette_of_a_site_without_adapter_or_config_replays_through_the_generic_adapter(tmp_path):
    """Without config.toml the cassette's directory name and origin are the site's three lines."""
    db = tmp_path / "archive.db"
    result = CliRunner().invoke(cli, ["--db", str(db), "crawl", "--replay", str(CASSETTES), "southfront"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    parsers = sqlite3.connect(db).execute("SELECT site, parser, count(*) FROM articles GROUP BY site, parser").fetchall()
    assert parsers == [("southfront", "generic/11", 3)]


def test_a_live_crawl_of_the_site_starts_from_the_sitemap_its_robots_txt_names(tmp_path):
    """What a replay skips and a live crawl does: robots.txt first, its Sitemap: line a start."""
    from archiver.cassettes import load_cassettes, replaying
    from archiver.config import parse_config
    from archiver.fetch import Fetcher
    from archiver.pipeline import crawl
    from archiver.robots import RobotsPolicy
    from archiver.sites import adapter_names
    from archiver.store import Store

    cassette = load_cassettes(CASSETTES / "southfront")
    config = parse_config({"fetch": {"per_host_delay": 0},
                           "sites": {"southfront": {"adapter": "generic", "base_url": "https://southfront.org"}}},
                          known_sites=tuple(adapter_names()))
    with replaying(cassette), Fetcher(config.fetch) as fetcher, Store(tmp_path / "archive.db") as store:
        robots = RobotsPolicy(fetcher)
        assert robots.sitemaps("https://southfront.org") == ["https://southfront.org/sitemap_index.xml"]
        [report] = crawl(store, config, ["southfront"], fetcher, robots=robots, ordered=True)
        assert report.counts["new"] == 3 and not report.errors.get("disallowed by robots.txt")
        first = store.db.execute("SELECT url FROM captures WHERE site = 'southfront' ORDER BY id LIMIT 3").fetchall()
    # The named sitemap is a start of the crawl, beside the home page and the /sitemap.xml guess.
    assert "https://southfront.org/sitemap_index.xml" in {r[0] for r in first}
