from __future__ import annotations

import gzip

import httpx
import pytest

from archiver.config import FetchConfig
from archiver.errors import FetchError
from archiver.fetch import Fetcher, parse_retry_after


def fetcher_for(handler, **overrides):
    config = FetchConfig(**{"per_host_delay": 0, "max_retries": 2, **overrides})
    sleeps: list[float] = []
    client = httpx.Client(transport=httpx.MockTransport(handler), follow_redirects=True)
    return Fetcher(config, client=client, sleep=sleeps.append), sleeps


def test_retries_5xx_then_succeeds():
    calls = []

    def handler(request):
        calls.append(request.url)
        return httpx.Response(503) if len(calls) < 3 else httpx.Response(200, text="ok")

    fetcher, sleeps = fetcher_for(handler)
    page = fetcher.fetch("https://example.org/a")
    assert page.status == 200 and page.body == b"ok" and len(calls) == 3 and len(sleeps) == 2


def test_retry_after_is_honoured_and_capped():
    calls = []

    def handler(request):
        calls.append(1)
        return httpx.Response(429, headers={"Retry-After": "7"}) if len(calls) == 1 else httpx.Response(200, text="ok")

    fetcher, sleeps = fetcher_for(handler)
    fetcher.fetch("https://example.org/a")
    # The wait before the retry; the pacer may add its own (fake) sleep for the same deferral.
    assert sleeps[0] == 7.0 and len(calls) == 2
    assert parse_retry_after("100000", cap=300) == 300
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", cap=300) == 0.0


def test_404_is_not_retried():
    calls = []

    def handler(request):
        calls.append(1)
        return httpx.Response(404, text="gone")

    fetcher, _ = fetcher_for(handler)
    page = fetcher.fetch("https://example.org/a")
    assert page.status == 404 and len(calls) == 1


def test_gives_up_with_reason_after_last_attempt():
    fetcher, sleeps = fetcher_for(lambda request: httpx.Response(500))
    with pytest.raises(FetchError) as info:
        fetcher.fetch("https://example.org/a")
    assert "HTTP 500" in info.value.reason and "3 attempts" in info.value.reason and len(sleeps) == 2


def test_body_cap_applies_after_decompression():
    bomb = gzip.compress(b"\0" * 5_000_000)

    def handler(request):
        return httpx.Response(200, headers={"content-encoding": "gzip", "content-type": "text/html"}, content=bomb)

    fetcher, _ = fetcher_for(handler, max_body_bytes=1_000_000)
    with pytest.raises(FetchError, match="max_body_bytes"):
        fetcher.fetch("https://example.org/bomb")


def test_redirects_are_followed_and_recorded():
    def handler(request):
        if request.url.path == "/old":
            return httpx.Response(301, headers={"location": "https://example.org/new"})
        return httpx.Response(200, text="here")

    fetcher, _ = fetcher_for(handler)
    page = fetcher.fetch("https://example.org/old")
    assert page.url == "https://example.org/old" and page.final_url == "https://example.org/new"
    assert page.redirects == ("https://example.org/old",)


def test_conditional_headers_sent():
    seen = {}

    def handler(request):
        seen.update(request.headers)
        return httpx.Response(304)

    fetcher, _ = fetcher_for(handler)
    page = fetcher.fetch("https://example.org/a", {"etag": '"abc"', "last-modified": "Sun, 05 Jun 2016 17:00:00 GMT"})
    assert page.status == 304 and seen["if-none-match"] == '"abc"' and seen["if-modified-since"].startswith("Sun")


def test_retries_wait_longer_each_time_and_stop_after_max_retries():
    calls = []

    def handler(request):
        calls.append(1)
        return httpx.Response(503)

    fetcher, sleeps = fetcher_for(handler, max_retries=3)
    with pytest.raises(FetchError, match="gave up after 4 attempts"):
        fetcher.fetch("https://example.org/a")
    assert len(calls) == 4 and len(sleeps) == 3
    for n, seconds in enumerate(sleeps):
        assert 0.5 * 2 ** n <= seconds <= 0.75 * 2 ** n  # backoff_base doubling, plus up to half of it as jitter

    fetcher, sleeps = fetcher_for(handler, max_retries=0)
    with pytest.raises(FetchError, match="gave up after 1 attempts"):
        fetcher.fetch("https://example.org/a")
    assert sleeps == []


def test_cookies_a_server_sets_are_sent_back():
    from .localserver import LocalServer, Reply

    routes = {"/set": Reply(body=b"<p>hi</p>", headers={"Content-Type": "text/html", "Set-Cookie": "session=abc; Path=/"}),
              "/next": Reply(body=b"<p>again</p>")}
    with LocalServer(routes) as server, Fetcher(FetchConfig(per_host_delay=0)) as fetcher:
        fetcher.fetch(server.url("/next"))
        fetcher.fetch(server.url("/set"))
        fetcher.fetch(server.url("/next"))
    cookies = [headers.get("cookie") for path, headers, _ in server.log]
    assert cookies == [None, None, "session=abc"]


def test_pacing_is_per_host_and_port():
    """Two servers on one host (a port each) are paced apart; one server is paced once."""
    from archiver.fetch import HostPacer

    sleeps: list[float] = []
    pacer = HostPacer(10.0, sleep=sleeps.append)
    pacer.wait("http://127.0.0.1:8001/a")
    pacer.wait("http://127.0.0.1:8002/a")
    assert sleeps == []
    pacer.wait("http://127.0.0.1:8001/b")
    assert len(sleeps) == 1 and 9.0 < sleeps[0] <= 10.0
