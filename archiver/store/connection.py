"""Opening the archive: WAL mode (searches run while a crawl writes), migrations applied."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import sqlite_utils

from ..errors import StoreError
from ..schema import migrations
from .readonly import connect_readonly


# Statements that write: outside a transaction, each runs in one of its own (see execute).
_WRITES = frozenset({"INSERT", "UPDATE", "DELETE", "REPLACE"})


class _Database(sqlite_utils.Database):
    """Write transactions take the write lock when they begin (BEGIN IMMEDIATE). A deferred
    transaction that reads first and then writes cannot wait for another writer: SQLite answers
    "database is locked" at once instead of applying the busy timeout."""

    def execute(self, sql: str, parameters=None):
        """As sqlite-utils', but a write outside a transaction runs in one of its own (atomic):
        sqlite-utils commits the transaction the statement opened after it returns, and a Ctrl-C
        or SIGTERM landing in between left it open, to swallow the run's last records uncommitted.
        Not a statement with RETURNING, whose rows are read after it returns."""
        words = sql.split(None, 1)
        if self.conn.in_transaction or not words or words[0].upper() not in _WRITES or "RETURNING" in sql.upper():
            return super().execute(sql, parameters)
        with self.atomic():
            return super().execute(sql, parameters)

    @contextlib.contextmanager
    def atomic(self):
        if self.conn.in_transaction:
            with super().atomic():
                yield self
            return
        # BEGIN and COMMIT inside the try: a Ctrl-C or SIGTERM landing just after either must
        # not leave a transaction open, in which the run's last record would never be committed.
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            yield self
            self.conn.commit()
        except BaseException:
            if self.conn.in_transaction:
                self.conn.rollback()
            raise


def check_not_newer(db: sqlite_utils.Database, path: Path) -> None:
    """Refuse an archive written by a newer archiver: its schema has migrations this version
    does not know, and writing to it (or reading it as if it were ours) could damage it."""
    if migrations.migrations_table not in db.table_names():
        return
    known = {name for name in migrations_names()}
    unknown = [row[0] for row in db.execute(f"SELECT name FROM {migrations.migrations_table} WHERE migration_set = ?",
                                             [migrations.name]).fetchall() if row[0] not in known]
    if unknown:
        raise StoreError(f"{path} was written by a newer archiver (schema steps {', '.join(sorted(unknown))} "
                         "are unknown here); upgrade archiver to open it")


def migrations_names() -> list[str]:
    return [migration.name for migration in migrations._migrations]


def open_database(path: Path, readonly: bool) -> sqlite_utils.Database:
    try:
        if readonly:
            conn = connect_readonly(path)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(path), timeout=30)
        db = _Database(conn)
        db.execute("PRAGMA busy_timeout = 30000")
        check_not_newer(db, path)
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
