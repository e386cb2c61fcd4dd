"""Full-text search over articles_fts, one row per cluster unless all copies are wanted, and
the archive's counts."""

from __future__ import annotations

import sqlite3
from typing import Any

from ..errors import QueryError
from .base import Part
from .dedup_index import SqlDedupIndex

SEARCH_ORDERS = {
    "relevance": "score DESC, a.id",
    "newest": "a.published IS NULL, a.published DESC, score DESC, a.id",
    "oldest": "a.published IS NULL, a.published, score DESC, a.id",
}


class SearchIndex(Part):
    def __init__(self, db, index: SqlDedupIndex):
        super().__init__(db)
        self.index = index

    def search(self, match: str, site: str | None = None, since: str | None = None, until: str | None = None,
               limit: int = 20, all_duplicates: bool = False, order: str = "relevance") -> list[dict]:
        """Articles matching an FTS5 query; a query FTS5 rejects is a QueryError."""
        try:
            rows = list(self.db.query(*_search_sql(match, site, since, until, order)))
        except sqlite3.OperationalError as exc:
            raise QueryError(f"cannot search for {match!r}: {exc}") from None
        copies = self.index.cluster_sizes({r["cluster"] for r in rows})
        out: list[dict] = []
        seen: set[int] = set()
        for row in rows:
            if not all_duplicates:
                if row["cluster"] in seen:
                    continue
                seen.add(row["cluster"])
            row["copies"] = copies.get(row["cluster"], 1)
            out.append(row)
            if len(out) >= limit:
                break
        return out

    def stats(self) -> dict:
        """Per-site counts and duplicate rates, the last run of each site, totals."""
        sites = list(self.db.query(
            "SELECT a.site, count(*) AS articles, sum(a.duplicate_of IS NOT NULL) AS duplicates, "
            "sum(a.duplicate_kind = 'exact') AS exact_duplicates, sum(a.duplicate_kind = 'near') AS near_duplicates, "
            "sum(r.site IS NOT NULL AND r.site != a.site) AS copies_of_other_sites, "
            "min(a.published) AS oldest, max(a.published) AS newest "
            "FROM articles a LEFT JOIN articles r ON r.id = a.duplicate_of GROUP BY a.site ORDER BY a.site"
        ))
        for row in sites:
            row["duplicate_rate"] = round((row["duplicates"] or 0) / row["articles"], 4) if row["articles"] else 0.0
            row["captures"] = self.db.execute("SELECT count(*) FROM captures WHERE site = ?", [row["site"]]).fetchone()[0]
            row["related_items"] = self.db.execute("SELECT count(*) FROM related_items WHERE site = ?", [row["site"]]).fetchone()[0]
        runs = list(self.db.query(
            "SELECT r.* FROM crawl_runs r JOIN (SELECT site, max(id) AS id FROM crawl_runs GROUP BY site) last ON last.id = r.id ORDER BY r.site"
        ))
        totals = {table: self.db[table].count
                  for table in ("articles", "raw_pages", "captures", "related_items", "tags", "comments")}
        return {"totals": totals, "sites": sites, "last_runs": runs}


def _search_sql(match: str, site: str | None, since: str | None, until: str | None, order: str) -> tuple[str, list[Any]]:
    where = ["articles_fts MATCH ?"]
    params: list[Any] = [match]
    for condition, value in (("a.site = ?", site), ("a.published >= ?", since), ("a.published < ?", until)):
        if value:
            where.append(condition)
            params.append(value)
    sql = (
        "SELECT a.id, a.site, a.url, a.title, a.published, a.duplicate_of, "
        "snippet(articles_fts, 1, '<mark>', '</mark>', '…', 24) AS snippet, "
        # Rounded before ordering so the output is sorted by exactly the score it shows.
        "round(-bm25(articles_fts, 5.0, 1.0), 6) AS score, "
        "coalesce(a.duplicate_of, a.id) AS cluster "
        "FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid "
        f"WHERE {' AND '.join(where)} ORDER BY {SEARCH_ORDERS[order]}"
    )
    return sql, params
