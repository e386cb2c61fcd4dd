"""What every part of the store shares: the connection, and plain-SQL row writes."""

from __future__ import annotations

import json
from typing import Any, Iterator

import sqlite_utils

from .readonly import dict_rows


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def from_json(text: str | None, empty: Any) -> Any:
    return json.loads(text) if text else empty


class Part:
    """One concern of the archive over the connection all parts share (one transaction spans them)."""

    def __init__(self, db: sqlite_utils.Database):
        self.db = db

    def rows(self, sql: str, params: list[Any] | tuple = ()) -> list[dict]:
        """Every row a read gives, as dicts."""
        return list(self.iter_rows(sql, params))

    def iter_rows(self, sql: str, params: list[Any] | tuple = ()) -> Iterator[dict]:
        """The rows a read gives, as dicts, as they come. A plain cursor, not sqlite-utils'
        query(): that wraps each read in a savepoint, and a Ctrl-C or SIGTERM landing after its
        RELEASE but before it notes the release makes it roll back to the released savepoint
        inside the run's transaction: "no such savepoint" in place of the interrupt, and a crawl
        stopped by SIGTERM ending as an error instead of an interrupted run."""
        return dict_rows(self.db.conn.execute(sql, params))

    def insert(self, table: str, row: dict[str, Any]) -> int:
        """One row by plain SQL, its rowid back. The crawl's hot paths use this instead of
        sqlite-utils' Table.insert/update, which look the schema up (sqlite_master, table_info)
        on every call: two thirds of a stored page's statements."""
        columns = ", ".join(f'"{column}"' for column in row)
        cursor = self.db.execute(f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * len(row))})", list(row.values()))
        return cursor.lastrowid

    def update(self, table: str, row_id: int, row: dict[str, Any]) -> None:
        assignments = ", ".join(f'"{column}" = ?' for column in row)
        self.db.execute(f"UPDATE {table} SET {assignments} WHERE id = ?", [*row.values(), row_id])

    def first(self, sql: str, params: list[Any]) -> dict | None:
        """The first row of a query, as a dict (read to the end, so no statement stays open)."""
        rows = self.rows(sql, params)
        return rows[0] if rows else None
