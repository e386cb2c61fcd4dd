"""A synthetic news site (TinySite) and its adapter (TinyNews) for crawl tests and benchmarks.

    /                 links to the newest articles and to /list/1
    /list/K           50 articles per page, and /list/K+1 while there are more
    /news/I           an article: h1 title, date, paragraphs, related links; ETag "vI"

`python -m tests.tinysite ARCHIVER-ARGS...` runs the archiver CLI with TinyNews registered,
so a test can crawl the site in a subprocess (and kill it).
"""

from __future__ import annotations

import random
import re

from archiver.errors import ParseError
from archiver.models import FetchedPage, ParsedArticle, RelatedItem, Tag

from archiver.sites.base import Adapter, H, PageContext, Parser, join_paragraphs

from .localserver import Reply

PER_LIST = 50
WORDS = ("army river city council market minister harbour storm election railway village court "
         "border treaty festival factory museum bridge drought vaccine satellite ferry strike "
         "parliament orchestra glacier copper wheat pipeline summit embassy refinery").split()


class TinySite:
    def __init__(self, articles: int, overrides: dict | None = None):
        self.articles = articles
        self.overrides = overrides or {}

    def route(self, path: str, headers: dict):
        if path in self.overrides:
            return self.overrides[path]
        if path == "/robots.txt":
            return Reply(404, b"", {"Content-Type": "text/plain"})
        if path == "/":
            newest = range(self.articles, max(0, self.articles - 10), -1)
            links = "".join(f'<li><a href="/news/{i}">Story {i}</a></li>' for i in newest)
            return Reply(body=f'<html><body><ul>{links}</ul><a href="/list/1">archive</a></body></html>'.encode())
        if match := re.fullmatch(r"/list/(\d+)", path):
            page = int(match.group(1))
            ids = range((page - 1) * PER_LIST + 1, min(self.articles, page * PER_LIST) + 1)
            if not ids:
                return Reply(404, b"no such page", {"Content-Type": "text/plain"})
            links = "".join(f'<li><a href="/news/{i}">Story {i}</a></li>' for i in ids)
            more = f'<a href="/list/{page + 1}">older</a>' if page * PER_LIST < self.articles else ""
            return Reply(body=f"<html><body><ul>{links}</ul>{more}</body></html>".encode())
        if match := re.fullmatch(r"/news/(\d+)", path):
            number = int(match.group(1))
            if not 1 <= number <= self.articles:
                return None
            etag = f'"v{number}"'
            if headers.get("if-none-match") == etag:
                return Reply(304, b"", {"ETag": etag})
            return Reply(body=article_html(number), headers={"Content-Type": "text/html; charset=utf-8", "ETag": etag})
        return None


def article_text(number: int) -> list[str]:
    rng = random.Random(number)
    return [" ".join(rng.choice(WORDS) for _ in range(40)).capitalize() + "." for _ in range(4)]


def article_html(number: int, title: str | None = None) -> bytes:
    paragraphs = "".join(f"<p>{p}</p>" for p in article_text(number))
    related = "".join(f'<li><a href="/news/{r}">Story {r}</a></li>' for r in (number - 1, number - 2) if r >= 1)
    day = 1 + number % 28
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><title>Story {number}</title>'
        f'<meta property="article:published_time" content="2024-03-{day:02d}T10:00:00Z"></head>'
        f'<body><h1>{title or f"Story {number}"}</h1><article>{paragraphs}</article>'
        f'<a class="tag" href="/tag/t{number % 3}">t{number % 3}</a><ul class="related">{related}</ul></body></html>'
    ).encode()


class TinyNewsV1(Parser):
    version = "1"

    def parse(self, ctx: PageContext) -> ParsedArticle:
        title = H.first_text(ctx.tree, ["h1"])
        paragraphs = [H.node_text(p) for p in ctx.tree.css("article p")]
        if not title or not paragraphs:
            raise ParseError(ctx.url, "no title or no paragraphs")
        adapter = ctx.adapter
        related = []
        for href in H.hrefs(ctx.tree, "ul.related a[href]"):
            url = ctx.absolute(href)
            key = adapter.article_key(url) if url else None
            if key:
                related.append(RelatedItem(key=key, url=adapter.article_url(key)))
        return ParsedArticle(
            url=ctx.url, canonical_url=adapter.canonical_url(ctx.url),
            key=adapter.article_key(ctx.url) or adapter.article_key(ctx.page.url) or ctx.url,
            title=title, text=join_paragraphs(paragraphs),
            published=H.meta(ctx.tree, "article:published_time").replace("Z", "+00:00") if H.meta(ctx.tree, "article:published_time") else None,
            related=tuple(related), tags=tuple(Tag(name=n.text(strip=True)) for n in ctx.tree.css("a.tag")),
            parser=f"tinynews/{self.version}",
        )


class TinyNews(Adapter):
    name = "tinynews"
    article_pattern = re.compile(r"^/news/(?P<id>\d+)$")
    listing_pattern = re.compile(r"^/list/\d+$")
    start_paths = ("/",)
    parsers = (TinyNewsV1,)

    def article_url(self, key: str) -> str:
        return f"{self.base_url}/news/{key}"


_HOSTS: dict[int, type[TinyNews]] = {}


def host_adapter(number: int) -> type[TinyNews]:
    """TinyNews as its own site `tiny<number>` (one per host of the crawl benchmark). Reachable
    as `tests.tinysite.TinyNews<number>`, so it pickles by name into a parse worker process."""
    if number not in _HOSTS:
        name = f"TinyNews{number}"
        _HOSTS[number] = type(name, (TinyNews,), {"name": f"tiny{number}", "__module__": __name__, "__qualname__": name})
    return _HOSTS[number]


def __getattr__(name: str):
    if match := re.fullmatch(r"TinyNews(\d+)", name):
        return host_adapter(int(match.group(1)))
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def register(monkeypatch=None) -> None:
    """Add TinyNews to the registry (undone by monkeypatch at the end of a test, if given)."""
    from archiver import sites

    sites.adapter_names()  # load the real adapters first: the registry loads only when empty
    if monkeypatch is not None:
        monkeypatch.setitem(sites.REGISTRY, TinyNews.name, TinyNews)
    else:
        sites.REGISTRY.setdefault(TinyNews.name, TinyNews)


def page(url: str, body: bytes, content_type: str = "text/html; charset=utf-8") -> FetchedPage:
    return FetchedPage(url=url, final_url=url, status=200, headers={"content-type": content_type}, body=body,
                       fetched_at="2024-03-01T00:00:00+00:00")


def use_parse_workers_early(monkeypatch=None) -> None:
    """Make a crawl hand its pages to parse worker processes from its first few pages on (it
    decides so only for big, fast crawls), with one worker even on a one-core machine."""
    from archiver import pipeline

    settings = {"PROCESS_SAMPLE": 5, "PROCESS_SHARE": 0.0, "PROCESS_MIN_WORK": 0.0, "default_workers": lambda: 1}
    for name, value in settings.items():
        if monkeypatch is not None:
            monkeypatch.setattr(pipeline, name, value)
        else:
            setattr(pipeline, name, value)


if __name__ == "__main__":
    import os

    from archiver.cli import main
    from tests import tinysite  # by its name, not as __main__: so TinyNews can travel to a parse worker

    tinysite.register()
    if os.environ.get("TINYSITE_PARSE_WORKERS"):
        tinysite.use_parse_workers_early()
    main()
