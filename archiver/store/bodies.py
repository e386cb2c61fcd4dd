"""Raw bodies, content-addressed by sha256 and compressed: an identical body is stored once.

New bodies are zstd-compressed (level 9): on 969 real and cassette pages 8.6% smaller than
zlib level 6, and cheaper both to write (12.5 against 16.1 ms of CPU per MB of HTML) and to
read (0.6 against 2.7 ms per MB); benchmarks/compression_benchmark.py measures it. A trained
dictionary would save another 6.6%, but every row would then need that dictionary to be read
(in a merged or copied archive too): not worth it. Rows written earlier keep their zlib
compression, named in raw_pages.compression, and are read as they are.
"""

from __future__ import annotations

import threading
import zlib

import zstandard

from ..dedup import body_hash
from ..errors import StoreError
from .base import Part

WRITE_COMPRESSION = "zstd"
ZSTD_LEVEL = 9

_codecs = threading.local()  # zstandard's (de)compressor objects must not be shared by threads


def _zstd() -> tuple[zstandard.ZstdCompressor, zstandard.ZstdDecompressor]:
    if not hasattr(_codecs, "zstd"):
        _codecs.zstd = (zstandard.ZstdCompressor(level=ZSTD_LEVEL), zstandard.ZstdDecompressor())
    return _codecs.zstd


def compress(body: bytes, compression: str) -> bytes:
    if compression == "zstd":
        return _zstd()[0].compress(body)
    if compression == "zlib":
        return zlib.compress(body, 6)
    raise StoreError(f"unknown compression {compression!r}")


def decompress(content: bytes, compression: str | None) -> bytes:
    """A raw_pages row's body: COMPRESSION is its `compression` column (empty: stored as is)."""
    if compression == "zstd":
        return _zstd()[1].decompress(content)
    if compression == "zlib":
        return zlib.decompress(content)
    if not compression:
        return content
    raise StoreError(f"raw page compressed with an unknown method: {compression!r}")


class Bodies(Part):
    def put(self, body: bytes, encoding: str | None, content_type: str | None) -> tuple[str, bool]:
        """(sha256, whether the body was new)."""
        sha = body_hash(body)
        exists = self.db.execute("SELECT 1 FROM raw_pages WHERE sha256 = ?", [sha]).fetchone()
        if not exists:
            method = WRITE_COMPRESSION
            self.insert("raw_pages", {"sha256": sha, "content": compress(body, method), "compression": method,
                                      "encoding": encoding, "content_type": content_type, "size": len(body)})
        return sha, not exists

    def get(self, sha256: str) -> bytes:
        row = self.db.execute("SELECT content, compression FROM raw_pages WHERE sha256 = ?", [sha256]).fetchone()
        if row is None:
            raise StoreError(f"raw page {sha256} is missing")
        return decompress(row[0], row[1])
