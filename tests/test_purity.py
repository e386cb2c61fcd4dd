"""Pure parsing: a page parses to the same result whatever its adapter saw before.

Every golden page is parsed twice: by a fresh adapter, and by one that has first been through
a whole replay of the bundled cassettes (links() on every page, parse() on every article page)
and has parsed every other golden. Reparse, parse worker processes and the crawl therefore agree,
and an adapter pickled to a worker stays as small as a fresh one.
"""

from __future__ import annotations

import json
import pickle
from urllib.parse import urlsplit

import pytest

from archiver.cassettes import load_cassettes
from archiver.errors import ParseError
from archiver.models import FetchedPage
from archiver.sites import adapter_class
from archiver.sites.base import context_for
from archiver.urls import origin_of

from .conftest import CASSETTES, GOLDEN

CASES = sorted(GOLDEN.rglob("*.json"))


def site_of(spec_path) -> str:
    return spec_path.relative_to(GOLDEN).parts[0]


def load_page(spec_path) -> tuple[dict, FetchedPage]:
    """As tests/test_golden.py reads a golden: the JSON spec and the saved body."""
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    headers = {k.lower(): v for k, v in spec.get("headers", {"content-type": "text/html; charset=utf-8"}).items()}
    page = FetchedPage(url=spec["url"], final_url=spec["url"], status=200, headers=headers,
                       body=spec_path.with_suffix(".html").read_bytes(),
                       fetched_at=spec.get("fetched_at", "2026-11-01T00:00:00+00:00"))
    return spec, page


def base_of(spec: dict) -> str:
    return spec.get("base_url") or origin_of(spec["url"])


def parsed(adapter, page: FetchedPage) -> dict | str:
    try:
        return json.loads(json.dumps(adapter.parse(page).to_dict()))
    except ParseError as exc:
        return f"ParseError: {exc}"


def replay_everything(adapter) -> int:
    """Run ADAPTER over every page of every cassette (moved onto its base_url), then over every
    golden; the number of pages it saw."""
    seen = 0
    for cassette in load_cassettes(CASSETTES).values():
        for exchange in cassette.interactions:
            parts = urlsplit(exchange.url)
            url = adapter.base_url + parts.path + (f"?{parts.query}" if parts.query else "")
            page = FetchedPage(url=url, final_url=url, status=exchange.status, headers=dict(exchange.headers),
                               body=exchange.body, fetched_at="2026-11-01T00:00:00+00:00")
            adapter.links(context_for(page, adapter))
            if adapter.article_key(url):
                parsed(adapter, page)
            seen += 1
    for spec_path in CASES:
        if site_of(spec_path) == adapter.name:
            parsed(adapter, load_page(spec_path)[1])
            seen += 1
    return seen


@pytest.fixture(scope="module")
def used_adapters():
    """One adapter per (site, base_url) of the goldens, each after a whole replay."""
    adapters = {}
    for spec_path in CASES:
        spec, _ = load_page(spec_path)
        key = (site_of(spec_path), base_of(spec))
        if key not in adapters:
            adapters[key] = adapter_class(key[0])(key[1])
            assert replay_everything(adapters[key]) > 0
    return adapters


def test_there_are_goldens_to_check():
    assert len({site_of(p) for p in CASES}) >= 4


@pytest.mark.parametrize("spec_path", CASES, ids=[str(p.relative_to(GOLDEN).with_suffix("")) for p in CASES])
def test_golden_parses_the_same_after_a_whole_replay(spec_path, used_adapters):
    spec, page = load_page(spec_path)
    site = site_of(spec_path)
    fresh = adapter_class(site)(base_of(spec))
    used = used_adapters[(site, base_of(spec))]
    assert parsed(used, page) == parsed(fresh, page)
    assert len(pickle.dumps(used)) == len(pickle.dumps(fresh)), "the adapter kept something from the pages it saw"
