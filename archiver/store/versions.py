"""Articles over time: every distinct extracted (title, text) of an article, when a page that
was live went away and came back, and when each article is next re-checked for edits.

A version is added only when the extracted title or text differs from the version in effect
at the capture's moment, so a page whose chrome changed (sidebars, clocks, counters) adds a
capture and no version. A reparse of the capture that started a version rewrites that
version in place: versions compare texts made by the same parser.
"""

from __future__ import annotations

from ..dedup import normalize_text
from ..models import ParsedArticle
from ..text import without_break_hints
from .base import Part, from_json, to_json
from .readonly import once_schema_settles


class Versions(Part):
    """Read commands open archives read-only, without migrating them: an archive from before
    versions answers as if each article had its one version."""

    def _kept(self) -> bool:
        return "article_versions" in self.db.table_names()

    def record(self, article_id: int, article: ParsedArticle, fetched_at: str, capture_id: int | None,
               text_sha: str | None) -> str | None:
        """Keep ARTICLE's words as of FETCHED_AT: 'added', 'trivial' (a version differing only in
        white space or punctuation), 'rewritten' (a reparse of the capture that started one), or
        None (the words are the version already in effect)."""
        fields = {"title": article.title, "text": article.text, "text_sha256": text_sha, "parser": article.parser,
                  "related": to_json([item.key for item in article.related]),
                  "tags": to_json([tag.name for tag in article.tags])}
        started = self._started_by(article_id, capture_id)
        if started is not None:
            self.update("article_versions", started, fields)
            previous = self._in_effect(article_id, fetched_at, before=started)
            if previous and (previous["title"], previous["text"]) == (article.title, article.text):
                self.db.execute("DELETE FROM article_versions WHERE id = ?", [started])
            return "rewritten"
        current = self._in_effect(article_id, fetched_at)
        if current and (current["title"], current["text"]) == (article.title, article.text):
            return None
        trivial = bool(current) and _words(current["title"], current["text"]) == _words(article.title, article.text)
        self.insert("article_versions", {"article_id": article_id, "fetched_at": fetched_at, "capture_id": capture_id,
                                         "trivial": int(trivial), **fields})
        return "trivial" if trivial else "added"

    def _started_by(self, article_id: int, capture_id: int | None) -> int | None:
        if capture_id is None:
            return None
        row = self.db.execute("SELECT id FROM article_versions WHERE article_id = ? AND capture_id = ?",
                              [article_id, capture_id]).fetchone()
        return row[0] if row else None

    def _in_effect(self, article_id: int, moment: str, before: int | None = None) -> dict | None:
        """The newest version at MOMENT (other than the version BEFORE names, and older than it)."""
        return self.first("SELECT title, text FROM article_versions WHERE article_id = ? AND (? IS NULL OR id != ?) "
                          "AND fetched_at <= ? ORDER BY fetched_at DESC, id DESC LIMIT 1",
                          [article_id, before, before, moment])

    def in_effect(self, article_id: int, moment: str) -> dict | None:
        """The version in effect at MOMENT with the capture that started it (its row, for
        reading its bytes again), or None."""
        return self.first(
            "SELECT v.id, v.parser, v.title, v.text, c.id AS capture_id, c.url, c.final_url, c.status, c.headers, "
            "c.sha256, c.fetched_at FROM article_versions v JOIN captures c ON c.id = v.capture_id "
            "WHERE v.article_id = ? AND v.fetched_at <= ? AND c.sha256 IS NOT NULL ORDER BY v.fetched_at DESC, v.id DESC LIMIT 1",
            [article_id, moment])

    def of_article(self, article_id: int) -> list[dict]:
        """Every version, oldest first, with its capture's URL and status."""
        if not self._kept():
            return [{**self.first("SELECT first_seen AS fetched_at, title, text, parser, url AS capture_url "
                                  "FROM articles WHERE id = ?", [article_id]), "trivial": False, "related": None, "tags": None}]
        rows = self.rows(
            "SELECT v.*, c.url AS capture_url FROM article_versions v LEFT JOIN captures c ON c.id = v.capture_id "
            "WHERE v.article_id = ? ORDER BY v.fetched_at, v.id", [article_id])
        for row in rows:
            row.update(trivial=bool(row["trivial"]), related=from_json(row["related"], None), tags=from_json(row["tags"], None))
        return rows

    def search(self, match: str, site: str | None = None, limit: int = 20, offset: int = 0) -> list[dict]:
        """Every version whose title or text matches MATCH (an FTS5 expression), best first,
        with the article it belongs to and when that version was first seen."""
        if not self._kept():
            return []
        rows = once_schema_settles(lambda: self.rows(
            "SELECT v.article_id AS id, a.site, a.url, v.title, a.published, v.fetched_at AS version_seen, "
            "snippet(article_versions_fts, 1, '<mark>', '</mark>', '…', 24) AS snippet, "
            "-bm25(article_versions_fts, 5.0, 1.0) AS score, 1 AS copies "
            "FROM article_versions_fts JOIN article_versions v ON v.id = article_versions_fts.rowid "
            "JOIN articles a ON a.id = v.article_id WHERE article_versions_fts MATCH ? AND (? IS NULL OR a.site = ?) "
            "ORDER BY rank, v.article_id, v.fetched_at LIMIT ? OFFSET ?", [match, site, site, limit, offset]))
        return rows

    def last_change(self, article_id: int) -> str:
        """When the article's words last changed: its newest version that is not trivial, else
        (an archive from before versions) when it was first seen."""
        return self.db.execute(
            "SELECT coalesce((SELECT max(fetched_at) FROM article_versions WHERE article_id = ? AND trivial = 0), "
            "first_seen) FROM articles WHERE id = ?", [article_id, article_id]).fetchone()[0]

    # -- removal ------------------------------------------------------------------------------
    def mark_removed(self, article_id: int, at: str, capture_id: int | None) -> bool:
        """A page that was live answered 404 or 410: the article is marked removed (once)."""
        changed = self.db.execute(
            "UPDATE articles SET removed_at = ? WHERE id = ? AND removed_at IS NULL AND last_seen <= ?",
            [at, article_id, at]).rowcount
        if changed:
            self.insert("article_events", {"article_id": article_id, "at": at, "event": "removed", "capture_id": capture_id})
        return bool(changed)

    def mark_present(self, article_id: int, at: str, capture_id: int | None) -> bool:
        """The page answered again after it was marked removed: restored."""
        changed = self.db.execute("UPDATE articles SET removed_at = NULL WHERE id = ? AND removed_at <= ?",
                                  [article_id, at]).rowcount
        if changed:
            self.insert("article_events", {"article_id": article_id, "at": at, "event": "restored", "capture_id": capture_id})
        return bool(changed)

    def events_of(self, article_id: int) -> list[dict]:
        if not self._kept():
            return []
        return self.rows("SELECT at, event, capture_id FROM article_events WHERE article_id = ? ORDER BY at, id",
                         [article_id])

    # -- revisits -----------------------------------------------------------------------------
    def checked(self, article_id: int, at: str, due: str | None) -> None:
        """The article was looked at AT; its next re-check is DUE (None: never)."""
        self.db.execute("UPDATE articles SET last_checked = max(coalesce(last_checked, ''), ?), revisit_due = ? WHERE id = ?",
                        [at, due, article_id])

    def due(self, site: str, now: str, limit: int) -> list[str]:
        """URLs of SITE's articles due for a re-check at NOW, most overdue first."""
        return [row[0] for row in self.db.execute(
            "SELECT url FROM articles WHERE site = ? AND revisit_due IS NOT NULL AND revisit_due <= ? "
            "ORDER BY revisit_due, id LIMIT ?", [site, now, limit])]

    def every_url(self, site: str, limit: int) -> list[str]:
        """URLs of all of SITE's articles, least recently checked first (`crawl --revisit`)."""
        return [row[0] for row in self.db.execute(
            "SELECT url FROM articles WHERE site = ? ORDER BY coalesce(last_checked, ''), id LIMIT ?", [site, limit])]

    def counts(self) -> dict[str, dict[str, int]]:
        """Per site: articles edited (more than one version that is not trivial) and removed."""
        if not self._kept():
            return {}
        rows = self.db.execute(
            "SELECT a.site, sum(CASE WHEN (SELECT count(*) FROM article_versions v WHERE v.article_id = a.id "
            "AND v.trivial = 0) > 1 THEN 1 ELSE 0 END), sum(a.removed_at IS NOT NULL) FROM articles a GROUP BY a.site")
        return {site: {"edited": edited or 0, "removed": removed or 0} for site, edited, removed in rows}


def _words(title: str | None, text: str | None) -> str:
    # A soft hyphen more or less is no edit a reader sees (texts read before they were taken out).
    return normalize_text(without_break_hints(f"{title or ''}\n{text or ''}"))
