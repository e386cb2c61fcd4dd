"""The archive database: with its schema (schema.py), the only code that speaks SQL.

Raw bodies are content-addressed (sha256) and zlib-compressed; every fetch is a capture; an
article and everything hanging off it (URLs, related list, tags, comments) is written in one
transaction, so no half-written article can exist. WAL mode lets searches run while a crawl
writes. The schema evolves through sqlite-utils Migrations.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import zlib
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import sqlite_utils

from . import neardup
from .config import DedupConfig
from .dedup import body_hash, text_hash
from .errors import StoreError, UsageError
from .models import FetchedPage, ParsedArticle, utc_now
from .schema import migrations

log = logging.getLogger("archiver.store")


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


_UNSKETCHED = object()  # _cluster's "compute the sketch here" (None is a text without words)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


class Store:
    def __init__(self, path: str | Path, readonly: bool = False, dedup: DedupConfig | None = None):
        self.path = Path(path)
        self.dedup_config = dedup or DedupConfig()
        self._dedup_params: neardup.Params | None = None
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

    def transaction(self):
        """Group several store calls into one transaction (nested calls become savepoints)."""
        return self.db.atomic()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- raw pages and captures ---------------------------------------------------------
    def _put_raw(self, body: bytes, encoding: str | None, content_type: str | None) -> tuple[str, bool]:
        sha = body_hash(body)
        exists = self.db.execute("SELECT 1 FROM raw_pages WHERE sha256 = ?", [sha]).fetchone()
        if not exists:
            self._insert("raw_pages", {"sha256": sha, "content": zlib.compress(body, 6), "compression": "zlib",
                                       "encoding": encoding, "content_type": content_type, "size": len(body)})
        return sha, not exists

    def _insert(self, table: str, row: dict[str, Any]) -> int:
        """One row by plain SQL, its rowid back. The crawl's hot paths use this instead of
        sqlite-utils' Table.insert/update, which look the schema up (sqlite_master, table_info)
        on every call: two thirds of a stored page's statements."""
        columns = ", ".join(f'"{column}"' for column in row)
        cursor = self.db.execute(f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * len(row))})", list(row.values()))
        return cursor.lastrowid

    def _update(self, table: str, row_id: int, row: dict[str, Any]) -> None:
        assignments = ", ".join(f'"{column}" = ?' for column in row)
        self.db.execute(f"UPDATE {table} SET {assignments} WHERE id = ?", [*row.values(), row_id])

    def raw_body(self, sha256: str) -> bytes:
        row = self.db.execute("SELECT content, compression FROM raw_pages WHERE sha256 = ?", [sha256]).fetchone()
        if row is None:
            raise StoreError(f"raw page {sha256} is missing")
        return zlib.decompress(row[0]) if row[1] == "zlib" else row[0]

    def save_capture(self, site: str, page: FetchedPage, kind: str, run_id: int | None = None,
                     encoding: str | None = None, error: str | None = None, store_body: bool = True) -> SavedCapture:
        with self.db.atomic():
            sha, new_body = (None, False)
            if store_body and (page.body or page.status == 200):
                sha, new_body = self._put_raw(page.body, encoding, page.content_type or None)
            capture_id = self._insert(
                "captures",
                {"url": page.url, "final_url": page.final_url, "site": site, "fetched_at": page.fetched_at,
                 "status": page.status, "sha256": sha, "kind": kind, "headers": _json(page.headers),
                 "error": error, "run_id": run_id},
            )
        return SavedCapture(capture_id, sha, new_body)

    def record_failure(self, site: str, url: str, reason: str, status: int | None, run_id: int | None) -> int:
        # One statement: atomic (and committed, outside a transaction) by itself.
        return self._insert(
            "captures",
            {"url": url, "final_url": None, "site": site, "fetched_at": utc_now(), "status": status,
             "sha256": None, "kind": "failed", "headers": None, "error": reason, "run_id": run_id},
        )

    def note_capture_error(self, capture_id: int, reason: str) -> None:
        self._update("captures", capture_id, {"error": reason})

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

    def has_capture(self, url: str, fetched_at: str) -> bool:
        """URL already captured at that moment: an imported WARC record or Wayback capture seen
        before (a recorded failure does not count, so it is tried again)."""
        return self.db.execute(
            "SELECT 1 FROM captures WHERE url = ? AND fetched_at = ? AND kind != 'failed' LIMIT 1", [url, fetched_at]
        ).fetchone() is not None

    def page_from_capture(self, row: dict) -> FetchedPage:
        headers = json.loads(row["headers"]) if row.get("headers") else {}
        return FetchedPage(url=row["url"], final_url=row.get("final_url") or row["url"], status=row["status"] or 200,
                           headers=headers, body=self.raw_body(row["sha256"]), fetched_at=row["fetched_at"])

    def link_capture(self, capture_id: int, article_id: int, sha256: str | None) -> None:
        """A 304 capture: the body is the one we already hold."""
        self._update("captures", capture_id, {"article_id": article_id, "sha256": sha256})

    def iter_captures(self, sites: Iterable[str] | None = None, kind: str | None = "article") -> Iterator[dict]:
        """Captures with a stored body in fetch order (of one kind, or all when kind is None)."""
        sql = "SELECT * FROM captures WHERE sha256 IS NOT NULL AND (? IS NULL OR kind = ?)"
        params: list[Any] = [kind, kind]
        if sites:
            sites = list(sites)
            sql += f" AND site IN ({','.join('?' * len(sites))})"
            params += sites
        yield from self.db.query(sql + " ORDER BY fetched_at, id", params)

    # -- articles -----------------------------------------------------------------------
    def article_id_for_url(self, url: str) -> int | None:
        row = self.db.execute("SELECT article_id FROM article_urls WHERE url = ?", [url]).fetchone()
        return row[0] if row else None

    def widen_seen(self, article_id: int, moment: str) -> None:
        """Stretch first_seen/last_seen over a capture dated outside them: imports and backfills
        bring captures out of date order, and an unchanged one is not saved again."""
        # Guarded so an article is only rewritten (and re-indexed in FTS) on a real change.
        self.db.execute(
            "UPDATE articles SET first_seen = min(first_seen, ?), last_seen = max(last_seen, ?) "
            "WHERE id = ? AND (first_seen > ? OR last_seen < ?)",
            [moment, moment, article_id, moment, moment],
        )

    def save_article(self, site: str, article: ParsedArticle, capture_id: int | None, fetched_at: str,
                     raw_sha256: str | None, also_urls: Iterable[str] = (),
                     prepared: neardup.Prepared | None = None) -> SavedArticle:
        """Insert or update one article with its URLs, related list, tags and comments, atomically.
        `prepared` (from `dedup_params()` and neardup.prepare) spares this thread the hashing."""
        if prepared is not None and (prepared.text is not article.text or prepared.params != self._index_params()):
            prepared = None
        text_sha = prepared.text_sha if prepared else text_hash(article.text)
        with self.db.atomic():
            existing = self.db.execute(
                "SELECT id, text_sha256, duplicate_of, first_seen, last_seen, (title IS ? AND text IS ?) "
                "FROM articles WHERE site = ? AND key = ?",
                [article.title, article.text, site, article.key],
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
                article_id, old_sha, duplicate_of, first_seen, last_seen, same_words = existing
                if fetched_at < (last_seen or ""):
                    # An older capture (import, reparse out of order) never overwrites newer text.
                    self._link_capture(capture_id, article_id, also_urls, fetched_at)
                    return SavedArticle(article_id, Outcome.UNCHANGED, duplicate_of)
                outcome = Outcome.UNCHANGED if old_sha == text_sha else Outcome.UPDATED
                fields["last_seen"] = fetched_at
                fields["first_seen"] = min(first_seen, fetched_at)
                if same_words:
                    # Setting title or text, even to the same value, re-indexes the article (m005).
                    del fields["title"], fields["text"]
                self._update("articles", article_id, fields)
            else:
                fields.update(first_seen=fetched_at, last_seen=fetched_at, duplicate_of=None)
                article_id = self._insert("articles", fields)
                outcome = Outcome.INSERTED
                duplicate_of = None
            if outcome is not Outcome.UNCHANGED or not existing or not self._indexed(article_id):
                duplicate_of = self._cluster(article_id, article.text, text_sha, detach=bool(existing),
                                             sketch=prepared.sketch if prepared else _UNSKETCHED)
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

    # -- near duplicates (MinHash + LSH; the computation is in neardup.py) ---------------
    def stored_dedup_params(self) -> neardup.Params | None:
        row = self.db.execute("SELECT threshold, shingle_size, num_perm FROM dedup_params WHERE id = 1").fetchone()
        return neardup.Params(*row) if row else None

    def _index_params(self) -> neardup.Params:
        """The index's parameters. A config change takes effect through `rebuild_dedup`: band keys
        made with other parameters never meet, so mixing them would silently lose matches."""
        if self._dedup_params is None:
            wanted = neardup.Params.from_config(self.dedup_config)
            stored = self.stored_dedup_params()
            empty = self.db.execute("SELECT 1 FROM dedup_signatures LIMIT 1").fetchone() is None
            if stored is None or (stored != wanted and empty):
                self._record_params(wanted)
                stored = wanted
            elif stored != wanted:
                log.warning("the [dedup] settings differ from those the archive's index was built with (%s); "
                            "they take effect after `archiver dedup --rebuild`", stored)
            self._dedup_params = stored
        return self._dedup_params

    def _record_params(self, params: neardup.Params) -> None:
        bands, rows = params.bands
        self.db.execute(
            "INSERT INTO dedup_params (id, threshold, shingle_size, num_perm, bands, rows, built) VALUES (1, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET threshold = excluded.threshold, shingle_size = excluded.shingle_size, "
            "num_perm = excluded.num_perm, bands = excluded.bands, rows = excluded.rows, built = excluded.built",
            [params.threshold, params.shingle_size, params.num_perm, bands, rows, utc_now()],
        )

    def _indexed(self, article_id: int) -> bool:
        return self.db.execute("SELECT 1 FROM dedup_signatures WHERE article_id = ?", [article_id]).fetchone() is not None

    def dedup_params(self) -> neardup.Params:
        """The near-duplicate index's parameters, for neardup.prepare on another thread."""
        return self._index_params()

    def _cluster(self, article_id: int, text: str, text_sha: str | None, detach: bool,
                 sketch: neardup.Sketch | None | object = _UNSKETCHED) -> int | None:
        """Place one article in a cluster: the same normalised text first, else the best near copy.
        Runs inside save_article's transaction, so signature, bands and duplicate_of land together."""
        params = self._index_params()
        if detach:
            self._detach(article_id)
        if sketch is _UNSKETCHED:
            sketch = neardup.sketch(text, params)
        match = None
        exact_root = self._exact_duplicate(article_id, text_sha)
        if exact_root is not None:
            match = (exact_root, "exact", 1.0)
        elif sketch is not None:
            match = self._near_duplicate(article_id, sketch, params)
        self._write_sketch(article_id, sketch)
        if match is None:
            self._set_cluster(article_id, None, None, None)
            return None
        return self._join(article_id, *match)

    def _set_cluster(self, article_id: int, root: int | None, kind: str | None, similarity: float | None) -> None:
        # Only a real change is written: every UPDATE of articles re-indexes its text in FTS.
        self.db.execute("UPDATE articles SET duplicate_of = ?, duplicate_kind = ?, similarity = ? WHERE id = ? "
                        "AND (duplicate_of IS NOT ? OR duplicate_kind IS NOT ? OR similarity IS NOT ?)",
                        [root, kind, similarity, article_id, root, kind, similarity])

    def _near_duplicate(self, article_id: int, sketch: neardup.Sketch, params: neardup.Params) -> tuple[int, str, float] | None:
        """LSH candidates by index look-up, ranked by the sketch's estimate, confirmed on exact Jaccard."""
        probe = " UNION ALL ".join(["SELECT article_id FROM dedup_bands WHERE band = ? AND key = ?"] * len(sketch.keys))
        rows = self.db.execute(
            f"SELECT c.article_id, s.signature FROM (SELECT article_id, count(*) AS hits FROM ({probe}) "
            "WHERE article_id != ? GROUP BY article_id ORDER BY hits DESC, article_id LIMIT ?) c "
            "JOIN dedup_signatures s ON s.article_id = c.article_id",
            [*(v for pair in sketch.keys for v in pair), article_id, neardup.MAX_CANDIDATES],
        ).fetchall()
        best: tuple[int, str, float] | None = None
        for estimate, candidate in neardup.ranked(sketch.signature, rows)[:neardup.MAX_VERIFIED]:
            if estimate < params.estimate_floor:
                break
            root, stored = self.db.execute(
                "SELECT a.duplicate_of, s.fingerprints FROM articles a JOIN dedup_signatures s ON s.article_id = a.id "
                "WHERE a.id = ?", [candidate]).fetchone()
            score = neardup.fingerprint_jaccard(sketch.fingerprints, self._fingerprints(candidate, stored, params))
            if score >= params.threshold and (best is None or score > best[2]):
                best = (root or candidate, "near", round(score, 4))
        return best

    def _fingerprints(self, article_id: int, stored: bytes | None, params: neardup.Params):
        """A candidate's shingle fingerprints; an index row older than m007 gets them now, once."""
        if stored is not None:
            return neardup.from_blob(stored)
        text = self.db.execute("SELECT text FROM articles WHERE id = ?", [article_id]).fetchone()[0]
        found = neardup.fingerprints(text or "", params.shingle_size)
        self.db.execute("UPDATE dedup_signatures SET fingerprints = ? WHERE article_id = ?",
                        [neardup.to_blob(found), article_id])
        return found

    def _write_sketch(self, article_id: int, sketch: neardup.Sketch | None) -> None:
        # A text without words still gets a (empty) signature row: it is indexed, just never a match.
        # Old band rows were removed by _detach (the only way an indexed article is re-placed).
        self.db.execute(
            "INSERT INTO dedup_signatures (article_id, signature, shingles, fingerprints) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(article_id) DO UPDATE SET signature = excluded.signature, shingles = excluded.shingles, "
            "fingerprints = excluded.fingerprints",
            [article_id, neardup.to_blob(sketch.signature) if sketch else b"", sketch.shingle_count if sketch else 0,
             neardup.to_blob(sketch.fingerprints) if sketch else b""],
        )
        if sketch:
            self.db.conn.executemany("INSERT OR IGNORE INTO dedup_bands (band, key, article_id) VALUES (?, ?, ?)",
                                     [(band, key, article_id) for band, key in sketch.keys])

    def _join(self, article_id: int, root: int, kind: str, similarity: float) -> int | None:
        """duplicate_of always names the cluster's first-seen member (first_seen, then id): a
        newcomer seen earlier than the root (an imported old capture) takes the cluster over."""
        first = "SELECT first_seen, id FROM articles WHERE id = ?"
        if tuple(self.db.execute(first, [article_id]).fetchone()) < tuple(self.db.execute(first, [root]).fetchone()):
            self.db.execute("UPDATE articles SET duplicate_of = ? WHERE duplicate_of = ?", [article_id, root])
            self._set_cluster(root, article_id, kind, similarity)
            self._set_cluster(article_id, None, None, None)
            return None
        self._set_cluster(article_id, root, kind, similarity)
        return root

    def _detach(self, article_id: int) -> None:
        """An article whose text changed leaves its cluster before it is placed again; members it
        was root of stay together under their next first-seen member."""
        heir = self.db.execute("SELECT id FROM articles WHERE duplicate_of = ? ORDER BY first_seen, id LIMIT 1",
                               [article_id]).fetchone()
        if heir:
            self.db.execute("UPDATE articles SET duplicate_of = ? WHERE duplicate_of = ? AND id != ?", [heir[0], article_id, heir[0]])
            self._set_cluster(heir[0], None, None, None)
        self._delete_bands(article_id)

    def _delete_bands(self, article_id: int) -> None:
        """Band keys are a function of the stored signature: recompute them and delete by primary
        key, so the bands table needs no second index to maintain on every insert (m006)."""
        row = self.db.execute("SELECT signature FROM dedup_signatures WHERE article_id = ?", [article_id]).fetchone()
        if not row or not row[0]:
            return
        keys = neardup.band_keys(neardup.from_blob(row[0]), self._index_params())
        self.db.conn.executemany("DELETE FROM dedup_bands WHERE band = ? AND key = ? AND article_id = ?",
                                 [(band, key, article_id) for band, key in keys])

    def rebuild_dedup(self, progress: Callable[[int, int], None] | None = None) -> dict:
        """Recompute every signature, band key and cluster from stored text with the configured
        parameters, in first-seen order. One transaction: an interrupted rebuild keeps the old index."""
        params = neardup.Params.from_config(self.dedup_config)
        ids = [row[0] for row in self.db.execute("SELECT id FROM articles ORDER BY first_seen, id").fetchall()]
        with self.db.atomic():
            self.db.execute("DELETE FROM dedup_bands")
            self.db.execute("DELETE FROM dedup_signatures")
            self.db.execute("UPDATE articles SET duplicate_of = NULL, duplicate_kind = NULL, similarity = NULL")
            self._record_params(params)
            self._dedup_params = params
            for done, article_id in enumerate(ids, start=1):
                text, text_sha = self.db.execute("SELECT text, text_sha256 FROM articles WHERE id = ?", [article_id]).fetchone()
                self._cluster(article_id, text or "", text_sha, detach=False)
                if progress:
                    progress(done, len(ids))
        return self.dedup_status()

    def dedup_status(self) -> dict:
        stored = self.stored_dedup_params()
        wanted = neardup.Params.from_config(self.dedup_config)
        row = self.db.execute(
            "SELECT count(*), sum(duplicate_of IS NULL), sum(duplicate_kind = 'exact'), sum(duplicate_kind = 'near') FROM articles"
        ).fetchone()
        clusters = self.db.execute("SELECT count(DISTINCT duplicate_of) FROM articles WHERE duplicate_of IS NOT NULL").fetchone()[0]

        def describe(params: neardup.Params | None) -> dict | None:
            if params is None:
                return None
            bands, rows = params.bands
            return {"threshold": params.threshold, "shingle_size": params.shingle_size, "num_perm": params.num_perm,
                    "bands": bands, "rows": rows}

        return {
            "index": describe(stored), "config": describe(wanted), "stale": stored is not None and stored != wanted,
            "articles": row[0], "stories": row[1] or 0, "exact_duplicates": row[2] or 0, "near_duplicates": row[3] or 0,
            "clusters_with_copies": clusters,
            "indexed": self.db.execute("SELECT count(*) FROM dedup_signatures").fetchone()[0],
        }

    def _link_capture(self, capture_id: int | None, article_id: int, urls: Iterable[str], seen: str) -> None:
        if capture_id is not None:
            self._update("captures", capture_id, {"article_id": article_id})
        self.db.conn.executemany(
            "INSERT INTO article_urls (url, article_id, first_seen) VALUES (?, ?, ?) "
            "ON CONFLICT(url) DO UPDATE SET article_id = excluded.article_id",
            [(url, article_id, seen) for url in dict.fromkeys(u for u in urls if u)],
        )

    def _related_item_id(self, site: str, item, seen: str) -> int:
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

    def _replace_related(self, article_id: int, site: str, article: ParsedArticle, seen: str) -> None:
        self.db.execute("DELETE FROM article_related WHERE article_id = ?", [article_id])
        rows = [(article_id, self._related_item_id(site, item, seen), position)
                for position, item in enumerate(article.related, start=1)]
        self.db.conn.executemany("INSERT INTO article_related (article_id, related_id, position) VALUES (?, ?, ?)", rows)

    def _link_related_item(self, site: str, key: str, article_id: int) -> None:
        self.db.execute("UPDATE related_items SET article_id = ? WHERE site = ? AND key = ?", [article_id, site, key])

    def _replace_tags(self, article_id: int, article: ParsedArticle) -> None:
        self.db.execute("DELETE FROM article_tags WHERE article_id = ?", [article_id])
        for position, tag in enumerate(article.tags, start=1):
            # DO UPDATE of nothing rather than DO NOTHING: RETURNING then gives an existing tag's id too.
            tag_id = self.db.execute("INSERT INTO tags (name, kind) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET name = name "
                                     "RETURNING id", [tag.name, tag.kind]).fetchall()[0][0]
            self.db.execute(
                "INSERT OR IGNORE INTO article_tags (article_id, tag_id, kind, position) VALUES (?, ?, ?, ?)",
                [article_id, tag_id, tag.kind, position],
            )

    def _replace_comments(self, article_id: int, article: ParsedArticle) -> None:
        self.db.execute("DELETE FROM comments WHERE article_id = ?", [article_id])
        self.db.conn.executemany(
            "INSERT INTO comments (article_id, position, author, text, reply_to, published) VALUES (?, ?, ?, ?, ?, ?)",
            [(article_id, c.position, c.author, c.text, c.reply_to, c.published) for c in article.comments],
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

    def close_stale_runs(self, site: str) -> int:
        """Runs left 'running' by a process that died (the caller holds the crawl lock)."""
        with self.db.atomic():
            return self.db.execute(
                "UPDATE crawl_runs SET status = 'interrupted', finished = coalesce(finished, ?) WHERE site = ? AND status = 'running'",
                [utc_now(), site],
            ).rowcount

    def last_run(self, site: str) -> dict | None:
        rows = list(self.db.query("SELECT * FROM crawl_runs WHERE site = ? ORDER BY started DESC, id DESC LIMIT 1", [site]))
        return rows[0] if rows else None

    def last_successful_run(self, site: str) -> str | None:
        row = self.db.execute(
            "SELECT max(started) FROM crawl_runs WHERE site = ? AND status IN ('ok', 'partial')", [site]
        ).fetchone()
        return row[0] if row else None

    def frontier_add(self, site: str, urls: Iterable[str], kind: str, depth: int = 0) -> int:
        now = utc_now()
        with self.db.atomic():
            # executemany sums the rows each insert added.
            return self.db.conn.executemany(
                "INSERT OR IGNORE INTO frontier (url, site, kind, state, attempts, next_attempt, discovered_at, updated_at, depth) "
                "VALUES (?, ?, ?, 'pending', 0, ?, ?, ?, ?)",
                [(url, site, kind, now, now, now, depth) for url in urls],
            ).rowcount

    def frontier_requeue(self, site: str, urls: Iterable[str]) -> None:
        """Start URLs are re-checked every run even when done before (home page, feeds)."""
        with self.db.atomic():
            for url in urls:
                self.db.execute("UPDATE frontier SET state = 'pending', attempts = 0 WHERE url = ? AND site = ? AND state != 'pending'", [url, site])

    def frontier_recheck(self, site: str, urls: Iterable[str]) -> int:
        """Queue done URLs again for a conditional re-fetch, unless their newest capture was
        made by this run or an interrupted one (a resumed crawl must not refetch what it stored)."""
        now = utc_now()
        count = 0
        with self.db.atomic():
            for url in urls:
                count += self.db.execute(
                    "UPDATE frontier SET state = 'pending', attempts = 0, next_attempt = ? "
                    "WHERE url = ? AND site = ? AND state = 'done' AND coalesce(("
                    "  SELECT r.status FROM captures c JOIN crawl_runs r ON r.id = c.run_id "
                    "  WHERE c.url = frontier.url ORDER BY c.id DESC LIMIT 1), 'running') NOT IN ('running', 'interrupted')",
                    [now, url, site],
                ).rowcount
        return count

    def frontier_next(self, site: str, now: str, limit: int) -> list[dict]:
        return list(self.db.query(
            "SELECT * FROM frontier WHERE site = ? AND state IN ('pending', 'fetched', 'retry') AND next_attempt <= ? "
            "ORDER BY CASE kind WHEN 'listing' THEN 0 ELSE 1 END, depth, discovered_at, url LIMIT ?",
            [site, now, limit],
        ))

    def frontier_mark(self, url: str, state: str, error: str | None = None, next_attempt: str | None = None,
                      attempted: bool = False) -> None:
        self.db.execute(
            "UPDATE frontier SET state = ?, last_error = ?, next_attempt = coalesce(?, next_attempt), "
            "attempts = attempts + ?, updated_at = ? WHERE url = ?",
            [state, error, next_attempt, 1 if attempted else 0, utc_now(), url],
        )

    def frontier_state(self, url: str) -> dict | None:
        rows = list(self.db.query("SELECT * FROM frontier WHERE url = ?", [url]))
        return rows[0] if rows else None

    # -- reading ------------------------------------------------------------------------
    SEARCH_ORDERS = {
        "relevance": "score DESC, a.id",
        "newest": "a.published IS NULL, a.published DESC, score DESC, a.id",
        "oldest": "a.published IS NULL, a.published, score DESC, a.id",
    }

    def search(self, match: str, site: str | None = None, since: str | None = None, until: str | None = None,
               limit: int = 20, all_duplicates: bool = False, order: str = "relevance") -> list[dict]:
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
            # Rounded before ordering so the output is sorted by exactly the score it shows.
            "round(-bm25(articles_fts, 5.0, 1.0), 6) AS score, "
            "coalesce(a.duplicate_of, a.id) AS cluster "
            "FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid "
            f"WHERE {' AND '.join(where)} ORDER BY {self.SEARCH_ORDERS[order]}"
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
        """An article by archive id, by any URL it was reached at, or by the site's own id
        (`SITE:KEY`, or a bare key when only one site has it)."""
        if str(id_or_url).isdigit():
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

    def article_ids(self) -> Iterator[int]:
        for row in self.db.execute("SELECT id FROM articles ORDER BY id").fetchall():
            yield row[0]

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
            "SELECT id, site, url, title, first_seen, published, duplicate_kind, similarity FROM articles "
            "WHERE (id = ? OR duplicate_of = ?) AND id != ? "
            "ORDER BY first_seen, id", [root, root, article_id],
        ))
        return article

    def stats(self) -> dict:
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
        totals = {
            "articles": self.db["articles"].count,
            "raw_pages": self.db["raw_pages"].count,
            "captures": self.db["captures"].count,
            "related_items": self.db["related_items"].count,
            "tags": self.db["tags"].count,
            "comments": self.db["comments"].count,
        }
        return {"totals": totals, "sites": sites, "last_runs": runs}
