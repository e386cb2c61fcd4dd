"""Full-text search over articles_fts, one row per cluster unless all copies are wanted, and
the archive's counts.

A search costs about what FTS5's own top-N query costs (`ORDER BY rank LIMIT n`, measured by
benchmarks/search_benchmark.py): the engine ranks the matches with the table's configured
rank function (RANK_FUNCTION), the SQL asks only for a window
of the best with headroom for copies that collapse into one row, and `articles` is read,
snippets made and copies counted for the rows shown only. Date orders read the matching
rowids without ranking them and walk the publication-date index instead.
"""

from __future__ import annotations

import json
import sqlite3
from collections import namedtuple
from pathlib import Path

from ..errors import QueryError, StoreError
from .readonly import connect_readonly, dict_rows, once_schema_settles

# typing.TYPE_CHECKING without loading typing: all of a search's start-up counts (launch.py).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Iterator

# A match in the title weighs five times one in the text. The table's rank option holds it
# (m009), so `ORDER BY rank` in Datasette or anyone's SQL ranks the same way; the searches
# here also name it, so an archive opened read-only before m009 ranks the same too.
TITLE_WEIGHT = 5.0
RANK_FUNCTION = f"bm25({TITLE_WEIGHT}, 1.0)"
SEARCH_ORDERS = ("relevance", "newest", "oldest")
# Scores are output to this many significant digits; rows whose scores read the same are
# ordered by id, so any output is sorted by the score it shows, then id (the contract).
SHOWN_DIGITS = 4
# A date order with at most this share of the archive matching sorts the matches themselves;
# above it, walking the date index finds a page of matches sooner.
SORT_MATCHES_BELOW = 0.01


# Records as named tuples, not dataclasses: a search's whole start-up is a few milliseconds,
# and the dataclasses module (with inspect) would be a third of it (archiver/launch.py).
class Filters(namedtuple("Filters", "site since until", defaults=(None, None, None))):
    """SITE; SINCE (inclusive) and UNTIL (exclusive) as archiver.search.date_bound gives them: a
    bare day (YYYY-MM-DD) or an ISO UTC moment, compared with `published` as strings.

    A date known only to the day, month or year (`2016-04-01`, `2016-04`, `2016`) is kept when
    its span overlaps the range. It sorts before every moment within it: SINCE takes it besides
    when it holds the bound (`--since 2016-04-10` keeps `2016-04` and `2016`), and UNTIL leaves it
    out when it starts at the bound (`--until 2019` keeps no `2020`), both as equal tests on the
    bound's own day, month and year, so the index on `published` still serves."""

    __slots__ = ()

    def sql(self, table: str = "a") -> tuple[str, list[Any]]:
        """' AND ...' conditions on the articles table aliased TABLE, and their parameters."""
        where, params = [], []
        if self.site:
            where.append(f" AND {table}.site = ?")
            params.append(self.site)
        if self.since:
            where.append(f" AND ({table}.published >= ? OR {table}.published IN (?, ?, ?))")
            params += [self.since, self.since[:10], self.since[:7], self.since[:4]]
        if self.until:
            starting = _spans_starting_at(self.until)
            where.append(f" AND {table}.published < ?" + (f" AND {table}.published NOT IN ({', '.join('?' * len(starting))})"
                                                          if starting else ""))
            params += [self.until, *starting]
        return "".join(where), params


# What a shorter date lacks, to be the moment it starts at: the bound "2020-01-01" is where
# "2020" and "2020-01" start, "2020-03-06T00:00:00+00:00" where the day "2020-03-06" does.
_SPAN_STARTS = ((4, ("-01-01", "-01-01T00:00:00+00:00")), (7, ("-01", "-01T00:00:00+00:00")),
                (10, ("T00:00:00+00:00",)))


def _spans_starting_at(bound: str) -> list[str]:
    """The day, month and year (as stored dates) that start exactly at BOUND: before it as
    strings, yet not before it in time."""
    return [bound[:length] for length, rests in _SPAN_STARTS if bound[length:] in rests]


def shown_score(score: float | None) -> float | None:
    """A score as output: its last bits are float noise to a reader (0.21537800000000001)."""
    return None if score is None else float(f"{score:.{SHOWN_DIGITS}g}")


# RANK: FTS5's rank (lower is better); None until asked for.
Hit = namedtuple("Hit", "id cluster rank")


class SearchIndex:
    """Over the store's connection, or a bare read-only sqlite3 one (open_search): searching
    needs nothing of sqlite-utils or the near-duplicate code, so `archiver search` need not
    load them (numpy among them) to answer."""

    def __init__(self, db: Any):
        self.db = db  # sqlite_utils.Database or sqlite3.Connection: only execute() is used

    def close(self) -> None:
        """Close the connection: for a SearchIndex from open_search only (a Store's is the Store's)."""
        self.db.close()

    def _dicts(self, sql: str, params: list[Any]) -> list[dict]:
        return list(dict_rows(self.db.execute(sql, params)))

    def search(self, match: str, site: str | None = None, since: str | None = None, until: str | None = None,
               limit: int = 20, all_duplicates: bool = False, order: str = "relevance", offset: int = 0) -> list[dict]:
        """Articles matching an FTS5 query, the page LIMIT rows long after skipping OFFSET; a
        query FTS5 rejects is a QueryError."""
        filters = Filters(site, since, until)
        wanted = offset + limit

        def page() -> list[dict]:
            if order == "relevance":
                hits = self._by_rank(match, filters, wanted, all_duplicates)
            else:
                hits = self._by_date(match, filters, wanted, all_duplicates, newest=order == "newest")
            return self._rows(match, hits[offset:wanted])

        try:
            return once_schema_settles(page)
        except sqlite3.OperationalError as exc:
            raise QueryError(f"cannot search for {match!r}: {exc}") from None

    # -- finding the page's hits ---------------------------------------------------------
    def _by_rank(self, match: str, filters: Filters, wanted: int, all_duplicates: bool) -> list[Hit]:
        conditions, params = filters.sql()
        # CROSS JOIN keeps articles_fts the outer loop: its rows come in rank order and each
        # articles row is read only until the window is full, never for every match.
        sql = ("SELECT f.rowid, coalesce(a.duplicate_of, a.id), f.rank FROM articles_fts f CROSS JOIN articles a "
               f"ON a.id = f.rowid WHERE articles_fts MATCH ? AND f.rank MATCH ?{conditions} ORDER BY f.rank LIMIT ?")

        def window(size: int) -> list[Hit]:
            rows = self.db.execute(sql, [match, RANK_FUNCTION, *params, size]).fetchall()
            return sorted((Hit(*row) for row in rows), key=lambda h: (-shown_score(-h.rank), h.id))

        return _collapsed_page(window, wanted, all_duplicates)

    def _by_date(self, match: str, filters: Filters, wanted: int, all_duplicates: bool, newest: bool) -> list[Hit]:
        matching = {row[0] for row in self.db.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?", [match])}
        if not matching:
            return []
        archived = self.db.execute("SELECT max(id) FROM articles").fetchone()[0] or 1
        if len(matching) <= SORT_MATCHES_BELOW * archived:
            return self._sorted_matches(match, filters, wanted, all_duplicates, newest)
        return self._walk_dates(matching, filters, wanted, all_duplicates, newest)

    def _sorted_matches(self, match: str, filters: Filters, wanted: int, all_duplicates: bool, newest: bool) -> list[Hit]:
        conditions, params = filters.sql()
        direction = "DESC" if newest else ""
        sql = ("SELECT a.id, coalesce(a.duplicate_of, a.id), NULL FROM articles_fts f CROSS JOIN articles a "
               f"ON a.id = f.rowid WHERE articles_fts MATCH ?{conditions} "
               f"ORDER BY a.published IS NULL, a.published {direction}, a.id {direction} LIMIT ?")
        return _collapsed_page(lambda size: [Hit(*row) for row in self.db.execute(sql, [match, *params, size])],
                               wanted, all_duplicates)

    def _walk_dates(self, matching: set[int], filters: Filters, wanted: int, all_duplicates: bool,
                    newest: bool) -> list[Hit]:
        """Many matches: the publication-date index in order, keeping the matching ids, until
        the page is full. Site and clusters are read for those candidates only."""
        hits: list[Hit] = []
        seen: set[int] = set()
        batch: list[int] = []
        for article_id in self._ids_by_date(filters, newest):
            if article_id in matching:
                batch.append(article_id)
            if len(batch) >= 64:
                hits += _new_clusters(self._candidates(batch, filters), seen, all_duplicates)
                batch = []
                if len(hits) >= wanted:
                    break
        hits += _new_clusters(self._candidates(batch, filters), seen, all_duplicates)
        return hits[:wanted]

    def _ids_by_date(self, filters: Filters, newest: bool) -> Iterator[int]:
        direction = "DESC" if newest else ""
        bounds = Filters(since=filters.since, until=filters.until).sql("articles")
        dated = (f"SELECT id FROM articles WHERE published IS NOT NULL{bounds[0]} "
                 f"ORDER BY published {direction}, id {direction}")
        for row in self.db.execute(dated, bounds[1]):
            yield row[0]
        if not (filters.since or filters.until):  # undated articles come last either way
            for row in self.db.execute(f"SELECT id FROM articles WHERE published IS NULL ORDER BY id {direction}"):
                yield row[0]

    def _candidates(self, ids: list[int], filters: Filters) -> list[Hit]:
        if not ids:
            return []
        conditions, params = filters.sql()
        rows = dict(self.db.execute(
            "SELECT a.id, coalesce(a.duplicate_of, a.id) FROM articles a "
            f"WHERE a.id IN (SELECT value FROM json_each(?)){conditions}", [json.dumps(ids), *params]
        ).fetchall())
        return [Hit(i, rows[i], None) for i in ids if i in rows]

    # -- the rows shown ------------------------------------------------------------------
    def _rows(self, match: str, hits: list[Hit]) -> list[dict]:
        if not hits:
            return []
        rank = "f.rank" if any(h.rank is None for h in hits) else "NULL"  # date orders rank the page only
        ids = [h.id for h in hits]
        # One pass of the query over the page's rowid range, snippets only for the page's rows:
        # `rowid IN (...)` alone would run the query once per row (a prefix merges its terms'
        # lists each time), and the `+` keeps SQLite from handing FTS5 the IN list.
        details = {row["id"]: row for row in self._dicts(
            "SELECT a.id, a.site, a.url, a.title, a.published, a.duplicate_of, "
            f"snippet(articles_fts, 1, '<mark>', '</mark>', '…', 24) AS snippet, {rank} AS rank "
            "FROM articles_fts f CROSS JOIN articles a ON a.id = f.rowid "
            "WHERE articles_fts MATCH ? AND f.rank MATCH ? AND f.rowid BETWEEN ? AND ? "
            "AND +f.rowid IN (SELECT value FROM json_each(?))",
            [match, RANK_FUNCTION, min(ids), max(ids), json.dumps(ids)],
        )}
        copies = self.copies({h.cluster for h in hits})
        out = []
        for hit in hits:
            row = details[hit.id]
            rank = hit.rank if hit.rank is not None else row.pop("rank")
            row.pop("rank", None)
            row.update(score=-rank, cluster=hit.cluster, copies=copies.get(hit.cluster, 1))
            out.append(row)
        return out

    def copies(self, clusters: set[int]) -> dict[int, int]:
        """cluster id -> articles in it, for any number of clusters (one JSON parameter, never
        one SQL variable per cluster: SQLite caps those)."""
        if not clusters:
            return {}
        listed = json.dumps(sorted(clusters))
        return dict(self.db.execute(
            "SELECT coalesce(duplicate_of, id), count(*) FROM articles WHERE id IN (SELECT value FROM json_each(?)) "
            "OR duplicate_of IN (SELECT value FROM json_each(?)) GROUP BY 1", [listed, listed],
        ).fetchall())

    def stats(self) -> dict:
        """Per-site counts and duplicate rates, the last run of each site, totals."""
        sites = self._dicts(
            "SELECT a.site, count(*) AS articles, sum(a.duplicate_of IS NOT NULL) AS duplicates, "
            "sum(a.duplicate_kind = 'exact') AS exact_duplicates, sum(a.duplicate_kind = 'near') AS near_duplicates, "
            "sum(r.site IS NOT NULL AND r.site != a.site) AS copies_of_other_sites, "
            "min(a.published) AS oldest, max(a.published) AS newest "
            "FROM articles a LEFT JOIN articles r ON r.id = a.duplicate_of GROUP BY a.site ORDER BY a.site", []
        )
        for row in sites:
            row["duplicate_rate"] = round((row["duplicates"] or 0) / row["articles"], 4) if row["articles"] else 0.0
            row["captures"] = self.db.execute("SELECT count(*) FROM captures WHERE site = ?", [row["site"]]).fetchone()[0]
            row["related_items"] = self.db.execute("SELECT count(*) FROM related_items WHERE site = ?", [row["site"]]).fetchone()[0]
        runs = self._dicts(
            "SELECT r.* FROM crawl_runs r JOIN (SELECT site, max(id) AS id FROM crawl_runs GROUP BY site) last "
            "ON last.id = r.id ORDER BY r.site", []
        )
        totals = {table: self.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                  for table in ("articles", "raw_pages", "captures", "related_items", "tags", "comments")}
        return {"totals": totals, "sites": sites, "last_runs": runs}


def _new_clusters(hits: list[Hit], seen: set[int], all_duplicates: bool) -> list[Hit]:
    """HITS without the clusters already in SEEN (which grows), unless every copy is wanted."""
    if all_duplicates:
        return hits
    fresh = []
    for hit in hits:
        if hit.cluster not in seen:
            seen.add(hit.cluster)
            fresh.append(hit)
    return fresh


def _collapsed_page(window: Callable[[int], list[Hit]], wanted: int, all_duplicates: bool) -> list[Hit]:
    """The first WANTED hits, one per cluster unless every copy is wanted. WINDOW(n) gives the
    best n hits; it starts with headroom for copies and grows only when copies ate it."""
    size = wanted if all_duplicates else wanted * 2 + 10
    while True:
        rows = window(size)
        hits = _new_clusters(rows, set(), all_duplicates)
        if len(hits) >= wanted or len(rows) < size:
            return hits[:wanted]
        size *= 4


def open_search(path: str | Path) -> SearchIndex:
    """A SearchIndex on its own read-only connection to the archive at PATH: what a search
    needs and nothing more (no migrations: a read-only archive is searched as it is). Close
    it with `.db.close()`."""
    path = Path(path)
    try:
        conn = connect_readonly(path)
        if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'articles'").fetchone() is None:
            conn.close()
            raise StoreError(f"{path} is not an archiver database")
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"database {path} cannot be opened: {exc}") from None
    return SearchIndex(conn)
