"""Opening an archive only to read it, with nothing more imported than that needs (a search
answers in a fraction of a second; the store's schema and sqlite-utils are not loaded)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

from ..errors import StoreError


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
