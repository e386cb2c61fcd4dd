"""Any site without its own adapter: trafilatura main-text extraction with its metadata."""

from __future__ import annotations

import re

from archiver.urls import normalize_url

from . import register
from .base import Adapter, PageContext, Parser, ParsedArticle, Tag, parse_iso, to_utc_iso, Image, ParseError


# Byline strings extractors pick up that name nobody: placeholders, or a date run into the byline.
NOT_AN_AUTHOR = re.compile(
    r"^(no author|anonymous|admin|unknown|staff|editor)$|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|\d",
    re.IGNORECASE,
)


def real_authors(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(n for n in names if not NOT_AN_AUTHOR.search(n.strip()))


class GenericV1(Parser):
    version = "1"

    def parse(self, ctx: PageContext) -> ParsedArticle:
        # Imported here: trafilatura takes ~0.3 s to import, and every command lists the adapters.
        from archiver.maintext import extract_main_text

        main = extract_main_text(ctx.text, ctx.url)
        if not main.text:
            raise ParseError(ctx.url, "no main text found")
        canonical = ctx.absolute(main.canonical_url) or ctx.url
        if not canonical.startswith("file:"):
            canonical = normalize_url(canonical)
        published = parse_iso(main.published)
        warnings = [] if published else ["no publication date found"]
        return ParsedArticle(
            url=ctx.url, canonical_url=canonical, key=canonical, title=main.title, text=main.text,
            published=to_utc_iso(published), authors=real_authors(main.authors), lead=main.description,
            image=Image(url=ctx.absolute(main.image)) if main.image else None,
            extra={"sitename": main.sitename} if main.sitename else {},
            tags=tuple(Tag(name=t, kind="keyword") for t in main.tags), warnings=tuple(warnings),
            parser=f"generic/{self.version}",
        )


@register
class Generic(Adapter):
    name = "generic"
    parsers = (GenericV1,)

    def owns(self, url: str) -> bool:
        return True

    def article_key(self, url: str) -> str | None:
        return url if url.startswith("file:") else normalize_url(url)

    def canonical_url(self, url: str) -> str:
        return self.article_key(url)
