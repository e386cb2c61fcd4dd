"""Opening the archive: WAL mode (searches run while a crawl writes), migrations applied."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import sqlite_utils

from ..errors import StoreError
from ..schema import migrations


class _Database(sqlite_utils.Database):
    """Write transactions take the write lock when they begin (BEGIN IMMEDIATE). A deferred
    transaction that reads first and then writes cannot wait for another writer: SQLite answers
    "database is locked" at once instead of applying the busy timeout."""

    @contextlib.contextmanager
    def atomic(self):
        if self.conn.in_transaction:
            with super().atomic():
                yield self
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            self.conn.rollback()
            raise
        else:
            self.conn.commit()


def open_database(path: Path, readonly: bool) -> sqlite_utils.Database:
    try:
        if readonly:
            if not path.exists():
                raise StoreError(f"database {path} does not exist; run `archiver crawl` first")
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(path), timeout=30)
        db = _Database(conn)
        db.execute("PRAGMA busy_timeout = 30000")
        if not readonly:
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute("PRAGMA foreign_keys = ON")
            migrations.apply(db)
        elif "articles" not in db.table_names():
            raise StoreError(f"{path} is not an archiver database")
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"database {path} cannot be opened: {exc}") from None
    return db
