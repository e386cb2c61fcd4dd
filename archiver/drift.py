"""Layout drift: a site that changes its templates must not silently empty the archive.

Every run records, per parser version, how many article pages it parsed and how many of them
had each field (title, publication date, a body of at least BODY_WORDS words, a related list,
tags), their mean length, and how many pages failed to parse. A run is compared with the
site's earlier runs of the same parser: a field that most pages used to have and this run's
pages mostly lack, a text that shrank to a fraction, or parse failures where there were none,
is a warning in the crawl summary, in `crawl_runs.coverage` and in `stats`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import ParsedArticle

BODY_WORDS = 50
FIELDS = ("title", "date", "body", "related", "tags")
MIN_PAGES = 5  # fewer pages than this, in the run or its history, say nothing either way
DROP = 0.5  # a field's share falling by this much (absolute) is a departure
SHRINK = 0.5  # the mean text falling below this fraction of the history's is a departure


def fields_of(article: ParsedArticle) -> dict:
    """Which fields one parsed article has, and its length in words."""
    words = len((article.text or "").split())
    return {"parser": article.parser, "words": words, "title": bool(article.title), "date": bool(article.published),
            "body": words >= BODY_WORDS, "related": bool(article.related), "tags": bool(article.tags)}


@dataclass
class Coverage:
    """Per parser version: pages parsed, how many had each field, words, parse failures."""

    parsers: dict[str, dict] = field(default_factory=dict)

    def _entry(self, parser: str) -> dict:
        return self.parsers.setdefault(parser, {"pages": 0, "failed": 0, "words": 0, **{name: 0 for name in FIELDS}})

    def add(self, found: dict) -> None:
        entry = self._entry(found["parser"])
        entry["pages"] += 1
        entry["words"] += found["words"]
        for name in FIELDS:
            entry[name] += int(found[name])

    def failed(self, parser: str) -> None:
        self._entry(parser)["failed"] += 1

    def as_dict(self) -> dict:
        return {parser: dict(entry) for parser, entry in self.parsers.items()}


def _shares(entry: dict) -> dict[str, float]:
    pages = entry["pages"]
    tried = pages + entry["failed"]
    shares = {name: entry[name] / pages for name in FIELDS} if pages else {name: 0.0 for name in FIELDS}
    shares["parsed"] = pages / tried if tried else 1.0
    shares["words"] = entry["words"] / pages if pages else 0.0
    return shares


def departures(run: dict, history: list[dict]) -> list[str]:
    """Warnings for each parser version whose coverage in RUN departs from its pooled HISTORY
    (earlier runs' coverage dicts, as `Coverage.as_dict` gives them)."""
    warnings = []
    for parser, entry in run.items():
        past = _pooled([h[parser] for h in history if parser in h])
        if entry["pages"] + entry["failed"] < MIN_PAGES or past["pages"] + past["failed"] < MIN_PAGES:
            continue
        now, before = _shares(entry), _shares(past)
        for name in (*FIELDS, "parsed"):
            if before[name] - now[name] >= DROP:
                warnings.append(f"{parser}: {_label(name)} on {now[name]:.0%} of pages, was {before[name]:.0%}"
                                " - has the layout changed?")
        if before["words"] and now["words"] < SHRINK * before["words"]:
            warnings.append(f"{parser}: texts average {now['words']:.0f} words, were {before['words']:.0f}"
                            " - has the layout changed?")
    return warnings


def _pooled(entries: list[dict]) -> dict:
    pooled = {"pages": 0, "failed": 0, "words": 0, **{name: 0 for name in FIELDS}}
    for entry in entries:
        for key in pooled:
            pooled[key] += entry.get(key, 0)
    return pooled


def _label(name: str) -> str:
    return {"body": f"a body of {BODY_WORDS}+ words", "date": "a publication date", "related": "a related list",
            "parsed": "parsed as articles"}.get(name, name)
