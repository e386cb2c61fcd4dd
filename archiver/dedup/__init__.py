"""Deduplication: what makes two pages one story.

Here, text identity: the normalised form two copies of one story share, and body hashes.
    sketch.py    shingles, MinHash signatures, LSH band keys, fingerprints (pure computation)
    index.py     the DedupIndex protocol the decisions read and write; MemoryIndex
    clusters.py  the near-duplicate decisions: which cluster an article joins, who is its root
The store implements DedupIndex over its tables (archiver/store/dedup_index.py).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalize_text(text: str) -> str:
    """NFKC, case-folded, punctuation and white space collapsed: what survives re-typesetting."""
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return _NON_WORD.sub(" ", folded).strip()


def text_hash(text: str) -> str | None:
    normalized = normalize_text(text)
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest() if normalized else None


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()
