"""Articles: one row per story per site, with every URL it was reached at. Saving one writes
the article, its URLs, related list, tags and comments and its cluster in one transaction, so
no half-written article can exist."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Iterable, Iterator

from ..dedup import text_hash
from ..dedup.clusters import Clusterer
from ..dedup.sketch import TextSketch, prepare
from ..errors import StoreError
from ..models import ParsedArticle
from .base import Part, from_json, to_json
from .captures import Captures
from .dedup_index import SqlDedupIndex
from .related import Related
from .versions import Versions


class Outcome(str, Enum):
    INSERTED = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    DUPLICATE = "duplicate"


@dataclass(frozen=True)
class SavedArticle:
    article_id: int
    outcome: Outcome
    duplicate_of: int | None


@dataclass(frozen=True)
class _Stored:
    """The row an article's save finds for its (site, key)."""

    id: int
    text_sha: str | None
    duplicate_of: int | None
    first_seen: str
    last_seen: str | None
    same_words: bool  # title and text as the saved ones


def article_fields(site: str, article: ParsedArticle, text_sha: str | None, raw_sha256: str | None) -> dict:
    image = article.image
    return {
        "site": site, "key": article.key, "url": article.url, "canonical_url": article.canonical_url,
        "title": article.title, "authors": to_json(list(article.authors)), "published": article.published,
        "updated": article.updated, "section": article.section, "lead": article.lead, "text": article.text,
        "text_sha256": text_sha,
        "image_url": image.url if image else None,
        "image_caption": image.caption if image else None,
        "image_credit": image.credit if image else None,
        "extra": to_json(article.extra), "warnings": to_json(list(article.warnings)), "parser": article.parser,
        "raw_sha256": raw_sha256,
    }


class Articles(Part):
    def __init__(self, db, captures: Captures, related: Related, index: SqlDedupIndex, clusters: Clusterer,
                 versions: Versions):
        super().__init__(db)
        self.captures, self.related, self.index, self.clusters = captures, related, index, clusters
        self.versions = versions

    def save(self, site: str, article: ParsedArticle, capture_id: int | None, fetched_at: str,
             raw_sha256: str | None, also_urls: Iterable[str] = (), prepared: TextSketch | None = None) -> SavedArticle:
        """Insert or update one article with its URLs, related list, tags, comments and cluster,
        atomically. `prepared` (dedup.sketch.prepare with `index.params`) spares this thread the hashing."""
        prepared = self._usable(prepared, article.text)
        text_sha = prepared.text_sha if prepared else text_hash(article.text)
        with self.db.atomic():
            stored = self._stored(site, article)
            if stored and fetched_at < (stored.last_seen or ""):
                # An older capture (import, reparse out of order) never overwrites newer text,
                # but what it showed then is a version of its own.
                self._link(capture_id, stored.id, also_urls, fetched_at)
                self.versions.record(stored.id, article, fetched_at, capture_id, text_sha)
                return SavedArticle(stored.id, Outcome.UNCHANGED, stored.duplicate_of)
            article_id, outcome = self._write(stored, article_fields(site, article, text_sha, raw_sha256), fetched_at)
            if self.versions.record(article_id, article, fetched_at, capture_id, text_sha) == "added" \
                    and outcome is Outcome.UNCHANGED:
                outcome = Outcome.UPDATED  # the headline changed, the text did not
            self.versions.mark_present(article_id, fetched_at, capture_id)
            duplicate_of = stored.duplicate_of if stored else None
            if outcome is not Outcome.UNCHANGED or not self.index.contains(article_id):
                sketched = prepared or prepare(article.text, self.index.params, text_sha)
                duplicate_of = self.clusters.place(article_id, sketched, replacing=stored is not None).root
            self._link(capture_id, article_id, [article.url, article.canonical_url, *also_urls], fetched_at)
            self.related.replace_all(article_id, site, article, fetched_at)
        if outcome is Outcome.INSERTED and duplicate_of is not None:
            outcome = Outcome.DUPLICATE
        return SavedArticle(article_id, outcome, duplicate_of)

    def _usable(self, prepared: TextSketch | None, text: str) -> TextSketch | None:
        """`prepared` if it was made for this very text with the index's parameters."""
        if prepared is None or prepared.text is not text or prepared.params != self.index.params:
            return None
        return prepared

    def _stored(self, site: str, article: ParsedArticle) -> _Stored | None:
        row = self.db.execute(
            "SELECT id, text_sha256, duplicate_of, first_seen, last_seen, (title IS ? AND text IS ?) "
            "FROM articles WHERE site = ? AND key = ?",
            [article.title, article.text, site, article.key],
        ).fetchone()
        return _Stored(*row[:5], bool(row[5])) if row else None

    def _write(self, stored: _Stored | None, fields: dict, fetched_at: str) -> tuple[int, Outcome]:
        """The article row inserted or brought up to date; what that was."""
        if stored is None:
            fields.update(first_seen=fetched_at, last_seen=fetched_at, duplicate_of=None)
            return self.insert("articles", fields), Outcome.INSERTED
        fields["last_seen"] = fetched_at
        fields["first_seen"] = min(stored.first_seen, fetched_at)
        if stored.same_words:
            # Setting title or text, even to the same value, re-indexes the article (m005).
            del fields["title"], fields["text"]
        self.update("articles", stored.id, fields)
        return stored.id, Outcome.UNCHANGED if stored.text_sha == fields["text_sha256"] else Outcome.UPDATED

    def _link(self, capture_id: int | None, article_id: int, urls: Iterable[str], seen: str) -> None:
        if capture_id is not None:
            self.captures.link(capture_id, article_id)
        self.db.conn.executemany(
            "INSERT INTO article_urls (url, article_id, first_seen) VALUES (?, ?, ?) "
            "ON CONFLICT(url) DO UPDATE SET article_id = excluded.article_id",
            [(url, article_id, seen) for url in dict.fromkeys(u for u in urls if u)],
        )

    def widen_seen(self, article_id: int, moment: str) -> None:
        """Stretch first_seen/last_seen over a capture dated outside them: imports and backfills
        bring captures out of date order, and an unchanged one is not saved again."""
        # Guarded so an article is only rewritten (and re-indexed in FTS) on a real change.
        self.db.execute(
            "UPDATE articles SET first_seen = min(first_seen, ?), last_seen = max(last_seen, ?) "
            "WHERE id = ? AND (first_seen > ? OR last_seen < ?)",
            [moment, moment, article_id, moment, moment],
        )

    # -- reading ------------------------------------------------------------------------
    def id_for_url(self, url: str) -> int | None:
        row = self.db.execute("SELECT article_id FROM article_urls WHERE url = ?", [url]).fetchone()
        return row[0] if row else None

    def find(self, id_or_url: str) -> int | None:
        """An article by archive id, by any URL it was reached at, or by the site's own id
        (`SITE:KEY`, or a bare key when only one site has it)."""
        if str(id_or_url).isdigit() and int(id_or_url) < 2**63:  # beyond that, no SQLite row id
            row = self.db.execute("SELECT id FROM articles WHERE id = ?", [int(id_or_url)]).fetchone()
            if row:
                return row[0]
        row = self.db.execute(
            "SELECT article_id FROM article_urls WHERE url = ? UNION ALL SELECT id FROM articles WHERE url = ? OR canonical_url = ? LIMIT 1",
            [id_or_url, id_or_url, id_or_url],
        ).fetchone()
        if row:
            return row[0]
        site, _, key = id_or_url.rpartition(":") if not id_or_url.startswith(("http:", "https:", "file:")) else ("", "", "")
        if site:
            row = self.db.execute("SELECT id FROM articles WHERE site = ? AND key = ?", [site, key]).fetchone()
            return row[0] if row else None
        rows = self.db.execute("SELECT id FROM articles WHERE key = ? LIMIT 2", [id_or_url]).fetchall()
        return rows[0][0] if len(rows) == 1 else None

    def ids(self) -> Iterator[int]:
        for row in self.db.execute("SELECT id FROM articles ORDER BY id").fetchall():
            yield row[0]

    def ids_first_seen_first(self) -> list[int]:
        return [row[0] for row in self.db.execute("SELECT id FROM articles ORDER BY first_seen, id").fetchall()]

    def text_of(self, article_id: int) -> tuple[str, str | None]:
        """(text, text_sha256)."""
        text, text_sha = self.db.execute("SELECT text, text_sha256 FROM articles WHERE id = ?", [article_id]).fetchone()
        return text or "", text_sha

    def row(self, article_id: int) -> dict:
        """The article's own columns, JSON ones decoded."""
        row = self.first("SELECT * FROM articles WHERE id = ?", [article_id])
        if row is None:
            raise StoreError(f"no article with id {article_id}")
        row.update(authors=from_json(row["authors"], []), extra=from_json(row["extra"], {}),
                   warnings=from_json(row["warnings"], []))
        return row

    def urls_of(self, article_id: int) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT url FROM article_urls WHERE article_id = ? ORDER BY first_seen, url", [article_id])]

    def get(self, article_id: int) -> dict:
        """Everything about one article: its row, URLs, related list, tags, comments, captures, copies."""
        article = self.row(article_id)
        article.update(urls=self.urls_of(article_id), related=self.related.items_of(article_id),
                       tags=self.related.tags_of(article_id), comments=self.related.comments_of(article_id),
                       captures=self.captures.of_article(article_id), copies=self.index.copies(article_id))
        return article
