"""What hangs off an article: its related list (over one row per related item per site), its
tags and its comments. Each is replaced whole when the article is saved."""

from __future__ import annotations

from ..models import ParsedArticle
from .base import Part


class Related(Part):
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

    def _item_id(self, site: str, item, seen: str) -> int:
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
        return list(self.db.query(
            "SELECT r.position, i.id, i.key, i.url, i.title, i.image, i.kind, i.published, i.article_id "
            "FROM article_related r JOIN related_items i ON i.id = r.related_id WHERE r.article_id = ? ORDER BY r.position",
            [article_id],
        ))

    def tags_of(self, article_id: int) -> list[dict]:
        return list(self.db.query(
            "SELECT t.name, coalesce(at.kind, t.kind) AS kind FROM article_tags at JOIN tags t ON t.id = at.tag_id "
            "WHERE at.article_id = ? ORDER BY at.position", [article_id],
        ))

    def comments_of(self, article_id: int) -> list[dict]:
        return list(self.db.query(
            "SELECT position, author, text, reply_to, published FROM comments WHERE article_id = ? ORDER BY position", [article_id]
        ))
