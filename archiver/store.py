"""The archive database: the only module that speaks SQL.

Raw bodies are content-addressed (sha256) and zlib-compressed; every fetch is a capture; an
article and everything hanging off it (URLs, related list, tags, comments) is written in one
transaction, so no half-written article can exist. WAL mode lets searches run while a crawl
writes. The schema evolves through sqlite-utils Migrations.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Iterable, Iterator

import sqlite_utils
from sqlite_utils.migrations import Migrations

from .dedup import body_hash, text_hash
from .errors import StoreError, UsageError
from .models import FetchedPage, ParsedArticle, utc_now

migrations = Migrations("archiver")


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    db["raw_pages"].create(
        {"sha256": str, "content": bytes, "compression": str, "encoding": str, "content_type": str, "size": int},
        pk="sha256",
    )
    db["captures"].create(
        {
            "id": int, "url": str, "final_url": str, "site": str, "fetched_at": str, "status": int,
            "sha256": str, "article_id": int, "kind": str, "headers": str, "error": str, "run_id": int,
        },
        pk="id",
        foreign_keys=[("sha256", "raw_pages", "sha256")],
    )
    db["articles"].create(
        {
            "id": int, "site": str, "key": str, "url": str, "canonical_url": str, "title": str,
            "authors": str, "published": str, "updated": str, "section": str, "lead": str, "text": str,
            "text_sha256": str, "duplicate_of": int, "first_seen": str, "last_seen": str,
            "image_url": str, "image_caption": str, "image_credit": str, "extra": str, "warnings": str,
            "parser": str, "raw_sha256": str,
        },
        pk="id",
        foreign_keys=[("duplicate_of", "articles", "id")],
    )
    db["articles"].create_index(["site", "key"], unique=True)
    db["articles"].create_index(["text_sha256"])
    db["articles"].create_index(["published"])
    db["articles"].create_index(["duplicate_of"])
    db["article_urls"].create({"url": str, "article_id": int, "first_seen": str}, pk="url",
                              foreign_keys=[("article_id", "articles", "id")])
    db["related_items"].create(
        {"id": int, "site": str, "key": str, "url": str, "title": str, "image": str, "kind": str,
         "published": str, "article_id": int, "first_seen": str},
        pk="id",
    )
    db["related_items"].create_index(["site", "key"], unique=True)
    db["article_related"].create(
        {"article_id": int, "related_id": int, "position": int},
        pk=("article_id", "position"),
        foreign_keys=[("article_id", "articles", "id"), ("related_id", "related_items", "id")],
    )
    db["tags"].create({"id": int, "name": str, "kind": str}, pk="id")
    db["tags"].create_index(["name"], unique=True)
    db["article_tags"].create(
        {"article_id": int, "tag_id": int, "kind": str, "position": int},
        pk=("article_id", "tag_id"),
        foreign_keys=[("article_id", "articles", "id"), ("tag_id", "tags", "id")],
    )
    db["comments"].create(
        {"id": int, "article_id": int, "position": int, "author": str, "text": str, "reply_to": int, "published": str},
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["comments"].create_index(["article_id", "position"], unique=True)
    db["crawl_runs"].create(
        {"id": int, "site": str, "started": str, "finished": str, "status": str, "fetched": int, "new": int,
         "updated": int, "unchanged": int, "duplicate": int, "failed": int, "errors": str},
        pk="id",
    )
    db["frontier"].create(
        {"url": str, "site": str, "kind": str, "state": str, "attempts": int, "next_attempt": str,
         "last_error": str, "discovered_at": str, "updated_at": str, "depth": int},
        pk="url",
    )
    db["frontier"].create_index(["site", "state", "next_attempt"])
    db["articles"].enable_fts(["title", "text"], fts_version="FTS5", create_triggers=True,
                              tokenize="porter unicode61 remove_diacritics 2")


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
class SavedCapture:
    capture_id: int
    sha256: str | None
    new_body: bool


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


class Store:
    def __init__(self, path: str | Path, readonly: bool = False):
        self.path = Path(path)
        try:
            if readonly:
                if not self.path.exists():
                    raise StoreError(f"database {self.path} does not exist; run `archiver crawl` first")
                conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(str(self.path), timeout=30)
            self.db = sqlite_utils.Database(conn)
            self.db.execute("PRAGMA busy_timeout = 30000")
            if not readonly:
                self.db.execute("PRAGMA journal_mode = WAL")
                self.db.execute("PRAGMA synchronous = NORMAL")
                self.db.execute("PRAGMA foreign_keys = ON")
                migrations.apply(self.db)
            elif "articles" not in self.db.table_names():
                raise StoreError(f"{self.path} is not an archiver database")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"database {self.path} cannot be opened: {exc}") from None

    def close(self) -> None:
        self.db.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- raw pages and captures ---------------------------------------------------------
    def _put_raw(self, body: bytes, encoding: str | None, content_type: str | None) -> tuple[str, bool]:
        sha = body_hash(body)
        exists = self.db.execute("SELECT 1 FROM raw_pages WHERE sha256 = ?", [sha]).fetchone()
        if not exists:
            self.db["raw_pages"].insert(
                {"sha256": sha, "content": zlib.compress(body, 6), "compression": "zlib",
                 "encoding": encoding, "content_type": content_type, "size": len(body)}
            )
        return sha, not exists

    def raw_body(self, sha256: str) -> bytes:
        row = self.db.execute("SELECT content, compression FROM raw_pages WHERE sha256 = ?", [sha256]).fetchone()
        if row is None:
            raise StoreError(f"raw page {sha256} is missing")
        return zlib.decompress(row[0]) if row[1] == "zlib" else row[0]

    def save_capture(self, site: str, page: FetchedPage, kind: str, run_id: int | None = None,
                     encoding: str | None = None, error: str | None = None) -> SavedCapture:
        with self.db.atomic():
            sha, new_body = (None, False)
            if page.body or page.status == 200:
                sha, new_body = self._put_raw(page.body, encoding, page.content_type or None)
            capture_id = self.db["captures"].insert(
                {"url": page.url, "final_url": page.final_url, "site": site, "fetched_at": page.fetched_at,
                 "status": page.status, "sha256": sha, "kind": kind, "headers": _json(page.headers),
                 "error": error, "run_id": run_id}
            ).last_pk
        return SavedCapture(capture_id, sha, new_body)

    def record_failure(self, site: str, url: str, reason: str, status: int | None, run_id: int | None) -> int:
        with self.db.atomic():
            return self.db["captures"].insert(
                {"url": url, "final_url": None, "site": site, "fetched_at": utc_now(), "status": status,
                 "sha256": None, "kind": "failed", "headers": None, "error": reason, "run_id": run_id}
            ).last_pk

    def note_capture_error(self, capture_id: int, reason: str) -> None:
        with self.db.atomic():
            self.db["captures"].update(capture_id, {"error": reason})

    def last_validators(self, url: str) -> dict[str, str]:
        """ETag and Last-Modified of the newest successful capture of URL, for a conditional GET."""
        row = self.db.execute(
            "SELECT headers FROM captures WHERE url = ? AND status = 200 ORDER BY fetched_at DESC, id DESC LIMIT 1", [url]
        ).fetchone()
        headers = json.loads(row[0]) if row and row[0] else {}
        return {k: headers[k] for k in ("etag", "last-modified") if k in headers}

    def latest_capture_sha(self, url: str) -> str | None:
        row = self.db.execute(
            "SELECT sha256 FROM captures WHERE url = ? AND sha256 IS NOT NULL ORDER BY fetched_at DESC, id DESC LIMIT 1", [url]
        ).fetchone()
        return row[0] if row else None

    def latest_capture(self, url: str) -> dict | None:
        rows = list(self.db.query(
            "SELECT * FROM captures WHERE url = ? AND sha256 IS NOT NULL ORDER BY fetched_at DESC, id DESC LIMIT 1", [url]
        ))
        return rows[0] if rows else None

    def page_from_capture(self, row: dict) -> FetchedPage:
        headers = json.loads(row["headers"]) if row.get("headers") else {}
        return FetchedPage(url=row["url"], final_url=row.get("final_url") or row["url"], status=row["status"] or 200,
                           headers=headers, body=self.raw_body(row["sha256"]), fetched_at=row["fetched_at"])

    def link_capture(self, capture_id: int, article_id: int, sha256: str | None) -> None:
        """A 304 capture: the body is the one we already hold."""
        with self.db.atomic():
            self.db["captures"].update(capture_id, {"article_id": article_id, "sha256": sha256})

    def iter_captures(self, sites: Iterable[str] | None = None, kind: str = "article") -> Iterator[dict]:
        """Successful captures in fetch order, for reparse."""
        sql = "SELECT * FROM captures WHERE kind = ? AND sha256 IS NOT NULL"
        params: list[Any] = [kind]
        if sites:
            sites = list(sites)
            sql += f" AND site IN ({','.join('?' * len(sites))})"
            params += sites
        yield from self.db.query(sql + " ORDER BY fetched_at, id", params)

    # -- articles -----------------------------------------------------------------------
    def article_id_for_url(self, url: str) -> int | None:
        row = self.db.execute("SELECT article_id FROM article_urls WHERE url = ?", [url]).fetchone()
        return row[0] if row else None

    def save_article(self, site: str, article: ParsedArticle, capture_id: int | None, fetched_at: str,
                     raw_sha256: str | None, also_urls: Iterable[str] = ()) -> SavedArticle:
        """Insert or update one article with its URLs, related list, tags and comments, atomically."""
        text_sha = text_hash(article.text)
        with self.db.atomic():
            existing = self.db.execute(
                "SELECT id, text_sha256, duplicate_of, first_seen, last_seen FROM articles WHERE site = ? AND key = ?",
                [site, article.key],
            ).fetchone()
            fields = {
                "site": site, "key": article.key, "url": article.url, "canonical_url": article.canonical_url,
                "title": article.title, "authors": _json(list(article.authors)), "published": article.published,
                "updated": article.updated, "section": article.section, "lead": article.lead, "text": article.text,
                "text_sha256": text_sha,
                "image_url": article.image.url if article.image else None,
                "image_caption": article.image.caption if article.image else None,
                "image_credit": article.image.credit if article.image else None,
                "extra": _json(article.extra), "warnings": _json(list(article.warnings)), "parser": article.parser,
                "raw_sha256": raw_sha256,
            }
            if existing:
                article_id, old_sha, duplicate_of, first_seen, last_seen = existing
                if fetched_at < (last_seen or ""):
                    # An older capture (import, reparse out of order) never overwrites newer text.
                    self._link_capture(capture_id, article_id, also_urls, fetched_at)
                    return SavedArticle(article_id, Outcome.UNCHANGED, duplicate_of)
                outcome = Outcome.UNCHANGED if old_sha == text_sha else Outcome.UPDATED
                fields["last_seen"] = fetched_at
                fields["first_seen"] = min(first_seen, fetched_at)
                self.db["articles"].update(article_id, fields)
            else:
                fields.update(first_seen=fetched_at, last_seen=fetched_at, duplicate_of=None)
                article_id = self.db["articles"].insert(fields).last_pk
                outcome = Outcome.INSERTED
                duplicate_of = None
            if outcome is not Outcome.UNCHANGED or not existing:
                duplicate_of = self._exact_duplicate(article_id, text_sha)
                self.db["articles"].update(article_id, {"duplicate_of": duplicate_of})
            self._link_capture(capture_id, article_id, [article.url, article.canonical_url, *also_urls], fetched_at)
            self._replace_related(article_id, site, article, fetched_at)
            self._replace_tags(article_id, article)
            self._replace_comments(article_id, article)
            self._link_related_item(site, article.key, article_id)
        if outcome is Outcome.INSERTED and duplicate_of is not None:
            outcome = Outcome.DUPLICATE
        return SavedArticle(article_id, outcome, duplicate_of)

    def _exact_duplicate(self, article_id: int, text_sha: str | None) -> int | None:
        """The first-seen other article with the same normalised text, followed to its cluster root."""
        if not text_sha:
            return None
        row = self.db.execute(
            "SELECT id, duplicate_of FROM articles WHERE text_sha256 = ? AND id != ? ORDER BY first_seen, id LIMIT 1",
            [text_sha, article_id],
        ).fetchone()
        if not row:
            return None
        root = row[1] or row[0]
        return None if root == article_id else root

    def _link_capture(self, capture_id: int | None, article_id: int, urls: Iterable[str], seen: str) -> None:
        if capture_id is not None:
            self.db["captures"].update(capture_id, {"article_id": article_id})
        for url in dict.fromkeys(u for u in urls if u):
            self.db.execute(
                "INSERT INTO article_urls (url, article_id, first_seen) VALUES (?, ?, ?) "
                "ON CONFLICT(url) DO UPDATE SET article_id = excluded.article_id",
                [url, article_id, seen],
            )

    def _related_item_id(self, site: str, item, seen: str) -> int:
        self.db.execute(
            "INSERT INTO related_items (site, key, url, title, image, kind, published, first_seen) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(site, key) DO UPDATE SET "
            "title = coalesce(excluded.title, title), image = coalesce(excluded.image, image), "
            "url = coalesce(excluded.url, url), published = coalesce(published, excluded.published)",
            [site, item.key, item.url, item.title, item.image, item.kind, item.published, seen],
        )
        item_id, article_id = self.db.execute(
            "SELECT id, article_id FROM related_items WHERE site = ? AND key = ?", [site, item.key]
        ).fetchone()
        if article_id is None:
            match = self.db.execute("SELECT id FROM articles WHERE site = ? AND key = ?", [site, item.key]).fetchone()
            if match:
                self.db["related_items"].update(item_id, {"article_id": match[0]})
        return item_id

    def _replace_related(self, article_id: int, site: str, article: ParsedArticle, seen: str) -> None:
        self.db.execute("DELETE FROM article_related WHERE article_id = ?", [article_id])
        for position, item in enumerate(article.related, start=1):
            related_id = self._related_item_id(site, item, seen)
            self.db["article_related"].insert({"article_id": article_id, "related_id": related_id, "position": position})

    def _link_related_item(self, site: str, key: str, article_id: int) -> None:
        self.db.execute("UPDATE related_items SET article_id = ? WHERE site = ? AND key = ?", [article_id, site, key])

    def _replace_tags(self, article_id: int, article: ParsedArticle) -> None:
        self.db.execute("DELETE FROM article_tags WHERE article_id = ?", [article_id])
        for position, tag in enumerate(article.tags, start=1):
            self.db.execute("INSERT INTO tags (name, kind) VALUES (?, ?) ON CONFLICT(name) DO NOTHING", [tag.name, tag.kind])
            tag_id = self.db.execute("SELECT id FROM tags WHERE name = ?", [tag.name]).fetchone()[0]
            self.db.execute(
                "INSERT OR IGNORE INTO article_tags (article_id, tag_id, kind, position) VALUES (?, ?, ?, ?)",
                [article_id, tag_id, tag.kind, position],
            )

    def _replace_comments(self, article_id: int, article: ParsedArticle) -> None:
        self.db.execute("DELETE FROM comments WHERE article_id = ?", [article_id])
        for comment in article.comments:
            self.db["comments"].insert(
                {"article_id": article_id, "position": comment.position, "author": comment.author,
                 "text": comment.text, "reply_to": comment.reply_to, "published": comment.published}
            )

    # -- crawl runs and the frontier ----------------------------------------------------
    def start_run(self, site: str) -> int:
        with self.db.atomic():
            return self.db["crawl_runs"].insert(
                {"site": site, "started": utc_now(), "status": "running", "fetched": 0, "new": 0, "updated": 0,
                 "unchanged": 0, "duplicate": 0, "failed": 0, "errors": "{}"}
            ).last_pk

    def finish_run(self, run_id: int, status: str, counts: dict[str, int], errors: dict[str, int]) -> None:
        with self.db.atomic():
            self.db["crawl_runs"].update(run_id, {"finished": utc_now(), "status": status, **counts, "errors": _json(errors)})

    def last_successful_run(self, site: str) -> str | None:
        row = self.db.execute(
            "SELECT max(started) FROM crawl_runs WHERE site = ? AND status IN ('ok', 'partial')", [site]
        ).fetchone()
        return row[0] if row else None

    def frontier_add(self, site: str, urls: Iterable[str], kind: str, depth: int = 0) -> int:
        now = utc_now()
        added = 0
        with self.db.atomic():
            for url in urls:
                cursor = self.db.execute(
                    "INSERT OR IGNORE INTO frontier (url, site, kind, state, attempts, next_attempt, discovered_at, updated_at, depth) "
                    "VALUES (?, ?, ?, 'pending', 0, ?, ?, ?, ?)",
                    [url, site, kind, now, now, now, depth],
                )
                added += cursor.rowcount
        return added

    def frontier_requeue(self, site: str, urls: Iterable[str]) -> None:
        """Start URLs are re-checked every run even when done before (home page, feeds)."""
        with self.db.atomic():
            for url in urls:
                self.db.execute("UPDATE frontier SET state = 'pending', attempts = 0 WHERE url = ? AND site = ? AND state != 'pending'", [url, site])

    def frontier_next(self, site: str, now: str, limit: int) -> list[dict]:
        return list(self.db.query(
            "SELECT * FROM frontier WHERE site = ? AND state IN ('pending', 'fetched', 'retry') AND next_attempt <= ? "
            "ORDER BY CASE kind WHEN 'listing' THEN 0 ELSE 1 END, depth, discovered_at, url LIMIT ?",
            [site, now, limit],
        ))

    def frontier_mark(self, url: str, state: str, error: str | None = None, next_attempt: str | None = None,
                      attempted: bool = False) -> None:
        with self.db.atomic():
            self.db.execute(
                "UPDATE frontier SET state = ?, last_error = ?, next_attempt = coalesce(?, next_attempt), "
                "attempts = attempts + ?, updated_at = ? WHERE url = ?",
                [state, error, next_attempt, 1 if attempted else 0, utc_now(), url],
            )

    def frontier_state(self, url: str) -> dict | None:
        rows = list(self.db.query("SELECT * FROM frontier WHERE url = ?", [url]))
        return rows[0] if rows else None

    # -- reading ------------------------------------------------------------------------
    def search(self, match: str, site: str | None = None, since: str | None = None, until: str | None = None,
               limit: int = 20, all_duplicates: bool = False) -> list[dict]:
        where = ["articles_fts MATCH ?"]
        params: list[Any] = [match]
        if site:
            where.append("a.site = ?")
            params.append(site)
        if since:
            where.append("a.published >= ?")
            params.append(since)
        if until:
            where.append("a.published < ?")
            params.append(until)
        sql = (
            "SELECT a.id, a.site, a.url, a.title, a.published, a.duplicate_of, "
            "snippet(articles_fts, 1, '<mark>', '</mark>', '…', 24) AS snippet, "
            "-bm25(articles_fts, 5.0, 1.0) AS score, "
            "coalesce(a.duplicate_of, a.id) AS cluster "
            "FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid "
            f"WHERE {' AND '.join(where)} ORDER BY score DESC, a.id"
        )
        try:
            rows = list(self.db.query(sql, params))
        except sqlite3.OperationalError as exc:
            raise UsageError(f"cannot search for {match!r}: {exc}") from None
        copies = self._cluster_sizes({r["cluster"] for r in rows})
        out: list[dict] = []
        seen: set[int] = set()
        for row in rows:
            if not all_duplicates:
                if row["cluster"] in seen:
                    continue
                seen.add(row["cluster"])
            row["score"] = round(row["score"], 6)
            row["copies"] = copies.get(row["cluster"], 1)
            out.append(row)
            if len(out) >= limit:
                break
        return out

    def _cluster_sizes(self, roots: set[int]) -> dict[int, int]:
        if not roots:
            return {}
        marks = ",".join("?" * len(roots))
        rows = self.db.execute(
            f"SELECT coalesce(duplicate_of, id), count(*) FROM articles WHERE id IN ({marks}) OR duplicate_of IN ({marks}) GROUP BY 1",
            [*roots, *roots],
        ).fetchall()
        return dict(rows)

    def find_article(self, id_or_url: str) -> int | None:
        if str(id_or_url).isdigit():
            row = self.db.execute("SELECT id FROM articles WHERE id = ?", [int(id_or_url)]).fetchone()
            if row:
                return row[0]
        row = self.db.execute(
            "SELECT article_id FROM article_urls WHERE url = ? UNION ALL SELECT id FROM articles WHERE url = ? OR canonical_url = ? LIMIT 1",
            [id_or_url, id_or_url, id_or_url],
        ).fetchone()
        return row[0] if row else None

    def article(self, article_id: int) -> dict:
        rows = list(self.db.query("SELECT * FROM articles WHERE id = ?", [article_id]))
        if not rows:
            raise StoreError(f"no article with id {article_id}")
        article = rows[0]
        for key in ("authors", "extra", "warnings"):
            article[key] = json.loads(article[key]) if article[key] else ([] if key != "extra" else {})
        article["urls"] = [r["url"] for r in self.db.query("SELECT url FROM article_urls WHERE article_id = ? ORDER BY first_seen, url", [article_id])]
        article["related"] = list(self.db.query(
            "SELECT r.position, i.id, i.key, i.url, i.title, i.image, i.kind, i.published, i.article_id "
            "FROM article_related r JOIN related_items i ON i.id = r.related_id WHERE r.article_id = ? ORDER BY r.position",
            [article_id],
        ))
        article["tags"] = list(self.db.query(
            "SELECT t.name, coalesce(at.kind, t.kind) AS kind FROM article_tags at JOIN tags t ON t.id = at.tag_id "
            "WHERE at.article_id = ? ORDER BY at.position", [article_id],
        ))
        article["comments"] = list(self.db.query(
            "SELECT position, author, text, reply_to, published FROM comments WHERE article_id = ? ORDER BY position", [article_id]
        ))
        article["captures"] = list(self.db.query(
            "SELECT id, url, final_url, fetched_at, status, sha256 FROM captures WHERE article_id = ? ORDER BY fetched_at, id", [article_id]
        ))
        root = article["duplicate_of"] or article_id
        article["copies"] = list(self.db.query(
            "SELECT id, site, url, title, first_seen, published FROM articles WHERE (id = ? OR duplicate_of = ?) AND id != ? "
            "ORDER BY first_seen, id", [root, root, article_id],
        ))
        return article

    def stats(self) -> dict:
        sites = list(self.db.query(
            "SELECT site, count(*) AS articles, sum(duplicate_of IS NOT NULL) AS duplicates, "
            "min(published) AS oldest, max(published) AS newest FROM articles GROUP BY site ORDER BY site"
        ))
        for row in sites:
            row["duplicate_rate"] = round((row["duplicates"] or 0) / row["articles"], 4) if row["articles"] else 0.0
            row["captures"] = self.db.execute("SELECT count(*) FROM captures WHERE site = ?", [row["site"]]).fetchone()[0]
            row["related_items"] = self.db.execute("SELECT count(*) FROM related_items WHERE site = ?", [row["site"]]).fetchone()[0]
        runs = list(self.db.query(
            "SELECT r.* FROM crawl_runs r JOIN (SELECT site, max(id) AS id FROM crawl_runs GROUP BY site) last ON last.id = r.id ORDER BY r.site"
        ))
        totals = {
            "articles": self.db["articles"].count,
            "raw_pages": self.db["raw_pages"].count,
            "captures": self.db["captures"].count,
            "related_items": self.db["related_items"].count,
            "tags": self.db["tags"].count,
            "comments": self.db["comments"].count,
        }
        return {"totals": totals, "sites": sites, "last_runs": runs}
