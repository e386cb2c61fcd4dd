"""What every site adapter shares.

An adapter is a small declarative class: its name, domains, article URL pattern (the `id`
group is the article's identity), discovery start paths, and one or more parser versions.
A parser version declares its field selectors as class attributes; `valid_until` picks the
version by capture date so archived pages are parsed by the parser of their time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import ClassVar, Iterable
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from archiver import html as H
from archiver.errors import ParseError
from archiver.models import FetchedPage, Image, PageLinks, ParsedArticle, RelatedItem, Tag
from archiver.urls import absolute, normalize_url, same_site


@dataclass
class PageContext:
    """One page being parsed: the fetched bytes decoded once, the DOM, and the adapter."""

    page: FetchedPage
    adapter: "Adapter"
    text: str
    encoding: str
    tree: LexborHTMLParser
    warnings: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.page.final_url or self.page.url

    def absolute(self, href: str | None) -> str | None:
        return absolute(self.url, href)

    def warn(self, message: str) -> None:
        self.warnings.append(message)


def capture_date(page: FetchedPage) -> date:
    """The day the page was captured: the server's Date header when it has one (a replayed
    or imported capture keeps its original date), else when we fetched it."""
    from email.utils import parsedate_to_datetime

    served = page.header("date")
    if served:
        try:
            return parsedate_to_datetime(served).astimezone(timezone.utc).date()
        except (TypeError, ValueError, IndexError):
            pass
    return datetime.fromisoformat(page.fetched_at).date()


def context_for(page: FetchedPage, adapter: "Adapter") -> PageContext:
    text, encoding = H.decode_body(page.body, page.header("content-type"))
    return PageContext(page=page, adapter=adapter, text=text, encoding=encoding, tree=H.parse_html(text))


class Parser:
    """One layout era of a site. Subclass per era; `valid_until` is the last capture day."""

    version: ClassVar[str] = "1"
    valid_until: ClassVar[date | None] = None

    def parse(self, ctx: PageContext) -> ParsedArticle:  # pragma: no cover - abstract
        raise NotImplementedError


class Adapter:
    name: ClassVar[str]
    domains: ClassVar[tuple[str, ...]] = ()
    # Matched against the URL path (and query); group "id" is the article's identity.
    article_pattern: ClassVar[re.Pattern | None] = None
    # Listing and feed pages worth following for discovery.
    listing_pattern: ClassVar[re.Pattern | None] = None
    start_paths: ClassVar[tuple[str, ...]] = ("/",)
    parsers: ClassVar[tuple[type[Parser], ...]] = ()

    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/")

    # -- URLs ---------------------------------------------------------------------------
    def start_urls(self) -> list[str]:
        return [self.base_url + path for path in self.start_paths]

    def owns(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return same_site(url, self.base_url) or any(host == d or host.endswith("." + d) for d in self.domains)

    def _path(self, url: str) -> str:
        parts = urlsplit(url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def article_key(self, url: str) -> str | None:
        """The article's identity on this site, or None when URL is not an article page."""
        if self.article_pattern is None or not self.owns(url):
            return None
        match = self.article_pattern.search(self._path(url))
        return match.group("id") if match else None

    def article_url(self, key: str) -> str:  # pragma: no cover - adapters with ids override
        raise NotImplementedError

    def canonical_url(self, url: str) -> str:
        key = self.article_key(url)
        return self.article_url(key) if key else normalize_url(url)

    def is_listing(self, url: str) -> bool:
        return bool(self.listing_pattern and self.owns(url) and self.listing_pattern.search(self._path(url)))

    def rebase(self, url: str) -> str:
        """Move a URL of the real site onto base_url (a mirror or a test server)."""
        parts = urlsplit(url)
        return self.base_url + parts.path + (f"?{parts.query}" if parts.query else "")

    # -- discovery ----------------------------------------------------------------------
    def links(self, ctx: PageContext) -> PageLinks:
        """Articles and listings linked from any page (HTML or feed)."""
        found = [ctx.absolute(h) for h in H.hrefs(ctx.tree)]
        found += [ctx.absolute(h) for h in H.hrefs(ctx.tree, 'link[rel="next"][href]')]  # pagination
        if ctx.page.content_type.endswith("xml") or ctx.text.lstrip().startswith("<?xml"):
            found += [ctx.absolute(u) for u in re.findall(r"<link>\s*([^<\s]+)\s*</link>", ctx.text)]
            found += [ctx.absolute(u) for u in re.findall(r"<guid[^>]*>\s*(https?://[^<\s]+)\s*</guid>", ctx.text)]
        return self.sort_links(u for u in found if u)

    def sort_links(self, urls: Iterable[str]) -> PageLinks:
        """One URL per article identity (however many spellings a page links), and listings."""
        articles: dict[str, str] = {}
        listings: dict[str, None] = {}
        for url in urls:
            if not self.owns(url):
                continue
            url = self.rebase(url)
            if key := self.article_key(url):
                canonical = self.canonical_url(url)
                if key not in articles or self.better_url(canonical, articles[key]):
                    articles[key] = canonical
            elif self.is_listing(url):
                listings[self.listing_url(url)] = None
        return PageLinks(articles=tuple(articles.values()), listings=tuple(listings))

    def better_url(self, candidate: str, current: str) -> bool:
        """Whether CANDIDATE names an article better than the URL already kept (first wins)."""
        return False

    def listing_url(self, url: str) -> str:
        return normalize_url(url)

    # -- parsing ------------------------------------------------------------------------
    def parser_for(self, page: FetchedPage) -> Parser:
        day = capture_date(page)
        ordered = sorted(self.parsers, key=lambda p: p.valid_until or date.max)
        for parser in ordered:
            if parser.valid_until is None or day <= parser.valid_until:
                return parser()
        return ordered[-1]()

    def parse(self, page: FetchedPage) -> ParsedArticle:
        ctx = context_for(page, self)
        if ctx.tree.body is None and not ctx.text.strip():
            raise ParseError(page.url, "empty page")
        parser = self.parser_for(page)
        article = parser.parse(ctx)
        return article


def to_utc_iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat()


def parse_iso(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def join_paragraphs(paragraphs: Iterable[str]) -> str:
    return "\n\n".join(p for p in (H.clean_space(p) for p in paragraphs) if p)


def dedupe(items: Iterable, key=lambda x: x) -> list:
    seen: set = set()
    out = []
    for item in items:
        k = key(item)
        if k in seen:
            continue
        seen.add(k)
        out.append(item)
    return out


__all__ = [
    "Adapter", "Parser", "PageContext", "ParsedArticle", "RelatedItem", "Tag", "Image", "PageLinks",
    "ParseError", "capture_date", "context_for", "to_utc_iso", "parse_iso", "join_paragraphs", "dedupe", "H",
]
