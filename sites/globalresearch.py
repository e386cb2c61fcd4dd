"""Global Research (www.globalresearch.ca), a WordPress site.

Identity is the 7-digit post id at the end of `/<slug>/<id>`; the slug and any query
(`?doing_wp_cron=...`) are not. WordPress also answers the shortlink `/?p=<id>`, which is what
`article_url(id)` falls back to when the slug is not known; the canonical URL of an article is
`<base_url>/<slug>/<id>` with the slug of the page's own canonical link.

Discovery: `/feed` (RSS) and the paginated `/region/middle-east/` listing (`/page/N/`); the
crawler stops following the pagination once a page adds nothing new.

The markup of the 2017 theme is a guess (sites.md), the 2025 selectors come from a scraper.
What is confirmed is the page *text*, so fields are anchored on text patterns whatever the
wrapper: the `By ...` byline, `Global Research, June 10, 2017`, the original source line
(`South Front 9 June 2017`), the `Region:` / `Theme:` / `In-depth Report:` lines, and the footer
lines (donation appeal, `Featured image`, `The original source of this article is`, copyright,
Facebook and membership prompts, disclaimer, fair use, `For media inquiries`), which end the
article text wherever they sit, inside the body element or after it. The line rules are in
sites/globalresearch_text.py; byline, tag lines, legends and the related list by its heading are
the shared text-anchored extractors of sites/fields.py.
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from archiver.urls import normalize_url

from . import fields as F
from . import register
from .base import LD, Adapter, Attr, H, Image, Meta, PageContext, PageTitle, ParseError, Parser, Related, to_utc_iso
from .discovery import Feed, PaginatedListing
from .globalresearch_text import BYLINE, FEATURED, GR_DATE, TAG_KINDS, TAG_LINE, Body, after_header, is_header_line, source_of, split_body

MONTREAL = ZoneInfo("America/Toronto")  # the Centre's own zone, for "is this the same day"
TITLE_SUFFIX = re.compile(r"\s*[|\u2013-]\s*Global Research(?: - Centre for Research on Globalization)?\s*$")
RELATED_HEADING = re.compile(r"^Related(?: Articles| Posts| Stories)?:?$", re.I)
AUTHOR_LINK = "a[href*='/author/']"

# Lines that end the article: everything from the first of them on is page furniture.
FOOTER = tuple(re.compile(p, re.I) for p in (
    r"^If you(?:['’]re| are) able,? and if you like our content",
    r"^(?:Please )?support (?:the project|our work)\b.*(?:PayPal|patreon|donate)",
    r"^The original source of this article is\b",
    r"^Copyright\s*(?:©|\(c\)|&copy;)",
    r"^©\s*Copyright\b",
    r"^Comment on Global Research Articles on our Facebook page",
    r"^Become a Member of Global Research",
    r"^Articles by:",
    r"^Disclaimer: The contents of this article",
    r"^www\.globalresearch\.ca contains copyrighted material",
    r"^For media inquiries",
    r"^Global Research is a reader-funded media",
    r"^Related(?: Articles| Posts)?:?$",
))
# Lines that are never article text wherever they sit (prompts at the top, credits).
NOISE = tuple(re.compile(p, re.I) for p in (
    r"^All Global Research articles can be read in \d+ languages",
    r"^To receive Global Research['’]?s? Daily Newsletter",
    r"^Click the share button above",
    r"^Note to readers: please click the share buttons",
    r"^Visit and follow us on Instagram",
    r"^Get Your Free Copy of",
    r"^Translate Website$",
))


class V1(Parser):
    """2017 theme [guess]: title, byline, dates and Region/Theme lines in the article header;
    the footer lines (appeal, source, copyright, prompts, disclaimer) inside the body div."""

    version = "1"
    valid_until = date(2020, 12, 31)  # when the theme changed is unknown; both versions read text anchors
    id_links = ("shortlink",)
    scope = ("article[id^=post-]", "article.post", "div[itemscope][itemtype*=Article]", "#primary", "main")
    title = ("h1.entry-title", "div.title > h2[itemprop=headline]", "[itemprop=headline]", "article h1",
             Meta("og:title", "twitter:title"), PageTitle())
    title_suffix = TITLE_SUFFIX
    body = ("div.entry-content", "div[itemprop=articleBody]", "div.post-content")
    clutter = (
        "script", "style", "iframe", "form", "figcaption", ".wp-caption-text", ".sharedaddy",
        ".share-buttons", ".featured-image", "div.related-articles", "div.related-posts",
    )
    boilerplate = NOISE
    footer = FOOTER
    no_text_warning = "no article paragraphs found"
    image = ("div.featured-image img", "img.wp-post-image", "img.attachment-single-post-thumbnail")
    related = (Related("a[href]", image="img", heading=RELATED_HEADING, title_kinds=((re.compile("^Video:"), "video"),)),)

    # -- the `Global Research, <date>` line ------------------------------------------------------
    def read_day(self, ctx: PageContext) -> date | None:
        match = F.first_match(GR_DATE, ctx.field("lines"))
        return F.parse_day(match["date"]) if match else None

    # -- text ---------------------------------------------------------------------------------
    def read_split_body(self, ctx: PageContext) -> Body:
        lines = super().read_body(ctx)
        if lines is None:
            if ctx.field("day") is None:
                raise ParseError(ctx.url, "no article body and no 'Global Research, <date>' line: not an article page")
            ctx.warn("no article body element; text taken from the article block")
            lines = F.clean_lines(after_header(ctx.field("lines")), self.boilerplate, self.footer)
        return split_body(lines, ctx.field("title"))

    def read_body(self, ctx: PageContext) -> list[str]:
        return list(ctx.field("split_body").paragraphs)

    # -- dates, people, source ----------------------------------------------------------------
    def read_dates(self, ctx: PageContext) -> tuple[str | None, str | None]:
        """The Global Research date; the metadata's time when it falls on that day. A day the
        page gives without a time is stored as the day ("2017-06-10"), never as a midnight."""
        day, stamp = ctx.field("day"), F.first_date(ctx.tree, self.published)
        if day is None:
            ctx.warn("no 'Global Research, <date>' line; date from the page metadata" if stamp else "no publication date")
        elif stamp is None or day not in (stamp.date(), stamp.astimezone(MONTREAL).date()):
            if stamp is not None:
                ctx.warn(f"published_time {stamp.isoformat()} is not the page's date {day.isoformat()}; page date kept")
            stamp = None
        published = to_utc_iso(stamp) if stamp is not None else (day.isoformat() if day is not None else None)
        if published is not None:
            ctx.extra["published_precision"] = "day" if stamp is None else "second" if stamp.second else "minute"
        updated = to_utc_iso(F.first_date(ctx.tree, self.updated))
        return published, updated if updated != published else None

    def read_authors(self, ctx: PageContext) -> tuple[str, ...]:
        """The byline's author links, else its names split on commas and "and"; else the metadata."""
        bylines = [n for n in F.labelled(ctx.field("scope"), BYLINE) if is_header_line(H.node_text(n))]
        node = next((n for n in bylines if n.css_first(AUTHOR_LINK) is not None), bylines[0] if bylines else None)
        names = () if node is None else F.authors(node, (AUTHOR_LINK,)) or F.split_names(H.node_text(node))
        names = names or F.authors(ctx.tree, (LD("author"), Meta("author")))
        if not names:
            ctx.warn("no byline")
        return names

    def read_extra(self, ctx: PageContext) -> dict[str, str]:
        """Credit lines, and the original publication with its link when the page has one."""
        out = {**ctx.field("split_body").credits, **source_of(ctx.field("lines"))}
        links = ((ctx.absolute(a.attributes.get("href")), H.clean_space(a.text())) for a in ctx.field("scope").css("a[href]"))
        if url := next((u for u, text in links if u and text == out.get("source") and not ctx.adapter.owns(u)), None):
            out["source_url"] = url
        return out

    # -- tags, image, related -----------------------------------------------------------------
    def read_tags(self, ctx: PageContext) -> list:
        return F.labelled_tags(ctx.field("scope"), TAG_LINE, TAG_KINDS)

    def read_image(self, ctx: PageContext) -> Image | None:
        featured = ctx.field("split_body").featured
        if featured is None and (match := F.first_match(FEATURED, ctx.field("lines"))):
            featured = match["what"].strip()  # a featured-image line after the footer still describes the image
        caption, credit = F.caption_credit(featured)
        url = ctx.absolute(F.first_value(ctx.tree, (*(Attr(s, "src", "data-src") for s in self.image), Meta("og:image"))))
        return Image(url=url, caption=caption, credit=credit) if url or caption or credit else None


class V2(V1):
    """2025-era layout [scraper selectors]: `div.title > h2[itemprop=headline]`,
    `div[itemprop=articleBody]`, `img.attachment-single-post-thumbnail`; Yoast metas and
    JSON-LD; the Region/Theme lines and most footer lines after the body."""

    version = "2"
    valid_until = None
    scope = ("div.post[itemscope]", "div[itemscope][itemtype*=Article]", "article[id^=post-]", "#main", "main")
    title = ("div.title > h2[itemprop=headline]", "[itemprop=headline]", "h1.entry-title", "h1",
             Meta("og:title", "twitter:title"), PageTitle())
    body = ("div[itemprop=articleBody]", "div.entry-content", "div.post-content")
    image = ("img.attachment-single-post-thumbnail", "img.wp-post-image", "div.featured-image img")


@register
class GlobalResearch(Adapter):
    name = "globalresearch"
    origin = "https://www.globalresearch.ca"
    domains = ("globalresearch.ca",)
    # `/<slug>/<id>` or WordPress's `/?p=<id>` (also `/index.php?...&p=<id>`)
    article_pattern = re.compile(r"^/(?:(?P<slug>[^/?#]+)/|(?:index\.php)?\?(?:[^#]*&)?p=)(?P<id>\d{7,8})/?(?:[?#&]|$)")
    listing_sections = ("region/middle-east",)
    listing_pattern = re.compile(
        r"^/(?:feed/?|(?:%s)/?(?:page/\d+/?)?)(?:\?|$)" % "|".join(map(re.escape, listing_sections))
    )
    discovery = (Feed("/feed"), PaginatedListing("/region/middle-east/"))
    parsers = (V1, V2)

    def slug(self, url: str | None) -> str | None:
        match = self.article_pattern.search(self._path(url)) if url and self.owns(url) else None
        return match["slug"].lower() if match and match["slug"] else None

    def article_url(self, key: str, slug: str | None = None) -> str:
        return f"{self.base_url}/{slug}/{key}" if slug else f"{self.base_url}/?p={key}"

    def canonical_url(self, url: str) -> str:
        key = self.article_key(url)
        return self.article_url(key, self.slug(url)) if key else normalize_url(self.rebase(url) if self.owns(url) else url)

    def better_url(self, candidate: str, current: str) -> bool:
        """The slug form over the `?p=` shortlink a feed's guid carries."""
        return bool(self.slug(candidate)) and not self.slug(current)

    def listing_url(self, url: str) -> str:
        """WordPress's own spelling: `/feed`, and archives with a trailing slash."""
        parts = urlsplit(normalize_url(url))
        path = parts.path.rstrip("/")
        return parts._replace(path=path if path.endswith("/feed") else path + "/").geturl()
