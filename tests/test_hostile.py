"""Hostile servers (issue 16), each against a real HTTP server on 127.0.0.1: redirects are paced,
robots-checked and kept out of the local network; Retry-After and Crawl-delay hold the whole
host; half a gzip body is a failed fetch; a redirect nowhere fails one URL, not the run."""

from __future__ import annotations

import gzip
import threading

import pytest

from archiver.config import FetchConfig, parse_config
from archiver.errors import FetchError
from archiver.fetch import Fetcher, is_retryable
from archiver.ingest import fetch_urls
from archiver.robots import RobotsPolicy
from archiver.sites import adapter_names
from archiver.store import Store

from .localserver import LocalServer, Reply
from .test_faults import frontier, run_crawl, stored_keys
from .tinysite import TinySite, article_html

HTML = {"Content-Type": "text/html; charset=utf-8"}
TEXT = {"Content-Type": "text/plain"}


def arrivals(server: LocalServer) -> dict[str, float]:
    return {path: moment for path, _, moment in server.log}


def redirect(location: str, status: int = 301) -> Reply:
    return Reply(status, b"", {"Location": location})


def test_each_redirect_hop_is_paced():
    routes = {"/a": redirect("/b"), "/b": redirect("/c"), "/c": Reply(body=b"<p>here</p>", headers=HTML)}
    with LocalServer(routes) as server, Fetcher(FetchConfig(per_host_delay=0.3)) as fetcher:
        page = fetcher.fetch(server.url("/a"))
    at = arrivals(server)
    assert page.final_url == server.url("/c") and page.redirects == (server.url("/a"), server.url("/b"))
    # Arrival times are taken by the server's threads: under load they jitter by tens of
    # milliseconds. Unpaced hops arrive within a few milliseconds of each other.
    assert at["/b"] - at["/a"] >= 0.22 and at["/c"] - at["/b"] >= 0.22


def test_crawl_delay_holds_the_first_request_after_robots_txt_and_every_hop():
    routes = {"/robots.txt": Reply(body=b"User-agent: *\nCrawl-delay: 0.6\n", headers=TEXT),
              "/a": redirect("/b"), "/b": Reply(body=b"<p>here</p>", headers=HTML)}
    with LocalServer(routes) as server, Fetcher(FetchConfig(per_host_delay=0.05)) as fetcher:
        assert RobotsPolicy(fetcher).check(server.url("/a")).allowed
        fetcher.fetch(server.url("/a"))
    at = arrivals(server)
    assert at["/a"] - at["/robots.txt"] >= 0.5 and at["/b"] - at["/a"] >= 0.5  # 0.6 s, less the server's jitter


def test_a_redirect_to_another_origin_asks_its_robots_txt():
    with LocalServer({"/robots.txt": Reply(body=b"User-agent: *\nDisallow: /private\n", headers=TEXT),
                      "/private": Reply(body=b"<p>secret</p>", headers=HTML),
                      "/open": Reply(body=b"<p>open</p>", headers=HTML)}) as other:
        routes = {"/to-private": redirect(other.url("/private"), 302), "/to-open": redirect(other.url("/open"), 302)}
        with LocalServer(routes) as site, Fetcher(FetchConfig(per_host_delay=0)) as fetcher:
            RobotsPolicy(fetcher)
            with pytest.raises(FetchError, match="disallowed by robots.txt") as info:
                fetcher.fetch(site.url("/to-private"))
            assert fetcher.fetch(site.url("/to-open")).body == b"<p>open</p>"
    assert other.hits["/private"] == 0 and other.hits["/robots.txt"] == 1
    assert info.value.status == 302 and not is_retryable(info.value)


@pytest.mark.parametrize("target", ["http://localhost:{port}/secret", "http://169.254.169.254/latest/meta-data/",
                                    "http://[::1]:{port}/secret", "http://2130706433:{port}/secret",
                                    "http://10.0.0.1/admin"])
def test_a_redirect_into_the_local_network_is_refused(target):
    routes = {"/secret": Reply(body=b"<p>internal</p>", headers=HTML)}
    with LocalServer(routes) as server, Fetcher(FetchConfig(per_host_delay=0, timeout=1, max_retries=0)) as fetcher:
        server.routes["/go"] = redirect(target.format(port=server.port), 302)
        with pytest.raises(FetchError, match="refused: .* local or private address") as info:
            fetcher.fetch(server.url("/go"))
        # The site's own host is local: its own redirects keep working.
        server.routes["/home"] = redirect(server.url("/secret"))
        assert fetcher.fetch(server.url("/home")).body == b"<p>internal</p>"
    assert server.hits["/secret"] == 1 and not is_retryable(info.value)


def test_a_crawl_does_not_archive_what_a_redirect_into_the_local_network_shows(db_path, monkeypatch):
    with LocalServer({"/secret": Reply(body=article_html(2, "Internal secret"), headers=HTML)}) as internal:
        site = TinySite(4, {"/news/2": redirect(f"http://localhost:{internal.port}/secret", 302)})
        with LocalServer(site.route) as server:
            report = run_crawl(db_path, server, monkeypatch)
            row = frontier(db_path, "/news/2", server)
    assert internal.hits["/secret"] == 0 and stored_keys(db_path) == [1, 3, 4]
    assert row["state"] == "failed" and "refused" in row["last_error"] and report.counts["failed"] == 1


def test_retry_after_holds_back_requests_already_waiting_for_the_host():
    lock = threading.Lock()
    answered = []

    def route(path, headers):
        with lock:
            answered.append(path)
            first = len(answered) == 1
        return Reply(429, b"slow down", {"Retry-After": "1", **TEXT}) if first else Reply(body=b"<p>ok</p>", headers=HTML)

    with LocalServer(route) as server, Fetcher(FetchConfig(per_host_delay=0.15, max_retries=1)) as fetcher:
        threads = [threading.Thread(target=fetcher.fetch, args=(server.url(f"/{n}"),)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    times = [moment for _, _, moment in server.log]
    assert len(times) == 5  # four pages, one of them twice
    assert all(moment - times[0] >= 0.85 for moment in times[1:])  # 1 s, less the server's jitter


def test_half_a_gzip_body_is_a_failed_fetch_retried_later(db_path, monkeypatch):
    half = gzip.compress(article_html(2))[:300]
    site = TinySite(4, {"/news/2": Reply(body=half, headers={**HTML, "Content-Encoding": "gzip"})})
    with LocalServer(site.route) as server:
        with Fetcher(FetchConfig(per_host_delay=0, max_retries=0)) as fetcher, \
                pytest.raises(FetchError, match="incomplete gzip body") as info:
            fetcher.fetch(server.url("/news/2"))
        report = run_crawl(db_path, server, monkeypatch)
        row = frontier(db_path, "/news/2", server)
    assert is_retryable(info.value)
    assert stored_keys(db_path) == [1, 3, 4] and row["state"] == "retry" and "incomplete gzip" in row["last_error"]
    assert report.counts["failed"] == 1


def test_a_complete_gzip_body_with_an_empty_304_still_works():
    routes = {"/a": Reply(body=article_html(1), headers=HTML, gzip=True),
              "/b": Reply(304, b"", {"ETag": '"x"', "Content-Encoding": "gzip"})}
    with LocalServer(routes) as server, Fetcher(FetchConfig(per_host_delay=0)) as fetcher:
        assert fetcher.fetch(server.url("/a")).body == article_html(1)
        assert fetcher.fetch(server.url("/b"), {"etag": '"x"'}).status == 304


@pytest.mark.parametrize("location", ["javascript:alert(1)", "http://[::1", "http://example.org:99999/x",
                                      "mailto:someone@example.org", "ftp://example.org/file"])
def test_a_redirect_nowhere_fails_that_url_and_the_fetch_run_goes_on(tmp_path, location):
    routes = {"/bad": redirect(location, 302), "/good": Reply(body=article_html(1), headers=HTML)}
    config = parse_config({"fetch": {"per_host_delay": 0, "max_retries": 0}}, known_sites=adapter_names())
    with LocalServer(routes) as server, Store(tmp_path / "a.db") as store, Fetcher(config.fetch) as fetcher:
        results = fetch_urls(store, config, [server.url("/bad"), server.url("/good")], fetcher)
    bad, good = results
    assert bad["status"] == "failed" and "redirect to" in bad["reason"] and "unexpected" not in bad["reason"]
    assert good["status"] == "new"


def test_an_invalid_url_to_fetch_is_a_failure_not_a_crash(tmp_path):
    config = parse_config({"fetch": {"per_host_delay": 0, "max_retries": 0}}, known_sites=adapter_names())
    with Store(tmp_path / "a.db") as store, Fetcher(config.fetch) as fetcher:
        (result,) = fetch_urls(store, config, ["http://[::1"], fetcher)
    assert result["status"] == "failed" and "invalid URL" in result["reason"]


def test_fetch_of_an_invalid_url_on_the_command_line_is_one_clear_line(tmp_path):
    from click.testing import CliRunner

    from archiver.cli import cli

    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "a.db"), "fetch", "http://[::1"])
    assert result.exit_code == 1 and "invalid URL 'http://[::1'" in result.output and "unexpected" not in result.output
