"""Where a site lists its articles, as data: feeds, listings, daily archives, sitemaps and the
link regions of article pages. An adapter names its sources in `discovery`; the crawl starts
at their start paths, and `links()` reads each page with the parser its kind needs (feedparser
for RSS and Atom, lxml for sitemaps, the HTML tree for the rest)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone, tzinfo
from typing import TYPE_CHECKING, Iterable, Union
from urllib.parse import urlsplit

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
    # Only an entry's own <loc>: image and video extensions nest <image:loc> and the like.
    locs = [H.clean_space(entry.findtext("{*}loc")) for entry in root.iterchildren("{*}url", "{*}sitemap")]
    locs = [u for u in (ctx.absolute(u) for u in locs if u) if u]
    return ([], locs) if etree.QName(root).localname == "sitemapindex" else (locs, [])


def is_sitemap(ctx: "PageContext") -> bool:
    head = ctx.text[:2000]
    return "<urlset" in head or "<sitemapindex" in head


def start_paths(sources: Iterable[Source]) -> tuple[str, ...]:
    return tuple(p for s in sources if (p := s.start_path()))


# -- any site: where its articles are listed, and which links are articles ------------------
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")


def feed_hrefs(ctx: "PageContext") -> list[str]:
    """The feeds a page announces in its head (<link rel="alternate" type="application/rss+xml">)."""
    found = [node.attributes.get("href") for node in ctx.tree.css('link[rel~="alternate"][href]')
             if (node.attributes.get("type") or "").lower() in FEED_TYPES[:2]]
    return [u for u in (ctx.absolute(h) for h in found if h) if u]


def robots_sitemaps(robots_txt: str) -> list[str]:
    """The `Sitemap:` lines of a robots.txt (they may name sitemaps anywhere on the site)."""
    from protego import Protego

    return list(Protego.parse(robots_txt).sitemaps)


# A date in the path (/2024/03/05/, /2024/03/, /20240305/ or -20240305-) or a long numeric id:
# most news CMSs put one in an article's URL and never in a listing's.
_DATED = re.compile(r"/(?:19|20)\d\d/(?:0?[1-9]|1[0-2])/(?:(?:0?[1-9]|[12]\d|3[01])/)?[^/]*[a-z][^/]*"
                    r"|[/_-](?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])[/_.-]", re.IGNORECASE)
_LONG_ID = re.compile(r"(?<!\d)\d{5,}(?!\d)")
_PAGINATION = re.compile(r"/(?:page|seite|pagina)/\d+/?$|[?&](?:page|paged)=\d+$", re.IGNORECASE)
# Navigation that is not worth following for articles (each article already lists them).
_NOT_A_LISTING = re.compile(r"[/_-](?:tags?|topics?|auth?ors?|users?|profiles?|search|suche|login|register|"
                            r"wp-[a-z]+|cdn-cgi|xmlrpc|comments?|share|print|amp|embed|trackback)(?:/|\.|$|\?)",
                            re.IGNORECASE)
ARTICLE_SLUG_WORDS = 4  # a last path segment of at least this many words reads as a story title


def _segments(path: str) -> list[str]:
    return [s for s in path.split("/") if s]


def slug_words(path: str) -> int:
    """How many words the last path segment (file extension aside) has: "cat-rescued-from-tree" 4."""
    last = (_segments(path) or [""])[-1]
    return len([w for w in re.split(r"[-_+]+", re.sub(r"\.[a-z0-9]{2,6}$", "", last, flags=re.I)) if w])


def _excluded(url: str) -> bool:
    """Not a content page at all: feeds, files, admin and login pages, adult or video spam."""
    from courlan.filters import is_not_crawlable, type_filter

    return not type_filter(url, strict=True, with_nav=True) or is_not_crawlable(url)


def never_article(url: str) -> bool:
    """Whether URL is no article whatever its shape: navigation (tags, authors, search, next
    pages), feeds, files, admin and account pages."""
    from courlan.filters import is_navigation_page

    return bool(_excluded(url) or is_navigation_page(url) or _PAGINATION.search(url)
                or _NOT_A_LISTING.search(urlsplit(url).path))


def looks_like_article(url: str) -> bool:
    """Whether URL has the shape of an article on a news site no adapter describes: a path
    with a date or a long numeric id, or a last segment that reads like a headline, and none
    of the navigation, feed, file or account pages courlan knows."""
    parts = urlsplit(url)
    if never_article(url):
        return False
    return bool(_DATED.search(parts.path) or _LONG_ID.search(f"{parts.path}?{parts.query}")
                or slug_words(parts.path) >= ARTICLE_SLUG_WORDS)


def looks_like_listing(url: str) -> bool:
    """Whether URL is a page worth reading for links on such a site: the home page, a section
    or category (two path segments at most), their next pages, a feed or a sitemap."""
    parts = urlsplit(url)
    path = _PAGINATION.sub("/", parts.path)
    if _NOT_A_LISTING.search(path) or (parts.query and not _PAGINATION.search(url)):
        return False
    if re.search(r"(?:/feed/?|/rss/?|\.rss|\.xml)$", path, re.IGNORECASE):
        return True
    return not _excluded(url) and len(_segments(path)) <= 2 and not looks_like_article(url)
