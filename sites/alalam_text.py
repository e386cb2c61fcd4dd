"""Alalam's page read as a text stream, and the PHP `var_dump` that leaked its related list.

The 2016 HTML is preserved nowhere, so no selector is trusted for the body: these pure
functions read the page's block text stream (`archiver.html.text_lines`) and anchor on what
the sample scrapes confirm:

    title            printed twice (page title, headline); og:title / <title> / h1 first
    date line        `Sun Jun 5, 2016 21:05:12` (FNA form `Sun Nov 09, 2014 5:58`), Tehran time
    body paragraphs  (from 2017 a label `Alalam - Iraq` may follow the first one)
    signature        `S/SH 11`, `SA - 12`, `218-12` (video items may have none)
    var_dump         `string(N) "[{"id": ..., "pic": ..., "title": ...} ,...]"`, N in bytes

The var_dump is parsed with json item by item (a truncated dump keeps its complete items),
N checked against the byte length, and it is never part of the text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from .fields import to_utc_iso

TEHRAN = ZoneInfo("Asia/Tehran")
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
BOILERPLATE = re.compile(r"^(?:copyright\b|©)|all rights reserved\.?$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?…][\"”’'»)\]]*$")


def is_date_line(line: str) -> bool:
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
    """A .NET DateTime tick count (100 ns since 0001-01-01), Tehran wall time, as UTC ISO.
    The picture names carry Tehran server time: in every sample the newest related item's
    ticks precede the article's own Tehran date line by minutes, while read as UTC they
    would postdate it by hours."""
    try:
        local = datetime(1, 1, 1) + timedelta(microseconds=ticks // 10)
    except OverflowError:
        return None
    if not 2000 <= local.year <= 2100:
        return None
    return to_utc_iso(local.replace(tzinfo=TEHRAN))


def line_key(text: str) -> str:
    """A line as compared with a title: case, punctuation and spacing do not count."""
    return re.sub(r"[^\w]+", " ", text.casefold()).strip()


def _is_paragraph(line: str) -> bool:
    """Body text is sentences; menus, tickers, headlines and buttons are not."""
    return len(line.split()) >= 4 and (bool(_SENTENCE_END.search(line)) or len(line) >= 100)


# -- the var_dump ---------------------------------------------------------------------------
@dataclass(frozen=True)
class VarDump:
    """The leaked related list: where it sits in the text stream and what it holds (the lists
    are filled while find_var_dump reads it, and not after)."""

    line: int  # index of the line where `string(N) "` starts
    prefix: str  # text on that line before the marker
    items: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def find_var_dump(lines: list[str], encoding: str = "utf-8") -> VarDump | None:
    found = next(((i, m) for i, line in enumerate(lines) if (m := VAR_DUMP.search(line))), None)
    if found is None:
        return None
    index, match = found
    dump = VarDump(line=index, prefix=lines[index][: match.start()].strip())
    declared = int(match.group("n"))
    text = "\n".join([lines[index][match.end():], *lines[index + 1:]])
    pos = len(text) - len(text.lstrip())
    if not text.startswith("[", pos):
        if not text.startswith('"', pos):  # string(0) "" is an empty list, not an oddity
            dump.warnings.append(f"related list: string({declared}) is not followed by a JSON array")
        return dump
    end = _read_items(text, pos + 1, dump)
    if end is not None:
        _check_size(text, end, declared, encoding, dump)
    return dump


def _read_items(text: str, pos: int, dump: VarDump) -> int | None:
    """Decode the array's items into DUMP; the position of its `]`, or None when cut off."""
    while True:
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(text):
            dump.warnings.append(f"related list: var_dump is cut off after {len(dump.items)} items")
            return None
        if text[pos] == "]":
            return pos
        try:
            item, pos = _JSON.raw_decode(text, pos)
        except ValueError:
            dump.warnings.append(f"related list: var_dump is cut off or broken after {len(dump.items)} items")
            return None
        if isinstance(item, dict) and str(item.get("id") or "").isdigit():
            dump.items.append(item)
        else:
            dump.warnings.append(f"related list: item {len(dump.items) + 1} has no numeric id, skipped")


def _check_size(text: str, end: int, declared: int, encoding: str, dump: VarDump) -> None:
    """The string closes after the array and holds the number of bytes it declares."""
    close = text.find('"', end + 1)
    if close < 0 or text[end + 1:close].strip():
        dump.warnings.append("related list: var_dump string has no closing quote")
        return
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


# -- the story ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Story:
    """What the text stream says about the article itself."""

    title: str | None
    dated: bool  # a date line was found (it may still be no valid date)
    published: datetime | None  # Tehran wall time
    paragraphs: tuple[str, ...]
    signature: str | None
    label: str | None
    warnings: tuple[str, ...]


def read_story(lines: list[str], titles: list[str], dump: VarDump | None) -> Story:
    """The article in LINES. TITLES are the page's title candidates, best first: the first the
    page also prints as a line is the headline, else the line over the date line, else the
    first candidate at all."""
    printed = {line_key(line) for line in lines}
    title = next((c for c in titles if line_key(c) in printed), None)
    stream, date_index = _story_stream(lines, dump, {line_key(title)} if title else set())
    if title is None:  # no meta/<title>/h1 is printed: the headline over the date line
        title = (_title_before(stream, date_index) if date_index else None) or (titles[0] if titles else None)
    title_keys = {line_key(title)} if title else set()
    warnings = []
    published = None
    if date_index is not None:
        published, problem = parse_date_line(stream[date_index])
        warnings += [problem] if problem else []
        region = stream[date_index + 1:]
    else:
        warnings.append("no date line: publication date unknown")
        region = stream[_headline_end(stream, title_keys):]
    paragraphs, signature, label = _body(region, title_keys)
    return Story(title, date_index is not None, published, tuple(paragraphs), signature, label, tuple(warnings))


def _story_stream(lines: list[str], dump: VarDump | None, title_keys: set[str]) -> tuple[list[str], int | None]:
    """The lines that hold the article (those before the var_dump, unless the dump was printed
    before it) and the index of its date line there."""
    if dump is None:
        return lines, _date_index(lines, title_keys)
    stream = [*lines[: dump.line], *([dump.prefix] if dump.prefix else [])]
    date_index = _date_index(stream, title_keys)
    if date_index is None:
        after_dump = lines[dump.line + 1:]
        tail = _date_index(after_dump, title_keys)
        if tail is not None:
            return after_dump, tail
    return stream, date_index


def _title_before(stream: list[str], date_index: int) -> str | None:
    line = stream[date_index - 1]
    twice = date_index > 1 and stream[date_index - 2] == line
    if is_date_line(line):
        return None
    # A headline has words; a menu line like "Home | News" does not count as one.
    words = [w for w in line.split() if any(ch.isalpha() for ch in w)]
    return line if twice or (len(words) >= 3 and not _is_paragraph(line)) else None


def _date_index(stream: list[str], title_keys: set[str]) -> int | None:
    """The date line, preferring one printed just after the headline (sidebars have dates too)."""
    found = [i for i, line in enumerate(stream) if is_date_line(line)]
    for i in found:
        if any(line_key(line) in title_keys for line in stream[max(0, i - 3):i]):
            return i
    return found[0] if found else None


def _headline_end(stream: list[str], title_keys: set[str]) -> int:
    printed = [i for i, line in enumerate(stream) if line_key(line) in title_keys]
    return printed[0] + 1 if printed else 0


def _body(region: list[str], title_keys: set[str]) -> tuple[list[str], str | None, str | None]:
    """Paragraphs up to the signature. Without a signature the body ends where two
    non-sentence lines in a row (menus, boxes, footers) or a copyright line begin."""
    bounded = any(SIGNATURE.fullmatch(line) for line in region)
    paragraphs: list[str] = []
    pending: list[str] = []  # non-sentence lines inside the body, kept if a paragraph follows
    signature = label = None
    for line in region:
        if line_key(line) in title_keys or is_date_line(line):
            continue
        if SIGNATURE.fullmatch(line):
            signature = line
            break
        if BOILERPLATE.search(line):
            if paragraphs:
                break
        elif paragraphs and label is None and LABEL.fullmatch(line):
            label = line
        elif _is_paragraph(line):
            paragraphs += [*pending, line]
            pending = []
        elif paragraphs:
            pending.append(line)
            if not bounded and len(pending) >= 2:
                break
    return paragraphs, signature, label
