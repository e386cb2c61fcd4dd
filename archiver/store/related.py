"""What hangs off an article: its related list (over one row per related item per site), its
tags and its comments. Each is replaced whole when the article is saved."""

from __future__ import annotations

from dataclasses import replace

from ..models import ParsedArticle
from .base import Part


class Related(Part):
    _any_alias: bool | None = None

    @property
    def _aliases(self) -> bool:
        """Whether any old id redirects to a new one (most archives have none: no lookups then)."""
        if self._any_alias is None:
            self._any_alias = self.db.execute(
                "SELECT 1 FROM sqlite_master WHERE name = 'related_aliases'").fetchone() is not None and \
                self.db.execute("SELECT 1 FROM related_aliases LIMIT 1").fetchone() is not None
        return self._any_alias

    def replace_all(self, article_id: int, site: str, article: ParsedArticle, seen: str) -> None:
        """Related list, tags and comments of a saved article; the related item that is this
        very article (another article's list named it before it was archived) links to it."""
        self.replace_items(article_id, site, article, seen)
        self.replace_tags(article_id, article)
        self.replace_comments(article_id, article)
        self.db.execute("UPDATE related_items SET article_id = ? WHERE site = ? AND key = ?", [article_id, site, article.key])

    def replace_items(self, article_id: int, site: str, article: ParsedArticle, seen: str) -> None:
        self.db.execute("DELETE FROM article_related WHERE article_id = ?", [article_id])
        rows = [(article_id, self._item_id(site, item, seen), position)
                for position, item in enumerate(article.related, start=1)]
        self.db.conn.executemany("INSERT INTO article_related (article_id, related_id, position) VALUES (?, ?, ?)", rows)

    def merge_keys(self, site: str, old_keys, key: str, url: str | None, article_id: int) -> None:
        """SITE's article KEY was reached at URLs naming OLD_KEYS (an old id redirecting to a new
        one): the related items listed under an old key become the one item of KEY, and lists
        naming an old key later name KEY."""
        self._any_alias = True
        for old in old_keys:
            self.db.execute("INSERT OR REPLACE INTO related_aliases (site, old_key, key) VALUES (?, ?, ?)", [site, old, key])
            stale = self.first("SELECT id, title, image FROM related_items WHERE site = ? AND key = ?", [site, old])
            if stale is None:
                continue
            current = self.db.execute("SELECT id FROM related_items WHERE site = ? AND key = ?", [site, key]).fetchone()
            if current is None:
                self.db.execute("UPDATE related_items SET key = ?, url = coalesce(?, url), article_id = ? WHERE id = ?",
                                [key, url, article_id, stale["id"]])
                continue
            self._fold(stale, current[0])

    def _fold(self, stale: dict, into: int) -> None:
        """Lists naming item STALE name item INTO instead (once per list); STALE goes."""
        self.db.execute("DELETE FROM article_related WHERE related_id = ? AND article_id IN "
                        "(SELECT article_id FROM article_related WHERE related_id = ?)", [stale["id"], into])
        self.db.execute("UPDATE article_related SET related_id = ? WHERE related_id = ?", [into, stale["id"]])
        self.db.execute("UPDATE related_items SET title = coalesce(title, ?), image = coalesce(image, ?) WHERE id = ?",
                        [stale["title"], stale["image"], into])
        self.db.execute("DELETE FROM related_items WHERE id = ?", [stale["id"]])

    def _current_key(self, site: str, key: str) -> str:
        row = self.db.execute("SELECT key FROM related_aliases WHERE site = ? AND old_key = ?", [site, key]).fetchone()
        return row[0] if row else key

    def _item_id(self, site: str, item, seen: str) -> int:
        if self._aliases:
            item = replace(item, key=self._current_key(site, item.key))
        # An upsert that always updates, so RETURNING gives the row whether it was new or not.
        item_id, article_id = self.db.execute(
            "INSERT INTO related_items (site, key, url, title, image, kind, published, first_seen) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(site, key) DO UPDATE SET "
            "title = coalesce(excluded.title, title), image = coalesce(excluded.image, image), "
            "url = coalesce(excluded.url, url), published = coalesce(published, excluded.published) "
            "RETURNING id, article_id",
            [site, item.key, item.url, item.title, item.image, item.kind, item.published, seen],
        ).fetchall()[0]  # read to the end, so the statement is finished before the next one
        if article_id is None:
            self.db.execute(
                "UPDATE related_items SET article_id = a.id FROM articles a WHERE related_items.id = ? AND a.site = ? AND a.key = ?",
                [item_id, site, item.key],
            )
        return item_id

    def replace_tags(self, article_id: int, article: ParsedArticle) -> None:
        self.db.execute("DELETE FROM article_tags WHERE article_id = ?", [article_id])
        for position, tag in enumerate(article.tags, start=1):
            # DO UPDATE of nothing rather than DO NOTHING: RETURNING then gives an existing tag's id too.
            tag_id = self.db.execute("INSERT INTO tags (name, kind) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET name = name "
                                     "RETURNING id", [tag.name, tag.kind]).fetchall()[0][0]
            self.db.execute(
                "INSERT OR IGNORE INTO article_tags (article_id, tag_id, kind, position) VALUES (?, ?, ?, ?)",
                [article_id, tag_id, tag.kind, position],
            )

    def replace_comments(self, article_id: int, article: ParsedArticle) -> None:
        self.db.execute("DELETE FROM comments WHERE article_id = ?", [article_id])
        self.db.conn.executemany(
            "INSERT INTO comments (article_id, position, author, text, reply_to, published) VALUES (?, ?, ?, ?, ?, ?)",
            [(article_id, c.position, c.author, c.text, c.reply_to, c.published) for c in article.comments],
        )

    # -- reading ------------------------------------------------------------------------
    def items_of(self, article_id: int) -> list[dict]:
        return self.rows(
            "SELECT r.position, i.id, i.key, i.url, i.title, i.image, i.kind, i.published, i.article_id "
            "FROM article_related r JOIN related_items i ON i.id = r.related_id WHERE r.article_id = ? ORDER BY r.position",
            [article_id],
        )

    def tags_of(self, article_id: int) -> list[dict]:
        return self.rows(
            "SELECT t.name, coalesce(at.kind, t.kind) AS kind FROM article_tags at JOIN tags t ON t.id = at.tag_id "
            "WHERE at.article_id = ? ORDER BY at.position", [article_id],
        )

    def comments_of(self, article_id: int) -> list[dict]:
        return self.rows(
            "SELECT position, author, text, reply_to, published FROM comments WHERE article_id = ? ORDER BY position", [article_id]
        )
