"""Boilerplate learned per site (issue 12): block counts over each site's articles.

The counting rules are pure (archiver/boilerplate.py); this part reads the texts and keeps the
counts. Learning recomputes a site from its articles: a near-duplicate cluster (articles.
duplicate_of) counts once, and what was removed as boilerplate before (`extra`) still counts,
so a learned block stays learned after the texts lost it.
"""

from __future__ import annotations

from ..boilerplate import REMOVED, Learned, Rules, count_blocks
from ..models import utc_now
from .base import Part, from_json


class Boilerplate(Part):
    def __init__(self, db, rules: Rules = Rules()):
        super().__init__(db)
        self.rules = rules
        self._learned: dict[str, frozenset[str]] = {}  # per store: what `learned` read, until the next `learn`

    def learn(self, site: str) -> Learned:
        """Count SITE's blocks again from its articles and keep those that may become boilerplate."""
        rows = self.db.execute(
            "SELECT coalesce(duplicate_of, id), text, extra FROM articles WHERE site = ?", [site]).fetchall()
        learned = count_blocks(((str(root), _counted_text(text, extra)) for root, text, extra in rows), self.rules)
        kept = [(site, key, n, learned.examples.get(key)) for key, n in learned.counts.items() if n >= self.rules.min_count]
        with self.db.atomic():
            self.db.execute("DELETE FROM boilerplate_blocks WHERE site = ?", [site])
            self.db.execute("DELETE FROM boilerplate_sites WHERE site = ?", [site])
            self.db.execute("INSERT INTO boilerplate_sites (site, articles, learned_at) VALUES (?, ?, ?)",
                            [site, learned.articles, utc_now()])
            self.db.conn.executemany("INSERT INTO boilerplate_blocks (site, key, count, example) VALUES (?, ?, ?, ?)", kept)
        self._learned.pop(site, None)
        return learned

    def sites(self) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT DISTINCT site FROM articles ORDER BY site")]

    def counts(self, site: str) -> Learned:
        """What was counted for SITE when it was last learned (nothing: no articles)."""
        if not self._ready():
            return Learned(0, {}, self.rules)
        row = self.db.execute("SELECT articles FROM boilerplate_sites WHERE site = ?", [site]).fetchone()
        blocks = self.db.execute("SELECT key, count, example FROM boilerplate_blocks WHERE site = ? ORDER BY count DESC, key",
                                 [site]).fetchall()
        return Learned(row[0] if row else 0, {k: n for k, n, _ in blocks}, self.rules, {k: e for k, _, e in blocks if e})

    def learned(self, site: str) -> frozenset[str]:
        """The block keys of SITE that are boilerplate, for parsing (read once per store)."""
        if site not in self._learned:
            self._learned[site] = self.counts(site).blocks
        return self._learned[site]

    def _ready(self) -> bool:
        return self.db["boilerplate_blocks"].exists()


def _counted_text(text: str | None, extra: str | None) -> str:
    removed = from_json(extra, {}).get(REMOVED)
    return "\n\n".join(t for t in (text, removed) if t)
