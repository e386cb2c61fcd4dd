"""What every site adapter shares.

An adapter is a small declarative class: its name and default origin, domains, article URL
pattern (the `id` group is the article's identity), discovery sources, and one or more parser
versions. A parser version declares its fields as class attributes (see `Parser`); the shared
extractors in `fields` read them, and a method overrides only a field that is genuinely odd.
`valid_until` picks the version by capture date, so archived pages are parsed by the parser of
their time. Parsing is pure: nothing is remembered between pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any, ClassVar, Iterable
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from archiver import html as H
from archiver.boilerplate import without_learned
from archiver.errors import ParseError
from archiver.models import FetchedPage, Image, PageLinks, ParsedArticle, RelatedItem, Tag
from archiver.urls import absolute, host_of, normalize_url, same_site

from . import discovery as D
from . import fields as F
from .source_order import repaired
from .fields import LD, Attr, Chain, Comments, Link, Meta, PageTitle, Related, dedupe, parse_iso, to_utc_iso


@dataclass
class PageContext:
    """One page being parsed: the fetched bytes decoded once, the DOM, the adapter, and the
    fields read so far (a per-page cache, gone with the page)."""

    page: FetchedPage
    adapter: "Adapter"
    text: str
    encoding: str
    tree: LexborHTMLParser
    # The text the tree was built from: TEXT, or TEXT with broken table markup repaired (what
    # any other parser of the page should read too, to see the paragraphs in source order).
    source: str = ""
    warnings: list[str] = field(default_factory=list)
    parser: "Parser | None" = None
    extra: dict[str, str] = field(default_factory=dict)
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.page.final_url or self.page.url

    def absolute(self, href: str | None) -> str | None:
        return absolute(self.url, href)

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def field(self, name: str) -> Any:
        """The value of field NAME, read once per page by the parser's `read_<name>` hook."""
        if name not in self.fields:
            self.fields[name] = getattr(self.parser, f"read_{name}")(self)
        return self.fields[name]


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
    fix = repaired(text)  # broken table markup moves paragraphs out of their place
    in_order = H.parse_html(fix.text) if fix is not None else None
    # A stray end tag is reason enough to read the source in order; content loose in a table
    # only when the parser would have moved it (the page as it stands is parsed only then).
    tree = None if fix is not None and fix.stray else H.parse_html(text)
    use = in_order is not None and (tree is None or H.text_lines(in_order.body) != H.text_lines(tree.body))
    ctx = PageContext(page=page, adapter=adapter, text=text, encoding=encoding, tree=in_order if use else tree,
                      source=fix.text if use else text)
    if use:
        ctx.warn(f"broken table markup ({fix.stray} stray end tags): the page read in source order")
    return ctx


class Parser:
    """One layout era of a site. Subclass per era; `valid_until` is the last capture day.

    The default `parse` reads every field from the specs below through `read_<field>` hooks,
    in a fixed order (warnings come out in it); override a hook for a genuinely odd field and
    reach other fields through `ctx.field(name)`."""

    version: ClassVar[str] = "1"
    valid_until: ClassVar[date | None] = None

    id_metas: ClassVar[tuple[str, ...]] = ()  # metas naming the article id, after URL, canonical, og:url
    id_links: ClassVar[tuple[str, ...]] = ()  # <link rel> naming it too (e.g. "shortlink")
    not_article: ClassVar[str | None] = None  # the ParseError reason when no source names an id
    scope: ClassVar[tuple[str, ...]] = ()  # the article block (text-anchored fields look there); default <body>
    title: ClassVar[Chain] = ("h1", Meta("og:title", "twitter:title"), PageTitle())
    title_suffix: ClassVar[re.Pattern | None] = None  # the site's name, stripped from any title
    authors: ClassVar[Chain] = ()
    author_clean: ClassVar[re.Pattern | None] = None
    author_exclude: ClassVar[re.Pattern | None] = None
    section: ClassVar[Chain] = ()
    published: ClassVar[Chain] = (Meta("article:published_time"), LD("datePublished"))
    updated: ClassVar[Chain] = (Meta("article:modified_time"), LD("dateModified"))
    timezone: ClassVar[tzinfo] = timezone.utc  # zone of times the page gives without one
    date_formats: ClassVar[tuple[str, ...]] = ()
    lead: ClassVar[Chain] = ()
    lead_in_text: ClassVar[bool] = False
    body: ClassVar[tuple[str, ...]] = ()
    no_text_warning: ClassVar[str | None] = None  # warned when the body has no text
    clutter: ClassVar[tuple[str, ...]] = ("script", "style")
    boilerplate: ClassVar[tuple[re.Pattern, ...]] = ()
    footer: ClassVar[tuple[re.Pattern, ...]] = ()
    image: ClassVar[tuple[str, ...]] = ()
    image_fallback: ClassVar[Chain] = (Meta("og:image", "twitter:image"),)
    image_credit: ClassVar[Chain] = ()
    tags: ClassVar[str | None] = None
    tag_kind: ClassVar[str | re.Pattern | None] = None
    related: ClassVar[tuple[Related, ...]] = ()
    comments: ClassVar[Comments | None] = None
    extras: ClassVar[dict[str, Chain]] = {}

    FIELDS: ClassVar[tuple[str, ...]] = (
        "key", "canonical_url", "title", "body", "lead", "text", "dates", "authors", "section",
        "image", "tags", "related", "comments", "extra",
    )

    def parse(self, ctx: PageContext) -> ParsedArticle:
        ctx.parser = self
        for name in self.FIELDS:
            ctx.field(name)
        self.check(ctx)
        got = ctx.fields
        published, updated = got["dates"]
        return ParsedArticle(
            url=ctx.url, canonical_url=got["canonical_url"], key=got["key"], title=got["title"], text=got["text"],
            published=published, updated=updated, authors=tuple(got["authors"]), section=got["section"],
            lead=got["lead"], image=got["image"], extra={**got["extra"], **ctx.extra},
            related=tuple(got["related"]), tags=tuple(got["tags"]), comments=tuple(got["comments"]),
            warnings=tuple(dedupe(ctx.warnings)), parser=f"{ctx.adapter.name}/{self.version}",
        )

    def check(self, ctx: PageContext) -> None:
        if not ctx.field("title") and not ctx.field("text"):
            raise ParseError(ctx.url, "no title and no text: not an article page")

    # -- the hooks, one per field ----------------------------------------------------------
    def read_scope(self, ctx: PageContext):
        """The article block: the first `scope` match, else the page's <body>."""
        return (H.first(ctx.tree, self.scope) if self.scope else None) or ctx.tree.body

    def read_lines(self, ctx: PageContext) -> list[str]:
        """The article block's text lines, for fields anchored on text rather than markup."""
        return H.text_lines(ctx.field("scope"))

    def read_key(self, ctx: PageContext) -> str:
        return F.identity(ctx, self.id_metas, self.id_links, self.not_article)

    def read_canonical_url(self, ctx: PageContext) -> str:
        return F.canonical(ctx, ctx.field("key"))

    def read_title(self, ctx: PageContext) -> str | None:
        return F.title(ctx.tree, self.title, self.title_suffix)

    def read_body(self, ctx: PageContext) -> list[str] | None:
        node = H.first(ctx.tree, self.body) if self.body else None
        return None if node is None else F.body_lines(node, self.clutter, self.boilerplate, self.footer)

    def read_lead(self, ctx: PageContext) -> str | None:
        return F.first_value(ctx.tree, self.lead)

    def read_text(self, ctx: PageContext) -> str:
        lead = [ctx.field("lead")] if self.lead_in_text and ctx.field("lead") else []
        if not ctx.field("body") and self.no_text_warning:
            ctx.warn(self.no_text_warning)
        return join_paragraphs(lead + (ctx.field("body") or []))

    def read_dates(self, ctx: PageContext) -> tuple[str | None, str | None]:
        published = F.first_date(ctx.tree, self.published, self.timezone, self.date_formats)
        updated = F.first_date(ctx.tree, self.updated, self.timezone, self.date_formats)
        return to_utc_iso(published), to_utc_iso(updated)

    def read_authors(self, ctx: PageContext) -> tuple[str, ...]:
        return F.authors(ctx.tree, self.authors, self.author_clean, self.author_exclude)

    def read_section(self, ctx: PageContext) -> str | None:
        return F.first_value(ctx.tree, self.section)

    def read_image(self, ctx: PageContext) -> Image | None:
        return F.image(ctx, self.image, self.image_fallback, self.image_credit)

    def read_tags(self, ctx: PageContext) -> tuple[Tag, ...]:
        return F.tags(ctx.tree, self.tags, self.tag_kind)

    def read_related(self, ctx: PageContext) -> list[RelatedItem]:
        return F.related(ctx, self.related)

    def read_comments(self, ctx: PageContext) -> list:
        return F.comments(ctx, self.comments, self.timezone)

    def read_extra(self, ctx: PageContext) -> dict[str, str]:
        return {name: found for name, chain in self.extras.items() if (found := F.first_value(ctx.tree, chain))}


class Adapter:
    name: ClassVar[str]
    origin: ClassVar[str] = ""  # the site's default base_url; config's [sites.NAME] base_url overrides
    domains: ClassVar[tuple[str, ...]] = ()
    # Matched against the URL path (and query); group "id" is the article's identity.
    article_pattern: ClassVar[re.Pattern | None] = None
    # Listing and feed pages worth following for discovery.
    listing_pattern: ClassVar[re.Pattern | None] = None
    discovery: ClassVar[tuple[D.Source, ...]] = ()
    start_paths: ClassVar[tuple[str, ...]] = ("/",)  # used when no discovery sources are named
    parsers: ClassVar[tuple[type[Parser], ...]] = ()
    # Whether the crawl learns which URL shapes are articles' (archiver.url_shapes): for a site
    # no adapter describes; one with its own article_pattern knows them.
    learns_shapes: bool = False
    # Empty days in a row that end the walk back through a daily archive: a day without
    # articles (a holiday, an outage) is stepped over, a longer run is taken as its start.
    empty_days_run: ClassVar[int] = 7

    def __init__(self, base_url: str | None = None):
        self.base_url = (base_url or self.origin).rstrip("/")

    # -- URLs ---------------------------------------------------------------------------
    def start_urls(self) -> list[str]:
        paths = D.start_paths(self.discovery) if self.discovery else self.start_paths
        return [self.base_url + path for path in paths]

    def guessed_urls(self) -> frozenset[str]:
        """Start URLs tried by convention (a /sitemap.xml), not because the site names them: one
        that is not there (404, 410) is no failure of the site."""
        return frozenset()

    def load(self) -> None:
        """Import what parsing needs, once, before a crawl's fetch threads start parsing at the
        same moment (a module several threads import at once can be seen half-initialised)."""

    def owns(self, url: str) -> bool:
        host = host_of(url)
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
    def named_sitemaps(self, urls: Iterable[str]) -> list[str]:
        """Of the sitemaps a robots.txt names, the site's own, moved onto base_url: where a site
        declares sitemaps, discovery starts there too (`links` reads them)."""
        return [self.rebase(u) for u in urls if self.owns(u)]

    def links(self, ctx: PageContext) -> PageLinks:
        """Articles and listings linked from any page: a feed, a sitemap or an HTML page."""
        if not D.is_xml(ctx):
            found = self.sort_links(D.html_links(ctx, self.discovery))
            if not self.is_listing(ctx.url):
                return found
            found = self._with_navigation(ctx, found)
            archives = [s for s in self.discovery if isinstance(s, D.DailyArchive)]
            return next((walked for a in archives if (walked := self._walk_back(ctx, a, found))), found)
        if D.is_sitemap(ctx):
            pages, sitemaps = D.sitemap_links(ctx)
        else:
            pages, sitemaps = D.feed_links(ctx, self.discovery)
        found = self.sort_links(pages + sitemaps)
        extra = [self.rebase(u) for u in sitemaps if self.owns(u)]
        return replace(found, listings=tuple(dict.fromkeys([*found.listings, *extra])))

    def _with_navigation(self, ctx: PageContext, found: PageLinks) -> PageLinks:
        """A listing's own navigation (previous day, next page, a "more" button) is followed
        whatever its markup: every link of the listing's shape, not only those under the item
        selectors."""
        anywhere = self.sort_links(u for u in map(ctx.absolute, H.hrefs(ctx.tree)) if u)
        return replace(found, listings=tuple(dict.fromkeys([*found.listings, *anywhere.listings])))

    def _walk_back(self, ctx: PageContext, archive: D.DailyArchive, found: PageLinks) -> PageLinks | None:
        """A daily archive walked back from the newest day: a day listing articles adds the
        EMPTY_DAYS_RUN days before it (a day missing its "previous day" link, or empty, does
        not end the walk); an empty day adds no earlier day; the index starts from the newest
        day it links. None: the page is none of ARCHIVE's."""
        day = _archive_day(archive, self._path(ctx.url))
        if day is not None and not found.articles:
            earlier = {u for u in found.listings if (d := _archive_day(archive, self._path(u))) and d < day}
            return replace(found, listings=tuple(u for u in found.listings if u not in earlier))
        if day is None and archive.index and self._path(ctx.url).rstrip("/") == archive.index.rstrip("/"):
            day = self._newest_day(archive, found)
        if day is None:
            return None
        back = [self.base_url + archive.path(day - timedelta(days=n)) for n in range(1, self.empty_days_run + 1)]
        return replace(found, listings=tuple(dict.fromkeys([*found.listings, *back])))

    def _newest_day(self, archive: D.DailyArchive, found: PageLinks) -> date | None:
        """The day the archive index shows: the one after the newest day it links."""
        linked = [d for u in found.listings if (d := _archive_day(archive, self._path(u)))]
        return max(linked) + timedelta(days=1) if linked else None

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

    def parse(self, page: FetchedPage, parser: type[Parser] | None = None,
              boilerplate: frozenset[str] = frozenset()) -> ParsedArticle:
        """PAGE as an article, read by the parser of its capture date (or the PARSER given:
        a capture compared with a later one is read again by the later one's parser).
        BOILERPLATE: block keys learned from the site (archiver.boilerplate), removed from the text."""
        ctx = context_for(page, self)
        if ctx.tree.body is None and not ctx.text.strip():
            raise ParseError(page.url, "empty page")
        if reason := H.unreadable(page.body, ctx.text):  # random bytes, a body compressed twice
            raise ParseError(page.url, reason)
        parser = parser() if parser is not None else self.parser_for(page)
        ctx.parser = parser
        return without_learned(parser.parse(ctx), boilerplate)


def _archive_day(archive: D.DailyArchive, path: str) -> date | None:
    """The day of a daily archive page's PATH (its path format read backwards)."""
    pattern = archive.path_format.replace("{day:", "").replace("}", "")
    for candidate in dict.fromkeys((path.split("?")[0], path.split("?")[0].rstrip("/") + "/")):
        try:
            return datetime.strptime(candidate, pattern).date()
        except ValueError:
            continue
    return None


def join_paragraphs(paragraphs: Iterable[str]) -> str:
    return "\n\n".join(p for p in (H.clean_space(p) for p in paragraphs) if p)


__all__ = [
    "Adapter", "Parser", "PageContext", "ParsedArticle", "RelatedItem", "Tag", "Image", "PageLinks",
    "ParseError", "capture_date", "context_for", "to_utc_iso", "parse_iso", "join_paragraphs", "dedupe", "H",
    "Meta", "LD", "Attr", "Link", "PageTitle", "Related", "Comments", "Chain", "F", "D",
]
