"""`archiver wayback`: CDX listing → `id_` captures → archived as the original URL on its date.
Every request is answered by respx; nothing can reach the network."""

from __future__ import annotations

import json
import sqlite3
from urllib.parse import parse_qs, unquote_plus, urlsplit

import httpx
import pytest
import respx
from click.testing import CliRunner

from archiver.cli import cli
from archiver.config import Config, FetchConfig
from archiver.fetch import Fetcher
from archiver.store import Store
from archiver.wayback import CDX_URL, backfill, parse_cdx

from .conftest import CASSETTES

BODIES = CASSETTES / "alalam" / "bodies"
FIELDS = ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]
RESUME = "ir%2Calalam%2Cen%29%2Fnews%2F1825441+20160609100000%21"


def row(path: str, stamp: str, original: str, digest: str = "Q4YULN754FHV2U6Q5JUT6Q2P57WEWNNY") -> list[str]:
    return [f"ir,alalam,en)/{path}", stamp, original, "text/html", "200", digest, "9000"]


# Shaped like the real API's answer with output=json&showResumeKey=true: field names first,
# then rows sorted by urlkey and timestamp, then an empty row and the resume key.
PAGE_1 = [
    FIELDS,
    row("", "20160606055900", "http://en.alalam.ir/"),  # the home page: not an article, never fetched
    row("news/1800705", "20160321083000", "http://en.alalam.ir:80/news/1800705"),
    row("news/1825441", "20160606060004", "http://en.alalam.ir/news/1825441"),
    row("news/1825441", "20160609100000", "http://en.alalam.ir/news/1825441", "XAHDNHZ5P3GSSSNJ3DMEOJF7BMCCPZR3"),
    [],
    [RESUME],
]
PAGE_2 = [
    FIELDS,
    row("news/1825386", "20160606061000", "https://en.alalam.ir/news/1825386"),
    row("news/1825428", "20160606060500", "http://en.alalam.ir/news/1825428"),  # its capture 404s
]
BODY_OF = {"1800705": "news-1800705.html", "1825441": "news-1825441.html", "1825386": "news-1825386.html"}


class FakeWayback:
    """The CDX API and `id_` captures, with every request kept for assertions."""

    def __init__(self, cdx_status: int = 200):
        self.cdx_status = cdx_status
        self.cdx_queries: list[dict[str, list[str]]] = []
        self.captures: list[str] = []

    def cdx(self, request: httpx.Request) -> httpx.Response:
        query = parse_qs(urlsplit(str(request.url)).query)
        self.cdx_queries.append(query)
        if self.cdx_status != 200:
            return httpx.Response(self.cdx_status, text="<html>Service Unavailable</html>")
        page = PAGE_2 if "resumeKey" in query else PAGE_1
        if "matchType" not in query:  # one URL
            page = [FIELDS] + [r for r in PAGE_1[1:-2] if r[2] == query["url"][0]]
        return httpx.Response(200, json=page)

    def capture(self, request: httpx.Request, stamp: str, original: str) -> httpx.Response:
        self.captures.append(f"{stamp} {original}")
        name = BODY_OF.get(original.rsplit("/", 1)[-1])
        if name is None:
            return httpx.Response(404, text="<html>Wayback Machine has not archived that URL.</html>")
        return httpx.Response(200, content=(BODIES / name).read_bytes(), headers={
            "content-type": "text/html; charset=utf-8",
            "date": "Tue, 01 Jul 2025 12:00:00 GMT",  # the Wayback's own clock: must not date the capture
            "x-archive-orig-date": "Mon, 06 Jun 2016 06:00:04 GMT",
            "x-archive-orig-server": "Microsoft-IIS/8.5",
            "x-archive-orig-content-length": "12345",
            "memento-datetime": "Mon, 06 Jun 2016 06:00:04 GMT",
        })

    def __enter__(self) -> "FakeWayback":
        self.router = respx.mock(assert_all_mocked=True, assert_all_called=False)
        self.router.__enter__()
        self.router.get(url__startswith=CDX_URL).mock(side_effect=self.cdx)
        self.router.get(url__regex=r"^https://web\.archive\.org/web/(?P<stamp>\d{14})id_/(?P<original>.+)$").mock(
            side_effect=self.capture)
        return self

    def __exit__(self, *exc) -> None:
        self.router.__exit__(*exc)


def fetcher() -> Fetcher:
    return Fetcher(FetchConfig(per_host_delay=0, max_retries=0))


def test_cdx_json_with_a_resume_key_is_read_by_field_name():
    rows, resume = parse_cdx(json.dumps(PAGE_1).encode())
    assert resume == RESUME
    assert [(r.timestamp, r.url) for r in rows][:2] == [("20160606055900", "http://en.alalam.ir/"),
                                                        ("20160321083000", "http://en.alalam.ir/news/1800705")]
    assert rows[1].raw_url == "https://web.archive.org/web/20160321083000id_/http://en.alalam.ir:80/news/1800705"
    assert parse_cdx(b"[]") == ([], None) and parse_cdx(b"") == ([], None)


def test_a_site_is_backfilled_as_captures_of_the_original_urls_on_their_wayback_dates(db_path):
    with FakeWayback() as wayback, Store(db_path) as store, fetcher() as f:
        result = backfill(store, Config(), "alalam", f, since="2016", until="2016-12-31")
        # The query: the site's host as a prefix, only 200 HTML, adjacent duplicates collapsed, paged.
        first, second = wayback.cdx_queries
        assert first["url"] == ["en.alalam.ir/"] and first["matchType"] == ["prefix"] and first["output"] == ["json"]
        assert first["filter"] == ["statuscode:200", "mimetype:text/html"] and first["collapse"] == ["digest"]
        assert (first["from"], first["to"], first["showResumeKey"]) == (["2016"], ["20161231"], ["true"])
        # The resume key goes back exactly as the API wrote it (already URL-encoded), not encoded twice.
        assert "resumeKey" not in first and second["resumeKey"] == [unquote_plus(RESUME)]
        # Article pages only, oldest capture first.
        assert wayback.captures == [
            "20160321083000 http://en.alalam.ir:80/news/1800705", "20160606060004 http://en.alalam.ir/news/1825441",
            "20160606060500 http://en.alalam.ir/news/1825428", "20160606061000 https://en.alalam.ir/news/1825386",
            "20160609100000 http://en.alalam.ir/news/1825441",
        ]
        [report] = result.reports
        assert (report.site, report.status, report.counts["new"], report.counts["unchanged"], report.counts["failed"]) == (
            "alalam", "partial", 3, 1, 1)

        mar20 = store.article(store.find_article("http://en.alalam.ir/news/1800705"))
        assert mar20["title"] == "Syrian Army Troops Take Key Areas from ISIS in Latakia, Kill Militants in Raqqa"
        assert mar20["published"] == "2016-03-20T18:00:46+00:00"
        assert [(c["url"], c["fetched_at"]) for c in mar20["captures"]] == [
            ("http://en.alalam.ir/news/1800705", "2016-03-21T08:30:00+00:00")]
        assert mar20["first_seen"] == "2016-03-21T08:30:00+00:00"
        assert len(mar20["related"]) == 10

        jun05 = store.article(store.find_article("https://en.alalam.ir/news/1825441"))
        assert jun05["published"] == "2016-06-05T16:35:12+00:00"
        assert (jun05["first_seen"], jun05["last_seen"]) == ("2016-06-06T06:00:04+00:00", "2016-06-09T10:00:00+00:00")
        assert len(jun05["related"]) == 10
        headers = store.page_from_capture(store.latest_capture("http://en.alalam.ir/news/1800705")).headers

    # The original's headers where the Wayback kept them, dated at the capture, with provenance.
    assert headers["date"] == "Mon, 21 Mar 2016 08:30:00 GMT" and headers["server"] == "Microsoft-IIS/8.5"
    assert "content-length" not in headers and "memento-datetime" not in headers
    assert headers["x-archiver-source"] == "wayback https://web.archive.org/web/20160321083000id_/http://en.alalam.ir:80/news/1800705"
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT url, kind, error, run_id FROM captures WHERE sha256 IS NULL").fetchall() == [
        ("http://en.alalam.ir/news/1825428", "failed", "HTTP 404 from the Wayback Machine", 1)]
    assert conn.execute("SELECT site, status, fetched, new, failed FROM crawl_runs").fetchall() == [
        ("alalam", "partial", 4, 3, 1)]


def test_a_rerun_skips_stored_captures_and_retries_failed_ones(db_path):
    with FakeWayback() as wayback, Store(db_path) as store, fetcher() as f:
        first = backfill(store, Config(), "alalam", f, limit=2)
        assert len(wayback.captures) == 2 and first.listed == 2
        wayback.captures.clear()
        second = backfill(store, Config(), "alalam", f)
        assert second.skipped == {"already in the archive": 2}
        assert len(wayback.captures) == 3
        wayback.captures.clear()
        third = backfill(store, Config(), "alalam", f)
        # Only the capture that failed (404) is asked for again.
        assert wayback.captures == ["20160606060500 http://en.alalam.ir/news/1825428"]
        assert third.skipped == {"already in the archive": 4}
        assert store.db["articles"].count == 3


def test_one_url_is_queried_exactly(db_path):
    with FakeWayback() as wayback, Store(db_path) as store, fetcher() as f:
        result = backfill(store, Config(), "http://en.alalam.ir/news/1825441", f)
        [query] = wayback.cdx_queries
        assert query["url"] == ["http://en.alalam.ir/news/1825441"] and "matchType" not in query
        assert query["filter"] == ["statuscode:200"]
        assert [(r.site, r.counts["new"], r.counts["unchanged"]) for r in result.reports] == [("alalam", 1, 1)]


@pytest.fixture
def polite_config(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[fetch]\nper_host_delay = 0\nmax_retries = 0\n")
    return path


def test_cdx_unavailable_is_one_clear_sentence_and_exit_1(db_path, polite_config):
    with FakeWayback(cdx_status=503) as wayback:
        result = CliRunner().invoke(cli, ["--config", str(polite_config), "--db", str(db_path), "wayback", "alalam"])
    assert result.exit_code == 1
    assert "error: the Wayback Machine's CDX API failed: HTTP 503" in result.output
    assert "Traceback" not in result.output and wayback.captures == []


def test_cli_backfills_and_reports(db_path, polite_config):
    with FakeWayback():
        result = CliRunner().invoke(cli, ["--config", str(polite_config), "--db", str(db_path),
                                          "wayback", "alalam", "--from", "201603", "--to", "2016"])
    assert result.exit_code == 0, result.output
    assert "alalam: partial - fetched 4, new 3" in result.output and "HTTP 404 from the Wayback Machine: 1" in result.output


@pytest.mark.parametrize("args", [["alalam", "--from", "June 2016"], ["nosuchsite"], ["alalam", "--to", "16"]])
def test_bad_arguments_are_usage_errors(db_path, args):
    result = CliRunner().invoke(cli, ["--db", str(db_path), "wayback", *args])
    assert result.exit_code == 2 and "Traceback" not in result.output
