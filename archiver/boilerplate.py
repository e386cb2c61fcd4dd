"""Boilerplate learned from a site's own articles (issue 12): the pure rules, no SQL.

A block (a paragraph of an article's text), normalised and with numbers, dates and month names
masked, that recurs across many articles of one site is page furniture the footer patterns did
not know: a donation appeal worded anew, a disclaimer, a newsletter prompt. Copies of one story
(a near-duplicate cluster) count once, so a story syndicated many times teaches nothing. The
threshold is relative to the articles seen, with a floor: a young archive learns nothing.

Parsing stays a pure function of (URL, bytes, capture time) and explicit inputs: the caller
hands the learned keys to the adapter (`Adapter.parse(page, boilerplate=...)`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Iterable, Mapping

from .models import ParsedArticle

MONTH = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?(?=\s|$)", re.I)
NUMBER = re.compile(r"\d+(?:[.,:/-]\d+)*")
SPACE = re.compile(r"\s+")


def block_key(block: str) -> str:
    """BLOCK normalised: lower case, spaces collapsed, numbers as #, month names as @."""
    text = NUMBER.sub("#", SPACE.sub(" ", block).strip().lower())
    return MONTH.sub("@", text)


def blocks_of(text: str) -> frozenset[str]:
    """The keys of an article text's blocks (paragraphs are separated by blank lines)."""
    return frozenset(k for k in (block_key(b) for b in text.split("\n\n")) if k)


@dataclass(frozen=True)
class Rules:
    min_articles: int = 30  # articles (clusters) of a site before anything is learned
    min_count: int = 8  # a block seen in fewer articles is never boilerplate
    share: float = 0.05  # ... nor one seen in less than this share of the site's articles


@dataclass(frozen=True)
class Learned:
    """One site's learned blocks, with the articles (clusters) they were counted over."""

    articles: int
    counts: Mapping[str, int]
    rules: Rules = Rules()
    examples: Mapping[str, str] = field(default_factory=dict)  # a paragraph of each key, as first seen

    @property
    def blocks(self) -> frozenset[str]:
        if self.articles < self.rules.min_articles:
            return frozenset()
        floor = max(self.rules.min_count, self.rules.share * self.articles)
        return frozenset(k for k, n in self.counts.items() if n >= floor)


def count_blocks(articles: Iterable[tuple[str, str]], rules: Rules = Rules()) -> Learned:
    """Block counts over ARTICLES, (cluster, text) pairs of one site (the text with what was
    removed as boilerplate before): a cluster (a story and its near-duplicate copies) counts
    each block once."""
    seen: dict[str, set[str]] = {}
    examples: dict[str, str] = {}
    for cluster, text in articles:
        keys = seen.setdefault(cluster, set())
        for block in text.split("\n\n"):
            if key := block_key(block):
                keys.add(key)
                examples.setdefault(key, block.strip())
    counts = Counter(k for keys in seen.values() for k in keys)
    floor = min(rules.min_count, 2)
    return Learned(len(seen), dict(counts), rules, {k: examples[k] for k, n in counts.items() if n >= floor})


REMOVED = "boilerplate_removed"  # the extra entry holding what was removed (show says it; learning counts it)
ALL_REMOVED = "every paragraph is learned boilerplate: the text kept whole"


def without_learned(article: ParsedArticle, learned: frozenset[str]) -> ParsedArticle:
    """ARTICLE without its paragraphs learned as the site's boilerplate, the removed ones kept in
    `extra` (so learning again still counts them). Were all removed, all are kept, with a
    warning: a learned rule must never empty an article."""
    if not learned or not article.text:
        return article
    paragraphs = article.text.split("\n\n")
    kept = [p for p in paragraphs if block_key(p) not in learned]
    if len(kept) == len(paragraphs):
        return article
    if not kept:
        return replace(article, warnings=tuple(dict.fromkeys((*article.warnings, ALL_REMOVED))))
    removed = "\n\n".join(p for p in paragraphs if block_key(p) in learned)
    return replace(article, text="\n\n".join(kept), extra={**article.extra, REMOVED: removed})
