"""Any site without its own adapter: trafilatura main-text extraction with its metadata."""

from __future__ import annotations

import re

from archiver.urls import normalize_url

from . import register
from .base import Adapter, Image, PageContext, ParseError, Parser, Tag, parse_iso, to_utc_iso


# Byline strings extractors pick up that name nobody: placeholders, or a date run into the byline.
NOT_AN_AUTHOR = re.compile(
    r"^(no author|anonymous|admin|unknown|staff|editor)$|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|\d",
    re.IGNORECASE,
)


def real_authors(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(n for n in names if not NOT_AN_AUTHOR.search(n.strip()))


class GenericV1(Parser):
    """Every field from trafilatura's reading of the page, extracted once per page."""

    version = "1"

    def read_main(self, ctx: PageContext):
        # Imported here: trafilatura takes ~0.3 s to import, and every command lists the adapters.
        from archiver.maintext import extract_main_text

        main = extract_main_text(ctx.text, ctx.url)
        if not main.text:
            raise ParseError(ctx.url, "no main text found")
        return main

    def read_key(self, ctx: PageContext) -> str:
        return ctx.field("canonical_url")

    def read_canonical_url(self, ctx: PageContext) -> str:
        canonical = ctx.absolute(ctx.field("main").canonical_url) or ctx.url
        return canonical if canonical.startswith("file:") else normalize_url(canonical)

    def read_title(self, ctx: PageContext) -> str | None:
        return ctx.field("main").title

    def read_body(self, ctx: PageContext) -> list[str]:
        return [ctx.field("main").text]

    def read_lead(self, ctx: PageContext) -> str | None:
        return ctx.field("main").description

    def read_text(self, ctx: PageContext) -> str:
        return ctx.field("main").text

    def read_dates(self, ctx: PageContext) -> tuple[str | None, None]:
        published = parse_iso(ctx.field("main").published)
        if not published:
            ctx.warn("no publication date found")
        return to_utc_iso(published), None

    def read_authors(self, ctx: PageContext) -> tuple[str, ...]:
        return real_authors(ctx.field("main").authors)

    def read_image(self, ctx: PageContext) -> Image | None:
        image = ctx.field("main").image
        return Image(url=ctx.absolute(image)) if image else None

    def read_tags(self, ctx: PageContext) -> tuple[Tag, ...]:
        return tuple(Tag(name=t, kind="keyword") for t in ctx.field("main").tags)

    def read_extra(self, ctx: PageContext) -> dict[str, str]:
        sitename = ctx.field("main").sitename
        return {"sitename": sitename} if sitename else {}


@register
class Generic(Adapter):
    name = "generic"
    origin = ""  # any site: the URL given is the origin
    parsers = (GenericV1,)

    def owns(self, url: str) -> bool:
        return True

    def article_key(self, url: str) -> str | None:
        return url if url.startswith("file:") else normalize_url(url)

    def canonical_url(self, url: str) -> str:
        return self.article_key(url)
