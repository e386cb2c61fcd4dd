"""Sputnik International (sputniknews.com, today sputnikglobe.com): the RIA "b-article" platform.

Identity is the 10-digit article id, whatever the URL shape: 2014
`/middleeast/20141225/1016239222.html`, 2016-2020 `/<section>/YYYYMMDD<id>-<slug>/`, else
`meta[name=analytics:article_id]`. Discovery: the RSS feed, the daily archives of the days it
covers (`/archive/YYYYMMDD/`, `.b-plainlist__*` items) and the related boxes of articles.

Dates (sites.md, trap 2): the header clock `div.b-sitenav__time` is when the page was served
and is never read. Published is the epoch `analytics:p_ts`; else the visible
`time.b-article__refs-date`, read as Moscow wall time unless it says GMT; the `Z` metas
(`pubdate`, `lastmod`) are used only where they agree with one of those, either at face
value (2020 layout) or as mislabelled Moscow time (up to 2019).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

from archiver.models import Comment

from . import register
from .base import (
    Adapter, H, Image, PageContext, PageLinks, ParseError, ParsedArticle, Parser, RelatedItem, Tag,
    dedupe, join_paragraphs, parse_iso, to_utc_iso,
)

MOSCOW = ZoneInfo("Europe/Moscow")
# "Ann in reply to armor (Show comment Hide comment)": the widget's header line as plain text.
REPLY_LINE = re.compile(r"^(?P<author>.*?)\s*in reply to\s*(?P<other>[^()]+?)\s*(?:\(Show comment.*)?$", re.IGNORECASE)
COMMENT_CHROME = re.compile(r"^(?:avatar|Reply|Show comment|Hide comment|\(Show commentHide comment\)|Сomment|Comment)$", re.IGNORECASE)
SITE_SUFFIX = re.compile(r"\s*[-|]\s*Sputnik(?: International)?\s*$")
AUTHOR_SUFFIX = re.compile(r"\.?\s*Sputnik International\s*$")
VISIBLE_TIME = re.compile(r"(?P<h>\d{1,2}):(?P<m>\d{2})\s*(?P<gmt>GMT)?\s*(?P<d>\d{2})\.(?P<mo>\d{2})\.(?P<y>\d{4})")
SERIES_COUNT = re.compile(r"\s*\((?P<n>\d+)\)\s*$")
TAG_KIND = re.compile(r"/tags/(?:(?P<kind>[a-z]+)_)?(?P<slug>[^/?#]+)")
BOILERPLATE = (
    re.compile(r"^We'd love to get your feedback at\b", re.IGNORECASE),
    re.compile(r"^Get short URL$"),
)


class V1(Parser):
    """2014-2019 layout: title in the page header over the photo, Moscow wall time shown."""

    version = "1"
    valid_until = date(2019, 12, 31)  # last capture seen with this layout: 2019-11-20; switch date unknown
    visible_tz = MOSCOW  # zone of the visible time and of the mislabelled `Z` metas

    title = ("div.b-article__header-title h1", "h1[itemprop=name]", "h1[itemprop=headline]", "div.b-article h1")
    section = ("a.b-article__refs-rubric",)
    published_visible = "time.b-article__refs-date"
    updated_visible = "time.b-article__refs-date-upd"
    authors = "div.b-article__refs-author a[rel=author]"
    lead = "div.b-article__lead"
    body = "div.b-article__text"
    body_clutter = (
        "div.b-inject", "p.b-disclaimer", ".b-media-copyright", "div.b-banner", "script", "style",
        "div.social-likes-pane", "div.b-article__refs",
    )
    disclaimer = "p.b-disclaimer"
    photo = ("div.b-article__header img[itemprop=associatedMedia]", "div.b-article__header img", "div.b-article__announce-img img")
    photo_credit = ("div.b-article__header-copy", "div.b-article__announce-img-copy")
    meta_image = "div.b-article__meta [itemprop=image]"
    tags = "div.b-article__refs-tags a[href], div.b-article__refs a[href*='/tags/']"
    injects = "div.b-article__text div.b-inject"
    inject_title = ".b-inject__article-title a, .b-inject__mega-title a, .b-inject__title a"
    inject_photo = "img"
    story_lines = "div.b-article__refs-story a[href], div.b-article__refs-text a.b-article__refs-story"
    refs_links = "div.b-article__refs-list .b-article__refs-item-title a[href]"
    comments = ("div.comments-list.main ul.main > li[data-id]", "section.comments ul.main > li", "div.comments ul.main > li")
    comment_sections = ("section.comments", "div.comments", "#comments", "div.b-comments", "[class*=comments]")
    comment_items = "li, div.comment, article.comment, div[class*=comment-item]"
    comment_authors = (".author", ".comment-author", ".name", ".user", "[itemprop=author]")
    comment_bodies = (".body", ".comment-body", ".comment-text", ".text", "[itemprop=text]")

    def parse(self, ctx: PageContext) -> ParsedArticle:
        tree, adapter = ctx.tree, ctx.adapter
        key = self._key(ctx)
        title = H.first_text(tree, self.title) or H.meta(tree, "og:title", "twitter:title")
        if not title and (node := tree.css_first("title")) is not None:
            title = SITE_SUFFIX.sub("", H.clean_space(node.text())) or None
        body = tree.css_first(self.body)
        if body is None and not title:
            raise ParseError(ctx.url, "no b-article title or body: not an article page")
        lead = self._lead(tree)
        paragraphs = self._paragraphs(body)
        if not paragraphs:
            ctx.warn("no body paragraphs in div.b-article__text")
        published, updated = self._dates(ctx)
        extra = {}
        if rubric := H.meta(tree, "analytics:rubric"):
            extra["rubric"] = rubric
        if body is not None and (disclaimer := H.first_text(body, (self.disclaimer,))):
            extra["disclaimer"] = disclaimer
        related, series_sizes = self._related(ctx)
        if series_sizes:
            extra["series_sizes"] = ", ".join(series_sizes)
        return ParsedArticle(
            url=ctx.url,
            canonical_url=adapter.article_url(key),
            key=key,
            title=title,
            text=join_paragraphs(([lead] if lead else []) + paragraphs),
            published=published,
            updated=updated,
            authors=self._authors(tree),
            section=H.first_text(tree, self.section) or H.meta(tree, "analytics:rubric"),
            lead=lead,
            image=self._image(ctx),
            extra=extra,
            related=tuple(related),
            tags=tuple(self._tags(tree)),
            comments=tuple(self._comments(ctx)),
            warnings=tuple(ctx.warnings),
            parser=f"{adapter.name}/{self.version}",
        )

    # -- identity -------------------------------------------------------------------------
    def _key(self, ctx: PageContext) -> str:
        adapter, tree = ctx.adapter, ctx.tree
        from_url = adapter.article_key(ctx.url)
        from_meta = H.meta(tree, "analytics:article_id")
        canonical = ctx.absolute(H.link_href(tree, "canonical"))
        from_canonical = adapter.article_key(adapter.rebase(canonical)) if canonical else None
        key = from_url or from_meta or from_canonical
        if not key:
            raise ParseError(ctx.url, "no article id in the URL, analytics:article_id or canonical link")
        if from_meta and from_meta != key:
            ctx.warn(f"analytics:article_id {from_meta} differs from the URL's id {key}")
        if from_canonical == key:
            adapter.remember(canonical)
        return key

    # -- text -----------------------------------------------------------------------------
    def _lead(self, tree) -> str | None:
        node = tree.css_first(self.lead)
        return H.clean_space(" ".join(H.text_lines(node))) or None if node is not None else None

    def _paragraphs(self, body) -> list[str]:
        if body is None:
            return []
        copy = H.parse_html(body.html or "")
        root = copy.css_first(self.body) or copy.body
        for node in root.css(", ".join(self.body_clutter)):
            node.decompose()
        return [line for line in H.text_lines(root) if not any(p.search(line) for p in BOILERPLATE)]

    # -- people, dates --------------------------------------------------------------------
    def _authors(self, tree) -> tuple[str, ...]:
        names = [H.clean_space(a.text()) for a in tree.css(self.authors)]
        if not names and (value := H.meta(tree, "author", "analytics:author")):
            names = [AUTHOR_SUFFIX.sub("", value)]
        return tuple(dedupe(n for n in names if n and n != "Sputnik International"))

    def _visible(self, tree, selector: str) -> datetime | None:
        node = tree.css_first(selector)
        if node is None:
            return None
        match = VISIBLE_TIME.search(H.clean_space(node.text()))
        if match:
            wall = datetime(int(match["y"]), int(match["mo"]), int(match["d"]), int(match["h"]), int(match["m"]))
            return wall.replace(tzinfo=timezone.utc if match["gmt"] else self.visible_tz)
        stamp = parse_iso(node.attributes.get("datetime"))
        if stamp is not None and stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=self.visible_tz)
        return stamp

    def _meta_readings(self, tree, *names: str) -> tuple[datetime | None, datetime | None]:
        """A `Z` meta at face value, and the same wall time read in the visible zone."""
        stamp = parse_iso(H.meta(tree, *names))
        if stamp is None:
            return None, None
        naive = stamp.replace(tzinfo=None)
        return naive.replace(tzinfo=timezone.utc), naive.replace(tzinfo=self.visible_tz)

    def _dates(self, ctx: PageContext) -> tuple[str | None, str | None]:
        tree = ctx.tree
        epoch = H.meta(tree, "analytics:p_ts")
        trusted = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch and epoch.isdigit() else None
        visible = self._visible(tree, self.published_visible)
        face, local = self._meta_readings(tree, "pubdate", "datePublished")

        def agrees(reading: datetime) -> bool:
            if trusted is not None:
                return abs(reading - trusted) < timedelta(seconds=1)
            return visible is not None and reading.replace(second=0, microsecond=0) == visible

        agreeing = next((r for r in (face, local) if r is not None and agrees(r)), None)
        published = trusted or agreeing or visible
        if published is None and face is not None:
            published = face
            ctx.warn("publication time only from the pubdate meta, taken as UTC")
        elif published is None:
            ctx.warn("no publication time (analytics:p_ts, b-article__refs-date, pubdate)")
        elif face is not None and agreeing is None:
            ctx.warn("pubdate meta agrees with neither analytics:p_ts nor the visible time; ignored")

        visible_upd = self._visible(tree, self.updated_visible)
        face_upd, local_upd = self._meta_readings(tree, "lastmod", "dateModified")
        if visible_upd is not None:
            within = lambda r: r is not None and r.replace(second=0, microsecond=0) == visible_upd  # noqa: E731
            updated = next((r for r in (face_upd, local_upd) if within(r)), visible_upd)
        elif agreeing is not None:
            # lastmod is labelled like pubdate, and the agreement above showed how
            updated = face_upd if agreeing is face else local_upd
        else:
            updated = None
        return to_utc_iso(published), to_utc_iso(updated)

    # -- image, tags, related, comments -----------------------------------------------------
    def _image(self, ctx: PageContext) -> Image | None:
        tree = ctx.tree
        photo = H.first(tree, self.photo)
        credit = H.first_text(tree, self.photo_credit)
        if photo is not None:
            caption = H.clean_space(photo.attributes.get("alt") or photo.attributes.get("title")) or None
            return Image(url=ctx.absolute(photo.attributes.get("src")), caption=caption, credit=credit)
        node = tree.css_first(self.meta_image)
        url = H.clean_space(node.text()) if node is not None else None
        return Image(url=ctx.absolute(url), credit=credit) if url else None

    def _tags(self, tree) -> list[Tag]:
        tags = []
        for a in tree.css(self.tags):
            name = H.clean_space(a.text())
            match = TAG_KIND.search(a.attributes.get("href") or "")
            if name and match:
                tags.append(Tag(name=name, kind=match["kind"]))
        return dedupe(tags, key=lambda t: t.name)

    def _related(self, ctx: PageContext) -> tuple[list[RelatedItem], list[str]]:
        adapter, tree = ctx.adapter, ctx.tree
        items: list[RelatedItem] = []
        sizes: list[str] = []

        def add(a, image=None, kind=None):
            url = ctx.absolute(a.attributes.get("href"))
            title = H.clean_space(a.text())
            if not url or not title or not adapter.owns(url):
                return
            url = adapter.rebase(url)
            key = adapter.article_key(url)
            if key is None:
                count = SERIES_COUNT.search(title)
                if count:
                    sizes.append(f"{SERIES_COUNT.sub('', title)}: {count['n']}")
                    title = SERIES_COUNT.sub("", title)
                kind = kind or "series"
            items.append(RelatedItem(
                key=key or adapter.canonical_url(url),
                url=adapter.canonical_url(url),
                title=title,
                image=image,
                kind=kind or "article",
            ))

        for a in tree.css(self.story_lines):
            add(a, kind="series")
        for box in tree.css(self.injects):
            a = box.css_first(self.inject_title)
            if a is None:
                continue
            img = box.css_first(self.inject_photo)
            classes = box.attributes.get("class") or ""
            add(a, image=ctx.absolute(img.attributes.get("src")) if img is not None else None,
                kind="video" if "type-video" in classes else None)
        for a in tree.css(self.refs_links):
            if "/tags/" not in (a.attributes.get("href") or ""):
                add(a)
        return dedupe(items, key=lambda r: r.key), dedupe(sizes)

    def _comments(self, ctx: PageContext) -> list[Comment]:
        nodes = []
        for selector in self.comments:
            nodes = [li for li in ctx.tree.css(selector) if li.attributes.get("data-id")]
            if nodes:
                break
        if not nodes:
            return self._comments_by_shape(ctx)
        comments: list[Comment] = []
        by_id: dict[str, int] = {}
        for li in nodes:
            body = li.css_first("div.body")
            text = join_paragraphs(H.text_lines(body)) if body is not None else ""
            if not text:
                continue
            position = len(comments) + 1  # 1-based, like the store's related and tag positions
            author = H.first_text(li, ("a.author", ".author"))
            reply_to = by_id.get(li.attributes.get("data-parent-id") or "")
            other = H.first_text(li, ("a.other-author",))
            if reply_to is None and other:
                reply_to = next((c.position for c in reversed(comments) if c.author == other), None)
                if reply_to is None:
                    ctx.warn(f"comment {position} answers {other!r}, whose comment is not on the page")
            when = self._comment_time(li)
            comments.append(Comment(author=author, text=text, position=position, reply_to=reply_to, published=when))
            by_id[li.attributes["data-id"]] = position
        return comments

    def _comments_by_shape(self, ctx: PageContext) -> list[Comment]:
        """Comments rendered in markup other than the RIA widget's (a mirror, another
        template): items of the comment section, each an author element and its text, with
        the widget's "X in reply to Y" line read from the text itself."""
        section = H.first(ctx.tree, self.comment_sections)
        if section is None:
            return []
        comments: list[Comment] = []
        for item in section.css(self.comment_items):
            if len(item.css(self.comment_items)) > 1:
                continue  # a wrapper of items (css() matches the node itself too), not an item
            if item.css_first("form, textarea, input, label, button") is not None:
                continue  # the widget's own messages and forms
            author_node = H.first(item, self.comment_authors)
            body_node = H.first(item, self.comment_bodies)
            lines = H.text_lines(item)
            header = next((m for m in map(REPLY_LINE.match, lines[:2]) if m), None)
            if author_node is None and body_node is None and header is None and item.css_first("img") is None:
                continue
            author = H.clean_space(author_node.text()) if author_node is not None else None
            author = author or (header["author"].strip() if header else None) or None
            if body_node is not None:
                lines = H.text_lines(body_node)
            else:
                lines = [line for line in lines if line != author and not REPLY_LINE.match(line)]
            text = join_paragraphs(line for line in lines if not COMMENT_CHROME.match(line))
            if not text:
                continue
            reply_to = None
            if header:
                other = header["other"].strip()
                reply_to = next((c.position for c in reversed(comments) if c.author == other), None)
            comments.append(Comment(author=author, text=text, position=len(comments) + 1, reply_to=reply_to))
        return comments

    def _comment_time(self, li) -> str | None:
        node = li.css_first("time.date")
        stamp = parse_iso(node.attributes.get("datetime")) if node is not None else None
        if stamp is not None and stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=self.visible_tz)
        return to_utc_iso(stamp)


class V2(V1):
    """2020 layout: headline inside div.b-article, visible times marked GMT, metas in UTC."""

    version = "2"
    valid_until = None
    visible_tz = timezone.utc


@register
class Sputnik(Adapter):
    name = "sputnik"
    domains = ("sputniknews.com", "sputnikglobe.com")
    article_pattern = re.compile(
        r"^/(?:amp/)?(?P<section>[A-Za-z0-9_-]+)/(?P<date>(?:19|20)\d{6})/?(?P<id>\d{10})(?:\.html|-[^/?#]*/?|/)?(?:\?.*)?$"
    )
    listing_pattern = re.compile(r"^/(?:export/rss2/[A-Za-z0-9_-]+/index\.xml|archive/(?:\d{8}/?)?)(?:\?.*)?$")
    start_paths = ("/export/rss2/archive/index.xml", "/archive/")
    parsers = (V1, V2)

    # Only the content regions: feed items, archive items, related boxes and story lines.
    # Sidebars ("Latest", "Most read") and in-text links repeat what the daily archives list.
    discovery_links = (
        ".b-plainlist__title a[href], .b-plainlist__item a[href], div.b-article__text div.b-inject a[href], "
        "div.b-article__refs-list a[href], div.b-article__refs-story a[href]"
    )

    def __init__(self, base_url: str):
        super().__init__(base_url)
        self._paths: dict[str, str] = {}  # article id -> its canonical path, as seen

    # -- URLs -------------------------------------------------------------------------------
    def _canonical_path(self, url: str) -> str | None:
        match = self.article_pattern.search(self._path(url))
        if not match:
            return None
        path = match.group(0).split("?", 1)[0]
        path = re.sub(r"^/amp/", "/", path)
        return path if path.endswith((".html", "/")) else path + "/"

    def remember(self, url: str) -> None:
        """Record an article URL's path (e.g. the page's canonical link) as its canonical form."""
        key, path = self.article_key(url), self._canonical_path(url)
        if key and path:
            self._paths[key] = path

    def article_url(self, key: str) -> str:
        # Sputnik URLs need section, date and slug, which the id alone does not give: use the
        # path seen for this id (the page's canonical link wins), else a bare-id placeholder.
        return self.base_url + self._paths.get(key, f"/{key}/")

    def canonical_url(self, url: str) -> str:
        key = self.article_key(url)
        if key is None:
            return super().canonical_url(url)
        if key not in self._paths:
            self.remember(self.rebase(url))
        return self.article_url(key)

    @staticmethod
    def archive_path(day: date) -> str:
        return f"/archive/{day:%Y%m%d}/"

    # -- discovery ------------------------------------------------------------------------------
    def links(self, ctx: PageContext) -> PageLinks:
        if ctx.page.content_type.endswith("xml") or ctx.text.lstrip().startswith("<?xml"):
            found = re.findall(r"<item\b.*?</item>", ctx.text, re.S)
            urls = [u for item in found for u in re.findall(r"<(?:link|guid)[^>]*>\s*(?:<!\[CDATA\[)?\s*(https?://[^<\s\]]+)", item)]
            days = set()
            for stamp in re.findall(r"<pubDate>\s*([^<]+?)\s*</pubDate>", " ".join(found)):
                try:
                    days.add(parsedate_to_datetime(stamp).astimezone(MOSCOW).date())
                except (TypeError, ValueError, IndexError):
                    continue
            # the daily archives of the days the feed covers list what the feed has truncated
            urls += [self.base_url + self.archive_path(day) for day in sorted(days, reverse=True)]
            return self.sort_links(ctx.absolute(u) for u in urls)
        return self.sort_links(u for u in (ctx.absolute(h) for h in H.hrefs(ctx.tree, self.discovery_links)) if u)
