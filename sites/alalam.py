"""Alalam English (en.alalam.ir), the 2013–2017 site that leaked its related list.

The 2016 HTML is preserved nowhere, so no selector is trusted for the body. The parser reads
the page's block text stream (`H.text_lines`) and anchors on what the sample scrapes confirm:

    title            printed twice (page title, headline); og:title / <title> / h1 first
    date line        `Sun Jun 5, 2016 21:05:12` (FNA form `Sun Nov 09, 2014 5:58`), Tehran time
    body paragraphs  (from 2017 a label `Alalam - Iraq` may follow the first one)
    signature        `S/SH 11`, `SA - 12`, `218-12` (video items may have none)
    var_dump         `string(N) "[{"id": ..., "pic": ..., "title": ...} ,...]"`, N in bytes

The var_dump is the related list: parsed with json item by item (a truncated dump keeps its
complete items), N checked against the byte length, never part of the text. Item dates come
from the .NET tick count in the picture name (`alalam_<ticks>_25f_4x3`), which is Tehran
server time: in every sample the newest item's ticks precede the article's own Tehran date
line by minutes, while read as UTC they would postdate it by hours.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from . import register
from .base import (
    H, Adapter, Image, PageContext, PageLinks, ParseError, ParsedArticle, Parser, RelatedItem, dedupe, to_utc_iso,
)
from archiver.urls import host_of, same_site

TEHRAN = ZoneInfo("Asia/Tehran")
IMAGE_BASE = "https://media.alalam.ir/news/image/855x495/"  # + pic "/YYYY/MM/DD/..." (the real "//")
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_JSON = json.JSONDecoder(strict=False)  # a dump wrapped over several lines keeps its newlines


# -- the confirmed text signals, as data ---------------------------------------------------
DATE_LINE = re.compile(
    rf"\b(?P<wd>{'|'.join(_DAYS)})\w*\s+(?P<mon>{'|'.join(_MONTHS)})\w*\s+(?P<day>\d{{1,2}}),\s*(?P<year>\d{{4}})"
    r"\s+(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?\b"
)
SIGNATURE = re.compile(r"(?=[^a-z]*\d)[A-Z0-9]{1,6}(?:\s*[/-]\s*[A-Z0-9]{1,6}|\s+[A-Z0-9]{1,6}){1,3}")
LABEL = re.compile(r"Alalam\s*[-–—:|]\s*[A-Z][\w .'&-]{1,40}", re.IGNORECASE)
VAR_DUMP = re.compile(r"string\((?P<n>\d+)\)\s*\"")
TICKS = re.compile(r"alalam_(?P<ticks>\d{15,19})_")
BOILERPLATE = re.compile(r"^(?:copyright\b|©)|all rights reserved\.?$", re.IGNORECASE)
_SITE = r"(?:al-?alam(?:\s+(?:news|network|english|tv|channel))*)"
SITE_NAME = re.compile(rf"\s*[-|–—:»]\s*{_SITE}\s*$|^\s*{_SITE}\s*[-|–—:»]\s*|^\s*{_SITE}\s*$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?…][\"”’'»)\]]*$")


def _is_date_line(line: str) -> bool:
    return len(line) <= 60 and DATE_LINE.search(line) is not None


def parse_date_line(line: str) -> tuple[datetime | None, str | None]:
    """A date line read as Tehran wall time, and a warning if it is odd."""
    match = DATE_LINE.search(line)
    if not match:
        return None, None
    g = match.groupdict()
    try:
        local = datetime(
            int(g["year"]), _MONTHS.index(g["mon"]) + 1, int(g["day"]), int(g["h"]), int(g["m"]), int(g["s"] or 0),
            tzinfo=TEHRAN,
        )
    except ValueError:
        return None, f"date line {match.group(0)!r} is not a valid date"
    if _DAYS[local.weekday()] != g["wd"]:
        return local, f"date line {match.group(0)!r}: {local:%Y-%m-%d} is a {_DAYS[local.weekday()]}, not a {g['wd']}"
    return local, None


def ticks_to_utc(ticks: int) -> str | None:
    """A .NET DateTime tick count (100 ns since 0001-01-01), Tehran wall time, as UTC ISO."""
    try:
        local = datetime(1, 1, 1) + timedelta(microseconds=ticks // 10)
    except OverflowError:
        return None
    if not 2000 <= local.year <= 2100:
        return None
    return to_utc_iso(local.replace(tzinfo=TEHRAN))


def _key(text: str) -> str:
    return re.sub(r"[^\w]+", " ", text.casefold()).strip()


def _is_paragraph(line: str) -> bool:
    """Body text is sentences; menus, tickers, headlines and buttons are not."""
    return len(line.split()) >= 4 and (bool(_SENTENCE_END.search(line)) or len(line) >= 100)


@dataclass
class VarDump:
    """The leaked related list: where it sits in the text stream and what it holds."""

    line: int  # index of the line where `string(N) "` starts
    prefix: str  # text on that line before the marker
    items: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def find_var_dump(lines: list[str], encoding: str = "utf-8") -> VarDump | None:
    for index, line in enumerate(lines):
        match = VAR_DUMP.search(line)
        if match:
            break
    else:
        return None
    dump = VarDump(line=index, prefix=line[: match.start()].strip())
    declared = int(match.group("n"))
    text = "\n".join([line[match.end():], *lines[index + 1:]])
    pos = len(text) - len(text.lstrip())
    if not text.startswith("[", pos):
        if not text.startswith('"', pos):  # string(0) "" is an empty list, not an oddity
            dump.warnings.append(f"related list: string({declared}) is not followed by a JSON array")
        return dump
    pos += 1
    while True:
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(text):
            dump.warnings.append(f"related list: var_dump is cut off after {len(dump.items)} items")
            return dump
        if text[pos] == "]":
            break
        try:
            item, pos = _JSON.raw_decode(text, pos)
        except ValueError:
            dump.warnings.append(f"related list: var_dump is cut off or broken after {len(dump.items)} items")
            return dump
        if isinstance(item, dict) and str(item.get("id") or "").isdigit():
            dump.items.append(item)
        else:
            dump.warnings.append(f"related list: item {len(dump.items) + 1} has no numeric id, skipped")
    close = text.find('"', pos + 1)
    if close < 0 or text[pos + 1:close].strip():
        dump.warnings.append("related list: var_dump string has no closing quote")
        return dump
    string = text[:close].lstrip()
    sizes = {len(string.encode("utf-8"))}
    try:
        sizes.add(len(string.encode(encoding)))  # PHP counted the bytes it served
    except (LookupError, UnicodeEncodeError):
        pass
    if declared not in sizes:
        dump.warnings.append(
            f"related list: var_dump declares string({declared}) but holds {len(string.encode('utf-8'))} bytes"
        )
    return dump


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
        stream = lines if dump is None else [*lines[: dump.line], *([dump.prefix] if dump.prefix else [])]
        after_dump = [] if dump is None else lines[dump.line + 1:]

        title, fallback_title = self._title(ctx, lines)
        title_keys = {_key(title)} if title else set()
        date_index = self._date_index(stream, title_keys)
        if date_index is None and dump is not None:  # dump printed before the article
            tail = self._date_index(after_dump, title_keys)
            if tail is not None:
                stream, date_index = after_dump, tail
        if title is None:  # no meta/<title>/h1 is printed: the headline over the date line
            title = (self._title_before(stream, date_index) if date_index else None) or fallback_title
            title_keys = {_key(title)} if title else set()

        published = None
        if date_index is not None:
            local, problem = parse_date_line(stream[date_index])
            published = to_utc_iso(local)
            if problem:
                ctx.warn(problem)
            region = stream[date_index + 1:]
        else:
            ctx.warn("no date line: publication date unknown")
            region = stream[self._headline_end(stream, title_keys):]

        paragraphs, signature, label = self._body(region, title_keys)
        if date_index is None and not paragraphs:
            raise ParseError(ctx.url, "no article: neither a date line nor body text")
        if not paragraphs:
            ctx.warn("no body text (a video item?)")
        if title is None:
            ctx.warn("no title found")

        extra = {}
        if signature:
            extra["signature"] = signature
        if label:
            extra["label"] = label
        related: list[RelatedItem] = []
        if dump is not None:
            related = dedupe((self._related(adapter, item) for item in dump.items), key=lambda r: r.key)
            for warning in dump.warnings:
                ctx.warn(warning)
        image_url = H.meta(ctx.tree, *self.image_metas) or H.link_href(ctx.tree, "image_src")
        return ParsedArticle(
            url=ctx.url,
            canonical_url=adapter.article_url(key),
            key=key,
            title=title,
            text="\n\n".join(paragraphs),
            published=published,
            image=Image(url=ctx.absolute(image_url)) if image_url else None,
            extra=extra,
            related=tuple(related),
            warnings=tuple(ctx.warnings),
            parser=f"{adapter.name}/{self.version}",
        )

    # -- fields ----------------------------------------------------------------------------
    def _title(self, ctx: PageContext, lines: list[str]) -> tuple[str | None, str | None]:
        """The first candidate the page also prints as a line (the headline), else None;
        and the first candidate at all, for when nothing better turns up."""
        tree = ctx.tree
        page_title = tree.css_first("head title") or tree.css_first("title")
        candidates = [H.meta(tree, name) for name in self.title_metas]
        candidates.append(H.clean_space(page_title.text()) if page_title is not None else None)
        candidates.append(H.first_text(tree, self.headline_selectors))
        candidates = [c for c in (SITE_NAME.sub("", H.clean_space(c)) for c in candidates if c) if c and not _is_date_line(c)]
        printed = {_key(line) for line in lines}
        shown = next((c for c in candidates if _key(c) in printed), None)
        return shown, (candidates[0] if candidates else None)

    @staticmethod
    def _title_before(stream: list[str], date_index: int) -> str | None:
        line = stream[date_index - 1]
        twice = date_index > 1 and stream[date_index - 2] == line
        if _is_date_line(line):
            return None
        # A headline has words; a menu line like "Home | News" does not count as one.
        words = [w for w in line.split() if any(ch.isalpha() for ch in w)]
        return line if twice or (len(words) >= 3 and not _is_paragraph(line)) else None

    @staticmethod
    def _date_index(stream: list[str], title_keys: set[str]) -> int | None:
        """The date line, preferring one printed just after the headline (sidebars have dates too)."""
        found = [i for i, line in enumerate(stream) if len(line) <= 60 and DATE_LINE.search(line)]
        for i in found:
            if any(_key(line) in title_keys for line in stream[max(0, i - 3):i]):
                return i
        return found[0] if found else None

    @staticmethod
    def _headline_end(stream: list[str], title_keys: set[str]) -> int:
        printed = [i for i, line in enumerate(stream) if _key(line) in title_keys]
        return printed[0] + 1 if printed else 0

    @staticmethod
    def _body(region: list[str], title_keys: set[str]) -> tuple[list[str], str | None, str | None]:
        """Paragraphs up to the signature. Without a signature the body ends where two
        non-sentence lines in a row (menus, boxes, footers) or a copyright line begin."""
        bounded = any(SIGNATURE.fullmatch(line) for line in region)
        paragraphs: list[str] = []
        pending: list[str] = []
        signature = label = None
        for line in region:
            if _key(line) in title_keys or (len(line) <= 60 and DATE_LINE.search(line)):
                continue
            if SIGNATURE.fullmatch(line):
                signature = line
                break
            if BOILERPLATE.search(line):
                if paragraphs:
                    break
                continue
            if paragraphs and label is None and LABEL.fullmatch(line):
                label = line
                continue
            if _is_paragraph(line):
                paragraphs.extend(pending if paragraphs else [])
                pending = []
                paragraphs.append(line)
            elif paragraphs:
                pending.append(line)
                if not bounded and len(pending) >= 2:
                    break
        return paragraphs, signature, label

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
