"""What every part of the store shares: the connection, and plain-SQL row writes."""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def from_json(text: str | None, empty: Any) -> Any:
    return json.loads(text) if text else empty


class Part:
    """One concern of the archive over the connection all parts share (one transaction spans them)."""

    def __init__(self, db: sqlite_utils.Database):
        self.db = db

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
        rows = list(self.db.query(sql, params))
        return rows[0] if rows else None
