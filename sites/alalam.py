"""Alalam English (en.alalam.ir), the 2013–2017 site that leaked its related list.

The page is read as a text stream (sites/alalam_text.py): title, Tehran date line, body
paragraphs up to a signature, and the PHP var_dump of the related list, whose item dates come
from the .NET tick count in the picture name (`alalam_<ticks>_25f_4x3`).
"""

from __future__ import annotations

import re

from . import register
from .alalam_text import find_var_dump, is_date_line, read_story, ticks_to_utc
from .base import (
    H, Adapter, Image, PageContext, PageLinks, ParseError, ParsedArticle, Parser, RelatedItem, dedupe, to_utc_iso,
)
from archiver.urls import host_of, same_site

TICKS = re.compile(r"alalam_(?P<ticks>\d{15,19})_")
IMAGE_BASE = "https://media.alalam.ir/news/image/855x495/"  # + pic "/YYYY/MM/DD/..." (the real "//")
_SITE = r"(?:al-?alam(?:\s+(?:news|network|english|tv|channel))*)"
SITE_NAME = re.compile(rf"\s*[-|–—:»]\s*{_SITE}\s*$|^\s*{_SITE}\s*[-|–—:»]\s*|^\s*{_SITE}\s*$", re.IGNORECASE)


class V1(Parser):
    """2013–2017: FNA-style text page with the leaked var_dump (the only era we have)."""

    version = "1"
    title_metas = ("og:title", "twitter:title")
    headline_selectors = ("h1",)
    image_metas = ("og:image", "twitter:image")
    # Not text, whatever the template: player fallbacks ("Your browser does not support ...").
    drop_selectors = ("video", "audio", "object", "embed", "canvas")

    def parse(self, ctx: PageContext) -> ParsedArticle:
        adapter = ctx.adapter
        key = adapter.article_key(ctx.url) or adapter.article_key(H.link_href(ctx.tree, "canonical") or "")
        key = key or adapter.article_key(H.meta(ctx.tree, "og:url") or "")
        if not key:
            raise ParseError(ctx.url, "not an Alalam article URL (/news/<id>)")
        for node in ctx.tree.css(", ".join(self.drop_selectors)):
            node.decompose()
        lines = H.text_lines(ctx.tree.body)
        if not lines:
            raise ParseError(ctx.url, "empty page: no text at all")
        dump = find_var_dump(lines, ctx.encoding)
        story = read_story(lines, self._titles(ctx), dump)
        if not story.dated and not story.paragraphs:
            raise ParseError(ctx.url, "no article: neither a date line nor body text")
        ctx.warnings.extend(story.warnings)
        if not story.paragraphs:
            ctx.warn("no body text (a video item?)")
        if story.title is None:
            ctx.warn("no title found")
        extra = {name: value for name, value in (("signature", story.signature), ("label", story.label)) if value}
        related: list[RelatedItem] = []
        if dump is not None:
            related = dedupe((self._related(adapter, item) for item in dump.items), key=lambda r: r.key)
            ctx.warnings.extend(dump.warnings)
        image_url = H.meta(ctx.tree, *self.image_metas) or H.link_href(ctx.tree, "image_src")
        return ParsedArticle(
            url=ctx.url,
            canonical_url=adapter.article_url(key),
            key=key,
            title=story.title,
            text="\n\n".join(story.paragraphs),
            published=to_utc_iso(story.published),
            image=Image(url=ctx.absolute(image_url)) if image_url else None,
            extra=extra,
            related=tuple(related),
            warnings=tuple(ctx.warnings),
            parser=f"{adapter.name}/{self.version}",
        )

    def _titles(self, ctx: PageContext) -> list[str]:
        """Title candidates, best first, without the site name; none of them a date line."""
        tree = ctx.tree
        page_title = tree.css_first("head title") or tree.css_first("title")
        candidates = [H.meta(tree, name) for name in self.title_metas]
        candidates.append(H.clean_space(page_title.text()) if page_title is not None else None)
        candidates.append(H.first_text(tree, self.headline_selectors))
        cleaned = (SITE_NAME.sub("", H.clean_space(c)) for c in candidates if c)
        return [c for c in cleaned if c and not is_date_line(c)]

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
    domains = ("alalam.ir",)
    english_hosts = ("en.alalam.ir",)  # www.alalam.ir is the Arabic edition: other ids
    article_pattern = re.compile(r"^/news/(?P<id>\d+)(?=[/?#]|$)")
    start_paths = ("/",)
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
