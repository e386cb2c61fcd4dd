"""Sputnik International (sputniknews.com, today sputnikglobe.com): the RIA "b-article" platform.

Identity is the 10-digit article id, whatever the URL shape: 2014
`/middleeast/20141225/1016239222.html`, 2016-2020 `/<section>/YYYYMMDD<id>-<slug>/`, else
`meta[name=analytics:article_id]`. The canonical URL is the page's own canonical link (else
og:url, else the URL without `/amp/` and query). Discovery: the RSS feed, the daily archives of
the days it covers (`/archive/YYYYMMDD/`, `.b-plainlist__*` items) and the related boxes.

Dates (sites.md, trap 2): the header clock `div.b-sitenav__time` is when the page was served
and is never read. Published is the epoch `analytics:p_ts`; else the visible
`time.b-article__refs-date`, read as Moscow wall time unless it says GMT; the `Z` metas
(`pubdate`, `lastmod`) are used only where they agree with one of those, either at face
value (2020 layout) or as mislabelled Moscow time (up to 2019).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from . import register
from .base import H, Adapter, Meta, PageContext, Parser, PageTitle, Related, to_utc_iso
from .discovery import DailyArchive, Feed, RelatedList
from .fields import Comments, first_date, parse_iso

MOSCOW = ZoneInfo("Europe/Moscow")
VISIBLE_TIME = re.compile(r"(?P<h>\d{1,2}):(?P<m>\d{2})\s*(?P<gmt>GMT)?\s*(?P<d>\d{2})\.(?P<mo>\d{2})\.(?P<y>\d{4})")
SERIES_COUNT = re.compile(r"\s*\((?P<n>\d+)\)\s*$")


class V1(Parser):
    """2014-2019 layout: title in the page header over the photo, Moscow wall time shown."""

    version = "1"
    valid_until = date(2019, 12, 31)  # last capture seen with this layout: 2019-11-20; switch date unknown
    timezone = MOSCOW  # zone of the visible time and of the mislabelled `Z` metas
    not_article = "no article id in the URL, canonical link or analytics:article_id: not an article page"

    id_metas = ("analytics:article_id",)
    title = ("div.b-article__header-title h1", "h1[itemprop=name]", "h1[itemprop=headline]", "div.b-article h1",
             Meta("og:title", "twitter:title"), PageTitle())
    title_suffix = re.compile(r"\s*[-|]\s*Sputnik(?: International)?\s*$")
    section = ("a.b-article__refs-rubric", Meta("analytics:rubric"))
    authors = ("div.b-article__refs-author a[rel=author]", Meta("author", "analytics:author"))
    author_clean = re.compile(r"\.?\s*Sputnik International\s*$")
    author_exclude = re.compile(r"^Sputnik International$")
    lead = ("div.b-article__lead",)
    lead_in_text = True
    body = ("div.b-article__text",)
    no_text_warning = "no body paragraphs in div.b-article__text"
    clutter = (
        "div.b-inject", "p.b-disclaimer", ".b-media-copyright", "div.b-banner", "script", "style",
        "div.social-likes-pane", "div.b-article__refs",
    )
    boilerplate = (re.compile(r"^We'd love to get your feedback at\b", re.IGNORECASE), re.compile(r"^Get short URL$"))
    image = ("div.b-article__header img[itemprop=associatedMedia]", "div.b-article__header img", "div.b-article__announce-img img")
    image_credit = ("div.b-article__header-copy", "div.b-article__announce-img-copy")
    image_fallback = ("div.b-article__meta [itemprop=image]",)
    tags = "div.b-article__refs-tags a[href], div.b-article__refs a[href*='/tags/']"
    tag_kind = re.compile(r"/tags/(?:(?P<kind>[a-z]+)_)?(?P<slug>[^/?#]+)")
    related = (
        Related("div.b-article__refs-story a[href], div.b-article__refs-text a.b-article__refs-story", kind="series", other_kind="series"),
        Related("div.b-article__text div.b-inject", link=".b-inject__article-title a, .b-inject__mega-title a, .b-inject__title a",
                image="img", other_kind="series", kinds=(("[class*=type-video]", "video"),)),
        Related("div.b-article__refs-list .b-article__refs-item-title a[href]", other_kind="series", skip=re.compile("/tags/")),
    )
    extras = {"rubric": (Meta("analytics:rubric"),), "disclaimer": ("div.b-article__text p.b-disclaimer",)}
    comments = Comments(
        items=("div.comments-list.main ul.main > li[data-id]", "section.comments ul.main > li", "div.comments ul.main > li"),
        author=("a.author", ".author"), body=("div.body",), reply_to="a.other-author", time="time.date",
        sections=("section.comments", "div.comments", "#comments", "div.b-comments", "[class*=comments]"),
        shape_items="li, div.comment, article.comment, div[class*=comment-item]",
        author_shapes=(".author", ".comment-author", ".name", ".user", "[itemprop=author]"),
        body_shapes=(".body", ".comment-body", ".comment-text", ".text", "[itemprop=text]"),
        # "Ann in reply to armor (Show comment Hide comment)": the widget's header line as plain text.
        reply_line=re.compile(r"^(?P<author>.*?)\s*in reply to\s*(?P<other>[^()]+?)\s*(?:\(Show comment.*)?$", re.IGNORECASE),
        chrome=re.compile(r"^(?:avatar|Reply|Show comment|Hide comment|\(Show commentHide comment\)|Сomment|Comment)$", re.IGNORECASE),
    )

    def read_related(self, ctx: PageContext):
        """A story line's size is printed after its title, "Syria Crisis (1502)": kept apart."""
        items, sizes = [], []
        for item in super().read_related(ctx):
            count = SERIES_COUNT.search(item.title or "") if item.key == item.url else None  # not an article
            if count:
                title = SERIES_COUNT.sub("", item.title)
                sizes.append(f"{title}: {count['n']}")
                item = replace(item, title=title)
            items.append(item)
        if sizes:
            ctx.extra["series_sizes"] = ", ".join(dict.fromkeys(sizes))
        return items

    # -- dates --------------------------------------------------------------------------------
    def _visible(self, ctx: PageContext, selector: str) -> datetime | None:
        node = ctx.tree.css_first(selector)
        match = VISIBLE_TIME.search(H.node_text(node)) if node is not None else None
        if match:
            wall = datetime(int(match["y"]), int(match["mo"]), int(match["d"]), int(match["h"]), int(match["m"]))
            return wall.replace(tzinfo=timezone.utc if match["gmt"] else self.timezone)
        return first_date(ctx.tree, (f"{selector}[datetime]",), self.timezone) if node is not None else None

    def _readings(self, ctx: PageContext, *names: str) -> tuple[datetime | None, datetime | None]:
        """A `Z` meta at face value, and the same wall time read in the visible zone."""
        stamp = parse_iso(H.meta(ctx.tree, *names))
        naive = stamp.replace(tzinfo=None) if stamp else None
        return (naive.replace(tzinfo=timezone.utc), naive.replace(tzinfo=self.timezone)) if naive else (None, None)

    def read_dates(self, ctx: PageContext) -> tuple[str | None, str | None]:
        trusted = first_date(ctx.tree, (Meta("analytics:p_ts"),))
        visible = self._visible(ctx, "time.b-article__refs-date")
        face, local = self._readings(ctx, "pubdate", "datePublished")

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
        read_as = None if agreeing is None else agreeing is face
        return to_utc_iso(published), to_utc_iso(self._updated(ctx, read_as))

    def _updated(self, ctx: PageContext, at_face_value: bool | None) -> datetime | None:
        """The visible update time (seconds from a `lastmod` reading on its minute), else
        `lastmod` read the way `pubdate` was found to agree."""
        visible = self._visible(ctx, "time.b-article__refs-date-upd")
        face, local = self._readings(ctx, "lastmod", "dateModified")
        if visible is not None:
            return next((r for r in (face, local) if r is not None and r.replace(second=0, microsecond=0) == visible), visible)
        if at_face_value is None:
            return None
        return face if at_face_value else local


class V2(V1):
    """2020 layout: headline inside div.b-article, visible times marked GMT, metas in UTC."""

    version = "2"
    valid_until = None
    timezone = timezone.utc


@register
class Sputnik(Adapter):
    name = "sputnik"
    origin = "https://sputniknews.com"
    domains = ("sputniknews.com", "sputnikglobe.com")
    article_pattern = re.compile(
        r"^/(?:amp/)?(?P<section>[A-Za-z0-9_-]+)/(?P<date>(?:19|20)\d{6})/?(?P<id>\d{10})(?:\.html|-[^/?#]*/?|/)?(?:\?.*)?$"
    )
    listing_pattern = re.compile(r"^/(?:export/rss2/[A-Za-z0-9_-]+/index\.xml|archive/(?:\d{8}/?)?)(?:\?.*)?$")
    daily_archive = DailyArchive("/archive/{day:%Y%m%d}/", index="/archive/", timezone=MOSCOW,
                                 links=".b-plainlist__title a[href], .b-plainlist__item a[href]")
    # Only the content regions: feed items, archive items, related boxes and story lines.
    # Sidebars ("Latest", "Most read") and in-text links repeat what the daily archives list.
    discovery = (
        Feed("/export/rss2/archive/index.xml", archive=daily_archive),
        daily_archive,
        RelatedList("div.b-article__text div.b-inject a[href], div.b-article__refs-list a[href], div.b-article__refs-story a[href]"),
    )
    parsers = (V1, V2)

    def article_url(self, key: str) -> str:
        # The id alone does not give section, date and slug: a bare-id placeholder, used only
        # when neither the page nor its URL names the article's path.
        return f"{self.base_url}/{key}/"

    def canonical_url(self, url: str) -> str:
        """The article path of URL itself on base_url, without `/amp/`, query or fragment."""
        match = self.article_pattern.search(self._path(url)) if self.article_key(url) else None
        if not match:
            return super().canonical_url(url)
        path = re.sub(r"^/amp/", "/", match.group(0).split("?", 1)[0])
        return self.base_url + (path if path.endswith((".html", "/")) else path + "/")

    @staticmethod
    def archive_path(day: date) -> str:
        return Sputnik.daily_archive.path(day)
