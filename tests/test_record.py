"""`crawl --record DIR` writes what it fetched as cassettes that replay to the same archive."""

from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from archiver.cli import cli

from .conftest import CASSETTES


def articles(db):
    conn = sqlite3.connect(db)
    return sorted(conn.execute("SELECT site, key, title, text, published FROM articles").fetchall())


def test_recorded_cassette_replays_to_the_same_archive(tmp_path):
    recorded = tmp_path / "recorded"
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    result = CliRunner().invoke(cli, ["--db", str(first), "crawl", "--replay", str(CASSETTES), "alalam", "--record", str(recorded)])
    assert result.exit_code == 0, result.output
    manifest = json.loads((recorded / "alalam" / "cassette.json").read_text())
    assert manifest["origin"] == "https://en.alalam.ir"
    assert len(manifest["interactions"]) == 15  # the home page and 14 articles
    for exchange in manifest["interactions"]:
        body = (recorded / "alalam" / exchange["body_file"]).read_bytes()
        original = next(i for i in json.loads((CASSETTES / "alalam" / "cassette.json").read_text())["interactions"]
                        if i["url"] == exchange["url"])
        assert body == (CASSETTES / "alalam" / original["body_file"]).read_bytes()  # byte for byte
    result = CliRunner().invoke(cli, ["--db", str(second), "crawl", "--replay", str(recorded)])
    assert result.exit_code == 0, result.output
    assert articles(first) == articles(second) and len(articles(first)) == 14


def test_redirects_are_recorded_hop_by_hop(tmp_path):
    from archiver.cassettes import Recorder, load_cassette, replaying
    from archiver.config import FetchConfig
    from archiver.fetch import Fetcher
    from archiver.models import FetchedPage

    page = FetchedPage(url="https://en.alalam.ir/news/1825441/old-slug", final_url="https://en.alalam.ir/news/1825441",
                       status=200, headers={"content-type": "text/html"}, body=b"<html>story</html>",
                       fetched_at="2026-11-22T00:00:00+00:00",
                       redirects=("https://en.alalam.ir/news/1825441/old-slug", "http://en.alalam.ir/news/1825441"))
    recorder = Recorder(tmp_path)
    recorder.add("alalam", "https://en.alalam.ir", page)
    cassette = load_cassette(tmp_path / "alalam")
    assert [(i.url, i.status) for i in cassette.interactions] == [
        ("https://en.alalam.ir/news/1825441/old-slug", 301), ("http://en.alalam.ir/news/1825441", 301),
        ("https://en.alalam.ir/news/1825441", 200)]
    with replaying({"alalam": cassette}), Fetcher(FetchConfig(per_host_delay=0)) as fetcher:
        again = fetcher.fetch("https://en.alalam.ir/news/1825441/old-slug")
    assert again.final_url == page.final_url and again.body == page.body and again.redirects == page.redirects


def test_a_replay_miss_is_an_ordinary_fetch_error_that_no_request_made():
    """The crawl can tell a page the recording lacks from a site's failure without knowing
    about replay: a FetchError whose `attempted` is False, with the reason for the summary."""
    from archiver.cassettes import Cassette, replaying
    from archiver.config import FetchConfig
    from archiver.errors import FetchError
    from archiver.fetch import Fetcher

    with replaying({"alalam": Cassette("alalam", "https://en.alalam.ir", ())}), \
            Fetcher(FetchConfig(per_host_delay=0, max_retries=3)) as fetcher, pytest.raises(FetchError) as info:
        fetcher.fetch("https://en.alalam.ir/news/1")
    miss = info.value
    assert (miss.url, miss.reason, miss.status, miss.attempted) == ("https://en.alalam.ir/news/1", "not in the cassette", None, False)
    assert FetchError("https://en.alalam.ir/news/1", "HTTP 404", 404).attempted
