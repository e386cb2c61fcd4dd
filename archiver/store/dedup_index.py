"""The near-duplicate index in the archive: the DedupIndex (archiver/dedup/index.py) over the
dedup_signatures, dedup_bands and dedup_params tables and the articles' cluster columns.

The decisions themselves are archiver/dedup/clusters.py's; this is where they are kept.
"""

from __future__ import annotations

import json
import logging
from typing import Iterable

import numpy as np

from ..config import DedupConfig
from ..dedup.sketch import Params, Sketch, band_keys, fingerprints, from_blob, to_blob
from ..models import utc_now
from .base import Part

log = logging.getLogger("archiver.store")


class SqlDedupIndex(Part):
    def __init__(self, db, config: DedupConfig):
        super().__init__(db)
        self.config = config
        self._params: Params | None = None

    # -- the parameters the index is built with ------------------------------------------
    @property
    def params(self) -> Params:
        """The index's parameters. A config change takes effect through `reset` (the rebuild):
        band keys made with other parameters never meet, so mixing them would silently lose matches."""
        if self._params is None:
            wanted = Params.from_config(self.config)
            stored = self.stored_params()
            empty = self.db.execute("SELECT 1 FROM dedup_signatures LIMIT 1").fetchone() is None
            if stored is None or (stored != wanted and empty):
                self._record_params(wanted)
                stored = wanted
            elif stored != wanted:
                log.warning("the [dedup] settings differ from those the archive's index was built with (%s); "
                            "they take effect after `archiver dedup --rebuild`", stored)
            self._params = stored
        return self._params

    def stored_params(self) -> Params | None:
        row = self.db.execute("SELECT threshold, shingle_size, num_perm FROM dedup_params WHERE id = 1").fetchone()
        return Params(*row) if row else None

    def _record_params(self, params: Params) -> None:
        bands, rows = params.bands
        self.db.execute(
            "INSERT INTO dedup_params (id, threshold, shingle_size, num_perm, bands, rows, built) VALUES (1, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET threshold = excluded.threshold, shingle_size = excluded.shingle_size, "
            "num_perm = excluded.num_perm, bands = excluded.bands, rows = excluded.rows, built = excluded.built",
            [params.threshold, params.shingle_size, params.num_perm, bands, rows, utc_now()],
        )

    def reset(self, params: Params) -> None:
        """An empty index for `params`, every article out of its cluster (the start of a rebuild)."""
        self.db.execute("DELETE FROM dedup_bands")
        self.db.execute("DELETE FROM dedup_signatures")
        self.db.execute("UPDATE articles SET duplicate_of = NULL, duplicate_kind = NULL, similarity = NULL")
        self._record_params(params)
        self._params = params

    # -- DedupIndex: sketches ------------------------------------------------------------
    def contains(self, article_id: int) -> bool:
        return self.db.execute("SELECT 1 FROM dedup_signatures WHERE article_id = ?", [article_id]).fetchone() is not None

    def candidates(self, keys: Iterable[tuple[int, int]], exclude: int, limit: int) -> list[tuple[int, np.ndarray]]:
        # One B-tree range per band (the bands table is keyed (band, key, article_id)).
        keys = list(keys)
        probe = " UNION ALL ".join(["SELECT article_id FROM dedup_bands WHERE band = ? AND key = ?"] * len(keys))
        rows = self.db.execute(
            f"SELECT c.article_id, s.signature FROM (SELECT article_id, count(*) AS hits FROM ({probe}) "
            "WHERE article_id != ? GROUP BY article_id ORDER BY hits DESC, article_id LIMIT ?) c "
            "JOIN dedup_signatures s ON s.article_id = c.article_id",
            [*(v for pair in keys for v in pair), exclude, limit],
        ).fetchall()
        return [(article_id, from_blob(blob)) for article_id, blob in rows]

    def fingerprints(self, article_id: int) -> np.ndarray:
        """A candidate's shingle fingerprints; an index row older than m007 gets them now, once."""
        stored = self.db.execute("SELECT fingerprints FROM dedup_signatures WHERE article_id = ?", [article_id]).fetchone()[0]
        if stored is not None:
            return from_blob(stored)
        text = self.db.execute("SELECT text FROM articles WHERE id = ?", [article_id]).fetchone()[0]
        found = fingerprints(text or "", self.params.shingle_size)
        self.db.execute("UPDATE dedup_signatures SET fingerprints = ? WHERE article_id = ?", [to_blob(found), article_id])
        return found

    def record(self, article_id: int, sketch: Sketch | None) -> None:
        # A text without words still gets a (empty) signature row: it is indexed, just never a match.
        self.db.execute(
            "INSERT INTO dedup_signatures (article_id, signature, shingles, fingerprints) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(article_id) DO UPDATE SET signature = excluded.signature, shingles = excluded.shingles, "
            "fingerprints = excluded.fingerprints",
            [article_id, to_blob(sketch.signature) if sketch else b"", sketch.shingle_count if sketch else 0,
             to_blob(sketch.fingerprints) if sketch else b""],
        )
        if sketch:
            self.db.conn.executemany("INSERT OR IGNORE INTO dedup_bands (band, key, article_id) VALUES (?, ?, ?)",
                                     [(band, key, article_id) for band, key in sketch.keys])

    def remove(self, article_id: int) -> None:
        """Band keys are a function of the stored signature: recompute them and delete by primary
        key, so the bands table needs no second index to maintain on every insert (m006)."""
        row = self.db.execute("SELECT signature FROM dedup_signatures WHERE article_id = ?", [article_id]).fetchone()
        if row and row[0]:
            self.db.conn.executemany("DELETE FROM dedup_bands WHERE band = ? AND key = ? AND article_id = ?",
                                     [(band, key, article_id) for band, key in band_keys(from_blob(row[0]), self.params)])
        self.db.execute("DELETE FROM dedup_signatures WHERE article_id = ?", [article_id])

    # -- DedupIndex: clusters (the articles' duplicate_of, duplicate_kind, similarity) ----
    def same_text(self, text_sha: str, exclude: int) -> int | None:
        row = self.db.execute("SELECT id FROM articles WHERE text_sha256 = ? AND id != ? ORDER BY first_seen, id LIMIT 1",
                              [text_sha, exclude]).fetchone()
        return row[0] if row else None

    def root_of(self, article_id: int) -> int | None:
        return self.db.execute("SELECT duplicate_of FROM articles WHERE id = ?", [article_id]).fetchone()[0]

    def first_member(self, root: int) -> int | None:
        row = self.db.execute("SELECT id FROM articles WHERE duplicate_of = ? ORDER BY first_seen, id LIMIT 1", [root]).fetchone()
        return row[0] if row else None

    def seen_order(self, article_id: int) -> tuple[str, int]:
        return tuple(self.db.execute("SELECT first_seen, id FROM articles WHERE id = ?", [article_id]).fetchone())

    def set_cluster(self, article_id: int, root: int | None, kind: str | None, similarity: float | None) -> None:
        # Only a real change is written: every UPDATE of articles re-indexes its text in FTS.
        self.db.execute("UPDATE articles SET duplicate_of = ?, duplicate_kind = ?, similarity = ? WHERE id = ? "
                        "AND (duplicate_of IS NOT ? OR duplicate_kind IS NOT ? OR similarity IS NOT ?)",
                        [root, kind, similarity, article_id, root, kind, similarity])

    def move_members(self, old_root: int, new_root: int) -> None:
        self.db.execute("UPDATE articles SET duplicate_of = ? WHERE duplicate_of = ?", [new_root, old_root])

    # -- reading -------------------------------------------------------------------------
    def copies(self, article_id: int) -> list[dict]:
        """The other members of the article's cluster, first seen first."""
        root = self.root_of(article_id) or article_id
        return self.rows(
            "SELECT id, site, url, title, first_seen, published, duplicate_kind, similarity FROM articles "
            "WHERE (id = ? OR duplicate_of = ?) AND id != ? ORDER BY first_seen, id", [root, root, article_id],
        )

    def cluster_sizes(self, roots: set[int]) -> dict[int, int]:
        """cluster root -> articles in its cluster, for any number of roots (one JSON
        parameter, never one SQL variable per root: SQLite caps those)."""
        if not roots:
            return {}
        listed = json.dumps(sorted(roots))
        return dict(self.db.execute(
            "SELECT coalesce(duplicate_of, id), count(*) FROM articles WHERE id IN (SELECT value FROM json_each(?)) "
            "OR duplicate_of IN (SELECT value FROM json_each(?)) GROUP BY 1", [listed, listed],
        ).fetchall())

    def clusters(self) -> dict[int, tuple[int | None, str | None, float | None]]:
        """article id -> (duplicate_of, duplicate_kind, similarity), as MemoryIndex.clusters gives."""
        rows = self.db.execute("SELECT id, duplicate_of, duplicate_kind, similarity FROM articles").fetchall()
        return {article_id: (root, kind, similarity) for article_id, root, kind, similarity in rows}

    def bucket_mean(self) -> float:
        """Articles per LSH bucket (band, key), on average."""
        return self.db.execute("SELECT avg(n) FROM (SELECT count(*) AS n FROM dedup_bands GROUP BY band, key)").fetchone()[0] or 0.0

    def status(self) -> dict:
        counts = self.db.execute(
            "SELECT count(*), sum(duplicate_of IS NULL), sum(duplicate_kind = 'exact'), sum(duplicate_kind = 'near') FROM articles"
        ).fetchone()
        stored, wanted = self.stored_params(), Params.from_config(self.config)
        return {
            "index": _describe(stored), "config": _describe(wanted), "stale": stored is not None and stored != wanted,
            "articles": counts[0], "stories": counts[1] or 0, "exact_duplicates": counts[2] or 0,
            "near_duplicates": counts[3] or 0,
            "clusters_with_copies": self.db.execute(
                "SELECT count(DISTINCT duplicate_of) FROM articles WHERE duplicate_of IS NOT NULL").fetchone()[0],
            "indexed": self.db.execute("SELECT count(*) FROM dedup_signatures").fetchone()[0],
        }


def _describe(params: Params | None) -> dict | None:
    if params is None:
        return None
    bands, rows = params.bands
    return {"threshold": params.threshold, "shingle_size": params.shingle_size, "num_perm": params.num_perm,
            "bands": bands, "rows": rows}
