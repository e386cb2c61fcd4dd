"""Opening an archive only to read it, with nothing more imported than that needs (a search
answers in a fraction of a second; the store's schema and sqlite-utils are not loaded)."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from urllib.parse import quote

from ..errors import StoreError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without loading typing (a search's start-up)
if TYPE_CHECKING:
    from typing import Callable, TypeVar

    T = TypeVar("T")


def dict_rows(cursor: sqlite3.Cursor):
    """CURSOR's rows as dicts keyed by column name, as they come."""
    keys = [column[0] for column in cursor.description]
    return (dict(zip(keys, row)) for row in cursor)


def connect_readonly(path: Path) -> sqlite3.Connection:
    """A read-only connection to the archive at PATH, whatever its name holds (`?`, `#`, `%`
    are quoted in the URI, so readers open the very file writers do). An archive in a
    directory this user cannot write (a copy on read-only media, another user's) opens as
    immutable: SQLite could create none of the files a reader of a WAL database needs there,
    and no writer can be at work in such a directory."""
    if not path.exists():
        raise StoreError(f"database {path} does not exist; run `archiver crawl` first")
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    if not os.access(path.resolve().parent, os.W_OK):
        uri += "&immutable=1"
    conn = sqlite3.connect(uri, uri=True, timeout=30)
    conn.execute("PRAGMA busy_timeout = 30000")
    return conn


# What a reader can be told while a writer is changing the schema under it (a new archive's
# migrations, an upgrade): FTS5 builds its table from the schema and configuration it reads,
# and gives up with the first of these rather than waiting as SQLite does for a lock.
SCHEMA_IN_FLUX = ("vtable constructor failed", "database schema has changed", "database is locked")


def once_schema_settles(read: Callable[[], T], patience: float = 10.0) -> T:
    """READ(), tried again while a writer's schema change makes it fail, for up to PATIENCE
    seconds; any other error, or one that outlasts the change, is raised as it is."""
    deadline = time.monotonic() + patience
    pause = 0.01
    while True:
        try:
            return read()
        except sqlite3.OperationalError as exc:
            if not any(text in str(exc) for text in SCHEMA_IN_FLUX) or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.5)
