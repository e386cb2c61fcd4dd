"""Plain-text rules every stage shares: the HTML readers (archiver.html, sites.source_order) and
the dedup and version comparisons (archiver.dedup) see the same words."""

from __future__ import annotations

import unicodedata

# Characters that only tell a browser where it may break a line (soft hyphens, zero-width
# spaces, word joiners, a stray byte-order mark): no part of the words, and a word holding one
# ("Deutsch\u00adland") is found by no search for it.
_BREAK_HINTS = dict.fromkeys(map(ord, "\u00ad\u200b\u2060\ufeff"))


def without_break_hints(text: str) -> str:
    # Looked for first: most texts have none, and translate() costs per character.
    if "\u00ad" in text or "\u200b" in text or "\u2060" in text or "\ufeff" in text:
        return text.translate(_BREAK_HINTS)
    return text


def without_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """TEXT with SPANS (in order, not overlapping) taken out."""
    kept, at = [], 0
    for start, end in spans:
        kept.append(text[at:start])
        at = end
    kept.append(text[at:])
    return "".join(kept)


def without_accents(text: str) -> str:
    """TEXT with its letters' accents dropped ("José" as "Jose"), as addresses and slugs write them."""
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
