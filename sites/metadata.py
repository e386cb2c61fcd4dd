"""An article's metadata read from the page itself, for sites no adapter describes.

Structured statements first (JSON-LD, the Open Graph and itemprop metas, the article's own
<time> and <h1>), then what extractors guess (htmldate, trafilatura). A date is kept to the
precision the page gives: a time of day only with its zone, otherwise the day alone, never a
midnight nobody stated. Everything reads the one selectolax tree the page context holds.
"""

from __future__ import annotations

import html
import itertools
import re
from dataclasses import dataclass
from functools import lru_cache
from email.utils import parsedate_to_datetime
from datetime import date, datetime, timedelta, timezone
from typing import Callable, Container, Iterable, Iterator
from urllib.parse import unquote

from archiver import html as H
from archiver.text import without_accents
from archiver.urls import links_elsewhere, split_url
from . import solar_hijri

# -- the page's metas ---------------------------------------------------------------------------
# What was read of the page just read, by its reader: (tree, reading). Every field reads the same
# page's metas and JSON-LD, and each is read once for it.
_last_read: dict[Callable, tuple] = {}


def _of_page(tree, read: Callable):
    """READ(TREE), kept for the page just read."""
    last = _last_read.get(read)
    if last is not None and last[0] is tree:
        return last[1]
    found = read(tree)
    _last_read[read] = (tree, found)
    return found


def metas(tree) -> dict[str, str]:
    """Every meta's content by its name, property and itemprop (lower case; the first one
    with content wins). Read in one pass over the page and kept for the page just read: a
    lookup per name costs three scans of the whole tree, and a field asks for dozens."""
    return _of_page(tree, _read_metas)


def _read_metas(tree) -> dict[str, str]:
    return {key: values[0] for key, values in _of_page(tree, _read_meta_lists).items()}


# Microdata items that are other works the page cites, lists or hosts: a reference's authors and
# year (Springer's `itemprop="citation"`), a comment's, a review's, a related list's entries.
_OTHER_WORKS = frozenset({"citation", "comment", "review", "itemlistelement", "isbasedon", "mentions", "haspart",
                          "workexample", "subjectof"})


def _of_another_work(node) -> bool:
    """Whether NODE's microdata item (its nearest itemscope) is a property naming another work."""
    scope = _nearest_around(node, lambda at: "itemscope" in at.attributes)
    return scope is not None and any(p in _OTHER_WORKS for p in (scope.attributes.get("itemprop") or "").lower().split())


def _nearest_around(node, is_it: Callable):
    """The nearest element around NODE (its parent, theirs...) that IS_IT, or None."""
    at = node.parent
    while at is not None and not is_it(at):
        at = at.parent
    return at


def ld_items(tree) -> list[dict]:
    """Every JSON-LD object on the page (archiver.html.json_ld), parsed once for the page just read."""
    return _of_page(tree, _read_ld_items)


def _read_ld_items(tree) -> list[dict]:
    return list(H.json_ld(tree))


def meta_values(tree, name: str) -> list[str]:
    """The contents of every meta called NAME (name, property or itemprop), in order."""
    return _of_page(tree, _read_meta_lists).get(name.lower(), [])


def _read_meta_lists(tree) -> dict[str, list[str]]:
    """Every meta's contents by its name, property and itemprop (lower case), in order; not the
    microdata of another work the page cites or lists."""
    found: dict[str, list[str]] = {}
    for node in tree.css("meta[content]"):
        content = H.clean_space(node.attributes.get("content"))
        for attr in ("name", "property", "itemprop") if content else ():
            if (key := (node.attributes.get(attr) or "").strip().lower()) and (attr != "itemprop" or not _of_another_work(node)):
                found.setdefault(key, []).append(content)
    return found


def meta(tree, *names: str) -> str | None:
    """The content of the first of NAMES the page's metas have (names are case-insensitive, as HTML has them)."""
    found = metas(tree)
    return next((found[n.lower()] for n in names if n.lower() in found), None)


# -- dates -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stamp:
    """A date the page states: a moment (time of day with its zone) or a day alone."""

    day: date
    moment: datetime | None = None  # aware; None when the page gives the day only
    source: str = ""
    known: str = "day"  # or "month", "year": DAY's later parts are placeholders (a guess's 1st of...)

    @property
    def precision(self) -> str:
        if self.moment is None:
            return self.known
        return "second" if self.moment.second else "minute"

    def as_stated(self) -> str | None:
        """The moment in the zone the page gave it ("2020-04-29T00:30:00+02:00"): the day the
        page's readers saw is its date, which UTC may move. None for a day alone."""
        return self.moment.replace(microsecond=0).isoformat() if self.moment is not None else None

    def iso(self) -> str:
        """ISO 8601: the moment in UTC (seconds kept), or the bare day ("2020-03-05"), or as
        much of it as is known ("2020-03", "2020")."""
        if self.moment is None:
            return self.day.isoformat()[:_ISO_LENGTH[self.known]]
        return self.moment.astimezone(timezone.utc).replace(microsecond=0).isoformat()


_ISO_LENGTH = {"day": 10, "month": 7, "year": 4}


# A host that can stand in a CSS attribute selector as it is.
_SAFE_HOST = re.compile(r"[\w.-]+(?::\d+)?")


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
        moment = _rfc2822(text)
    if moment is None:
        return None
    if moment.tzinfo is None:
        return Stamp(moment.date(), None, source)
    return Stamp(moment.date(), moment, source)


_RFC2822 = re.compile(r"^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{1,2}:\d\d")


def _rfc2822(text: str) -> datetime | None:
    """An e-mail style date ("Sat, 19 Oct 2019 00:04:00 +0200"), as some metas give it."""
    if not _RFC2822.match(text):
        return None
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return moment  # naive for "-0000" (zone unknown): read_stamp keeps the day alone


# Where a page states its dates, most deliberate first. Selectors name <time> elements of the
# article's own header; metas are tried by name, property and itemprop.
PUBLISHED_LD = ("datePublished", "dateCreated", "uploadDate")
UPDATED_LD = ("dateModified",)
PUBLISHED_METAS = ("article:published_time", "og:article:published_time", "article:published", "og:published_time")
UPDATED_METAS = ("article:modified_time", "og:article:modified_time", "og:updated_time", "article:modified")
PUBLISHED_TIMES = (
    "article header time[datetime]", "main header time[datetime]", "time[pubdate][datetime]",
    "time[itemprop~=datePublished][datetime]", "time.published[datetime]", "time.entry-date[datetime]",
    "[itemprop~=datePublished][content]", "abbr.published[title]", "article time[datetime]",
)
# abbr.published, abbr.updated: the hAtom microformat's (older WordPress themes'), the moment in its title.
UPDATED_TIMES = ("time[itemprop~=dateModified][datetime]", "time.updated[datetime]", "[itemprop~=dateModified][content]",
                 "abbr.updated[title]")
PUBLISHED_OTHER_METAS = (
    "datePublished", "dateCreated", "pubdate", "publishdate", "publish-date", "publish_date", "date",
    "dc.date.issued", "dc.date", "dcterms.created", "dcterms.date", "sailthru.date", "parsely-pub-date",
    "article.published", "original-publish-date", "citation_publication_date",
)
UPDATED_OTHER_METAS = ("dateModified", "last-modified", "dcterms.modified", "article.updated")


def _ld_values(ld: dict, keys: Iterable[str]) -> list[tuple[str, str]]:
    return [(f"JSON-LD {k}", v) for k in keys if isinstance(v := ld.get(k), str)]


def _page_ld_values(tree, ld: dict, keys: Iterable[str]) -> Iterator[tuple[str, str]]:
    """Where the page's JSON-LD describes no article, what it states of the page itself: a
    WebPage's dates (Yoast SEO's graph for a post it does not type as an article), then those of
    the one video or recording it describes (a news site's video page: its uploadDate)."""
    if not ld:
        items = ld_items(tree)
        for kind, item in (("WebPage", H.ld_web_page(items)), ("media", H.ld_only_media(items))):
            yield from ((f"JSON-LD {kind} {k}", v) for k in keys if isinstance(v := item.get(k), str))


def _meta_values(tree, names: Iterable[str]) -> list[tuple[str, str]]:
    return [(f"meta {n}", v) for n in names if (v := meta(tree, n))]


def _time_values(tree, selectors: Iterable[str]) -> list[tuple[str, str]]:
    found = []
    for selector in selectors:
        node = next((node for node in tree.css(selector) if not _of_another_work(node)), None)
        if node is not None:
            attributes = node.attributes
            found.append((selector, attributes.get("datetime") or attributes.get("content") or attributes.get("title") or ""))
    return found


def best_stamp(candidates: Iterable[tuple[str, str]], zone: timezone | None = None) -> Stamp | None:
    """The first stated time of day, else the first stated day. A time counts only when it
    falls on the day an earlier, day-only statement gives. UTC moments are dated in ZONE,
    the publisher's, when the page gives it. (Letting the statements vote on the day was
    tried: on htmldate's corpus it fixed as many pages as it broke.)"""
    first_day: Stamp | None = None
    for source, text in candidates:
        stamp = read_stamp(text, source)
        if stamp is None:
            continue
        stamp = local_day(stamp, zone)
        if stamp.moment is not None and (first_day is None or stamp.day == first_day.day) and not _midnight(stamp):
            return stamp
        first_day = first_day or stamp
    return first_day


def _midnight(stamp: Stamp) -> bool:
    """Whether STAMP's time is 00:00:00, as CMSs pad a day they hold without a time ("2020-01-23T00:00:00"):
    a time of day another statement gives for that day comes first; else it stands as stated."""
    moment = stamp.moment
    return moment is not None and (moment.hour, moment.minute, moment.second, moment.microsecond) == (0, 0, 0, 0)


_URL_DAY = re.compile(r"/((?:19|20)\d\d)/(0?[1-9]|1[0-2])/(0?[1-9]|[12]\d|3[01])/"
                     r"|[/_-]((?:19|20)\d\d)-?(0[1-9]|1[0-2])-?(0[1-9]|[12]\d|3[01])[/_.-]")


def url_day(url: str | None) -> date | None:
    """The day an article's URL names (/2020/02/24/slug, /news/20200224-slug)."""
    match = _URL_DAY.search(split_url(url).path + "/")
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups() if g)
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _stated_zone(tree, ld: dict) -> timezone | None:
    """The publisher's own zone when the page gives some moment with a non-zero offset
    (a <time> element, a meta, JSON-LD): the offset a UTC statement should be read in."""
    for source, text in [*_ld_values(ld, PUBLISHED_LD + UPDATED_LD),
                         *_meta_values(tree, PUBLISHED_METAS + UPDATED_METAS),
                         *_meta_values(tree, PUBLISHED_OTHER_METAS + UPDATED_OTHER_METAS),
                         *(("time", n.attributes.get("datetime") or "") for n in tree.css("time[datetime]")[:10])]:
        stamp = read_stamp(text, source)
        offset = stamp.moment.utcoffset() if stamp is not None and stamp.moment is not None else None
        if offset:
            return timezone(offset)
    return None


def local_day(stamp: Stamp, zone: timezone | None) -> Stamp:
    """A moment stated in UTC dated on the publisher's calendar, when the page says its zone:
    a story posted at 22:35 in Los Angeles is of that day, not of the next (UTC) one."""
    if stamp.moment is None or zone is None or stamp.moment.utcoffset():
        return stamp
    return Stamp(stamp.moment.astimezone(zone).date(), stamp.moment, stamp.source)


_ZONES = (timedelta(hours=-12), timedelta(hours=14))  # the earliest and latest offsets in use


def _reachable(moment: datetime, day: date) -> bool:
    """Whether MOMENT falls on DAY in some zone of the world."""
    utc = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return (utc + _ZONES[0]).date() <= day <= (utc + _ZONES[1]).date()


_URL_MONTH = re.compile(r"/((?:19|20)\d\d)/(0?[1-9]|1[0-2])/")


def url_month(url: str | None) -> tuple[int, int] | None:
    """The year and month an article's URL names (/2017/09/slug.html), if it does."""
    match = _URL_MONTH.search(split_url(url).path)
    return (int(match.group(1)), int(match.group(2))) if match else None


def published(tree, ld: dict, url: str | None = None) -> Stamp | None:
    """The publication date the page states; its URL's day, when it names one, says which
    calendar day a moment given in another zone (often UTC) was, and outweighs a statement
    that disagrees by more than that (a modification date in datePublished, a widget's date)."""
    stamp = best_stamp(itertools.chain(_ld_values(ld, PUBLISHED_LD), _meta_values(tree, PUBLISHED_METAS),
                                       _time_values(tree, PUBLISHED_TIMES), _page_ld_values(tree, ld, PUBLISHED_LD),
                                       _meta_values(tree, PUBLISHED_OTHER_METAS)),
                       _stated_zone(tree, ld))
    named = url_day(url)
    if stamp is None or named is None or stamp.day == named:
        return stamp
    if stamp.moment is not None and abs((stamp.moment.astimezone(timezone.utc).date() - named).days) <= 1:
        # The URL's day wins only if some zone puts the moment on it; else the statement stands.
        return Stamp(named, stamp.moment, stamp.source) if _reachable(stamp.moment, named) else stamp
    return Stamp(named, None, "URL")


def updated(tree, ld: dict) -> Stamp | None:
    return best_stamp(itertools.chain(_ld_values(ld, UPDATED_LD), _meta_values(tree, UPDATED_METAS),
                                      _time_values(tree, UPDATED_TIMES), _page_ld_values(tree, ld, UPDATED_LD),
                                      _meta_values(tree, UPDATED_OTHER_METAS)))


def publication(tree, ld: dict, url: str | None, page=None, shown: tuple[str | None, str | None] | None = None,
                lines: Callable[[], list[str]] | None = None) -> Stamp | None:
    """The publication date: as the page states it for machines, else as it is written for
    readers, else htmldate's guess from PAGE (its HTML or lxml tree; the costly last resort).
    SHOWN: the headline element's text and the headline (headline_as_shown), if already read;
    LINES: the body's text lines (archiver.html.text_lines), if the caller keeps them."""
    return (published(tree, ld, url) or written_published(tree, ld, url, shown, lines() if lines else None)
            or guessed_day(page, url, language(tree), lambda: prose(tree)))


def prose(tree) -> str:
    """The text of the page's paragraphs (its body's, when it has none): what its language is guessed from."""
    text = " ".join(node.text(deep=True) for node in tree.css("p"))
    return text if text.strip() or tree.body is None else tree.body.text(deep=True)


def guessed_day(page, url: str | None, page_language: str | None = None,
                page_prose: Callable[[], str] | None = None) -> Stamp | None:
    """htmldate's reading of PAGE (its HTML, or the lxml tree of it, which htmldate copies
    before pruning): text patterns, the URL... A day, never a time. Written dates are read in
    PAGE_LANGUAGE, the language the page declares, and English; in the language PAGE_PROSE is
    guessed to be in when it declares none (sites/htmldate_language.py)."""
    from htmldate import find_date

    from .htmldate_language import in_page_language

    if page is None:
        return None
    try:
        with in_page_language(page_language, page_prose):
            found = (find_date(page, url=url, extensive_search=False, original_date=True, outputformat="%Y-%m-%d")
                     or find_date(page, url=url, extensive_search=True, original_date=True, outputformat="%Y-%m-%d"))
    except Exception:  # a best-effort guess must never cost the article
        return None
    stamp = read_stamp(found, "htmldate") if found else None
    if stamp is None or stamp.day.day != 1:
        return stamp
    return Stamp(stamp.day, None, stamp.source, known=_known_of_first(stamp.day, page, url))


def _known_of_first(day: date, page, url: str | None) -> str:
    """How much of DAY, a first of the month htmldate gave, the page states. htmldate pads what
    it finds: a month and year ("März 2020", /2020/03/) becomes the 1st, a year alone (a
    copyright line, a footer) the 1st of January. "day" only when the page (markup, scripts
    and address included) writes that very date somewhere; else "month" when it names that
    month of that year (any month but January: htmldate pads only years with one), else "year"."""
    source = (url or "") + " " + (page if isinstance(page, str) else _source_of(page))
    if _written_near_year(source, day.year, _first_of_month(day.year, day.month)):
        return "day"
    if day.month != 1 or _written_near_year(source, day.year, _january(day.year)):
        return "month"
    return "year"


def _written_near_year(source: str, year: int, pattern: re.Pattern) -> bool:
    """Whether PATTERN matches around an occurrence of YEAR in SOURCE: a page's source is
    hundreds of kilobytes, a date is written within a few characters of its year."""
    needle = str(year)
    at = source.find(needle)
    while at != -1:
        if pattern.search(source, max(0, at - _AROUND_YEAR), at + len(needle) + _AROUND_YEAR):
            return True
        at = source.find(needle, at + len(needle))
    return False


_AROUND_YEAR = 40


@lru_cache(maxsize=64)
def _first_of_month(year: int, month: int) -> re.Pattern:
    names = "|".join(sorted((re.escape(n) for n, number in MONTHS.items() if number == month), key=len, reverse=True))
    return re.compile(
        rf"(?<!\d)(?:{year}[-/._]0?{month}[-/._]0?1|{year}{month:02d}01|0?1[-/.]0?{month}[-/.]{year}|0?{month}/0?1/{year})(?!\d)"
        rf"|(?<!\w)0?1(?:st|er)?\.?\s+(?:de\s+)?(?:{names})\.?,?\s+(?:de\s+)?{year}(?!\d)"
        rf"|(?<!\w)(?:{names})\.?\s+0?1(?:st)?,?\s+{year}(?!\d)", re.IGNORECASE)


@lru_cache(maxsize=64)
def _january(year: int) -> re.Pattern:
    names = "|".join(re.escape(n) for n, number in MONTHS.items() if number == 1)
    return re.compile(rf"(?<!\w)(?:{names})\.?,?\s+(?:de\s+)?{year}(?!\d)|(?<!\d){year}[-/.]01(?!\d)|(?<!\d)0?1[/.]{year}(?!\d)",
                      re.IGNORECASE)


def _source_of(tree) -> str:
    from lxml import etree

    try:
        return etree.tostring(tree, encoding="unicode", method="html")
    except (TypeError, ValueError):  # not an lxml tree: nothing to read the date in
        return ""


# Dates written out for readers, when the page states none for machines: a date after a
# publication label ("Published: 7 April 2020", "Erschienen am 01.11.2023"), the text of a
# <time> element, or the dateline under the headline. Day precision: these say no zone.
# Month names as dates write them: in the genitive where a language declines them ("14 марта
# 2023", "14 Μαρτίου 2023"). Russian, Ukrainian, Greek, Czech, Turkish and Indonesian after the first
# languages; not Croatian, whose "listopad" is October where Polish's and Czech's is November.
_MONTH_NAMES = (
    "january jan januar janvier enero gennaio janeiro januari stycznia января січня ιανουαρίου ledna ocak",
    "february feb februar février fevrier febrero febbraio fevereiro februari lutego февраля лютого φεβρουαρίου "
    "února şubat",
    "march mar märz maerz mars marzo março maart marca марта березня μαρτίου března mart maret",
    "april apr avril abril aprile kwietnia апреля квітня απριλίου dubna nisan",
    "may mai mayo maggio maio mei maja мая травня μαΐου května mayıs",
    "june jun juni juin junio giugno junho czerwca июня червня ιουνίου června haziran",
    "july jul juli juillet julio luglio julho lipca июля липня ιουλίου července temmuz",
    "august aug août aout agosto augustus sierpnia августа серпня αυγούστου srpna ağustos agustus",
    "september sep sept septembre septiembre settembre setembro września сентября вересня σεπτεμβρίου září eylül",
    "october oct oktober octobre octubre ottobre outubro okt października октября жовтня οκτωβρίου října ekim",
    "november nov novembre noviembre novembro listopada ноября листопада νοεμβρίου listopadu kasım",
    "december dec dezember décembre decembre diciembre dicembre dezembro dez grudnia декабря грудня δεκεμβρίου "
    "prosince aralık desember",
)
MONTHS = {name: number for number, names in enumerate(_MONTH_NAMES, 1) for name in names.split()}
_MONTH_WORD = "|".join(sorted(map(re.escape, MONTHS), key=len, reverse=True))
_DAY_N, _MONTH_N, _YEAR_N = r"0?[1-9]|[12]\d|3[01]", r"0?[1-9]|1[0-2]", r"(?:19|20)\d\d"
# Numeric forms only where they are unambiguous: year first, or day.month.year with dots.
WRITTEN_DATE = re.compile(
    rf"(?P<y1>{_YEAR_N})[-/.](?P<m1>{_MONTH_N})[-/.](?P<d1>{_DAY_N})(?!\d)"
    rf"|(?<!\d)(?P<d2>{_DAY_N})\.\s?(?P<m2>{_MONTH_N})\.\s?(?P<y2>{_YEAR_N})(?!\d)"
    rf"|(?<!\w)(?P<d3>{_DAY_N})(?:st|nd|rd|th)?\.?\s+(?:de\s+)?(?P<n3>{_MONTH_WORD})\.?,?\s+(?:de\s+)?(?P<y3>{_YEAR_N})(?!\d)"
    rf"|(?<!\w)(?P<n4>{_MONTH_WORD})\.?\s+(?P<d4>{_DAY_N})(?:st|nd|rd|th)?,?\s+(?P<y4>{_YEAR_N})(?!\d)"
    # the Solar Hijri calendar's, in Persian or ASCII digits ("۲۱ اردیبهشت ۱۳۹۹", "2 تير 1399")
    rf"|(?<!\w)(?P<d5>\d{{1,2}})\s+(?P<j5>{solar_hijri.MONTH_WORD})\s+(?P<y5>{solar_hijri.YEAR})(?!\d)"
    # Chinese, Japanese and Korean: year, month and day each with its sign ("2023年3月14日", "2023년 3월 14일")
    rf"|(?<!\d)(?P<y6>{_YEAR_N})\s?[年년]\s?(?P<m6>{_MONTH_N})\s?[月월]\s?(?P<d6>{_DAY_N})\s?[日일]",
    re.IGNORECASE,
)
PUBLISHED_LABEL = re.compile(
    r"(?<!\w)(?:published|publication date|date published|posted|written|erstellt|veröffentlicht|erschienen|"
    r"publiziert|publié|publicado|pubblicato|gepubliceerd|publicerad|opublikowano|datum|date|fecha|data|"
    r"تار[یي]خ انتشار|تاريخ النشر)"
    r"(?:\s+(?:on|am|le|el|il|em|op|den))?\s*[:|,]?\s*", re.IGNORECASE)
PUBLISHED_VERB = re.compile(r"(?<!\w)(?:published|posted|veröffentlicht|gepostet|erschienen|publiziert|publié|"
                            r"publicado|pubblicato|gepubliceerd|publicerad|opublikowano)(?!\w)", re.IGNORECASE)
_LABEL_AFTER = 40  # characters between a date and the verb that says it is the publication's
_WEEKDAY = re.compile(r"\w{2,12}\.?,?\s+")  # "Samstag, " "Tue. " before the date itself
UPDATE_WORDS = re.compile(r"updated|modified|aktualisiert|geändert|änderung|mis à jour|actualizado|aggiornato", re.I)
_DATELINE_WINDOW = 6  # lines after the headline where a byline or dateline stands
_KICKER_WINDOW = 2  # and lines before it
_SHORT_LINE = 80
_DATELINE_PLACE = 30  # "Karlsruhe, (12.11.2021). Traditionell..." : a place may come first


def written_day(text: str | None, at_start: bool = False) -> date | None:
    """The first date written in TEXT ("7 April 2020", "01.11.2023", "March 3, 2011")."""
    found = (WRITTEN_DATE.match if at_start else WRITTEN_DATE.search)(text or "")
    if not found:
        return None
    g = found.groupdict()
    try:
        if g["y5"]:
            return solar_hijri.to_gregorian(int(g["y5"]), solar_hijri.month_number(g["j5"]) or 0, int(g["d5"]))
        form = next(i for i in (1, 2, 3, 4, 6) if g[f"y{i}"])
        year, month, day = g[f"y{form}"], g.get(f"m{form}") or g.get(f"n{form}"), g[f"d{form}"]
        return date(int(year), int(month) if month.isdigit() else MONTHS[month.lower()], int(day))
    except (ValueError, KeyError):
        return None


def labelled_day(lines: Iterable[str]) -> date | None:
    """The first date a publication label introduces (an update label's date is skipped)."""
    lines = list(lines)
    for at, line in enumerate(lines):
        for label in PUBLISHED_LABEL.finditer(line):
            if UPDATE_WORDS.search(line[max(0, label.start() - 25):label.end()]):
                continue
            # The label alone in its element ("<h5>Datum:</h5>03.02.2022"): the date is the next line.
            rest = line[label.end():label.end() + 60] or (lines[at + 1][:60] if at + 1 < len(lines) else "")
            weekday = _WEEKDAY.match(rest)
            found = written_day(rest, at_start=True) or (weekday and written_day(rest[weekday.end():], at_start=True))
            if found:
                return found
        if day := _day_before_label(line):
            return day
    return None


def _day_before_label(line: str) -> date | None:
    """A date the label follows ("... wurde am 19. Mai 2010 um 23:03 Uhr gepostet")."""
    if not PUBLISHED_VERB.search(line):
        return None
    for written in WRITTEN_DATE.finditer(line):
        after = line[written.end():written.end() + _LABEL_AFTER]
        if PUBLISHED_VERB.search(after) and not UPDATE_WORDS.search(after):
            return written_day(written.group(0))
    return None


def near_headline(lines: list[str], headline: str | None | tuple[str | None, ...]) -> list[str]:
    """The lines right under the headline's line (byline, dateline), then those just above it
    (kicker), nearest first; none if no line is the headline's. HEADLINE: its line's text, or
    the texts its line may have (with its kicker, without)."""
    at = next(_headline_copies(lines, headline), None)
    if at is None:
        return []
    return lines[at + 1: at + 1 + _DATELINE_WINDOW] + lines[max(0, at - _KICKER_WINDOW): at][::-1]


def _headline_copies(lines: list[str], headline: str | None | tuple[str | None, ...]) -> Iterator[int]:
    """Where LINES hold the headline's line, in order. HEADLINE: its line's text, or the texts its
    line may have (with its kicker, without)."""
    headlines = {h for h in (headline if isinstance(headline, tuple) else (headline,)) if h}
    return (at for at, line in enumerate(lines) if line in headlines)


def dateline_day(lines: list[str], headline: str | None | tuple[str | None, ...]) -> date | None:
    """A date in the short lines right under the headline (byline, dateline) or just above it
    (kicker), or one that opens a line there, after a place at most ("31. Oktober 2023. ...").
    HEADLINE: its line's text, or the texts its line may have (with its kicker, without)."""
    for line in near_headline(lines, headline):
        found = WRITTEN_DATE.search(line)
        if UPDATE_WORDS.search(line[:found.start()] if found else ""):
            continue  # "Article mis à jour le 7 janvier 2020": not when it was published
        if found and (len(line) <= _SHORT_LINE or found.start() <= _DATELINE_PLACE):
            return written_day(found.group(0))
    return None


def written_published(tree, ld: dict, url: str | None = None,
                      shown: tuple[str | None, str | None] | None = None, lines: list[str] | None = None
                      ) -> Stamp | None:
    """The publication day as written for readers (see above), when no markup states one;
    never one outside the month the URL names (/2017/09/...): that is another story's date.
    SHOWN: headline_as_shown's reading, and LINES the body's text lines, if the caller has them."""
    lines = H.text_lines(tree.body) if lines is None else lines
    time_node = tree.css_first("time")
    day = (labelled_day(lines) or written_day(H.node_text(time_node) if time_node is not None else None)
           or dateline_day(lines, shown or headline_as_shown(tree, ld, url)))
    month = url_month(url)
    if day is None or (month is not None and (day.year, day.month) != month):
        return None
    return Stamp(day, None, "written")


# -- title ---------------------------------------------------------------------------------------
HEADLINES = ("article h1", "main h1", "[itemprop~=headline]", ".entry-title", ".post-title", "h1")
_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|«|»|·|/)\s+")
_WORD = re.compile(r"\w+")


def _tokens(text: str | None) -> set[str]:
    return {t.lower() for t in _WORD.findall(text or "")}


def _agrees(candidate: str, reference: str) -> bool:
    """Most words of each are in the other (a site logo in <h1> shares few with a headline); or,
    for scripts written without spaces, CANDIDATE is most of REFERENCE's text ("NEWS WEB
    EASY|子どもへの体罰を禁止する法律ができる" over its <h1>)."""
    mine, theirs = _tokens(candidate), _tokens(reference)
    shared = len(mine & theirs)
    if bool(mine and theirs) and shared >= 0.5 * len(mine) and shared >= 0.5 * len(theirs):
        return True
    squashed, whole = _squashed(candidate), _squashed(reference)
    return len(mine) == 1 and len(squashed) >= 4 and squashed in whole and len(squashed) >= 0.5 * len(whole)


def _opens(candidate: str, titles: list[str], tree, url: str | None) -> bool:
    """Whether CANDIDATE is the first segment of a stated title that runs on into a tagline
    ("Alkohol auf dem Boot – Erfahre mehr zu den Risiken"), and no link to the home page (a
    logo in <h1> over "Headline | Site" where the site's name went unrecognised)."""
    squashed = _squashed(candidate)
    return (len(candidate.split()) >= 2 and any(_squashed(_SEPARATORS.split(t)[0]) == squashed for t in titles)
            and candidate not in home_link_names(tree, url))


def _squashed(text: str) -> str:
    return "".join(_WORD.findall(text.lower()))


def _squashed_names(names: Iterable[str | None]) -> list[str]:
    """Names of the site as titles and bylines are compared with them: squashed, and three
    letters at least (a shorter one would be found in any text by chance)."""
    return [squashed for squashed in (_squashed(name) for name in names if name) if len(squashed) >= 3]


def without_site_name(title: str | None, site_names: Iterable[str]) -> str | None:
    """TITLE without a leading or trailing segment naming the site ("... | The Japan Times")."""
    title = H.clean_space(title)
    names = _squashed_names(site_names)
    parts = _SEPARATORS.split(title)
    if len(parts) < 2 or not names:
        return title or None
    naming = [_names_site(part, names) for part in parts]
    # Cut at the separators' own places, so the headline keeps its own dashes and bars.
    cuts = list(_SEPARATORS.finditer(title))
    if (first := _first_of_trailing_name(naming)) is not None:
        return H.clean_space(title[:cuts[first - 1].start()]) or None
    if naming[0]:
        return H.clean_space(title[_headline_start(cuts):]) or None
    return title or None


def _headline_start(cuts: list[re.Match]) -> int:
    """Where the headline starts after the site's name: after a breadcrumb's last step ("Site »
    Blog Archive » Headline"), else after the name's separator."""
    return cuts[-1].end() if all(cut.group(0).strip() == "»" for cut in cuts) else cuts[0].end()


def _first_of_trailing_name(naming: list[bool]) -> int | None:
    """Where the site's name starts in the title's segments, when it ends the headline: what
    follows it is the site's too (a tagline: "Headline | site.ch | Your magazine for...");
    searched from the end, so a headline that mentions the site keeps it; a name with
    separators of its own ("AOC media - Analyse Opinion Critique") goes whole. Never the first."""
    last = next((at for at in range(len(naming) - 1, 0, -1) if naming[at]), None)
    while last is not None and last > 1 and naming[last - 1]:
        last -= 1
    return last


def _names_site(part: str, names: list[str]) -> bool:
    piece = _squashed(part)
    return bool(piece) and any(piece == n or piece in n or n in piece for n in names)


_WAYBACK_URL = re.compile(r"^https?://web\.archive\.org/web/\d+[a-z_]*/(https?://.+)$")


def _unarchived(url: str | None) -> str | None:
    """URL, or the address a Wayback capture kept under its archive address was captured at."""
    archived = _WAYBACK_URL.match(url) if url else None
    return archived.group(1) if archived else url


def site_names(tree, ld: dict, url: str | None) -> list[str]:
    publisher = ld.get("publisher")
    # A person publishing their own site (a Person as publisher) is its author, not a publication.
    publication = isinstance(publisher, dict) and "Person" not in str(publisher.get("@type", ""))
    names = [meta(tree, "og:site_name", "application-name", "apple-mobile-web-app-title"),
             publisher.get("name") if publication else None]
    host = split_url(_unarchived(url)).hostname or ""
    labels = [p for p in host.split(".") if p not in ("www", "m", "amp", "edition")]
    return [n for n in names if isinstance(n, str)] + list(dict.fromkeys([*labels[:1], *_domain_label(labels)]))


def published_by_person(ld: dict) -> bool:
    """Whether the page's JSON-LD says a person publishes the site: a personal site or blog,
    named after its owner, as Yoast SEO writes it (the publisher a Person, or referred to by an
    @id in its scheme for people). The owner's name is then the site's name too."""
    publisher = ld.get("publisher")
    publisher = publisher[0] if isinstance(publisher, list) and publisher else publisher
    if not isinstance(publisher, dict):
        return False
    return "Person" in str(publisher.get("@type", "")) or "/schema/person/" in str(publisher.get("@id", ""))


# Second-level labels of country domains (news.bbc.co.uk): the name is the label before them.
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "gov", "ac", "edu", "or", "ne", "go", "gob", "nic"})


def _domain_label(labels: list[str]) -> list[str]:
    """The label naming the registered domain (myoos in foren.myoos.de), beside the host's first."""
    named = labels[:-1]  # without the top-level domain
    while len(named) > 1 and named[-1] in _SECOND_LEVEL:
        named = named[:-1]
    return named[-1:]


PUBLISHER_TYPES = ("Organization", "NewsMediaOrganization", "WebSite")


def site_name(tree, ld: dict, guessed: str | None = None) -> str | None:
    """The publication's name: og:site_name, the JSON-LD publisher (in the article or beside
    it), else GUESSED unless it is an address (article:publisher often is a social profile)."""
    found = meta(tree, "og:site_name", "application-name")
    publisher = ld.get("publisher")
    if not found and isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
        found = publisher["name"]
    for item in () if found else H.json_ld(tree):
        kind = item.get("@type")
        if isinstance(kind, str) and kind in PUBLISHER_TYPES and isinstance(item.get("name"), str):
            found = item["name"]
            break
    found = H.clean_space(found) or (None if _COPYRIGHT.search(guessed or "") else H.clean_space(guessed))
    return found if found and "://" not in found and not found.startswith("www.") else None


# A copyright line ("&amp;copy; 2016 aryanews.com", escaped once too often by the site), which
# trafilatura's guess may take from a `copyright` meta: no site's name.
_COPYRIGHT = re.compile(r"©|&(?:amp;)*copy;|\(c\)|copyright", re.IGNORECASE)


def headline(tree, ld: dict, url: str | None = None, article: str | None = None) -> str | None:
    """The article's own headline: an <h1> of the article that the page's metadata titles
    agree with, or the page's one <h1> about the ARTICLE's text, or the part of the page's title
    it heads something with; else JSON-LD headline, else og:title or <title> without the site's
    name."""
    return headline_as_shown(tree, ld, url, article)[1]


def headline_as_shown(tree, ld: dict, url: str | None = None,
                      article: str | None = None) -> tuple[str | None, str | None]:
    """The headline element's whole text (a kicker over the headline included) and the headline.
    ARTICLE: the article's text (its lead, its body's start), which a headline that no stated
    title agrees with must be about."""
    stated = _stated_titles(tree, ld, url)
    for selector in HEADLINES:
        for node in tree.css(selector)[:3]:
            whole = H.node_text(node)
            text = _shown(node, whole)
            if text and 2 <= len(text) <= 300 and (not stated or any(_agrees(text, s) for s in stated)
                                                   or _opens(text, stated, tree, url)):
                return whole, _headline_in(node, text, stated)
    if stated and article and (lone := _unstated_headline(tree, ld, stated, url, article)):
        return lone, lone
    if stated and (part := _part_shown(tree, stated[0])):
        return part, part
    return (stated[0], stated[0]) if stated else (None, None)


# Headings looked at for a part of the page's title: the article's is among the first.
_HEADINGS_SEEN = 40


def _part_shown(tree, title: str) -> str | None:
    """The part of a TITLE in segments ("Headline | Tagline", "Site - Section » Headline") that
    the page shows as a heading: the site's name or motto, unrecognised as such, is what the
    page does not head anything with."""
    cuts = list(_SEPARATORS.finditer(title))
    parts = {_squashed(title): title} if cuts else {}  # a heading of the whole title keeps it whole
    for cut in cuts:
        for part in (title[:cut.start()], title[cut.end():]):
            if len(part.split()) >= 2:
                parts.setdefault(_squashed(part), H.clean_space(part))
    if len(parts) < 2:
        return None
    for node in tree.css("h1, h2, h3")[:_HEADINGS_SEEN]:
        shown = H.node_text(node)
        if found := parts.get(_squashed(shown)):
            # As the page shows it where only its typography differs, mark for mark ("Korsetts –
            # Shops" for the title's "Korsetts - Shops"); a heading in other case, or without the
            # title's marks (its parts on two lines), is read as the title has it.
            return shown if _typeset_alike(shown, found) else found
    return None


def _typeset_alike(shown: str, stated: str) -> bool:
    """Whether SHOWN is STATED but for the kind of its dashes, quotes...: the same letters in the
    same case, and as many marks between them."""
    def letters_and_marks(text: str) -> tuple[list[str], int]:
        return [c for c in text if c.isalnum()], sum(not c.isalnum() and not c.isspace() for c in text)
    return letters_and_marks(shown) == letters_and_marks(stated)


def _unstated_headline(tree, ld: dict, stated: list[str], url: str | None, article: str) -> str | None:
    """The page's one <h1> where the titles it states say something else: pages title themselves
    for search engines ("Privatkredit-Zinsen: So ermitteln Sie Ihre Kosten") and head the article
    as their readers see it ("Wie hoch sind die Zinsen für einen Privatkredit?"). Not the site's
    name or a link home (a logo), nor a part a stated title gives after its headline ("Headline
    | Section"); and about the ARTICLE: a heading over comments, a teaser for another story or
    a motto shares no word with the article's opening."""
    texts = [text for node in tree.css("h1") if (text := _shown(node, H.node_text(node)))]
    if len(texts) != 1 or not 2 <= len(text := texts[0]) <= 300 or len(text.split()) < 2:
        return None
    if _IN_SEGMENTS.search(text):  # "Webentwicklung . AutoCAD . Schulung", "News | Entry": a motto, a path
        return None
    names = _squashed_names(site_names(tree, ld, url) + home_link_names(tree, url))
    if _names_site(text, names):
        return None
    squashed = _squashed(text)
    if any(_squashed(part) == squashed for title in stated for part in _SEPARATORS.split(title)[1:]):
        return None
    return text if _about(text, article) else None


# Marks that part a page title or a list of topics, never a headline as the article shows it.
_IN_SEGMENTS = re.compile(r"\s[|.•·]\s")
# The article's opening that an unstated headline must share words with, in words; a word, in
# letters (shorter ones are mostly articles, prepositions and pronouns in any language).
_OPENING_WORDS = 150
_CONTENT_WORD = 4


def _about(headline: str, article: str) -> bool:
    """Whether a third of HEADLINE's content words (at least one) are in ARTICLE's opening."""
    words = {w for w in _tokens(headline) if len(w) >= _CONTENT_WORD and not w.isdigit()}
    opening = {w.lower() for w in _WORD.findall(" ".join(article.split()[:_OPENING_WORDS]))}
    return bool(words) and len(words & opening) >= max(1, len(words) / 3)


def _stated_titles(tree, ld: dict, url: str | None) -> list[str]:
    """The titles the page states (JSON-LD headline, og:title, <title>) without the site's name."""
    titles = [t for t in (ld.get("headline") if isinstance(ld.get("headline"), str) else None,
                          meta(tree, "og:title", "twitter:title"), _page_title(tree)) if t]
    names = site_names(tree, ld, url)
    if any(_SEPARATORS.search(t) for t in titles):  # only a title in segments can lose one to a site name
        names += home_link_names(tree, url)
    return [t for t in (without_site_name(t, names) for t in titles) if t]


# Class names the CMSs give the two kinds of text a headline element may hold besides the
# headline: a kicker over it (a topic, a date, "Covid-19:", a forum thread's label, text set
# small, as a <small> element is) and text only screen readers get.
_KICKER_CLASS = re.compile(r"kicker|overline|topline|dachzeile|roofline|super-?title|eyebrow|pre-?title|"
                           r"label|topic|small", re.I)
_HIDDEN_CLASS = re.compile(r"sr-only|screen-reader|element-invisible|visually-?hidden|a11y-hidden", re.I)
_LEADING_SEPARATOR = re.compile(r"^[\s:|\-–—·/]+")


def _headline_in(node, text: str, stated: list[str]) -> str:
    """The headline in the headline element NODE (whose shown text is TEXT): within the element
    schema.org's microdata names the headline (`itemprop="headline"`) when NODE holds more (a
    series name over it), without a kicker."""
    inner = node.css_first('[itemprop~="headline"]')
    if inner is not None and inner is not node and len((inner_text := _shown(inner, H.node_text(inner))).split()) >= 2:
        node, text = inner, inner_text
    return _without_kicker(node, _without_marked_kicker(node, text), stated)


def _marked(node, pattern: re.Pattern, tag: str | None = None) -> list[str]:
    """The texts of NODE's elements whose class PATTERN finds, or which are TAG elements."""
    found = node.css(f"[class], {tag}" if tag else "[class]")
    return [text for child in found if (child.tag == tag or pattern.search(child.attributes.get("class") or ""))
            and (text := H.node_text(child))]


def _shown(node, text: str) -> str:
    """TEXT without what the headline element holds for screen readers only (" | Site name")."""
    for hidden in _marked(node, _HIDDEN_CLASS):
        if text.endswith(hidden):
            text = text[:-len(hidden)].rstrip()
        elif text.startswith(hidden):
            text = text[len(hidden):].lstrip()
    return text


def _without_marked_kicker(node, text: str) -> str:
    """TEXT without a kicker the markup names as one, at its start, nor the separator after it."""
    for kicker in _marked(node, _KICKER_CLASS, "small"):
        rest = _LEADING_SEPARATOR.sub("", text[len(kicker):]) if text.startswith(kicker) else ""
        if len(rest.split()) >= 2:
            text = rest
    return text


def home_link_names(tree, url: str | None) -> list[str]:
    """What the links to the site's home page say (a logo's text or title): the site's name or
    motto, as its page titles repeat it ("Headline | Liebe geht durch den Magen")."""
    selectors = ['a[rel~="home"]', 'a[href="/"]']
    parts = split_url(_unarchived(url))  # a Wayback capture links the home page archived
    if url and parts.path in ("", "/") and not parts.query:
        return []  # the home page itself: what links to it may be its own headline
    if _SAFE_HOST.fullmatch(host := parts.netloc):
        selectors += [f'a[href$="://{host}{end}"]' for end in ("", "/")]
    names = []
    for node in tree.css(", ".join(selectors))[:4]:
        names += [H.node_text(node), H.clean_space(node.attributes.get("title"))]
    return [name for name in dict.fromkeys(names) if name and len(name.split()) <= 8]


def _without_kicker(node, text: str, stated: list[str]) -> str:
    """The headline element's last part when what precedes it is a kicker (a "Weather alert" over
    "Storm hits the coast"), or its first part when what follows is a subtitle: marked up apart,
    and left out of the titles the page states, which name that part but not the parts run
    together. Line breaks and emphasis inside one headline are neither: there the stated title
    has the whole text."""
    parts = _parts(node)
    titles = [_squashed(s) for s in stated]
    if len(parts) < 2 or any(_squashed(text) in t for t in titles):
        return text
    (_, first), (_, last) = parts[0], parts[-1]
    if any(tag != "-text" for tag, _ in parts[:-1]) and _stated_part(last, titles):
        return last
    # A subtitle only where a title is the first part exactly: titles often start with a kicker.
    if any(tag != "-text" for tag, _ in parts[1:]) and _stated_part(first, titles, exactly=True):
        return first
    return text


def _parts(node) -> list[tuple[str, str]]:
    """NODE's children with text, as (tag, text); an element wrapping them all is looked into."""
    while True:
        children = [(child, H.node_text(child) if child.tag != "-text" else H.clean_space(child.text_content))
                    for child in node.iter(include_text=True)]
        children = [(child, text) for child, text in children if text]
        if len(children) != 1 or children[0][0].tag == "-text":
            return [(child.tag, text) for child, text in children]
        node = children[0][0]


def _stated_part(part: str, titles: list[str], exactly: bool = False) -> bool:
    squashed = _squashed(part)
    return len(part.split()) >= 2 and any(squashed == t if exactly else squashed in t for t in titles)


def _page_title(tree) -> str | None:
    node = tree.css_first("head title") or tree.css_first("title")
    return H.clean_space(node.text()) if node is not None else None


def same_line(a: str | None, b: str | None) -> bool:
    """Whether two lines say the same words (case, punctuation and spacing aside)."""
    return bool(a and b) and _squashed(a) == _squashed(b)


# -- authors -------------------------------------------------------------------------------------
AUTHOR_METAS = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator", "dcterms.creator", "byl",
                "cXenseParse:author", "citation_author")
BYLINES = ("[rel~=author]", "[itemprop~=author] [itemprop~=name]", "[itemprop~=author]", ".byline a",
           ".author-name", ".byline__name", ".author a", ".byline")
# A colon may follow ("By: Jane Roe"); Arabic's "بقلم" ("by the pen of") opens a byline as "by" does.
_BY = re.compile(r"^(?:by|von|par|por|di|door|av|af|بقلم)(?:\s*:\s*|\s+)", re.IGNORECASE)
# A label before "by" ("Post author By", "Written by", "Story and photos by", "Propos recueillis
# par", "Texto e fotos por"): by, par and por are in no name, unlike von, di or af, which only go
# at the very start.
_LABEL_BY = re.compile(r"^(?:[^\W\d]+\s+){1,3}(?:by|par|por)(?:\s*:\s*|\s+)(?=\S)", re.IGNORECASE)
# A label naming the field itself ("Author: Jane Doe", "Autor Max Muster", a screen-reader "Author"):
# no one is called Author.
_LABEL = re.compile(r"^(?:author|authors|autor|autorin|autoren|auteur|autore|autores|autora|autori|verfasser|written|posted|"
                    r"författare|forfatter|kirjoittaja|szerző|yazar|автор|авторы|автора|piše|napisao|napisala)(?!\w)[:\s]*",
                    re.IGNORECASE)
# "e" joins names in Italian and Portuguese, but not in "e.V." (a German association's legal form,
# "e V" once trafilatura has normalised it).
_SPLIT_NAMES = re.compile(r"\s*(?:,|;|&|\band\b|\bund\b|\bet\b|\by\b|\be\b(?!\.|\s?v\.?\s*$))\s*", re.IGNORECASE)
# A company's or association's legal form, or a web address: an organisation, not a person.
_ORGANISATION = re.compile(r"(?<!\w)(?:gmbh|mbh|ag|se|kg|eg|e\.?\s?v\.?|ltd\.?|llc|inc\.?|s\.a\.|s\.l\.|srl|spa|plc)$"
                           r"|(?<![\w.])(?:[\w-]+\.)+(?:com|de|org|net|at|ch|it|fr|es|info|eu|co|uk|io|ca|us|ru|ua|pl|nl|"
                           r"be|br|mx|ar|in|au|nz|jp|cn|tv|fm|news|media)(?!\w)|\s(?:com|net|org)$", re.IGNORECASE)
# Whole-token rules: a name is refused for what it is, never for a prefix (Mark, Jan, Julia...).
# A template's or an account's placeholder (a CMS role: "editor") names no one; a desk the piece is credited to
# ("Redaktion", "Staff", "Newsdesk") is who the page says wrote it, and is kept.
_PLACEHOLDER = re.compile(r"^(?:no author|anonymous|admin|administrator|unknown|guest|user|webmaster|editor|editors|"
                          r"super user)$",  # Joomla's first account
                          re.IGNORECASE)
# An institution's noun, whole or ending a German compound ("Bundesministerium", "Landesanstalt"):
# what it is in is an office, a party, a school, never a person.
_INSTITUTION = re.compile(r"(?<!\w)(?:ministry|minist[eè]re|ministerio|ministero|department|departement|university|"
                          r"universit[äée]t?|universidad|universit[àa]|institute|instituto|istituto|foundation|fondation|"
                          r"fundaci[oó]n|secretariat|feuerwehr|polizei|\w*(?:ministerium|verband|anstalt|institut|"
                          r"stiftung|partei|abteilung|sekretariat|behörde|pressestelle))(?!\w)", re.IGNORECASE)


# A button's word standing where a byline would ("Follow") names no one.
_BUTTON = re.compile(r"^(?:follow|subscribe|share|folgen|abonnieren|teilen|suivre|seguir|partager|compartir|condividi|"
                     r"megosztom|dela|jaa|now|more|menu|print|e-?mail|"
                     # a weekday, from a byline's date ("Wednesday, April 1")
                     r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|montag|dienstag|mittwoch|donnerstag|"
                     r"freitag|samstag|sonntag|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lunes|martes|"
                     r"miércoles|jueves|viernes|sábado|domingo)$", re.IGNORECASE)
# Nor does a link's or a field's label in a byline ("View my complete profile", "Alle Artikel",
# "Zum Profil von ...", "Archiv anzeigen", "Zuletzt geändert", "Datum"): words no name holds.
_NAVIGATION = re.compile(r"(?<!\w)(?:profile|profil|artikel|articles|beiträge|beitrag|posts|anzeigen|archiv|archive|"
                         r"datum|zuletzt|geändert|afficher|complete)(?!\w)", re.IGNORECASE)


def is_person_name(name: str, site_names: Iterable[str] = ()) -> bool:
    if (not _shaped_as_a_name(name) or _PLACEHOLDER.match(name) or _ORGANISATION.search(name) or _BUTTON.match(name)
            or _NAVIGATION.search(name) or _INSTITUTION.search(name)):
        return False
    # The publisher named as the author ("CBS News", "Reuters Staff") is no person.
    return not any(_squashed(name).startswith(squashed) for squashed in _squashed_names(site_names))


def _shaped_as_a_name(name: str) -> bool:
    """One to five words with a capital and two letters at least ("C" is no one), no digits, no
    address. A capital where the script has them: Chinese, Japanese, Arabic, Hebrew, Korean...
    write names without (孔德明)."""
    tokens = name.split()
    if not 1 <= len(tokens) <= 5 or len(name) > 60 or sum(c.isalpha() for c in name) < 2:
        return False
    if any(c.isdigit() for c in name) or "@" in name or "／" in name or "http" in name.lower():
        return False
    if "/" in name:
        return _CREDIT_LINE.match(name) is not None
    return _cased_as_a_name(name, tokens)


def _cased_as_a_name(name: str, tokens: list[str]) -> bool:
    """Where a script has capitals, a name's words have them, but for its particles: a word in
    lower case before the last makes a phrase ("Iberische Weine in Berlin", "Tricks für zu
    Hause"), not a name. The last word may be a surname typed carelessly ("Mobasir hassan")."""
    if any(c.isupper() for c in name):
        return not any(t.isalpha() and t.islower() and t not in _LOWER_IN_NAMES for t in tokens[:-1])
    return not any(c.islower() for c in name)


# Agencies and desks credited together, as wire copy is ("dpa/lno", "AFP/The Local", "dsw / DPA"):
# who the page says wrote it, each part a short name. Agencies write themselves in lower case too.
_CREDIT_PART = r"[^\W\d_]{2,}(?:[ .'-][^\W\d_]+){0,2}"
_CREDIT_LINE = re.compile(rf"^{_CREDIT_PART}(?:\s?/\s?{_CREDIT_PART})+$")


_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
# A byline often runs on into its date: "CBS News  February 24, 2020, 7:57 AM". The date starts
# at a month name followed by a number, or at the first number.
_DATE_TAIL = re.compile(rf"(?:\b{_MONTH}\s+\d|\b\d).*$", re.IGNORECASE)


# An academic or professional degree after a name ("Grant Tinsley, PhD", "Jane Roe, MD, MPH") is
# split off as if it were a second name.
_DEGREE = re.compile(r"^(?:ph\.?\s?d|m\.?d|mph|msc?|m\.?a|b\.?a|bsc|mba|rdn?|rn|do|ld|cde|cpt|facs|llm|dds|pharmd)\.?$",
                     re.IGNORECASE)


# A job title a byline gives after the name ("Jane Doe, Staff Writer"), which reads as a second name.
_JOB_TITLE = re.compile(r"^(?:(?:staff|senior|chief|associate|contributing|special|political|foreign|deputy|managing|"
                        r"news|digital|sports?|business|science|health|freelance|guest|investigative|national|"
                        r"international|freie[rn]?|leitende[rn]?|stellvertretende[rn]?)\s+)*"
                        r"(?:writers?|reporters?|correspondents?|columnists?|contributors?|journalists?|producers?|"
                        r"photographers?|redakteur(?:in)?|korrespondent(?:in)?|journalist(?:in)?|rédacteur|rédactrice|"
                        r"journaliste|correspondante?|periodista|corresponsal|redactora?|giornalista|corrispondente|"
                        r"redattore|redattrice)$", re.IGNORECASE)


# A desk's title after a name, its outlet or beat first ("GARY B. GRAVES, AP Sports Writer", "AP
# National Writer"): what ends in a writer's job is no second name.
_TITLED_DESK = re.compile(r"(?<!\w)(?:writer|reporter|correspondent|columnist)$", re.IGNORECASE)


# The word that introduces the date a byline runs into ("Sara Zinnecker Stand: 12.05.2020", "José
# Wilson hace 3 horas", "Jane Doe Updated on March 3"): cut with the date, never without one.
# Particles count only in lower case: "Tam Le" is a name.
# Each alternative starts only where its run of spaces or marks starts: tried inside a run too, a
# long one that does not end the text (a hostile meta's) cost time quadratic in its length.
_DATE_LABEL_END = re.compile(r"(?<!\s)(?:\s+(?:(?i:stand|hace|il y a|vor|prije|před|há|updated|last updated|aktualisiert|"
                             r"geändert|published|posted|veröffentlicht|erschienen|publié|publicado|pubblicato|datum|date|"
                             r"fecha)|am|on|le|el|il|em|vom|du|del|de)\b[:.]?)+\s*$|(?<![\s|,·•–—-])[\s|,·•–—-]+$")
# A one-word label before a colon ("Interview: Julia Lauter", "Text: Anna Roth", "Fotos: Kai Wu").
_COLON_LABEL = re.compile(r"^[^\W\d]+:\s+(?=\S)")


# Words that can only label a date, ending a byline whose date another reader already cut off
# (trafilatura's "AFP publié le", "Mis À Jour À"): they go even without a date after them.
_STATED_LABEL_END = re.compile(r"(?:^|(?<!\s)\s+)(?:published|posted|updated|last updated|veröffentlicht|aktualisiert|publié|"
                               r"mis à jour|publicado|actualizado|pubblicato|aggiornato|uppdaterad|publicerad|opdateret|"
                               r"prije|před|há|stand)(?:\s+(?:on|at|am|um|le|à|el|il|em|a))*[:.]?\s*$", re.IGNORECASE)


def _without_date_tail(text: str) -> str:
    cut = _DATE_TAIL.sub("", text)
    if cut != text:
        # The labels a date leaves stand at a byline's end: only its end is searched, since a run of
        # them in a hostile text makes the search quadratic.
        keep = max(0, len(cut) - _LABELS_AT_END)
        cut = cut[:keep] + _DATE_LABEL_END.sub("", cut[keep:])
    # A label alone before its date ("Stand: 12.05.2020") has no name before it to end.
    return _STATED_LABEL_END.sub("", cut)


_LABELS_AT_END = 300  # characters


def _without_opening(byline: str) -> str:
    """BYLINE without what opens it: the field's label, a label before "by", the "by" itself."""
    return _BY.sub("", _LABEL_BY.sub("", _LABEL.sub("", byline)))


# A later "by" after a name and lower-case words names more people ("Jane Doe with reporting by
# John Roe", "Jane Doe; additional reporting by John Roe"); not a picture's credit ("and photos by").
_LATER_BY = re.compile(r"(?<=\S)\s*[;,]?\s+(?!(?:\w+\s+){0,3}?(?:photos?|pictures?|images?|video|illustrations?|graphics?|fotos?|bilder?)\b)"
                       r"(?:[a-zß-ÿ]+\s+){1,3}(?:by|von|par|por)\s+(?=\S)")


def split_names(text: str) -> list[str]:
    text = _COLON_LABEL.sub("", _without_date_tail(H.clean_space(text)))
    text = _without_opening(text)
    # Quotes around a name (a JSON-LD author written "'Luana Patriolino'") are no part of it.
    text = _LATER_BY.sub(", ", text)
    names = [H.clean_space(_BY.sub("", part)).strip(" |-–—·:,/'\"‘’“”«»") for part in _SPLIT_NAMES.split(text) if part]
    names = [n for n in names if n]
    # A degree alone may be initials, a title alone a desk credited ("Staff Writer"): only after a name are they no one.
    return names[:1] + [n for n in names[1:] if not (_DEGREE.match(n) or _JOB_TITLE.match(n) or _TITLED_DESK.search(n))]


# A byline written as the article's own first lines ("Von Claudia Lindner", "By Evan Symon,
# August 14, 2020"): a short line that starts as bylines do, naming people in full.
_TEXT_BYLINE = re.compile(r"^(?:by|von|par|por|door|av|af|di|بقلم)(?:\s*:\s*|\s+)\S", re.IGNORECASE)
_NAME_PARTICLES = frozenset({"von", "van", "de", "da", "di", "del", "der", "den", "la", "le", "du", "bin", "al", "ter", "ten", "y"})
# Words a name may hold in lower case before its last (_cased_as_a_name): the particles above,
# and more of them, which a text byline's full name is not tested for (della, dos, ibn, zu...).
_LOWER_IN_NAMES = _NAME_PARTICLES | frozenset({"della", "des", "dos", "das", "do", "bint", "ibn", "el", "e", "zu", "af", "av"})


def people_in_text_byline(text: str, site: Iterable[str] = ()) -> tuple[str, ...]:
    """The people a byline among the first three lines of TEXT names, or its last line (where
    regional papers sign a story: "... geht weiter." / "Von Cosima Künzel"), each by a full name."""
    site = list(site)
    lines = text.split("\n\n")
    for line in lines[:3] + lines[3:][-1:]:
        if len(line.split()) <= 12 and _TEXT_BYLINE.match(line):
            return _full_names_in(line, site)
    return ()


def byline_near_headline(lines: list[str], headline: str | None | tuple[str | None, ...],
                         site: Iterable[str] = (), links: Callable[[], Container[str]] = frozenset) -> tuple[str, ...]:
    """The people the first byline in the article's header (article_header) names, each by a full
    name: a short line that opens as bylines do ("By Jane Doe", "Von Andreas Kürten", "par Didier
    Roy, 21 juin 2018"), with the field's label ("Auteur : Kossivi Tiassou"; or the label alone,
    the name on the next line), or a date or a posting verb before its "by" ("Posted on May 4,
    2021 by Jane Roe", "Posted in Politics by Jane Roe"). Where a page's markup marks no byline,
    its place under the headline still does; a credit that opens with another word ("Photo by
    ...", "Foto: ...") is the picture's. Else the name a dated line under the headline gives
    with no "by" (dated_name); LINKS: the texts of the page's links, asked for then."""
    site = list(site)
    headers = list(article_header(lines, headline))
    bylines = [byline for under, over in headers for line in _labels_joined(under) + over
               for part in _LINE_PARTS.split(line) if len(part.split()) <= 12 and (byline := _opening_byline(part))]
    found = next((found for byline in bylines if (found := _full_names_in(byline, site))), ())
    # Else a blog's byline naming its writer by a handle or a first name alone ("Posted by marc",
    # "von Olga"): a single word there, as nothing else is written after a "by".
    found = found or next(((handle,) for byline in bylines if (handle := _handle_in(byline, site))), ())
    return found or next((found for under, over in headers for line in under + over
                          if (found := dated_name(line, site, links))), ())


def dated_name(line: str, site: list[str], links: Callable[[], Container[str]] = frozenset) -> tuple[str, ...]:
    """The person a meta line names beside its date, with no "by": every part of LINE a date or a
    time of day ("04.02.2022 | 13:10 Uhr | Uta Helkenberg", "11.12.2019 - Amelie Loevenich") but
    one, a full name. Not the text of a link but to a writer's page: a section's name stands so
    too ("May 4, 2021 | World News")."""
    if not _DIGIT.search(line):  # most lines of a header, a menu's: no date, and no need to part them
        return ()
    parts = [part for part in _LINE_PARTS.split(line) if part]
    undated = [part for part in parts if not _dated(part)]
    if len(parts) < 2 or len(undated) != 1:
        return ()
    name = undated[0]
    # Set in capitals with no "by", it is a label ("PAID CONTENT"); holding the site's name, a
    # section's credit ("World The Planetary Press").
    if not _full_name(name) or name.isupper() or not is_person_name(name, site) or _holds_site_name(name, site):
        return ()
    return () if name in links() else (name,)


_CLOCK = re.compile(r"\d{1,2}[:.]\d{2}")
_DIGIT = re.compile(r"\d")


def _dated(part: str) -> bool:
    """Whether PART is a date or a time of day and nothing else ("04.02.2022", "13:10 Uhr")."""
    return not _without_date_tail(part) and bool(_CLOCK.search(part) or WRITTEN_DATE.search(part))


def _holds_site_name(name: str, site: list[str]) -> bool:
    return any(squashed in _squashed(name) for squashed in _squashed_names(site))


# What follows a handle in a blog's byline: where it was posted, or when ("by marc in News",
# "Posted by Nesselsetzer under Just For Fun", "by oz on December 4, 2006").
_AFTER_HANDLE = re.compile(r"\s+(?:in|under|on|at|am|um|le|el|il|em)\s.*$", re.IGNORECASE)
_HANDLE = re.compile(r"^[^\W\d_][\w.-]*[^\W\d_]$")


_PREPOSITION_FIRST = re.compile(r"di\s", re.IGNORECASE)


def _handle_in(byline: str, site: list[str]) -> str | None:
    """The one word a byline names its writer by, if it is a handle or a name: letters, lower case
    allowed (a login), no digits."""
    text = _without_date_tail(byline)
    if (label := _LABEL.match(text)) and ":" not in label.group(0):
        return None  # "Author Spotlight": a heading; a label before a single word has its colon
    if _PREPOSITION_FIRST.match(text):
        return None  # "di recente il consiglio": Italian's "di" opens a full name, else it is "of"
    words = _AFTER_HANDLE.sub("", _without_opening(text)).strip(" |-–—·:,").split()
    if len(words) != 1 or not _HANDLE.match(word := words[0]) or _BY.match(f"{word} "):
        return None  # "von am 20.06.2018": a template's byline left empty
    # A login is written in lower case; it is tested as a name would be (no placeholder, button, the site).
    return word if is_person_name(word.capitalize() if word.islower() else word, site) else None


_HEADER_LINES = 12  # the most lines a byline stands under the headline: share, read-aloud, rating widgets may come first
_HEADLINE_COPIES = 3  # a breadcrumb's or menu's copy of the headline may come before the heading's own line


def article_header(lines: list[str], headline: str | None | tuple[str | None, ...]) -> Iterator[tuple[list[str], list[str]]]:
    """For each of the first lines that are the headline's: the lines under it up to the article's
    prose (at most _HEADER_LINES; a picture's caption and a standfirst, a long line each, may stand
    over the byline, a third ends the header), and the lines just above it (a kicker), nearest first."""
    for at in itertools.islice(_headline_copies(lines, headline), _HEADLINE_COPIES):
        under = lines[at + 1: at + 1 + _HEADER_LINES]
        prose = [k for k, line in enumerate(under) if not H.is_short_line(line)][2:3]
        yield under[:prose[0] if prose else None], lines[max(0, at - _KICKER_WINDOW): at][::-1]


# A byline's opening alone on its line, the name in the element after it ("Written by" / "Jane Doe").
_BY_ALONE = re.compile(r"(?:[^\W\d]+\s+){0,2}(?:by|von|par|por|door)\s*:?", re.IGNORECASE)


def _label_alone(line: str) -> bool:
    """Whether LINE is a byline's label or its "by" and nothing else: the name is on the next line."""
    return bool(_LABEL.fullmatch(line) or _BY_ALONE.fullmatch(line))


def _labels_joined(lines: list[str]) -> list[str]:
    """LINES with a label that stands alone ("Autor:", "Author", "Written by") joined to the line
    after it, the name a template writes in its own element."""
    joined, at = [], 0
    while at < len(lines):
        if at + 1 < len(lines) and len(lines[at]) <= 20 and _label_alone(lines[at]):
            joined.append(f"{lines[at]} {lines[at + 1]}")
            at += 2
        else:
            joined.append(lines[at])
            at += 1
    return joined


# What opens a byline's "by" where it follows no date: a posting verb and what it was posted in,
# or the piece itself ("Posted in Politics by", "Ein Artikel von", "A column by").
_POSTED_BY = re.compile(r"^(?:(?:posted|published|filed|submitted|geschrieben|verfasst|veröffentlicht|erstellt|publié|écrit|"
                        r"publicado|escrito|pubblicato|scritto)\b[^|]{0,60}?"
                        r"|(?:(?:ein|eine|a|an|un|une|una|uno)\s+)?(?:artikel|beitrag|gastbeitrag|kommentar|bericht|analyse|"
                        r"article|story|column|post|essay|opinion|analysis|commentary|review|words|text|artículo|"
                        r"articolo|reportage|tribune|chronique|opinión|análisis))\s+(?=(?:by|von|par|por)\s+\S)",
                        re.IGNORECASE)
# A time after a date, before the byline's "by": "06.11.2023 13:30 von Olga", "May 4, 2021 at 9:30 am by".
_TIME_THEN = re.compile(r"^,?\s*(?:(?:at|um|à|a las|alle)\s+)?\d{1,2}[:.h]\d{2}(?:\s*(?:am|pm|uhr|h))?", re.IGNORECASE)


def _opening_byline(part: str) -> str | None:
    """PART as a byline to read names from ("By Jane Roe"), or None where it is none."""
    if posted := _POSTED_BY.match(part):
        return part[posted.end():]
    for date in WRITTEN_DATE.finditer(part) if _DIGIT.search(part) else ():  # "Posted on May 4, 2021 by Jane Roe"
        rest = _TIME_THEN.sub("", part[date.end():]).lstrip(" ,")
        if _TEXT_BYLINE.match(rest):
            return rest
    return part if _TEXT_BYLINE.match(part) or _LABEL.match(part) else None


# A byline shares its line with the date, the section or the reading time, set apart by a bar, a
# bullet, a middle dot (not Catalan's, between lower-case letters: "col·lecció") or a spaced dash:
# "May 4, 2021 · By Jane Roe", "Politik | Von Anna Weber".
_LINE_PARTS = re.compile(r"\s*(?:[|•]|(?<![a-zß-ÿ])·|·(?![a-zß-ÿ])|\s[–—-]\s)\s*")


def _full_names_in(byline: str, site: list[str]) -> tuple[str, ...]:
    """The people BYLINE names by a full name, without what it adds to them (an outlet, a place)."""
    return tuple(dict.fromkeys(n for part in split_names(byline)
                               if _full_name(n := _without_credit(part)) and is_person_name(n, site)))


def _full_name(name: str) -> bool:
    """Two to four words, each capitalised but the particles (von, de, van...): a name, not the
    start of a sentence ("Von Risiken und Nebenwirkungen")."""
    tokens = name.split()
    capitalised = [t for t in tokens if _capitalised(t)]
    return 2 <= len(tokens) <= 4 and len(capitalised) >= 2 and all(
        _capitalised(t) or t in _NAME_PARTICLES for t in tokens)


def _capitalised(word: str) -> bool:
    """Whether WORD starts as a name does: with a capital, or with a letter of a script that has
    no case (Arabic, Hebrew, Devanagari...), where every word starts so."""
    first = word[0]
    return first.isupper() or (first.isalpha() and not first.islower())


def _ld_people(ld: dict) -> list[str]:
    found = ld.get("author") or ld.get("creator")
    people = found if isinstance(found, list) else [found]
    names = []
    for person in people:
        if isinstance(person, str):
            names.append(person)
        # An Organization is no author; a Person that is the site's Organization too (Yoast SEO's
        # ["Person", "Organization"] for a personal site) is its owner, who wrote it.
        elif isinstance(person, dict) and ("Organization" not in (kind := str(person.get("@type", ""))) or "Person" in kind):
            names.append(_named_in_full(person))
    # Many pages write their JSON-LD with HTML's escapes ("Redacci&oacute;n"): the ";" is no separator.
    return [html.unescape(n) for n in names if n]


# A capitalised word of a name after the first, or a particle (von, de...) before one.
_NAME_GOES_ON = re.compile(r"\s+((?:(?:von|van|de|da|di|del|der|den|du|la|le|ter|ten)\s+){0,2}[^\W\d_][^\s,;:.!?()]*)")


def _person_name(person: dict):
    """PERSON's name, or schema.org's parts of it where the whole is not given."""
    name = person.get("name")
    if isinstance(name, str) and name.strip():
        return name
    parts = [person.get(key) for key in ("givenName", "additionalName", "familyName")]
    return " ".join(p.strip() for p in parts if isinstance(p, str) and p.strip()) or name


def _named_in_full(person: dict) -> str:
    """PERSON's name, in full where the JSON-LD gives only the first name (a blog's display name,
    "Nils") and the person's own description opens with the whole of it ("Nils Pickert ist freier
    Autor", "Stefanus Stahl - Maschinenbauer"), as author bios do."""
    name, about = _person_name(person), person.get("description")
    if not isinstance(name, str) or len(name.split()) != 1 or not isinstance(about, str):
        return name if isinstance(name, str) else ""
    about = html.unescape(about).strip()
    if not about.startswith(name):
        return name
    full, at = name, len(name)
    while len(full.split()) < 4 and (more := _NAME_GOES_ON.match(about, at)) and more.group(1).split()[-1][0].isupper():
        full, at = full + " " + " ".join(more.group(1).split()), more.end()
    return full if _shaped_as_a_name(full) else name


def authors(tree, ld: dict, site: Iterable[str] = (), fallback: Iterable[str] = (),
            url: str | None = None) -> tuple[str, ...]:
    """People named by JSON-LD, else the author metas, else the byline, else FALLBACK. URL: the
    page's address, which tells a teaser's headline (a link to another page) from the article's."""
    site = list(site)
    metas = _author_metas(tree, site)

    def byline() -> list[str]:  # read only when no statement names anyone: a search of the whole page
        article = _headlines_article(tree)
        return next(([_byline_text(n) for n in _one_byline(nodes)] for s in BYLINES
                     if (nodes := list(itertools.islice(
                         (n for n in tree.css(s) if not _in_comments(n) and not _topic_link(n)
                          and (article is None or _descends_from(n, article)) and not under_teaser_heading(n, url)),
                         _MARKED_BYLINES)))), [])
    # FALLBACK (trafilatura's reading of the metas, dots and case normalised away) only when the
    # page has no author meta of its own: else it re-reads what was refused here ("Www Haufe De").
    for source in (lambda: _ld_people(ld), lambda: metas, byline, lambda: [] if metas else list(fallback)):
        if names := people(source(), site):
            return _in_full(names, tree) if any(" " not in n for n in names) else names
    return ()


_MARKED_BYLINES = 4  # the first ones: co-authors' (_one_byline); a page of thousands is read no further
_HEADINGS = ", ".join(H.HEADING_TAGS)


def under_teaser_heading(node, url: str | None) -> bool:
    """Whether the heading that NODE (a byline) stands under, the nearest before it beside its
    block (its line), links to another page: a teaser's headline, and the byline a related story's
    ("More stories" / "Bridge vote delayed" / "By Peter Quill"). The article's own headline is
    its <h1>, or a heading that links to the page itself (a permalink), or none."""
    at = node
    for _ in range(H.TEASER_INLINE_LEVELS):
        sibling, seen = at.prev, 0
        while sibling is not None and seen < H.TEASER_SIBLINGS_SEEN:
            if (heading := _last_heading(sibling)) is not None:
                return heading.tag != "h1" and _links_elsewhere(heading, url)
            sibling, seen = sibling.prev, seen + 1
        if at.tag in H.BLOCK_TAGS or at.parent is None:
            return False
        at = at.parent
    return False


def _last_heading(node):
    if node.tag in H.HEADING_TAGS:
        return node
    if node.tag.startswith("-"):  # text, a comment
        return None
    headings = node.css(_HEADINGS)
    return headings[-1] if headings else None


def _links_elsewhere(heading, url: str | None) -> bool:
    link = heading.css_first("a[href]") or _nearest_around(heading, lambda at: at.tag == "a")
    return link is not None and links_elsewhere(url, link.attributes.get("href"))


def _byline_text(node) -> str:
    """A marked byline's text, without its lines after the name but those naming more people:
    a line of its own after the name is a role, a place or a date ("Jane Doe<br>Senior
    Correspondent", "Jane Doe<br>Lagos"), unless it opens with "and" or "by" ("<br>and Nora
    Quist"). A "By", a label or a role alone on its line ("Redaktor" / "Elin Dimitrov") opens the
    next."""
    lines = H.text_lines(node)
    text = lines[0] if lines else ""
    for before, line in zip(lines, lines[1:]):
        if len(before.split()) == 1 or _label_alone(before):
            text += " " + line
        elif _MORE_NAMES.match(line):
            text += ", " + line
        else:
            break
    return text


_MORE_NAMES = re.compile(r"(?:and|und|et|y|e|&|by|von|par|por|with)\s", re.IGNORECASE)


def _author_metas(tree, site: list[str]) -> list[str]:
    """What the author metas say, in the order of AUTHOR_METAS: every value of a repeated one
    (co-authors, one meta each: parsely-author, citation_author), a name written "Last, First"
    where the standard writes it so (citation_author, Dublin Core's creator) in reading order,
    and the value a "Written by" label gives in the label and data pairs Yoast SEO writes for
    Twitter (twitter:label1 / twitter:data1), unless it holds the SITE's name."""
    found = []
    for name in AUTHOR_METAS:
        for value in meta_values(tree, name):
            found.append(_first_name_first(value) if name in _LAST_NAME_FIRST else value)
    every = metas(tree)
    # Yoast's data is the WordPress account's display name: holding the site's name, it is the publication's.
    found += [data for n in range(1, 5) if (label := every.get(f"twitter:label{n}")) and _BYLINE_LABEL.fullmatch(label)
              and (data := every.get(f"twitter:data{n}")) and not _holds_site_name(data, site)]
    return list(dict.fromkeys(found))


_LAST_NAME_FIRST = frozenset({"citation_author", "dc.creator", "dcterms.creator"})
_SURNAME_THEN_GIVEN = re.compile(r"^([^\s,]+),\s*([^\s,][^,]*)$")
# A byline's label as Yoast SEO writes it in the site's language ("Written by", "Verfasst von",
# "Écrit par", "Escrito por", "Scritto da", "Geschreven door"), or the field's own name.
_BYLINE_LABEL = re.compile(r"(?:[^\W\d]+\s+){0,2}(?:by|von|par|por|da|door|av|af|przez)\s*:?|(?:author|autor|auteur|autore)\s*:?",
                           re.IGNORECASE)


def _first_name_first(value: str) -> str:
    """VALUE as read, given name first, where it is a surname, a comma and given names ("Doe, Jane M.")."""
    match = _SURNAME_THEN_GIVEN.match(value.strip())
    return f"{match.group(2)} {match.group(1)}" if match and len(match.group(2).split()) <= 3 else value


def _topic_link(node) -> bool:
    """Whether NODE is a link to a topic's page, which a byline's block may hold beside the
    writer's link: a topic is no one."""
    return node.tag == "a" and H.names_topic(node.attributes.get("rel"))


def _headlines_article(tree):
    """The <article> element the page's headline (its first <h1>) stands in, if any: where the
    page marks its article so, a byline outside it is a teaser's or a sidebar's."""
    heading = tree.css_first("h1")
    return None if heading is None else _nearest_around(heading, lambda at: at.tag == "article")


def _one_byline(nodes: list) -> list:
    """The first of NODES and those standing with it (co-authors' names under one byline, within
    its grandparent): not the bylines of the teasers further down the page ("By AP and TOI staff"
    under a related story's headline)."""
    block = nodes[0].parent.parent if nodes[0].parent is not None else None
    if block is None:
        return nodes[:1]
    return nodes[:1] + [node for node in nodes[1:] if _descends_from(node, block)]


def _descends_from(node, block) -> bool:
    return _nearest_around(node, lambda at: at.mem_id == block.mem_id) is not None


def _in_full(names: tuple[str, ...], tree) -> tuple[str, ...]:
    """NAMES, a first name alone completed where the page's JSON-LD describes that Person and
    the description opens with the whole name (a meta or byline names the blog's display name,
    "Nils"; the Person, given apart from any article, "Nils Pickert ist freier Autor...")."""
    described = {}
    for item in ld_items(tree):
        if "Person" in str(item.get("@type", "")) and isinstance(item.get("name"), str):
            described.setdefault(item["name"], _named_in_full(item))
    return tuple(dict.fromkeys(described.get(n, n) if " " not in n else n for n in names))


# A web address as an account's name ("MK.RU", "ElVallenc.cat"): the site's own account.
_ADDRESS = re.compile(r"^[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,6}$")
# An author's page on the site ("/author/creeny/", WordPress's and most blog engines'): a link to
# it that reads as its own login names the account that wrote the post, a handle or not.
_WRITER_DIRECTORIES = ("author", "authors", "autor", "auteur", "autore", "autoren", "autores", "autori", "staff",
                       "journalist", "journalists", "journaliste", "reporter", "reporters", "writer", "writers",
                       "contributor", "contributors", "columnist", "columnists", "redakteur", "redaktion", "periodista")
_ACCOUNT_LINKS = ", ".join(f'a[href*="/{part}/"]' for part in _WRITER_DIRECTORIES)
_ACCOUNT_PATH = re.compile(rf"/(?:{'|'.join(_WRITER_DIRECTORIES)})/([^/]+)/?$", re.IGNORECASE)


def link_texts(tree) -> set[str]:
    """The texts of the page's links, but those to a writer's page: a section's, a menu's, a
    teaser's. Read once for the page just read."""
    return _of_page(tree, _read_link_texts)


def _read_link_texts(tree) -> set[str]:
    return {H.clean_space(link.text()) for link in tree.css("a")
            if not _WRITER_LINK.search(link.attributes.get("href") or "")}


_WRITER_LINK = re.compile(rf"/(?:{'|'.join(_WRITER_DIRECTORIES)})/", re.IGNORECASE)


def account_names(tree) -> tuple[str, ...]:
    """The accounts the first links to author pages name, when each link's text is its page's
    login ("Creeny" for /author/creeny/, "Jane Doe" for /author/jane-doe/): a handle, lower case
    or digits, even the site's own name (a personal blog) is then who wrote the post. Links whose
    text is anything else ("All posts by...", a photo) are left out. Only the first block of
    them: a related-posts list further on links other authors. Else, links inside a byline to
    the writer's own page under another path, read as their names (`_writer_page`)."""
    return _linked_names(tree.css(_ACCOUNT_LINKS)) or _linked_names(_links_in(tree.css(_BYLINES_MARKED)))


def _links_in(nodes) -> list:
    """The links inside NODES, in order, once each (a byline may sit in a byline)."""
    links = {}
    for node in nodes:
        for link in node.css("a[href]"):
            links.setdefault(link.mem_id, link)
    return list(links.values())


# A byline may link the story's section or tags as well as its writer.
_LISTING_PATH = re.compile(r"/(?:tags?|categor(?:y|ies)|sections?|topics?|them(?:a|en)|ressorts?|rubri[ck]\w*)/", re.I)


def _writer_page(path: str, name: str) -> str:
    """The last segment of PATH, when it may be the page of the writer NAME: a name of two words
    at least, a page in some directory ("/about/newsteam/jr-stone", not "/world-news/") that
    lists no section or tag."""
    segments = [part for part in path.split("/") if part]
    if len(name.split()) < 2 or len(segments) < 2 or _LISTING_PATH.search(path):
        return ""
    return segments[-1]


def _account_name(link) -> str | None:
    """The name LINK gives the account whose page it opens, if it reads as that page's login."""
    path = split_url(link.attributes.get("href") or "").path
    login = _ACCOUNT_PATH.search(path)
    name = H.node_text(link)
    page = login.group(1) if login else _writer_page(path, name)
    if (_squashed(unquote(page)) not in _slugged(name) or sum(c.isalpha() for c in name) < 2 or len(name) > 60
            or _PLACEHOLDER.match(name) or _ADDRESS.search(name) or _ORGANISATION.search(name)):
        return None
    return None if _within(link, _elsewhere_part) else name


# How addresses spell the letters ASCII lacks, where they do not drop the accent ("löw" as "loew").
_SPELLED_OUT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae", "ø": "oe", "å": "aa"})


def _slugged(name: str) -> set[str]:
    """NAME squashed as its page's address may write it: as it is, without its accents
    ("José" as "jose"), or with them spelled out ("Löw" as "loew")."""
    squashed = _squashed(name)
    return {squashed, without_accents(squashed), without_accents(squashed.translate(_SPELLED_OUT))}


def _linked_names(links) -> tuple[str, ...]:
    block, names = None, []
    for link in links:
        if (name := _account_name(link)) is None:
            continue
        around = link.parent.parent if link.parent is not None else None
        if block is None:
            block = around
        elif around is None or around.mem_id != block.mem_id:
            break
        names.append(name)
    return tuple(dict.fromkeys(names))


def _in_comments(node) -> bool:
    """Whether NODE sits in the readers' comments, whose bylines name commenters, not authors."""
    return _within(node, _in_comments_part)


def _within(node, part_is: Callable[[str, str], bool]) -> bool:
    """Whether an element around NODE, below <body>, is such a part: PART_IS(its tag, its class
    and id)."""
    found = _nearest_around(node, lambda at: at.tag == "body" or part_is(
        at.tag, f"{at.attributes.get('class') or ''} {at.attributes.get('id') or ''}"))
    return found is not None and found.tag != "body"


def _in_comments_part(tag: str, marks: str) -> bool:
    return "comment" in marks.lower()


# Where the links to author pages name others than the post's author: the readers' comments, a
# sidebar's "authors" widget, a related-posts list. Whole class names that start so
# ("sidebar-right", "widget_text"), not any holding the word: page builders call every block a
# widget ("elementor-widget-container") and the article's layout one "has-sidebar".
_ELSEWHERE = re.compile(r"(?:^|\s)(?:sidebar|widget|related)", re.IGNORECASE)


def _elsewhere_part(tag: str, marks: str) -> bool:
    return _in_comments_part(tag, marks) or tag == "aside" or bool(_ELSEWHERE.search(marks))


# Every element trafilatura's byline search (trafilatura.xpaths.AUTHOR_XPATHS) can take a name
# from is marked by one of these; half the pages that name no author in their metas have none.
_AUTHOR_MARKS = ("author", "Author", "byline", "Byline", "username", "zuozhe", "bianji", "xiaobian", "channel-name",
                 "submitted-by", "posted-by", "journalist-name", "screenname", "writer")
_AUTHOR_MARKED = ["author", "[rel=author]", "[class=byl]", "[class=BBL]", "[data-testid=AuthorCard]",
                  "[data-testid=AuthorURL]", "[data-component*=Byline]", "[itemprop*=author]",
                  *(f"[{attribute}*={m}]" for m in _AUTHOR_MARKS for attribute in ("class", "id"))]
AUTHOR_MARKED = ", ".join(_AUTHOR_MARKED)
# Links inside a byline, which many sites point at the writer's own page under any path
# ("/about/newsteam/jr-stone", "/profil/.../nikolai-huke").
_BYLINES_MARKED = ", ".join(f"[{attribute}*={mark}]" for mark in ("byline", "Byline")
                            for attribute in ("class", "id", "data-testid", "data-component"))


def byline_marked(tree) -> bool:
    """Whether the page has an element a byline search could read a name from: when it has
    none, that (costly) search is spared."""
    return tree.css_first(AUTHOR_MARKED) is not None


def people(texts: Iterable[str], site: Iterable[str] = ()) -> tuple[str, ...]:
    """The person names in TEXTS (bylines, metas), in order, once each."""
    site = list(site)
    texts = [_unmailed(text) for text in texts]
    return tuple(dict.fromkeys(n for text in texts if not _names_organisation(text)
                               for name in split_names(_without_site(text, site))
                               if is_person_name(n := _without_credit(name), site)))


def _without_site(text: str, site: list[str]) -> str:
    """TEXT without the parts, between commas, that are the site's own name, whole: split at its
    "und" or "and", a publication's name would read as people ("Jane Roe, Valley Herald and
    Courier"). Nothing where the site's name comes first: the rest is its address, the whole
    an imprint ("Kirche und Leben, Münster, Germany", "GIROMATCH, Frankfurt a. M., Germany")."""
    names = _squashed_names(site)
    parts = text.split(",")
    if _squashed(parts[0]) in names:
        return ""
    return ",".join(part for part in parts if _squashed(part) not in names)


def _names_organisation(text: str) -> bool:
    """Whether TEXT names an organisation, what follows its name being its address
    ("Olympia-Verlag GmbH, Nürnberg, Germany") or the rest of its name ("Bundesministerium für
    Wirtschaft und Klimaschutz"): no one in it is a person."""
    # Only names of a name's length are searched: the pattern is quadratic on a hostile 100 kB meta.
    names = [name for name in split_names(text) if len(name) <= 120]
    return any(_ORGANISATION.search(name) for name in names) or bool(names and _INSTITUTION.search(names[0]))


# What follows a name after a full stop is its affiliation ("Finian Cunningham. Sputnik
# International"); a stop after an initial or a short title (J., Dr., Jr.) or after the first
# word (Prof. Anna Weber) is part of the name.
_AFFILIATION = re.compile(r"^(?P<name>\S+\s+.*?[^\W\d]{3})\.\s+\S.*$")
# And what follows a bar or a spaced dash: an outlet, a place, a role ("Nathan Bernier | KUT",
# "Nicholas Wu | USA TODAY", "Anne Roe - Reuters", "حسام أبو العلا - القاهرة"). No name holds a spaced dash.
_AFTER_BAR = re.compile(r"\s+[|\-–—]\s+.*$")
# A credit in parentheses before or after the name ("(서울=연합뉴스) 홍길동", "Jane Doe (Reuters)"):
# an agency, a place. A credit that is nothing but one ("(AP)", "(أبوظبي - البيان)") names no one.
_PARENTHESISED = re.compile(r"^\([^()]*\)\s*|\s*\([^()]*\)$")
# What precedes "=" is a wire credit ("스포츠조선=선수민 기자": the outlet, then the reporter); no name holds one.
_BEFORE_EQUALS = re.compile(r"^.*=\s*")
# An agency after a slash, where a full name stands before it ("Peter Maahn/SP-X", "Jane Roe / AP"):
# agencies credited together ("det/dpa", "AFP/The Local") have no full name first, and stay.
_AGENCY_CHARS = 25
_WORD_THEN_SPACE = re.compile(r"[^\W\d]\s+\S")


def _without_agency(name: str) -> str:
    """NAME without the agency after its one slash, where a full name stands before it. Read by
    partition, not one pattern: a pattern for it backtracks quadratically on a long slashless text."""
    before, slash, agency = name.partition("/")
    before, agency = before.rstrip(), agency.strip()
    if (not slash or not agency or "/" in agency or len(agency) > _AGENCY_CHARS or not before[-1:].isalpha()
            or not _WORD_THEN_SPACE.search(before)):
        return name
    return before

# A reporter's title after the name, where Korean writes it ("홍길동 기자", "김철수 특파원").
_TITLE_AFTER = re.compile(r"\s+(?:기자|특파원|선임기자|전문기자|객원기자|인턴기자|수습기자|대기자|논설위원|편집위원)$")


# A preposition left at a name's end, where what it led to was a topic's link, not read ("Mara
# Lind in" from "By Mara Lind in Energy / World"): no name ends in a lower-case preposition.
# A byline whose writer is a picture leaves the preposition alone ("In", as trafilatura capitalises it).
_LEFT_PREPOSITION = re.compile(r"(?:\s+(?:in|under|on|at|im|am|um|dans|en|em)|^(?i:in|under|on|at|im|am|um|dans|en|em))$")


def _caps_name_only(name: str) -> str:
    """NAME without what follows it in other case, where it is set in capitals: wire bylines
    write the name so, the outlet or desk after it ("MARY MAJOR Associated Press")."""
    words = name.split()
    caps = next((at for at, word in enumerate(words) if not word.isupper()), len(words))
    # Initials are capitals too ("T. V. Raman"): two words of a name's length must be.
    spelled = sum(sum(c.isalpha() for c in word) >= 2 for word in words[:caps])
    return " ".join(words[:caps]) if spelled >= 2 and caps < len(words) else name


# An e-mail address beside the name, as feeds and old CMSs write an author ("jane@ledger.example
# (Jane Doe)", "Jane Doe <jane@ledger.example>"): the name is the person, the address no part of it.
_MAIL_THEN_NAME = re.compile(r"^[^\s@()<>]+@[^\s@()<>]+\s*\(([^()]+)\)$")
_NAME_THEN_MAIL = re.compile(r"\s*<[^\s@<>]+@[^\s@<>]+>$")


def _unmailed(text: str) -> str:
    """TEXT without the e-mail address beside a name."""
    mailed = _MAIL_THEN_NAME.match(text)
    return mailed.group(1) if mailed else _NAME_THEN_MAIL.sub("", text)


def _without_credit(name: str) -> str:
    """NAME without what a byline adds to it: an affiliation, an outlet or place, a title, an agency."""
    name = _caps_name_only(_LEFT_PREPOSITION.sub("", name))
    name = _without_agency(_TITLE_AFTER.sub("", _BEFORE_EQUALS.sub("", _PARENTHESISED.sub("", name))))
    return _AFFILIATION.sub(r"\g<name>", _AFTER_BAR.sub("", name))


# -- what kind of page ---------------------------------------------------------------------------
ARTICLE_OG_TYPES = ("article", "news", "blog", "blogposting", "newsarticle")


def says_not_article(tree, ld: dict) -> str | None:
    """Why the page itself says it is no article (og:type website, profile...), or None."""
    og_type = (meta(tree, "og:type") or "").lower()
    if ld or not og_type or any(og_type.startswith(t) for t in ARTICLE_OG_TYPES):
        return None
    if meta(tree, "article:published_time") or tree.css_first("article h1") is not None:
        return None
    return f"the page says it is no article (og:type {og_type})"


def section(tree, ld: dict) -> str | None:
    found = ld.get("articleSection")
    found = found[0] if isinstance(found, list) and found else found
    return H.clean_space(found) if isinstance(found, str) and found.strip() else meta(tree, "article:section")


def language(tree) -> str | None:
    node = tree.css_first("html")
    lang = node.attributes.get("lang") if node is not None else None
    return H.clean_space(lang) or meta(tree, "og:locale", "language", "content-language")
