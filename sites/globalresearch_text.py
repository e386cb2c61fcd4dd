"""Global Research's text rules: the lines of the article header and body, as pure functions.

What is confirmed of the site is its text (sites.md), so these read lines whatever the
markup: `Global Research, June 10, 2017`, the original source line (`South Front 9 June 2017`),
the `By ...` byline, the `Region:` / `Theme:` / `In-depth Report:` lines, `Featured image: ...`
and credit lines (`Video by: ...`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import fields as F

BYLINE = re.compile(r"^By\s+\S")
GR_DATE = re.compile(rf"^Global Research,\s*(?P<date>{F.WRITTEN_DATE})$")
SOURCE_LINE = re.compile(rf"^(?P<name>\S.*?),?\s+(?P<date>{F.WRITTEN_DATE})$")
ORIGINAL_SOURCE = re.compile(r"^The original source of this article is\s+(?P<name>.+?)\.?$")
FEATURED = re.compile(r"^Featured? [Ii]mage\s*(?:[:\-\u2013]\s*|is\s+|\s)(?P<what>.*)$")
CREDIT_LINE = re.compile(r"^(?P<role>Voiceover|Voice-over|Narration|Video|Produced|Edited|Footage|Filmed) by:?\s+(?P<name>.{2,80})$")
TAG_LINE = re.compile(r"^(?P<label>Region|Theme|In-depth Report)s?\s*:")
TAG_KINDS = {"Region": "region", "Theme": "theme", "In-depth Report": "report"}


def is_header_line(line: str) -> bool:
    """A byline or source line, not a sentence that happens to start with "By" or end with a date."""
    short = len(line) <= 120 and not line.endswith((".", "?", "!", ":", '"', "\u201d"))
    return short and bool(BYLINE.match(line) or SOURCE_LINE.match(line))


@dataclass(frozen=True)
class Body:
    """The article's lines, and what the body says besides: credit lines, the featured image."""

    paragraphs: tuple[str, ...]
    credits: dict[str, str]
    featured: str | None


def split_body(lines: list[str], title: str | None) -> Body:
    """Header lines repeated above the text are dropped; featured-image and credit lines taken out."""
    paragraphs: list[str] = []
    credits: dict[str, str] = {}
    featured = None
    for line in lines:
        if match := FEATURED.match(line):
            featured = featured or match["what"].strip()
        elif match := CREDIT_LINE.match(line):
            credits.setdefault(match["role"].lower().replace("-", ""), match["name"].strip())
        elif paragraphs or not (line == title or GR_DATE.match(line) or TAG_LINE.match(line) or is_header_line(line)):
            paragraphs.append(line)
    return Body(tuple(paragraphs), credits, featured)


def source_of(lines: list[str]) -> dict[str, str]:
    """The original publication: the line after `Global Research, <date>`, else the footer's
    `The original source of this article is ...`."""
    after = next((lines[i + 1] for i, line in enumerate(lines[:-1]) if GR_DATE.match(line)), "")
    if (match := SOURCE_LINE.match(after)) and not TAG_LINE.match(after) and (day := F.parse_day(match["date"])):
        return {"source": match["name"].strip(), "source_date": day.isoformat()}
    match = F.first_match(ORIGINAL_SOURCE, lines)
    return {"source": match["name"].strip()} if match else {}


def after_header(lines: list[str]) -> list[str]:
    """Without a body element the article block also holds navigation, the headline and the
    header lines: the text starts after the last of `Global Research, <date>`, the source
    line and the Region/Theme/Report lines."""
    header = [i for i, line in enumerate(lines[:40]) if GR_DATE.match(line) or TAG_LINE.match(line)]
    return lines[header[-1] + 1:] if header else lines
