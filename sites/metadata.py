"""An article's metadata read from the page itself, for sites no adapter describes.

Structured statements first (JSON-LD, the Open Graph and itemprop metas, the article's own
<time> and <h1>), then what extractors guess (htmldate, trafilatura). A date is kept to the
precision the page gives: a time of day only with its zone, otherwise the day alone, never a
midnight nobody stated. Everything reads the one selectolax tree the page context holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Iterable
from urllib.parse import urlsplit

from archiver import html as H

# -- dates -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stamp:
    """A date the page states: a moment (time of day with its zone) or a day alone."""

    day: date
    moment: datetime | None = None  # aware; None when the page gives the day only
    source: str = ""

    @property
    def precision(self) -> str:
        if self.moment is None:
            return "day"
        return "second" if self.moment.second else "minute"

    def iso(self) -> str:
        """ISO 8601: the moment in UTC (seconds kept), or the bare day ("2020-03-05")."""
        if self.moment is None:
            return self.day.isoformat()
        return self.moment.astimezone(timezone.utc).replace(microsecond=0).isoformat()


_DAY_ONLY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_COMPACT_ZONE = re.compile(r"([+-]\d{2})(\d{2})$")


def read_stamp(text: str | None, source: str = "") -> Stamp | None:
    """An ISO 8601 date or date-time. A time without a zone says the day only: which hour of
    which zone it means is unknown, and guessing UTC would move late-evening stories a day."""
    text = H.clean_space(text)
    if not text or len(text) > 40:
        return None
    if _DAY_ONLY.match(text):
        try:
            return Stamp(date.fromisoformat(text), None, source)
        except ValueError:
            return None
    normalised = _COMPACT_ZONE.sub(r"\1:\2", text.replace("Z", "+00:00").replace(" ", "T", 1))
    try:
        moment = datetime.fromisoformat(normalised)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return Stamp(moment.date(), None, source)
    return Stamp(moment.date(), moment, source)


# Where a page states its dates, most deliberate first. Selectors name <time> elements of the
# article's own header; metas are tried by name, property and itemprop.
PUBLISHED_LD = ("datePublished", "dateCreated", "uploadDate")
UPDATED_LD = ("dateModified",)
PUBLISHED_METAS = ("article:published_time", "og:article:published_time", "article:published", "og:published_time")
UPDATED_METAS = ("article:modified_time", "og:article:modified_time", "og:updated_time", "article:modified")
PUBLISHED_TIMES = (
    "article header time[datetime]", "main header time[datetime]", "time[pubdate][datetime]",
    "time[itemprop~=datePublished][datetime]", "time.published[datetime]", "time.entry-date[datetime]",
    "[itemprop~=datePublished][content]", "article time[datetime]",
)
UPDATED_TIMES = ("time[itemprop~=dateModified][datetime]", "time.updated[datetime]", "[itemprop~=dateModified][content]")
PUBLISHED_OTHER_METAS = (
    "datePublished", "dateCreated", "pubdate", "publishdate", "publish-date", "publish_date", "date",
    "dc.date.issued", "dc.date", "dcterms.created", "dcterms.date", "sailthru.date", "parsely-pub-date",
    "article.published", "original-publish-date", "citation_publication_date",
)
UPDATED_OTHER_METAS = ("dateModified", "last-modified", "dcterms.modified", "article.updated")


def _ld_values(ld: dict, keys: Iterable[str]) -> list[tuple[str, str]]:
    return [(f"JSON-LD {k}", v) for k in keys if isinstance(v := ld.get(k), str)]


def _meta_values(tree, names: Iterable[str]) -> list[tuple[str, str]]:
    return [(f"meta {n}", v) for n in names if (v := H.meta(tree, n))]


def _time_values(tree, selectors: Iterable[str]) -> list[tuple[str, str]]:
    found = []
    for selector in selectors:
        node = tree.css_first(selector)
        if node is not None:
            found.append((selector, node.attributes.get("datetime") or node.attributes.get("content") or ""))
    return found


def best_stamp(candidates: Iterable[tuple[str, str]]) -> Stamp | None:
    """The first stated time of day, else the first stated day. A time counts only when it
    falls on the day an earlier, day-only statement gives (in its own zone)."""
    first_day: Stamp | None = None
    for source, text in candidates:
        stamp = read_stamp(text, source)
        if stamp is None:
            continue
        if stamp.moment is not None and (first_day is None or stamp.day == first_day.day):
            return stamp
        first_day = first_day or stamp
    return first_day


_URL_DAY = re.compile(r"/((?:19|20)\d\d)/(0?[1-9]|1[0-2])/(0?[1-9]|[12]\d|3[01])/"
                     r"|[/_-]((?:19|20)\d\d)-?(0[1-9]|1[0-2])-?(0[1-9]|[12]\d|3[01])[/_.-]")


def url_day(url: str | None) -> date | None:
    """The day an article's URL names (/2020/02/24/slug, /news/20200224-slug)."""
    match = _URL_DAY.search(urlsplit(url).path + "/") if url else None
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups() if g)
    try:
        return date(year, month, day)
    except ValueError:
        return None


def published(tree, ld: dict, url: str | None = None) -> Stamp | None:
    """The publication date the page states; its URL's day, when it names one, says which
    calendar day a moment given in another zone (often UTC) was, and outweighs a statement
    that disagrees by more than that (a modification date in datePublished, a widget's date)."""
    stamp = best_stamp([*_ld_values(ld, PUBLISHED_LD), *_meta_values(tree, PUBLISHED_METAS),
                        *_time_values(tree, PUBLISHED_TIMES), *_meta_values(tree, PUBLISHED_OTHER_METAS)])
    named = url_day(url)
    if stamp is None or named is None or stamp.day == named:
        return stamp
    if stamp.moment is not None and abs((stamp.moment.astimezone(timezone.utc).date() - named).days) <= 1:
        return Stamp(named, stamp.moment, stamp.source)
    return Stamp(named, None, "URL")


def updated(tree, ld: dict) -> Stamp | None:
    return best_stamp([*_ld_values(ld, UPDATED_LD), *_meta_values(tree, UPDATED_METAS),
                       *_time_values(tree, UPDATED_TIMES), *_meta_values(tree, UPDATED_OTHER_METAS)])


def guessed_day(html: str, url: str | None) -> Stamp | None:
    """htmldate's reading of the page (text patterns, the URL, ...): a day, never a time."""
    from htmldate import find_date

    try:
        found = find_date(html, url=url, extensive_search=True, original_date=True, outputformat="%Y-%m-%d")
    except Exception:  # a best-effort guess must never cost the article
        return None
    return read_stamp(found, "htmldate") if found else None


# -- title ---------------------------------------------------------------------------------------
HEADLINES = ("article h1", "main h1", "[itemprop~=headline]", ".entry-title", ".post-title", "h1")
_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|«|»|·|/)\s+")
_WORD = re.compile(r"\w+")


def _tokens(text: str | None) -> set[str]:
    return {t.lower() for t in _WORD.findall(text or "")}


def _agrees(candidate: str, reference: str) -> bool:
    """Most words of each are in the other (a site logo in <h1> shares few with a headline)."""
    mine, theirs = _tokens(candidate), _tokens(reference)
    shared = len(mine & theirs)
    return bool(mine and theirs) and shared >= 0.5 * len(mine) and shared >= 0.5 * len(theirs)


def _squashed(text: str) -> str:
    return "".join(_WORD.findall(text.lower()))


def without_site_name(title: str | None, site_names: Iterable[str]) -> str | None:
    """TITLE without a leading or trailing segment naming the site ("... | The Japan Times")."""
    title = H.clean_space(title)
    names = [s for s in (_squashed(n) for n in site_names if n) if len(s) >= 3]
    parts = _SEPARATORS.split(title)
    if len(parts) < 2 or not names:
        return title or None
    for edge in (-1, 0):
        piece = _squashed(parts[edge])
        if piece and any(piece == n or piece in n or n in piece for n in names):
            parts.pop(edge)
            break
    return H.clean_space(" - ".join(parts)) if len(parts) > 1 else parts[0]


def site_names(tree, ld: dict, url: str | None) -> list[str]:
    publisher = ld.get("publisher")
    names = [H.meta(tree, "og:site_name", "application-name", "apple-mobile-web-app-title"),
             publisher.get("name") if isinstance(publisher, dict) else None]
    host = (urlsplit(url).hostname or "") if url else ""
    labels = [p for p in host.split(".") if p not in ("www", "m", "amp", "edition")]
    return [n for n in names if isinstance(n, str)] + labels[:1]


def headline(tree, ld: dict, url: str | None = None) -> str | None:
    """The article's own headline: an <h1> of the article that the page's metadata titles
    agree with, else JSON-LD headline, else og:title or <title> without the site's name."""
    names = site_names(tree, ld, url)
    stated = [without_site_name(t, names) for t in (ld.get("headline") if isinstance(ld.get("headline"), str) else None,
                                                    H.meta(tree, "og:title", "twitter:title"), _page_title(tree))]
    stated = [t for t in stated if t]
    for selector in HEADLINES:
        for node in tree.css(selector)[:3]:
            text = H.node_text(node)
            if text and 2 <= len(text) <= 300 and (not stated or any(_agrees(text, s) for s in stated)):
                return text
    return stated[0] if stated else None


def _page_title(tree) -> str | None:
    node = tree.css_first("head title") or tree.css_first("title")
    return H.clean_space(node.text()) if node is not None else None


def same_line(a: str | None, b: str | None) -> bool:
    """Whether two lines say the same words (case, punctuation and spacing aside)."""
    return bool(a and b) and _squashed(a) == _squashed(b)


# -- authors -------------------------------------------------------------------------------------
AUTHOR_METAS = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator", "byl", "cXenseParse:author")
BYLINES = ("[rel~=author]", "[itemprop~=author] [itemprop~=name]", "[itemprop~=author]", ".byline a",
           ".author-name", ".byline__name", ".author a", ".byline")
_BY = re.compile(r"^(?:by|von|par|por|di|door|av|af)\s+", re.IGNORECASE)
_SPLIT_NAMES = re.compile(r"\s*(?:,|;|&|\band\b|\bund\b|\bet\b|\by\b|\be\b)\s*", re.IGNORECASE)
# Whole-token rules: a name is refused for what it is, never for a prefix (Mark, Jan, Julia...).
_PLACEHOLDER = re.compile(r"^(?:no author|anonymous|admin|administrator|unknown|staff|editor|editors|"
                          r"redaktion|redacción|rédaction|guest|user|webmaster|news desk|newsdesk)$", re.IGNORECASE)


def is_person_name(name: str, site_names: Iterable[str] = ()) -> bool:
    tokens = name.split()
    if not 1 <= len(tokens) <= 5 or len(name) > 60:
        return False
    if _PLACEHOLDER.match(name) or any(any(c.isdigit() for c in t) for t in tokens):
        return False
    if "@" in name or "/" in name or "http" in name.lower() or not any(c.isupper() for c in name):
        return False
    # The publisher named as the author ("CBS News", "Reuters Staff") is no person.
    return not any(_squashed(name).startswith(squashed) for s in site_names if len(squashed := _squashed(s)) >= 3)


_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
# A byline often runs on into its date: "CBS News  February 24, 2020, 7:57 AM". The date starts
# at a month name followed by a number, or at the first number.
_DATE_TAIL = re.compile(rf"(?:\b{_MONTH}\s+\d|\b\d).*$", re.IGNORECASE)


def split_names(text: str) -> list[str]:
    text = _BY.sub("", _DATE_TAIL.sub("", H.clean_space(text)))
    names = (H.clean_space(_BY.sub("", part)).strip(" |-–—·:,/") for part in _SPLIT_NAMES.split(text) if part)
    return [n for n in names if n]


def _ld_people(ld: dict) -> list[str]:
    found = ld.get("author") or ld.get("creator")
    people = found if isinstance(found, list) else [found]
    names = []
    for person in people:
        if isinstance(person, str):
            names.append(person)
        elif isinstance(person, dict) and "Organization" not in str(person.get("@type", "")):
            names.append(person.get("name") if isinstance(person.get("name"), str) else "")
    return [n for n in names if n]


def authors(tree, ld: dict, site: Iterable[str] = (), fallback: Iterable[str] = ()) -> tuple[str, ...]:
    """People named by JSON-LD, else the author metas, else the byline, else FALLBACK."""
    site = list(site)
    metas = [v for n in AUTHOR_METAS if (v := H.meta(tree, n))]
    byline = next(([H.node_text(n) for n in nodes] for s in BYLINES if (nodes := tree.css(s)[:4])), [])
    for source in (_ld_people(ld), metas, byline, list(fallback)):
        names = [n for text in source for n in split_names(text) if is_person_name(n, site)]
        if names:
            return tuple(dict.fromkeys(names))
    return ()


# -- what kind of page ---------------------------------------------------------------------------
ARTICLE_OG_TYPES = ("article", "news", "blog", "blogposting", "newsarticle")


def says_not_article(tree, ld: dict) -> str | None:
    """Why the page itself says it is no article (og:type website, profile...), or None."""
    og_type = (H.meta(tree, "og:type") or "").lower()
    if ld or not og_type or any(og_type.startswith(t) for t in ARTICLE_OG_TYPES):
        return None
    if H.meta(tree, "article:published_time") or tree.css_first("article h1") is not None:
        return None
    return f"the page says it is no article (og:type {og_type})"


def section(tree, ld: dict) -> str | None:
    found = ld.get("articleSection")
    found = found[0] if isinstance(found, list) and found else found
    return H.clean_space(found) if isinstance(found, str) and found.strip() else H.meta(tree, "article:section")


def language(tree) -> str | None:
    node = tree.css_first("html")
    lang = node.attributes.get("lang") if node is not None else None
    return H.clean_space(lang) or H.meta(tree, "og:locale", "language", "content-language")
