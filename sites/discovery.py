"""Where a site lists its articles, as data: feeds, listings, daily archives, sitemaps and the
link regions of article pages. An adapter names its sources in `discovery`; the crawl starts
at their start paths, and `links()` reads each page with the parser its kind needs (feedparser
for RSS and Atom, lxml for sitemaps, the HTML tree for the rest)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone, tzinfo
from typing import TYPE_CHECKING, Iterable, Union

from archiver import html as H

if TYPE_CHECKING:  # pragma: no cover
    from .base import PageContext


@dataclass(frozen=True)
class DailyArchive:
    """One page per day, e.g. PATH_FORMAT "/archive/{day:%Y%m%d}/"; INDEX is where it starts."""

    path_format: str
    links: str = "a[href]"
    timezone: tzinfo = timezone.utc  # the zone whose calendar days the archive pages follow
    index: str | None = None

    def start_path(self) -> str | None:
        return self.index

    def path(self, day: date) -> str:
        return self.path_format.format(day=day)


@dataclass(frozen=True)
class Feed:
    """An RSS or Atom feed. With ARCHIVE, the archive pages of the days its entries cover are
    discovered too: they list what the feed has truncated."""

    path: str
    archive: DailyArchive | None = None
    links = None

    def start_path(self) -> str | None:
        return self.path


@dataclass(frozen=True)
class PaginatedListing:
    """An HTML listing; its pagination (rel=next, pages matching listing_pattern) is followed."""

    path: str
    links: str = "a[href]"

    def start_path(self) -> str | None:
        return self.path


@dataclass(frozen=True)
class HomePage:
    path: str = "/"
    links: str = "a[href]"

    def start_path(self) -> str | None:
        return self.path


@dataclass(frozen=True)
class Sitemap:
    """An XML sitemap: <url><loc> are articles, <sitemap><loc> (an index) more sitemaps."""

    path: str
    links = None

    def start_path(self) -> str | None:
        return self.path


@dataclass(frozen=True)
class RelatedList:
    """Link regions of article pages worth following (related boxes, story lines)."""

    links: str

    def start_path(self) -> str | None:
        return None


Source = Union[Feed, PaginatedListing, DailyArchive, HomePage, Sitemap, RelatedList]


def is_xml(ctx: "PageContext") -> bool:
    return ctx.page.content_type.endswith("xml") or ctx.text.lstrip().startswith("<?xml")


def html_selector(sources: Iterable[Source]) -> str:
    """One selector for the link regions of every HTML source (all links when none is named)."""
    selectors = list(dict.fromkeys(s.links for s in sources if s.links))
    return ", ".join(selectors) or "a[href]"


def html_links(ctx: "PageContext", sources: Iterable[Source]) -> list[str]:
    found = H.hrefs(ctx.tree, html_selector(sources)) + H.hrefs(ctx.tree, 'link[rel="next"][href]')
    return [u for u in (ctx.absolute(h) for h in found) if u]


def feed_links(ctx: "PageContext", sources: Iterable[Source]) -> tuple[list[str], list[str]]:
    """Entry URLs of an RSS or Atom feed, and the daily archive pages of the days it covers."""
    import feedparser  # imported on first use: it costs start-up time every command would pay

    entries = feedparser.parse(ctx.page.body).entries
    urls = [u for entry in entries for u in _entry_urls(entry)]
    stamps = [datetime(*t[:6], tzinfo=timezone.utc) for e in entries if (t := e.get("published_parsed") or e.get("updated_parsed"))]
    archives = [s.archive for s in sources if isinstance(s, Feed) and s.archive]
    days = [ctx.adapter.base_url + path for archive in archives for path in _days_covered(archive, stamps)]
    return [u for u in (ctx.absolute(u) for u in urls) if u], days


def _days_covered(archive: DailyArchive, stamps: list[datetime]) -> list[str]:
    """The archive paths of the days (in the archive's zone) the STAMPS fall on, newest first."""
    return [archive.path(day) for day in sorted({s.astimezone(archive.timezone).date() for s in stamps}, reverse=True)]


def _entry_urls(entry) -> list[str]:
    """An entry's link, its other links, and its id when that is a URL (RSS guid, Atom id)."""
    urls = [entry.get("link"), *(link.get("href") for link in entry.get("links", ()))]
    guid = entry.get("id") or ""
    urls.append(guid if guid.startswith(("http://", "https://")) else None)
    return [u for u in urls if u]


def sitemap_links(ctx: "PageContext") -> tuple[list[str], list[str]]:
    """Page URLs of a sitemap, and the child sitemaps of a sitemap index."""
    from lxml import etree

    try:
        root = etree.fromstring(ctx.page.body, parser=etree.XMLParser(recover=True, resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return [], []
    if root is None:
        return [], []
    locs = [H.clean_space(node.text) for node in root.iter("{*}loc")]
    locs = [u for u in (ctx.absolute(u) for u in locs if u) if u]
    return ([], locs) if etree.QName(root).localname == "sitemapindex" else (locs, [])


def is_sitemap(ctx: "PageContext") -> bool:
    head = ctx.text[:2000]
    return "<urlset" in head or "<sitemapindex" in head


def start_paths(sources: Iterable[Source]) -> tuple[str, ...]:
    return tuple(p for s in sources if (p := s.start_path()))
