"""Plain data that flows one way through the pipeline: fetch → parse → store."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone


def utc_now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class FetchedPage:
    """One HTTP exchange exactly as the server answered it; parsing works only from this."""

    url: str  # the URL we asked for
    final_url: str  # after redirects
    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: str  # ISO 8601 UTC
    redirects: tuple[str, ...] = ()

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass(frozen=True)
class RelatedItem:
    key: str  # the site's own id, else the canonical URL
    url: str
    title: str | None = None
    image: str | None = None
    kind: str = "article"  # article, video, series, ...
    published: str | None = None


@dataclass(frozen=True)
class Tag:
    name: str
    kind: str | None = None  # e.g. region, theme, report, keyword, person


@dataclass(frozen=True)
class Comment:
    author: str | None
    text: str
    position: int
    reply_to: int | None = None  # position of the comment answered
    published: str | None = None


@dataclass(frozen=True)
class Image:
    url: str | None
    caption: str | None = None
    credit: str | None = None


@dataclass(frozen=True)
class ParsedArticle:
    """What an adapter reads from one article page."""

    url: str
    canonical_url: str
    key: str  # the article's identity on its site (news id, post id, ...)
    title: str | None
    text: str  # cleaned article text: paragraphs joined by blank lines
    published: str | None = None  # ISO 8601 UTC
    updated: str | None = None
    authors: tuple[str, ...] = ()
    section: str | None = None
    lead: str | None = None
    image: Image | None = None
    extra: dict[str, str] = field(default_factory=dict)  # site-specific fields (signature, source, ...)
    related: tuple[RelatedItem, ...] = ()
    tags: tuple[Tag, ...] = ()
    comments: tuple[Comment, ...] = ()
    warnings: tuple[str, ...] = ()
    parser: str = ""  # adapter name and parser version

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class PageLinks:
    """URLs a page points at, split by what the crawler should do with them."""

    articles: tuple[str, ...] = ()
    listings: tuple[str, ...] = ()  # more discovery pages (pagination, archives)
    # Links of the site that the adapter's rules take for neither (a site followed by
    # configuration learns from them: archiver.url_shapes), and what the page says it is
    # (True an article, False something else, None: it does not say).
    others: tuple[str, ...] = ()
    says_article: bool | None = None
