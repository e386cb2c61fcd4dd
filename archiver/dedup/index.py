"""What the cluster decisions (clusters.py) need to know about an archive, as one small interface.

The store implements it over its tables (archiver/store/dedup_index.py); `MemoryIndex` holds
the same facts in dictionaries, so the decisions can be tested and timed without SQL.
An index answers for one set of sketch parameters: band keys made with others never meet.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Iterable, Protocol

import numpy as np

from .sketch import Params, Sketch

_EMPTY = np.zeros(0, dtype=np.uint32)


class DedupIndex(Protocol):
    """Sketches by article (signature, fingerprints, band keys) and the clusters they form.

    A cluster is its root (the first-seen member, by (first_seen, id)) and the members whose
    `root_of` names it; a root's own `root_of` is None.
    """

    @property
    def params(self) -> Params: ...

    def contains(self, article_id: int) -> bool:
        """The article has an entry (possibly for a text without words, which never matches)."""

    def candidates(self, keys: Iterable[tuple[int, int]], exclude: int, limit: int) -> list[tuple[int, np.ndarray]]:
        """(id, signature) of up to `limit` other articles sharing a (band, key), most shared first, then by id."""

    def fingerprints(self, article_id: int) -> np.ndarray:
        """The stored shingle fingerprints of an indexed article."""

    def record(self, article_id: int, sketch: Sketch | None) -> None:
        """Store an article's sketch (None: a text without words) and its band keys."""

    def remove(self, article_id: int) -> None:
        """Forget an article's sketch and band keys (its cluster fields are left as they are)."""

    def same_text(self, text_sha: str, exclude: int) -> int | None:
        """The first-seen other article whose normalised text has this hash."""

    def root_of(self, article_id: int) -> int | None: ...

    def first_member(self, root: int) -> int | None:
        """The first-seen article whose root is `root`."""

    def seen_order(self, article_id: int) -> tuple[str, int]:
        """(first_seen, id): what decides which member of a cluster is its root."""

    def set_cluster(self, article_id: int, root: int | None, kind: str | None, similarity: float | None) -> None: ...

    def move_members(self, old_root: int, new_root: int) -> None:
        """Every article whose root is `old_root` gets `new_root` (kind and similarity kept)."""


@dataclass
class _Entry:
    first_seen: str
    text_sha: str | None
    root: int | None = None
    kind: str | None = None
    similarity: float | None = None


class MemoryIndex:
    """A DedupIndex in dictionaries. Articles are announced with `add_article` (the store has
    them in its articles table) before they are placed."""

    def __init__(self, params: Params):
        self.params = params
        self._articles: dict[int, _Entry] = {}
        self._sketches: dict[int, Sketch | None] = {}
        self._buckets: defaultdict[tuple[int, int], set[int]] = defaultdict(set)
        self._by_text: defaultdict[str | None, set[int]] = defaultdict(set)

    def add_article(self, article_id: int, first_seen: str, text_sha: str | None) -> None:
        """A new article, or a stored one's new text (its first_seen stretched, cluster kept)."""
        entry = self._articles.get(article_id)
        if entry is None:
            self._articles[article_id] = _Entry(first_seen, text_sha)
        else:
            self._by_text[entry.text_sha].discard(article_id)
            entry.first_seen, entry.text_sha = min(entry.first_seen, first_seen), text_sha
        self._by_text[text_sha].add(article_id)

    def clusters(self) -> dict[int, tuple[int | None, str | None, float | None]]:
        """article id -> (root, kind, similarity), as the store's duplicate_of, duplicate_kind, similarity."""
        return {article_id: (e.root, e.kind, e.similarity) for article_id, e in self._articles.items()}

    def bucket_mean(self) -> float:
        return sum(map(len, self._buckets.values())) / len(self._buckets) if self._buckets else 0.0

    # -- DedupIndex ----------------------------------------------------------------------
    def contains(self, article_id: int) -> bool:
        return article_id in self._sketches

    def candidates(self, keys: Iterable[tuple[int, int]], exclude: int, limit: int) -> list[tuple[int, np.ndarray]]:
        hits = Counter(article_id for key in keys for article_id in self._buckets.get(key, ()) if article_id != exclude)
        best = sorted(hits.items(), key=lambda pair: (-pair[1], pair[0]))[:limit]
        return [(article_id, self._sketches[article_id].signature) for article_id, _ in best]

    def fingerprints(self, article_id: int) -> np.ndarray:
        sketch = self._sketches[article_id]
        return sketch.fingerprints if sketch else _EMPTY

    def record(self, article_id: int, sketch: Sketch | None) -> None:
        self._sketches[article_id] = sketch
        for key in sketch.keys if sketch else ():
            self._buckets[key].add(article_id)

    def remove(self, article_id: int) -> None:
        sketch = self._sketches.pop(article_id, None)
        for key in sketch.keys if sketch else ():
            self._buckets[key].discard(article_id)
            if not self._buckets[key]:
                del self._buckets[key]

    def same_text(self, text_sha: str, exclude: int) -> int | None:
        return min(self._by_text.get(text_sha, set()) - {exclude}, key=self.seen_order, default=None)

    def root_of(self, article_id: int) -> int | None:
        return self._articles[article_id].root

    def first_member(self, root: int) -> int | None:
        members = [article_id for article_id, e in self._articles.items() if e.root == root]
        return min(members, key=self.seen_order, default=None)

    def seen_order(self, article_id: int) -> tuple[str, int]:
        return self._articles[article_id].first_seen, article_id

    def set_cluster(self, article_id: int, root: int | None, kind: str | None, similarity: float | None) -> None:
        entry = self._articles[article_id]
        entry.root, entry.kind, entry.similarity = root, kind, similarity

    def move_members(self, old_root: int, new_root: int) -> None:
        for entry in self._articles.values():
            if entry.root == old_root:
                entry.root = new_root
