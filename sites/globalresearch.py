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
from datetime import date, datetime, timezone
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from archiver.urls import normalize_url

from . import register
from .base import (
    Adapter, H, Image, PageContext, ParseError, ParsedArticle, Parser, RelatedItem, Tag,
    dedupe, join_paragraphs, parse_iso, to_utc_iso,
)

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

# Lines that end the article: everything from the first of them on is page furniture.
FOOTER = tuple(re.compile(p, re.I) for p in (
    r"^If you(?:'re| are) able,? and if you like our content",
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
    r"^To receive Global Research'?s? Daily Newsletter",
    r"^Click the share button above",
    r"^Note to readers: please click the share buttons",
    r"^Visit and follow us on Instagram",
    r"^Get Your Free Copy of",
    r"^Translate Website$",
))


def parse_day(text: str | None) -> date | None:
    if not text:
        return None
    text = H.clean_space(text).replace(".", "").replace(",", "")
    for fmt in ("%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def is_header_line(line: str) -> bool:
    """A byline or source line, not a sentence that happens to start with "By" or end with a date."""
    short = len(line) <= 120 and not line.endswith((".", "?", "!", ":", '"', "\u201d"))
    return short and bool(BYLINE.match(line) or SOURCE_LINE.match(line))


class V1(Parser):
    """2017 theme [guess]: title, byline, dates and Region/Theme lines in the article header;
    the footer lines (appeal, source, copyright, prompts, disclaimer) inside the body div."""

    version = "1"
    valid_until = date(2020, 12, 31)  # when the theme changed is unknown; both versions read text anchors

    scope = ("article[id^=post-]", "article.post", "div[itemscope][itemtype*=Article]", "#primary", "main")
    title = ("h1.entry-title", "div.title > h2[itemprop=headline]", "[itemprop=headline]", "article h1")
    body = ("div.entry-content", "div[itemprop=articleBody]", "div.post-content")
    image = ("div.featured-image img", "img.wp-post-image", "img.attachment-single-post-thumbnail")
    body_clutter = (
        "script", "style", "iframe", "form", "figcaption", ".wp-caption-text", ".sharedaddy",
        ".share-buttons", ".featured-image", "div.related-articles", "div.related-posts",
    )
    tag_candidates = "div, p, li, span, dd, td"

    def parse(self, ctx: PageContext) -> ParsedArticle:
        tree, adapter = ctx.tree, ctx.adapter
        scope = H.first(tree, self.scope) or tree.body
        key, slug = self._identity(ctx)
        title = H.first_text(tree, self.title) or H.meta(tree, "og:title", "twitter:title")
        if not title and (node := tree.css_first("title")) is not None:
            title = TITLE_SUFFIX.sub("", H.clean_space(node.text())) or None
        title = TITLE_SUFFIX.sub("", title) if title else None
        lines = H.text_lines(scope)
        gr_day = next((parse_day(m["date"]) for m in map(GR_DATE.match, lines) if m), None)
        body = self._body_lines(ctx)
        if body is None:
            if gr_day is None:
                raise ParseError(ctx.url, "no article body and no 'Global Research, <date>' line: not an article page")
            ctx.warn("no article body element; text taken from the article block")
        paragraphs, extra, featured = self._text(title, self._after_header(lines) if body is None else body, lines)
        if not title and not paragraphs:
            raise ParseError(ctx.url, "no headline and no article text: not an article page")
        if not paragraphs:
            ctx.warn("no article paragraphs found")
        extra.update(self._source(ctx, scope, lines))
        published = self._published(ctx, gr_day)
        if published and gr_day is None:
            ctx.warn("no 'Global Research, <date>' line; date from the page metadata")
        updated = to_utc_iso(parse_iso(H.meta(tree, "article:modified_time") or H.ld_article(tree).get("dateModified")))
        return ParsedArticle(
            url=ctx.url,
            canonical_url=adapter.article_url(key, slug),
            key=key,
            title=title,
            text=join_paragraphs(paragraphs),
            published=published,
            updated=updated if updated != published else None,
            authors=self._authors(ctx, scope),
            image=self._image(ctx, featured),
            extra=extra,
            related=tuple(self._related(ctx, key)),
            tags=tuple(self._tags(scope)),
            warnings=tuple(dedupe(ctx.warnings)),
            parser=f"{adapter.name}/{self.version}",
        )

    # -- identity ---------------------------------------------------------------------------
    def _identity(self, ctx: PageContext) -> tuple[str, str | None]:
        adapter, tree = ctx.adapter, ctx.tree
        canonical = ctx.absolute(H.link_href(tree, "canonical") or H.meta(tree, "og:url"))
        shortlink = ctx.absolute(H.link_href(tree, "shortlink"))
        from_url = adapter.article_key(ctx.url)
        from_canonical = adapter.article_key(canonical) if canonical else None
        from_short = adapter.article_key(shortlink) if shortlink else None
        key = from_url or from_canonical or from_short
        if not key:
            raise ParseError(ctx.url, "no post id in the URL, canonical link or shortlink")
        for other, where in ((from_canonical, "canonical link"), (from_short, "shortlink")):
            if other and other != key:
                ctx.warn(f"{where} names post {other}, the URL post {key}")
        slug = (adapter.slug(canonical) if from_canonical == key else None) or adapter.slug(ctx.url)
        return key, slug

    # -- text -------------------------------------------------------------------------------
    def _body_lines(self, ctx: PageContext) -> list[str] | None:
        body = H.first(ctx.tree, self.body)
        if body is None:
            return None
        copy = H.parse_html(body.html or "")
        for node in copy.css(", ".join(self.body_clutter)):
            node.decompose()
        return H.text_lines(copy.body)

    @staticmethod
    def _after_header(lines: list[str]) -> list[str]:
        """Without a body element the article block also holds navigation, the headline and the
        header lines: the text starts after the last of `Global Research, <date>`, the source
        line and the Region/Theme/Report lines."""
        header = [i for i, line in enumerate(lines[:40]) if GR_DATE.match(line) or TAG_LINE.match(line)]
        return lines[header[-1] + 1:] if header else lines

    def _text(self, title: str | None, lines: list[str], scope_lines: list[str]) -> tuple[list[str], dict[str, str], str | None]:
        paragraphs: list[str] = []
        extra: dict[str, str] = {}
        featured = None
        for line in lines:
            plain = line.replace("\u2019", "'")
            if any(p.search(plain) for p in FOOTER):
                if paragraphs:
                    break
                continue  # furniture above the article, not its end
            if any(p.search(plain) for p in NOISE):
                continue
            if match := FEATURED.match(line):
                featured = featured or match["what"].strip()
                continue
            if match := CREDIT_LINE.match(line):
                extra.setdefault(match["role"].lower().replace("-", ""), match["name"].strip())
                continue
            if not paragraphs and (line == title or GR_DATE.match(line) or TAG_LINE.match(line) or is_header_line(line)):
                continue  # header lines repeated inside the body
            paragraphs.append(line)
        # A featured-image line after the footer still describes the image.
        if featured is None:
            featured = next((m["what"].strip() for m in map(FEATURED.match, scope_lines) if m), None)
        return paragraphs, extra, featured

    # -- people, source, dates --------------------------------------------------------------
    def _labelled(self, scope, pattern: re.Pattern):
        """Elements whose whole text is one line matching PATTERN, in document order."""
        for node in scope.css(self.tag_candidates):
            raw = H.clean_space(node.text(deep=True))
            if raw and pattern.match(raw) and len(H.text_lines(node)) == 1:
                yield node

    def _authors(self, ctx: PageContext, scope) -> tuple[str, ...]:
        bylines = [n for n in self._labelled(scope, BYLINE) if is_header_line(H.node_text(n))]
        node = next((n for n in bylines if n.css_first("a[href*='/author/']") is not None), bylines[0] if bylines else None)
        names: list[str] = []
        if node is not None:
            names = [H.clean_space(a.text()) for a in node.css("a[href*='/author/']")]
            if not names:
                text = re.sub(r"^By\s+", "", H.node_text(node))
                names = re.split(r"\s*(?:,|\band\b|&)\s*", text)
        if not names:
            ld = H.ld_article(ctx.tree).get("author")
            people = ld if isinstance(ld, list) else [ld]
            names = [p.get("name", "") if isinstance(p, dict) else str(p or "") for p in people]
        if not names and (value := H.meta(ctx.tree, "author")):
            names = [value]
        names = dedupe(H.clean_space(n) for n in names if n and H.clean_space(n))
        if not names:
            ctx.warn("no byline")
        return tuple(names)

    def _source(self, ctx: PageContext, scope, lines: list[str]) -> dict[str, str]:
        """The original publication: the line after `Global Research, <date>`, else the
        footer's `The original source of this article is ...`."""
        out: dict[str, str] = {}
        for i, line in enumerate(lines):
            if GR_DATE.match(line) and i + 1 < len(lines):
                match = SOURCE_LINE.match(lines[i + 1])
                if match and not TAG_LINE.match(lines[i + 1]) and (day := parse_day(match["date"])):
                    out["source"] = match["name"].strip()
                    out["source_date"] = day.isoformat()
                break
        if "source" not in out:
            match = next((m for m in map(ORIGINAL_SOURCE.match, lines) if m), None)
            if match:
                out["source"] = match["name"].strip()
        if "source" in out:
            for a in scope.css("a[href]"):
                href = ctx.absolute(a.attributes.get("href"))
                if href and H.clean_space(a.text()) == out["source"] and not ctx.adapter.owns(href):
                    out["source_url"] = href
                    break
        return out

    def _published(self, ctx: PageContext, gr_day: date | None) -> str | None:
        """The Global Research date; the metadata's time when it falls on that day."""
        tree = ctx.tree
        stamp = parse_iso(H.meta(tree, "article:published_time") or H.ld_article(tree).get("datePublished"))
        if stamp is not None and stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=timezone.utc)
        if gr_day is None:
            if stamp is None:
                ctx.warn("no publication date")
            return to_utc_iso(stamp)
        if stamp is not None:
            if gr_day in (stamp.date(), stamp.astimezone(MONTREAL).date()):
                return to_utc_iso(stamp)
            ctx.warn(f"published_time {stamp.isoformat()} is not the page's date {gr_day.isoformat()}; page date kept")
        return to_utc_iso(datetime(gr_day.year, gr_day.month, gr_day.day, tzinfo=timezone.utc))

    # -- tags, image, related ---------------------------------------------------------------
    def _tags(self, scope) -> list[Tag]:
        tags = []
        for node in self._labelled(scope, TAG_LINE):
            kind = TAG_LABELS[TAG_LINE.match(H.clean_space(node.text()))["label"]]
            tags += [Tag(name, kind) for a in node.css("a[href]") if (name := H.clean_space(a.text()))]
        return dedupe(tags)

    def _image(self, ctx: PageContext, featured: str | None) -> Image | None:
        node = H.first(ctx.tree, self.image)
        src = node.attributes.get("src") or node.attributes.get("data-src") if node is not None else None
        url = ctx.absolute(src) or ctx.absolute(H.meta(ctx.tree, "og:image"))
        caption = credit = None
        if featured:
            if match := CREDIT_IN_PARENS.match(featured):
                caption, credit = match["caption"] or None, match["credit"].strip()
            elif CREDIT_ONLY.match(featured):
                credit = featured
            else:
                caption = featured
        if url is None and caption is None and credit is None:
            return None
        return Image(url=url, caption=caption, credit=credit)

    def _related(self, ctx: PageContext, own_key: str) -> list[RelatedItem]:
        adapter = ctx.adapter
        items: dict[str, dict] = {}
        for heading in ctx.tree.css("h2, h3, h4, div.title, span.title"):
            if not RELATED_HEADING.match(H.clean_space(heading.text())) or heading.parent is None:
                continue
            for a in heading.parent.css("a[href]"):
                url = ctx.absolute(a.attributes.get("href"))
                key = adapter.article_key(url) if url else None
                if not key or key == own_key:
                    continue
                item = items.setdefault(key, {"url": adapter.canonical_url(url), "title": None, "image": None})
                item["title"] = item["title"] or H.clean_space(a.text()) or a.attributes.get("title")
                img = a.css_first("img")
                if img is not None and item["image"] is None:
                    item["image"] = ctx.absolute(img.attributes.get("src") or img.attributes.get("data-src"))
        return [
            RelatedItem(key=key, url=v["url"], title=v["title"], image=v["image"],
                        kind="video" if (v["title"] or "").startswith("Video:") else "article")
            for key, v in items.items()
        ]


class V2(V1):
    """2025-era layout [scraper selectors]: `div.title > h2[itemprop=headline]`,
    `div[itemprop=articleBody]`, `img.attachment-single-post-thumbnail`; Yoast metas and
    JSON-LD; the Region/Theme lines and most footer lines after the body."""

    version = "2"
    valid_until = None
    scope = ("div.post[itemscope]", "div[itemscope][itemtype*=Article]", "article[id^=post-]", "#main", "main")
    title = ("div.title > h2[itemprop=headline]", "[itemprop=headline]", "h1.entry-title", "h1")
    body = ("div[itemprop=articleBody]", "div.entry-content", "div.post-content")
    image = ("img.attachment-single-post-thumbnail", "img.wp-post-image", "div.featured-image img")


@register
class GlobalResearch(Adapter):
    name = "globalresearch"
    domains = ("globalresearch.ca",)
    article_pattern = re.compile(r"^/(?:(?P<slug>[^/?#]+)/(?P<id>\d{7,8})/?|(?:index\.php)?\?(?:[^#]*&)?p=(?P<pid>\d{7,8}))(?:[?#&]|$)")
    listing_sections = ("region/middle-east",)
    listing_pattern = re.compile(
        r"^/(?:feed/?|(?:%s)/?(?:page/\d+/?)?)(?:\?|$)" % "|".join(map(re.escape, listing_sections))
    )
    start_paths = ("/feed", "/region/middle-east/")
    parsers = (V1, V2)

    def article_key(self, url: str) -> str | None:
        if not self.owns(url):
            return None
        match = self.article_pattern.search(self._path(url))
        return (match["id"] or match["pid"]) if match else None

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
