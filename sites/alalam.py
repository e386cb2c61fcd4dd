"""Alalam English (en.alalam.ir), the 2013–2017 site that leaked its related list.

No 2016 HTML is preserved, so no selector is trusted for the body: the page is read as a text
stream (sites/alalam_text.py) for the title, the Tehran date line, the paragraphs up to a
signature and the PHP var_dump of the related list. A related item's date is the .NET tick
count in its picture name (`alalam_<ticks>_25f_4x3`).
"""

from __future__ import annotations

import re

from . import register
from .alalam_text import Story, VarDump, find_var_dump, is_date_line, read_story, ticks_to_utc
from .base import H, Adapter, Link, Meta, PageContext, PageLinks, PageTitle, ParseError, Parser, RelatedItem, dedupe, to_utc_iso
from .fields import body_lines, strip_pattern, value
from archiver.urls import host_of, same_site

IMAGE_BASE = "https://media.alalam.ir/news/image/855x495/"  # + pic "/YYYY/MM/DD/..." (the real "//")
TICKS = re.compile(r"alalam_(?P<ticks>\d{15,19})_")
_SITE = r"(?:al-?alam(?:\s+(?:news|network|english|tv|channel))*)"
SITE_NAME = re.compile(rf"\s*[-|–—:»]\s*{_SITE}\s*$|^\s*{_SITE}\s*[-|–—:»]\s*|^\s*{_SITE}\s*$", re.IGNORECASE)


class V1(Parser):
    """2013–2017: FNA-style text page with the leaked var_dump (the only era we have)."""

    version = "1"
    not_article = "not an Alalam article URL (/news/<id>)"
    # Every candidate counts, not only the first: the one the page also prints is the headline.
    title = (Meta("og:title"), Meta("twitter:title"), PageTitle(), "h1")
    title_suffix = SITE_NAME
    # Not text, whatever the template: player fallbacks ("Your browser does not support ...").
    clutter = ("video", "audio", "object", "embed", "canvas")
    image_fallback = (Meta("og:image", "twitter:image"), Link("image_src"))

    def read_lines(self, ctx: PageContext) -> list[str]:
        lines = body_lines(ctx.tree.body, self.clutter)
        if not lines:
            raise ParseError(ctx.url, "empty page: no text at all")
        return lines

    def read_dump(self, ctx: PageContext) -> VarDump | None:
        return find_var_dump(ctx.field("lines"), ctx.encoding)

    def read_story(self, ctx: PageContext) -> Story:
        titles = [strip_pattern(value(ctx.tree, source), self.title_suffix) for source in self.title]
        story = read_story(ctx.field("lines"), [t for t in titles if t and not is_date_line(t)], ctx.field("dump"))
        if not story.dated and not story.paragraphs:
            raise ParseError(ctx.url, "no article: neither a date line nor body text")
        ctx.warnings.extend(story.warnings)
        if not story.paragraphs:
            ctx.warn("no body text (a video item?)")
        if story.title is None:
            ctx.warn("no title found")
        return story

    def read_title(self, ctx: PageContext) -> str | None:
        return ctx.field("story").title

    def read_body(self, ctx: PageContext) -> list[str]:
        return list(ctx.field("story").paragraphs)

    def read_dates(self, ctx: PageContext) -> tuple[str | None, None]:
        return to_utc_iso(ctx.field("story").published), None

    def read_extra(self, ctx: PageContext) -> dict[str, str]:
        story = ctx.field("story")
        return {name: found for name, found in (("signature", story.signature), ("label", story.label)) if found}

    def read_related(self, ctx: PageContext) -> list[RelatedItem]:
        dump = ctx.field("dump")
        if dump is None:
            return []
        ctx.warnings.extend(dump.warnings)
        return dedupe((self._related(ctx.adapter, item) for item in dump.items), key=lambda r: r.key)

    def check(self, ctx: PageContext) -> None:
        """A dated page without title or text is still kept: read_story has decided."""

    @staticmethod
    def _related(adapter: Adapter, item: dict) -> RelatedItem:
        pic = str(item.get("pic") or "")
        ticks = TICKS.search(pic)
        return RelatedItem(
            key=str(item["id"]),
            url=adapter.article_url(str(item["id"])),
            title=H.clean_space(str(item.get("title") or "")) or None,
            image=IMAGE_BASE + pic if pic else None,
            kind="video" if pic.lower().endswith(".mp4") else "article",
            published=ticks_to_utc(int(ticks.group("ticks"))) if ticks else None,
        )


@register
class Alalam(Adapter):
    name = "alalam"
    origin = "https://en.alalam.ir"
    domains = ("alalam.ir",)
    english_hosts = ("en.alalam.ir",)  # www.alalam.ir is the Arabic edition: other ids
    article_pattern = re.compile(r"^/news/(?P<id>\d+)(?=[/?#]|$)")
    parsers = (V1,)

    def article_url(self, key: str) -> str:
        return f"{self.base_url}/news/{key}"

    def owns(self, url: str) -> bool:
        return same_site(url, self.base_url) or host_of(url) in self.english_hosts

    def links(self, ctx: PageContext) -> PageLinks:
        """Page links plus every id in a leaked related list."""
        found = super().links(ctx)
        dump = find_var_dump(H.text_lines(ctx.tree.body), ctx.encoding)
        if dump is None or not dump.items:
            return found
        related = [self.article_url(str(item["id"])) for item in dump.items]
        return PageLinks(articles=tuple(dedupe([*found.articles, *related])), listings=found.listings)
