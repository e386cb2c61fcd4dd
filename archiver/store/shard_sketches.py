"""One archive's near-duplicate index read in bulk, for the shuffle across shard archives
(archiver/dedup/shuffle.py): its LSH band rows, its text hashes, the sketches of given articles.

Read-only; a plain sqlite3 connection (mode=ro), so a Dask worker reading a shard opens no
Store, runs no migration and takes no lock.
"""

from __future__ import annotations

import json
from contextlib import closing
from pathlib import Path
from typing import Iterable

import numpy as np

from .readonly import connect_readonly


def _rows(path: str | Path, sql: str, params: list | tuple = ()) -> list[tuple]:
    """SQL's rows from the shard at PATH, on a connection opened and closed for them: the
    store's one read-only opener, so a shard in a directory the worker cannot write (a read-only
    mount, another user's) opens as immutable, and a busy shard is waited for."""
    with closing(connect_readonly(Path(path))) as db:
        return db.execute(sql, params).fetchall()


def band_rows(path: str | Path) -> np.ndarray:
    """Every (band, key, article_id) of the shard's dedup_bands, as an int64 array of 3 columns."""
    rows = _rows(path, "SELECT band, key, article_id FROM dedup_bands")
    return np.array(rows, dtype=np.int64).reshape(-1, 3)


def text_hashes(path: str | Path) -> list[tuple[int, str]]:
    """(article_id, text_sha256) of every article with a text."""
    return _rows(path, "SELECT id, text_sha256 FROM articles WHERE text_sha256 IS NOT NULL")


def sketches(path: str | Path, ids: Iterable[int]) -> dict[int, tuple[str, str | None, bytes, bytes]]:
    """article id -> (first_seen, text_sha256, signature blob, fingerprints blob) for IDS
    (one JSON parameter, not one SQL variable per id). Blobs are b"" for an article without a sketch."""
    listed = json.dumps(sorted({int(i) for i in ids}))
    rows = _rows(path, "SELECT a.id, a.first_seen, a.text_sha256, coalesce(s.signature, x''), coalesce(s.fingerprints, x'') "
                       "FROM articles a LEFT JOIN dedup_signatures s ON s.article_id = a.id "
                       "WHERE a.id IN (SELECT value FROM json_each(?))", [listed])
    return {row[0]: tuple(row[1:]) for row in rows}


def articles_in_seen_order(path: str | Path) -> list[tuple[int, str, str, str | None]]:
    """(id, first_seen, url, text_sha256) of every article, first seen first."""
    return _rows(path, "SELECT id, first_seen, url, text_sha256 FROM articles ORDER BY first_seen, id")
