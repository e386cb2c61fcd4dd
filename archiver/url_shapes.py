"""The URL shapes a site's articles share, learned as its crawl goes (issue 13).

A site's articles share a few URL shapes (`/2024/03/05/slug/`, `/news/123456-slug`,
`/world/middle-east/slug.html`), which the generic adapter's fixed rules do not always read
right: a short slug with no date nor id is taken for a section, a topic page with a long slug
for an article. So every page the crawl fetches is evidence about its URL's shape: for it when
the page proved an article (it was stored as one), against it when it did not. A link of a
shape with enough evidence for it is queued as an article even where the fixed rules see none;
one of a shape with consistent evidence against it is not fetched.

Two rules keep the learning safe:
- only a shape whose last segment varies (a slug, a number, an id) can be an article's: an
  article's URL names it, while `/politics/` names a section however many pages say "article";
- learning only routes links (what is fetched, and how soon). What a page yields stays a pure
  function of its bytes, and a page is stored as an article only when the fixed rules take its
  URL, the page itself says it is one (og:type article, JSON-LD article), or its exact shape
  (sections kept literal) has proved to be articles'.

The evidence is the archive's captures, not a table of its own: the book is rebuilt from them
when a crawl starts, so a resumed or a later crawl knows what the earlier ones learned, and the
same recordings give the same crawl.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from datetime import date
from enum import Enum
from functools import lru_cache
from typing import Iterable
from urllib.parse import parse_qsl, unquote

from .models import PageLinks
from .sites.discovery import ARTICLE_SLUG_WORDS  # a slug of this many words reads as a headline

# Confidence for a shape's article share (the Wilson interval's z: 95%). Being wrong the one
# way costs a fetch (the page is still checked before it is stored), the other way an article:
# a shape is taken as articles' once its share is surely above one half, and skipped only
# once it is surely below one in five.
Z = 1.96
ARTICLE_SHARE = 0.5
SKIP_SHARE = 0.2
# Links of an undecided shape the fixed rules reject are fetched a few at a time to see what
# they are: as many as agreeing pages take to decide a shape.
PROBES = math.ceil(Z * Z)

_EXTENSION = re.compile(r"^(.+?)(\.[a-z][a-z0-9]{1,4})$", re.IGNORECASE)
_WORDS = re.compile(r"[-_+ ,]+")


class Verdict(str, Enum):
    ARTICLE = "article"  # surely mostly articles
    UNLIKELY = "unlikely"  # surely mostly not: not worth probing
    SKIP = "skip"  # surely almost never articles: not worth fetching at all


def _number(digits: str) -> str:
    if len(digits) == 4 and digits[:2] in ("19", "20"):
        return "<yyyy>"
    if len(digits) <= 2:
        return "<nn>"  # a month, a day, a page: padded or not
    if len(digits) == 8 and _is_date(digits[:4], digits[4:6], digits[6:]):
        return "<yyyymmdd>"
    return f"<n{len(digits)}>"


def _is_date(year: str, month: str, day: str) -> bool:
    try:
        return 1900 < date(int(year), int(month), int(day)).year < 2100
    except ValueError:
        return False


def segment(part: str) -> str:
    """One path segment, generalised: numbers by class and length, dates, slugs by length
    (short ones name sections as often as stories), ids glued to slugs by position; a single
    word is kept as written (a section, "tag", "news")."""
    part = unquote(part).lower()
    stem, ext = (m.group(1), m.group(2)) if (m := _EXTENSION.match(part)) else (part, "")
    words = [w for w in _WORDS.split(stem) if w]
    return _words(words) + ext if words else part


def _words(words: list[str]) -> str:
    if len(words) == 1:
        word = words[0]
        return _number(word) if word.isdigit() else word if word.isalpha() else "<code>"
    if all(w.isdigit() for w in words):
        return "<date>" if len(words) == 3 and _is_date(*words) else "<numbers>"
    ids = [i for i, w in enumerate(words) if w.isdigit() and len(w) >= 5]
    if ids:
        return "<id-slug>" if ids[0] == 0 else "<slug-id>" if ids[-1] == len(words) - 1 else "<slug>"
    return "<slug>" if len(words) >= ARTICLE_SLUG_WORDS else "<short-slug>"


def shape(url: str) -> tuple[str, ...]:
    """URL's shape: its path segments generalised, then its query's keys with their values'."""
    # By hand, not urlsplit: a crawl start reads every URL the site's captures hold.
    rest = url.split("#", 1)[0].split("://", 1)[-1]
    path, _, query = rest.partition("?")
    found = [segment(s) for s in path.split("/")[1:] if s]
    if query:
        found += [f"?{key}={segment(value) if value else ''}" for key, value in sorted(parse_qsl(query, keep_blank_values=True))]
    return tuple(found)


@lru_cache(maxsize=4096)
def general(shaped: tuple[str, ...]) -> tuple[str, ...]:
    """The shape with section words and slug lengths left open: /politics/<short-slug> and
    /world/<slug> are both /<word>/<slug>, so a site's new sections are known at once."""
    opened = tuple(t.replace("<short-slug>", "<slug>") for t in shaped)
    # The last part stays as written when it is a word: it names a page, not a section.
    return tuple(t if t.startswith(("<", "?")) else "<word>" for t in opened[:-1]) + opened[-1:]


def names_a_page(shaped: tuple[str, ...]) -> bool:
    """Whether the shape's last part varies (a slug, a number, an id): an article's URL names
    it; one ending in a fixed word names a section or a service page."""
    return bool(shaped) and "<" in shaped[-1]


def wilson(yes: int, no: int) -> tuple[float, float]:
    """The 95% (Z) interval of the share of YES among YES + NO."""
    n = yes + no
    if not n:
        return 0.0, 1.0
    p, z2 = yes / n, Z * Z
    centre, spread = p + z2 / (2 * n), Z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return (centre - spread) / (1 + z2 / n), (centre + spread) / (1 + z2 / n)


def verdict(yes: int, no: int) -> Verdict | None:
    low, high = wilson(yes, no)
    if low > ARTICLE_SHARE:
        return Verdict.ARTICLE
    if high < SKIP_SHARE:
        return Verdict.SKIP
    return Verdict.UNLIKELY if high < ARTICLE_SHARE else None


class ShapeBook:
    """One site's evidence: per shape (exact and general), the pages fetched that proved
    articles and those that did not, each URL counted once."""

    def __init__(self) -> None:
        self.counts: dict[tuple[str, ...], list[int]] = {}  # shape -> [articles, not articles]
        self.seen: dict[str, bool] = {}  # url -> proved an article
        self.probing: Counter = Counter()  # exact shape -> probes queued and not yet fetched
        self.probes: set[str] = set()

    @classmethod
    def from_captures(cls, captures: Iterable[dict]) -> "ShapeBook":
        """The book the stored captures make: a URL fetched and parsed (a page or a listing,
        not an error nor a file) proved an article if any capture of it is one's."""
        book = cls()
        for row in captures:
            if row.get("kind") in ("article", "listing") and row.get("status") in (200, 304):
                book.learn(row["url"], row.get("article_id") is not None)
        return book

    def learn(self, url: str, is_article: bool) -> None:
        before = self.seen.get(url)
        if before is not None and (before or not is_article):
            return  # counted already; once an article, always an article
        self.seen[url] = is_article
        exact = shape(url)
        if url in self.probes:
            self.probes.discard(url)
            self.probing[exact] -= 1
        for key in dict.fromkeys((exact, general(exact))):
            counts = self.counts.setdefault(key, [0, 0])
            if before is not None:
                counts[1] -= 1  # it proved an article since
            counts[0 if is_article else 1] += 1

    def verdict(self, shaped: tuple[str, ...]) -> Verdict | None:
        yes, no = self.counts.get(shaped, (0, 0))
        return verdict(yes, no)

    def judge(self, shaped: tuple[str, ...]) -> tuple[Verdict | None, Verdict | None]:
        """What the evidence says of a shape: by itself, and by its general form."""
        if not names_a_page(shaped):
            return None, None
        return self.verdict(shaped), self.verdict(general(shaped))

    def route(self, links: PageLinks) -> tuple[PageLinks, list[str]]:
        """LINKS as the evidence sorts them: articles (the fixed rules' ones but those of a
        shape surely no article's, and any link of a shape surely articles'), listings, and
        the few links of undecided shapes the fixed rules do not take for articles, to fetch
        whatever the listing they came from brought (they may be articles) and learn from."""
        articles = [url for url in links.articles if self.judge(shape(url))[0] is not Verdict.SKIP]
        listings, probes = [], []
        static_listings = set(links.listings)
        for url in links.listings + links.others:
            shaped = shape(url)
            exact, wide = self.judge(shaped)
            # The exact shape's word, where it has one, over the general shape's.
            if exact is Verdict.ARTICLE or (exact is None and wide is Verdict.ARTICLE):
                articles.append(url)
            elif exact is None and wide not in (Verdict.UNLIKELY, Verdict.SKIP) and self._probe(url, shaped):
                probes.append(url)
            elif url in static_listings:
                listings.append(url)
        return PageLinks(articles=tuple(dict.fromkeys(articles)), listings=tuple(listings)), probes

    def _probe(self, url: str, shaped: tuple[str, ...]) -> bool:
        """Whether to fetch URL now to learn what its undecided shape is (counted as queued)."""
        if not names_a_page(shaped) or url in self.seen or url in self.probes or self.probing[shaped] >= PROBES:
            return False
        self.probes.add(url)
        self.probing[shaped] += 1
        return True

    def stores(self, url: str, says_article: bool | None) -> bool:
        """Whether a page the fixed rules do not take for an article is stored as one: it
        says it is one, or its exact shape has proved to be articles' (a page that then says
        it is none is still refused by the parser)."""
        shaped = shape(url)
        return names_a_page(shaped) and (bool(says_article) or self.verdict(shaped) is Verdict.ARTICLE)
