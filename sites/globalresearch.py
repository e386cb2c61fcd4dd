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
article text wherever they sit, inside the body element or after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from archiver.urls import normalize_url

from . import fields as F
from . import register
from .base import LD, Adapter, Attr, H, Image, Meta, PageContext, PageTitle, ParseError, Parser, RelatedItem, to_utc_iso
from .discovery import Feed, PaginatedListing

MONTREAL = ZoneInfo("America/Toronto")  # the Centre's own zone, for "is this the same day"
TITLE_SUFFIX = re.compile(r"\s*[|\u2013-]\s*Global Research(?: - Centre for Research on Globalization)?\s*$")
MONTH_DATE = r"(?:[A-Z][a-z]+\.? \d{1,2},? \d{4}|\d{1,2} [A-Z][a-z]+\.? \d{4})"
BYLINE = re.compile(r"^By\s+\S")
GR_DATE = re.compile(rf"^Global Research,\s*(?P<date>{MONTH_DATE})$")
SOURCE_LINE = re.compile(rf"^(?P<name>\S.*?),?\s+(?P<date>{MONTH_DATE})$")
ORIGINAL_SOURCE = re.compile(r"^The original source of this article is\s+(?P<name>.+?)\.?$")
FEATURED = re.compile(r"^Featured? [Ii]mage\s*(?:[:\-\u2013]\s*|is\s+|\s)(?P<what>.*)$")
CREDIT_IN_PARENS = re.compile(r"^(?P<caption>.*?)\s*\((?:Source|Photo|Credit|Image)s?:?\s*(?P<credit>[^)]+)\)\.?$", re.I)
CREDIT_ONLY = re.compile(r"^(?:credits? to\b|source:|photo:|image:)", re.I)
CREDIT_LINE = re.compile(r"^(?P<role>Voiceover|Voice-over|Narration|Video|Produced|Edited|Footage|Filmed) by:?\s+(?P<name>.{2,80})$")
TAG_LABELS = {"Region": "region", "Theme": "theme", "In-depth Report": "report"}
TAG_LINE = re.compile(r"^(?P<label>Region|Theme|In-depth Report)s?\s*:")
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


def parse_day(text: str) -> date | None:
    moment = F.parse_date(text.replace(".", "").replace(",", ""), formats=("%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y"))
    return moment.date() if moment else None


def is_header_line(line: str) -> bool:
    """A byline or source line, not a sentence that happens to start with "By" or end with a date."""
    short = len(line) <= 120 and not line.endswith((".", "?", "!", ":", '"', "\u201d"))
    return short and bool(BYLINE.match(line) or SOURCE_LINE.match(line))


def split_names(byline: str) -> tuple[str, ...]:
    """`By A, B and C` without author links."""
    names = re.split(r"\s*(?:,|\band\b|&)\s*", re.sub(r"^By\s+", "", byline))
    return tuple(F.dedupe(n for n in map(H.clean_space, names) if n))


def first_match(pattern: re.Pattern, lines: list[str]) -> re.Match | None:
    return next((m for m in map(pattern.match, lines) if m), None)


@dataclass(frozen=True)
class Body:
    """The article's lines, and what the body says besides: credit lines, the featured image."""

    paragraphs: tuple[str, ...]
    credits: dict[str, str]
    featured: str | None


def split_body(lines: list[str], title: str | None) -> Body:
    """Header lines repeated above the text are dropped; featured-image and credit lines taken out."""
    paragraphs: list[str] = []
    credits: dict[str, str] = {}
    featured = None
    for line in lines:
        if match := FEATURED.match(line):
            featured = featured or match["what"].strip()
        elif match := CREDIT_LINE.match(line):
            credits.setdefault(match["role"].lower().replace("-", ""), match["name"].strip())
        elif paragraphs or not (line == title or GR_DATE.match(line) or TAG_LINE.match(line) or is_header_line(line)):
            paragraphs.append(line)
    return Body(tuple(paragraphs), credits, featured)


def source_of(lines: list[str]) -> dict[str, str]:
    """The original publication: the line after `Global Research, <date>`, else the footer's
    `The original source of this article is ...`."""
    after = next((lines[i + 1] for i, line in enumerate(lines[:-1]) if GR_DATE.match(line)), "")
    if (match := SOURCE_LINE.match(after)) and not TAG_LINE.match(after) and (day := parse_day(match["date"])):
        return {"source": match["name"].strip(), "source_date": day.isoformat()}
    match = first_match(ORIGINAL_SOURCE, lines)
    return {"source": match["name"].strip()} if match else {}


def image_credit(featured: str | None) -> tuple[str | None, str | None]:
    """Caption and credit of a `Featured image: ...` line."""
    if match := CREDIT_IN_PARENS.match(featured or ""):
        return match["caption"] or None, match["credit"].strip()
    return (None, featured) if featured and CREDIT_ONLY.match(featured) else (featured or None, None)


def related_links(tree):
    """The links under a `Related Articles` heading, whatever box holds them."""
    for heading in tree.css("h2, h3, h4, div.title, span.title"):
        if heading.parent is not None and RELATED_HEADING.match(H.clean_space(heading.text())):
            yield from heading.parent.css("a[href]")


def after_header(lines: list[str]) -> list[str]:
    """Without a body element the article block also holds navigation, the headline and the
    header lines: the text starts after the last of `Global Research, <date>`, the source
    line and the Region/Theme/Report lines."""
    header = [i for i, line in enumerate(lines[:40]) if GR_DATE.match(line) or TAG_LINE.match(line)]
    return lines[header[-1] + 1:] if header else lines


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
    labelled_in = "div, p, li, span, dd, td"  # elements that may hold a byline or a Region/Theme line

    # -- the article block: its text lines and the `Global Research, <date>` line ------------
    def read_scope(self, ctx: PageContext):
        return H.first(ctx.tree, self.scope) or ctx.tree.body

    def read_lines(self, ctx: PageContext) -> list[str]:
        return H.text_lines(ctx.field("scope"))

    def read_day(self, ctx: PageContext) -> date | None:
        match = first_match(GR_DATE, ctx.field("lines"))
        return parse_day(match["date"]) if match else None

    def _labelled(self, ctx: PageContext, pattern: re.Pattern):
        """Elements whose whole text is one line matching PATTERN, in document order."""
        for node in ctx.field("scope").css(self.labelled_in):
            raw = H.clean_space(node.text(deep=True))
            if raw and pattern.match(raw) and len(H.text_lines(node)) == 1:
                yield node

    def read_canonical_url(self, ctx: PageContext) -> str:
        """The page's canonical link, with the fetched URL's slug when the link is a `?p=` shortlink."""
        found, adapter = super().read_canonical_url(ctx), ctx.adapter
        from_url = adapter.canonical_url(ctx.url)
        return from_url if adapter.article_key(from_url) == ctx.field("key") and adapter.better_url(from_url, found) else found

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
        """The Global Research date; the metadata's time when it falls on that day."""
        day, stamp = ctx.field("day"), F.first_date(ctx.tree, self.published)
        if day is None:
            ctx.warn("no 'Global Research, <date>' line; date from the page metadata" if stamp else "no publication date")
        elif stamp is None or day not in (stamp.date(), stamp.astimezone(MONTREAL).date()):
            if stamp is not None:
                ctx.warn(f"published_time {stamp.isoformat()} is not the page's date {day.isoformat()}; page date kept")
            stamp = datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
        published, updated = to_utc_iso(stamp), to_utc_iso(F.first_date(ctx.tree, self.updated))
        return published, updated if updated != published else None

    def read_authors(self, ctx: PageContext) -> tuple[str, ...]:
        """The byline's author links, else its names split on commas and "and"; else the metadata."""
        bylines = [n for n in self._labelled(ctx, BYLINE) if is_header_line(H.node_text(n))]
        node = next((n for n in bylines if n.css_first(AUTHOR_LINK) is not None), bylines[0] if bylines else None)
        names = () if node is None else F.authors(node, (AUTHOR_LINK,)) or split_names(H.node_text(node))
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
        tags = []
        for node in self._labelled(ctx, TAG_LINE):
            tags += F.tags(node, "a[href]", TAG_LABELS[TAG_LINE.match(H.clean_space(node.text()))["label"]])
        return F.dedupe(tags)

    def read_image(self, ctx: PageContext) -> Image | None:
        featured = ctx.field("split_body").featured
        if featured is None and (match := first_match(FEATURED, ctx.field("lines"))):
            featured = match["what"].strip()  # a featured-image line after the footer still describes the image
        caption, credit = image_credit(featured)
        url = ctx.absolute(F.first_value(ctx.tree, (*(Attr(s, "src", "data-src") for s in self.image), Meta("og:image"))))
        return Image(url=url, caption=caption, credit=credit) if url or caption or credit else None

    def read_related(self, ctx: PageContext) -> list[RelatedItem]:
        """The links under a `Related Articles` heading; a picture link and a title link of one
        post make one item."""
        items: dict[str, dict] = {}
        for a in related_links(ctx.tree):
            url = ctx.absolute(a.attributes.get("href"))
            key = ctx.adapter.article_key(url) if url else None
            if not key or key == ctx.field("key"):
                continue
            item = items.setdefault(key, {"url": ctx.adapter.canonical_url(url), "title": None, "image": None})
            item["title"] = item["title"] or H.clean_space(a.text()) or a.attributes.get("title")
            img = a.css_first("img")
            if img is not None and item["image"] is None:
                item["image"] = ctx.absolute(img.attributes.get("src") or img.attributes.get("data-src"))
        return [RelatedItem(key=key, kind="video" if (v["title"] or "").startswith("Video:") else "article", **v)
                for key, v in items.items()]


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
