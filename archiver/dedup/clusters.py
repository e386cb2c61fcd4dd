"""The near-duplicate decisions: which cluster an article joins, and who is a cluster's root.

An article is placed once its row exists: the same normalised text first (an exact copy), else
the best LSH candidate whose sketch estimate is near enough the threshold to earn an exact
check and whose exact shingle Jaccard reaches it. A cluster's root is its first-seen member
(first_seen, then id), so a newcomer seen earlier (an imported old capture) takes the cluster
over, and an article whose text changed leaves its cluster to its next first-seen member.

The decisions speak only to a DedupIndex (index.py): the store's tables in an archive,
dictionaries in tests and benchmarks.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from .index import DedupIndex
from .sketch import MAX_CANDIDATES, MAX_VERIFIED, Sketch, TextSketch, fingerprint_jaccard, ranked


@dataclass(frozen=True)
class Match:
    root: int
    kind: str  # 'exact' or 'near'
    similarity: float


@dataclass(frozen=True)
class Placement:
    """Where one article landed: `root` is its cluster root, None when it is a root itself."""

    root: int | None
    match: Match | None
    checks: int  # exact Jaccard comparisons it took


@dataclass
class ClusterStats:
    """Running totals of a Clusterer's work, for benchmarks and logs."""

    placed: int = 0
    checks: int = 0
    seconds: float = 0.0


class Clusterer:
    def __init__(self, index: DedupIndex):
        self.index = index
        self.stats = ClusterStats()

    def place(self, article_id: int, text: TextSketch, replacing: bool = False) -> Placement:
        """Put an article (its row already stored) in a cluster. `replacing`: the article was
        placed before, with another text, and leaves that cluster first."""
        started = time.perf_counter()
        if replacing:
            self.detach(article_id)
        match, checks = self._exact(article_id, text.text_sha), 0
        if match is None and text.sketch is not None:
            match, checks = self._near(article_id, text.sketch)
        self.index.record(article_id, text.sketch)
        if match is None:
            self.index.set_cluster(article_id, None, None, None)
            root = None
        else:
            root = self._join(article_id, match)
        self.stats.placed += 1
        self.stats.checks += checks
        self.stats.seconds += time.perf_counter() - started
        return Placement(root, match, checks)

    def detach(self, article_id: int) -> None:
        """The article leaves the index; members it was root of stay together under their next
        first-seen member."""
        heir = self.index.first_member(article_id)
        if heir is not None:
            self.index.set_cluster(heir, None, None, None)
            self.index.move_members(article_id, heir)
        self.index.remove(article_id)

    def _exact(self, article_id: int, text_sha: str | None) -> Match | None:
        first = self.index.same_text(text_sha, exclude=article_id) if text_sha else None
        if first is None:
            return None
        root = self.index.root_of(first) or first
        return None if root == article_id else Match(root, "exact", 1.0)

    def _near(self, article_id: int, sketch: Sketch) -> tuple[Match | None, int]:
        """LSH candidates ranked by the sketch's estimate, confirmed on exact Jaccard; the best wins."""
        params = self.index.params
        candidates = self.index.candidates(sketch.keys, exclude=article_id, limit=MAX_CANDIDATES)
        best: Match | None = None
        checks = 0
        for estimate, candidate in ranked(sketch.signature, candidates)[:MAX_VERIFIED]:
            if estimate < params.estimate_floor:
                break
            checks += 1
            score = fingerprint_jaccard(sketch.fingerprints, self.index.fingerprints(candidate))
            # Compared with the best's rounded similarity, as it is stored.
            if score >= params.threshold and (best is None or score > best.similarity):
                best = Match(self.index.root_of(candidate) or candidate, "near", round(score, 4))
        return best, checks

    def _join(self, article_id: int, match: Match) -> int | None:
        """The article's cluster root after joining `match.root`'s cluster (None: it is the root)."""
        if self.index.seen_order(article_id) < self.index.seen_order(match.root):
            self.index.set_cluster(article_id, None, None, None)
            self.index.move_members(match.root, article_id)
            self.index.set_cluster(match.root, article_id, match.kind, match.similarity)
            return None
        self.index.set_cluster(article_id, match.root, match.kind, match.similarity)
        return match.root
