from __future__ import annotations

import gzip

import httpx
import pytest

from archiver.config import FetchConfig
from archiver.errors import FetchError
from archiver.fetch import Fetcher, parse_retry_after


def fetcher_for(handler, **overrides):
    config = FetchConfig(per_host_delay=0, max_retries=2, **overrides)
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
