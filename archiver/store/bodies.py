"""Raw bodies, content-addressed by sha256 and zlib-compressed: an identical body is stored once."""

from __future__ import annotations

import zlib

from ..dedup import body_hash
from ..errors import StoreError
from .base import Part


class Bodies(Part):
    def put(self, body: bytes, encoding: str | None, content_type: str | None) -> tuple[str, bool]:
        """(sha256, whether the body was new)."""
        sha = body_hash(body)
        exists = self.db.execute("SELECT 1 FROM raw_pages WHERE sha256 = ?", [sha]).fetchone()
        if not exists:
            self.insert("raw_pages", {"sha256": sha, "content": zlib.compress(body, 6), "compression": "zlib",
                                      "encoding": encoding, "content_type": content_type, "size": len(body)})
        return sha, not exists

    def get(self, sha256: str) -> bytes:
        row = self.db.execute("SELECT content, compression FROM raw_pages WHERE sha256 = ?", [sha256]).fetchone()
        if row is None:
            raise StoreError(f"raw page {sha256} is missing")
        return zlib.decompress(row[0]) if row[1] == "zlib" else row[0]
