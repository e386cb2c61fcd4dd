"""Raw bodies: written zstd-compressed, rows of older archives (zlib, or stored as is) still read."""

from __future__ import annotations

import sqlite3
import zlib

import pytest

from archiver.errors import StoreError
from archiver.store import Store
from archiver.store import bodies
from archiver.store.bodies import compress, decompress

PAGE = "<html><body>" + "<p>Raqqa, day after day.</p>" * 200 + "</body></html>"


def rows(path) -> list[tuple]:
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT compression, size, length(content) FROM raw_pages").fetchall()
    finally:
        db.close()


@pytest.mark.parametrize("method", ["zstd", "zlib"])
def test_a_new_body_is_stored_compressed_and_read_back(tmp_path, monkeypatch, method):
    monkeypatch.setattr(bodies, "WRITE_COMPRESSION", method)
    body = PAGE.encode()
    with Store(tmp_path / "a.db") as store:
        sha, new = store.bodies.put(body, "utf-8", "text/html")
        assert new and store.bodies.put(body, "utf-8", "text/html") == (sha, False)
        assert store.raw_body(sha) == body
    [(compression, size, stored)] = rows(tmp_path / "a.db")
    assert (compression, size) == (method, len(body)) and stored < len(body) // 10


@pytest.mark.parametrize("compression, content", [("zlib", zlib.compress(PAGE.encode(), 6)), (None, PAGE.encode()),
                                                  ("", PAGE.encode())])
def test_rows_of_older_archives_are_still_read(tmp_path, compression, content):
    path = tmp_path / "old.db"
    Store(path).close()
    db = sqlite3.connect(path)
    with db:
        db.execute("INSERT INTO raw_pages (sha256, content, compression, size) VALUES ('old', ?, ?, ?)",
                   [content, compression, len(PAGE)])
    db.close()
    with Store(path) as store:
        assert store.raw_body("old") == PAGE.encode()


def test_an_unknown_compression_is_an_error_not_garbage():
    with pytest.raises(StoreError, match="unknown method"):
        decompress(b"\x00\x01", "brotli")
    with pytest.raises(StoreError):
        compress(b"x", "brotli")


def test_both_codecs_round_trip_any_bytes():
    for body in (b"", b"\x00" * 5, bytes(range(256)) * 40, PAGE.encode("utf-16")):
        assert decompress(compress(body, "zstd"), "zstd") == body
        assert decompress(compress(body, "zlib"), "zlib") == body
